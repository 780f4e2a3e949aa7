/* unit.c - unit tests of Grid's pure parts: config parsing (the spec's good
 * and bad samples and hostile inputs), JSON strings, mount options, the
 * state file round trip, id validation, signal names, checked paths, the
 * command line's options and update's flags (opt.c), the runtime <-> init
 * messages (proto.c), the cgroup v2 device programs (run by a small
 * interpreter here), and printf's formatting (fmt.c, against the libc's
 * snprintf). Prints TAP. Built with glibc, AddressSanitizer and
 * UBSan (make unit). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../buf.h"
#include "../../caps.h"
#include "../../container.h"
#include "../../devices_bpf.h"
#include "../../fail.h"
#include "../../fmt.h"
#include "../../fs.h"
#include "../../grid.h"
#include "../../kernel.h"
#include "../../log.h"
#include "../../opt.h"
#include "../../proto.h"
#include "../../seccomp.h"
#include "../../spec.h"
#include "../../state.h"
#include "../../util.h"

#ifndef SHARED_DIR
#define SHARED_DIR "tests/unit/spec"
#endif

static int n_test, n_fail;

static void ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - ", cond ? "" : "not ", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!cond && last_error()[0])
		printf(" (error: %s)", last_error());
	printf("\n");
}

static int parse(struct spec *s, const char *json)
{
	clear_error();
	return spec_parse(s, json, strlen(json), "config.json");
}

static bool parse_fails_with(const char *json, const char *words)
{
	struct spec s;

	if (parse(&s, json) == 0) {
		spec_free(&s);
		return false;
	}
	return strstr(last_error(), words) != NULL;
}

static void test_samples(const char *kind, bool want_ok)
{
	char dirpath[512];
	DIR *d;
	struct dirent *e;
	int seen = 0;

	snprintf(dirpath, sizeof dirpath, "%s/oci-runtime-spec/schema/test/config/%s", SHARED_DIR, kind);
	d = opendir(dirpath);
	ok(d != NULL, "spec samples directory %s exists", dirpath);
	while (d && (e = readdir(d))) {
		char path[1024];
		struct spec s;
		int r;
		if (!strstr(e->d_name, ".json"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
		clear_error();
		r = spec_load(&s, path);
		if (r == 0)
			spec_free(&s);
		ok(want_ok ? r == 0 : r < 0, "%s sample %s is %s", kind, e->d_name, want_ok ? "accepted" : "refused");
		if (!want_ok)
			ok(strstr(last_error(), e->d_name) != NULL, "error for %s names the file: %s", e->d_name,
			   last_error());
		seen++;
	}
	if (d)
		closedir(d);
	ok(seen > 0, "found %s samples", kind);
}

static void test_full_config(void)
{
	struct spec s;
	const char *json =
		"{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		"\"hostname\":\"h\",\"domainname\":\"d\","
		"\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
		"\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,6]},"
		"\"args\":[\"sh\",\"-c\",\"echo \\u00e9\\n\"],\"env\":[\"A=1\",\"B=2\"],\"cwd\":\"/w\","
		"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":512,\"hard\":1024}],"
		"\"noNewPrivileges\":true,\"oomScoreAdj\":-5,\"capabilities\":{\"bounding\":[]}},"
		"\"mounts\":[{\"destination\":\"/data\",\"source\":\"d\",\"options\":[\"rbind\",\"ro\",\"nosuid\",\"rprivate\"]},"
		"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"mode=755\",\"size=1k\"]}],"
		"\"annotations\":{\"a\":\"1\",\"org.grid.layer\":\"none\"},"
		"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"},{\"type\":\"mount\"}],"
		"\"rootfsPropagation\":\"slave\",\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
		"\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},\"resources\":{\"pids\":{\"limit\":5}}},"
		"\"unknownField\":{\"x\":[1,2,{\"y\":null}]}}";

	ok(parse(&s, json) == 0, "a full config parses");
	ok(s.root_readonly && !strcmp(s.root_path, "rootfs"), "root.path and root.readonly");
	ok(!strcmp(s.hostname, "h") && !strcmp(s.domainname, "d"), "hostname and domainname");
	ok(s.proc.terminal && s.proc.console_height == 24 && s.proc.console_width == 80, "terminal and consoleSize");
	ok(s.proc.uid == 1000 && s.proc.gid == 100 && s.proc.umask == 18 && s.proc.ngroups == 2 && s.proc.groups[1] == 6, "process.user");
	ok(s.proc.nargs == 3 && !strcmp(s.proc.args[2], "echo \xc3\xa9\n") && s.proc.args[3] == NULL, "args decoded, NULL-terminated");
	ok(s.proc.nenv == 2 && !strcmp(s.proc.env[1], "B=2") && s.proc.env[2] == NULL, "env");
	ok(!strcmp(s.proc.cwd, "/w"), "cwd");
	ok(s.proc.nrlimits == 1 && s.proc.rlimits[0].resource == RLIMIT_NOFILE && s.proc.rlimits[0].soft == 512 &&
	   s.proc.rlimits[0].hard == 1024, "rlimits");
	ok(s.proc.no_new_privileges && s.proc.has_oom_score_adj && s.proc.oom_score_adj == -5, "noNewPrivileges, oomScoreAdj");
	ok(s.nmounts == 2 && s.mounts[0].bind && (s.mounts[0].flags & MS_REC) && (s.mounts[0].flags & MS_RDONLY) &&
	   (s.mounts[0].flags & MS_NOSUID) && s.mounts[0].propagation == (MS_PRIVATE | MS_REC),
	   "bind mount options become flags");
	ok(s.mounts[1].data && !strcmp(s.mounts[1].data, "mode=755,size=1k") && (s.mounts[1].flags & MS_NOSUID),
	   "filesystem options become data");
	ok(s.ns[NS_PID].wanted && !s.ns[NS_PID].path && s.ns[NS_NET].wanted &&
	   !strcmp(s.ns[NS_NET].path, "/proc/1/ns/net") && !s.ns[NS_UTS].wanted, "namespaces");
	ok(s.rootfs_propagation == MS_SLAVE, "rootfsPropagation");
	ok(s.nmasked == 1 && s.nreadonly == 1 && s.nsysctl == 1, "masked, readonly paths, sysctl");
	ok(!strcmp(spec_annotation(&s, "org.grid.layer"), "none") && !spec_annotation(&s, "b"), "annotations");
	ok(s.res.set && s.res.nw == 1 && !strcmp(s.res.w[0].value[1], "5"), "linux.resources become cgroup writes (%zu)", s.res.nw);
	{
		/* exec --process: nothing of the config's process carries over */
		const char *p = "{\"args\":[\"true\"],\"cwd\":\"/\"}";
		const struct process *q = &s.proc;
		ok(spec_parse_process(&s, p, strlen(p), "--process") == 0 && s.has_process && q->nargs == 1 &&
			   !strcmp(q->cwd, "/") && q->args[1] == NULL,
		   "exec --process parses over a full config's process");
		ok(!q->terminal && !q->console_height && !q->uid && !q->gid && q->umask == -1 && !q->ngroups &&
			   !q->groups && !q->nenv && !q->env && !q->nrlimits && !q->no_new_privileges &&
			   !q->has_oom_score_adj && !q->has_caps && !q->ncaps[CAPS_BOUNDING] && !q->apparmor_profile &&
			   !q->has_ioprio && !q->has_scheduler && !q->cpu_initial,
		   "and leaves no field of the config's process behind");
	}
	spec_free(&s);
}

static void test_bad_configs(void)
{
	static const struct {
		const char *json, *words, *what;
	} cases[] = {
		{ "", "empty", "empty document" },
		{ "{", "byte", "truncated JSON names a byte offset" },
		{ "{\"ociVersion\":\"1\"} x", "byte", "trailing garbage" },
		{ "[1]", "expected an object", "not an object" },
		{ "{\"root\":{\"path\":\"r\"}}", "ociVersion: required", "missing ociVersion" },
		{ "{\"ociVersion\":1}", "ociVersion: expected a string", "wrong type" },
		{ "{\"ociVersion\":\"invalid\"}", "SemVer", "ociVersion not SemVer" },
		{ "{\"ociVersion\":\"1.0\"}", "SemVer", "ociVersion without patch" },
		{ "{\"ociVersion\":\"01.0.0\"}", "SemVer", "ociVersion with a leading zero" },
		{ "{\"ociVersion\":\"1\",\"root\":{}}", "root.path: required", "missing root.path" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"args\":[\"sh\"]}}", "process.cwd: required", "missing cwd" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"rel\"}}", "not an absolute path", "relative cwd" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1}}}", "process.user.uid", "negative uid" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296}}}", "out of range", "uid too large" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1.5}}}", "expected an integer", "fractional uid" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967295}}}", "uids and gids must be in 0..2147483647", "uid -1 (unchanged to setresuid)" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":2147483648}}}", "process.user.gid", "gid over 2^31-1" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[4294967295]}}}", "additionalGids[0]", "additional gid -1" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"uidMappings\":[{\"containerID\":4294967295,\"hostID\":1,\"size\":1}]}}", "uidMappings[0].containerID", "mapping to container id -1" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":[\"a\\u0000b\"]}}", "NUL", "NUL in a string" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":[\"\\ud800\"]}}", "invalid escape", "lone surrogate" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"args\":\"sh\"}}", "process.args: expected an array", "args not an array" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"terminal\":\"yes\"}}", "process.terminal", "terminal not a bool" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]}}", "unknown rlimit", "unknown rlimit" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]}}", "above hard", "soft above hard" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"bogus\"}]}}", "unknown namespace type \"bogus\"", "unknown namespace" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}", "listed twice", "duplicate namespace" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"net\"}]}}", "unknown namespace type", "runc's net is not network" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"rel\"}]}}", "not an absolute path", "relative namespace path" },
		{ "{\"ociVersion\":\"1\",\"mounts\":[{\"destination\":\"rel\",\"type\":\"tmpfs\"}]}", "mounts[0].destination", "relative mount destination" },
		{ "{\"ociVersion\":\"1\",\"mounts\":[{\"type\":\"tmpfs\"}]}", "destination: required", "missing destination" },
		{ "{\"ociVersion\":\"1\",\"mounts\":[{\"destination\":\"/x\"}]}", "type: required", "missing type without bind" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"rootfsPropagation\":\"sideways\"}}", "rootfsPropagation", "bad propagation" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"maskedPaths\":[\"proc\"]}}", "maskedPaths[0]", "relative masked path" },
		{ "{\"ociVersion\":\"1\",\"linux\":{\"sysctl\":{\"../x\":\"1\"}}}", "invalid sysctl", "sysctl escaping /proc/sys" },
		{ "{\"ociVersion\":\"1\",\"annotations\":{\"a\":1}}", "annotations.a", "annotation value not a string" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"oomScoreAdj\":1001}}", "out of range", "oomScoreAdj out of range" },
		{ "{\"ociVersion\":\"1\",\"process\":{\"cwd\":\"/\",\"noNewPrivileges\":tru}}", "", "invalid literal" },
	};

	for (size_t i = 0; i < countof(cases); i++)
		ok(parse_fails_with(cases[i].json, cases[i].words), "refused: %s", cases[i].what);
}

