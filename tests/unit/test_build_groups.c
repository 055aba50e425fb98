/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store, peering groups: the wg2 interfaces of
 * mesh, hub-spoke and partial mesh; hub-spoke transit after a backbone; a
 * connector's endpoint; the secondary tunnel; a device in two groups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/build.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"
#include "fixture.h"
#include "fixture_sync.h"

/* EDGE-1's wg2 in fx_sync_mesh3's group, as JSON with ' for ": CN-1 (without endpoint) and
 * EDGE-2 its peers. printf arguments: CN-1's key, the group, EDGE-2's key, the group. */
#define EDGE1_WG2                                                                                  \
	"{'name':'wg2','role':'peering','address':'100.96.0.1/32',"                                \
	" 'listen_port':51822,'mtu':1420,'peers':["                                                \
	" {'serial':'CN-1','public_key':'%s',"                                                     \
	"  'allowed_ips':['100.96.0.3/32','192.168.1.0/24'],"                                      \
	"  'persistent_keepalive':25,'peering':'%s','tunnel_index':0},"                            \
	" {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51822',"                      \
	"  'allowed_ips':['100.96.0.2/32','10.2.0.0/16'],"                                         \
	"  'persistent_keepalive':25,'peering':'%s','tunnel_index':0}]}"

/* Mesh: every member peers with every other one on wg2; edges have endpoints. */
static void test_mesh(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	fx_sync_mesh3(fx, "m", false);

	cmds = fx_sync_build(fx, "CN-1", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "wireguard"),
		       "{'interfaces':[{'name':'wg2','role':'peering',"
		       " 'address':'100.96.0.3/32','listen_port':51822,'mtu':1420,'peers':["
		       " {'serial':'EDGE-1','public_key':'%s','endpoint':'192.0.2.1:51822',"
		       "  'allowed_ips':['100.96.0.1/32','10.1.0.0/16'],"
		       "  'persistent_keepalive':25,'peering':'m','tunnel_index':0},"
		       " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51822',"
		       "  'allowed_ips':['100.96.0.2/32','10.2.0.0/16'],"
		       "  'persistent_keepalive':25,'peering':'m','tunnel_index':0}]}]}",
		       fx_key_of("EDGE-1"), fx_key_of("EDGE-2"));
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
		       " {'dst':'10.2.0.0/16','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* From an edge: the connector has no endpoint, so the member is left out. */
	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_ifaces(cmds, "wg2");
	fx_assert_json(fx_cmd_iface(cmds, "wg2"), EDGE1_WG2, fx_key_of("CN-1"), "m",
		       fx_key_of("EDGE-2"), "m");
	json_decref(cmds);
}

/*
 * Hub-spoke: spokes peer with the hub only, which carries the other spokes' addresses and LANs
 * for them (the hub forwards); the hub peers with every spoke.
 */
