/* hooks.h - the OCI hooks (hooks.c). */
#ifndef GRID_HOOKS_H
#define GRID_HOOKS_H

#include <sys/types.h>

#include "spec.h"
#include "state.h"

/* Runs the hooks of kind k in order with the state JSON on stdin; the first
 * failure stops them and is the error. */
int hooks_run(const struct spec *s, enum hook_kind k, const struct state *st, enum status status, pid_t pid);
int hooks_save(const struct spec *s, const struct state *st); /* poststart, poststop into the state dir */
int hooks_load(struct spec *s, const struct state *st);       /* what hooks_save kept; none: no hooks */

/* create entered the container's pid (and time) namespace for its
 * children's sake: the runtime's next children (its hooks, the NOTIFY_SOCKET
 * forwarder) must be born in the runtime's own again. */
int children_in_own_namespaces(void);

#endif