/* Inputs the fuzzer (make fuzz) found crashing, kept as regressions. */
static void test_fuzz_regressions(void)
{
	char json[512];

	/* an rdma device name longer than its 128-byte buffer overflowed it */
	snprintf(json, sizeof json, "{\"ociVersion\":\"1.0.0\",\"linux\":{\"resources\":{\"rdma\":{\"%0200d\":"
		 "{\"hcaHandles\":1,\"hcaObjects\":2}}}}}", 0);
	ok(parse_fails_with(json, "too long"), "rdma device name of 200 characters refused");
}

static void test_deep_and_big(void)
{
	size_t depth = 100000, n = 0;
	char *deep = malloc(2 * depth + 64);
	struct spec s;

	n += sprintf(deep, "{\"ociVersion\":\"1.0.0\",\"x\":");
	for (size_t i = 0; i < depth; i++)
		deep[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = 0;
	clear_error();
	ok(spec_parse(&s, deep, n, "config.json") == 0, "deeply nested unknown field is skipped without recursion");
	spec_free(&s);
	free(deep);
}

static void test_json_output(void)
{
	struct buf b = { 0 };

	buf_json_str(&b, "a\"b\\c\n\x01");
	ok(!strcmp(b.p, "\"a\\\"b\\\\c\\u000a\\u0001\""), "JSON output escapes quotes, backslashes, controls: %s", b.p);
	buf_free(&b);
}

static void test_ids(void)
{
	static const char *good[] = { "a", "c1", "A-b_c.d", "0123456789012345678901234567890123456789012345678901234567890123" };
	static const char *bad[] = { "", ".", "..", "../x", "a/b", "/", ".hidden", "a b", "a\nb", "é",
				     "01234567890123456789012345678901234567890123456789012345678901234" };

	for (size_t i = 0; i < countof(good); i++)
		ok(id_valid(good[i]) == 0, "id \"%s\" accepted", good[i]);
	for (size_t i = 0; i < countof(bad); i++)
		ok(id_valid(bad[i]) < 0 && strstr(last_error(), "invalid container id"), "id #%zu refused", i);
}

/* heap.c, built under these names for the unit tests (Makefile) */
void *heap_malloc(size_t n);
void *heap_calloc(size_t n, size_t size);
void *heap_realloc(void *p, size_t n);
void heap_free(void *p);

/* heap.c against random allocations, reallocations and frees: every block
 * aligned, its bytes its own until freed, calloc's zeroed, realloc keeping
 * the prefix; a double free or a foreign pointer stops the process */
static void test_heap(void)
{
	enum { LIVE = 400, OPS = 40000 };
	static unsigned char *p[LIVE];
	static size_t len[LIVE];
	unsigned seed = 12345, bad = 0;

	for (int op = 0; op < OPS; op++) {
		int i = (seed = seed * 1103515245 + 12345) % LIVE, kind = (seed >> 16) % 4;
		size_t n = (seed >> 8) % 7 == 0 ? (seed >> 4) % 300000 : (seed >> 4) % 700;

		for (size_t k = 0; p[i] && k < len[i]; k++)
			bad += p[i][k] != (unsigned char)(i + k);
		if (kind == 3 && p[i]) {
			unsigned char *q = heap_realloc(p[i], n);
			p[i] = q, len[i] = n < len[i] ? n : len[i];
		} else {
			heap_free(p[i]);
			p[i] = kind == 2 ? heap_calloc(n, 1) : heap_malloc(n), len[i] = 0;
			for (size_t k = 0; kind == 2 && k < n; k++)
				bad += p[i][k] != 0;
		}
		bad += !p[i] || (uintptr_t)p[i] % 16;
		for (size_t k = len[i]; p[i] && k < n; k++)
			p[i][k] = (unsigned char)(i + k);
		len[i] = p[i] ? n : 0;
	}
	for (int i = 0; i < LIVE; i++)
		heap_free(p[i]);
	ok(!bad, "heap: %d random operations, blocks aligned and intact (%u bad)", OPS, bad);
	ok(!heap_calloc(SIZE_MAX / 2, 3) && errno == ENOMEM, "heap: calloc's overflow is ENOMEM");
	for (int twice = 0; twice < 2; twice++) {
		int status;
		pid_t pid = fork();
		if (pid == 0) {
			char *q = heap_malloc(40), local[32] = { 0 };
			heap_free(twice ? q : local + 16);
			if (twice)
				heap_free(q);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		ok(WIFSIGNALED(status), "heap: %s stops the process", twice ? "a double free" : "a foreign pointer");
	}
}

/* log.c's date arithmetic against the C library's gmtime_r and strftime:
 * every day of 1969-2500 (leap days, century years, 2000) and times of day */
static void test_rfc3339(void)
{
	int bad = 0;

	for (long long day = -365; day < 194000 && bad < 3; day++) {
		struct timespec ts = { .tv_sec = day * 86400 + (day * 7919) % 86400, .tv_nsec = 42 };
		char got[64], want[64], base[40];
		struct tm tm;

		rfc3339(got, sizeof got, &ts, true);
		strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", gmtime_r(&ts.tv_sec, &tm));
		snprintf(want, sizeof want, "%s.000000042Z", base);
		if (strcmp(got, want))
			bad++, ok(0, "rfc3339 of %lld: %s, not %s", (long long)ts.tv_sec, got, want);
	}
	ok(!bad, "rfc3339 agrees with gmtime_r on every day of 1969-2500");
	struct timespec last = { .tv_sec = 951868799 }; /* the leap day's last second */
	char out[64];
	rfc3339(out, sizeof out, &last, false);
	ok(!strcmp(out, "2000-02-29T23:59:59Z"), "rfc3339 without nanoseconds: %s", out);
}

static void test_state_roundtrip(void)
{
	struct state a = { 0 }, b = { 0 };
	const char *keys[] = { "k=1", "multi\nline", "pct%" };
	const char *values[] = { "v=2", "x\ny\r", "100%" };
	size_t len;
	char *text;
	bool same = true;

	strcpy(a.id, "c1");
	a.pid = 1234;
	a.starttime = 987654321ULL;
	strcpy(a.bundle, "/b/with\nnewline=and%");
	strcpy(a.rootfs, "/run/grid/c1/rootfs");
	strcpy(a.layer, "overlay");
	strcpy(a.created, "2026-01-01T00:00:00.000000000Z");
	strcpy(a.boot, "5f0c3a52-8d1e-4a8e-9a57-1c0d6f3e2b7a");
	ok(state_set_annotations(&a, keys, values, 3) == 0, "annotations set");
	text = state_format(&a, &len);
	ok(strchr(text, '\n') && !strstr(text, "with\nnewline"), "values with newlines are escaped");
	strcpy(b.id, "c1");
	ok(state_parse(&b, text, len) == 0, "state parses back");
	same = b.pid == a.pid && b.starttime == a.starttime && !strcmp(b.bundle, a.bundle) &&
	       !strcmp(b.rootfs, a.rootfs) && !strcmp(b.layer, a.layer) && !strcmp(b.created, a.created) &&
	       !strcmp(b.boot, a.boot) && b.nann == 3;
	for (size_t i = 0; same && i < 3; i++)
		same = !strcmp(b.ann_keys[i], keys[i]) && !strcmp(b.ann_values[i], values[i]);
	ok(same, "state round trip keeps every field");
	free(text);
	state_close(&a);
	state_close(&b);

	static const char *bad[] = { "", "garbage", "version=2\nid=c1\npid=1\n", "version=1\nid=c1\n",
				     "version=1\nid=c1\npid=abc\n", "version=1\nid=other\npid=1\n",
				     "version=1\nid=c1\npid=1\nbundle=%zz\n",
				     /* cut short: mid-line, or before required lines */
				     "version=1\nid=c1\npid=1\nstarttime=5\ncreated=2026-01-0",
				     "version=1\nid=c1\npid=1\n", "version=1\nid=c1\npid=\nstarttime=5\ncreated=x\n" };
	for (size_t i = 0; i < countof(bad); i++) {
		struct state c = { 0 };
		strcpy(c.id, "c1");
		ok(state_parse(&c, bad[i], strlen(bad[i])) < 0, "corrupt state #%zu refused", i);
		state_close(&c);
	}
	{
		/* found by fuzzing: a repeated id line made another id's record acceptable */
		struct state c = { .lockfd = -1 };
		const char *t = "version=1\nid=zc1\npid=1\nid=zc1\n";
		strcpy(c.id, "c1");
		ok(state_parse(&c, t, strlen(t)) < 0 && !strcmp(c.id, "c1"), "state of another id refused, even repeated");
		state_close(&c);
	}
	{
		struct state c = { 0 };
		strcpy(c.id, "c1");
		ok(state_parse(&c, "version=1\nid=c1\npid=1\0x", 23) < 0, "state with a NUL byte refused");
		state_close(&c);
	}
}

static void test_signals(void)
{
	ok(parse_signal("9") == 9, "signal 9");
	ok(parse_signal("KILL") == 9 && parse_signal("SIGKILL") == 9 && parse_signal("sigterm") == 15, "signal names");
	ok(parse_signal("0") < 0 && parse_signal("FOO") < 0 && parse_signal("65") < 0 && parse_signal("9x") < 0,
	   "bad signals refused");
	ok(parse_signal("RTMIN+1") == SIGRTMIN + 1, "RTMIN+1");
}

static void test_default_spec(void)
{
	struct buf b = { 0 }, r = { 0 };
	struct spec s;

	default_spec(&b, false, 1000, 100);
	ok(parse(&s, b.p) == 0, "grid spec's default config parses");
	ok(s.proc.terminal && s.proc.nargs == 1 && s.root_readonly && s.ns[NS_CGROUP].wanted && s.nmounts == 7 &&
		   s.ns[NS_NET].wanted && !s.ns[NS_USER].wanted && !s.nuid_maps && strstr(s.mounts[2].data, "gid=5") &&
		   !strcmp(s.mounts[5].type, "sysfs"),
	   "default config looks like runc's");
	spec_free(&s);
	default_spec(&r, true, 1000, 100);
	ok(parse(&s, r.p) == 0 && s.ns[NS_USER].wanted && !s.ns[NS_NET].wanted && s.ns[NS_PID].wanted &&
		   s.nuid_maps == 1 && s.uid_maps[0].container_id == 0 && s.uid_maps[0].host_id == 1000 &&
		   s.uid_maps[0].size == 1 && s.ngid_maps == 1 && s.gid_maps[0].host_id == 100 &&
		   !strstr(s.mounts[2].data, "gid=") && s.mounts[5].bind && !strcmp(s.mounts[5].source, "/sys") &&
		   (s.mounts[5].flags & MS_RDONLY) && s.nmounts == 7,
	   "grid spec --rootless: runc's rootless changes, the caller mapped to 0");
	spec_free(&s);
	buf_free(&b);
	buf_free(&r);
}

static void test_caps(void)
{
	struct buf b = { 0 };
	struct spec s;
	struct caps c;

	ok(!strcmp(cap_name(0), "CAP_CHOWN") && !strcmp(cap_name(29), "CAP_AUDIT_WRITE") &&
	   !strcmp(cap_name(40), "CAP_CHECKPOINT_RESTORE"), "capability numbers follow capabilities(7)");
	default_spec(&b, false, 0, 0);
	if (parse(&s, b.p) == 0) {
		ok(caps_resolve(&s, &c) == 0 && c.set[CAPS_BOUNDING] == 0x20000420 &&
		   c.set[CAPS_EFFECTIVE] == 0x20000420 && c.set[CAPS_INHERITABLE] == 0 && c.set[CAPS_AMBIENT] == 0,
		   "default capabilities resolve to KILL, NET_BIND_SERVICE, AUDIT_WRITE");
		s.proc.caps[CAPS_PERMITTED][2] = "CAP_NET_BIND_SERVIC";
		ok(caps_resolve(&s, &c) < 0 &&
		   strstr(last_error(), "permitted[2]: unknown capability \"CAP_NET_BIND_SERVIC\""),
		   "unknown capability name refused");
		spec_free(&s);
	}
	buf_free(&b);
}

/* ---- devices_bpf.c's programs, run by an interpreter of the opcodes it emits ---- */

/* 1 allow, 0 deny, -1 the program is malformed (bad opcode, jump out, no exit) */
static int bpf_run(const struct bpf_insn *p, int n, char type, uint32_t major, uint32_t minor, unsigned access)
{
	uint32_t ctx[3] = { (access << 16) | (type == 'b' ? 1u : 2u), major, minor };
	uint64_t r[11] = { 0 };
	int steps = 0;

	for (int pc = 0; pc >= 0 && pc < n && steps++ < 100000; pc++) {
		const struct bpf_insn *i = &p[pc];
		switch (i->code) {
		case 0x61: /* ldx w, only from the context */
			if (i->src_reg != 1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1;
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case 0x54: r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm; break;
		case 0x74: r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm; break;
		case 0xbc: r[i->dst_reg] = (uint32_t)r[i->src_reg]; break;
		case 0xb7: r[i->dst_reg] = (uint64_t)(int64_t)i->imm; break;
		case 0x15: if (r[i->dst_reg] == (uint64_t)(int64_t)i->imm) pc += i->off; break;
		case 0x55: if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm) pc += i->off; break;
		case 0x5d: if (r[i->dst_reg] != r[i->src_reg]) pc += i->off; break;
		case 0x95: return r[0] == 1 ? 1 : r[0] == 0 ? 0 : -1;
		default: return -1;
		}
	}
	return -1;
}

struct dev_case {
	char type;
	uint32_t major, minor;
	unsigned access;
	int want;
};

static void check_rules(const char *name, const struct dev_rule *rules, size_t n, const struct dev_case *c, size_t nc)
{
	struct bpf_insn p[DEVICES_BPF_MAX(16)];
	int len;
	bool good = true;

	clear_error();
	len = devices_bpf_build(rules, n, p, countof(p));
	ok(len > 0 && len <= DEVICES_BPF_MAX((int)n), "device program for %s builds (%d instructions)", name, len);
	for (size_t i = 0; len > 0 && i < nc; i++) {
		int got = bpf_run(p, len, c[i].type, c[i].major, c[i].minor, c[i].access);
		if (got != c[i].want) {
			printf("# %s: %c %u:%u access %u: got %d, want %d\n", name, c[i].type, c[i].major, c[i].minor,
			       c[i].access, got, c[i].want);
			good = false;
		}
	}
	ok(len > 0 && good, "device program for %s decides like the v1 list", name);
}

/* The v1 list's decision, written plainly: each requested bit by the last rule having it. */
static int dev_reference(const struct dev_rule *rules, size_t n, char type, uint32_t major, uint32_t minor,
			 unsigned access)
{
	for (unsigned bit = 1; bit <= 4; bit <<= 1) {
		int verdict = 0;
		if (!(access & bit))
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct dev_rule *d = &rules[i];
			if ((d->type == 'a' || d->type == type) && (d->major < 0 || d->major == major) &&
			    (d->minor < 0 || d->minor == minor) && (d->access & bit))
				verdict = d->allow;
		}
		if (!verdict)
			return 0;
	}
	return 1;
}

static void test_devices_bpf_random(void)
{
	static const char types[] = "acb";
	uint32_t seed = 12345;
	int bad = 0, runs = 0;

#define RND(k) ((seed = seed * 1103515245u + 12345u) >> 16) % (k)
	for (int prog = 0; prog < 300; prog++) {
		struct dev_rule rules[12];
		struct bpf_insn p[DEVICES_BPF_MAX(12)];
		size_t n = RND(13);
		int len;
		for (size_t i = 0; i < n; i++)
			rules[i] = (struct dev_rule){ RND(2), types[RND(3)], RND(3) ? (int64_t)RND(3) : -1,
						      RND(3) ? (int64_t)RND(3) : -1, RND(8) };
		len = devices_bpf_build(rules, n, p, countof(p));
		for (int q = 0; q < 50 && len > 0; q++) {
			char type = RND(2) ? 'c' : 'b';
			uint32_t major = RND(4), minor = RND(4);
			unsigned access = 1 + RND(7);
			runs++;
			if (bpf_run(p, len, type, major, minor, access) != dev_reference(rules, n, type, major, minor, access))
				bad++;
		}
		if (len <= 0)
			bad++;
	}
#undef RND
	ok(bad == 0 && runs > 10000, "device programs for 300 random rule lists agree with the v1 list (%d of %d differ)",
	   bad, runs);
}

static void test_devices_bpf(void)
{
	enum { M = DEV_MKNOD, R = DEV_READ, W = DEV_WRITE, RWM = 7 };
	static const struct dev_rule deny_all_allow_null[] = { { false, 'a', -1, -1, RWM }, { true, 'c', 1, 3, R | W } };
	static const struct dev_case c1[] = {
		{ 'c', 1, 3, R, 1 }, { 'c', 1, 3, W, 1 }, { 'c', 1, 3, R | W, 1 }, { 'c', 1, 3, M, 0 },
		{ 'c', 1, 3, R | M, 0 }, { 'c', 1, 5, R, 0 }, { 'b', 1, 3, R, 0 }, { 'c', 3, 1, R, 0 },
	};
	static const struct dev_rule later_deny[] = { { true, 'c', 1, -1, RWM }, { false, 'c', 1, 5, W } };
	static const struct dev_case c2[] = {
		{ 'c', 1, 5, R, 1 }, { 'c', 1, 5, W, 0 }, { 'c', 1, 5, R | W, 0 }, { 'c', 1, 5, M, 1 },
		{ 'c', 1, 9, W, 1 }, { 'c', 2, 5, R, 0 }, { 'b', 1, 5, R, 0 },
	};
	static const struct dev_rule wild[] = { { true, 'c', -1, 7, R }, { true, 'b', 8, -1, RWM }, { false, 'b', 8, 1, RWM } };
	static const struct dev_case c3[] = {
		{ 'c', 4, 7, R, 1 }, { 'c', 200, 7, R, 1 }, { 'c', 4, 8, R, 0 }, { 'c', 4, 7, W, 0 }, { 'b', 4, 7, R, 0 },
		{ 'b', 8, 0, RWM, 1 }, { 'b', 8, 16, W, 1 }, { 'b', 8, 1, R, 0 }, { 'c', 8, 0, R, 0 },
	};
	static const struct dev_rule type_a[] = { { true, 'a', -1, -1, RWM }, { false, 'a', 10, -1, M }, { false, 'a', -1, 0, W } };
	static const struct dev_case c4[] = {
		{ 'c', 1, 3, RWM, 1 }, { 'b', 7, 3, RWM, 1 }, { 'c', 10, 200, R | W, 1 }, { 'c', 10, 200, M, 0 },
		{ 'b', 10, 1, M, 0 }, { 'b', 10, 1, R, 1 }, { 'c', 5, 0, W, 0 }, { 'b', 5, 0, R, 1 }, { 'c', 5, 0, R | W, 0 },
	};
	/* an allow for r|m admits r, m, and r+m, not w; r+w needs another rule allowing w, and a deny
	 * after them wins */
	static const struct dev_rule subset[] = { { true, 'c', 4, -1, R | M }, { true, 'c', 4, 1, W }, { false, 'c', 4, 2, RWM } };
	static const struct dev_case c5[] = {
		{ 'c', 4, 0, R, 1 }, { 'c', 4, 0, M, 1 }, { 'c', 4, 0, R | M, 1 }, { 'c', 4, 0, W, 0 },
		{ 'c', 4, 0, R | W, 0 }, { 'c', 4, 1, W, 1 }, { 'c', 4, 1, R | W, 1 }, { 'c', 4, 1, W | M, 1 }, { 'c', 4, 2, R, 0 },
		{ 'c', 4, 2, M, 0 },
	};
	/* a deny of w stops an open for read and write (r|w at once) and leaves r alone */
	static const struct dev_rule rw_bypass[] = { { true, 'a', -1, -1, RWM }, { false, 'c', 1, 5, W }, { false, 'c', 1, 6, 0 } };
	static const struct dev_case c6[] = {
		{ 'c', 1, 5, R | W, 0 }, { 'c', 1, 5, W | M, 0 }, { 'c', 1, 5, R, 1 }, { 'c', 1, 5, R | M, 1 },
		{ 'c', 1, 6, RWM, 1 },
	};
	static const struct dev_case none[] = { { 'c', 1, 3, R, 0 }, { 'b', 0, 0, M, 0 } };
	struct bpf_insn small[8];

	check_rules("deny all, allow c 1:3 rw", deny_all_allow_null, countof(deny_all_allow_null), c1, countof(c1));
	check_rules("a later deny over an earlier allow", later_deny, countof(later_deny), c2, countof(c2));
	check_rules("wildcard majors and minors", wild, countof(wild), c3, countof(c3));
	check_rules("type a", type_a, countof(type_a), c4, countof(c4));
	check_rules("access subsets", subset, countof(subset), c5, countof(c5));
	check_rules("a deny of w under an open for rw", rw_bypass, countof(rw_bypass), c6, countof(c6));
	check_rules("no rules", NULL, 0, none, countof(none));
	check_rules("the default devices", device_rules_default, device_rules_ndefault,
		    (const struct dev_case[]){ { 'c', 1, 3, RWM, 1 }, { 'c', 136, 4, R | W, 1 }, { 'c', 5, 2, R | W, 1 },
					       { 'c', 1, 1, R, 0 }, { 'b', 1, 3, R, 0 }, { 'c', 137, 0, R, 0 } }, 6);
	clear_error();
	ok(devices_bpf_build(type_a, countof(type_a), small, countof(small)) < 0 &&
	   strstr(last_error(), "linux.resources.devices: 3 rules need"), "a program larger than the buffer is refused");
}

/* ---- seccomp: the compiled program run by an interpreter of the test's own ---- */

struct sdata { /* struct seccomp_data */
	uint32_t nr, arch;
	uint64_t ip;
	uint64_t args[6];
};

/* Classic BPF as the kernel runs it for seccomp: every jump forward and in range. */
static uint32_t sc_run(const struct sc_prog *p, const struct sdata *d, bool *valid)
{
	uint32_t A = 0, words[16];
	size_t pc = 0;

	_Static_assert(sizeof *d == sizeof words, "seccomp_data is 64 bytes");
	memcpy(words, d, sizeof words);
	*valid = false;
	while (pc < p->len) {
		const struct sock_filter *i = &p->insn[pc++];
		switch (i->code) {
		case 0x20: if (i->k % 4 || i->k >= 64) return 0; A = words[i->k / 4]; break;
		case 0x54: A &= i->k; break;
		case 0x05: pc += i->k; break;
		case 0x15: pc += A == i->k ? i->jt : i->jf; break;
		case 0x25: pc += A > i->k ? i->jt : i->jf; break;
		case 0x35: pc += A >= i->k ? i->jt : i->jf; break;
		case 0x06: *valid = true; return i->k;
		default: return 0;
		}
	}
	return 0;
}

static bool compile_json(const char *seccomp_json, const char *arch, struct sc_prog *p, struct spec *s)
{
	char json[200000];

	snprintf(json, sizeof json, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"seccomp\":%s}}",
		 seccomp_json);
	if (parse(s, json) < 0)
		return false;
	return seccomp_compile(&s->seccomp, arch, false, p) == 0;
}

#define X86_64 0xc000003eu
#define I386 0x40000003u
#define AARCH64 0xc00000b7u
#define ALLOW 0x7fff0000u
#define ERRNO(e) (0x00050000u | (e))
#define KILLP 0x80000000u

static uint32_t call(const struct sc_prog *p, uint32_t arch, uint32_t nr, uint64_t a0, uint64_t a1)
{
	struct sdata d = { nr, arch, 0, { a0, a1 } };
	bool valid;
	uint32_t r = sc_run(p, &d, &valid);

	return valid ? r : 0xdeadbeef;
}

static void test_seccomp_ops(void)
{
	static const struct {
		const char *op;
		uint64_t value, value2, arg;
		bool match;
	} c[] = {
		{ "EQ", 5, 0, 5, true }, { "EQ", 5, 0, 6, false }, { "EQ", 5, 0, 5 | 1ull << 32, false },
		{ "NE", 5, 0, 5, false }, { "NE", 5, 0, 5 | 1ull << 32, true },
		{ "GT", 5, 0, 6, true }, { "GT", 5, 0, 5, false }, { "GT", 5, 0, 1ull << 32, true },
		{ "GT", 1ull << 32, 0, 0xffffffff, false }, { "GE", 5, 0, 5, true }, { "GE", 5, 0, 4, false },
		{ "GE", 1ull << 33, 0, (1ull << 33) - 1, false }, { "LT", 5, 0, 4, true }, { "LT", 5, 0, 5, false },
		{ "LT", 1ull << 32, 0, 0xffffffff, true }, { "LT", 5, 0, 1ull << 32, false },
		{ "LE", 5, 0, 5, true }, { "LE", 5, 0, 6, false }, { "LE", ~0ull, 0, ~0ull, true },
		{ "MASKED_EQ", 0xff00000000ull | 0xf0, 0x1200000000ull | 0x30, 0xab1200000035ull, true },
		{ "MASKED_EQ", 0xff00000000ull | 0xf0, 0x1200000000ull | 0x30, 0xab1300000035ull, false },
	};

	for (size_t i = 0; i < countof(c); i++) {
		char j[512];
		struct spec s;
		struct sc_prog p;
		snprintf(j, sizeof j, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"personality\"],"
			 "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,\"args\":[{\"index\":1,\"value\":%llu,"
			 "\"valueTwo\":%llu,\"op\":\"SCMP_CMP_%s\"}]}]}",
			 (unsigned long long)c[i].value, (unsigned long long)c[i].value2, c[i].op);
		if (!compile_json(j, "SCMP_ARCH_X86_64", &p, &s)) {
			ok(false, "seccomp %s compiles", c[i].op);
			continue;
		}
		ok(call(&p, X86_64, 135, 0, c[i].arg) == (c[i].match ? ERRNO(7) : ALLOW),
		   "seccomp %s %#llx against %#llx: %s", c[i].op, (unsigned long long)c[i].value,
		   (unsigned long long)c[i].arg, c[i].match ? "matches" : "does not match");
		ok(call(&p, X86_64, 136, 0, c[i].arg) == ALLOW, "seccomp %s: another syscall is allowed", c[i].op);
		seccomp_prog_free(&p);
		spec_free(&s);
	}
}

static void test_seccomp_arches(void)
{
	struct spec s;
	struct sc_prog p;
	const char *deny_mkdir = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",%s\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
				 "\"action\":\"SCMP_ACT_ERRNO\"}]}";
	char j[512];

	snprintf(j, sizeof j, deny_mkdir, "");
	ok(compile_json(j, "SCMP_ARCH_X86_64", &p, &s), "seccomp: a deny-list compiles");
	ok(call(&p, X86_64, 83, 0, 0) == ERRNO(1), "x86_64 mkdir (83) denied with EPERM");
	ok(call(&p, X86_64, 258, 0, 0) == ERRNO(1), "x86_64 mkdirat (258) denied");
	ok(call(&p, X86_64, 84, 0, 0) == ALLOW, "x86_64 rmdir allowed");
	ok(call(&p, I386, 39, 0, 0) == KILLP, "i386 unlisted: killed, not allowed");
	ok(call(&p, X86_64, 0x40000000 | 83, 0, 0) == KILLP, "x32 unlisted: killed");
	ok(call(&p, AARCH64, 34, 0, 0) == KILLP, "a foreign arch: killed");
	seccomp_prog_free(&p);
	spec_free(&s);

	snprintf(j, sizeof j, deny_mkdir, "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_PPC64LE\"],");
	ok(compile_json(j, "SCMP_ARCH_X86_64", &p, &s), "seccomp: with x86 and x32 listed");
	ok(call(&p, I386, 39, 0, 0) == ERRNO(1), "i386 mkdir (39) denied");
	ok(call(&p, I386, 83, 0, 0) == ALLOW, "i386 83 is not mkdir: allowed");
	ok(call(&p, X86_64, 0x40000000 | 83, 0, 0) == ERRNO(1), "x32 mkdir denied");
	ok(call(&p, X86_64, 0x40000000 | 84, 0, 0) == ALLOW, "x32 rmdir allowed");
	seccomp_prog_free(&p);
	spec_free(&s);

	snprintf(j, sizeof j, deny_mkdir, "\"architectures\":[\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"],");
	ok(compile_json(j, "SCMP_ARCH_AARCH64", &p, &s), "seccomp: compiled for aarch64 with arm");
	ok(call(&p, AARCH64, 34, 0, 0) == ERRNO(1), "aarch64 mkdirat (34) denied");
	ok(call(&p, 0x40000028u, 39, 0, 0) == ERRNO(1), "arm mkdir (39) denied");
	ok(call(&p, X86_64, 83, 0, 0) == KILLP, "x86_64 on an aarch64 filter: killed");
	seccomp_prog_free(&p);
	spec_free(&s);
}

/* Every x86_64 name allowed, one rule each: long jumps need trampolines, and
 * the search must find each number in few steps. */
static void test_seccomp_big(void)
{
	struct spec s;
	struct sc_prog p;
	static char j[150000];
	size_t n = 0, found = 0, max_steps = 0, wrong = 0;
	const char *names[600];
	uint32_t nrs[600];
	char *w = j;

	{
		static const char *const cand[] = {
			"read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect",
			"munmap", "brk", "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "pwrite64", "readv",
			"writev", "access", "pipe", "select", "sched_yield", "mremap", "msync", "mincore", "madvise",
			"dup", "dup2", "pause", "nanosleep", "getitimer", "alarm", "setitimer", "getpid", "sendfile",
			"socket", "connect", "accept", "sendto", "recvfrom", "clone", "fork", "vfork", "execve", "exit",
			"wait4", "kill", "uname", "fcntl", "flock", "fsync", "truncate", "getcwd", "chdir", "rename",
			"rmdir", "creat", "link", "unlink", "symlink", "readlink", "chmod", "chown", "umask",
			"getuid", "getgid", "setuid", "setgid", "geteuid", "getppid", "setsid", "personality",
			"statfs", "prctl", "mount", "umount2", "gettid", "futex", "epoll_create", "getdents64",
			"exit_group", "openat", "mkdirat", "fchownat", "newfstatat", "unlinkat", "pipe2", "dup3",
			"prlimit64", "getrandom", "memfd_create", "execveat", "statx", "clone3", "openat2",
			"close_range", "faccessat2", "epoll_pwait2", "futex_waitv", "set_mempolicy_home_node",
		};
		w += sprintf(w, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[");
		for (size_t i = 0; i < countof(cand); i++) {
			uint32_t nr;
			if (seccomp_lookup(cand[i], "SCMP_ARCH_X86_64", &nr) < 0)
				continue;
			names[n] = cand[i];
			nrs[n++] = nr;
			/* each with an argument rule too, to make the blocks long */
			w += sprintf(w, "%s{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":%zu,"
				     "\"args\":[{\"index\":0,\"value\":%zu,\"op\":\"SCMP_CMP_EQ\"},"
				     "{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_GE\"}]},"
				     "{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ALLOW\"}",
				     i ? "," : "", cand[i], 100 + n, 1000 + n, cand[i]);
		}
		w += sprintf(w, "]}");
	}
	ok(compile_json(j, "SCMP_ARCH_X86_64", &p, &s), "seccomp: %zu syscalls with argument rules compile", n);
	ok(p.len > 512, "the program (%zu instructions) is long enough to need trampolines", p.len);
	for (size_t i = 0; i < n; i++) {
		struct sdata d = { nrs[i], X86_64, 0, { 0, 0 } };
		bool valid;
		size_t steps = 0;
		if (sc_run(&p, &d, &valid) == ALLOW && valid)
			found++;
		else
			wrong++;
		d.args[0] = 1000 + i + 1;
		d.args[1] = 9;
		if (sc_run(&p, &d, &valid) != ERRNO(100 + i + 1) || !valid)
			wrong++;
		seccomp_run(&p, nrs[i], X86_64, NULL, &steps);
		if (steps > max_steps)
			max_steps = steps;
	}
	ok(found == n && !wrong, "every syscall reaches its rules (%zu of %zu; %zu wrong)", found, n, wrong);
	ok(call(&p, X86_64, 83, 0, 0) == ERRNO(38), "an unlisted syscall gets defaultErrnoRet");
	ok(max_steps < 30, "at most %zu instructions run for any of the %zu syscalls", max_steps, n);
	(void)names;
	seccomp_prog_free(&p);
	spec_free(&s);
}

static void test_seccomp_refusals(void)
{
	struct spec s;
	struct sc_prog p;

	ok(!compile_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]}",
			 "SCMP_ARCH_X86_64", &p, &s) && strstr(last_error(), "syscalls[0].names"),
	   "empty names refused: %s", last_error());
	ok(!compile_json("{\"syscalls\":[]}", "SCMP_ARCH_X86_64", &p, &s) && strstr(last_error(), "defaultAction: required"),
	   "defaultAction required: %s", last_error());
	ok(!compile_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
			 "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}", "SCMP_ARCH_X86_64", &p, &s) &&
	   strstr(last_error(), "args[0].index"), "arg index 6 refused: %s", last_error());
	ok(!compile_json("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}", "SCMP_ARCH_X86_64", &p, &s) &&
	   strstr(last_error(), "defaultAction"), "NOTIFY as the default refused: %s", last_error());
	ok(!compile_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"m\"}", "SCMP_ARCH_X86_64", &p, &s) &&
	   strstr(last_error(), "listenerMetadata"), "listenerMetadata without listenerPath refused: %s", last_error());
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* util.c's stand-ins against libc's own, on random and adversarial input */
/* ---- the command line's options (opt.c) ---- */

