/* grid.h - the few types and functions the files of Grid share:
 * the error path (log.c), the config model (spec.c), file helpers (fs.c),
 * state records (state.c) and the container operations (container.c). */
#ifndef GRID_H
#define GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GRID_VERSION "0.1.0"
#define OCI_VERSION "1.3.0"
#define ID_MAX 64

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* ---- log.c: one error path and the log ---- */
enum log_format { LOG_TEXT, LOG_JSON };
void log_setup(const char *path, enum log_format fmt, bool debug);
/* Record the error once, where it happens; main prints it once. With
 * errno_val != 0 the lowercase errno text is appended ("...: permission denied"). */
int fail(int errno_val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int failx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *last_error(void);
void clear_error(void);
void set_error_text(const char *text);
void report_error(void);
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errtext(int e); /* strerror, first letter lowercase */
void rfc3339_now(char *out, size_t size, bool nanos);

/* ---- arena.c-like allocator kept in spec.c ---- */
struct arena {
	struct chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- spec.c: config.json as one plain struct ---- */
enum ns_type { NS_PID, NS_NET, NS_MNT, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_TIME, NS_COUNT };

struct namespace {
	bool wanted;      /* listed in linux.namespaces */
	const char *path; /* join this one instead of creating (NULL: new) */
};

struct id_map {
	uint32_t container_id, host_id, size;
};

struct mount {
	const char *destination, *type, *source;
	unsigned long flags;      /* MS_* from options */
	unsigned long clear;      /* MS_* explicitly turned off (rw, suid, ...) */
	unsigned long propagation;/* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (| MS_REC) */
	uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* of the r* options, applied recursively */
	bool bind, idmap, ridmap, tmpcopyup;
	char *data;               /* options passed to the filesystem */
	struct id_map *uid_maps, *gid_maps;
	size_t nuid_maps, ngid_maps;
};

enum hook_kind {
	HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
	HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KINDS
};

struct hook {
	const char *path;
	const char **args, **env; /* NULL-terminated; args NULL: argv is { path } */
	size_t nargs, nenv;
	int timeout;              /* seconds; 0: none */
};

struct device {
	const char *path;
	char type;                /* c, b, u or p */
	int64_t major, minor;
	uint32_t mode, uid, gid;
	bool has_mode, has_uid, has_gid;
};

struct netdev {
	const char *host_name, *name; /* name NULL: keep host_name */
};

/* linux.resources as cgroup writes (resources.c), applied by cgroup.c */
enum cg_ctrl {
	CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_PIDS, CG_BLKIO, CG_HUGETLB, CG_NET_CLS,
	CG_NET_PRIO, CG_RDMA, CG_DEVICES, CG_FREEZER, CG_MISC, CG_UNIFIED, CG_COUNT
};

struct cg_write {
	const char *field;     /* its path in config.json, for errors */
	enum cg_ctrl ctrl;
	const char *file[2];   /* [0] on cgroup v1, [1] on v2; NULL: not there */
	const char *value[2];
	bool optional;         /* the kernel may lack the file: a warning, not an error */
};

#define DEV_MKNOD 1u
#define DEV_READ 2u
#define DEV_WRITE 4u
struct dev_rule {
	bool allow;
	char type;             /* a, c or b */
	int64_t major, minor;  /* -1: any */
	unsigned access;       /* DEV_* */
};

struct resources {
	bool set, has_devices;
	struct cg_write *w;
	size_t nw;
	struct dev_rule *dev;
	size_t ndev;
};

/* linux.seccomp as parsed (seccomp.c); actions are SECCOMP_RET_* values with their data */
enum sc_op { SC_NE, SC_LT, SC_LE, SC_EQ, SC_GE, SC_GT, SC_MASKED_EQ };
struct sc_arg {
	uint32_t index;
	uint64_t value, value2;
	enum sc_op op;
};

struct sc_rule {
	const char **names;
	size_t nnames;
	uint32_t action;
	struct sc_arg *args;
	size_t nargs;
};

struct seccomp {
	bool set;
	uint32_t default_action;
	uint32_t arches;       /* bit n: architecture n of syscalls.h is listed */
	unsigned flags;        /* SECCOMP_FILTER_FLAG_* */
	bool notify;           /* some action is SCMP_ACT_NOTIFY */
	const char *listener_path, *listener_metadata;
	struct sc_rule *rules;
	size_t nrules;
};

/* a classic BPF instruction, as struct sock_filter */
struct sock_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct sc_prog {
	struct sock_insn *insn; /* NULL: no filter */
	size_t len;
	unsigned flags;        /* for seccomp(2), NEW_LISTENER included when notify */
	bool notify;
};

enum cap_set { CAPS_BOUNDING, CAPS_EFFECTIVE, CAPS_INHERITABLE, CAPS_PERMITTED, CAPS_AMBIENT, CAP_SETS };

struct rlimit_spec {
	int resource;
	uint64_t soft, hard;
};

struct spec {
	struct arena arena;
	const char *source;    /* config.json as read at create (the state dir's copy) */
	size_t source_len;
	const char *oci_version;
	const char *root_path;
	bool root_readonly;
	const char *hostname, *domainname;

	bool has_process;
	bool terminal;
	unsigned console_height, console_width;
	uid_t uid;
	gid_t gid;
	int umask; /* -1: leave unchanged */
	gid_t *groups;
	size_t ngroups;
	const char **args; /* NULL-terminated */
	size_t nargs;
	const char **env;  /* NULL-terminated */
	size_t nenv;
	const char *cwd;
	struct rlimit_spec *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;

	bool has_caps;
	const char **caps[CAP_SETS];
	size_t ncaps[CAP_SETS];
	const char *apparmor_profile, *selinux_label, *mount_label;
	bool has_ioprio;
	int ioprio_class, ioprio_level;
	bool has_scheduler;
	int sched_policy, sched_nice, sched_priority;
	uint64_t sched_flags, sched_runtime, sched_deadline, sched_period;
	const char *cpu_initial, *cpu_final;
	bool has_personality;
	unsigned long personality;
	bool has_mempolicy;
	int mempolicy_mode;   /* MPOL_* | MPOL_F_* flags */
	const char *mempolicy_nodes;

	struct mount *mounts;
	size_t nmounts;
	struct id_map *uid_maps, *gid_maps;
	size_t nuid_maps, ngid_maps;
	bool has_time_offset[2]; /* monotonic, boottime */
	int64_t time_offset_secs[2];
	uint32_t time_offset_nsecs[2];
	struct device *devices;
	size_t ndevices;
	struct netdev *netdevs;
	size_t nnetdevs;
	struct hook *hooks[HOOK_KINDS];
	size_t nhooks[HOOK_KINDS];
	struct resources res;
	struct seccomp seccomp;
	const char *cgroups_path;
	struct namespace ns[NS_COUNT];
	unsigned long rootfs_propagation; /* 0: default (rslave) */
	const char **masked_paths;
	size_t nmasked;
	const char **readonly_paths;
	size_t nreadonly;
	const char **sysctl_keys, **sysctl_values;
	size_t nsysctl;

	const char **annotation_keys, **annotation_values;
	size_t nannotations;
};

int spec_parse(struct spec *s, const char *json, size_t len, const char *what);
int spec_load(struct spec *s, const char *path);
/* A standalone process object (exec --process) in place of s's process. */
int spec_parse_process(struct spec *s, const char *text, size_t len, const char *what);
void spec_free(struct spec *s);
int spec_set_env(struct spec *s, const char *kv);
const char *spec_annotation(const struct spec *s, const char *key);
const char *ns_name(enum ns_type t);
const char *hook_name(enum hook_kind k);
int parse_cpu_list(const char *s, uint64_t *mask, size_t nwords, const char *path);
extern const char default_spec_json[];

/* ---- features.c: `grid features` ---- */
int print_features(void);

/* ---- json.c: jsmn wrapper and JSON output ---- */
#define JSMN_PARENT_LINKS
#ifndef GRID_JSMN_IMPL
#define JSMN_HEADER
#endif
#include <jsmn.h>
struct json {
	const char *text;
	size_t len;
	jsmntok_t *tok;
	int ntok;
};
int json_parse(struct json *j, const char *text, size_t len, const char *what);
void json_free(struct json *j);
int json_skip(const struct json *j, int i);
bool json_eq(const struct json *j, int i, const char *s);
/* Decoded string into the arena; NULL (error recorded) if not a string or has NUL. */
char *json_string(const struct json *j, int i, struct arena *a, const char *field);
int json_int(const struct json *j, int i, int64_t min, int64_t max, int64_t *out, const char *field);
int json_uint64(const struct json *j, int i, uint64_t *out, const char *field);
int json_bool(const struct json *j, int i, bool *out, const char *field);
int hexval(char c); /* 0-15, or -1 */
/* Output */
struct buf {
	char *p;
	size_t len, cap;
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_json_str(struct buf *b, const char *s);
void buf_free(struct buf *b);

/* ---- fs.c: files and directories ---- */
int read_file(const char *path, char **out, size_t *len, size_t max);
int write_file_atomic(int dirfd, const char *name, const char *data, size_t len);
int write_file(const char *path, const char *data, size_t len, int flags, mode_t mode);
int mkdir_p(const char *path, mode_t mode);
int remove_tree_at(int dirfd, const char *name);
int remove_tree(const char *path);
int copy_tree_at(int from, int to, int depth);
int path_join(char *out, size_t size, const char *a, const char *b);

/* ---- util.c: smaller stand-ins for musl's qsort, strstr and realpath ---- */
void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *str_find(const char *haystack, const char *needle);
/* realpath(path, out) for an existing path; out holds PATH_MAX bytes */
int real_path(const char *path, char *out);

/* ---- state.c: per-container records ---- */
#define CONFIG_SNAPSHOT "config.json" /* in the state directory: the config as created */
enum status { ST_CREATING, ST_CREATED, ST_RUNNING, ST_STOPPED, ST_PAUSED };
struct state {
	char id[ID_MAX + 1];
	char dir[4096];      /* <root>/<id> */
	char bundle[4096];
	char rootfs[4096];   /* what the container sees as / (host path) */
	char layer[16];      /* overlay | aufs | none */
	char created[40];    /* RFC 3339 */
	char cgroup[1024];   /* its cgroup path; empty: none */
	char boot[40];       /* the boot id when created; empty: unknown */
	pid_t pid;
	unsigned long long starttime;
	bool started;
	bool empty;          /* the record is there but empty (a power cut) */
	char **ann_keys, **ann_values;
	size_t nann;
	int lockfd;
};
const char *status_name(enum status s);
int id_valid(const char *id);
int state_root(const char *root);
int state_dir(char *out, size_t size, const char *root, const char *id);
int state_new(struct state *st, const char *root, const char *id);
int state_open(struct state *st, const char *root, const char *id, bool lock);
int state_set_annotations(struct state *st, const char *const *keys, const char *const *values, size_t n);
int state_write(const struct state *st);
int state_remove(const struct state *st); /* the directory and the layer it links to */
int state_parse(struct state *st, const char *text, size_t len);
char *state_format(const struct state *st, size_t *len);
void state_close(struct state *st);
enum status state_status(const struct state *st);
int proc_starttime(pid_t pid, unsigned long long *out, char *pstate);
/* The OCI state JSON of `st` as `status` with `pid` (0 when stopped). */
void state_json(struct buf *b, const struct state *st, enum status status, pid_t pid);

/* ---- caps.c: process.capabilities as bit masks ---- */
struct caps {
	uint64_t set[CAP_SETS]; /* bit n: capability n, of enum cap_set */
	int last;               /* this kernel's cap_last_cap */
};
int caps_resolve(const struct spec *s, struct caps *out); /* runtime, before fork */
int caps_bound(const struct caps *c);  /* child, still root: bounding set, keep caps */
int caps_apply(const struct caps *c);  /* child, as the user: capset, ambient */
const char *cap_name(int n);

/* ---- cgroup.c: the container's cgroup, on v1, v2 or hybrid hosts ---- */
struct cgroup {
	char path[1024];       /* in hierarchy terms, e.g. /grid/<id>; empty: none */
	int n, v2, freezer;    /* hierarchies; index of the v2 one and of the freezer, or -1 */
	char dir[16][512];     /* its directory in each hierarchy */
	int made[16];          /* levels of it that create made (removed again) */
	bool fresh;            /* made by this create: remove exactly what it made, nothing more */
};
int cgroup_resolve(const char *config_path, const char *id, const char *root, char *out, size_t size);
int cgroup_create(const struct spec *s, const char *id, const char *root, struct cgroup *cg);
int cgroup_load(struct cgroup *cg, const char *path);
int cgroup_apply(const struct cgroup *cg, const struct resources *r);
int cgroup_apply_limits(const struct cgroup *cg, const struct resources *r);
int cgroup_apply_devices(const struct cgroup *cg, const struct resources *r);
int cgroup_join(const struct cgroup *cg);
int cgroup_pids(const struct cgroup *cg, pid_t **out, size_t *n);
int cgroup_signal_all(const struct cgroup *cg, int sig);
int cgroup_freeze(const struct cgroup *cg, bool freeze);
int cgroup_frozen(const struct cgroup *cg);
void cgroup_stats_json(const struct cgroup *cg, struct buf *b);
long long cgroup_oom_kills(const struct cgroup *cg);
int cgroup_remove(struct cgroup *cg);
extern const struct dev_rule cgroup_default_devices[];
extern const size_t cgroup_ndefault_devices;

/* ---- devices_bpf.c: linux.resources.devices on cgroup v2 ---- */
struct bpf_insn {          /* the kernel's, from linux/bpf.h */
	uint8_t code;
	uint8_t dst_reg : 4, src_reg : 4;
	int16_t off;
	int32_t imm;
};
/* Instructions a program for n rules needs at most. */
#define DEVICES_BPF_MAX(n) (9 + 8 * (n))
/* The program for rules[0..n), as the v1 list applies them: each requested
 * access bit is allowed iff the last rule matching the device and having
 * that bit allows it; the request iff all its bits are. Into out[cap];
 * returns its length, or -1 (error recorded). */
int devices_bpf_build(const struct dev_rule *rules, size_t n, struct bpf_insn *out, size_t cap);
/* Loads the program for r's rules followed by the default devices and
 * attaches it to the cgroup v2 directory dir. */
int devices_bpf_attach(const char *dir, const struct resources *r);
int resources_parse_document(struct spec *s, const char *text, size_t len, const char *what);

/* ---- the container's init process: ns.c, mount.c, tty.c ---- */
struct init {
	struct spec *spec;
	const struct state *st;
	char rootfs_src[4096]; /* the bundle's rootfs, absolute */
	const char *layer;     /* overlay | aufs | none */
	bool no_pivot;
	int sync_fd;           /* child's end of a SOCK_SEQPACKET pair */
	int sync_parent;       /* the runtime's end */
	bool stage2;           /* the init was forked by stage 1 (user namespace) */
	int start_err_fd;      /* start.error, where startContainer hook failures go, or -1 */
	struct cgroup cg;      /* the cgroup the init joins first (cg.path empty: none) */
	int fifo_fd;           /* exec.fifo, read by init to wait for start */
	int ns_fd[NS_COUNT];   /* namespaces joined by path, opened by the parent */
	char *host_cgroups;    /* /proc/self/cgroup as the runtime saw it */
	int layer_fd;          /* the write layer, a detached mount made by the runtime */
	int rootfs_dir_fd;     /* O_PATH of <dir>/rootfs, where the layer goes */
	int *mount_fd;         /* per mount: its detached bind tree, or -1 */
	struct caps caps;      /* resolved when spec->has_caps */
	struct sc_prog seccomp;/* compiled by the runtime; insn NULL: none */
	int listener_fd;       /* connected to linux.seccomp.listenerPath, or -1 */
	int preserve_fds;      /* fds 3..3+n-1 pass into the container */
};
/* ns.c: the init, from clone to exec */
int ns_clone_flag(enum ns_type t);
pid_t ns_spawn(struct init *in);           /* parent: returns the init's host pid */
int ns_open_paths(struct init *in);        /* parent: open and type-check ns paths */
void ns_close_paths(struct init *in);
int init_before_pivot(struct init *in);    /* child: the hooks' moment before pivot_root */
/* child: the capability bounding set, groups, uid/gid, capabilities, umask */
int set_user(const struct spec *s, const struct caps *c);
/* child: args[0] resolved as execvp would, with the words podman maps to exit codes */
int find_executable(const struct spec *s, char *out, size_t size);
int apply_rlimits(const struct spec *s);
int set_oom_score_adj(const struct spec *s); /* child, while /proc/self is its own */
/* Checks that fds 3..3+n-1 are open (they pass into the container). */
int preserve_fds_check(int n);
/* child, just before execve: fds 3..3+n-1 stay open, every later one closes */
int preserve_fds_apply(int n);

/* mount.c: the write layer, mounts, devices, pivot_root, masks */
extern const char *layer_upper_option; /* --layer-upper: where write layers go by default */
int mount_parse_options(struct arena *a, struct mount *m, const char **opts, size_t n);
const char *mount_option_name(size_t i);
const char *layer_choose(const char *annotation, const char *rootfs);
int mounts_prepare(struct init *in);       /* parent: the layer and bind sources, detached */
void mounts_release(struct init *in);
int rootfs_setup(struct init *in);         /* child: layer, mounts, devices, pivot */
int rootfs_finish(struct init *in);        /* child, after pivot: masks, ro paths, ro root */
/* Binds the file open at srcfd over the one open at dstfd (O_PATH fds). */
int bind_fd(int srcfd, int dstfd, const char *what);

/* tty.c: the terminal, and fds passed over unix sockets */
/* child, in the container's mount namespace: a pty whose slave becomes our
 * stdio and controlling terminal (and /dev/console when console is set) */
int tty_create(const struct spec *s, bool console, int *master);
int send_fd(int sock, int fd, const char *payload);
int recv_fd(int sock, char *buf, size_t size, int *fd);
int console_socket_send(const char *path, int master);

/* ---- exe.c: the runtime's binary, out of the container's reach ---- */
/* Before create, run and exec: re-executes argv from a read-only detached
 * bind of the binary (or a sealed memfd) unless already running from one. */
int exe_protect(char **argv);

/* ---- process.c: attributes of the container's process ---- */
int process_apply(const struct spec *s);       /* child, before the user switch */
int process_apply_lsm(const struct spec *s);   /* child, just before exec */
bool selinux_on(void);                         /* after process_apply: SELinux labels apply */

/* ---- hooks.c: the OCI hooks ---- */
/* Runs the hooks of kind k in order with the state JSON on stdin; the first
 * failure stops them and is the error. */
int hooks_run(const struct spec *s, enum hook_kind k, const struct state *st, enum status status, pid_t pid);
int hooks_save(const struct spec *s, const struct state *st); /* poststart, poststop into the state dir */
int hooks_load(struct spec *s, const struct state *st);       /* what hooks_save kept; none: no hooks */

/* ---- netdev.c: linux.netDevices ---- */
struct netdev_moved {
	int index;   /* in the container's network namespace; 0: not moved */
	bool was_up; /* on the host, to restore it if the device is given back */
};
/* Before spawning: a new network namespace is wanted and every host device exists. */
int netdev_check(const struct spec *s);
/* After the init is ready: moves s->netdevs into its network namespace, filling
 * moved[s->nnetdevs]; on failure gives back what it moved before returning -1. */
int netdev_move(const struct spec *s, pid_t pid, struct netdev_moved *moved);
/* A later step of create failed: move the devices back to the host, unrenamed. */
void netdev_give_back(const struct spec *s, pid_t pid, struct netdev_moved *moved);

/* ---- seccomp.c: linux.seccomp compiled to classic BPF ---- */
const char *seccomp_native_arch(void);  /* its SCMP_ARCH_* name */
enum sc_names { SC_ACTIONS, SC_OPERATORS, SC_ARCHS, SC_FLAGS };
const char *seccomp_name(enum sc_names kind, size_t i);
/* Compiles for a kernel of architecture `native` (an SCMP_ARCH_* name); linear:
 * a chain of compares instead of a binary search (for comparison only). */
int seccomp_compile(const struct seccomp *sc, const char *native, bool linear, struct sc_prog *out);
void seccomp_prog_free(struct sc_prog *p);
/* Runs the program over seccomp_data fields; returns its SECCOMP_RET_* and counts the steps. */
uint32_t seccomp_run(const struct sc_prog *p, uint32_t nr, uint32_t arch, const uint64_t *args, size_t *steps);
int seccomp_lookup(const char *name, const char *arch, uint32_t *nr); /* -1, no error recorded: unknown */
void seccomp_dump(const struct sc_prog *p, struct buf *b);
/* `grid debug seccomp`: the program of a bundle's config, one instruction a
 * line; with a syscall name, what it returns for it and in how many steps. */
int seccomp_debug(const char *bundle, const char *arch, bool linear, const char *syscall_name);
/* In the init: whether the filter must go in before the capabilities are dropped. */
bool seccomp_early(const struct spec *s, const struct caps *c);
/* In the init: installs the filter; with notify, sends the listener fd and the state. */
int seccomp_install(const struct sc_prog *p, int listener, const struct spec *s, const struct state *st,
		    enum status status, pid_t pid);

/* ---- inroot.c: mount destinations opened race-free inside the rootfs ---- */
bool inroot_supported(void);               /* openat2 exists */
int inroot_open(int rootfd, const char *dest, bool file);
/* path inside rootfd, symlinks followed there, nothing made (O_PATH fd) */
int inroot_find(int rootfd, const char *path);
int inroot_mounted(int rootfd, const char *dest, int fd);
/* In the container's root, as its user: chdir to process.cwd, never outside. */
int inroot_chdir(const char *cwd);
/* /proc/<rel> of a real procfs, with no mount crossed on the way */
int inroot_proc_open(const char *rel, int flags);

/* ---- fault.c: fault injection (GRID_FAULT_STEP) and the cgroup record ---- */
void fault_point(const char *name);
int cgroup_record_write(const struct state *st, const char *path);
void cgroup_record_find(struct state *st, const char *root);

/* ---- container.c: the operations the command line calls ---- */
extern bool cgroups_disabled; /* --cgroup-manager disabled */
#define UPPER_ANNOTATION "org.grid.layer.upper"
struct create_opts {
	const char *root, *id, *bundle, *pid_file, *console_socket;
	bool no_pivot, detach, keep;
	int preserve_fds;
};
int container_create(const struct create_opts *o);
int container_start(const char *root, const char *id);
int container_run(const struct create_opts *o);
int container_state(const char *root, const char *id);
int container_kill(const char *root, const char *id, int sig, bool all);
int container_pause(const char *root, const char *id, bool pause);
int container_ps(const char *root, const char *id, bool json);
int container_update(const char *root, const char *id, const struct resources *r);
int container_events_stats(const char *root, const char *id);
int container_delete(const char *root, const char *id, bool force);
int container_list(const char *root, bool json, bool quiet);
int write_default_spec(const char *bundle);
int parse_signal(const char *s);
int write_pid_file(const char *path, pid_t pid);
/* Foreground: forwards signals to pid, proxies the pty master if any, and
 * returns the exit code to exit with (128+N for signal N). */
int wait_container(pid_t pid, int master);

/* ---- exec.c: a new process in a running container ---- */
struct exec_opts {
	const char *root, *id, *process, *console_socket, *pid_file, *cwd, *user;
	bool tty, detach, no_new_privs;
	int preserve_fds;
	const char **env, **caps; /* --env K=V, --cap CAP, as given */
	size_t nenv, ncaps;
	char **args;               /* the command after the id; nargs 0: the config's */
	size_t nargs;
};
int container_exec(const struct exec_opts *o);

#endif
