/* verity.h - a dm-verity device over an image's read-only block device,
 * made with the device-mapper ioctls (verity.c). */
#ifndef GRID_VERITY_H
#define GRID_VERITY_H

/* the annotations: the root hash (hex, as veritysetup format prints it) and
 * the hash tree's byte offset in the image (its --hash-offset) */
#define VERITY_ROOTHASH "org.grid.verity.roothash"
#define VERITY_HASHOFFSET "org.grid.verity.hashoffset"

/* The verity device over the block device open at `dev`: the image's data
 * and, from byte `hashoffset` on, the hash tree `veritysetup format
 * --hash-offset` appended (`file` is the same image, for reading the tree's
 * superblock), checked against `roothash`: its fd, open read-only, or -1 with
 * the error naming the image `path`. The device removes itself once its last
 * user (the mount made from it, or this fd) lets go. */
int verity_open(int file, int dev, const char *roothash, const char *hashoffset, const char *path);

#endif
