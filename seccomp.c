/* seccomp.c - linux.seccomp, without libseccomp: parses the object into
 * struct seccomp, compiles it to a classic BPF program in the runtime (before
 * the fork, so that a bad profile fails `create` cleanly), and installs it in
 * the container's init just before execve. Owns the syscall name tables
 * (syscalls.h, generated from the kernel headers), the compiler, a small
 * interpreter for `grid debug seccomp` and the benchmark, and the
 * SCMP_ACT_NOTIFY hand-over to listenerPath.
 *
 * The program: check seccomp_data.arch against each listed architecture (an
 * unlisted one is killed, as libseccomp's default bad-arch action does, so
 * that another ABI cannot bypass a deny-list); on x86_64 an x32 call (bit
 * 0x40000000) counts as unlisted unless SCMP_ARCH_X32 is listed; then a
 * binary search over the syscall numbers that have rules, each leaf holding
 * up to LEAF numbers, each number's rules in config order with their
 * arguments compared as 64-bit values (high word, then low word). Jumps are
 * symbolic until layout; a conditional jump whose target is more than 255
 * instructions away goes through an unconditional JA trampoline. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buf.h"
#include "caps.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "json.h"
#include "kernel.h"
#include "parse.h"
#include "seccomp.h"
#include "sock.h"
#include "spec.h"
#include "state.h"
#include "util.h"

/* The number columns of syscalls.h this build keeps: those of the ABIs a kernel
 * of its own architecture runs, since seccomp_data.arch can name no other
 * (about 3 KB of the binary). -DSC_ALL_ARCHES, as the unit tests build, keeps
 * all six, so that one host can test every table. An architecture whose column
 * is left out is one "without a table" (COL < 0) below. */
#if defined(SC_ALL_ARCHES)
enum { COL_X86_64, COL_X32, COL_I386, COL_AARCH64, COL_ARM, COL_RISCV64, SC_COLS };
#define SC(n, x86_64, x32, i386, aarch64, arm, riscv64) { n, { x86_64, x32, i386, aarch64, arm, riscv64 } }
#elif defined(__x86_64__) || defined(__i386__)
enum { COL_X86_64, COL_X32, COL_I386, SC_COLS, COL_AARCH64 = -1, COL_ARM = -1, COL_RISCV64 = -1 };
#define SC(n, x86_64, x32, i386, aarch64, arm, riscv64) { n, { x86_64, x32, i386 } }
#elif defined(__aarch64__) || defined(__arm__)
enum { COL_AARCH64, COL_ARM, SC_COLS, COL_X86_64 = -1, COL_X32 = -1, COL_I386 = -1, COL_RISCV64 = -1 };
#define SC(n, x86_64, x32, i386, aarch64, arm, riscv64) { n, { aarch64, arm } }
#elif defined(__riscv) && __riscv_xlen == 64
enum { COL_RISCV64, SC_COLS, COL_X86_64 = -1, COL_X32 = -1, COL_I386 = -1, COL_AARCH64 = -1, COL_ARM = -1 };
#define SC(n, x86_64, x32, i386, aarch64, arm, riscv64) { n, { riscv64 } }
#else
#error "seccomp.c: no syscall table for this architecture"
#endif

struct syscall_name {
	uint16_t name;            /* offset in syscall_text */
	uint16_t nr[SC_COLS];
};

#include "syscalls.h"

static const signed char sc_col[SC_ARCHES] = {
	[SC_X86_64] = COL_X86_64, [SC_X32] = COL_X32, [SC_I386] = COL_I386,
	[SC_AARCH64] = COL_AARCH64, [SC_ARM] = COL_ARM, [SC_RISCV64] = COL_RISCV64,
};
/* an arch_names entry: the architecture if this build has its column, else -1 */
#define TABLE(a) (COL_##a >= 0 ? SC_##a : -1)

/* classic BPF opcodes: class | size or op | mode or source */
#define BPF_LD_W_ABS (BPF_LD | BPF_W | BPF_ABS)
#define BPF_ALU_AND_K (BPF_ALU | BPF_AND | BPF_K)
#define BPF_JMP_JA (BPF_JMP | BPF_JA)
#define BPF_JEQ_K (BPF_JMP | BPF_JEQ | BPF_K)
#define BPF_JGT_K (BPF_JMP | BPF_JGT | BPF_K)
#define BPF_JGE_K (BPF_JMP | BPF_JGE | BPF_K)
#define BPF_RET_K (BPF_RET | BPF_K)

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#define OFF_ARGS offsetof(struct seccomp_data, args)
#define LEAF 3            /* numbers a search leaf compares one by one */

/* ---- names ---- */

static const char *const action_names[] = {
	"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
};
static const uint32_t action_values[] = {
	SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP,
	SECCOMP_RET_ERRNO, SECCOMP_RET_TRACE, SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_USER_NOTIF,
};
enum { A_ERRNO = 4, A_TRACE = 5, A_NOTIFY = 8 };

