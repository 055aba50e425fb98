/* SPDX-License-Identifier: MIT */
/*
 * The JSON codec of the model: the resource shapes are the REST contract
 * (exact member names), every object survives to_json -> from_json, bodies
 * are decoded strictly (required, types, unknown members, enums, lengths,
 * read-only members) with the field named, a patch touches only what it
 * names and nothing at all when it fails, and no output carries a secret.
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const int64_t T1 = 1795316645; /* 2026-11-22T03:04:05Z */

/* Helpers. */

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	if (!j)
		fail_msg("bad test JSON `%s': %s", text, err.text);
	return j;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

/* o has exactly the members keys (NULL-terminated). */
static void assert_keys(const json_t *o, const char *const *keys)
{
	size_t n = 0;

	assert_true(json_is_object(o));
	for (; keys[n]; n++) {
		if (!json_object_get(o, keys[n]))
			fail_msg("member `%s' is missing", keys[n]);
	}
	assert_int_equal(json_object_size(o), n);
}

static void assert_member_str(const json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	if (!want) {
		if (!json_is_null(v))
			fail_msg("%s should be null", key);
		return;
	}
	if (!json_is_string(v))
		fail_msg("%s should be a string", key);
	assert_string_equal(json_string_value(v), want);
}

static void strlist_set(struct nc_strlist *l, const char *a, const char *b)
{
	nc_strlist_clear(l);
	if (a)
		nc_strlist_add(l, a);
	if (b)
		nc_strlist_add(l, b);
}

static void assert_strlist_equal(const struct nc_strlist *a, const struct nc_strlist *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

/* Fixtures: every member set to something other than its zero value. */

static void tenant_fixture(struct nc_tenant *t)
{
	*t = (struct nc_tenant){.id = "acme", .name = "Acme Corp", .created_at = T1};
}

static void edge_fixture(struct nc_edge *e)
{
	*e = (struct nc_edge){
		.serial = "EDGE-1",
		.tenant = "acme",
		.name = "dc-1",
		.kind = NC_EDGE_MTGE,
		.region = "eu-west",
		.endpoint = "192.0.2.1:51820",
		.public_key = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=",
		.pending_key = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=",
		.last_seen = T1 + 10,
		.created_at = T1 - 86400,
		.updated_at = T1,
	};
	strlist_set(&e->lan_subnets, "10.10.0.0/16", "fd00:10::/64");
}

static void connector_fixture(struct nc_connector *c)
{
	*c = (struct nc_connector){
		.serial = "CN-0001",
		.tenant = "acme",
		.name = "branch-1",
		.region = "eu-west",
		.hub_edge = "EDGE-1",
		.endpoint = "198.51.100.7:51822",
		.nat_enabled = true,
		.wan_interface = "eth0",
		.status = NC_STATUS_ACTIVE,
		.public_key = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=",
		.pending_key = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=",
		.last_seen = T1 + 5,
		.created_at = T1 - 3600,
		.updated_at = T1,
	};
	strlist_set(&c->lan_subnets, "192.168.10.0/24", "192.168.11.0/24");
	c->n_acl = 2;
	c->acl = calloc(2, sizeof(*c->acl));
	c->acl[0] = (struct nc_acl_rule){"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22};
	c->acl[1] = (struct nc_acl_rule){"accept", "icmp", "10.0.0.0/8", "0.0.0.0/0", 0};
	c->n_routes = 2;
	c->routes = calloc(2, sizeof(*c->routes));
	c->routes[0] = (struct nc_route){"10.99.0.0/16", "192.168.10.1"};
	c->routes[1] = (struct nc_route){"10.98.0.0/16", "192.168.10.2"};
}

static void peering_fixture(struct nc_peering *p)
{
	*p = (struct nc_peering){
		.tenant = "acme",
		.name = "branches",
		.topology = NC_TOPO_HUB_SPOKE,
		.protocol = NC_PROTO_IPSEC,
		.dual_tunnel = true,
		.hub = "EDGE-1",
		.created_at = T1 - 60,
		.updated_at = T1,
	};
}

static void assert_tenant_equal(const struct nc_tenant *a, const struct nc_tenant *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->created_at, b->created_at);
}

static void assert_edge_equal(const struct nc_edge *a, const struct nc_edge *b)
{
	assert_string_equal(a->serial, b->serial);
	assert_string_equal(a->tenant, b->tenant);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->region, b->region);
	assert_string_equal(a->endpoint, b->endpoint);
	assert_strlist_equal(&a->lan_subnets, &b->lan_subnets);
	assert_string_equal(a->public_key, b->public_key);
	assert_string_equal(a->pending_key, b->pending_key);
	assert_int_equal(a->last_seen, b->last_seen);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->updated_at, b->updated_at);
}

