/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, values that come back as stored: list columns,
 * address pools, tunnel reports and meta values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Lists stored as JSON come back exactly. */
static void test_lists_round_trip(void **state)
{
	struct fx *fx = *state;
	struct nc_acl_rule acl[] = {
		{"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22},
		{"accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0},
		{"reject", "udp", "::/0", "2001:db8::/32", 65535},
	};
	struct nc_route routes[] = {
		{"10.99.0.0/16", "192.168.10.1"},
		{"2001:db8:1::/48", "fe80::1"},
	};
	struct nc_connector c = {.serial = "CN-L",
				 .tenant = "acme",
				 .name = "lists \"quoted\"",
				 .nat_enabled = true,
				 .wan_interface = "eth0"};
	struct nc_connector got = {0};
	struct nc_edge e = {.serial = "EDGE-L", .tenant = "acme", .name = "e"}, ge = {0};

	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	nc_strlist_add(&c.lan_subnets, "192.168.11.0/24");
	nc_strlist_add(&c.lan_subnets, "fd00::/64");
	c.acl = acl;
	c.n_acl = 3;
	c.routes = routes;
	c.n_routes = 2;
	assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-L", &got), 0);
	assert_string_equal(got.name, "lists \"quoted\"");
	assert_true(got.nat_enabled);
	assert_string_equal(got.wan_interface, "eth0");
	assert_int_equal(got.lan_subnets.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(got.lan_subnets.v[i], c.lan_subnets.v[i]);
	assert_int_equal(got.n_acl, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(got.acl[i].action, acl[i].action);
		assert_string_equal(got.acl[i].proto, acl[i].proto);
		assert_string_equal(got.acl[i].src, acl[i].src);
		assert_string_equal(got.acl[i].dst, acl[i].dst);
		assert_int_equal(got.acl[i].dport, acl[i].dport);
	}
	assert_int_equal(got.n_routes, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(got.routes[i].dst, routes[i].dst);
		assert_string_equal(got.routes[i].via, routes[i].via);
	}
	nc_connector_clear(&got);

	/* emptied lists come back empty */
	c.n_acl = 0;
	c.n_routes = 0;
	nc_strlist_clear(&c.lan_subnets);
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-L", &got), 0);
	assert_string_equal(got.name, "lists \"quoted\"");
	assert_int_equal(got.lan_subnets.n, 0);
	assert_int_equal(got.n_acl, 0);
	assert_null(got.acl);
	assert_int_equal(got.n_routes, 0);
	assert_null(got.routes);
	nc_connector_clear(&got);

	/* a port that could not be read back is refused */
	c.n_acl = 1;
	acl[0].dport = 70000;
	assert_int_equal(nc_store_connector_update(fx->st, &c), NC_ERR_INVAL);
	c.n_acl = 0;

	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	nc_strlist_add(&e.lan_subnets, "10.20.0.0/16");
	assert_int_equal(nc_store_edge_insert(fx->st, &e), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-L", &ge), 0);
	assert_int_equal(ge.lan_subnets.n, 2);
	assert_string_equal(ge.lan_subnets.v[0], "10.10.0.0/16");
	assert_string_equal(ge.lan_subnets.v[1], "10.20.0.0/16");
	nc_edge_clear(&ge);
	nc_edge_clear(&e);
}

/* CN-T as inserted by test_lists_stored_text: its lists in the text the store has always
 * written. */
static void lists_written_text(struct fx *fx)
{
	assert_int_equal(fx_raw_int(fx->path, "SELECT lan_subnets = '[\"192.168.10.0/24\"]'"
					      " FROM connectors WHERE serial = 'CN-T'"),
			 1);
	assert_int_equal(
		fx_raw_int(fx->path,
			   "SELECT acl = '[{\"action\":\"drop\",\"proto\":\"tcp\","
			   "\"src\":\"0.0.0.0/0\",\"dst\":\"192.168.10.5/32\",\"dport\":22},"
			   "{\"action\":\"accept\",\"proto\":\"any\",\"src\":\"10.0.0.0/8\","
			   "\"dst\":\"192.168.10.0/24\",\"dport\":0}]'"
			   " FROM connectors WHERE serial = 'CN-T'"),
		1);
	assert_int_equal(fx_raw_int(fx->path, "SELECT routes = '[{\"dst\":\"10.99.0.0/16\","
					      "\"via\":\"192.168.10.1\"}]'"
					      " FROM connectors WHERE serial = 'CN-T'"),
			 1);
}

/* What existing databases hold, and the API's form without dport, read back. */
static void lists_read_back(struct fx *fx)
{
	struct nc_connector got = {0};

	/* what existing databases hold (dport always written), here spaced out, reads back */
	fx_raw_exec(fx->path, "UPDATE connectors SET acl = '[ {\"action\": \"drop\","
			      " \"proto\": \"udp\", \"src\": \"::/0\", \"dst\": \"fd00::/64\","
			      " \"dport\": 0} ]', lan_subnets = '[ ]' WHERE serial = 'CN-T'");
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-T", &got), 0);
	assert_int_equal(got.lan_subnets.n, 0);
	assert_int_equal(got.n_acl, 1);
	assert_string_equal(got.acl[0].dst, "fd00::/64");
	assert_int_equal(got.acl[0].dport, 0);
	nc_connector_clear(&got);

	/* the API's form without dport reads as 0 and is written back with it */
	fx_raw_exec(fx->path, "UPDATE connectors SET acl = '[{\"action\":\"drop\","
			      "\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\"}]'"
			      " WHERE serial = 'CN-T'");
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-T", &got), 0);
	assert_int_equal(got.n_acl, 1);
	assert_int_equal(got.acl[0].dport, 0);
	assert_int_equal(nc_store_connector_update(fx->st, &got), 0);
	assert_int_equal(fx_raw_int(fx->path,
				    "SELECT acl = '[{\"action\":\"drop\",\"proto\":\"any\","
				    "\"src\":\"::/0\",\"dst\":\"::/0\",\"dport\":0}]'"
				    " FROM connectors WHERE serial = 'CN-T'"),
			 1);
	nc_connector_clear(&got);
}

/* A list that does not decode is a store error and leaves nothing behind; c is CN-T as it
 * should be, written back before each damage. */
static void lists_damaged(struct fx *fx, struct nc_connector *c)
{
	struct nc_connector got = {0};
	static const char *const damaged[] = {
		"UPDATE connectors SET acl = 'not json' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '{}' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '[{\"action\":\"drop\"}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '[{\"action\":\"drop\",\"proto\":\"any\","
		"\"src\":\"::/0\",\"dst\":\"::/0\",\"dport\":65536}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET routes = '[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\","
		"\"metric\":1}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET routes = '' WHERE serial = 'CN-T'",
		"UPDATE connectors SET lan_subnets = '[1]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET lan_subnets = '[\"a\",\"a\"' WHERE serial = 'CN-T'",
	};

	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		assert_int_equal(nc_store_connector_update(fx->st, c), 0);
		fx_raw_exec(fx->path, damaged[i]);
		if (nc_store_connector_get(fx->st, "acme", "CN-T", &got) != NC_ERR_STORE)
			fail_msg("`%s' was read", damaged[i]);
		assert_null(got.acl);
		assert_null(got.routes);
		assert_int_equal(got.lan_subnets.n, 0);
	}
}

/* The list columns hold the text the store has always written, and read back that, a rule
 * without dport (as the API takes it) as dport 0; a list that does not decode is a store error
 * and leaves nothing behind. */
static void test_lists_stored_text(void **state)
{
	struct fx *fx = *state;
	struct nc_acl_rule acl[] = {
		{"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22},
		{"accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0},
	};
	struct nc_route routes[] = {{"10.99.0.0/16", "192.168.10.1"}};
	struct nc_connector c = {.serial = "CN-T",
				 .tenant = "acme",
				 .name = "t",
				 .acl = acl,
				 .n_acl = 2,
				 .routes = routes,
				 .n_routes = 1};
	struct nc_edge e = {.serial = "EDGE-T", .tenant = "acme", .name = "e"};

	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	lists_written_text(fx);
	lists_read_back(fx);
	lists_damaged(fx, &c);

	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	assert_int_equal(nc_store_edge_insert(fx->st, &e), 0);
	assert_int_equal(fx_raw_int(fx->path, "SELECT lan_subnets = '[\"10.10.0.0/16\"]'"
					      " FROM edges WHERE serial = 'EDGE-T'"),
			 1);
	nc_strlist_clear(&c.lan_subnets);
	nc_edge_clear(&e);
}

/* Address pools hand out the lowest free index, keep it per owner, reuse a
 * released one, say when full, and keep tenants apart. */
static void test_addr_pools(void **state)
{
	struct fx *fx = *state;
	uint32_t i = 0;

	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-1", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-2", 2, 4, &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-1", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "globex", "bb:E1", "CN-9", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-3", 2, 4, &i), 0);
	assert_int_equal(i, 4);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i),
			 NC_ERR_RANGE);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "bb:E1", "CN-2"), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "bb:E1", NULL), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "none", "CN-4"), 0);
}