static const char *const op_names[] = {
	[SC_NE] = "SCMP_CMP_NE", [SC_LT] = "SCMP_CMP_LT", [SC_LE] = "SCMP_CMP_LE", [SC_EQ] = "SCMP_CMP_EQ",
	[SC_GE] = "SCMP_CMP_GE", [SC_GT] = "SCMP_CMP_GT", [SC_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};
static const unsigned flag_values[] = {
	SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
};

/* Every SCMP_ARCH_* the spec lists; those without a table (-1) cannot run on
 * this build's kernels, so listing them changes nothing. */
static const struct {
	const char *name;
	int arch;
	uint32_t audit;
} arch_names[] = {
	{ "SCMP_ARCH_X86_64", TABLE(X86_64), AUDIT_ARCH_X86_64 }, { "SCMP_ARCH_X32", TABLE(X32), AUDIT_ARCH_X86_64 },
	{ "SCMP_ARCH_X86", TABLE(I386), AUDIT_ARCH_I386 }, { "SCMP_ARCH_AARCH64", TABLE(AARCH64), AUDIT_ARCH_AARCH64 },
	{ "SCMP_ARCH_ARM", TABLE(ARM), AUDIT_ARCH_ARM }, { "SCMP_ARCH_RISCV64", TABLE(RISCV64), AUDIT_ARCH_RISCV64 },
	{ "SCMP_ARCH_MIPS", -1, 0 }, { "SCMP_ARCH_MIPS64", -1, 0 }, { "SCMP_ARCH_MIPS64N32", -1, 0 },
	{ "SCMP_ARCH_MIPSEL", -1, 0 }, { "SCMP_ARCH_MIPSEL64", -1, 0 }, { "SCMP_ARCH_MIPSEL64N32", -1, 0 },
	{ "SCMP_ARCH_PPC", -1, 0 }, { "SCMP_ARCH_PPC64", -1, 0 }, { "SCMP_ARCH_PPC64LE", -1, 0 },
	{ "SCMP_ARCH_S390", -1, 0 }, { "SCMP_ARCH_S390X", -1, 0 }, { "SCMP_ARCH_PARISC", -1, 0 },
	{ "SCMP_ARCH_PARISC64", -1, 0 }, { "SCMP_ARCH_LOONGARCH64", -1, 0 }, { "SCMP_ARCH_M68K", -1, 0 },
	{ "SCMP_ARCH_SH", -1, 0 }, { "SCMP_ARCH_SHEB", -1, 0 },
};

/* The ABIs a kernel of each architecture runs (x32 shares x86_64's audit arch). */
static const int compat_arches[SC_ARCHES][3] = {
	[SC_X86_64] = { SC_I386, SC_X32, -1 }, [SC_X32] = { -1 }, [SC_I386] = { -1 },
	[SC_AARCH64] = { SC_ARM, -1 }, [SC_ARM] = { -1 }, [SC_RISCV64] = { -1 },
};

const char *seccomp_native_arch(void)
{
#if defined(__x86_64__) && defined(__ILP32__)
	return "SCMP_ARCH_X32";
#elif defined(__x86_64__)
	return "SCMP_ARCH_X86_64";
#elif defined(__i386__)
	return "SCMP_ARCH_X86";
#elif defined(__aarch64__)
	return "SCMP_ARCH_AARCH64";
#elif defined(__arm__)
	return "SCMP_ARCH_ARM";
#elif defined(__riscv) && __riscv_xlen == 64
	return "SCMP_ARCH_RISCV64";
#else
#error "seccomp.c: no syscall table for this architecture"
#endif
}

static int arch_index(const char *name)
{
	for (size_t i = 0; i < countof(arch_names); i++)
		if (!strcmp(arch_names[i].name, name))
			return arch_names[i].arch;
	return -2;
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, syscall_text + ((const struct syscall_name *)elem)->name);
}

static int lookup(const char *name, int arch, uint32_t *nr)
{
	const struct syscall_name *s = bsearch(name, syscall_names, countof(syscall_names), sizeof *s, name_cmp);
	uint32_t v;

	if (!s || sc_col[arch] < 0 || s->nr[sc_col[arch]] == SC_NONE)
		return -1;
	v = s->nr[sc_col[arch]];
	if (v >= SC_ARM_PRIVATE)
		v = 0xf0000 + (v - SC_ARM_PRIVATE);
	*nr = v + (arch == SC_X32 ? __X32_SYSCALL_BIT : 0);
	return 0;
}

int seccomp_lookup(const char *name, const char *arch, uint32_t *nr)
{
	int a = arch_index(arch);

	return a < 0 ? -1 : lookup(name, a, nr);
}

/* For `grid features`: the names this parser knows, by kind, NULL past the end. */
const char *seccomp_name(enum sc_names kind, size_t i)
{
	switch (kind) {
	case SC_ACTIONS: return i < countof(action_names) ? action_names[i] : NULL;
	case SC_OPERATORS: return i < countof(op_names) ? op_names[i] : NULL;
	case SC_ARCHS:
		/* the ones with a table */
		for (size_t k = 0; k < countof(arch_names); k++)
			if (arch_names[k].arch >= 0 && !i--)
				return arch_names[k].name;
		return NULL;
	case SC_FLAGS: return i < countof(flag_names) ? flag_names[i] : NULL;
	}
	return NULL;
}

/* ---- parsing ---- */

/* the object being read: the profile itself, or one of its syscalls entries */
struct sc_item {
	struct sc_rule *rule;   /* NULL: the profile */
	int action;             /* index in action_names, -1: missing */
	bool has_errno;
	uint32_t errno_ret;
	uint32_t arches;        /* the profile's: bit n, architecture n is listed */
};
static struct sc_item *sc_of(const struct pctx *c) { return c->item; }

