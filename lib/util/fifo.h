/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_FIFO_H
#define NC_UTIL_FIFO_H

/*
 * A first-in first-out queue of elements that carry their own link (a
 * struct nc_fifo_link member): it allocates nothing and never fails. An
 * element is in one queue at a time per link. Not thread-safe: the
 * owner's lock guards it. A zeroed struct nc_fifo is an empty queue.
 */

#include <stddef.h>

struct nc_fifo_link {
	struct nc_fifo_link *next;
};

struct nc_fifo {
	struct nc_fifo_link *head, *tail;
	size_t n; /* elements in the queue */
};

/* The element of type `type' whose member `member' is the link l (not NULL). */
#define NC_FIFO_ENTRY(l, type, member) ((type *)(void *)((char *)(l)-offsetof(type, member)))

static inline void nc_fifo_push(struct nc_fifo *q, struct nc_fifo_link *l)
{
	l->next = NULL;
	if (q->tail)
		q->tail->next = l;
	else
		q->head = l;
	q->tail = l;
	q->n++;
}

/* The first link, taken off q; NULL when q is empty. */
static inline struct nc_fifo_link *nc_fifo_pop(struct nc_fifo *q)
{
	struct nc_fifo_link *l = q->head;

	if (!l)
		return NULL;
	q->head = l->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	l->next = NULL;
	return l;
}

#endif
