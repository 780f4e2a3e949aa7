/* fs.h - files and directories: bounded reads, atomic writes, trees, checked paths (fs.c). */
#ifndef GRID_FS_H
#define GRID_FS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

int read_file(const char *path, char **out, size_t *len, size_t max);
int read_fd(int fd, const char *path, char **out, size_t *len, size_t max); /* path: for errors */
/* A file that one read returns whole (a regular file, a few words of
 * cgroupfs) into buf, NUL-terminated, without malloc: -1 with EFBIG
 * (nothing recorded) if it does not fit in size - 1 bytes, as for any other
 * error (recorded) */
int read_small(const char *path, char *buf, size_t size, size_t *len);
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len);
int write_file(const char *path, const char *data, size_t len, int flags, mode_t mode);
int mkdir_p(const char *path, mode_t mode);
int remove_tree_at(int dirfd, const char *name);
int remove_tree(const char *path);
int copy_tree_at(int from, int to, int depth);
/* snprintf for paths: -1 (ENAMETOOLONG, the error naming the path's start) when it does not fit */
int path_fmt(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int path_join(char *out, size_t size, const char *a, const char *b);

#endif
