/* mount.c - the container's filesystem: the per-container write layer
 * (overlayfs or AUFS over the bundle's rootfs, or none), the mounts of
 * config.json in order, default devices and /dev links, masked and read-only
 * paths, and pivot_root (with the initramfs fallback). The runtime makes
 * the layer and the bind sources as detached mounts (mounts_prepare); the
 * init attaches them inside its own mount namespace and does the rest there,
 * resolving every path inside the rootfs by descriptor, so nothing here is
 * ever visible on the host and nothing needs unmounting after the container
 * dies. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "init.h"
#include "inroot.h"
#include "kernel.h"
#include "log.h"
#include "mount.h"
#include "mountopt.h"
#include "process.h"
#include "proto.h"
#include "spec.h"
#include "state.h"
#include "util.h"

/* ---- paths inside the rootfs ---- */

/* Resolves `path` under `root` the way the container would see it: symlinks
 * (absolute or relative) and ".." are resolved with `root` as "/", so the
 * result never leaves `root`. Components that do not exist yet are kept. */
static int resolve_in_root(const char *root, const char *path, char *out, size_t size)
{
	char rest[PATH_MAX], cur[PATH_MAX] = "", full[PATH_MAX * 2], link[PATH_MAX];
	int links = 0;

	if (path_fmt(rest, sizeof rest, "%s", path) < 0)
		return -1;
	while (rest[0]) {
		char comp[NAME_MAX + 1], *p = rest, *end;
		size_t len;
		struct stat st;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = end - p;
		if (len > NAME_MAX)
			return fail(ENAMETOOLONG, "%s", path);
		memcpy(comp, p, len);
		comp[len] = 0;
		memmove(rest, end, strlen(end) + 1);
		if (len == 0 || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = 0;
			continue;
		}
		if (path_fmt(full, sizeof full, "%s%s/%s", root, cur, comp) < 0)
			return -1;
		if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(full, link, sizeof link - 1);
			char tmp[PATH_MAX];
			if (n < 0)
				return fail(errno, "readlink %s", full);
			link[n] = 0;
			if (++links > 40)
				return fail(ELOOP, "%s", path);
			if (path_fmt(tmp, sizeof tmp, "%s/%s", link, rest) < 0)
				return -1;
			strcpy(rest, tmp);
			if (link[0] == '/')
				cur[0] = 0;
			continue;
		}
		if (strlen(cur) + len + 2 > sizeof cur)
			return fail(ENAMETOOLONG, "%s", path);
		strcat(cur, "/");
		strcat(cur, comp);
	}
	return path_fmt(out, size, "%s%s", root, cur[0] ? cur : "");
}

/* Creates the mount point: a directory, or an empty file when mounting a file. */
static int make_mount_point(const char *path, bool file)
{
	char parent[PATH_MAX];
	char *slash;
	int fd;

	if (!file)
		return mkdir_p(path, 0755);
	if (path_fmt(parent, sizeof parent, "%s", path) < 0)
		return -1;
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		if (mkdir_p(parent, 0755) < 0)
			return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno != EISDIR)
		return fail(errno, "create mount point %s", path);
	if (fd >= 0)
		close(fd);
	return 0;
}

static unsigned long flags_of(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
	return f;
}

/* A bind mount ignores flags at creation: apply them with a remount, keeping
 * the flags the source already had unless the config clears them. */
static int remount_bind(const char *dest, unsigned long want, unsigned long clear)
{
	unsigned long f = ((flags_of(dest) | want) & ~clear) & (MS_RDONLY | MS_NOSUID | MS_NODEV |
		MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW);

	if (mount(NULL, dest, NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
		return fail(errno, "remount %s", dest);
	return 0;
}

/* ---- mount_setattr: recursive options and idmapped mounts ---- */

static int set_recursive_attrs(const struct mount *m, const char *dest)
{
	struct mount_attr a = { .attr_set = m->attr_set, .attr_clr = m->attr_clr };

	if (!m->attr_clr)
		return 0;
	if (syscall(SYS_mount_setattr, AT_FDCWD, dest, AT_RECURSIVE, &a, sizeof a) < 0)
		return fail(errno, "mount %s: apply recursive options (mount_setattr)", m->destination);
	return 0;
}

/* A user namespace holding `uid`/`gid` maps, as an fd: the handle
 * mount_setattr(MOUNT_ATTR_IDMAP) takes. Made by a child that unshares and
 * waits while we write its maps. Runs in the runtime, before the fork. */
/* The child's id maps written, its user namespace opened: the fd, or -1. */
static int userns_map(pid_t pid, const struct id_map *u, size_t nu, const struct id_map *g, size_t ng,
		      const char *field)
{
	char path[64], buf[340 * 36];
	int fd;

	for (int k = 0; k < 2; k++) {
		const struct id_map *m = k ? g : u;
		size_t n = k ? ng : nu, len = 0;
		for (size_t i = 0; i < n; i++)
			len += snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
					m[i].size);
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, k ? "gid_map" : "uid_map");
		if (write_file(path, buf, len, 0, 0) < 0)
			return failx("%s: %s", field, last_error());
	}
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? fail(errno, "%s: open %s", field, path) : fd;
}

static int userns_with_maps(const struct id_map *u, size_t nu, const struct id_map *g, size_t ng, const char *field)
{
	cleanup_fd int ready_r = -1, ready_w = -1, go_r = -1, go_w = -1;
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "%s: pipe", field);
	ready_r = p[0], ready_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "%s: pipe", field);
	go_r = p[0], go_w = p[1];
	pid = _Fork();
	if (pid < 0)
		return fail(errno, "%s: fork", field);
	if (pid == 0) {
		close_fdp(&go_w); /* or our read would wait for ourselves */
		c = unshare(CLONE_NEWUSER) == 0 ? 'r' : 'e';
		if (write(ready_w, &c, 1) != 1 || read(go_r, &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close_fdp(&ready_w);
	close_fdp(&go_r);
	if (read(ready_r, &c, 1) != 1 || c != 'r')
		fd = fail(EPERM, "%s: create a user namespace", field);
	else
		fd = userns_map(pid, u, nu, g, ng, field);
	close_fdp(&go_w); /* lets the child go */
	waitpid(pid, NULL, 0);
	return fd;
}

/* ---- what the runtime prepares before the fork ----
 * The layer and every bind mount's source are made here, by the runtime, as
 * detached mounts (fsmount, open_tree): the init only attaches them. So an
 * init in a user namespace never needs to reach host paths it may not
 * traverse, and a create that fails leaves no mount anywhere. */

static int fs_set(int fs, const char *key, const char *value, const char *what)
{
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0) < 0)
		return fail(errno, "%s: %s=%s", what, key, value);
	return 0;
}

