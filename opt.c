/* opt.c - the command line's option layer: argv parsed against a table of
 * options in runc's conventions (long and short names, flags, strings,
 * repeatable lists, small numbers), and `grid update`'s flags turned into the
 * resources they change. Errors name the option as given; grid.c adds the
 * command and its usage. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fail.h"
#include "fs.h"
#include "grid.h"
#include "opt.h"
#include "spec.h"
#include "util.h"

/* The option argument a names: --name, --name=value (*val points at the
 * value) or -n. NULL: none of opts. */
static const struct opt *opt_find(char *a, const struct opt *opts, size_t nopts, char **val)
{
	const struct opt *o = NULL;

	*val = NULL;
	if (a[1] == '-') {
		char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		for (size_t k = 0; k < nopts; k++)
			if (strlen(opts[k].name) == n && !strncmp(opts[k].name, a + 2, n))
				o = &opts[k];
		if (eq)
			*val = eq + 1;
	} else if (a[2] == 0) {
		for (size_t k = 0; k < nopts; k++)
			if (opts[k].short_name == a[1])
				o = &opts[k];
	}
	return o;
}

/* Stores val, the value of option a, where o says; argc bounds a list (each
 * of its values is one argument). */
static int opt_store(const struct opt *o, const char *a, char *val, int argc)
{
	if (o->kind == OPT_STRING) {
		*(const char **)o->value = val;
	} else if (o->kind == OPT_LIST) {
		struct opt_list *l = o->value;
		if (!l->v && !(l->v = mem_zero(argc, sizeof *l->v)))
			return -1;
		l->v[l->n++] = val;
	} else {
		char *end;
		long long v = dec_ll(val, &end);
		if (end == val || *end || v < 0 || v > 1 << 20)
			return failx("option %s needs a number", a);
		*(int *)o->value = v;
	}
	return 0;
}

int opt_parse(int argc, char **argv, const struct opt *opts, size_t nopts, int last)
{
	int npos = 0;
	bool done = false;

	for (int i = 0; i < argc; i++) {
		char *a = argv[i], *val;
		const struct opt *o;

		if (done || a[0] != '-' || a[1] == 0) {
			argv[npos++] = a;
			done = done || npos == last;
			continue;
		}
		if (!strcmp(a, "--")) {
			done = true;
			continue;
		}
		if (!(o = opt_find(a, opts, nopts, &val)))
			return failx("unknown option %s", a);
		if (o->kind == OPT_FLAG) {
			if (val && strcmp(val, "true") && strcmp(val, "false"))
				return failx("option %s takes no value", a);
			*(bool *)o->value = !val || !strcmp(val, "true");
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return failx("option %s needs a value", a);
			val = argv[++i];
		}
		if (opt_store(o, a, val, argc) < 0)
			return -1;
	}
	return npos;
}

int opt_span(int argc, char **argv, const struct opt *opts, size_t nopts)
{
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		char *val = NULL;
		const struct opt *o = argv[i][1] ? opt_find(argv[i], opts, nopts, &val) : NULL;
		if (o && o->kind != OPT_FLAG && !val && i + 1 < argc)
			i++;
	}
	return i;
}

void opt_help(const struct opt *opts, size_t nopts)
{
	for (const struct opt *o = opts; o < opts + nopts; o++) {
		const char *h = o->help ? o->help : "", *sp = strchr(h, ' ');
		int arg = o->kind == OPT_FLAG || !sp ? 0 : (int)(sp - h), n;

		n = o->short_name ? printf("  -%c, --%s", o->short_name, o->name) : printf("      --%s", o->name);
		n += printf("%s%.*s", arg ? " " : "", arg, h);
		printf("%*s%s%s\n", n < 34 ? 34 - n : 1, "", arg ? sp + 1 : h, o->kind == OPT_LIST ? " (repeatable)" : "");
	}
}

/* ---- grid update ---- */

