/* fmt.h - printf's formatting for the conversions Grid uses (fmt.c). */
#ifndef GRID_FMT_H
#define GRID_FMT_H

#include <stdarg.h>
#include <stdio.h>

/* vfprintf of %s %c %d %i %u %x %X %% with flags - and 0, a width, a
 * precision for %s, and the lengths l, ll and z (fmt.c has the rest); the
 * count written, or -1 when a write fails or the count passes INT_MAX */
int fmt_vfprintf(FILE *f, const char *fmt, va_list ap);

#endif
