/* SPDX-License-Identifier: MIT */
/*
 * Devices and edges in the SQLite backend (connectors: sqlite_connectors.c).
 * A device is a row of devices (serial, tenant, type, public key, last seen)
 * plus a row of edges or connectors with the rest; both are written in one
 * transaction, and deleting the devices row cascades to everything that
 * hangs off it.
 */
#include "store.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "sqlite_impl.h"

/* A device's type and tenant, as nc_sqlite_device_lookup() returns them. */
struct device_row {
	enum nc_device_type type;
	char tenant[NC_ID_MAX];
};

static const struct nc_sqlite_col device_cols[] = {
	NC_SQLITE_COL_ENUM(struct device_row, type, nc_device_type_index, "devices.type"),
	NC_SQLITE_COL(TEXT, struct device_row, tenant),
};

static const struct nc_sqlite_rows device_rows =
	NC_SQLITE_ROWS(struct device_row, device_cols, NULL, 0);

int nc_sqlite_device_lookup(struct nc_store *st, const char *tenant, const char *serial,
			    enum nc_device_type *type, char tenant_out[NC_ID_MAX])
{
	struct device_row d = {0};
	int ret = nc_sqlite_get(nc_sqlite_of(st),
				"SELECT type, tenant FROM devices"
				" WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2)",
				&device_rows, &d, NULL, "tt", serial, tenant);

	if (ret == 0 && type)
		*type = d.type;
	if (ret == 0 && tenant_out)
		memcpy(tenant_out, d.tenant, sizeof(d.tenant));
	return ret;
}

int nc_sqlite_device_touch(struct nc_store *st, const char *serial, const char *public_key,
			   int64_t last_seen)
{
	return nc_sqlite_exec_one(
		nc_sqlite_of(st),
		"UPDATE devices SET public_key = COALESCE(?2, public_key),"
		" pending_key = CASE WHEN ?2 IS NULL THEN pending_key ELSE '' END,"
		" last_seen = CASE WHEN ?3 = 0 THEN last_seen ELSE ?3 END"
		" WHERE serial = ?1",
		"tnI", serial, public_key, last_seen);
}

int nc_sqlite_device_hold_key(struct nc_store *st, const char *serial, const char *key)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st),
				  "UPDATE devices SET pending_key = ?2 WHERE serial = ?1", "tt",
				  serial, key);
}

int nc_sqlite_device_batch_max_get(struct nc_store *st, const char *serial, int64_t *bytes)
{
	int ret = nc_sqlite_scalar(nc_sqlite_of(st),
				   "SELECT batch_max FROM devices WHERE serial = ?1", bytes, "t",
				   serial);

	return ret == 1 ? 0 : ret == 0 ? NC_ERR_NOTFOUND : ret;
}

int nc_sqlite_device_batch_max_put(struct nc_store *st, const char *serial, int64_t bytes)
{
	int64_t had = 0;
	int ret = nc_sqlite_device_batch_max_get(st, serial, &had);

	/* Read first: a device repeats the same value in every heartbeat. */
	if (ret == 0 && had != bytes)
		ret = nc_sqlite_exec_one(nc_sqlite_of(st),
					 "UPDATE devices SET batch_max = ?2 WHERE serial = ?1",
					 "tI", serial, bytes);
	return ret;
}

int nc_sqlite_device_insert(struct nc_store *st, const struct nc_sqlite_device *d, const char *sql,
			    const char *fmt, ...)
{
	va_list ap;
	int ret = nc_store_begin(st);

	if (ret)
		goto out;
	ret = nc_sqlite_exec(nc_sqlite_of(st),
			     "INSERT INTO devices (serial, tenant, type, public_key, last_seen)"
			     " VALUES (?, ?, ?, ?, ?)",
			     NULL, "ttttI", d->serial, d->tenant, nc_device_type_name(d->type),
			     d->public_key, d->last_seen);
	if (ret == 0) {
		va_start(ap, fmt);
		ret = nc_sqlite_vexec(nc_sqlite_of(st), sql, NULL, fmt, ap);
		va_end(ap);
	}
	ret = nc_sqlite_finish(st, ret);
out:
	return ret;
}

