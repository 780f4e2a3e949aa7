/* tty.c - the container's terminal: a pty allocated inside the container's
 * own devpts, its slave (TIOCGPTPEER) made the init's controlling terminal
 * and bound over /dev/console, its master handed over unix sockets to the
 * runtime, then to --console-socket. (`run`'s foreground proxy of the
 * master is container.c's wait_container.) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "fail.h"
#include "mount.h"
#include "sock.h"
#include "spec.h"
#include "tty.h"
#include "util.h"

/* The pty over /dev/console, an entry made or found in the container's /dev
 * and opened without following a symlink there: a rootfs whose
 * /dev/console is a symlink (to /proc/sysrq-trigger, say) must not get the
 * pty mounted elsewhere (CVE-2025-52565). */
static int bind_console(int slave, const char *name)
{
	cleanup_fd int dev = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_fd int fd = -1;
	struct stat st;

	if (dev < 0)
		return fail(errno, "open /dev in the container");
	/* made if missing; an entry there already is left as it is */
	fd = openat(dev, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	close_fdp(&fd);
	fd = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open /dev/console in the container");
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
		return failx("bind %s on /dev/console: /dev/console is not a file or device in the rootfs", name);
	return bind_fd(slave, fd, "the terminal on /dev/console");
}

int tty_create(const struct spec *s, bool console, int *master)
{
	char name[64];
	cleanup_fd int m = -1;
	cleanup_fd int slave = -1;
	int n, unlock = 0;

	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return fail(errno, "open /dev/ptmx in the container (is devpts mounted on /dev/pts?)");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0 || ioctl(m, TIOCGPTN, &n) < 0)
		return fail(errno, "unlock pty");
	snprintf(name, sizeof name, "/dev/pts/%d", n);
	/* the master's own peer, not whatever /dev/pts/N names in the rootfs */
	slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return fail(errno, "open %s", name);
	if (s->proc.console_height || s->proc.console_width) {
		struct winsize ws = { .ws_row = s->proc.console_height, .ws_col = s->proc.console_width };
		ioctl(slave, TIOCSWINSZ, &ws);
	}
	if (console && bind_console(slave, name) < 0)
		return -1;
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return fail(errno, "make %s the controlling terminal", name);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return fail(errno, "dup %s", name);
	if (slave <= 2)
		steal_fd(&slave); /* it is one of 0, 1, 2 now */
	*master = steal_fd(&m);
	return 0;
}

int console_socket_send(const char *path, int master)
{
	int s = unix_connect(path, "--console-socket", 0), ret;

	if (s < 0)
		return -1;
	ret = sock_send(s, "/dev/ptmx", 9, master);
	if (ret < 0)
		fail(errno, "--console-socket %s: send the terminal", path);
	close(s);
	return ret;
}
