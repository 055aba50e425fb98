/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_HEAP_H
#define NC_UTIL_HEAP_H

/*
 * A binary min-heap of fixed-size elements ordered by an int64_t key that
 * each element carries at key_off (e.g. a due time in monotonic ms).
 * Elements are copied in and out. Not thread-safe: the owner locks.
 * A zeroed struct is not usable: call nc_heap_init first.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_heap {
	unsigned char *v; /* n elements of size bytes, owned */
	size_t n, cap;
	size_t size;	/* bytes per element */
	size_t key_off; /* offset of the int64_t key in an element */
};

/* An empty heap of elements of size bytes whose key is the int64_t at key_off. */
void nc_heap_init(struct nc_heap *h, size_t size, size_t key_off);
/* Copies elem (size bytes) in. Aborts on out of memory, as nc_xrealloc. */
void nc_heap_push(struct nc_heap *h, const void *elem);
/* The element with the smallest key (borrowed, valid until the next push or pop), NULL if empty. */
const void *nc_heap_top(const struct nc_heap *h);
/* The smallest key; h must not be empty. */
int64_t nc_heap_top_key(const struct nc_heap *h);
/* Copies the element with the smallest key to out and removes it; false if h is empty.
 * Below a quarter full, the heap halves its room (never under 64 elements). */
bool nc_heap_pop(struct nc_heap *h, void *out);
/* Frees the elements; h is empty and reusable afterwards. NULL is a no-op. */
void nc_heap_clear(struct nc_heap *h);

#endif
