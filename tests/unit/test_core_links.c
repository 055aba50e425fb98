/* SPDX-License-Identifier: MIT */
/*
 * Links of peering groups through the core, on a real SQLite store: they follow
 * the members in mesh and hub-spoke groups, are made by hand in a partial mesh,
 * dual tunnel doubles edge-edge links only, and a topology change rebuilds
 * them; every operation dirties exactly the devices it affects, with a reason.
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

/* Mesh and hub-spoke: links follow the members. */

static void test_mesh_follows_members(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *o;

	fxp_create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	assert_int_equal(fxp_n_links(fx, "m"), 0);
	fxp_add(fx, "m", "EDGE-1");
	fxp_add(fx, "m", "EDGE-2");
	fxp_add(fx, "m", "CN-1");
	fxc_clean(fx);
	fxp_add(fx, "m", "CN-2");
	/* The new member and the other end of each of its new links. */
	fxp_assert_pending(fx, "CN-1: link CN-1" ARROW "CN-2 added\n"
			       "CN-2: joined peering m\n"
			       "EDGE-1: link EDGE-1" ARROW "CN-2 added\n"
			       "EDGE-2: link EDGE-2" ARROW "CN-2 added\n");
	fxp_assert_links(fx, "m",
			 "CN-1-CN-2/0 CN-1-EDGE-1/0 CN-1-EDGE-2/0 CN-2-EDGE-1/0 "
			 "CN-2-EDGE-2/0 EDGE-1-EDGE-2/0");
	o = fxp_show(fx, "m");
	fxp_assert_array(o, "members", "CN-1,CN-2,EDGE-1,EDGE-2");
	assert_int_equal(json_array_size(json_object_get(o, "links")), 6);
	fxp_assert_array(o, "isolated", "");
	assert_string_equal(json_string_value(json_object_get(o, "topology")), "mesh");
	json_decref(o);

	fxc_clean(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "m", "CN-2", &ei), 0);
	fxp_assert_links(fx, "m", "CN-1-EDGE-1/0 CN-1-EDGE-2/0 EDGE-1-EDGE-2/0");
	fxp_assert_pending(fx, "CN-1: link CN-1" ARROW "CN-2 removed\n"
			       "CN-2: left peering m\n"
			       "EDGE-1: link EDGE-1" ARROW "CN-2 removed\n"
			       "EDGE-2: link EDGE-2" ARROW "CN-2 removed\n");
	fx_assert_refused(nc_core_member_remove(&fx->core, &fx->actor, "acme", "m", "CN-2", &ei),
			  NC_ERR_NOTFOUND, &ei, "serial");
	fx_assert_contains(ei.msg, "CN-2 is not a member of m");
}

/* Marks every device clean, then patches connector serial of acme as fx->actor with patch
 * (a new reference, which this steals); fails the test unless the patch is taken. */
static void clean_patch(struct fx_core *fx, const char *serial, json_t *patch)
{
	struct nc_errinfo ei = {0};

	fxc_clean(fx);
	if (nc_core_connector_update(&fx->core, &fx->actor, "acme", serial, patch, NULL, &ei) != 0)
		fail_msg("patch of %s: %s", serial, ei.msg);
	json_decref(patch);
}

/* Members refused: the group, the serial, the error, and what ei then holds. */
static const struct member_case {
	const char *group, *serial;
	int err;
	const char *field; /* ei.field, or NULL: not checked */
	const char *msg;   /* ei.msg exactly, or NULL */
	const char *has;   /* in ei.msg, or NULL */
} member_errors[] = {
	{"m", "CN-1", NC_ERR_EXISTS, NULL, "CN-1 is already a member of m", NULL},
	{"m", "NOPE", NC_ERR_NOTFOUND, "serial", NULL, NULL},
	/* A device of another tenant is not found either. */
	{"m", "GX-1", NC_ERR_NOTFOUND, "serial", NULL, NULL},
	{"m", "CN-DEAD", NC_ERR_CONFLICT, NULL, NULL, "decommissioned"},
	{"nope", "CN-2", NC_ERR_NOTFOUND, NULL, NULL, "peering `nope' not found"},
};

