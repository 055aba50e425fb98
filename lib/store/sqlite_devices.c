/* SPDX-License-Identifier: MIT */
/*
 * Devices, edges and connectors in the SQLite backend. A device is a row of
 * devices (serial, tenant, type, public key, last seen) plus a row of edges
 * or connectors with the rest; both are written in one transaction, and
 * deleting the devices row cascades to everything that hangs off it.
 */
#include "store.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"
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

static int insert_device(struct nc_sqlite *s, const char *serial, const char *tenant,
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
static int delete_device(struct nc_sqlite *s, const char *tenant, const char *serial,
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
static int finish(struct nc_store *st, int ret)
{
	if (ret == 0)
		return nc_store_commit(st);
	nc_store_rollback(st);
	return ret;
}

/* Reads a JSON list column with decode(text, dst). */
static void read_json(struct nc_sqlite_q *q, int (*decode)(const char *, struct nc_strlist *),
		      struct nc_strlist *dst)
{
	const char *text = nc_sqlite_col_peek(q);

	if (!q->err && decode(text, dst) != 0)
		q->err = NC_ERR_STORE;
}

/* Edges */

#define EDGE_COLS                                                                          \
	"e.serial, e.tenant, e.name, e.kind, e.region, e.endpoint, e.lan_subnets,"          \
	" d.public_key, d.last_seen, e.created_at, e.updated_at, d.pending_key"            \
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
	read_json(q, nc_store_strlist_from_json, &e->lan_subnets);
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
	ret = insert_device(s, e->serial, e->tenant, NC_DEVICE_EDGE, e->public_key, e->last_seen);
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
	ret = finish(st, ret);
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
	struct nc_edge e = { 0 };
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " EDGE_COLS
			  " WHERE e.serial = ?1 AND (?2 IS NULL OR e.tenant = ?2)",
			  &q);
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
		ret = delete_device(s, tenant, serial, NC_DEVICE_EDGE);
	ret = finish(st, ret);
out:
	return ret;
}