/* ---- where the layer's upper and work directories live ----
 * By default in the state directory (<root>/<id>/upper, work). The annotation
 * org.grid.layer.upper, or else --layer-upper, moves them: "tmpfs" gives the
 * container a tmpfs of its own, reachable only through the layer and gone
 * with it (volatile, nothing to clean); a directory DIR (a writable partition)
 * holds them in DIR/<id>/, linked from <root>/<id>/layer for delete. */

const char *layer_upper_option;

/* A directory like the state directory's `name` (owner, mode) at dfd/path. */
static int copy_dir(int sdfd, const char *name, int dfd, const char *path, const char *shown)
{
	struct stat sb;

	if (fstatat(sdfd, name, &sb, 0) < 0)
		return fail(errno, "stat the state directory's %s", name);
	if (mkdirat(dfd, path, 0700) < 0)
		return fail(errno, "mkdir %s", shown);
	if (fchownat(dfd, path, sb.st_uid, sb.st_gid, 0) < 0 || fchmodat(dfd, path, sb.st_mode & 07777, 0) < 0)
		return fail(errno, "set owner and mode of %s", shown);
	return 0;
}

/* A fresh tmpfs as a detached mount holding upper/ and work/; returns its fd. */
static int layer_tmpfs(const struct init *in, const char *what)
{
	cleanup_fd int fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	cleanup_fd int mnt = -1;

	if (fs < 0)
		return fail(errno, "%s tmpfs: fsopen", what);
	if (fs_set(fs, "mode", "0755", what) < 0)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(errno, "%s tmpfs: mount", what);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return fail(errno, "%s tmpfs: fsmount", what);
	if (copy_dir(in->st->lockfd, "upper", mnt, "upper", "the layer's tmpfs upper") < 0 ||
	    copy_dir(in->st->lockfd, "work", mnt, "work", "the layer's tmpfs work") < 0)
		return -1;
	return steal_fd(&mnt);
}

/* DIR/<id>/{upper,work}; the link <root>/<id>/layer comes first, so that a
 * create cut short (a power cut) still leaves delete the way to it. */
static int layer_dir(const struct init *in, const char *place, char *dir, size_t size)
{
	const struct state *st = in->st;

	if (path_join(dir, size, place, st->id) < 0 || mkdir_p(place, 0711) < 0)
		return -1;
	if (symlinkat(dir, st->lockfd, "layer") < 0)
		return fail(errno, "symlink %s/layer", st->dir);
	if (mkdir(dir, 0711) < 0) {
		int e = errno;
		unlinkat(st->lockfd, "layer", 0);
		if (e == EEXIST)
			return failx("write layer %s exists already (the same id under another --root?)", dir);
		return fail(e, "mkdir %s", dir);
	}
	return 0;
}

/* Fills upper and work; *tmpfs: the tmpfs holding them, or -1. */
static int layer_dirs(const struct init *in, char *upper, char *work, size_t size, int *tmpfs)
{
	const char *place = spec_annotation(in->spec, UPPER_ANNOTATION), *what = "annotation " UPPER_ANNOTATION;
	char dir[PATH_MAX];
	bool own_dir = false;

	*tmpfs = -1;
	if (!place) {
		place = layer_upper_option;
		what = "--layer-upper";
	}
	if (!place || !*place) {
		if (path_fmt(dir, sizeof dir, "%s", in->st->dir) < 0)
			return -1;
	} else if (!strcmp(place, "tmpfs")) {
		*tmpfs = layer_tmpfs(in, what);
		if (*tmpfs < 0)
			return -1;
		/* where layer_mount_detached attaches it */
		if (path_fmt(dir, sizeof dir, "%s/upper", in->st->dir) < 0)
			return -1;
	} else if (place[0] != '/' || strpbrk(place, ",:\\")) {
		return failx("%s %s: expected tmpfs or an absolute directory without ',', ':' or '\\'", what, place);
	} else {
		if (layer_dir(in, place, dir, sizeof dir) < 0)
			return -1;
		own_dir = true;
	}
	if (path_fmt(upper, size, "%s/upper", dir) < 0 || path_fmt(work, size, "%s/work", dir) < 0)
		return -1;
	if (own_dir && (copy_dir(in->st->lockfd, "upper", AT_FDCWD, upper, upper) < 0 ||
			copy_dir(in->st->lockfd, "work", AT_FDCWD, work, work) < 0))
		return -1;
	debug("write layer: upper %s (%s)", upper, place && *place ? place : "state directory");
	return 0;
}

/* The overlay (or aufs) over `lower`, as a detached mount. */
static int layer_mount(const struct init *in, const char *lower, const char *upper, const char *work)
{
	char br[3 * PATH_MAX];
	cleanup_fd int fs = syscall(SYS_fsopen, in->layer, FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0)
		return fail(errno, "mount the %s layer: fsopen", in->layer);
	snprintf(br, sizeof br, "%s=rw:%s=ro", upper, lower);
	if (!strcmp(in->layer, "aufs") ? fs_set(fs, "br", br, "mount aufs") < 0
				      : (fs_set(fs, "lowerdir", lower, "mount overlay") < 0 ||
					 fs_set(fs, "upperdir", upper, "mount overlay") < 0 ||
					 fs_set(fs, "workdir", work, "mount overlay") < 0))
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(errno, "mount %s (lowerdir %s, upperdir %s)", in->layer, lower, upper);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	return mnt < 0 ? fail(errno, "mount %s: fsmount", in->layer) : mnt;
}

/* The layer over a detached tmpfs upper, or a detached image lower (-1:
 * none). Kernels before 6.15 refuse a layer on a mount outside the caller's
 * mount namespace, so a child attaches the tmpfs on <dir>/upper and the image
 * on <dir>/rootfs in a private namespace of its own, makes the layer there and
 * sends it back: the host never sees either. */
