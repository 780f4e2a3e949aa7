/* log.c - Grid's log (--log, --log-format, --debug): warnings, debug lines,
 * and the error main reports once, to stderr and to the log file, as text or
 * as one JSON object a line. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fail.h"
#include "log.h"
#include "util.h"

static int log_fd = -1;
static enum log_format log_fmt = LOG_TEXT;
static bool log_debug;

/* The date is worked out from the day count since 1970-01-01, proleptic
 * Gregorian (the inverse of days-from-civil: eras of 400 years, years that
 * begin in March so that the leap day ends one); musl's gmtime_r is 750
 * bytes for this. */
void rfc3339(char *out, size_t size, const struct timespec *ts, bool nanos)
{
	long long secs = ts->tv_sec, days = secs / 86400, rem = secs % 86400;
	char base[72]; /* room for any number in each field; a date takes 19 */

	if (rem < 0)
		rem += 86400, days--;
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;                                     /* [0, 146096] */
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
	long long mp = (5 * doy + 2) / 153, mon = mp < 10 ? mp + 3 : mp - 9;
	snprintf(base, sizeof base, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", yoe + era * 400 + (mon <= 2), mon,
		 doy - (153 * mp + 2) / 5 + 1, rem / 3600, rem / 60 % 60, rem % 60);
	if (nanos)
		snprintf(out, size, "%s.%09ldZ", base, (long)ts->tv_nsec);
	else
		snprintf(out, size, "%sZ", base);
}

void rfc3339_now(char *out, size_t size, bool nanos)
{
	struct timespec ts;

	clock_now(CLOCK_REALTIME, &ts);
	rfc3339(out, size, &ts, nanos);
}

void log_setup(const char *path, enum log_format fmt, bool debug_on)
{
	log_fmt = fmt;
	log_debug = debug_on;
	if (path && *path) {
		log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			fprintf(stderr, "grid: warning: open log %s: %s\n", path, errtext(errno));
	}
}

static void log_line(const char *level, const char *msg)
{
	cleanup_buf struct buf b = { 0 };
	char now[40];

	if (log_fd < 0)
		return;
	rfc3339_now(now, sizeof now, true);
	if (log_fmt == LOG_JSON) {
		buf_puts(&b, "{\"level\":");
		buf_json_str(&b, level);
		buf_puts(&b, ",\"msg\":");
		buf_json_str(&b, msg);
		buf_puts(&b, ",\"time\":");
		buf_json_str(&b, now);
		buf_puts(&b, "}\n");
	} else {
		buf_printf(&b, "time=\"%s\" level=%s msg=", now, level);
		buf_json_str(&b, msg);
		buf_puts(&b, "\n");
	}
	if (!b.failed && write(log_fd, b.p, b.len) < 0) {
		/* nowhere left to report a failing log (or its lack of memory) */
	}
}

void report_error(void)
{
	const char *msg = last_error()[0] ? last_error() : "unknown error";

	fprintf(stderr, "grid: %s\n", msg);
	log_line("error", msg);
}

/* A warning or debug line: to the log with --log (as runc: a client hands
 * us the container's stdio, and a line there would end up in the
 * container's output, docker logs), else to stderr. */
static void vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_fd >= 0)
		log_line(level, msg);
	else
		fprintf(stderr, "grid: %s: %s\n", level, msg);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap);
	va_end(ap);
}

void debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug)
		return;
	va_start(ap, fmt);
	vlog("debug", fmt, ap);
	va_end(ap);
}