/* what the test table's options write: one option of each kind */
static struct {
	bool detach, tty;
	const char *bundle;
	int fds;
	struct opt_list env;
} ov;
static char *av[32];

/* opt_parse of the NULL-terminated args against the test table; av holds
 * them after (positional ones first) */
static int opts_run(int last, const char *const *args)
{
	static const struct opt opts[] = {
		{ "detach", 'd', OPT_FLAG, &ov.detach, NULL }, { "tty", 't', OPT_FLAG, &ov.tty, NULL },
		{ "bundle", 'b', OPT_STRING, &ov.bundle, NULL }, { "preserve-fds", 0, OPT_INT, &ov.fds, NULL },
		{ "env", 'e', OPT_LIST, &ov.env, NULL },
	};
	int argc = 0;

	free(ov.env.v);
	memset(&ov, 0, sizeof ov);
	while (args[argc])
		av[argc] = (char *)args[argc], argc++;
	clear_error();
	return opt_parse(argc, av, opts, countof(opts), last);
}
#define OPTS(last, ...) opts_run(last, (const char *const[]){ __VA_ARGS__, NULL })

/* the error is one line, and names what it should */
static bool error_is(const char *want)
{
	return !strcmp(last_error(), want);
}

static void test_opt_kinds(void)
{
	ok(OPTS(-1, "-d", "--tty", "x") == 1 && ov.detach && ov.tty && !strcmp(av[0], "x"),
	   "flags: short -d and long --tty");
	ok(OPTS(-1, "--detach=true", "x") == 1 && ov.detach, "a flag takes --name=true");
	ok(OPTS(-1, "-d", "--detach=false", "x") == 1 && !ov.detach, "a flag takes --name=false; the last one counts");
	ok(OPTS(-1, "--bundle", "b1", "x") == 1 && !strcmp(ov.bundle, "b1"), "a string as --name value");
	ok(OPTS(-1, "--bundle=b=2", "x") == 1 && !strcmp(ov.bundle, "b=2"), "a string as --name=value, split at the first =");
	ok(OPTS(-1, "-b", "b3", "x") == 1 && !strcmp(ov.bundle, "b3"), "a string as -n value");
	ok(OPTS(-1, "--bundle=", "x") == 1 && ov.bundle && !*ov.bundle, "--name= gives the empty string");
	ok(OPTS(-1, "--bundle", "-d", "x") == 1 && !strcmp(ov.bundle, "-d") && !ov.detach,
	   "the argument after --name is its value even when it starts with -");
	ok(OPTS(-1, "--bundle", "b1", "-b", "b2", "x") == 1 && !strcmp(ov.bundle, "b2"), "a string given twice: the last counts");
	ok(OPTS(-1, "--preserve-fds", "3", "x") == 1 && ov.fds == 3, "a number as --name value");
	ok(OPTS(-1, "--preserve-fds=0", "x") == 1 && ov.fds == 0, "a number as --name=value, 0");
	ok(OPTS(-1, "--preserve-fds=1048576", "x") == 1 && ov.fds == 1 << 20, "a number up to 2^20");
	ok(OPTS(-1, "-e", "A=1", "--env", "B=2", "x", "--env=C=3") == 1 && ov.env.n == 3 &&
		   !strcmp(ov.env.v[0], "A=1") && !strcmp(ov.env.v[1], "B=2") && !strcmp(ov.env.v[2], "C=3"),
	   "a list keeps every value in order, -e, --env V and --env=V");
	ok(OPTS(-1, "x") == 1 && !ov.env.v && !ov.env.n && !ov.bundle && !ov.detach && !ov.fds,
	   "options not given leave their values alone");
}

