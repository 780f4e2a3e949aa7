/* resources.c - linux.resources becomes a list of cgroup file writes, each
 * with its cgroup v1 and v2 form (file and value), and the device rules.
 * cgroup.c then writes each where the host has that controller. Also parses
 * a bare LinuxResources document for `grid update`. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "json.h"
#include "parse.h"
#include "spec.h"

static int add(struct pctx *c, const char *field, enum cg_ctrl ctrl, const char *f1, const char *v1,
	       const char *f2, const char *v2, bool optional)
{
	struct cg_write *w;

	if (c->res->nw % 16 == 0) {
		struct cg_write *n = arena_alloc(&c->s->arena, (c->res->nw + 16) * sizeof *n);
		if (!n)
			return -1;
		if (c->res->nw)
			memcpy(n, c->res->w, c->res->nw * sizeof *n);
		c->res->w = n;
	}
	w = &c->res->w[c->res->nw++];
	w->field = arena_strndup(&c->s->arena, field, strlen(field));
	w->ctrl = ctrl;
	w->file[0] = f1;
	w->file[1] = f2;
	w->value[0] = v1 ? arena_strndup(&c->s->arena, v1, strlen(v1)) : NULL;
	w->value[1] = v2 ? arena_strndup(&c->s->arena, v2, strlen(v2)) : NULL;
	w->optional = optional;
	return w->field ? 0 : -1;
}

static int i64(struct pctx *c, int v, const char *p, int64_t *out)
{
	return json_int(c->j, v, INT64_MIN, INT64_MAX, out, p);
}

static int u64(struct pctx *c, int v, const char *p, uint64_t *out)
{
	return json_uint64(c->j, v, out, p);
}

static void num(char *buf, int64_t v)
{
	snprintf(buf, 32, "%lld", (long long)v);
}

static void max_or(char *buf, int64_t v)
{
	if (v < 0)
		strcpy(buf, "max");
	else
		num(buf, v);
}

/* A signed number written as it is on v1, and on v2 as it is or "max" for
 * a negative one; zero is skipped by `update`. */
static int int_write(struct pctx *c, int v, const char *p, enum cg_ctrl ctrl, const char *f1, const char *f2,
		     bool optional)
{
	int64_t x;
	char a[32], b[32];

	if (i64(c, v, p, &x) < 0)
		return -1;
	if (c->update && x == 0)
		return 0;
	num(a, x);
	max_or(b, x);
	return add(c, p, ctrl, f1, a, f2, f2 ? b : NULL, optional);
}

/* An unsigned value up to max, written as it is to f1 (v1) and f2 (v2, or NULL). */
static int uint_write(struct pctx *c, int v, const char *p, uint64_t max, enum cg_ctrl ctrl, const char *f1,
		      const char *f2, bool optional)
{
	uint64_t x;
	char a[32];

	if (u64(c, v, p, &x) < 0)
		return -1;
	if (x > max)
		return failx("%s: %llu is above %llu", p, (unsigned long long)x, (unsigned long long)max);
	snprintf(a, sizeof a, "%llu", (unsigned long long)x);
	return add(c, p, ctrl, f1, a, f2, f2 ? a : NULL, optional);
}

/* ---- memory ---- */

/* memory's limit and swap, written together once both are read */
struct mem_item {
	int64_t limit, swap;
	bool has_limit, has_swap;
	char swap_field[128];
};
static struct mem_item *mem_of(const struct pctx *c) { return c->item; }

static int f_mem_limit(struct pctx *c, int v, const char *p)
{
	struct mem_item *m = mem_of(c);
	char a[32], b[32];

	if (i64(c, v, p, &m->limit) < 0)
		return -1;
	if (c->update && m->limit == 0)
		return 0;
	m->has_limit = true;
	num(a, m->limit);
	max_or(b, m->limit);
	return add(c, p, CG_MEMORY, "memory.limit_in_bytes", a, "memory.max", b, false);
}

static int f_mem_reservation(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_MEMORY, "memory.soft_limit_in_bytes", "memory.low", false);
}

static int f_mem_swap(struct pctx *c, int v, const char *p)
{
	struct mem_item *m = mem_of(c);

	if (i64(c, v, p, &m->swap) < 0)
		return -1;
	m->has_swap = !(c->update && m->swap == 0);
	snprintf(m->swap_field, sizeof m->swap_field, "%s", p);
	return 0;
}