static int layer_mount_detached(const struct init *in, int tmpfs, int image, const char *upper, const char *work)
{
	char where[PATH_MAX];
	cleanup_fd int mine = -1, theirs = -1;
	int sv[2], mnt = -1;
	struct msg m = { .fd = -1 };
	pid_t pid;

	if (path_fmt(where, sizeof where, "%s/upper", in->st->dir) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return fail(errno, "write layer: socketpair");
	mine = sv[0], theirs = sv[1];
	pid = _Fork();
	if (pid < 0)
		return fail(errno, "write layer: fork");
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0)
			fail(errno, "write layer: unshare the mount namespace");
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			fail(errno, "write layer: make / private");
		else if (tmpfs >= 0 && syscall(SYS_move_mount, tmpfs, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			fail(errno, "write layer on tmpfs: attach it on %s", where);
		else if (image >= 0 &&
			 syscall(SYS_move_mount, image, "", AT_FDCWD, in->st->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			fail(errno, "write layer: attach the image on %s", in->st->rootfs);
		else
			mnt = layer_mount(in, image >= 0 ? in->st->rootfs : in->rootfs_src, upper, work);
		if (mnt >= 0)
			msg_send(theirs, MSG_READY, NULL, mnt);
		else
			msg_send_error(theirs);
		_exit(0);
	}
	close_fdp(&theirs); /* the helper's end: its exit is our EOF */
	if (msg_recv(mine, &m) >= 0 && m.fd < 0)
		failx("write layer: the helper process died");
	waitpid(pid, NULL, 0);
	return m.fd;
}

/* The write layer as a detached mount. */
static int layer_prepare(const struct init *in)
{
	const char *lower = in->rootfs_src, *dir = in->st->dir;
	char upper[PATH_MAX], work[PATH_MAX];
	int mnt, tmpfs = -1;

	if (!strcmp(in->layer, "none") && in->image_fd >= 0) {
		mnt = fcntl(in->image_fd, F_DUPFD_CLOEXEC, 0);
		return mnt < 0 ? fail(errno, "dup the image's mount") : mnt;
	}
	if (!strcmp(in->layer, "none")) {
		mnt = syscall(SYS_open_tree, AT_FDCWD, lower, OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
		return mnt < 0 ? fail(errno, "bind %s", lower) : mnt;
	}
	if ((in->image_fd < 0 && strpbrk(lower, ",:\\")) || strpbrk(dir, ",:\\"))
		return failx("rootfs %s: a path with ',', ':' or '\\' cannot be a %s layer (use annotation org.grid.layer=none)",
			     lower, in->layer);
	if (layer_dirs(in, upper, work, sizeof upper, &tmpfs) < 0) {
		if (tmpfs >= 0)
			close(tmpfs);
		return -1;
	}
	if (tmpfs < 0 && in->image_fd < 0)
		return layer_mount(in, lower, upper, work);
	mnt = layer_mount_detached(in, tmpfs, in->image_fd, upper, work);
	if (tmpfs >= 0)
		close(tmpfs); /* the layer keeps it */
	return mnt;
}

static int idmap_apply(const struct init *in, size_t i, int tree)
{
	const struct spec *s = in->spec;
	const struct mount *m = &s->mounts[i];
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP };
	char field[64];
	int userns, ret = 0;

	snprintf(field, sizeof field, "mounts[%zu]", i);
	if (m->nuid_maps)
		userns = userns_with_maps(m->uid_maps, m->nuid_maps, m->gid_maps, m->ngid_maps, field);
	else if (s->nuid_maps && s->ns[NS_USER].wanted)
		userns = userns_with_maps(s->uid_maps, s->nuid_maps, s->gid_maps, s->ngid_maps, field);
	else
		return failx("%s: idmap needs uidMappings and gidMappings, on the mount or with a user namespace", field);
	if (userns < 0)
		return -1;
	a.userns_fd = userns;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
		ret = fail(errno, "mount %s: idmap (mount_setattr)", m->destination);
	close(userns);
	return ret;
}

/* A bind mount's source as a path: absolute, or under the bundle. */
static int bind_source(const struct init *in, const struct mount *m, char *src, size_t size)
{
	return m->source[0] == '/' ? path_fmt(src, size, "%s", m->source) : path_join(src, size, in->st->bundle, m->source);
}

/* A bind mount's source, cloned as a detached tree (idmapped if asked). */
static int bind_prepare(const struct init *in, size_t i)
{
	const struct mount *m = &in->spec->mounts[i];
	char src[PATH_MAX];
	int tree;

	if (!m->source)
		return failx("mount %s: bind mount without a source", m->destination);
	if ((m->idmap || m->ridmap) && !m->bind)
		return failx("mounts[%zu]: idmap and ridmap are supported on bind mounts", i);
	if (bind_source(in, m, src, sizeof src) < 0)
		return -1;
	tree = syscall(SYS_open_tree, AT_FDCWD, src,
		       OPEN_TREE_CLONE | O_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0));
	if (tree < 0)
		return fail(errno, "mount %s: source %s", m->destination, src);
	if ((m->idmap || m->ridmap) && idmap_apply(in, i, tree) < 0) {
		close(tree);
		return -1;
	}
	return tree;
}

/* Rootless: the bind sources are taken by the init, as the container's root
 * in its user namespace; what the caller could not read is refused here. */
static int bind_sources_readable(const struct init *in)
{
	char src[PATH_MAX];

	for (size_t i = 0; i < in->spec->nmounts; i++) {
		const struct mount *m = &in->spec->mounts[i];
		if (!m->bind || !m->source)
			continue;
		if (bind_source(in, m, src, sizeof src) < 0)
			return -1;
		if (access(src, R_OK) < 0)
			return fail(errno, "mounts[%zu]: source %s (a user that is not root binds only what it may read)", i,
				    src);
	}
	return 0;
}

int mounts_prepare(struct init *in)
{
	in->mount_fd = arena_alloc(&in->spec->arena, (in->spec->nmounts + 1) * sizeof *in->mount_fd);
	if (!in->mount_fd)
		return -1;
	for (size_t i = 0; i < in->spec->nmounts; i++)
		in->mount_fd[i] = -1;
	in->rootfs_dir_fd = open(in->st->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (in->rootfs_dir_fd < 0)
		return fail(errno, "open %s", in->st->rootfs);
	return in->rootless ? bind_sources_readable(in) : mounts_make(in);
}

int mounts_make(struct init *in)
{
	in->layer_fd = layer_prepare(in);
	if (in->layer_fd < 0)
		return -1;
	for (size_t i = 0; i < in->spec->nmounts; i++) {
		if (!in->spec->mounts[i].bind) {
			if (in->spec->mounts[i].idmap || in->spec->mounts[i].ridmap)
				return failx("mounts[%zu]: idmap and ridmap are supported on bind mounts", i);
			continue;
		}
		in->mount_fd[i] = bind_prepare(in, i);
		if (in->mount_fd[i] < 0)
			return -1;
	}
	return 0;
}

void mounts_release(struct init *in)
{
	for (size_t i = 0; in->mount_fd && i < in->spec->nmounts; i++) {
		if (in->mount_fd[i] >= 0)
			close(in->mount_fd[i]);
		in->mount_fd[i] = -1;
	}
	if (in->layer_fd >= 0)
		close(in->layer_fd);
	if (in->rootfs_dir_fd >= 0)
		close(in->rootfs_dir_fd);
	close_fdp(&in->image_fd); /* the layer holds the image's mount */
	in->layer_fd = in->rootfs_dir_fd = -1;
}

/* Where a mount goes. With openat2 (Linux 5.6) the destination is opened
 * inside the rootfs (inroot.c) and the mount calls name it as
 * /proc/self/fd/N, so that no path is resolved twice; once mounted, `path`
 * names the new mount's root the same way. Without, `path` is what
 * resolve_in_root computed. */
struct target {
	const char *dest;     /* as config.json says */
	int rootfd, fd, top;  /* -1: none */
	char path[PATH_MAX];
};

static int target_open(struct target *t, int rootfd, const char *root, const char *dest, bool file)
{
	t->dest = dest;
	t->rootfd = rootfd;
	t->fd = t->top = -1;
	if (rootfd < 0) {
		if (resolve_in_root(root, dest, t->path, sizeof t->path) < 0)
			return -1;
		return file ? make_mount_point(t->path, true) : mkdir_p(t->path, 0755);
	}
	t->fd = inroot_open(rootfd, dest, file);
	if (t->fd < 0)
		return -1;
	snprintf(t->path, sizeof t->path, "/proc/self/fd/%d", t->fd);
	return 0;
}

/* The first mount is on t: from now on t->path names it. */
static int target_mounted(struct target *t)
{
	if (t->fd < 0 || t->top >= 0)
		return 0;
	t->top = inroot_mounted(t->rootfd, t->dest, t->fd);
	if (t->top < 0)
		return -1;
	snprintf(t->path, sizeof t->path, "/proc/self/fd/%d", t->top);
	return 0;
}

static void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->top >= 0)
		close(t->top);
	t->fd = t->top = -1;
}

/* Since Linux 6.8 mountinfo lists a namespace's mounts in the order they
 * were made, and `tree` was cloned before this namespace existed: it would
 * be listed before the mounts made since, out of config order. Once it is
 * attached, a clone of it made now takes its place. */
static int bind_renew(const struct mount *m, struct target *t)
{
	cleanup_fd int fresh = -1;

	if (t->top < 0)
		return 0; /* no openat2 (Linux < 5.6): mounts are listed as attached */
	fresh = syscall(SYS_open_tree, t->top, "",
			OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | ((m->flags & MS_REC) ? AT_RECURSIVE : 0));
	if (fresh < 0 || umount2(t->path, MNT_DETACH) < 0 ||
	    syscall(SYS_move_mount, fresh, "", t->fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(errno, "bind mount %s on %s: clone it in config order", m->source, m->destination);
	close_fdp(&t->top);
	return target_mounted(t);
}

static int mount_bind(const struct mount *m, struct target *t, int tree)
{
	unsigned long extra = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);

	/* move_mount does not follow the /proc/self/fd link: give it the fd */
	if ((t->fd >= 0 ? syscall(SYS_move_mount, tree, "", t->fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)
			: syscall(SYS_move_mount, tree, "", AT_FDCWD, t->path, MOVE_MOUNT_F_EMPTY_PATH)) < 0)
		return fail(errno, "bind mount %s on %s", m->source, m->destination);
	if (target_mounted(t) < 0 || bind_renew(m, t) < 0)
		return -1;
	if (extra || m->clear)
		return remount_bind(t->path, extra, m->clear);
	return 0;
}

/* Splits a line at spaces, in place, into at most `max` fields. */
static int split_fields(char *line, char **f, int max)
{
	int n = 0;

	while (n < max && *line) {
		f[n++] = line;
		line = strchr(line, ' ');
		if (!line)
			break;
		*line++ = 0;
	}
	return n;
}

/* type "cgroup": on a cgroup2 host mount cgroup2 (the cgroup namespace limits
 * it); on v1 and hybrid hosts a tmpfs with each hierarchy's cgroup of this
 * container bound under it, as runc does. */
static int mount_cgroup(const struct init *in, const struct mount *m, struct target *t)
{
	const char *dest = t->path;
	struct statfs sf;
	char *info, *save = NULL;
	size_t len;
	unsigned long flags = m->flags & ~MS_RDONLY;
	int ret = 0;

	if (mkdir_p(dest, 0755) < 0)
		return -1;
	if (statfs("/sys/fs/cgroup", &sf) == 0 && (unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC) {
		if (mount("cgroup2", dest, "cgroup2", m->flags, NULL) < 0)
			return fail(errno, "mount cgroup2 on %s", m->destination);
		return target_mounted(t);
	}
	if (mount("tmpfs", dest, "tmpfs", flags, "mode=755") < 0)
		return fail(errno, "mount tmpfs on %s", m->destination);
	if (target_mounted(t) < 0)
		return -1;
	dest = t->path;
	if (read_file("/proc/self/mountinfo", &info, &len, 4 << 20) < 0)
		return -1;
	for (char *line = strtok_r(info, "\n", &save); line && ret == 0; line = strtok_r(NULL, "\n", &save)) {
		char sub[PATH_MAX], key[PATH_MAX], *f[6], *g[3];
		const char *name, *cg, *mroot, *mpoint, *fstype, *super;
		char *dash = str_find(line, " - ");
		if (!dash)
			continue;
		*dash = 0;
		if (split_fields(line, f, 6) < 5 || split_fields(dash + 3, g, 3) < 3)
			continue;
		mroot = f[3], mpoint = f[4], fstype = g[0], super = g[2];
		if (strncmp(mpoint, "/sys/fs/cgroup/", 15) != 0 || strchr(mpoint + 15, '/'))
			continue;
		name = mpoint + 15;
		if (!strcmp(fstype, "cgroup2")) {
			snprintf(key, sizeof key, "0::");
		} else if (!strcmp(fstype, "cgroup")) {
			/* super options end with the controllers, e.g. rw,cpu or rw,name=systemd */
			const char *last = strrchr(super, ',');
			snprintf(key, sizeof key, ":%s:", last ? last + 1 : super);
			if (!strcmp(name, "cpu") || !strcmp(name, "cpuacct") || strchr(name, ','))
				snprintf(key, sizeof key, ":%s:", name);
		} else {
			continue;
		}
		cg = in->host_cgroups ? str_find(in->host_cgroups, key) : NULL;
		if (!cg) {
			snprintf(key, sizeof key, ":%s:", name);
			cg = in->host_cgroups ? str_find(in->host_cgroups, key) : NULL;
		}
		if (cg) {
			char path[PATH_MAX];
			size_t n;
			cg += strlen(key);
			n = strcspn(cg, "\n");
			ret = path_fmt(path, sizeof path, "%.*s", (int)n, cg);
			if (strcmp(mroot, "/") && !strncmp(path, mroot, strlen(mroot)))
				memmove(path, path + strlen(mroot), strlen(path + strlen(mroot)) + 1);
			if (ret == 0)
				ret = path_fmt(sub, sizeof sub, "%s%s", mpoint, path);
		} else {
			ret = path_fmt(sub, sizeof sub, "%s", mpoint);
		}
		if (ret < 0 || path_fmt(key, sizeof key, "%s/%s", dest, name) < 0 || mkdir_p(key, 0755) < 0 ||
		    (mount(sub, key, NULL, MS_BIND | MS_REC, NULL) < 0 && (ret = fail(errno, "bind %s on %s", sub, key))) ||
		    remount_bind(key, m->flags, m->clear) < 0)
			ret = -1;
	}
	free(info);
	if (ret == 0 && (m->flags & MS_RDONLY) &&
	    mount(NULL, dest, NULL, MS_REMOUNT | flags | MS_RDONLY, "mode=755") < 0)
		ret = fail(errno, "remount %s read-only", m->destination);
	return ret;
}

/* tmpcopyup: the new tmpfs starts with a copy of what the directory under it
 * held (owner and mode of the directory included), as podman asks for /run
 * and /tmp of a --read-only container. Returns -1 with errno set. */
static int mount_copyup(const struct mount *m, struct target *t, unsigned long flags, const char *data)
{
	cleanup_fd int under = -1, top = -1;
	struct stat st;

	/* t->path was resolved inside the rootfs already (it may be a /proc/self/fd link) */
	under = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (under < 0 || fstat(under, &st) < 0)
		return -1;
	/* Writing the copy needs a writable mount: read-only is applied after. */
	if (mount(m->source ? m->source : m->type, t->path, m->type, flags & ~MS_RDONLY, data) < 0 ||
	    target_mounted(t) < 0)
		return -1;
	top = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0 || fchown(top, st.st_uid, st.st_gid) < 0 || fchmod(top, st.st_mode & 07777) < 0 ||
	    copy_tree_at(under, top, 0) < 0 ||
	    ((flags & MS_RDONLY) && mount(NULL, t->path, NULL, MS_REMOUNT | flags, data) < 0)) {
		int e = errno;
		umount2(t->path, MNT_DETACH);
		errno = e;
		return -1;
	}
	return 0;
}

/* How the container's mounts are cut off from the host's: slave, or private
 * when rootfsPropagation asks for private or unbindable. */
static unsigned long away_from_host(const struct spec *s)
{
	return (s->rootfs_propagation & (MS_PRIVATE | MS_UNBINDABLE)) ? MS_PRIVATE : MS_SLAVE;
}

/* A bind's source was cloned from the host's mount, so the bind is that
 * mount's peer (when it is shared) until cut off like /. rootfsPropagation
 * shared or rshared keeps it a peer: runc and crun bind from a container
 * tree made rshared, whose mounts are the host's peers, and that is how a
 * volume propagates both ways (kubelet's Bidirectional sends rshared on
 * the root and the volume). The mount's own option then applies on top. */
static bool bind_cut_off(const struct spec *s)
{
	return !(s->rootfs_propagation & MS_SHARED);
}

static int mount_on(const struct init *in, struct target *t, const struct mount *m, int tree);

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* A destination the rootfs's symlinks steered into /proc or /sys: a mount
 * there could cover /proc/self/attr/exec (the LSM label then goes into it),
 * a /proc/sys file Grid writes, or have tmpcopyup copy kernel files with
 * the init's privileges. Only a destination the config itself puts there
 * may be there, as runc's checkProcMount. */
static int check_kernel_fs(const struct target *t, const char *dest)
{
	struct statfs sf;

	if (statfs(t->path, &sf) < 0)
		return fail(errno, "mount destination %s", dest);
	if ((sf.f_type == PROC_SUPER_MAGIC && !under(dest, "/proc")) ||
	    (sf.f_type == SYSFS_MAGIC && !under(dest, "/sys")))
		return failx("mount destination %s: resolves into %s (a symlink in the rootfs?)", dest,
			     sf.f_type == SYSFS_MAGIC ? "/sys" : "/proc");
	return 0;
}

static int mount_one(const struct init *in, int rootfd, const char *root, const struct mount *m, int tree)
{
	struct target t;
	struct stat st;
	int ret;

	if (m->bind && fstat(tree, &st) < 0)
		return fail(errno, "mount %s", m->destination);
	if (target_open(&t, rootfd, root, m->destination, m->bind && !S_ISDIR(st.st_mode)) < 0) {
		target_close(&t);
		return failx("mount destination %s: %s", m->destination, last_error());
	}
	if (check_kernel_fs(&t, m->destination) < 0) {
		target_close(&t);
		return -1;
	}
	ret = mount_on(in, &t, m, tree);
	target_close(&t);
	return ret;
}

static int mount_on(const struct init *in, struct target *t, const struct mount *m, int tree)
{
	const char *dest = t->path;
	unsigned long flags = m->flags;

	debug("mount %s (%s) on %s (%s)", m->source ? m->source : "-", m->type ? m->type : "bind", m->destination, dest);
	if (m->bind) {
		if (mount_bind(m, t, tree) < 0)
			return -1;
		if (bind_cut_off(in->spec) && mount(NULL, t->path, NULL, MS_REC | away_from_host(in->spec), NULL) < 0)
			return fail(errno, "make the bind mount on %s private", m->destination);
	} else if (!strcmp(m->type, "cgroup")) {
		if (mount_cgroup(in, m, t) < 0)
			return -1;
	} else {
		char *data = m->data, labeled[4096];
		/* linux.mountLabel: the SELinux context of the filesystems that take one */
		if (in->spec->mount_label && selinux_on() &&
		    (!strcmp(m->type, "tmpfs") || !strcmp(m->type, "devpts") || !strcmp(m->type, "mqueue"))) {
			if (snprintf(labeled, sizeof labeled, "%s%scontext=\"%s\"", data ? data : "", data ? "," : "",
				     in->spec->mount_label) >= (int)sizeof labeled)
				return failx("mount %s: options with linux.mountLabel longer than a page",
					     m->destination);
			data = labeled;
		}
		if (m->tmpcopyup ? mount_copyup(m, t, flags, data) < 0
				 : mount(m->source ? m->source : m->type, dest, m->type, flags, data) < 0)
			return fail(errno, "mount %s (%s) on %s", m->source ? m->source : "-", m->type,
				    m->destination);
		if (target_mounted(t) < 0)
			return -1;
	}
	dest = t->path;
	if (m->propagation && mount(NULL, dest, NULL, m->propagation, NULL) < 0)
		return fail(errno, "set propagation of %s", m->destination);
	return set_recursive_attrs(m, dest);
}

/* ---- the write layer ---- */

/* A rootfs that is itself the root of a writable mount was prepared for
 * this container by its caller (podman, containerd and docker mount an
 * overlay there): it is used as it is, so that the caller's storage sees
 * the container's writes and keeps them across a restart, as with runc.
 * A read-only mount (a squashfs image on flash) still gets a layer. */
static bool caller_prepared(const char *rootfs)
{
	char parent[PATH_MAX + 4];
	struct stat st, up;
	struct statvfs vfs;

	if (path_fmt(parent, sizeof parent, "%s/..", rootfs) < 0 || stat(rootfs, &st) < 0 || stat(parent, &up) < 0 ||
	    st.st_dev == up.st_dev)
		return false;
	return statvfs(rootfs, &vfs) == 0 && !(vfs.f_flag & ST_RDONLY);
}

const char *layer_choose(const char *annotation, const char *rootfs)
{
	char *fs;
	size_t len;
	bool aufs = false;

	if (annotation && strcmp(annotation, "auto") != 0)
		return annotation;
	if (caller_prepared(rootfs))
		return "none";
	if (read_file("/proc/filesystems", &fs, &len, 1 << 20) == 0) {
		aufs = str_find(fs, "\taufs\n") != NULL;
		free(fs);
	}
	return aufs ? "aufs" : "overlay";
}

/* Attaches the layer the runtime made on the rootfs mount point and makes
 * it the current directory: from here on the rootfs is ".", so nothing
 * needs to reach it through host directories. */
static int attach_layer(const struct init *in)
{
	/* The init made <dir>/rootfs its cwd before unsharing the mount
	 * namespace, which moved the cwd to the new namespace's copy; a joined
	 * namespace resets it, and is reached by path. */
	const char *target = in->spec->ns[NS_MNT].path ? in->st->rootfs : ".";

	if (syscall(SYS_move_mount, in->layer_fd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(errno, "attach the %s layer on %s", in->layer, in->st->rootfs);
	if (fchdir(in->layer_fd) < 0)
		return fail(errno, "enter %s", in->st->rootfs);
	return 0;
}

/* ---- devices ----
 * Made through a descriptor of the directory that holds them, opened inside
 * the rootfs: every call names one entry of that directory and none follows
 * a symlink there, so a rootfs whose /dev, /dev/null or any parent is a
 * symlink (to "/" or to a host directory) cannot turn mknod, symlink,
 * unlink or a bind mount into an act on the host (CVE-2025-31133 and
 * -52565 are this class). */

/* Binds the file open at srcfd over the one open at dstfd (both O_PATH):
 * nothing is looked up by name again. */
int bind_fd(int srcfd, int dstfd, const char *what)
{
	char src[32], dst[32];
	cleanup_fd int tree = syscall(SYS_open_tree, srcfd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);

	if (tree >= 0)
		return syscall(SYS_move_mount, tree, "", dstfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
			       ? fail(errno, "bind %s", what)
			       : 0;
	if (errno != ENOSYS)
		return fail(errno, "bind %s", what);
	snprintf(src, sizeof src, "/proc/self/fd/%d", srcfd);
	snprintf(dst, sizeof dst, "/proc/self/fd/%d", dstfd);
	return mount(src, dst, NULL, MS_BIND, NULL) < 0 ? fail(errno, "bind %s", what) : 0;
}

/* Entry `name` of dirfd, a device node just bound from the host: nosuid and
 * noexec, as runc makes them (the host's /dev may have neither). */
static int bound_node_flags(int dirfd, const char *name, const char *what)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC };
	cleanup_fd int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char path[32];

	if (fd < 0)
		return fail(errno, "%s", what);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof a) == 0)
		return 0;
	if (errno != ENOSYS)
		return fail(errno, "%s: set nosuid,noexec (mount_setattr)", what);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return remount_bind(path, MS_NOSUID | MS_NOEXEC, 0);
}

/* Binds the host's `host` over entry `name` of dirfd: a regular file or a
 * node already there, or an empty file made for it; never a symlink. */
static int bind_host_node(int dirfd, const char *name, const char *host, const char *what)
{
	int src, dst, ret;
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return fail(errno, "%s: create the mount point", what);
		close(fd);
	}
	dst = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		return fail(errno, "%s", what);
	if (fstat(dst, &st) < 0 || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
		close(dst);
		return failx("%s: a symlink or directory is in the way", what);
	}
	src = open(host, O_PATH | O_CLOEXEC);
	ret = src < 0 ? fail(errno, "open %s", host) : bind_fd(src, dst, what);
	if (src >= 0)
		close(src);
	close(dst);
	return ret < 0 ? -1 : bound_node_flags(dirfd, name, what);
}