static void test_opt_positional(void)
{
	ok(OPTS(-1, "a", "--detach", "b", "-", "c") == 4 && ov.detach && !strcmp(av[0], "a") && !strcmp(av[1], "b") &&
		   !strcmp(av[2], "-") && !strcmp(av[3], "c"),
	   "options and positional arguments mix; a lone - is positional; order kept");
	ok(OPTS(-1, "a", "--", "--tty", "-d", "--bogus") == 4 && !ov.tty && !ov.detach && !strcmp(av[1], "--tty") &&
		   !strcmp(av[3], "--bogus"),
	   "-- ends the options: what follows is positional");
	ok(OPTS(-1, "--", "--", "a") == 2 && !strcmp(av[0], "--"), "a second -- is positional");
	ok(OPTS(2, "--tty", "c1", "sh", "-c", "--detach", "--bogus") == 5 && ov.tty && !ov.detach &&
		   !strcmp(av[0], "c1") && !strcmp(av[1], "sh") && !strcmp(av[2], "-c") && !strcmp(av[4], "--bogus"),
	   "exec: after the positional argument number `last` nothing is an option");
	ok(OPTS(2, "c1", "--", "sh") == 2 && !strcmp(av[1], "sh"), "exec: -- before the command is dropped");
	ok(OPTS(-1, "--tty") == 0 && ov.tty, "no positional arguments: 0");
}