int nc_sqlite_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
			struct nc_edge **out, size_t *n)
{
	struct nc_sqlite_sql b = { 0 };
	struct nc_sqlite_rows how = { sizeof(struct nc_edge), read_edge, clear_edge,
				      nc_sqlite_page_rows(pg) };
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

/* Connectors */

#define CONNECTOR_COLS                                                                     \
	"c.serial, c.tenant, c.name, c.region, c.hub_edge, c.lan_subnets, c.nat_enabled,"   \
	" c.wan_interface, c.acl, c.routes, c.status, d.public_key, d.last_seen,"          \
	" c.created_at, c.updated_at, c.endpoint, d.pending_key"                           \
	" FROM connectors c JOIN devices d ON d.serial = c.serial"

static void read_connector(struct nc_sqlite_q *q, void *item)
{
	struct nc_connector *c = item;
	const char *text;
	char status[32];

	nc_sqlite_col_text(q, c->serial, sizeof(c->serial));
	nc_sqlite_col_text(q, c->tenant, sizeof(c->tenant));
	nc_sqlite_col_text(q, c->name, sizeof(c->name));
	nc_sqlite_col_text(q, c->region, sizeof(c->region));
	nc_sqlite_col_text(q, c->hub_edge, sizeof(c->hub_edge));
	read_json(q, nc_store_strlist_from_json, &c->lan_subnets);
	c->nat_enabled = nc_sqlite_col_int(q) != 0;
	nc_sqlite_col_text(q, c->wan_interface, sizeof(c->wan_interface));
	text = nc_sqlite_col_peek(q);
	if (!q->err && nc_store_acl_from_json(text, &c->acl, &c->n_acl) != 0)
		q->err = NC_ERR_STORE;
	text = nc_sqlite_col_peek(q);
	if (!q->err && nc_store_routes_from_json(text, &c->routes, &c->n_routes) != 0)
		q->err = NC_ERR_STORE;
	nc_sqlite_col_text(q, status, sizeof(status));
	if (nc_status_parse(status, &c->status) != 0)
		nc_sqlite_col_bad(q, "connectors.status");
	nc_sqlite_col_text(q, c->public_key, sizeof(c->public_key));
	c->last_seen = nc_sqlite_col_int(q);
	c->created_at = nc_sqlite_col_int(q);
	c->updated_at = nc_sqlite_col_int(q);
	nc_sqlite_col_text(q, c->endpoint, sizeof(c->endpoint));
	nc_sqlite_col_text(q, c->pending_key, sizeof(c->pending_key));
}

static void clear_connector(void *item)
{
	nc_connector_clear(item);
}

/* The JSON texts of a connector's list fields, heap. */
struct connector_json {
	char *subnets;
	char *acl;
	char *routes;
};

static int encode_connector(const struct nc_connector *c, struct connector_json *j)
{
	int ret = nc_store_strlist_to_json(&c->lan_subnets, &j->subnets);

	if (ret == 0)
		ret = nc_store_acl_to_json(c->acl, c->n_acl, &j->acl);
	if (ret == 0)
		ret = nc_store_routes_to_json(c->routes, c->n_routes, &j->routes);
	return ret;
}

static void free_connector_json(struct connector_json *j)
{
	free(j->subnets);
	free(j->acl);
	free(j->routes);
}

int nc_sqlite_connector_insert(struct nc_store *st, const struct nc_connector *c)
{
	struct nc_sqlite *s = nc_sqlite_of(st);
	struct connector_json j = { 0 };
	struct nc_sqlite_q q;
	int64_t created = nc_sqlite_time_or_now(c->created_at);
	int ret;

	ret = encode_connector(c, &j);
	if (ret)
		goto out;
	ret = nc_store_begin(st);
	if (ret)
		goto out;
	ret = insert_device(s, c->serial, c->tenant, NC_DEVICE_CONNECTOR, c->public_key,
			    c->last_seen);
	if (ret == 0) {
		/* A hub that is no edge fails the foreign key: NOTFOUND. */
		nc_sqlite_q_start(s,
				  "INSERT INTO connectors (serial, tenant, name, region, hub_edge,"
				  " lan_subnets, nat_enabled, wan_interface, acl, routes, status,"
				  " created_at, updated_at, endpoint)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				  &q);
		nc_sqlite_q_text(&q, c->serial);
		nc_sqlite_q_text(&q, c->tenant);
		nc_sqlite_q_text(&q, c->name);
		nc_sqlite_q_text(&q, c->region);
		nc_sqlite_q_text_or_null(&q, c->hub_edge);
		nc_sqlite_q_text(&q, j.subnets);
		nc_sqlite_q_int(&q, c->nat_enabled);
		nc_sqlite_q_text(&q, c->wan_interface);
		nc_sqlite_q_text(&q, j.acl);
		nc_sqlite_q_text(&q, j.routes);
		nc_sqlite_q_text(&q, nc_status_name(c->status));
		nc_sqlite_q_int(&q, created);
		nc_sqlite_q_int(&q, c->updated_at ? c->updated_at : created);
		nc_sqlite_q_text(&q, c->endpoint);
		ret = nc_sqlite_q_run(&q, NULL);
	}
	ret = finish(st, ret);
out:
	free_connector_json(&j);
	return ret;
}

int nc_sqlite_connector_update(struct nc_store *st, const struct nc_connector *c)
{
	struct connector_json j = { 0 };
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	ret = encode_connector(c, &j);
	if (ret)
		goto out;
	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE connectors SET name = ?, region = ?, hub_edge = ?,"
			  " lan_subnets = ?, nat_enabled = ?, wan_interface = ?, acl = ?,"
			  " routes = ?, endpoint = ?, updated_at = ?"
			  " WHERE serial = ? AND (?12 IS NULL OR tenant = ?12)",
			  &q);
	nc_sqlite_q_text(&q, c->name);
	nc_sqlite_q_text(&q, c->region);
	nc_sqlite_q_text_or_null(&q, c->hub_edge);
	nc_sqlite_q_text(&q, j.subnets);
	nc_sqlite_q_int(&q, c->nat_enabled);
	nc_sqlite_q_text(&q, c->wan_interface);
	nc_sqlite_q_text(&q, j.acl);
	nc_sqlite_q_text(&q, j.routes);
	nc_sqlite_q_text(&q, c->endpoint);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(c->updated_at));
	nc_sqlite_q_text(&q, c->serial);
	nc_sqlite_q_text_or_null(&q, c->tenant);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
out:
	free_connector_json(&j);
	return ret;
}

int nc_sqlite_connector_set_status(struct nc_store *st, const char *serial, enum nc_status s)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE connectors SET status = ?, updated_at = ? WHERE serial = ?", &q);
	nc_sqlite_q_text(&q, nc_status_name(s));
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(0));
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_connector_get(struct nc_store *st, const char *tenant, const char *serial,
			    struct nc_connector *out)
{
	struct nc_sqlite_q q;
	struct nc_connector c = { 0 };
	bool found;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " CONNECTOR_COLS
			  " WHERE c.serial = ?1 AND (?2 IS NULL OR c.tenant = ?2)",
			  &q);
	nc_sqlite_q_text(&q, serial);
	nc_sqlite_q_text(&q, tenant);
	found = nc_sqlite_q_step(&q) == 1;
	if (found)
		read_connector(&q, &c);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		*out = c;
	else
		nc_connector_clear(&c);
	return ret;
}

