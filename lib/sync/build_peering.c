/* SPDX-License-Identifier: MIT */
/*
 * Batch build, the peering groups of a device: its wg2 and wg3 interfaces
 * with a peer per link tunnel, the transit a hub-and-spoke hub gives its
 * spokes, and the IPSec SAs of its IPSec links (nc_build_peering).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"
#include "build.h"
#include "build_impl.h"
#include "snapshot.h"

#define SA_AEAD	    "rfc4106(gcm(aes))"
#define SA_ICV_BITS 128

struct group {
	char name[NC_NAME_MAX];
	enum nc_topology topology;
	enum nc_protocol protocol;
	bool dual;
	char hub[NC_SERIAL_MAX]; /* hub_spoke only */
};

/* One tunnel of a link of the device, seen from the device. */
struct tunnel {
	const struct nc_link *link; /* borrowed */
	const char *peer;	    /* borrowed from link: the other end */
	const struct group *g;	    /* borrowed */
};

struct peering {
	struct group *groups; /* the device's groups, by name */
	size_t n_groups;
	struct tunnel *tunnels; /* by (peer, group, tunnel index) */
	size_t n_tunnels;
};

static int cmp_tunnel(const void *x, const void *y)
{
	const struct tunnel *l = x, *r = y;
	int d = strcmp(l->peer, r->peer);

	if (d == 0)
		d = strcmp(l->g->name, r->g->name);
	if (d == 0)
		d = (l->link->tunnel_index > r->link->tunnel_index) -
		    (l->link->tunnel_index < r->link->tunnel_index);
	return d;
}

static const struct group *find_group(const struct peering *pr, const char *name)
{
	for (size_t i = 0; i < pr->n_groups; i++) {
		if (strcmp(pr->groups[i].name, name) == 0)
			return &pr->groups[i];
	}
	return NULL;
}

/* The device's groups and the tunnels of its links, sorted. */
static int peering_load(struct nc_build *b, struct peering *pr)
{
	const struct nc_snap *s = b->snap;
	int ret = 0;

	/* Members are by group name: so are the device's groups. */
	if (s->n_members > 0)
		pr->groups = nc_xcalloc(s->n_members, sizeof(*pr->groups));
	for (size_t i = 0; i < s->n_members; i++) {
		const struct nc_member *m = &s->members[i];
		const struct nc_peering *p = nc_snap_peering(s, m->peering);
		struct group *g;

		if (strcmp(m->serial, b->serial) != 0 || strcmp(m->tenant, b->dev_tenant) != 0 ||
		    !p)
			continue;
		g = &pr->groups[pr->n_groups++];
		memcpy(g->name, p->name, sizeof(g->name));
		g->topology = p->topology;
		g->protocol = p->protocol;
		g->dual = p->dual_tunnel;
		memcpy(g->hub, p->hub, sizeof(g->hub));
	}
	if (s->n_links > 0)
		pr->tunnels = nc_xcalloc(s->n_links, sizeof(*pr->tunnels));
	for (size_t i = 0; i < s->n_links; i++) {
		const struct nc_link *l = &s->links[i];
		const struct group *g =
			strcmp(l->tenant, b->dev_tenant) == 0 ? find_group(pr, l->peering) : NULL;

		if (g && (strcmp(l->a, b->serial) == 0 || strcmp(l->b, b->serial) == 0)) {
			struct tunnel *t = &pr->tunnels[pr->n_tunnels++];

			t->link = l;
			t->peer = strcmp(l->a, b->serial) == 0 ? l->b : l->a;
			t->g = g;
		}
	}
	if (pr->n_tunnels > 0)
		qsort(pr->tunnels, pr->n_tunnels, sizeof(*pr->tunnels), cmp_tunnel);
	return ret;
}

static void peering_free(struct peering *pr)
{
	free(pr->groups);
	free(pr->tunnels);
}

/* Whether tunnel t goes on WireGuard interface wg2 (ti 0) or wg3 (ti 1). */
static bool on_wg(const struct tunnel *t, int ti)
{
	return t->g->protocol == NC_PROTO_WIREGUARD && t->link->tunnel_index == ti;
}

