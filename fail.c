/* fail.c - Grid's one error path: a failing function records what failed
 * once, where it happens, with fail() or failx() and returns -1; callers pass
 * the -1 up (or prefix the message with what they know); main prints it once
 * (log.c's report_error). A child process sends it to the runtime as its own
 * (proto.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"

static char error_msg[1024];

const char *errtext(int e)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] += 'a' - 'A';
	return buf;
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
