/* spec.c - config.json becomes one plain struct spec in a single pass over
 * jsmn's tokens; nothing after this file touches JSON. Unknown properties are
 * ignored (config.md requires it); known ones are type-checked and each error
 * names the field; every field Grid accepts it enforces. Also owns the
 * arena every string of the spec lives in, and the default config `grid spec`
 * writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "json.h"
#include "mountopt.h"
#include "parse.h"
#include "spec.h"
#include "util.h"

/* ---- the walker ---- */

const jsmntok_t *tok(struct pctx *c, int i)
{
	return &c->j->tok[i];
}

bool is_null(struct pctx *c, int i)
{
	return tok(c, i)->type == JSMN_PRIMITIVE && c->j->text[tok(c, i)->start] == 'n';
}

/* Field paths for error messages ("process.env[3]"), built for every field
 * and element parsed: plain copies, not snprintf (a tenth of a run's
 * instructions went there). Truncated to size - 1 as snprintf would. */
static void path_cat(char *out, size_t size, const char *path, const char *sep, const char *name, size_t n)
{
	size_t len = 0;
	const char *parts[3] = { path, sep, name };
	size_t lens[3] = { strlen(path), strlen(sep), n };

	for (int i = 0; i < 3; i++) {
		size_t k = lens[i] < size - 1 - len ? lens[i] : size - 1 - len;
		memcpy(out + len, parts[i], k);
		len += k;
	}
	out[len] = 0;
}

void child_path(char *out, size_t size, const char *path, const char *name)
{
	path_cat(out, size, path, *path ? "." : "", name, strlen(name));
}

static void index_path(char *out, size_t size, const char *path, int i)
{
	char num[16], *p = num + sizeof num;

	*--p = 0;
	*--p = ']';
	do
		*--p = '0' + i % 10;
	while ((i /= 10) > 0);
	path_cat(out, size, path, "[", p, num + sizeof num - 1 - p);
}

struct key {
	const char *text;
	int len;
};

static int cmp_keys(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int r = memcmp(x->text, y->text, x->len < y->len ? x->len : y->len);

	return r ? r : x->len - y->len;
}

/* A key twice in one object is refused: readers disagree on which one
 * counts (first or last), which a hostile config could play on. Keys are
 * compared as written, in O(n log n) however many there are. */
static int no_duplicate_keys(struct pctx *c, int i, const char *path)
{
	int n = tok(c, i)->size, k = i + 1, ret = 0;
	struct key *keys;

	if (n < 2)
		return 0;
	keys = mem_grow(NULL, n, sizeof *keys);
	if (!keys)
		return -1;
	for (int x = 0; x < n; x++, k = json_skip(c->j, k + 1))
		keys[x] = (struct key){ c->j->text + tok(c, k)->start, tok(c, k)->end - tok(c, k)->start };
	sort(keys, n, sizeof *keys, cmp_keys);
	for (int x = 1; x < n && ret == 0; x++)
		if (!cmp_keys(&keys[x - 1], &keys[x]))
			ret = failx("%s: duplicate key \"%.*s\"", *path ? path : "config",
				    keys[x].len > 64 ? 64 : keys[x].len, keys[x].text);
	free(keys);
	return ret;
}

int walk_object(struct pctx *c, int i, const char *path, const struct field *f, size_t nf)
{
	int k = i + 1;

	if (tok(c, i)->type != JSMN_OBJECT)
		return failx("%s: expected an object", *path ? path : "config");
	if (no_duplicate_keys(c, i, path) < 0)
		return -1;
	for (int n = 0; n < tok(c, i)->size; n++) {
		int v = k + 1;
		for (size_t x = 0; x < nf; x++) {
			char sub[256];
			if (!json_eq(c->j, k, f[x].name) || is_null(c, v))
				continue;
			child_path(sub, sizeof sub, path, f[x].name);
			if (f[x].fn(c, v, sub) < 0)
				return -1;
		}
		k = json_skip(c->j, v);
	}
	return 0;
}

int walk_item(struct pctx *c, int i, const char *path, const struct field *f, size_t nf, void *item)
{
	struct pctx sub = *c;

	sub.item = item;
	return walk_object(&sub, i, path, f, nf);
}

int walk_array(struct pctx *c, int i, const char *path, elem_fn fn)
{
	int k = i + 1;

	if (tok(c, i)->type != JSMN_ARRAY)
		return failx("%s: expected an array", path);
	for (int n = 0; n < tok(c, i)->size; n++) {
		char sub[256];
		index_path(sub, sizeof sub, path, n);
		if (fn(c, k, sub, n) < 0)
			return -1;
		k = json_skip(c->j, k);
	}
	return 0;
}

/* Calls fn for each key/value of a JSON object used as a map. */
int walk_map(struct pctx *c, int i, const char *path, map_fn fn)
{
	int k = i + 1;

	if (tok(c, i)->type != JSMN_OBJECT)
		return failx("%s: expected an object", path);
	if (no_duplicate_keys(c, i, path) < 0)
		return -1;
	for (int n = 0; n < tok(c, i)->size; n++) {
		char sub[256];
		path_cat(sub, sizeof sub, path, ".", c->j->text + tok(c, k)->start,
			 tok(c, k)->end - tok(c, k)->start);
		if (fn(c, k, k + 1, sub) < 0)
			return -1;
		k = json_skip(c->j, k + 1);
	}
	return 0;
}

int str_field(struct pctx *c, int v, const char *path, const char **out)
{
	*out = json_string(c->j, v, &c->s->arena, path);
	return *out ? 0 : -1;
}

int str_array(struct pctx *c, int v, const char *path, const char ***out, size_t *n)
{
	const char **arr;

	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array of strings", path);
	arr = arena_alloc(&c->s->arena, (tok(c, v)->size + 1) * sizeof *arr);
	if (!arr)
		return -1;
	for (int x = 0, k = v + 1; x < tok(c, v)->size; x++, k = json_skip(c->j, k)) {
		char sub[256];
		index_path(sub, sizeof sub, path, x);
		if (str_field(c, k, sub, &arr[x]) < 0)
			return -1;
	}
	*out = arr;
	*n = tok(c, v)->size;
	return 0;
}

