/* SPDX-License-Identifier: MIT */
/* Address pools (store.h: nc_store_addr_*) on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

int nc_sqlite_addr_alloc(struct nc_store *st, const char *tenant, const char *pool,
			 const char *owner, uint32_t lo, uint32_t hi, uint32_t *index)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	struct nc_sqlite_q q;
	int64_t idx = -1;
	int ret, row;

	nc_sqlite_q_start(s, "SELECT idx FROM addrs WHERE tenant = ? AND pool = ? AND owner = ?",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, pool);
	nc_sqlite_q_text(&q, owner);
	row = nc_sqlite_q_step(&q);
	if (row == 1)
		idx = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret < 0 || idx >= 0)
		goto out;
	/* The lowest free index: lo itself, or one past a taken index. */
	nc_sqlite_q_start(s,
			  "SELECT COALESCE(MIN(c), -1) FROM (SELECT ?1 AS c UNION ALL SELECT idx + "
			  "1 FROM addrs"
			  " WHERE tenant = ?3 AND pool = ?4 AND idx >= ?1) AS cand"
			  " WHERE c <= ?2 AND NOT EXISTS (SELECT 1 FROM addrs"
			  " WHERE tenant = ?3 AND pool = ?4 AND idx = c)",
			  &q);
	nc_sqlite_q_int(&q, lo);
	nc_sqlite_q_int(&q, hi);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, pool);
	row = nc_sqlite_q_step(&q);
	if (row == 1)
		idx = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret < 0)
		goto out;
	if (idx < 0) {
		ret = NC_ERR_RANGE;
		goto out;
	}
	nc_sqlite_q_start(s, "INSERT INTO addrs (tenant, pool, owner, idx) VALUES (?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, pool);
	nc_sqlite_q_text(&q, owner);
	nc_sqlite_q_int(&q, idx);
	ret = nc_sqlite_q_run(&q, NULL);
out:
	if (ret == 0)
		*index = (uint32_t)idx;
	return ret;
}

int nc_sqlite_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			   const char *owner)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "DELETE FROM addrs WHERE tenant = ? AND pool = ?"
			  " AND (? IS NULL OR owner = ?)",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, pool);
	nc_sqlite_q_text(&q, owner);
	nc_sqlite_q_text(&q, owner);
	return nc_sqlite_q_run(&q, NULL);
}
