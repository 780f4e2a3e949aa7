/* verity.c - dm-verity under an image rootfs, made with the raw
 * device-mapper ioctls (no libdevmapper, no libcryptsetup). The hash tree's
 * superblock, as `veritysetup format` writes it, gives the hash type,
 * algorithm, block sizes, data block count and salt; the user gives only the
 * root hash and where the tree is (appended to the image, or a file). A wrong root hash fails the first read
 * (refused here, the device removed); a tampered block later fails its read
 * with EIO in the container, never silently. The device is marked for
 * deferred removal as soon as it is open, so the kernel removes it when its
 * last user (the mount) goes, as a loop device's AUTOCLEAR: no state kept.
 * A Grid killed between making a device and that mark leaves it: every Grid
 * does that step under a lock on the control device, and before it removes
 * any grid- device that nobody has open, which under the lock can only be a
 * dead Grid's. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fail.h"
#include "fault.h"
#include "kernel.h"
#include "log.h"
#include "util.h"
#include "verity.h"

/* one ioctl's buffer: the header, one target, its parameters */
struct dm_msg {
	struct dm_ioctl io;
	struct dm_target_spec t;
	char params[1280];
};

static int dm(int ctl, unsigned long cmd, struct dm_msg *m, const char *name, uint32_t flags)
{
	m->io = (struct dm_ioctl){ .version = { DM_VERSION_MAJOR }, .data_size = sizeof *m,
				   .data_start = sizeof m->io, .flags = flags, .target_count = cmd == DM_TABLE_LOAD };
	snprintf(m->io.name, sizeof m->io.name, "%s", name);
	return ioctl(ctl, cmd, m);
}

/* Removes every grid- device that nobody has open (the kernel refuses the
 * others): under the lock, a killed Grid's, made but never marked. */
static void verity_sweep(int ctl, struct dm_msg *m)
{
	const char *p = (const char *)&m->t, *end = (const char *)(m + 1);
	struct dm_msg r;
	uint32_t next;

	if (dm(ctl, DM_LIST_DEVICES, m, "", 0) < 0 || m->io.flags & DM_BUFFER_FULL_FLAG)
		return; /* over 40 devices: none looked at */
	for (; p + 12 < end && le_read((const unsigned char *)p, 8); p += next) {
		const char *name = p + 12;

		next = le_read((const unsigned char *)p + 8, 4);
		if (!strncmp(name, "grid-", 5) && memchr(name, 0, end - name) && dm(ctl, DM_DEV_REMOVE, &r, name, 0) == 0)
			debug("removed %s, a dm-verity device a killed grid left", name);
		if (!next)
			break;
	}
}

static int hex_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return 0;
	return n > 0 && n <= max;
}

/* The table of `veritysetup format`'s superblock at `offset` of `file`,
 * the devices being `data` and `hash` ("maj:min"): in m->t and m->params,
 * or -1. */
static int verity_table(int file, uint64_t offset, const char *roothash, const char *data, const char *hash,
			struct dm_msg *m, const char *path)
{
	unsigned char sb[512] = { 0 }, *p = sb + 32;
	char salt[513] = "-";
	uint32_t dbs, hbs;
	uint64_t blocks;
	size_t nsalt;

	if (pread(file, sb, sizeof sb, (off_t)offset) < 0)
		return fail(errno, "root.path %s: read", path);
	dbs = le_read(sb + 64, 4), hbs = le_read(sb + 68, 4), blocks = le_read(sb + 72, 8), nsalt = le_read(sb + 80, 2);
	sb[63] = 0;
	while (*p > ' ' && *p < 127) /* the algorithm: one word of the table */
		p++;
	if (memcmp(sb, "verity\0\0", 8) || le_read(sb + 8, 4) != 1 || le_read(sb + 12, 4) > 1 || dbs < 512 || hbs < 512 ||
	    nsalt > 256 || *p || p == sb + 32)
		return failx("root.path %s: no verity superblock (veritysetup format) at byte %llu", path,
			     (unsigned long long)offset);
	if (!hex_ok(roothash, 128))
		return failx("root.path %s: annotation " VERITY_ROOTHASH ": not a hex digest", path);
	for (size_t i = 0; i < nsalt; i++)
		snprintf(salt + 2 * i, 3, "%02x", sb[88 + i]);
	m->t = (struct dm_target_spec){ .length = blocks * dbs / 512, .target_type = "verity" };
	snprintf(m->params, sizeof m->params, "%u %s %s %u %u %llu %llu %s %s %s", sb[12], data, hash, dbs, hbs,
		 (unsigned long long)blocks, (unsigned long long)((offset + sizeof sb + hbs - 1) / hbs),
		 (char *)sb + 32, roothash, salt);
	return 0;
}

