/* SPDX-License-Identifier: MIT */
/*
 * Devices and edges in the SQLite backend (connectors: sqlite_connectors.c).
 * A device is a row of devices (serial, tenant, type, public key, last seen)
 * plus a row of edges or connectors with the rest; both are written in one
 * transaction, and deleting the devices row cascades to everything that
 * hangs off it.
 */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "sqlite_impl.h"

int nc_sqlite_device_lookup(struct nc_store *st, const char *tenant, const char *serial,
			    enum nc_device_type *type, char tenant_out[NC_ID_MAX])
{
	struct nc_sqlite_q q;
	enum nc_device_type t = NC_DEVICE_EDGE;
	char owner[NC_ID_MAX] = "";
	char kind[16];
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT type, tenant FROM devices"
			  " WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2)",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	found = nc_sqlite_q_step(&q) == 1;
	if (found) {
		nc_sqlite_col_text(&q, kind, sizeof(kind));
		if (nc_device_type_parse(kind, &t) != 0)
			nc_sqlite_col_bad(&q, "devices.type");
		nc_sqlite_col_text(&q, owner, sizeof(owner));
	}
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0 && type)
		*type = t;
	if (ret == 0 && tenant_out)
		memcpy(tenant_out, owner, sizeof(owner));
	return ret;
}

int nc_sqlite_device_touch(struct nc_store *st, const char *serial, const char *public_key,
			   int64_t last_seen)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE devices SET public_key = COALESCE(?2, public_key),"
			  " pending_key = CASE WHEN ?2 IS NULL THEN pending_key ELSE '' END,"
			  " last_seen = CASE WHEN ?3 = 0 THEN last_seen ELSE ?3 END"
			  " WHERE serial = ?1",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text_or_null(&q, public_key);
	nc_sqlite_q_int(&q, last_seen);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_device_hold_key(struct nc_store *st, const char *serial, const char *key)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "UPDATE devices SET pending_key = ?2 WHERE serial = ?1",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, key);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_device_insert(struct nc_sqlite *s, const char *serial, const char *tenant,
			    enum nc_device_type type, const char *public_key, int64_t last_seen)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(s,
			  "INSERT INTO devices (serial, tenant, type, public_key, last_seen)"
			  " VALUES (?, ?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, nc_device_type_name(type));
	nc_sqlite_q_text(&q, public_key);
	nc_sqlite_q_int(&q, last_seen);
	return nc_sqlite_q_run(&q, NULL);
}

/* Deletes the device of that type (and, by cascade, everything hanging off it). */
int nc_sqlite_device_delete(struct nc_sqlite *s, const char *tenant, const char *serial,
			    enum nc_device_type type)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(s,
			  "DELETE FROM devices"
			  " WHERE serial = ?1 AND type = ?2 AND (?3 IS NULL OR tenant = ?3)",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, nc_device_type_name(type));
	nc_sqlite_q_text(&q, tenant);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

/* Ends a transaction opened with nc_store_begin(): commit after success. */
int nc_sqlite_finish(struct nc_store *st, int ret)
{
	if (ret == 0)
		return nc_store_commit(st);
	nc_store_rollback(st);
	return ret;
}

/* Reads a JSON list column with decode(text, dst). */
void nc_sqlite_col_json(struct nc_sqlite_q *q, int (*decode)(const char *, struct nc_strlist *),
			struct nc_strlist *dst)
{
	const char *text = nc_sqlite_col_peek(q);

	if (!q->err && decode(text, dst) != 0)
		q->err = NC_ERR_STORE;
}

/* Edges */

#define EDGE_COLS                                                                                  \
	"e.serial, e.tenant, e.name, e.kind, e.region, e.endpoint, e.lan_subnets,"                 \
	" d.public_key, d.last_seen, e.created_at, e.updated_at, d.pending_key"                    \
	" FROM edges e JOIN devices d ON d.serial = e.serial"

