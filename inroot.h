/* inroot.h - paths opened race-free inside the rootfs, and a verified /proc (inroot.c). */
#ifndef GRID_INROOT_H
#define GRID_INROOT_H

#include <stdbool.h>

bool inroot_supported(void);               /* openat2 exists */
int inroot_open(int rootfd, const char *dest, bool file);
/* path inside rootfd, symlinks followed there, nothing made (O_PATH fd) */
int inroot_find(int rootfd, const char *path);
/* In the container's root: a regular file opened to read, symlinks followed
 * there but no magic link, a fifo or device refused (-1) */
int inroot_open_file(const char *path);
int inroot_mounted(int rootfd, const char *dest, int fd);
/* In the container's root, as its user: chdir to process.cwd, never outside. */
int inroot_chdir(const char *cwd);
/* /proc/<rel> of a real procfs, with no mount crossed on the way */
int inroot_proc_open(const char *rel, int flags);

#endif
