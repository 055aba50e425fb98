/* SPDX-License-Identifier: MIT */
/*
 * Connectors in the SQLite backend: a row of devices plus a row of
 * connectors, written in one transaction (sqlite_devices.c has the devices
 * row and edges).
 */
#include "store.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"
#include "sqlite_impl.h"

/* Connectors */

#define CONNECTOR_COLS                                                                             \
	"c.serial, c.tenant, c.name, c.region, c.hub_edge, c.lan_subnets, c.nat_enabled,"          \
	" c.wan_interface, c.acl, c.routes, c.status, d.public_key, d.last_seen,"                  \
	" c.created_at, c.updated_at, c.endpoint, d.pending_key"                                   \
	" FROM connectors c JOIN devices d ON d.serial = c.serial"

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

/* A hub that is no edge fails the foreign key: NOTFOUND. */
int nc_sqlite_connector_insert(struct nc_store *st, const struct nc_connector *c)
{
	struct nc_sqlite_device d = {c->serial, c->tenant, NC_DEVICE_CONNECTOR, c->public_key,
				     c->last_seen};
	struct connector_json j = {0};
	int64_t created = nc_sqlite_time_or_now(c->created_at);
	int ret;

	ret = encode_connector(c, &j);
	if (ret == 0)
		ret = nc_sqlite_device_insert(
			st, &d,
			"INSERT INTO connectors (serial, tenant, name, region, hub_edge,"
			" lan_subnets, nat_enabled, wan_interface, acl, routes, status,"
			" created_at, updated_at, endpoint)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"ttttntittttIIt", c->serial, c->tenant, c->name, c->region, c->hub_edge,
			j.subnets, (int)c->nat_enabled, c->wan_interface, j.acl, j.routes,
			nc_status_name(c->status), created, c->updated_at ? c->updated_at : created,
			c->endpoint);
	if (ret == 0)
		ret = nc_sqlite_lans_put(nc_sqlite_of(st), c->serial, &c->lan_subnets);
	free_connector_json(&j);
	return ret;
}

int nc_sqlite_connector_update(struct nc_store *st, const struct nc_connector *c)
{
	struct connector_json j = {0};
	int ret;

	ret = encode_connector(c, &j);
	if (ret == 0)
		ret = nc_sqlite_exec_one(
			nc_sqlite_of(st),
			"UPDATE connectors SET name = ?, region = ?, hub_edge = ?,"
			" lan_subnets = ?, nat_enabled = ?, wan_interface = ?, acl = ?,"
			" routes = ?, endpoint = ?, updated_at = ?"
			" WHERE serial = ? AND (?12 IS NULL OR tenant = ?12)",
			"ttntittttItn", c->name, c->region, c->hub_edge, j.subnets,
			(int)c->nat_enabled, c->wan_interface, j.acl, j.routes, c->endpoint,
			nc_sqlite_time_or_now(c->updated_at), c->serial, c->tenant);
	if (ret == 0)
		ret = nc_sqlite_lans_put(nc_sqlite_of(st), c->serial, &c->lan_subnets);
	free_connector_json(&j);
	return ret;
}

int nc_sqlite_connector_set_status(struct nc_store *st, const char *serial, enum nc_status s)
{
	return nc_sqlite_exec_one(
		nc_sqlite_of(st),
		"UPDATE connectors SET status = ?, updated_at = ? WHERE serial = ?", "tIt",
		nc_status_name(s), nc_sqlite_time_or_now(0), serial);
}

int nc_sqlite_connector_get(struct nc_store *st, const char *tenant, const char *serial,
			    struct nc_connector *out)
{
	return nc_sqlite_get(nc_sqlite_of(st),
			     "SELECT " CONNECTOR_COLS
			     " WHERE c.serial = ?1 AND (?2 IS NULL OR c.tenant = ?2)",
			     &nc_sqlite_connector_rows, out, NULL, "tt", serial, tenant);
}

int nc_sqlite_connector_delete(struct nc_store *st, const char *tenant, const char *serial)
{
	return nc_sqlite_device_delete(nc_sqlite_of(st), tenant, serial, NC_DEVICE_CONNECTOR);
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
	static const struct nc_connector_filter all = {.status = -1};
	struct nc_sqlite_sql b = {0};
	char *pattern = NULL;
	int ret;

	if (!f)
		f = &all;
	nc_sqlite_sql_text(&b, "SELECT " CONNECTOR_COLS " WHERE c.serial > ?",
			   pg ? pg->cursor : "");
	nc_sqlite_sql_filter(&b, " AND c.tenant = ?", f->tenant);
	nc_sqlite_sql_filter(&b, " AND c.status = ?",
			     f->status >= 0 ? nc_status_name((enum nc_status)f->status) : NULL);
	nc_sqlite_sql_filter(&b, " AND c.region = ?", f->region);
	/* hub "": connectors without a hub. */
	nc_sqlite_sql_filter(&b, " AND c.hub_edge = ?", f->hub && *f->hub ? f->hub : NULL);
	if (f->hub && !*f->hub)
		nc_sqlite_sql_add(&b, " AND c.hub_edge IS NULL");
	if (f->name_contains) {
		pattern = like_pattern(f->name_contains);
		nc_sqlite_sql_text(&b, " AND lower(c.name) LIKE ? ESCAPE '\\'", pattern);
	}
	nc_sqlite_sql_add(&b, " ORDER BY c.serial");
	ret = nc_sqlite_page(nc_sqlite_of(st), &b, &nc_sqlite_connector_rows, pg, out, n);
	free(pattern);
	return ret;
}

_Static_assert(NC_STATUS_DECOMMISSIONED + 1 <= NC_SQLITE_COUNTS_MAX,
	       "nc_sqlite_count_by counts them");

int nc_sqlite_connector_count(struct nc_store *st, const char *tenant, size_t counts[6])
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT status, count(*) FROM connectors WHERE ?1 IS NULL OR tenant = ?1"
			  " GROUP BY status",
			  &q);
	nc_sqlite_q_bind(&q, "t", tenant);
	return nc_sqlite_count_by(&q, nc_status_index, counts, NC_STATUS_DECOMMISSIONED + 1,
				  "connectors.status");
}
