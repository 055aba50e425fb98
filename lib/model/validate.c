/* SPDX-License-Identifier: MIT */
#include "validate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/err.h"
#include "../util/utf8.h"
#include "model.h"
#include "validate_impl.h"

#define ID_WHAT                                                                                    \
	"is not a valid id (lowercase letters, digits and '-', starting with a letter "            \
	"or digit, at most 63)"
#define SERIAL_WHAT                                                                                \
	"is not a valid serial (letters, digits, '.', '_' and '-', starting with a "               \
	"letter or digit, at most 63)"
#define NAME_WHAT   "is not a valid name (1 to 63 bytes of UTF-8 without control characters)"
#define REGION_WHAT "is not a valid region (1 to 63 bytes of UTF-8 without control characters)"
#define PEERING_WHAT                                                                               \
	"is not a valid peering name (letters, digits, '.', '_' and '-', "                         \
	"starting with a letter or digit, at most 63)"
#define ENDPOINT_WHAT "is not a valid endpoint (host:port or [IPv6]:port, port 1 to 65535)"
#define IFNAME_WHAT                                                                                \
	"is not a valid interface name (letters, digits, '.', '_' and '-', "                       \
	"starting with a letter or digit, at most 15)"
#define KEY_WHAT  "is not a valid WireGuard key (44 characters of base64 encoding 32 bytes)"
#define CIDR_WHAT "is not an IPv4 or IPv6 prefix"
#define IP_WHAT	  "is not an IPv4 or IPv6 address"

/* Object validators. Every check_* returns 0 or NC_ERR_INVAL with ei filled. */

enum need { OPTIONAL, REQUIRED };

/* A fixed buffer of cap bytes must hold its NUL; "" passes when optional. */
static int check_str(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
		     enum need need)
{
	char q[NC_QUOTE_BUF];

	if (!memchr(v, '\0', cap))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' is longer than %zu bytes", field,
			       nc_quote(q, v, cap), cap - 1);
	if (!v[0] && need == REQUIRED)
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: a value is required", field);
	return 0;
}

static int check(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
		 enum need need, bool (*ok)(const char *), const char *what)
{
	char q[NC_QUOTE_BUF];
	int ret = check_str(ei, field, v, cap, need);

	if (ret < 0 || !v[0])
		return ret;
	if (!ok(v))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' %s", field, nc_quote(q, v, cap),
			       what);
	return 0;
}

int nc_new_serial_validate(const char *serial, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];

	if (!serial || !strchr(serial, '.'))
		return 0;
	return nc_fail(ei, NC_ERR_INVAL, "serial",
		       "serial: `%s' has a '.', which MQTT brokers such as RabbitMQ turn into a "
		       "topic level, so the device could never sync there; a new serial takes "
		       "letters, digits, '_' and '-'",
		       nc_quote(q, serial, NC_SERIAL_MAX));
}

/*
 * v (cap bytes) as a prefix into *p: strict refuses host bits and suggests
 * the subnet meant. "" is refused.
 */
static int check_prefix(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
			bool strict, struct nc_prefix *p)
{
	char q[NC_QUOTE_BUF], net[INET6_ADDRSTRLEN];
	int ret = check_str(ei, field, v, cap, REQUIRED);

	if (ret < 0)
		return ret;
	if (!nc_prefix_parse(v, p))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' " CIDR_WHAT, field,
			       nc_quote(q, v, cap));
	if (strict && nc_prefix_clear_host_bits(p)) {
		inet_ntop(p->family, p->addr, net, sizeof(net));
		return nc_fail(
			ei, NC_ERR_INVAL, field,
			"%s: `%s' is not a subnet: host bits are set (did you mean `%s/%u'?)",
			field, nc_quote(q, v, cap), net, p->len);
	}
	return 0;
}

