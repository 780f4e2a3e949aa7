/* container.c - the lifecycle operations the command line calls: create,
 * start, run, state, kill, delete, list, spec. Each takes the state lock of
 * its container, checks the status the spec allows, acts, and on failure
 * leaves things as they were. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "caps.h"
#include "cgroup.h"
#include "container.h"
#include "fail.h"
#include "fault.h"
#include "fs.h"
#include "grid.h"
#include "hooks.h"
#include "image.h"
#include "init.h"
#include "log.h"
#include "mount.h"
#include "netdev.h"
#include "notify.h"
#include "ns.h"
#include "proto.h"
#include "seccomp.h"
#include "sock.h"
#include "spec.h"
#include "state.h"
#include "tty.h"
#include "util.h"
#include "verity.h"

#define LAYER_ANNOTATION "org.grid.layer"

bool cgroups_disabled;

/* ---- signals ---- */

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

int parse_signal(const char *s)
{
	char *end;
	long long n;

	if (*s >= '0' && *s <= '9') {
		n = dec_ll(s, &end);
		if (*end || n <= 0 || n >= _NSIG)
			return failx("invalid signal \"%s\"", s);
		return n;
	}
	const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	for (size_t i = 0; i < countof(signals); i++)
		if (!strcasecmp(name, signals[i].name))
			return signals[i].sig;
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		n = 0;
		if (name[5] && (name[5] != '+' && name[5] != '-'))
			return failx("invalid signal \"%s\"", s);
		if (name[5])
			n = dec_ll(name + 5, &end);
		n += (name[3] == 'I' || name[3] == 'i') ? SIGRTMIN : SIGRTMAX;
		if (n >= SIGRTMIN && n <= SIGRTMAX)
			return n;
	}
	return failx("invalid signal \"%s\"", s);
}

/* Signals a process only if it is still the one recorded (same start time),
 * through a pidfd so that a recycled pid can never be hit. */