static void test_opt_errors(void)
{
	static const struct {
		const char *args[4], *error;
	} c[] = {
		{ { "--bogus", "x" }, "unknown option --bogus" },
		{ { "x", "--bogus=1" }, "unknown option --bogus=1" },
		{ { "-z" }, "unknown option -z" },
		{ { "-dt", "x" }, "unknown option -dt" }, /* no bundling, as before */
		{ { "--det" }, "unknown option --det" },  /* no abbreviations */
		{ { "--detachx" }, "unknown option --detachx" },
		{ { "-bdir" }, "unknown option -bdir" },
		{ { "--" "=x" }, "unknown option --=x" },
		{ { "--detach=yes" }, "option --detach=yes takes no value" },
		{ { "--detach=" }, "option --detach= takes no value" },
		{ { "x", "--bundle" }, "option --bundle needs a value" },
		{ { "-b" }, "option -b needs a value" },
		{ { "--env" }, "option --env needs a value" },
		{ { "--preserve-fds" }, "option --preserve-fds needs a value" },
		{ { "--preserve-fds", "x" }, "option --preserve-fds needs a number" },
		{ { "--preserve-fds=-1" }, "option --preserve-fds=-1 needs a number" },
		{ { "--preserve-fds=1048577" }, "option --preserve-fds=1048577 needs a number" },
		{ { "--preserve-fds=3x" }, "option --preserve-fds=3x needs a number" },
		{ { "--preserve-fds=" }, "option --preserve-fds= needs a number" },
		{ { "--preserve-fds", "" }, "option --preserve-fds needs a number" },
		{ { "--preserve-fds=99999999999999999999999" }, "option --preserve-fds=99999999999999999999999 needs a number" },
	};

	for (size_t i = 0; i < countof(c); i++)
		ok(opts_run(-1, c[i].args) < 0 && error_is(c[i].error), "refused: %s %s -> %s", c[i].args[0],
		   c[i].args[1] ? c[i].args[1] : "", c[i].error);
	free(ov.env.v);
	ov.env.v = NULL;
}

static void test_opt_span(void)
{
	bool debug = false, version = false;
	const char *root = NULL;
	const struct opt global[] = {
		{ "root", 0, OPT_STRING, &root, NULL },
		{ "debug", 0, OPT_FLAG, &debug, NULL },
		{ "version", 'v', OPT_FLAG, &version, NULL },
	};
	static const struct {
		const char *args[6];
		int span;
	} c[] = {
		{ { "--root", "/r", "--debug", "state", "x" }, 3 },
		{ { "--root=/r", "state", "x" }, 1 },
		{ { "-v", "--debug=true", "run" }, 2 },
		{ { "state", "--root", "x" }, 0 },
		{ { "--root" }, 1 },
		{ { "--root", "--debug", "state" }, 2 }, /* --debug is the root, as opt_parse takes it */
		{ { "-", "state" }, 1 },
		{ { "--bogus", "state" }, 1 },
		{ { "--", "state" }, 1 },
		{ { 0 }, 0 },
	};

	for (size_t i = 0; i < countof(c); i++) {
		int n = 0;
		while (c[i].args[n])
			av[n] = (char *)c[i].args[n], n++;
		ok(opt_span(n, av, global, countof(global)) == c[i].span, "global options: %s %s ... span %d",
		   c[i].args[0] ? c[i].args[0] : "(none)", c[i].args[1] ? c[i].args[1] : "", c[i].span);
	}
}