/* an args entry being read */
struct arg_item {
	struct sc_arg *arg;
	bool has_value, has_op;
};
static struct arg_item *arg_of(const struct pctx *c) { return c->item; }

static int f_errno(struct pctx *c, int v, const char *p)
{
	int64_t x;

	if (json_int(c->j, v, 0, SECCOMP_RET_DATA, &x, p) < 0)
		return -1;
	sc_of(c)->errno_ret = x;
	sc_of(c)->has_errno = true;
	return 0;
}

static int f_action(struct pctx *c, int v, const char *p)
{
	sc_of(c)->action = enum_field(c, v, p, action_names, countof(action_names));
	return sc_of(c)->action < 0 ? -1 : 0;
}

/* The action with its data; errnoRet only where the action takes one, as
 * config-linux.md requires. `path` names the object, `action`/`errno` its fields. */
static int finish_action(struct pctx *c, const struct sc_item *it, const char *path, const char *action,
			 const char *errno_field, uint32_t *out)
{
	int a = it->action;

	if (a < 0)
		return failx("%s.%s: required", path, action);
	if (it->has_errno && a != A_ERRNO && a != A_TRACE)
		return failx("%s.%s: %s takes no errno", path, errno_field, action_names[a]);
	*out = action_values[a] | (a == A_ERRNO || a == A_TRACE ? (it->has_errno ? it->errno_ret : EPERM) : 0);
	if (a == A_NOTIFY)
		c->s->seccomp.notify = true;
	return 0;
}

static int f_arg_index(struct pctx *c, int v, const char *p)
{
	int64_t x;

	if (json_int(c->j, v, 0, 5, &x, p) < 0)
		return -1;
	arg_of(c)->arg->index = x;
	return 0;
}

static int f_arg_value(struct pctx *c, int v, const char *p)
{
	arg_of(c)->has_value = true;
	return json_uint64(c->j, v, &arg_of(c)->arg->value, p);
}

static int f_arg_value2(struct pctx *c, int v, const char *p) { return json_uint64(c->j, v, &arg_of(c)->arg->value2, p); }

static int f_arg_op(struct pctx *c, int v, const char *p)
{
	int op = enum_field(c, v, p, op_names, countof(op_names));

	if (op < 0)
		return -1;
	arg_of(c)->arg->op = op;
	arg_of(c)->has_op = true;
	return 0;
}

static int e_arg(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = {
		{ "index", f_arg_index }, { "value", f_arg_value }, { "valueTwo", f_arg_value2 }, { "op", f_arg_op },
	};
	struct arg_item it = { &sc_of(c)->rule->args[idx], false, false };

	it.arg->index = 6;
	if (walk_item(c, v, path, f, countof(f), &it) < 0)
		return -1;
	if (it.arg->index > 5)
		return failx("%s.index: required", path);
	if (!it.has_value)
		return failx("%s.value: required", path);
	if (!it.has_op)
		return failx("%s.op: required", path);
	return 0;
}

static int f_args(struct pctx *c, int v, const char *path)
{
	struct sc_rule *r = sc_of(c)->rule;

	return object_array(c, v, path, &r->args, sizeof *r->args, &r->nargs, e_arg);
}

static int f_names(struct pctx *c, int v, const char *p)
{
	struct sc_rule *r = sc_of(c)->rule;
	return str_array(c, v, p, &r->names, &r->nnames);
}

static int e_rule(struct pctx *c, int v, const char *path, size_t idx)
{
	static const struct field f[] = {
		{ "names", f_names }, { "action", f_action }, { "errnoRet", f_errno }, { "args", f_args },
	};
	struct sc_item it = { .rule = &c->s->seccomp.rules[idx], .action = -1 };

	if (walk_item(c, v, path, f, countof(f), &it) < 0)
		return -1;
	if (!it.rule->nnames)
		return failx("%s.names: at least one name is required", path);
	return finish_action(c, &it, path, "action", "errnoRet", &it.rule->action);
}

static int f_rules(struct pctx *c, int v, const char *path)
{
	struct seccomp *sc = &c->s->seccomp;

	return object_array(c, v, path, &sc->rules, sizeof *sc->rules, &sc->nrules, e_rule);
}

static int e_arch(struct pctx *c, int v, const char *path, size_t idx)
{
	const char *name;
	int a;

	(void)idx;
	if (str_field(c, v, path, &name) < 0)
		return -1;
	a = arch_index(name);
	if (a == -2)
		return failx("%s: unknown architecture \"%s\"", path, name);
	if (a >= 0)
		sc_of(c)->arches |= 1u << a;
	return 0;
}

static int f_arches(struct pctx *c, int v, const char *p) { return walk_array(c, v, p, e_arch); }

static int e_flag(struct pctx *c, int v, const char *path, size_t idx)
{
	int f = enum_field(c, v, path, flag_names, countof(flag_names));

	(void)idx;
	if (f < 0)
		return -1;
	c->s->seccomp.flags |= flag_values[f];
	return 0;
}

static int f_flags(struct pctx *c, int v, const char *p) { return walk_array(c, v, p, e_flag); }
static int f_listener(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->seccomp.listener_path); }
static int f_metadata(struct pctx *c, int v, const char *p) { return str_field(c, v, p, &c->s->seccomp.listener_metadata); }

