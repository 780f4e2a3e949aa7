/* tty.h - the container's terminal (tty.c). */
#ifndef GRID_TTY_H
#define GRID_TTY_H

#include <stdbool.h>

#include "spec.h"

/* child, in the container's mount namespace: a pty whose slave becomes our
 * stdio and controlling terminal (and /dev/console when console is set) */
int tty_create(const struct spec *s, bool console, int *master);
int console_socket_send(const char *path, int master);

#endif