static void test_hub_spoke(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", NULL, NC_STATUS_PROVISIONED, "192.168.2.0/24", true);
	fx_sync_connector(fx, "acme", "CN-3", NULL, NC_STATUS_ACTIVE, "192.168.3.0/24", false);
	fx_sync_derived(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1",
			"EDGE-1,CN-1,CN-2,CN-3");

	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_ifaces(cmds, "wg2");
	fx_assert_peers(cmds, "wg2", "EDGE-1");
	/* CN-3 has no key yet: the hub leaves it out, so its spokes do too. */
	fx_assert_peer_routes(cmds, 0,
			      "['100.96.0.1/32','10.1.0.0/16','100.96.0.3/32','192.168.2.0/24']",
			      "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
			      " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	fx_assert_json(notes, "[]");
	json_decref(cmds);
	json_decref(notes);
	cmds = fx_sync_build(fx, "CN-2", NULL, NULL);
	fx_assert_peers(cmds, "wg2", "EDGE-1");
	fx_assert_json(json_object_get(fx_cmd_iface(cmds, "wg2"), "address"), "'100.96.0.3/32'");
	fx_assert_json(fx_peer_get(cmds, "wg2", 0, "allowed_ips"),
		       "['100.96.0.1/32','10.1.0.0/16','100.96.0.2/32','192.168.1.0/24']");
	json_decref(cmds);
	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_peers(cmds, "wg2", "CN-1 CN-2");
	fx_assert_peer_routes(cmds, 0, "['100.96.0.2/32','192.168.1.0/24']",
			      "{'routes':[{'dst':'192.168.1.0/24','dev':'wg2','metric':100},"
			      " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* A direct link between two spokes: its prefixes stay with the direct peer. */
	fx_sync_group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fx_sync_members(fx, "pm", "CN-1,CN-2");
	fx_sync_tunnel(fx, "pm", "CN-1", "CN-2", 0, false);
	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_peers(cmds, "wg2", "CN-2 EDGE-1");
	fx_assert_peer_routes(cmds, 1, "['100.96.0.1/32','10.1.0.0/16','100.96.0.3/32']",
			      "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
			      " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	fx_assert_json(notes, "['192.168.2.0/24 of spoke CN-2 left out of hub EDGE-1 on wg2 (group "
			      "hs): peer CN-2 has it already']");
	json_decref(cmds);
	json_decref(notes);
}

/*
 * Hub-spoke transit never takes the place of a direct way: a connector and
 * its backbone hub that are both spokes of another hub keep their wg0
 * between them, the transit route through the group's hub left out.
 */
static void test_transit_after_backbone(void **state)
{
	struct fx *fx = *state;

	fx_sync_edge(fx, "acme", "EDGE-H", NC_EDGE_DEDICATED, 1, "10.9.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 2, "10.1.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_derived(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-H",
			"EDGE-H,EDGE-1,CN-1");

	fx_sync_assert_routes(
		fx, "EDGE-1",
		"{'routes':[{'dst':'10.9.0.0/16','dev':'wg2','metric':100},"
		" {'dst':'192.168.1.0/24','dev':'wg0','metric':100}]}",
		"['route to 192.168.1.0/24 through wg2 left out: it is already routed "
		"through wg0 at metric 100']");
	fx_sync_assert_routes(fx, "CN-1",
			      "{'routes':[{'dst':'10.1.0.0/16','dev':'wg0','metric':100},"
			      " {'dst':'10.9.0.0/16','dev':'wg2','metric':100}]}",
			      "['route to 10.1.0.0/16 through wg2 left out: it is already routed "
			      "through wg0 at metric 100']");
}

/* A connector with an endpoint is dialled there by its link peers; one without is not. */
static void test_connector_endpoint(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {0};
	json_t *cmds;

	fx_sync_connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-2", &c), 0);
	snprintf(c.endpoint, sizeof(c.endpoint), "198.51.100.2:51822");
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	fx_sync_group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fx_sync_members(fx, "pm", "CN-1,CN-2");
	fx_sync_tunnel(fx, "pm", "CN-1", "CN-2", 0, false);

	cmds = fx_sync_build(fx, "CN-1", NULL, NULL);
	fx_assert_json(fx_cmd_iface(cmds, "wg2"),
		       "{'name':'wg2','role':'peering','address':'100.96.0.1/32',"
		       " 'listen_port':51822,'mtu':1420,'peers':["
		       " {'serial':'CN-2','public_key':'%s','endpoint':'198.51.100.2:51822',"
		       "  'allowed_ips':['100.96.0.2/32','192.168.2.0/24'],"
		       "  'persistent_keepalive':25,'peering':'pm','tunnel_index':0}]}",
		       fx_key_of("CN-2"));
	json_decref(cmds);
	cmds = fx_sync_build(fx, "CN-2", NULL, NULL);
	assert_null(fx_peer_get(cmds, "wg2", 0, "endpoint"));
	json_decref(cmds);
}

/* Partial mesh: only the links made by hand; an isolated member keeps an empty wg2. */
static void test_partial_mesh(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	fx_sync_group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fx_sync_members(fx, "pm", "EDGE-1,EDGE-2,CN-1,CN-2");
	fx_sync_tunnel(fx, "pm", "CN-2", "EDGE-2", 0, false);

	cmds = fx_sync_build(fx, "CN-2", NULL, NULL);
	fx_assert_peers(cmds, "wg2", "EDGE-2");
	json_decref(cmds);
	cmds = fx_sync_build(fx, "EDGE-2", NULL, NULL);
	fx_assert_peers(cmds, "wg2", "CN-2");
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);
	cmds = fx_sync_build(fx, "CN-1", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "wireguard"),
		       "{'interfaces':[{'name':'wg2','role':'peering',"
		       " 'address':'100.96.0.3/32','listen_port':51822,'mtu':1420,"
		       " 'peers':[]}]}");
	fx_assert_json(fx_cmd_body(cmds, "static"), "{'routes':[]}");
	json_decref(cmds);
	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_peers(cmds, "wg2", "");
	json_decref(cmds);
}

/* Dual tunnel: edge<->edge also on wg3 (tunnel_index 1, port 51823, metric 200). */
static void test_dual_tunnel(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	fx_sync_mesh3(fx, "d", true);

	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "wireguard"),
		       "{'interfaces':[" EDGE1_WG2 ","
		       "{'name':'wg3','role':'peering','address':'100.96.2.1/32',"
		       " 'listen_port':51823,'mtu':1420,'peers':["
		       " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51823',"
		       "  'allowed_ips':['100.96.2.2/32','10.2.0.0/16'],"
		       "  'persistent_keepalive':25,'peering':'d','tunnel_index':1}]}]}",
		       fx_key_of("CN-1"), "d", fx_key_of("EDGE-2"), "d", fx_key_of("EDGE-2"));
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'10.2.0.0/16','dev':'wg2','metric':100},"
		       " {'dst':'10.2.0.0/16','dev':'wg3','metric':200},"
		       " {'dst':'192.168.1.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* A connector never gets the secondary tunnel. */
	cmds = fx_sync_build(fx, "CN-1", NULL, NULL);
	fx_assert_ifaces(cmds, "wg2");
	fx_assert_peers(cmds, "wg2", "EDGE-1 EDGE-2");
	json_decref(cmds);
}

