/* SPDX-License-Identifier: MIT */
/*
 * Address pools (store.h: nc_store_addr_*) on SQLite. An allocation takes
 * the lowest free index of its range. To find it without reading every
 * taken index (a hub's pool holds one per connector), each pool keeps a
 * hint in memory: every index of [lo, next) is taken. The hint moves up
 * with each allocation, down with each release, and is forgotten when a
 * transaction rolls back (what it counted may be undone).
 */
#include "sqlite_impl.h"

#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"

struct nc_sqlite_addr_hint {
	struct nc_sqlite_addr_hint *next_hint;
	char *tenant, *pool;
	uint32_t lo;   /* the range's start it was counted from */
	uint32_t next; /* every index of [lo, next) is taken */
};

/* The lowest free index of [?1, ?2] in pool ?4 of tenant ?3: lo itself, or
 * one past a taken index; -1 when there is none. Reads the whole pool. */
#define LOWEST_FREE                                                                                \
	"SELECT COALESCE(MIN(c), -1) FROM (SELECT ?1 AS c UNION ALL SELECT idx + 1 FROM addrs"     \
	" WHERE tenant = ?3 AND pool = ?4 AND idx >= ?1) AS cand"                                  \
	" WHERE c <= ?2 AND NOT EXISTS (SELECT 1 FROM addrs"                                       \
	" WHERE tenant = ?3 AND pool = ?4 AND idx = c)"

/* The first free index after the taken run that starts at ?1 (taken):
 * walks the index in order and stops at the first gap. */
#define NEXT_GAP                                                                                   \
	"SELECT a.idx + 1 FROM addrs a WHERE a.tenant = ?2 AND a.pool = ?3 AND a.idx >= ?1"        \
	" AND NOT EXISTS (SELECT 1 FROM addrs b WHERE b.tenant = ?2 AND b.pool = ?3"               \
	" AND b.idx = a.idx + 1) ORDER BY a.idx LIMIT 1"

static struct nc_sqlite_addr_hint *hint(struct nc_sqlite *s, const char *tenant, const char *pool,
					bool add)
{
	struct nc_sqlite_addr_hint *h;

	for (h = s->addr_hints; h; h = h->next_hint) {
		if (strcmp(h->tenant, tenant) == 0 && strcmp(h->pool, pool) == 0)
			return h;
	}
	if (!add)
		return NULL;
	h = nc_xcalloc(1, sizeof(*h));
	h->tenant = nc_xstrdup(tenant);
	h->pool = nc_xstrdup(pool);
	h->next_hint = s->addr_hints;
	s->addr_hints = h;
	return h;
}

void nc_sqlite_addr_hints_clear(struct nc_sqlite *s)
{
	while (s->addr_hints) {
		struct nc_sqlite_addr_hint *h = s->addr_hints;

		s->addr_hints = h->next_hint;
		free(h->tenant);
		free(h->pool);
		free(h);
	}
}

/* The lowest free index of [lo, hi] into *idx (-1: none), from the hint. */
static int lowest_free(struct nc_sqlite *s, const char *tenant, const char *pool, uint32_t lo,
		       uint32_t hi, int64_t *idx)
{
	struct nc_sqlite_addr_hint *h = hint(s, tenant, pool, false);
	int64_t at = h && h->lo == lo && h->next > lo ? h->next : lo, taken = -1;
	int ret = 0;

	if (at <= hi)
		ret = nc_sqlite_scalar(
			s, "SELECT idx FROM addrs WHERE tenant = ? AND pool = ? AND idx = ?",
			&taken, "ttI", tenant, pool, at);
	if (ret < 0)
		return ret;
	if (at > hi || taken < 0) {
		*idx = at <= hi ? at : -1;
		return 0;
	}
	*idx = -1;
	ret = nc_sqlite_scalar(s, NEXT_GAP, idx, "Itt", at, tenant, pool);
	if (ret >= 0 && *idx > hi)
		*idx = -1;
	return ret < 0 ? ret : 0;
}

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
	ret = lowest_free(s, tenant, pool, lo, hi, &idx);
	/* A full pool, or a range the hint does not describe: read it all. */
	if (ret == 0 && idx < 0)
		ret = nc_sqlite_scalar(s, LOWEST_FREE, &idx, "uutt", lo, hi, tenant, pool);
	if (ret < 0)
		goto out;
	if (idx < 0) {
		ret = NC_ERR_RANGE;
		goto out;
	}
	ret = nc_sqlite_exec(s, "INSERT INTO addrs (tenant, pool, owner, idx) VALUES (?, ?, ?, ?)",
			     NULL, "tttI", tenant, pool, owner, idx);
	if (ret == 0) { /* idx was the lowest free: [lo, idx] is taken now */
		struct nc_sqlite_addr_hint *h = hint(s, tenant, pool, true);

		h->lo = lo;
		h->next = (uint32_t)idx + 1;
	}
out:
	if (ret >= 0)
		*index = (uint32_t)idx;
	return ret < 0 ? ret : 0;
}

int nc_sqlite_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			   const char *owner)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	struct nc_sqlite_addr_hint *h = hint(s, tenant, pool, false);
	int64_t idx = -1;
	int ret = 0;

	if (h && owner)
		ret = nc_sqlite_scalar(
			s, "SELECT idx FROM addrs WHERE tenant = ? AND pool = ? AND owner = ?",
			&idx, "ttt", tenant, pool, owner);
	if (ret >= 0)
		ret = nc_sqlite_exec(s,
				     "DELETE FROM addrs WHERE tenant = ?1 AND pool = ?2"
				     " AND (?3 IS NULL OR owner = ?3)",
				     NULL, "ttt", tenant, pool, owner);
	/* What was freed is free from now on: the hint comes down to it. */
	if (ret == 0 && h && !owner)
		h->next = h->lo;
	else if (ret == 0 && h && idx >= 0 && idx < h->next)
		h->next = (uint32_t)idx;
	return ret;
}
