/* buf.h - a growing text buffer, and JSON strings written into it (buf.c). */
#ifndef GRID_BUF_H
#define GRID_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* p is NULL until something is added, else NUL-terminated */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;          /* memory ran out: appends since were dropped */
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_json_str(struct buf *b, const char *s);
/* 0, or -1 with the error recorded if an append ran out of memory: asked
 * once by whoever uses the text */
int buf_check(const struct buf *b);
/* Writes the text to stdout: 0, or -1 as buf_check. */
int buf_print(const struct buf *b);
void buf_free(struct buf *b);
#define cleanup_buf __attribute__((cleanup(buf_free)))

#endif
