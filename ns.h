/* ns.h - the init, from clone to exec (ns.c). */
#ifndef GRID_NS_H
#define GRID_NS_H

#include <stdbool.h>

#include <stddef.h>
#include <sys/types.h>

#include "caps.h"
#include "init.h"
#include "spec.h"

int ns_clone_flag(enum ns_type t);
pid_t ns_spawn(struct init *in);           /* parent: returns the init's host pid */
int ns_open_paths(struct init *in);        /* parent: open and type-check ns paths */
void ns_close_paths(struct init *in);
/* child: the capability bounding set, groups, uid/gid, capabilities, umask */
int set_user(const struct spec *s, const struct caps *c);
/* child: args[0] resolved as execvp would, with the words podman maps to exit codes */
int find_executable(const struct spec *s, char *out, size_t size);
int apply_rlimits(const struct spec *s);
int set_oom_score_adj(const struct spec *s); /* child, while /proc/self is its own */
/* child, just before execve: fds 3..3+n-1 stay as passed, every later one closes */
int preserve_fds_apply(int n);

/* Are we in a user namespace other than the host's (rootless podman runs
 * its runtime as root of one)? */
bool in_user_namespace(void);

#endif