static void assert_connector_equal(const struct nc_connector *a, const struct nc_connector *b)
{
	assert_string_equal(a->serial, b->serial);
	assert_string_equal(a->tenant, b->tenant);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->region, b->region);
	assert_string_equal(a->hub_edge, b->hub_edge);
	assert_string_equal(a->endpoint, b->endpoint);
	assert_strlist_equal(&a->lan_subnets, &b->lan_subnets);
	assert_int_equal(a->nat_enabled, b->nat_enabled);
	assert_string_equal(a->wan_interface, b->wan_interface);
	assert_int_equal(a->n_acl, b->n_acl);
	for (size_t i = 0; i < a->n_acl; i++) {
		assert_string_equal(a->acl[i].action, b->acl[i].action);
		assert_string_equal(a->acl[i].proto, b->acl[i].proto);
		assert_string_equal(a->acl[i].src, b->acl[i].src);
		assert_string_equal(a->acl[i].dst, b->acl[i].dst);
		assert_int_equal(a->acl[i].dport, b->acl[i].dport);
	}
	assert_int_equal(a->n_routes, b->n_routes);
	for (size_t i = 0; i < a->n_routes; i++) {
		assert_string_equal(a->routes[i].dst, b->routes[i].dst);
		assert_string_equal(a->routes[i].via, b->routes[i].via);
	}
	assert_int_equal(a->status, b->status);
	assert_string_equal(a->public_key, b->public_key);
	assert_string_equal(a->pending_key, b->pending_key);
	assert_int_equal(a->last_seen, b->last_seen);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->updated_at, b->updated_at);
}

static void assert_peering_equal(const struct nc_peering *a, const struct nc_peering *b)
{
	assert_string_equal(a->tenant, b->tenant);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->topology, b->topology);
	assert_int_equal(a->protocol, b->protocol);
	assert_int_equal(a->dual_tunnel, b->dual_tunnel);
	assert_string_equal(a->hub, b->hub);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->updated_at, b->updated_at);
}

/* Removes the members only the server sets, as a client sending a shown object back would. */
static void strip_readonly(json_t *o)
{
	static const char *const ro[] = {"status",     "public_key", "last_seen",
					 "created_at", "updated_at", "pending_key", NULL};

	for (size_t i = 0; ro[i]; i++)
		json_object_del(o, ro[i]);
}

/* Shapes: the member names are the contract. */

static void test_tenant_shape(void **state)
{
	static const char *const keys[] = {"id", "name", "created_at", NULL};
	struct nc_tenant t;
	json_t *j;

	tenant_fixture(&t);
	j = nc_tenant_to_json(&t);
	assert_keys(j, keys);
	assert_member_str(j, "created_at", "2026-11-22T03:04:05Z");
	json_decref(j);
	t.created_at = 0;
	j = nc_tenant_to_json(&t);
	assert_member_str(j, "created_at", NULL);
	json_decref(j);
}

static void test_edge_shape(void **state)
{
	static const char *const keys[] = {"serial",	"tenant",     "name",	     "kind",
					   "region",	"endpoint",   "lan_subnets", "public_key",
					   "last_seen", "created_at", "updated_at",  "pending_key",
					   NULL};
	struct nc_edge e;
	json_t *j;

	edge_fixture(&e);
	j = nc_edge_to_json(&e);
	assert_keys(j, keys);
	assert_member_str(j, "kind", "mtge");
	assert_int_equal(json_array_size(json_object_get(j, "lan_subnets")), 2);
	json_decref(j);

	e.public_key[0] = '\0';
	e.last_seen = 0;
	nc_strlist_clear(&e.lan_subnets);
	j = nc_edge_to_json(&e);
	assert_keys(j, keys);
	assert_member_str(j, "public_key", NULL);
	assert_member_str(j, "last_seen", NULL);
	assert_true(json_is_array(json_object_get(j, "lan_subnets")));
	assert_int_equal(json_array_size(json_object_get(j, "lan_subnets")), 0);
	json_decref(j);
	nc_edge_clear(&e);
}

