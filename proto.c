/* proto.c - the runtime <-> init protocol: how create, exec and the write
 * layer's helper talk to the processes they fork (the kinds in proto.h, the
 * order in docs/internals.md). Built on sock.c's fd passing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"
#include "proto.h"
#include "sock.h"

int msg_send(int sock, enum msg_kind kind, const char *text, int fd)
{
	char buf[sizeof ((struct msg *)0)->text + 1];
	size_t len = text ? strnlen(text, sizeof buf - 2) : 0;

	buf[0] = (char)kind;
	if (len)
		memcpy(buf + 1, text, len);
	if (sock_send(sock, buf, len + 1, fd) < 0)
		return fail(errno, "talk to the container's init");
	return 0;
}

int msg_send_num(int sock, enum msg_kind kind, long num)
{
	char text[24];

	snprintf(text, sizeof text, "%ld", num);
	return msg_send(sock, kind, text, -1);
}

void msg_send_error(int sock)
{
	msg_send(sock, MSG_ERROR, last_error(), -1);
}

int msg_recv(int sock, struct msg *m)
{
	char buf[sizeof m->text + 1];
	int n = sock_recv(sock, buf, sizeof buf, &m->fd);

	if (n < 0)
		return fail(errno, "read from the container's init");
	if (n == 0)
		return 0;
	m->kind = (enum msg_kind)(unsigned char)buf[0];
	memcpy(m->text, buf + 1, n); /* buf is NUL-terminated at n */
	m->num = atol(m->text);
	if (m->fd >= 0 && m->kind != MSG_TERMINAL && m->kind != MSG_READY) {
		close(m->fd);
		m->fd = -1;
	}
	if (m->kind == MSG_ERROR) {
		set_error_text(m->text);
		return -1;
	}
	return 1;
}

int msg_expect(int sock, enum msg_kind want, struct msg *m)
{
	int n = msg_recv(sock, m);

	if (n == 0)
		return failx("container init exited during setup");
	if (n > 0 && m->kind != want) {
		if (m->fd >= 0)
			close(m->fd);
		return failx("unexpected message from the container's init");
	}
	return n < 0 ? -1 : 0;
}