static void test_update_number(void)
{
	static const struct {
		const char *v;
		bool bytes, ok;
		long long want;
	} c[] = {
		{ "0", true, true, 0 }, { "123", false, true, 123 }, { "-1", false, true, -1 }, { "-1", true, true, -1 },
		{ "1k", true, true, 1024 }, { "1K", true, true, 1024 }, { "1kb", true, true, 1024 },
		{ "1KB", true, true, 1024 }, { "2m", true, true, 2 << 20 }, { "3g", true, true, 3LL << 30 },
		{ "4t", true, true, 4LL << 40 }, { "4Tb", true, true, 4LL << 40 },
		{ "8388607t", true, true, 8388607LL << 40 },
		{ "9223372036854775807", true, true, LLONG_MAX },
		{ "8388608t", true, false, 0 }, { "9007199254740992k", true, false, 0 },
		{ "9223372036854775808", true, false, 0 }, { "99999999999999999999k", true, false, 0 },
		{ "1k", false, false, 0 }, { "", true, false, 0 }, { "k", true, false, 0 }, { "-", true, false, 0 },
		{ "1x", true, false, 0 }, { "1kk", true, false, 0 }, { "1kbb", true, false, 0 }, { "1b", true, false, 0 },
		{ "1p", true, false, 0 }, { "1.5g", true, false, 0 }, { "1 k", true, false, 0 }, { "-1k", true, false, 0 },
		{ "0x10", true, false, 0 }, { "12abc", false, false, 0 },
	};

	for (size_t i = 0; i < countof(c); i++) {
		long long v = 0;
		int r = update_number(c[i].v, c[i].bytes, &v);
		ok(c[i].ok ? r == 0 && v == c[i].want : r < 0, "update number \"%s\"%s: %s", c[i].v,
		   c[i].bytes ? " (a size)" : "", c[i].ok ? "accepted" : "refused");
	}
}

/* the value update's resources write to `file` on cgroup v1 (v = 0) or v2 (v = 1) */
static const char *res_value(const struct resources *r, int v, const char *file)
{
	for (size_t i = 0; i < r->nw; i++)
		if (r->w[i].file[v] && !strcmp(r->w[i].file[v], file))
			return r->w[i].value[v];
	return NULL;
}

static bool res_is(const struct resources *r, int v, const char *file, const char *want)
{
	const char *got = res_value(r, v, file);

	return got && !strcmp(got, want);
}

/* `grid update ARGS c1` up to the resources it would write */
static int update_run(struct spec *s, const char *const *args)
{
	struct update_args u = { 0 };
	struct opt opts[UPDATE_NOPTS];
	int argc = 0;

	while (args[argc])
		av[argc] = (char *)args[argc], argc++;
	av[argc++] = "c1";
	update_opts(opts, &u);
	clear_error();
	if (opt_parse(argc, av, opts, countof(opts), -1) != 1 || strcmp(av[0], "c1"))
		return -1;
	return update_resources(&u, s);
}

static void test_update_flags(void)
{
	static const struct {
		const char *args[7];
		size_t nw;
		const char *file1, *value1, *file2, *value2; /* value2 NULL: no v2 write to file2 */
	} c[] = {
		{ { "--cpu-share", "512" }, 1, "cpu.shares", "512", "cpu.weight", "20" },
		{ { "--memory", "1g" }, 1, "memory.limit_in_bytes", "1073741824", "memory.max", "1073741824" },
		{ { "-m", "512m" }, 1, "memory.limit_in_bytes", "536870912", "memory.max", "536870912" },
		{ { "--memory=-1" }, 1, "memory.limit_in_bytes", "-1", "memory.max", "max" },
		{ { "--memory=1k", "--memory", "2k" }, 1, "memory.limit_in_bytes", "2048", "memory.max", "2048" },
		{ { "--memory", "1g", "--memory-swap", "2g" }, 2, "memory.memsw.limit_in_bytes", "2147483648",
		  "memory.swap.max", "1073741824" },
		{ { "--memory-swap", "2g" }, 1, "memory.memsw.limit_in_bytes", "2147483648", "memory.swap.max", NULL },
		{ { "--memory-swap", "-1" }, 1, "memory.memsw.limit_in_bytes", "-1", "memory.swap.max", "max" },
		{ { "--memory-reservation", "256m" }, 1, "memory.soft_limit_in_bytes", "268435456", "memory.low", "268435456" },
		{ { "--cpu-quota", "50000", "--cpu-period", "100000" }, 2, "cpu.cfs_quota_us", "50000", "cpu.max",
		  "50000 100000" },
		{ { "--cpu-quota", "-1" }, 1, "cpu.cfs_quota_us", "-1", "cpu.max", "max" },
		/* a period alone: v1's file; on v2 cpu.max keeps its quota (the leading space) */
		{ { "--cpu-period", "20000" }, 1, "cpu.cfs_period_us", "20000", "cpu.max", " 20000" },
		{ { "--cpuset-cpus", "0-3,7" }, 1, "cpuset.cpus", "0-3,7", "cpuset.cpus", "0-3,7" },
		{ { "--cpuset-mems", "0" }, 1, "cpuset.mems", "0", "cpuset.mems", "0" },
		{ { "--pids-limit", "100" }, 1, "pids.max", "100", "pids.max", "100" },
		{ { "--pids-limit", "-1" }, 1, "pids.max", "max", "pids.max", "max" },
		{ { "--blkio-weight", "500" }, 1, "blkio.weight", "500", "io.bfq.weight", "500" },
		{ { "--memory", "0", "--pids-limit", "0" }, 0, NULL, NULL, NULL, NULL }, /* 0: unchanged, as docker sends */
		{ { NULL }, 0, NULL, NULL, NULL, NULL },
	};

	for (size_t i = 0; i < countof(c); i++) {
		struct spec s;
		char what[128] = "update";
		bool good;
		for (size_t k = 0; c[i].args[k]; k++)
			snprintf(what + strlen(what), sizeof what - strlen(what), " %s", c[i].args[k]);
		if (update_run(&s, c[i].args) < 0) {
			ok(false, "%s", what);
			continue;
		}
		good = s.res.set && s.res.nw == c[i].nw;
		if (c[i].file1)
			good = good && res_is(&s.res, 0, c[i].file1, c[i].value1) &&
			       (c[i].value2 ? res_is(&s.res, 1, c[i].file2, c[i].value2) : !res_value(&s.res, 1, c[i].file2));
		if (c[i].file1)
			ok(good, "%s: %s %s, %s %s (%zu writes)", what, c[i].file1, c[i].value1, c[i].file2,
			   c[i].value2 ? c[i].value2 : "not written", s.res.nw);
		else
			ok(good, "%s: nothing written (%zu writes)", what, s.res.nw);
		spec_free(&s);
	}
}

static void test_update_all_flags(void)
{
	static const char *const all[] = {
		"--memory", "1g", "--memory-swap", "2g", "--memory-reservation", "512m", "--cpu-share", "1024",
		"--cpu-quota", "5000", "--cpu-period", "10000", "--cpuset-cpus", "0", "--cpuset-mems", "0",
		"--pids-limit", "10", "--blkio-weight", "100", NULL,
	};
	static const char *const files[] = {
		"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "cpuset.cpus", "cpuset.mems",
		"pids.max", "io.bfq.weight",
	};
	struct opt opts[UPDATE_NOPTS];
	struct update_args u;
	struct spec s;
	bool each = true;

	update_opts(opts, &u);
	ok(!strcmp(opts[0].name, "resources") && opts[0].short_name == 'r' && !strcmp(opts[1].name, "memory") &&
		   opts[1].short_name == 'm',
	   "update's options: --resources (-r) and --memory (-m) first");
	if (update_run(&s, all) < 0) {
		ok(false, "every update flag at once");
		return;
	}
	ok(s.res.nw == 10, "every update flag at once: 10 writes (%zu)", s.res.nw);
	for (size_t i = 0; i < countof(files); i++)
		each = each && res_value(&s.res, 1, files[i]);
	ok(each && res_is(&s.res, 0, "cpu.cfs_period_us", "10000") && res_is(&s.res, 0, "cpu.shares", "1024"),
	   "every update flag lands in its cgroup file");
	spec_free(&s);
}

static void test_update_refusals(void)
{
	static const struct {
		const char *args[5], *error;
	} c[] = {
		{ { "--memory", "1x" }, "update: --memory: \"1x\" is not a size in bytes (k, m, g, t allowed)" },
		{ { "-m", "1.5g" }, "update: --memory: \"1.5g\" is not a size in bytes (k, m, g, t allowed)" },
		{ { "--memory-swap", "" }, "update: --memory-swap: \"\" is not a size in bytes (k, m, g, t allowed)" },
		{ { "--pids-limit", "10k" }, "update: --pids-limit: \"10k\" is not an integer" },
		{ { "--cpu-quota", "99999999999999999999" }, "update: --cpu-quota: \"99999999999999999999\" is not an integer" },
		{ { "--cpu-share", "1" }, "update flags: resources.cpu.shares: 1 is outside [2, 262144]" },
		{ { "--cpu-period", "-5" }, "update flags: resources.cpu.period: -5 is out of range [0, 9223372036854775807]" },
		{ { "--blkio-weight", "5" }, "update flags: resources.blockIO.weight: 5 is outside [10, 1000]" },
		{ { "--memory", "1m", "--memory-swap", "512k" }, "update flags: resources.memory.swap: 524288 is below "
		  "memory.limit 1048576 (swap counts memory plus swap)" },
		{ { "--cpuset-cpus", "0\",\"mems\":\"1" }, "update flags: resources.cpu.cpus: " },
		{ { "--cpuset-mems", "0-99999" }, "update flags: resources.cpu.mems: " },
		{ { "--resources", "/nonexistent/r.json" }, "open /nonexistent/r.json: no such file or directory" },
	};

	for (size_t i = 0; i < countof(c); i++) {
		struct spec s;
		bool refused = update_run(&s, c[i].args) < 0;
		ok(refused && !strncmp(last_error(), c[i].error, strlen(c[i].error)) && !strchr(last_error(), '\n'),
		   "update %s %s refused: %s", c[i].args[0], c[i].args[1], c[i].error);
		if (!refused)
			spec_free(&s);
	}
}

