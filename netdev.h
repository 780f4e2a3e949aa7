/* netdev.h - linux.netDevices (netdev.c). */
#ifndef GRID_NETDEV_H
#define GRID_NETDEV_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

struct netdev_moved {
	int index;   /* in the container's network namespace; 0: not moved */
	bool was_up; /* on the host, to restore it if the device is given back */
};
/* Before spawning: a new network namespace is wanted and every host device exists. */
int netdev_check(const struct spec *s);
/* After the init is ready: moves s->netdevs into its network namespace, filling
 * moved[s->nnetdevs]; on failure gives back what it moved before returning -1. */
int netdev_move(const struct spec *s, pid_t pid, struct netdev_moved *moved);
/* In the init, in its new network namespace: lo up. */
int netdev_lo_up(void);
/* A later step of create failed: move the devices back to the host, unrenamed. */
void netdev_give_back(const struct spec *s, pid_t pid, struct netdev_moved *moved);

#endif