/* Syscalls Grid itself makes between installing the filter and execve: a
 * NOTIFY on them would wait for a listener that has no fd yet. */
static int check_notify(const struct seccomp *sc, const char *path)
{
	static const char *const own[] = { "sendmsg", "sendto", "close", "execve", "write", "writev", "exit",
					   "exit_group" };

	if (!sc->notify)
		return 0;
	if (!sc->listener_path)
		return failx("%s.listenerPath: required with SCMP_ACT_NOTIFY", path);
	if ((sc->default_action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
		return failx("%s.defaultAction: SCMP_ACT_NOTIFY would also catch the syscalls grid makes to hand "
			     "the listener its fd", path);
	for (size_t r = 0; r < sc->nrules; r++)
		for (size_t n = 0; n < sc->rules[r].nnames; n++)
			for (size_t o = 0; o < countof(own); o++)
				if ((sc->rules[r].action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF &&
				    !strcmp(sc->rules[r].names[n], own[o]))
					return failx("%s.syscalls[%zu]: SCMP_ACT_NOTIFY on %s, which grid needs to "
						     "hand the listener its fd", path, r, own[o]);
	return 0;
}

int seccomp_parse(struct pctx *c, int v, const char *path)
{
	static const struct field f[] = {
		{ "defaultAction", f_action }, { "defaultErrnoRet", f_errno }, { "architectures", f_arches },
		{ "flags", f_flags }, { "listenerPath", f_listener }, { "listenerMetadata", f_metadata },
	};
	static const struct field rules[] = { { "syscalls", f_rules } };
	struct seccomp *sc = &c->s->seccomp;
	struct sc_item it = { .action = -1 };

	memset(sc, 0, sizeof *sc);
	sc->set = true;
	if (walk_item(c, v, path, f, countof(f), &it) < 0 ||
	    finish_action(c, &it, path, "defaultAction", "defaultErrnoRet", &sc->default_action) < 0)
		return -1;
	sc->arches = it.arches;
	if (walk_object(c, v, path, rules, countof(rules)) < 0)
		return -1;
	if (sc->listener_metadata && !sc->listener_path)
		return failx("%s.listenerMetadata: needs listenerPath", path);
	return check_notify(sc, path);
}

/* ---- the compiler: symbolic code ---- */

struct ir {
	uint16_t code;
	uint32_t k;
	int jt, jf;        /* labels of a conditional jump; jt alone for JA */
};

struct cc {
	struct ir *ir;
	size_t n, cap;
	int *label_at;     /* label -> index in ir */
	size_t nlabels, lcap;
	bool oom;
};

static void emit(struct cc *c, uint16_t code, uint32_t k, int jt, int jf)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct ir *p = mem_grow(c->ir, cap, sizeof *p);
		if (!p) {
			c->oom = true;
			return;
		}
		c->ir = p;
		c->cap = cap;
	}
	c->ir[c->n++] = (struct ir){ code, k, jt, jf };
}

static int new_label(struct cc *c)
{
	if (c->nlabels == c->lcap) {
		size_t cap = c->lcap ? c->lcap * 2 : 256;
		int *p = mem_grow(c->label_at, cap, sizeof *p);
		if (!p) {
			c->oom = true;
			return 0;
		}
		c->label_at = p;
		c->lcap = cap;
	}
	c->label_at[c->nlabels] = -1;
	return c->nlabels++;
}

static void place(struct cc *c, int label)
{
	if (!c->oom)
		c->label_at[label] = c->n;
}

/* A conditional jump whose false branch is the next instruction. */
static void jump_or_next(struct cc *c, uint16_t code, uint32_t k, int target, bool when)
{
	int next = new_label(c);

	emit(c, code, k, when ? target : next, when ? next : target);
	place(c, next);
}

static void jump2(struct cc *c, uint16_t code, uint32_t k, int jt, int jf) { emit(c, code, k, jt, jf); }
static void ld(struct cc *c, uint32_t off) { emit(c, BPF_LD_W_ABS, off, -1, -1); }
static void emit_ret(struct cc *c, uint32_t action) { emit(c, BPF_RET_K, action, -1, -1); }

/* ---- the compiler: one argument compare, 64-bit as two 32-bit words ---- */

static uint32_t arg_lo(uint32_t index)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return OFF_ARGS + 8 * index + 4;
#else
	return OFF_ARGS + 8 * index;
#endif
}

static uint32_t arg_hi(uint32_t index)
{
	return arg_lo(index) ^ 4;
}