static void test_member_errors(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxp_create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_add(fx, "m", "CN-1");
	for (size_t i = 0; i < COUNT(member_errors); i++) {
		const struct member_case *c = &member_errors[i];

		assert_int_equal(
			nc_core_member_add(&fx->core, &fx->actor, "acme", c->group, c->serial, &ei),
			c->err);
		if (c->field)
			assert_string_equal(ei.field, c->field);
		if (c->msg)
			assert_string_equal(ei.msg, c->msg);
		if (c->has)
			fx_assert_contains(ei.msg, c->has);
	}
}

static void test_hub_spoke(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *o;

	fxp_create(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-3");
	/* The hub is a member from creation on. */
	fxp_assert_pending(fx, "EDGE-3: joined peering hs\n");
	fxp_add(fx, "hs", "CN-1");
	fxp_add(fx, "hs", "CN-2");
	fxc_clean(fx);
	fxp_add(fx, "hs", "CN-3");
	/* The other spokes reach the new one through the hub. */
	fxp_assert_pending(fx, "CN-1: spoke CN-3 joined hs\n"
			       "CN-2: spoke CN-3 joined hs\n"
			       "CN-3: joined peering hs\n"
			       "EDGE-3: link EDGE-3" ARROW "CN-3 added\n");
	fxp_add(fx, "hs", "EDGE-1");
	fxp_assert_links(fx, "hs", "CN-1-EDGE-3/0 CN-2-EDGE-3/0 CN-3-EDGE-3/0 EDGE-1-EDGE-3/0");
	o = fxp_show(fx, "hs");
	assert_string_equal(json_string_value(json_object_get(o, "hub")), "EDGE-3");
	fxp_assert_array(o, "members", "CN-1,CN-2,CN-3,EDGE-1,EDGE-3");
	fxp_assert_array(o, "isolated", "");
	json_decref(o);

	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "hs", "EDGE-3", &ei),
			 NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "EDGE-3 is the hub of hs: change the hub first");
	assert_int_equal(fxp_n_links(fx, "hs"), 4);

	/* A spoke leaving takes its one link along, and the other spokes lose their way to it. */
	fxc_clean(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "hs", "CN-3", &ei),
			 0);
	fxp_assert_links(fx, "hs", "CN-1-EDGE-3/0 CN-2-EDGE-3/0 EDGE-1-EDGE-3/0");
	fxp_assert_pending(fx, "CN-1: spoke CN-3 left hs\n"
			       "CN-2: spoke CN-3 left hs\n"
			       "CN-3: left peering hs\n"
			       "EDGE-1: spoke CN-3 left hs\n"
			       "EDGE-3: link EDGE-3" ARROW "CN-3 removed\n");
	/* A spoke's new LAN reaches the other spokes through the hub, so they sync too. */
	clean_patch(fx, "CN-1", json_pack("{s:[s]}", "lan_subnets", "192.168.1.0/24"));
	fxp_assert_pending_all(fx, "LAN subnets of CN-1 changed", "CN-1", "CN-2", "EDGE-1",
			       "EDGE-3", NULL);

	/* A new hub re-derives every link and dirties every member. */
	fxc_clean(fx);
	fxp_must_update(fx, "hs", "{\"hub\":\"EDGE-1\"}");
	fxp_assert_links(fx, "hs", "CN-1-EDGE-1/0 CN-2-EDGE-1/0 EDGE-1-EDGE-3/0");
	fxp_assert_pending_all(fx, "peering hs: hub changed to EDGE-1", "CN-1", "CN-2", "EDGE-1",
			       "EDGE-3", NULL);
	/* A hub that was not a member becomes one. */
	fxp_must_update(fx, "hs", "{\"hub\":\"EDGE-2\"}");
	fxp_assert_links(fx, "hs", "CN-1-EDGE-2/0 CN-2-EDGE-2/0 EDGE-1-EDGE-2/0 EDGE-2-EDGE-3/0");
	fx_assert_refused(fxp_update(fx, "hs", "{\"hub\":\"CN-1\"}", &ei), NC_ERR_INVAL, &ei,
			  "hub");
	fx_assert_contains(ei.msg, "a connector cannot be the hub");
	fx_assert_refused(fxp_update(fx, "hs", "{\"hub\":\"NOPE\"}", &ei), NC_ERR_NOTFOUND, &ei,
			  "hub");
	fx_assert_refused(fxp_update(fx, "hs", "{\"hub\":null}", &ei), NC_ERR_INVAL, &ei, "hub");
	fxp_assert_links(fx, "hs", "CN-1-EDGE-2/0 CN-2-EDGE-2/0 EDGE-1-EDGE-2/0 EDGE-2-EDGE-3/0");
}

