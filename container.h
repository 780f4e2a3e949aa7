/* container.h - the operations the command line calls (container.c). */
#ifndef GRID_CONTAINER_H
#define GRID_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

extern bool cgroups_disabled; /* --cgroup-manager disabled */
struct create_opts {
	const char *root, *id, *bundle, *pid_file, *console_socket;
	bool no_pivot, detach, keep;
	int preserve_fds;
};
int container_create(const struct create_opts *o);
int container_start(const char *root, const char *id);
int container_run(const struct create_opts *o);
int container_state(const char *root, const char *id);
int container_kill(const char *root, const char *id, int sig, bool all);
int container_pause(const char *root, const char *id, bool pause);
int container_ps(const char *root, const char *id, bool json);
int container_update(const char *root, const char *id, const struct resources *r);
int container_events_stats(const char *root, const char *id);
int container_delete(const char *root, const char *id, bool force);
int container_list(const char *root, bool json, bool quiet);
/* bundle/config.json (bundle NULL: here); rootless: for the calling user */
int write_default_spec(const char *bundle, bool rootless);
int parse_signal(const char *s);
int write_pid_file(const char *path, pid_t pid);
/* Foreground: forwards signals to pid, proxies the pty master if any, and
 * returns the exit code to exit with (128+N for signal N). */
int wait_container(pid_t pid, int master);

#endif