static int signal_init(const struct state *st, int sig)
{
	unsigned long long start;
	int pidfd = syscall(SYS_pidfd_open, st->pid, 0);
	int ret = 0;

	if (pidfd < 0 && errno != ENOSYS)
		return fail(errno, "container \"%s\": container not running", st->id);
	if (proc_starttime(st->pid, &start, NULL) < 0 || start != st->starttime) {
		ret = failx("container \"%s\": container not running", st->id);
	} else if (pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
			ret = fail(errno, "kill container \"%s\"", st->id);
	} else if (kill(st->pid, sig) < 0) {
		ret = fail(errno, "kill container \"%s\"", st->id);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* Waits until the recorded init has exited (it need not be our child). */
static void wait_gone(const struct state *st)
{
	int pidfd = syscall(SYS_pidfd_open, st->pid, 0);

	if (pidfd >= 0) {
		struct pollfd p = { pidfd, POLLIN, 0 };
		while (state_status(st) != ST_STOPPED && poll(&p, 1, 100) >= 0 && !(p.revents & POLLIN))
			;
		close(pidfd);
	}
	while (state_status(st) != ST_STOPPED)
		usleep(10000);
}

/* ---- create ---- */

/* What create needs of a parsed config beyond the parser's checks, and the
 * rootfs it names, resolved; an image file there is mounted (detached) on *image. */
static int check_bundle(const struct spec *spec, const char *bundle, const char *config, char *rootfs, int *image)
{
	char path[PATH_MAX + 16];
	struct verity v;
	struct stat st;

	if (!spec->source)
		return fail(ENOMEM, "%s", config);
	if (!spec->has_process)
		return failx("%s: process: required to create a container", config);
	if (spec->proc.nargs == 0)
		return failx("%s: process.args: at least one entry is required", config);
	if (spec->root_path[0] == '/' ? path_fmt(path, sizeof path, "%s", spec->root_path) < 0
				       : path_fmt(path, sizeof path, "%s/%s", bundle, spec->root_path) < 0)
		return -1;
	if (real_path(path, rootfs) < 0)
		return fail(errno, "root.path %s", path);
	v = (struct verity){ spec_annotation(spec, VERITY_ROOTHASH), spec_annotation(spec, VERITY_HASHFILE),
			     spec_annotation(spec, VERITY_HASHOFFSET) };
	if (!v.roothash && (v.hashfile || v.hashoffset))
		return failx("annotation %s: without " VERITY_ROOTHASH,
			     v.hashfile ? VERITY_HASHFILE : VERITY_HASHOFFSET);
	if (stat(rootfs, &st) == 0 && S_ISDIR(st.st_mode))
		return v.roothash ? failx("annotation " VERITY_ROOTHASH ": root.path %s is a directory", path) : 0;
	*image = image_mount(bundle, spec->root_path, &v);
	return *image < 0 ? -1 : 0;
}

static int load_bundle(const char *bundle_arg, char *bundle, struct spec *spec, char *rootfs, int *image)
{
	char path[PATH_MAX + 16];
	cleanup_free char *text = NULL;
	struct stat st;
	size_t len;

	if (real_path(bundle_arg, bundle) < 0)
		return fail(errno, "bundle %s", bundle_arg);
	if (stat(bundle, &st) < 0 || !S_ISDIR(st.st_mode))
		return failx("bundle %s: not a directory", bundle);
	if (path_fmt(path, sizeof path, "%s/config.json", bundle) < 0 || read_file(path, &text, &len, 16 << 20) < 0)
		return -1;
	if (spec_parse(spec, text, len, path) < 0)
		return -1;
	/* kept for the state directory: exec reads that copy */
	spec->source = arena_strndup(&spec->arena, text, len);
	spec->source_len = len;
	if (!spec->source || check_bundle(spec, bundle, path, rootfs, image) < 0) {
		spec_free(spec);
		return -1;
	}
	return 0;
}

int write_pid_file(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], num[16];
	int n = snprintf(num, sizeof num, "%d", (int)pid);

	if (path_fmt(tmp, sizeof tmp, "%s.grid-%d", path, (int)getpid()) < 0)
		return -1;
	/* a new file of ours, never one a symlink there points to */
	unlink(tmp);
	if (write_file(tmp, num, n, O_CREAT | O_EXCL | O_NOFOLLOW, 0644) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return fail(e, "--pid-file %s", path);
	}
	return 0;
}

/* The host id that container id `id` maps to, or `id` without a mapping. */
static unsigned host_id(const struct id_map *m, size_t n, unsigned id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return id;
}

static int make_state_files(struct state *st, const char *rootfs, int image, const struct spec *spec)
{
	static const char *const dirs[] = { "upper", "work", "rootfs" };
	struct stat sb;
	/* in a new user namespace the layer is mounted by the container's root */
	bool userns = spec->ns[NS_USER].wanted && !spec->ns[NS_USER].path;
	unsigned uid = userns ? host_id(spec->uid_maps, spec->nuid_maps, 0) : 0;
	unsigned gid = userns ? host_id(spec->gid_maps, spec->ngid_maps, 0) : 0;

	for (size_t i = 0; i < countof(dirs); i++)
		if (mkdirat(st->lockfd, dirs[i], 0700) < 0)
			return fail(errno, "mkdir %s/%s", st->dir, dirs[i]);
	/* overlayfs shows the upper directory's owner and mode as the
	 * container's /: give it those of the bundle's rootfs (the image's root) */
	if (image >= 0 ? fstat(image, &sb) < 0 : stat(rootfs, &sb) < 0)
		return fail(errno, "stat %s", rootfs);
	if (userns) {
		sb.st_uid = host_id(spec->uid_maps, spec->nuid_maps, sb.st_uid);
		sb.st_gid = host_id(spec->gid_maps, spec->ngid_maps, sb.st_gid);
	}
	if (geteuid() != 0) {
		/* rootless: the caller is the container's root, who owns all */
		sb.st_uid = uid = geteuid();
		sb.st_gid = gid = getegid();
	}
	if (fchownat(st->lockfd, "upper", sb.st_uid, sb.st_gid, 0) < 0 ||
	    fchmodat(st->lockfd, "upper", sb.st_mode & 07777, 0) < 0 ||
	    fchownat(st->lockfd, "work", uid, gid, 0) < 0 ||
	    fchmodat(st->lockfd, "rootfs", 0755, 0) < 0 ||
	    /* upper holds the container's files as the container wrote them
	     * (setuid ones too): only root and the container's root in its
	     * user namespace, who mounts the layer, may walk in */
	    fchown(st->lockfd, geteuid(), gid) < 0 || fchmod(st->lockfd, 0710) < 0)
		return fail(errno, "set owner and mode of %s/upper", st->dir);
	if (mkfifoat(st->lockfd, "exec.fifo", 0600) < 0)
		return fail(errno, "mkfifo %s/exec.fifo", st->dir);
	/* the config as created: later edits of the bundle change nothing */
	return write_file_atomic(st->lockfd, CONFIG_SNAPSHOT, spec->source, spec->source_len);
}

/* The init reached its moment before pivot_root: the prestart then
 * createRuntime hooks run here, in the runtime, before it may go on. */
static int create_hooks(int sock, const struct spec *spec, const struct state *st)
{
	if (hooks_run(spec, HOOK_PRESTART, st, ST_CREATED, st->pid) < 0 ||
	    hooks_run(spec, HOOK_CREATE_RUNTIME, st, ST_CREATED, st->pid) < 0)
		return -1;
	return msg_send(sock, MSG_HOOKS_DONE, NULL, -1);
}

/* The poststop hooks, when the container is gone: failures only warn. */
static void poststop_hooks(const struct spec *spec, const struct state *st)
{
	if (hooks_run(spec, HOOK_POSTSTOP, st, ST_STOPPED, 0) < 0) {
		warn("%s", last_error());
		clear_error();
	}
}

/* Reads the init's messages until it is ready or fails, taking its
 * terminal and running the runtime's create hooks when it asks. */
static int wait_ready(int sock, int *master, int *notify_fd, const struct spec *spec, const struct state *st)
{
	struct msg m;

	for (;;) {
		int n = msg_recv(sock, &m);
		if (n <= 0)
			return n < 0 ? -1 : failx("container init exited during setup");
		if (m.kind == MSG_TERMINAL && m.fd >= 0) {
			if (*master >= 0)
				close(*master);
			*master = m.fd;
		} else if (m.kind == MSG_HOOKS) {
			if (create_hooks(sock, spec, st) < 0)
				return -1;
		} else if (m.kind == MSG_READY) {
			*notify_fd = m.fd;
			return 0;
		} else {
			return failx("unexpected message from the container's init");
		}
	}
}

/* SCMP_ACT_NOTIFY: connect to the listener now, from the host's mount
 * namespace, where listenerPath resolves; it gets the init's fd at the end
 * of create (send_listener). */
static int seccomp_listener(const struct spec *s, struct init *in)
{
	if (!s->seccomp.notify) {
		/* config-linux.md: without SCMP_ACT_NOTIFY it is ignored (crun
		 * sends an fd anyway): say so, or a listener waits in vain */
		if (s->seccomp.listener_path)
			warn("linux.seccomp.listenerPath %s ignored: no rule uses SCMP_ACT_NOTIFY",
			     s->seccomp.listener_path);
		return 0;
	}
	if (seccomp_early(s, &in->caps))
		return failx("linux.seccomp: SCMP_ACT_NOTIFY needs process.noNewPrivileges or CAP_SYS_ADMIN");
	in->listener_fd = unix_connect(s->seccomp.listener_path, "linux.seccomp.listenerPath", LISTENER_TIMEOUT);
	return in->listener_fd < 0 ? -1 : 0;
}

/* The runtime's copies: the init has its own. */
static void seccomp_release(struct init *in)
{
	seccomp_prog_free(&in->seccomp);
	if (in->listener_fd >= 0)
		close(in->listener_fd);
	in->listener_fd = -1;
}

struct created {
	struct state st;
	struct spec spec;
	pid_t pid;
	int master; /* the pty master, when kept for the foreground proxy */
};

/* Socket activation, as runc does: when a service manager handed us sockets
 * (LISTEN_FDS=N, LISTEN_PID ours), fds 3..3+N-1 go into the container with
 * LISTEN_FDS=N and LISTEN_PID=1, and --preserve-fds counts the fds after them. */
static int socket_activation(struct spec *s, int *preserve)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char kv[32];
	int n;

	if (!fds || !pid || atoi(pid) != getpid() || (n = atoi(fds)) <= 0 || n > 1 << 20)
		return 0;
	snprintf(kv, sizeof kv, "LISTEN_FDS=%d", n);
	if (spec_set_env(s, arena_strndup(&s->arena, kv, strlen(kv))) < 0 ||
	    spec_set_env(s, "LISTEN_PID=1") < 0)
		return -1;
	*preserve += n;
	return 0;
}

