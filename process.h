/* process.h - attributes of the container's process (process.c). */
#ifndef GRID_PROCESS_H
#define GRID_PROCESS_H

#include <stdbool.h>

#include "spec.h"

int process_apply(const struct spec *s);       /* child, before the user switch */
int process_apply_lsm(const struct spec *s);   /* child, just before exec */
bool selinux_on(void);
int process_set_home(struct spec *s);          /* child, in the container's root */                         /* after process_apply: SELinux labels apply */

#endif
