/* SPDX-License-Identifier: MIT */
/*
 * A connector's batch: wireguard (wg0 to its hub, wg2 for its WireGuard
 * peerings), ipsec (when in an IPSec group), static, nat_config and
 * acl_config. A connector dials its hub. Its link peers get its endpoint
 * when it has one (build_peering.c); without one it can only dial them, so its
 * link to another device without one cannot come up (peering show warns).
 */
#include <string.h>

#include "../util/err.h"
#include "../util/utf8.h"
#include "build_impl.h"
#include "snapshot.h"

/* wg0, appended to interfaces when the connector has a hub edge; its one peer is the hub. */
static int backbone(struct nc_build *b, const struct nc_connector *c, json_t *interfaces)
{
	const struct nc_edge *hub = NULL;
	char addr[NC_CIDR_MAX], hub_addr[NC_CIDR_MAX];
	json_t *peers = NULL, *allowed = NULL, *iface = NULL;
	bool lans;
	int ret = 0;

	if (!c->hub_edge[0])
		goto out;
	peers = json_array();
	allowed = json_array();
	if (!peers || !allowed)
		ret = NC_ERR_NOMEM;
	if (ret == 0)
		ret = nc_build_addr_backbone(b, c->hub_edge, c->serial, addr);
	if (ret == 0) {
		hub = nc_snap_edge(b->snap, c->hub_edge);
		ret = hub ? 0
			  : nc_fail(b->ei, NC_ERR_NOTFOUND, "hub_edge",
				    "hub edge `%s' of connector %s not found", c->hub_edge,
				    c->serial);
	}
	if (ret == 0)
		ret = nc_build_addr_hub(b, c->hub_edge, hub_addr);
	if (ret < 0)
		goto out;
	/* An MTGE of another tenant is a hub too, but its LANs are its own tenant's. */
	lans = strcmp(hub->tenant, c->tenant) == 0;
	if (!hub->public_key[0]) {
		ret = nc_build_note(b, "hub %s left out of wg0: its public key is not known yet",
				    hub->serial);
	} else {
		ret = nc_build_push(allowed, json_string(hub_addr));
		for (size_t i = 0; ret == 0 && lans && i < hub->lan_subnets.n; i++)
			ret = nc_build_push(allowed, json_string(hub->lan_subnets.v[i]));
		if (ret == 0)
			ret = nc_build_push(peers,
					    json_pack("{s:s, s:s, s:s, s:O, s:i, s:i}", "serial",
						      hub->serial, "public_key", hub->public_key,
						      "endpoint", hub->endpoint, "allowed_ips",
						      allowed, "persistent_keepalive",
						      NC_BUILD_KEEPALIVE, "tunnel_index", 0));
		if (ret == 0 && lans)
			ret = nc_build_route_lans(b, &hub->lan_subnets, "wg0",
						  NC_BUILD_METRIC_PRIMARY);
	}
	if (ret < 0)
		goto out;
	iface = json_pack("{s:s, s:s, s:s, s:i, s:i, s:O}", "name", "wg0", "role", "backbone",
			  "address", addr, "listen_port", NC_BUILD_PORT_BACKBONE, "mtu",
			  NC_BUILD_MTU, "peers", peers);
	ret = nc_build_push(interfaces, iface);
out:
	json_decref(allowed);
	json_decref(peers);
	return ret;
}

/* {"masquerade":[{"source":lan,"out_interface":wan}, ...]}, empty when NAT is off. */
static json_t *nat_body(const struct nc_connector *c)
{
	json_t *masq = json_array();
	int ret = masq ? 0 : NC_ERR_NOMEM;

	for (size_t i = 0; ret == 0 && c->nat_enabled && i < c->lan_subnets.n; i++)
		ret = nc_build_push(masq, json_pack("{s:s, s:s}", "source", c->lan_subnets.v[i],
						    "out_interface", c->wan_interface));
	if (ret < 0) {
		json_decref(masq);
		return NULL;
	}
	return json_pack("{s:o}", "masquerade", masq);
}

/* {"default":"accept","rules":[...]}: the rules in the operator's order (first match wins). */
static json_t *acl_body(const struct nc_connector *c)
{
	json_t *rules = json_array(), *rule;
	int ret = rules ? 0 : NC_ERR_NOMEM;

	for (size_t i = 0; ret == 0 && i < c->n_acl; i++) {
		const struct nc_acl_rule *r = &c->acl[i];

		rule = json_pack("{s:s, s:s, s:s, s:s}", "action", r->action, "proto", r->proto,
				 "src", r->src, "dst", r->dst);
		/* dport 0 means any port: the member is left out. */
		if (rule && r->dport)
			ret = nc_build_set(rule, "dport", json_integer(r->dport));
		if (ret == 0)
			ret = nc_build_push(rules, rule);
		else
			json_decref(rule);
	}
	if (ret < 0) {
		json_decref(rules);
		return NULL;
	}
	return json_pack("{s:s, s:o}", "default", "accept", "rules", rules);
}

int nc_build_connector(struct nc_build *b)
{
	const struct nc_connector *c = NULL;
	json_t *interfaces = NULL, *ipsec = NULL, *body = NULL;
	char q[NC_QUOTE_BUF];
	int ret = 0;

	if (strcmp(b->tenant, b->dev_tenant) != 0) {
		ret = nc_fail(b->ei, NC_ERR_NOTFOUND, "serial",
			      "connector `%s' not found in tenant `%s'", b->serial,
			      nc_quote(q, b->tenant, sizeof(b->tenant)));
		goto out;
	}
	c = nc_snap_connector(b->snap, b->serial);
	if (!c) {
		ret = nc_fail(b->ei, NC_ERR_NOTFOUND, "serial", "connector `%s' not found",
			      b->serial);
		goto out;
	}
	if (c->status == NC_STATUS_PENDING_APPROVAL) {
		ret = nc_fail(b->ei, NC_ERR_CONFLICT, "status",
			      "connector %s is %s: it gets no configuration until approved",
			      c->serial, nc_status_name(c->status));
		goto out;
	}
	if (!nc_build_in_service(c->status)) {
		ret = nc_fail(b->ei, NC_ERR_CONFLICT, "status",
			      "connector %s is %s: it gets no more configuration", c->serial,
			      nc_status_name(c->status));
		goto out;
	}
	interfaces = json_array();
	if (!interfaces)
		ret = NC_ERR_NOMEM;
	if (ret == 0)
		ret = backbone(b, c, interfaces);
	if (ret == 0)
		ret = nc_build_peering(b, NULL, interfaces, &ipsec);
	if (ret == 0)
		ret = nc_build_tunnel_commands(b, interfaces, &ipsec);
	for (size_t i = 0; ret == 0 && i < c->n_routes; i++)
		ret = nc_build_route(b, c->routes[i].dst, NULL, c->routes[i].via,
				     NC_BUILD_METRIC_USER);
	if (ret == 0)
		ret = nc_build_static_body(b, &body);
	if (ret == 0)
		ret = nc_build_command(b, "static", body);
	if (ret == 0)
		ret = nc_build_command(b, "nat_config", nat_body(c));
	if (ret == 0)
		ret = nc_build_command(b, "acl_config", acl_body(c));
out:
	json_decref(ipsec);
	json_decref(interfaces);
	return ret;
}
