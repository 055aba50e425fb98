/* SPDX-License-Identifier: MIT */
/*
 * The connector through the core, on a real SQLite store: patches that dirty
 * exactly the devices they affect, a hub change, refused patches, and the
 * lifecycle over every pair of statuses.
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

static void test_connector_update_dirty(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxi_connector_world(fx);
	assert_int_equal(
		fxi_patch_connector(fx, NULL, "CN-1", "{\"lan_subnets\":[\"10.1.0.0/24\"]}", &ei),
		0);
	fxi_assert_pending(
		fx, "CN-1=LAN subnets of CN-1 changed;CN-2=LAN subnets of CN-1 changed;"
		    "EDGE-1=LAN subnets of CN-1 changed;EDGE-2=LAN subnets of CN-1 changed;");
	fxi_assert_events(fx, "\"type\":\"dirty\"",
			  "\"action\":\"update\",\"object\":\"connector\"");
	fxc_clean(fx);
	assert_int_equal(
		fxi_patch_connector(fx, "acme", "CN-1",
				    "{\"nat\":{\"enabled\":true,\"wan_interface\":\"eth0\"}}", &ei),
		0);
	fxi_assert_pending(fx, "CN-1=NAT changed;");
	fxc_clean(fx);
	assert_int_equal(
		fxi_patch_connector(fx, NULL, "CN-1",
				    "{\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\","
				    "\"src\":\"0.0.0.0/0\",\"dst\":\"10.1.0.5/32\",\"dport\":22}]}",
				    &ei),
		0);
	fxi_assert_pending(fx, "CN-1=ACL changed (1 rule);");
	fxc_clean(fx);
	assert_int_equal(fxi_patch_connector(
				 fx, NULL, "CN-1",
				 "{\"routes\":[{\"dst\":\"10.99.0.0/16\",\"via\":\"10.1.0.1\"}]}",
				 &ei),
			 0);
	fxi_assert_pending(fx, "CN-1=static routes changed;");
	fxc_clean(fx);
	/* Name and region are nobody's config; a patch repeating values changes nothing. */
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1",
					     "{\"name\":\"renamed\",\"region\":\"us\","
					     "\"lan_subnets\":[\"10.1.0.0/24\"]}",
					     &ei),
			 0);
	fxi_assert_pending(fx, "");
	fxi_assert_events(fx, "\"action\":\"update\"", NULL);
}

static void test_connector_hub_change(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxi_connector_world(fx);
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 3);
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-3\"}", &ei),
			 0);
	fxi_assert_pending(fx, "CN-1=hub changed from EDGE-1 to EDGE-3;"
			       "EDGE-1=hub of CN-1 changed from EDGE-1 to EDGE-3;"
			       "EDGE-3=hub of CN-1 changed from EDGE-1 to EDGE-3;");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
	assert_int_equal(fxi_next_free(fx, "EDGE-3"), 3);
	fxc_clean(fx);
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":null}", &ei), 0);
	fxi_assert_pending(fx, "CN-1=hub changed from EDGE-3 to none;"
			       "EDGE-3=hub of CN-1 changed from EDGE-3 to none;");
	assert_int_equal(fxi_next_free(fx, "EDGE-3"), 2);
	fxc_clean(fx);
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1",
					     "{\"hub_edge\":\"EDGE-1\",\"nat\":{\"enabled\":true,"
					     "\"wan_interface\":\"eth1\"}}",
					     &ei),
			 0);
	fxi_assert_pending(fx, "CN-1=hub changed to EDGE-1; NAT changed;"
			       "EDGE-1=hub of CN-1 changed to EDGE-1;");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 3);
}

static void test_connector_update_refused(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	fxi_connector_world(fx);
	assert_int_equal(fxi_add_edge_in(fx, NULL, "globex", "EDGE-G", &ei), 0);
	fxc_clean(fx);
	fx_assert_refused(fxi_patch_connector(fx, NULL, "CN-1",
					      "{\"name\":\"x\",\"lan_subnets\":[\"10.0.0.0/33\"]}",
					      &ei),
			  NC_ERR_INVAL, &ei, "lan_subnets[0]");
	fx_assert_refused(fxi_patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-G\"}", &ei),
			  NC_ERR_NOTFOUND, &ei, "hub_edge");
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"CN-2\"}", &ei),
			 NC_ERR_INVAL);
	fx_assert_contains(ei.msg, "a connector cannot be a hub");
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"serial\":\"CN-7\"}", &ei),
			 NC_ERR_INVAL);
	assert_int_equal(fxi_patch_connector(fx, "globex", "CN-1", "{\"name\":\"x\"}", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-1' not found");
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-9", "{\"name\":\"x\"}", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), 0);
	assert_string_equal(c.name, "branch CN-1");
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_string_equal(c.lan_subnets.v[0], "192.168.10.0/24");
	nc_connector_clear(&c);
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 3);
	fxi_assert_untouched(fx);
}

