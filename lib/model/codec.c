/* SPDX-License-Identifier: MIT */
#include "codec.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/json.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "model.h"

/*
 * Input, the decoding half of codec.h (encode.c has the output half). Helpers
 * return 1 stored, 0 absent, or a negative NC_ERR_* with ei filled.
 */

/* Checks flags, that o is an object, and its members; read-only ones need NC_DECODE_OUTPUT. */
static int begin(const json_t *o, unsigned flags, const char *const *members,
		 const char *const *readonly, struct nc_errinfo *ei)
{
	unsigned mode = flags & (NC_DECODE_CREATE | NC_DECODE_PATCH);
	int ret;

	if ((mode != NC_DECODE_CREATE && mode != NC_DECODE_PATCH) ||
	    (flags & ~(NC_DECODE_CREATE | NC_DECODE_PATCH | NC_DECODE_OUTPUT)))
		return nc_fail(ei, NC_ERR_INTERNAL, NULL, "decode flags %#x name no single mode",
			       flags);
	if (!json_is_object(o))
		return nc_fail(ei, NC_ERR_INVAL, NULL, "the body must be a JSON object");
	ret = nc_json_only(o, members, NULL, ei);
	if (ret < 0 || (flags & NC_DECODE_OUTPUT))
		return ret;
	for (size_t i = 0; readonly[i]; i++) {
		if (!json_object_get(o, readonly[i]))
			continue;
		if (strcmp(readonly[i], "status") == 0)
			return nc_fail(ei, NC_ERR_INVAL, "status",
				       "status changes through approve and decommission");
		return nc_fail(ei, NC_ERR_INVAL, readonly[i], "%s is read-only", readonly[i]);
	}
	return 0;
}

/*
 * A member that identifies the object: decoded into cur on a create
 * (required or not); on a patch it may only repeat cur's value.
 */
static int ident(const json_t *o, const char *key, char *cur, size_t cap, bool required,
		 unsigned flags, struct nc_errinfo *ei)
{
	char buf[128];
	int ret;

	if (flags & NC_DECODE_CREATE)
		return nc_json_str(o, key, cur, cap, required, NULL, ei);
	ret = nc_json_str(o, key, buf, cap < sizeof(buf) ? cap : sizeof(buf), false, NULL, ei);
	if (ret > 0 && strncmp(buf, cur, cap) != 0)
		ret = nc_fail(ei, NC_ERR_INVAL, key, "%s cannot be changed", key);
	return ret;
}

/*
 * The string value of an enum member, borrowed from o; absent, not a
 * string, or required and absent are reported as nc_json_str does.
 */
static int word(const json_t *o, const char *key, bool required, struct nc_errinfo *ei,
		const char **out)
{
	json_t *v = json_object_get(o, key);
	char q[48];

	if (!v || !json_is_string(v))
		return nc_json_str(o, key, q, sizeof(q), required, NULL, ei);
	*out = json_string_value(v);
	if (strlen(*out) != json_string_length(v))
		return nc_fail(ei, NC_ERR_INVAL, key, "%s contains a NUL character", key);
	return 1;
}

static int bad_word(struct nc_errinfo *ei, const char *key, const char *choices, const char *v)
{
	char q[NC_QUOTE_BUF];

	return nc_fail(ei, NC_ERR_INVAL, key, "%s must be %s, not `%s'", key, choices,
		       nc_quote(q, v, SIZE_MAX));
}

/* One getter per enum member; ret as for word(). */
#define ENUM_GETTER(fn, type, parse, choices)                                                      \
	static int fn(const json_t *o, const char *key, bool required, type *out,                  \
		      struct nc_errinfo *ei)                                                       \
	{                                                                                          \
		const char *s;                                                                     \
		int ret = word(o, key, required, ei, &s);                                          \
                                                                                                   \
		if (ret > 0 && parse(s, out) < 0)                                                  \
			ret = bad_word(ei, key, choices, s);                                       \
		return ret;                                                                        \
	}

ENUM_GETTER(get_role, enum nc_role, nc_role_parse, "admin, operator or viewer")
ENUM_GETTER(get_kind, enum nc_edge_kind, nc_edge_kind_parse, "dedicated or mtge")
ENUM_GETTER(get_status, enum nc_status, nc_status_parse,
	    "pending_approval, approved, provisioned, active, offline or decommissioned")
