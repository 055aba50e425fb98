/* SPDX-License-Identifier: MIT */
/*
 * Edges and connectors through the core, on a real SQLite store: created,
 * patched and deleted with their documented errors, exactly which devices each
 * change marks dirty and why, backbone addresses following the hub, LANs that
 * may not overlap, and failures and dry runs that leave nothing behind.
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

#include "../../lib/core/core.h"
#include "../../lib/core/inventory.h"
#include "../../lib/core/lan.h"
#include "../../lib/core/peering.h"
#include "../../lib/events/events.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"
#include "fixture_core.h"

/* Tests */

static void test_edge_create(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_edge e = {0};

	fxi_add_edge(fx, "EDGE-1");
	fxi_assert_pending(fx, "EDGE-1=edge EDGE-1 created;");
	fxi_assert_events(fx, "\"type\":\"audit\"", "\"action\":\"create\",\"object\":\"edge\"");
	/* In a caller's tenant, an edge without one joins it. */
	assert_int_equal(fxi_add_edge_in(fx, "globex", "", "EDGE-G", &ei), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "globex", "EDGE-G", &e), 0);
	nc_edge_clear(&e);

	fx_assert_refused(fxi_add_edge_in(fx, NULL, "", "EDGE-2", &ei), NC_ERR_INVAL, &ei,
			  "tenant");
	assert_int_equal(fxi_add_edge_in(fx, NULL, "nope", "EDGE-2", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `nope' not found");
	assert_int_equal(fxi_add_edge_in(fx, "acme", "globex", "EDGE-2", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `globex' not found");
	fx_assert_refused(fxi_add_edge_in(fx, "globex", "globex", "EDGE-1", &ei), NC_ERR_EXISTS,
			  &ei, "serial");
	assert_string_equal(ei.msg,
			    "serial `EDGE-1' is already used by an edge of this or another tenant");
	fx_assert_refused(fxi_add_edge_in(fx, NULL, "acme", "bad serial", &ei), NC_ERR_INVAL, &ei,
			  "serial");
	fxc_clean(fx);
	assert_int_equal(fxi_add_edge_in(fx, NULL, "acme", "EDGE-2", &ei), 0);
	fx_assert_refused(fxi_patch_edge(fx, "EDGE-2", "{\"endpoint\":\"192.0.2.9\"}", &ei),
			  NC_ERR_INVAL, &ei, "endpoint");
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-2", &e), 0);
	assert_string_equal(e.endpoint, "192.0.2.1:51820");
	nc_edge_clear(&e);
}

static void test_connector_create(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	fxi_add_edge(fx, "EDGE-1");
	assert_int_equal(fxi_add_edge_in(fx, NULL, "globex", "EDGE-G", &ei), 0);
	fxc_clean(fx);
	assert_int_equal(fxi_add_connector_in(fx, "acme", "", "CN-1", "EDGE-1", &ei), 0);
	fxi_assert_status(fx, "CN-1", NC_STATUS_PENDING_APPROVAL);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_true(c.created_at > 0);
	nc_connector_clear(&c);
	/* Its hub is not told: a pending connector is no one's peer. */
	fxi_assert_pending(fx, "CN-1=connector CN-1 created;");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 3);
	fxi_assert_events(fx, "\"action\":\"create\",\"object\":\"connector\"", NULL);
	fxc_clean(fx);

	assert_int_equal(fxi_add_connector_in(fx, NULL, "acme", "EDGE-1", NULL, &ei),
			 NC_ERR_EXISTS);
	assert_string_equal(ei.msg,
			    "serial `EDGE-1' is already used by an edge of this or another tenant");
	assert_int_equal(fxi_add_connector_in(fx, NULL, "globex", "CN-1", NULL, &ei),
			 NC_ERR_EXISTS);
	assert_string_equal(
		ei.msg, "serial `CN-1' is already used by a connector of this or another tenant");
	fx_assert_refused(fxi_add_connector_in(fx, NULL, "acme", "CN-2", "EDGE-G", &ei),
			  NC_ERR_NOTFOUND, &ei, "hub_edge");
	assert_string_equal(ei.msg, "hub edge `EDGE-G' not found");
	fx_assert_refused(fxi_add_connector_in(fx, NULL, "acme", "CN-2", "EDGE-9", &ei),
			  NC_ERR_NOTFOUND, &ei, "hub_edge");
	fx_assert_refused(fxi_add_connector_in(fx, NULL, "acme", "CN-2", "CN-1", &ei), NC_ERR_INVAL,
			  &ei, "hub_edge");
	fx_assert_contains(ei.msg, "a connector cannot be a hub");
	assert_int_equal(fxi_add_connector_in(fx, "globex", "acme", "CN-2", NULL, &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `acme' not found");
	fx_assert_refused(fxi_add_connector_in(fx, NULL, "", "CN-2", NULL, &ei), NC_ERR_INVAL, &ei,
			  "tenant");
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-2", &c), NC_ERR_NOTFOUND);
	fxi_assert_untouched(fx);
}

/* A write that fails after the insert (the hub pool is full) leaves nothing. */
static void test_failure_rolls_back(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};
	struct nc_sync s = {0};
	char owner[16];
	uint32_t idx;

	fxi_add_edge(fx, "EDGE-1");
	fxc_clean(fx);
	for (int i = 0; i < 128; i++) {
		snprintf(owner, sizeof(owner), "X-%d", i);
		assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "hub", owner, 0, 127, &idx),
				 0);
	}
	assert_int_equal(fxi_add_connector_in(fx, NULL, "acme", "CN-1", "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	fx_assert_contains(ei.msg, "is full");
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-1", NULL, &s), NC_ERR_NOTFOUND);
	fxi_assert_untouched(fx);
}
/* A dry run: the write runs and reads back inside it, then nothing of it
 * stays or is told; a real write after it tells as ever. */
static void test_dry_run_rolls_back(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};
	struct nc_sync s = {0};

	fxi_add_edge(fx, "EDGE-1");
	fxc_clean(fx);
	assert_int_equal(nc_core_dry_begin(&fx->core), 0);
	assert_true(nc_core_dry());
	assert_int_equal(fxi_add_connector_in(fx, NULL, "acme", "CN-1", "EDGE-1", &ei), 0);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), 0);
	nc_connector_clear(&c);
	nc_core_dry_end(&fx->core);
	assert_false(nc_core_dry());
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-1", NULL, &s), NC_ERR_NOTFOUND);
	fxi_assert_untouched(fx);
	assert_int_equal(fxi_add_connector_in(fx, NULL, "acme", "CN-1", "EDGE-1", &ei), 0);
	fxi_assert_events(fx, "\"action\":\"create\",\"object\":\"connector\"", NULL);
	fxi_assert_pending(fx, "CN-1=connector CN-1 created;");
}

static void test_connector_delete(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_sync s = {0};

	fxi_connector_world(fx);
	fxi_add_connector(fx, "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	fxc_clean(fx);
	assert_int_equal(nc_core_connector_delete(&fx->core, &fxi_admin, "globex", "CN-1", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_connector_delete(&fx->core, &fxi_admin, "acme", "CN-1", &ei), 0);
	fxi_assert_pending(fx, "CN-2=peer CN-1 deleted;EDGE-1=connector CN-1 deleted;"
			       "EDGE-2=peer CN-1 deleted;");
	assert_int_equal(nc_store_sync_get(fx->st, "CN-1", NULL, &s), NC_ERR_NOTFOUND);
	fxi_assert_events(fx, "\"action\":\"delete\",\"object\":\"connector\"", NULL);
	/* CN-3 holds index 3: index 2 of CN-1 is free again. */
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
	fxc_clean(fx);
	assert_int_equal(nc_core_connector_delete(&fx->core, NULL, NULL, "CN-3", &ei), 0);
	fxi_assert_pending(fx, "");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
	assert_int_equal(nc_core_connector_delete(&fx->core, NULL, NULL, "CN-3", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-3' not found");
}

static void test_edge_update_dirty(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxi_connector_world(fx);
	fxi_add_connector(fx, "CN-3", "EDGE-2", NC_STATUS_OFFLINE);
	fxi_add_connector(fx, "CN-4", "EDGE-2", NC_STATUS_PENDING_APPROVAL);
	fxi_add_connector(fx, "CN-5", "EDGE-2", NC_STATUS_DECOMMISSIONED);
	fxc_clean(fx);
	assert_int_equal(fxi_patch_edge(fx, "EDGE-2", "{\"endpoint\":\"192.0.2.7:51820\"}", &ei),
			 0);
	fxi_assert_pending(fx, "CN-1=endpoint of EDGE-2 changed;CN-3=endpoint of EDGE-2 changed;"
			       "EDGE-2=endpoint of EDGE-2 changed;");
	fxi_assert_events(fx, "\"action\":\"update\",\"object\":\"edge\"", NULL);
	fxc_clean(fx);
	assert_int_equal(fxi_patch_edge(fx, "EDGE-2",
					"{\"lan_subnets\":[\"10.20.0.0/16\"],"
					"\"endpoint\":\"192.0.2.8:51820\"}",
					&ei),
			 0);
	fxi_assert_pending(fx, "CN-1=endpoint and LAN subnets of EDGE-2 changed;"
			       "CN-3=endpoint and LAN subnets of EDGE-2 changed;"
			       "EDGE-2=endpoint and LAN subnets of EDGE-2 changed;");
	fxc_clean(fx);
	assert_int_equal(fxi_patch_edge(fx, "EDGE-2", "{\"name\":\"dc-9\",\"region\":\"us\"}", &ei),
			 0);
	fxi_assert_pending(fx, "");
	assert_int_equal(fxi_patch_edge(fx, "EDGE-9", "{\"name\":\"dc-9\"}", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "edge `EDGE-9' not found");
}

/* More connectors on one hub than a page holds: every live one is dirtied. */
static void test_edge_update_pages(void **state)
{
	struct fx_core *fx = *state;
	struct nc_connector c = {
		.tenant = "acme", .name = "c", .hub_edge = "EDGE-1", .status = NC_STATUS_ACTIVE};
	struct nc_errinfo ei = {0};
	size_t counts[4];

	fxi_add_edge(fx, "EDGE-1");
	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < NC_PAGE_MAX + 5; i++) {
		snprintf(c.serial, sizeof(c.serial), "CN-%05d", i);
		assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);
	fxc_clean(fx);
	assert_int_equal(fxi_patch_edge(fx, "EDGE-1", "{\"lan_subnets\":[]}", &ei), 0);
	assert_int_equal(nc_store_sync_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], NC_PAGE_MAX + 6);
}

