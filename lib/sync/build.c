/* SPDX-License-Identifier: MIT */
/*
 * Batch build, the parts every device shares: the entry points, notes,
 * commands, static routes and link peers. The peering interfaces and SAs
 * are in build_peering.c, the connector and edge shapes in
 * build_connector.c and build_edge.c.
 */
#include "build.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/err.h"
#include "../util/hostport.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "build_impl.h"
#include "snapshot.h"

#define NOTE_MAX 512

bool nc_build_in_service(enum nc_status s)
{
	return s == NC_STATUS_APPROVED || s == NC_STATUS_PROVISIONED || s == NC_STATUS_ACTIVE ||
	       s == NC_STATUS_OFFLINE;
}

int nc_build_set(json_t *obj, const char *key, json_t *v)
{
	return json_object_set_new(obj, key, v) == 0 ? 0 : NC_ERR_NOMEM;
}

int nc_build_push(json_t *arr, json_t *v)
{
	return json_array_append_new(arr, v) == 0 ? 0 : NC_ERR_NOMEM;
}

int nc_build_wrap(int ret, const char *key, json_t *v, json_t **out)
{
	*out = NULL;
	if (ret < 0) {
		json_decref(v);
		return ret;
	}
	/* "o" steals v, also when json_pack fails. */
	*out = json_pack("{s:o}", key, v);
	return *out ? 0 : NC_ERR_NOMEM;
}

int nc_build_note(struct nc_build *b, const char *fmt, ...)
{
	char buf[NOTE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return nc_build_push(b->notes, json_string(buf));
}

int nc_build_command(struct nc_build *b, const char *topic, json_t *body)
{
	json_t *cmd;

	/* "o" steals body, also when json_pack fails. */
	cmd = json_pack("{s:I, s:s, s:o}", "index", (json_int_t)json_array_size(b->commands),
			"topic", topic, "body", body);
	return nc_build_push(b->commands, cmd);
}

int nc_build_tunnel_commands(struct nc_build *b, json_t *interfaces, json_t **ipsec)
{
	int ret = nc_build_command(b, "wireguard", json_pack("{s:O}", "interfaces", interfaces));

	if (ret == 0 && *ipsec) {
		ret = nc_build_command(b, "ipsec", *ipsec);
		*ipsec = NULL;
	}
	return ret;
}

/* Routes */

int nc_build_route(struct nc_build *b, const char *dst, const char *dev, const char *via,
		   int metric)
{
	struct nc_build_route *r;

	if (b->n_routes == b->cap_routes) {
		b->cap_routes = b->cap_routes ? 2 * b->cap_routes : 16;
		b->routes = nc_xrealloc(b->routes, b->cap_routes * sizeof(*b->routes));
	}
	r = &b->routes[b->n_routes++];
	snprintf(r->dst, sizeof(r->dst), "%s", dst);
	snprintf(r->dev, sizeof(r->dev), "%s", dev ? dev : "");
	snprintf(r->via, sizeof(r->via), "%s", via ? via : "");
	r->metric = metric;
	r->transit = false;
	return 0;
}

int nc_build_route_lans(struct nc_build *b, const struct nc_strlist *lans, const char *dev,
			int metric)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < lans->n; i++)
		ret = nc_build_route(b, lans->v[i], dev, NULL, metric);
	return ret;
}

/*
 * Of two ways to one dst at one metric: a peering tunnel straight to the
 * peer, then the backbone (wg0), then transit through a group's hub, which
 * only serves spokes that have no direct way to each other.
 */
static int rank(const struct nc_build_route *r)
{
	if (r->transit)
		return 2;
	return strcmp(r->dev, "wg0") == 0;
}

static int cmp_route(const void *x, const void *y)
{
	const struct nc_build_route *l = x, *r = y;
	int d = strcmp(l->dst, r->dst);

	if (d == 0)
		d = (l->metric > r->metric) - (l->metric < r->metric);
	if (d == 0)
		d = rank(l) - rank(r);
	if (d == 0)
		d = strcmp(l->dev, r->dev);
	if (d == 0)
		d = strcmp(l->via, r->via);
	return d;
}

/* "through wg2" or "via 192.168.10.1", for notes. */
static void route_how(const struct nc_build_route *r, char *buf, size_t n)
{
	if (r->dev[0])
		snprintf(buf, n, "through %s", r->dev);
	else
		snprintf(buf, n, "via %s", r->via);
}

static json_t *route_json(const struct nc_build_route *r)
{
	if (r->dev[0])
		return json_pack("{s:s, s:s, s:i}", "dst", r->dst, "dev", r->dev, "metric",
				 r->metric);
	return json_pack("{s:s, s:s, s:i}", "dst", r->dst, "via", r->via, "metric", r->metric);
}

