/* fault.h - fault injection (GRID_FAULT_STEP) and the cgroup record (fault.c). */
#ifndef GRID_FAULT_H
#define GRID_FAULT_H

#include "state.h"

void fault_point(const char *name);
int cgroup_record_write(const struct state *st, const char *path);
void cgroup_record_find(struct state *st, const char *root);

#endif
