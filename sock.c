/* sock.c - fds passed over unix sockets (SCM_RIGHTS): the terminal's master
 * to the runtime and to --console-socket, namespace and mount fds between
 * the runtime and the init, the seccomp listener. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sock.h"

int send_fd(int sock, int fd, const char *payload)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)payload, strlen(payload) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof cbuf };
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof cbuf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return fail(errno, "send the terminal");
	return 0;
}

/* Receives one message; *fd is set if it carried one (else -1). */
int recv_fd(int sock, char *buf, size_t size, int *fd)
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
		return fail(errno, "read from the container's init");
	buf[n] = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return n;
}

/* A stream socket connected to the unix socket at path (close-on-exec);
 * errors name `what` (the option or field that gave the path). */
int unix_connect(const char *path, const char *what)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!path || strlen(path) >= sizeof sa.sun_path)
		return failx("%s: missing or too long for a unix socket", what);
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(errno, "%s: socket", what);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		return fail(e, "%s %s: connect", what, path);
	}
	return fd;
}