/* Everything create holds until it returns: create_abort releases it all,
 * at whatever step create stopped. */
struct create_ctx {
	const struct create_opts *o;
	struct created *c;
	struct init in;
	struct netdev_moved *moved; /* devices in the init's namespace, to give back */
	int sv[2];                  /* [0] ours, [1] the init's */
	int fifo;
	int notify_fd;              /* the init's seccomp listener fd, or -1 */
	bool have_spec, have_dir, have_cgroup;
	char bundle[PATH_MAX];
};

/* The config, checked and compiled, and the host paths it names opened:
 * nothing on disk yet. */
static int create_prepare(struct create_ctx *x)
{
	struct created *c = x->c;
	struct init *in = &x->in;

	if (id_valid(x->o->id) < 0 ||
	    load_bundle(x->o->bundle ? x->o->bundle : ".", x->bundle, &c->spec, in->rootfs_src, &in->image_fd) < 0)
		return -1;
	x->have_spec = true;
	in->spec = &c->spec;
	in->no_pivot = x->o->no_pivot;
	in->rootless = geteuid() != 0;
	if (in->rootless && !(c->spec.ns[NS_USER].wanted && !c->spec.ns[NS_USER].path))
		return failx("linux.namespaces: a user that is not root needs a new user namespace (grid spec --rootless "
			     "writes such a config)");
	in->preserve_fds = x->o->preserve_fds;
	if (socket_activation(&c->spec, &in->preserve_fds) < 0)
		return -1;
	if (c->spec.proc.terminal && !x->o->console_socket && x->o->detach)
		return failx("process.terminal is true: --console-socket is required when detached");
	if (!c->spec.proc.terminal && x->o->console_socket)
		return failx("--console-socket given but process.terminal is false");
	in->layer = layer_choose(spec_annotation(&c->spec, LAYER_ANNOTATION), in->rootfs_src);
	if (strcmp(in->layer, "overlay") && strcmp(in->layer, "aufs") && strcmp(in->layer, "none"))
		return failx("annotation %s: \"%s\" is not auto, overlay, aufs or none", LAYER_ANNOTATION, in->layer);
	if (c->spec.proc.has_caps && caps_resolve(&c->spec, &in->caps) < 0)
		return -1;
	if (seccomp_compile(&c->spec.seccomp, seccomp_native_arch(), false, &in->seccomp) < 0 ||
	    seccomp_listener(&c->spec, in) < 0 || netdev_check(&c->spec) < 0 || ns_open_paths(in) < 0)
		return -1;
	return 0;
}