/* Falls through when the argument matches, jumps to `fail` when not. */
static void gen_arg(struct cc *c, const struct sc_arg *a, int fail)
{
	uint32_t vh = a->value >> 32, vl = (uint32_t)a->value;
	int ok = new_label(c);

	ld(c, arg_hi(a->index));
	switch (a->op) {
	case SC_EQ:
		jump_or_next(c, BPF_JEQ_K, vh, fail, false);
		ld(c, arg_lo(a->index));
		jump2(c, BPF_JEQ_K, vl, ok, fail);
		break;
	case SC_NE:
		jump_or_next(c, BPF_JEQ_K, vh, ok, false);
		ld(c, arg_lo(a->index));
		jump2(c, BPF_JEQ_K, vl, fail, ok);
		break;
	case SC_GT:
	case SC_GE:
		jump_or_next(c, BPF_JGT_K, vh, ok, true);
		jump_or_next(c, BPF_JEQ_K, vh, fail, false);
		ld(c, arg_lo(a->index));
		jump2(c, a->op == SC_GT ? BPF_JGT_K : BPF_JGE_K, vl, ok, fail);
		break;
	case SC_LT:
	case SC_LE:
		jump_or_next(c, BPF_JGE_K, vh, ok, false);
		jump_or_next(c, BPF_JEQ_K, vh, fail, false);
		ld(c, arg_lo(a->index));
		jump2(c, a->op == SC_LT ? BPF_JGE_K : BPF_JGT_K, vl, fail, ok);
		break;
	case SC_MASKED_EQ:
		emit(c, BPF_ALU_AND_K, vh, -1, -1);
		jump_or_next(c, BPF_JEQ_K, (uint32_t)(a->value2 >> 32), fail, false);
		ld(c, arg_lo(a->index));
		emit(c, BPF_ALU_AND_K, vl, -1, -1);
		jump2(c, BPF_JEQ_K, (uint32_t)a->value2, ok, fail);
		break;
	}
	place(c, ok);
}

/* ---- the compiler: rules by syscall number ---- */

/* One rule (or, for a rule whose arguments all test the same index, one of
 * those arguments: runc and crun OR them) for one syscall number. */
struct ent {
	uint32_t nr;
	size_t order;
	const struct sc_rule *rule;
	int only_arg;      /* -1: all of the rule's args */
};

static int ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool same_index_args(const struct sc_rule *r)
{
	if (r->nargs < 2)
		return false;
	for (size_t i = 1; i < r->nargs; i++)
		if (r->args[i].index != r->args[0].index)
			return false;
	return true;
}

static size_t ent_nargs(const struct ent *e)
{
	return e->only_arg >= 0 ? 1 : e->rule->nargs;
}

static const struct sc_arg *ent_arg(const struct ent *e, size_t i)
{
	return e->only_arg >= 0 ? &e->rule->args[e->only_arg] : &e->rule->args[i];
}

/* One number's rules, in order; the first whose arguments all match decides. */
static void gen_block(struct cc *c, const struct ent *e, size_t n, uint32_t def)
{
	for (size_t i = 0; i < n; i++) {
		int fail;
		if (!ent_nargs(&e[i])) {
			emit_ret(c, e[i].rule->action);
			return;
		}
		fail = new_label(c);
		for (size_t a = 0; a < ent_nargs(&e[i]); a++)
			gen_arg(c, ent_arg(&e[i], a), fail);
		emit_ret(c, e[i].rule->action);
		place(c, fail);
	}
	emit_ret(c, def);
}

/* Distinct numbers: start index into the sorted entries, and count. */
struct num {
	uint32_t nr;
	size_t first, n;
};

static bool simple(const struct num *u, const struct ent *e)
{
	return u->n == 1 && !ent_nargs(&e[u->first]);
}

static void gen_leaf(struct cc *c, const struct num *u, size_t n, const struct ent *e, uint32_t def)
{
	int lab[n + 1], block[n + 1]; /* n is LEAF, or every number for --linear */
	uint32_t act[n + 1];
	size_t nacts = 0;

	for (size_t i = 0; i < n; i++) {
		size_t a = 0;
		if (!simple(&u[i], e)) {
			block[i] = new_label(c);
			jump_or_next(c, BPF_JEQ_K, u[i].nr, block[i], true);
			continue;
		}
		/* numbers that just return an action share its ret */
		while (a < nacts && act[a] != e[u[i].first].rule->action)
			a++;
		if (a == nacts) {
			act[nacts] = e[u[i].first].rule->action;
			lab[nacts++] = new_label(c);
		}
		block[i] = -1;
		jump_or_next(c, BPF_JEQ_K, u[i].nr, lab[a], true);
	}
	emit_ret(c, def);
	for (size_t a = 0; a < nacts; a++) {
		place(c, lab[a]);
		emit_ret(c, act[a]);
	}
	for (size_t i = 0; i < n; i++)
		if (block[i] >= 0) {
			place(c, block[i]);
			gen_block(c, e + u[i].first, u[i].n, def);
		}
}

/* Binary search: A holds the syscall number and no instruction changes it. */
static void gen_tree(struct cc *c, const struct num *u, size_t n, const struct ent *e, uint32_t def, size_t leaf)
{
	size_t mid = n / 2;
	int right;

	if (n <= leaf) {
		gen_leaf(c, u, n, e, def);
		return;
	}
	right = new_label(c);
	jump_or_next(c, BPF_JGE_K, u[mid].nr, right, true);
	gen_tree(c, u, mid, e, def, leaf);
	place(c, right);
	gen_tree(c, u + mid, n - mid, e, def, leaf);
}

