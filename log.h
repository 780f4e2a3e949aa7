/* log.h - the log (log.c): warn, debug, --log, --log-format, and the
 * error main reports (report_error). */
#ifndef GRID_LOG_H
#define GRID_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_format { LOG_TEXT, LOG_JSON };
void log_setup(const char *path, enum log_format fmt, bool debug);
/* Prints the recorded error (fail.h) once: stderr and the log. */
void report_error(void);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct timespec;
/* A time as RFC 3339 in UTC: 2006-01-02T15:04:05[.999999999]Z */
void rfc3339(char *out, size_t size, const struct timespec *ts, bool nanos);
void rfc3339_now(char *out, size_t size, bool nanos);

#endif