static void test_connector_shape(void **state)
{
	static const char *const keys[] = {"serial",	 "tenant",	"name",	     "region",
					   "hub_edge",	 "endpoint",	"lan_subnets", "nat",
					   "acl",	 "routes",	"status",      "last_seen",
					   "public_key", "created_at",	"updated_at",  "pending_key",
					   NULL};
	static const char *const nat_keys[] = {"enabled", "wan_interface", NULL};
	static const char *const acl_keys[] = {"action", "proto", "src", "dst", "dport", NULL};
	static const char *const route_keys[] = {"dst", "via", NULL};
	struct nc_connector c;
	json_t *j, *acl;

	connector_fixture(&c);
	j = nc_connector_to_json(&c);
	assert_keys(j, keys);
	assert_keys(json_object_get(j, "nat"), nat_keys);
	assert_true(json_is_true(json_object_get(json_object_get(j, "nat"), "enabled")));
	acl = json_object_get(j, "acl");
	assert_int_equal(json_array_size(acl), 2);
	assert_keys(json_array_get(acl, 0), acl_keys);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(acl, 0), "dport")), 22);
	assert_keys(json_array_get(json_object_get(j, "routes"), 1), route_keys);
	assert_member_str(j, "status", "active");
	assert_member_str(j, "hub_edge", "EDGE-1");
	assert_member_str(j, "endpoint", "198.51.100.7:51822");
	json_decref(j);

	c.hub_edge[0] = '\0';
	c.endpoint[0] = '\0';
	j = nc_connector_to_json(&c);
	assert_member_str(j, "hub_edge", NULL);
	assert_member_str(j, "endpoint", NULL);
	json_decref(j);
	nc_connector_clear(&c);
}

static void test_peering_shape(void **state)
{
	static const char *const keys[] = {"tenant",	 "name",	"topology",
					   "protocol",	 "dual_tunnel", "hub",
					   "created_at", "updated_at",	NULL};
	struct nc_peering p;
	json_t *j;

	peering_fixture(&p);
	j = nc_peering_to_json(&p);
	assert_keys(j, keys);
	assert_member_str(j, "topology", "hub_spoke");
	assert_member_str(j, "protocol", "ipsec");
	assert_true(json_is_true(json_object_get(j, "dual_tunnel")));
	json_decref(j);
	p.hub[0] = '\0';
	j = nc_peering_to_json(&p);
	assert_member_str(j, "hub", NULL);
	json_decref(j);
}

static void test_member_shape(void **state)
{
	static const char *const keys[] = {"serial", "type", NULL};
	struct nc_member m = {"acme", "branches", "CN-0001", NC_DEVICE_CONNECTOR};
	json_t *j = nc_member_to_json(&m);

	assert_keys(j, keys);
	assert_member_str(j, "serial", "CN-0001");
	assert_member_str(j, "type", "connector");
	json_decref(j);
}

/* No member whose name mentions a secret, at any depth. */
static void assert_no_secret_members(const json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(j)) {
		json_array_foreach(j, i, v) assert_no_secret_members(v);
	}
	if (!json_is_object(j))
		return;
	json_object_foreach((json_t *)j, key, v)
	{
		if (strstr(key, "spi") || strstr(key, "key") || strstr(key, "hash") ||
		    strstr(key, "secret"))
			fail_msg("member `%s' looks like a secret", key);
		assert_no_secret_members(v);
	}
}

static void test_link_has_no_secrets(void **state)
{
	static const char *const keys[] = {"peering", "a", "b", "tunnel_index", "status", NULL};
	struct nc_link l = {
		.tenant = "acme",
		.peering = "branches",
		.a = "CN-0001",
		.b = "EDGE-1",
		.tunnel_index = 1,
		.status = NC_LINK_UP,
		.spi_ab = 0xC0FFEE01,
		.spi_ba = 0xC0FFEE02,
	};
	json_t *j;
	char *text;

	memset(l.key_ab, 'a', 72);
	memcpy(l.key_ab, "5ec7e7ab", 8);
	memset(l.key_ba, 'b', 72);
	memcpy(l.key_ba, "5ec7e7ba", 8);
	j = nc_link_to_json(&l);
	assert_keys(j, keys);
	assert_int_equal(json_integer_value(json_object_get(j, "tunnel_index")), 1);
	assert_member_str(j, "status", "up");
	assert_no_secret_members(j);
	text = json_dumps(j, 0);
	assert_null(strstr(text, l.key_ab));
	assert_null(strstr(text, l.key_ba));
	assert_null(strstr(text, "5ec7e7"));
	assert_null(strstr(text, "3237998081")); /* spi_ab in decimal */
	assert_null(strstr(text, "3237998082"));
	assert_null(strstr(text, "c0ffee"));
	free(text);
	json_decref(j);
}

