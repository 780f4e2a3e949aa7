/* grid.h - what every file of Grid shares: its versions, the id limit, countof.
 * Each module declares its own API in its own header. */
#ifndef GRID_GRID_H
#define GRID_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GRID_VERSION "0.1.0"
#define OCI_VERSION "1.3.0"
#define ID_MAX 64

#define countof(a) (sizeof(a) / sizeof((a)[0]))

#endif