/* update's flags, and where each goes in the resources document */
enum { UPD_MEMORY, UPD_CPU, UPD_PIDS, UPD_BLOCKIO, UPD_OBJECTS };
enum { UPD_INT, UPD_BYTES, UPD_TEXT };
static const struct {
	const char *flag, *key, *help;
	char short_name;
	unsigned char object, kind;
} update_flags[] = {
	{ "memory", "limit", "BYTES memory limit (k, m, g, t suffixes; -1: none)", 'm', UPD_MEMORY, UPD_BYTES },
	{ "memory-swap", "swap", "BYTES memory plus swap limit (-1: none)", 0, UPD_MEMORY, UPD_BYTES },
	{ "memory-reservation", "reservation", "BYTES memory soft limit", 0, UPD_MEMORY, UPD_BYTES },
	{ "cpu-share", "shares", "N CPU shares, relative weight (2-262144)", 0, UPD_CPU, UPD_INT },
	{ "cpu-quota", "quota", "USECS CPU time per period (-1: none)", 0, UPD_CPU, UPD_INT },
	{ "cpu-period", "period", "USECS CFS period", 0, UPD_CPU, UPD_INT },
	{ "cpuset-cpus", "cpus", "LIST CPUs to run on (0-3,7)", 0, UPD_CPU, UPD_TEXT },
	{ "cpuset-mems", "mems", "LIST memory nodes to use", 0, UPD_CPU, UPD_TEXT },
	{ "pids-limit", "limit", "N most processes (-1: none)", 0, UPD_PIDS, UPD_INT },
	{ "blkio-weight", "weight", "N block I/O weight (10-1000)", 0, UPD_BLOCKIO, UPD_INT },
};
_Static_assert(countof(update_flags) == UPDATE_NFLAGS, "opt.h's UPDATE_NFLAGS counts update_flags");

void update_opts(struct opt *opts, struct update_args *u)
{
	opts[0] = (struct opt){ "resources", 'r', OPT_STRING, &u->resources,
				"FILE a LinuxResources JSON document (-: stdin) instead of the flags" };
	for (size_t i = 0; i < UPDATE_NFLAGS; i++)
		opts[i + 1] = (struct opt){ update_flags[i].flag, update_flags[i].short_name, OPT_STRING, &u->flag[i],
					    update_flags[i].help };
}

int update_number(const char *v, bool bytes, long long *out)
{
	char *end;
	int shift;

	errno = 0;
	*out = dec_ll(v, &end);
	if (end == v || errno)
		return -1;
	if (bytes && *end) {
		const char *units = "kmgt", *u = strchr(units, *end | 0x20);
		if (!u)
			return -1;
		shift = 10 * (int)(u - units + 1);
		end += 1 + ((end[1] | 0x20) == 'b');
		if (*out < 0 || *out > LLONG_MAX >> shift)
			return -1;
		*out <<= shift;
	}
	return *end ? -1 : 0;
}

/* The flags given as a linux.resources document, for the one parser that
 * checks every value: numbers are parsed here, strings escaped. */
static int update_document(const char *const *v, struct buf *doc)
{
	static const char *const objects[UPD_OBJECTS] = { "memory", "cpu", "pids", "blockIO" };

	for (int o = 0; o < UPD_OBJECTS; o++) {
		const char *sep = "";
		buf_printf(doc, "%s\"%s\":{", o ? "," : "{", objects[o]);
		for (size_t i = 0; i < countof(update_flags); i++) {
			if (!v[i] || update_flags[i].object != o)
				continue;
			long long num;
			buf_printf(doc, "%s\"%s\":", sep, update_flags[i].key);
			sep = ",";
			if (update_flags[i].kind == UPD_TEXT) {
				buf_json_str(doc, v[i]);
				continue;
			}
			if (update_number(v[i], update_flags[i].kind == UPD_BYTES, &num) < 0)
				return failx("update: --%s: \"%.64s\" is not %s", update_flags[i].flag, v[i],
					     update_flags[i].kind == UPD_BYTES ? "a size in bytes (k, m, g, t allowed)" : "an integer");
			buf_printf(doc, "%lld", num);
		}
		buf_puts(doc, "}");
	}
	buf_puts(doc, "}");
	return buf_check(doc);
}

int update_resources(const struct update_args *u, struct spec *s)
{
	cleanup_buf struct buf doc = { 0 };
	cleanup_free char *text = NULL;
	size_t len;

	if (u->resources) {
		if (read_file(strcmp(u->resources, "-") ? u->resources : "/dev/stdin", &text, &len, 1 << 20) < 0)
			return -1;
		return resources_parse_document(s, text, len, u->resources);
	}
	if (update_document(u->flag, &doc) < 0)
		return -1;
	return resources_parse_document(s, doc.p, doc.len, "update flags");
}