static void test_token_has_no_hash(void **state)
{
	static const char *const keys[] = {"id",	 "name",       "role",	  "tenant",
					   "created_at", "expires_at", "revoked", NULL};
	struct nc_token t = {
		.id = "tok-1",
		.name = "ci",
		.role = NC_ROLE_OPERATOR,
		.tenant = "acme",
		.created_at = T1,
		.expires_at = T1 + 3600,
		.revoked = true,
	};
	json_t *j;
	char *text;

	memset(t.hash, 'f', 64);
	memcpy(t.hash, "0badc0de", 8);
	j = nc_token_to_json(&t);
	assert_keys(j, keys);
	assert_member_str(j, "role", "operator");
	assert_member_str(j, "tenant", "acme");
	assert_member_str(j, "expires_at", "2026-11-22T04:04:05Z");
	assert_true(json_is_true(json_object_get(j, "revoked")));
	assert_no_secret_members(j);
	text = json_dumps(j, 0);
	assert_null(strstr(text, t.hash));
	assert_null(strstr(text, "0badc0de"));
	free(text);
	json_decref(j);

	/* Global and never expiring: both null. */
	t.tenant[0] = '\0';
	t.expires_at = 0;
	j = nc_token_to_json(&t);
	assert_member_str(j, "tenant", NULL);
	assert_member_str(j, "expires_at", NULL);
	json_decref(j);
}

static void test_sync_shape(void **state)
{
	static const char *const keys[] = {
		"serial",  "tenant",	   "state",	    "dirty_reason",   "fail_reason",
		"seq",	   "config_hash",  "confirmed_seq", "confirmed_hash", "attempts",
		"sent_at", "confirmed_at", "updated_at",    "last_confirm",   NULL};
	struct nc_sync s = {
		.serial = "CN-0001",
		.tenant = "acme",
		.state = NC_SYNC_FAILED,
		.dirty_reason = "lan_subnets changed",
		.fail_reason = "hash_mismatch",
		.seq = 42,
		.sent_hash = "abc123",
		.confirmed_seq = 41,
		.confirmed_hash = "def456",
		.attempts = 3,
		.sent_at = T1,
		.confirmed_at = 0,
		.updated_at = T1,
	};
	json_t *j, *lc;
	char *text;

	s.last_batch = strdup("{\"peers\":[{\"private_key\":\"SECRETBATCH\"}]}");
	s.last_confirm = strdup("{\"seq\":41,\"status\":\"success\"}");
	j = nc_sync_to_json(&s);
	assert_keys(j, keys);
	assert_member_str(j, "state", "failed");
	assert_member_str(j, "dirty_reason", "lan_subnets changed");
	assert_member_str(j, "fail_reason", "hash_mismatch");
	assert_member_str(j, "config_hash", "abc123");
	assert_member_str(j, "confirmed_hash", "def456");
	assert_member_str(j, "confirmed_at", NULL);
	assert_member_str(j, "sent_at", "2026-11-22T03:04:05Z");
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), 42);
	assert_int_equal(json_integer_value(json_object_get(j, "confirmed_seq")), 41);
	assert_int_equal(json_integer_value(json_object_get(j, "attempts")), 3);
	lc = json_object_get(j, "last_confirm");
	assert_true(json_is_object(lc));
	assert_int_equal(json_integer_value(json_object_get(lc, "seq")), 41);
	text = json_dumps(j, 0);
	assert_null(strstr(text, "SECRETBATCH"));
	assert_null(strstr(text, "last_batch"));
	free(text);
	json_decref(j);

	/* Clean, never sent, confirmation unreadable: nulls. */
	s.dirty_reason[0] = s.fail_reason[0] = s.sent_hash[0] = s.confirmed_hash[0] = '\0';
	free(s.last_confirm);
	s.last_confirm = strdup("{not json");
	j = nc_sync_to_json(&s);
	assert_member_str(j, "dirty_reason", NULL);
	assert_member_str(j, "fail_reason", NULL);
	assert_member_str(j, "config_hash", NULL);
	assert_member_str(j, "confirmed_hash", NULL);
	assert_true(json_is_null(json_object_get(j, "last_confirm")));
	json_decref(j);
	free(s.last_confirm);
	s.last_confirm = NULL;
	j = nc_sync_to_json(&s);
	assert_true(json_is_null(json_object_get(j, "last_confirm")));
	json_decref(j);
	nc_sync_clear(&s);
}

/* A string that is not UTF-8 makes to_json fail cleanly; a buffer without its NUL is bounded. */
static void test_to_json_bad_strings(void **state)
{
	struct nc_connector c;
	struct nc_tenant t = {0};
	json_t *j;

	connector_fixture(&c);
	memcpy(c.name, "\xff\xfe", 3);
	assert_null(nc_connector_to_json(&c));
	nc_connector_clear(&c);

	memset(t.id, 'a', sizeof(t.id));
	j = nc_tenant_to_json(&t);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "id"))), sizeof(t.id));
	json_decref(j);
}

/* Round trips. */

static void test_tenant_round_trip(void **state)
{
	struct nc_tenant t, back = {0}, back2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j;

	tenant_fixture(&t);
	j = nc_tenant_to_json(&t);
	assert_int_equal(nc_tenant_from_json(j, &back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei),
			 0);
	assert_tenant_equal(&t, &back);
	strip_readonly(j);
	assert_int_equal(nc_tenant_from_json(j, &back2, NC_DECODE_CREATE, &ei), 0);
	t.created_at = 0;
	assert_tenant_equal(&t, &back2);
	json_decref(j);
}

