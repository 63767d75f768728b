#ifndef CPLARCHIVE_SHIM_H
#define CPLARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/// File-type macros that Swift cannot import because they cast.
static inline unsigned int cpl_archive_type_regular(void) { return AE_IFREG; }
static inline unsigned int cpl_archive_type_directory(void) { return AE_IFDIR; }
#endif
