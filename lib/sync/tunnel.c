/* SPDX-License-Identifier: MIT */
/*
 * Tunnel status (PROTOCOL.md, "Heartbeat and tunnel status"). Each entry of
 * a report updates at most one link: the one matched by (peering, peer,
 * tunnel_index, protocol), or for an entry without peering (an older agent)
 * by (interface, peer, tunnel_index, protocol) when that is unambiguous.
 * Backbone entries (wg0, wg1) make the device's backbone state and never
 * touch a link. Every entry is kept as the device's last report of that
 * tunnel (store.h: nc_store_tunnel_*), in one transaction per message.
 * Engine thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../core/tunnels.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "internal.h"

/* No link matches an entry, or more than one does. */
#define NO_LINK	  (-1)
#define AMBIGUOUS (-2)

/* A link of the reporting device by the serial at its other end. */
struct by_peer {
	const char *peer; /* in v[i] */
	size_t i;
};

/* The reporting device's links, with the protocol of each one's group,
 * and an index by peer: an entry is matched by a lookup, not a scan. */
struct links {
	struct nc_link *v;	 /* heap, owned */
	enum nc_protocol *proto; /* heap, owned; parallel to v */
	struct by_peer *order;	 /* heap, owned; sorted by peer */
	size_t n;
};

static void links_free(struct links *l)
{
	free(l->v);
	free(l->proto);
	free(l->order);
}

static int cmp_peer(const void *x, const void *y)
{
	return strcmp(((const struct by_peer *)x)->peer, ((const struct by_peer *)y)->peer);
}

/* Fills l->order from l->v, the links of serial. */
static int links_index(struct links *l, const char *serial)
{
	l->order = calloc(l->n ? l->n : 1, sizeof(*l->order));
	if (!l->order)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < l->n; i++) {
		l->order[i].peer = strcmp(l->v[i].a, serial) == 0 ? l->v[i].b : l->v[i].a;
		l->order[i].i = i;
	}
	qsort(l->order, l->n, sizeof(*l->order), cmp_peer);
	return 0;
}

static int links_load(struct nc_sync_engine *e, const char *serial, struct links *l)
{
	struct nc_peering p = {0};
	int ret = nc_store_link_list_by_device(e->core->store, serial, &l->v, &l->n);

	if (ret < 0)
		goto out;
	l->proto = calloc(l->n ? l->n : 1, sizeof(*l->proto));
	if (!l->proto) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		/* The links come ordered by group: one read per group. */
		if (i == 0 || strcmp(l->v[i].peering, l->v[i - 1].peering) != 0 ||
		    strcmp(l->v[i].tenant, l->v[i - 1].tenant) != 0)
			ret = nc_store_peering_get(e->core->store, l->v[i].tenant, l->v[i].peering,
						   &p);
		if (ret < 0)
			goto out;
		l->proto[i] = p.protocol;
	}
	ret = links_index(l, serial);
out:
	return ret;
}

/*
 * The index in l of the one link entry r matches, NO_LINK or
 * AMBIGUOUS; for AMBIGUOUS, the groups it could be are named in
 * groups[size].
 */
static int match(const struct links *l, const struct nc_tunnel_report *r, char *groups, size_t size)
{
	struct by_peer key = {.peer = r->peer}, *at;
	int found = NO_LINK;
	size_t len = 0;

	groups[0] = '\0';
	at = l->n ? bsearch(&key, l->order, l->n, sizeof(*l->order), cmp_peer) : NULL;
	while (at && at > l->order && strcmp(at[-1].peer, r->peer) == 0)
		at--; /* the first link to that peer */
	for (; at && at < l->order + l->n && strcmp(at->peer, r->peer) == 0; at++) {
		size_t i = at->i;
		const struct nc_link *k = &l->v[i];

		if (k->tunnel_index != r->tunnel_index || l->proto[i] != r->protocol ||
		    (r->peering[0] && strcmp(k->peering, r->peering) != 0))
			continue;
		found = found == NO_LINK ? (int)i : AMBIGUOUS;
		len += (size_t)snprintf(groups + len, len < size ? size - len : 0, "%s%s",
					len ? ", " : "", k->peering);
		if (len >= size)
			len = size - 1;
	}
	return found;
}

