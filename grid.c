/* grid.c - the command line: the global options and the commands, each a
 * small table of options (parsed by opt.c) and one call into container.c.
 * Errors are printed here, once (log.c). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "exe.h"
#include "exec.h"
#include "fail.h"
#include "features.h"
#include "fs.h"
#include "grid.h"
#include "log.h"
#include "mount.h"
#include "ns.h"
#include "opt.h"
#include "seccomp.h"
#include "spec.h"

#ifndef GRID_COMMIT
#define GRID_COMMIT "unknown"
#endif

struct command {
	const char *name, *usage, *summary;
	int (*fn)(int argc, char **argv);
};

static struct {
	const char *root, *log, *log_format, *cgroup_manager;
	bool debug, systemd_cgroup, version, help;
	const struct command *help_for; /* set: the command's parse_opts prints its help instead */
} g;

static const struct command commands[];
static int usage_error(const char *cmd, const char *fmt, const char *arg);

/* `grid help CMD`: the command's usage, then its options from the table its
 * parser uses, so the two cannot drift */
static void print_help(const struct command *c, const struct opt *opts, size_t nopts)
{
	printf("usage: grid %s %s\n\n%s\n", c->name, c->usage, c->summary ? c->summary : "(a debugging aid)");
	if (nopts) {
		printf("\noptions:\n");
		opt_help(opts, nopts);
	}
}

/* opt_parse, its error given the command and its usage */
static int parse_opts_until(const char *cmd, int argc, char **argv, const struct opt *opts, size_t nopts,
			    int last)
{
	int n;

	if (g.help_for) {
		print_help(g.help_for, opts, nopts);
		return -1;
	}
	n = opt_parse(argc, argv, opts, nopts, last);

	if (n < 0 && cmd)
		return usage_error(cmd, "%s", last_error());
	return n;
}

static int parse_opts(const char *cmd, int argc, char **argv, const struct opt *opts, size_t nopts)
{
	return parse_opts_until(cmd, argc, argv, opts, nopts, -1);
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	char msg[512];
	const struct command *c = cmd ? find_command(cmd) : NULL;

	snprintf(msg, sizeof msg, fmt, arg);
	if (c)
		failx("%s: %s (usage: grid %s %s)", cmd, msg, c->name, c->usage);
	else
		failx("%s", msg);
	return -1;
}

static int need_args(const char *cmd, int n, int min, int max)
{
	if (n < min)
		return usage_error(cmd, "%s", min == 1 ? "missing container id" : "missing arguments");
	if (n > max)
		return usage_error(cmd, "%s", "too many arguments");
	return 0;
}

/* ---- commands ---- */

static int cmd_create_or_run(int argc, char **argv, bool run)
{
	struct create_opts o = { .root = g.root };
	bool no_new_keyring = false;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, &o.bundle, "DIR the bundle (default: the current directory)" },
		{ "pid-file", 0, OPT_STRING, &o.pid_file, "FILE write the container's pid to FILE" },
		{ "console-socket", 0, OPT_STRING, &o.console_socket,
		  "PATH unix socket to send the terminal's master to" },
		{ "no-pivot", 0, OPT_FLAG, &o.no_pivot, "move the root, no pivot_root (the old root stays reachable)" },
		{ "no-new-keyring", 0, OPT_FLAG, &no_new_keyring, "accepted, ignored" },
		{ "preserve-fds", 0, OPT_INT, &o.preserve_fds, "N pass fds 3 to 3+N-1 into the container" },
		{ "detach", 'd', OPT_FLAG, &o.detach, "return once the program runs" },
		{ "keep", 0, OPT_FLAG, &o.keep, "do not delete the container when it exits" },
	};
	const char *cmd = run ? "run" : "create";
	int n = parse_opts(cmd, argc, argv, opts, run ? countof(opts) : countof(opts) - 2);

	if (n < 0 || need_args(cmd, n, 1, 2) < 0)
		return -1;
	o.id = argv[0];
	if (n == 2) {
		if (o.bundle)
			return usage_error(cmd, "%s", "bundle given twice");
		o.bundle = argv[1];
	}
	if (o.no_pivot)
		warn("--no-pivot: the container's old root stays reachable; use only where pivot_root cannot work");
	return run ? container_run(&o) : container_create(&o);
}

