/* parse.h - the walker over jsmn tokens that spec.c, resources.c and
 * seccomp.c share (spec.c defines it):
 * typed field readers whose errors name the field's path in config.json. */
#ifndef GRID_PARSE_H
#define GRID_PARSE_H

#include "json.h"
#include "spec.h"

struct pctx {
	const struct json *j;
	struct spec *s;
	void *item; /* what this level of the walk fills (walk_item), its type the handlers' */
	struct resources *res; /* linux.resources, or update's document, being read */
	bool update;           /* `update`: a zero means "leave unchanged" (docker sends zeros) */
};

typedef int (*field_fn)(struct pctx *c, int v, const char *path);
struct field {
	const char *name;
	field_fn fn;
};

typedef int (*elem_fn)(struct pctx *c, int v, const char *path, size_t idx);
typedef int (*map_fn)(struct pctx *c, int k, int v, const char *path);

const jsmntok_t *tok(struct pctx *c, int i);
bool is_null(struct pctx *c, int i);
void child_path(char *out, size_t size, const char *path, const char *name);
int walk_object(struct pctx *c, int i, const char *path, const struct field *f, size_t nf);
/* walk_object with c->item set to item for the handlers at that level */
int walk_item(struct pctx *c, int i, const char *path, const struct field *f, size_t nf, void *item);
int walk_array(struct pctx *c, int i, const char *path, elem_fn fn);
int walk_map(struct pctx *c, int i, const char *path, map_fn fn);
int str_field(struct pctx *c, int v, const char *path, const char **out);
int str_array(struct pctx *c, int v, const char *path, const char ***out, size_t *n);
/* An array of objects: *(T **)out gets one zeroed T (elem bytes) per entry
 * (and one more), *n their count; then fn on each. */
int object_array(struct pctx *c, int v, const char *path, void *out, size_t elem, size_t *n, elem_fn fn);
int u32_field(struct pctx *c, int v, const char *path, uint32_t *out);
int int32_field(struct pctx *c, int v, const char *path, int *out);
int enum_field(struct pctx *c, int v, const char *path, const char *const *names, size_t n);
int seccomp_parse(struct pctx *c, int v, const char *path);
int resources_parse(struct pctx *c, int v, const char *path, struct resources *r, bool for_update);

#endif
