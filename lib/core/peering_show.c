/* SPDX-License-Identifier: MIT */
/*
 * A peering group as `peering show' presents it, and one member's part of
 * it as `member add' answers: links with their warnings and tunnel state.
 */
#include "peering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/codec.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"
#include "peering_impl.h"
#include "tunnels.h"

/*
 * Whether member m can be dialled: an edge has an endpoint, a connector when it was given one.
 * Neither end of a WireGuard link being dialable, no handshake can start.
 */
static int dialable(struct nc_core *c, const struct nc_member *m, bool *out)
{
	struct nc_connector con = {0};
	int ret = 0;

	*out = true;
	if (m->type == NC_DEVICE_CONNECTOR) {
		ret = nc_store_connector_get(c->store, m->tenant, m->serial, &con);
		*out = con.endpoint[0] != '\0';
	}
	nc_connector_clear(&con);
	return ret;
}

/* The link as JSON with its "warning": "no_endpoint" when neither end can be dialled, else
 * null; NULL when out of memory. */
static json_t *link_json(const struct nc_peering *p, const struct nc_link *l, const bool *x,
			 const bool *y)
{
	json_t *o = nc_link_to_json(l);
	bool stuck = p->protocol == NC_PROTO_WIREGUARD && x && y && !*x && !*y;

	if (o && json_object_set_new(o, "warning",
				     stuck ? json_string("no_endpoint") : json_null()) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

int nc_core_peering_show(struct nc_core *c, const char *tenant, const char *name, json_t **out,
			 struct nc_errinfo *ei)
{
	struct nc_peering p;
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	bool *linked = NULL, *dial = NULL;
	size_t nm = 0, nl = 0;
	json_t *o = NULL, *members, *links, *isolated;
	int ret = nc_peering_find(c, tenant, name, &p, ei);

	if (ret == 0)
		ret = nc_store_member_list(c->store, p.tenant, p.name, &m, &nm);
	if (ret == 0)
		ret = nc_store_link_list(c->store, p.tenant, p.name, &l, &nl);
	if (ret < 0) {
		if (ret != NC_ERR_NOTFOUND && ret != NC_ERR_CONFLICT)
			nc_fail(ei, ret, NULL, "cannot read peering `%s': %s", name,
				nc_strerror(ret));
		goto out;
	}
	if (nm > 1)
		qsort(m, nm, sizeof(*m), nc_peering_member_cmp);
	linked = calloc(nm ? nm : 1, sizeof(*linked));
	dial = calloc(nm ? nm : 1, sizeof(*dial));
	for (size_t i = 0; ret == 0 && dial && i < nm; i++)
		ret = dialable(c, &m[i], &dial[i]);
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot read the members of `%s': %s", name,
			nc_strerror(ret));
		goto out;
	}
	o = nc_peering_to_json(&p);
	/* set_new steals the arrays (or frees them on failure); o then owns them. */
	if (!linked || !dial || !o || json_object_set_new(o, "members", json_array()) < 0 ||
	    json_object_set_new(o, "links", json_array()) < 0 ||
	    json_object_set_new(o, "isolated", json_array()) < 0) {
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "out of memory");
		goto out;
	}
	members = json_object_get(o, "members");
	links = json_object_get(o, "links");
	isolated = json_object_get(o, "isolated");
	for (size_t i = 0; i < nl; i++) {
		const struct nc_member *x = nc_peering_member_find(m, nm, l[i].a);
		const struct nc_member *y = nc_peering_member_find(m, nm, l[i].b);

		if (x)
			linked[x - m] = true;
		if (y)
			linked[y - m] = true;
		if (json_array_append_new(links, link_json(&p, &l[i], x ? &dial[x - m] : NULL,
							   y ? &dial[y - m] : NULL)) < 0)
			ret = NC_ERR_NOMEM;
		else if (nc_core_link_tunnel_json(c, &p, &l[i], json_array_get(links, i)) < 0)
			ret = NC_ERR_NOMEM;
	}
	for (size_t i = 0; i < nm; i++) {
		if (json_array_append_new(members, json_string(m[i].serial)) < 0)
			ret = NC_ERR_NOMEM;
		if (p.topology == NC_TOPO_PARTIAL_MESH && !linked[i] &&
		    json_array_append_new(isolated, json_string(m[i].serial)) < 0)
			ret = NC_ERR_NOMEM;
	}
	if (ret < 0)
		nc_fail(ei, ret, NULL, "out of memory");
out:
	if (ret == 0) {
		*out = o;
		o = NULL;
	}
	json_decref(o);
	free(dial);
	free(linked);
	free(l);
	free(m);
	return ret;
}

/* Whether the device serial of tenant can be dialled (dialable), by its type. */
static int end_dialable(struct nc_core *c, const char *tenant, const char *serial, bool *out)
{
	struct nc_member m = {0};
	int ret = nc_store_device_lookup(c->store, tenant, serial, &m.type, NULL);

	snprintf(m.tenant, sizeof(m.tenant), "%s", tenant);
	snprintf(m.serial, sizeof(m.serial), "%s", serial);
	return ret < 0 ? ret : dialable(c, &m, out);
}

int nc_core_member_show(struct nc_core *c, const char *tenant, const char *name, const char *serial,
			json_t **out, struct nc_errinfo *ei)
{
	struct nc_peering p;
	struct nc_link *l = NULL;
	size_t nl = 0;
	json_t *links = json_array();
	int ret = nc_peering_find(c, tenant, name, &p, ei);

	if (ret == 0)
		ret = nc_store_link_list_of(c->store, p.tenant, p.name, serial, &l, &nl);
	for (size_t i = 0; ret == 0 && i < nl; i++) {
		bool x = true, y = true;

		ret = end_dialable(c, p.tenant, l[i].a, &x);
		if (ret == 0)
			ret = end_dialable(c, p.tenant, l[i].b, &y);
		if (ret == 0 &&
		    (json_array_append_new(links, link_json(&p, &l[i], &x, &y)) < 0 ||
		     nc_core_link_tunnel_json(
			     c, &p, &l[i], json_array_get(links, json_array_size(links) - 1)) < 0))
			ret = NC_ERR_NOMEM;
	}
	if (ret < 0 && !ei->msg[0])
		nc_fail(ei, ret, NULL, "cannot read the links of %s in `%s': %s", serial, name,
			nc_strerror(ret));
	if (ret == 0)
		*out = json_pack("{s:s,s:s,s:o}", "peering", p.name, "serial", serial, "links",
				 json_incref(links));
	json_decref(links);
	free(l);
	return ret;
}
