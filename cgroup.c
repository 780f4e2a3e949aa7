/* cgroup.c - the container's cgroup on whatever layout the host has: cgroup
 * v1 controllers, a v2 hierarchy, or both (hybrid, where some controllers
 * may sit on the v2 side). Each controller is used where it is mounted. Owns
 * creating the cgroup and applying linux.resources, the init joining it,
 * freezing, listing and signalling its processes, stats, and removing it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cgroup.h"
#include "devices_bpf.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "log.h"
#include "spec.h"
#include "util.h"

static const char *const v1_names[CG_COUNT] = {
	[CG_CPU] = "cpu", [CG_CPUACCT] = "cpuacct", [CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory",
	[CG_PIDS] = "pids", [CG_BLKIO] = "blkio", [CG_HUGETLB] = "hugetlb", [CG_NET_CLS] = "net_cls",
	[CG_NET_PRIO] = "net_prio", [CG_RDMA] = "rdma", [CG_DEVICES] = "devices", [CG_FREEZER] = "freezer",
	[CG_MISC] = "misc",
};
static const char *const v2_names[CG_COUNT] = {
	[CG_CPU] = "cpu", [CG_CPUSET] = "cpuset", [CG_MEMORY] = "memory", [CG_PIDS] = "pids",
	[CG_BLKIO] = "io", [CG_HUGETLB] = "hugetlb", [CG_RDMA] = "rdma", [CG_MISC] = "misc",
};

/* ---- the host's layout ---- */

struct hier {
	char mount[256], root[256]; /* mount point, and the cgroup it shows as its root */
	unsigned ctrls;             /* v1: bit per CG_* controller; v2: those enabled at its root */
	bool v2;
};

struct layout {
	struct hier h[16];
	int n, v2;                  /* v2: index of the v2 hierarchy, or -1 */
	int of[CG_COUNT];           /* index of the hierarchy that has each controller, or -1 */
};

static void has_word(const char *list, const char *word, const char *sep, bool *out)
{
	size_t n = strlen(word);

	*out = false;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, sep);
		if (len == n && !strncmp(p, word, n))
			*out = true;
		p += len;
		p += *p ? 1 : 0;
	}
}

/* Copies the space-terminated word at p into out[size]; the end of the word,
 * or NULL if it does not fit. */
static const char *word(const char *p, char *out, size_t size)
{
	size_t n = strcspn(p, " ");

	if (n >= size)
		return NULL;
	memcpy(out, p, n);
	out[n] = 0;
	return p + n;
}

/* One mountinfo line, "id parent maj:min root mountpoint opts ... - fstype
 * source super", if it is a cgroup hierarchy. Lines of other filesystems are
 * skipped before anything is copied: a host has dozens of them. */