static void test_edge_delete(void **state)
{
	struct fx_core *fx = *state;
	struct nc_peering p = {
		.tenant = "acme", .name = "spokes", .topology = NC_TOPO_HUB_SPOKE, .hub = "EDGE-3"};
	struct nc_errinfo ei = {0};
	struct nc_sync s = {0};
	uint32_t idx;

	fxi_connector_world(fx);
	fxi_add_connector(fx, "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	fxi_add_connector(fx, "CN-4", "EDGE-1", NC_STATUS_DECOMMISSIONED);
	assert_int_equal(nc_store_peering_insert(fx->st, &p), 0);
	fxi_add_link(fx, "EDGE-1", "EDGE-2");
	fxc_clean(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &fxi_admin, NULL, "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "edge `EDGE-1' is the hub of 3 connectors (CN-1, CN-3, CN-4): "
				    "move them to another hub or set hub_edge to null first");
	fxi_add_connector(fx, "CN-5", "EDGE-1", NC_STATUS_ACTIVE);
	fxc_clean(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &fxi_admin, NULL, "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	fx_assert_contains(ei.msg, "hub of 4 connectors (CN-1, CN-3, CN-4 and 1 more)");
	assert_int_equal(nc_core_edge_delete(&fx->core, &fxi_admin, NULL, "EDGE-3", &ei),
			 NC_ERR_CONFLICT);
	fx_assert_contains(ei.msg, "hub of peering `spokes'");
	assert_int_equal(nc_core_edge_delete(&fx->core, &fxi_admin, "globex", "EDGE-2", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "edge `EDGE-2' not found");
	fxi_assert_untouched(fx);

	for (int i = 1; i <= 5; i++) {
		char serial[8];

		snprintf(serial, sizeof(serial), "CN-%d", i);
		if (i != 2)
			assert_int_equal(
				nc_core_connector_delete(&fx->core, NULL, NULL, serial, &ei), 0);
	}
	fxc_clean(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &fxi_admin, "acme", "EDGE-1", &ei), 0);
	fxi_assert_pending(fx, "EDGE-2=peer EDGE-1 deleted;");
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", NULL, &s), NC_ERR_NOTFOUND);
	fxi_assert_events(fx, "\"action\":\"delete\",\"object\":\"edge\"", NULL);
	/* EDGE-1 held hub block 0: it is free again. */
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "hub", "probe", 0, 127, &idx), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
}

/* Which prefixes share an address: equal, nested either way, IPv4 and IPv6. */
static void test_lan_overlap(void **state)
{
	/* Pairs of prefixes that share an address, and pairs that do not. */
	static const char *const overlap[][2] = {
		{"192.168.1.0/24", "192.168.1.0/24"},	{"192.168.0.0/16", "192.168.1.0/24"},
		{"192.168.1.128/25", "192.168.1.0/24"}, {"10.0.0.0/8", "10.255.255.255/32"},
		{"0.0.0.0/0", "172.16.0.0/12"},		{"fd00:20::/48", "fd00:20:0:1::/64"},
	};
	static const char *const apart[][2] = {
		{"192.168.1.0/24", "192.168.2.0/24"},
		{"192.168.1.0/25", "192.168.1.128/25"},
		{"10.1.0.0/16", "10.10.0.0/16"},
		{"fd00:20::/48", "fd00:21::/48"},
		{"10.0.0.0/8", "::/0"},
		{"10.0.0.0/33", "10.0.0.0/8"},
		{"bogus", "10.0.0.0/8"},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(overlap); i++)
		if (!nc_core_lan_overlap(overlap[i][0], overlap[i][1]))
			fail_msg("%s and %s should overlap", overlap[i][0], overlap[i][1]);
	for (size_t i = 0; i < COUNT(apart); i++)
		if (nc_core_lan_overlap(apart[i][0], apart[i][1]))
			fail_msg("%s and %s should not overlap", apart[i][0], apart[i][1]);
}

FX_MAIN_GROUP("core_inventory", fx_log_warnings, NULL, FXC_TEST(test_edge_create),
	      FXC_TEST(test_connector_create), FXC_TEST(test_failure_rolls_back),
	      FXC_TEST(test_dry_run_rolls_back), FXC_TEST(test_connector_delete),
	      FXC_TEST(test_edge_update_dirty), FXC_TEST(test_edge_update_pages),
	      FXC_TEST(test_edge_delete), cmocka_unit_test(test_lan_overlap))