/* Entries of every rule name known to the tables in `tables`; the rest are skipped. */
static int collect(const struct seccomp *sc, const int *tables, struct ent **out, size_t *nout)
{
	size_t n = 0, cap = 64;
	cleanup_free struct ent *e = mem_grow(NULL, cap, sizeof *e);

	if (!e)
		return -1;
	for (size_t r = 0; r < sc->nrules; r++) {
		const struct sc_rule *rule = &sc->rules[r];
		size_t subs = same_index_args(rule) ? rule->nargs : 1;
		for (size_t m = 0; m < rule->nnames; m++)
			for (const int *t = tables; *t >= 0; t++) {
				uint32_t nr;
				if (lookup(rule->names[m], *t, &nr) < 0)
					continue;
				for (size_t s = 0; s < subs; s++) {
					if (n == cap) {
						struct ent *p = mem_grow(e, cap *= 2, sizeof *e);
						if (!p)
							return -1;
						e = p;
					}
					e[n] = (struct ent){ nr, n, rule, subs > 1 ? (int)s : -1 };
					n++;
				}
			}
	}
	sort(e, n, sizeof *e, ent_cmp);
	*out = steal_ptr(&e);
	*nout = n;
	return 0;
}

/* Numbers whose every rule returns the default need no code. */
static size_t distinct(const struct ent *e, size_t n, uint32_t def, struct num *u)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		bool useful = false;
		while (j < n && e[j].nr == e[i].nr) {
			if (e[j].rule->action != def)
				useful = true;
			j++;
		}
		if (useful)
			u[k++] = (struct num){ e[i].nr, i, j - i };
		i = j;
	}
	return k;
}

/* One audit arch: its ABIs' numbers searched together (x32's carry their bit). */
static int gen_arch(struct cc *c, const struct seccomp *sc, const int *tables, bool x86_without_x32, bool linear)
{
	cleanup_free struct ent *e = NULL;
	cleanup_free struct num *u = NULL;
	size_t n = 0, k;

	if (collect(sc, tables, &e, &n) < 0 || !(u = mem_grow(NULL, n + 1, sizeof *u)))
		return -1;
	k = distinct(e, n, sc->default_action, u);
	ld(c, OFF_NR);
	if (x86_without_x32) {
		int bad = new_label(c), go = new_label(c);
		jump2(c, BPF_JGE_K, __X32_SYSCALL_BIT, bad, go);
		place(c, bad);
		emit_ret(c, SECCOMP_RET_KILL_PROCESS);
		place(c, go);
	}
	gen_tree(c, u, k, e, sc->default_action, linear ? (size_t)-1 : LEAF);
	return 0;
}

/* ---- the compiler: layout ---- */

static bool cond(const struct ir *i)
{
	return i->code == BPF_JEQ_K || i->code == BPF_JGT_K || i->code == BPF_JGE_K;
}

/* Positions of each ir given which conditional branches need a trampoline. */
static size_t layout(const struct cc *c, const uint8_t *far, size_t *pos)
{
	size_t p = 0;

	for (size_t i = 0; i < c->n; i++) {
		pos[i] = p;
		p += 1 + (far[i] & 1) + (far[i] >> 1 & 1);
	}
	pos[c->n] = p;
	return p;
}

/* Marks branches that cannot reach their target in 8 bits, until none is left. */
static size_t relax(const struct cc *c, uint8_t *far, size_t *pos)
{
	bool changed = true;
	size_t len = 0;

	while (changed) {
		changed = false;
		len = layout(c, far, pos);
		for (size_t i = 0; i < c->n; i++) {
			const struct ir *x = &c->ir[i];
			size_t next = pos[i] + 1;
			if (!cond(x))
				continue;
			if (!(far[i] & 1) && pos[c->label_at[x->jt]] - next > 255) {
				far[i] |= 1;
				changed = true;
			}
			if (!(far[i] & 2) && pos[c->label_at[x->jf]] - next > 255) {
				far[i] |= 2;
				changed = true;
			}
		}
	}
	return len;
}

static void assemble(const struct cc *c, const uint8_t *far, const size_t *pos, struct sock_filter *out)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct ir *x = &c->ir[i];
		size_t p = pos[i], q = p + 1;
		if (x->code == BPF_JMP_JA) {
			out[p] = (struct sock_filter){ BPF_JMP_JA, 0, 0, pos[c->label_at[x->jt]] - q };
			continue;
		}
		if (!cond(x)) {
			out[p] = (struct sock_filter){ x->code, 0, 0, x->k };
			continue;
		}
		size_t t = pos[c->label_at[x->jt]], f = pos[c->label_at[x->jf]];
		size_t tt = (far[i] & 1) ? q : t, ft = (far[i] & 2) ? q + (far[i] & 1) : f;
		out[p] = (struct sock_filter){ x->code, tt - q, ft - q, x->k };
		if (far[i] & 1) {
			out[q] = (struct sock_filter){ BPF_JMP_JA, 0, 0, t - (q + 1) };
			q++;
		}
		if (far[i] & 2)
			out[q] = (struct sock_filter){ BPF_JMP_JA, 0, 0, f - (q + 1) };
	}
}

static int link_program(struct cc *c, struct sc_prog *out)
{
	cleanup_free uint8_t *far = mem_zero(c->n + 1, 1);
	cleanup_free size_t *pos = mem_zero(c->n + 1, sizeof *pos);
	size_t len;

	if (!far || !pos)
		return -1;
	for (size_t i = 0; i < c->nlabels; i++)
		if (c->label_at[i] < 0)
			return failx("linux.seccomp: internal error: label %zu not placed", i);
	len = relax(c, far, pos);
	if (len > BPF_MAXINSNS)
		return failx("linux.seccomp: the filter needs %zu BPF instructions, more than the kernel's %d", len,
			     BPF_MAXINSNS);
	out->insn = mem_zero(len, sizeof *out->insn);
	if (!out->insn)
		return -1;
	assemble(c, far, pos, out->insn);
	out->len = len;
	return 0;
}