/* swap is memory+swap on v1, swap alone on v2: it needs the limit */
static int mem_swap_write(struct pctx *c, const struct mem_item *m)
{
	char a[32], b[32];

	if (!m->has_swap)
		return 0;
	if (m->swap >= 0 && m->has_limit && m->limit >= 0 && m->swap < m->limit)
		return failx("%s: %lld is below memory.limit %lld (swap counts memory plus swap)", m->swap_field,
			     (long long)m->swap, (long long)m->limit);
	num(a, m->swap);
	if (m->swap < 0)
		strcpy(b, "max");
	else if (m->has_limit && m->limit >= 0)
		num(b, m->swap - m->limit);
	else if (c->update) /* `docker update --memory-swap` alone: v1 needs only the total */
		return add(c, m->swap_field, CG_MEMORY, "memory.memsw.limit_in_bytes", a, NULL, NULL, false);
	else
		return failx("%s: needs memory.limit on cgroup v2 hosts too; set both", m->swap_field);
	return add(c, m->swap_field, CG_MEMORY, "memory.memsw.limit_in_bytes", a, "memory.swap.max", b, false);
}

static int f_mem_kernel(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_MEMORY, "memory.kmem.limit_in_bytes", NULL, true);
}

static int f_mem_kernel_tcp(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_MEMORY, "memory.kmem.tcp.limit_in_bytes", NULL, true);
}

static int f_mem_swappiness(struct pctx *c, int v, const char *p)
{
	return uint_write(c, v, p, 100, CG_MEMORY, "memory.swappiness", NULL, true);
}

static int f_mem_oom(struct pctx *c, int v, const char *p)
{
	bool b;

	if (json_bool(c->j, v, &b, p) < 0)
		return -1;
	return b ? add(c, p, CG_MEMORY, "memory.oom_control", "1", NULL, NULL, true) : 0;
}

static int f_ignore_bool(struct pctx *c, int v, const char *p)
{
	bool b;
	return json_bool(c->j, v, &b, p);
}

static int f_memory(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "limit", f_mem_limit }, { "reservation", f_mem_reservation }, { "swap", f_mem_swap },
		{ "kernel", f_mem_kernel }, { "kernelTCP", f_mem_kernel_tcp }, { "swappiness", f_mem_swappiness },
		{ "disableOOMKiller", f_mem_oom }, { "useHierarchy", f_ignore_bool },
		{ "checkBeforeUpdate", f_ignore_bool },
	};
	struct mem_item m = { 0 };

	if (walk_item(c, v, path, f, countof(f), &m) < 0)
		return -1;
	return mem_swap_write(c, &m);
}

/* ---- cpu, cpuset ---- */

/* cpu's quota and period, written together (v2 has one file for both) */
struct cpu_item {
	int64_t quota, period;
	bool has_quota, has_period;
};
static struct cpu_item *cpu_of(const struct pctx *c) { return c->item; }

static int f_cpu_shares(struct pctx *c, int v, const char *p)
{
	uint64_t x;
	char a[32], b[32];

	if (u64(c, v, p, &x) < 0)
		return -1;
	if (x == 0) /* unset, as runc and crun read it: docker sends "shares": 0 at create */
		return 0;
	if (x < 2 || x > 262144)
		return failx("%s: %llu is outside [2, 262144]", p, (unsigned long long)x);
	num(a, x);
	num(b, 1 + ((x - 2) * 9999) / 262142); /* the kernel's own shares to weight mapping */
	return add(c, p, CG_CPU, "cpu.shares", a, "cpu.weight", b, false);
}

/* quota (-1: none) or period, read now and written together below; in an
 * update a zero leaves the value as it is */
static int cpu_pair(struct pctx *c, int v, const char *p, int64_t min, int64_t *out, bool *has)
{
	if (json_int(c->j, v, min, INT64_MAX, out, p) < 0)
		return -1;
	*has = !(c->update && *out == 0);
	return 0;
}

static int f_cpu_quota(struct pctx *c, int v, const char *p)
{
	return cpu_pair(c, v, p, INT64_MIN, &cpu_of(c)->quota, &cpu_of(c)->has_quota);
}