static void test_edge_round_trip(void **state)
{
	struct nc_edge e, back = {0}, back2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j;

	edge_fixture(&e);
	j = nc_edge_to_json(&e);
	assert_int_equal(nc_edge_from_json(j, &back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei), 0);
	assert_edge_equal(&e, &back);
	strip_readonly(j);
	assert_int_equal(nc_edge_from_json(j, &back2, NC_DECODE_CREATE, &ei), 0);
	e.public_key[0] = e.pending_key[0] = '\0';
	e.last_seen = e.created_at = e.updated_at = 0;
	assert_edge_equal(&e, &back2);
	json_decref(j);
	nc_edge_clear(&e);
	nc_edge_clear(&back);
	nc_edge_clear(&back2);
}

static void test_connector_round_trip(void **state)
{
	struct nc_connector c, back = {0}, back2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j;

	connector_fixture(&c);
	j = nc_connector_to_json(&c);
	assert_int_equal(nc_connector_from_json(j, &back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei),
			 0);
	assert_connector_equal(&c, &back);
	strip_readonly(j);
	assert_int_equal(nc_connector_from_json(j, &back2, NC_DECODE_CREATE, &ei), 0);
	c.status = 0;
	c.public_key[0] = c.pending_key[0] = '\0';
	c.last_seen = c.created_at = c.updated_at = 0;
	assert_connector_equal(&c, &back2);
	json_decref(j);

	/* Empty lists and no hub survive too. */
	nc_connector_clear(&back);
	nc_connector_clear(&c);
	c = (struct nc_connector){.serial = "CN-2", .tenant = "acme", .name = "n"};
	j = nc_connector_to_json(&c);
	assert_int_equal(nc_connector_from_json(j, &back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei),
			 0);
	assert_connector_equal(&c, &back);
	json_decref(j);
	nc_connector_clear(&back);
	nc_connector_clear(&back2);
}