/* Every entry a strict prefix, no two equal. field is the list's name. */
static int check_subnets(struct nc_errinfo *ei, const char *field, const struct nc_strlist *l)
{
	char f[64], q[NC_QUOTE_BUF];
	struct nc_prefix p, other;
	int ret;

	if (l->n > 0 && !l->v)
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: %zu entries but no list", field, l->n);
	for (size_t i = 0; i < l->n; i++) {
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!l->v[i])
			return nc_fail(ei, NC_ERR_INVAL, f, "%s: a value is required", f);
		ret = check_prefix(ei, f, l->v[i], NC_CIDR_MAX, true, &p);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++) {
			/* Entries before i already parsed; compare canonical forms. */
			nc_prefix_parse(l->v[j], &other);
			if (other.family == p.family && other.len == p.len &&
			    memcmp(other.addr, p.addr, sizeof(p.addr)) == 0)
				return nc_fail(ei, NC_ERR_INVAL, f, "%s: `%s' repeats %s[%zu]", f,
					       nc_quote(q, l->v[i], NC_CIDR_MAX), field, j);
		}
	}
	return 0;
}

/* "" is accepted: the device has not registered a key yet. */
static int check_public_key(struct nc_errinfo *ei, const char *v, size_t cap)
{
	return check(ei, "public_key", v, cap, OPTIONAL, nc_valid_wg_key, KEY_WHAT);
}

/* v (cap bytes) is one of the NULL-terminated words. */
static int check_word_in(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
			 const char *const *words, const char *list)
{
	char q[NC_QUOTE_BUF];
	int ret = check_str(ei, field, v, cap, REQUIRED);

	if (ret < 0)
		return ret;
	for (size_t i = 0; words[i]; i++) {
		if (strcmp(v, words[i]) == 0)
			return 0;
	}
	return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' is not %s", field, nc_quote(q, v, cap),
		       list);
}

int nc_tenant_validate(const struct nc_tenant *t, struct nc_errinfo *ei)
{
	int ret;

	ret = check(ei, "id", t->id, sizeof(t->id), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret == 0)
		ret = check(ei, "name", t->name, sizeof(t->name), REQUIRED, nc_valid_name,
			    NAME_WHAT);
	return ret;
}

static bool valid_hash(const char *s)
{
	size_t n = strnlen(s, NC_HASH_HEX_MAX);

	if (n != NC_HASH_HEX_MAX - 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	}
	return true;
}