int u32_field(struct pctx *c, int v, const char *path, uint32_t *out)
{
	int64_t x;

	if (json_int(c->j, v, 0, UINT32_MAX, &x, path) < 0)
		return -1;
	*out = x;
	return 0;
}

/* A uid or gid: 0..2147483647, as runc. (uid_t)-1 is "unchanged" to
 * setresuid and setgroups, so 4294967295 would leave the process root. */
static int id_field(struct pctx *c, int v, const char *path, uint32_t *out)
{
	int64_t x;

	if (json_int(c->j, v, 0, UINT32_MAX, &x, path) < 0)
		return -1;
	if (x > INT32_MAX)
		return failx("%s: %lld is out of range: uids and gids must be in 0..2147483647", path, (long long)x);
	*out = x;
	return 0;
}

int object_array(struct pctx *c, int v, const char *path, void *out, size_t elem, size_t *n, elem_fn fn)
{
	void *arr;

	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array", path);
	arr = arena_alloc(&c->s->arena, (tok(c, v)->size + 1) * elem);
	if (!arr)
		return -1;
	memcpy(out, &arr, sizeof arr);
	*n = tok(c, v)->size;
	return walk_array(c, v, path, fn);
}

/* ---- root, process ---- */

static int f_root_path(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->root_path); }
static int f_root_ro(struct pctx *c, int v, const char *p) { return json_bool(c->j, v, &c->s->root_readonly, p); }

static int f_root(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "path", f_root_path }, { "readonly", f_root_ro } };

	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!c->s->root_path || !*c->s->root_path)
		return failx("%s.path: required", path);
	return 0;
}

static int f_terminal(struct pctx *c, int v, const char *p) { return json_bool(c->j, v, &c->s->proc.terminal, p); }
static int f_cwd(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->proc.cwd); }
static int f_args(struct pctx *c, int v, const char *p) { return str_array(c, v, p, &c->s->proc.args, &c->s->proc.nargs); }
static int f_env(struct pctx *c, int v, const char *p) { return str_array(c, v, p, &c->s->proc.env, &c->s->proc.nenv); }
static int f_nnp(struct pctx *c, int v, const char *p) { return json_bool(c->j, v, &c->s->proc.no_new_privileges, p); }

static int f_oom(struct pctx *c, int v, const char *p)
{
	int64_t x;

	if (json_int(c->j, v, -1000, 1000, &x, p) < 0)
		return -1;
	c->s->proc.oom_score_adj = x;
	c->s->proc.has_oom_score_adj = true;
	return 0;
}

static int f_height(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &c->s->proc.console_height); }
static int f_width(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &c->s->proc.console_width); }

static int f_console_size(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "height", f_height }, { "width", f_width } };
	return walk_object(c, v, path, f, countof(f));
}

static int f_uid(struct pctx *c, int v, const char *p) { return id_field(c, v, p, &c->s->proc.uid); }
static int f_gid(struct pctx *c, int v, const char *p) { return id_field(c, v, p, &c->s->proc.gid); }

static int f_umask(struct pctx *c, int v, const char *p)
{
	int64_t x;

	if (json_int(c->j, v, 0, 07777, &x, p) < 0)
		return -1;
	c->s->proc.umask = x;
	return 0;
}

static int f_gids(struct pctx *c, int v, const char *path)
{
	struct spec *s = c->s;

	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array of integers", path);
	s->proc.groups = arena_alloc(&s->arena, (tok(c, v)->size + 1) * sizeof *s->proc.groups);
	if (!s->proc.groups)
		return -1;
	for (int x = 0, k = v + 1; x < tok(c, v)->size; x++, k = json_skip(c->j, k)) {
		char sub[256];
		index_path(sub, sizeof sub, path, x);
		if (id_field(c, k, sub, &s->proc.groups[x]) < 0)
			return -1;
	}
	s->proc.ngroups = tok(c, v)->size;
	return 0;
}

static int f_ignore(struct pctx *c, int v, const char *p)
{
	(void)c, (void)v, (void)p;
	return 0;
}

static int f_user(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "uid", f_uid }, { "gid", f_gid }, { "umask", f_umask },
		{ "additionalGids", f_gids }, { "username", f_ignore },
	};
	return walk_object(c, v, path, f, countof(f));
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static struct rlimit_spec *rlimit_of(const struct pctx *c) { return c->item; }
static int f_rl_type(struct pctx *c, int v, const char *path)
{
	for (size_t x = 0; x < countof(rlimit_names); x++) {
		if (json_eq(c->j, v, rlimit_names[x].name)) {
			rlimit_of(c)->resource = rlimit_names[x].resource;
			return 0;
		}
	}
	return failx("%s: unknown rlimit type %.*s", path, tok(c, v)->end - tok(c, v)->start,
		     c->j->text + tok(c, v)->start);
}
static int f_rl_soft(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &rlimit_of(c)->soft, p); }
static int f_rl_hard(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &rlimit_of(c)->hard, p); }

static int e_rlimit(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "type", f_rl_type }, { "soft", f_rl_soft }, { "hard", f_rl_hard } };
	struct rlimit_spec *r = &c->s->proc.rlimits[idx];

	r->resource = -1;
	if (walk_item(c, v, path, f, countof(f), r) < 0)
		return -1;
	if (r->resource < 0)
		return failx("%s.type: required", path);
	for (size_t i = 0; i < idx; i++)
		if (c->s->proc.rlimits[i].resource == r->resource)
			return failx("%s.type: listed twice (also process.rlimits[%zu])", path, i);
	if (r->soft > r->hard)
		return failx("%s: soft limit %llu is above hard limit %llu", path,
			     (unsigned long long)r->soft, (unsigned long long)r->hard);
	return 0;
}

static int f_rlimits(struct pctx *c, int v, const char *path)
{
	return object_array(c, v, path, &c->s->proc.rlimits, sizeof *c->s->proc.rlimits, &c->s->proc.nrlimits, e_rlimit);
}