ENUM_GETTER(get_topology, enum nc_topology, nc_topology_parse, "mesh, hub_spoke or partial_mesh")
ENUM_GETTER(get_protocol, enum nc_protocol, nc_protocol_parse, "wireguard or ipsec")

/* An ISO 8601 time or null (0). */
static int get_time(const json_t *o, const char *key, int64_t *out, struct nc_errinfo *ei)
{
	char buf[48], q[NC_QUOTE_BUF];
	int64_t t = 0;
	int ret = nc_json_str_or_null(o, key, buf, sizeof(buf), false, NULL, ei);

	if (ret <= 0)
		return ret;
	if (buf[0] && nc_time_parse_iso(buf, &t) < 0)
		return nc_fail(ei, NC_ERR_INVAL, key,
			       "%s must be an ISO 8601 UTC time or null, not `%s'", key,
			       nc_quote(q, buf, sizeof(buf)));
	*out = t;
	return 1;
}

/* The read-only members of a device's output: its keys, null or a string, and its times. */
static int get_device_output(const json_t *o, char public_key[NC_KEY_B64_MAX],
			     char pending_key[NC_KEY_B64_MAX], int64_t *last_seen,
			     int64_t *created_at, int64_t *updated_at, struct nc_errinfo *ei)
{
	int ret = nc_json_str_or_null(o, "public_key", public_key, NC_KEY_B64_MAX, false, NULL, ei);

	if (ret >= 0)
		ret = nc_json_str_or_null(o, "pending_key", pending_key, NC_KEY_B64_MAX, false,
					  NULL, ei);
	if (ret >= 0)
		ret = get_time(o, "last_seen", last_seen, ei);
	if (ret >= 0)
		ret = get_time(o, "created_at", created_at, ei);
	if (ret >= 0)
		ret = get_time(o, "updated_at", updated_at, ei);
	return ret;
}

/* The members that name a device: serial and tenant identify it (ident()); name is required
 * on a create. */
static int get_device_head(const json_t *o, char serial[NC_SERIAL_MAX], char tenant[NC_ID_MAX],
			   char name[NC_NAME_MAX], unsigned flags, struct nc_errinfo *ei)
{
	int ret = ident(o, "serial", serial, NC_SERIAL_MAX, true, flags, ei);

	if (ret >= 0)
		ret = ident(o, "tenant", tenant, NC_ID_MAX, false, flags, ei);
	if (ret >= 0)
		ret = nc_json_str(o, "name", name, NC_NAME_MAX, flags & NC_DECODE_CREATE, NULL, ei);
	return ret;
}

/* Element i of an array of objects, checked against its members; path receives "key[i]". */
static int element(const json_t *e, const char *key, size_t i, const char *const *members,
		   char *path, size_t n, struct nc_errinfo *ei)
{
	snprintf(path, n, "%s[%zu]", key, i);
	if (!json_is_object(e))
		return nc_fail(ei, NC_ERR_INVAL, path, "%s must be an object, not %s", path,
			       nc_json_typename(e));
	return nc_json_only(e, members, path, ei);
}

/* A copy of n elements of size bytes (NULL when there are none). */
static void *dup_array(const void *v, size_t n, size_t size)
{
	void *p;

	if (!v || n == 0)
		return NULL;
	p = nc_xcalloc(n, size);
	memcpy(p, v, n * size);
	return p;
}

/* Objects. */

_Static_assert(NC_NAME_MAX >= NC_ID_MAX, "a tenant's name defaults to its id");

int nc_tenant_from_json(const json_t *o, struct nc_tenant *out, unsigned flags,
			struct nc_errinfo *ei)
{
	static const char *const members[] = {"id", "name", "created_at", NULL};
	static const char *const readonly[] = {"created_at", NULL};
	struct nc_tenant t = *out;
	int ret = begin(o, flags, members, readonly, ei);

