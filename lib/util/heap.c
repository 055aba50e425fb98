/* SPDX-License-Identifier: MIT */
#include "heap.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static int64_t key_at(const struct nc_heap *h, size_t i)
{
	int64_t k;

	memcpy(&k, h->v + i * h->size + h->key_off, sizeof(k));
	return k;
}

static void swap(struct nc_heap *h, size_t i, size_t j)
{
	unsigned char *a = h->v + i * h->size, *b = h->v + j * h->size, t;

	for (size_t k = 0; k < h->size; k++) {
		t = a[k];
		a[k] = b[k];
		b[k] = t;
	}
}

void nc_heap_init(struct nc_heap *h, size_t size, size_t key_off)
{
	*h = (struct nc_heap){.size = size, .key_off = key_off};
}

void nc_heap_push(struct nc_heap *h, const void *elem)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->v = nc_xrealloc(h->v, h->cap * h->size);
	}
	i = h->n++;
	memcpy(h->v + i * h->size, elem, h->size);
	while (i > 0 && key_at(h, (i - 1) / 2) > key_at(h, i)) {
		swap(h, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
}

const void *nc_heap_top(const struct nc_heap *h)
{
	return h->n ? h->v : NULL;
}

int64_t nc_heap_top_key(const struct nc_heap *h)
{
	return key_at(h, 0);
}

bool nc_heap_pop(struct nc_heap *h, void *out)
{
	size_t i = 0;

	if (h->n == 0)
		return false;
	memcpy(out, h->v, h->size);
	h->n--;
	if (h->n)
		memcpy(h->v, h->v + h->n * h->size, h->size);
	for (;;) {
		size_t a = 2 * i + 1, b = a + 1, m = i;

		if (a < h->n && key_at(h, a) < key_at(h, m))
			m = a;
		if (b < h->n && key_at(h, b) < key_at(h, m))
			m = b;
		if (m == i)
			break;
		swap(h, m, i);
		i = m;
	}
	/* A heap that a burst grew gives the room back as it empties. */
	if (h->cap > 64 && h->n < h->cap / 4) {
		h->cap /= 2;
		h->v = nc_xrealloc(h->v, h->cap * h->size);
	}
	return true;
}

void nc_heap_clear(struct nc_heap *h)
{
	if (!h)
		return;
	free(h->v);
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
}