static int f_cpu_period(struct pctx *c, int v, const char *p)
{
	return cpu_pair(c, v, p, 0, &cpu_of(c)->period, &cpu_of(c)->has_period);
}

static int f_cpu_burst(struct pctx *c, int v, const char *p)
{
	return uint_write(c, v, p, UINT64_MAX, CG_CPU, "cpu.cfs_burst_us", "cpu.max.burst", false);
}

static int f_cpu_rt_runtime(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_CPU, "cpu.rt_runtime_us", NULL, false);
}

static int f_cpu_rt_period(struct pctx *c, int v, const char *p)
{
	uint64_t x;

	if (c->update && u64(c, v, p, &x) == 0 && x == 0)
		return 0; /* update: 0 leaves it */
	return uint_write(c, v, p, UINT64_MAX, CG_CPU, "cpu.rt_period_us", NULL, false);
}

static int cpu_list(struct pctx *c, int v, const char *p, const char *file)
{
	const char *s;
	uint64_t mask[16];

	if (str_field(c, v, p, &s) < 0 || parse_cpu_list(s, mask, countof(mask), p) < 0)
		return -1;
	if (!*s)
		return 0;
	return add(c, p, CG_CPUSET, file, s, file, s, false);
}

static int f_cpu_cpus(struct pctx *c, int v, const char *p) { return cpu_list(c, v, p, "cpuset.cpus"); }
static int f_cpu_mems(struct pctx *c, int v, const char *p) { return cpu_list(c, v, p, "cpuset.mems"); }

static int f_cpu_idle(struct pctx *c, int v, const char *p)
{
	int64_t x;
	char a[32];

	if (json_int(c->j, v, 0, 1, &x, p) < 0)
		return -1;
	num(a, x);
	return add(c, p, CG_CPU, "cpu.idle", a, "cpu.idle", a, false); /* v1 too since 5.15 */
}

static int f_cpu(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "shares", f_cpu_shares }, { "quota", f_cpu_quota }, { "period", f_cpu_period },
		{ "burst", f_cpu_burst }, { "realtimeRuntime", f_cpu_rt_runtime },
		{ "realtimePeriod", f_cpu_rt_period }, { "cpus", f_cpu_cpus }, { "mems", f_cpu_mems },
		{ "idle", f_cpu_idle },
	};
	struct cpu_item q = { 0 };
	char field[128], a[32], b[64];

	if (walk_item(c, v, path, f, countof(f), &q) < 0)
		return -1;
	/* v1 has a file for each; v2 one, cpu.max "QUOTA [PERIOD]": written with the
	 * period (a leading space keeps the quota it has), or with the quota alone */
	b[0] = 0;
	if (q.has_quota)
		max_or(b, q.quota);
	if (q.has_period) {
		snprintf(field, sizeof field, "%s.period", path);
		num(a, q.period);
		snprintf(b + strlen(b), sizeof b - strlen(b), " %s", a);
		if (add(c, field, CG_CPU, "cpu.cfs_period_us", a, "cpu.max", b, false) < 0)
			return -1;
	}
	if (q.has_quota) {
		snprintf(field, sizeof field, "%s.quota", path);
		num(a, q.quota);
		if (add(c, field, CG_CPU, "cpu.cfs_quota_us", a, q.has_period ? "" : "cpu.max", b, false) < 0)
			return -1;
	}
	return 0;
}

/* ---- pids ---- */

static int f_pids_limit(struct pctx *c, int v, const char *p)
{
	int64_t x;
	char a[32];

	if (i64(c, v, p, &x) < 0)
		return -1;
	if (c->update && x == 0)
		return 0;
	max_or(a, x <= 0 ? -1 : x);
	return add(c, p, CG_PIDS, "pids.max", a, "pids.max", a, false);
}

static int f_pids(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "limit", f_pids_limit } };
	return walk_object(c, v, path, f, countof(f));
}

/* ---- blockIO ---- */

/* weight and leafWeight: 10..1000, 0 unset (docker sends it) */
static int blk_weight(struct pctx *c, int v, const char *p, const char *v1, const char *v2)
{
	int64_t x;
	char a[32];

	if (json_int(c->j, v, 0, 1000, &x, p) < 0)
		return -1;
	if (x == 0)
		return 0;
	if (x < 10)
		return failx("%s: %lld is outside [10, 1000]", p, (long long)x);
	num(a, x);
	return add(c, p, CG_BLKIO, v1, a, v2, v2 ? a : NULL, true);
}

