/* notify.c - NOTIFY_SOCKET (sd_notify) through the container: a service
 * manager (systemd's Type=notify, podman --sdnotify=container) that gave
 * Grid a NOTIFY_SOCKET learns when the container's program is ready. As
 * with runc and crun, the program gets a socket of the runtime's own (never
 * the host's), bound at /run/notify/notify.sock; `start` (and `run`) waits
 * for its READY=1 and passes READY=1 with MAINPID on to the host's socket. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "fail.h"
#include "fs.h"
#include "log.h"
#include "mountopt.h"
#include "notify.h"
#include "sock.h"
#include "spec.h"
#include "util.h"

#define NOTIFY_DIR "/run/notify"

static const char *host_socket(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s ? s : NULL;
}

int notify_prepare(struct spec *s, const char *dir)
{
	char path[PATH_MAX];
	struct mount m = {
		.destination = NOTIFY_DIR,
		.flags = MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		.bind = true,
	};

	if (!host_socket() || !s->has_process)
		return 0;
	if (path_fmt(path, sizeof path, "%s/notify", dir) < 0)
		return -1;
	if (mkdir(path, 0755) < 0)
		return fail(errno, "NOTIFY_SOCKET: mkdir %s", path);
	m.source = arena_strndup(&s->arena, path, strlen(path));
	if (!m.source || spec_add_mount(s, &m) < 0)
		return -1;
	return spec_set_env(s, "NOTIFY_SOCKET=" NOTIFY_DIR "/notify.sock");
}

int notify_listen(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	cleanup_fd int fd = -1;

	if (!host_socket())
		return -2;
	if (path_fmt(path, sizeof path, "%s/notify", dir) < 0)
		return -1;
	if (stat(path, &st) < 0) {
		debug("NOTIFY_SOCKET: create set up no socket (%s)", strerror(errno));
		return -2;
	}
	if (path_fmt(path, sizeof path, "%s/notify/notify.sock", dir) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(errno, "NOTIFY_SOCKET: unlink %s", path);
	fd = unix_socket(path, SOCK_DGRAM, true, "NOTIFY_SOCKET");
	/* the program may run as any user of the container's */
	if (fd >= 0 && chmod(path, 0777) < 0)
		return fail(errno, "NOTIFY_SOCKET: chmod %s", path);
	return steal_fd(&fd);
}

/* Does the message hold the line READY=1? */
static bool ready(const char *msg)
{
	for (const char *l = msg; l;) {
		if (!strncmp(l, "READY=1", 7) && (l[7] == '\n' || !l[7]))
			return true;
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return false;
}

static int send_ready(pid_t mainpid)
{
	char msg[64];
	int n = snprintf(msg, sizeof msg, "READY=1\nMAINPID=%d\n", (int)mainpid);
	cleanup_fd int fd = unix_socket(host_socket(), SOCK_DGRAM, false, "NOTIFY_SOCKET");

	if (fd >= 0 && send(fd, msg, (size_t)n, 0) < 0)
		return fail(errno, "NOTIFY_SOCKET: send READY=1 to %s", host_socket());
	return fd < 0 ? -1 : 0;
}

int notify_forward(int fd, pid_t pid, pid_t mainpid)
{
	cleanup_fd int sock = fd;
	cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	char msg[4096];

	if (pidfd < 0)
		return fail(errno, "NOTIFY_SOCKET: the container's process %d", (int)pid);
	for (;;) {
		struct pollfd p[2] = { { sock, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(errno, "NOTIFY_SOCKET: poll");
		}
		if (p[0].revents & POLLIN) {
			n = recv(sock, msg, sizeof msg - 1, MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return fail(errno, "NOTIFY_SOCKET: recv");
			if (n < 0)
				continue;
			msg[n] = 0;
			if (ready(msg))
				return send_ready(mainpid);
			continue;
		}
		if (p[1].revents) {
			warn("NOTIFY_SOCKET: the container's program ended before it sent READY=1");
			return 0;
		}
	}
}
