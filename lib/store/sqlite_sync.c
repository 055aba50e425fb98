/* SPDX-License-Identifier: MIT */
/*
 * Sync states in the SQLite backend, keyed by (serial, tenant). The sync
 * pipeline writes thousands in one transaction: every statement here is
 * prepared once and reused.
 */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../util/err.h"
#include "sqlite_impl.h"

#define SYNC_COLS                                                                                  \
	"serial, tenant, state, dirty_reason, fail_reason, seq, sent_hash, confirmed_seq,"         \
	" confirmed_hash, attempts, sent_at, confirmed_at, updated_at, last_batch,"                \
	" last_confirm"

/* The sync state is of a device that gets configuration (store.h). */
#define CONFIGURED                                                                                 \
	"NOT EXISTS (SELECT 1 FROM connectors c WHERE c.serial = sync.serial"                      \
	" AND c.status IN ('pending_approval', 'decommissioned'))"

static void read_sync(struct nc_sqlite_q *q, void *item)
{
	struct nc_sync *s = item;
	char state[16];

	nc_sqlite_col_text(q, s->serial, sizeof(s->serial));
	nc_sqlite_col_text(q, s->tenant, sizeof(s->tenant));
	nc_sqlite_col_text(q, state, sizeof(state));
	if (nc_sync_state_parse(state, &s->state) != 0)
		nc_sqlite_col_bad(q, "sync.state");
	nc_sqlite_col_text(q, s->dirty_reason, sizeof(s->dirty_reason));
	nc_sqlite_col_text(q, s->fail_reason, sizeof(s->fail_reason));
	s->seq = nc_sqlite_col_int(q);
	nc_sqlite_col_text(q, s->sent_hash, sizeof(s->sent_hash));
	s->confirmed_seq = nc_sqlite_col_int(q);
	nc_sqlite_col_text(q, s->confirmed_hash, sizeof(s->confirmed_hash));
	s->attempts = (int)nc_sqlite_col_int(q);
	s->sent_at = nc_sqlite_col_int(q);
	s->confirmed_at = nc_sqlite_col_int(q);
	s->updated_at = nc_sqlite_col_int(q);
	s->last_batch = nc_sqlite_col_secret_dup(q);
	s->last_confirm = nc_sqlite_col_dup(q);
}

static void clear_sync(void *item)
{
	nc_sync_clear(item);
}

/* Standard upsert (SQLite 3.24+, PostgreSQL 9.5+), not INSERT OR REPLACE:
 * the row is updated in place, never deleted and inserted again. */
int nc_sqlite_sync_put(struct nc_store *st, const struct nc_sync *s)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
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
			  &q);
	nc_sqlite_q_text(&q, s->serial);
	nc_sqlite_q_text(&q, s->tenant);
	nc_sqlite_q_text(&q, nc_sync_state_name(s->state));
	nc_sqlite_q_text(&q, s->dirty_reason);
	nc_sqlite_q_text(&q, s->fail_reason);
	nc_sqlite_q_int(&q, s->seq);
	nc_sqlite_q_text(&q, s->sent_hash);
	nc_sqlite_q_int(&q, s->confirmed_seq);
	nc_sqlite_q_text(&q, s->confirmed_hash);
	nc_sqlite_q_int(&q, s->attempts);
	nc_sqlite_q_int(&q, s->sent_at);
	nc_sqlite_q_int(&q, s->confirmed_at);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(s->updated_at));
	nc_sqlite_q_secret(&q, s->last_batch);
	nc_sqlite_q_text(&q, s->last_confirm);
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_sync_get(struct nc_store *st, const char *serial, const char *tenant,
		       struct nc_sync *out)
{
	struct nc_sqlite_q q;
	struct nc_sync s = {0};
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " SYNC_COLS " FROM sync"
			  " WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2)"
			  " ORDER BY tenant LIMIT 1",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	found = nc_sqlite_q_step(&q) == 1;
	if (found)
		read_sync(&q, &s);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*out = s;
	else
		nc_sync_clear(&s);
	return ret;
}

/* Keyset paging over (serial, tenant) with a row-value comparison, which
 * both SQLite (3.15+) and PostgreSQL serve from the primary key. */
int nc_sqlite_sync_list(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
			struct nc_sync **out, size_t *n)
{
	struct nc_sqlite_sql b = {0};
	struct nc_sqlite_rows how = {sizeof(struct nc_sync), read_sync, clear_sync,
				     nc_sqlite_page_rows(pg)};
	struct nc_sqlite_q q;
	struct nc_sync *items;
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	void *v = NULL;
	bool more = false;
	int ret;

	ret = nc_store_sync_cursor_split(pg ? pg->cursor : "", serial, tenant);
	if (ret)
		goto out;
	nc_sqlite_sql_add(&b, "SELECT " SYNC_COLS " FROM sync WHERE (serial, tenant) > (?, ?)");
	if (f && f->tenant)
		nc_sqlite_sql_add(&b, " AND tenant = ?");
	if (f && f->state >= 0)
		nc_sqlite_sql_add(&b, " AND state = ?");
	if (f && f->serial)
		nc_sqlite_sql_add(&b, " AND serial = ?");
	if (f && f->configured)
		nc_sqlite_sql_add(&b, " AND " CONFIGURED);
	nc_sqlite_sql_add(&b, " ORDER BY serial, tenant LIMIT ?");
	ret = b.err;
	if (ret)
		goto out;

	nc_sqlite_q_start(nc_sqlite_of(st), b.text, &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	if (f && f->tenant)
		nc_sqlite_q_text(&q, f->tenant);
	if (f && f->state >= 0)
		nc_sqlite_q_text(&q, nc_sync_state_name((enum nc_sync_state)f->state));
	if (f && f->serial)
		nc_sqlite_q_text(&q, f->serial);
	nc_sqlite_q_int(&q, nc_sqlite_page_sql_limit(pg));
	ret = nc_sqlite_rows(&q, &how, &v, n, &more);
	if (ret)
		goto out;
	items = v;
	if (more)
		snprintf(pg->next_cursor, sizeof(pg->next_cursor), "%s:%s", items[*n - 1].serial,
			 items[*n - 1].tenant);
	*out = items;
out:
	return ret;
}

int nc_sqlite_sync_count(struct nc_store *st, const char *tenant, size_t counts[4])
{
	struct nc_sqlite_q q;
	size_t got[NC_SYNC_FAILED + 1] = {0};
	enum nc_sync_state state;
	char name[16];
	int64_t count;
	int ret;

	nc_sqlite_q_start(
		nc_sqlite_of(st),
		tenant ? "SELECT state, count(*) FROM sync WHERE tenant = ? AND " CONFIGURED
			 " GROUP BY state"
		       : "SELECT state, count(*) FROM sync WHERE " CONFIGURED " GROUP BY state",
		&q);
	if (tenant)
		nc_sqlite_q_text(&q, tenant);
	while (nc_sqlite_q_step(&q) == 1) {
		nc_sqlite_col_text(&q, name, sizeof(name));
		count = nc_sqlite_col_int(&q);
		if (nc_sync_state_parse(name, &state) != 0)
			nc_sqlite_col_bad(&q, "sync.state");
		else
			got[state] = (size_t)count;
	}
	ret = nc_sqlite_q_end(&q);
	if (ret == 0)
		memcpy(counts, got, sizeof(got));
	return ret;
}