/* The state directory, its files, the write layer and bind sources
 * (detached), and the cgroup. */
static int create_record(struct create_ctx *x)
{
	struct created *c = x->c;
	struct init *in = &x->in;

	if (state_new(&c->st, x->o->root, x->o->id) < 0)
		return -1;
	x->have_dir = true;
	fault_point("create: state directory made");
	in->st = &c->st;
	if (path_fmt(c->st.bundle, sizeof c->st.bundle, "%s", x->bundle) < 0 ||
	    path_fmt(c->st.rootfs, sizeof c->st.rootfs, "%s/rootfs", c->st.dir) < 0)
		return -1;
	snprintf(c->st.layer, sizeof c->st.layer, "%s", in->layer);
	if (state_set_annotations(&c->st, c->spec.annotation_keys, c->spec.annotation_values,
				  c->spec.nannotations) < 0 ||
	    make_state_files(&c->st, in->rootfs_src, in->image_fd, &c->spec) < 0 || hooks_save(&c->spec, &c->st) < 0 ||
	    notify_prepare(&c->spec, c->st.dir) < 0 || mounts_prepare(in) < 0)
		return -1;
	fault_point("create: state files and mounts prepared");
	if (cgroups_disabled) {
		if (c->spec.res.set)
			warn("linux.resources: ignored, --cgroup-manager is disabled");
		return 0;
	}
	/* never a cgroup the caller does not own (an empty resources object, as
	 * podman writes one, asks for nothing) */
	if (in->rootless && !c->spec.res.nw && !c->spec.res.ndev)
		return 0;
	if (in->rootless)
		return failx("linux.resources: a user that is not root gets no cgroup here (no delegated cgroup v2 "
			     "subtree); --cgroup-manager disabled runs without the limits");
	if (cgroup_create(&c->spec, x->o->id, x->o->root, &in->cg) < 0) {
		/* root of a user's namespace (rootless podman) owns no cgroup either:
		 * without resources to apply, none is needed, as runc and crun decide */
		if (c->spec.res.nw || c->spec.res.ndev || (errno != EACCES && errno != EPERM && errno != EROFS) ||
		    !in_user_namespace())
			return -1;
		debug("no cgroup: %s", last_error());
		clear_error();
		in->cg.path[0] = 0;
		return 0;
	}
	x->have_cgroup = true;
	snprintf(c->st.cgroup, sizeof c->st.cgroup, "%s", in->cg.path);
	if (cgroup_record_write(&c->st, in->cg.path) < 0)
		return -1;
	fault_point("create: cgroup made");
	return 0;
}

/* The init, cloned into its namespaces, set up until it waits for start;
 * what it took its own copies of is released here. */
static int create_spawn(struct create_ctx *x)
{
	struct created *c = x->c;
	struct init *in = &x->in;

	x->fifo = openat(c->st.lockfd, "exec.fifo", O_RDWR | O_CLOEXEC);
	if (x->fifo < 0)
		return fail(errno, "open %s/exec.fifo", c->st.dir);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sv) < 0)
		return fail(errno, "socketpair");
	debug("create %s: bundle %s, rootfs %s, layer %s", x->o->id, x->bundle, in->rootfs_src, in->layer);
	if (c->spec.nhooks[HOOK_START_CONTAINER] || c->spec.seccomp.set) {
		in->start_err_fd = openat(c->st.lockfd, "start.error",
					  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (in->start_err_fd < 0)
			return fail(errno, "create %s/start.error", c->st.dir);
	}
	in->sync_fd = x->sv[1];
	in->sync_parent = x->sv[0];
	in->fifo_fd = x->fifo;
	c->pid = ns_spawn(in);
	if (c->pid < 0)
		return -1;
	fault_point("create: init spawned");
	close(x->sv[1]);
	close(x->fifo);
	x->sv[1] = x->fifo = -1;
	if (in->start_err_fd >= 0)
		close(in->start_err_fd);
	in->start_err_fd = -1;
	mounts_release(in);
	ns_close_paths(in);
	seccomp_prog_free(&in->seccomp); /* the listener stays, for the init's fd */
	c->st.pid = c->pid;
	if (wait_ready(x->sv[0], &c->master, &x->notify_fd, &c->spec, &c->st) < 0)
		return -1;
	fault_point("create: init ready");
	return 0;
}

/* The filter's fd from the init, with the state, to the listener. */
static int send_listener(struct create_ctx *x)
{
	cleanup_fd int fd = x->notify_fd;
	int listener = x->in.listener_fd;

	x->notify_fd = x->in.listener_fd = -1;
	if (listener < 0)
		return 0;
	if (fd < 0) {
		close(listener);
		return failx("linux.seccomp: the container's init sent no listener fd");
	}
	return seccomp_send_listener(listener, fd, &x->c->spec, &x->c->st, ST_CREATED, x->c->pid);
}

