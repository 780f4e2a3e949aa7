/* cgroup.h - the container's cgroup, on v1, v2 or hybrid hosts (cgroup.c). */
#ifndef GRID_CGROUP_H
#define GRID_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "spec.h"

struct cgroup {
	char path[1024];       /* in hierarchy terms, e.g. /grid/<id>; empty: none */
	int n, v2, freezer;    /* hierarchies; index of the v2 one and of the freezer, or -1 */
	char dir[16][512];     /* its directory in each hierarchy */
	int made[16];          /* levels of it that create made (removed again) */
	bool fresh;            /* made by this create: remove exactly what it made, nothing more */
};
int cgroup_resolve(const char *config_path, const char *id, const char *root, char *out, size_t size);
int cgroup_create(const struct spec *s, const char *id, const char *root, struct cgroup *cg);
int cgroup_load(struct cgroup *cg, const char *path);
int cgroup_apply(const struct cgroup *cg, const struct resources *r);
int cgroup_apply_limits(const struct cgroup *cg, const struct resources *r);
int cgroup_apply_devices(const struct cgroup *cg, const struct resources *r);
int cgroup_join(const struct cgroup *cg);
int cgroup_pids(const struct cgroup *cg, pid_t **out, size_t *n);
int cgroup_signal_all(const struct cgroup *cg, int sig);
int cgroup_freeze(const struct cgroup *cg, bool freeze);
int cgroup_frozen(const struct cgroup *cg);
void cgroup_stats_json(const struct cgroup *cg, struct buf *b);
long long cgroup_oom_kills(const struct cgroup *cg);
int cgroup_remove(struct cgroup *cg);

#endif
