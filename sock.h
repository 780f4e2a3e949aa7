/* sock.h - unix sockets: records with an fd attached, connect by path (sock.c). */
#ifndef GRID_SOCK_H
#define GRID_SOCK_H

#include <stdbool.h>
#include <stddef.h>

/* Sends p whole (a stream may take several writes) with fd attached to the
 * first part (-1: none); -1 with errno set. */
int sock_send(int sock, const void *p, size_t len, int fd);
/* Receives one record into buf (NUL-terminated; at most size - 1 bytes);
 * *fd is the fd it carried, else -1. The length, 0 at EOF, -1 with errno. */
int sock_recv(int sock, char *buf, size_t size, int *fd);
/* A unix socket of type (SOCK_STREAM, SOCK_DGRAM) connected to, or with
 * listen bound at, path ('@' starts an abstract name); -1 with the error
 * naming what. */
int unix_socket(const char *path, int type, bool listen, const char *what);
/* A stream socket connected to the unix socket at path, or -1 (the error
 * names what); timeout > 0: connect and every send give up after that many
 * seconds (EAGAIN) instead of waiting for a peer that does not take them. */
int unix_connect(const char *path, const char *what, int timeout);

#endif
