/* sock.c - unix sockets: records with an fd attached (SCM_RIGHTS), for the
 * runtime <-> init protocol (proto.c), --console-socket and the seccomp
 * listener; connecting to a socket's path. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fail.h"
#include "sock.h"
#include "util.h"

int sock_send(int sock, const void *p, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t off = 0;

	if (fd >= 0) {
		struct cmsghdr *c;
		memset(cbuf, 0, sizeof cbuf);
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof cbuf;
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	do {
		ssize_t n;
		iov = (struct iovec){ (char *)p + off, len - off };
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		off += n;
		msg.msg_control = NULL; /* the fd goes with the first part only */
		msg.msg_controllen = 0;
	} while (off < len);
	return 0;
}

int sock_recv(int sock, char *buf, size_t size, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	buf[n] = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return n;
}

/* A unix socket connected to or bound at path (close-on-exec); errors name
 * `what` (the option or field that gave the path); timeout: SO_SNDTIMEO. */
static int sock_open(const char *path, int type, bool listen, const char *what, int timeout)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = path ? strlen(path) : 0;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	cleanup_fd int fd = -1;

	if (!n || n >= sizeof sa.sun_path)
		return failx("%s: missing or too long for a unix socket", what);
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@') { /* abstract: the name is the bytes after the NUL */
		sa.sun_path[0] = 0;
		len--;
	}
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(errno, "%s: socket", what);
	if (timeout &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval){ timeout, 0 }, sizeof(struct timeval)) < 0)
		return fail(errno, "%s: SO_SNDTIMEO", what);
	if ((listen ? bind(fd, (struct sockaddr *)&sa, len) : connect(fd, (struct sockaddr *)&sa, len)) < 0) {
		if (errno == EAGAIN && timeout)
			return failx("%s %s: connect: not accepted within %d s", what, path, timeout);
		return fail(errno, "%s %s: %s", what, path, listen ? "bind" : "connect");
	}
	return steal_fd(&fd);
}

int unix_socket(const char *path, int type, bool listen, const char *what)
{
	return sock_open(path, type, listen, what, 0);
}

int unix_connect(const char *path, const char *what, int timeout)
{
	return sock_open(path, SOCK_STREAM, false, what, timeout);
}
