/* fmt.c - printf's formatting, for what Grid's format strings ask: %s %c %d
 * %i %u %x %X %% with the flags - and 0, a width (digits or *), a precision
 * for %s (digits or *) and the lengths l, ll and z; a NULL %s is "(null)".
 * In the static binary it is vfprintf, which musl's printf, fprintf, snprintf,
 * vsnprintf and dprintf call: musl's own, with the floating point and
 * positional arguments Grid never formats, is then not linked (9 KB).
 *
 * Anything else (%f, %p, %n, a + # or space flag, a precision on a number, h
 * or j) ends the formatting: the rest of the format is written as it stands,
 * and no argument is read as a type it is not. The output is gathered in a
 * buffer of 256 bytes for fwrite: a line to the unbuffered stderr is one
 * write, and any FILE works, vsnprintf's included. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"

struct out {
	FILE *f;
	size_t len, total; /* in buf; written in all */
	bool failed;
	char buf[256];
};

static void flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->failed = true;
	o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	o->total += n;
	if (o->len + n > sizeof o->buf)
		flush(o);
	if (n > sizeof o->buf) {
		if (fwrite(s, 1, n, o->f) != n)
			o->failed = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void pad(struct out *o, char c, size_t n)
{
	while (n--)
		put(o, &c, 1);
}

/* v's digits, in hex for x and X, written backwards to end; returns their start */
static char *digits(char *end, unsigned long long v, char conv)
{
	const char *set = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = conv == 'x' || conv == 'X' ? 16 : 10;

	do
		*--end = set[v % base];
	while (v /= base);
	return end;
}

int fmt_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct out o = { .f = f };

	for (const char *p = fmt, *start; *p; p++) {
		bool left = false, zero = false, neg = false, num = false;
		size_t width = 0, prec = SIZE_MAX, n;
		char tmp[24], *end = tmp + sizeof tmp, size = 0;
		const char *s;

		if (*p != '%') {
			n = strchrnul(p, '%') - p;
			put(&o, p, n);
			p += n - 1;
			continue;
		}
		for (start = p++; *p == '-' || *p == '0'; p++) {
			left |= *p == '-';
			zero |= *p == '0';
		}
		if (*p == '*') {
			int w = va_arg(ap, int);
			left |= w < 0;
			width = w < 0 ? -(unsigned)w : (unsigned)w;
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		if (*p == '.') {
			prec = 0;
			if (*++p == '*') {
				int pr = va_arg(ap, int);
				prec = pr < 0 ? SIZE_MAX : (size_t)pr; /* as if none, as C says */
				p++;
			}
			for (; *p >= '0' && *p <= '9'; p++)
				prec = prec * 10 + (*p - '0');
		}
		if (*p == 'z' || *p == 'l')
			size = *p++;
		if (size == 'l' && *p == 'l')
			size = 'L', p++; /* ll */

		if (*p == '%' && p == start + 1) {
			s = "%", n = 1;
		} else if (*p == 's' && !size) {
			s = va_arg(ap, const char *);
			s = s ? s : "(null)";
			n = strnlen(s, prec);
		} else if (*p == 'c' && !size && prec == SIZE_MAX) {
			tmp[0] = (char)va_arg(ap, int);
			s = tmp, n = 1;
		} else if ((*p == 'd' || *p == 'i') && prec == SIZE_MAX) {
			long long v = size == 'l' ? va_arg(ap, long) : size == 'L' ? va_arg(ap, long long)
				: size == 'z' ? va_arg(ap, ssize_t) : va_arg(ap, int);
			num = true, neg = v < 0;
			s = digits(end, neg ? -(unsigned long long)v : (unsigned long long)v, *p);
			n = end - s;
		} else if (*p && strchr("uxX", *p) && prec == SIZE_MAX) {
			unsigned long long v = size == 'l' ? va_arg(ap, unsigned long)
				: size == 'L' ? va_arg(ap, unsigned long long)
				: size == 'z' ? va_arg(ap, size_t) : va_arg(ap, unsigned);
			num = true;
			s = digits(end, v, *p);
			n = end - s;
		} else {
			put(&o, start, strlen(start));
			break;
		}
		/* zeros go between the sign and the digits, and only for numbers */
		zero = zero && num && !left;
		width = width > n + neg ? width - n - neg : 0;
		if (!left && !zero)
			pad(&o, ' ', width);
		put(&o, "-", neg);
		if (zero)
			pad(&o, '0', width);
		put(&o, s, n);
		if (left)
			pad(&o, ' ', width);
	}
	flush(&o);
	if (o.failed)
		return -1;
	if (o.total > INT_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return o.total;
}

#ifndef __GLIBC__
/* musl's vfprintf, in the static link: its printf family calls this one */
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	return fmt_vfprintf(f, fmt, ap);
}
#endif