/* The lowest free index stays the answer however the pool got there: past
 * a long taken run, after a rolled-back allocation, after a release. */
static void test_addr_pool_lowest_free(void **state)
{
	struct fx *fx = *state;
	const char *p = "bb:E2";
	char owner[16];
	uint32_t i = 0;

	for (uint32_t k = 0; k < 300; k++) {
		snprintf(owner, sizeof(owner), "CN-%u", k);
		assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, owner, 2, 1000, &i), 0);
		assert_int_equal(i, 2 + k);
	}
	assert_int_equal(nc_store_begin(fx->st), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, "CN-X", 2, 1000, &i), 0);
	assert_int_equal(i, 302);
	nc_store_rollback(fx->st);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, "CN-Y", 2, 1000, &i), 0);
	assert_int_equal(i, 302);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", p, "CN-7"), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, "CN-Z", 2, 1000, &i), 0);
	assert_int_equal(i, 9);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, "CN-W", 2, 1000, &i), 0);
	assert_int_equal(i, 303);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", p, "CN-V", 2, 303, &i), NC_ERR_RANGE);
}

/* Tunnel reports: replace makes a device's rows exactly the new ones, they
 * survive a reopen, and deleting the device takes them along. */
static void test_tunnels(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_tunnel_state v[2] =
		{
			{"EDGE-1", "wg2", "EDGE-2", "g1", NC_PROTO_WIREGUARD, 0, false, true, "",
			 1700, 10, 20, 1800},
			{"EDGE-1", "xfrm", "EDGE-2", "g2", NC_PROTO_IPSEC, 0, false, false, "down",
			 -1, -1, -1, 1800},
		},
			       *out = NULL;
	size_t n = 0;

	fx_new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-1", v, 2), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].interface, "wg2");
	assert_int_equal(out[0].rx_bytes, 10);
	assert_true(out[0].up);
	assert_string_equal(out[1].sa, "down");
	assert_int_equal(out[1].protocol, NC_PROTO_IPSEC);
	assert_int_equal(out[1].latest_handshake, -1);
	free(out);
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-1", &v[1], 1), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].peering, "g2");
	free(out);
	/* rows of another serial, and unknown devices, are refused */
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-2", v, 1), NC_ERR_INVAL);
	snprintf(v[0].serial, sizeof(v[0].serial), "EDGE-9");
	assert_true(nc_store_tunnel_replace(fx->st, "EDGE-9", v, 1) < 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 0);
	assert_null(out);
}

/* Meta values: absent until put, replaced by a put, kept across a reopen,
 * inside a transaction undone by its rollback. */
static void test_meta(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	const int64_t big = (INT64_C(1) << 52) + 7;
	int64_t v = 99;

	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), NC_ERR_NOTFOUND);
	assert_int_equal(v, 99);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", 1), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", big), 0);
	assert_int_equal(nc_store_meta_put(fx->st, "other", -3), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, big);

	assert_int_equal(nc_store_begin(fx->st), 0);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", 5), 0);
	nc_store_rollback(fx->st);
	nc_store_close(fx->st);
	fx->st = NULL;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, big);
	assert_int_equal(nc_store_meta_get(fx->st, "other", &v), 0);
	assert_int_equal(v, -3);

	assert_int_equal(nc_store_meta_get(fx->st, "", &v), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_get(fx->st, NULL, &v), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", NULL), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_put(fx->st, "", 1), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_put(NULL, "event_block", 1), NC_ERR_INVAL);
}

FX_MAIN_EACH("store_values", fx_log_warnings, NULL, fx_setup_store, fx_teardown,
	     test_lists_round_trip, test_lists_stored_text, test_addr_pools,
	     test_addr_pool_lowest_free, test_tunnels, test_meta)
