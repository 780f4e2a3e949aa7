/* fail.h - the one error path (fail.c): recorded once where it happens,
 * printed once by main. */
#ifndef GRID_FAIL_H
#define GRID_FAIL_H

/* Record the error once, where it happens; return -1. With errno_val != 0
 * the lowercase errno text is appended ("...: permission denied"), and errno
 * is left set to it. */
int fail(int errno_val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *last_error(void);
void clear_error(void);
void set_error_text(const char *text);
const char *errtext(int e); /* strerror, first letter lowercase */

#endif