static int make_device(int devfd, const char *name, unsigned major, unsigned minor)
{
	char host[64], what[64];
	struct stat st;

	snprintf(what, sizeof what, "/dev/%s", name);
	if (fstatat(devfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(major, minor))
			return 0;
		if (S_ISLNK(st.st_mode)) {
			debug("%s is a symlink in the rootfs: left as the image has it", what);
			return 0;
		}
	} else if (mknodat(devfd, name, S_IFCHR | 0666, makedev(major, minor)) == 0) {
		return fchmodat(devfd, name, 0666, AT_SYMLINK_NOFOLLOW) < 0 ? fail(errno, "chmod %s", what) : 0;
	}
	/* present already (from the image) or mknod refused: bind the host's node */
	snprintf(host, sizeof host, "/dev/%s", name);
	return bind_host_node(devfd, name, host, what);
}

/* Directory `dir` inside the rootfs, made if missing. */
static int open_dir_in(int rootfd, const char *root, const char *dir)
{
	char real[PATH_MAX];
	int fd;

	if (rootfd >= 0)
		return inroot_open(rootfd, dir, false);
	if (resolve_in_root(root, dir, real, sizeof real) < 0 || mkdir_p(real, 0755) < 0)
		return -1;
	fd = open(real, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? fail(errno, "open %s", real) : fd;
}

/* The directory that will hold `path`, and path's last component into name. */
static int open_parent(int rootfd, const char *root, const char *path, char *name, size_t size)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || !slash[1] || !strcmp(slash + 1, "..") || !strcmp(slash + 1, "."))
		return failx("%s: not a path to a file", path);
	if (path_fmt(name, size, "%s", slash + 1) < 0 ||
	    path_fmt(dir, sizeof dir, "%.*s", (int)(slash - path), path) < 0)
		return -1;
	return open_dir_in(rootfd, root, dir[0] ? dir : "/");
}

