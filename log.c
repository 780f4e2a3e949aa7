/* log.c - Grid's single error path and its log (--log, --log-format, --debug).
 * A failing function records what failed once with fail(); main() prints it
 * once, to stderr and to the log file, as text or as one JSON object a line. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

static char error_msg[1024];
static int log_fd = -1;
static enum log_format log_fmt = LOG_TEXT;
static bool log_debug;

const char *errtext(int e)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] += 'a' - 'A';
	return buf;
}

void rfc3339_now(char *out, size_t size, bool nanos)
{
	struct timespec ts;
	struct tm tm;
	char base[72]; /* room for any int in each field; a date takes 19 */

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(base, sizeof base, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (nanos)
		snprintf(out, size, "%s.%09ldZ", base, ts.tv_nsec);
	else
		snprintf(out, size, "%sZ", base);
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
	struct buf b = { 0 };
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
	if (b.p && write(log_fd, b.p, b.len) < 0) {
		/* nowhere left to report a failing log */
	}
	buf_free(&b);
}

static int vfail(int e, const char *fmt, va_list ap)
{
	char msg[sizeof error_msg]; /* the arguments may be the last error itself */
	size_t n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	if (e)
		snprintf(msg + n, sizeof msg - n, ": %s", errtext(e));
	memcpy(error_msg, msg, sizeof msg);
	errno = e;
	return -1;
}

int fail(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(e, fmt, ap);
	va_end(ap);
	return -1;
}

int failx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(0, fmt, ap);
	va_end(ap);
	return -1;
}

const char *last_error(void)
{
	return error_msg;
}

void clear_error(void)
{
	error_msg[0] = 0;
}

void set_error_text(const char *text)
{
	snprintf(error_msg, sizeof error_msg, "%s", text);
}

void report_error(void)
{
	const char *msg = error_msg[0] ? error_msg : "unknown error";

	fprintf(stderr, "grid: %s\n", msg);
	log_line("error", msg);
}

void warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* with --log, as runc: a client hands us the container's stdio, and a
	 * warning there would end up in the container's output (docker logs) */
	if (log_fd >= 0)
		log_line("warning", msg);
	else
		fprintf(stderr, "grid: warning: %s\n", msg);
}

void debug(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (log_fd >= 0)
		log_line("debug", msg);
	else
		fprintf(stderr, "grid: debug: %s\n", msg);
}
