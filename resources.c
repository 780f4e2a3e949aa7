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
#include "grid.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "spec.h"

static struct resources *R;  /* the resources being parsed */
static bool update_mode;     /* `update`: a zero means "leave unchanged" (docker sends zeros) */

static int add(struct pctx *c, const char *field, enum cg_ctrl ctrl, const char *f1, const char *v1,
	       const char *f2, const char *v2, bool optional)
{
	struct cg_write *w;

	if (R->nw % 16 == 0) {
		struct cg_write *n = arena_alloc(&c->s->arena, (R->nw + 16) * sizeof *n);
		if (!n)
			return -1;
		if (R->nw)
			memcpy(n, R->w, R->nw * sizeof *n);
		R->w = n;
	}
	w = &R->w[R->nw++];
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
	if (update_mode && x == 0)
		return 0;
	num(a, x);
	max_or(b, x);
	return add(c, p, ctrl, f1, a, f2, f2 ? b : NULL, optional);
}

/* ---- memory ---- */

static bool mem_has_limit;
static int64_t mem_limit;

static int f_mem_limit(struct pctx *c, int v, const char *p)
{
	char a[32], b[32];

	if (i64(c, v, p, &mem_limit) < 0)
		return -1;
	if (update_mode && mem_limit == 0)
		return 0;
	mem_has_limit = true;
	num(a, mem_limit);
	max_or(b, mem_limit);
	return add(c, p, CG_MEMORY, "memory.limit_in_bytes", a, "memory.max", b, false);
}

static int f_mem_reservation(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_MEMORY, "memory.soft_limit_in_bytes", "memory.low", false);
}

static int64_t mem_swap;
static bool mem_has_swap;
static char mem_swap_field[128];

static int f_mem_swap(struct pctx *c, int v, const char *p)
{
	if (i64(c, v, p, &mem_swap) < 0)
		return -1;
	mem_has_swap = !(update_mode && mem_swap == 0);
	snprintf(mem_swap_field, sizeof mem_swap_field, "%s", p);
	return 0;
}

/* swap is memory+swap on v1, swap alone on v2: it needs the limit */
static int mem_swap_write(struct pctx *c)
{
	char a[32], b[32];

	if (!mem_has_swap)
		return 0;
	if (mem_swap >= 0 && mem_has_limit && mem_limit >= 0 && mem_swap < mem_limit)
		return failx("%s: %lld is below memory.limit %lld (swap counts memory plus swap)", mem_swap_field,
			     (long long)mem_swap, (long long)mem_limit);
	num(a, mem_swap);
	if (mem_swap < 0)
		strcpy(b, "max");
	else if (mem_has_limit && mem_limit >= 0)
		num(b, mem_swap - mem_limit);
	else if (update_mode) /* `docker update --memory-swap` alone: v1 needs only the total */
		return add(c, mem_swap_field, CG_MEMORY, "memory.memsw.limit_in_bytes", a, NULL, NULL, false);
	else
		return failx("%s: needs memory.limit on cgroup v2 hosts too; set both", mem_swap_field);
	return add(c, mem_swap_field, CG_MEMORY, "memory.memsw.limit_in_bytes", a, "memory.swap.max", b, false);
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
	uint64_t x;
	char a[32];

	if (u64(c, v, p, &x) < 0)
		return -1;
	if (x > 100)
		return failx("%s: %llu is above 100", p, (unsigned long long)x);
	num(a, x);
	return add(c, p, CG_MEMORY, "memory.swappiness", a, NULL, NULL, true);
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

	mem_has_limit = mem_has_swap = false;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	return mem_swap_write(c);
}

/* ---- cpu, cpuset ---- */

static int64_t cpu_quota;
static uint64_t cpu_period;
static bool cpu_has_quota, cpu_has_period;

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

static int f_cpu_quota(struct pctx *c, int v, const char *p)
{
	if (i64(c, v, p, &cpu_quota) < 0)
		return -1;
	cpu_has_quota = !(update_mode && cpu_quota == 0);
	return 0;
}

static int f_cpu_period(struct pctx *c, int v, const char *p)
{
	if (u64(c, v, p, &cpu_period) < 0)
		return -1;
	cpu_has_period = !(update_mode && cpu_period == 0);
	return 0;
}

static int f_cpu_burst(struct pctx *c, int v, const char *p)
{
	uint64_t x;
	char a[32];

	if (u64(c, v, p, &x) < 0)
		return -1;
	num(a, x);
	return add(c, p, CG_CPU, "cpu.cfs_burst_us", a, "cpu.max.burst", a, false);
}

static int f_cpu_rt_runtime(struct pctx *c, int v, const char *p)
{
	return int_write(c, v, p, CG_CPU, "cpu.rt_runtime_us", NULL, false);
}