static int default_devices(int rootfd, const char *root)
{
	static const struct {
		const char *name;
		unsigned major, minor;
	} devs[] = {
		{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
	};
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	};
	struct stat st;
	cleanup_fd int devfd = open_dir_in(rootfd, root, "/dev");

	if (devfd < 0)
		return -1;
	for (size_t i = 0; i < countof(devs); i++)
		if (make_device(devfd, devs[i].name, devs[i].major, devs[i].minor) < 0)
			return -1;
	for (size_t i = 0; i < countof(links); i++)
		if (fstatat(devfd, links[i][1], &st, AT_SYMLINK_NOFOLLOW) < 0 &&
		    symlinkat(links[i][0], devfd, links[i][1]) < 0)
			return fail(errno, "symlink /dev/%s", links[i][1]);
	/* devpts's own ptmx, where a devpts is mounted on /dev/pts */
	if (fstatat(devfd, "pts/ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode)) {
		if (fstatat(devfd, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
			unlinkat(devfd, "ptmx", 0);
		if (symlinkat("pts/ptmx", devfd, "ptmx") < 0 && errno != EEXIST)
			return fail(errno, "symlink /dev/ptmx");
	}
	return 0;
}

static void stat_in_root(int rootfd, const char *path, struct stat *st)
{
	int fd = rootfd >= 0 ? inroot_find(rootfd, path) : -1;

	if (fd >= 0) {
		fstat(fd, st);
		close(fd);
	}
}

/* linux.devices: mknod (bind the host's node where mknod is not allowed, in a
 * user namespace); an existing file must already be that device. */
static int make_config_device(int rootfd, const char *root, const struct device *d, size_t idx)
{
	char name[NAME_MAX + 1], field[64];
	mode_t type = d->type == 'p' ? S_IFIFO : d->type == 'b' ? S_IFBLK : S_IFCHR;
	dev_t rdev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
	mode_t mode = d->has_mode ? d->mode : 0666;
	struct stat st;
	cleanup_fd int dirfd = -1;

	snprintf(field, sizeof field, "linux.devices[%zu] %s", idx, d->path);
	dirfd = open_parent(rootfd, root, d->path, name, sizeof name);
	if (dirfd < 0)
		return failx("%s: %s", field, last_error());
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		bool link = S_ISLNK(st.st_mode);
		/* a symlink (as /dev/ptmx to pts/ptmx) may lead to that device
		 * inside the rootfs: then it is there, and nothing changes through
		 * it. If it leads nowhere, st stays the link's and is refused. */
		if (link)
			stat_in_root(rootfd, d->path, &st);
		if ((st.st_mode & S_IFMT) != type || (type != S_IFIFO && st.st_rdev != rdev))
			return failx("%s: a different file is there already", field);
		if (link)
			return 0;
	} else if (mknodat(dirfd, name, type | (mode & 07777), rdev) < 0) {
		struct stat host;
		if (errno != EPERM)
			return fail(errno, "%s: mknod", field);
		if (stat(d->path, &host) < 0 || (host.st_mode & S_IFMT) != type || host.st_rdev != rdev)
			return failx("%s: mknod is not permitted here (user namespace) and the host has no such "
				     "device at that path to bind", field);
		return bind_host_node(dirfd, name, d->path, field);
	}
	if (fchmodat(dirfd, name, mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(errno, "%s: chmod", field);
	if ((d->has_uid || d->has_gid) &&
	    fchownat(dirfd, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return fail(errno, "%s: chown", field);
	return 0;
}

/* ---- pivot_root ---- */

static int pivot(const char *newroot)
{
	cleanup_fd int oldfd = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	cleanup_fd int newfd = open(newroot, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldfd < 0 || newfd < 0)
		return fail(errno, "open %s", newroot);
	if (fchdir(newfd) < 0)
		return fail(errno, "chdir %s", newroot);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(errno, "pivot_root %s", newroot);
	/* the old root now sits on top of the new one: detach it, without
	 * letting the unmount propagate back to the host */
	if (fchdir(oldfd) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return fail(errno, "detach the old root");
	return 0;
}

/* pivot_root refuses (EINVAL) when / is the initramfs or not a mount point.
 * Inside our private mount namespace, make / a real mount first: bind it
 * recursively onto a directory, move that over /, chroot into it; then
 * pivot_root works and keeps its guarantees. */
static int make_root_pivotable(const struct init *in)
{
	char tmp[PATH_MAX];

	if (path_fmt(tmp, sizeof tmp, "%s/hostroot", in->st->dir) < 0)
		return -1;
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return fail(errno, "mkdir %s", tmp);
	if (mount("/", tmp, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(errno, "bind / on %s", tmp);
	if (chdir(tmp) < 0 || mount(tmp, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return fail(errno, "move the root bind over /");
	return 0;
}

static int no_pivot(const char *newroot)
{
	if (chdir(newroot) < 0 || mount(newroot, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0)
		return fail(errno, "move %s to / (--no-pivot)", newroot);
	return 0;
}

/* The mounts, devices and process.cwd, inside the rootfs. */
static int populate(const struct init *in, int rootfd, const char *root)
{
	const struct spec *s = in->spec;
	char cwd[PATH_MAX];

	for (size_t i = 0; i < s->nmounts; i++)
		if (mount_one(in, rootfd, root, &s->mounts[i], in->mount_fd[i]) < 0)
			return -1;
	if (default_devices(rootfd, root) < 0)
		return -1;
	for (size_t i = 0; i < s->ndevices; i++)
		if (make_config_device(rootfd, root, &s->devices[i], i) < 0)
			return -1;
	if (!s->has_process)
		return 0;
	if (rootfd >= 0) {
		int fd = inroot_open(rootfd, s->proc.cwd, false);
		if (fd < 0)
			return failx("process.cwd %s: %s", s->proc.cwd, last_error());
		close(fd);
	} else if (resolve_in_root(root, s->proc.cwd, cwd, sizeof cwd) < 0 || mkdir_p(cwd, 0755) < 0) {
		return failx("process.cwd %s: %s", s->proc.cwd, last_error());
	}
	return 0;
}

/* The createContainer hooks run in the bundle (see hooks.c), where root.path
 * shows the container's root with its mounts, as with runc and crun: a bind
 * of it there, in our new namespace only, while the hooks run. */
static int before_pivot(struct init *in)
{
	const char *src = in->rootfs_src;
	int ret;

	if (!in->spec->nhooks[HOOK_CREATE_CONTAINER] || in->spec->ns[NS_MNT].path || in->image_fd >= 0)
		return in->before_pivot(in);
	if (mount(".", src, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail(errno, "show the container's root on %s to the createContainer hooks", src);
	ret = in->before_pivot(in);
	if (umount2(src, MNT_DETACH) < 0 && ret == 0)
		ret = fail(errno, "umount %s", src);
	return ret;
}

int rootfs_setup(struct init *in)
{
	const struct spec *s = in->spec;
	const char *root = ".";
	unsigned long away = away_from_host(s);
	int rootfd = -1, ret;

	/* nothing we mount may propagate to the host */
	if (mount(NULL, "/", NULL, MS_REC | away, NULL) < 0) {
		/* In a chroot whose directory is not a mount point the mount that
		 * holds it cannot be named, so neither made private: any mount we
		 * made could propagate back to the host. */
		if (errno == EINVAL)
			return failx("/ is not a mount point (inside a chroot?): bind-mount the chroot directory onto itself first");
		return fail(errno, "make / private");
	}
	if (attach_layer(in) < 0)
		return -1;
	/* A caller's rootfs cloned from a shared mount (docker's data-root is
	 * shared) is a peer of the host's: mounts made on it would show up on
	 * the host, and pivot_root refuses a shared root (EINVAL). */
	if (mount(NULL, ".", NULL, MS_REC | away, NULL) < 0)
		return fail(errno, "make %s private", in->st->rootfs);
	/* the rootfs is ".": mount destinations are opened under it (see inroot.c) */
	if (inroot_supported()) {
		rootfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return fail(errno, "open the rootfs");
	} else {
		debug("no openat2 (Linux < 5.6): mount destinations are resolved by path");
	}
	ret = populate(in, rootfd, root);
	if (rootfd >= 0)
		close(rootfd);
	if (ret < 0)
		return -1;
	/* the environment exists: hooks that must run before pivot_root run now */
	if (before_pivot(in) < 0)
		return -1;
	if (in->no_pivot)
		return no_pivot(root);
	/* GRID_TEST_ROOT_FALLBACK lets the tests take the initramfs path on a disk root */
	if (!getenv("GRID_TEST_ROOT_FALLBACK") && pivot(root) == 0)
		return 0;
	if (!getenv("GRID_TEST_ROOT_FALLBACK") && errno != EINVAL)
		return -1;
	debug("pivot_root gave EINVAL (initramfs or / not a mount point): moving a bind of / over / and retrying");
	if (make_root_pivotable(in) < 0 || chdir(in->st->rootfs) < 0)
		return -1;
	return pivot(root);
}

/* The container's /dev/null, which masks files, if it is the null device:
 * a rootfs whose /dev/null is a symlink to /proc/sys/kernel/core_pattern
 * would otherwise have us bind that, writable, over a masked path
 * (CVE-2025-31133). */
static int open_null(void)
{
	int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return fail(errno, "linux.maskedPaths: open /dev/null");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return failx("linux.maskedPaths: /dev/null in the container is not the null device");
	}
	return fd;
}

static int mask_path(const char *path, int *null)
{
	struct stat st;
	int fd, ret;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail(errno, "masked path %s", path);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0") < 0)
			return fail(errno, "mask %s", path);
		return 0;
	}
	if (*null < 0 && (*null = open_null()) < 0)
		return -1;
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "mask %s", path);
	ret = bind_fd(*null, fd, path);
	close(fd);
	return ret;
}

static int readonly_path(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return errno == ENOENT ? 0 : fail(errno, "readonly path %s", path);
	return remount_bind(path, MS_RDONLY, 0);
}

int rootfs_finish(struct init *in)
{
	const struct spec *s = in->spec;
	int null = -1, ret = 0;

	for (size_t i = 0; i < s->nreadonly; i++)
		if (readonly_path(s->readonly_paths[i]) < 0)
			return -1;

	for (size_t i = 0; i < s->nmasked && ret == 0; i++)
		ret = mask_path(s->masked_paths[i], &null);
	if (null >= 0)
		close(null);
	if (ret < 0)
		return -1;
	if (s->rootfs_propagation && mount(NULL, "/", NULL, s->rootfs_propagation, NULL) < 0)
		return fail(errno, "set rootfs propagation");
	if (s->root_readonly && remount_bind("/", MS_RDONLY, 0) < 0)
		return -1;
	return 0;
}
