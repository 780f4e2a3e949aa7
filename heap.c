/* heap.c - malloc, calloc, realloc and free, in place of musl's mallocng
 * (7 KB of the binary). Grid is one thread and each command lives for
 * milliseconds (the long-lived ones, run's wait and events, allocate in
 * bounded loops), so a block is a power of two from 32 bytes to 64 KB,
 * carved from 64 KB chunks that are kept, and recycled through a free list
 * per size; a larger one is a mapping of its own, unmapped when freed.
 * mallocng gave each emptied page back to the kernel at once, and an
 * munmap costs a TLB shootdown: a list of 200 containers made 107 of them.
 * A block's header holds its size and whether it is free: a double free,
 * or a pointer this heap never gave, stops the process rather than corrupt
 * the lists. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifdef GRID_HEAP_TEST /* the unit tests run it beside the C library's own */
#define malloc heap_malloc
#define free heap_free
#define calloc heap_calloc
#define realloc heap_realloc
void *heap_malloc(size_t n);
void heap_free(void *p);
void *heap_calloc(size_t n, size_t size);
void *heap_realloc(void *p, size_t n);
#endif

#define MIN_SHIFT 5 /* the header and a free block's next pointer */
#define CLASSES 12  /* 32 B .. 64 KB */
#define CHUNK ((size_t)1 << (MIN_SHIFT + CLASSES - 1))
#define FREE_MARK 0x6672656564626c6bULL /* "freedblk" */
#define USED_MARK 0x75736564626c6f63ULL /* "usedbloc" */

struct head { /* 16 bytes before each block, which stays 16-byte aligned */
	size_t size; /* the whole block's, header included */
	uint64_t mark;
};

static void *free_list[CLASSES];
static char *chunk_next, *chunk_end;

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static void *block(size_t n)
{
	size_t need = n + sizeof(struct head), size = (size_t)1 << MIN_SHIFT;
	struct head *h;
	int c = 0;

	if (need < n || need > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	if (need > CHUNK) {
		size = (need + 4095) & ~(size_t)4095;
		h = map(size);
	} else {
		while (size < need)
			size <<= 1, c++;
		if ((h = free_list[c])) {
			free_list[c] = *(void **)(h + 1);
		} else {
			if ((size_t)(chunk_end - chunk_next) < size) {
				/* what is left of the old chunk is not used again */
				if (!(chunk_next = map(CHUNK)))
					return NULL;
				chunk_end = chunk_next + CHUNK;
			}
			h = (struct head *)chunk_next;
			chunk_next += size;
		}
	}
	if (!h)
		return NULL;
	*h = (struct head){ size, USED_MARK };
	return h + 1;
}

static struct head *head_of(void *p)
{
	struct head *h = (struct head *)p - 1;

	/* a power of two up to a chunk, or a multiple of pages above */
	if (h->mark != USED_MARK || h->size < ((size_t)1 << MIN_SHIFT) || (h->size <= CHUNK ? h->size & (h->size - 1) : h->size & 4095))
		__builtin_trap();
	return h;
}

void *malloc(size_t n)
{
	return block(n);
}

void free(void *p)
{
	struct head *h;
	int c = 0;

	if (!p)
		return;
	h = head_of(p);
	if (h->size > CHUNK) {
		munmap(h, h->size);
		return;
	}
	while (((size_t)1 << (MIN_SHIFT + c)) < h->size)
		c++;
	h->mark = FREE_MARK;
	*(void **)p = free_list[c];
	free_list[c] = h;
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = block(n * size);
	return p ? memset(p, 0, n * size) : NULL;
}

void *realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (!p)
		return block(n);
	have = head_of(p)->size - sizeof(struct head);
	if (n <= have)
		return p;
	if (!(q = block(n)))
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}