static void test_update_file(void)
{
	char path[] = "/tmp/grid-unit-XXXXXX";
	const char *doc = "{\"pids\":{\"limit\":7},\"memory\":{\"limit\":1048576}}";
	int fd = mkstemp(path), r = -1;
	struct spec s;
	bool written = fd >= 0 && write(fd, doc, strlen(doc)) == (ssize_t)strlen(doc);

	if (written)
		r = update_run(&s, (const char *const[]){ "-r", path, "--pids-limit", "9", NULL });
	ok(r == 0 && s.res.nw == 2 && res_is(&s.res, 1, "pids.max", "7") && res_is(&s.res, 1, "memory.max", "1048576"),
	   "update --resources FILE: the file's resources; the flags are ignored, as runc does");
	if (r == 0)
		spec_free(&s);
	if (fd >= 0) {
		lseek(fd, 0, SEEK_SET);
		written = ftruncate(fd, 0) == 0 && write(fd, "{\"memory\":{\"limit\":\"x\"}}", 24) == 24;
		ok(written && update_run(&s, (const char *const[]){ "--resources", path, NULL }) < 0 &&
			   strstr(last_error(), path) && strstr(last_error(), "resources.memory.limit: expected an integer"),
		   "update --resources FILE: an error names the file and the field: %s", last_error());
		close(fd);
		unlink(path);
	}
}

/* dec_ll and dec_ull against the C library's strtoll and strtoull */
static void test_dec(void)
{
	static const char *const in[] = {
		"0", "7", "-7", "+7", " \t\n42x", "", "-", "+", "x1", "--5", "+-5", " - 5", "00012",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "-18446744073709551615", "-18446744073709551616",
		"99999999999999999999999", "-1", "123abc", "4294967295", "2147483648:5",
	};
	int bad = 0;

	for (size_t i = 0; i < countof(in); i++) {
		char *e1, *e2, *e3, *e4;
		int r1, r2, r3, r4;
		errno = 0;
		long long a = dec_ll(in[i], &e1);
		r1 = errno, errno = 0;
		long long b = strtoll(in[i], &e2, 10);
		r2 = errno, errno = 0;
		unsigned long long c = dec_ull(in[i], &e3);
		r3 = errno, errno = 0;
		unsigned long long d = strtoull(in[i], &e4, 10);
		r4 = errno;
		/* without a digit, POSIX lets the C library say EINVAL (musl does) */
		if (e2 == in[i] && r2 == EINVAL)
			r2 = 0;
		if (e4 == in[i] && r4 == EINVAL)
			r4 = 0;
		if (a != b || e1 != e2 || r1 != r2 || c != d || e3 != e4 || r3 != r4) {
			bad++;
			printf("# differs on \"%s\": %lld/%lld %llu/%llu\n", in[i], a, b, c, d);
		}
	}
	ok(bad == 0, "dec_ll and dec_ull agree with strtoll and strtoull (value, end, ERANGE) on %zu edge cases",
	   countof(in));
}

static void test_util(void)
{
	static int a[5000], b[5000];
	char path[PATH_MAX], want[PATH_MAX];
	bool same = true;

	srand(7);
	for (size_t n = 0; n < countof(a); n += n < 20 ? 1 : 997) {
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = i % 3 ? rand() % 50 : (int)(n - i);
		sort(a, n, sizeof *a, cmp_int);
		qsort(b, n, sizeof *b, cmp_int);
		same = same && !memcmp(a, b, n * sizeof *a);
	}
	ok(same, "sort agrees with qsort on sizes 0..5000, duplicates and descending runs");
	ok(str_find("a - b - c", " - ") && !strcmp(str_find("a - b - c", " - "), " - b - c") &&
		   !str_find("abc", "abd") && !str_find("", "x") && !strcmp(str_find("abc", ""), "abc") &&
		   !strcmp(str_find("aaab", "aab"), "aab"),
	   "str_find finds the first match, none, and the empty needle as strstr does");
	ok(real_path("/proc/self/../self/.", path) == 0 && realpath("/proc/self/../self/.", want) &&
		   !strcmp(path, want),
	   "real_path resolves .. and symlinks as realpath: %s", path);
	ok(real_path("/nonexistent/x", path) < 0 && errno == ENOENT, "real_path of a missing path: ENOENT");
	test_dec();
}

/* proto.c over a real socket pair: kinds, numbers, an fd, errors, the end */
static void test_proto(void)
{
	char big[2000];
	struct msg m;
	struct stat a, b;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		ok(false, "socketpair: %s", strerror(errno));
		return;
	}
	ok(msg_send_num(sv[0], MSG_PID, 4194304) == 0 && msg_recv(sv[1], &m) == 1 && m.kind == MSG_PID &&
		   m.num == 4194304 && m.fd < 0,
	   "MSG_PID carries its number");
	ok(msg_send(sv[0], MSG_TERMINAL, NULL, 0) == 0 && msg_recv(sv[1], &m) == 1 && m.kind == MSG_TERMINAL &&
		   m.fd > 2 && fstat(0, &a) == 0 && fstat(m.fd, &b) == 0 && a.st_ino == b.st_ino,
	   "MSG_TERMINAL carries an fd to the same file");
	if (m.fd >= 0)
		close(m.fd);
	ok(msg_send(sv[0], MSG_HOOKS, NULL, 0) == 0 && msg_recv(sv[1], &m) == 1 && m.kind == MSG_HOOKS && m.fd < 0,
	   "an fd on a kind that carries none is closed, not passed on");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	clear_error();
	ok(msg_send(sv[0], MSG_ERROR, big, -1) == 0 && msg_recv(sv[1], &m) == -1 &&
		   strlen(last_error()) == sizeof m.text - 1,
	   "MSG_ERROR becomes the receiver's error, cut to what fits");
	ok(msg_send(sv[0], MSG_HOOKS, NULL, -1) == 0 && msg_expect(sv[1], MSG_GO, &m) == -1 &&
		   strstr(last_error(), "unexpected message"),
	   "msg_expect refuses another kind: %s", last_error());
	close(sv[0]);
	ok(msg_recv(sv[1], &m) == 0 && msg_expect(sv[1], MSG_GO, &m) == -1 && strstr(last_error(), "exited"),
	   "the peer's end: 0 from msg_recv, an error from msg_expect: %s", last_error());
	close(sv[1]);
	clear_error();
}

/* path_fmt: a path fits whole or fails with one line naming its start */
static void test_path_fmt(void)
{
	static char big[8192], out[PATH_MAX];
	char small[8];

	clear_error();
	ok(path_fmt(small, sizeof small, "/%s/%d", "ab", 12) == 0 && !strcmp(small, "/ab/12") && !last_error()[0],
	   "path_fmt formats a path that fits: %s", small);
	ok(path_fmt(small, sizeof small, "/%s", "abcdef") == 0 && !strcmp(small, "/abcdef"),
	   "path_fmt: a path of exactly size - 1 characters fits: %s", small);
	ok(path_fmt(small, sizeof small, "/%s/x", "abcdef") < 0 && errno == ENAMETOOLONG &&
		   !strncmp(last_error(), "path /abcdef...: ", 17), /* then the libc's words for ENAMETOOLONG */
	   "path_fmt: one character too many fails, naming the path: %s", last_error());
	memset(big, 'a', sizeof big - 1);
	memcpy(big, "/start", 6);
	ok(path_fmt(out, sizeof out, "%s/config.json", big) < 0 && errno == ENAMETOOLONG &&
		   !strncmp(last_error(), "path /startaaa", 14) && strlen(last_error()) < 120,
	   "path_fmt: an 8 KB path fails with one short line: %s", last_error());
	ok(path_join(out, sizeof out, "/run/grid", "/c1") == 0 && !strcmp(out, "/run/grid/c1") &&
		   path_join(out, sizeof out, big, "c1") < 0,
	   "path_join joins with one slash and refuses what does not fit");
}

/* fmt.c: fmt_vfprintf's bytes and count, through a FILE of open_memstream's */
static int fmt_to(char **out, size_t *len, const char *fmt, va_list ap)
{
	FILE *f = open_memstream(out, len);
	int r;

	if (!f)
		return -2;
	r = fmt_vfprintf(f, fmt, ap);
	fclose(f);
	return r;
}

#ifdef __GLIBC__
#define FMT_REF "glibc's snprintf"
#else
#define FMT_REF "this libc's snprintf (fmt.c's own in a musl build)"
#endif
static long fmt_cases, fmt_bad;
static char fmt_first_bad[400];

static void fmt_note(const char *fmt, const char *got, int r, const char *want, int n)
{
	if (fmt_bad++)
		return;
	snprintf(fmt_first_bad, sizeof fmt_first_bad, "\"%s\" gave \"%.*s\" (%d), want \"%.*s\" (%d)", fmt,
		 r < 0 ? 0 : r, got ? got : "", r, n < 0 ? 0 : n, want, n);
	for (char *c = fmt_first_bad; *c; c++)
		*c = *c < ' ' ? '?' : *c;
}

static int fmt_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fmt_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