static void add_hier(struct layout *l, const char *line)
{
	const char *dash = str_find(line, " - "), *p = line, *super;
	char root[256], mnt[256];
	struct hier *h;
	bool v2;

	if (!dash || strncmp(dash + 3, "cgroup", 6) || (dash[9] != ' ' && strncmp(dash + 9, "2 ", 2)) ||
	    l->n == (int)countof(l->h))
		return;
	v2 = dash[9] == '2';
	super = strchr(dash + 10 + v2, ' '); /* after the source */
	for (int i = 0; i < 3 && p; i++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	if (!super || !p || !(p = word(p, root, sizeof root)) || !word(p + 1, mnt, sizeof mnt))
		return;
	super++;
	h = &l->h[l->n];
	memset(h, 0, sizeof *h);
	memcpy(h->mount, mnt, sizeof mnt);
	memcpy(h->root, root, sizeof root);
	h->v2 = v2;
	if (h->v2) {
		if (l->v2 >= 0)
			return; /* the first v2 mount is the one */
		l->v2 = l->n;
	} else {
		for (int c = 0; c < CG_COUNT; c++) {
			bool yes;
			if (!v1_names[c])
				continue;
			has_word(super, v1_names[c], ",", &yes);
			if (yes && l->of[c] < 0) {
				h->ctrls |= 1u << c;
				l->of[c] = l->n;
			}
		}
		if (!h->ctrls)
			return; /* a named hierarchy (name=systemd): not ours to manage */
	}
	l->n++;
}

/* The host's layout, read once per process: every command asks several
 * times (create, join, devices, status, remove), and it does not change
 * under a running command. */
static int read_layout(const struct layout **out)
{
	static struct layout cache;
	static bool have;
	struct layout *l = &cache;
	char *info, *save = NULL;
	size_t len;

	*out = l;
	if (have)
		return 0;
	memset(l, 0, sizeof *l);
	l->v2 = -1;
	for (int c = 0; c < CG_COUNT; c++)
		l->of[c] = -1;
	if (read_file("/proc/self/mountinfo", &info, &len, 4 << 20) < 0)
		return -1;
	for (char *line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		add_hier(l, line);
	free(info);
	if (l->v2 >= 0) {
		char path[300], *ctl;
		if (path_fmt(path, sizeof path, "%s/cgroup.controllers", l->h[l->v2].mount) == 0 &&
		    read_file(path, &ctl, &len, 4096) == 0) {
			for (int c = 0; c < CG_COUNT; c++) {
				bool yes;
				if (!v2_names[c])
					continue;
				has_word(ctl, v2_names[c], " \n", &yes);
				if (yes && l->of[c] < 0) {
					l->h[l->v2].ctrls |= 1u << c;
					l->of[c] = l->v2;
				}
			}
			free(ctl);
		}
	}
	have = true;
	return 0;
}

/* ---- paths ---- */

/* The runtime's own cgroup in hierarchy h, from /proc/self/cgroup. */
static int own_cgroup(const struct hier *h, char *out, size_t size)
{
	char *text, *save = NULL;
	size_t len;
	int ret = 1; /* 1: not found */

	if (read_file("/proc/self/cgroup", &text, &len, 1 << 20) < 0)
		return -1;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;
		bool match = false;
		if (!path)
			continue;
		*path++ = 0;
		ctl++;
		if (h->v2) {
			match = !*ctl;
		} else {
			for (int c = 0; c < CG_COUNT && !match; c++)
				if ((h->ctrls & (1u << c)))
					has_word(ctl, v1_names[c], ",", &match);
		}
		if (match) {
			ret = path_fmt(out, size, "%s", path);
			break;
		}
	}
	free(text);
	return ret > 0 ? failx("cannot find the runtime's own cgroup in /proc/self/cgroup") : ret;
}

/* The directory of cgroup `path` (absolute in the hierarchy) in hierarchy h. */
static int hier_dir(const struct hier *h, const char *path, char *out, size_t size)
{
	size_t r = strlen(h->root);

	if (strcmp(h->root, "/") && !strncmp(path, h->root, r))
		path += r;
	return path_fmt(out, size, "%s%s", h->mount, path);
}

/* The default cgroup: /grid/<id> for the default --root; containers of
 * another root (another user of grid, a test suite) get a level of their own,
 * /grid/r-<hash of the root>/<id>, so that equal ids never share a cgroup. */
static int default_path(const char *root, const char *id, char *out, size_t size)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (!strcmp(root, "/run/grid"))
		return path_fmt(out, size, "/grid/%s", id);
	for (const char *p = root; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return path_fmt(out, size, "/grid/r-%08x/%s", h, id);
}

static bool is_default_path(const char *path)
{
	const char *rest = !strncmp(path, "/grid/", 6) ? path + 6 : NULL;

	if (rest && !strncmp(rest, "r-", 2) && strlen(rest) > 11 && rest[10] == '/')
		rest += 11;
	return rest && !strchr(rest, '/');
}

int cgroup_resolve(const char *config_path, const char *id, const char *root, char *out, size_t size)
{
	const struct layout *l;
	char own[PATH_MAX];

	if (!config_path || !*config_path)
		return default_path(root, id, out, size);
	if (config_path[0] == '/')
		return path_fmt(out, size, "%s", config_path);
	/* relative: under the runtime's own cgroup (of the first hierarchy) */
	if (read_layout(&l) < 0)
		return -1;
	if (l->n == 0)
		return failx("linux.cgroupsPath: no cgroup filesystem is mounted");
	if (own_cgroup(&l->h[0], own, sizeof own) < 0)
		return -1;
	return path_fmt(out, size, "%s/%s", strcmp(own, "/") ? own : "", config_path);
}

/* ---- create ---- */

static int copy_parent_cpuset(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < countof(files); i++) {
		char path[PATH_MAX + 32], *v, *pv;
		size_t len;
		if (path_fmt(path, sizeof path, "%s/%s", dir, files[i]) < 0)
			return -1;
		if (read_file(path, &v, &len, 4096) < 0)
			continue;
		if (len > 1) {
			free(v);
			continue;
		}
		free(v);
		if (path_fmt(path, sizeof path, "%s/../%s", dir, files[i]) < 0 ||
		    read_file(path, &pv, &len, 4096) < 0)
			return -1;
		if (len <= 1) {
			/* the parent is a level a delete alongside removed and a create
			 * made again, not filled yet: make_dirs starts over */
			free(pv);
			errno = ENOENT;
			return -1;
		}
		if (path_fmt(path, sizeof path, "%s/%s", dir, files[i]) < 0 ||
		    write_file(path, pv, len, O_TRUNC, 0) < 0) {
			free(pv);
			return -1;
		}
		free(pv);
	}
	return 0;
}

/* mkdir -p of dir below the hierarchy's mount, copying cpuset's parent
 * values into new v1 cpuset levels (they start empty, and empty admits no
 * task). Returns how many levels it made. */
