/* mountopt.h - a mount's options turned into flags and data (mountopt.c). */
#ifndef GRID_MOUNTOPT_H
#define GRID_MOUNTOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

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
