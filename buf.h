/* buf.h - a growing text buffer, and JSON strings written into it (buf.c). */
#ifndef GRID_BUF_H
#define GRID_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_json_str(struct buf *b, const char *s);
void buf_free(struct buf *b);

#endif
