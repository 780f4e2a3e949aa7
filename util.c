/* util.c - the cleanup helpers, mem_grow (the policy is in util.h), and
 * small stand-ins for libc routines whose musl versions are larger
 * than what Grid asks of them (about 3.5 KB of the static binary): a heap
 * sort (O(n log n) in the worst case, as the duplicate-key check needs on
 * hostile input), a substring search for short needles, realpath
 * through the kernel's own resolution, the clock as a plain syscall, and a
 * hex digit's value. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"
#include "util.h"

void close_fdp(int *fd)
{
	int e = errno;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = e;
}

void free_p(void *p)
{
	free(*(void **)p);
}

int steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

void *mem_grow(void *p, size_t n, size_t size)
{
	void *q = NULL;

	if (!size || n <= (size_t)-1 / size)
		q = realloc(p, n && size ? n * size : 1);
	if (!q)
		fail(ENOMEM, "allocate %zu x %zu bytes", n, size);
	return q;
}

void *mem_zero(size_t n, size_t size)
{
	void *q = calloc(n ? n : 1, size ? size : 1);

	if (!q)
		fail(ENOMEM, "allocate %zu x %zu bytes", n, size);
	return q;
}

static void swap_bytes(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* moves element i of the heap of n down to where it belongs */
static void sift_down(char *base, size_t i, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	for (size_t child; (child = 2 * i + 1) < n; i = child) {
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + i * size, base + child * size) >= 0)
			return;
		swap_bytes(base + i * size, base + child * size, size);
	}
}

void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	while (n > 1) {
		n--;
		swap_bytes(b, b + n * size, size);
		sift_down(b, 0, n, size, cmp);
	}
}

char *str_find(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}

int real_path(const char *path, char *out)
{
	char link[32];
	int fd = open(path, O_PATH | O_CLOEXEC), e;
	ssize_t n;

	if (fd < 0)
		return -1;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, out, PATH_MAX - 1);
	e = errno;
	close(fd);
	if (n < 0 || n >= PATH_MAX - 1 || out[0] != '/') {
		/* no path in our namespace: a directory removed meanwhile, or /proc missing */
		errno = n < 0 ? e : n >= PATH_MAX - 1 ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	out[n] = 0;
	return 0;
}

int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The magnitude of the decimal number at s after leading spaces and a sign;
 * *end past its digits (s when there are none); *over when it does not fit
 * (ERANGE). */
static unsigned long long dec_parse(const char *s, char **end, bool *neg, bool *over)
{
	const char *p = s;
	unsigned long long v = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*neg = *p == '-';
	p += *p == '-' || *p == '+';
	*over = false;
	if (*p < '0' || *p > '9')
		p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		*over = *over || v > (ULLONG_MAX - d) / 10;
		v = v * 10 + d;
	}
	if (end)
		*end = (char *)p;
	if (*over)
		errno = ERANGE;
	return v;
}

unsigned long long dec_ull(const char *s, char **end)
{
	bool neg, over;
	unsigned long long v = dec_parse(s, end, &neg, &over);

	return over ? ULLONG_MAX : neg ? -v : v;
}

long long dec_ll(const char *s, char **end)
{
	bool neg, over;
	unsigned long long v = dec_parse(s, end, &neg, &over);

	if (over || v > (unsigned long long)LLONG_MAX + neg) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? -(long long)(v - 1) - 1 : (long long)v;
}

void clock_now(int clock, struct timespec *ts)
{
#ifdef SYS_clock_gettime64 /* 32-bit arches: the call with a 64-bit time_t */
	syscall(SYS_clock_gettime64, clock, ts);
#else
	syscall(SYS_clock_gettime, clock, ts);
#endif
}

uint64_t le_read(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}
