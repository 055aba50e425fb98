/* SPDX-License-Identifier: MIT */
/* What a snapshot of a tenant's intent reads that store.h has no call for (store_snapshot.h). */
#include "store_snapshot.h"

#include "../util/err.h"
#include "../util/xmalloc.h"
#include "sqlite_impl.h"
#include "store_impl.h"

static int addr_list(struct nc_store *st, const char *tenant, const char *pool,
		     struct nc_addr_row **out, size_t *n)
{
	struct nc_sqlite_q q;
	int row;

	nc_sqlite_q_start(
		nc_sqlite_of(st),
		"SELECT pool, owner, idx FROM addrs WHERE tenant = ? AND (? IS NULL OR pool = ?)"
		" ORDER BY pool, owner",
		&q);
	nc_sqlite_q_bind(&q, "ttt", tenant, pool, pool);
	while ((row = nc_sqlite_q_step(&q)) == 1) {
		struct nc_addr_row *r;

		*out = nc_xrealloc(*out, (*n + 1) * sizeof(**out));
		r = &(*out)[(*n)++];
		nc_sqlite_col_text(&q, r->pool, sizeof(r->pool));
		nc_sqlite_col_text(&q, r->owner, sizeof(r->owner));
		r->idx = (uint32_t)nc_sqlite_col_int(&q);
	}
	return nc_sqlite_q_end(&q);
}

int nc_store_addr_list(struct nc_store *st, const char *tenant, const char *pool,
		       struct nc_addr_row **out, size_t *n)
{
	size_t n0 = n ? *n : 0;
	int ret = store_enter(st, tenant && out && n);

	if (ret == 0)
		ret = store_leave(st, addr_list(st, tenant, pool, out, n));
	if (ret < 0 && n)
		*n = n0;
	return ret;
}
