/* log.h - the one error path (fail, failx: recorded once where it happens, printed
 * once by main) and the log (warn, debug; --log, --log-format). */
#ifndef GRID_LOG_H
#define GRID_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_format { LOG_TEXT, LOG_JSON };
void log_setup(const char *path, enum log_format fmt, bool debug);
/* Record the error once, where it happens; main prints it once. With
 * errno_val != 0 the lowercase errno text is appended ("...: permission denied"). */
int fail(int errno_val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *last_error(void);
void clear_error(void);
void set_error_text(const char *text);
void report_error(void);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errtext(int e); /* strerror, first letter lowercase */
void rfc3339_now(char *out, size_t size, bool nanos);

#endif