/* The row that keeps entry r of serial, received at now, under group peering. */
static void row_of(const char *serial, const struct nc_tunnel_report *r, const char *peering,
		   int64_t now, struct nc_tunnel_state *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->serial, sizeof(t->serial), "%s", serial);
	snprintf(t->interface, sizeof(t->interface), "%s", r->interface);
	snprintf(t->peer, sizeof(t->peer), "%s", r->peer);
	snprintf(t->peering, sizeof(t->peering), "%s", peering);
	t->protocol = r->protocol;
	t->tunnel_index = r->tunnel_index;
	t->backbone = nc_core_tunnel_is_backbone(r->interface);
	t->up = r->up;
	snprintf(t->sa, sizeof(t->sa), "%s", r->protocol == NC_PROTO_IPSEC ? r->sa : "");
	t->latest_handshake = r->latest_handshake;
	t->rx_bytes = r->rx_bytes;
	t->tx_bytes = r->tx_bytes;
	t->reported_at = now;
}

/* An entry that changes no link: an `ignored` event saying why. */
static void unmatched(struct nc_sync_engine *e, const char *serial, const char *tenant,
		      const struct nc_tunnel_report *r, int how, const char *groups)
{
	char why[320];

	if (how == AMBIGUOUS)
		snprintf(why, sizeof(why),
			 "ambiguous without a peering: it matches links in peerings %s; an agent "
			 "that reports the peering tells them apart",
			 groups);
	else if (r->peering[0])
		snprintf(why, sizeof(why), "no link of peering %s matches it", r->peering);
	else
		snprintf(why, sizeof(why), "no link matches it");
	nc_debug("sync: %s: tunnel %s to %s: %s", serial, r->interface, r->peer, why);
	sync_event(e, NC_EV_ignored, tenant, serial,
		   json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "message", "tunnel-status", "reason", why,
			     "interface", r->interface, "peer", r->peer, "tunnel_index",
			     r->tunnel_index, "protocol", nc_protocol_name(r->protocol)));
}

/*
 * Link k (of group protocol p) after serial's new row mine: its status
 * from both ends, stored when it changed, with a `link` event's fields
 * appended to changes. Inside the caller's transaction.
 */
static int update_link(struct nc_sync_engine *e, const char *serial, struct nc_link *k,
		       enum nc_protocol p, const struct nc_tunnel_state *mine, int64_t now,
		       json_t *changes)
{
	const char *peer = strcmp(k->a, serial) == 0 ? k->b : k->a;
	int64_t recent = 3 * e->o.tunnel_interval_ms / 1000;
	struct nc_tunnel_state *v = NULL;
	enum nc_link_status st;
	size_t n = 0;
	int ret = nc_store_tunnel_list_to(e->core->store, peer, serial, &v, &n);

	if (ret < 0)
		goto out;
	st = nc_core_tunnel_combine(mine, nc_core_tunnel_end(v, n, peer, k, p), now,
				    recent > 0 ? recent : 1);
	if (st == k->status)
		goto out;
	ret = nc_store_link_set_status(e->core->store, k->tenant, k->peering, k->a, k->b,
				       k->tunnel_index, st);
	if (ret < 0)
		goto out;
	k->status = st;
	json_array_append_new(changes,
			      json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s}", "tenant", k->tenant,
					"peering", k->peering, "a", k->a, "b", k->b, "tunnel_index",
					k->tunnel_index, "protocol", nc_protocol_name(p), "status",
					nc_link_status_name(st)));
out:
	free(v);
	return ret;
}

/* Stores rows[0..n) as serial's last report and updates the links hit[]
 * points at, in one transaction; the backbone state before it goes to *was. */
