/* SPDX-License-Identifier: MIT */
/*
 * Sync states in the SQLite backend, keyed by (serial, tenant). The sync
 * pipeline writes thousands in one transaction: every statement here is
 * prepared once and reused.
 */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../util/err.h"
#include "sqlite_impl.h"

#define SYNC_BRIEF_COLS                                                                            \
	"serial, tenant, state, dirty_reason, fail_reason, seq, sent_hash, confirmed_seq,"         \
	" confirmed_hash, attempts, sent_at, confirmed_at, updated_at"
#define SYNC_COLS SYNC_BRIEF_COLS ", last_batch, last_confirm"

/* The sync state is of a device that gets configuration (store.h). */
#define CONFIGURED                                                                                 \
	"NOT EXISTS (SELECT 1 FROM connectors c WHERE c.serial = sync.serial"                      \
	" AND c.status IN ('pending_approval', 'decommissioned'))"

/* Standard upsert (SQLite 3.24+, PostgreSQL 9.5+), not INSERT OR REPLACE:
 * the row is updated in place, never deleted and inserted again. */
int nc_sqlite_sync_put(struct nc_store *st, const struct nc_sync *s)
{
	return nc_sqlite_exec(
		nc_sqlite_of(st),
		"INSERT INTO sync (" SYNC_COLS ")"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (serial, tenant) DO UPDATE SET state = excluded.state,"
		" dirty_reason = excluded.dirty_reason,"
		" fail_reason = excluded.fail_reason, seq = excluded.seq,"
		" sent_hash = excluded.sent_hash, confirmed_seq = excluded.confirmed_seq,"
		" confirmed_hash = excluded.confirmed_hash, attempts = excluded.attempts,"
		" sent_at = excluded.sent_at, confirmed_at = excluded.confirmed_at,"
		" updated_at = excluded.updated_at, last_batch = excluded.last_batch,"
		" last_confirm = excluded.last_confirm",
		NULL, "tttttItItiIIIkt", s->serial, s->tenant, nc_sync_state_name(s->state),
		s->dirty_reason, s->fail_reason, s->seq, s->sent_hash, s->confirmed_seq,
		s->confirmed_hash, s->attempts, s->sent_at, s->confirmed_at,
		nc_sqlite_time_or_now(s->updated_at), s->last_batch, s->last_confirm);
}

#define SYNC_ONE                                                                                   \
	" FROM sync WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2) ORDER BY tenant LIMIT 1"

int nc_sqlite_sync_get(struct nc_store *st, const char *serial, const char *tenant,
		       struct nc_sync *out)
{
	return nc_sqlite_get(nc_sqlite_of(st), "SELECT " SYNC_COLS SYNC_ONE, &nc_sqlite_sync_rows,
			     out, NULL, "tt", serial, tenant);
}

/* In place: the sealed batch is neither read nor written again. */
int nc_sqlite_sync_dirty(struct nc_store *st, const char *serial, const char *tenant,
			 const char *reason, int64_t now)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st),
				  "UPDATE sync SET state = 'pending', dirty_reason = ?3,"
				  " updated_at = ?4 WHERE serial = ?1 AND tenant = ?2",
				  "tttI", serial, tenant, reason, now);
}

int nc_sqlite_sync_update(struct nc_store *st, const struct nc_sync *s)
{
	return nc_sqlite_exec_one(
		nc_sqlite_of(st),
		"UPDATE sync SET state = ?3, dirty_reason = ?4, fail_reason = ?5, seq = ?6,"
		" sent_hash = ?7, confirmed_seq = ?8, confirmed_hash = ?9, attempts = ?10,"
		" sent_at = ?11, confirmed_at = ?12, updated_at = ?13,"
		" last_confirm = coalesce(?14, last_confirm) WHERE serial = ?1 AND tenant = ?2",
		"tttttItItiIIIt", s->serial, s->tenant, nc_sync_state_name(s->state),
		s->dirty_reason, s->fail_reason, s->seq, s->sent_hash, s->confirmed_seq,
		s->confirmed_hash, s->attempts, s->sent_at, s->confirmed_at,
		nc_sqlite_time_or_now(s->updated_at), s->last_confirm);
}

