/* devices_bpf.c - linux.resources.devices on cgroup v2: a
 * BPF_PROG_TYPE_CGROUP_DEVICE program generated from the rules and attached
 * with the raw bpf() syscall (no libbpf). Owns the program's code
 * generation, loading it, and putting it on the container's cgroup in place
 * of the one an earlier create or update put there. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices_bpf.h"
#include "fail.h"
#include "grid.h"
#include "kernel.h"
#include "log.h"
#include "spec.h"
#include "util.h"

/* Appended after the config's rules on v1 and v2 alike: null, zero, full,
 * random, urandom, tty, console, ptmx and the ptys stay usable, as runc and
 * crun keep them. */
const struct dev_rule device_rules_default[] = {
	{ true, 'c', 1, 3, 7 }, { true, 'c', 1, 5, 7 }, { true, 'c', 1, 7, 7 }, { true, 'c', 1, 8, 7 },
	{ true, 'c', 1, 9, 7 }, { true, 'c', 5, 0, 7 }, { true, 'c', 5, 1, 7 }, { true, 'c', 5, 2, 7 },
	{ true, 'c', 136, -1, 7 },
};
const size_t device_rules_ndefault = countof(device_rules_default);

/* eBPF opcodes: class | op | source */
#define BPF_LDX_MEM_W (BPF_LDX | BPF_MEM | BPF_W) /* dst = *(u32 *)(src + off) */
#define BPF_ALU_AND_K (BPF_ALU | BPF_AND | BPF_K) /* w_dst &= imm */
#define BPF_ALU_RSH_K (BPF_ALU | BPF_RSH | BPF_K) /* w_dst >>= imm */
#define BPF_ALU_MOV_X (BPF_ALU | BPF_MOV | BPF_X) /* w_dst = w_src */
#define BPF_ALU64_MOV_K (BPF_ALU64 | BPF_MOV | BPF_K) /* dst = imm */
#define BPF_JEQ_K (BPF_JMP | BPF_JEQ | BPF_K) /* if dst == imm: pc += off */
#define BPF_JNE_K (BPF_JMP | BPF_JNE | BPF_K) /* if dst != imm: pc += off */
#define BPF_JMP_EXIT (BPF_JMP | BPF_EXIT)

/* Registers: r1 the context on entry, then scratch; r2 the device type,
 * r3 the requested access, r4 the major, r5 the minor, r6 the requested
 * access bits no rule has decided yet; r0 the verdict. */
enum { R0, R1, R2, R3, R4, R5, R6 };

/* bpf()'s argument: kernel.h's union bpf_attr has only the fields Grid
 * sets; the kernel is given 128 bytes, zero past those, as it always was. */
union bpf_arg {
	union bpf_attr attr;
	uint8_t pad[128];
};

static int sys_bpf(int cmd, union bpf_arg *arg)
{
	return syscall(SYS_bpf, cmd, arg, sizeof *arg);
}

/* ---- code generation ---- */

struct gen {
	struct bpf_insn *out;
	size_t n, cap;
};

