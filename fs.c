/* fs.c - small file and directory helpers: bounded reads, atomic writes,
 * mkdir -p, a recursive remove that never follows links or crosses into
 * another mount, a recursive copy (for tmpcopyup), and paths formatted
 * without ever being truncated. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fail.h"
#include "fs.h"
#include "util.h"

int read_file(const char *path, char **out, size_t *len, size_t max)
{
	/* openat: musl's open() follows O_CLOEXEC with an fcntl, for kernels before 2.6.23 */
	cleanup_fd int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(errno, "open %s", path);
	return read_fd(fd, path, out, len, max);
}

int read_small(const char *path, char *buf, size_t size, size_t *len)
{
	cleanup_fd int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return fail(errno, "open %s", path);
	do
		r = read(fd, buf, size);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return fail(errno, "read %s", path);
	/* a regular file's short read is its end: one read, none for the 0 */
	if ((size_t)r == size) {
		errno = EFBIG;
		return -1;
	}
	buf[r] = 0;
	*len = r;
	return 0;
}

int read_fd(int fd, const char *path, char **out, size_t *len, size_t max)
{
	cleanup_free char *buf = NULL;
	/* small: most files Grid reads are, and malloc maps and unmaps a
	 * buffer of 4 KB each time (list reads one per container) */
	size_t cap = 496, n = 0;

	if (!(buf = mem_grow(NULL, cap + 1, 1)))
		return -1;
	for (;;) {
		ssize_t r;
		if (n == cap) {
			char *nb;
			if (cap >= max)
				return failx("read %s: larger than %zu bytes", path, max);
			cap = cap < max / 2 ? cap * 2 : max;
			if (!(nb = mem_grow(buf, cap + 1, 1)))
				return -1;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(errno, "read %s", path);
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = 0;
	*len = n;
	*out = steal_ptr(&buf);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		data += w;
		len -= w;
	}
	return 0;
}

int write_file(const char *path, const char *data, size_t len, int flags, mode_t mode)
{
	cleanup_fd int fd = openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC | flags, mode);

	if (fd < 0)
		return fail(errno, "open %s", path);
	if (write_all(fd, data, len) < 0)
		return fail(errno, "write %s", path);
	/* close's own error is the write's (a cgroup or /proc file refusing the value) */
	if (close(steal_fd(&fd)) < 0)
		return fail(errno, "close %s", path);
	return 0;
}

/* temp file, then rename: a reader sees the old content or the new, never a
 * torn file. No fsync: what is written here (container records, hook
 * snapshots) describes processes that a power cut ends anyway, and a record
 * left empty by one reads as unreadable, which delete --force still removes;
 * the two fsyncs cost 3-5 ms of every create on a disk-backed --root. */
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[256];
	cleanup_fd int fd = -1;

	if (path_fmt(tmp, sizeof tmp, ".%s.tmp", name) < 0)
		return -1;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return fail(errno, "open %s", tmp);
	if (write_all(fd, data, len) < 0)
		fail(errno, "write %s", tmp);
	else if (renameat(dirfd, tmp, dirfd, name) < 0)
		fail(errno, "rename %s", name);
	else
		return 0;
	unlinkat(dirfd, tmp, 0);
	return -1;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof buf)
		return fail(ENAMETOOLONG, "mkdir %s", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == 0) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return fail(errno, "mkdir %s", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int remove_dir_contents(int dfd, dev_t dev, int depth)
{
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (depth > 256)
		return fail(ELOOP, "remove: directory tree too deep");
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return fail(errno, "opendir");
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub;
			if (st.st_dev != dev) {
				ret = fail(EBUSY, "remove %s: a mount is still there", e->d_name);
				continue;
			}
			sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			/* overlayfs leaves work/work mode 000: root walks in anyway,
			 * its owner (rootless) opens it up first */
			if (sub < 0 && errno == EACCES && st.st_uid == geteuid() &&
			    fchmodat(dirfd(d), e->d_name, 0700, 0) == 0)
				sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				ret = fail(errno, "open %s", e->d_name);
				continue;
			}
			if (remove_dir_contents(sub, dev, depth + 1) < 0) {
				ret = -1;
				continue;
			}
			if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) < 0)
				ret = fail(errno, "rmdir %s", e->d_name);
		} else if (unlinkat(dirfd(d), e->d_name, 0) < 0) {
			ret = fail(errno, "unlink %s", e->d_name);
		}
	}
	closedir(d);
	return ret;
}

int remove_tree_at(int dirfd, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(errno, "stat %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0)
			return fail(errno, "unlink %s", name);
		return 0;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open %s", name);
	if (remove_dir_contents(fd, st.st_dev, 0) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return fail(errno, "rmdir %s", name);
	return 0;
}

int remove_tree(const char *path)
{
	return remove_tree_at(AT_FDCWD, path);
}

/* A path built from strings is formatted here, not with snprintf: one that
 * does not fit fails, never truncated (a truncated path names another
 * file). The error shows the path's start; the whole of one can be 4 KB. */
int path_fmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return fail(ENAMETOOLONG, "path %.64s...", out);
	return 0;
}

int path_join(char *out, size_t size, const char *a, const char *b)
{
	return path_fmt(out, size, "%s/%s", a, b[0] == '/' ? b + 1 : b);
}

/* Copies the entry `name` of directory `from` (already stat'ed as `st`) into
 * directory `to`, keeping its type, mode, owner and, for a directory, its
 * contents. Links are copied as links, never followed. */
static int copy_entry(int from, int to, const char *name, const struct stat *st, int depth)
{
	int ret = 0;

	if (S_ISDIR(st->st_mode)) {
		cleanup_fd int s = -1;
		cleanup_fd int d = -1;
		if (mkdirat(to, name, st->st_mode & 07777) < 0 && errno != EEXIST)
			return fail(errno, "mkdir %s", name);
		s = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		ret = s < 0 || d < 0 ? fail(errno, "open %s", name) : copy_tree_at(s, d, depth + 1);
	} else if (S_ISREG(st->st_mode)) {
		cleanup_fd int s = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cleanup_fd int d = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					  st->st_mode & 07777);
		if (s < 0 || d < 0)
			return fail(errno, "open %s", name);
		for (off_t left = st->st_size; ret == 0 && left > 0;) {
			ssize_t n = sendfile(d, s, NULL, left > (1 << 30) ? 1 << 30 : left);
			if (n <= 0)
				ret = fail(n < 0 ? errno : EIO, "copy %s", name);
			left -= n;
		}
	} else if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof target - 1);
		if (n < 0)
			return fail(errno, "readlink %s", name);
		target[n] = 0;
		if (symlinkat(target, to, name) < 0)
			return fail(errno, "symlink %s", name);
	} else if (mknodat(to, name, st->st_mode, st->st_rdev) < 0) {
		return fail(errno, "mknod %s", name);
	}
	if (ret == 0 && fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		ret = fail(errno, "chown %s", name);
	if (ret == 0 && !S_ISLNK(st->st_mode) && fchmodat(to, name, st->st_mode & 07777, 0) < 0)
		ret = fail(errno, "chmod %s", name);
	return ret;
}

int copy_tree_at(int from, int to, int depth)
{
	DIR *d;
	struct dirent *e;
	int fd, ret = 0;

	if (depth > 64)
		return failx("copy: directories nested deeper than 64 levels");
	fd = dup(from);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return fail(errno, "read directory");
	}
	while (ret == 0 && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			ret = fail(errno, "stat %s", e->d_name);
		else
			ret = copy_entry(from, to, e->d_name, &st, depth);
	}
	closedir(d);
	return ret;
}