/* The columns of the row without its two texts: no decryption of the sealed
 * batch, no copy of either. */
int nc_sqlite_sync_peek(struct nc_store *st, const char *serial, const char *tenant,
			struct nc_sync *out)
{
	return nc_sqlite_get(nc_sqlite_of(st), "SELECT " SYNC_BRIEF_COLS SYNC_ONE,
			     &nc_sqlite_sync_brief_rows, out, NULL, "tt", serial, tenant);
}

/* Keyset paging over (serial, tenant) with a row-value comparison, which
 * both SQLite (3.15+) and PostgreSQL serve from the primary key. */
int nc_sqlite_sync_list(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
			struct nc_sync **out, size_t *n)
{
	static const struct nc_sync_filter all = {.state = -1};
	struct nc_sqlite_sql b = {0};
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	int ret;

	if (!f)
		f = &all;
	ret = nc_store_sync_cursor_split(pg ? pg->cursor : "", serial, tenant);
	if (ret)
		goto out;
	nc_sqlite_sql_text(&b, "SELECT " SYNC_COLS " FROM sync WHERE (serial, tenant) > (?",
			   serial);
	nc_sqlite_sql_text(&b, ", ?)", tenant);
	nc_sqlite_sql_filter(&b, " AND tenant = ?", f->tenant);
	nc_sqlite_sql_filter(&b, " AND state = ?",
			     f->state >= 0 ? nc_sync_state_name((enum nc_sync_state)f->state)
					   : NULL);
	nc_sqlite_sql_filter(&b, " AND serial = ?", f->serial);
	nc_sqlite_sql_filter(&b, " AND serial IN (SELECT serial FROM devices WHERE type = ?)",
			     f->type);
	if (f->configured)
		nc_sqlite_sql_add(&b, " AND " CONFIGURED);
	nc_sqlite_sql_add(&b, " ORDER BY serial, tenant");
	ret = nc_sqlite_page(nc_sqlite_of(st), &b, &nc_sqlite_sync_rows, pg, out, n);
out:
	return ret;
}

_Static_assert(NC_SYNC_FAILED + 1 <= NC_SQLITE_COUNTS_MAX, "nc_sqlite_count_by counts them");

/* Every state counted on its index, less those of the few connectors that
 * get no configuration: CONFIGURED row by row costs a lookup a state
 * (200 ms at 100,000). */
int nc_sqlite_sync_count(struct nc_store *st, const char *tenant, size_t counts[4])
{
	size_t less[NC_SYNC_FAILED + 1] = {0};
	struct nc_sqlite_q q;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT state, count(*) FROM sync WHERE (?1 IS NULL OR tenant = ?1)"
			  " GROUP BY state",
			  &q);
	nc_sqlite_q_bind(&q, "t", tenant);
	ret = nc_sqlite_count_by(&q, nc_sync_state_index, counts, NC_SYNC_FAILED + 1, "sync.state");
	if (ret < 0)
		return ret;
	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT s.state, count(*) FROM connectors c JOIN sync s"
			  " ON s.serial = c.serial WHERE c.status IN ('pending_approval',"
			  " 'decommissioned') AND (?1 IS NULL OR s.tenant = ?1) GROUP BY s.state",
			  &q);
	nc_sqlite_q_bind(&q, "t", tenant);
	ret = nc_sqlite_count_by(&q, nc_sync_state_index, less, NC_SYNC_FAILED + 1, "sync.state");
	for (size_t i = 0; ret == 0 && i <= NC_SYNC_FAILED; i++)
		counts[i] = counts[i] >= less[i] ? counts[i] - less[i] : 0;
	return ret;
}