/* The new device `name`, loaded and resumed, opened read-only by its node
 * (devtmpfs's /dev/dm-N, checked to be that device); then marked for
 * deferred removal. */
static int verity_activate(int ctl, struct dm_msg *m, const char *name, const char *path)
{
	char node[32];
	struct stat st;
	dev_t d;
	int fd;

	if (dm(ctl, DM_DEV_CREATE, m, name, 0) < 0)
		return fail(errno, "root.path %s: create device %s", path, name);
	d = m->io.dev;
	if (dm(ctl, DM_TABLE_LOAD, m, name, DM_READONLY_FLAG) < 0 || dm(ctl, DM_DEV_SUSPEND, m, name, 0) < 0) {
		/* an unknown target type is EINVAL too: the module says which */
		if (errno == EINVAL && access("/sys/module/dm_verity", F_OK) < 0)
			fail(ENOENT, "root.path %s: the kernel lacks dm-verity (/sys/module/dm_verity)", path);
		else
			fail(errno, "root.path %s: dm-verity refused the table (root hash length?)", path);
		goto remove;
	}
	fault_point("create: verity device made, not marked for removal yet");
	snprintf(node, sizeof node, "/dev/dm-%u", minor(d));
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_rdev != d) {
		fail(fd < 0 ? errno : ENXIO, "root.path %s: open %s", path, node);
		close_fdp(&fd);
		goto remove;
	}
	if (dm(ctl, DM_DEV_REMOVE, m, name, DM_DEFERRED_REMOVE) == 0)
		return fd;
	fail(errno, "root.path %s: remove %s", path, name);
	close(fd);
remove:
	dm(ctl, DM_DEV_REMOVE, m, name, 0);
	return -1;
}

/* "maj:min" of the block device open at fd */
static int dev_name(int fd, char *out, size_t size, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(errno, "root.path %s: stat", path);
	snprintf(out, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	return 0;
}

int verity_open(int data, int hash, int tree, const struct verity *v, const char *path)
{
	cleanup_fd int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC), fd = -1;
	const char *at = v->hashoffset ? v->hashoffset : v->hashfile ? "0" : NULL;
	char mm[24], hm[24], name[32], *end = NULL;
	unsigned long long offset = at ? dec_ull(at, &end) : 0;
	unsigned char block[512];
	struct dm_msg m;

	if (!end || end == at || *end || offset % 512 || offset > INT64_MAX)
		return failx("root.path %s: annotation " VERITY_HASHOFFSET ": missing, or not a multiple of 512", path);
	if (ctl < 0)
		return fail(errno, "root.path %s: the kernel lacks device-mapper (/dev/mapper/control)", path);
	if (dev_name(data, mm, sizeof mm, path) < 0 || dev_name(hash, hm, sizeof hm, path) < 0)
		return -1;
	if (flock(ctl, LOCK_EX) < 0)
		return fail(errno, "root.path %s: lock /dev/mapper/control", path);
	verity_sweep(ctl, &m);
	snprintf(name, sizeof name, "grid-%s", mm);
	if (verity_table(tree, offset, v->roothash, mm, hm, &m, path) < 0)
		return -1;
	fd = verity_activate(ctl, &m, name, path);
	if (fd < 0)
		return -1;
	/* the first block, checked up to the root hash: a wrong one fails here */
	if (pread(fd, block, sizeof block, 0) != (ssize_t)sizeof block)
		return errno == EIO ? failx("root.path %s: root hash mismatch (" VERITY_ROOTHASH "), or block 0 damaged",
					    path)
				    : fail(errno, "root.path %s: read", path);
	return steal_fd(&fd);
}