static int cmd_create(int argc, char **argv)
{
	return cmd_create_or_run(argc, argv, false);
}

static int cmd_run(int argc, char **argv)
{
	return cmd_create_or_run(argc, argv, true);
}

static int cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { .root = g.root };
	struct opt_list env = { 0 }, caps = { 0 };
	const struct opt opts[] = {
		{ "process", 'p', OPT_STRING, &o.process, "FILE the process as JSON, in place of the config's" },
		{ "tty", 't', OPT_FLAG, &o.tty, "give the process a terminal" },
		{ "detach", 'd', OPT_FLAG, &o.detach, "return once the program runs" },
		{ "pid-file", 0, OPT_STRING, &o.pid_file, "FILE write the process's pid to FILE" },
		{ "console-socket", 0, OPT_STRING, &o.console_socket,
		  "PATH unix socket to send the terminal's master to" },
		{ "cwd", 0, OPT_STRING, &o.cwd, "DIR working directory in the container" },
		{ "env", 'e', OPT_LIST, &env, "K=V set an environment variable" },
		{ "user", 'u', OPT_STRING, &o.user, "UID[:GID] run as this user and group" },
		{ "cap", 0, OPT_LIST, &caps, "CAP add a capability (CAP_NET_ADMIN)" },
		{ "no-new-privs", 0, OPT_FLAG, &o.no_new_privs, "set no_new_privs" },
		{ "preserve-fds", 0, OPT_INT, &o.preserve_fds, "N pass fds 3 to 3+N-1 into the container" },
	};
	int n = parse_opts_until("exec", argc, argv, opts, countof(opts), 2);

	if (n < 0 || need_args("exec", n, 1, o.process ? 1 : n) < 0)
		return -1;
	if (!o.process && n < 2)
		return usage_error("exec", "%s", "missing the command (or --process FILE)");
	o.id = argv[0];
	o.args = argv + 1;
	o.nargs = n - 1;
	o.env = env.v;
	o.nenv = env.n;
	o.caps = caps.v;
	o.ncaps = caps.n;
	return container_exec(&o);
}

static int cmd_start(int argc, char **argv)
{
	int n = parse_opts("start", argc, argv, NULL, 0);

	if (n < 0 || need_args("start", n, 1, 1) < 0)
		return -1;
	return container_start(g.root, argv[0]);
}

static int cmd_state(int argc, char **argv)
{
	int n = parse_opts("state", argc, argv, NULL, 0);

	if (n < 0 || need_args("state", n, 1, 1) < 0)
		return -1;
	return container_state(g.root, argv[0]);
}

static int cmd_kill(int argc, char **argv)
{
	bool all = false;
	const struct opt opts[] = { { "all", 'a', OPT_FLAG, &all, "signal every process of the container" } };
	int n = parse_opts("kill", argc, argv, opts, countof(opts)), sig = 15;

	if (n < 0 || need_args("kill", n, 1, 2) < 0)
		return -1;
	if (n == 2 && (sig = parse_signal(argv[1])) < 0)
		return -1;
	return container_kill(g.root, argv[0], sig, all);
}

static int cmd_delete(int argc, char **argv)
{
	bool force = false;
	const struct opt opts[] = { { "force", 'f', OPT_FLAG, &force, "kill a running container first" } };
	int n = parse_opts("delete", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("delete", n, 1, 1) < 0)
		return -1;
	return container_delete(g.root, argv[0], force);
}

