/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the REST request bodies: the input is parsed as the
 * server parses a body (lib/api/server.c: json_loadb, duplicates refused),
 * then given to every body decoder the handlers use: the resource decoders
 * of lib/model/codec.c in create and patch mode, the token request, the
 * ACL and route lists, and the small bodies decoded member by member
 * (sync, membership, link, token rotation) with lib/util/json.c. The
 * semantic validators run on whatever decodes, as the core runs them.
 * Invariants: a decoded object encodes, and its encoding decodes (as a
 * response) to the same encoding; a refused patch leaves the object as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/model/codec.h"
#include "lib/model/model.h"
#include "lib/model/validate.h"
#include "lib/util/err.h"
#include "lib/util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static json_t *load(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	check(v != NULL);
	return v;
}

/* The resources with a codec and a validator, one row each in resources. */
union resource_obj {
	struct nc_tenant t;
	struct nc_edge e;
	struct nc_connector c;
	struct nc_peering p;
};

struct resource {
	int (*from_json)(const json_t *o, union resource_obj *out, unsigned flags,
			 struct nc_errinfo *ei);
	json_t *(*to_json)(const union resource_obj *r);
	int (*validate)(const union resource_obj *r, struct nc_errinfo *ei);
	/* Frees the lists a decoded object owns (NULL: none). */
	void (*clear)(union resource_obj *r);
	/* A body that creates one, which a patch then changes (NULL: no patch). */
	const char *seed;
};

/* nc_T_from_json, nc_T_to_json and nc_T_validate on member m of the union. */
#define RESOURCE_CODEC(T, m)                                                                       \
	static int T##_from_json(const json_t *o, union resource_obj *out, unsigned flags,         \
				 struct nc_errinfo *ei)                                            \
	{                                                                                          \
		return nc_##T##_from_json(o, &out->m, flags, ei);                                  \
	}                                                                                          \
	static json_t *T##_to_json(const union resource_obj *r)                                    \
	{                                                                                          \
		return nc_##T##_to_json(&r->m);                                                    \
	}                                                                                          \
	static int T##_validate(const union resource_obj *r, struct nc_errinfo *ei)                \
	{                                                                                          \
		return nc_##T##_validate(&r->m, ei);                                               \
	}
RESOURCE_CODEC(tenant, t)
RESOURCE_CODEC(edge, e)
RESOURCE_CODEC(connector, c)
RESOURCE_CODEC(peering, p)

static void edge_clear(union resource_obj *r)
{
	nc_edge_clear(&r->e);
}

static void connector_clear(union resource_obj *r)
{
	nc_connector_clear(&r->c);
}

static const struct resource resources[] = {
	{tenant_from_json, tenant_to_json, tenant_validate, NULL, NULL},
	{edge_from_json, edge_to_json, edge_validate, edge_clear,
	 "{\"serial\":\"E-1\",\"name\":\"e\",\"kind\":\"dedicated\","
	 "\"endpoint\":\"192.0.2.1:51820\",\"lan_subnets\":[\"192.0.2.0/26\"]}"},
	{connector_from_json, connector_to_json, connector_validate, connector_clear,
	 "{\"serial\":\"C-1\",\"name\":\"c\",\"hub_edge\":\"E-1\","
	 "\"lan_subnets\":[\"192.0.2.64/26\"],\"nat\":{\"enabled\":true,"
	 "\"wan_interface\":\"eth0\"},\"acl\":[{\"action\":\"accept\",\"proto\":\"tcp\","
	 "\"src\":\"0.0.0.0/0\",\"dst\":\"192.0.2.64/26\",\"dport\":22}],"
	 "\"routes\":[{\"dst\":\"198.18.0.0/24\",\"via\":\"192.0.2.65\"}]}"},
	{peering_from_json, peering_to_json, peering_validate, NULL,
	 "{\"name\":\"hs\",\"topology\":\"hub_spoke\",\"hub\":\"E-1\"}"},
};

static void clear(const struct resource *r, union resource_obj *o)
{
	if (r->clear)
		r->clear(o);
}

/* body as a create: what decodes validates, encodes, and its encoding decodes (as a
 * response) to the same encoding. */
static void create(const struct resource *r, const json_t *body)
{
	union resource_obj o, o2;
	struct nc_errinfo ei = {0};
	json_t *j, *after;

	memset(&o, 0, sizeof(o));
	memset(&o2, 0, sizeof(o2));
	if (r->from_json(body, &o, NC_DECODE_CREATE, &ei) == 0) {
		r->validate(&o, &ei);
		j = r->to_json(&o);
		check(j != NULL);
		check(r->from_json(j, &o2, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei) == 0);
		after = r->to_json(&o2);
		check(json_equal(j, after));
		json_decref(after);
		json_decref(j);
		clear(r, &o2);
	}
	clear(r, &o);
}

