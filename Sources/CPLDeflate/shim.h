#ifndef CPLDEFLATE_SHIM_H
#define CPLDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