/* one case: fmt_vfprintf writes what the libc's vsnprintf does and returns its count */
static void fmt_same(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fmt_same(const char *fmt, ...)
{
	char want[8192], *got = NULL;
	size_t len = 0;
	va_list ap, aq;
	int n, r;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(want, sizeof want, fmt, ap);
	r = fmt_to(&got, &len, fmt, aq);
	va_end(aq);
	va_end(ap);
	fmt_cases++;
	if (n < 0 || n >= (int)sizeof want || r != n || len != (size_t)n || memcmp(got, want, len))
		fmt_note(fmt, got, r, want, n);
	free(got);
}

/* fmt_vfprintf's output is want and its count want's length */
static bool fmt_is(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fmt_is(const char *want, const char *fmt, ...)
{
	char *got = NULL;
	size_t len = 0;
	va_list ap;
	int r;
	bool same;

	va_start(ap, fmt);
	r = fmt_to(&got, &len, fmt, ap);
	va_end(ap);
	same = r == (int)strlen(want) && len == strlen(want) && !memcmp(got, want, len);
	if (!same)
		printf("# \"%s\": got \"%.*s\" (%d), want \"%s\"\n", fmt, (int)len, got ? got : "", r, want);
	free(got);
	return same;
}

enum fmt_type { F_INT, F_UINT, F_LONG, F_ULONG, F_LLONG, F_ULLONG, F_SIZE, F_SSIZE, F_STR };
static const struct {
	const char *conv;
	enum fmt_type type;
} fmt_convs[] = {
	{ "d", F_INT }, { "i", F_INT }, { "u", F_UINT }, { "x", F_UINT }, { "X", F_UINT }, { "c", F_INT },
	{ "ld", F_LONG }, { "li", F_LONG }, { "lu", F_ULONG }, { "lx", F_ULONG }, { "lX", F_ULONG },
	{ "lld", F_LLONG }, { "lli", F_LLONG }, { "llu", F_ULLONG }, { "llx", F_ULLONG }, { "llX", F_ULLONG },
	{ "zu", F_SIZE }, { "zx", F_SIZE }, { "zd", F_SSIZE }, { "s", F_STR },
};

/* fmt (made at run time) with, where it has them, the * width w and the *
 * precision p, then v or s as the conversion's type */
static void fmt_same_typed(const char *fmt, enum fmt_type t, bool hw, int w, bool hp, int p,
			   unsigned long long v, const char *s)
{
#define SAME(T, x)                                                                               \
	(hw && hp ? fmt_same(fmt, w, p, (T)(x)) : hw ? fmt_same(fmt, w, (T)(x))                  \
	 : hp	  ? fmt_same(fmt, p, (T)(x))                                                  \
		  : fmt_same(fmt, (T)(x)))
	switch (t) {
	case F_INT: SAME(int, v); break;
	case F_UINT: SAME(unsigned, v); break;
	case F_LONG: SAME(long, v); break;
	case F_ULONG: SAME(unsigned long, v); break;
	case F_LLONG: SAME(long long, v); break;
	case F_ULLONG: SAME(unsigned long long, v); break;
	case F_SIZE: SAME(size_t, v); break;
	case F_SSIZE: SAME(ssize_t, v); break;
	case F_STR: SAME(const char *, s); break;
	}
#undef SAME
}

/* fmt over each of the n integers, or each of the strings for %s */
static void fmt_same_values(const char *fmt, enum fmt_type t, bool hw, int w, bool hp, int p,
			    const unsigned long long *ints, size_t n)
{
	static const char *strs[] = { "", "a", "abc", "hello", "%s %d: not formats", "tab\tand\nnewline",
				      "\xc3\xa9t\xc3\xa9 in UTF-8", "a string longer than any width or precision here" };

	for (size_t i = 0; i < (t == F_STR ? countof(strs) : n); i++)
		fmt_same_typed(fmt, t, hw, w, hp, p, t == F_STR ? 0 : ints[i], t == F_STR ? strs[i] : NULL);
}

/* every flag, width, precision and length Grid's format strings use, over edge values */
static void test_fmt_combinations(void)
{
	static const char *flags[] = { "", "-", "0", "-0", "0-" };
	static const char *widths[] = { "", "1", "4", "25", "*" };
	static const char *precs[] = { "", ".0", ".3", ".40", ".*" };
	static const int star_w[] = { -30, -5, -1, 0, 1, 3, 30 }, star_p[] = { -1, 0, 2, 5, 100 };
	static const unsigned long long ints[] = {
		0, 1, 7, 9, 10, 15, 16, 255, 4096, 999999, INT_MAX, (unsigned)INT_MIN, UINT_MAX,
		(unsigned long long)UINT_MAX + 1, LLONG_MAX, (unsigned long long)LLONG_MIN, ULLONG_MAX,
		SIZE_MAX, -1ull, -42ull, (unsigned long long)INT_MIN, 'a', '%', ' ', 0x80,
	};
	char fmt[64];

	fmt_cases = fmt_bad = 0;
	for (size_t c = 0; c < countof(fmt_convs); c++)
		for (size_t f = 0; f < countof(flags); f++)
			for (size_t wi = 0; wi < countof(widths); wi++)
				for (size_t pi = 0; pi < (fmt_convs[c].type == F_STR ? countof(precs) : 1); pi++) {
					bool hw = widths[wi][0] == '*', hp = !strcmp(precs[pi], ".*");
					snprintf(fmt, sizeof fmt, "<%%%s%s%s%s>", flags[f], widths[wi], precs[pi],
						 fmt_convs[c].conv);
					for (size_t a = 0; a < (hw ? countof(star_w) : 1); a++)
						for (size_t b = 0; b < (hp ? countof(star_p) : 1); b++)
							fmt_same_values(fmt, fmt_convs[c].type, hw, star_w[a], hp, star_p[b],
									ints, countof(ints));
				}
	ok(fmt_bad == 0 && fmt_cases > 15000,
	   "fmt_vfprintf agrees with %s over %ld combinations of conversion, flags, width, precision and "
	   "length on edge values (%ld differ)%s%s",
	   FMT_REF, fmt_cases, fmt_bad, fmt_bad ? ": " : "", fmt_first_bad);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	return *s ^= *s << 17;
}

static void test_fmt_random(void)
{
	static const char *flags[] = { "", "-", "0", "-0" };
	uint64_t seed = 88172645463325252ull;
	char fmt[96], str[80];

#define RND() xorshift(&seed)
	fmt_cases = fmt_bad = 0;
	for (int i = 0; i < 30000; i++) {
		size_t c = RND() % countof(fmt_convs), len = RND() % sizeof str;
		bool str_conv = fmt_convs[c].type == F_STR, hw = RND() % 4 == 0, hp = str_conv && RND() % 2;
		int w = (int)(RND() % 81) - 40, p = (int)(RND() % 81) - 10;
		char width[12] = "", prec[12] = "";
		unsigned long long v = RND();

		v >>= RND() % 64;

		for (size_t k = 0; k < len; k++)
			str[k] = ' ' + RND() % 95;
		str[len] = 0;
		if (!hw && RND() % 2)
			snprintf(width, sizeof width, "%d", (int)(RND() % 40));
		if (str_conv && !hp && RND() % 2)
			snprintf(prec, sizeof prec, ".%d", (int)(RND() % 60));
		snprintf(fmt, sizeof fmt, "%s%%%s%s%s%s%s%s", RND() % 2 ? "x=" : "", flags[RND() % countof(flags)],
			 hw ? "*" : width, hp ? ".*" : prec, fmt_convs[c].conv, RND() % 3 ? "" : " 100%%",
			 RND() % 2 ? "\n" : "");
		fmt_same_typed(fmt, fmt_convs[c].type, hw, w, hp, p, v, str);
	}
#undef RND
	ok(fmt_bad == 0 && fmt_cases == 30000, "fmt_vfprintf agrees with %s on %ld random formats and values%s%s",
	   FMT_REF, fmt_cases, fmt_bad ? ": " : "", fmt_first_bad);
}

static void test_fmt(void)
{
	static char big[6000];
	const char *unknown[] = { "a %f b %s", "%p|%d", "%5%|%d", "100%", "%.3d|%s", "%hd", "%+d|%s", "%ls",
				  "%#x", "% d", "%jd", "%n" };
	const char *trailing = "%d%", *bare_l = "%c %l";
	bool all = true;
	FILE *full;

	clear_error();
	memset(big, 'b', sizeof big - 1);
	ok(fmt_is("2026-01-05T03:04:05.000000042Z", "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", 2026, 1, 5, 3, 4, 5,
		  42L) &&
		   fmt_is("%0a%ff", "%%%02x%%%02x", 10, 255) && fmt_is("12      |-7      |", "%-8d|%-8d|", 12, -7) &&
		   fmt_is("  -d, --detach      x", "  -%c, --%s%*s%s", 'd', "detach", 6, "", "x") &&
		   fmt_is("0007 deadbeef 000000ff", "%04zu %08x %08x", (size_t)7, 0xdeadbeefu, 255u) &&
		   fmt_is("-9223372036854775808 18446744073709551615 -1 4294967295",
			  "%lld %llu %ld %lu", LLONG_MIN, ULLONG_MAX, -1L, 4294967295ul) &&
		   fmt_is("abc|ab|abcdef|", "%.3s|%.*s|%.20s|", "abcdef", 2, "abcdef", "abcdef") &&
		   fmt_is("-2147483648 2147483647 FF", "%d %i %X", INT_MIN, INT_MAX, 255u) &&
		   fmt_is("", "%s", ""),
	   "fmt_vfprintf: Grid's own formats (dates, %%-escapes, help columns, ids, limits)");
	for (size_t i = 0; i < countof(unknown); i++)
		all &= fmt_is(unknown[i], unknown[i], 1, "s");
	ok(all && fmt_is("50%", trailing, 50) && fmt_is("x %l", bare_l, 'x'),
	   "fmt_vfprintf: an unknown conversion, flag or length, or a %% at the end, ends the formatting: "
	   "the rest is written as it stands and no argument is read");
	fmt_cases = fmt_bad = 0;
	fmt_same("%s", big);
	fmt_same("[%-7000s]", "x");
	fmt_same("%300d|%0300d|%s|%.*s", -5, 5, big + 5800, 4000, big);
	fmt_same("%s%s", big + 5900, big + 5800);
	ok(fmt_bad == 0, "fmt_vfprintf: outputs longer than its buffer, in one piece and in many%s%s",
	   fmt_bad ? ": " : "", fmt_first_bad);
	full = fopen("/dev/full", "w");
	if (full)
		setvbuf(full, NULL, _IONBF, 0);
	ok(full && fmt_fprintf(full, "%s", "x") == -1, "fmt_vfprintf returns -1 when the FILE fails");
	if (full)
		fclose(full);
	test_fmt_combinations();
	test_fmt_random();
}

int main(void)
{
	test_samples("good", true);
	test_samples("bad", false);
	test_full_config();
	test_bad_configs();
	test_deep_and_big();
	test_fuzz_regressions();
	test_json_output();
	test_ids();
	test_rfc3339();
	test_heap();
	test_state_roundtrip();
	test_signals();
	test_opt_kinds();
	test_opt_positional();
	test_opt_errors();
	test_opt_span();
	test_update_number();
	test_update_flags();
	test_update_all_flags();
	test_update_refusals();
	test_update_file();
	test_default_spec();
	test_caps();
	test_devices_bpf();
	test_devices_bpf_random();
	test_seccomp_ops();
	test_seccomp_arches();
	test_seccomp_big();
	test_seccomp_refusals();
	test_util();
	test_proto();
	test_path_fmt();
	test_fmt();
	printf("1..%d\n", n_test);
	printf("# unit: %d passed, %d failed\n", n_test - n_fail, n_fail);
	return n_fail ? 1 : 0;
}