static int f_cpu_rt_period(struct pctx *c, int v, const char *p)
{
	uint64_t x;
	char a[32];

	if (u64(c, v, p, &x) < 0)
		return -1;
	if (update_mode && x == 0)
		return 0;
	num(a, x);
	return add(c, p, CG_CPU, "cpu.rt_period_us", a, NULL, NULL, false);
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
	char field[128], a[32], b[64];

	cpu_has_quota = cpu_has_period = false;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (cpu_has_period) {
		snprintf(field, sizeof field, "%s.period", path);
		num(a, cpu_period);
		if (add(c, field, CG_CPU, "cpu.cfs_period_us", a, NULL, NULL, false) < 0)
			return -1;
	}
	if (cpu_has_quota || cpu_has_period) {
		/* v2 writes both at once: "max 100000" */
		snprintf(field, sizeof field, "%s.quota", path);
		num(a, cpu_quota);
		if (!cpu_has_quota)
			strcpy(b, "max");
		else
			max_or(b, cpu_quota);
		snprintf(b + strlen(b), sizeof b - strlen(b), " %llu",
			 (unsigned long long)(cpu_has_period ? cpu_period : 100000));
		if (add(c, field, CG_CPU, cpu_has_quota ? "cpu.cfs_quota_us" : NULL, a, "cpu.max", b, false) < 0)
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
	if (update_mode && x == 0)
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

static int f_blk_weight(struct pctx *c, int v, const char *p)
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
	return add(c, p, CG_BLKIO, "blkio.weight", a, "io.bfq.weight", a, true);
}

static int f_blk_leaf(struct pctx *c, int v, const char *p)
{
	int64_t x;
	char a[32];

	if (json_int(c->j, v, 0, 1000, &x, p) < 0)
		return -1;
	if (x == 0)
		return 0;
	num(a, x);
	return add(c, p, CG_BLKIO, "blkio.leaf_weight", a, NULL, NULL, true);
}

static int64_t dev_major, dev_minor;
static uint64_t dev_rate;
static int64_t dev_weight;
static int f_d_major(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfff, &dev_major, p); }
static int f_d_minor(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfffff, &dev_minor, p); }
static int f_d_rate(struct pctx *c, int v, const char *p) { return u64(c, v, p, &dev_rate); }
static int f_d_weight(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 10, 1000, &dev_weight, p); }

static int block_device(struct pctx *c, int v, const char *path, const struct field *f, size_t nf)
{
	dev_major = dev_minor = -1;
	dev_weight = 0;
	if (walk_object(c, v, path, f, nf) < 0)
		return -1;
	if (dev_major < 0 || dev_minor < 0)
		return failx("%s: major and minor are required", path);
	return 0;
}

static int e_weight_device(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "major", f_d_major }, { "minor", f_d_minor }, { "weight", f_d_weight },
					  { "leafWeight", f_d_weight } };
	char a[64];

	(void)idx;
	if (block_device(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!dev_weight)
		return 0;
	snprintf(a, sizeof a, "%lld:%lld %lld", (long long)dev_major, (long long)dev_minor, (long long)dev_weight);
	return add(c, path, CG_BLKIO, "blkio.weight_device", a, "io.bfq.weight", a, true);
}

static const char *throttle_v1_file, *throttle_v2_key;
static int e_throttle(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "major", f_d_major }, { "minor", f_d_minor }, { "rate", f_d_rate } };
	char a[64], b[96];

	(void)idx;
	dev_rate = 0;
	if (block_device(c, v, path, f, countof(f)) < 0)
		return -1;
	snprintf(a, sizeof a, "%lld:%lld %llu", (long long)dev_major, (long long)dev_minor,
		 (unsigned long long)dev_rate);
	snprintf(b, sizeof b, "%lld:%lld %s=%s", (long long)dev_major, (long long)dev_minor, throttle_v2_key,
		 dev_rate ? a + strcspn(a, " ") + 1 : "max");
	return add(c, path, CG_BLKIO, throttle_v1_file, a, "io.max", b, false);
}

#define THROTTLE(fn, v1, key)                                                     \
	static int fn(struct pctx *c, int v, const char *p)                       \
	{                                                                         \
		throttle_v1_file = v1;                                            \
		throttle_v2_key = key;                                            \
		return walk_array(c, v, p, e_throttle);                           \
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

static const char *huge_size;
static uint64_t huge_limit;
static bool huge_has_limit;

static int f_page_size(struct pctx *c, int v, const char *path)
{
	const char *e;

	if (str_field(c, v, path, &huge_size) < 0)
		return -1;
	for (e = huge_size; *e >= '0' && *e <= '9'; e++)
		;
	if (huge_size[0] < '1' || huge_size[0] > '9' || !*e || !strchr("KMG", *e) || strcmp(e + 1, "B") != 0)
		return failx("%s: \"%s\" is not a page size like 2MB", path, huge_size);
	return 0;
}

static int f_huge_limit(struct pctx *c, int v, const char *p)
{
	huge_has_limit = true;
	return u64(c, v, p, &huge_limit);
}

static int e_hugepage(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "pageSize", f_page_size }, { "limit", f_huge_limit } };
	char f1[64], f2[64], a[32];

	(void)idx;
	huge_size = NULL;
	huge_has_limit = false;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!huge_size || !huge_has_limit)
		return failx("%s: pageSize and limit are required", path);
	snprintf(f1, sizeof f1, "hugetlb.%s.limit_in_bytes", huge_size);
	snprintf(f2, sizeof f2, "hugetlb.%s.max", huge_size);
	num(a, huge_limit);
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

