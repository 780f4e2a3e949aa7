/* exe.h - the runtime's binary, out of the container's reach (exe.c). */
#ifndef GRID_EXE_H
#define GRID_EXE_H


/* Before create, run and exec: re-executes argv from a read-only detached
 * bind of the binary (or a sealed memfd) unless already running from one. */
int exe_protect(char **argv);

#endif
