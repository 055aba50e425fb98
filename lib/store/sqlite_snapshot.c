/* SPDX-License-Identifier: MIT */
/* What a snapshot of a tenant's intent reads that store.h has no call for (store_snapshot.h). */
#include "store_snapshot.h"

#include <stdlib.h>

#include "../util/err.h"
#include "../util/xmalloc.h"
#include "sqlite_impl.h"
#include "store_impl.h"

static int addr_list(struct nc_store *st, const char *tenant, struct nc_addr_row **out,
		     size_t *n)
{
	struct nc_sqlite_q q;
	size_t cap = 0;
	int row;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT pool, owner, idx FROM addrs WHERE tenant = ? ORDER BY pool, owner",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	while ((row = nc_sqlite_q_step(&q)) == 1) {
		struct nc_addr_row *r;

		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*out = nc_xrealloc(*out, cap * sizeof(**out));
		}
		r = &(*out)[(*n)++];
		nc_sqlite_col_text(&q, r->pool, sizeof(r->pool));
		nc_sqlite_col_text(&q, r->owner, sizeof(r->owner));
		r->idx = (uint32_t)nc_sqlite_col_int(&q);
	}
	return nc_sqlite_q_end(&q);
}

int nc_store_addr_list(struct nc_store *st, const char *tenant, struct nc_addr_row **out,
		       size_t *n)
{
	int ret = store_enter(st, tenant && out && n);

	if (ret < 0)
		return ret;
	*out = NULL;
	*n = 0;
	ret = store_leave(st, addr_list(st, tenant, out, n));
	if (ret < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}
