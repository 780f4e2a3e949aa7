/* state.c - what Grid remembers about a container between commands:
 * <root>/<id>/state, a small fixed key=value text file written atomically,
 * the flock that serializes commands on one id, id validation, the
 * container's status derived from the kernel (same boot, pid alive, same
 * start time), and removing a record with its write layer. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cgroup.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "log.h"
#include "state.h"
#include "util.h"

const char *status_name(enum status s)
{
	static const char *const names[] = { "creating", "created", "running", "stopped", "paused" };
	return names[s];
}

/* 1-64 of [A-Za-z0-9_.-], not starting with '.': can never leave <root>. */
int id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ID_MAX || id[0] == '.')
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			goto bad;
	}
	return 0;
bad:;
	char shown[81]; /* the id as typed, but on one line */
	size_t k;
	for (k = 0; k < sizeof shown - 1 && id[k]; k++)
		shown[k] = (unsigned char)id[k] < 0x20 || id[k] == 0x7f ? '?' : id[k];
	shown[k] = 0;
	return failx("invalid container id \"%s\": use 1-%d characters of [A-Za-z0-9_.-], not starting with '.'",
		     shown, ID_MAX);
}

int state_root(const char *root)
{
	if (root[0] != '/')
		return failx("--root %s: must be an absolute path", root);
	if (strlen(root) > 1024)
		return failx("--root: longer than 1024 characters");
	/* boards may have no /run, or a read-only one: say what to do about it */
	if (mkdir_p(root, 0711) < 0) {
		char why[512];
		snprintf(why, sizeof why, "%s", last_error());
		return failx("cannot create the state root %s (%s): choose a writable directory with --root DIR or GRID_ROOT",
			     root, why);
	}
	return 0;
}

/* This boot's id: a pid and its start time repeat across the boots of a
 * board, the boot id does not. Empty if the kernel does not tell. Read once
 * a command: `list` asks for each container. */
static void boot_id(char *out, size_t size)
{
	static char id[40];
	static bool have;
	char *text;
	size_t len;

	if (!have && read_file("/proc/sys/kernel/random/boot_id", &text, &len, 64) < 0) {
		clear_error();
	} else if (!have) {
		text[strcspn(text, "\n")] = 0;
		snprintf(id, sizeof id, "%s", text);
		free(text);
	}
	have = true;
	snprintf(out, size, "%s", id);
}

int state_dir(char *out, size_t size, const char *root, const char *id)
{
	if (id_valid(id) < 0)
		return -1;
	return path_join(out, size, root, id);
}

static int lock_dir(struct state *st, int how)
{
	struct stat sb;

	st->lockfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lockfd < 0) {
		if (errno == ENOENT)
			return failx("container \"%s\" does not exist", st->id);
		return fail(errno, "open %s", st->dir);
	}
	while (flock(st->lockfd, how) < 0) {
		if (errno != EINTR)
			return fail(errno, "lock %s", st->dir);
	}
	/* a delete may have removed the directory while we waited */
	if (fstat(st->lockfd, &sb) < 0 || sb.st_nlink == 0) {
		close(st->lockfd);
		st->lockfd = -1;
		return failx("container \"%s\" does not exist", st->id);
	}
	return 0;
}

int state_new(struct state *st, const char *root, const char *id)
{
	memset(st, 0, sizeof *st);
	st->lockfd = -1;
	if (state_dir(st->dir, sizeof st->dir, root, id) < 0)
		return -1;
	snprintf(st->id, sizeof st->id, "%s", id);
	if (state_root(root) < 0)
		return -1;
	if (mkdir(st->dir, 0700) < 0) {
		if (errno == EEXIST)
			return failx("container \"%s\" already exists", id);
		return fail(errno, "mkdir %s", st->dir);
	}
	if (lock_dir(st, LOCK_EX) < 0) {
		rmdir(st->dir);
		return -1;
	}
	rfc3339_now(st->created, sizeof st->created, true);
	boot_id(st->boot, sizeof st->boot);
	return 0;
}

/* Loads a container's record; with `lock`, first takes its exclusive lock,
 * held until state_close. Readers need no lock: writes are atomic renames. */
