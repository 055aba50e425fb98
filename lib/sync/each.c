/* SPDX-License-Identifier: MIT */
/* The one walk over the store's sync states, page by page. */
#include <stdio.h>

#include "../core/core.h"
#include "../store/store.h"
#include "internal.h"

int sync_each(struct nc_sync_engine *e, const struct nc_sync_filter *f,
	      void (*fn)(struct nc_sync_engine *e, struct nc_sync *s, void *arg), void *arg)
{
	struct nc_page pg = {.limit = NC_PAGE_MAX};
	struct nc_sync *v = NULL;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_sync_list(e->core->store, f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++)
			fn(e, &v[i], arg);
		nc_sync_array_free(v, n);
		v = NULL;
		n = 0;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
	return ret;
}
