/* hooks.c - the OCI hooks (config.md "POSIX-platform Hooks"): running the
 * hooks of one kind in order, each a child with the state JSON on its stdin,
 * exactly its own args and env (without env, the caller's), killed when its
 * timeout runs out; and the snapshot of the hooks that run after create
 * (poststart, poststop), kept in the state directory so that later edits of
 * config.json do not change them.
 * When each kind runs is decided by the callers: container.c for the
 * runtime's hooks, ns.c for those the container's init runs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "hooks.h"
#include "kernel.h"
#include "log.h"
#include "spec.h"
#include "state.h"
#include "util.h"

#define SNAPSHOT "hooks.json"

static bool runs_in_runtime(enum hook_kind k)
{
	return k != HOOK_CREATE_CONTAINER && k != HOOK_START_CONTAINER;
}

/* Only where create changed them: a rootless runtime may not setns (stage 1
 * entered them). */
int children_in_own_namespaces(void)
{
	static const struct {
		const char *path, *children;
		int type;
	} ns[] = { { "/proc/self/ns/pid", "/proc/self/ns/pid_for_children", CLONE_NEWPID },
		   { "/proc/self/ns/time", "/proc/self/ns/time_for_children", CLONE_NEWTIME } };

	for (size_t i = 0; i < countof(ns); i++) {
		cleanup_fd int fd = open(ns[i].path, O_RDONLY | O_CLOEXEC);
		struct stat own, children;
		if (fd < 0 && errno == ENOENT)
			continue; /* a kernel without time namespaces */
		if (fd < 0)
			return fail(errno, "open %s", ns[i].path);
		if (fstat(fd, &own) == 0 && stat(ns[i].children, &children) == 0 && own.st_ino == children.st_ino &&
		    own.st_dev == children.st_dev)
			continue;
		if (setns(fd, ns[i].type) < 0)
			return fail(errno, "setns %s", ns[i].path);
	}
	return 0;
}

/* What a hook starts from: its directory, and the environment it gets
 * without an env of its own. */
struct hook_base {
	const char *dir;
	const char *const *env;
};

static void __attribute__((noreturn)) hook_exec(const struct hook *h, const struct hook_base *base, int in_fd,
						int err_fd)
{
	const char *argv0[] = { h->path, NULL };
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* in the bundle, as with runc and crun (a bundle deleted before
	 * poststop, or not in a joined mount namespace: where we are) */
	if (chdir(base->dir) < 0) {
	}
	if (in_fd == 0)
		fcntl(0, F_SETFD, 0);
	else if (dup2(in_fd, 0) < 0)
		goto out;
	execve(h->path, (char *const *)(h->nargs ? h->args : argv0), (char *const *)(h->env ? h->env : base->env));
out:
	e = errno;
	if (write(err_fd, &e, sizeof e) < 0) {
		/* the runtime then sees only the exit status */
	}
	_exit(127);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_now(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Feeds `json` to the hook's stdin while waiting for it to exit; kills it
 * when the timeout (seconds, 0: none) runs out. Returns 1 if it timed out. */
static int hook_wait(pid_t pid, int wfd, const char *json, size_t len, int timeout, int *status)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	long long deadline = timeout ? now_ms() + timeout * 1000LL : -1;
	size_t off = 0;
	int ret = 0;

	while (waitpid(pid, status, WNOHANG) != pid) {
		int wait_ms = -1;
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0) {
				kill(pid, SIGKILL);
				waitpid(pid, status, 0);
				ret = 1;
				break;
			}
			wait_ms = left;
		}
		if (pidfd < 0 && (wait_ms < 0 || wait_ms > 10))
			wait_ms = 10; /* no pidfd: poll for its exit */
		struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { wfd, POLLOUT, 0 } };
		if (poll(p, 2, wait_ms) > 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(wfd, json + off, len - off);
			if (n > 0)
				off += n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || off == len) {
				close(wfd); /* all written, or the hook does not read: EOF */
				wfd = -1;
			}
		}
	}
	if (wfd >= 0)
		close(wfd);
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

