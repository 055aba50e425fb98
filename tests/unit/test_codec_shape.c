/* SPDX-License-Identifier: MIT */
/*
 * The JSON codec of the model, output: the resource shapes are the REST
 * contract (exact member names), and no output carries a secret.
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
#include "fixture_codec.h"

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

/* obj, an object of kind k, as JSON (a new reference); fails unless its members are keys. */
static json_t *shape_of(enum fx_obj k, const void *obj, const char *const *keys)
{
	json_t *j = fx_to_json(k, obj);

	assert_keys(j, keys);
	return j;
}

/* Shapes: the member names are the contract. */

static void test_tenant_shape(void **state)
{
	static const char *const keys[] = {"id", "name", "created_at", NULL};
	struct nc_tenant t;
	json_t *j;

	fx_tenant_fixture(&t);
	j = shape_of(FX_TENANT, &t, keys);
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

	fx_edge_fixture(&e);
	j = shape_of(FX_EDGE, &e, keys);
	assert_member_str(j, "kind", "mtge");
	assert_int_equal(json_array_size(json_object_get(j, "lan_subnets")), 2);
	json_decref(j);

	e.public_key[0] = '\0';
	e.last_seen = 0;
	nc_strlist_clear(&e.lan_subnets);
	j = shape_of(FX_EDGE, &e, keys);
	assert_member_str(j, "public_key", NULL);
	assert_member_str(j, "last_seen", NULL);
	assert_true(json_is_array(json_object_get(j, "lan_subnets")));
	assert_int_equal(json_array_size(json_object_get(j, "lan_subnets")), 0);
	json_decref(j);
	nc_edge_clear(&e);
}

static void test_connector_shape(void **state)
{
	static const char *const keys[] = {
		"serial",      "tenant",     "name",	   "region",	  "hub_edge", "endpoint",
		"lan_subnets", "nat",	     "acl",	   "routes",	  "status",   "last_seen",
		"public_key",  "created_at", "updated_at", "pending_key", NULL};
	static const char *const nat_keys[] = {"enabled", "wan_interface", NULL};
	static const char *const acl_keys[] = {"action", "proto", "src", "dst", "dport", NULL};
	static const char *const route_keys[] = {"dst", "via", NULL};
	struct nc_connector c;
	json_t *j, *acl;

	fx_connector_fixture(&c);
	j = shape_of(FX_CONNECTOR, &c, keys);
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

	fx_peering_fixture(&p);
	j = shape_of(FX_PEERING, &p, keys);
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
		json_array_foreach(j, i, v)
			assert_no_secret_members(v);
	}
	if (!json_is_object(j))
		return;
	json_object_foreach((json_t *)j, key, v) {
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
		.created_at = FX_T1,
		.expires_at = FX_T1 + 3600,
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
	struct nc_sync s;
	json_t *j, *lc;
	char *text;

	fx_sync_fixture(&s);
	s.confirmed_at = 0; /* never confirmed: null */
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

	fx_connector_fixture(&c);
	memcpy(c.name, "\xff\xfe", 3);
	assert_null(nc_connector_to_json(&c));
	nc_connector_clear(&c);

	memset(t.id, 'a', sizeof(t.id));
	j = nc_tenant_to_json(&t);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "id"))), sizeof(t.id));
	json_decref(j);
}

FX_MAIN("codec_shape", test_tenant_shape, test_edge_shape, test_connector_shape, test_peering_shape,
	test_member_shape, test_link_has_no_secrets, test_token_has_no_hash, test_sync_shape,
	test_to_json_bad_strings)