static void test_hub_refused(void **state)
{
	struct fx_core *fx = *state;
	struct nc_peering p = {.topology = NC_TOPO_HUB_SPOKE};
	struct nc_errinfo ei = {0};
	char *before = fxp_snapshot(fx), *after;

	snprintf(p.name, sizeof(p.name), "hs");
	snprintf(p.hub, sizeof(p.hub), "CN-1");
	fx_assert_refused(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			  NC_ERR_INVAL, &ei, "hub");
	fx_assert_contains(ei.msg, "a connector cannot be the hub");
	snprintf(p.hub, sizeof(p.hub), "EDGE-9");
	fx_assert_refused(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			  NC_ERR_NOTFOUND, &ei, "hub");
	/* Another tenant's edge is not found. */
	snprintf(p.hub, sizeof(p.hub), "GX-1");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_NOTFOUND);
	p.hub[0] = '\0';
	fx_assert_refused(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			  NC_ERR_INVAL, &ei, "hub");
	after = fxp_snapshot(fx);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Partial mesh: links by hand. */

/* Links EDGE-1-CN-3 and CN-3-EDGE-2 added by hand; a duplicate, an unknown end and a loop
 * refused. */
static void pm_links_add(struct fx_core *fx)
{
	struct nc_errinfo ei = {0};
	json_t *o;

	fxc_clean(fx);
	fxp_link_add(fx, "pm", "EDGE-1", "CN-3");
	fxp_assert_pending(fx, "CN-3: link EDGE-1" ARROW "CN-3 added\n"
			       "EDGE-1: link EDGE-1" ARROW "CN-3 added\n");
	fxp_link_add(fx, "pm", "CN-3", "EDGE-2");
	fxp_assert_links(fx, "pm", "CN-3-EDGE-1/0 CN-3-EDGE-2/0");

	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "CN-3", "EDGE-1", &ei),
		NC_ERR_EXISTS);
	fx_assert_contains(ei.msg, "already exists");
	/* An unknown device is refused, naming the end. */
	fx_assert_refused(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "NOPE", "EDGE-1", &ei),
		NC_ERR_NOTFOUND, &ei, "a");
	assert_string_equal(ei.msg, "device `NOPE' not found");
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "EDGE-1", &ei),
		NC_ERR_INVAL);

	o = fxp_show(fx, "pm");
	fxp_assert_array(o, "members", "CN-3,CN-4,EDGE-1,EDGE-2");
	assert_int_equal(json_array_size(json_object_get(o, "links")), 2);
	fxp_assert_array(o, "isolated", "CN-4");
	json_decref(o);
}

static void pm_links_remove(struct fx_core *fx)
{
	struct nc_errinfo ei = {0};
	json_t *o;

	/* Removing a link dirties exactly its two ends. */
	fxc_clean(fx);
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-3", &ei), 0);
	fxp_assert_pending(fx, "CN-3: link EDGE-1" ARROW "CN-3 removed\n"
			       "EDGE-1: link EDGE-1" ARROW "CN-3 removed\n");
	fxp_assert_links(fx, "pm", "CN-3-EDGE-2/0");
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-3", &ei),
		NC_ERR_NOTFOUND);
	fx_assert_contains(ei.msg, "no link EDGE-1" ARROW "CN-3");
	o = fxp_show(fx, "pm");
	fxp_assert_array(o, "isolated", "CN-4,EDGE-1");
	json_decref(o);

	/* A member leaving dirties its former peers only. */
	fxc_clean(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "pm", "CN-3", &ei),
			 0);
	fxp_assert_pending(fx, "CN-3: left peering pm\n"
			       "EDGE-2: link EDGE-2" ARROW "CN-3 removed\n");
	assert_int_equal(fxp_n_links(fx, "pm"), 0);
}