static int cmd_pause_resume(int argc, char **argv, bool pause)
{
	const char *cmd = pause ? "pause" : "resume";
	int n = parse_opts(cmd, argc, argv, NULL, 0);

	if (n < 0 || need_args(cmd, n, 1, 1) < 0)
		return -1;
	return container_pause(g.root, argv[0], pause);
}

static int cmd_pause(int argc, char **argv)
{
	return cmd_pause_resume(argc, argv, true);
}

static int cmd_resume(int argc, char **argv)
{
	return cmd_pause_resume(argc, argv, false);
}

static int cmd_ps(int argc, char **argv)
{
	const char *format = "table";
	const struct opt opts[] = { { "format", 'f', OPT_STRING, &format, "FORMAT table or json" } };
	int n = parse_opts("ps", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("ps", n, 1, 1) < 0)
		return -1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return usage_error("ps", "unknown format %s", format);
	return container_ps(g.root, argv[0], !strcmp(format, "json"));
}

static int cmd_events(int argc, char **argv)
{
	bool stats = false;
	int interval = 0;
	const struct opt opts[] = {
		{ "stats", 0, OPT_FLAG, &stats, "print the resource usage once" },
		{ "interval", 0, OPT_INT, &interval, "SECS accepted and ignored" },
	};
	int n = parse_opts("events", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("events", n, 1, 1) < 0)
		return -1;
	if (!stats)
		return failx("events: only --stats is supported (one JSON stats object)");
	return container_events_stats(g.root, argv[0]);
}

static int cmd_update(int argc, char **argv)
{
	struct update_args u = { 0 };
	struct opt opts[UPDATE_NOPTS];
	struct spec s;
	int n, ret;

	update_opts(opts, &u);
	n = parse_opts("update", argc, argv, opts, countof(opts));
	if (n < 0 || need_args("update", n, 1, 1) < 0 || update_resources(&u, &s) < 0)
		return -1;
	ret = container_update(g.root, argv[0], &s.res);
	spec_free(&s);
	return ret;
}

static int cmd_list(int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct opt opts[] = {
		{ "format", 'f', OPT_STRING, &format, "FORMAT table or json" },
		{ "quiet", 'q', OPT_FLAG, &quiet, "print the ids only" },
	};
	int n = parse_opts("list", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("list", n, 0, 0) < 0)
		return -1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return usage_error("list", "unknown format %s", format);
	return container_list(g.root, !strcmp(format, "json"), quiet);
}

static int cmd_spec(int argc, char **argv)
{
	const char *bundle = NULL;
	bool rootless = false;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, &bundle, "DIR where to write config.json" },
		{ "rootless", 0, OPT_FLAG, &rootless, "for the calling user, as runc spec --rootless" },
	};
	int n = parse_opts("spec", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("spec", n, 0, 0) < 0)
		return -1;
	return write_default_spec(bundle, rootless);
}

static int cmd_features(int argc, char **argv)
{
	int n = parse_opts("features", argc, argv, NULL, 0);

	if (n < 0 || need_args("features", n, 0, 0) < 0)
		return -1;
	return print_features();
}

/* Hidden: `grid debug seccomp` prints the compiled filter of a bundle's config. */
static int cmd_debug(int argc, char **argv)
{
	const char *bundle = ".", *arch = NULL, *sys = NULL;
	bool linear = false;
	const struct opt opts[] = {
		{ "bundle", 'b', OPT_STRING, &bundle, "DIR the bundle whose filter to compile" },
		{ "arch", 0, OPT_STRING, &arch, "SCMP_ARCH_* the architecture" },
		{ "linear", 0, OPT_FLAG, &linear, "a chain, no binary search" },
		{ "syscall", 0, OPT_STRING, &sys, "NAME run the filter for this syscall" },
	};
	int n = parse_opts("debug", argc, argv, opts, countof(opts));

	if (n < 0 || need_args("debug", n, 1, 1) < 0)
		return -1;
	if (strcmp(argv[0], "seccomp"))
		return usage_error("debug", "unknown debug topic %s", argv[0]);
	return seccomp_debug(bundle, arch ? arch : seccomp_native_arch(), linear, sys);
}

