/* process.c - attributes of the container's process that are neither its
 * namespaces nor its identity: I/O priority, scheduler, personality, NUMA
 * memory policy, and the AppArmor/SELinux labels of its exec; and HOME when
 * its env lacks one. Applied by the init process (ns.c) and exec's process
 * (exec.c) before they switch to the container's user. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "inroot.h"
#include "kernel.h"
#include "log.h"
#include "process.h"
#include "spec.h"
#include "util.h"

static int apply_ioprio(const struct spec *s)
{
	int prio = (s->proc.ioprio_class << IOPRIO_CLASS_SHIFT) | s->proc.ioprio_level;

	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, prio) < 0)
		return fail(errno, "process.ioPriority: ioprio_set");
	return 0;
}

static int apply_scheduler(const struct spec *s)
{
	struct sched_attr a = {
		.size = sizeof a, .sched_policy = s->proc.sched_policy, .sched_flags = s->proc.sched_flags,
		.sched_nice = s->proc.sched_nice, .sched_priority = s->proc.sched_priority,
		.sched_runtime = s->proc.sched_runtime, .sched_deadline = s->proc.sched_deadline,
		.sched_period = s->proc.sched_period,
	};

	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return fail(errno, "process.scheduler: sched_setattr");
	return 0;
}

static int apply_mempolicy(const struct spec *s)
{
	uint64_t nodes[16] = { 0 };
	bool have_nodes = s->mempolicy_nodes && *s->mempolicy_nodes;

	if (have_nodes && parse_cpu_list(s->mempolicy_nodes, nodes, countof(nodes), "linux.memoryPolicy.nodes") < 0)
		return -1;
	if (syscall(SYS_set_mempolicy, s->mempolicy_mode, have_nodes ? nodes : NULL,
		    have_nodes ? countof(nodes) * 64 : 0) < 0)
		return fail(errno, "linux.memoryPolicy: set_mempolicy");
	return 0;
}

static bool lsm_apparmor, lsm_selinux;
static bool apparmor_enabled(void);
static bool selinux_enabled(void);

bool selinux_on(void)
{
	return lsm_selinux;
}

/* Runs in the init before pivot_root, while the host's /sys is still visible. */
int process_apply(const struct spec *s)
{
	lsm_apparmor = s->proc.apparmor_profile && *s->proc.apparmor_profile && apparmor_enabled();
	lsm_selinux = ((s->proc.selinux_label && *s->proc.selinux_label) || (s->mount_label && *s->mount_label)) &&
		      selinux_enabled();
	if (s->proc.has_ioprio && apply_ioprio(s) < 0)
		return -1;
	if (s->proc.has_scheduler && apply_scheduler(s) < 0)
		return -1;
	if (s->has_mempolicy && apply_mempolicy(s) < 0)
		return -1;
	if (s->has_personality && personality(s->personality) < 0)
		return fail(errno, "linux.personality");
	return 0;
}

/* As crun does: a label is applied only when its LSM is enabled, and
 * otherwise ignored (there is nothing that could enforce it). */
static bool apparmor_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y' && access("/sys/kernel/security/apparmor", F_OK) == 0;
}

static bool selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

static int write_attr(const char *path, const char *fallback, const char *value, const char *field)
{
	int fd = inroot_proc_open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0 && fallback)
		fd = inroot_proc_open(fallback, O_WRONLY);
	if (fd < 0)
		return failx("%s: %s", field, last_error());
	n = write(fd, value, strlen(value));
	close(fd);
	if (n < 0)
		return fail(errno, "%s: set \"%s\"", field, value);
	return 0;
}

/* Must run after pivot_root (the container's /proc) and right before exec. */
int process_apply_lsm(const struct spec *s)
{
	if (s->proc.apparmor_profile && *s->proc.apparmor_profile) {
		if (lsm_apparmor) {
			char v[512];
			if (snprintf(v, sizeof v, "exec %s", s->proc.apparmor_profile) >= (int)sizeof v)
				return failx("process.apparmorProfile: \"%.40s...\" too long", s->proc.apparmor_profile);
			if (write_attr("thread-self/attr/apparmor/exec", "thread-self/attr/exec", v,
				       "process.apparmorProfile") < 0)
				return -1;
		} else {
			debug("process.apparmorProfile ignored: AppArmor is not enabled");
		}
	}
	if (s->proc.selinux_label && *s->proc.selinux_label) {
		if (lsm_selinux) {
			if (write_attr("thread-self/attr/exec", NULL, s->proc.selinux_label, "process.selinuxLabel") < 0)
				return -1;
		} else {
			debug("process.selinuxLabel ignored: SELinux is not enabled");
		}
	}
	return 0;
}

/* The home field of uid's line in passwd text (name:pw:uid:gid:gecos:home:shell). */
static const char *passwd_home(char *p, unsigned uid)
{
	char *line, *f[6], *end;

	while ((line = strsep(&p, "\n"))) {
		size_t n = 0;
		while (n < 6 && (f[n] = strsep(&line, ":")))
			n++;
		if (n == 6 && f[2][0] >= '0' && f[2][0] <= '9' && dec_ull(f[2], &end) == uid && !*end)
			return f[5];
	}
	return NULL;
}

/* HOME when process.env has none, as runc and crun set it: the uid's home in
 * the container's /etc/passwd, else "/". A passwd that is missing, not a
 * regular file, a magic link or too large only means "/". */
int process_set_home(struct spec *s)
{
	cleanup_fd int fd = -1;
	cleanup_free char *text = NULL;
	const char *home = NULL;
	char *kv;
	size_t len;

	for (size_t i = 0; i < s->proc.nenv; i++)
		if (!strncmp(s->proc.env[i], "HOME=", 5))
			return 0;
	fd = inroot_open_file("/etc/passwd");
	if (fd >= 0 && read_fd(fd, "/etc/passwd", &text, &len, 16 << 20) == 0)
		home = passwd_home(text, s->proc.uid);
	if (!home || !*home)
		home = "/";
	len = strlen(home);
	if (!(kv = arena_alloc(&s->arena, len + 6)))
		return -1;
	memcpy(kv, "HOME=", 5);
	memcpy(kv + 5, home, len + 1);
	return spec_set_env(s, kv);
}
