/* devices_bpf.h - linux.resources.devices as a cgroup v2 device program (devices_bpf.c). */
#ifndef GRID_DEVICES_BPF_H
#define GRID_DEVICES_BPF_H

#include <stddef.h>

#include "kernel.h"
#include "spec.h"

/* Instructions a program for n rules needs at most. */
#define DEVICES_BPF_MAX(n) (9 + 8 * (n))
/* The program for rules[0..n), as the v1 list applies them: each requested
 * access bit is allowed iff the last rule matching the device and having
 * that bit allows it; the request iff all its bits are. Into out[cap];
 * returns its length, or -1 (error recorded). */
int devices_bpf_build(const struct dev_rule *rules, size_t n, struct bpf_insn *out, size_t cap);
/* Loads the program for r's rules followed by the default devices and
 * attaches it to the cgroup v2 directory dir. */
int devices_bpf_attach(const char *dir, const struct resources *r);
/* Appended after the config's rules on v1 and v2 alike */
extern const struct dev_rule device_rules_default[];
extern const size_t device_rules_ndefault;

#endif