static void test_peering_round_trip(void **state)
{
	struct nc_peering p, back = {0}, back2 = {0};
	struct nc_errinfo ei = {0};
	json_t *j;

	peering_fixture(&p);
	j = nc_peering_to_json(&p);
	assert_int_equal(nc_peering_from_json(j, &back, NC_DECODE_CREATE | NC_DECODE_OUTPUT, &ei),
			 0);
	assert_peering_equal(&p, &back);
	strip_readonly(j);
	assert_int_equal(nc_peering_from_json(j, &back2, NC_DECODE_CREATE, &ei), 0);
	p.created_at = p.updated_at = 0;
	assert_peering_equal(&p, &back2);
	json_decref(j);
}

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

	j = parse("{\"id\":\"acme\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(t.name, "acme");
	json_decref(j);

	j = parse("{\"serial\":\"E\",\"name\":\"n\",\"kind\":\"dedicated\",\"endpoint\":\"h:1\"}");
	assert_int_equal(nc_edge_from_json(j, &e, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(e.tenant, "");
	assert_string_equal(e.region, "");
	assert_int_equal(e.kind, NC_EDGE_DEDICATED);
	assert_int_equal(e.lan_subnets.n, 0);
	json_decref(j);
	nc_edge_clear(&e);

	j = parse("{\"serial\":\"CN-1\",\"name\":\"b\",\"hub_edge\":null}");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), 0);
	assert_string_equal(c.hub_edge, "");
	assert_false(c.nat_enabled);
	assert_string_equal(c.wan_interface, "");
	assert_int_equal(c.n_acl, 0);
	assert_int_equal(c.n_routes, 0);
	assert_int_equal(c.lan_subnets.n, 0);
	json_decref(j);
	nc_connector_clear(&c);

	j = parse("{\"serial\":\"CN-1\",\"name\":\"b\",\"nat\":{\"enabled\":true},"
		  "\"acl\":[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"0.0.0.0/0\","
		  "\"dst\":\"10.0.0.0/8\"}]}");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), 0);
	assert_true(c.nat_enabled);
	assert_int_equal(c.n_acl, 1);
	assert_int_equal(c.acl[0].dport, 0);
	json_decref(j);
	nc_connector_clear(&c);

	j = parse("{\"name\":\"mesh-1\",\"topology\":\"mesh\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_CREATE, &ei), 0);
	assert_int_equal(p.protocol, NC_PROTO_WIREGUARD);
	assert_false(p.dual_tunnel);
	assert_string_equal(p.hub, "");
	assert_string_equal(p.tenant, "");
	json_decref(j);

	j = parse("{\"name\":\"ci\",\"role\":\"viewer\"}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_string_equal(name, "ci");
	assert_int_equal(role, NC_ROLE_VIEWER);
	assert_string_equal(tenant, "");
	assert_int_equal(exp, 0);
	json_decref(j);

	j = parse("{\"name\":\"ci\",\"role\":\"admin\",\"tenant\":null,\"expires_in\":0}");
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

	j = parse(
		"{\"name\":\"ci\",\"role\":\"operator\",\"tenant\":\"acme\",\"expires_in\":3600}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_string_equal(name, "ci");
	assert_int_equal(role, NC_ROLE_OPERATOR);
	assert_string_equal(tenant, "acme");
	assert_int_equal(exp, 3600);
	json_decref(j);

	snprintf(body, sizeof(body), "{\"name\":\"x\",\"role\":\"admin\",\"expires_in\":%lld}",
		 (long long)NC_TOKEN_EXPIRES_MAX);
	j = parse(body);
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei), 0);
	assert_int_equal(exp, NC_TOKEN_EXPIRES_MAX);
	json_decref(j);

	/* A failure leaves every output as it was. */
	j = parse("{\"name\":\"other\",\"role\":\"viewer\",\"tenant\":\"t2\",\"expires_in\":-5}");
	assert_int_equal(nc_token_request_from_json(j, name, &role, tenant, &exp, &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "expires_in");
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
			json_array_set_new(cur, i, parse(value));
		else
			json_array_remove(cur, i);
	} else if (value) {
		json_object_set_new(cur, tok, parse(value));
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
		json_t *j = parse(base_body[k]);

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
		json_t *j = parse(base_body[c->kind]);
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
			json_t *j = parse(bodies[i]);

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
		j = parse(base_body[k]);
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
	json_t *j = parse(base_body[CONNECTOR]);

	edit(j, "created_at", "\"yesterday\"");
	assert_int_equal(nc_connector_from_json(j, &c, f, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "created_at");
	assert_contains(ei.msg, "created_at must be an ISO 8601 UTC time or null, not `yesterday'");
	edit(j, "created_at", "\"2026-11-22T03:04:05.5+00:00\"");
	edit(j, "status", "\"gone\"");
	assert_int_equal(nc_connector_from_json(j, &c, f, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "status");
	assert_contains(ei.msg, "not `gone'");
	edit(j, "status", "\"decommissioned\"");
	edit(j, "public_key", "null");
	assert_int_equal(nc_connector_from_json(j, &c, f, &ei), 0);
	assert_int_equal(c.status, NC_STATUS_DECOMMISSIONED);
	assert_int_equal(c.created_at, T1);
	assert_string_equal(c.public_key, "");
	json_decref(j);
	nc_connector_clear(&c);
}

/* Patches. */

static void test_patch_edge(void **state)
{
	struct nc_edge cur, want;
	struct nc_errinfo ei = {0};
	json_t *j;

	edge_fixture(&cur);
	edge_fixture(&want);

	j = parse("{}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"name\":\"dc-2\",\"serial\":\"EDGE-1\",\"tenant\":\"acme\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	snprintf(want.name, sizeof(want.name), "dc-2");
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"lan_subnets\":[\"10.1.0.0/16\"],\"kind\":\"dedicated\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	strlist_set(&want.lan_subnets, "10.1.0.0/16", NULL);
	want.kind = NC_EDGE_DEDICATED;
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"lan_subnets\":[]}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	strlist_set(&want.lan_subnets, NULL, NULL);
	assert_edge_equal(&cur, &want);
	json_decref(j);

	/* Refused: identity changes, and a bad member after good ones; cur is untouched. */
	strlist_set(&cur.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	strlist_set(&want.lan_subnets, "10.2.0.0/16", "10.3.0.0/16");
	j = parse("{\"name\":\"dc-3\",\"serial\":\"EDGE-2\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");
	assert_string_equal(ei.msg, "serial cannot be changed");
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"tenant\":\"other\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	json_decref(j);

	j = parse("{\"name\":\"dc-3\",\"lan_subnets\":[\"10.9.0.0/16\"],\"endpoint\":5}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "endpoint");
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"name\":\"dc-3\",\"kind\":\"big\"}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_edge_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"name\":\"dc-3\",\"created_at\":null}");
	assert_int_equal(nc_edge_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_edge_equal(&cur, &want);
	json_decref(j);

	nc_edge_clear(&cur);
	nc_edge_clear(&want);
}

static void test_patch_connector(void **state)
{
	struct nc_connector cur, want;
	struct nc_errinfo ei = {0};
	json_t *j;

	connector_fixture(&cur);
	connector_fixture(&want);

	/* A present list replaces the whole list. */
	j = parse("{\"acl\":[{\"action\":\"reject\",\"proto\":\"udp\",\"src\":\"10.0.0.0/8\","
		  "\"dst\":\"0.0.0.0/0\",\"dport\":53}],\"routes\":[]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.n_acl = 1;
	want.acl[0] = (struct nc_acl_rule){"reject", "udp", "10.0.0.0/8", "0.0.0.0/0", 53};
	want.n_routes = 0;
	assert_connector_equal(&cur, &want);
	assert_null(cur.routes);
	json_decref(j);

	/* nat merges: an absent member keeps its value. */
	j = parse("{\"nat\":{\"wan_interface\":\"eth1\"}}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	snprintf(want.wan_interface, sizeof(want.wan_interface), "eth1");
	assert_connector_equal(&cur, &want);
	json_decref(j);
	j = parse("{\"nat\":{\"enabled\":false}}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.nat_enabled = false;
	assert_connector_equal(&cur, &want);
	json_decref(j);

	j = parse("{\"hub_edge\":null,\"endpoint\":null,\"lan_subnets\":[\"172.16.0.0/12\"],"
		  "\"region\":\"us\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), 0);
	want.hub_edge[0] = '\0';
	want.endpoint[0] = '\0';
	strlist_set(&want.lan_subnets, "172.16.0.0/12", NULL);
	snprintf(want.region, sizeof(want.region), "us");
	assert_connector_equal(&cur, &want);
	json_decref(j);

	/* Refused, cur untouched: identity, status, and a bad rule after good members. */
	j = parse("{\"serial\":\"CN-0002\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "serial cannot be changed");
	json_decref(j);
	j = parse("{\"tenant\":\"other\",\"name\":\"x\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	json_decref(j);
	j = parse("{\"status\":\"approved\"}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "status changes through approve and decommission");
	json_decref(j);
	j = parse("{\"name\":\"new\",\"lan_subnets\":[],\"nat\":{\"enabled\":true},"
		  "\"routes\":[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\"}],"
		  "\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
		  "\"dst\":\"0.0.0.0/0\"},{\"action\":\"drop\"}]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "acl[1].proto");
	assert_connector_equal(&cur, &want);
	json_decref(j);
	j = parse("{\"name\":\"new\",\"acl\":[],\"routes\":[{\"dst\":\"10.0.0.0/8\"}]}");
	assert_int_equal(nc_connector_from_json(j, &cur, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "routes[0].via");
	assert_connector_equal(&cur, &want);
	json_decref(j);

	nc_connector_clear(&cur);
	nc_connector_clear(&want);
}

static void test_patch_tenant_peering(void **state)
{
	struct nc_tenant t, tw;
	struct nc_peering p, pw;
	struct nc_errinfo ei = {0};
	json_t *j;

	tenant_fixture(&t);
	tenant_fixture(&tw);
	j = parse("{\"id\":\"acme\",\"name\":\"Acme Inc\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), 0);
	snprintf(tw.name, sizeof(tw.name), "Acme Inc");
	assert_tenant_equal(&t, &tw);
	json_decref(j);
	j = parse("{\"id\":\"other\",\"name\":\"Other\"}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "id");
	assert_string_equal(ei.msg, "id cannot be changed");
	assert_tenant_equal(&t, &tw);
	json_decref(j);
	/* No default name on a patch. */
	j = parse("{}");
	assert_int_equal(nc_tenant_from_json(j, &t, NC_DECODE_PATCH, &ei), 0);
	assert_tenant_equal(&t, &tw);
	json_decref(j);

	peering_fixture(&p);
	peering_fixture(&pw);
	j = parse("{\"protocol\":\"wireguard\",\"dual_tunnel\":false,\"name\":\"branches\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), 0);
	pw.protocol = NC_PROTO_WIREGUARD;
	pw.dual_tunnel = false;
	assert_peering_equal(&p, &pw);
	json_decref(j);
	j = parse("{\"topology\":\"mesh\",\"hub\":null}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), 0);
	pw.topology = NC_TOPO_MESH;
	pw.hub[0] = '\0';
	assert_peering_equal(&p, &pw);
	json_decref(j);
	j = parse("{\"topology\":\"partial_mesh\",\"name\":\"renamed\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "name cannot be changed");
	assert_peering_equal(&p, &pw);
	json_decref(j);
	j = parse("{\"topology\":\"partial_mesh\",\"tenant\":\"other\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.msg, "tenant cannot be changed");
	assert_peering_equal(&p, &pw);
	json_decref(j);
	j = parse("{\"topology\":\"partial_mesh\",\"protocol\":\"ipsec2\"}");
	assert_int_equal(nc_peering_from_json(j, &p, NC_DECODE_PATCH, &ei), NC_ERR_INVAL);
	assert_peering_equal(&p, &pw);
	json_decref(j);
}

/* A failed create leaves the zeroed struct zeroed: nothing allocated, nothing to free. */
static void test_create_failure_leaves_out(void **state)
{
	struct nc_connector c = {0};
	struct nc_edge e = {0};
	struct nc_errinfo ei = {0};
	json_t *j = parse(base_body[CONNECTOR]);

	edit(j, "routes.0.via", "1");
	assert_int_equal(nc_connector_from_json(j, &c, NC_DECODE_CREATE, &ei), NC_ERR_INVAL);
	assert_string_equal(c.serial, "");
	assert_null(c.acl);
	assert_null(c.lan_subnets.v);
	json_decref(j);

	j = parse(base_body[EDGE]);
	edit(j, "endpoint", NULL);
	assert_int_equal(nc_edge_from_json(j, &e, NC_DECODE_CREATE, &ei), NC_ERR_INVAL);
	assert_string_equal(e.serial, "");
	assert_null(e.lan_subnets.v);
	json_decref(j);
}

/*
 * The list codecs on their own (the store keeps its lists in this text):
 * members in a fixed order with dport always written, a rule without dport
 * read as 0, errors named under the caller's path, and the destination
 * replaced only on success.
 */
static void test_list_codecs(void **state)
{
	struct nc_acl_rule acl[] = {{"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22},
				    {"accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0}};
	struct nc_route routes[] = {{"10.99.0.0/16", "192.168.10.1"}};
	struct nc_acl_rule *v = NULL;
	struct nc_route *r = NULL;
	struct nc_errinfo ei = {0};
	size_t n = 0, nr = 0;
	json_t *j;
	char *text;

	(void)state;
	j = nc_acl_to_json(acl, COUNT(acl));
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "[{\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
				  "\"dst\":\"192.168.10.5/32\",\"dport\":22},"
				  "{\"action\":\"accept\",\"proto\":\"any\",\"src\":\"10.0.0.0/8\","
				  "\"dst\":\"192.168.10.0/24\",\"dport\":0}]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].dst, "192.168.10.0/24");
	assert_int_equal(v[0].dport, 22);
	free(text);
	json_decref(j);

	j = nc_routes_to_json(routes, COUNT(routes));
	text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "[{\"dst\":\"10.99.0.0/16\",\"via\":\"192.168.10.1\"}]");
	assert_int_equal(nc_routes_from_json(j, "routes", &r, &nr, &ei), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].via, "192.168.10.1");
	free(text);
	json_decref(j);

	/* dport may be left out */
	j = parse("[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\"}]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].dport, 0);
	json_decref(j);

	/* failures name the field under path and leave the lists as they were */
	j = parse("[{\"action\":\"drop\",\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\","
		  "\"dport\":70000}]");
	assert_int_equal(nc_acl_from_json(j, "rules", &v, &n, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "rules[0].dport");
	json_decref(j);
	j = parse("{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\"}");
	assert_int_equal(nc_routes_from_json(j, "routes", &r, &nr, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "routes");
	assert_string_equal(ei.msg, "routes must be an array of objects, not an object");
	json_decref(j);
	j = parse("[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\",\"metric\":1}]");
	assert_int_equal(nc_routes_from_json(j, "routes", &r, &nr, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "routes[0].metric");
	json_decref(j);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].src, "::/0");
	assert_int_equal(nr, 1);
	assert_string_equal(r[0].dst, "10.99.0.0/16");

	/* an empty list empties */
	j = parse("[]");
	assert_int_equal(nc_acl_from_json(j, "acl", &v, &n, &ei), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	json_decref(j);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tenant_shape),
		cmocka_unit_test(test_edge_shape),
		cmocka_unit_test(test_connector_shape),
		cmocka_unit_test(test_peering_shape),
		cmocka_unit_test(test_member_shape),
		cmocka_unit_test(test_link_has_no_secrets),
		cmocka_unit_test(test_token_has_no_hash),
		cmocka_unit_test(test_sync_shape),
		cmocka_unit_test(test_to_json_bad_strings),
		cmocka_unit_test(test_tenant_round_trip),
		cmocka_unit_test(test_edge_round_trip),
		cmocka_unit_test(test_connector_round_trip),
		cmocka_unit_test(test_peering_round_trip),
		cmocka_unit_test(test_create_defaults),
		cmocka_unit_test(test_token_request),
		cmocka_unit_test(test_base_bodies_decode),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_output_members_checked),
		cmocka_unit_test(test_patch_edge),
		cmocka_unit_test(test_patch_connector),
		cmocka_unit_test(test_patch_tenant_peering),
		cmocka_unit_test(test_create_failure_leaves_out),
		cmocka_unit_test(test_list_codecs),
	};

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