static const struct opt global[] = {
	{ "root", 0, OPT_STRING, &g.root, "DIR state directory (default: $GRID_ROOT, else /run/grid; not root: $XDG_RUNTIME_DIR/grid)" },
	{ "log", 0, OPT_STRING, &g.log, "FILE also write errors and warnings to FILE" },
	{ "log-format", 0, OPT_STRING, &g.log_format, "FORMAT text or json" },
	{ "debug", 0, OPT_FLAG, &g.debug, "log debug messages" },
	{ "layer-upper", 0, OPT_STRING, &layer_upper_option,
	  "PLACE where write layers go: tmpfs, or a directory" },
	{ "cgroup-manager", 0, OPT_STRING, &g.cgroup_manager, "MANAGER cgroupfs, or disabled for no cgroups" },
	{ "systemd-cgroup", 0, OPT_FLAG, &g.systemd_cgroup, "refused: Grid writes cgroupfs itself" },
	{ "version", 'v', OPT_FLAG, &g.version, "print the version" },
	{ "help", 'h', OPT_FLAG, &g.help, "print this help" },
};

static void print_usage(void)
{
	printf("usage: grid [global options] COMMAND [options] ARGS\n\n"
	       "grid is a small OCI container runtime.\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		if (c->summary)
			printf("  %-8s %s\n", c->name, c->summary);
	printf("\nglobal options:\n");
	opt_help(global, countof(global));
	printf("\nrun 'grid help COMMAND' for a command's options.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc == 0) {
		print_usage();
		return 0;
	}
	c = find_command(argv[0]);
	if (!c)
		return failx("help: unknown command \"%s\"", argv[0]);
	if (c->fn == cmd_help) {
		print_help(c, NULL, 0);
		return 0;
	}
	/* the command prints its help from its own table when it parses */
	g.help_for = c;
	c->fn(0, NULL);
	clear_error();
	return 0;
}

static const struct command commands[] = {
	{ "create", "[options] ID [BUNDLE]", "create a container from a bundle; its program waits for start",
	  cmd_create },
	{ "start", "ID", "run the program of a created container", cmd_start },
	{ "run", "[options] ID", "create and start a container; in the foreground wait for it and delete it", cmd_run },
	{ "exec", "[options] ID [CMD ARGS...]", "run a new process in a running container", cmd_exec },
	{ "state", "ID", "print a container's state as JSON", cmd_state },
	{ "kill", "[options] ID [SIGNAL]", "send a signal (default TERM) to a container's init", cmd_kill },
	{ "delete", "[options] ID", "delete a stopped container", cmd_delete },
	{ "list", "[options]", "list containers", cmd_list },
	{ "pause", "ID", "freeze every process of a container", cmd_pause },
	{ "resume", "ID", "thaw a paused container", cmd_resume },
	{ "ps", "[options] ID", "list the processes of a container", cmd_ps },
	{ "update", "[options] ID", "change the resources of a running container", cmd_update },
	{ "events", "--stats ID", "print a container's resource usage as one JSON object", cmd_events },
	{ "spec", "[options]", "write a default config.json", cmd_spec },
	{ "features", "", "print the OCI features this build implements, as JSON", cmd_features },
	{ "help", "[COMMAND]", "show help", cmd_help },
	{ "debug", "seccomp [options]", NULL, cmd_debug },
	{ NULL, NULL, NULL, NULL },
};

/* /run/grid; for any other user their own, as runc's $XDG_RUNTIME_DIR/runc:
 * $XDG_RUNTIME_DIR/grid, else /run/user/UID/grid. Root in a user namespace
 * of a user's (rootless podman) with XDG_RUNTIME_DIR set is that user. */
static const char *default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 && (!xdg || !in_user_namespace()))
		return "/run/grid";
	if (xdg && xdg[0] == '/' && path_join(buf, sizeof buf, xdg, "grid") == 0)
		return buf;
	snprintf(buf, sizeof buf, "/run/user/%u/grid", (unsigned)geteuid());
	return buf;
}