	if (ret >= 0)
		ret = ident(o, "id", t.id, sizeof(t.id), true, flags, ei);
	if (ret >= 0)
		ret = nc_json_str(o, "name", t.name, sizeof(t.name), false, NULL, ei);
	/* name defaults to the id, on a create. */
	if (ret == 0 && (flags & NC_DECODE_CREATE) && !t.name[0])
		memcpy(t.name, t.id, NC_ID_MAX);
	if (ret >= 0 && (flags & NC_DECODE_OUTPUT))
		ret = get_time(o, "created_at", &t.created_at, ei);
	if (ret < 0)
		return ret;
	*out = t;
	return 0;
}

int nc_token_request_from_json(const json_t *o, char name[NC_NAME_MAX], enum nc_role *role,
			       char tenant[NC_ID_MAX], int64_t *expires_in, struct nc_errinfo *ei)
{
	static const char *const members[] = {"name", "role", "tenant", "expires_in", NULL};
	static const char *const readonly[] = {NULL};
	char n[NC_NAME_MAX], t[NC_ID_MAX] = "";
	enum nc_role r = NC_ROLE_VIEWER;
	int64_t exp = 0;
	int ret = begin(o, NC_DECODE_CREATE, members, readonly, ei);

	if (ret >= 0)
		ret = nc_json_str(o, "name", n, sizeof(n), true, NULL, ei);
	if (ret >= 0)
		ret = get_role(o, "role", true, &r, ei);
	if (ret >= 0)
		ret = nc_json_str_or_null(o, "tenant", t, sizeof(t), false, NULL, ei);
	if (ret >= 0)
		ret = nc_json_int(o, "expires_in", 0, NC_TOKEN_EXPIRES_MAX, &exp, false, NULL, ei);
	if (ret < 0)
		return ret;
	memcpy(name, n, sizeof(n));
	*role = r;
	memcpy(tenant, t, sizeof(t));
	*expires_in = exp;
	return 0;
}

static void edge_copy(struct nc_edge *dst, const struct nc_edge *src)
{
	*dst = *src;
	dst->lan_subnets = (struct nc_strlist){0};
	nc_strlist_copy(&dst->lan_subnets, &src->lan_subnets);
}

int nc_edge_from_json(const json_t *o, struct nc_edge *out, unsigned flags, struct nc_errinfo *ei)
{
	static const char *const members[] = {
		"serial",     "tenant",	     "name",	   "kind",	"region",
		"endpoint",   "lan_subnets", "public_key", "last_seen", "created_at",
		"updated_at", "pending_key", NULL};
	static const char *const readonly[] = {"public_key", "last_seen",   "created_at",
					       "updated_at", "pending_key", NULL};
	bool create = flags & NC_DECODE_CREATE;
	struct nc_edge e = {0};
	int ret = begin(o, flags, members, readonly, ei);

	if (ret < 0)
		return ret;
	edge_copy(&e, out);
	ret = get_device_head(o, e.serial, e.tenant, e.name, flags, ei);
	if (ret >= 0)
		ret = get_kind(o, "kind", create, &e.kind, ei);
	if (ret >= 0)
		ret = nc_json_str(o, "region", e.region, sizeof(e.region), false, NULL, ei);
	if (ret >= 0)
		ret = nc_json_str(o, "endpoint", e.endpoint, sizeof(e.endpoint), create, NULL, ei);
	if (ret >= 0)
		ret = nc_json_strlist(o, "lan_subnets", NC_CIDR_MAX, &e.lan_subnets, false, NULL,
				      ei);
	if (ret >= 0 && (flags & NC_DECODE_OUTPUT))
		ret = get_device_output(o, e.public_key, e.pending_key, &e.last_seen, &e.created_at,
					&e.updated_at, ei);
	if (ret < 0)
		goto out;
	nc_edge_clear(out);
	*out = e;
	e = (struct nc_edge){0};
	ret = 0;
out:
	nc_edge_clear(&e);
	return ret;
}

/* "nat": both members optional on a patch; enabled required on a create. */
static int get_nat(const json_t *o, bool create, struct nc_connector *c, struct nc_errinfo *ei)
{
	static const char *const members[] = {"enabled", "wan_interface", NULL};
	json_t *nat = json_object_get(o, "nat");
	int ret;

	if (!nat)
		return 0;
	if (!json_is_object(nat))
		return nc_fail(ei, NC_ERR_INVAL, "nat", "nat must be an object, not %s",
			       nc_json_typename(nat));
	ret = nc_json_only(nat, members, "nat", ei);
	if (ret >= 0)
		ret = nc_json_bool(nat, "enabled", &c->nat_enabled, create, "nat", ei);
	if (ret >= 0)
		ret = nc_json_str(nat, "wan_interface", c->wan_interface, sizeof(c->wan_interface),
				  false, "nat", ei);
	return ret < 0 ? ret : 1;
}