static void read_edge(struct nc_sqlite_q *q, void *item)
{
	struct nc_edge *e = item;
	char kind[16];

	nc_sqlite_col_text(q, e->serial, sizeof(e->serial));
	nc_sqlite_col_text(q, e->tenant, sizeof(e->tenant));
	nc_sqlite_col_text(q, e->name, sizeof(e->name));
	nc_sqlite_col_text(q, kind, sizeof(kind));
	if (nc_edge_kind_parse(kind, &e->kind) != 0)
		nc_sqlite_col_bad(q, "edges.kind");
	nc_sqlite_col_text(q, e->region, sizeof(e->region));
	nc_sqlite_col_text(q, e->endpoint, sizeof(e->endpoint));
	nc_sqlite_col_json(q, nc_store_strlist_from_json, &e->lan_subnets);
	nc_sqlite_col_text(q, e->public_key, sizeof(e->public_key));
	e->last_seen = nc_sqlite_col_int(q);
	e->created_at = nc_sqlite_col_int(q);
	e->updated_at = nc_sqlite_col_int(q);
	nc_sqlite_col_text(q, e->pending_key, sizeof(e->pending_key));
}

static void clear_edge(void *item)
{
	nc_edge_clear(item);
}

int nc_sqlite_edge_insert(struct nc_store *st, const struct nc_edge *e)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	struct nc_sqlite_q q;
	char *subnets = NULL;
	int64_t created = nc_sqlite_time_or_now(e->created_at);
	int ret;

	ret = nc_store_strlist_to_json(&e->lan_subnets, &subnets);
	if (ret)
		goto out;
	ret = nc_store_begin(st);
	if (ret)
		goto out;
	ret = nc_sqlite_device_insert(s, e->serial, e->tenant, NC_DEVICE_EDGE, e->public_key,
				      e->last_seen);
	if (ret == 0) {
		nc_sqlite_q_start(s,
				  "INSERT INTO edges (serial, tenant, name, kind, region, endpoint,"
				  " lan_subnets, created_at, updated_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  &q);
		nc_sqlite_q_text(&q, e->serial);
		nc_sqlite_q_text(&q, e->tenant);
		nc_sqlite_q_text(&q, e->name);
		nc_sqlite_q_text(&q, nc_edge_kind_name(e->kind));
		nc_sqlite_q_text(&q, e->region);
		nc_sqlite_q_text(&q, e->endpoint);
		nc_sqlite_q_text(&q, subnets);
		nc_sqlite_q_int(&q, created);
		nc_sqlite_q_int(&q, e->updated_at ? e->updated_at : created);
		ret = nc_sqlite_q_run(&q, NULL);
	}
	ret = nc_sqlite_finish(st, ret);
out:
	free(subnets);
	return ret;
}

int nc_sqlite_edge_update(struct nc_store *st, const struct nc_edge *e)
{
	struct nc_sqlite_q q;
	char *subnets = NULL;
	int64_t changed = 0;
	int ret;

	ret = nc_store_strlist_to_json(&e->lan_subnets, &subnets);
	if (ret)
		goto out;
	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE edges SET name = ?, kind = ?, region = ?, endpoint = ?,"
			  " lan_subnets = ?, updated_at = ?"
			  " WHERE serial = ? AND (?8 IS NULL OR tenant = ?8)",
			  &q);
	nc_sqlite_q_text(&q, e->name);
	nc_sqlite_q_text(&q, nc_edge_kind_name(e->kind));
	nc_sqlite_q_text(&q, e->region);
	nc_sqlite_q_text(&q, e->endpoint);
	nc_sqlite_q_text(&q, subnets);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(e->updated_at));
	nc_sqlite_q_text(&q, e->serial);
	nc_sqlite_q_text_or_null(&q, e->tenant);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
out:
	free(subnets);
	return ret;
}

int nc_sqlite_edge_get(struct nc_store *st, const char *tenant, const char *serial,
		       struct nc_edge *out)
{
	struct nc_sqlite_q q;
	struct nc_edge e = {0};
	bool found;
	int ret;

