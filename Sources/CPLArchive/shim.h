#ifndef CPLARCHIVE_SHIM_H
#define CPLARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/// File-type macros that Swift cannot import because they cast.
static inline unsigned int cpl_archive_type_regular(void) { return AE_IFREG; }
static inline unsigned int cpl_archive_type_directory(void) { return AE_IFDIR; }
static inline unsigned int cpl_archive_type_symlink(void) { return AE_IFLNK; }

/// `archive_set_error` is variadic, which Swift cannot call: a fixed message, passed as data.
static inline void cpl_archive_set_error(struct archive *a, int code, const char *message) {
  archive_set_error(a, code, "%s", message);
}
#endif
