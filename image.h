/* image.h - a rootfs that is an erofs or squashfs image file, mounted
 * read-only as a detached mount (image.c). */
#ifndef GRID_IMAGE_H
#define GRID_IMAGE_H

/* root.path `path` (relative to the bundle directory `bundle`) as an image:
 * its detached read-only mount, or -1 with the error naming the image. */
int image_mount(const char *bundle, const char *path);

#endif