static void pm_no_endpoint(struct fx_core *fx)
{
	json_t *o, *links;

	/* Two connectors without an endpoint: neither can dial, the link says so. */
	fxp_add(fx, "pm", "CN-1");
	fxp_link_add(fx, "pm", "CN-4", "CN-1");
	fxp_link_add(fx, "pm", "CN-4", "EDGE-2");
	o = fxp_show(fx, "pm");
	links = json_object_get(o, "links");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "b")),
			    "CN-4");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "warning")),
			    "no_endpoint");
	assert_true(json_is_null(json_object_get(json_array_get(links, 1), "warning")));
	json_decref(o);
	/* One endpoint is enough; changing it dirties the link peers only. */
	clean_patch(fx, "CN-4", json_pack("{s:s}", "endpoint", "198.51.100.4:51822"));
	fxp_assert_pending(fx, "CN-1: endpoint of CN-4 changed\n"
			       "EDGE-2: endpoint of CN-4 changed\n");
	o = fxp_show(fx, "pm");
	links = json_object_get(o, "links");
	assert_true(json_is_null(json_object_get(json_array_get(links, 0), "warning")));
	json_decref(o);
}

static void test_partial_mesh(void **state)
{
	struct fx_core *fx = *state;
	json_t *o;

	fxp_create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_add(fx, "pm", "EDGE-1");
	fxp_add(fx, "pm", "EDGE-2");
	fxp_add(fx, "pm", "CN-3");
	fxc_clean(fx);
	fxp_add(fx, "pm", "CN-4");
	/* No links derived: only the new member is dirtied. */
	fxp_assert_pending(fx, "CN-4: joined peering pm\n");
	assert_int_equal(fxp_n_links(fx, "pm"), 0);
	o = fxp_show(fx, "pm");
	fxp_assert_array(o, "isolated", "CN-3,CN-4,EDGE-1,EDGE-2");
	json_decref(o);

	pm_links_add(fx);
	pm_links_remove(fx);
	pm_no_endpoint(fx);
}

static void test_links_only_by_hand_in_partial_mesh(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};

	fxp_create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_create(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	fxp_add(fx, "m", "EDGE-1");
	fxp_add(fx, "m", "CN-1");
	fxp_add(fx, "hs", "CN-1");
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "m", "EDGE-1", "CN-1", &ei),
		NC_ERR_CONFLICT);
	fx_assert_contains(ei.msg, "links of a mesh group follow its members; links are added by "
				   "hand only in partial_mesh groups");
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "m", "EDGE-1", "CN-1", &ei),
		NC_ERR_CONFLICT);
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "hs", "EDGE-1", "CN-1", &ei),
		NC_ERR_CONFLICT);
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "hs", "CN-1", "EDGE-1", &ei),
		NC_ERR_CONFLICT);
	assert_int_equal(fxp_n_links(fx, "m"), 1);
	assert_int_equal(fxp_n_links(fx, "hs"), 1);
}

/* Dual tunnel. */

static void test_dual_tunnel(void **state)
{
	struct fx_core *fx = *state;

	fxp_create(fx, "dual", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, true, NULL);
	fxp_add(fx, "dual", "EDGE-1");
	fxp_add(fx, "dual", "EDGE-2");
	fxp_add(fx, "dual", "CN-1");
	fxp_link_add(fx, "dual", "EDGE-1", "EDGE-2");
	fxp_link_add(fx, "dual", "EDGE-1", "CN-1");
	fxp_assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0 EDGE-1-EDGE-2/1");

	/* Toggling dual tunnel changes hand-made links too, and dirties every member. */
	fxc_clean(fx);
	fxp_must_update(fx, "dual", "{\"dual_tunnel\":false}");
	fxp_assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0");
	fxp_assert_pending_all(fx, "peering dual: dual tunnel off", "CN-1", "EDGE-1", "EDGE-2",
			       NULL);
	fxp_must_update(fx, "dual", "{\"dual_tunnel\":true}");
	fxp_assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0 EDGE-1-EDGE-2/1");

	/* A derived mesh: 4 members, 6 links, 3 of them edge-edge with a secondary. */
	fxp_create(fx, "mesh", NC_TOPO_MESH, NC_PROTO_WIREGUARD, true, NULL);
	fxp_add(fx, "mesh", "EDGE-1");
	fxp_add(fx, "mesh", "EDGE-2");
	fxp_add(fx, "mesh", "EDGE-3");
	fxp_add(fx, "mesh", "CN-1");
	fxp_assert_links(fx, "mesh",
			 "CN-1-EDGE-1/0 CN-1-EDGE-2/0 CN-1-EDGE-3/0 EDGE-1-EDGE-2/0 "
			 "EDGE-1-EDGE-2/1 EDGE-1-EDGE-3/0 EDGE-1-EDGE-3/1 EDGE-2-EDGE-3/0 "
			 "EDGE-2-EDGE-3/1");
	fxp_must_update(fx, "mesh", "{\"dual_tunnel\":false}");
	assert_int_equal(fxp_n_links(fx, "mesh"), 6);
}