static int make_dirs(const struct hier *h, const char *dir, int *made)
{
	char buf[PATH_MAX];
	size_t base = strlen(h->mount);

	/* a delete running alongside removes a shared level (/grid/r-<hash>)
	 * it found empty, between our mkdir of it and of the next, and a create
	 * may make it again after we filled it: start over (found by the load
	 * tests) */
	for (int tries = 0;; tries++) {
		int e = 0;
		*made = 0;
		if (path_fmt(buf, sizeof buf, "%s", dir) < 0)
			return -1;
		for (char *p = buf + base + 1; !e; p++) {
			if (*p == '/' || *p == 0) {
				char c = *p;
				*p = 0;
				if (mkdir(buf, 0755) == 0)
					(*made)++;
				else if (errno != EEXIST)
					e = errno;
				/* every level, made now or by a create running alongside that
				 * has not filled it yet: an empty cpuset admits no task */
				if (!e && (h->ctrls & (1u << CG_CPUSET)) && !h->v2 && copy_parent_cpuset(buf) < 0)
					e = errno ? errno : EIO;
				if (e)
					break;
				*p = c;
				if (!c)
					return 0;
			}
		}
		if (e != ENOENT || tries >= 100)
			return fail(e, "create cgroup %s", buf);
		clear_error();
	}
}