/*
 * A peer of wg2 (ti 0) or wg3 (ti 1) from its tunnels tv[0..n) (one peer, by group; those of
 * other interfaces are skipped): appended to peers (borrowed) with its routes recorded, or
 * left out with a note. Nothing happens when none of the tunnels is on this interface.
 */
static int wg_peer(struct nc_build *b, const char *ifname, int ti, const struct tunnel *tv,
		   size_t n, json_t *peers)
{
	struct nc_build_peer p;
	char addr[NC_CIDR_MAX], ep[NC_ENDPOINT_MAX + 8];
	json_t *allowed = NULL, *obj = NULL;
	const char *group = NULL; /* the first group of the peer on this interface */
	size_t on = 0;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < n; i++) {
		if (on_wg(&tv[i], ti) && !group)
			group = tv[i].g->name;
		on += on_wg(&tv[i], ti);
	}
	if (on == 0)
		goto out;
	ret = nc_build_peer_get(b, tv[0].peer, &p);
	if (ret < 0)
		goto out;
	if (!p.in_service) {
		ret = nc_build_note(b, "peer %s left out of %s: it is %s", p.serial, ifname,
				    nc_status_name(p.status));
		goto out;
	}
	if (!p.public_key[0]) {
		ret = nc_build_note(b, "peer %s left out of %s: its public key is not known yet",
				    p.serial, ifname);
		goto out;
	}
	allowed = json_array();
	if (!allowed)
		ret = NC_ERR_NOMEM;
	/* Its address in every group it shares with the device, then its LANs once. */
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (!on_wg(&tv[i], ti))
			continue;
		ret = nc_build_addr_peering(b, tv[i].g->name, p.serial, ti, addr);
		if (ret == 0)
			ret = nc_build_push(allowed, json_string(addr));
	}
	for (size_t i = 0; ret == 0 && i < p.lans.n; i++)
		ret = nc_build_push(allowed, json_string(p.lans.v[i]));
	if (ret < 0)
		goto out;
	/* "peering" names the tunnel in the device's tunnel reports (PROTOCOL.md). */
	obj = json_pack("{s:s, s:s, s:O, s:i, s:i, s:s}", "serial", p.serial, "public_key",
			p.public_key, "allowed_ips", allowed, "persistent_keepalive",
			NC_BUILD_KEEPALIVE, "tunnel_index", ti, "peering", group);
	if (!obj) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	/* Edges listen on 51822 (wg2) and 51823 (wg3); a connector's endpoint, when it has
	 * one, says where its wg2 is reached (a NAT may forward another port). */
	if (p.type == NC_DEVICE_EDGE && p.host[0]) {
		snprintf(ep, sizeof(ep), strchr(p.host, ':') ? "[%s]:%d" : "%s:%d", p.host,
			 NC_BUILD_PORT_PEERING + ti);
		ret = nc_build_set(obj, "endpoint", json_string(ep));
	} else if (p.type == NC_DEVICE_CONNECTOR && p.endpoint[0]) {
		ret = nc_build_set(obj, "endpoint", json_string(p.endpoint));
	}
	if (ret == 0)
		ret = nc_build_route_lans(b, &p.lans, ifname,
					  ti ? NC_BUILD_METRIC_SECONDARY : NC_BUILD_METRIC_PRIMARY);
	if (ret == 0) {
		ret = nc_build_push(peers, obj);
		obj = NULL;
	}
out:
	json_decref(obj);
	json_decref(allowed);
	nc_build_peer_clear(&p);
	return ret;
}

/* The prefixes the peers of one interface have so far, each with the serial that has it:
 * WireGuard gives a prefix to one peer of an interface only. */
struct claims {
	struct nc_strlist prefix, owner;
};

static const char *claimed_by(const struct claims *cl, const char *prefix)
{
	for (size_t i = 0; i < cl->prefix.n; i++) {
		if (strcmp(cl->prefix.v[i], prefix) == 0)
			return cl->owner.v[i];
	}
	return NULL;
}

static void claim(struct claims *cl, const char *prefix, const char *owner)
{
	nc_strlist_add(&cl->prefix, prefix);
	nc_strlist_add(&cl->owner, owner);
}

