/* exe.c - keeps the runtime's own binary out of the container's reach
 * (CVE-2019-5736). Every process Grid runs inside a container, and every
 * program it execs there, can name Grid's binary: a `#!/proc/self/exe`
 * script exec'd by the init, `grid exec` or a hook runs /proc/self/exe of
 * the exec'ing process, a fresh dumpable Grid whose /proc/PID/exe the
 * container then opens and, once it has exited, writes through. So before
 * create, run or exec go near a container, Grid re-executes itself from a
 * file that cannot be written: the binary on a detached, read-only bind
 * mount of its own (no copy: the pages stay the page cache's; no host mount:
 * the clone is in no namespace and goes away with its last user), or where
 * that is not allowed (no CAP_SYS_ADMIN, Linux < 5.12) a sealed memfd copy,
 * as runc 1.1 and crun do. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exe.h"
#include "fail.h"
#include "kernel.h"
#include "util.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* Is `path` (/proc/self/exe, or /proc/self/fd/N) such a file? A detached
 * mount's file reads back as "/" (it has no path in any namespace), a memfd
 * as "/memfd:...". */
static bool sealed_file(const char *path)
{
	char link[64];
	ssize_t n = readlink(path, link, sizeof link - 1);
	struct statvfs sv;
	int fd, seals;

	if (n <= 0)
		return false;
	link[n] = 0;
	if (!strcmp(link, "/"))
		return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
	if (strncmp(link, "/memfd:", 7))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	return seals >= 0 && (seals & SEALS) == SEALS;
}

/* The re-executed binary must pass the same test, or we would loop. */
static bool fd_sealed(int fd)
{
	char path[32];

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return sealed_file(path);
}

static int exe_bind_readonly(void)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	cleanup_fd int fd = syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof a) < 0)
		return -1;
	return steal_fd(&fd);
}

static int exe_memfd_copy(void)
{
	cleanup_fd int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cleanup_fd int fd = -1;
	struct stat st;
	off_t off = 0;

	if (src < 0 || fstat(src, &st) < 0)
		goto bad;
	fd = syscall(SYS_memfd_create, "grid", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto bad;
	while (off < st.st_size)
		if (sendfile(fd, src, &off, st.st_size - off) <= 0)
			goto bad;
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		goto bad;
	return steal_fd(&fd);
bad:
	return fail(errno, "protect the runtime's binary: copy /proc/self/exe to a sealed memfd");
}

int exe_protect(char **argv)
{
	int fd;

	if (sealed_file("/proc/self/exe"))
		return 0;
	fd = exe_bind_readonly();
	if (fd >= 0 && !fd_sealed(fd)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		fd = exe_memfd_copy();
	if (fd >= 0 && !fd_sealed(fd)) {
		close(fd);
		return failx("protect the runtime's binary: the sealed copy does not read back as sealed");
	}
	if (fd < 0)
		return -1;
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	close(fd);
	return fail(errno, "protect the runtime's binary: re-execute it (execveat)");
}