static int f_blk_weight(struct pctx *c, int v, const char *p)
{
	return blk_weight(c, v, p, "blkio.weight", "io.bfq.weight");
}

static int f_blk_leaf(struct pctx *c, int v, const char *p)
{
	return blk_weight(c, v, p, "blkio.leaf_weight", NULL);
}

/* a weightDevice or throttle entry */
struct blkdev_item {
	int64_t major, minor, weight;
	uint64_t rate;
};
static struct blkdev_item *blkdev_of(const struct pctx *c) { return c->item; }
static int f_d_major(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfff, &blkdev_of(c)->major, p); }
static int f_d_minor(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfffff, &blkdev_of(c)->minor, p); }
static int f_d_rate(struct pctx *c, int v, const char *p) { return u64(c, v, p, &blkdev_of(c)->rate); }
static int f_d_weight(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 10, 1000, &blkdev_of(c)->weight, p); }

static int block_device(struct pctx *c, int v, const char *path, const struct field *f, size_t nf,
			struct blkdev_item *d)
{
	*d = (struct blkdev_item){ .major = -1, .minor = -1 };
	if (walk_item(c, v, path, f, nf, d) < 0)
		return -1;
	if (d->major < 0 || d->minor < 0)
		return failx("%s: major and minor are required", path);
	return 0;
}

static int e_weight_device(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "major", f_d_major }, { "minor", f_d_minor }, { "weight", f_d_weight },
					  { "leafWeight", f_d_weight } };
	struct blkdev_item d;
	char a[64];

	(void)idx;
	if (block_device(c, v, path, f, countof(f), &d) < 0)
		return -1;
	if (!d.weight)
		return 0;
	snprintf(a, sizeof a, "%lld:%lld %lld", (long long)d.major, (long long)d.minor, (long long)d.weight);
	return add(c, path, CG_BLKIO, "blkio.weight_device", a, "io.bfq.weight", a, true);
}

/* the item of a throttle array: its v1 file and v2 io.max key */
struct throttle {
	const char *v1_file, *v2_key;
};

static int e_throttle(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "major", f_d_major }, { "minor", f_d_minor }, { "rate", f_d_rate } };
	const struct throttle *t = c->item;
	struct blkdev_item d;
	char a[64], b[96];

	(void)idx;
	if (block_device(c, v, path, f, countof(f), &d) < 0)
		return -1;
	snprintf(a, sizeof a, "%lld:%lld %llu", (long long)d.major, (long long)d.minor, (unsigned long long)d.rate);
	snprintf(b, sizeof b, "%lld:%lld %s=%s", (long long)d.major, (long long)d.minor, t->v2_key,
		 d.rate ? a + strcspn(a, " ") + 1 : "max");
	return add(c, path, CG_BLKIO, t->v1_file, a, "io.max", b, false);
}

#define THROTTLE(fn, v1, key)                                                     \
	static int fn(struct pctx *c, int v, const char *p)                       \
	{                                                                         \
		static const struct throttle t = { v1, key };                     \
		struct pctx sub = *c;                                             \
		sub.item = (void *)&t;                                            \
		return walk_array(&sub, v, p, e_throttle);                        \
	}
THROTTLE(f_thr_rbps, "blkio.throttle.read_bps_device", "rbps")
THROTTLE(f_thr_wbps, "blkio.throttle.write_bps_device", "wbps")
THROTTLE(f_thr_riops, "blkio.throttle.read_iops_device", "riops")
THROTTLE(f_thr_wiops, "blkio.throttle.write_iops_device", "wiops")

static int f_weight_devices(struct pctx *c, int v, const char *p)
{
	return walk_array(c, v, p, e_weight_device);
}

static int f_blockio(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "weight", f_blk_weight }, { "leafWeight", f_blk_leaf }, { "weightDevice", f_weight_devices },
		{ "throttleReadBpsDevice", f_thr_rbps }, { "throttleWriteBpsDevice", f_thr_wbps },
		{ "throttleReadIOPSDevice", f_thr_riops }, { "throttleWriteIOPSDevice", f_thr_wiops },
	};
	return walk_object(c, v, path, f, countof(f));
}

/* ---- hugetlb, network, rdma, unified ---- */