static const char *const cap_set_names[CAP_SETS] = {
	[CAPS_BOUNDING] = "bounding", [CAPS_EFFECTIVE] = "effective", [CAPS_INHERITABLE] = "inheritable",
	[CAPS_PERMITTED] = "permitted", [CAPS_AMBIENT] = "ambient",
};

static int f_capabilities(struct pctx *c, int v, const char *path)
{
	struct spec *s = c->s;
	int k = v + 1;

	if (tok(c, v)->type != JSMN_OBJECT)
		return failx("%s: expected an object", path);
	s->proc.has_caps = true;
	for (int n = 0; n < tok(c, v)->size; n++, k = json_skip(c->j, k + 1)) {
		for (int set = 0; set < CAP_SETS; set++) {
			char sub[256];
			if (!json_eq(c->j, k, cap_set_names[set]) || is_null(c, k + 1))
				continue;
			child_path(sub, sizeof sub, path, cap_set_names[set]);
			if (str_array(c, k + 1, sub, &s->proc.caps[set], &s->proc.ncaps[set]) < 0)
				return -1;
		}
	}
	return 0;
}

static int f_apparmor(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->proc.apparmor_profile); }
static int f_selinux(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->proc.selinux_label); }

/* Finds the token's string in a table of names; -1 with the error recorded. */
int enum_field(struct pctx *c, int v, const char *path, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && json_eq(c->j, v, names[i]))
			return i;
	if (tok(c, v)->type != JSMN_STRING)
		return failx("%s: expected a string", path);
	return failx("%s: unknown value \"%.*s\"", path, tok(c, v)->end - tok(c, v)->start,
		     c->j->text + tok(c, v)->start);
}

static int f_ioprio_class(struct pctx *c, int v, const char *path)
{
	static const char *const names[] = { NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	c->s->proc.ioprio_class = x;
	return 0;
}

static int f_ioprio_level(struct pctx *c, int v, const char *path)
{
	int64_t x;

	if (json_int(c->j, v, 0, 7, &x, path) < 0)
		return -1;
	c->s->proc.ioprio_level = x;
	return 0;
}

static int f_io_priority(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "class", f_ioprio_class }, { "priority", f_ioprio_level } };

	c->s->proc.ioprio_class = -1;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (c->s->proc.ioprio_class < 0)
		return failx("%s.class: required", path);
	c->s->proc.has_ioprio = true;
	return 0;
}

static int f_sched_policy(struct pctx *c, int v, const char *path)
{
	/* index = the kernel's SCHED_* number (4, SCHED_ISO, is reserved and unimplemented) */
	static const char *const names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
					     "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	if (x == 4)
		return failx("%s: SCHED_ISO is not implemented by Linux", path);
	c->s->proc.sched_policy = x;
	return 0;
}

int int32_field(struct pctx *c, int v, const char *path, int *out)
{
	int64_t x;

	if (json_int(c->j, v, INT32_MIN, INT32_MAX, &x, path) < 0)
		return -1;
	*out = x;
	return 0;
}

static int f_sched_nice(struct pctx *c, int v, const char *p) { return int32_field(c, v, p, &c->s->proc.sched_nice); }
static int f_sched_prio(struct pctx *c, int v, const char *p) { return int32_field(c, v, p, &c->s->proc.sched_priority); }
static int f_sched_runtime(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &c->s->proc.sched_runtime, p); }
static int f_sched_deadline(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &c->s->proc.sched_deadline, p); }
static int f_sched_period(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &c->s->proc.sched_period, p); }

static int e_sched_flag(struct pctx *c, int v, const char *path, size_t idx)
{
	/* index = bit of SCHED_FLAG_* in the kernel's uapi */
	static const char *const names[] = { "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
					     "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
					     "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
					     "SCHED_FLAG_UTIL_CLAMP_MAX" };
	int x = enum_field(c, v, path, names, countof(names));

	(void)idx;
	if (x < 0)
		return -1;
	c->s->proc.sched_flags |= 1ULL << x;
	return 0;
}

static int f_sched_flags(struct pctx *c, int v, const char *path)
{
	return walk_array(c, v, path, e_sched_flag);
}

static int f_scheduler(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "policy", f_sched_policy }, { "nice", f_sched_nice }, { "priority", f_sched_prio },
		{ "flags", f_sched_flags }, { "runtime", f_sched_runtime }, { "deadline", f_sched_deadline },
		{ "period", f_sched_period },
	};

	c->s->proc.sched_policy = -1;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (c->s->proc.sched_policy < 0)
		return failx("%s.policy: required", path);
	c->s->proc.has_scheduler = true;
	return 0;
}

/* "0-3,7": CPU or NUMA node lists */
int parse_cpu_list(const char *s, uint64_t *mask, size_t nwords, const char *path)
{
	const char *p = s;

	memset(mask, 0, nwords * sizeof *mask);
	while (*p) {
		char *end;
		unsigned long long a = dec_ull(p, &end), b = a;
		if (end == p)
			goto bad;
		p = end;
		if (*p == '-') {
			b = dec_ull(p + 1, &end);
			if (end == p + 1 || b < a)
				goto bad;
			p = end;
		}
		if (b >= nwords * 64)
			return failx("%s: %llu is beyond the largest supported number %zu", path, b, nwords * 64 - 1);
		for (unsigned long i = a; i <= b; i++)
			mask[i / 64] |= 1ULL << (i % 64);
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	return 0;
bad:
	return failx("%s: \"%s\" is not a list like 0-3,7", path, s);
}

static int cpu_list_field(struct pctx *c, int v, const char *path, const char **out)
{
	uint64_t mask[16];

	if (str_field(c, v, path, out) < 0)
		return -1;
	return parse_cpu_list(*out, mask, countof(mask), path);
}

static int f_cpu_initial(struct pctx *c, int v, const char *p) { return cpu_list_field(c, v, p, &c->s->proc.cpu_initial); }
static int f_cpu_final(struct pctx *c, int v, const char *p) { return cpu_list_field(c, v, p, &c->s->proc.cpu_final); }

static int f_exec_cpu_affinity(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "initial", f_cpu_initial }, { "final", f_cpu_final } };
	return walk_object(c, v, path, f, countof(f));
}

