/* util.h - smaller stand-ins for musl's qsort, strstr and realpath; hexval (util.c). */
#ifndef GRID_UTIL_H
#define GRID_UTIL_H

#include <stddef.h>

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *str_find(const char *haystack, const char *needle);
/* realpath(path, out) for an existing path; out holds PATH_MAX bytes */
int real_path(const char *path, char *out);
int hexval(char c); /* 0-15, or -1 */

#endif
