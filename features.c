/* features.c - `grid features`: the OCI features structure (features.md,
 * features-linux.md) for what this build implements, listed from the same
 * tables the parser and the setup code use, so it cannot drift from them. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "caps.h"
#include "features.h"
#include "grid.h"
#include "mountopt.h"
#include "seccomp.h"
#include "spec.h"

static void list(struct buf *b, const char *key, const char *(*name)(size_t))
{
	const char *n;

	buf_printf(b, "\"%s\":[", key);
	for (size_t i = 0; (n = name(i)); i++) {
		if (i)
			buf_puts(b, ",");
		buf_json_str(b, n);
	}
	buf_puts(b, "]");
}

static const char *hook_at(size_t i)
{
	return i < HOOK_KINDS ? hook_name(i) : NULL;
}

static const char *ns_at(size_t i)
{
	return i < NS_COUNT ? ns_name(i) : NULL;
}

static const char *cap_at(size_t i)
{
	const char *n = cap_name(i);
	return strcmp(n, "CAP_?") ? n : NULL;
}

static const char *mpol_mode_at(size_t i)
{
	static const char *const m[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
					 "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE" };
	return i < countof(m) ? m[i] : NULL;
}

static const char *mpol_flag_at(size_t i)
{
	static const char *const f[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES" };
	return i < countof(f) ? f[i] : NULL;
}

static const char *sc_action_at(size_t i) { return seccomp_name(SC_ACTIONS, i); }
static const char *sc_op_at(size_t i) { return seccomp_name(SC_OPERATORS, i); }
static const char *sc_arch_at(size_t i) { return seccomp_name(SC_ARCHS, i); }
static const char *sc_flag_at(size_t i) { return seccomp_name(SC_FLAGS, i); }

int print_features(void)
{
	cleanup_buf struct buf b = { 0 };

	buf_puts(&b, "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" OCI_VERSION "\",");
	list(&b, "hooks", hook_at);
	buf_puts(&b, ",");
	list(&b, "mountOptions", mount_option_name);
	buf_puts(&b, ",\"linux\":{");
	list(&b, "namespaces", ns_at);
	buf_puts(&b, ",");
	list(&b, "capabilities", cap_at);
	buf_puts(&b, ",\"cgroup\":{\"v1\":false,\"v2\":false,\"systemd\":false,\"systemdUser\":false,\"rdma\":false}"
		     ",\"seccomp\":{\"enabled\":true,");
	list(&b, "actions", sc_action_at);
	buf_puts(&b, ",");
	list(&b, "operators", sc_op_at);
	buf_puts(&b, ",");
	list(&b, "archs", sc_arch_at);
	buf_puts(&b, ",");
	list(&b, "knownFlags", sc_flag_at);
	buf_puts(&b, ",");
	list(&b, "supportedFlags", sc_flag_at);
	buf_puts(&b, "}"
		     ",\"apparmor\":{\"enabled\":true},\"selinux\":{\"enabled\":true}"
		     ",\"intelRdt\":{\"enabled\":false},\"memoryPolicy\":{");
	list(&b, "modes", mpol_mode_at);
	buf_puts(&b, ",");
	list(&b, "flags", mpol_flag_at);
	buf_puts(&b, "},\"mountExtensions\":{\"idmap\":{\"enabled\":true}},\"netDevices\":{\"enabled\":true}},"
		     "\"annotations\":{\"org.grid.version\":\"" GRID_VERSION "\",\"org.grid.rootfs.image\":\"erofs,squashfs,dm-verity\"},"
		     "\"potentiallyUnsafeConfigAnnotations\":[\"org.grid.layer\"]}\n");
	return buf_print(&b);
}