/* Lists. */

/* Decodes e, element path ("acl[1]") of a list, into item, a zeroed element. */
typedef int (*element_fn)(const json_t *e, void *item, const char *path, struct nc_errinfo *ei);

/*
 * arr, named path, as an array of objects holding only the given members,
 * each decoded by one() into a zeroed element of size bytes. On success *v
 * (freed) and *n are replaced, *v NULL when the list is empty; on failure
 * both are unchanged.
 */
static int decode_list(const json_t *arr, const char *path, const char *const *members, size_t size,
		       element_fn one, void **v, size_t *n, struct nc_errinfo *ei)
{
	unsigned char *items = NULL;
	char epath[64];
	json_t *e;
	size_t i, count;
	int ret = 0;

	if (!json_is_array(arr)) {
		ret = nc_fail(ei, NC_ERR_INVAL, path, "%s must be an array of objects, not %s",
			      path, nc_json_typename(arr));
		goto out;
	}
	count = json_array_size(arr);
	items = count ? nc_xcalloc(count, size) : NULL;
	json_array_foreach(arr, i, e) {
		ret = element(e, path, i, members, epath, sizeof(epath), ei);
		if (ret >= 0)
			ret = one(e, items + i * size, epath, ei);
		if (ret < 0)
			goto out;
	}
	free(*v);
	*v = items;
	*n = count;
	items = NULL;
	ret = 0;
out:
	free(items);
	return ret;
}

/* One ACL rule: every member but dport (0 when absent) is required. */
static int acl_rule(const json_t *e, void *item, const char *path, struct nc_errinfo *ei)
{
	struct nc_acl_rule *r = item;
	int64_t dport = 0;
	int ret = nc_json_str(e, "action", r->action, sizeof(r->action), true, path, ei);

	if (ret >= 0)
		ret = nc_json_str(e, "proto", r->proto, sizeof(r->proto), true, path, ei);
	if (ret >= 0)
		ret = nc_json_str(e, "src", r->src, sizeof(r->src), true, path, ei);
	if (ret >= 0)
		ret = nc_json_str(e, "dst", r->dst, sizeof(r->dst), true, path, ei);
	if (ret >= 0)
		ret = nc_json_int(e, "dport", 0, 65535, &dport, false, path, ei);
	r->dport = (int)dport;
	return ret;
}

int nc_acl_from_json(const json_t *arr, const char *path, struct nc_acl_rule **v, size_t *n,
		     struct nc_errinfo *ei)
{
	static const char *const members[] = {"action", "proto", "src", "dst", "dport", NULL};
	void *p = *v;
	int ret = decode_list(arr, path, members, sizeof(**v), acl_rule, &p, n, ei);

	*v = p;
	return ret;
}

/* One static route: both members required. */
static int route(const json_t *e, void *item, const char *path, struct nc_errinfo *ei)
{
	struct nc_route *r = item;
	int ret = nc_json_str(e, "dst", r->dst, sizeof(r->dst), true, path, ei);

	if (ret >= 0)
		ret = nc_json_str(e, "via", r->via, sizeof(r->via), true, path, ei);
	return ret;
}

int nc_routes_from_json(const json_t *arr, const char *path, struct nc_route **v, size_t *n,
			struct nc_errinfo *ei)
{
	static const char *const members[] = {"dst", "via", NULL};
	void *p = *v;
	int ret = decode_list(arr, path, members, sizeof(**v), route, &p, n, ei);

	*v = p;
	return ret;
}

static void connector_copy(struct nc_connector *dst, const struct nc_connector *src)
{
	*dst = *src;
	dst->lan_subnets = (struct nc_strlist){0};
	nc_strlist_copy(&dst->lan_subnets, &src->lan_subnets);
	dst->acl = dup_array(src->acl, src->n_acl, sizeof(*src->acl));
	dst->n_acl = dst->acl ? src->n_acl : 0;
	dst->routes = dup_array(src->routes, src->n_routes, sizeof(*src->routes));
	dst->n_routes = dst->routes ? src->n_routes : 0;
}