int nc_build_static_body(struct nc_build *b, json_t **out)
{
	const struct nc_build_route *kept = NULL;
	char how[NC_CIDR_MAX + 16], how_kept[NC_CIDR_MAX + 16];
	json_t *routes = json_array();
	int ret = routes ? 0 : NC_ERR_NOMEM;

	if (b->n_routes > 0)
		qsort(b->routes, b->n_routes, sizeof(*b->routes), cmp_route);
	for (size_t i = 0; ret == 0 && i < b->n_routes; i++) {
		const struct nc_build_route *r = &b->routes[i];

		if (kept && strcmp(kept->dst, r->dst) == 0 && kept->metric == r->metric) {
			/* The same route twice is one route; another way at the same metric
			 * would clash with the first in the kernel's table. */
			if (strcmp(kept->dev, r->dev) != 0 || strcmp(kept->via, r->via) != 0) {
				route_how(r, how, sizeof(how));
				route_how(kept, how_kept, sizeof(how_kept));
				ret = nc_build_note(b,
						    "route to %s %s left out: it is already "
						    "routed %s at metric %d",
						    r->dst, how, how_kept, r->metric);
			}
			continue;
		}
		kept = r;
		ret = nc_build_push(routes, route_json(r));
	}
	return nc_build_wrap(ret, "routes", routes, out);
}

/* Peers */

void nc_build_peer_clear(struct nc_build_peer *p)
{
	nc_strlist_clear(&p->lans);
	memset(p, 0, sizeof(*p));
}

int nc_build_peer_get(struct nc_build *b, const char *serial, struct nc_build_peer *out)
{
	const struct nc_edge *e = nc_snap_edge(b->snap, serial);
	const struct nc_connector *c = e ? NULL : nc_snap_connector(b->snap, serial);
	const struct nc_strlist *lans;
	uint16_t port;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->serial, sizeof(out->serial), "%s", serial);
	if (e && strcmp(e->tenant, b->dev_tenant) != 0)
		e = NULL;
	if (!e && (!c || strcmp(c->tenant, b->dev_tenant) != 0)) {
		ret = NC_ERR_NOTFOUND;
		goto out;
	}
	if (e) {
		out->type = NC_DEVICE_EDGE;
		out->in_service = true;
		memcpy(out->public_key, e->public_key, sizeof(out->public_key));
		/* A stored endpoint is valid; should it not split, the peer has no host. */
		if (nc_hostport_split(e->endpoint, out->host, sizeof(out->host), &port, 0) < 0)
			out->host[0] = '\0';
		lans = &e->lan_subnets;
	} else {
		out->type = NC_DEVICE_CONNECTOR;
		out->status = c->status;
		out->in_service = nc_build_in_service(c->status);
		memcpy(out->public_key, c->public_key, sizeof(out->public_key));
		memcpy(out->endpoint, c->endpoint, sizeof(out->endpoint));
		lans = &c->lan_subnets;
	}
	for (size_t i = 0; i < lans->n; i++)
		nc_strlist_add(&out->lans, lans->v[i]);
out:
	return ret;
}

/* Addresses */

#define ADDR_MISSING "0.0.0.0/32"

/* Records need n once (a peering need stands for both tunnel indexes). */
static int need(struct nc_build *b, const struct nc_render_need *n, char addr[NC_CIDR_MAX])
{
	snprintf(addr, NC_CIDR_MAX, "%s", ADDR_MISSING);
	for (size_t i = 0; i < b->n_needs; i++) {
		if (b->needs[i].kind == n->kind && strcmp(b->needs[i].pool, n->pool) == 0 &&
		    strcmp(b->needs[i].serial, n->serial) == 0)
			return 0;
	}
	b->needs = nc_xrealloc(b->needs, (b->n_needs + 1) * sizeof(*b->needs));
	b->needs[b->n_needs++] = *n;
	return 0;
}

int nc_build_addr_hub(struct nc_build *b, const char *hub, char addr[NC_CIDR_MAX])
{
	struct nc_render_need n = {.kind = NC_NEED_HUB};

	if (nc_snap_addr_hub(b->snap, hub, addr) == 0)
		return 0;
	snprintf(n.pool, sizeof(n.pool), "%s", hub);
	return need(b, &n, addr);
}

int nc_build_addr_backbone(struct nc_build *b, const char *hub, const char *serial,
			   char addr[NC_CIDR_MAX])
{
	struct nc_render_need n = {.kind = NC_NEED_BACKBONE};

	if (nc_snap_addr_backbone(b->snap, hub, serial, addr) == 0)
		return 0;
	snprintf(n.pool, sizeof(n.pool), "%s", hub);
	snprintf(n.serial, sizeof(n.serial), "%s", serial);
	return need(b, &n, addr);
}

