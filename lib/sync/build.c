/* SPDX-License-Identifier: MIT */
/*
 * Batch build, the parts every device shares: the entry points, notes,
 * commands, static routes, link peers, and the peering interfaces (wg2,
 * wg3) and IPSec SAs of a device's peering groups. The connector and edge
 * shapes are in build_connector.c and build_edge.c.
 */
#include "build.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/ipam.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/hostport.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "build_impl.h"

#define NOTE_MAX    512
#define SA_AEAD	    "rfc4106(gcm(aes))"
#define SA_ICV_BITS 128

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

/* Of two ways to one dst at one metric, a peering tunnel comes before the backbone (wg0). */
static int rank(const struct nc_build_route *r)
{
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
	if (ret == 0)
		*out = json_pack("{s:o}", "routes", routes);
	else
		json_decref(routes);
	if (ret == 0 && !*out)
		ret = NC_ERR_NOMEM;
	return ret;
}

/* Peers */

void nc_build_peer_clear(struct nc_build_peer *p)
{
	nc_strlist_clear(&p->lans);
	memset(p, 0, sizeof(*p));
}

int nc_build_peer_get(struct nc_build *b, const char *serial, struct nc_build_peer *out)
{
	struct nc_edge e = {0};
	struct nc_connector c = {0};
	uint16_t port;
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(out->serial, sizeof(out->serial), "%s", serial);
	ret = nc_store_device_lookup(b->st, b->dev_tenant, serial, &out->type, NULL);
	if (ret == 0 && out->type == NC_DEVICE_EDGE)
		ret = nc_store_edge_get(b->st, b->dev_tenant, serial, &e);
	else if (ret == 0)
		ret = nc_store_connector_get(b->st, b->dev_tenant, serial, &c);
	if (ret < 0)
		goto out;
	if (out->type == NC_DEVICE_EDGE) {
		out->in_service = true;
		memcpy(out->public_key, e.public_key, sizeof(out->public_key));
		/* A stored endpoint is valid; should it not split, the peer has no host. */
		if (nc_hostport_split(e.endpoint, out->host, sizeof(out->host), &port, 0) < 0)
			out->host[0] = '\0';
		out->lans = e.lan_subnets;
		e.lan_subnets = (struct nc_strlist){0};
	} else {
		out->status = c.status;
		out->in_service = nc_build_in_service(c.status);
		memcpy(out->public_key, c.public_key, sizeof(out->public_key));
		memcpy(out->endpoint, c.endpoint, sizeof(out->endpoint));
		out->lans = c.lan_subnets;
		c.lan_subnets = (struct nc_strlist){0};
	}
out:
	nc_edge_clear(&e);
	nc_connector_clear(&c);
	return ret;
}

/* Peering groups */

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
	struct nc_link *links;
	size_t n_links;
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
	struct nc_member *m = NULL;
	struct nc_peering p;
	size_t n = 0;
	int ret = nc_store_member_list_by_device(b->st, b->serial, &m, &n);

	if (ret == 0 && n > 0)
		pr->groups = nc_xcalloc(n, sizeof(*pr->groups));
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (strcmp(m[i].tenant, b->dev_tenant) != 0)
			continue;
		ret = nc_store_peering_get(b->st, m[i].tenant, m[i].peering, &p);
		if (ret == 0) {
			struct group *g = &pr->groups[pr->n_groups++];

			memcpy(g->name, p.name, sizeof(g->name));
			g->topology = p.topology;
			g->protocol = p.protocol;
			g->dual = p.dual_tunnel;
			memcpy(g->hub, p.hub, sizeof(g->hub));
		}
	}
	if (ret == 0)
		ret = nc_store_link_list_by_device(b->st, b->serial, &pr->links, &pr->n_links);
	if (ret == 0 && pr->n_links > 0)
		pr->tunnels = nc_xcalloc(pr->n_links, sizeof(*pr->tunnels));
	for (size_t i = 0; ret == 0 && i < pr->n_links; i++) {
		const struct nc_link *l = &pr->links[i];
		const struct group *g =
			strcmp(l->tenant, b->dev_tenant) == 0 ? find_group(pr, l->peering) : NULL;

		if (g) {
			struct tunnel *t = &pr->tunnels[pr->n_tunnels++];

			t->link = l;
			t->peer = strcmp(l->a, b->serial) == 0 ? l->b : l->a;
			t->g = g;
		}
	}
	if (pr->n_tunnels > 0)
		qsort(pr->tunnels, pr->n_tunnels, sizeof(*pr->tunnels), cmp_tunnel);
	free(m);
	return ret;
}

