/* arena.c - memory freed all at once: a config's strings and arrays live in
 * its spec's arena (json.c decodes strings into it), so spec_free is one
 * arena_free. Chunks of 16 KB or the size asked, 16-byte aligned, zeroed;
 * out of memory as util.h says. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;

	if (n > (size_t)-1 / 2)
		return mem_grow(NULL, n, 2); /* records the failure */
	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n) {
		size_t size = n > 16384 ? n : 16384;
		c = mem_grow(NULL, 1, sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += n;
	return memset(c->data + c->used - n, 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}