int nc_build_addr_peering(struct nc_build *b, const char *group, const char *serial, int ti,
			  char addr[NC_CIDR_MAX])
{
	struct nc_render_need n = {.kind = NC_NEED_PEERING};

	if (nc_snap_addr_peering(b->snap, group, serial, ti, addr) == 0)
		return 0;
	snprintf(n.pool, sizeof(n.pool), "%s", group);
	snprintf(n.serial, sizeof(n.serial), "%s", serial);
	return need(b, &n, addr);
}

/* Entry points */

/* The device's shape for b, set up: b->serial, b->tenant and b->dev_tenant. */
static int render_device(struct nc_build *b)
{
	const struct nc_edge *e = nc_snap_edge(b->snap, b->serial);
	const struct nc_connector *c = e ? NULL : nc_snap_connector(b->snap, b->serial);

	snprintf(b->dev_tenant, sizeof(b->dev_tenant), "%s", e ? e->tenant : c->tenant);
	if (e)
		return nc_build_edge(b);
	return nc_build_connector(b);
}

int nc_sync_render(const struct nc_snap *snap, const char *serial, json_t **commands,
		   json_t **notes, struct nc_render_need **needs, size_t *n_needs,
		   struct nc_errinfo *ei)
{
	struct nc_build b = {.snap = snap, .ei = ei};
	char q[NC_QUOTE_BUF];
	int ret = 0;

	*commands = NULL;
	*notes = NULL;
	if (needs) {
		*needs = NULL;
		*n_needs = 0;
	}
	if (ei)
		memset(ei, 0, sizeof(*ei));
	if (!serial || strlen(serial) >= sizeof(b.serial) ||
	    (!nc_snap_edge(snap, serial) && !nc_snap_connector(snap, serial))) {
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "serial", "device `%s' not found in tenant `%s'",
			      nc_quote(q, serial ? serial : "", SIZE_MAX), snap->tenant);
		goto out;
	}
	snprintf(b.serial, sizeof(b.serial), "%s", serial);
	snprintf(b.tenant, sizeof(b.tenant), "%s", snap->tenant);
	b.commands = json_array();
	b.notes = json_array();
	ret = b.commands && b.notes ? render_device(&b) : NC_ERR_NOMEM;
	if (ret == 0 && b.n_needs > 0 && !needs)
		ret = nc_fail(ei, NC_ERR_INTERNAL, NULL,
			      "tenant `%s' lacks %zu tunnel address(es) the batch of %s needs "
			      "(serve allocates missing ones when it starts)",
			      snap->tenant, b.n_needs, b.serial);
out:
	if (ret < 0 && ei && !ei->msg[0])
		nc_fail(ei, ret, NULL, "cannot build the batch of `%s': %s", b.serial,
			nc_strerror(ret));
	if (ret == 0) {
		*commands = b.commands;
		*notes = b.notes;
		if (needs) {
			*needs = b.needs;
			*n_needs = b.n_needs;
			b.needs = NULL;
		}
	} else {
		json_decref(b.commands);
		json_decref(b.notes);
	}
	free(b.needs);
	free(b.routes);
	return ret;
}

static int cmp_str(const void *x, const void *y)
{
	const char *const *l = x, *const *r = y;

	return strcmp(*l, *r);
}

/* Adds c's tenant to out (a struct nc_strlist) when c is in service and it is not there yet. */
static int add_tenant(struct nc_connector *c, void *out)
{
	if (nc_build_in_service(c->status) && !nc_strlist_has(out, c->tenant))
		nc_strlist_add(out, c->tenant);
	return 0;
}

/* Adds to out the tenants of the in-service connectors hubbed on hub, a page at a time. */
static int hubbed_tenants(struct nc_store *st, const char *hub, struct nc_strlist *out)
{
	struct nc_connector_filter f = {.tenant = NULL, .status = -1, .hub = hub};

	return nc_store_connector_each(st, &f, add_tenant, out);
}

int nc_sync_mtge_tenants(struct nc_store *st, const char *serial, struct nc_strlist *out)
{
	char own[NC_ID_MAX];
	enum nc_device_type type;
	struct nc_edge e = {0};
	bool began = false;
	int ret;

	nc_strlist_clear(out);
	ret = nc_store_begin(st);
	if (ret < 0)
		goto out;
	began = true;
	ret = nc_store_device_lookup(st, NULL, serial, &type, own);
	if (ret < 0)
		goto out;
	nc_strlist_add(out, own);
	if (type == NC_DEVICE_EDGE)
		ret = nc_store_edge_get(st, NULL, serial, &e);
	if (ret == 0 && type == NC_DEVICE_EDGE && e.kind == NC_EDGE_MTGE)
		ret = hubbed_tenants(st, serial, out);
	if (ret == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
out:
	if (began && ret == 0)
		ret = nc_store_commit(st);
	else if (began)
		nc_store_rollback(st);
	if (ret < 0)
		nc_strlist_clear(out);
	nc_edge_clear(&e);
	return ret;
}
