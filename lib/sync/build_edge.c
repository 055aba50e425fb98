/* SPDX-License-Identifier: MIT */
/*
 * An edge's batch (dedicated or MTGE): interface, wireguard (wg0 as hub of
 * its connectors, wg1 App VPN on an MTGE, wg2/wg3 for its WireGuard
 * peerings), ipsec (when in an IPSec group), static, nat44 and acl. An
 * MTGE gets one batch per tenant it serves: that tenant's connectors only,
 * and its LAN, peerings and IPSec only in its own tenant's batch.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/err.h"
#include "../util/hostport.h"
#include "../util/utf8.h"
#include "build_impl.h"
#include "snapshot.h"

/*
 * The first host of subnet cidr with its prefix length into out:
 * "10.10.0.0/16" gives "10.10.0.1/16", "fd00:1::/64" gives "fd00:1::1/64".
 * A /31 or /32 (/127, /128) has no network address to skip: its first
 * address. NC_ERR_INVAL for a string that is no prefix.
 */
static int first_host(const char *cidr, char out[NC_CIDR_MAX])
{
	char addr[NC_CIDR_MAX], text[INET6_ADDRSTRLEN];
	unsigned char bytes[16];
	const char *slash = strchr(cidr, '/');
	int family, bits, ret = NC_ERR_INVAL;
	long len;
	char *end;

	if (!slash || (size_t)(slash - cidr) >= sizeof(addr))
		goto out;
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	bits = family == AF_INET6 ? 128 : 32;
	len = strtol(slash + 1, &end, 10);
	if (inet_pton(family, addr, bytes) != 1 || *end || end == slash + 1 || len < 0 ||
	    len > bits)
		goto out;
	/* Add one to the address, carrying from the last byte. */
	for (int i = bits / 8 - 1; len < bits - 1 && i >= 0; i--) {
		bytes[i]++;
		if (bytes[i] != 0)
			break;
	}
	if (!inet_ntop(family, bytes, text, sizeof(text)))
		goto out;
	snprintf(out, NC_CIDR_MAX, "%s/%ld", text, len);
	ret = 0;
out:
	return ret;
}

/* {"interfaces":[{"name":"lan0","addresses":[first host of each LAN]}]}; with lan false
 * (an MTGE's batch for another tenant) {"interfaces":[]}. */
static int interface_body(struct nc_build *b, const struct nc_edge *e, bool lan, json_t **out)
{
	char addr[NC_CIDR_MAX];
	json_t *ifaces = json_array(), *addrs = json_array();
	int ret = ifaces && addrs ? 0 : NC_ERR_NOMEM;

	for (size_t i = 0; ret == 0 && lan && i < e->lan_subnets.n; i++) {
		if (first_host(e->lan_subnets.v[i], addr) < 0)
			ret = nc_build_note(b, "LAN %s left out of lan0: it is not a prefix",
					    e->lan_subnets.v[i]);
		else
			ret = nc_build_push(addrs, json_string(addr));
	}
	if (ret == 0 && lan)
		ret = nc_build_push(ifaces,
				    json_pack("{s:s, s:O}", "name", "lan0", "addresses", addrs));
	if (ret == 0) {
		*out = json_pack("{s:O}", "interfaces", ifaces);
		ret = *out ? 0 : NC_ERR_NOMEM;
	}
	json_decref(addrs);
	json_decref(ifaces);
	return ret;
}

/* What the hub side gathers from the connectors hubbed on the edge. */
struct hub {
	json_t *peers;	       /* owned: wg0's peers */
	struct nc_strlist app; /* their LANs: the App VPN's allowed IPs */
	size_t in_service;     /* connectors that are wg0's peers or would be */
};

/* Connector c as a peer of the hub's wg0, or a note saying why it is not one. */
static int hub_peer(struct nc_build *b, const char *hub, const struct nc_connector *c,
		    struct hub *h)
{
	char addr[NC_CIDR_MAX];
	json_t *allowed = NULL;
	int ret = 0;

	if (!nc_build_in_service(c->status)) {
		ret = nc_build_note(b, "connector %s left out of wg0: it is %s", c->serial,
				    nc_status_name(c->status));
		goto out;
	}
	h->in_service++;
	if (!c->public_key[0]) {
		ret = nc_build_note(b,
				    "connector %s left out of wg0: its public key is not known yet",
				    c->serial);
		goto out;
	}
	ret = nc_build_addr_backbone(b, hub, c->serial, addr);
	if (ret == 0) {
		allowed = json_array();
		ret = nc_build_push(allowed, json_string(addr));
	}
	for (size_t i = 0; ret == 0 && i < c->lan_subnets.n; i++)
		ret = nc_build_push(allowed, json_string(c->lan_subnets.v[i]));
	/* Connectors dial in: no endpoint, no keepalive from this side. */
	if (ret == 0)
		ret = nc_build_push(h->peers, json_pack("{s:s, s:s, s:O, s:i}", "serial", c->serial,
							"public_key", c->public_key, "allowed_ips",
							allowed, "tunnel_index", 0));
	if (ret == 0)
		ret = nc_build_route_lans(b, &c->lan_subnets, "wg0", NC_BUILD_METRIC_PRIMARY);
	for (size_t i = 0; ret == 0 && i < c->lan_subnets.n; i++)
		nc_strlist_add(&h->app, c->lan_subnets.v[i]);
out:
	json_decref(allowed);
	return ret;
}

