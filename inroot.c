/* inroot.c - paths inside the container's rootfs, resolved race-free for
 * mounting (CVE-2021-30465 and friends). A mount destination is opened with
 * openat2(RESOLVE_IN_ROOT), so that symlinks and ".." resolve with the rootfs
 * as "/", missing components are made with mkdirat on directories opened
 * that way, and the mount goes on the opened inode through /proc/self/fd/N:
 * a process that swaps a component for a symlink between our check and the
 * mount cannot redirect it outside the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fail.h"
#include "fs.h"
#include "inroot.h"
#include "kernel.h"
#include "util.h"

static int openat2_retry(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = resolve };
	int fd;

	do
		fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

/* O_PATH of `path` under rootfd, or -1 with errno. */
static int open_in(int rootfd, const char *path, int flags)
{
	return openat2_retry(rootfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

int inroot_find(int rootfd, const char *path)
{
	return open_in(rootfd, path, O_PATH);
}

int inroot_open_file(const char *path)
{
	cleanup_fd int root = open("/", O_PATH | O_CLOEXEC), fd = -1;
	struct stat st;

	if (root < 0 || (fd = open_in(root, path, O_RDONLY | O_NONBLOCK | O_NOCTTY)) < 0 || fstat(fd, &st) < 0)
		return -1;
	return S_ISREG(st.st_mode) ? steal_fd(&fd) : -1;
}

bool inroot_supported(void)
{
	int fd = open_in(AT_FDCWD, "/", O_PATH);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno != ENOSYS;
}

/* The prefix of `path` made of its first `n` components, into out. */
static int prefix(const char *path, size_t n, char *out, size_t size, const char **last)
{
	const char *p = path, *start = path;
	size_t k = 0;

	while (*p == '/')
		p++;
	for (; k < n; k++) {
		start = p;
		p = strchrnul(p, '/');
		while (*p == '/')
			p++;
	}
	*last = start;
	return path_fmt(out, size, "/%.*s", (int)(p - path), path);
}

static size_t count_components(const char *path)
{
	size_t n = 0;

	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		n++;
		p = strchrnul(p, '/');
	}
	return n;
}

/* Opens `path` inside rootfd (O_PATH), making what is missing: directories,
 * and the last component as an empty file when `file`. A dangling symlink is
 * followed inside the rootfs and its target made, as a container would see it. */
int inroot_open(int rootfd, const char *dest, bool file)
{
	char path[PATH_MAX], part[PATH_MAX], link[PATH_MAX];
	int links = 0;

	if (path_fmt(path, sizeof path, "%s", dest) < 0)
		return -1;
restart:;
	size_t n = count_components(path);
	int fd = open_in(rootfd, path, O_PATH);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : fail(errno, "open %s in the rootfs", dest);
	for (size_t i = 1; i <= n; i++) {
		const char *comp, *rest;
		char name[NAME_MAX + 1], parent[PATH_MAX];
		int pfd, ret;
		struct stat st;

		if (prefix(path, i, part, sizeof part, &comp) < 0)
			return -1;
		fd = open_in(rootfd, part, O_PATH);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return fail(errno, "open %s in the rootfs", part);
		/* part's parent exists: make the component in it */
		if (path_fmt(name, sizeof name, "%.*s", (int)(strchrnul(comp, '/') - comp), comp) < 0)
			return -1;
		rest = comp + strlen(name); /* "" or "/..." */
		if (prefix(path, i - 1, parent, sizeof parent, &comp) < 0)
			return -1;
		pfd = open_in(rootfd, parent, O_PATH | O_DIRECTORY);
		if (pfd < 0)
			return fail(errno, "open %s in the rootfs", parent);
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			ssize_t len = readlinkat(pfd, name, link, sizeof link - 1);
			close(pfd);
			if (len < 0 || ++links > 40)
				return fail(len < 0 ? errno : ELOOP, "%s", dest);
			link[len] = 0;
			/* the rest of the path, now under the link's target */
			if (path_fmt(part, sizeof part, "%s/%s%s", link[0] == '/' ? "" : parent, link, rest) < 0)
				return -1;
			snprintf(path, sizeof path, "%s", part);
			goto restart;
		}
		if (i == n && file) {
			ret = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (ret >= 0)
				close(ret);
		} else {
			ret = mkdirat(pfd, name, 0755);
		}
		close(pfd);
		if (ret < 0 && errno != EEXIST)
			return fail(errno, "create %s in the rootfs", part);
	}
	fd = open_in(rootfd, path, O_PATH);
	return fd >= 0 ? fd : fail(errno, "open %s in the rootfs", dest);
}