/* Device rules, network devices, the terminal, the record; then the init is
 * told to wait for start. */
static int create_finish(struct create_ctx *x)
{
	struct created *c = x->c;

	if (x->have_cgroup && cgroup_apply_devices(&x->in.cg, &c->spec.res) < 0)
		return -1;
	if (proc_starttime(c->pid, &c->st.starttime, NULL) < 0)
		return failx("container init exited during setup");
	/* the init's network namespace exists now, and nothing runs in it yet */
	if (c->spec.nnetdevs) {
		struct netdev_moved *m = arena_alloc(&c->spec.arena, c->spec.nnetdevs * sizeof *m);
		if (!m || netdev_move(&c->spec, c->pid, m) < 0)
			return -1;
		x->moved = m;
	}
	if (c->master >= 0 && x->o->console_socket) {
		if (console_socket_send(x->o->console_socket, c->master) < 0)
			return -1;
		close(c->master);
		c->master = -1;
	}
	if (state_write(&c->st) < 0)
		return -1;
	fault_point("create: state written");
	if (x->o->pid_file && write_pid_file(x->o->pid_file, c->pid) < 0)
		return -1;
	if (send_listener(x) < 0)
		return -1;
	/* the record exists: the init may stop watching for our death */
	if (msg_send_num(x->sv[0], MSG_GO, c->pid) < 0)
		return -1;
	close(x->sv[0]);
	x->sv[0] = -1;
	fault_point("create: init told to wait for start");
	return 0;
}

/* Undoes what create did, in reverse, keeping its error. */
static void create_abort(struct create_ctx *x)
{
	struct created *c = x->c;
	char msg[1024];

	snprintf(msg, sizeof msg, "%s", last_error());
	/* before the namespace dies with the init, which would destroy a virtual device */
	if (x->moved)
		netdev_give_back(&c->spec, c->pid, x->moved);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	/* an init that died during setup may have met its own memory limit */
	if (x->have_cgroup && c->pid > 0 && cgroup_oom_kills(&x->in.cg) > 0)
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
			 " (the OOM killer killed it: linux.resources.memory.limit is too low)");
	if (x->have_cgroup)
		cgroup_remove(&x->in.cg);
	if (c->master >= 0)
		close(c->master);
	for (int i = 0; i < 2; i++)
		if (x->sv[i] >= 0)
			close(x->sv[i]);
	if (x->fifo >= 0)
		close(x->fifo);
	if (x->notify_fd >= 0)
		close(x->notify_fd);
	if (x->in.start_err_fd >= 0)
		close(x->in.start_err_fd);
	if (x->have_spec) {
		mounts_release(&x->in);
		seccomp_release(&x->in);
	}
	ns_close_paths(&x->in);
	if (x->have_dir) {
		state_remove(&c->st);
		/* once the init existed, a failed create (a failing hook,
		 * runtime.md lifecycle steps 3-5) ends as delete would */
		if (c->pid > 0)
			poststop_hooks(&c->spec, &c->st);
		state_close(&c->st);
	}
	if (x->have_spec)
		spec_free(&c->spec);
	set_error_text(msg);
}

static int create(const struct create_opts *o, struct created *c)
{
	struct create_ctx x = { .o = o, .c = c, .sv = { -1, -1 }, .fifo = -1, .notify_fd = -1 };

	c->pid = -1;
	c->master = -1;
	c->st.lockfd = -1;
	for (int t = 0; t < NS_COUNT; t++)
		x.in.ns_fd[t] = -1;
	x.in.start_err_fd = x.in.layer_fd = x.in.rootfs_dir_fd = x.in.listener_fd = x.in.notify_fd = -1;
	x.in.image_fd = -1;
	if (create_prepare(&x) < 0 || create_record(&x) < 0 || create_spawn(&x) < 0 || create_finish(&x) < 0) {
		create_abort(&x);
		return -1;
	}
	return 0;
}

static void created_free(struct created *c)
{
	if (c->master >= 0)
		close(c->master);
	state_close(&c->st);
	spec_free(&c->spec);
}

int container_create(const struct create_opts *o)
{
	struct created c;
	struct create_opts d = *o;

	d.detach = true;
	if (create(&d, &c) < 0)
		return -1;
	created_free(&c);
	return 0;
}

/* ---- start ---- */

/* A startContainer hook that failed left its error here (see ns.c). */
static int start_error(const struct state *st)
{
	char path[PATH_MAX];
	cleanup_free char *text = NULL;
	size_t len;

	if (path_fmt(path, sizeof path, "%s/start.error", st->dir) < 0 || read_file(path, &text, &len, 4096) < 0) {
		clear_error();
		return 0;
	}
	if (len == 0)
		return 0;
	set_error_text(text);
	return -1;
}

/* The poststart hooks, once the program runs; if one fails the container
 * is stopped, as runtime.md's lifecycle step 9 says. */