/* body as a patch of the seed: what applies validates and encodes; a refused patch
 * leaves the object as it was. */
static void patch(const struct resource *r, const json_t *body)
{
	union resource_obj cur;
	struct nc_errinfo ei = {0};
	json_t *j, *before, *after, *seed;

	memset(&cur, 0, sizeof(cur));
	seed = load(r->seed);
	check(r->from_json(seed, &cur, NC_DECODE_CREATE, &ei) == 0);
	before = r->to_json(&cur);
	if (r->from_json(body, &cur, NC_DECODE_PATCH, &ei) == 0) {
		r->validate(&cur, &ei);
		j = r->to_json(&cur);
		check(j != NULL);
		json_decref(j);
	} else {
		after = r->to_json(&cur);
		check(json_equal(before, after));
		json_decref(after);
	}
	json_decref(before);
	json_decref(seed);
	clear(r, &cur);
}

static void token_request(const json_t *body)
{
	struct nc_errinfo ei = {0};
	char name[NC_NAME_MAX], tenant[NC_ID_MAX];
	enum nc_role role;
	int64_t expires_in;

	if (nc_token_request_from_json(body, name, &role, tenant, &expires_in, &ei) == 0)
		check(expires_in >= 0 && expires_in <= NC_TOKEN_EXPIRES_MAX &&
		      strlen(name) < sizeof(name) && strlen(tenant) < sizeof(tenant));
}

/* The list members on their own, as the store and a patch give them. */
static void lists(const json_t *body)
{
	struct nc_acl_rule *acl = NULL;
	struct nc_route *routes = NULL;
	struct nc_errinfo ei = {0};
	size_t n = 0;
	json_t *j, *again;

	if (!json_is_array(body))
		return;
	if (nc_acl_from_json(body, "acl", &acl, &n, &ei) == 0) {
		j = nc_acl_to_json(acl, n);
		check(j != NULL);
		free(acl);
		acl = NULL;
		check(nc_acl_from_json(j, "acl", &acl, &n, &ei) == 0);
		again = nc_acl_to_json(acl, n);
		check(json_equal(j, again));
		json_decref(again);
		json_decref(j);
	}
	free(acl);
	n = 0;
	if (nc_routes_from_json(body, "routes", &routes, &n, &ei) == 0) {
		j = nc_routes_to_json(routes, n);
		check(j != NULL);
		json_decref(j);
	}
	free(routes);
}

/* The bodies the handlers decode member by member. */
static void small_bodies(const json_t *body)
{
	static const char *const sync_allowed[] = {"devices", "all", "state", NULL};
	static const char *const rotate_allowed[] = {"name", "expires_in", NULL};
	static const char *const link_allowed[] = {"a", "b", NULL};
	struct nc_strlist serials = {0};
	struct nc_errinfo ei = {0};
	char buf[NC_SERIAL_MAX], b2[NC_SERIAL_MAX], state[16];
	int64_t n;
	bool all;

	if (nc_json_only(body, sync_allowed, NULL, &ei) == 0) {
		nc_json_bool(body, "all", &all, false, NULL, &ei);
		if (nc_json_str(body, "state", state, sizeof(state), false, NULL, &ei) > 0)
			check(strlen(state) < sizeof(state));
		nc_json_strlist(body, "devices", NC_SERIAL_MAX, &serials, false, NULL, &ei);
		for (size_t i = 0; i < serials.n; i++)
			check(strlen(serials.v[i]) < NC_SERIAL_MAX);
		nc_strlist_clear(&serials);
	}
	if (nc_json_only(body, rotate_allowed, NULL, &ei) == 0) {
		nc_json_str(body, "name", buf, sizeof(buf), true, NULL, &ei);
		if (nc_json_int(body, "expires_in", 0, NC_TOKEN_EXPIRES_MAX, &n, false, NULL, &ei) >
		    0)
			check(n >= 0 && n <= NC_TOKEN_EXPIRES_MAX);
	}
	if (nc_json_only(body, link_allowed, NULL, &ei) == 0 &&
	    nc_json_str(body, "a", buf, sizeof(buf), true, NULL, &ei) > 0 &&
	    nc_json_str_or_null(body, "b", b2, sizeof(b2), true, NULL, &ei) > 0)
		check(strlen(buf) < sizeof(buf) && strlen(b2) < sizeof(b2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	if (!body)
		return 0;
	for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		create(&resources[i], body);
		if (resources[i].seed)
			patch(&resources[i], body);
	}
	token_request(body);
	lists(body);
	small_bodies(body);
	json_decref(body);
	return 0;
}