/* The peer object of serial in peers (borrowed), or NULL. */
static json_t *peer_named(json_t *peers, const char *serial)
{
	size_t i;
	json_t *p;

	json_array_foreach(peers, i, p) {
		if (strcmp(json_string_value(json_object_get(p, "serial")), serial) == 0)
			return p;
	}
	return NULL;
}

/*
 * prefix of spoke `spoke' onto the hub's peer (allowed, borrowed), claimed and, for a LAN,
 * routed through ifname; left out with a note when another peer of ifname has it already.
 */
static int transit_prefix(struct nc_build *b, struct claims *cl, const char *ifname, int ti,
			  const struct group *g, const char *spoke, const char *prefix, bool lan,
			  json_t *allowed)
{
	const char *owner = claimed_by(cl, prefix);
	int ret = 0;

	if (owner && strcmp(owner, g->hub) != 0)
		ret = nc_build_note(b,
				    "%s of spoke %s left out of hub %s on %s (group %s): peer %s "
				    "has it already",
				    prefix, spoke, g->hub, ifname, g->name, owner);
	if (owner)
		goto out;
	claim(cl, prefix, g->hub);
	ret = nc_build_push(allowed, json_string(prefix));
	if (ret == 0 && lan) {
		ret = nc_build_route(b, prefix, ifname, NULL,
				     ti ? NC_BUILD_METRIC_SECONDARY : NC_BUILD_METRIC_PRIMARY);
		b->routes[b->n_routes - 1].transit = true;
	}
out:
	return ret;
}

/* The other spokes of hub-and-spoke group g, as transit onto the hub's peer (borrowed). */
static int transit_group(struct nc_build *b, struct claims *cl, const char *ifname, int ti,
			 const struct group *g, json_t *hub_peer)
{
	json_t *allowed = json_object_get(hub_peer, "allowed_ips");
	struct nc_build_peer p = {0};
	const struct nc_link *l = b->snap->links;
	char addr[NC_CIDR_MAX];
	int ret = 0;

	/* The group's links, by (a, b, tunnel index). */
	for (size_t i = 0; ret == 0 && i < b->snap->n_links; i++) {
		const char *spoke = strcmp(l[i].a, g->hub) == 0 ? l[i].b : l[i].a;

		if (strcmp(l[i].peering, g->name) != 0 || l[i].tunnel_index != ti ||
		    strcmp(spoke, b->serial) == 0 ||
		    (strcmp(l[i].a, g->hub) != 0 && strcmp(l[i].b, g->hub) != 0))
			continue;
		nc_build_peer_clear(&p);
		ret = nc_build_peer_get(b, spoke, &p);
		/* The hub leaves such a spoke out as well (and says so in its batch). */
		if (ret < 0 || !p.in_service || !p.public_key[0])
			continue;
		ret = nc_build_addr_peering(b, g->name, spoke, ti, addr);
		if (ret == 0)
			ret = transit_prefix(b, cl, ifname, ti, g, spoke, addr, false, allowed);
		for (size_t k = 0; ret == 0 && k < p.lans.n; k++)
			ret = transit_prefix(b, cl, ifname, ti, g, spoke, p.lans.v[k], true,
					     allowed);
	}
	nc_build_peer_clear(&p);
	return ret;
}

/*
 * Spoke to spoke through the hub: in a WireGuard hub-and-spoke group where
 * the device is a spoke, the hub's peer on wg2 (ti 0) or wg3 (ti 1) also
 * gets the other spokes' addresses in the group and their LANs, and the
 * LANs are routed there; the hub forwards between its peers. What a peer of
 * the interface has already (a direct link, the LAN of another hub) stays
 * with that peer.
 */