static int f_process(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "terminal", f_terminal }, { "consoleSize", f_console_size }, { "cwd", f_cwd },
		{ "env", f_env }, { "args", f_args }, { "rlimits", f_rlimits }, { "user", f_user },
		{ "noNewPrivileges", f_nnp }, { "oomScoreAdj", f_oom },
		{ "capabilities", f_capabilities }, { "apparmorProfile", f_apparmor },
		{ "selinuxLabel", f_selinux }, { "ioPriority", f_io_priority },
		{ "scheduler", f_scheduler }, { "execCPUAffinity", f_exec_cpu_affinity },
		{ "commandLine", f_ignore },
	};

	c->s->has_process = true;
	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!c->s->proc.cwd)
		return failx("%s.cwd: required", path);
	if (c->s->proc.cwd[0] != '/')
		return failx("%s.cwd: %s is not an absolute path", path, c->s->proc.cwd);
	return 0;
}

/* ---- id mappings (user namespace and idmapped mounts) ---- */

static struct id_map *map_of(const struct pctx *c) { return c->item; }
static int f_map_container(struct pctx *c, int v, const char *p) { return id_field(c, v, p, &map_of(c)->container_id); }
static int f_map_host(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &map_of(c)->host_id); }
static int f_map_size(struct pctx *c, int v, const char *p) { return u32_field(c, v, p, &map_of(c)->size); }

static int id_maps(struct pctx *c, int v, const char *path, struct id_map **out, size_t *n)
{
	static const struct field f[] = {
		{ "containerID", f_map_container }, { "hostID", f_map_host }, { "size", f_map_size },
	};
	struct id_map *maps;
	int k = v + 1;

	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array", path);
	if (tok(c, v)->size > 340)
		return failx("%s: more than 340 entries, the kernel's limit", path);
	maps = arena_alloc(&c->s->arena, (tok(c, v)->size + 1) * sizeof *maps);
	if (!maps)
		return -1;
	for (int x = 0; x < tok(c, v)->size; x++, k = json_skip(c->j, k)) {
		char sub[256];
		index_path(sub, sizeof sub, path, x);
		if (walk_item(c, k, sub, f, countof(f), &maps[x]) < 0)
			return -1;
		if (maps[x].size == 0)
			return failx("%s.size: must be at least 1", sub);
	}
	*out = maps;
	*n = tok(c, v)->size;
	return 0;
}

/* ---- mounts ---- */

/* a mount being read, with its options until they are parsed */
struct mount_item {
	struct mount *m;
	const char **opts;
	size_t nopts;
};
static struct mount_item *mount_of(const struct pctx *c) { return c->item; }
static int f_m_dest(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &mount_of(c)->m->destination); }
static int f_m_type(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &mount_of(c)->m->type); }
static int f_m_source(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &mount_of(c)->m->source); }
static int f_m_opts(struct pctx *c, int v, const char *p) { return str_array(c, v, p, &mount_of(c)->opts, &mount_of(c)->nopts); }
static int f_m_uid_maps(struct pctx *c, int v, const char *p)
{
	struct mount *m = mount_of(c)->m;
	return id_maps(c, v, p, &m->uid_maps, &m->nuid_maps);
}
static int f_m_gid_maps(struct pctx *c, int v, const char *p)
{
	struct mount *m = mount_of(c)->m;
	return id_maps(c, v, p, &m->gid_maps, &m->ngid_maps);
}

static int e_mount(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = {
		{ "destination", f_m_dest }, { "type", f_m_type }, { "source", f_m_source },
		{ "options", f_m_opts }, { "uidMappings", f_m_uid_maps }, { "gidMappings", f_m_gid_maps },
	};
	struct mount_item it = { &c->s->mounts[idx], NULL, 0 };
	struct mount *m = it.m;

	if (walk_item(c, v, path, f, countof(f), &it) < 0)
		return -1;
	if (!m->destination || !*m->destination)
		return failx("%s.destination: required", path);
	if (m->destination[0] != '/')
		return failx("%s.destination: %s is not an absolute path", path, m->destination);
	if (mount_parse_options(&c->s->arena, m, it.opts, it.nopts) < 0)
		return failx("%s.options: %s", path, last_error());
	if (!m->type && !m->bind)
		return failx("%s.type: required unless options have bind or rbind", path);
	if (!m->nuid_maps != !m->ngid_maps)
		return failx("%s: uidMappings and gidMappings go together", path);
	if (m->nuid_maps && !m->idmap && !m->ridmap)
		return failx("%s: uidMappings need the idmap or ridmap option", path);
	return 0;
}

static int f_mounts(struct pctx *c, int v, const char *path)
{
	return object_array(c, v, path, &c->s->mounts, sizeof *c->s->mounts, &c->s->nmounts, e_mount);
}

/* ---- linux ---- */

static const char *const ns_names[NS_COUNT] = {
	[NS_PID] = "pid", [NS_NET] = "network", [NS_MNT] = "mount", [NS_IPC] = "ipc",
	[NS_UTS] = "uts", [NS_USER] = "user", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

const char *ns_name(enum ns_type t)
{
	return ns_names[t];
}

const char *ns_proc_name(enum ns_type t)
{
	static const char *const proc[NS_COUNT] = {
		[NS_PID] = "pid", [NS_NET] = "net", [NS_MNT] = "mnt", [NS_IPC] = "ipc",
		[NS_UTS] = "uts", [NS_USER] = "user", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
	};

	return proc[t];
}

/* a linux.namespaces entry being read */
struct ns_item {
	int type;             /* -1: not given */
	const char *path;
};
static struct ns_item *ns_of(const struct pctx *c) { return c->item; }
static int f_ns_type(struct pctx *c, int v, const char *path)
{
	for (int t = 0; t < NS_COUNT; t++) {
		if (json_eq(c->j, v, ns_names[t])) {
			ns_of(c)->type = t;
			return 0;
		}
	}
	if (tok(c, v)->type != JSMN_STRING)
		return failx("%s: expected a string", path);
	return failx("%s: unknown namespace type \"%.*s\"", path, tok(c, v)->end - tok(c, v)->start,
		     c->j->text + tok(c, v)->start);
}

static int f_ns_path(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &ns_of(c)->path); }