static int remove_dir(const char *dir, int levels)
{
	char buf[PATH_MAX];
	int ret = 0;

	if (path_fmt(buf, sizeof buf, "%s", dir) < 0)
		return -1;
	for (int i = 0; i < levels; i++) {
		int tries = 0;
		while (rmdir(buf) < 0) {
			/* EBUSY while the last processes finish exiting: retry, bounded */
			if (errno == ENOENT)
				break;
			if (errno != EBUSY || ++tries > 200 || i > 0) {
				if (i == 0)
					ret = fail(errno, "remove cgroup %s", buf);
				return ret;
			}
			usleep(5000);
		}
		char *slash = strrchr(buf, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	return ret;
}

static int enable_v2(const struct hier *h, const char *dir, unsigned ctrls)
{
	char buf[PATH_MAX], word[32];

	if (path_fmt(buf, sizeof buf, "%s", dir) < 0)
		return -1;
	/* every level from the mount down to our parent delegates the controllers */
	for (char *p = buf + strlen(h->mount);; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char c = *p, path[PATH_MAX + 32];
		*p = 0;
		if (!c)
			break;
		if (path_fmt(path, sizeof path, "%s/cgroup.subtree_control", buf) < 0)
			return -1;
		for (int k = 0; k < CG_COUNT; k++) {
			if (!(ctrls & (1u << k)) || !v2_names[k])
				continue;
			int n = snprintf(word, sizeof word, "+%s", v2_names[k]);
			if (write_file(path, word, n, 0, 0) < 0)
				return failx("cgroup v2: enable %s in %s: %s (a cgroup with processes cannot delegate "
					     "controllers: use an absolute linux.cgroupsPath)", v2_names[k], buf,
					     last_error());
		}
		*p = c;
	}
	return 0;
}

static int write_in(const char *dir, const char *file, const char *value, const char *field, bool optional)
{
	char path[PATH_MAX + 64];

	if (path_fmt(path, sizeof path, "%s/%s", dir, file) < 0)
		return -1;
	if (access(path, F_OK) < 0) {
		if (optional) {
			warn("%s: this kernel has no %s: not applied", field, file);
			return 0;
		}
		return failx("%s: this kernel has no %s", field, file);
	}
	if (write_file(path, value, strlen(value), O_TRUNC, 0) < 0)
		return failx("%s: write \"%s\" to %s: %s", field, value, file, last_error());
	return 0;
}

static long long read_num(const char *dir, const char *file);

/* ---- the real-time budget (v1 with RT group scheduling) ----
 *
 * The kernel admits a level's cpu.rt_runtime_us only while its children's,
 * each in its own period, sum to at most its own; a new level has 0, and a
 * task cannot be SCHED_FIFO/RR in a level with 0. Grid's levels (/grid and
 * below) between the container and the first level that is not Grid's (the
 * hierarchy's root for the default path) hold exactly what their children
 * hold: raised before the container's level is given its runtime, lowered to
 * the sum again after, and when a container goes. The first level that is
 * not Grid's is only read: what it has free is the limit. One flock on that
 * level keeps two grids from giving the same budget twice. */

#define RT_FILE "cpu.rt_runtime_us"
#define RT_PERIOD "cpu.rt_period_us"

/* runtime us in period from, in period to (-1, unlimited: the whole period) */
static long long rt_conv(long long us, long long from, long long to)
{
	if (us < 0)
		return to;
	return from == to || from <= 0 ? us : (us * to + from - 1) / from;
}

/* What the children of level dir hold, in its period p; skip: one not counted. */
static long long rt_sum(const char *dir, const char *skip, long long p)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long sum = 0;

	while (d && (e = readdir(d))) {
		char c[PATH_MAX];
		if (e->d_type != DT_DIR || e->d_name[0] == '.' || (skip && !strcmp(e->d_name, skip)) ||
		    path_fmt(c, sizeof c, "%s/%s", dir, e->d_name) < 0)
			continue;
		sum += rt_conv(read_num(c, RT_FILE), read_num(c, RT_PERIOD), p);
	}
	if (d)
		closedir(d);
	clear_error();
	return sum;
}

/* Each of Grid's levels above the leaf of dir, bottom up, to what its children hold. */
static int rt_fit(const char *dir, const size_t *end, int n, int top, const char *field)
{
	for (int k = n - 2; k >= top; k--) {
		char lv[PATH_MAX], v[24];
		long long p;
		snprintf(lv, sizeof lv, "%.*s", (int)end[k], dir);
		if ((p = read_num(lv, RT_PERIOD)) < 0)
			continue; /* gone with the container */
		snprintf(v, sizeof v, "%lld", rt_sum(lv, NULL, p));
		if (read_num(lv, RT_FILE) != atoll(v) && write_in(lv, RT_FILE, v, field, false) < 0)
			return -1;
	}
	return 0;
}

/* Gives the container's level dir w[0]'s runtime and w[1]'s period (NULL:
 * as it has), Grid's levels above raised first as far as the old or the
 * new values need, and fitted to their children after; w NULL: the
 * container's level, about to be removed, to 0 and they fitted. */
static int rt_give(const char *mount, const char *dir, const struct cg_write *const *w)
{
	size_t end[32], m = strlen(mount);
	int top, n = 0;
	long long ort = read_num(dir, RT_FILE), op = read_num(dir, RT_PERIOD), need[32], pp[32], carry, others, have;
	long long rt = w && w[0] ? atoll(w[0]->value[0]) : ort, p = w && w[1] ? atoll(w[1]->value[0]) : op;
	const char *field = !w ? "delete" : (w[0] ? w[0] : w[1])->field;
	/* a longer period first, a shorter one last: the passing values ask no more than the old or the new */
	bool period_first = p > op;
	char lv[PATH_MAX], name[256];
	cleanup_fd int lock = -1;
	int ret = 0;

	for (size_t i = m; dir[i] && n < 31; i++)
		if (dir[i] == '/')
			end[n++] = i;
	end[n++] = strlen(dir);
	top = !strncmp(dir + m, "/grid/", 6) ? 1 : n - 1;
	if ((w && op < 0) || n < 2)
		return failx("%s: this kernel has no " RT_FILE, field);
	snprintf(lv, sizeof lv, "%.*s", (int)end[top - 1], dir);
	if ((lock = open(lv, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || flock(lock, LOCK_EX) < 0)
		return fail(errno, "lock %s", lv);
	for (int k = n - 2; w && k >= top - 1; k--) {
		snprintf(lv, sizeof lv, "%.*s", (int)end[k], dir);
		snprintf(name, sizeof name, "%.*s", (int)(end[k + 1] - end[k] - 1), dir + end[k] + 1);
		pp[k] = read_num(lv, RT_PERIOD);
		carry = k < n - 2 ? rt_conv(need[k + 1], pp[k + 1], pp[k]) : rt_conv(rt, p, pp[k]);
		if (k == n - 2 && carry < (others = rt_conv(ort, op, pp[k])))
			carry = others;
		need[k] = (others = rt_sum(lv, name, pp[k])) + carry;
		if (k < top && need[k] > (have = rt_conv(read_num(lv, RT_FILE), pp[k], pp[k])))
			return failx("%s: %.*s/" RT_FILE ": needs %lld us, %s/" RT_FILE " has %lld us free", field,
				     (int)end[top], dir, carry, lv, have - others);
	}
	for (int k = top; w && k < n - 1 && !ret; k++) {
		char v[24];
		snprintf(lv, sizeof lv, "%.*s", (int)end[k], dir);
		snprintf(v, sizeof v, "%lld", need[k]);
		if (read_num(lv, RT_FILE) < need[k])
			ret = write_in(lv, RT_FILE, v, field, false);
	}
	if (!w)
		ret = write_in(dir, RT_FILE, "0", field, false);
	for (int i = 0; w && i < 2 && !ret; i++) {
		const struct cg_write *x = w[i ^ period_first];
		if (x)
			ret = write_in(dir, x->file[0], x->value[0], x->field, false);
	}
	return rt_fit(dir, end, n, top, field) < 0 ? -1 : ret;
}

/* 0 or 1: w is the runtime or the period of real-time on a v1 hierarchy; -1: neither */
static int rt_slot(const struct layout *l, const struct cg_write *w)
{
	int h = l->of[CG_CPU];

	if (h < 0 || l->h[h].v2 || w->ctrl != CG_CPU || !w->file[0] || strncmp(w->file[0], "cpu.rt_", 7))
		return -1;
	return w->file[0][7] == 'p';
}

/* process.scheduler SCHED_FIFO or SCHED_RR in a level this create made
 * without a runtime: a tenth of its period, or sched_setattr fails EPERM. */
static int rt_for_scheduler(const struct layout *l, const struct cgroup *cg, const struct spec *s)
{
	int h = l->of[CG_CPU];
	char v[24];
	struct cg_write w = { .field = "process.scheduler", .file = { RT_FILE }, .value = { v } };
	const struct cg_write *ws[2] = { &w, NULL };
	long long p;

	/* without process.scheduler the policy is 0, SCHED_OTHER */
	if ((s->proc.sched_policy != SCHED_FIFO && s->proc.sched_policy != SCHED_RR) || h < 0 || l->h[h].v2 ||
	    !cg->made[h] || read_num(cg->dir[h], RT_FILE) != 0 || (p = read_num(cg->dir[h], RT_PERIOD)) <= 0)
		return 0;
	snprintf(v, sizeof v, "%lld", p / 10);
	return rt_give(l->h[h].mount, cg->dir[h], ws);
}

/* The controller a v2 file belongs to ("hugetlb.2MB.max": hugetlb), or -1 (cgroup.*). */
static int unified_ctrl(const char *file)
{
	size_t n = strcspn(file, ".");

	for (int c = 0; c < CG_COUNT; c++)
		if (v2_names[c] && strlen(v2_names[c]) == n && !strncmp(file, v2_names[c], n))
			return c;
	return -1;
}

/* A v2 value with a leading space is the file's second word: the first is
 * kept as the file has it (cpu.max " 20000": the quota stays). */
static int write_keeping(const char *dir, const struct cg_write *w)
{
	char path[PATH_MAX + 64], value[64];
	cleanup_free char *cur = NULL;

	if (path_fmt(path, sizeof path, "%s/%s", dir, w->file[1]) < 0 || read_file(path, &cur, &(size_t){ 0 }, 4096) < 0)
		return failx("%s: %s", w->field, last_error());
	snprintf(value, sizeof value, "%.*s%s", (int)strcspn(cur, " \n"), cur, w->value[1]);
	return write_in(dir, w->file[1], value, w->field, false);
}

static int apply_write(const struct layout *l, const struct cgroup *cg, const struct cg_write *w)
{
	int hi = w->ctrl == CG_UNIFIED ? l->v2 : l->of[w->ctrl];
	const struct hier *h;
	int v;

	if (hi < 0) {
		if (w->optional) {
			warn("%s: no cgroup controller for it on this host: not applied", w->field);
			return 0;
		}
		return failx("%s: the %s controller is not available on this host", w->field,
			     w->ctrl == CG_UNIFIED ? "cgroup v2" : v1_names[w->ctrl]);
	}
	h = &l->h[hi];
	v = h->v2 ? 1 : 0;
	if (w->ctrl == CG_UNIFIED) {
		int c = unified_ctrl(w->file[1]);
		char path[PATH_MAX + 64];
		if (path_fmt(path, sizeof path, "%s/%s", cg->dir[hi], w->file[1]) < 0)
			return -1;
		/* on a hybrid host the key's controller may be a v1 one */
		if (access(path, F_OK) < 0 && c >= 0 && l->of[c] != hi)
			return failx("%s: the %s controller is not on the cgroup v2 side of this host%s", w->field,
				     v2_names[c], l->of[c] >= 0 ? " (it is mounted as cgroup v1: use its OCI field)" : "");
	}
	if (!w->file[v]) {
		if (w->optional) {
			warn("%s: has no equivalent on cgroup %s: not applied", w->field, v ? "v2" : "v1");
			return 0;
		}
		return failx("%s: cannot be honoured on cgroup %s", w->field, v ? "v2" : "v1");
	}
	if (!*w->file[v])
		return 0; /* another write has it: cpu.max */
	if (*w->value[v] == ' ')
		return write_keeping(cg->dir[hi], w);
	return write_in(cg->dir[hi], w->file[v], w->value[v], w->field, w->optional);
}

/* v1 device rules, then the default devices. */
static int apply_devices_v1(const char *dir, const struct resources *r)
{
	const struct dev_rule *defaults = device_rules_default;

	for (size_t i = 0; i < r->ndev + device_rules_ndefault; i++) {
		const struct dev_rule *d = i < r->ndev ? &r->dev[i] : &defaults[i - r->ndev];
		char rule[64], maj[24], min[24]; /* any long long */
		if (d->major < 0) strcpy(maj, "*"); else snprintf(maj, sizeof maj, "%lld", (long long)d->major);
		if (d->minor < 0) strcpy(min, "*"); else snprintf(min, sizeof min, "%lld", (long long)d->minor);
		if (d->type == 'a')
			snprintf(rule, sizeof rule, "a");
		else
			snprintf(rule, sizeof rule, "%c %s:%s %s%s%s", d->type, maj, min, d->access & DEV_READ ? "r" : "",
				 d->access & DEV_WRITE ? "w" : "", d->access & DEV_MKNOD ? "m" : "");
		if (write_in(dir, d->allow ? "devices.allow" : "devices.deny", rule, "linux.resources.devices", false) < 0)
			return -1;
	}
	return 0;
}

/* v1 keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every
 * moment: raising both (update --memory 128M --memory-swap 256M from 32M/64M)
 * must write memsw first, lowering both the limit first. Returns the index of
 * the memsw write to apply before the others, or r->nw. */
static size_t swap_goes_first(const struct layout *l, const struct cgroup *cg, const struct resources *r)
{
	size_t lim = r->nw, sw = r->nw;
	int h = l->of[CG_MEMORY];
	long long cur, want;

	if (h < 0 || l->h[h].v2)
		return r->nw;
	for (size_t i = 0; i < r->nw; i++) {
		if (r->w[i].ctrl != CG_MEMORY || !r->w[i].file[0])
			continue;
		if (!strcmp(r->w[i].file[0], "memory.limit_in_bytes"))
			lim = i;
		else if (!strcmp(r->w[i].file[0], "memory.memsw.limit_in_bytes"))
			sw = i;
	}
	if (lim == r->nw || sw == r->nw)
		return r->nw;
	cur = read_num(cg->dir[h], "memory.memsw.limit_in_bytes");
	want = atoll(r->w[lim].value[0]); /* -1: no limit, above any */
	return cur >= 0 && (want < 0 || want > cur) ? sw : r->nw;
}

int cgroup_apply_limits(const struct cgroup *cg, const struct resources *r)
{
	const struct layout *l;
	const struct cg_write *rt[2] = { NULL, NULL };
	size_t first;

	if (read_layout(&l) < 0)
		return -1;
	first = swap_goes_first(l, cg, r);
	if (first < r->nw && apply_write(l, cg, &r->w[first]) < 0)
		return -1;
	for (size_t i = 0; i < r->nw; i++) {
		int k = rt_slot(l, &r->w[i]);
		if (k >= 0)
			rt[k] = &r->w[i]; /* given together, below */
		else if (i != first && apply_write(l, cg, &r->w[i]) < 0)
			return -1;
	}
	return rt[0] || rt[1] ? rt_give(l->h[l->of[CG_CPU]].mount, cg->dir[l->of[CG_CPU]], rt) : 0;
}

/* The device rules: applied once the init has made the container's device
 * nodes (as runc does), or the rules could forbid their mknod. */
int cgroup_apply_devices(const struct cgroup *cg, const struct resources *r)
{
	const struct layout *l;

	if (!r->has_devices || !cg->path[0])
		return 0;
	if (read_layout(&l) < 0)
		return -1;
	{
		if (l->of[CG_DEVICES] >= 0)
			return apply_devices_v1(cg->dir[l->of[CG_DEVICES]], r);
		if (l->v2 >= 0)
			return devices_bpf_attach(cg->dir[l->v2], r);
		return failx("linux.resources.devices: no devices controller and no cgroup v2 on this host");
	}
}

int cgroup_apply(const struct cgroup *cg, const struct resources *r)
{
	if (cgroup_apply_limits(cg, r) < 0)
		return -1;
	return cgroup_apply_devices(cg, r);
}

int cgroup_load(struct cgroup *cg, const char *path)
{
	const struct layout *l;

	memset(cg, 0, sizeof *cg);
	if (path_fmt(cg->path, sizeof cg->path, "%s", path) < 0 || read_layout(&l) < 0)
		return -1;
	cg->n = l->n;
	for (int i = 0; i < l->n; i++)
		if (hier_dir(&l->h[i], path, cg->dir[i], sizeof cg->dir[i]) < 0)
			return -1;
	cg->v2 = l->v2;
	cg->freezer = l->of[CG_FREEZER];
	/* our default /grid/<id>: the /grid level goes too when it is left empty */
	for (int i = 0; i < l->n; i++)
		cg->made[i] = !is_default_path(path) ? 1 : strncmp(path, "/grid/r-", 8) ? 2 : 3;
	return 0;
}

int cgroup_create(const struct spec *s, const char *id, const char *root, struct cgroup *cg)
{
	const struct layout *l;
	char path[PATH_MAX];
	unsigned v2_need = 0;

	memset(cg, 0, sizeof *cg);
	if (cgroup_resolve(s->cgroups_path, id, root, path, sizeof path) < 0 || cgroup_load(cg, path) < 0 ||
	    read_layout(&l) < 0)
		return -1;
	if (l->n == 0) {
		if (s->res.set)
			return failx("linux.resources: no cgroup filesystem is mounted on this host (mount cgroup2 on "
				     "/sys/fs/cgroup, or use --cgroup-manager disabled)");
		cg->path[0] = 0; /* nothing to manage */
		return 0;
	}
	for (size_t i = 0; i < s->res.nw; i++) {
		const struct cg_write *w = &s->res.w[i];
		int c = w->ctrl == CG_UNIFIED ? unified_ctrl(w->file[1]) : (int)w->ctrl;
		/* a unified key like hugetlb.2MB.max needs its controller delegated too */
		if (c >= 0 && l->v2 >= 0 && (l->h[l->v2].ctrls & (1u << c)))
			v2_need |= 1u << c;
	}
	cg->fresh = true;
	for (int i = 0; i < l->n; i++) {
		if (make_dirs(&l->h[i], cg->dir[i], &cg->made[i]) < 0)
			goto bad;
		if (cg->made[i] == 0 && !s->cgroups_path) {
			failx("cgroup %s exists already: is a container with this id left from a crashed grid? "
			      "(remove the directory, or set linux.cgroupsPath)", cg->dir[i]);
			goto bad;
		}
		if (cg->made[i] == 0)
			debug("cgroup %s existed already: it will be shared", cg->dir[i]);
	}
	if (v2_need && enable_v2(&l->h[l->v2], cg->dir[l->v2], v2_need) < 0)
		goto bad;
	if ((s->res.set && cgroup_apply_limits(cg, &s->res) < 0) || rt_for_scheduler(l, cg, s) < 0)
		goto bad;
	debug("cgroup %s created in %d hierarchies", cg->path, cg->n);
	return 0;
bad:
	{
		/* the undo must not change what the caller learns: message and errno */
		char msg[1024];
		int e = errno;
		snprintf(msg, sizeof msg, "%s", last_error());
		cgroup_remove(cg);
		set_error_text(msg);
		errno = e;
	}
	return -1;
}

/* ---- the init joins ---- */

int cgroup_join(const struct cgroup *cg)
{
	for (int i = 0; i < cg->n && cg->path[0]; i++) {
		char path[PATH_MAX + 16];
		if (path_fmt(path, sizeof path, "%s/cgroup.procs", cg->dir[i]) < 0 ||
		    write_file(path, "0", 1, 0, 0) < 0)
			return failx("join the cgroup: %s", last_error());
	}
	return 0;
}

/* ---- processes ---- */

/* The pids in the container's cgroup (the v2 one, else any v1 one). */
int cgroup_pids(const struct cgroup *cg, pid_t **out, size_t *n)
{
	int hi = cg->v2 >= 0 ? cg->v2 : cg->n > 0 ? 0 : -1;
	char path[PATH_MAX + 16], *text, *save = NULL;
	size_t len, cap = 16;

	*out = NULL;
	*n = 0;
	if (hi < 0 || !cg->path[0])
		return 0;
	if (path_fmt(path, sizeof path, "%s/cgroup.procs", cg->dir[hi]) < 0 ||
	    read_file(path, &text, &len, 16 << 20) < 0)
		return errno == ENOENT ? 0 : -1;
	*out = mem_grow(NULL, cap, sizeof **out);
	for (char *l = strtok_r(text, "\n", &save); l && *out; l = strtok_r(NULL, "\n", &save)) {
		if (*n == cap) {
			pid_t *p = mem_grow(*out, cap *= 2, sizeof **out);
			if (!p) {
				free(*out);
				*out = NULL;
				break;
			}
			*out = p;
		}
		(*out)[(*n)++] = atoi(l);
	}
	free(text);
	return *out ? 0 : -1;
}

int cgroup_signal_all(const struct cgroup *cg, int sig)
{
	pid_t *pids;
	size_t n;

	if (cgroup_pids(cg, &pids, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	free(pids);
	return 0;
}

/* ---- freezing ---- */

static int freezer_file(const struct cgroup *cg, char *path, size_t size, bool *v2)
{
	*v2 = cg->freezer < 0;
	if (!cg->path[0])
		return failx("the container has no cgroup (--cgroup-manager disabled?)");
	if (!*v2)
		return path_fmt(path, size, "%s/freezer.state", cg->dir[cg->freezer]);
	if (cg->v2 >= 0)
		return path_fmt(path, size, "%s/cgroup.freeze", cg->dir[cg->v2]);
	return failx("no freezer on this host (neither the v1 freezer nor cgroup v2)");
}

int cgroup_frozen(const struct cgroup *cg)
{
	char path[PATH_MAX + 32], v[512];
	size_t len;
	bool v2;

	if (!cg->path[0] || freezer_file(cg, path, sizeof path, &v2) < 0) {
		clear_error();
		return 0;
	}
	/* a few words, shown in one read (list reads one a running container) */
	if ((v2 && path_fmt(path, sizeof path, "%s/cgroup.events", cg->dir[cg->v2]) < 0) ||
	    read_small(path, v, sizeof v, &len) < 0) {
		clear_error();
		return 0;
	}
	return v2 ? str_find(v, "frozen 1") != NULL : !strncmp(v, "FROZEN", 6);
}

int cgroup_freeze(const struct cgroup *cg, bool freeze)
{
	char path[PATH_MAX + 32];
	bool v2;
	const char *value;

	if (freezer_file(cg, path, sizeof path, &v2) < 0)
		return -1;
	value = v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	if (write_file(path, value, strlen(value), O_TRUNC, 0) < 0)
		return -1;
	/* the freezer works asynchronously: wait, bounded, for it to settle */
	for (int i = 0; i < 1000 && cgroup_frozen(cg) != freeze; i++) {
		if (!v2 && freeze && i % 10 == 9)
			write_file(path, value, strlen(value), O_TRUNC, 0);
		usleep(1000);
	}
	if (cgroup_frozen(cg) != freeze)
		return failx("the cgroup did not %s in time", freeze ? "freeze" : "thaw");
	return 0;
}

/* ---- stats ---- */

static long long read_num(const char *dir, const char *file)
{
	char path[PATH_MAX + 64], *v;
	size_t len;
	long long x;

	if (path_fmt(path, sizeof path, "%s/%s", dir, file) < 0 || read_file(path, &v, &len, 4096) < 0) {
		clear_error();
		return -1;
	}
	x = !strncmp(v, "max", 3) ? -1 : atoll(v);
	free(v);
	return x;
}

static long long read_key(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 64], *v, *p;
	size_t len, n = strlen(key);
	long long x = -1;

	if (path_fmt(path, sizeof path, "%s/%s", dir, file) < 0 || read_file(path, &v, &len, 1 << 16) < 0) {
		clear_error();
		return -1;
	}
	for (p = v; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ') {
			x = atoll(p + n + 1);
			break;
		}
	free(v);
	return x;
}

void cgroup_stats_json(const struct cgroup *cg, struct buf *b)
{
	const struct layout *l;
	long long cpu = -1, mem = -1, limit = -1, pids = -1, pids_max = -1;

	if (cg->path[0] && read_layout(&l) == 0) {
		int h;
		if ((h = l->of[CG_CPU]) >= 0)
			cpu = l->h[h].v2 ? read_key(cg->dir[h], "cpu.stat", "usage_usec") * 1000
					: read_num(cg->dir[h], "cpuacct.usage");
		if (cpu < 0 && (h = l->of[CG_CPUACCT]) >= 0)
			cpu = read_num(cg->dir[h], "cpuacct.usage");
		if ((h = l->of[CG_MEMORY]) >= 0) {
			mem = read_num(cg->dir[h], l->h[h].v2 ? "memory.current" : "memory.usage_in_bytes");
			limit = read_num(cg->dir[h], l->h[h].v2 ? "memory.max" : "memory.limit_in_bytes");
		}
		if ((h = l->of[CG_PIDS]) >= 0) {
			pids = read_num(cg->dir[h], "pids.current");
			pids_max = read_num(cg->dir[h], "pids.max");
		}
	}
	buf_printf(b, "{\"cpu\":{\"usage\":{\"total\":%lld}},\"memory\":{\"usage\":{\"usage\":%lld,\"limit\":%lld}},"
		      "\"pids\":{\"current\":%lld,\"limit\":%lld}}",
		   cpu < 0 ? 0 : cpu, mem < 0 ? 0 : mem, limit, pids < 0 ? 0 : pids, pids_max);
}

/* How many processes the OOM killer killed in the cgroup (0 when unknown). */
long long cgroup_oom_kills(const struct cgroup *cg)
{
	const struct layout *l;
	long long n;
	int h;

	if (!cg->path[0] || read_layout(&l) < 0 || (h = l->of[CG_MEMORY]) < 0) {
		clear_error();
		return 0;
	}
	n = read_key(cg->dir[h], l->h[h].v2 ? "memory.events" : "memory.oom_control", "oom_kill");
	return n < 0 ? 0 : n;
}

/* ---- remove ---- */

/* Kills what is left in the cgroup and removes the directories create made. */
int cgroup_remove(struct cgroup *cg)
{
	const struct layout *l;
	int ret = 0;
	bool own_leaf = true, rt;

	if (!cg->path[0])
		return 0;
	rt = read_layout(&l) == 0 && l->of[CG_CPU] >= 0 && read_num(cg->dir[l->of[CG_CPU]], RT_FILE) > 0;
	/* after a failed create, a cgroup that existed before is not ours to empty */
	for (int i = 0; cg->fresh && i < cg->n; i++)
		if (cg->made[i] == 0)
			own_leaf = false;
	for (int round = 0; own_leaf && round < 100; round++) {
		pid_t *pids;
		size_t n;
		if (cgroup_pids(cg, &pids, &n) < 0 || n == 0) {
			free(pids);
			break;
		}
		if (cgroup_frozen(cg))
			cgroup_freeze(cg, false); /* a frozen task cannot die */
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		free(pids);
		usleep(2000);
	}
	/* a removed level counts in its parent's sum until the kernel frees it: 0 before */
	if (rt && own_leaf && rt_give(l->h[l->of[CG_CPU]].mount, cg->dir[l->of[CG_CPU]], NULL) < 0)
		warn("%s", last_error());
	for (int i = 0; i < cg->n; i++) {
		/* create knows what it made; later commands know the default's levels */
		int levels = cg->fresh ? cg->made[i] : cg->made[i] > 0 ? cg->made[i] : 1;
		if (levels > 0 && remove_dir(cg->dir[i], levels) < 0)
			ret = -1;
	}
	return ret;
}
