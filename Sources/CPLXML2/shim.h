#ifndef CPLXML2_SHIM_H
#define CPLXML2_SHIM_H
// Debian's libxml2 headers pull in the system ICU, which clashes with Foundation's.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer, which Swift 6 rejects as shared mutable state.
static inline void cpl_xml_free(void *p) { xmlFree(p); }
#endif
