/* image.h - a rootfs that is an erofs or squashfs image file, mounted
 * read-only as a detached mount, optionally under dm-verity (image.c). */
#ifndef GRID_IMAGE_H
#define GRID_IMAGE_H

struct verity;

/* root.path `path` (relative to the bundle directory `bundle`) as an image:
 * its detached read-only mount, or -1 with the error naming the image.
 * With v->roothash (NULL: none), under dm-verity (verity.h). */
int image_mount(const char *bundle, const char *path, const struct verity *v);

#endif