static void peering_free(struct peering *pr)
{
	free(pr->groups);
	free(pr->links);
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
	size_t on = 0;
	int ret = 0;

	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < n; i++)
		on += on_wg(&tv[i], ti);
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
		ret = nc_ipam_peering(b->st, b->dev_tenant, tv[i].g->name, p.serial, ti, addr,
				      b->ei);
		if (ret == 0)
			ret = nc_build_push(allowed, json_string(addr));
	}
	for (size_t i = 0; ret == 0 && i < p.lans.n; i++)
		ret = nc_build_push(allowed, json_string(p.lans.v[i]));
	if (ret < 0)
		goto out;
	obj = json_pack("{s:s, s:s, s:O, s:i, s:i}", "serial", p.serial, "public_key", p.public_key,
			"allowed_ips", allowed, "persistent_keepalive", NC_BUILD_KEEPALIVE,
			"tunnel_index", ti);
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
	if (ret == 0 && lan)
		ret = nc_build_route(b, prefix, ifname, NULL,
				     ti ? NC_BUILD_METRIC_SECONDARY : NC_BUILD_METRIC_PRIMARY);
out:
	return ret;
}

/* The other spokes of hub-and-spoke group g, as transit onto the hub's peer (borrowed). */
static int transit_group(struct nc_build *b, struct claims *cl, const char *ifname, int ti,
			 const struct group *g, json_t *hub_peer)
{
	json_t *allowed = json_object_get(hub_peer, "allowed_ips");
	struct nc_build_peer p = {0};
	struct nc_link *l = NULL;
	char addr[NC_CIDR_MAX];
	size_t n = 0;
	int ret = nc_store_link_list(b->st, b->dev_tenant, g->name, &l, &n);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const char *spoke = strcmp(l[i].a, g->hub) == 0 ? l[i].b : l[i].a;

		if (l[i].tunnel_index != ti || strcmp(spoke, b->serial) == 0 ||
		    (strcmp(l[i].a, g->hub) != 0 && strcmp(l[i].b, g->hub) != 0))
			continue;
		nc_build_peer_clear(&p);
		ret = nc_build_peer_get(b, spoke, &p);
		/* The hub leaves such a spoke out as well (and says so in its batch). */
		if (ret < 0 || !p.in_service || !p.public_key[0])
			continue;
		ret = nc_ipam_peering(b->st, b->dev_tenant, g->name, spoke, ti, addr, b->ei);
		if (ret == 0)
			ret = transit_prefix(b, cl, ifname, ti, g, spoke, addr, false, allowed);
		for (size_t k = 0; ret == 0 && k < p.lans.n; k++)
			ret = transit_prefix(b, cl, ifname, ti, g, spoke, p.lans.v[k], true,
					     allowed);
	}
	nc_build_peer_clear(&p);
	free(l);
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
		ret = nc_ipam_peering(b->st, b->dev_tenant, g->name, b->serial, ti, addr, b->ei);
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
		ret = nc_ipam_peering(b->st, b->dev_tenant, g->name, serial, 0, addr, b->ei);
		if (ret == 0)
			snprintf(host, NC_ENDPOINT_MAX, "%.*s", (int)strcspn(addr, "/"), addr);
	}
	return ret;
}