/* ---- the compiler: the whole program ---- */

struct group {
	uint32_t audit;
	int tables[4];
	bool x86_without_x32;
};

/* The audit arches to check: the native one, then each listed compat ABI. */
static size_t groups(const struct seccomp *sc, int native, struct group *g)
{
	size_t n = 1;
	uint32_t listed = sc->arches;

	g[0] = (struct group){ arch_names[0].audit, { native, -1 }, false };
	for (size_t i = 0; i < countof(arch_names); i++)
		if (arch_names[i].arch == native)
			g[0].audit = arch_names[i].audit;
	if (native == SC_X86_64) {
		g[0].x86_without_x32 = !(listed & 1u << SC_X32);
		if (!g[0].x86_without_x32) {
			g[0].tables[1] = SC_X32;
			g[0].tables[2] = -1;
		}
	}
	for (const int *a = compat_arches[native]; *a >= 0; a++) {
		if (*a == SC_X32 || !(listed & 1u << *a))
			continue;
		for (size_t i = 0; i < countof(arch_names); i++)
			if (arch_names[i].arch == *a)
				g[n] = (struct group){ arch_names[i].audit, { *a, -1 }, false };
		n++;
	}
	return n;
}

int seccomp_compile(const struct seccomp *sc, const char *native_name, bool linear, struct sc_prog *out)
{
	struct cc c = { 0 };
	struct group g[4];
	int native = arch_index(native_name), lab[4];
	size_t ng;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (!sc->set)
		return 0;
	if (native < 0)
		return failx("linux.seccomp: no syscall table for %s", native_name);
	ng = groups(sc, native, g);
	ld(&c, OFF_ARCH);
	for (size_t i = 0; i < ng; i++) {
		lab[i] = new_label(&c);
		jump_or_next(&c, BPF_JEQ_K, g[i].audit, lab[i], true);
	}
	emit_ret(&c, SECCOMP_RET_KILL_PROCESS);
	for (size_t i = 0; i < ng; i++) {
		place(&c, lab[i]);
		if (gen_arch(&c, sc, g[i].tables, g[i].x86_without_x32, linear) < 0)
			goto out;
	}
	if (c.oom) {
		fail(ENOMEM, "compile linux.seccomp");
		goto out;
	}
	if (link_program(&c, out) < 0)
		goto out;
	out->notify = sc->notify;
	out->flags = sc->flags;
	if (sc->notify) {
		out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		if (out->flags & SECCOMP_FILTER_FLAG_TSYNC)
			out->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH; /* the kernel refuses TSYNC with a listener otherwise */
	} else {
		out->flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* means nothing without a listener; EINVAL */
	}
	ret = 0;
out:
	free(c.ir);
	free(c.label_at);
	return ret;
}

void seccomp_prog_free(struct sc_prog *p)
{
	free(p->insn);
	p->insn = NULL;
	p->len = 0;
}

/* ---- reading programs: the interpreter and the dump ---- */

static uint32_t load_word(uint32_t off, uint32_t nr, uint32_t arch, const uint64_t *args)
{
	uint64_t a;

	if (off == OFF_NR)
		return nr;
	if (off == OFF_ARCH)
		return arch;
	if (off < OFF_ARGS || off >= OFF_ARGS + 48)
		return 0;
	a = args ? args[(off - OFF_ARGS) / 8] : 0;
	return off == arg_lo((off - OFF_ARGS) / 8) ? (uint32_t)a : (uint32_t)(a >> 32);
}