static int poststart_hooks(const struct spec *spec, const struct state *st)
{
	char msg[1024];

	if (hooks_run(spec, HOOK_POSTSTART, st, ST_RUNNING, st->pid) == 0)
		return 0;
	snprintf(msg, sizeof msg, "%s", last_error());
	if (signal_init(st, SIGKILL) == 0)
		wait_gone(st);
	set_error_text(msg);
	return -1;
}

/* Releases the init blocked on exec.fifo and waits until it has exec'd
 * (or died): the fifo then has no reader left and poll reports POLLERR. */
static int release_init(const struct state *st)
{
	char path[PATH_MAX];
	struct pollfd p;
	cleanup_fd int fd = -1;

	if (path_fmt(path, sizeof path, "%s/exec.fifo", st->dir) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(errno == ENXIO ? 0 : errno, "container \"%s\": its init is gone", st->id);
	if (write(fd, "s", 1) != 1)
		return fail(errno, "start container \"%s\"", st->id);
	fault_point("start: init released");
	p.fd = fd;
	p.events = 0;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	close_fdp(&fd);
	if (unlink(path) < 0)
		return fail(errno, "unlink %s", path);
	fault_point("start: exec.fifo removed");
	return start_error(st);
}

int container_start(const char *root, const char *id)
{
	cleanup_state struct state st = { .lockfd = -1 };
	cleanup_spec struct spec hooks = { 0 };
	enum status s;
	int ret, notify;

	if (state_open(&st, root, id, true) < 0)
		return -1;
	fault_point("start: locked");
	s = state_status(&st);
	if (s != ST_CREATED)
		return failx("cannot start container \"%s\": it is %s, not created", id, status_name(s));
	if (hooks_load(&hooks, &st) < 0 || (notify = notify_listen(st.dir)) == -1)
		return -1;
	ret = release_init(&st);
	if (ret == 0)
		ret = poststart_hooks(&hooks, &st);
	if (notify < 0)
		return ret;
	if (ret < 0) {
		close(notify);
		return ret;
	}
	state_close(&st); /* others may inspect the container while it gets ready */
	return notify_forward(notify, st.pid, st.pid);
}

/* ---- run ---- */

static struct termios saved_tio;
static bool tio_saved;

static void restore_tty(void)
{
	if (tio_saved)
		tcsetattr(0, TCSANOW, &saved_tio);
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		ioctl(master, TIOCSWINSZ, &ws);
}

static int pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof buf);

	if (n <= 0)
		return -1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += w;
	}
	return 0;
}

/* Forwards signals to the container and, with a terminal, proxies it to
 * ours; returns the exit code `run` should exit with. */
