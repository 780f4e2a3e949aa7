/* json.c - the jsmn tokenizer wrapped for Grid: parse a document into tokens
 * (strictly: RFC 8259 primitives, bounded depth), and read typed values out
 * of them with errors that name the field. Writing JSON is buf.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STRICT
#define JSMN_STATIC
#define GRID_JSMN_IMPL
#include "arena.h"
#include "fail.h"
#include "json.h"
#include "util.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* true, false, null, or a number as RFC 8259 writes it */
static bool valid_primitive(const char *p, size_t n)
{
	const char *end = p + n;

	if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) ||
	    (n == 4 && !memcmp(p, "null", 4)))
		return true;
	if (p < end && *p == '-')
		p++;
	if (p >= end || !is_digit(*p))
		return false;
	if (*p == '0')
		p++;
	else
		while (p < end && is_digit(*p))
			p++;
	if (p < end && *p == '.') {
		if (++p >= end || !is_digit(*p))
			return false;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return false;
		while (p < end && is_digit(*p))
			p++;
	}
	return p == end;
}

int json_parse(struct json *j, const char *text, size_t len, const char *what)
{
	jsmn_parser p;
	int n;

	memset(j, 0, sizeof *j);
	if (len > 0x7fffffff)
		return failx("%s: too large", what);
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, NULL, 0);
	if (n < 0)
		goto bad;
	if (n == 0)
		return failx("%s: empty document", what);
	j->tok = mem_zero(n, sizeof *j->tok);
	if (!j->tok)
		return failx("%s: %s", what, last_error());
	jsmn_init(&p);
	n = jsmn_parse(&p, text, len, j->tok, n);
	if (n < 0)
		goto bad;
	j->text = text;
	j->len = len;
	j->ntok = n;
	/* jsmn checks only a primitive's first character, and lets an object
	 * key go without a value: check both */
	for (int i = 0; i < n; i++) {
		const jsmntok_t *t = &j->tok[i];
		bool key = t->parent >= 0 && j->tok[t->parent].type == JSMN_OBJECT;
		if ((t->type == JSMN_PRIMITIVE && !valid_primitive(text + t->start, t->end - t->start)) ||
		    (key && (t->type != JSMN_STRING || t->size != 1)) || (!key && t->type == JSMN_STRING && t->size)) {
			p.pos = t->start;
			n = JSMN_ERROR_INVAL;
			goto bad;
		}
	}
	/* jsmn stops after the first value: anything but space after it is an error */
	for (size_t i = j->tok[0].end; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			p.pos = i;
			n = JSMN_ERROR_INVAL;
			goto bad;
		}
	}
	return 0;
bad:
	free(j->tok);
	j->tok = NULL;
	if (n == JSMN_ERROR_PART)
		return failx("%s: invalid JSON: unexpected end at byte %u", what, p.pos);
	return failx("%s: invalid JSON at byte %u", what, p.pos);
}

void json_free(struct json *j)
{
	free(j->tok);
	j->tok = NULL;
}

/* Index of the token after the value starting at i (skips whole subtrees). */
int json_skip(const struct json *j, int i)
{
	int pending = 1;

	while (pending > 0 && i < j->ntok) {
		const jsmntok_t *t = &j->tok[i++];
		pending--;
		if (t->type == JSMN_OBJECT)
			pending += 2 * t->size;
		else if (t->type == JSMN_ARRAY)
			pending += t->size;
	}
	return i;
}

bool json_eq(const struct json *j, int i, const char *s)
{
	const jsmntok_t *t = &j->tok[i];
	size_t n = strlen(s);

	return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
	       memcmp(j->text + t->start, s, n) == 0;
}

static long read_u16(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval(p[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		*o++ = c;
	} else if (c < 0x800) {
		*o++ = 0xc0 | (c >> 6);
		*o++ = 0x80 | (c & 0x3f);
	} else if (c < 0x10000) {
		*o++ = 0xe0 | (c >> 12);
		*o++ = 0x80 | ((c >> 6) & 0x3f);
		*o++ = 0x80 | (c & 0x3f);
	} else {
		*o++ = 0xf0 | (c >> 18);
		*o++ = 0x80 | ((c >> 12) & 0x3f);
		*o++ = 0x80 | ((c >> 6) & 0x3f);
		*o++ = 0x80 | (c & 0x3f);
	}
	return o;
}

char *json_string(const struct json *j, int i, struct arena *a, const char *field)
{
	const jsmntok_t *t = &j->tok[i];
	const char *p, *end;
	char *out, *o;

	if (t->type != JSMN_STRING) {
		failx("%s: expected a string", field);
		return NULL;
	}
	p = j->text + t->start;
	end = j->text + t->end;
	out = o = arena_alloc(a, (end - p) + 1); /* escapes only shrink */
	if (!out)
		return NULL;
	while (p < end) {
		long c;
		if (*p != '\\') {
			if (*p == 0)
				goto nul;
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			c = read_u16(p, end);
			if (c < 0)
				goto bad;
			p += 4;
			if (c >= 0xd800 && c <= 0xdbff) {
				long lo = (end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? read_u16(p + 2, end) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (c >= 0xdc00 && c <= 0xdfff) {
				goto bad;
			}
			if (c == 0)
				goto nul;
			o = put_utf8(o, c);
			break;
		default:
			goto bad;
		}
	}
	*o = 0;
	return out;
nul:
	failx("%s: string contains a NUL character", field);
	return NULL;
bad:
	failx("%s: invalid escape in string", field);
	return NULL;
}

int json_int(const struct json *j, int i, int64_t min, int64_t max, int64_t *out, const char *field)
{
	const jsmntok_t *t = &j->tok[i];
	char buf[32], *end;
	size_t n = t->end - t->start;
	long long v;

	if (t->type != JSMN_PRIMITIVE || n == 0 || n >= sizeof buf ||
	    !strchr("-0123456789", j->text[t->start]))
		return failx("%s: expected an integer", field);
	memcpy(buf, j->text + t->start, n);
	buf[n] = 0;
	errno = 0;
	v = dec_ll(buf, &end);
	if (*end)
		return failx("%s: expected an integer, got %s", field, buf);
	if (errno || v < min || v > max)
		return failx("%s: %s is out of range [%lld, %lld]", field, buf, (long long)min, (long long)max);
	*out = v;
	return 0;
}

int json_uint64(const struct json *j, int i, uint64_t *out, const char *field)
{
	const jsmntok_t *t = &j->tok[i];
	char buf[32], *end;
	size_t n = t->end - t->start;
	unsigned long long v;

	if (t->type != JSMN_PRIMITIVE || n == 0 || n >= sizeof buf ||
	    !strchr("0123456789", j->text[t->start]))
		return failx("%s: expected an unsigned integer", field);
	memcpy(buf, j->text + t->start, n);
	buf[n] = 0;
	errno = 0;
	v = dec_ull(buf, &end);
	if (*end || errno)
		return failx("%s: expected an unsigned 64-bit integer, got %s", field, buf);
	*out = v;
	return 0;
}

int json_bool(const struct json *j, int i, bool *out, const char *field)
{
	if (j->tok[i].type == JSMN_PRIMITIVE && j->text[j->tok[i].start] == 't')
		*out = true;
	else if (j->tok[i].type == JSMN_PRIMITIVE && j->text[j->tok[i].start] == 'f')
		*out = false;
	else
		return failx("%s: expected true or false", field);
	return 0;
}