int nc_connector_from_json(const json_t *o, struct nc_connector *out, unsigned flags,
			   struct nc_errinfo *ei)
{
	static const char *const members[] = {
		"serial",      "tenant",     "name",	   "region",	  "hub_edge", "endpoint",
		"lan_subnets", "nat",	     "acl",	   "routes",	  "status",   "last_seen",
		"public_key",  "created_at", "updated_at", "pending_key", NULL};
	static const char *const readonly[] = {"status",     "last_seen",  "public_key",
					       "created_at", "updated_at", "pending_key",
					       NULL};
	bool create = flags & NC_DECODE_CREATE;
	struct nc_connector c = {0};
	int ret = begin(o, flags, members, readonly, ei);

	if (ret < 0)
		return ret;
	connector_copy(&c, out);
	ret = get_device_head(o, c.serial, c.tenant, c.name, flags, ei);
	if (ret >= 0)
		ret = nc_json_str(o, "region", c.region, sizeof(c.region), false, NULL, ei);
	if (ret >= 0)
		ret = nc_json_str_or_null(o, "hub_edge", c.hub_edge, sizeof(c.hub_edge), false,
					  NULL, ei);
	if (ret >= 0)
		ret = nc_json_str_or_null(o, "endpoint", c.endpoint, sizeof(c.endpoint), false,
					  NULL, ei);
	if (ret >= 0)
		ret = nc_json_strlist(o, "lan_subnets", NC_CIDR_MAX, &c.lan_subnets, false, NULL,
				      ei);
	if (ret >= 0)
		ret = get_nat(o, create, &c, ei);
	/* A present list replaces c's. */
	if (ret >= 0 && json_object_get(o, "acl"))
		ret = nc_acl_from_json(json_object_get(o, "acl"), "acl", &c.acl, &c.n_acl, ei);
	if (ret >= 0 && json_object_get(o, "routes"))
		ret = nc_routes_from_json(json_object_get(o, "routes"), "routes", &c.routes,
					  &c.n_routes, ei);
	if (ret >= 0 && (flags & NC_DECODE_OUTPUT)) {
		ret = get_status(o, "status", false, &c.status, ei);
		if (ret >= 0)
			ret = get_device_output(o, c.public_key, c.pending_key, &c.last_seen,
						&c.created_at, &c.updated_at, ei);
	}
	if (ret < 0)
		goto out;
	nc_connector_clear(out);
	*out = c;
	c = (struct nc_connector){0};
	ret = 0;
out:
	nc_connector_clear(&c);
	return ret;
}

int nc_peering_from_json(const json_t *o, struct nc_peering *out, unsigned flags,
			 struct nc_errinfo *ei)
{
	static const char *const members[] = {"tenant",	    "name",	   "topology",
					      "protocol",   "dual_tunnel", "hub",
					      "created_at", "updated_at",  NULL};
	static const char *const readonly[] = {"created_at", "updated_at", NULL};
	bool create = flags & NC_DECODE_CREATE;
	struct nc_peering p = *out;
	int ret = begin(o, flags, members, readonly, ei);

	if (ret >= 0)
		ret = ident(o, "tenant", p.tenant, sizeof(p.tenant), false, flags, ei);
	if (ret >= 0)
		ret = ident(o, "name", p.name, sizeof(p.name), true, flags, ei);
	if (ret >= 0)
		ret = get_topology(o, "topology", create, &p.topology, ei);
	if (ret >= 0)
		ret = get_protocol(o, "protocol", false, &p.protocol, ei);
	if (ret >= 0)
		ret = nc_json_bool(o, "dual_tunnel", &p.dual_tunnel, false, NULL, ei);
	if (ret >= 0)
		ret = nc_json_str_or_null(o, "hub", p.hub, sizeof(p.hub), false, NULL, ei);
	if (ret >= 0 && (flags & NC_DECODE_OUTPUT)) {
		ret = get_time(o, "created_at", &p.created_at, ei);
		if (ret >= 0)
			ret = get_time(o, "updated_at", &p.updated_at, ei);
	}
	if (ret < 0)
		return ret;
	*out = p;
	return 0;
}