struct huge_item {
	const char *size;
	uint64_t limit;
	bool has_limit;
};
static struct huge_item *huge_of(const struct pctx *c) { return c->item; }

static int f_page_size(struct pctx *c, int v, const char *path)
{
	const char *e, **size = &huge_of(c)->size;

	if (str_field(c, v, path, size) < 0)
		return -1;
	for (e = *size; *e >= '0' && *e <= '9'; e++)
		;
	if ((*size)[0] < '1' || (*size)[0] > '9' || !*e || !strchr("KMG", *e) || strcmp(e + 1, "B") != 0)
		return failx("%s: \"%s\" is not a page size like 2MB", path, *size);
	return 0;
}

static int f_huge_limit(struct pctx *c, int v, const char *p)
{
	huge_of(c)->has_limit = true;
	return u64(c, v, p, &huge_of(c)->limit);
}

static int e_hugepage(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "pageSize", f_page_size }, { "limit", f_huge_limit } };
	struct huge_item h = { 0 };
	char f1[64], f2[64], a[32];

	(void)idx;
	if (walk_item(c, v, path, f, countof(f), &h) < 0)
		return -1;
	if (!h.size || !h.has_limit)
		return failx("%s: pageSize and limit are required", path);
	if (path_fmt(f1, sizeof f1, "hugetlb.%s.limit_in_bytes", h.size) < 0 ||
	    path_fmt(f2, sizeof f2, "hugetlb.%s.max", h.size) < 0)
		return failx("%s: %s", path, last_error());
	num(a, h.limit);
	return add(c, path, CG_HUGETLB, arena_strndup(&c->s->arena, f1, strlen(f1)), a,
		   arena_strndup(&c->s->arena, f2, strlen(f2)), a, false);
}

static int f_hugepages(struct pctx *c, int v, const char *path)
{
	return walk_array(c, v, path, e_hugepage);
}

static int f_classid(struct pctx *c, int v, const char *p)
{
	uint32_t x;
	char a[32];

	if (u32_field(c, v, p, &x) < 0)
		return -1;
	num(a, x);
	return add(c, p, CG_NET_CLS, "net_cls.classid", a, NULL, NULL, false);
}

struct prio_item {
	const char *name;
	uint32_t value;
};
static struct prio_item *prio_of(const struct pctx *c) { return c->item; }
static int f_prio_name(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &prio_of(c)->name); }
static int f_prio_prio(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &prio_of(c)->value); }

static int e_priority(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "name", f_prio_name }, { "priority", f_prio_prio } };
	struct prio_item pr = { 0 };
	char a[64];

	(void)idx;
	if (walk_item(c, v, path, f, countof(f), &pr) < 0)
		return -1;
	if (!pr.name || !*pr.name || strchr(pr.name, ' ') || strlen(pr.name) > 15)
		return failx("%s.name: an interface name is required", path);
	snprintf(a, sizeof a, "%s %u", pr.name, pr.value);
	return add(c, path, CG_NET_PRIO, "net_prio.ifpriomap", a, NULL, NULL, false);
}

static int f_priorities(struct pctx *c, int v, const char *p)
{
	return walk_array(c, v, p, e_priority);
}

static int f_network(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "classID", f_classid }, { "priorities", f_priorities } };
	return walk_object(c, v, path, f, countof(f));
}

struct rdma_item {
	uint32_t handles, objects;
	bool has_h, has_o;
};
static struct rdma_item *rdma_of(const struct pctx *c) { return c->item; }
static int f_rdma_h(struct pctx *c, int v, const char *p)
{
	rdma_of(c)->has_h = true;
	return u32_field(c, v, p, &rdma_of(c)->handles);
}
static int f_rdma_o(struct pctx *c, int v, const char *p)
{
	rdma_of(c)->has_o = true;
	return u32_field(c, v, p, &rdma_of(c)->objects);
}