	nc_sqlite_q_start(
		nc_sqlite_of(st),
		"SELECT " EDGE_COLS " WHERE e.serial = ?1 AND (?2 IS NULL OR e.tenant = ?2)", &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	found = nc_sqlite_q_step(&q) == 1;
	if (found)
		read_edge(&q, &e);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*out = e;
	else
		nc_edge_clear(&e);
	return ret;
}

/* 1 when the first column of the first row that sql selects is not 0, else
 * 0, or a negative NC_ERR_*. The parameters are serial, then tenant if
 * with_tenant. */
static int ask(struct nc_sqlite *s, const char *sql, const char *serial, bool with_tenant,
	       const char *tenant)
{
	struct nc_sqlite_q q;
	bool yes = false;
	int ret;

	nc_sqlite_q_start(s, sql, &q);
	nc_sqlite_q_text(&q, serial);
	if (with_tenant)
		nc_sqlite_q_text(&q, tenant);
	if (nc_sqlite_q_step(&q) == 1)
		yes = nc_sqlite_col_int(&q) != 0;
	ret = nc_sqlite_q_end(&q);
	return ret ? ret : yes;
}

int nc_sqlite_edge_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int ret;

	ret = nc_store_begin(st);
	if (ret)
		goto out;
	ret = ask(s, "SELECT count(*) FROM edges WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2)",
		  serial, true, tenant);
	if (ret == 0)
		ret = NC_ERR_NOTFOUND;
	if (ret == 1) {
		/* A hub of any tenant's connectors (an MTGE serves several). */
		ret = ask(s,
			  "SELECT EXISTS (SELECT 1 FROM connectors WHERE hub_edge = ?1)"
			  " OR EXISTS (SELECT 1 FROM peerings WHERE hub = ?1)",
			  serial, false, NULL);
		if (ret == 1)
			ret = NC_ERR_CONFLICT;
	}
	if (ret == 0)
		ret = nc_sqlite_device_delete(s, tenant, serial, NC_DEVICE_EDGE);
	ret = nc_sqlite_finish(st, ret);
out:
	return ret;
}

int nc_sqlite_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
			struct nc_edge **out, size_t *n)
{
	struct nc_sqlite_sql b = {0};
	struct nc_sqlite_rows how = {sizeof(struct nc_edge), read_edge, clear_edge,
				     nc_sqlite_page_rows(pg)};
	struct nc_sqlite_q q;
	struct nc_edge *items;
	void *v = NULL;
	bool more = false;
	int ret;

	nc_sqlite_sql_add(&b, "SELECT " EDGE_COLS " WHERE e.serial > ?");
	if (f && f->tenant)
		nc_sqlite_sql_add(&b, " AND e.tenant = ?");
	if (f && f->kind >= 0)
		nc_sqlite_sql_add(&b, " AND e.kind = ?");
	if (f && f->region)
		nc_sqlite_sql_add(&b, " AND e.region = ?");
	nc_sqlite_sql_add(&b, " ORDER BY e.serial LIMIT ?");
	if (b.err)
		return b.err;

	nc_sqlite_q_start(nc_sqlite_of(st), b.text, &q);
	nc_sqlite_q_text(&q, pg ? pg->cursor : "");
	if (f && f->tenant)
		nc_sqlite_q_text(&q, f->tenant);
	if (f && f->kind >= 0)
		nc_sqlite_q_text(&q, nc_edge_kind_name((enum nc_edge_kind)f->kind));
	if (f && f->region)
		nc_sqlite_q_text(&q, f->region);
	nc_sqlite_q_int(&q, nc_sqlite_page_sql_limit(pg));
	ret = nc_sqlite_rows(&q, &how, &v, n, &more);
	if (ret)
		return ret;
	items = v;
	if (more)
		snprintf(pg->next_cursor, sizeof(pg->next_cursor), "%s", items[*n - 1].serial);
	*out = items;
	return 0;
}
