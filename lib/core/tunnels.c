/* SPDX-License-Identifier: MIT */
/* Reading what tunnel ends reported (tunnels.h). */
#include "tunnels.h"

#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/err.h"
#include "core.h"

bool nc_core_tunnel_is_backbone(const char *interface)
{
	return strcmp(interface, "wg0") == 0 || strcmp(interface, "wg1") == 0;
}

enum nc_link_status nc_core_tunnel_backbone(const struct nc_tunnel_state *v, size_t n)
{
	enum nc_link_status st = NC_LINK_UNKNOWN;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].backbone)
			continue;
		if (!v[i].up)
			return NC_LINK_DOWN;
		st = NC_LINK_UP;
	}
	return st;
}

const struct nc_tunnel_state *nc_core_tunnel_end(const struct nc_tunnel_state *v, size_t n,
						 const char *serial, const struct nc_link *l,
						 enum nc_protocol p)
{
	const char *peer = strcmp(l->a, serial) == 0 ? l->b : l->a;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].backbone && v[i].protocol == p && v[i].tunnel_index == l->tunnel_index &&
		    strcmp(v[i].serial, serial) == 0 && strcmp(v[i].peer, peer) == 0 &&
		    strcmp(v[i].peering, l->peering) == 0)
			return &v[i];
	}
	return NULL;
}

enum nc_link_status nc_core_tunnel_combine(const struct nc_tunnel_state *x,
					   const struct nc_tunnel_state *y, int64_t now,
					   int64_t recent_s)
{
	const struct nc_tunnel_state *ends[2] = {x, y};
	enum nc_link_status st = NC_LINK_UNKNOWN;

	for (size_t i = 0; i < 2; i++) {
		if (!ends[i] || now - ends[i]->reported_at > recent_s)
			continue;
		if (!ends[i]->up)
			return NC_LINK_DOWN;
		st = NC_LINK_UP;
	}
	return st;
}

/* Sets key of o to integer v unless v is negative (not reported). */
static int put_count(json_t *o, const char *key, int64_t v)
{
	return v < 0 ? 0 : json_object_set_new(o, key, json_integer(v));
}

/* WireGuard counters of the link from its ends' rows x (end a) and y (end b). */
static int wg_json(const struct nc_tunnel_state *x, const struct nc_tunnel_state *y, json_t *o)
{
	int64_t hs = -1, rx = -1, tx = -1;
	int ret = 0;

	if (x && x->latest_handshake > hs)
		hs = x->latest_handshake;
	if (y && y->latest_handshake > hs)
		hs = y->latest_handshake;
	if (x && (x->rx_bytes >= 0 || x->tx_bytes >= 0)) {
		rx = x->rx_bytes;
		tx = x->tx_bytes;
	} else if (y) {
		rx = y->tx_bytes;
		tx = y->rx_bytes;
	}
	if (put_count(o, "latest_handshake", hs) < 0 || put_count(o, "rx_bytes", rx) < 0 ||
	    put_count(o, "tx_bytes", tx) < 0)
		ret = NC_ERR_NOMEM;
	return ret;
}

int nc_core_link_tunnel_json(struct nc_core *c, const struct nc_peering *p, const struct nc_link *l,
			     json_t *o)
{
	struct nc_tunnel_state *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0;
	int ret = 0;

	if (p->protocol == NC_PROTO_IPSEC) {
		if (l->status != NC_LINK_UNKNOWN &&
		    json_object_set_new(
			    o, "sa",
			    json_string(l->status == NC_LINK_UP ? "established" : "down")) < 0)
			ret = NC_ERR_NOMEM;
		goto out;
	}
	ret = nc_store_tunnel_list(c->store, l->a, &va, &na);
	if (ret == 0)
		ret = nc_store_tunnel_list(c->store, l->b, &vb, &nb);
	if (ret == 0)
		ret = wg_json(nc_core_tunnel_end(va, na, l->a, l, p->protocol),
			      nc_core_tunnel_end(vb, nb, l->b, l, p->protocol), o);
out:
	free(va);
	free(vb);
	return ret;
}

/* A count reported (>= 0) as an integer, else null. New reference. */
static json_t *count_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* One row as the endpoint shows it. New reference, NULL when out of memory. */
static json_t *row_json(const struct nc_tunnel_state *t)
{
	bool ipsec = t->protocol == NC_PROTO_IPSEC;

	return json_pack(
		"{s:s,s:s,s:o,s:s,s:i,s:s,s:b,s:o,s:o,s:o,s:o,s:I}", "interface", t->interface,
		"peer", t->peer, "peering", t->peering[0] ? json_string(t->peering) : json_null(),
		"protocol", nc_protocol_name(t->protocol), "tunnel_index", t->tunnel_index, "role",
		t->backbone ? "backbone" : "peering", "up", t->up, "sa",
		ipsec ? json_string(t->sa) : json_null(), "latest_handshake",
		count_or_null(t->latest_handshake), "rx_bytes", count_or_null(t->rx_bytes),
		"tx_bytes", count_or_null(t->tx_bytes), "reported_at", (json_int_t)t->reported_at);
}

int nc_core_device_tunnels(struct nc_core *c, const char *tenant, const char *serial, json_t **out,
			   struct nc_errinfo *ei)
{
	struct nc_tunnel_state *v = NULL;
	char own[NC_ID_MAX];
	enum nc_device_type type;
	json_t *o = NULL, *list;
	size_t n = 0;
	int ret = nc_store_device_lookup(c->store, tenant, serial, &type, own);

	if (ret < 0) {
		nc_fail(ei, ret, "serial", "device `%s' not found", serial);
		goto out;
	}
	ret = nc_store_tunnel_list(c->store, serial, &v, &n);
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot read the tunnels of %s", serial);
		goto out;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, row_json(&v[i]));
	o = json_pack("{s:s,s:s,s:o}", "serial", serial, "backbone",
		      nc_link_status_name(nc_core_tunnel_backbone(v, n)), "tunnels", list);
	if (!o)
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "out of memory");
out:
	*out = o;
	free(v);
	return ret;
}