/* Every connector of the batch's tenant hubbed on the edge, by serial. */
static int hub_collect(struct nc_build *b, const char *hub, struct hub *h)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < b->snap->n_connectors; i++) {
		if (strcmp(b->snap->connectors[i].hub_edge, hub) == 0)
			ret = hub_peer(b, hub, &b->snap->connectors[i], h);
	}
	return ret;
}

static int cmp_str(const void *x, const void *y)
{
	const char *const *l = x, *const *r = y;

	return strcmp(*l, *r);
}

/* A new array of l's strings sorted by bytes, each once. */
static json_t *sorted_unique(struct nc_strlist *l)
{
	json_t *a = json_array();
	int ret = a ? 0 : NC_ERR_NOMEM;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	for (size_t i = 0; ret == 0 && i < l->n; i++) {
		if (i == 0 || strcmp(l->v[i], l->v[i - 1]) != 0)
			ret = nc_build_push(a, json_string(l->v[i]));
	}
	if (ret < 0) {
		json_decref(a);
		a = NULL;
	}
	return a;
}

/*
 * wg0, when at least one in-service connector of the batch's tenant is
 * hubbed on the edge, and then on an MTGE wg1, the App VPN: the hub's
 * address, and as allowed IPs the LANs of the connectors that are wg0's
 * peers, sorted, each once. Appended to interfaces.
 */
static int backbone(struct nc_build *b, const struct nc_edge *e, json_t *interfaces)
{
	struct hub h = {.peers = json_array()};
	char addr[NC_CIDR_MAX];
	json_t *app;
	int ret = h.peers ? 0 : NC_ERR_NOMEM;

	if (ret == 0)
		ret = hub_collect(b, e->serial, &h);
	if (ret < 0 || h.in_service == 0)
		goto out;
	ret = nc_build_addr_hub(b, e->serial, addr);
	if (ret == 0)
		ret = nc_build_push(interfaces,
				    json_pack("{s:s, s:s, s:s, s:i, s:i, s:O}", "name", "wg0",
					      "role", "backbone", "address", addr, "listen_port",
					      NC_BUILD_PORT_BACKBONE, "mtu", NC_BUILD_MTU, "peers",
					      h.peers));
	if (ret == 0 && e->kind == NC_EDGE_MTGE) {
		app = sorted_unique(&h.app);
		ret = nc_build_push(interfaces,
				    app ? json_pack("{s:s, s:s, s:s, s:o}", "name", "wg1", "role",
						    "app_vpn", "address", addr, "allowed_ips", app)
					: NULL);
	}
out:
	json_decref(h.peers);
	nc_strlist_clear(&h.app);
	return ret;
}

/* Whether the batch's tenant may have a batch of edge e: its own, or any for an MTGE. */
static int check_tenant(struct nc_build *b, const struct nc_edge *e)
{
	char q[NC_QUOTE_BUF];
	int ret = 0;

	if (strcmp(b->tenant, e->tenant) == 0)
		goto out;
	if (e->kind != NC_EDGE_MTGE) {
		ret = nc_fail(b->ei, NC_ERR_NOTFOUND, "serial",
			      "edge `%s' not found in tenant `%s'", e->serial,
			      nc_quote(q, b->tenant, sizeof(b->tenant)));
		goto out;
	}
	if (!b->snap->tenant_found)
		ret = nc_fail(b->ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
			      nc_quote(q, b->tenant, sizeof(b->tenant)));
out:
	return ret;
}

int nc_build_edge(struct nc_build *b)
{
	const struct nc_edge *e = nc_snap_edge(b->snap, b->serial);
	char host[NC_ENDPOINT_MAX];
	json_t *interfaces = NULL, *ipsec = NULL, *body = NULL;
	uint16_t port;
	bool own;
	int ret;

	ret = e ? check_tenant(b, e)
		: nc_fail(b->ei, NC_ERR_NOTFOUND, "serial", "edge `%s' not found", b->serial);
	if (ret < 0)
		goto out;
	own = strcmp(b->tenant, e->tenant) == 0;
	ret = interface_body(b, e, own, &body);
	if (ret == 0)
		ret = nc_build_command(b, "interface", body);
	interfaces = json_array();
	if (ret == 0 && !interfaces)
		ret = NC_ERR_NOMEM;
	if (ret == 0)
		ret = backbone(b, e, interfaces);
	if (ret == 0 && own) {
		/* A stored endpoint is valid; should it not split, IPSec notes it has no host. */
		if (nc_hostport_split(e->endpoint, host, sizeof(host), &port, 0) < 0)
			host[0] = '\0';
		ret = nc_build_peering(b, host, interfaces, &ipsec);
	}
	if (ret == 0)
		ret = nc_build_tunnel_commands(b, interfaces, &ipsec);
	if (ret == 0)
		ret = nc_build_static_body(b, &body);
	if (ret == 0)
		ret = nc_build_command(b, "static", body);
	/* The model has no NAT or ACL for edges yet: empty bodies, authoritative all the same. */
	if (ret == 0)
		ret = nc_build_command(b, "nat44", json_pack("{s:[]}", "masquerade"));
	if (ret == 0)
		ret = nc_build_command(b, "acl",
				       json_pack("{s:s, s:[]}", "default", "accept", "rules"));
out:
	json_decref(ipsec);
	json_decref(interfaces);
	return ret;
}