static int m_rdma(struct pctx *c, int k, int v, const char *path)
{
	static const struct field f[] = { { "hcaHandles", f_rdma_h }, { "hcaObjects", f_rdma_o } };
	struct rdma_item r = { 0 };
	const char *dev;
	char a[128];
	int n;

	if (str_field(c, k, path, &dev) < 0 || walk_item(c, v, path, f, countof(f), &r) < 0)
		return -1;
	/* a long device name must not push n past a (found by fuzzing) */
	if (strlen(dev) > 64)
		return failx("%s: device name \"%.20s...\" too long", path, dev);
	n = snprintf(a, sizeof a, "%s", dev);
	if (r.has_h)
		n += snprintf(a + n, sizeof a - n, " hca_handle=%u", r.handles);
	if (r.has_o)
		snprintf(a + n, sizeof a - n, " hca_object=%u", r.objects);
	return add(c, path, CG_RDMA, "rdma.max", a, "rdma.max", a, false);
}

static int f_rdma(struct pctx *c, int v, const char *path)
{
	return walk_map(c, v, path, m_rdma);
}

static int m_unified(struct pctx *c, int k, int v, const char *path)
{
	const char *key, *value;

	if (str_field(c, k, path, &key) < 0 || str_field(c, v, path, &value) < 0)
		return -1;
	if (!*key || strchr(key, '/') || key[0] == '.')
		return failx("%s: not a cgroup file name", path);
	return add(c, path, CG_UNIFIED, NULL, NULL, key, value, false);
}

static int f_unified(struct pctx *c, int v, const char *path)
{
	return walk_map(c, v, path, m_unified);
}

/* ---- devices ---- */

static struct dev_rule *rule_of(const struct pctx *c) { return c->item; }
static int f_r_allow(struct pctx *c, int v, const char *p) { return json_bool(c->j, v, &rule_of(c)->allow, p); }
static int f_r_major(struct pctx *c, int v, const char *p) { return json_int(c->j, v, -1, 0xfff, &rule_of(c)->major, p); }
static int f_r_minor(struct pctx *c, int v, const char *p) { return json_int(c->j, v, -1, 0xfffff, &rule_of(c)->minor, p); }

static int f_r_type(struct pctx *c, int v, const char *path)
{
	static const char *const names[] = { "a", "c", "b" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	rule_of(c)->type = names[x][0];
	return 0;
}

static int f_r_access(struct pctx *c, int v, const char *path)
{
	const char *s;

	if (str_field(c, v, path, &s) < 0)
		return -1;
	rule_of(c)->access = 0;
	for (; *s; s++) {
		unsigned bit = *s == 'r' ? DEV_READ : *s == 'w' ? DEV_WRITE : *s == 'm' ? DEV_MKNOD : 0;
		if (!bit)
			return failx("%s: '%c' is not one of r, w, m", path, *s);
		rule_of(c)->access |= bit;
	}
	return 0;
}

static int e_dev_rule(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "allow", f_r_allow }, { "type", f_r_type }, { "major", f_r_major },
					  { "minor", f_r_minor }, { "access", f_r_access } };
	struct dev_rule *r = &c->res->dev[idx];

	r->type = 'a';
	r->major = r->minor = -1;
	r->access = DEV_READ | DEV_WRITE | DEV_MKNOD;
	return walk_item(c, v, path, f, countof(f), r);
}

static int f_devices(struct pctx *c, int v, const char *path)
{
	c->res->has_devices = true;
	return object_array(c, v, path, &c->res->dev, sizeof *c->res->dev, &c->res->ndev, e_dev_rule);
}

int resources_parse(struct pctx *c, int v, const char *path, struct resources *r, bool for_update)
{
	static const struct field f[] = {
		{ "memory", f_memory }, { "cpu", f_cpu }, { "pids", f_pids }, { "blockIO", f_blockio },
		{ "hugepageLimits", f_hugepages }, { "network", f_network }, { "rdma", f_rdma },
		{ "unified", f_unified }, { "devices", f_devices },
	};
	struct pctx sub = *c;

	sub.res = r;
	sub.update = for_update;
	r->set = true;
	return walk_object(&sub, v, path, f, countof(f));
}

/* `grid update --resources FILE`: a LinuxResources object on its own. */
int resources_parse_document(struct spec *s, const char *text, size_t len, const char *what)
{
	struct json j;
	struct pctx c = { .j = &j, .s = s };
	int ret;

	memset(s, 0, sizeof *s);
	if (json_parse(&j, text, len, what) < 0)
		return -1;
	ret = resources_parse(&c, 0, "resources", &s->res, true);
	json_free(&j);
	if (ret < 0) {
		failx("%s: %s", what, last_error());
		spec_free(s);
	}
	return ret;
}