static json_t *sa_json(const char *peer, const char *dir, const char *src, const char *dst,
		       uint32_t spi, const char *key, int ti)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:i}", "peer", peer, "direction",
			 dir, "src", src, "dst", dst, "spi", (json_int_t)spi, "aead", SA_AEAD,
			 "key", key, "icv_bits", SA_ICV_BITS, "tunnel_index", ti);
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
		ret = nc_build_push(sas, sa_json(p->serial, "out", mine, theirs,
						 self_a ? l->spi_ab : l->spi_ba,
						 self_a ? l->key_ab : l->key_ba, l->tunnel_index));
	if (ret == 0)
		ret = nc_build_push(sas, sa_json(p->serial, "in", theirs, mine,
						 self_a ? l->spi_ba : l->spi_ab,
						 self_a ? l->key_ba : l->key_ab, l->tunnel_index));
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
	if (ret == 0)
		*out = json_pack("{s:o}", "sas", sas);
	else
		json_decref(sas);
	if (ret == 0 && !*out)
		ret = NC_ERR_NOMEM;
	return ret;
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

/* Entry points */

int nc_sync_build(struct nc_store *st, const char *serial, const char *tenant, json_t **commands,
		  json_t **notes, struct nc_errinfo *ei)
{
	struct nc_build b = {.st = st, .ei = ei};
	char q[NC_QUOTE_BUF];
	enum nc_device_type type;
	bool began = false;
	int ret;

	*commands = NULL;
	*notes = NULL;
	if (ei)
		memset(ei, 0, sizeof(*ei));
	if (!serial || strlen(serial) >= sizeof(b.serial)) {
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "serial", "device `%s' not found",
			      nc_quote(q, serial ? serial : "", SIZE_MAX));
		goto out;
	}
	snprintf(b.serial, sizeof(b.serial), "%s", serial);
	ret = nc_store_begin(st);
	if (ret < 0)
		goto out;
	began = true;
	ret = nc_store_device_lookup(st, NULL, serial, &type, b.dev_tenant);
	if (ret == NC_ERR_NOTFOUND)
		ret = nc_fail(ei, ret, "serial", "device `%s' not found",
			      nc_quote(q, serial, SIZE_MAX));
	if (ret < 0)
		goto out;
	if (tenant && strlen(tenant) >= sizeof(b.tenant)) {
		ret = nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
			      nc_quote(q, tenant, SIZE_MAX));
		goto out;
	}
	snprintf(b.tenant, sizeof(b.tenant), "%s", tenant && *tenant ? tenant : b.dev_tenant);
	b.commands = json_array();
	b.notes = json_array();
	if (!b.commands || !b.notes) {
		ret = NC_ERR_NOMEM;
		goto out;
	}
	if (type == NC_DEVICE_CONNECTOR)
		ret = nc_build_connector(&b);
	else
		ret = nc_build_edge(&b);
out:
	if (began && ret == 0)
		ret = nc_store_commit(st);
	else if (began)
		nc_store_rollback(st);
	if (ret < 0 && ei && !ei->msg[0])
		nc_fail(ei, ret, NULL, "cannot build the batch of `%s': %s", b.serial,
			nc_strerror(ret));
	if (ret == 0) {
		*commands = b.commands;
		*notes = b.notes;
	} else {
		json_decref(b.commands);
		json_decref(b.notes);
	}
	free(b.routes);
	return ret;
}

static bool has(const struct nc_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return true;
	}
	return false;
}

static int cmp_str(const void *x, const void *y)
{
	const char *const *l = x, *const *r = y;

	return strcmp(*l, *r);
}

/* Adds to out the tenants of the in-service connectors hubbed on hub, a page at a time. */
static int hubbed_tenants(struct nc_store *st, const char *hub, struct nc_strlist *out)
{
	struct nc_connector_filter f = {.tenant = NULL, .status = -1, .hub = hub};
	struct nc_page pg = {.limit = NC_PAGE_MAX};
	struct nc_connector *v;
	size_t n;
	int ret;

	do {
		v = NULL;
		n = 0;
		ret = nc_store_connector_list(st, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++) {
			if (nc_build_in_service(v[i].status) && !has(out, v[i].tenant))
				nc_strlist_add(out, v[i].tenant);
		}
		nc_connector_array_free(v, n);
		memcpy(pg.cursor, pg.next_cursor, sizeof(pg.cursor));
	} while (ret == 0 && pg.cursor[0]);
	return ret;
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
