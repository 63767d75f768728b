#ifndef CPLZSTD_SHIM_H
#define CPLZSTD_SHIM_H
#include <zstd.h>
#endif
