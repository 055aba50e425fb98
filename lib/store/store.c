/* SPDX-License-Identifier: MIT */
#include "store.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "store_impl.h"

/*
 * The public functions: check the arguments once for every backend, take
 * the store's lock for the call, dispatch through the table of functions.
 */

static bool blank(const char *s)
{
	return !s || !*s;
}

static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

/* Resets a page's output and checks its input; a NULL page is allowed. */
static int page_start(struct nc_page *pg)
{
	if (!pg)
		return 0;
	pg->next_cursor[0] = '\0';
	return terminated(pg->cursor, sizeof(pg->cursor)) ? 0 : NC_ERR_INVAL;
}

/* Clears an array out-parameter pair and tells whether both are there. */
#define ARRAY_OUT(out, n) ((out) && (n) && ((*(out) = NULL), (*(n) = 0), true))

/* Sets *n (may be NULL) to 0; true. */
static bool zero_count(size_t *n)
{
	if (n)
		*n = 0;
	return true;
}

/* Whether every row of v[0..n) is serial's. */
static bool all_of(const char *serial, const struct nc_tunnel_state *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].serial, serial) != 0)
			return false;
	}
	return true;
}

/* Each public call: check, lock, dispatch, unlock (store_impl.h). */
#define NC_STORE_OP(name, params, args, check)                                                     \
	int nc_store_##name params                                                                 \
	{                                                                                          \
		int ret = store_enter(st, check);                                                  \
                                                                                                   \
		if (ret == 0)                                                                      \
			ret = store_leave(st, st->ops->name args);                                 \
		return ret;                                                                        \
	}
#include "store_ops.def"

/* nc_store_<noun>_each (store.h): nc_store_<noun>_list a page at a time. */
#define NC_STORE_EACH(noun)                                                                        \
	int nc_store_##noun##_each(struct nc_store *st, const struct nc_##noun##_filter *f,        \
				   int (*fn)(struct nc_##noun * v, void *arg), void *arg)          \
	{                                                                                          \
		struct nc_page pg = {.limit = NC_PAGE_MAX};                                        \
		struct nc_##noun *v;                                                               \
		size_t n;                                                                          \
		int ret;                                                                           \
                                                                                                   \
		do {                                                                               \
			v = NULL;                                                                  \
			n = 0;                                                                     \
			ret = nc_store_##noun##_list(st, f, &pg, &v, &n);                          \
			for (size_t i = 0; ret == 0 && i < n; i++)                                 \
				ret = fn(&v[i], arg);                                              \
			nc_##noun##_array_free(v, n);                                              \
			memcpy(pg.cursor, pg.next_cursor, sizeof(pg.cursor));                      \
		} while (ret == 0 && pg.cursor[0]);                                                \
		return ret;                                                                        \
	}
NC_STORE_EACH(edge)
NC_STORE_EACH(connector)
NC_STORE_EACH(sync)
