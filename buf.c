/* buf.c - a growing text buffer for what Grid writes (state and list JSON,
 * logs, resources documents), JSON strings escaped as RFC 8259 asks.
 * Appends do not fail one by one: out of memory marks the buffer, and whoever
 * uses it asks buf_check once (util.h has the policy). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fail.h"
#include "util.h"

/* Room for n more bytes and the NUL; false once memory ran out. */
static bool reserve(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->failed || n > ((size_t)-1 >> 2) - b->len)
		return !(b->failed = true);
	if (b->len + n < b->cap)
		return true;
	while (cap <= b->len + n)
		cap *= 2;
	p = mem_grow(b->p, cap, 1);
	if (!p)
		return !(b->failed = true);
	b->p = p;
	b->cap = cap;
	return true;
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[512]; /* most lines: formatted once, then copied */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_add(b, tmp, n);
		return;
	}
	if (!reserve(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

int buf_check(const struct buf *b)
{
	return b->failed ? fail(ENOMEM, "format the output") : 0;
}

int buf_print(const struct buf *b)
{
	if (buf_check(b) < 0)
		return -1;
	if (b->p)
		fputs(b->p, stdout);
	return 0;
}

void buf_json_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			char e[2] = { '\\', *p };
			buf_add(b, e, 2);
		} else if (*p < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", *p);
			buf_add(b, e, 6);
		} else {
			buf_add(b, (const char *)p, 1);
		}
	}
	buf_add(b, "\"", 1);
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){ 0 };
}