/* hash may be "" (not yet computed) or 64 lowercase hex digits. */
int nc_token_validate(const struct nc_token *t, struct nc_errinfo *ei)
{
	int ret;

	ret = check(ei, "id", t->id, sizeof(t->id), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", t->name, sizeof(t->name), REQUIRED, nc_valid_name, NAME_WHAT);
	if (ret < 0)
		return ret;
	if ((unsigned int)t->role > NC_ROLE_ENROLL)
		return nc_fail(ei, NC_ERR_INVAL, "role",
			       "role: %d is not viewer, operator, admin or enroll", (int)t->role);
	ret = check(ei, "tenant", t->tenant, sizeof(t->tenant), OPTIONAL, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "hash", t->hash, sizeof(t->hash), OPTIONAL, valid_hash,
		    "is not a SHA-256 in lowercase hex");
	if (ret < 0)
		return ret;
	if (t->expires_at < 0)
		return nc_fail(ei, NC_ERR_INVAL, "expires_at",
			       "expires_at: %lld is not a time (0 for never, or Unix seconds)",
			       (long long)t->expires_at);
	return 0;
}

/* The fields every device has. */
static int check_device(struct nc_errinfo *ei, const char *serial, const char *tenant,
			const char *name, const char *region)
{
	int ret;

	ret = check(ei, "serial", serial, NC_SERIAL_MAX, REQUIRED, nc_valid_serial, SERIAL_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "tenant", tenant, NC_ID_MAX, REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", name, NC_NAME_MAX, REQUIRED, nc_valid_name, NAME_WHAT);
	if (ret < 0)
		return ret;
	return check(ei, "region", region, NC_REGION_MAX, OPTIONAL, nc_valid_region, REGION_WHAT);
}

/* Where a device is reached: its endpoint (NC_ENDPOINT_MAX bytes) and its LANs. */
static int check_reach(struct nc_errinfo *ei, const char *endpoint, enum need need,
		       const struct nc_strlist *lans)
{
	int ret = check(ei, "endpoint", endpoint, NC_ENDPOINT_MAX, need, nc_valid_endpoint,
			ENDPOINT_WHAT);

	if (ret == 0)
		ret = check_subnets(ei, "lan_subnets", lans);
	return ret;
}

int nc_edge_validate(const struct nc_edge *e, struct nc_errinfo *ei)
{
	int ret;

	ret = check_device(ei, e->serial, e->tenant, e->name, e->region);
	if (ret < 0)
		return ret;
	if ((unsigned int)e->kind > NC_EDGE_MTGE)
		return nc_fail(ei, NC_ERR_INVAL, "kind", "kind: %d is not dedicated or mtge",
			       (int)e->kind);
	ret = check_reach(ei, e->endpoint, REQUIRED, &e->lan_subnets);
	if (ret < 0)
		return ret;
	return check_public_key(ei, e->public_key, sizeof(e->public_key));
}

static const char *const acl_actions[] = {"accept", "drop", "reject", NULL};
static const char *const acl_protos[] = {"tcp", "udp", "icmp", "any", NULL};

/* src and dst are required and may have host bits set (iptables masks them). */
static int check_acl_rule(struct nc_errinfo *ei, size_t i, const struct nc_acl_rule *r)
{
	char f[64], q[NC_QUOTE_BUF], q2[NC_QUOTE_BUF];
	struct nc_prefix src, dst;
	int ret;

	snprintf(f, sizeof(f), "acl[%zu].action", i);
	ret = check_word_in(ei, f, r->action, sizeof(r->action), acl_actions,
			    "accept, drop or reject");
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].proto", i);
	ret = check_word_in(ei, f, r->proto, sizeof(r->proto), acl_protos, "tcp, udp, icmp or any");
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].src", i);
	ret = check_prefix(ei, f, r->src, sizeof(r->src), false, &src);
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].dst", i);
	ret = check_prefix(ei, f, r->dst, sizeof(r->dst), false, &dst);
	if (ret < 0)
		return ret;
	if (src.family != dst.family)
		return nc_fail(
			ei, NC_ERR_INVAL, f, "%s: `%s' is not of the address family of src `%s'", f,
			nc_quote(q, r->dst, sizeof(r->dst)), nc_quote(q2, r->src, sizeof(r->src)));
	snprintf(f, sizeof(f), "acl[%zu].dport", i);
	if (r->dport < 0 || r->dport > 65535)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s: %d is not a port (0 for any, 1 to 65535)",
			       f, r->dport);
	if (r->dport != 0 && strcmp(r->proto, "tcp") != 0 && strcmp(r->proto, "udp") != 0)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s: %d needs proto tcp or udp, not `%s'", f,
			       r->dport, r->proto);
	return 0;
}

/* dst must be a subnet (ip route refuses host bits); via a plain address of its family. */
static int check_route(struct nc_errinfo *ei, size_t i, const struct nc_route *r)
{
	char f[64], q[NC_QUOTE_BUF], q2[NC_QUOTE_BUF];
	struct nc_prefix dst, via;
	int ret;

	snprintf(f, sizeof(f), "routes[%zu].dst", i);
	ret = check_prefix(ei, f, r->dst, sizeof(r->dst), true, &dst);
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "routes[%zu].via", i);
	ret = check(ei, f, r->via, sizeof(r->via), REQUIRED, nc_valid_ip, IP_WHAT);
	if (ret < 0)
		return ret;
	nc_prefix_parse_addr(r->via, strlen(r->via), &via);
	if (via.family != dst.family)
		return nc_fail(
			ei, NC_ERR_INVAL, f, "%s: `%s' is not of the address family of dst `%s'", f,
			nc_quote(q, r->via, sizeof(r->via)), nc_quote(q2, r->dst, sizeof(r->dst)));
	return 0;
}