/* Topology changes. */

static void test_topology_change(void **state)
{
	struct fx_core *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_peering p;
	json_t *o;

	fxp_create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fxp_add(fx, "pm", "EDGE-1");
	fxp_add(fx, "pm", "EDGE-2");
	fxp_add(fx, "pm", "CN-3");
	fxp_add(fx, "pm", "CN-4");
	fxp_link_add(fx, "pm", "EDGE-1", "CN-3");

	fxc_clean(fx);
	fxp_must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(fxp_n_links(fx, "pm"), 6);
	fxp_assert_pending_all(fx, "peering pm: topology changed to mesh", "CN-3", "CN-4", "EDGE-1",
			       "EDGE-2", NULL);

	/* Back to partial mesh: the links stay, now hand-made. */
	fxp_must_update(fx, "pm", "{\"topology\":\"partial_mesh\"}");
	assert_int_equal(fxp_n_links(fx, "pm"), 6);
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "CN-3", "CN-4", &ei), 0);
	assert_int_equal(fxp_n_links(fx, "pm"), 5);
	o = fxp_show(fx, "pm");
	fxp_assert_array(o, "isolated", "");
	json_decref(o);

	/* To hub-spoke: a hub is needed, and links between spokes go. */
	fx_assert_refused(fxp_update(fx, "pm", "{\"topology\":\"hub_spoke\"}", &ei), NC_ERR_INVAL,
			  &ei, "hub");
	fxp_must_update(fx, "pm", "{\"topology\":\"hub_spoke\",\"hub\":\"EDGE-2\"}");
	fxp_assert_links(fx, "pm", "CN-3-EDGE-2/0 CN-4-EDGE-2/0 EDGE-1-EDGE-2/0");
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "pm", &p), 0);
	assert_string_equal(p.hub, "EDGE-2");

	/* Leaving hub-spoke clears the hub, unless the patch names one. */
	assert_int_equal(fxp_update(fx, "pm", "{\"topology\":\"mesh\",\"hub\":\"EDGE-2\"}", &ei),
			 NC_ERR_INVAL);
	fxp_must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "pm", &p), 0);
	assert_string_equal(p.hub, "");
	assert_int_equal(fxp_n_links(fx, "pm"), 6);

	/* A patch that changes nothing dirties nothing. */
	fxc_clean(fx);
	fxp_must_update(fx, "pm", "{\"topology\":\"mesh\",\"protocol\":\"wireguard\"}");
	fxp_assert_pending(fx, "");
	/* The name cannot change; unknown members are refused. */
	assert_int_equal(fxp_update(fx, "pm", "{\"name\":\"other\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(fxp_update(fx, "pm", "{\"colour\":\"red\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(fxp_update(fx, "nope", "{}", &ei), NC_ERR_NOTFOUND);
}

/* IPSec. */

FX_MAIN_EACH("core_links", fx_log_errors, NULL, fxp_setup, fxc_teardown, test_mesh_follows_members,
	     test_member_errors, test_hub_spoke, test_hub_refused, test_partial_mesh,
	     test_links_only_by_hand_in_partial_mesh, test_dual_tunnel, test_topology_change)
