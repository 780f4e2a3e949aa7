/* state.h - per-container records in <root>/<id> (state.c). */
#ifndef GRID_STATE_H
#define GRID_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "grid.h"

#define CONFIG_SNAPSHOT "config.json" /* in the state directory: the config as created */
enum status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_STOPPED, ST_PAUSED };
struct state {
	char id[ID_MAX + 1];
	char dir[4096];      /* <root>/<id> */
	char bundle[4096];
	char rootfs[4096];   /* what the container sees as / (host path) */
	char layer[16];      /* overlay | aufs | none */
	char created[40];    /* RFC 3339 */
	char cgroup[1024];   /* its cgroup path; empty: none */
	char boot[40];       /* the boot id when created; empty: unknown */
	pid_t pid;
	unsigned long long starttime;
	bool started;
	bool empty;          /* the record is there but empty (a power cut) */
	char **ann_keys, **ann_values;
	size_t nann;
	int lockfd;
};
const char *status_name(enum status s);
int id_valid(const char *id);
int state_root(const char *root);
int state_dir(char *out, size_t size, const char *root, const char *id);
int state_new(struct state *st, const char *root, const char *id);
int state_open(struct state *st, const char *root, const char *id, bool lock);
int state_set_annotations(struct state *st, const char *const *keys, const char *const *values, size_t n);
int state_write(const struct state *st);
int state_remove(const struct state *st); /* the directory and the layer it links to */
int state_parse(struct state *st, const char *text, size_t len);
/* The state file's text (malloc'd), or NULL with the error recorded */
char *state_format(const struct state *st, size_t *len);
void state_close(struct state *st);
#define cleanup_state __attribute__((cleanup(state_close)))
enum status state_status(const struct state *st);
int proc_starttime(pid_t pid, unsigned long long *out, char *pstate);
/* The OCI state JSON of `st` as `status` with `pid` (0 when stopped). */
void state_json(struct buf *b, const struct state *st, enum status status, pid_t pid);

#endif