static int e_namespace(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = { { "type", f_ns_type }, { "path", f_ns_path } };
	struct ns_item it = { -1, NULL };

	(void)idx;
	if (walk_item(c, v, path, f, countof(f), &it) < 0)
		return -1;
	if (it.type < 0)
		return failx("%s.type: required", path);
	if (c->s->ns[it.type].wanted)
		return failx("%s: namespace type %s listed twice", path, ns_names[it.type]);
	if (it.path && it.path[0] != '/')
		return failx("%s.path: %s is not an absolute path", path, it.path);
	c->s->ns[it.type].wanted = true;
	c->s->ns[it.type].path = it.path && *it.path ? it.path : NULL;
	return 0;
}

static int f_namespaces(struct pctx *c, int v, const char *path)
{
	return walk_array(c, v, path, e_namespace);
}

static int f_propagation(struct pctx *c, int v, const char *path)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} t[] = {
		{ "shared", MS_SHARED }, { "slave", MS_SLAVE }, { "private", MS_PRIVATE },
		{ "unbindable", MS_UNBINDABLE }, { "rshared", MS_SHARED | MS_REC },
		{ "rslave", MS_SLAVE | MS_REC }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "runbindable", MS_UNBINDABLE | MS_REC },
	};

	for (size_t x = 0; x < countof(t); x++) {
		if (json_eq(c->j, v, t[x].name)) {
			c->s->rootfs_propagation = t[x].flags;
			return 0;
		}
	}
	return failx("%s: expected shared, slave, private or unbindable", path);
}

static int abs_paths(const char *path, const char **p, size_t n)
{
	for (size_t x = 0; x < n; x++)
		if (p[x][0] != '/')
			return failx("%s[%zu]: %s is not an absolute path", path, x, p[x]);
	return 0;
}

static int f_masked(struct pctx *c, int v, const char *p)
{
	if (str_array(c, v, p, &c->s->masked_paths, &c->s->nmasked) < 0)
		return -1;
	return abs_paths(p, c->s->masked_paths, c->s->nmasked);
}

static int f_readonly(struct pctx *c, int v, const char *p)
{
	if (str_array(c, v, p, &c->s->readonly_paths, &c->s->nreadonly) < 0)
		return -1;
	return abs_paths(p, c->s->readonly_paths, c->s->nreadonly);
}

/* A map's entry k: v appended to the pair of arrays *keys, *values (count *n). */
static int push_pair(struct pctx *c, int k, int v, const char *path, const char ***keys, const char ***values, size_t *n)
{
	if (*n % 16 == 0) {
		const char **nk = arena_alloc(&c->s->arena, (*n + 16) * sizeof *nk);
		const char **nv = arena_alloc(&c->s->arena, (*n + 16) * sizeof *nv);
		if (!nk || !nv)
			return -1;
		if (*n) {
			memcpy(nk, *keys, *n * sizeof *nk);
			memcpy(nv, *values, *n * sizeof *nv);
		}
		*keys = nk;
		*values = nv;
	}
	if (str_field(c, k, path, &(*keys)[*n]) < 0 || str_field(c, v, path, &(*values)[*n]) < 0)
		return -1;
	++*n;
	return 0;
}

static int m_sysctl(struct pctx *c, int k, int v, const char *path)
{
	struct spec *s = c->s;
	const char *key;

	if (push_pair(c, k, v, path, &s->sysctl_keys, &s->sysctl_values, &s->nsysctl) < 0)
		return -1;
	key = s->sysctl_keys[s->nsysctl - 1];
	if (str_find(key, "..") || strchr(key, '/') != NULL || !*key)
		return failx("%s: invalid sysctl name", path);
	return 0;
}

static int f_sysctl(struct pctx *c, int v, const char *path)
{
	return walk_map(c, v, path, m_sysctl);
}

static int f_resources(struct pctx *c, int v, const char *path)
{
	return resources_parse(c, v, path, &c->s->res, false);
}

static int f_netdev_name(struct pctx *c, int v, const char *p)
{
	struct netdev *nd = c->item;
	return str_field(c, v, p, &nd->name);
}