int nc_sqlite_connector_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	return delete_device(nc_sqlite_of(st), tenant, serial, NC_DEVICE_CONNECTOR);
}

/* "%needle%" for a case-insensitive LIKE ... ESCAPE '\', heap. */
static char *like_pattern(const char *needle)
{
	char *p = nc_xmalloc(2 * strlen(needle) + 3);
	size_t n = 0;

	p[n++] = '%';
	for (const char *c = needle; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			p[n++] = '\\';
		p[n++] = (char)tolower((unsigned char)*c);
	}
	p[n++] = '%';
	p[n] = '\0';
	return p;
}

int nc_sqlite_connector_list(struct nc_store *st, const struct nc_connector_filter *f,
			     struct nc_page *pg, struct nc_connector **out, size_t *n)
{
	struct nc_sqlite_sql b = { 0 };
	struct nc_sqlite_rows how = { sizeof(struct nc_connector), read_connector,
				      clear_connector, nc_sqlite_page_rows(pg) };
	struct nc_sqlite_q q;
	struct nc_connector *items;
	char *pattern = NULL;
	void *v = NULL;
	bool more = false;
	int ret;

	nc_sqlite_sql_add(&b, "SELECT " CONNECTOR_COLS " WHERE c.serial > ?");
	if (f && f->tenant)
		nc_sqlite_sql_add(&b, " AND c.tenant = ?");
	if (f && f->status >= 0)
		nc_sqlite_sql_add(&b, " AND c.status = ?");
	if (f && f->region)
		nc_sqlite_sql_add(&b, " AND c.region = ?");
	if (f && f->hub)
		nc_sqlite_sql_add(&b, *f->hub ? " AND c.hub_edge = ?" : " AND c.hub_edge IS NULL");
	if (f && f->name_contains)
		nc_sqlite_sql_add(&b, " AND lower(c.name) LIKE ? ESCAPE '\\'");
	nc_sqlite_sql_add(&b, " ORDER BY c.serial LIMIT ?");
	ret = b.err;
	if (ret)
		goto out;

	nc_sqlite_q_start(nc_sqlite_of(st), b.text, &q);
	nc_sqlite_q_text(&q, pg ? pg->cursor : "");
	if (f && f->tenant)
		nc_sqlite_q_text(&q, f->tenant);
	if (f && f->status >= 0)
		nc_sqlite_q_text(&q, nc_status_name((enum nc_status)f->status));
	if (f && f->region)
		nc_sqlite_q_text(&q, f->region);
	if (f && f->hub && *f->hub)
		nc_sqlite_q_text(&q, f->hub);
	if (f && f->name_contains) {
		pattern = like_pattern(f->name_contains);
		nc_sqlite_q_text(&q, pattern);
	}
	nc_sqlite_q_int(&q, nc_sqlite_page_sql_limit(pg));
	ret = nc_sqlite_rows(&q, &how, &v, n, &more);
	if (ret)
		goto out;
	items = v;
	if (more)
		snprintf(pg->next_cursor, sizeof(pg->next_cursor), "%s", items[*n - 1].serial);
	*out = items;
out:
	free(pattern);
	return ret;
}

int nc_sqlite_connector_count(struct nc_store *st, const char *tenant, size_t counts[6])
{
	struct nc_sqlite_q q;
	size_t got[NC_STATUS_DECOMMISSIONED + 1] = { 0 };
	enum nc_status status;
	char name[32];
	int64_t count;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  tenant ? "SELECT status, count(*) FROM connectors WHERE tenant = ?"
				   " GROUP BY status"
				 : "SELECT status, count(*) FROM connectors GROUP BY status",
			  &q);
	if (tenant)
		nc_sqlite_q_text(&q, tenant);
	while (nc_sqlite_q_step(&q) == 1) {
		nc_sqlite_col_text(&q, name, sizeof(name));
		count = nc_sqlite_col_int(&q);
		if (nc_status_parse(name, &status) != 0)
			nc_sqlite_col_bad(&q, "connectors.status");
		else
			got[status] = (size_t)count;
	}
	ret = nc_sqlite_q_end(&q);
	if (ret == 0)
		memcpy(counts, got, sizeof(got));
	return ret;
}
