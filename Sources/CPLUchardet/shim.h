#ifndef CPLUCHARDET_SHIM_H
#define CPLUCHARDET_SHIM_H
// pkg-config's include path is the uchardet folder itself.
#include <uchardet.h>
#endif