static int valid_ifname(const char *name, bool template_ok)
{
	size_t n = strlen(name);
	const char *pct = strchr(name, '%');

	if (n == 0 || n >= 16 || strchr(name, '/') || strchr(name, ':') || strpbrk(name, " \t\n") ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return -1;
	if (pct && (!template_ok || strcmp(pct, "%d") != 0))
		return -1;
	return 0;
}

static int m_netdev(struct pctx *c, int k, int v, const char *path)
{
	static const struct field f[] = { { "name", f_netdev_name } };
	struct spec *s = c->s;

	struct netdev *nd = &s->netdevs[s->nnetdevs];

	if (str_field(c, k, path, &nd->host_name) < 0 || walk_item(c, v, path, f, countof(f), nd) < 0)
		return -1;
	if (valid_ifname(nd->host_name, false) < 0)
		return failx("%s: not a valid interface name", path);
	if (nd->name && valid_ifname(nd->name, true) < 0)
		return failx("%s.name: \"%s\" is not a valid interface name", path, nd->name);
	s->nnetdevs++;
	return 0;
}

static int f_netdevices(struct pctx *c, int v, const char *path)
{
	if (tok(c, v)->type != JSMN_OBJECT)
		return failx("%s: expected an object", path);
	c->s->netdevs = arena_alloc(&c->s->arena, (tok(c, v)->size + 1) * sizeof *c->s->netdevs);
	if (!c->s->netdevs)
		return -1;
	return walk_map(c, v, path, m_netdev);
}

static int f_uid_maps(struct pctx *c, int v, const char *p) { return id_maps(c, v, p, &c->s->uid_maps, &c->s->nuid_maps); }
static int f_gid_maps(struct pctx *c, int v, const char *p) { return id_maps(c, v, p, &c->s->gid_maps, &c->s->ngid_maps); }

/* item: the clock's index, 0 monotonic, 1 boottime */
static int clock_of(const struct pctx *c) { return *(const int *)c->item; }
static int f_clock_secs(struct pctx *c, int v, const char *p)
{
	return json_int(c->j, v, INT64_MIN, INT64_MAX, &c->s->time_offset_secs[clock_of(c)], p);
}

static int f_clock_nsecs(struct pctx *c, int v, const char *p)
{
	int64_t x;

	if (json_int(c->j, v, 0, 999999999, &x, p) < 0)
		return -1;
	c->s->time_offset_nsecs[clock_of(c)] = x;
	return 0;
}

static int m_time_offset(struct pctx *c, int k, int v, const char *path)
{
	static const struct field f[] = { { "secs", f_clock_secs }, { "nanosecs", f_clock_nsecs } };
	int clock;

	if (json_eq(c->j, k, "monotonic"))
		clock = 0;
	else if (json_eq(c->j, k, "boottime"))
		clock = 1;
	else
		return failx("%s: only the monotonic and boottime clocks have offsets", path);
	c->s->has_time_offset[clock] = true;
	return walk_item(c, v, path, f, countof(f), &clock);
}

static int f_time_offsets(struct pctx *c, int v, const char *path)
{
	return walk_map(c, v, path, m_time_offset);
}

static struct device *dev_of(const struct pctx *c) { return c->item; }
static int f_dev_path(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &dev_of(c)->path); }
static int f_dev_type(struct pctx *c, int v, const char *path)
{
	static const char *const names[] = { "c", "b", "u", "p" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	dev_of(c)->type = names[x][0];
	return 0;
}
static int f_dev_major(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfff, &dev_of(c)->major, p); }
static int f_dev_minor(struct pctx *c, int v, const char *p) { return json_int(c->j, v, 0, 0xfffff, &dev_of(c)->minor, p); }
static int f_dev_mode(struct pctx *c, int v, const char *p) { dev_of(c)->has_mode = true; return u32_field(c, v, p, &dev_of(c)->mode); }
static int f_dev_uid(struct pctx *c, int v, const char *p) { dev_of(c)->has_uid = true; return u32_field(c, v, p, &dev_of(c)->uid); }
static int f_dev_gid(struct pctx *c, int v, const char *p) { dev_of(c)->has_gid = true; return u32_field(c, v, p, &dev_of(c)->gid); }

static unsigned dev_type_bits(char type)
{
	return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

static int e_device(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = {
		{ "path", f_dev_path }, { "type", f_dev_type }, { "major", f_dev_major }, { "minor", f_dev_minor },
		{ "fileMode", f_dev_mode }, { "uid", f_dev_uid }, { "gid", f_dev_gid },
	};
	struct device *d = &c->s->devices[idx];

	d->major = d->minor = -1;
	if (walk_item(c, v, path, f, countof(f), d) < 0)
		return -1;
	if (!d->path || d->path[0] != '/')
		return failx("%s.path: required, an absolute path", path);
	/* anywhere in the rootfs (a fifo in /run is fine), resolved inside it;
	 * but a ".." has no use there except to try to leave it */
	if (str_find(d->path, "/../") || !strcmp(d->path + strlen(d->path) - 3, "/.."))
		return failx("%s.path: %s: \"..\" is not allowed", path, d->path);
	if (!d->type)
		return failx("%s.type: required", path);
	if (d->type != 'p' && (d->major < 0 || d->minor < 0))
		return failx("%s: major and minor are required for type %c", path, d->type);
	/* podman sends the file type too (S_IFCHR | 0600): accepted when it
	 * matches the device's type, as runc and crun do. */
	if (d->has_mode && (d->mode & S_IFMT) == dev_type_bits(d->type))
		d->mode &= 07777u;
	if (d->has_mode && (d->mode & ~07777u))
		return failx("%s.fileMode: %u has bits beyond permissions (it is decimal: 438 is 0666)", path,
			     d->mode);
	return 0;
}

static int f_devices(struct pctx *c, int v, const char *path)
{
	return object_array(c, v, path, &c->s->devices, sizeof *c->s->devices, &c->s->ndevices, e_device);
}

static int f_mount_label(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->mount_label); }

static int f_pers_domain(struct pctx *c, int v, const char *path)
{
	static const char *const names[] = { "LINUX", "LINUX32" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	c->s->personality = x == 0 ? 0x0000 : 0x0008; /* PER_LINUX, PER_LINUX32 */
	c->s->has_personality = true;
	return 0;
}

static int f_pers_flags(struct pctx *c, int v, const char *path)
{
	if (tok(c, v)->type != JSMN_ARRAY)
		return failx("%s: expected an array", path);
	if (tok(c, v)->size > 0)
		return failx("%s: no personality flags are supported", path);
	return 0;
}

static int f_personality(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "domain", f_pers_domain }, { "flags", f_pers_flags } };

	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!c->s->has_personality)
		return failx("%s.domain: required", path);
	return 0;
}

static int f_mpol_mode(struct pctx *c, int v, const char *path)
{
	/* index = the kernel's MPOL_* number */
	static const char *const names[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
					     "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE" };
	int x = enum_field(c, v, path, names, countof(names));

	if (x < 0)
		return -1;
	c->s->mempolicy_mode |= x;
	c->s->has_mempolicy = true;
	return 0;
}

static int f_mpol_nodes(struct pctx *c, int v, const char *path)
{
	uint64_t mask[16];

	if (str_field(c, v, path, &c->s->mempolicy_nodes) < 0)
		return -1;
	return parse_cpu_list(c->s->mempolicy_nodes, mask, countof(mask), path);
}

static int e_mpol_flag(struct pctx *c, int v, const char *path, size_t idx)
{
	static const char *const names[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
					     "MPOL_F_STATIC_NODES" };
	int x = enum_field(c, v, path, names, countof(names));

	(void)idx;
	if (x < 0)
		return -1;
	c->s->mempolicy_mode |= 1 << (13 + x); /* 1<<13, 1<<14, 1<<15 */
	return 0;
}

static int f_mpol_flags(struct pctx *c, int v, const char *path)
{
	return walk_array(c, v, path, e_mpol_flag);
}

static int f_memory_policy(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "mode", f_mpol_mode }, { "nodes", f_mpol_nodes }, { "flags", f_mpol_flags } };

	if (walk_object(c, v, path, f, countof(f)) < 0)
		return -1;
	if (!c->s->has_mempolicy)
		return failx("%s.mode: required", path);
	return 0;
}