/* In two groups: one wg2 with every address, one peer per serial with both addresses. */
static void test_two_groups(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_group(fx, "a", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	fx_sync_group(fx, "b", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	fx_sync_members(fx, "a", "EDGE-1,CN-1");
	fx_sync_members(fx, "b", "CN-1,EDGE-1");
	fx_sync_derive(fx, "a");
	fx_sync_derive(fx, "b");

	cmds = fx_sync_build(fx, "CN-1", NULL, &notes);
	fx_assert_ifaces(cmds, "wg0 wg2");
	fx_assert_json(fx_cmd_iface(cmds, "wg2"),
		       "{'name':'wg2','role':'peering','address':'100.96.0.2/32',"
		       " 'addresses':['100.96.0.2/32','100.96.4.1/32'],"
		       " 'listen_port':51822,'mtu':1420,'peers':["
		       " {'serial':'EDGE-1','public_key':'%s','endpoint':'192.0.2.1:51822',"
		       "  'allowed_ips':['100.96.0.1/32','100.96.4.2/32','10.1.0.0/16'],"
		       "  'persistent_keepalive':25,'peering':'a','tunnel_index':0}]}",
		       fx_key_of("EDGE-1"));
	/* The hub's LAN through wg0 and wg2 at one metric: the peering tunnel is kept, wg0
	 * noted; the hub chooses alike for the connector's LAN. */
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100}]}");
	fx_assert_json(notes, "['route to 10.1.0.0/16 through wg0 left out: it is already routed "
			      "through wg2 at metric 100']");
	json_decref(cmds);
	json_decref(notes);
	cmds = fx_sync_build(fx, "EDGE-1", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'192.168.1.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);
}

FX_MAIN_EACH("build_groups", NULL, NULL, fx_sync_setup, fx_teardown, test_mesh, test_hub_spoke,
	     test_transit_after_backbone, test_connector_endpoint, test_partial_mesh,
	     test_dual_tunnel, test_two_groups)
