#ifndef CPLZLIB_SHIM_H
#define CPLZLIB_SHIM_H
#include <zlib.h>
#endif