/* fxi_connector_world() with CN-1 put back to pending approval (straight in the store). */
static void pending_world(struct fx_core *fx)
{
	fxi_connector_world(fx);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-1", NC_STATUS_PENDING_APPROVAL),
			 0);
}

/* A pending connector is no one's peer: its changes dirty only itself. */
static void test_pending_connector_dirties_itself(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	pending_world(fx);
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"lan_subnets\":[]}", &ei), 0);
	fxi_assert_pending(fx, "CN-1=LAN subnets of CN-1 changed;");
	fxc_clean(fx);
	assert_int_equal(fxi_patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-3\"}", &ei),
			 0);
	fxi_assert_pending(fx, "CN-1=hub changed from EDGE-1 to EDGE-3;");
	assert_int_equal(fxi_next_free(fx, "EDGE-3"), 3);
}

static void test_transition_table(void **state)
{
	struct fx_core *fx = *state;
	/* Rows from, columns to: pending, approved, provisioned, active, offline, decommissioned.
	 */
	static const bool want[6][6] = {
		{0, 1, 0, 0, 0, 1}, {0, 0, 1, 0, 0, 1}, {0, 0, 0, 1, 0, 1},
		{0, 0, 0, 0, 1, 1}, {0, 0, 0, 1, 0, 1}, {0, 0, 0, 0, 0, 0},
	};
	struct nc_errinfo ei = {0};
	char serial[16], text[80];

	fxi_add_edge(fx, "EDGE-1");
	for (int f = 0; f < 6; f++) {
		for (int t = 0; t < 6; t++) {
			enum nc_status from = (enum nc_status)f, to = (enum nc_status)t;

			assert_int_equal(nc_core_transition_ok(from, to), want[f][t]);
			snprintf(serial, sizeof(serial), "T-%d-%d", f, t);
			fxi_add_connector(fx, serial, "EDGE-1", from);
			memset(&ei, 0, sizeof(ei));
			assert_int_equal(fxi_move(fx, serial, to, &ei),
					 want[f][t] ? 0 : NC_ERR_CONFLICT);
			fxi_assert_status(fx, serial, want[f][t] ? to : from);
			if (want[f][t])
				continue;
			snprintf(text, sizeof(text), f == t ? "is already %s" : "is %s: cannot",
				 nc_status_name(from));
			fx_assert_contains(ei.msg, text);
			if (f != t)
				fx_assert_contains(ei.msg, nc_status_name(to));
		}
	}
	assert_false(nc_core_transition_ok((enum nc_status)6, NC_STATUS_APPROVED));
	assert_false(nc_core_transition_ok(NC_STATUS_APPROVED, (enum nc_status) - 1));
}

static void test_lifecycle(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	pending_world(fx);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_APPROVED, &ei), 0);
	/* Approval makes it a peer: its hub and its link peers change too. */
	fxi_assert_pending(fx, "CN-1=connector CN-1 approved;CN-2=connector CN-1 approved;"
			       "EDGE-1=connector CN-1 approved;EDGE-2=connector CN-1 approved;");
	fxi_assert_events(fx, "\"from\":\"pending_approval\"", "\"to\":\"approved\"");
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is already approved");
	fxc_clean(fx);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_PROVISIONED, &ei), 0);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_ACTIVE, &ei), 0);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_OFFLINE, &ei), 0);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_ACTIVE, &ei), 0);
	fxi_assert_pending(fx, "");
	fxi_assert_events(fx, "\"type\":\"lifecycle\"", "\"from\":\"offline\"");
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is active: cannot move to approved "
				    "(allowed from active: offline, decommissioned)");
	assert_int_equal(nc_core_connector_transition(&fx->core, &fxi_admin, "globex", "CN-1",
						      NC_STATUS_OFFLINE, NULL, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(fxi_move(fx, "CN-9", NC_STATUS_APPROVED, &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-9' not found");
	fxi_assert_no_events(fx);

	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), 0);
	fxi_assert_pending(fx, "CN-2=connector CN-1 decommissioned;EDGE-1=connector CN-1 "
			       "decommissioned;EDGE-2=connector CN-1 decommissioned;");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
	fxi_assert_events(fx, "\"action\":\"decommission\"", "\"to\":\"decommissioned\"");
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is decommissioned: cannot move to approved "
				    "(decommissioned is terminal)");
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is already decommissioned");
}

/* Decommissioning a connector that was never approved tells no one. */
static void test_decommission_pending(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxi_add_edge(fx, "EDGE-1");
	fxi_add_connector(fx, "CN-1", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	fxc_clean(fx);
	assert_int_equal(fxi_move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), 0);
	fxi_assert_pending(fx, "");
	assert_int_equal(fxi_next_free(fx, "EDGE-1"), 2);
}

FX_MAIN_EACH("core_connector", fx_log_warnings, NULL, fxc_setup, fxc_teardown,
	     test_connector_update_dirty, test_connector_hub_change, test_connector_update_refused,
	     test_pending_connector_dirties_itself, test_transition_table, test_lifecycle,
	     test_decommission_pending)