/* A wan_interface set while NAT is off must still be valid: enabling NAT later uses it. */
int nc_connector_validate(const struct nc_connector *c, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret;

	ret = check_device(ei, c->serial, c->tenant, c->name, c->region);
	if (ret < 0)
		return ret;
	ret = check(ei, "hub_edge", c->hub_edge, sizeof(c->hub_edge), OPTIONAL, nc_valid_serial,
		    SERIAL_WHAT);
	if (ret < 0)
		return ret;
	if (c->hub_edge[0] && strcmp(c->hub_edge, c->serial) == 0)
		return nc_fail(ei, NC_ERR_INVAL, "hub_edge",
			       "hub_edge: `%s' is the connector itself",
			       nc_quote(q, c->hub_edge, sizeof(c->hub_edge)));
	ret = check_reach(ei, c->endpoint, OPTIONAL, &c->lan_subnets);
	if (ret < 0)
		return ret;
	ret = check(ei, "nat.wan_interface", c->wan_interface, sizeof(c->wan_interface),
		    c->nat_enabled ? REQUIRED : OPTIONAL, nc_valid_ifname, IFNAME_WHAT);
	if (ret < 0)
		return ret;
	if (c->n_acl > 0 && !c->acl)
		return nc_fail(ei, NC_ERR_INVAL, "acl", "acl: %zu rules but no list", c->n_acl);
	if (c->n_routes > 0 && !c->routes)
		return nc_fail(ei, NC_ERR_INVAL, "routes", "routes: %zu routes but no list",
			       c->n_routes);
	for (size_t i = 0; i < c->n_acl; i++) {
		ret = check_acl_rule(ei, i, &c->acl[i]);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < c->n_routes; i++) {
		ret = check_route(ei, i, &c->routes[i]);
		if (ret < 0)
			return ret;
	}
	if ((unsigned int)c->status > NC_STATUS_DECOMMISSIONED)
		return nc_fail(ei, NC_ERR_INVAL, "status", "status: %d is not a connector status",
			       (int)c->status);
	return check_public_key(ei, c->public_key, sizeof(c->public_key));
}

int nc_peering_validate(const struct nc_peering *p, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret;

	ret = check(ei, "tenant", p->tenant, sizeof(p->tenant), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", p->name, sizeof(p->name), REQUIRED, nc_valid_peering_name,
		    PEERING_WHAT);
	if (ret < 0)
		return ret;
	if ((unsigned int)p->topology > NC_TOPO_PARTIAL_MESH)
		return nc_fail(ei, NC_ERR_INVAL, "topology",
			       "topology: %d is not mesh, hub_spoke or partial_mesh",
			       (int)p->topology);
	if ((unsigned int)p->protocol > NC_PROTO_IPSEC)
		return nc_fail(ei, NC_ERR_INVAL, "protocol",
			       "protocol: %d is not wireguard or ipsec", (int)p->protocol);
	if (p->topology == NC_TOPO_HUB_SPOKE) {
		if (!p->hub[0])
			return nc_fail(ei, NC_ERR_INVAL, "hub",
				       "hub: topology hub_spoke needs a hub");
		return check(ei, "hub", p->hub, sizeof(p->hub), REQUIRED, nc_valid_serial,
			     SERIAL_WHAT);
	}
	ret = check_str(ei, "hub", p->hub, sizeof(p->hub), OPTIONAL);
	if (ret == 0 && p->hub[0])
		ret = nc_fail(ei, NC_ERR_INVAL, "hub",
			      "hub: `%s' is set but topology %s has no hub",
			      nc_quote(q, p->hub, sizeof(p->hub)), nc_topology_name(p->topology));
	return ret;
}
