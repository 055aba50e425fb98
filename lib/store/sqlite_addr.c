/* SPDX-License-Identifier: MIT */
/* Address pools (store.h: nc_store_addr_*) on SQLite. */
#include "sqlite_impl.h"

#include "../util/err.h"

/* The lowest free index of [?1, ?2] in pool ?4 of tenant ?3: lo itself, or
 * one past a taken index; -1 when there is none. */
#define LOWEST_FREE                                                                                \
	"SELECT COALESCE(MIN(c), -1) FROM (SELECT ?1 AS c UNION ALL SELECT idx + 1 FROM addrs"     \
	" WHERE tenant = ?3 AND pool = ?4 AND idx >= ?1) AS cand"                                  \
	" WHERE c <= ?2 AND NOT EXISTS (SELECT 1 FROM addrs"                                       \
	" WHERE tenant = ?3 AND pool = ?4 AND idx = c)"

int nc_sqlite_addr_alloc(struct nc_store *st, const char *tenant, const char *pool,
			 const char *owner, uint32_t lo, uint32_t hi, uint32_t *index)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int64_t idx = -1;
	int ret;

	ret = nc_sqlite_scalar(s,
			       "SELECT idx FROM addrs WHERE tenant = ? AND pool = ? AND owner = ?",
			       &idx, "ttt", tenant, pool, owner);
	if (ret < 0 || idx >= 0)
		goto out;
	ret = nc_sqlite_scalar(s, LOWEST_FREE, &idx, "uutt", lo, hi, tenant, pool);
	if (ret < 0)
		goto out;
	if (idx < 0) {
		ret = NC_ERR_RANGE;
		goto out;
	}
	ret = nc_sqlite_exec(s, "INSERT INTO addrs (tenant, pool, owner, idx) VALUES (?, ?, ?, ?)",
			     NULL, "tttI", tenant, pool, owner, idx);
out:
	if (ret >= 0)
		*index = (uint32_t)idx;
	return ret < 0 ? ret : 0;
}

int nc_sqlite_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			   const char *owner)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "DELETE FROM addrs WHERE tenant = ?1 AND pool = ?2"
			      " AND (?3 IS NULL OR owner = ?3)",
			      NULL, "ttt", tenant, pool, owner);
}
