#ifndef CPLPOPPLER_SHIM_H
#define CPLPOPPLER_SHIM_H
#include <poppler.h>
#include <glib.h>
#include <glib-object.h>
#include <cairo.h>

/// GObject casts are macros; Swift sees plain pointers through these helpers.
static inline void cpl_g_object_unref(void *object) { g_object_unref(object); }
static inline void cpl_g_free(void *p) { g_free(p); }
#endif
