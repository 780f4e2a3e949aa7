/* opt.h - the command line's option layer (opt.c): option tables, argv parsed
 * against one in runc's conventions, and `grid update`'s flags as the
 * resources they change. grid.c owns the commands and what they do. */
#ifndef GRID_OPT_H
#define GRID_OPT_H

#include <stdbool.h>
#include <stddef.h>

struct spec;

enum opt_kind { OPT_FLAG, OPT_STRING, OPT_INT, OPT_LIST };

/* OPT_LIST: every value of a repeatable option, in order (v is malloc'ed) */
struct opt_list {
	const char **v;
	size_t n;
};

/* value: bool for OPT_FLAG, const char * for OPT_STRING, int (0..2^20) for
 * OPT_INT, struct opt_list for OPT_LIST */
struct opt {
	const char *name; /* long name without "--" */
	char short_name;  /* 0: none */
	enum opt_kind kind;
	void *value;
	const char *help; /* one line; but for a flag its first word names the value: "DIR the bundle" */
};

/* Parses --name value, --name=value, -n value and -n (no bundling: -dt is
 * unknown); a flag also takes --name=true or --name=false. Options and
 * positional arguments may be mixed; "--" ends the options, and so does the
 * positional argument number `last` (-1: none; exec: what follows the command
 * is its own). Returns the number of positional arguments, moved to the front
 * of argv, or -1 with an error naming the option as given. */
int opt_parse(int argc, char **argv, const struct opt *opts, size_t nopts, int last);
/* How many leading arguments are options of opts and their values: where the
 * global options end and the command's name starts. */
int opt_span(int argc, char **argv, const struct opt *opts, size_t nopts);
/* Prints opts one a line, as `grid help` lists them: what the parser takes. */
void opt_help(const struct opt *opts, size_t nopts);

/* `grid update`: --resources FILE, or runc's flags, one value each */
#define UPDATE_NFLAGS 10
#define UPDATE_NOPTS (1 + UPDATE_NFLAGS)
struct update_args {
	const char *resources;           /* a LinuxResources document; "-": stdin */
	const char *flag[UPDATE_NFLAGS]; /* as given on the command line; NULL: not given */
};
/* Fills opts[UPDATE_NOPTS], update's options, to write into u. */
void update_opts(struct opt *opts, struct update_args *u);
/* u's file or flags as s->res (spec_free(s) after); on failure s holds nothing. */
int update_resources(const struct update_args *u, struct spec *s);
/* An integer; with bytes also a size with a k, m, g or t suffix (powers of
 * 1024, a "b" may follow) as runc's update takes them. */
int update_number(const char *v, bool bytes, long long *out);

#endif
