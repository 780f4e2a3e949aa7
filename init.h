/* init.h - the container's init as the runtime prepares it and ns.c, mount.c
 * and tty.c carry it out: everything it holds from clone to exec. */
#ifndef GRID_INIT_H
#define GRID_INIT_H

#include <stdbool.h>

#include "caps.h"
#include "cgroup.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"

struct init {
	struct spec *spec;
	const struct state *st;
	char rootfs_src[4096]; /* the bundle's rootfs (a directory or an image), absolute */
	const char *layer;     /* overlay | aufs | none */
	bool no_pivot;
	bool rootless;         /* the runtime is not root: the init makes the layer
	                        * and the bind sources, in its user namespace */
	int sync_fd;           /* child's end of a SOCK_SEQPACKET pair */
	int sync_parent;       /* the runtime's end */
	bool stage2;           /* the init was forked by stage 1 (user namespace) */
	int start_err_fd;      /* start.error, where startContainer hook failures go, or -1 */
	struct cgroup cg;      /* the cgroup the init joins first (cg.path empty: none) */
	int fifo_fd;           /* exec.fifo, read by init to wait for start */
	int ns_fd[NS_COUNT];   /* namespaces joined by path, opened by the parent */
	char *host_cgroups;    /* /proc/self/cgroup as the runtime saw it */
	int layer_fd;          /* the write layer, a detached mount made by the runtime */
	int rootfs_dir_fd;     /* O_PATH of <dir>/rootfs, where the layer goes */
	int image_fd;          /* root.path as an image: its detached read-only mount, or -1 */
	int *mount_fd;         /* per mount: its detached bind tree, or -1 */
	struct caps caps;      /* resolved when spec->has_caps */
	struct sc_prog seccomp;/* compiled by the runtime; insn NULL: none */
	int listener_fd;       /* connected to linux.seccomp.listenerPath, or -1 */
	int notify_fd;         /* the init's: its filter's listener fd, for the runtime, or -1 */
	int preserve_fds;      /* fds 3..3+n-1 pass into the container */
	/* rootfs_setup calls it just before pivot_root: the hooks' moment (ns.c) */
	int (*before_pivot)(struct init *in);
};

#endif
