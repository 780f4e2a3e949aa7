/* image.c - a bundle's rootfs that is an image file: opened beneath the
 * bundle without following a symlink, recognised as erofs or squashfs by its
 * superblock (refused if it claims more bytes than the file has), and mounted
 * read-only as a detached mount, never attached on the host. erofs is
 * mounted from the file itself where the kernel can (6.12,
 * EROFS_FS_BACKED_BY_FILE), else through a loop device that detaches itself
 * once the mount (or a failed create) lets go of it; with a verity root hash,
 * always through a loop device, under a dm-verity device (verity.c), the
 * hash tree appended to the image or in a hash file of its own. The
 * mount's source is always an fd of ours, so a path swapped meanwhile is
 * never used. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fail.h"
#include "fault.h"
#include "image.h"
#include "kernel.h"
#include "log.h"
#include "util.h"
#include "verity.h"

#define EROFS_MAGIC 0xe0f5e1e2
#define SQUASHFS_MAGIC 0x73717368 /* "hsqs" */

/* A regular file beneath the bundle, O_RDONLY, reached without a symlink
 * (opened O_PATH first: a fifo or device is never opened). `field` names
 * it in errors: root.path (not a directory either, or it would not be
 * here) or the hash file's annotation. */
static int bundle_file(const char *bundle, const char *path, const char *field)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	cleanup_fd int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	const char *nor = strcmp(field, "root.path") ? "not " : "not a directory, nor ";
	char self[32];
	struct stat st;
	int file;

	if (path[0] == '/')
		return failx("%s %s: %sa file inside the bundle", field, path, nor);
	fd = dir < 0 ? -1 : syscall(SYS_openat2, dir, path, &how, sizeof how);
	if (fd < 0)
		return fail(errno, "%s %s: %sa file inside the bundle", field, path, nor);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return failx("%s %s: %sa regular file", field, path, nor);
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	file = open(self, O_RDONLY | O_CLOEXEC);
	return file < 0 ? fail(errno, "%s %s: open", field, path) : file;
}

/* "erofs" or "squashfs", from the superblock; NULL if neither or if it
 * claims more bytes than the file has (a truncated or lying image). */
static const char *image_type(int file, const char *path)
{
	unsigned char sb[1024 + 64] = { 0 };
	const unsigned char *e = sb + 1024;
	const char *type = "erofs";
	uint64_t used;
	struct stat st;

	if (fstat(file, &st) < 0 || pread(file, sb, sizeof sb, 0) < 0)
		return fail(errno, "root.path %s: read", path), NULL;
	if (le_read(sb, 4) == SQUASHFS_MAGIC) {
		type = "squashfs";
		used = le_read(sb + 40, 8);
	} else if (le_read(e, 4) == EROFS_MAGIC && e[12] >= 9 && e[12] <= 16) {
		used = le_read(e + 36, 4) << e[12];
	} else {
		return failx("root.path %s: not a directory, nor an erofs or squashfs image", path), NULL;
	}
	if (used > (uint64_t)st.st_size)
		return failx("root.path %s: the %s superblock claims %llu bytes, the file has %lld (truncated?)", path,
			     type, (unsigned long long)used, (long long)st.st_size),
		       NULL;
	return type;
}

/* A read-only mount of `type` from the file or device open at `fd`. */
static int fd_mount(const char *type, int fd, const char *path)
{
	cleanup_fd int fs = syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
	char src[32];
	int mnt;

	if (fs < 0)
		return fail(errno, errno == ENODEV ? "root.path %s: the kernel lacks %s" : "root.path %s: fsopen %s",
			    path, type);
	snprintf(src, sizeof src, "/proc/self/fd/%d", fd);
	/* "ro": a read-only loop device refuses to be opened for writing */
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", src, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fail(errno, "root.path %s: mount %s", path, type);
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	return mnt < 0 ? fail(errno, "root.path %s: fsmount %s", path, type) : mnt;
}

/* A read-only block device holding `file` (the image, or the hash file:
 * `field` `path` in errors): a loop device that detaches itself
 * (LO_FLAGS_AUTOCLEAR) once its last user is gone, this fd or the mount. */
static int image_device(int file, const char *field, const char *path)
{
	cleanup_fd int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	struct loop_config c = { .fd = file, .info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR };
	char dev[32];

	if (ctl < 0)
		return fail(errno, "%s %s: the kernel lacks loop devices (/dev/loop-control)", field, path);
	for (int tries = 0; tries < 20; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		cleanup_fd int loop = -1;

		if (n < 0)
			return fail(errno, "%s %s: a free loop device", field, path);
		snprintf(dev, sizeof dev, "/dev/loop%d", n);
		loop = open(dev, O_RDWR | O_CLOEXEC);
		if (loop < 0)
			return fail(errno, "%s %s: open %s", field, path, dev);
		if (ioctl(loop, LOOP_CONFIGURE, &c) == 0) {
			fault_point("create: image on a loop device, not mounted yet");
			return steal_fd(&loop);
		}
		if (errno != EBUSY) /* taken by someone else meanwhile: the next one */
			return fail(errno, "%s %s: attach %s", field, path, dev);
	}
	return failx("%s %s: no free loop device", field, path);
}

/* The image's loop device `dev` under dm-verity, with the hash tree in the
 * image itself or in the hash file: the verity device's fd, or -1. */
static int image_verity(const char *bundle, int file, int dev, const struct verity *v, const char *path)
{
	cleanup_fd int hfile = -1, hdev = -1;

	if (v->hashfile) {
		hfile = bundle_file(bundle, v->hashfile, "annotation " VERITY_HASHFILE);
		hdev = hfile < 0 ? -1 : image_device(hfile, "annotation " VERITY_HASHFILE, v->hashfile);
		if (hdev < 0)
			return -1;
	}
	return verity_open(dev, v->hashfile ? hdev : dev, v->hashfile ? hfile : file, v, path);
}

int image_mount(const char *bundle, const char *path, const struct verity *v)
{
	cleanup_fd int file = bundle_file(bundle, path, "root.path"), dev = -1;
	const char *type = file < 0 ? NULL : image_type(file, path);
	int mnt;

	if (!type)
		return -1;
	/* GRID_TEST_IMAGE_LOOP lets the tests take the loop device path for erofs */
	if (!v->roothash && !strcmp(type, "erofs") && !getenv("GRID_TEST_IMAGE_LOOP")) {
		mnt = fd_mount(type, file, path);
		if (mnt >= 0 || errno != ENOTBLK)
			return mnt;
		debug("root.path %s: no file-backed erofs here: through a loop device", path);
		clear_error();
	}
	dev = image_device(file, "root.path", path);
	if (dev >= 0 && v->roothash) {
		int verity = image_verity(bundle, file, dev, v, path);

		close_fdp(&dev);
		dev = verity;
	}
	if (dev < 0)
		return -1;
	mnt = fd_mount(type, dev, path);
	debug("root.path %s: %s on a %s device", path, type, v->roothash ? "dm-verity" : "loop");
	return mnt;
}