int wait_container(pid_t pid, int master)
{
	static const int fwd[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD };
	sigset_t set;
	int sfd, status = 0;
	bool exited = false, in_open = master >= 0;

	sigemptyset(&set);
	for (size_t i = 0; i < countof(fwd); i++)
		sigaddset(&set, fwd[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return fail(errno, "signalfd");
	/* a program as short as /bin/true may be gone already: its SIGCHLD came
	 * before it was blocked, and will not come again */
	if (waitpid(pid, &status, WNOHANG) == pid)
		exited = true;
	if (master >= 0 && isatty(0)) {
		struct termios raw;
		if (tcgetattr(0, &saved_tio) == 0) {
			tio_saved = true;
			atexit(restore_tty);
			raw = saved_tio;
			cfmakeraw(&raw);
			tcsetattr(0, TCSANOW, &raw);
		}
		copy_winsize(master);
	}
	while (!exited || master >= 0) {
		struct pollfd p[3] = { { sfd, POLLIN, 0 }, { master, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 } };
		if (poll(p, 3, exited ? 100 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == sizeof si) {
				if (si.ssi_signo == SIGCHLD) {
					if (waitpid(pid, &status, WNOHANG) == pid)
						exited = true;
				} else if (si.ssi_signo == SIGWINCH) {
					if (master >= 0)
						copy_winsize(master);
				} else {
					kill(pid, si.ssi_signo);
				}
			}
		}
		if (master >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (pump(master, 1) < 0) {
				close(master);
				master = -1;
			}
		} else if (master >= 0 && exited && !(p[1].revents & POLLIN)) {
			close(master); /* drained: the container is gone */
			master = -1;
		}
		if (in_open && (p[2].revents & (POLLIN | POLLHUP)) && master >= 0 && pump(0, master) < 0)
			in_open = false;
	}
	if (!exited)
		waitpid(pid, &status, 0);
	restore_tty();
	close(sfd);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* run in the foreground stays the service's main process (MAINPID), as
 * runc's: a child of it passes READY=1 on while it waits for the container. */
static void notify_in_background(int fd, pid_t pid)
{
	pid_t main = getpid(), child = -1;

	if (children_in_own_namespaces() == 0 && (child = _Fork()) < 0)
		fail(errno, "fork");
	if (child == 0) {
		if (notify_forward(fd, pid, main) < 0)
			report_error();
		_exit(0);
	}
	if (child < 0)
		warn("NOTIFY_SOCKET: no READY=1 will be passed on: %s", last_error());
	close(fd);
}

int container_run(const struct create_opts *o)
{
	struct cgroup cg;
	struct created c;
	int code, notify;

	/* with a user namespace the init is our grandchild: adopt it to wait for it */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return fail(errno, "become a subreaper");
	if (create(o, &c) < 0)
		return -1;
	notify = notify_listen(c.st.dir);
	if (notify == -1 || release_init(&c.st) < 0 ||
	    hooks_run(&c.spec, HOOK_POSTSTART, &c.st, ST_RUNNING, c.pid) < 0) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", last_error());
		if (notify >= 0)
			close(notify);
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
		if (c.st.cgroup[0] && cgroup_load(&cg, c.st.cgroup) == 0)
			cgroup_remove(&cg);
		state_remove(&c.st);
		poststop_hooks(&c.spec, &c.st);
		created_free(&c);
		set_error_text(msg);
		return -1;
	}
	state_close(&c.st); /* unlock: others may inspect the running container */
	if (o->detach) {
		created_free(&c);
		return notify >= 0 ? notify_forward(notify, c.pid, c.pid) : 0;
	}
	if (notify >= 0)
		notify_in_background(notify, c.pid);
	code = wait_container(c.pid, c.master);
	c.master = -1;
	created_free(&c);
	if (!o->keep && container_delete(o->root, o->id, true) < 0)
		return -1;
	return code;
}

/* ---- state, list ---- */

int container_state(const char *root, const char *id)
{
	cleanup_state struct state st = { .lockfd = -1 };
	cleanup_buf struct buf b = { 0 };

	if (state_open(&st, root, id, false) < 0)
		return -1;
	if (st.empty) {
		failx("state of \"%s\": %s/state is empty (torn by a power cut?): grid delete --force %s removes it",
		      id, st.dir, id);
		return -1;
	}
	state_json(&b, &st, state_status(&st), st.pid);
	buf_puts(&b, "\n");
	return buf_print(&b);
}

int container_list(const char *root, bool json, bool quiet)
{
	DIR *d = opendir(root);
	struct dirent *e;
	cleanup_buf struct buf b = { 0 };
	bool first = true;

	if (json)
		buf_puts(&b, "[");
	else if (!quiet)
		buf_printf(&b, "%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || id_valid(e->d_name) < 0)
			continue;
		/* after the entries that are no container: 13 KB to clear */
		cleanup_state struct state st = { .lockfd = -1 };
		if (state_open(&st, root, e->d_name, false) < 0) {
			/* deleted since readdir: gone, not broken; else not listed,
			 * but not hidden either: delete --force cleans it up */
			struct stat gone;
			if (fstatat(dirfd(d), e->d_name, &gone, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
				warn("%s (delete --force %s removes it)", last_error(), e->d_name);
			clear_error();
			continue;
		}
		if (quiet) {
			buf_printf(&b, "%s\n", st.id);
		} else if (json) {
			if (!first)
				buf_puts(&b, ",");
			state_json(&b, &st, state_status(&st), st.pid);
		} else {
			enum status s = state_status(&st);
			buf_printf(&b, "%-24s %-8d %-10s %-40s %s\n", st.id, s == ST_STOPPED ? 0 : (int)st.pid,
				   status_name(s), st.bundle, st.created);
		}
		first = false;
	}
	if (d)
		closedir(d);
	clear_error();
	if (json)
		buf_puts(&b, "]\n");
	return buf_print(&b);
}

/* ---- kill, delete ---- */

int container_kill(const char *root, const char *id, int sig, bool all)
{
	cleanup_state struct state st = { .lockfd = -1 };
	struct cgroup cg;
	enum status s;
	int ret;

	if (state_open(&st, root, id, true) < 0)
		return -1;
	s = state_status(&st);
	if (s != ST_CREATED && s != ST_RUNNING && s != ST_PAUSED)
		ret = failx("container \"%s\" is %s: container not running", id, status_name(s));
	else if (all && st.cgroup[0] && cgroup_load(&cg, st.cgroup) == 0)
		ret = cgroup_signal_all(&cg, sig);
	else
		ret = signal_init(&st, sig);
	/* a frozen task does not die until thawed (v1 freezer): let the KILL land, as runc does */
	if (ret == 0 && s == ST_PAUSED && sig == SIGKILL && cgroup_load(&cg, st.cgroup) == 0)
		ret = cgroup_freeze(&cg, false);
	return ret;
}

/* The running container's cgroup, locked; for pause, resume, ps, update,
 * events. st is the caller's to close, whatever the outcome. */
static int open_cgroup(struct state *st, struct cgroup *cg, const char *root, const char *id, bool lock)
{
	enum status s;

	if (state_open(st, root, id, lock) < 0)
		return -1;
	s = state_status(st);
	if (s != ST_RUNNING && s != ST_PAUSED && s != ST_CREATED)
		return failx("container \"%s\" is %s: container not running", id, status_name(s));
	if (!st->cgroup[0])
		return failx("container \"%s\" has no cgroup (created by a user that is not root, or with "
			     "--cgroup-manager disabled)", id);
	return cgroup_load(cg, st->cgroup);
}

int container_pause(const char *root, const char *id, bool pause)
{
	cleanup_state struct state st = { .lockfd = -1 };
	struct cgroup cg;
	int ret;

	if (open_cgroup(&st, &cg, root, id, true) < 0)
		return -1;
	ret = cgroup_freeze(&cg, pause);
	return ret;
}

int container_ps(const char *root, const char *id, bool json)
{
	cleanup_state struct state st = { .lockfd = -1 };
	struct cgroup cg;
	pid_t *pids;
	size_t n;
	cleanup_buf struct buf b = { 0 };

	if (open_cgroup(&st, &cg, root, id, false) < 0)
		return -1;
	if (cgroup_pids(&cg, &pids, &n) < 0)
		return -1;
	if (json) {
		buf_puts(&b, "[");
		for (size_t i = 0; i < n; i++)
			buf_printf(&b, "%s%d", i ? "," : "", (int)pids[i]);
		buf_puts(&b, "]\n");
	} else {
		buf_puts(&b, "PID\tCMD\n");
		for (size_t i = 0; i < n; i++) {
			char path[64], *cmd;
			size_t len;
			snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pids[i]);
			if (read_file(path, &cmd, &len, 4096) < 0) {
				clear_error();
				continue;
			}
			for (size_t k = 0; k + 1 < len; k++)
				if (!cmd[k])
					cmd[k] = ' ';
			buf_printf(&b, "%d\t%s\n", (int)pids[i], cmd);
			free(cmd);
		}
	}
	free(pids);
	return buf_print(&b);
}

int container_update(const char *root, const char *id, const struct resources *r)
{
	cleanup_state struct state st = { .lockfd = -1 };
	struct cgroup cg;
	int ret;

	if (open_cgroup(&st, &cg, root, id, true) < 0)
		return -1;
	ret = cgroup_apply(&cg, r);
	return ret;
}

int container_events_stats(const char *root, const char *id)
{
	cleanup_state struct state st = { .lockfd = -1 };
	struct cgroup cg;
	cleanup_buf struct buf b = { 0 };

	if (open_cgroup(&st, &cg, root, id, false) < 0)
		return -1;
	buf_puts(&b, "{\"type\":\"stats\",\"id\":");
	buf_json_str(&b, st.id);
	buf_puts(&b, ",\"data\":");
	cgroup_stats_json(&cg, &b);
	buf_puts(&b, "}\n");
	return buf_print(&b);
}

int container_delete(const char *root, const char *id, bool force)
{
	struct cgroup cg;
	cleanup_state struct state st = { .lockfd = -1 };
	cleanup_spec struct spec hooks = { 0 };
	enum status s;
	int ret = 0;

	if (state_open(&st, root, id, true) < 0) {
		if (force && id_valid(id) == 0 && st.lockfd < 0 && access(st.dir, F_OK) < 0) {
			clear_error();
			return 0;
		}
		if (!force || st.lockfd < 0)
			return -1;
		/* a record we cannot read: force still cleans up what is there */
		warn("%s", last_error());
		clear_error();
		st.cgroup[0] = 0; /* from a torn record: not to be trusted */
	}
	fault_point("delete: locked");
	/* a create killed before its state file, or a state file lost or torn:
	 * the container's processes are still found through its cgroup */
	if (force)
		cgroup_record_find(&st, root);
	s = state_status(&st);
	if (s != ST_STOPPED && !force) {
		ret = failx("cannot delete container \"%s\" that is %s: stop it first or use --force", id,
			    status_name(s));
		return ret;
	}
	if (s == ST_CREATED || s == ST_RUNNING || s == ST_PAUSED) {
		signal_init(&st, SIGKILL);
		if (s == ST_PAUSED && cgroup_load(&cg, st.cgroup) == 0)
			cgroup_freeze(&cg, false); /* a frozen init cannot die */
		wait_gone(&st);
		fault_point("delete: init killed");
	}
	/* whatever else is left in the cgroup goes with it */
	if (st.cgroup[0] && (cgroup_load(&cg, st.cgroup) < 0 || cgroup_remove(&cg) < 0)) {
		ret = -1;
		return ret;
	}
	fault_point("delete: cgroup removed");
	/* read before the directory goes: the hooks of create time */
	if (hooks_load(&hooks, &st) < 0) {
		warn("poststop hooks not run: %s", last_error());
		clear_error();
	}
	ret = state_remove(&st);
	if (ret == 0)
		poststop_hooks(&hooks, &st);
	return ret;
}

/* ---- spec ---- */

int write_default_spec(const char *bundle, bool rootless)
{
	char path[PATH_MAX];
	cleanup_buf struct buf b = { 0 };

	if (path_join(path, sizeof path, bundle ? bundle : ".", "config.json") < 0)
		return -1;
	if (access(path, F_OK) == 0)
		return failx("%s already exists: remove it first", path);
	default_spec(&b, rootless, geteuid(), getegid());
	if (buf_check(&b) < 0)
		return -1;
	return write_file(path, b.p, b.len, O_CREAT | O_EXCL, 0644);
}