/* The mount id of an open file, from /proc/self/fdinfo. */
static int mnt_id(int fd, long *out)
{
	char path[64], *text, *p;
	size_t len;

	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	if (read_file(path, &text, &len, 4096) < 0)
		return -1;
	p = str_find(text, "mnt_id:");
	*out = p ? (int)dec_ll(p + 7, NULL) : -1;
	free(text);
	return p ? 0 : failx("%s: no mnt_id", path);
}

/* After a mount on fd (the covered inode): the new mount's root, found by
 * resolving `dest` again inside rootfd; refused if what is there now is not
 * a different mount (someone swapped the path meanwhile). */
int inroot_mounted(int rootfd, const char *dest, int fd)
{
	long before, after;
	cleanup_fd int top = open_in(rootfd, dest, O_PATH);

	if (top < 0)
		return fail(errno, "open %s in the rootfs after mounting", dest);
	if (mnt_id(fd, &before) < 0 || mnt_id(top, &after) < 0)
		return -1;
	if (before == after)
		return failx("mount destination %s changed while mounting", dest);
	return steal_fd(&top);
}

/* process.cwd, entered once we are inside the container's root (after
 * pivot_root, or setns into its mount namespace) and are its user: resolved
 * without magic links, so that neither /proc/self/fd/N of a host directory
 * we hold nor /proc/PID/cwd can lead outside; and then the kernel must agree
 * that the cwd is under the root (CVE-2024-21626). */
int inroot_chdir(const char *cwd)
{
	char buf[PATH_MAX];
	int fd = openat2_retry(AT_FDCWD, cwd, O_PATH | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);

	if (fd < 0 && errno == ENOSYS) {
		if (chdir(cwd) < 0)
			return fail(errno, "process.cwd %s", cwd);
	} else if (fd < 0) {
		return fail(errno == EXDEV || errno == ELOOP ? EXDEV : errno, "process.cwd %s", cwd);
	} else {
		int ret = fchdir(fd);
		close_fdp(&fd); /* keeps errno */
		if (ret < 0)
			return fail(errno, "process.cwd %s", cwd);
	}
	/* the raw syscall: it returns "(unreachable)/..." where a libc may not */
	if (syscall(SYS_getcwd, buf, sizeof buf) < 0 || buf[0] != '/')
		return failx("process.cwd %s: outside the container's root", cwd);
	return 0;
}

/* Opens /proc/<rel> of the container's procfs for writing, refusing a
 * /proc that is not procfs and any mount on the way: a mount (or a rootfs
 * symlink that steered a mount destination into /proc) over
 * /proc/self/attr/exec would have a label written elsewhere, or a procfs
 * file such as core_pattern bound there written (CVE-2025-52881). */
int inroot_proc_open(const char *rel, int flags)
{
	cleanup_fd int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	int fd;

	if (proc < 0)
		return fail(errno, "open /proc");
	if (fstatfs(proc, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
		return failx("/proc/%s: /proc is not procfs", rel);
	fd = openat2_retry(proc, rel, flags, RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ENOSYS)
		fd = openat(proc, rel, flags | O_CLOEXEC);
	return fd < 0 ? fail(errno, "open /proc/%s", rel) : fd;
}

