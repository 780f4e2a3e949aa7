/* ns.c - namespaces and the container's init process. The parent opens and
 * type-checks namespace paths, enters or creates the pid (and time)
 * namespace, which only children can be born into, and forks. The child
 * joins or creates the others, builds the rootfs (mount.c), applies the
 * process settings, tells the parent it is ready over the sync socket, and
 * waits on exec.fifo until `start` before exec'ing the user's program. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <grp.h>

#include "grid.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define NS_GET_NSTYPE 0xb703 /* _IO(0xb7, 0x3) */

int ns_clone_flag(enum ns_type t)
{
	static const int flags[NS_COUNT] = {
		[NS_PID] = CLONE_NEWPID, [NS_NET] = CLONE_NEWNET, [NS_MNT] = CLONE_NEWNS,
		[NS_IPC] = CLONE_NEWIPC, [NS_UTS] = CLONE_NEWUTS, [NS_USER] = CLONE_NEWUSER,
		[NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME,
	};
	return flags[t];
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
		if (t == NS_USER)
			return failx("linux.namespaces: user namespaces are not supported yet");
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
	if (in->spec->hostname && !in->spec->ns[NS_UTS].wanted)
		return failx("hostname: setting it needs a uts namespace");
	return 0;
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

static void send_msg(int fd, char kind, const char *text)
{
	char buf[1100];
	int n = snprintf(buf, sizeof buf, "%c%s", kind, text);

	if (send(fd, buf, n < (int)sizeof buf ? n : (int)sizeof buf - 1, MSG_NOSIGNAL) < 0) {
		/* the parent is gone: nothing to tell */
	}
}

static int apply_rlimits(const struct spec *s)
{
	for (size_t i = 0; i < s->nrlimits; i++) {
		struct rlimit rl = { s->rlimits[i].soft, s->rlimits[i].hard };
		if (setrlimit(s->rlimits[i].resource, &rl) < 0)
			return fail(errno, "process.rlimits[%zu]: set soft %llu hard %llu", i,
				    (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	}
	return 0;
}

static int apply_sysctl(const struct spec *s)
{
	for (size_t i = 0; i < s->nsysctl; i++) {
		char path[PATH_MAX], *p;
		snprintf(path, sizeof path, "/proc/sys/%s", s->sysctl_keys[i]);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (write_file(path, s->sysctl_values[i], strlen(s->sysctl_values[i]), O_TRUNC, 0) < 0)
			return failx("linux.sysctl %s: %s", s->sysctl_keys[i], last_error());
	}
	return 0;
}

static int set_user(const struct spec *s)
{
	if (setgroups(s->ngroups, s->groups) < 0)
		return fail(errno, "process.user: setgroups");
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		return fail(errno, "process.user: setgid %u", (unsigned)s->gid);
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		return fail(errno, "process.user: setuid %u", (unsigned)s->uid);
	if (s->umask >= 0)
		umask(s->umask);
	return 0;
}

static const char *env_path(const struct spec *s)
{
	for (size_t i = 0; i < s->nenv; i++)
		if (!strncmp(s->env[i], "PATH=", 5))
			return s->env[i] + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Finds args[0] the way execvp would, as the container's user, so that a
 * missing or unusable program fails `create` with the words podman and
 * docker map to exit codes 127 and 126. */
static int find_executable(const struct spec *s, char *out, size_t size)
{
	const char *name = s->args[0], *p;
	struct stat st;
	int denied = 0;

	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			return fail(errno, "exec: \"%s\"", name);
		if (S_ISDIR(st.st_mode) || access(name, X_OK) < 0)
			return fail(EACCES, "exec: \"%s\"", name);
		snprintf(out, size, "%s", name);
		return 0;
	}
	for (p = env_path(s);; p++) {
		const char *end = strchrnul(p, ':');
		int n = end - p;
		snprintf(out, size, "%.*s%s%s", n, n ? p : ".", "/", name);
		if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(out, X_OK) == 0)
				return 0;
			denied = 1;
		}
		if (!*end)
			break;
		p = end;
	}
	if (denied)
		return fail(EACCES, "exec: \"%s\"", name);
	return failx("exec: \"%s\": executable file not found in $PATH", name);
}

/* Asks the runtime to run its prestart and createRuntime hooks now, and
 * waits for its go-ahead; if they fail, the runtime kills us. */
static int runtime_hooks(int sync_fd)
{
	char ok;
	ssize_t n;

	send_msg(sync_fd, 'H', "");
	do
		n = read(sync_fd, &ok, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || ok != 'h')
		return failx("the runtime did not finish the prestart and createRuntime hooks");
	return 0;
}

/* Called by rootfs_setup once every mount is in place, just before
 * pivot_root: the moment of the prestart, createRuntime and createContainer
 * hooks. The first two run in the runtime, with our host pid; the last in
 * our namespaces, with the pid we see, where paths still resolve in the
 * runtime's mount tree. */
int init_before_pivot(struct init *in)
{
	const struct spec *s = in->spec;

	if ((s->nhooks[HOOK_PRESTART] || s->nhooks[HOOK_CREATE_RUNTIME]) && runtime_hooks(in->sync_fd) < 0)
		return -1;
	return hooks_run(s, HOOK_CREATE_CONTAINER, in->st, ST_CREATING, getpid());
}

static int init_prepare(struct init *in, char *exe, size_t exe_size)
{
	static const int other_ns[] = { NS_USER, NS_MNT, NS_NET, NS_IPC, NS_UTS, NS_CGROUP, -1 };
	const struct spec *s = in->spec;
	int master = -1;

	if (read_file("/proc/self/cgroup", &in->host_cgroups, &(size_t){ 0 }, 1 << 20) < 0)
		in->host_cgroups = NULL;
	if (enter_namespaces(in, other_ns) < 0)
		return -1;
	/* before the mounts: the createContainer hooks see the container's names */
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(errno, "hostname %s", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return fail(errno, "domainname %s", s->domainname);
	if (s->has_oom_score_adj) {
		char v[16];
		int n = snprintf(v, sizeof v, "%d", s->oom_score_adj);
		if (write_file("/proc/self/oom_score_adj", v, n, O_TRUNC, 0) < 0)
			return failx("process.oomScoreAdj: %s", last_error());
	}
	if (rootfs_setup(in) < 0)
		return -1;
	if (s->terminal) {
		if (tty_create(in, &master) < 0)
			return -1;
		if (send_fd(in->sync_fd, master, "T") < 0)
			return -1;
		close(master);
	}
	if (apply_sysctl(s) < 0 || rootfs_finish(in) < 0)
		return -1;
	if (apply_rlimits(s) < 0 || set_user(s) < 0)
		return -1;
	if (chdir(s->cwd) < 0)
		return fail(errno, "process.cwd %s", s->cwd);
	if (s->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(errno, "process.noNewPrivileges");
	return find_executable(s, exe, exe_size);
}

/* Where a failing startContainer hook leaves its error for `start` to
 * report: opened now, while the state directory is reachable and before we
 * become the container's user, who may not write there. */
static int start_error_open(const struct init *in, int *fd)
{
	*fd = -1;
	if (!in->spec->nhooks[HOOK_START_CONTAINER])
		return 0;
	*fd = openat(in->st->lockfd, "start.error", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0)
		return fail(errno, "create %s/start.error", in->st->dir);
	return 0;
}

/* After `start` released us: the startContainer hooks, inside the
 * container; on failure `start` reads why from start.error. */
static void start_hooks(const struct init *in, int errfd)
{
	const char *msg;

	if (hooks_run(in->spec, HOOK_START_CONTAINER, in->st, ST_CREATED, getpid()) == 0)
		return;
	msg = last_error();
	if (write(errfd, msg, strlen(msg)) < 0)
		fprintf(stderr, "grid: %s\n", msg);
	_exit(1);
}

static void __attribute__((noreturn)) init_main(struct init *in)
{
	char exe[PATH_MAX], go;
	ssize_t n;
	int errfd;

	/* die with the runtime until the container exists for real: by signal
	 * while setting up, by the sync socket's EOF once we are ready */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (start_error_open(in, &errfd) < 0) {
		send_msg(in->sync_fd, 'E', last_error());
		_exit(1);
	}
	/* the state directory's lock belongs to the runtime, not to us */
	if (in->st->lockfd >= 0)
		close(in->st->lockfd);
	if (init_prepare(in, exe, sizeof exe) < 0) {
		send_msg(in->sync_fd, 'E', last_error());
		_exit(1);
	}
	prctl(PR_SET_PDEATHSIG, 0);
	send_msg(in->sync_fd, 'K', "");
	do
		n = read(in->sync_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1); /* the runtime died before recording the container */
	close(in->sync_fd);
	do
		n = read(in->fifo_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	if (errfd >= 0)
		start_hooks(in, errfd);
	execve(exe, (char *const *)in->spec->args, (char *const *)in->spec->env);
	fprintf(stderr, "grid: exec %s: %s\n", exe, errtext(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

pid_t ns_spawn(struct init *in)
{
	static const int parent_ns[] = { NS_PID, NS_TIME, -1 };
	pid_t pid;

	if (enter_namespaces(in, parent_ns) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return fail(errno, "fork");
	if (pid == 0)
		init_main(in);
	return pid;
}
