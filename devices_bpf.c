/* devices_bpf.c - linux.resources.devices on cgroup v2: a
 * BPF_PROG_TYPE_CGROUP_DEVICE program generated from the rules and attached
 * with the raw bpf() syscall (no libbpf). */
#include "grid.h"

int devices_bpf_attach(const char *dir, const struct resources *r)
{
	(void)r;
	return failx("linux.resources.devices: cgroup v2 device filtering (%s) is not implemented yet", dir);
}
