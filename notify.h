/* notify.h - NOTIFY_SOCKET (sd_notify) through the container, as runc and crun do it (notify.c). */
#ifndef GRID_NOTIFY_H
#define GRID_NOTIFY_H

#include <sys/types.h>

struct spec;
struct state;

/* create: with NOTIFY_SOCKET in our environment, the container gets the
 * directory <state dir>/notify bound on /run/notify and
 * NOTIFY_SOCKET=/run/notify/notify.sock; 0 when there is nothing to do. */
int notify_prepare(struct spec *s, const char *dir);
/* start, run: the socket the container will send to, bound before its
 * program runs; -1 on error, and -2 without NOTIFY_SOCKET (or when create
 * set none up). */
int notify_listen(const char *dir);
/* Waits until the container sends READY=1, then sends READY=1 and
 * MAINPID=mainpid (one message) to our NOTIFY_SOCKET; if the process pid
 * ends first, warns and passes nothing on, as runc. Closes fd. */
int notify_forward(int fd, pid_t pid, pid_t mainpid);

#endif
