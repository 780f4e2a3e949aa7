/* exec.c - `grid exec`: a new process in a created or running container.
 * The runtime reads the container's config (from its bundle) and the process
 * to run (--process FILE, or the config's process changed by the flags),
 * compiles what the child needs (capabilities, seccomp) and opens the init's
 * namespaces. A child joins the container's cgroup and namespaces, user
 * first and mount last, then forks into the pid namespace; the grandchild
 * sets up the process as the init does (terminal, rlimits, user,
 * capabilities, no_new_privs, LSM labels, seccomp) and execs it. The runtime
 * learns its pid, its pty and any error over a close-on-exec socket whose
 * EOF means the exec happened. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "caps.h"
#include "cgroup.h"
#include "container.h"
#include "exec.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "inroot.h"
#include "ns.h"
#include "process.h"
#include "proto.h"
#include "seccomp.h"
#include "sock.h"
#include "spec.h"
#include "state.h"
#include "tty.h"
#include "util.h"

/* The order of joining: the user namespace gives the capabilities to join
 * the others; the mount namespace last, as it changes our root. */
static const enum ns_type join_order[] = { NS_USER, NS_IPC, NS_UTS, NS_NET, NS_PID, NS_CGROUP, NS_TIME, NS_MNT };

struct exec_ctx {
	const struct exec_opts *o;
	struct spec spec;
	struct state st;
	struct cgroup cg;      /* cg.path empty: none */
	struct caps caps;
	struct sc_prog seccomp;
	int listener;          /* linux.seccomp.listenerPath, or -1 */
	int ns_fd[countof(join_order)]; /* -1: the runtime's own, nothing to join */
	int sync[2];           /* [0] the runtime's, [1] the children's */
};

/* ---- the process to run ---- */

static int load_process(struct exec_ctx *x)
{
	char path[PATH_MAX], *text;
	size_t len;
	int ret;

	/* the copy taken at create; a container of an older Grid has none */
	if (path_join(path, sizeof path, x->st.dir, CONFIG_SNAPSHOT) < 0)
		return -1;
	if (access(path, F_OK) < 0 && path_join(path, sizeof path, x->st.bundle, "config.json") < 0)
		return -1;
	if (spec_load(&x->spec, path) < 0)
		return -1;
	if (!x->o->process)
		return 0;
	if (read_file(x->o->process, &text, &len, 16 << 20) < 0)
		return -1;
	ret = spec_parse_process(&x->spec, text, len, x->o->process);
	free(text);
	return ret;
}

static int add_cap(struct spec *s, int set, const char *cap)
{
	const char **caps = arena_alloc(&s->arena, (s->proc.ncaps[set] + 2) * sizeof *caps);

	if (!caps)
		return -1;
	if (s->proc.ncaps[set])
		memcpy(caps, s->proc.caps[set], s->proc.ncaps[set] * sizeof *caps);
	caps[s->proc.ncaps[set]++] = cap;
	s->proc.caps[set] = caps;
	return 0;
}

/* runc's --cap: bounding, effective and permitted, and ambient when the
 * process has an inheritable set at all */
