/* mountopt.c - a mount's options as config.json gives them (mount(8)
 * words: ro, nosuid, rbind, rprivate, idmap, tmpcopyup, ...) turned into
 * mount flags, propagation, mount_setattr attributes and filesystem data,
 * for the parser; the names for `grid features`. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "arena.h"
#include "buf.h"
#include "grid.h"
#include "kernel.h"
#include "mountopt.h"

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flags[] = {
	{ "defaults", 0, 0 }, { "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY },
	{ "suid", 0, MS_NOSUID }, { "nosuid", MS_NOSUID, 0 }, { "dev", 0, MS_NODEV },
	{ "nodev", MS_NODEV, 0 }, { "exec", 0, MS_NOEXEC }, { "noexec", MS_NOEXEC, 0 },
	{ "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 }, { "remount", MS_REMOUNT, 0 }, { "mand", MS_MANDLOCK, 0 },
	{ "nomand", 0, MS_MANDLOCK }, { "atime", 0, MS_NOATIME }, { "noatime", MS_NOATIME, 0 },
	{ "diratime", 0, MS_NODIRATIME }, { "nodiratime", MS_NODIRATIME, 0 },
	{ "relatime", MS_RELATIME, 0 }, { "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
	{ "lazytime", MS_LAZYTIME, 0 }, { "nolazytime", 0, MS_LAZYTIME },
	{ "silent", MS_SILENT, 0 }, { "loud", 0, MS_SILENT },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0 }, { "symfollow", 0, MS_NOSYMFOLLOW },
	{ "iversion", MS_I_VERSION, 0 }, { "noiversion", 0, MS_I_VERSION },
};

/* The recursive options, applied with mount_setattr(AT_RECURSIVE): each
 * sets the bits of `mask` to `value`. */
static const struct {
	const char *name;
	uint64_t mask, value;
} recursive_flags[] = {
	{ "rro", MOUNT_ATTR_RDONLY, MOUNT_ATTR_RDONLY }, { "rrw", MOUNT_ATTR_RDONLY, 0 },
	{ "rnosuid", MOUNT_ATTR_NOSUID, MOUNT_ATTR_NOSUID }, { "rsuid", MOUNT_ATTR_NOSUID, 0 },
	{ "rnodev", MOUNT_ATTR_NODEV, MOUNT_ATTR_NODEV }, { "rdev", MOUNT_ATTR_NODEV, 0 },
	{ "rnoexec", MOUNT_ATTR_NOEXEC, MOUNT_ATTR_NOEXEC }, { "rexec", MOUNT_ATTR_NOEXEC, 0 },
	{ "rnodiratime", MOUNT_ATTR_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { "rdiratime", MOUNT_ATTR_NODIRATIME, 0 },
	{ "rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0 },
	{ "rnoatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME },
	{ "rrelatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME }, { "ratime", MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME },
};

static const struct {
	const char *name;
	unsigned long flags;
} propagation_flags[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* The i-th option name Grid recognizes, NULL past the last (for `features`). */
const char *mount_option_name(size_t i)
{
	static const char *const special[] = { "bind", "rbind", "idmap", "ridmap", "tmpcopyup" };

	if (i < countof(special))
		return special[i];
	i -= countof(special);
	if (i < countof(mount_flags))
		return mount_flags[i].name;
	i -= countof(mount_flags);
	if (i < countof(recursive_flags))
		return recursive_flags[i].name;
	i -= countof(recursive_flags);
	if (i < countof(propagation_flags))
		return propagation_flags[i].name;
	return NULL;
}

int mount_parse_options(struct arena *a, struct mount *m, const char **opts, size_t n)
{
	cleanup_buf struct buf data = { 0 };

	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		bool known = false;

		if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
			m->bind = true;
			m->flags |= MS_BIND | (o[0] == 'r' ? MS_REC : 0);
			continue;
		}
		if (!strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
			*(o[0] == 'r' ? &m->ridmap : &m->idmap) = true;
			continue;
		}
		if (!strcmp(o, "tmpcopyup")) {
			m->tmpcopyup = true;
			continue;
		}
		for (size_t k = 0; k < countof(recursive_flags) && !known; k++) {
			if (!strcmp(o, recursive_flags[k].name)) {
				m->attr_set = (m->attr_set & ~recursive_flags[k].mask) | recursive_flags[k].value;
				m->attr_clr |= recursive_flags[k].mask;
				known = true;
			}
		}
		for (size_t k = 0; k < countof(mount_flags) && !known; k++) {
			if (!strcmp(o, mount_flags[k].name)) {
				m->flags = (m->flags & ~mount_flags[k].clear) | mount_flags[k].set;
				m->clear = (m->clear & ~mount_flags[k].set) | mount_flags[k].clear;
				known = true;
			}
		}
		for (size_t k = 0; k < countof(propagation_flags) && !known; k++) {
			if (!strcmp(o, propagation_flags[k].name)) {
				m->propagation = propagation_flags[k].flags;
				known = true;
			}
		}
		if (known)
			continue;
		if (data.len)
			buf_puts(&data, ",");
		buf_puts(&data, o);
	}
	if (buf_check(&data) < 0)
		return -1;
	if (data.len && !(m->data = arena_strndup(a, data.p, data.len)))
		return -1;
	return 0;
}
