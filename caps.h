/* caps.h - process.capabilities as bit masks (caps.c). */
#ifndef GRID_CAPS_H
#define GRID_CAPS_H

#include <stdint.h>

#include "spec.h"

struct caps {
	uint64_t set[CAP_SETS]; /* bit n: capability n, of enum cap_set */
	int last;               /* this kernel's cap_last_cap */
};
int caps_resolve(const struct spec *s, struct caps *out); /* runtime, before fork */
int caps_bound(const struct caps *c);  /* child, still root: bounding set, keep caps */
int caps_apply(const struct caps *c);  /* child, as the user: capset, ambient */
const char *cap_name(int n);

#endif