int state_open(struct state *st, const char *root, const char *id, bool lock)
{
	cleanup_free char *big = NULL;
	char path[4200], small[2048], *text = small;
	size_t len;
	int ret;

	memset(st, 0, sizeof *st);
	st->lockfd = -1;
	if (state_dir(st->dir, sizeof st->dir, root, id) < 0)
		return -1;
	snprintf(st->id, sizeof st->id, "%s", id);
	if (lock && lock_dir(st, LOCK_EX) < 0)
		return -1;
	/* a record fits in 2 KB unless it has many annotations: list reads one
	 * a container, and malloc would map and unmap its buffer each time */
	if (path_fmt(path, sizeof path, "%s/state", st->dir) < 0)
		return -1;
	ret = read_small(path, small, sizeof small, &len);
	if (ret < 0 && errno == EFBIG) {
		ret = read_file(path, &big, &len, 1 << 20);
		text = big;
	}
	if (ret < 0) {
		if (errno != ENOENT)
			return -1;
		/* unlocked, the directory is looked at only now: list pays one
		 * system call less per container */
		if (!lock && access(st->dir, F_OK) < 0)
			return failx("container \"%s\" does not exist", id);
		clear_error();
		return 0; /* a create that never finished: status creating */
	}
	if (len == 0) {
		/* records are not fsynced: a power cut can leave one empty, as if
		 * the create had never finished (see write_file_atomic) */
		st->empty = true;
		return 0;
	}
	ret = state_parse(st, text, len);
	return ret < 0 ? failx("state of \"%s\": %s", id, last_error()) : 0;
}

void state_close(struct state *st)
{
	if (st->lockfd >= 0)
		close(st->lockfd);
	st->lockfd = -1;
	for (size_t i = 0; i < st->nann; i++) {
		free(st->ann_keys[i]);
		free(st->ann_values[i]);
	}
	free(st->ann_keys);
	free(st->ann_values);
	st->ann_keys = st->ann_values = NULL;
	st->nann = 0;
}

/* ---- the record's text form ---- */

static void put_escaped(struct buf *b, const char *s, bool key)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '%' || c < 0x20 || c == 0x7f || (key && c == '=')) {
			char e[4];
			snprintf(e, sizeof e, "%%%02x", c);
			buf_add(b, e, 3);
		} else {
			buf_add(b, s, 1);
		}
	}
}

static void put_kv(struct buf *b, const char *k, const char *v)
{
	buf_puts(b, k);
	buf_puts(b, "=");
	put_escaped(b, v, false);
	buf_puts(b, "\n");
}

char *state_format(const struct state *st, size_t *len)
{
	struct buf b = { 0 };

	buf_puts(&b, "version=1\n");
	put_kv(&b, "id", st->id);
	buf_printf(&b, "pid=%d\nstarttime=%llu\n", (int)st->pid, st->starttime);
	put_kv(&b, "bundle", st->bundle);
	put_kv(&b, "rootfs", st->rootfs);
	put_kv(&b, "layer", st->layer);
	put_kv(&b, "created", st->created);
	if (st->cgroup[0])
		put_kv(&b, "cgroup", st->cgroup);
	if (st->boot[0])
		put_kv(&b, "boot", st->boot);
	for (size_t i = 0; i < st->nann; i++) {
		buf_puts(&b, "annotation=");
		put_escaped(&b, st->ann_keys[i], true);
		buf_puts(&b, "=");
		put_escaped(&b, st->ann_values[i], false);
		buf_puts(&b, "\n");
	}
	if (buf_check(&b) < 0) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

int state_write(const struct state *st)
{
	size_t len;
	cleanup_free char *text = state_format(st, &len);

	return text ? write_file_atomic(st->lockfd, "state", text, len) : -1;
}

/* Decodes %XX in place; -1 on a malformed escape. */
static int unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '%') {
			int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
			unsigned v = hi * 16 + lo;
			if (lo < 0 || v == 0)
				return -1;
			*o++ = v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return 0;
}

static int copy_field(char *dst, size_t size, const char *v, const char *key)
{
	if (strlen(v) >= size)
		return failx("field %s too long", key);
	strcpy(dst, v);
	return 0;
}

