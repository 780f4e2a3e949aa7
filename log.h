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
void rfc3339_now(char *out, size_t size, bool nanos);

#endif