int nc_sqlite_device_delete(struct nc_sqlite *s, const char *tenant, const char *serial,
			    enum nc_device_type type)
{
	return nc_sqlite_exec_one(
		s,
		"DELETE FROM devices"
		" WHERE serial = ?1 AND type = ?2 AND (?3 IS NULL OR tenant = ?3)",
		"ttt", serial, nc_device_type_name(type), tenant);
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

int nc_sqlite_edge_insert(struct nc_store *st, const struct nc_edge *e)
{
	struct nc_sqlite_device d = {e->serial, e->tenant, NC_DEVICE_EDGE, e->public_key,
				     e->last_seen};
	char *subnets = NULL;
	int64_t created = nc_sqlite_time_or_now(e->created_at);
	int ret;

	ret = nc_store_strlist_to_json(&e->lan_subnets, &subnets);
	if (ret == 0)
		ret = nc_sqlite_device_insert(
			st, &d,
			"INSERT INTO edges (serial, tenant, name, kind, region, endpoint,"
			" lan_subnets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"tttttttII", e->serial, e->tenant, e->name, nc_edge_kind_name(e->kind),
			e->region, e->endpoint, subnets, created,
			e->updated_at ? e->updated_at : created);
	if (ret == 0)
		ret = nc_sqlite_lans_put(nc_sqlite_of(st), e->serial, &e->lan_subnets);
	free(subnets);
	return ret;
}

int nc_sqlite_edge_update(struct nc_store *st, const struct nc_edge *e)
{
	char *subnets = NULL;
	int ret;

	ret = nc_store_strlist_to_json(&e->lan_subnets, &subnets);
	if (ret == 0)
		ret = nc_sqlite_exec_one(
			nc_sqlite_of(st),
			"UPDATE edges SET name = ?, kind = ?, region = ?, endpoint = ?,"
			" lan_subnets = ?, updated_at = ?"
			" WHERE serial = ? AND (?8 IS NULL OR tenant = ?8)",
			"tttttItn", e->name, nc_edge_kind_name(e->kind), e->region, e->endpoint,
			subnets, nc_sqlite_time_or_now(e->updated_at), e->serial, e->tenant);
	if (ret == 0)
		ret = nc_sqlite_lans_put(nc_sqlite_of(st), e->serial, &e->lan_subnets);
	free(subnets);
	return ret;
}

int nc_sqlite_edge_get(struct nc_store *st, const char *tenant, const char *serial,
		       struct nc_edge *out)
{
	return nc_sqlite_get(nc_sqlite_of(st),
			     "SELECT " EDGE_COLS
			     " WHERE e.serial = ?1 AND (?2 IS NULL OR e.tenant = ?2)",
			     &nc_sqlite_edge_rows, out, NULL, "tt", serial, tenant);
}

/* 1 when the edge exists (in tenant unless NULL) and is no hub, 2 when it is
 * the hub of any tenant's connectors (an MTGE serves several) or of a
 * peering, 0 when it is absent. */
#define EDGE_DELETABLE                                                                             \
	"SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM edges"                                         \
	" WHERE serial = ?1 AND (?2 IS NULL OR tenant = ?2)) THEN 0"                               \
	" WHEN EXISTS (SELECT 1 FROM connectors WHERE hub_edge = ?1)"                              \
	" OR EXISTS (SELECT 1 FROM peerings WHERE hub = ?1) THEN 2 ELSE 1 END"

int nc_sqlite_edge_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	int64_t verdict = 0;
	int ret;

	ret = nc_store_begin(st);
	if (ret)
		goto out;
	ret = nc_sqlite_scalar(s, EDGE_DELETABLE, &verdict, "tt", serial, tenant);
	if (ret >= 0)
		ret = verdict == 1 ? 0 : verdict == 2 ? NC_ERR_CONFLICT : NC_ERR_NOTFOUND;
	if (ret == 0)
		ret = nc_sqlite_device_delete(s, tenant, serial, NC_DEVICE_EDGE);
	ret = nc_sqlite_finish(st, ret);
out:
	return ret;
}

int nc_sqlite_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
			struct nc_edge **out, size_t *n)
{
	static const struct nc_edge_filter all = {.kind = -1};
	struct nc_sqlite_sql b = {0};

	if (!f)
		f = &all;
	nc_sqlite_sql_text(&b, "SELECT " EDGE_COLS " WHERE e.serial > ?", pg ? pg->cursor : "");
	nc_sqlite_sql_filter(&b, " AND e.tenant = ?", f->tenant);
	nc_sqlite_sql_filter(&b, " AND e.kind = ?",
			     f->kind >= 0 ? nc_edge_kind_name((enum nc_edge_kind)f->kind) : NULL);
	nc_sqlite_sql_filter(&b, " AND e.region = ?", f->region);
	nc_sqlite_sql_add(&b, " ORDER BY e.serial");
	return nc_sqlite_page(nc_sqlite_of(st), &b, &nc_sqlite_edge_rows, pg, out, n);
}