uint32_t seccomp_run(const struct sc_prog *p, uint32_t nr, uint32_t arch, const uint64_t *args, size_t *steps)
{
	uint32_t A = 0;

	*steps = 0;
	for (size_t pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->insn[pc];
		++*steps;
		switch (i->code) {
		case BPF_LD_W_ABS: A = load_word(i->k, nr, arch, args); break;
		case BPF_ALU_AND_K: A &= i->k; break;
		case BPF_JMP_JA: pc += i->k; break;
		case BPF_JEQ_K: pc += A == i->k ? i->jt : i->jf; break;
		case BPF_JGT_K: pc += A > i->k ? i->jt : i->jf; break;
		case BPF_JGE_K: pc += A >= i->k ? i->jt : i->jf; break;
		case BPF_RET_K: return i->k;
		default: return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;
}

static void dump_ret(struct buf *b, uint32_t k)
{
	static const struct {
		uint32_t v;
		const char *n;
	} acts[] = {
		{ SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS" }, { SECCOMP_RET_KILL_THREAD, "KILL_THREAD" },
		{ SECCOMP_RET_TRAP, "TRAP" }, { SECCOMP_RET_ERRNO, "ERRNO" }, { SECCOMP_RET_USER_NOTIF, "NOTIFY" },
		{ SECCOMP_RET_TRACE, "TRACE" }, { SECCOMP_RET_LOG, "LOG" }, { SECCOMP_RET_ALLOW, "ALLOW" },
	};

	for (size_t i = 0; i < countof(acts); i++)
		if ((k & SECCOMP_RET_ACTION_FULL) == acts[i].v) {
			buf_printf(b, "ret %s", acts[i].n);
			if (acts[i].v == SECCOMP_RET_ERRNO || acts[i].v == SECCOMP_RET_TRACE)
				buf_printf(b, "(%u)", k & SECCOMP_RET_DATA);
			return;
		}
	buf_printf(b, "ret #0x%x", k);
}

void seccomp_dump(const struct sc_prog *p, struct buf *b)
{
	for (size_t pc = 0; pc < p->len; pc++) {
		const struct sock_filter *i = &p->insn[pc];
		const char *j = i->code == BPF_JEQ_K ? "jeq" : i->code == BPF_JGT_K ? "jgt" : "jge";
		buf_printf(b, "%04zu  ", pc);
		switch (i->code) {
		case BPF_LD_W_ABS: buf_printf(b, "ld [%u]", i->k); break;
		case BPF_ALU_AND_K: buf_printf(b, "and #0x%x", i->k); break;
		case BPF_JMP_JA: buf_printf(b, "ja %zu", pc + 1 + i->k); break;
		case BPF_RET_K: dump_ret(b, i->k); break;
		default: buf_printf(b, "%s #0x%x, %zu, %zu", j, i->k, pc + 1 + i->jt, pc + 1 + i->jf);
		}
		buf_puts(b, "\n");
	}
}

/* ---- installing ---- */

/* Without no_new_privs the kernel wants CAP_SYS_ADMIN: if the process will
 * not have it at exec, the filter must go in before the capabilities go
 * (as runc does), and then also filters the rest of Grid's setup. */
bool seccomp_early(const struct spec *s, const struct caps *c)
{
	if (!s->seccomp.set || s->proc.no_new_privileges)
		return false;
	if (s->proc.has_caps)
		return !(c->set[CAPS_EFFECTIVE] >> CAP_SYS_ADMIN & 1);
	return s->proc.uid != 0;
}

/* The container process state (config-linux.md) with the fd, then close. */
int seccomp_send_listener(int listener, int fd, const struct spec *s, const struct state *st, enum status status,
			  pid_t pid)
{
	cleanup_buf struct buf b = { 0 };
	cleanup_fd int sock = listener; /* closed once sent */

	buf_printf(&b, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,", OCI_VERSION, (int)pid);
	if (s->seccomp.listener_metadata) {
		buf_puts(&b, "\"metadata\":");
		buf_json_str(&b, s->seccomp.listener_metadata);
		buf_puts(&b, ",");
	}
	buf_puts(&b, "\"state\":");
	state_json(&b, st, status, pid);
	buf_puts(&b, "}");
	if (buf_check(&b) < 0)
		return -1;
	if (sock_send(sock, b.p, b.len, fd) == 0)
		return 0;
	if (errno == EAGAIN)
		return failx("linux.seccomp.listenerPath %s: send the seccomp fd: not read within %d s",
			     s->seccomp.listener_path, LISTENER_TIMEOUT);
	return fail(errno, "linux.seccomp.listenerPath %s: send the seccomp fd", s->seccomp.listener_path);
}

int seccomp_install(const struct sc_prog *p, int *notify_fd)
{
	struct sock_fprog fprog = { p->len, p->insn };
	long fd;

	*notify_fd = -1;
	if (!p->insn)
		return 0;
	fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &fprog);
	if (fd < 0)
		return fail(errno, "linux.seccomp: install the filter%s",
			    errno == EACCES ? " (it needs process.noNewPrivileges or CAP_SYS_ADMIN)" : "");
	if (p->notify)
		*notify_fd = fd;
	return 0;
}

/* ---- grid debug seccomp ---- */

static int arch_audit(const char *name, uint32_t *audit)
{
	for (size_t i = 0; i < countof(arch_names); i++)
		if (!strcmp(arch_names[i].name, name) && arch_names[i].arch >= 0) {
			*audit = arch_names[i].audit;
			return 0;
		}
	return failx("unknown architecture %s", name);
}

int seccomp_debug(const char *bundle, const char *arch, bool linear, const char *syscall_name)
{
	char path[4096];
	struct spec s;
	struct sc_prog p;
	cleanup_buf struct buf b = { 0 };
	uint32_t nr = 0, audit = 0;
	size_t steps;
	int ret;

	if (path_join(path, sizeof path, bundle, "config.json") < 0 || spec_load(&s, path) < 0)
		return -1;
	ret = seccomp_compile(&s.seccomp, arch, linear, &p);
	if (ret == 0 && syscall_name) {
		if (arch_audit(arch, &audit) < 0)
			ret = -1;
		else if (seccomp_lookup(syscall_name, arch, &nr) < 0)
			ret = failx("no syscall %s on %s", syscall_name, arch);
		else {
			uint32_t r = seccomp_run(&p, nr, audit, NULL, &steps);
			buf_printf(&b, "%s: nr %u, ", syscall_name, nr);
			dump_ret(&b, r);
			buf_printf(&b, ", %zu instructions executed of %zu\n", steps, p.len);
		}
	} else if (ret == 0) {
		seccomp_dump(&p, &b);
	}
	if (ret == 0)
		ret = buf_print(&b);
	seccomp_prog_free(&p);
	spec_free(&s);
	return ret;
}
