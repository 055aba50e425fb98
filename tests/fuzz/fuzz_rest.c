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

static void edge(const json_t *body)
{
	struct nc_edge e = {0}, cur = {0}, e2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j, *before, *after, *seed;

	if (nc_edge_from_json(body, &e, NC_DECODE_CREATE, &ei) == 0) {
		nc_edge_validate(&e, &ei);
		j = nc_edge_to_json(&e);
		check(j != NULL);
		check(nc_edge_from_json(j, &e2, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei) == 0);
		after = nc_edge_to_json(&e2);
		check(json_equal(j, after));
		json_decref(after);
		json_decref(j);
		nc_edge_clear(&e2);
	}
	nc_edge_clear(&e);
	seed = load("{\"serial\":\"E-1\",\"name\":\"e\",\"kind\":\"dedicated\","
		    "\"endpoint\":\"192.0.2.1:51820\",\"lan_subnets\":[\"192.0.2.0/26\"]}");
	check(nc_edge_from_json(seed, &cur, NC_DECODE_CREATE, &ei) == 0);
	before = nc_edge_to_json(&cur);
	if (nc_edge_from_json(body, &cur, NC_DECODE_PATCH, &ei) == 0) {
		nc_edge_validate(&cur, &ei);
		j = nc_edge_to_json(&cur);
		check(j != NULL);
		json_decref(j);
	} else {
		after = nc_edge_to_json(&cur);
		check(json_equal(before, after));
		json_decref(after);
	}
	json_decref(before);
	json_decref(seed);
	nc_edge_clear(&cur);
}

static void connector(const json_t *body)
{
	struct nc_connector c = {0}, cur = {0}, c2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j, *before, *after, *seed;

	if (nc_connector_from_json(body, &c, NC_DECODE_CREATE, &ei) == 0) {
		nc_connector_validate(&c, &ei);
		j = nc_connector_to_json(&c);
		check(j != NULL);
		check(nc_connector_from_json(j, &c2, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei) ==
		      0);
		after = nc_connector_to_json(&c2);
		check(json_equal(j, after));
		json_decref(after);
		json_decref(j);
		nc_connector_clear(&c2);
	}
	nc_connector_clear(&c);
	seed = load("{\"serial\":\"C-1\",\"name\":\"c\",\"hub_edge\":\"E-1\","
		    "\"lan_subnets\":[\"192.0.2.64/26\"],\"nat\":{\"enabled\":true,"
		    "\"wan_interface\":\"eth0\"},\"acl\":[{\"action\":\"accept\",\"proto\":\"tcp\","
		    "\"src\":\"0.0.0.0/0\",\"dst\":\"192.0.2.64/26\",\"dport\":22}],"
		    "\"routes\":[{\"dst\":\"198.18.0.0/24\",\"via\":\"192.0.2.65\"}]}");
	check(nc_connector_from_json(seed, &cur, NC_DECODE_CREATE, &ei) == 0);
	before = nc_connector_to_json(&cur);
	if (nc_connector_from_json(body, &cur, NC_DECODE_PATCH, &ei) == 0) {
		nc_connector_validate(&cur, &ei);
		j = nc_connector_to_json(&cur);
		check(j != NULL);
		json_decref(j);
	} else {
		after = nc_connector_to_json(&cur);
		check(json_equal(before, after));
		json_decref(after);
	}
	json_decref(before);
	json_decref(seed);
	nc_connector_clear(&cur);
}

static void peering(const json_t *body)
{
	struct nc_peering p = {0}, cur = {0}, p2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j, *before, *after, *seed;

	if (nc_peering_from_json(body, &p, NC_DECODE_CREATE, &ei) == 0) {
		nc_peering_validate(&p, &ei);
		j = nc_peering_to_json(&p);
		check(j != NULL);
		check(nc_peering_from_json(j, &p2, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei) == 0);
		after = nc_peering_to_json(&p2);
		check(json_equal(j, after));
		json_decref(after);
		json_decref(j);
	}
	seed = load("{\"name\":\"hs\",\"topology\":\"hub_spoke\",\"hub\":\"E-1\"}");
	check(nc_peering_from_json(seed, &cur, NC_DECODE_CREATE, &ei) == 0);
	before = nc_peering_to_json(&cur);
	if (nc_peering_from_json(body, &cur, NC_DECODE_PATCH, &ei) == 0) {
		nc_peering_validate(&cur, &ei);
		j = nc_peering_to_json(&cur);
		check(j != NULL);
		json_decref(j);
	} else {
		after = nc_peering_to_json(&cur);
		check(json_equal(before, after));
		json_decref(after);
	}
	json_decref(before);
	json_decref(seed);
}

static void tenant_token(const json_t *body)
{
	struct nc_tenant t = {0}, t2 = {0};
	struct nc_errinfo ei = {0};
	char name[NC_NAME_MAX], tenant[NC_ID_MAX];
	enum nc_role role;
	int64_t expires_in;
	json_t *j, *after;

	if (nc_tenant_from_json(body, &t, NC_DECODE_CREATE, &ei) == 0) {
		nc_tenant_validate(&t, &ei);
		j = nc_tenant_to_json(&t);
		check(j != NULL);
		check(nc_tenant_from_json(j, &t2, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei) == 0);
		after = nc_tenant_to_json(&t2);
		check(json_equal(j, after));
		json_decref(after);
		json_decref(j);
	}
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
	edge(body);
	connector(body);
	peering(body);
	tenant_token(body);
	lists(body);
	small_bodies(body);
	json_decref(body);
	return 0;
}
