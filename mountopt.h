/* mountopt.h - a mount's options turned into flags and data (mountopt.c). */
#ifndef GRID_MOUNTOPT_H
#define GRID_MOUNTOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* mount_setattr(2)'s MOUNT_ATTR_* */
#define ATTR_RDONLY 0x1
#define ATTR_NOSUID 0x2
#define ATTR_NODEV 0x4
#define ATTR_NOEXEC 0x8
#define ATTR__ATIME 0x70
#define ATTR_RELATIME 0x0
#define ATTR_NOATIME 0x10
#define ATTR_STRICTATIME 0x20
#define ATTR_NODIRATIME 0x80
#define ATTR_IDMAP 0x100000
#define ATTR_NOSYMFOLLOW 0x200000

struct id_map; /* spec.h */

/* a mount of config.json, its options parsed */
struct mount {
	const char *destination, *type, *source;
	unsigned long flags;      /* MS_* from options */
	unsigned long clear;      /* MS_* explicitly turned off (rw, suid, ...) */
	unsigned long propagation;/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (| MS_REC) */
	uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* of the r* options, applied recursively */
	bool bind, idmap, ridmap, tmpcopyup;
	char *data;               /* options passed to the filesystem */
	struct id_map *uid_maps, *gid_maps;
	size_t nuid_maps, ngid_maps;
};

int mount_parse_options(struct arena *a, struct mount *m, const char **opts, size_t n);
const char *mount_option_name(size_t i);

#endif
