/* SPDX-License-Identifier: MIT */
/*
 * The JSON codec of the model, decoding bodies: creation fills in the
 * defaults, and bodies are decoded strictly (required, types, unknown
 * members, enums, lengths, read-only members) with the field named; a failed
 * creation leaves the output untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/codec.h"
#include "../../lib/model/model.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Creates: defaults for what is absent. */

static void test_create_defaults(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_tenant t = {0};
	struct nc_connector c = {0};
	struct nc_peering p = {0};
	struct nc_edge e = {0};
	char name[NC_NAME_MAX] = "x", tenant[NC_ID_MAX] = "x";
	enum nc_role role = NC_ROLE_ADMIN;
	int64_t exp = 99;
	json_t *j;

	j = fx_parse("{\"id\":\"acme\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(t.name, "acme");
	json_decref(j);

	j = fx_parse(
		"{\"serial\":\"E\",\"name\":\"n\",\"kind\":\"dedicated\",\"endpoint\":\"h:1\"}");
	assert_int_equal(nc_edge_from_json(j, &e, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(e.tenant, "");
	assert_string_equal(e.region, "");
	assert_int_equal(e.kind, NC_EDGE_DEDICATED);
	assert_int_equal(e.lan_subnets.n, 0);
	json_decref(j);
	nc_edge_clear(&e);

	j = fx_parse("{\"serial\":\"CN-1\",\"name\":\"b\",\"hub_edge\":null}");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(c.hub_edge, "");
	assert_false(c.nat_enabled);
	assert_string_equal(c.wan_interface, "");
	assert_int_equal(c.n_acl, 0);
	assert_int_equal(c.n_routes, 0);
	assert_int_equal(c.lan_subnets.n, 0);
	json_decref(j);
	nc_connector_clear(&c);

	j = fx_parse("{\"serial\":\"CN-1\",\"name\":\"b\",\"nat\":{\"enabled\":true},"
		     "\"acl\":[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"0.0.0.0/0\","
		     "\"dst\":\"10.0.0.0/8\"}]}");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), 0);
	assert_true(c.nat_enabled);
	assert_int_equal(c.n_acl, 1);
	assert_int_equal(c.acl[0].dport, 0);
	json_decref(j);
	nc_connector_clear(&c);

	j = fx_parse("{\"name\":\"mesh-1\",\"topology\":\"mesh\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_CREATE, &ei), 0);
	assert_int_equal(p.protocol, NC_PROTO_WIREGUARD);
	assert_false(p.dual_tunnel);
	assert_string_equal(p.hub, "");
	assert_string_equal(p.tenant, "");
	json_decref(j);

	j = fx_parse("{\"name\":\"ci\",\"role\":\"viewer\"}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_string_equal(name, "ci");
	assert_int_equal(role, NC_ROLE_VIEWER);
	assert_string_equal(tenant, "");
	assert_int_equal(exp, 0);
	json_decref(j);

	j = fx_parse("{\"name\":\"ci\",\"role\":\"admin\",\"tenant\":null,\"expires_in\":0}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_int_equal(role, NC_ROLE_ADMIN);
	assert_string_equal(tenant, "");
	assert_int_equal(exp, 0);
	json_decref(j);
}

static void test_token_request(void **state)
{
	struct nc_errinfo ei = {0};
	char name[NC_NAME_MAX] = "", tenant[NC_ID_MAX] = "";
	enum nc_role role = NC_ROLE_VIEWER;
	int64_t exp = 0;
	char body[160];
	json_t *j;

	j = fx_parse(
		"{\"name\":\"ci\",\"role\":\"operator\",\"tenant\":\"acme\",\"expires_in\":3600}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_string_equal(name, "ci");
	assert_int_equal(role, NC_ROLE_OPERATOR);
	assert_string_equal(tenant, "acme");
	assert_int_equal(exp, 3600);
	json_decref(j);

	snprintf(body, sizeof(body), "{\"name\":\"x\",\"role\":\"admin\",\"expires_in\":%lld}",
		 (long long)NC_TOKEN_EXPIRES_MAX);
	j = fx_parse(body);
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_int_equal(exp, NC_TOKEN_EXPIRES_MAX);
	json_decref(j);

	/* A failure leaves every output as it was. */
	j = fx_parse(
		"{\"name\":\"other\",\"role\":\"viewer\",\"tenant\":\"t2\",\"expires_in\":-5}");
	fx_assert_refused(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei),
			  NC_ERR_INVAL, &ei, "expires_in");
	assert_string_equal(name, "x");
	assert_int_equal(role, NC_ROLE_ADMIN);
	assert_string_equal(tenant, "");
	assert_int_equal(exp, NC_TOKEN_EXPIRES_MAX);
	json_decref(j);
}

/* Refusals, table-driven: a valid body, one edit, the field and message expected. */

enum kind { TENANT, TOKEN, EDGE, CONNECTOR, PEERING };

static const char *const base_body[] = {
	[TENANT] = "{\"id\":\"acme\",\"name\":\"Acme Corp\"}",
	[TOKEN] = "{\"name\":\"ci\",\"role\":\"operator\",\"tenant\":\"acme\",\"expires_in\":3600}",
	[EDGE] = "{\"serial\":\"EDGE-1\",\"tenant\":\"acme\",\"name\":\"dc-1\",\"kind\":"
		 "\"dedicated\","
		 "\"region\":\"eu-west\",\"endpoint\":\"192.0.2.1:51820\","
		 "\"lan_subnets\":[\"10.10.0.0/16\"]}",
	[CONNECTOR] = "{\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"name\":\"branch-1\","
		      "\"region\":\"eu-west\",\"hub_edge\":\"EDGE-1\","
		      "\"lan_subnets\":[\"192.168.10.0/24\"],"
		      "\"nat\":{\"enabled\":true,\"wan_interface\":\"eth0\"},"
		      "\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
		      "\"dst\":\"192.168.10.5/32\",\"dport\":22},"
		      "{\"action\":\"accept\",\"proto\":\"icmp\",\"src\":\"0.0.0.0/0\","
		      "\"dst\":\"0.0.0.0/0\"}],"
		      "\"routes\":[{\"dst\":\"10.99.0.0/16\",\"via\":\"192.168.10.1\"}]}",
	[PEERING] = "{\"tenant\":\"acme\",\"name\":\"branches\",\"topology\":\"hub_spoke\","
		    "\"protocol\":\"wireguard\",\"dual_tunnel\":false,\"hub\":\"EDGE-1\"}",
};

static const char *const kind_name[] = {"tenant", "token", "edge", "connector", "peering"};

/* Decodes o as a kind into a zeroed struct, and throws the result away. */
static int decode(enum kind k, const json_t *o, unsigned flags, struct nc_errinfo *ei)
{
	char name[NC_NAME_MAX], tenant[NC_ID_MAX];
	struct nc_connector c = {0};
	struct nc_peering p = {0};
	struct nc_tenant t = {0};
	struct nc_edge e = {0};
	enum nc_role role;
	int64_t exp;
	int ret = NC_ERR_INTERNAL;

	switch (k) {
	case TENANT:
		ret = nc_tenant_from_json(o, &t, flags, ei);
		break;
	case TOKEN:
		ret = nc_token_request_from_json(o, name, &role, tenant, &exp, ei);
		break;
	case EDGE:
		ret = nc_edge_from_json(o, &e, flags, ei);
		break;
	case CONNECTOR:
		ret = nc_connector_from_json(o, &c, flags, ei);
		break;
	case PEERING:
		ret = nc_peering_from_json(o, &p, flags, ei);
		break;
	}
	nc_edge_clear(&e);
	nc_connector_clear(&c);
	return ret;
}

/*
 * Sets (value = JSON text) or removes (value = NULL) the member at a dotted
 * path in root; numbers index arrays ("acl.1.dport").
 */
static void edit(json_t *root, const char *path, const char *value)
{
	char buf[128], *tok, *next, *save = NULL;
	json_t *cur = root;

	snprintf(buf, sizeof(buf), "%s", path);
	tok = strtok_r(buf, ".", &save);
	for (next = strtok_r(NULL, ".", &save); next; next = strtok_r(NULL, ".", &save)) {
		cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
					 : json_object_get(cur, tok);
		if (!cur)
			fail_msg("no %s in the base body", path);
		tok = next;
	}
	if (json_is_array(cur)) {
		size_t i = strtoul(tok, NULL, 10);

		if (value)
			json_array_set_new(cur, i, fx_parse(value));
		else
			json_array_remove(cur, i);
	} else if (value) {
		json_object_set_new(cur, tok, fx_parse(value));
	} else if (json_object_del(cur, tok) < 0) {
		fail_msg("no %s to remove in the base body", path);
	}
}

struct bad_case {
	enum kind kind;
	const char *path;
	const char *value; /* JSON text; NULL removes the member */
	const char *field; /* ei.field */
	const char *msg;   /* a part of ei.msg */
};

#define S63 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""
#define S64 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""

static const struct bad_case bad_cases[] = {
	/* Required members, on a create. */
	{TENANT, "id", NULL, "id", "id is required"},
	{TOKEN, "name", NULL, "name", "name is required"},
	{TOKEN, "role", NULL, "role", "role is required"},
	{EDGE, "serial", NULL, "serial", "serial is required"},
	{EDGE, "name", NULL, "name", "name is required"},
	{EDGE, "kind", NULL, "kind", "kind is required"},
	{EDGE, "endpoint", NULL, "endpoint", "endpoint is required"},
	{CONNECTOR, "serial", NULL, "serial", "serial is required"},
	{CONNECTOR, "name", NULL, "name", "name is required"},
	{CONNECTOR, "nat.enabled", NULL, "nat.enabled", "nat.enabled is required"},
	{CONNECTOR, "acl.1.action", NULL, "acl[1].action", "acl[1].action is required"},
	{CONNECTOR, "acl.0.proto", NULL, "acl[0].proto", "acl[0].proto is required"},
	{CONNECTOR, "acl.0.src", NULL, "acl[0].src", "acl[0].src is required"},
	{CONNECTOR, "acl.0.dst", NULL, "acl[0].dst", "acl[0].dst is required"},
	{CONNECTOR, "routes.0.dst", NULL, "routes[0].dst", "routes[0].dst is required"},
	{CONNECTOR, "routes.0.via", NULL, "routes[0].via", "routes[0].via is required"},
	{PEERING, "name", NULL, "name", "name is required"},
	{PEERING, "topology", NULL, "topology", "topology is required"},

	/* Wrong JSON types. */
	{TENANT, "id", "7", "id", "id must be a string, not an integer"},
	{TENANT, "name", "null", "name", "name must be a string, not null"},
	{TOKEN, "name", "[]", "name", "name must be a string, not an array"},
	{TOKEN, "role", "true", "role", "role must be a string, not a boolean"},
	{TOKEN, "tenant", "{}", "tenant", "tenant must be a string or null, not an object"},
	{TOKEN, "expires_in", "\"1h\"", "expires_in", "expires_in must be an integer"},
	{TOKEN, "expires_in", "1.5", "expires_in", "not a number with a fraction"},
	{EDGE, "serial", "1", "serial", "serial must be a string"},
	{EDGE, "tenant", "null", "tenant", "tenant must be a string"},
	{EDGE, "name", "false", "name", "name must be a string"},
	{EDGE, "kind", "0", "kind", "kind must be a string, not an integer"},
	{EDGE, "region", "[]", "region", "region must be a string"},
	{EDGE, "endpoint", "{}", "endpoint", "endpoint must be a string"},
	{EDGE, "lan_subnets", "\"10.0.0.0/8\"", "lan_subnets", "must be an array of strings"},
	{EDGE, "lan_subnets.0", "10", "lan_subnets[0]", "lan_subnets[0] must be a string"},
	{CONNECTOR, "serial", "null", "serial", "serial must be a string"},
	{CONNECTOR, "name", "1", "name", "name must be a string"},
	{CONNECTOR, "region", "1", "region", "region must be a string"},
	{CONNECTOR, "hub_edge", "1", "hub_edge", "hub_edge must be a string or null"},
	{CONNECTOR, "lan_subnets", "{}", "lan_subnets", "must be an array of strings"},
	{CONNECTOR, "nat", "true", "nat", "nat must be an object, not a boolean"},
	{CONNECTOR, "nat", "null", "nat", "nat must be an object, not null"},
	{CONNECTOR, "nat.enabled", "\"yes\"", "nat.enabled", "nat.enabled must be true or false"},
	{CONNECTOR, "nat.wan_interface", "0", "nat.wan_interface",
	 "nat.wan_interface must be a string"},
	{CONNECTOR, "acl", "{}", "acl", "acl must be an array of objects, not an object"},
	{CONNECTOR, "acl.1", "\"drop\"", "acl[1]", "acl[1] must be an object, not a string"},
	{CONNECTOR, "acl.0.action", "1", "acl[0].action", "acl[0].action must be a string"},
	{CONNECTOR, "acl.0.proto", "null", "acl[0].proto", "acl[0].proto must be a string"},
	{CONNECTOR, "acl.0.src", "[]", "acl[0].src", "acl[0].src must be a string"},
	{CONNECTOR, "acl.0.dst", "{}", "acl[0].dst", "acl[0].dst must be a string"},
	{CONNECTOR, "acl.0.dport", "\"22\"", "acl[0].dport", "acl[0].dport must be an integer"},
	{CONNECTOR, "acl.0.dport", "70000", "acl[0].dport", "between 0 and 65535, not 70000"},
	{CONNECTOR, "acl.0.dport", "-1", "acl[0].dport", "between 0 and 65535"},
	{CONNECTOR, "routes", "\"x\"", "routes", "routes must be an array of objects"},
	{CONNECTOR, "routes.0", "[]", "routes[0]", "routes[0] must be an object, not an array"},
	{CONNECTOR, "routes.0.dst", "1", "routes[0].dst", "routes[0].dst must be a string"},
	{CONNECTOR, "routes.0.via", "true", "routes[0].via", "routes[0].via must be a string"},
	{PEERING, "tenant", "1", "tenant", "tenant must be a string"},
	{PEERING, "name", "null", "name", "name must be a string"},
	{PEERING, "topology", "[]", "topology", "topology must be a string"},
	{PEERING, "protocol", "1", "protocol", "protocol must be a string"},
	{PEERING, "dual_tunnel", "\"false\"", "dual_tunnel", "dual_tunnel must be true or false"},
	{PEERING, "dual_tunnel", "0", "dual_tunnel", "dual_tunnel must be true or false"},
	{PEERING, "hub", "1", "hub", "hub must be a string or null"},

	/* Integer ranges. */
	{TOKEN, "expires_in", "-1", "expires_in", "between 0 and 315360000, not -1"},
	{TOKEN, "expires_in", "315360001", "expires_in", "between 0 and 315360000"},

	/* Enum strings, the value quoted (safely). */
	{TOKEN, "role", "\"root\"", "role", "role must be admin, operator or viewer, not `root'"},
	{EDGE, "kind", "\"x\"", "kind", "kind must be dedicated or mtge, not `x'"},
	{EDGE, "kind", "\"MTGE\"", "kind", "not `MTGE'"},
	{EDGE, "kind", "\"\"", "kind", "not `'"},
	{EDGE, "kind", "\"a`b'c\\n\\u00e9\"", "kind", "not `a`b'c\\x0a\xc3\xa9'"},
	{EDGE, "kind", "\"mtge\\u0000x\"", "kind", "kind contains a NUL character"},
	{EDGE, "kind", "\"0123456789012345678901234567890123456789012345678901234567890123456789\"",
	 "kind", "not `0123456789012345678901234567890123456789012345678901234567890123...'"},
	{PEERING, "topology", "\"star\"", "topology",
	 "topology must be mesh, hub_spoke or partial_mesh, not `star'"},
	{PEERING, "protocol", "\"gre\"", "protocol",
	 "protocol must be wireguard or ipsec, not `gre'"},

	/* Strings longer than their buffers. */
	{TENANT, "id", S64, "id", "id is longer than 63 bytes"},
	{TENANT, "name", S64, "name", "name is longer than 63 bytes"},
	{TOKEN, "name", S64, "name", "name is longer than 63 bytes"},
	{TOKEN, "tenant", S64, "tenant", "tenant is longer than 63 bytes"},
	{EDGE, "serial", S64, "serial", "serial is longer than 63 bytes"},
	{EDGE, "region", S64, "region", "region is longer than 63 bytes"},
	{EDGE, "lan_subnets.0", S63, "lan_subnets[0]",
	 "lan_subnets[0] must be a string of at most 49 bytes"},
	{CONNECTOR, "hub_edge", S64, "hub_edge", "hub_edge is longer than 63 bytes"},
	{CONNECTOR, "nat.wan_interface", "\"eth0123456789abc\"", "nat.wan_interface",
	 "nat.wan_interface is longer than 15 bytes"},
	{CONNECTOR, "acl.0.action", "\"accept-all\"", "acl[0].action",
	 "acl[0].action is longer than 7 bytes"},
	{CONNECTOR, "routes.0.via", S63, "routes[0].via", "routes[0].via is longer than 49"},
	{PEERING, "name", S64, "name", "name is longer than 63 bytes"},
	{PEERING, "hub", S64, "hub", "hub is longer than 63 bytes"},

	/* Unknown members, at the top and nested. */
	{TENANT, "foo", "1", "foo", "unknown field `foo'"},
	{TOKEN, "token", "\"s3cret\"", "token", "unknown field `token'"},
	{EDGE, "Serial", "\"E\"", "Serial", "unknown field `Serial'"},
	{CONNECTOR, "sync", "{}", "sync", "unknown field `sync'"},
	{CONNECTOR, "nat.foo", "1", "nat.foo", "unknown field `nat.foo'"},
	{CONNECTOR, "acl.1.foo", "1", "acl[1].foo", "unknown field `acl[1].foo'"},
	{CONNECTOR, "routes.0.metric", "1", "routes[0].metric", "unknown field `routes[0].metric'"},
	{PEERING, "members", "[]", "members", "unknown field `members'"},

	/* Members only the server sets. */
	{TENANT, "created_at", "null", "created_at", "created_at is read-only"},
	{EDGE, "public_key", "null", "public_key", "public_key is read-only"},
	{EDGE, "last_seen", "null", "last_seen", "last_seen is read-only"},
	{CONNECTOR, "status", "\"active\"", "status",
	 "status changes through approve and decommission"},
	{CONNECTOR, "updated_at", "\"2026-11-22T03:04:05Z\"", "updated_at", "is read-only"},
	{PEERING, "created_at", "null", "created_at", "created_at is read-only"},
};

static void test_base_bodies_decode(void **state)
{
	struct nc_errinfo ei = {0};

	for (enum kind k = TENANT; k <= PEERING; k++) {
		json_t *j = fx_parse(base_body[k]);

		if (decode(k, j, NC_DECODE_CREATE, &ei) != 0)
			fail_msg("%s base body refused: %s", kind_name[k], ei.msg);
		json_decref(j);
	}
}

static void test_refusals(void **state)
{
	for (size_t i = 0; i < COUNT(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct nc_errinfo ei = {0};
		json_t *j = fx_parse(base_body[c->kind]);
		int ret;

		edit(j, c->path, c->value);
		ret = decode(c->kind, j, NC_DECODE_CREATE, &ei);
		if (ret != NC_ERR_INVAL)
			fail_msg("%s %s=%s: got %d, want NC_ERR_INVAL", kind_name[c->kind], c->path,
				 c->value ? c->value : "(removed)", ret);
		assert_int_equal(ei.code, NC_ERR_INVAL);
		if (strcmp(ei.field, c->field) != 0 || !strstr(ei.msg, c->msg))
			fail_msg("%s %s: got field `%s' msg `%s', want field `%s' msg `%s'",
				 kind_name[c->kind], c->path, ei.field, ei.msg, c->field, c->msg);
		json_decref(j);
	}
}

static void test_not_an_object(void **state)
{
	static const char *const bodies[] = {"[]", "\"x\"", "1", "null", "[{\"id\":\"a\"}]"};

	for (enum kind k = TENANT; k <= PEERING; k++) {
		struct nc_errinfo ei = {0};

		assert_int_equal(decode(k, NULL, NC_DECODE_CREATE, &ei), NC_ERR_INVAL);
		assert_string_equal(ei.msg, "the body must be a JSON object");
		for (size_t i = 0; i < COUNT(bodies); i++) {
			json_t *j = fx_parse(bodies[i]);

			memset(&ei, 0, sizeof(ei));
			assert_int_equal(decode(k, j, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
			assert_string_equal(ei.msg, "the body must be a JSON object");
			assert_string_equal(ei.field, "");
			json_decref(j);
		}
	}
}

static void test_bad_flags(void **state)
{
	static const unsigned flags[] = {0, NC_DECODE_OUTPUT, NC_DECODE_CREATE | NC_DECODE_PATCH,
					 NC_DECODE_CREATE | 0x80};

	for (enum kind k = TENANT; k <= PEERING; k++) {
		json_t *j;

		if (k == TOKEN)
			continue;
		j = fx_parse(base_body[k]);
		for (size_t i = 0; i < COUNT(flags); i++) {
			struct nc_errinfo ei = {0};

			assert_int_equal(decode(k, j, flags[i], &ei), NC_ERR_INTERNAL);
		}
		json_decref(j);
	}
}

/* With NC_DECODE_OUTPUT, server members are decoded, and checked like the others. */
static void test_output_members_checked(void **state)
{
	const unsigned f = NC_DECODE_CREATE | NC_DECODE_OUTPUT;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};
	json_t *j = fx_parse(base_body[CONNECTOR]);

	edit(j, "created_at", "\"yesterday\"");
	fx_assert_refused(nc_connector_from_json(j, &c, f, &ei), NC_ERR_INVAL, &ei, "created_at");
	fx_assert_contains(ei.msg,
			   "created_at must be an ISO 8601 UTC time or null, not `yesterday'");
	edit(j, "created_at", "\"2026-11-22T03:04:05.5+00:00\"");
	edit(j, "status", "\"gone\"");
	fx_assert_refused(nc_connector_from_json(j, &c, f, &ei), NC_ERR_INVAL, &ei, "status");
	fx_assert_contains(ei.msg, "not `gone'");
	edit(j, "status", "\"decommissioned\"");
	edit(j, "public_key", "null");
	assert_int_equal(nc_connector_from_json(j, &c, f, &ei), 0);
	assert_int_equal(c.status, NC_STATUS_DECOMMISSIONED);
	assert_int_equal(c.created_at, FX_T1);
	assert_string_equal(c.public_key, "");
	json_decref(j);
	nc_connector_clear(&c);
}

/* A failed create leaves the zeroed struct zeroed: nothing allocated, nothing to free. */
static void test_create_failure_leaves_out(void **state)
{
	struct nc_connector c = {0};
	struct nc_edge e = {0};
	struct nc_errinfo ei = {0};
	json_t *j = fx_parse(base_body[CONNECTOR]);

	edit(j, "routes.0.via", "1");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), NC_ERR_INVAL);
	assert_string_equal(c.serial, "");
	assert_null(c.acl);
	assert_null(c.lan_subnets.v);
	json_decref(j);

	j = fx_parse(base_body[EDGE]);
	edit(j, "endpoint", NULL);
	assert_int_equal(nc_edge_from_json(j, &e, NC_DECODE_CREATE, &ei), NC_ERR_INVAL);
	assert_string_equal(e.serial, "");
	assert_null(e.lan_subnets.v);
	json_decref(j);
}

FX_MAIN("codec_decode", test_create_defaults, test_token_request, test_base_bodies_decode,
	test_refusals, test_not_an_object, test_bad_flags, test_output_members_checked,
	test_create_failure_leaves_out)