static void emit(struct gen *g, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	if (g->n < g->cap)
		g->out[g->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
	g->n++;
}

/* Each requested access bit is decided by the last rule that matches the
 * device and has that bit, as the v1 list decides it; the request passes
 * when all its bits are allowed. Deciding the request as a whole (the last
 * rule whose access covers it) would let an O_RDWR open, which asks for r
 * and w at once, slip past a later "deny w". */
static int rule_len(const struct dev_rule *d)
{
	if (!(d->access & 7))
		return 0; /* decides no bit */
	return (d->type != 'a') + (d->major >= 0) + (d->minor >= 0) + (d->allow ? 2 : 3) + 2;
}

/* One rule, walking the rules last to first: a test that fails jumps past
 * the rule to the next one. */
static void emit_rule(struct gen *g, const struct dev_rule *d)
{
	int32_t acc = d->access & 7;
	int left = rule_len(d);

	if (!left)
		return;
	/* a jump with `left` instructions of the rule after it skips them all */
	if (d->type != 'a') {
		left--;
		emit(g, BPF_JNE_K, R2, 0, left, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if (d->major >= 0) {
		left--;
		emit(g, BPF_JNE_K, R4, 0, left, (int32_t)d->major);
	}
	if (d->minor >= 0) {
		left--;
		emit(g, BPF_JNE_K, R5, 0, left, (int32_t)d->minor);
	}
	if (d->allow) {
		/* its bits are allowed; the request passes once none is left */
		emit(g, BPF_ALU_AND_K, R6, 0, 0, ~acc & 7);
		left -= 2;
		emit(g, BPF_JNE_K, R6, 0, left, 0);
		emit(g, BPF_ALU64_MOV_K, R0, 0, 0, 1);
	} else {
		/* an undecided bit of it is denied: so is the request */
		emit(g, BPF_ALU_MOV_X, R1, R6, 0, 0);
		emit(g, BPF_ALU_AND_K, R1, 0, 0, acc);
		left -= 3;
		emit(g, BPF_JEQ_K, R1, 0, left, 0);
		emit(g, BPF_ALU64_MOV_K, R0, 0, 0, 0);
	}
	emit(g, BPF_JMP_EXIT, 0, 0, 0, 0);
}

int devices_bpf_build(const struct dev_rule *rules, size_t n, struct bpf_insn *out, size_t cap)
{
	struct gen g = { out, 0, cap };

	/* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; },
	 * access_type = (access << 16) | type */
	emit(&g, BPF_LDX_MEM_W, R2, R1, 0, 0);
	emit(&g, BPF_ALU_AND_K, R2, 0, 0, 0xffff);
	emit(&g, BPF_LDX_MEM_W, R3, R1, 0, 0);
	emit(&g, BPF_ALU_RSH_K, R3, 0, 0, 16);
	emit(&g, BPF_LDX_MEM_W, R4, R1, 4, 0);
	emit(&g, BPF_LDX_MEM_W, R5, R1, 8, 0);
	emit(&g, BPF_ALU_MOV_X, R6, R3, 0, 0);
	for (size_t i = n; i-- > 0;)
		emit_rule(&g, &rules[i]);
	emit(&g, BPF_ALU64_MOV_K, R0, 0, 0, 0); /* a bit no rule allows: deny */
	emit(&g, BPF_JMP_EXIT, 0, 0, 0, 0);
	if (g.n > cap)
		return failx("linux.resources.devices: %zu rules need %zu instructions, more than %zu", n, g.n, cap);
	return (int)g.n;
}

/* ---- loading and attaching ---- */

/* The verifier's last words, for the error: its last line but the
 * statistics ("processed N insns ...") it ends with. */
static const char *log_tail(char *log)
{
	char *line = log;

	for (;;) {
		size_t len = strlen(log);
		char *nl;
		while (len > 0 && (log[len - 1] == '\n' || log[len - 1] == ' '))
			log[--len] = 0;
		nl = strrchr(log, '\n');
		line = nl ? nl + 1 : log;
		if (!nl || strncmp(line, "processed ", 10))
			return line;
		*nl = 0;
	}
}

static int load(const struct bpf_insn *insns, int n)
{
	static char log[65536];
	union bpf_arg a;
	int fd, e;

	memset(&a, 0, sizeof a);
	a.attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.attr.insn_cnt = n;
	a.attr.insns = (uintptr_t)insns;
	a.attr.license = (uintptr_t)"GPL";
	snprintf(a.attr.prog_name, sizeof a.attr.prog_name, "grid_devices");
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	e = errno;
	/* again with the verifier's log, to say why */
	log[0] = 0;
	a.attr.log_level = 1;
	a.attr.log_size = sizeof log;
	a.attr.log_buf = (uintptr_t)log;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	if (log[0])
		return fail(e, "linux.resources.devices: load the cgroup device program (%s)", log_tail(log));
	return fail(e, "linux.resources.devices: load the cgroup device program");
}

/* Up to cap ids of the device programs attached to the cgroup itself. */
static int query(int cgfd, uint32_t *ids, uint32_t cap)
{
	union bpf_arg a;

	memset(&a, 0, sizeof a);
	a.attr.query.target_fd = cgfd;
	a.attr.query.attach_type = BPF_CGROUP_DEVICE;
	a.attr.query.prog_ids = (uintptr_t)ids;
	a.attr.query.prog_cnt = cap;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return -1;
	return (int)(a.attr.query.prog_cnt < cap ? a.attr.query.prog_cnt : cap);
}

static int detach(int cgfd, uint32_t id, const char *dir)
{
	union bpf_arg a;
	cleanup_fd int fd = -1;

	memset(&a, 0, sizeof a);
	a.attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail(errno, "linux.resources.devices: the old program %u of %s", id, dir);
	memset(&a, 0, sizeof a);
	a.attr.target_fd = cgfd;
	a.attr.attach_bpf_fd = fd;
	a.attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
		return fail(errno, "linux.resources.devices: detach the old program %u from %s", id, dir);
	return 0;
}

int devices_bpf_attach(const char *dir, const struct resources *r)
{
	struct dev_rule rules[256 + 16];
	struct bpf_insn insns[DEVICES_BPF_MAX(countof(rules))];
	size_t n = r->ndev + device_rules_ndefault;
	uint32_t old[64];
	cleanup_fd int cgfd = -1;
	cleanup_fd int prog = -1;
	int len, nold;
	union bpf_arg a;

	if (n > countof(rules))
		return failx("linux.resources.devices: %zu rules, at most %zu on cgroup v2", r->ndev,
			     countof(rules) - device_rules_ndefault);
	memcpy(rules, r->dev, r->ndev * sizeof *rules);
	memcpy(rules + r->ndev, device_rules_default, device_rules_ndefault * sizeof *rules);
	len = devices_bpf_build(rules, n, insns, countof(insns));
	if (len < 0)
		return -1;
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return fail(errno, "linux.resources.devices: open cgroup %s", dir);
	/* what create or an earlier update attached, replaced once the new one is on */
	nold = query(cgfd, old, countof(old));
	if (nold < 0)
		return fail(errno, "linux.resources.devices: query the device programs of %s", dir);
	prog = load(insns, len);
	if (prog < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.attr.target_fd = cgfd;
	a.attr.attach_bpf_fd = prog;
	a.attr.attach_type = BPF_CGROUP_DEVICE;
	a.attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return fail(errno, "linux.resources.devices: attach the device program to %s", dir);
	/* the cgroup holds the program now; the old ones go */
	for (int i = 0; i < nold; i++)
		if (detach(cgfd, old[i], dir) < 0)
			return -1;
	debug("devices: cgroup v2 program of %d instructions for %zu rules attached to %s, %d replaced", len, n,
	      dir, nold);
	return 0;
}
