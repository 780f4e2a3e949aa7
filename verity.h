/* verity.h - a dm-verity device over an image's read-only block device,
 * made with the device-mapper ioctls (verity.c). */
#ifndef GRID_VERITY_H
#define GRID_VERITY_H

/* the annotations: the root hash (hex, as veritysetup format prints it);
 * where the hash tree is: a file of the bundle (`veritysetup format IMAGE
 * FILE`), or the image itself; and its byte offset there (--hash-offset;
 * 0 if not given with a hash file, required without) */
#define VERITY_ROOTHASH "org.grid.verity.roothash"
#define VERITY_HASHFILE "org.grid.verity.hashfile"
#define VERITY_HASHOFFSET "org.grid.verity.hashoffset"

struct verity {
	const char *roothash, *hashfile, *hashoffset; /* the annotations' values, or NULL */
};

/* The verity device over the read-only block devices `data` (the image)
 * and `hash` (the hash tree: the same device, or the hash file's), the
 * tree's superblock read from `tree` (the file behind `hash`), checked
 * against v->roothash: its fd, open read-only, or -1 with the error naming
 * the image `path`. The device removes itself once its last user (the
 * mount made from it, or this fd) lets go. */
int verity_open(int data, int hash, int tree, const struct verity *v, const char *path);

#endif