static int transit(struct nc_build *b, const struct peering *pr, int ti, const char *ifname,
		   json_t *peers)
{
	struct claims cl = {0};
	size_t i, k;
	json_t *p, *v;
	int ret = 0;

	json_array_foreach(peers, i, p) {
		const char *serial = json_string_value(json_object_get(p, "serial"));

		json_array_foreach(json_object_get(p, "allowed_ips"), k, v)
			claim(&cl, json_string_value(v), serial);
	}
	for (i = 0; ret == 0 && i < pr->n_groups; i++) {
		const struct group *g = &pr->groups[i];
		json_t *hub = g->hub[0] ? peer_named(peers, g->hub) : NULL;

		if (g->topology != NC_TOPO_HUB_SPOKE || g->protocol != NC_PROTO_WIREGUARD ||
		    (ti == 1 && !g->dual) || !hub || strcmp(g->hub, b->serial) == 0)
			continue;
		ret = transit_group(b, &cl, ifname, ti, g, hub);
	}
	nc_strlist_clear(&cl.prefix);
	nc_strlist_clear(&cl.owner);
	return ret;
}

/*
 * wg2 (ti 0) or wg3 (ti 1), appended to interfaces when the device is in a
 * WireGuard group (a dual-tunnel one for wg3). "address" is its address in
 * its first group by name; in several groups "addresses" lists all of them.
 */
static int wg_interface(struct nc_build *b, const struct peering *pr, int ti, json_t *interfaces)
{
	char ifname[8], addr[NC_CIDR_MAX];
	json_t *addrs = json_array(), *peers = json_array(), *iface = NULL;
	int ret = addrs && peers ? 0 : NC_ERR_NOMEM;

	snprintf(ifname, sizeof(ifname), "wg%d", 2 + ti);
	for (size_t i = 0; ret == 0 && i < pr->n_groups; i++) {
		const struct group *g = &pr->groups[i];

		if (g->protocol != NC_PROTO_WIREGUARD || (ti == 1 && !g->dual))
			continue;
		ret = nc_build_addr_peering(b, g->name, b->serial, ti, addr);
		if (ret == 0)
			ret = nc_build_push(addrs, json_string(addr));
	}
	if (ret < 0 || json_array_size(addrs) == 0)
		goto out;
	for (size_t i = 0, j; ret == 0 && i < pr->n_tunnels; i = j) {
		for (j = i + 1; j < pr->n_tunnels; j++) {
			if (strcmp(pr->tunnels[j].peer, pr->tunnels[i].peer) != 0)
				break;
		}
		ret = wg_peer(b, ifname, ti, &pr->tunnels[i], j - i, peers);
	}
	if (ret == 0)
		ret = transit(b, pr, ti, ifname, peers);
	if (ret < 0)
		goto out;
	iface = json_pack("{s:s, s:s, s:O, s:i, s:i, s:O}", "name", ifname, "role", "peering",
			  "address", json_array_get(addrs, 0), "listen_port",
			  NC_BUILD_PORT_PEERING + ti, "mtu", NC_BUILD_MTU, "peers", peers);
	if (!iface)
		ret = NC_ERR_NOMEM;
	if (ret == 0 && json_array_size(addrs) > 1)
		ret = nc_build_set(iface, "addresses", json_incref(addrs));
	if (ret == 0) {
		ret = nc_build_push(interfaces, iface);
		iface = NULL;
	}
out:
	json_decref(iface);
	json_decref(peers);
	json_decref(addrs);
	return ret;
}

/* The outer address of an IPSec end in group g: an edge's endpoint host, else (a connector)
 * its peering address without the prefix length. */
static int sa_host(struct nc_build *b, const char *serial, const char *edge_host,
		   const struct group *g, char host[NC_ENDPOINT_MAX])
{
	char addr[NC_CIDR_MAX];
	int ret = 0;

	if (edge_host) {
		snprintf(host, NC_ENDPOINT_MAX, "%s", edge_host);
	} else {
		ret = nc_build_addr_peering(b, g->name, serial, 0, addr);
		if (ret == 0)
			snprintf(host, NC_ENDPOINT_MAX, "%.*s", (int)strcspn(addr, "/"), addr);
	}
	return ret;
}

static json_t *sa_json(const char *peer, const char *dir, const char *src, const char *dst,
		       uint32_t spi, const char *key, int ti, const char *group)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:s}", "peer", peer,
			 "direction", dir, "src", src, "dst", dst, "spi", (json_int_t)spi, "aead",
			 SA_AEAD, "key", key, "icv_bits", SA_ICV_BITS, "tunnel_index", ti,
			 "peering", group);
}