static int record(struct nc_sync_engine *e, const char *serial, struct links *l,
		  const struct nc_tunnel_state *rows, const int *hit, size_t n, int64_t now,
		  enum nc_link_status *was, json_t *changes)
{
	struct nc_store *st = e->core->store;
	struct nc_tunnel_state *old = NULL;
	size_t nold = 0;
	int ret = nc_store_begin(st);

	if (ret < 0)
		goto out;
	ret = nc_store_tunnel_list(st, serial, &old, &nold);
	*was = nc_core_tunnel_backbone(old, nold);
	if (ret == 0)
		ret = nc_store_tunnel_replace(st, serial, rows, n);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (hit[i] >= 0)
			ret = update_link(e, serial, &l->v[hit[i]], l->proto[hit[i]], &rows[i], now,
					  changes);
	}
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
out:
	free(old);
	return ret;
}

/* The `tunnel_status` event's entry for r (as the device sent it). */
static json_t *entry_json(const struct nc_tunnel_report *r)
{
	return json_pack("{s:s,s:s,s:o,s:i,s:s,s:b}", "interface", r->interface, "peer", r->peer,
			 "peering", r->peering[0] ? json_string(r->peering) : json_null(),
			 "tunnel_index", r->tunnel_index, "protocol", nc_protocol_name(r->protocol),
			 "up", r->up);
}

/* The events of a recorded report: `link` per changed link, `backbone` when it changed, and
 * `tunnel_status` with every entry. */
static void report_events(struct nc_sync_engine *e, const char *serial, const char *tenant,
			  const struct nc_tunnel_status *ts, json_t *changes,
			  enum nc_link_status was, enum nc_link_status now)
{
	json_t *c, *entries = json_array();
	size_t i;

	json_array_foreach(changes, i, c) {
		char ten[NC_ID_MAX];

		snprintf(ten, sizeof(ten), "%s", json_string_value(json_object_get(c, "tenant")));
		json_object_del(c, "tenant");
		sync_event(e, NC_EV_link, ten, serial, json_incref(c));
	}
	if (was != now)
		sync_event(e, NC_EV_backbone, tenant, serial,
			   json_pack("{s:s,s:s}", "state", nc_link_status_name(now), "was",
				     nc_link_status_name(was)));
	for (i = 0; i < ts->n_tunnels; i++)
		json_array_append_new(entries, entry_json(&ts->tunnels[i]));
	sync_event(e, NC_EV_tunnel_status, tenant, serial, json_pack("{s:o}", "tunnels", entries));
}

void sync_tunnel_status(struct nc_sync_engine *e, const char *serial, const char *tenant,
			const struct nc_tunnel_status *ts)
{
	size_t n = ts->n_tunnels;
	struct nc_tunnel_state *rows = calloc(n ? n : 1, sizeof(*rows));
	int *hit = calloc(n ? n : 1, sizeof(*hit));
	json_t *changes = json_array();
	enum nc_link_status was = NC_LINK_UNKNOWN;
	struct links l = {0};
	int64_t now = time(NULL);
	char groups[256];
	int ret = rows && hit && changes ? links_load(e, serial, &l) : NC_ERR_NOMEM;

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct nc_tunnel_report *r = &ts->tunnels[i];

		hit[i] = NO_LINK;
		if (nc_core_tunnel_is_backbone(r->interface)) {
			row_of(serial, r, "", now, &rows[i]);
			continue;
		}
		hit[i] = match(&l, r, groups, sizeof(groups));
		if (hit[i] < 0)
			unmatched(e, serial, tenant, r, hit[i], groups);
		/* Unmatched, it keeps the group it named (if any) for the views. */
		row_of(serial, r, hit[i] >= 0 ? l.v[hit[i]].peering : r->peering, now, &rows[i]);
	}
	if (ret == 0)
		ret = record(e, serial, &l, rows, hit, n, now, &was, changes);
	if (ret == 0)
		report_events(e, serial, tenant, ts, changes, was,
			      nc_core_tunnel_backbone(rows, n));
	else
		nc_warn("sync: %s: tunnel status not recorded: %s", serial, nc_strerror(ret));
	links_free(&l);
	json_decref(changes);
	free(hit);
	free(rows);
}
