/* util.h - the cleanup idiom, memory, and smaller stand-ins for musl's qsort,
 * strstr, realpath and clock_gettime; hexval, le_read (util.c). */
#ifndef GRID_UTIL_H
#define GRID_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* The one cleanup idiom: a variable declared
 *	cleanup_fd int fd = -1;	cleanup_free char *p = NULL;
 * is closed or freed wherever its scope is left (errno kept); steal_fd and
 * steal_ptr hand it on instead, leaving -1 or NULL behind. Types that own
 * more (struct buf, struct spec, struct json, struct state) have their own
 * cleanup_X next to their free function. */
void close_fdp(int *fd); /* also closes early: *fd is -1 after */
void free_p(void *p);
#define cleanup_fd __attribute__((cleanup(close_fdp)))
#define cleanup_free __attribute__((cleanup(free_p)))
int steal_fd(int *fd);
#define steal_ptr(pp) __extension__({ __typeof__(*(pp)) p_ = *(pp); *(pp) = NULL; p_; })

/* Memory: every allocation is an arena's or goes through mem_grow. Out of
 * memory is an error like any other: recorded (ENOMEM, the size), NULL
 * returned, the caller's cleanup undoes the rest; Grid never aborts. */
void *mem_grow(void *p, size_t n, size_t size); /* realloc(p, n * size), overflow checked; p kept on failure */
void *mem_zero(size_t n, size_t size);          /* calloc(n, size) */

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *str_find(const char *haystack, const char *needle);
/* realpath(path, out) for an existing path; out holds PATH_MAX bytes */
int real_path(const char *path, char *out);
/* Grid is one thread, so it forks with _Fork (no atfork handlers, no libc
 * locks to take): musl's fork brings its rwlocks, timed waits and vDSO
 * clock lookup, 2 KB. Likewise setrlimit (prlimit) and the set*id calls (raw
 * syscalls) skip musl's run-on-every-thread machinery. */
struct timespec;
/* clock_gettime as a plain syscall, without musl's vDSO lookup (700 bytes):
 * Grid reads the clock a few times a command */
void clock_now(int clock, struct timespec *ts);
int hexval(char c); /* 0-15, or -1 */
uint64_t le_read(const unsigned char *p, int n); /* n bytes, little-endian (superblocks) */
/* strtoull and strtoll in base 10, as the C library's: leading spaces and a
 * sign, *end after the digits (s itself when there are none), ERANGE and the
 * limit on overflow; without musl's general number scanner (1.5 KB). */
unsigned long long dec_ull(const char *s, char **end);
long long dec_ll(const char *s, char **end);

#endif
