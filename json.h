/* json.h - jsmn's tokens wrapped: typed values whose errors name the field (json.c).
 * Only the parsers include it. */
#ifndef GRID_JSON_H
#define GRID_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define JSMN_PARENT_LINKS
#ifndef GRID_JSMN_IMPL
#define JSMN_HEADER
#endif
#include <jsmn.h>
struct json {
	const char *text;
	size_t len;
	jsmntok_t *tok;
	int ntok;
};
int json_parse(struct json *j, const char *text, size_t len, const char *what);
void json_free(struct json *j);
int json_skip(const struct json *j, int i);
bool json_eq(const struct json *j, int i, const char *s);
/* Decoded string into the arena; NULL (error recorded) if not a string or has NUL. */
char *json_string(const struct json *j, int i, struct arena *a, const char *field);
int json_int(const struct json *j, int i, int64_t min, int64_t max, int64_t *out, const char *field);
int json_uint64(const struct json *j, int i, uint64_t *out, const char *field);
int json_bool(const struct json *j, int i, bool *out, const char *field);

#endif
