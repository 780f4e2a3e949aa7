/* mount.h - the write layer, mounts, devices, pivot_root, masks (mount.c). */
#ifndef GRID_MOUNT_H
#define GRID_MOUNT_H

#include <stddef.h>

#include "init.h"

#define UPPER_ANNOTATION "org.grid.layer.upper"
extern const char *layer_upper_option; /* --layer-upper: where write layers go by default */
const char *layer_choose(const char *annotation, const char *rootfs);
int mounts_prepare(struct init *in);
/* The write layer and the bind sources as detached mounts (mounts_prepare's
 * part; rootless, the init's in its user namespace). */
int mounts_make(struct init *in);       /* parent: the layer and bind sources, detached */
void mounts_release(struct init *in);
int rootfs_setup(struct init *in);         /* child: layer, mounts, devices, pivot */
int rootfs_finish(struct init *in);        /* child, after pivot: masks, ro paths, ro root */
/* Binds the file open at srcfd over the one open at dstfd (O_PATH fds). */
int bind_fd(int srcfd, int dstfd, const char *what);

#endif