static int push_annotation(struct state *st, const char *key, const char *value)
{
	char **nk, **nv;

	if (!(nk = mem_grow(st->ann_keys, st->nann + 1, sizeof *nk)))
		return -1;
	st->ann_keys = nk;
	if (!(nv = mem_grow(st->ann_values, st->nann + 1, sizeof *nv)))
		return -1;
	st->ann_values = nv;
	st->ann_keys[st->nann] = strdup(key);
	st->ann_values[st->nann] = strdup(value);
	st->nann++;
	if (!st->ann_keys[st->nann - 1] || !st->ann_values[st->nann - 1])
		return fail(ENOMEM, "annotations");
	return 0;
}

int state_set_annotations(struct state *st, const char *const *keys, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (push_annotation(st, keys[i], values[i]) < 0)
			return -1;
	return 0;
}

static int add_annotation(struct state *st, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq)
		return failx("malformed annotation line");
	*eq = 0;
	if (unescape(kv) < 0 || unescape(eq + 1) < 0)
		return failx("malformed annotation escape");
	return push_annotation(st, kv, eq + 1);
}

int state_parse(struct state *st, const char *text, size_t len)
{
	/* parsed in a copy, on the stack when small (see state_open) */
	char small[2048], *line, *save = NULL;
	cleanup_free char *big = len < sizeof small ? NULL : mem_grow(NULL, len + 1, 1);
	char *copy = big ? big : small;
	bool have_id = false, have_pid = false, have_version = false, have_start = false, have_created = false;
	int ret = 0;

	if (len >= sizeof small && !big)
		return -1;
	memcpy(copy, text, len);
	copy[len] = 0;
	if (memchr(text, 0, len))
		ret = failx("state file contains a NUL byte");
	/* Grid ends every line: a file cut short (by hand, a full disk before
	 * atomic writes, a copy) is refused rather than half read */
	else if (len && text[len - 1] != '\n')
		ret = failx("state file is truncated (no final newline)");
	for (line = strtok_r(copy, "\n", &save); line && ret == 0; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '='), *end;
		if (!v) {
			ret = failx("malformed line \"%.40s\"", line);
			break;
		}
		*v++ = 0;
		if (!strcmp(line, "annotation")) {
			ret = add_annotation(st, v);
			continue;
		}
		if (unescape(v) < 0) {
			ret = failx("malformed escape in %s", line);
			break;
		}
		if (!strcmp(line, "version")) {
			have_version = !strcmp(v, "1");
			if (!have_version)
				ret = failx("unknown state version %s", v);
		} else if (!strcmp(line, "id")) {
			/* the record of another id (a copied or edited file) is refused,
			 * however often the line repeats (found by fuzzing) */
			if (st->id[0] && strcmp(v, st->id))
				ret = failx("state file is that of id \"%.64s\"", v);
			else
				ret = copy_field(st->id, sizeof st->id, v, line);
			have_id = ret == 0;
		} else if (!strcmp(line, "pid")) {
			long long p;
			errno = 0;
			p = dec_ll(v, &end);
			if (errno || *end || !*v || p < 0 || p > 0x3fffffff)
				ret = failx("bad pid %s", v);
			st->pid = p;
			have_pid = true;
		} else if (!strcmp(line, "starttime")) {
			errno = 0;
			st->starttime = dec_ull(v, &end);
			if (errno || *end || !*v)
				ret = failx("bad starttime %s", v);
			have_start = true;
		} else if (!strcmp(line, "bundle")) {
			ret = copy_field(st->bundle, sizeof st->bundle, v, line);
		} else if (!strcmp(line, "rootfs")) {
			ret = copy_field(st->rootfs, sizeof st->rootfs, v, line);
		} else if (!strcmp(line, "layer")) {
			ret = copy_field(st->layer, sizeof st->layer, v, line);
		} else if (!strcmp(line, "cgroup")) {
			ret = copy_field(st->cgroup, sizeof st->cgroup, v, line);
		} else if (!strcmp(line, "created")) {
			ret = copy_field(st->created, sizeof st->created, v, line);
			have_created = true;
		} else if (!strcmp(line, "boot")) {
			ret = copy_field(st->boot, sizeof st->boot, v, line);
		}
		/* unknown keys: written by a newer Grid, ignored */
	}
	if (ret == 0 && (!have_version || !have_id || !have_pid || !have_start || !have_created))
		ret = failx("state file is incomplete");
	return ret;
}