/* runc takes a relative --root from the current directory; so does grid */
static int make_absolute(const char **path)
{
	static char buf[4096];
	char cwd[4096];

	if (**path == '/')
		return 0;
	if (!**path)
		return failx("--root: empty path");
	if (!getcwd(cwd, sizeof cwd) || path_join(buf, sizeof buf, cwd, *path) < 0)
		return failx("--root %s: cannot make it absolute", *path);
	*path = buf;
	return 0;
}

int main(int argc, char **argv)
{
	const char *env_root = getenv("GRID_ROOT");
	const struct command *c;
	int i, ret;

	/* A caller that ignores SIGCHLD (its disposition survives exec) would have
	 * the kernel reap our children for us: `run`, `exec` and the hooks would
	 * then wait for an exit status that never comes. */
	signal(SIGCHLD, SIG_DFL);
	g.root = env_root && *env_root ? env_root : default_root();
	/* global options stop at the command name */
	i = 1 + opt_span(argc - 1, argv + 1, global, countof(global));
	/* before anything of a container's can run, and before argv is parsed
	 * (parsing reorders it) */
	if (i < argc && (!strcmp(argv[i], "create") || !strcmp(argv[i], "run") || !strcmp(argv[i], "exec")) &&
	    exe_protect(argv) < 0) {
		report_error();
		return 1;
	}
	if (parse_opts(NULL, i - 1, argv + 1, global, countof(global)) != 0) {
		if (!last_error()[0])
			failx("unexpected argument before the command");
		report_error();
		return 2;
	}
	if (make_absolute(&g.root) < 0) {
		report_error();
		return 2;
	}
	log_setup(g.log, g.log_format && !strcmp(g.log_format, "json") ? LOG_JSON : LOG_TEXT, g.debug);
	if (g.log_format && strcmp(g.log_format, "json") && strcmp(g.log_format, "text")) {
		failx("--log-format %s: expected text or json", g.log_format);
		report_error();
		return 2;
	}
	if (g.systemd_cgroup || (g.cgroup_manager && !strcmp(g.cgroup_manager, "systemd"))) {
		failx("the systemd cgroup manager is not supported: grid manages cgroupfs itself (no systemd on its "
		      "targets); use --cgroup-manager cgroupfs or disabled");
		report_error();
		return 2;
	}
	if (g.cgroup_manager && strcmp(g.cgroup_manager, "cgroupfs") && strcmp(g.cgroup_manager, "disabled")) {
		failx("--cgroup-manager %s: expected cgroupfs or disabled", g.cgroup_manager);
		report_error();
		return 2;
	}
	cgroups_disabled = g.cgroup_manager && !strcmp(g.cgroup_manager, "disabled");
	if (g.version) {
		printf("grid version %s\ncommit: %s\nspec: %s\n", GRID_VERSION, GRID_COMMIT, OCI_VERSION);
		return 0;
	}
	if (g.help || i >= argc) {
		print_usage();
		return g.help ? 0 : 2;
	}
	c = find_command(argv[i]);
	if (!c) {
		failx("unknown command \"%s\" (see grid --help)", argv[i]);
		report_error();
		return 2;
	}
	for (int k = i + 1; k < argc; k++) {
		/* exec: the options of the command after the id are its own */
		if (!strcmp(argv[k], "--") || (c->fn == cmd_exec && argv[k][0] != '-'))
			break;
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			char *name = (char *)c->name;
			return cmd_help(1, &name);
		}
	}
	ret = c->fn(argc - i - 1, argv + i + 1);
	if (ret < 0) {
		report_error();
		return 1;
	}
	return ret;
}
