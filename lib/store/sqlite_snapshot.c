/* SPDX-License-Identifier: MIT */
/* What a snapshot of a tenant's intent reads that store.h has no call for (store_snapshot.h). */
#include "store_snapshot.h"

#include "../util/err.h"
#include "../util/xmalloc.h"
#include "sqlite_impl.h"
#include "store_impl.h"

/* One statement per shape of the filter, so that each is served from the
 * primary key (tenant, pool, owner): an `? IS NULL OR pool = ?' would
 * read every address of the tenant, a hub pool of 12,500 rows for each
 * connector's batch. */
static int addr_list(struct nc_store *st, const char *tenant, const char *pool, const char *owner,
		     struct nc_addr_row **out, size_t *n)
{
	static const char *const sql[] = {
		"SELECT pool, owner, idx FROM addrs WHERE tenant = ?1 ORDER BY pool, owner",
		"SELECT pool, owner, idx FROM addrs WHERE tenant = ?1 AND pool = ?2 ORDER BY owner",
		"SELECT pool, owner, idx FROM addrs WHERE tenant = ?1 AND pool = ?2 AND owner = ?3",
	};
	struct nc_sqlite_q q;
	size_t cap = *n * sizeof(**out);
	int row;

	int k = !pool ? 0 : !owner ? 1 : 2;

	nc_sqlite_q_start(nc_sqlite_of(st), sql[k], &q);
	nc_sqlite_q_bind(&q, &"ttt"[2 - k], tenant, pool, owner);
	while ((row = nc_sqlite_q_step(&q)) == 1) {
		struct nc_addr_row *r;

		*out = nc_xgrow(*out, &cap, (*n + 1) * sizeof(**out), 16 * sizeof(**out));
		r = &(*out)[(*n)++];
		nc_sqlite_col_text(&q, r->pool, sizeof(r->pool));
		nc_sqlite_col_text(&q, r->owner, sizeof(r->owner));
		r->idx = (uint32_t)nc_sqlite_col_int(&q);
	}
	return nc_sqlite_q_end(&q);
}

int nc_store_addr_list(struct nc_store *st, const char *tenant, const char *pool, const char *owner,
		       struct nc_addr_row **out, size_t *n)
{
	size_t n0 = n ? *n : 0;
	int ret = store_enter(st, tenant && out && n);

	if (ret == 0)
		ret = store_leave(st, addr_list(st, tenant, pool, owner, out, n));
	if (ret < 0 && n)
		*n = n0;
	return ret;
}
