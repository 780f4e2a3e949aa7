/* ns.c - namespaces and the container's init process. The parent opens and
 * type-checks namespace paths, enters or creates the pid (and time)
 * namespace, which only children can be born into, and forks. The child
 * joins or creates the others, builds the rootfs (mount.c), applies the
 * process settings, tells the parent it is ready over the sync socket, and
 * waits on exec.fifo until `start` before exec'ing the user's program. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "fail.h"
#include "fs.h"
#include "hooks.h"
#include "init.h"
#include "inroot.h"
#include "kernel.h"
#include "mount.h"
#include "netdev.h"
#include "ns.h"
#include "process.h"
#include "proto.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "tty.h"
#include "util.h"

int ns_clone_flag(enum ns_type t)
{
	static const int flags[NS_COUNT] = {
		[NS_PID] = CLONE_NEWPID, [NS_NET] = CLONE_NEWNET, [NS_MNT] = CLONE_NEWNS,
		[NS_IPC] = CLONE_NEWIPC, [NS_UTS] = CLONE_NEWUTS, [NS_USER] = CLONE_NEWUSER,
		[NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
	};
	return flags[t];
}

/* Is namespace t the container's own: created, or joined by a path that is
 * not the runtime's (the host's) namespace? */
static bool ns_private(const struct init *in, enum ns_type t)
{
	char self[32];
	struct stat a, b;

	if (!in->spec->ns[t].wanted)
		return false;
	if (in->ns_fd[t] < 0)
		return true;
	snprintf(self, sizeof self, "/proc/self/ns/%s", ns_proc_name(t));
	return fstat(in->ns_fd[t], &a) == 0 && stat(self, &b) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* A sysctl changes the namespace of the process that writes it: one that is
 * not the container's own would be the host's. As runc: ipc ones need a
 * private ipc namespace, net.* a private network namespace, the two uts
 * names a private uts namespace (and may not contradict hostname and
 * domainname); nothing else is namespaced, so nothing else is allowed. */
static int check_sysctl(const struct init *in, const char *key, const char *value)
{
	const struct spec *s = in->spec;
	enum ns_type t;

	if (has_prefix(key, "fs.mqueue.") || has_prefix(key, "kernel.msg") || has_prefix(key, "kernel.sem") ||
	    has_prefix(key, "kernel.shm"))
		t = NS_IPC;
	else if (has_prefix(key, "net."))
		t = NS_NET;
	else if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		t = NS_UTS;
	else
		return failx("linux.sysctl %s: not in a namespace of the container's: it would change the host", key);
	if (!ns_private(in, t))
		return failx("linux.sysctl %s: needs a new %s namespace, or it would change the host's", key,
			     ns_name(t));
	if (!strcmp(key, "kernel.hostname") && s->hostname && strcmp(s->hostname, value))
		return failx("linux.sysctl %s: contradicts hostname \"%s\"", key, s->hostname);
	if (!strcmp(key, "kernel.domainname") && s->domainname && strcmp(s->domainname, value))
		return failx("linux.sysctl %s: contradicts domainname \"%s\"", key, s->domainname);
	return 0;
}

static int check_sysctls(const struct init *in)
{
	for (size_t i = 0; i < in->spec->nsysctl; i++)
		if (check_sysctl(in, in->spec->sysctl_keys[i], in->spec->sysctl_values[i]) < 0)
			return -1;
	return 0;
}

int ns_open_paths(struct init *in)
{
	for (int t = 0; t < NS_COUNT; t++)
		in->ns_fd[t] = -1;
	for (int t = 0; t < NS_COUNT; t++) {
		const char *path = in->spec->ns[t].path;
		int type;
		if (!in->spec->ns[t].wanted)
			continue;
		if (!path)
			continue;
		in->ns_fd[t] = open(path, O_RDONLY | O_CLOEXEC);
		if (in->ns_fd[t] < 0)
			return fail(errno, "linux.namespaces %s path %s", ns_name(t), path);
		type = ioctl(in->ns_fd[t], NS_GET_NSTYPE);
		if (type < 0)
			return fail(errno, "linux.namespaces %s path %s: not a namespace", ns_name(t), path);
		if (type != ns_clone_flag(t))
			return failx("linux.namespaces %s path %s: is a namespace of another type", ns_name(t), path);
	}
	if (!in->spec->ns[NS_MNT].wanted)
		return failx("linux.namespaces: a mount namespace is required");
	if (in->spec->ns[NS_USER].wanted && !in->spec->ns[NS_USER].path &&
	    (!in->spec->nuid_maps || !in->spec->ngid_maps))
		return failx("linux.uidMappings and linux.gidMappings: required with a new user namespace");
	if (!in->spec->ns[NS_USER].wanted && (in->spec->nuid_maps || in->spec->ngid_maps))
		return failx("linux.uidMappings: needs a user namespace in linux.namespaces");
	if (in->spec->ns[NS_TIME].path && (in->spec->has_time_offset[0] || in->spec->has_time_offset[1]))
		return failx("linux.timeOffsets: cannot be set on a joined time namespace");
	if ((in->spec->has_time_offset[0] || in->spec->has_time_offset[1]) && !in->spec->ns[NS_TIME].wanted)
		return failx("linux.timeOffsets: needs a time namespace in linux.namespaces");
	if (in->spec->hostname && !in->spec->ns[NS_UTS].wanted)
		return failx("hostname: setting it needs a uts namespace");
	return check_sysctls(in);
}

void ns_close_paths(struct init *in)
{
	for (int t = 0; t < NS_COUNT; t++) {
		if (in->ns_fd[t] >= 0)
			close(in->ns_fd[t]);
		in->ns_fd[t] = -1;
	}
}

/* Joins or creates each namespace in `types` (a list of NS_* ending in -1). */
static int enter_namespaces(struct init *in, const int *types)
{
	int new_flags = 0;

	for (; *types >= 0; types++) {
		int t = *types;
		if (!in->spec->ns[t].wanted)
			continue;
		if (in->ns_fd[t] >= 0) {
			if (setns(in->ns_fd[t], ns_clone_flag(t)) < 0)
				return fail(errno, "setns %s (%s)", in->spec->ns[t].path, ns_name(t));
		} else {
			new_flags |= ns_clone_flag(t);
		}
	}
	if (new_flags && unshare(new_flags) < 0)
		return fail(errno, "unshare namespaces");
	return 0;
}

/* ---- the child ---- */

/* prlimit, not setrlimit: musl's setrlimit would run it on every thread
 * (__synccall, 1.7 KB), and the init has one */
int apply_rlimits(const struct spec *s)
{
	for (size_t i = 0; i < s->proc.nrlimits; i++) {
		struct rlimit rl = { s->proc.rlimits[i].soft, s->proc.rlimits[i].hard };
		if (prlimit(0, s->proc.rlimits[i].resource, &rl, NULL) < 0)
			return fail(errno, "process.rlimits[%zu]: set soft %llu hard %llu", i,
				    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	return 0;
}

/* Through the container's procfs with no mount crossed, so that a mount
 * steered onto /proc/sys/<key> cannot absorb the write (check_sysctls made
 * sure the key is in a namespace of the container's own). */
static int apply_sysctl(const struct spec *s)
{
	for (size_t i = 0; i < s->nsysctl; i++) {
		const char *v = s->sysctl_values[i];
		char path[PATH_MAX], *p;
		ssize_t n;
		int fd;
		if (path_fmt(path, sizeof path, "sys/%s", s->sysctl_keys[i]) < 0)
			return -1;
		for (p = path + 4; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = inroot_proc_open(path, O_WRONLY | O_TRUNC);
		if (fd < 0)
			return failx("linux.sysctl %s: %s", s->sysctl_keys[i], last_error());
		n = write(fd, v, strlen(v));
		if (n < 0)
			fail(errno, "linux.sysctl %s: write \"%s\"", s->sysctl_keys[i], v);
		close(fd);
		if (n < 0)
			return -1;
	}
	return 0;
}

/* The id changes are raw syscalls: musl's set*id would run them on every
 * thread (__synccall, 1.7 KB of code), and Grid has one thread. On 32-bit
 * arm and i386 the plain calls take 16-bit ids; the *32 ones are the real
 * ones there. */
#ifdef SYS_setresuid32
#define SYS_SETRESUID SYS_setresuid32
#define SYS_SETRESGID SYS_setresgid32
#define SYS_SETGROUPS SYS_setgroups32
#else
#define SYS_SETRESUID SYS_setresuid
#define SYS_SETRESGID SYS_setresgid
#define SYS_SETGROUPS SYS_setgroups
#endif

/* Without process.capabilities, root keeps root's capabilities and any
 * other user ends with none, as setresuid leaves them. */
int set_user(const struct spec *s, const struct caps *c)
{
	if (s->proc.has_caps && caps_bound(c) < 0)
		return -1;
	/* a user namespace made without root has setgroups denied: then only
	 * additionalGids need it, and fail */
	if (syscall(SYS_SETGROUPS, s->proc.ngroups, s->proc.groups) < 0 && (s->proc.ngroups || errno != EPERM))
		return fail(errno, "process.user: setgroups");
	if (syscall(SYS_SETRESGID, s->proc.gid, s->proc.gid, s->proc.gid) < 0)
		return fail(errno, "process.user: setgid %u", (unsigned)s->proc.gid);
	if (syscall(SYS_SETRESUID, s->proc.uid, s->proc.uid, s->proc.uid) < 0)
		return fail(errno, "process.user: setuid %u", (unsigned)s->proc.uid);
	if (s->proc.has_caps && caps_apply(c) < 0)
		return -1;
	if (s->proc.umask >= 0)
		umask(s->proc.umask);
	return 0;
}

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path(const struct spec *s)
{
	for (size_t i = 0; i < s->proc.nenv; i++)
		if (!strncmp(s->proc.env[i], "PATH=", 5))
			return s->proc.env[i] + 5;
	return DEFAULT_PATH;
}

/* Finds name in the directories of path (":"-separated, "" for ".") the
 * way execvp would: 0 and out set, else -1 with errno EACCES (only unusable
 * ones found) or ENOENT, for the caller to report. */
static int path_search(const char *path, const char *name, char *out, size_t size)
{
	struct stat st;
	int denied = 0;

	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int n = end - p;
		/* a candidate too long for a path is skipped, as execvp does */
		if (path_fmt(out, size, "%.*s%s%s", n, n ? p : ".", "/", name) == 0 && stat(out, &st) == 0 &&
		    !S_ISDIR(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = 1;
		}
		if (!*end)
			break;
		p = end;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}

/* Finds args[0] the way execvp would, as the container's user, so that a
 * missing or unusable program fails `create` with the words podman and
 * docker map to exit codes 127 and 126. */
int find_executable(const struct spec *s, char *out, size_t size)
{
	const char *name = s->proc.args[0];
	struct stat st;

	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			return fail(errno, "exec: \"%s\"", name);
		if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0)
			return fail(EACCES, "exec: \"%s\"", name);
		return path_fmt(out, size, "%s", name);
	}
	if (path_search(env_path(s), name, out, size) == 0)
		return 0;
	if (errno == EACCES)
		return fail(EACCES, "exec: \"%s\"", name);
	return failx("exec: \"%s\": executable file not found in $PATH", name);
}

static int cloexec_from(int first);

/* Fds 3..3+n-1 pass into the container as the caller passed them; every
 * later one closes, as runc does. One the caller did not pass (closed) is
 * skipped, as crun does: whatever Grid opened since in its place closes at
 * exec, as everything Grid opens is close-on-exec, and nothing that
 * survived the execve into Grid is. */
int preserve_fds_apply(int n)
{
	if (syscall(SYS_close_range, 3 + n, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return cloexec_from(3 + n);
}

/* Linux < 5.11: every open fd from `first` on, however high, as
 * /proc/self/fd lists them (or up to the fd limit without a /proc). */
static int cloexec_from(int first)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct rlimit rl = { 1024, 1024 };

	if (d) {
		while ((e = readdir(d)))
			if (atoi(e->d_name) >= first && atoi(e->d_name) != dirfd(d))
				fcntl(atoi(e->d_name), F_SETFD, FD_CLOEXEC);
		closedir(d);
		return 0;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	for (rlim_t fd = first; fd < rl.rlim_cur && fd < INT_MAX; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Asks the runtime to run its prestart and createRuntime hooks now, and
 * waits for its go-ahead; if they fail, the runtime kills us. */
static int runtime_hooks(int sync_fd)
{
	struct msg m;

	if (msg_send(sync_fd, MSG_HOOKS, NULL, -1) < 0 || msg_expect(sync_fd, MSG_HOOKS_DONE, &m) < 0)
		return failx("the runtime did not finish the prestart and createRuntime hooks");
	return 0;
}

/* Called by rootfs_setup once every mount is in place, just before
 * pivot_root: the moment of the prestart, createRuntime and createContainer
 * hooks. The first two run in the runtime, with our host pid; the last in
 * our namespaces, with the pid we see, where paths still resolve in the
 * runtime's mount tree. */
static int init_before_pivot(struct init *in)
{
	const struct spec *s = in->spec;

	if ((s->nhooks[HOOK_PRESTART] || s->nhooks[HOOK_CREATE_RUNTIME]) && runtime_hooks(in->sync_fd) < 0)
		return -1;
	return hooks_run(s, HOOK_CREATE_CONTAINER, in->st, ST_CREATED, getpid());
}

/* process.oomScoreAdj, written while /proc/self is still ours (before a
 * user namespace or the loss of dumpability would make it host root's) */
int set_oom_score_adj(const struct spec *s)
{
	char v[16];
	int n;

	if (!s->proc.has_oom_score_adj)
		return 0;
	n = snprintf(v, sizeof v, "%d", s->proc.oom_score_adj);
	if (write_file("/proc/self/oom_score_adj", v, n, O_TRUNC, 0) < 0)
		return failx("process.oomScoreAdj: %s", last_error());
	return 0;
}

static int init_prepare(struct init *in, char *exe, size_t exe_size)
{
	static const int other_ns[] = { NS_MNT, NS_NET, NS_IPC, NS_UTS, NS_CGROUP, -1 };
	const struct spec *s = in->spec;
	int master = -1;

	/* the layer is attached on our cwd (see attach_layer) */
	if (fchdir(in->rootfs_dir_fd) < 0)
		return fail(errno, "enter %s", in->st->rootfs);
	/* into the cgroup before anything can fork, and before a cgroup namespace
	 * (stage 1 did it already for a user namespace) */
	if (!in->stage2 && cgroup_join(&in->cg) < 0)
		return -1;
	if (read_file("/proc/self/cgroup", &in->host_cgroups, &(size_t){ 0 }, 1 << 20) < 0)
		in->host_cgroups = NULL;
	if (enter_namespaces(in, other_ns) < 0 || process_apply(s) < 0)
		return -1;
	/* never a joined one: it is someone else's */
	if (s->ns[NS_NET].wanted && !s->ns[NS_NET].path && netdev_lo_up() < 0)
		return -1;
	/* rootless: what the runtime could not make, we can in our namespaces */
	if (in->rootless && mounts_make(in) < 0)
		return -1;
	/* before the mounts: the createContainer hooks see the container's names */
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(errno, "hostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return fail(errno, "domainname %s", s->domainname);
	if (!in->stage2 && set_oom_score_adj(s) < 0)
		return -1;
	in->before_pivot = init_before_pivot;
	if (rootfs_setup(in) < 0)
		return -1;
	if (s->proc.terminal) {
		if (tty_create(s, true, &master) < 0)
			return -1;
		if (msg_send(in->sync_fd, MSG_TERMINAL, NULL, master) < 0)
			return -1;
		close(master);
	}
	if (apply_sysctl(s) < 0 || rootfs_finish(in) < 0)
		return -1;
	/* the host's directories and mounts we set up from go before anything
	 * of the container's is resolved */
	mounts_release(in);
	if (process_set_home(in->spec) < 0 || apply_rlimits(s) < 0)
		return -1;
	/* as late as the kernel lets us: see seccomp_early */
	if (seccomp_early(s, &in->caps) && seccomp_install(&in->seccomp, &in->notify_fd) < 0)
		return -1;
	if (set_user(s, &in->caps) < 0)
		return -1;
	if (inroot_chdir(s->proc.cwd) < 0)
		return -1;
	if (s->proc.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(errno, "process.noNewPrivileges");
	return find_executable(s, exe, exe_size);
}

/* Where a failing startContainer hook leaves its error for `start` to
 * report: opened now, while the state directory is reachable and before we
 * become the container's user, who may not write there. */
/* After `start` released us: the startContainer hooks, inside the
 * container; on failure `start` reads why from start.error. */
static void __attribute__((noreturn)) start_failed(int errfd)
{
	const char *msg = last_error();

	if (errfd < 0 || write(errfd, msg, strlen(msg)) < 0)
		fprintf(stderr, "grid: %s\n", msg);
	_exit(1);
}

static void start_hooks(const struct init *in, int errfd)
{
	if (hooks_run(in->spec, HOOK_START_CONTAINER, in->st, ST_CREATED, getpid()) < 0)
		start_failed(errfd);
}

static void __attribute__((noreturn)) init_main(struct init *in)
{
	char exe[PATH_MAX], go;
	struct msg m;
	ssize_t n;
	int errfd;

	/* die with the runtime until the container exists for real: by signal
	 * while setting up, by the sync socket's EOF once we are ready (after
	 * stage 1 our parent is gone already: the EOF alone tells) */
	if (!in->stage2)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	else
		prctl(PR_SET_PDEATHSIG, 0);
	errfd = in->start_err_fd; /* opened by the runtime: we may not be able to */
	/* the state directory's lock belongs to the runtime, not to us, as does
	 * the seccomp listener's connection: it ends when the runtime closes it */
	if (in->st->lockfd >= 0)
		close(in->st->lockfd);
	if (in->listener_fd >= 0)
		close(in->listener_fd);
	/* no process of the container may reach us through /proc/1 (exe is
	 * Grid's binary, CVE-2019-5736; fds and cwd are host paths until
	 * pivot_root): only a ptracer with CAP_SYS_PTRACE in the host's user
	 * namespace may. With a user namespace too: a process of a joined pid
	 * namespace must not reach our host root and fds during setup, so what
	 * needed /proc/self to be ours (oom_score_adj) happened in stage 1. */
	prctl(PR_SET_DUMPABLE, 0);
	if (init_prepare(in, exe, sizeof exe) < 0) {
		msg_send_error(in->sync_fd);
		_exit(1);
	}
	prctl(PR_SET_DUMPABLE, 0);
	if (in->sync_parent >= 0)
		close(in->sync_parent); /* the runtime's end: not ours to hold */
	in->sync_parent = -1;
	prctl(PR_SET_PDEATHSIG, 0);
	/* a listener gets its fd at create, as with runc and crun: the filter
	 * goes in now (check_notify keeps sendmsg out of it) and filters
	 * start's last steps too */
	if (in->seccomp.notify && seccomp_install(&in->seccomp, &in->notify_fd) < 0) {
		msg_send_error(in->sync_fd);
		_exit(1);
	}
	/* the runtime answers once it recorded the container and handed the
	 * listener our filter's fd; if it died before, we go too */
	if (msg_send(in->sync_fd, MSG_READY, NULL, in->notify_fd) < 0 || msg_expect(in->sync_fd, MSG_GO, &m) < 0)
		_exit(1);
	if (in->notify_fd >= 0)
		close(in->notify_fd);
	close(in->sync_fd);
	do
		n = read(in->fifo_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	/* the caller's other fds reach neither the hooks (programs of the
	 * rootfs) nor the program */
	if (preserve_fds_apply(in->preserve_fds) < 0)
		start_failed(errfd);
	if (in->spec->nhooks[HOOK_START_CONTAINER])
		start_hooks(in, errfd);
	if (process_apply_lsm(in->spec) < 0) {
		fprintf(stderr, "grid: %s\n", last_error());
		_exit(126);
	}
	/* the last thing before execve, so that none of Grid's setup is filtered */
	if (!seccomp_early(in->spec, &in->caps) && !in->seccomp.notify &&
	    seccomp_install(&in->seccomp, &in->notify_fd) < 0)
		start_failed(errfd);
	execve(exe, (char *const *)in->spec->proc.args, (char *const *)in->spec->proc.env);
	fprintf(stderr, "grid: exec %s: %s\n", exe, errtext(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* timeOffsets go into /proc/self/timens_offsets after unshare(CLONE_NEWTIME)
 * and before the first process enters the namespace. */
static int write_time_offsets(const struct init *in)
{
	static const char *const clocks[2] = { "monotonic", "boottime" };
	const struct spec *s = in->spec;
	char buf[128];
	int n = 0;

	if (!s->ns[NS_TIME].wanted || s->ns[NS_TIME].path)
		return 0;
	for (int c = 0; c < 2; c++)
		if (s->has_time_offset[c])
			n += snprintf(buf + n, sizeof buf - n, "%s %lld %u\n", clocks[c],
				      (long long)s->time_offset_secs[c], s->time_offset_nsecs[c]);
	if (n && write_file("/proc/self/timens_offsets", buf, n, 0, 0) < 0)
		return failx("linux.timeOffsets: %s", last_error());
	return 0;
}

static int enter_pid_and_time(struct init *in)
{
	static const int ns[] = { NS_PID, NS_TIME, -1 };

	if (enter_namespaces(in, ns) < 0)
		return -1;
	return write_time_offsets(in);
}

/* Root of a user namespace that is not the host's: what rootless podman
 * runs its runtime as. */
bool in_user_namespace(void)
{
	cleanup_free char *map = NULL;
	size_t len;
	bool host;

	if (read_file("/proc/self/uid_map", &map, &len, 4096) < 0) {
		clear_error();
		return false;
	}
	host = str_find(map, " 0 ") && str_find(map, "4294967295");
	return !host;
}

/* ---- with a user namespace: two stages ----
 * The pid namespace must belong to the user namespace (or the container could
 * not mount its /proc), so it is created after it, by a first child (stage 1)
 * that then forks the init and exits. The runtime writes the id maps of the
 * first child when asked, and learns the init's pid from it. */

static void __attribute__((noreturn)) stage1_main(struct init *in)
{
	int go[2];
	pid_t pid;
	struct msg m;

	if (in->st->lockfd >= 0)
		close(in->st->lockfd);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (fchdir(in->rootfs_dir_fd) < 0) {
		fail(errno, "enter %s", in->st->rootfs);
		goto bad;
	}
	/* into the cgroup before anything can fork, and before a cgroup namespace */
	if (cgroup_join(&in->cg) < 0 || set_oom_score_adj(in->spec) < 0)
		goto bad;
	if (in->ns_fd[NS_USER] >= 0) {
		if (setns(in->ns_fd[NS_USER], CLONE_NEWUSER) < 0) {
			fail(errno, "setns %s (user)", in->spec->ns[NS_USER].path);
			goto bad;
		}
	} else {
		if (unshare(CLONE_NEWUSER) < 0) {
			fail(errno, "unshare the user namespace");
			goto bad;
		}
		if (msg_send(in->sync_fd, MSG_MAPS, NULL, -1) < 0 || msg_expect(in->sync_fd, MSG_MAPS_DONE, &m) < 0)
			_exit(1);
	}
	/* become the namespace's root where it is mapped; creator's caps otherwise */
	if (syscall(SYS_SETRESGID, 0, 0, 0) < 0 && errno != EINVAL)
		fail(errno, "setgid 0 in the user namespace");
	if (syscall(SYS_SETRESUID, 0, 0, 0) < 0 && errno != EINVAL)
		fail(errno, "setuid 0 in the user namespace");
	/* the id change made us undumpable: /proc/self would belong to the host's root */
	prctl(PR_SET_DUMPABLE, 1);
	if (enter_pid_and_time(in) < 0 || pipe2(go, O_CLOEXEC) < 0)
		goto bad;
	/* the init is born into the container's pid namespace with our host
	 * root and cwd: from its first instruction, no process there may reach
	 * them through its /proc/PID */
	prctl(PR_SET_DUMPABLE, 0);
	pid = _Fork();
	if (pid < 0) {
		fail(errno, "fork");
		goto bad;
	}
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1) /* wait until the runtime knows our pid */
			_exit(1);
		close(go[0]);
		in->stage2 = true;
		init_main(in);
	}
	msg_send_num(in->sync_fd, MSG_PID, pid);
	if (write(go[1], "g", 1) != 1)
		_exit(1);
	_exit(0);
bad:
	msg_send_error(in->sync_fd);
	_exit(1);
}

static int write_id_map(pid_t pid, const char *file, const struct id_map *m, size_t n, const char *field)
{
	char path[64], buf[340 * 36];
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	if (len && write_file(path, buf, len, 0, 0) < 0)
		return failx("%s: %s", field, last_error());
	return 0;
}

/* Rootless, any map but the caller's own id alone: the setuid helper
 * (newuidmap, newgidmap) writes it if the caller's /etc/subuid or
 * /etc/subgid ranges allow; its complaint becomes our error. */
static int map_helper(const char *helper, pid_t pid, const struct id_map *m, size_t n, const char *field)
{
	static char nums[3 * 340][12];
	const char *argv[3 + 3 * 340 + 1] = { helper, nums[0] };
	char why[300] = "";
	int p[2], status = 0;
	ssize_t len = 0;
	pid_t child;

	snprintf(nums[0], sizeof nums[0], "%d", (int)pid);
	for (size_t i = 0, k = 1; i < n; i++)
		for (int j = 0; j < 3; j++, k++) {
			snprintf(nums[k], sizeof nums[k], "%u", j == 0 ? m[i].container_id : j == 1 ? m[i].host_id : m[i].size);
			argv[k + 1] = nums[k];
		}
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "%s: pipe", field);
	child = _Fork();
	if (child == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		const char *path = getenv("PATH");
		char exe[PATH_MAX];

		if (path_search(path ? path : DEFAULT_PATH, helper, exe, sizeof exe) == 0)
			execv(exe, (char *const *)argv);
		dprintf(2, "%s not found (Debian: apt-get install uidmap)", helper);
		_exit(127);
	}
	close(p[1]);
	while (child > 0 && len < (ssize_t)sizeof why - 1) {
		ssize_t r = read(p[0], why + len, sizeof why - 1 - len);
		if (r <= 0)
			break;
		len += r;
	}
	close(p[0]);
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return fail(errno, "%s: run %s", field, helper);
	why[strcspn(why, "\n")] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return failx("%s: %s refused the map (the caller's ranges in /etc/sub%cid): %s", field, helper, helper[3],
			     why[0] ? why : "no reason given");
	return 0;
}

static int map_ids(pid_t pid, bool gid, const struct id_map *m, size_t n)
{
	const char *field = gid ? "linux.gidMappings" : "linux.uidMappings";
	unsigned self = gid ? getegid() : geteuid();

	if (geteuid() == 0)
		return write_id_map(pid, gid ? "gid_map" : "uid_map", m, n, field);
	if (n != 1 || m[0].host_id != self || m[0].size != 1)
		return map_helper(gid ? "newgidmap" : "newuidmap", pid, m, n, field);
	if (gid) {
		/* the kernel's rule for a gid map written without privilege */
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		if (write_file(path, "deny", 4, 0, 0) < 0)
			return failx("%s: %s", field, last_error());
	}
	return write_id_map(pid, gid ? "gid_map" : "uid_map", m, n, field);
}

/* The runtime's side of stage 1: maps on request, then the init's pid. */
static pid_t stage1_wait(struct init *in, pid_t stage1)
{
	struct msg m;

	for (;;) {
		int n = msg_recv(in->sync_parent, &m);
		if (n <= 0)
			return n < 0 ? -1 : failx("container init exited during setup");
		if (m.kind == MSG_PID)
			return m.num;
		if (m.kind != MSG_MAPS) {
			if (m.fd >= 0)
				close(m.fd);
			return failx("unexpected message from the container's init");
		}
		if (map_ids(stage1, false, in->spec->uid_maps, in->spec->nuid_maps) < 0 ||
		    map_ids(stage1, true, in->spec->gid_maps, in->spec->ngid_maps) < 0 ||
		    msg_send(in->sync_parent, MSG_MAPS_DONE, NULL, -1) < 0)
			return -1;
	}
}

static pid_t spawn_with_userns(struct init *in)
{
	pid_t stage1 = _Fork(), pid;

	if (stage1 < 0)
		return fail(errno, "fork");
	if (stage1 == 0)
		stage1_main(in);
	pid = stage1_wait(in, stage1);
	if (pid < 0)
		kill(stage1, SIGKILL);
	waitpid(stage1, NULL, 0);
	return pid;
}

pid_t ns_spawn(struct init *in)
{
	pid_t pid;

	if (in->spec->ns[NS_USER].wanted)
		return spawn_with_userns(in);
	if (enter_pid_and_time(in) < 0)
		return -1;
	pid = _Fork();
	if (pid < 0)
		return fail(errno, "fork");
	if (pid == 0)
		init_main(in);
	return pid;
}
