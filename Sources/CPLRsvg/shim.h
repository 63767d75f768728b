#ifndef CPLRSVG_SHIM_H
#define CPLRSVG_SHIM_H
#include <librsvg/rsvg.h>
#include <cairo.h>
#include <glib-object.h>

/// GObject casts are macros; Swift sees plain pointers through these helpers.
static inline void cpl_rsvg_unref(void *object) { g_object_unref(object); }
#endif
