/* sock.h - fds passed over unix sockets (sock.c). */
#ifndef GRID_SOCK_H
#define GRID_SOCK_H

#include <stddef.h>

/* Sends payload with fd attached (SCM_RIGHTS). */
int send_fd(int sock, int fd, const char *payload);
/* Receives one message into buf (NUL-terminated); *fd is set if it carried one (else -1). */
int recv_fd(int sock, char *buf, size_t size, int *fd);
/* A stream socket connected to the unix socket at path, or -1 (the error names what). */
int unix_connect(const char *path, const char *what);

#endif