static int f_intel_rdt(struct pctx *c, int v, const char *path)
{
	(void)v;
	(void)c;
	return failx("%s: Intel RDT (resctrl) is not supported by grid", path);
}

static int f_cgroups_path(struct pctx *c, int v, const char *path)
{
	if (str_field(c, v, path, &c->s->cgroups_path) < 0)
		return -1;
	if (str_find(c->s->cgroups_path, "..") || strchr(c->s->cgroups_path, '\n') ||
	    (strchr(c->s->cgroups_path, ':') && c->s->cgroups_path[0] != '/'))
		return failx("%s: \"%s\" is not a cgroup path (systemd slice:prefix:name paths need --systemd-cgroup, "
			     "which grid does not support)", path, c->s->cgroups_path);
	return 0;
}

static int f_linux(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "namespaces", f_namespaces }, { "rootfsPropagation", f_propagation },
		{ "maskedPaths", f_masked }, { "readonlyPaths", f_readonly }, { "sysctl", f_sysctl },
		{ "resources", f_resources }, { "netDevices", f_netdevices }, { "cgroupsPath", f_cgroups_path },
		{ "uidMappings", f_uid_maps }, { "gidMappings", f_gid_maps },
		{ "timeOffsets", f_time_offsets }, { "devices", f_devices }, { "seccomp", seccomp_parse },
		{ "mountLabel", f_mount_label }, { "intelRdt", f_intel_rdt }, { "personality", f_personality },
		{ "memoryPolicy", f_memory_policy },
	};
	return walk_object(c, v, path, f, countof(f));
}

/* ---- hooks ---- */

static struct hook *hook_of(const struct pctx *c) { return c->item; }
static int f_hook_path(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &hook_of(c)->path); }
static int f_hook_args(struct pctx *c, int v, const char *p) { return str_array(c, v, p, &hook_of(c)->args, &hook_of(c)->nargs); }
static int f_hook_env(struct pctx *c, int v, const char *p) { return str_array(c, v, p, &hook_of(c)->env, &hook_of(c)->nenv); }
static int f_hook_timeout(struct pctx *c, int v, const char *path)
{
	int64_t x;

	if (json_int(c->j, v, 1, 86400, &x, path) < 0)
		return failx("%s: must be a number of seconds greater than zero", path);
	hook_of(c)->timeout = x;
	return 0;
}

static int e_hook(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = {
		{ "path", f_hook_path }, { "args", f_hook_args }, { "env", f_hook_env }, { "timeout", f_hook_timeout },
	};
	/* c->item: the array of this kind's hooks */
	struct hook *h = (struct hook *)c->item + idx;

	if (walk_item(c, v, path, f, countof(f), h) < 0)
		return -1;
	if (!h->path || h->path[0] != '/')
		return failx("%s.path: required, an absolute path", path);
	return 0;
}

static const char *const hook_names[HOOK_KINDS] = {
	[HOOK_PRESTART] = "prestart", [HOOK_CREATE_RUNTIME] = "createRuntime",
	[HOOK_CREATE_CONTAINER] = "createContainer", [HOOK_START_CONTAINER] = "startContainer",
	[HOOK_POSTSTART] = "poststart", [HOOK_POSTSTOP] = "poststop",
};

const char *hook_name(enum hook_kind k)
{
	return hook_names[k];
}

static int f_hooks(struct pctx *c, int v, const char *path)
{
	struct spec *s = c->s;
	int k = v + 1;

	if (tok(c, v)->type != JSMN_OBJECT)
		return failx("%s: expected an object", path);
	for (int n = 0; n < tok(c, v)->size; n++, k = json_skip(c->j, k + 1)) {
		for (int h = 0; h < HOOK_KINDS; h++) {
			char sub[256];
			int a = k + 1;
			if (!json_eq(c->j, k, hook_names[h]) || is_null(c, a))
				continue;
			child_path(sub, sizeof sub, path, hook_names[h]);
			if (tok(c, a)->type != JSMN_ARRAY)
				return failx("%s: expected an array", sub);
			s->hooks[h] = arena_alloc(&s->arena, (tok(c, a)->size + 1) * sizeof *s->hooks[h]);
			if (!s->hooks[h])
				return -1;
			struct pctx kind = *c;
			kind.item = s->hooks[h];
			if (walk_array(&kind, a, sub, e_hook) < 0)
				return -1;
			s->nhooks[h] = tok(c, a)->size;
		}
	}
	return 0;
}

/* ---- top level ---- */

static int f_oci_version(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->oci_version); }
static int f_hostname(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->hostname); }
static int f_domainname(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->domainname); }

static int m_annotation(struct pctx *c, int k, int v, const char *path)
{
	struct spec *s = c->s;
	return push_pair(c, k, v, path, &s->annotation_keys, &s->annotation_values, &s->nannotations);
}

static int f_annotations(struct pctx *c, int v, const char *path)
{
	return walk_map(c, v, path, m_annotation);
}

static int f_jail_vnet(struct pctx *c, int v, const char *path)
{
	if (json_eq(c->j, v, "new") || json_eq(c->j, v, "inherit"))
		return 0;
	return failx("%s: expected new or inherit", path);
}

static int f_jail(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "vnet", f_jail_vnet } };
	return walk_object(c, v, path, f, countof(f));
}

/* Other platforms' sections are ignored on Linux, but still type-checked where cheap. */
static int f_freebsd(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = { { "jail", f_jail } };
	return walk_object(c, v, path, f, countof(f));
}

static bool number_at(const char **p)
{
	const char *s = *p;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	*p = s;
	return true;
}

/* MAJOR.MINOR.PATCH[-pre][+build], as config.md requires of ociVersion */
static bool semver(const char *v)
{
	for (int i = 0; i < 3; i++) {
		if (!number_at(&v) || (i < 2 && *v++ != '.'))
			return false;
	}
	if (*v == '-' || *v == '+') {
		for (v++; *v; v++)
			if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
			      *v == '.' || *v == '-' || *v == '+'))
				return false;
	}
	return *v == 0;
}

