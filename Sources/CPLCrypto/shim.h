#ifndef CPLCRYPTO_SHIM_H
#define CPLCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/sha.h>
#endif