/* ---- status from the kernel ---- */

int proc_starttime(pid_t pid, unsigned long long *out, char *pstate)
{
	char path[64], buf[1024], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC); /* no fcntl after, as open() has */
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* comm may hold spaces and parens */
	if (!p || !p[1] || !p[2])
		return -1;
	if (pstate)
		*pstate = p[2];
	p += 2;
	/* p is field 3 (state); starttime is field 22 */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	*out = dec_ull(p, NULL);
	return 0;
}

/* A directory without a record is a create in progress, whose runtime holds
 * the lock, or one that died (killed, power cut): then nobody holds it. */
static bool create_abandoned(const struct state *st)
{
	int fd;
	bool free_lock;

	if (st->lockfd >= 0)
		return true; /* we hold the lock: no create can be running */
	fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	free_lock = flock(fd, LOCK_SH | LOCK_NB) == 0;
	close(fd);
	return free_lock;
}

enum status state_status(const struct state *st)
{
	unsigned long long start;
	char pstate, fifo[4200], boot[40];

	if (st->pid <= 0)
		return create_abandoned(st) ? ST_STOPPED : ST_CREATING;
	/* recorded in another boot: its pid may belong to anyone now */
	boot_id(boot, sizeof boot);
	if (st->boot[0] && boot[0] && strcmp(st->boot, boot))
		return ST_STOPPED;
	if (proc_starttime(st->pid, &start, &pstate) < 0 || start != st->starttime ||
	    pstate == 'Z' || pstate == 'X')
		return ST_STOPPED;
	if (path_fmt(fifo, sizeof fifo, "%s/exec.fifo", st->dir) == 0 && access(fifo, F_OK) == 0)
		return ST_CREATED;
	if (st->cgroup[0]) {
		struct cgroup cg;
		if (cgroup_load(&cg, st->cgroup) == 0 && cgroup_frozen(&cg))
			return ST_PAUSED;
	}
	return ST_RUNNING;
}

/* ---- removal ---- */

/* The record and its write layer: <dir>/layer, when present, is a symlink to
 * the layer's own directory elsewhere (org.grid.layer.upper, --layer-upper),
 * made before that directory, so a create cut short leaves nothing unnamed. */
int state_remove(const struct state *st)
{
	char target[4096], *base;
	int dfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n = dfd < 0 ? -1 : readlinkat(dfd, "layer", target, sizeof target - 1);

	if (dfd >= 0)
		close(dfd);
	if (n > 0) {
		target[n] = 0;
		base = strrchr(target, '/');
		/* only ever a directory named after this container */
		if (target[0] == '/' && base && !strcmp(base + 1, st->id) && remove_tree(target) < 0)
			return -1;
	}
	return remove_tree(st->dir);
}

/* The OCI state JSON (runtime.md "State") of st as status s with pid. */
void state_json(struct buf *b, const struct state *st, enum status s, pid_t pid)
{
	buf_puts(b, "{\"ociVersion\":\"" OCI_VERSION "\",\"id\":");
	buf_json_str(b, st->id);
	buf_printf(b, ",\"pid\":%d,\"status\":\"%s\",\"bundle\":", s == ST_STOPPED ? 0 : (int)pid,
		   status_name(s));
	buf_json_str(b, st->bundle);
	buf_puts(b, ",\"rootfs\":");
	buf_json_str(b, st->rootfs);
	buf_puts(b, ",\"created\":");
	buf_json_str(b, st->created);
	buf_puts(b, ",\"owner\":\"\",\"annotations\":{");
	for (size_t i = 0; i < st->nann; i++) {
		if (i)
			buf_puts(b, ",");
		buf_json_str(b, st->ann_keys[i]);
		buf_puts(b, ":");
		buf_json_str(b, st->ann_values[i]);
	}
	buf_puts(b, "}}");
}