int spec_parse(struct spec *s, const char *text, size_t len, const char *what)
{
	static const struct field f[] = {
		{ "ociVersion", f_oci_version }, { "root", f_root }, { "process", f_process },
		{ "hostname", f_hostname }, { "domainname", f_domainname }, { "mounts", f_mounts },
		{ "linux", f_linux }, { "annotations", f_annotations }, { "hooks", f_hooks },
		{ "freebsd", f_freebsd },
	};
	struct json j;
	struct pctx c = { .j = &j, .s = s };
	int ret;

	memset(s, 0, sizeof *s);
	s->proc.umask = -1;
	if (json_parse(&j, text, len, what) < 0)
		return -1;
	ret = walk_object(&c, 0, "", f, countof(f));
	json_free(&j);
	if (ret == 0 && !s->oci_version)
		ret = failx("ociVersion: required");
	if (ret == 0 && !semver(s->oci_version))
		ret = failx("ociVersion: \"%.40s\" is not a SemVer 2.0.0 version", s->oci_version);

	if (ret < 0) {
		failx("%s: %s", what, last_error());
		spec_free(s);
	}
	return ret;
}

int spec_load(struct spec *s, const char *path)
{
	char *text;
	size_t len;
	int ret;

	if (read_file(path, &text, &len, 16 << 20) < 0)
		return -1;
	ret = spec_parse(s, text, len, path);
	free(text);
	return ret;
}

/* `exec --process FILE`: a process object replaces the config's process;
 * the rest of s (namespaces, seccomp, ...) stays. */
int spec_parse_process(struct spec *s, const char *text, size_t len, const char *what)
{
	struct json j;
	struct pctx c = { .j = &j, .s = s };
	int ret;

	/* nothing of the config's process carries over */
	s->has_process = false;
	s->proc = (struct process){ .umask = -1 };
	if (json_parse(&j, text, len, what) < 0)
		return -1;
	ret = f_process(&c, 0, "process");
	json_free(&j);
	return ret < 0 ? failx("%s: %s", what, last_error()) : 0;
}

void spec_free(struct spec *s)
{
	arena_free(&s->arena);
}

/* K=V replaces K if the process's env sets it, else is added; kv must live
 * as long as s (exec's --env, socket activation). */
int spec_set_env(struct spec *s, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	const char **env;

	for (size_t i = 0; i < s->proc.nenv; i++)
		if (!strncmp(s->proc.env[i], kv, klen) && s->proc.env[i][klen] == '=') {
			s->proc.env[i] = kv;
			return 0;
		}
	env = arena_alloc(&s->arena, (s->proc.nenv + 2) * sizeof *env);
	if (!env)
		return -1;
	if (s->proc.nenv)
		memcpy(env, s->proc.env, s->proc.nenv * sizeof *env);
	env[s->proc.nenv++] = kv;
	env[s->proc.nenv] = NULL;
	s->proc.env = env;
	return 0;
}

int spec_add_mount(struct spec *s, const struct mount *m)
{
	struct mount *mounts = arena_alloc(&s->arena, (s->nmounts + 1) * sizeof *mounts);

	if (!mounts)
		return -1;
	if (s->nmounts)
		memcpy(mounts, s->mounts, s->nmounts * sizeof *mounts);
	mounts[s->nmounts++] = *m;
	s->mounts = mounts;
	return 0;
}

const char *spec_annotation(const struct spec *s, const char *key)
{
	for (size_t i = 0; i < s->nannotations; i++)
		if (strcmp(s->annotation_keys[i], key) == 0)
			return s->annotation_values[i];
	return NULL;
}

/* What `grid spec` writes: runc's default, so configs move between runtimes. */
void default_spec(struct buf *b, bool rootless, unsigned uid, unsigned gid)
{
	char maps[200] = "";

	if (rootless)
		snprintf(maps, sizeof maps,
			 "\t\t\"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
			 "\t\t\"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n",
			 uid, gid);
	buf_printf(b,
		"{\n"
		"\t\"ociVersion\": \"" OCI_VERSION "\",\n"
		"\t\"process\": {\n"
		"\t\t\"terminal\": true,\n"
		"\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
		"\t\t\"args\": [ \"sh\" ],\n"
		"\t\t\"env\": [\n"
		"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
		"\t\t\t\"TERM=xterm\"\n"
		"\t\t],\n"
		"\t\t\"cwd\": \"/\",\n"
		"\t\t\"capabilities\": {\n"
		"\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
		"\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
		"\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
		"\t\t},\n"
		"\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
		"\t\t\"noNewPrivileges\": true\n"
		"\t},\n"
		"\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
		"\t\"hostname\": \"grid\",\n"
		"\t\"mounts\": [\n"
		"\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
		"\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
		"\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s ] },\n"
		"\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
		"\t\t{ \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
		"\t\t{ \"destination\": \"/sys\", \"type\": \"%s\", \"source\": \"%s\",\n"
		"\t\t  \"options\": [ %s\"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
		"\t\t{ \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
		"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
		"\t],\n"
		"\t\"linux\": {\n%s"
		"\t\t\"namespaces\": [\n"
		"\t\t\t{ \"type\": \"pid\" }, %s{ \"type\": \"ipc\" },\n"
		"\t\t\t{ \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" }%s\n"
		"\t\t],\n"
		"\t\t\"maskedPaths\": [\n"
		"\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
		"\t\t\t\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\",\n"
		"\t\t\t\"/proc/scsi\"\n"
		"\t\t],\n"
		"\t\t\"readonlyPaths\": [\n"
		"\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
		"\t\t]\n"
		"\t}\n"
		"}\n",
		/* runc spec --rootless: devpts without gid=5 (unmapped), /sys bound from
		 * the host (a new sysfs needs the network namespace's owner), a user
		 * namespace in place of the network one */
		rootless ? "" : ", \"gid=5\"", rootless ? "none" : "sysfs", rootless ? "/sys" : "sysfs",
		rootless ? "\"rbind\", " : "", maps, rootless ? "" : "{ \"type\": \"network\" }, ",
		rootless ? ", { \"type\": \"user\" }" : "");
}
