/* spec.h - config.json as one plain struct spec (spec.c, resources.c, seccomp.c parse it). */
#ifndef GRID_SPEC_H
#define GRID_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "buf.h"
#include "mountopt.h"

enum ns_type { NS_PID, NS_NET, NS_MNT, NS_IPC, NS_UTS, NS_USER, NS_CGROUP, NS_TIME, NS_COUNT };

struct namespace {
	bool wanted;      /* listed in linux.namespaces */
	const char *path; /* join this one instead of creating (NULL: new) */
};

struct id_map {
	uint32_t container_id, host_id, size;
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
	const char *file[2];   /* [0] on cgroup v1, [1] on v2; NULL: not there; "": nothing to write */
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

enum cap_set { CAPS_BOUNDING, CAPS_EFFECTIVE, CAPS_INHERITABLE, CAPS_PERMITTED, CAPS_AMBIENT, CAP_SETS };

struct rlimit_spec {
	int resource;
	uint64_t soft, hard;
};

/* config.json's process, or exec's: one struct, so that exec --process starts from a clean one */
struct process {
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
	const char *apparmor_profile, *selinux_label;
	bool has_ioprio;
	int ioprio_class, ioprio_level;
	bool has_scheduler;
	int sched_policy, sched_nice, sched_priority;
	uint64_t sched_flags, sched_runtime, sched_deadline, sched_period;
	const char *cpu_initial, *cpu_final;
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
	struct process proc;
	const char *mount_label;
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
#define cleanup_spec __attribute__((cleanup(spec_free)))
int spec_set_env(struct spec *s, const char *kv);
/* Appends a mount to the config's (after its own, as the last one made). */
int spec_add_mount(struct spec *s, const struct mount *m);
const char *spec_annotation(const struct spec *s, const char *key);
const char *ns_name(enum ns_type t);      /* config.json's: "network", "mount" */
const char *ns_proc_name(enum ns_type t); /* /proc/PID/ns's: "net", "mnt" */
const char *hook_name(enum hook_kind k);
int parse_cpu_list(const char *s, uint64_t *mask, size_t nwords, const char *path);
/* `grid spec`'s config, as runc's; rootless: as `runc spec --rootless`, the
 * caller's uid and gid mapped to 0 in a user namespace */
void default_spec(struct buf *b, bool rootless, unsigned uid, unsigned gid);
int resources_parse_document(struct spec *s, const char *text, size_t len, const char *what);

#endif