static int add_caps(struct spec *s, const struct exec_opts *o)
{
	static const int sets[] = { CAPS_BOUNDING, CAPS_EFFECTIVE, CAPS_PERMITTED };

	if (!s->proc.has_caps)
		return 0; /* all of root's already */
	for (size_t i = 0; i < o->ncaps; i++) {
		for (size_t k = 0; k < countof(sets); k++)
			if (add_cap(s, sets[k], o->caps[i]) < 0)
				return -1;
		if (s->proc.caps[CAPS_INHERITABLE] && add_cap(s, CAPS_AMBIENT, o->caps[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_user(struct spec *s, const char *user)
{
	char *end;
	unsigned long long uid = dec_ull(user, &end), gid = s->proc.gid;

	if (end == user || (*end && *end != ':'))
		return failx("--user %s: expected uid[:gid], numeric", user);
	if (*end == ':') {
		const char *g = end + 1;
		gid = dec_ull(g, &end);
		if (end == g || *end)
			return failx("--user %s: expected uid[:gid], numeric", user);
	}
	if (uid > INT32_MAX || gid > INT32_MAX)
		return failx("--user %s: out of range: uids and gids must be in 0..2147483647", user);
	s->proc.uid = uid;
	s->proc.gid = gid;
	return 0;
}

/* Without --process: the config's process with the flags' changes. */
static int apply_flags(struct spec *s, const struct exec_opts *o)
{
	const char **args = arena_alloc(&s->arena, (o->nargs + 1) * sizeof *args);

	if (!args)
		return -1;
	memcpy(args, o->args, o->nargs * sizeof *args);
	s->proc.args = args;
	s->proc.nargs = o->nargs;
	s->proc.terminal = o->tty;
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return failx("--cwd %s: not an absolute path", o->cwd);
		s->proc.cwd = o->cwd;
	}
	for (size_t i = 0; i < o->nenv; i++)
		if (spec_set_env(s, o->env[i]) < 0)
			return -1;
	if (o->no_new_privs)
		s->proc.no_new_privileges = true;
	if (o->user && parse_user(s, o->user) < 0)
		return -1;
	return add_caps(s, o);
}

static int check_process(const struct spec *s, const struct exec_opts *o)
{
	if (s->proc.nargs == 0)
		return failx("exec: process.args: at least one entry is required");
	if (s->proc.terminal && o->detach && !o->console_socket)
		return failx("exec: process.terminal is true: --console-socket is required when detached");
	if (!s->proc.terminal && o->console_socket)
		return failx("exec: --console-socket given but process.terminal is false");
	return 0;
}

/* ---- what the runtime prepares ---- */

static int open_state(struct exec_ctx *x)
{
	enum status s;

	if (state_open(&x->st, x->o->root, x->o->id, true) < 0)
		return -1;
	s = state_status(&x->st);
	if (s == ST_PAUSED)
		return failx("cannot exec in container \"%s\": it is paused", x->o->id);
	if (s != ST_RUNNING && s != ST_CREATED)
		return failx("container \"%s\" is %s: container not running", x->o->id, status_name(s));
	if (x->st.cgroup[0] && cgroup_load(&x->cg, x->st.cgroup) < 0)
		return -1;
	return 0;
}

/* The init's namespaces that differ from ours. */
static int open_namespaces(struct exec_ctx *x)
{
	unsigned long long start;

	for (size_t i = 0; i < countof(join_order); i++) {
		char path[64], self[64];
		struct stat a, b;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)x->st.pid, ns_proc_name(join_order[i]));
		snprintf(self, sizeof self, "/proc/self/ns/%s", ns_proc_name(join_order[i]));
		if (stat(path, &a) < 0) {
			if (errno == ENOENT && stat(self, &b) < 0)
				continue; /* this kernel has no such namespace */
			return fail(errno, "container \"%s\": %s", x->o->id, path);
		}
		if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		x->ns_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (x->ns_fd[i] < 0)
			return fail(errno, "container \"%s\": open %s", x->o->id, path);
	}
	/* they are the init's, not those of a process that took its pid since */
	if (proc_starttime(x->st.pid, &start, NULL) < 0 || start != x->st.starttime)
		return failx("container \"%s\": container not running", x->o->id);
	return 0;
}

static int connect_listener(struct exec_ctx *x)
{
	if (!x->seccomp.notify)
		return 0;
	x->listener = unix_connect(x->spec.seccomp.listener_path, "linux.seccomp.listenerPath", LISTENER_TIMEOUT);
	return x->listener < 0 ? -1 : 0;
}

static int prepare(struct exec_ctx *x)
{
	if (open_state(x) < 0 || load_process(x) < 0)
		return -1;
	if (!x->o->process && apply_flags(&x->spec, x->o) < 0)
		return -1;
	if (check_process(&x->spec, x->o) < 0)
		return -1;
	if (x->spec.proc.has_caps && caps_resolve(&x->spec, &x->caps) < 0)
		return -1;
	if (seccomp_compile(&x->spec.seccomp, seccomp_native_arch(), false, &x->seccomp) < 0 ||
	    connect_listener(x) < 0)
		return -1;
	if (open_namespaces(x) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync) < 0)
		return fail(errno, "socketpair");
	return 0;
}

static void release(struct exec_ctx *x)
{
	for (size_t i = 0; i < countof(x->ns_fd); i++)
		if (x->ns_fd[i] >= 0)
			close(x->ns_fd[i]);
	for (int i = 0; i < 2; i++)
		if (x->sync[i] >= 0)
			close(x->sync[i]);
	if (x->listener >= 0)
		close(x->listener);
	seccomp_prog_free(&x->seccomp);
	spec_free(&x->spec);
	state_close(&x->st);
}

/* ---- the children ---- */

static void __attribute__((noreturn)) child_failed(int sock)
{
	msg_send_error(sock);
	_exit(1);
}

/* process.execCPUAffinity.initial or .final */
static int set_affinity(const char *list, const char *field)
{
	uint64_t mask[16] = { 0 };

	if (!list)
		return 0;
	if (parse_cpu_list(list, mask, countof(mask), field) < 0)
		return -1;
	if (sched_setaffinity(0, sizeof mask, (cpu_set_t *)mask) < 0)
		return fail(errno, "%s: sched_setaffinity", field);
	return 0;
}

static int join_namespaces(const struct exec_ctx *x)
{
	for (size_t i = 0; i < countof(join_order); i++)
		if (x->ns_fd[i] >= 0 && setns(x->ns_fd[i], 0) < 0)
			return fail(errno, "join the container's %s namespace", ns_proc_name(join_order[i]));
	return 0;
}

/* The filter; with SCMP_ACT_NOTIFY, its fd to the listener. */
static int exec_seccomp(struct exec_ctx *x)
{
	cleanup_fd int fd = -1;
	int listener = x->listener;

	if (seccomp_install(&x->seccomp, &fd) < 0)
		return -1;
	x->listener = -1;
	return fd < 0 ? 0 : seccomp_send_listener(listener, fd, &x->spec, &x->st, ST_RUNNING, x->st.pid);
}

/* The grandchild, inside every namespace: becomes the process and execs. */
static void __attribute__((noreturn)) exec_process(struct exec_ctx *x)
{
	const struct spec *s = &x->spec;
	char exe[PATH_MAX];
	sigset_t none;
	int master;

	if (set_affinity(s->proc.cpu_final, "process.execCPUAffinity.final") < 0)
		child_failed(x->sync[1]);
	if (s->proc.terminal) {
		if (tty_create(s, false, &master) < 0 || msg_send(x->sync[1], MSG_TERMINAL, NULL, master) < 0)
			child_failed(x->sync[1]);
		close(master);
	}
	if (process_set_home(&x->spec) < 0 || apply_rlimits(s) < 0)
		child_failed(x->sync[1]);
	if (seccomp_early(s, &x->caps) && exec_seccomp(x) < 0)
		child_failed(x->sync[1]);
	if (set_user(s, &x->caps) < 0)
		child_failed(x->sync[1]);
	if (inroot_chdir(s->proc.cwd) < 0)
		child_failed(x->sync[1]);
	if (s->proc.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fail(errno, "process.noNewPrivileges");
		child_failed(x->sync[1]);
	}
	if (find_executable(s, exe, sizeof exe) < 0 || process_apply_lsm(s) < 0 ||
	    preserve_fds_apply(x->o->preserve_fds) < 0)
		child_failed(x->sync[1]);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* the last thing before execve, so that none of Grid's setup is filtered */
	if (!seccomp_early(s, &x->caps) && exec_seccomp(x) < 0)
		child_failed(x->sync[1]);
	execve(exe, (char *const *)s->proc.args, (char *const *)s->proc.env);
	fail(errno, "exec: \"%s\"", exe);
	child_failed(x->sync[1]);
}

/* The child: the cgroup, the attributes children inherit, the namespaces;
 * then the fork that enters the pid namespace. It tells the runtime the
 * grandchild's pid (a host pid: we are not in that namespace ourselves). */
static void __attribute__((noreturn)) exec_child(struct exec_ctx *x)
{
	pid_t pid;

	close(x->sync[0]);
	close(x->st.lockfd);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* until the exec, /proc/PID/exe is Grid's binary: the container's
	 * processes must not open it (CVE-2019-5736), nor our fds */
	prctl(PR_SET_DUMPABLE, 0);
	if (set_affinity(x->spec.proc.cpu_initial, "process.execCPUAffinity.initial") < 0 ||
	    (x->cg.path[0] && cgroup_join(&x->cg) < 0) || process_apply(&x->spec) < 0 ||
	    set_oom_score_adj(&x->spec) < 0 || join_namespaces(x) < 0)
		child_failed(x->sync[1]);
	pid = _Fork();
	if (pid < 0) {
		fail(errno, "fork into the container's pid namespace");
		child_failed(x->sync[1]);
	}
	if (pid == 0)
		exec_process(x);
	if (msg_send_num(x->sync[1], MSG_PID, pid) < 0)
		_exit(1);
	_exit(0);
}

/* ---- the runtime ---- */

/* Reads the children's messages until EOF: both have gone, the grandchild
 * through its exec. */
static int wait_exec(struct exec_ctx *x, pid_t *pid, int *master)
{
	struct msg m;
	int n;

	while ((n = msg_recv(x->sync[0], &m)) > 0) {
		if (m.kind == MSG_TERMINAL && m.fd >= 0) {
			if (*master >= 0)
				close(*master);
			*master = m.fd;
		} else if (m.kind == MSG_PID) {
			*pid = m.num;
		} else {
			if (m.fd >= 0)
				close(m.fd);
			return failx("exec: unexpected message from the process");
		}
	}
	if (n < 0)
		return -1;
	if (*pid <= 0)
		return failx("exec in container \"%s\": the process died during setup", x->o->id);
	return 0;
}

/* Starts the process; on success *pid is its host pid, running the program. */
static int spawn(struct exec_ctx *x, pid_t *pid, int *master)
{
	pid_t child = _Fork();
	int ret;

	if (child < 0)
		return fail(errno, "fork");
	if (child == 0)
		exec_child(x);
	close(x->sync[1]);
	x->sync[1] = -1;
	ret = wait_exec(x, pid, master);
	waitpid(child, NULL, 0);
	if (ret == 0 && x->o->pid_file)
		ret = write_pid_file(x->o->pid_file, *pid);
	if (ret == 0 && *master >= 0 && x->o->console_socket) {
		ret = console_socket_send(x->o->console_socket, *master);
		close(*master);
		*master = -1;
	}
	if (ret < 0 && *pid > 0)
		kill(*pid, SIGKILL);
	return ret;
}

int container_exec(const struct exec_opts *o)
{
	struct exec_ctx x = { .o = o, .listener = -1, .sync = { -1, -1 } };
	sigset_t chld, old;
	pid_t pid = -1;
	int master = -1, ret;

	x.st.lockfd = -1;
	for (size_t i = 0; i < countof(x.ns_fd); i++)
		x.ns_fd[i] = -1;
	/* the process is our grandchild: adopt it to wait for it; and keep its
	 * SIGCHLD pending until wait_container reads it */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return fail(errno, "become a subreaper");
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	ret = prepare(&x);
	if (ret == 0)
		ret = spawn(&x, &pid, &master);
	release(&x); /* unlocks: others may act on the container while we wait */
	if (ret == 0 && !o->detach)
		return wait_container(pid, master);
	if (master >= 0)
		close(master);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
