/* arena.h - memory freed all at once (arena.c). */
#ifndef GRID_ARENA_H
#define GRID_ARENA_H

#include <stddef.h>

struct arena {
	struct chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

#endif
