/* caps.c - process.capabilities. The runtime turns the five lists of names
 * into bit masks before it forks (caps_resolve): a name capabilities(7) does
 * not know is refused, one this kernel or this runtime cannot grant (or an
 * ambient one the kernel would not raise) is dropped with a warning, as
 * config.md asks. The container's init then narrows the bounding set while
 * still root (caps_bound) and sets the other four sets once it runs as the
 * container's user (caps_apply). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "kernel.h"
#include "log.h"
#include "spec.h"
#include "util.h"

/* capabilities(7), by number */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
	"CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

static const char *const set_names[CAP_SETS] = {
	[CAPS_BOUNDING] = "bounding", [CAPS_EFFECTIVE] = "effective", [CAPS_INHERITABLE] = "inheritable",
	[CAPS_PERMITTED] = "permitted", [CAPS_AMBIENT] = "ambient",
};

const char *cap_name(int n)
{
	return n >= 0 && n < (int)countof(cap_names) ? cap_names[n] : "CAP_?";
}

static int cap_number(const char *name)
{
	for (size_t i = 0; i < countof(cap_names); i++)
		if (!strcmp(name, cap_names[i]))
			return i;
	return -1;
}

static int last_cap(void)
{
	char *text = NULL;
	size_t len;
	long long n;

	if (read_file("/proc/sys/kernel/cap_last_cap", &text, &len, 64) < 0)
		return -1;
	n = dec_ll(text, NULL);
	free(text);
	if (n <= 0 || n > 63)
		return failx("/proc/sys/kernel/cap_last_cap: unexpected value");
	return n;
}

static int capget_self(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	if (syscall(SYS_capget, &h, d) < 0)
		return fail(errno, "capget");
	return 0;
}

/* What this runtime can hand on: caps of this kernel in its own permitted
 * and bounding sets (a restricted environment may lack some). */
/* What the init can have: our permitted set; in a user namespace it gets
 * every capability there (a rootless runtime has none of its own), within
 * the bounding set either way. */
static int grantable(int last, bool userns, uint64_t *out)
{
	struct __user_cap_data_struct d[2];

	if (capget_self(d) < 0)
		return -1;
	*out = userns ? ~0ULL : d[0].permitted | (uint64_t)d[1].permitted << 32;
	for (int n = 0; n <= last; n++)
		if (prctl(PR_CAPBSET_READ, n, 0, 0, 0) != 1)
			*out &= ~(1ULL << n);
	if (last < 63)
		*out &= (1ULL << (last + 1)) - 1;
	return 0;
}

static int names_to_mask(const struct spec *s, int set, uint64_t *mask)
{
	*mask = 0;
	for (size_t i = 0; i < s->proc.ncaps[set]; i++) {
		int n = cap_number(s->proc.caps[set][i]);
		if (n < 0)
			return failx("process.capabilities.%s[%zu]: unknown capability \"%s\"", set_names[set], i,
				     s->proc.caps[set][i]);
		*mask |= 1ULL << n;
	}
	return 0;
}

static void warn_dropped(uint64_t asked, uint64_t can, int last)
{
	for (int n = 0; n < (int)countof(cap_names); n++) {
		if (!(asked & ~can & (1ULL << n)))
			continue;
		if (n > last)
			warn("process.capabilities: %s is not known to this kernel (cap_last_cap %d): dropped",
			     cap_names[n], last);
		else
			warn("process.capabilities: %s cannot be granted by this runtime: dropped", cap_names[n]);
	}
}

/* Refuses what the kernel would refuse later, naming the entry: every
 * element of `set` must also be in `within` (the mask of set `of`). */
static int check_subset(const struct spec *s, const struct caps *c, int set, uint64_t within, const char *of)
{
	uint64_t extra = c->set[set] & ~within;

	if (!extra)
		return 0;
	for (size_t i = 0; i < s->proc.ncaps[set]; i++)
		if (extra & (1ULL << cap_number(s->proc.caps[set][i])))
			return failx("process.capabilities.%s[%zu]: %s is not in %s", set_names[set], i,
				     s->proc.caps[set][i], of);
	return 0;
}

/* The kernel raises an ambient capability only if it is both permitted and
 * inheritable. runc's own `runc spec` lists ambient caps without any
 * inheritable ones and runc ignores them silently; Grid drops them too, as
 * config.md asks for what cannot be granted, but says so. */
static void drop_unraisable(struct caps *c)
{
	uint64_t lost = c->set[CAPS_AMBIENT] & ~(c->set[CAPS_PERMITTED] & c->set[CAPS_INHERITABLE]);
	char list[1024] = "";
	size_t len = 0;

	if (!lost)
		return;
	for (int n = 0; n < (int)countof(cap_names); n++)
		if (lost & (1ULL << n))
			len += snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", cap_names[n]);
	warn("process.capabilities.ambient: %s not both permitted and inheritable, cannot be raised: dropped",
	     list);
	c->set[CAPS_AMBIENT] &= ~lost;
}

int caps_resolve(const struct spec *s, struct caps *out)
{
	uint64_t asked = 0, can;

	memset(out, 0, sizeof *out);
	for (int set = 0; set < CAP_SETS; set++) {
		if (names_to_mask(s, set, &out->set[set]) < 0)
			return -1;
		asked |= out->set[set];
	}
	out->last = last_cap();
	if (out->last < 0 || grantable(out->last, s->ns[NS_USER].wanted, &can) < 0)
		return -1;
	warn_dropped(asked, can, out->last);
	for (int set = 0; set < CAP_SETS; set++)
		out->set[set] &= can;
	if (check_subset(s, out, CAPS_EFFECTIVE, out->set[CAPS_PERMITTED], "permitted") < 0 ||
	    check_subset(s, out, CAPS_INHERITABLE, out->set[CAPS_BOUNDING], "bounding") < 0)
		return -1;
	drop_unraisable(out);
	return 0;
}

/* Child, still root: narrows the bounding set and keeps the permitted set
 * across the coming change of uid. */
int caps_bound(const struct caps *c)
{
	for (int n = 0; n <= c->last; n++) {
		if (c->set[CAPS_BOUNDING] & (1ULL << n))
			continue;
		if (prctl(PR_CAPBSET_DROP, n, 0, 0, 0) < 0 && errno != EINVAL)
			return fail(errno, "process.capabilities.bounding: drop %s", cap_name(n));
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(errno, "process.capabilities: keep capabilities across setuid");
	return 0;
}

static int set_ambient(const struct caps *c)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL && !c->set[CAPS_AMBIENT])
			return 0; /* a kernel without ambient capabilities, none asked */
		return fail(errno, "process.capabilities.ambient: clear");
	}
	for (int n = 0; n <= c->last; n++)
		if ((c->set[CAPS_AMBIENT] & (1ULL << n)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, n, 0, 0) < 0)
			return fail(errno, "process.capabilities.ambient: raise %s", cap_name(n));
	return 0;
}

/* Child, as the container's user: the effective, permitted and inheritable
 * sets, then the ambient one, which needs the other two in place. */
int caps_apply(const struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail(errno, "process.capabilities: clear keep-capabilities");
	for (int w = 0; w < 2; w++) {
		d[w].effective = c->set[CAPS_EFFECTIVE] >> (32 * w);
		d[w].permitted = c->set[CAPS_PERMITTED] >> (32 * w);
		d[w].inheritable = c->set[CAPS_INHERITABLE] >> (32 * w);
	}
	if (syscall(SYS_capset, &h, d) < 0)
		return fail(errno, "process.capabilities: capset");
	return set_ambient(c);
}