/* One hook: fork, exec, feed, wait; an error names hooks.<kind>[i] and path. */
static int hook_run(const struct hook *h, enum hook_kind k, size_t i, const struct hook_base *base, const char *json,
		    size_t len)
{
	cleanup_fd int in_r = -1, in_w = -1, err_r = -1, err_w = -1;
	int p[2], status = 0, e = 0, timed_out;
	pid_t pid;

	debug("hooks.%s[%zu]: run %s", hook_name(k), i, h->path);
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "hooks.%s[%zu] %s: pipe", hook_name(k), i, h->path);
	in_r = p[0], in_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(errno, "hooks.%s[%zu] %s: pipe", hook_name(k), i, h->path);
	err_r = p[0], err_w = p[1];
	pid = _Fork();
	if (pid == 0)
		hook_exec(h, base, in_r, err_w);
	if (pid < 0)
		return fail(errno, "hooks.%s[%zu] %s: fork", hook_name(k), i, h->path);
	close_fdp(&in_r);
	close_fdp(&err_w);
	fcntl(in_w, F_SETFL, O_NONBLOCK);
	timed_out = hook_wait(pid, steal_fd(&in_w), json, len, h->timeout, &status);
	if (read(err_r, &e, sizeof e) != sizeof e)
		e = 0;
	if (timed_out)
		return failx("hooks.%s[%zu] %s: timed out after %d s, killed", hook_name(k), i, h->path, h->timeout);
	if (e)
		return fail(e, "hooks.%s[%zu] %s: exec", hook_name(k), i, h->path);
	if (WIFSIGNALED(status))
		return failx("hooks.%s[%zu] %s: killed by signal %d", hook_name(k), i, h->path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return failx("hooks.%s[%zu] %s: exited with status %d", hook_name(k), i, h->path,
			     WEXITSTATUS(status));
	return 0;
}

int hooks_run(const struct spec *s, enum hook_kind k, const struct state *st, enum status status, pid_t pid)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	cleanup_buf struct buf b = { 0 };
	/* without env: as execv, the runtime's environment (runc's and crun's
	 * too); inside the container, the process's (as runc's and crun's
	 * init, which take it on before running startContainer hooks) */
	const struct hook_base base = {
		.dir = st->bundle,
		.env = k == HOOK_START_CONTAINER ? s->proc.env : (const char *const *)environ,
	};
	int ret = 0;

	if (s->nhooks[k] == 0)
		return 0;
	if (runs_in_runtime(k) && children_in_own_namespaces() < 0)
		return -1;
	state_json(&b, st, status, pid);
	if (buf_check(&b) < 0)
		return -1;
	/* a hook that exits without reading its stdin must not kill us */
	sigaction(SIGPIPE, &ign, &old);
	for (size_t i = 0; i < s->nhooks[k] && ret == 0; i++)
		ret = hook_run(&s->hooks[k][i], k, i, &base, b.p, b.len);
	sigaction(SIGPIPE, &old, NULL);
	return ret;
}

/* ---- the snapshot of the hooks that run after create ---- */

static void put_strings(struct buf *b, const char *name, const char **v, size_t n)
{
	buf_printf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, ",");
		buf_json_str(b, v[i]);
	}
	buf_puts(b, "]");
}

static void put_hooks(struct buf *b, const struct spec *s, enum hook_kind k)
{
	buf_printf(b, "\"%s\":[", hook_name(k));
	for (size_t i = 0; i < s->nhooks[k]; i++) {
		const struct hook *h = &s->hooks[k][i];
		buf_puts(b, i ? ",{\"path\":" : "{\"path\":");
		buf_json_str(b, h->path);
		if (h->args)
			put_strings(b, "args", h->args, h->nargs);
		if (h->env)
			put_strings(b, "env", h->env, h->nenv);
		if (h->timeout)
			buf_printf(b, ",\"timeout\":%d", h->timeout);
		buf_puts(b, "}");
	}
	buf_puts(b, "]");
}

int hooks_save(const struct spec *s, const struct state *st)
{
	cleanup_buf struct buf b = { 0 };

	if (!s->nhooks[HOOK_POSTSTART] && !s->nhooks[HOOK_POSTSTOP])
		return 0; /* nothing to keep: create stays as fast as without hooks */
	buf_puts(&b, "{\"ociVersion\":\"" OCI_VERSION "\",\"hooks\":{");
	put_hooks(&b, s, HOOK_POSTSTART);
	buf_puts(&b, ",");
	put_hooks(&b, s, HOOK_POSTSTOP);
	buf_puts(&b, "}}\n");
	if (buf_check(&b) < 0 || write_file_atomic(st->lockfd, SNAPSHOT, b.p, b.len) < 0)
		return failx("save the hooks of container \"%s\": %s", st->id, last_error());
	return 0;
}

int hooks_load(struct spec *s, const struct state *st)
{
	char path[4200];

	memset(s, 0, sizeof *s);
	if (path_fmt(path, sizeof path, "%s/" SNAPSHOT, st->dir) < 0)
		return -1;
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : fail(errno, "%s", path);
	return spec_load(s, path);
}