/* Why the SAs of tunnel t with peer p cannot be built, into why; "" when they can. */
static void sa_obstacle(const struct nc_build *b, const char *edge_host, const struct tunnel *t,
			const struct nc_build_peer *p, char *why, size_t n)
{
	const struct nc_link *l = t->link;

	why[0] = '\0';
	if (!p->in_service)
		snprintf(why, n, "it is %s", nc_status_name(p->status));
	else if (!l->spi_ab || !l->spi_ba || !l->key_ab[0] || !l->key_ba[0])
		snprintf(why, n, "the link has no SPIs and keys");
	else if (edge_host && !edge_host[0])
		snprintf(why, n, "the endpoint of %s has no host", b->serial);
	else if (p->type == NC_DEVICE_EDGE && !p->host[0])
		snprintf(why, n, "its endpoint has no host");
}

/* The out and in SAs of tunnel t with peer p, appended to sas (borrowed); or a note. */
static int ipsec_tunnel(struct nc_build *b, const char *edge_host, const struct tunnel *t,
			const struct nc_build_peer *p, json_t *sas)
{
	const struct nc_link *l = t->link;
	bool self_a = strcmp(l->a, b->serial) == 0;
	char mine[NC_ENDPOINT_MAX], theirs[NC_ENDPOINT_MAX], why[128];
	int ret = 0;

	sa_obstacle(b, edge_host, t, p, why, sizeof(why));
	if (why[0]) {
		ret = nc_build_note(b, "IPSec SAs with %s (group %s, tunnel %d) left out: %s",
				    p->serial, t->g->name, l->tunnel_index, why);
		goto out;
	}
	ret = sa_host(b, b->serial, edge_host, t->g, mine);
	if (ret == 0)
		ret = sa_host(b, p->serial, p->type == NC_DEVICE_EDGE ? p->host : NULL, t->g,
			      theirs);
	/* out: this device -> peer, the link's direction from this end; in: the reverse. */
	if (ret == 0)
		ret = nc_build_push(
			sas, sa_json(p->serial, "out", mine, theirs, self_a ? l->spi_ab : l->spi_ba,
				     self_a ? l->key_ab : l->key_ba, l->tunnel_index, t->g->name));
	if (ret == 0)
		ret = nc_build_push(
			sas, sa_json(p->serial, "in", theirs, mine, self_a ? l->spi_ba : l->spi_ab,
				     self_a ? l->key_ba : l->key_ab, l->tunnel_index, t->g->name));
out:
	return ret;
}

/* {"sas":[...]} for the device's IPSec links, by (peer, group, tunnel index), out then in. */
static int ipsec_body(struct nc_build *b, const struct peering *pr, const char *edge_host,
		      json_t **out)
{
	struct nc_build_peer p = {0};
	json_t *sas = json_array();
	int ret = sas ? 0 : NC_ERR_NOMEM;

	for (size_t i = 0; ret == 0 && i < pr->n_tunnels; i++) {
		const struct tunnel *t = &pr->tunnels[i];

		if (t->g->protocol != NC_PROTO_IPSEC)
			continue;
		if (strcmp(p.serial, t->peer) != 0) {
			nc_build_peer_clear(&p);
			ret = nc_build_peer_get(b, t->peer, &p);
		}
		if (ret == 0)
			ret = ipsec_tunnel(b, edge_host, t, &p, sas);
	}
	nc_build_peer_clear(&p);
	return nc_build_wrap(ret, "sas", sas, out);
}

int nc_build_peering(struct nc_build *b, const char *edge_host, json_t *interfaces, json_t **ipsec)
{
	struct peering pr = {0};
	bool any_ipsec = false;
	int ret = peering_load(b, &pr);

	*ipsec = NULL;
	if (ret == 0)
		ret = wg_interface(b, &pr, 0, interfaces);
	if (ret == 0 && edge_host)
		ret = wg_interface(b, &pr, 1, interfaces);
	for (size_t i = 0; i < pr.n_groups; i++)
		any_ipsec = any_ipsec || pr.groups[i].protocol == NC_PROTO_IPSEC;
	if (ret == 0 && any_ipsec)
		ret = ipsec_body(b, &pr, edge_host, ipsec);
	peering_free(&pr);
	return ret;
}