static const char *prio_name;
static uint32_t prio_value;
static int f_prio_name(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &prio_name); }
static int f_prio_prio(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &prio_value); }

static int e_priority(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "name", f_prio_name }, { "priority", f_prio_prio } };
	char a[64];

	(void)idx;
	prio_name = NULL;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!prio_name || !*prio_name || strchr(prio_name, ' ') || strlen(prio_name) > 15)
		return failx("%s.name: an interface name is required", path);
	snprintf(a, sizeof a, "%s %u", prio_name, prio_value);
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

static uint32_t rdma_handles, rdma_objects;
static bool rdma_has_h, rdma_has_o;
static int f_rdma_h(struct pctx *c, int v, const char *p) { rdma_has_h = true; return u32_field(c, v, p, &rdma_handles); }
static int f_rdma_o(struct pctx *c, int v, const char *p) { rdma_has_o = true; return u32_field(c, v, p, &rdma_objects); }

static int m_rdma(struct pctx *c, int k, int v, const char *path)
{
	static const struct field f[] = { { "hcaHandles", f_rdma_h }, { "hcaObjects", f_rdma_o } };
	const char *dev;
	char a[128];
	int n;

	rdma_has_h = rdma_has_o = false;
	if (str_field(c, k, path, &dev) < 0 || walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	/* a long device name must not push n past a (found by fuzzing) */
	if (strlen(dev) > 64)
		return failx("%s: device name \"%.20s...\" too long", path, dev);
	n = snprintf(a, sizeof a, "%s", dev);
	if (rdma_has_h)
		n += snprintf(a + n, sizeof a - n, " hca_handle=%u", rdma_handles);
	if (rdma_has_o)
		snprintf(a + n, sizeof a - n, " hca_object=%u", rdma_objects);
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

static struct dev_rule *cur_rule;
static int f_r_allow(struct pctx *c, int v, const char *p) { return json_bool(c->j, v, &cur_rule->allow, p); }
static int f_r_major(struct pctx *c, int v, const char *p) { return json_int(c->j, v, -1, 0xfff, &cur_rule->major, p); }
static int f_r_minor(struct pctx *c, int v, const char *p) { return json_int(c->j, v, -1, 0xfffff, &cur_rule->minor, p); }

static int f_r_type(struct pctx *c, int v, const char *path)
{
	static const char *const names[] = { "a", "c", "b" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	cur_rule->type = names[x][0];
	return 0;
}

static int f_r_access(struct pctx *c, int v, const char *path)
{
	const char *s;

	if (str_field(c, v, path, &s) < 0)
		return -1;
	cur_rule->access = 0;
	for (; *s; s++) {
		unsigned bit = *s == 'r' ? DEV_READ : *s == 'w' ? DEV_WRITE : *s == 'm' ? DEV_MKNOD : 0;
		if (!bit)
			return failx("%s: '%c' is not one of r, w, m", path, *s);
		cur_rule->access |= bit;
	}
	return 0;
}

static int e_dev_rule(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "allow", f_r_allow }, { "type", f_r_type }, { "major", f_r_major },
					  { "minor", f_r_minor }, { "access", f_r_access } };

	cur_rule = &R->dev[idx];
	cur_rule->type = 'a';
	cur_rule->major = cur_rule->minor = -1;
	cur_rule->access = DEV_READ | DEV_WRITE | DEV_MKNOD;
	return walk_object(c, v, path, f, countof(f));
}

static int f_devices(struct pctx *c, int v, const char *path)
{
	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array", path);
	R->dev = arena_alloc(&c->s->arena, (tok(c, v)->size + 1) * sizeof *R->dev);
	if (!R->dev)
		return -1;
	R->ndev = tok(c, v)->size;
	R->has_devices = true;
	return walk_array(c, v, path, e_dev_rule);
}

int resources_parse(struct pctx *c, int v, const char *path, struct resources *r, bool for_update)
{
	static const struct field f[] = {
		{ "memory", f_memory }, { "cpu", f_cpu }, { "pids", f_pids }, { "blockIO", f_blockio },
		{ "hugepageLimits", f_hugepages }, { "network", f_network }, { "rdma", f_rdma },
		{ "unified", f_unified }, { "devices", f_devices },
	};

	R = r;
	update_mode = for_update;
	r->set = true;
	return walk_object(c, v, path, f, countof(f));
}

/* `grid update --resources FILE`: a LinuxResources object on its own. */
int resources_parse_document(struct spec *s, const char *text, size_t len, const char *what)
{
	struct json j;
	struct pctx c = { &j, s };
	int ret;

	memset(s, 0, sizeof *s);
	if (json_parse(&j, text, len, what) < 0)
		return -1;
	ret = resources_parse(&c, 0, "resources", &s->res, true);
	json_free(&j);
	if (ret < 0) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s: %s", what, last_error());
		set_error_text(msg);
		spec_free(s);
	}
	return ret;
}
