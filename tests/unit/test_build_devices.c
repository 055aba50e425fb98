/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store, one device at a time: the exact bodies a
 * connector and a hub edge get, connectors in service or noted, and an MTGE
 * serving two tenants a batch each with only that tenant's connectors.
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
#include "../../lib/core/ipam.h"
#include "fixture.h"
#include "fixture_sync.h"

/* A connector with a hub, NAT, ACL and its own routes: every body exactly. */
static void test_connector_bodies(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {0};
	struct nc_acl_rule acl[2] = {
		{"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22},
		{"accept", "icmp", "10.0.0.0/8", "0.0.0.0/0", 0},
	};
	struct nc_route routes[1] = {{"10.99.0.0/16", "192.168.10.1"}};
	json_t *cmds, *notes;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.10.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE,
			  "192.168.10.0/24,192.168.11.0/24", true);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	c.nat_enabled = true;
	snprintf(c.wan_interface, sizeof(c.wan_interface), "eth0");
	c.acl = acl;
	c.n_acl = 2;
	c.routes = routes;
	c.n_routes = 1;
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	c.acl = NULL;
	c.n_acl = 0;
	c.routes = NULL;
	c.n_routes = 0;
	nc_connector_clear(&c);

	cmds = fx_sync_build(fx, "CN-1", "acme", &notes);
	fx_assert_topics(cmds, "wireguard static nat_config acl_config");
	fx_assert_json(cmds,
		       "[{'index':0,'topic':'wireguard','body':{'interfaces':["
		       " {'name':'wg0','role':'backbone','address':'100.64.0.2/32',"
		       "  'listen_port':51820,'mtu':1420,'peers':["
		       "  {'serial':'EDGE-1','public_key':'%s','endpoint':'192.0.2.1:51820',"
		       "   'allowed_ips':['100.64.0.1/32','10.10.0.0/16'],"
		       "   'persistent_keepalive':25,'tunnel_index':0}]}]}},"
		       " {'index':1,'topic':'static','body':{'routes':["
		       "  {'dst':'10.10.0.0/16','dev':'wg0','metric':100},"
		       "  {'dst':'10.99.0.0/16','via':'192.168.10.1','metric':50}]}},"
		       " {'index':2,'topic':'nat_config','body':{'masquerade':["
		       "  {'source':'192.168.10.0/24','out_interface':'eth0'},"
		       "  {'source':'192.168.11.0/24','out_interface':'eth0'}]}},"
		       " {'index':3,'topic':'acl_config','body':{'default':'accept','rules':["
		       "  {'action':'drop','proto':'tcp','src':'0.0.0.0/0',"
		       "   'dst':'192.168.10.5/32','dport':22},"
		       "  {'action':'accept','proto':'icmp','src':'10.0.0.0/8',"
		       "   'dst':'0.0.0.0/0'}]}}]",
		       fx_key_of("EDGE-1"));
	fx_assert_json(notes, "[]");
	json_decref(cmds);
	json_decref(notes);

	/* Without NAT, hub or rules: authoritative empty bodies, no interfaces. */
	fx_sync_connector(fx, "acme", "CN-2", NULL, NC_STATUS_APPROVED, "192.168.20.0/24", true);
	cmds = fx_sync_build(fx, "CN-2", NULL, NULL);
	fx_assert_json(cmds, "[{'index':0,'topic':'wireguard','body':{'interfaces':[]}},"
			     " {'index':1,'topic':'static','body':{'routes':[]}},"
			     " {'index':2,'topic':'nat_config','body':{'masquerade':[]}},"
			     " {'index':3,'topic':'acl_config','body':{'default':'accept',"
			     "  'rules':[]}}]");
	json_decref(cmds);
}

/* A hub edge with two connectors in service: wg0 peers; the others are noted. */
static void test_hub_edge(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;
	char *text;

	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1,
		     "10.10.0.0/16,fd00:10::/64,10.255.0.7/32", true);
	fx_sync_connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_APPROVED, "192.168.1.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", "EDGE-1", NC_STATUS_OFFLINE,
			  "192.168.2.0/24,192.168.3.0/24", true);
	fx_sync_connector(fx, "acme", "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL,
			  "192.168.4.0/24", true);
	fx_sync_connector(fx, "acme", "CN-4", "EDGE-1", NC_STATUS_ACTIVE, "192.168.5.0/24", false);

	cmds = fx_sync_build(fx, "EDGE-1", "acme", &notes);
	fx_assert_topics(cmds, "interface wireguard static nat44 acl");
	fx_assert_json(cmds,
		       "[{'index':0,'topic':'interface','body':{'interfaces':["
		       " {'name':'lan0','addresses':['10.10.0.1/16','fd00:10::1/64',"
		       "  '10.255.0.7/32']}]}},"
		       " {'index':1,'topic':'wireguard','body':{'interfaces':["
		       " {'name':'wg0','role':'backbone','address':'100.64.0.1/32',"
		       "  'listen_port':51820,'mtu':1420,'peers':["
		       "  {'serial':'CN-1','public_key':'%s',"
		       "   'allowed_ips':['100.64.0.2/32','192.168.1.0/24'],'tunnel_index':0},"
		       "  {'serial':'CN-2','public_key':'%s',"
		       "   'allowed_ips':['100.64.0.3/32','192.168.2.0/24','192.168.3.0/24'],"
		       "   'tunnel_index':0}]}]}},"
		       " {'index':2,'topic':'static','body':{'routes':["
		       "  {'dst':'192.168.1.0/24','dev':'wg0','metric':100},"
		       "  {'dst':'192.168.2.0/24','dev':'wg0','metric':100},"
		       "  {'dst':'192.168.3.0/24','dev':'wg0','metric':100}]}},"
		       " {'index':3,'topic':'nat44','body':{'masquerade':[]}},"
		       " {'index':4,'topic':'acl','body':{'default':'accept','rules':[]}}]",
		       fx_key_of("CN-1"), fx_key_of("CN-2"));
	fx_assert_json(notes,
		       "['connector CN-3 left out of wg0: it is pending_approval',"
		       " 'connector CN-4 left out of wg0: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);

	/* An edge that is nobody's hub has no wg0; no LAN gives an empty lan0. */
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, NULL, true);
	cmds = fx_sync_build(fx, "EDGE-2", NULL, NULL);
	fx_assert_json(fx_cmd_body(cmds, "interface"),
		       "{'interfaces':[{'name':'lan0','addresses':[]}]}");
	fx_assert_json(fx_cmd_body(cmds, "wireguard"), "{'interfaces':[]}");
	text = fx_dump(cmds);
	assert_int_equal(fx_count(text, "wg0"), 0);
	free(text);
	json_decref(cmds);
}

/* The connector's GX-n of globex get hubbed on acme's MTGE behind the store's back: its
 * schema ties a hub to the connector's tenant, and the multi-tenant MTGE needs otherwise. */
static void rehub(struct fx *fx, const char *serial, const char *hub)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE connectors SET hub_edge = '%s' WHERE serial = '%s'", hub,
		 serial);
	fx_raw_exec(fx->path, sql);
}

/* An MTGE serving two tenants: MTGE-1 and EDGE-2 in acme's mesh "m" with acme's CN-1 and CN-2
 * hubbed on MTGE-1; globex's GX-1 (active) and GX-2 (pending), initech's IN-1 (pending) moved
 * onto MTGE-1. */
static void mtge_setup(struct fx *fx)
{
	char addr[NC_CIDR_MAX];

	fx_sync_edge(fx, "acme", "MTGE-1", NC_EDGE_MTGE, 1, "10.50.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", "MTGE-1", NC_STATUS_APPROVED, "192.168.2.0/24", true);
	fx_sync_connector(fx, "acme", "CN-2", "MTGE-1", NC_STATUS_ACTIVE,
			  "192.168.1.0/24,192.168.2.0/24", true);
	fx_sync_connector(fx, "globex", "GX-1", NULL, NC_STATUS_ACTIVE, "172.16.1.0/24", true);
	fx_sync_connector(fx, "globex", "GX-2", NULL, NC_STATUS_PENDING_APPROVAL, "172.16.2.0/24",
			  true);
	fx_sync_connector(fx, "initech", "IN-1", NULL, NC_STATUS_PENDING_APPROVAL, "172.20.0.0/24",
			  true);
	rehub(fx, "GX-1", "MTGE-1");
	rehub(fx, "GX-2", "MTGE-1");
	rehub(fx, "IN-1", "MTGE-1");
	assert_int_equal(nc_ipam_backbone(fx->st, "globex", "MTGE-1", "GX-1", addr, NULL), 0);
	assert_string_equal(addr, "100.64.0.2/32");
	fx_sync_derived(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL, "MTGE-1,EDGE-2");
}

/* The tenants an MTGE serves; an edge or a connector serves its own. */
static void test_mtge_tenants(void **state)
{
	struct fx *fx = *state;
	struct nc_strlist tenants = {0};

	mtge_setup(fx);
	/* initech has only a pending connector there: no batch. */
	assert_int_equal(nc_sync_mtge_tenants(fx->st, "MTGE-1", &tenants), 0);
	assert_int_equal(tenants.n, 2);
	assert_string_equal(tenants.v[0], "acme");
	assert_string_equal(tenants.v[1], "globex");
	assert_int_equal(nc_sync_mtge_tenants(fx->st, "EDGE-2", &tenants), 0);
	assert_int_equal(tenants.n, 1);
	assert_string_equal(tenants.v[0], "acme");
	assert_int_equal(nc_sync_mtge_tenants(fx->st, "GX-1", &tenants), 0);
	assert_int_equal(tenants.n, 1);
	assert_string_equal(tenants.v[0], "globex");
	assert_int_equal(nc_sync_mtge_tenants(fx->st, "NOPE", &tenants), NC_ERR_NOTFOUND);
	assert_int_equal(tenants.n, 0);
	nc_strlist_clear(&tenants);
}

/* A batch for each tenant of an MTGE, with only that tenant's connectors. */
static void test_mtge_acme(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;
	char *text;

	mtge_setup(fx);
	/* acme: its LAN, its connectors, the App VPN with their LANs once, its peering. */
	cmds = fx_sync_build(fx, "MTGE-1", "acme", NULL);
	fx_assert_topics(cmds, "interface wireguard static nat44 acl");
	fx_assert_json(fx_cmd_body(cmds, "interface"),
		       "{'interfaces':[{'name':'lan0','addresses':['10.50.0.1/16']}]}");
	fx_assert_ifaces(cmds, "wg0 wg1 wg2");
	fx_assert_json(json_object_get(fx_cmd_iface(cmds, "wg0"), "address"), "'100.64.0.1/32'");
	fx_assert_peers(cmds, "wg0", "CN-1 CN-2");
	fx_assert_json(fx_cmd_iface(cmds, "wg1"),
		       "{'name':'wg1','role':'app_vpn','address':'100.64.0.1/32',"
		       " 'allowed_ips':['192.168.1.0/24','192.168.2.0/24']}");
	fx_assert_peers(cmds, "wg2", "EDGE-2");
	text = fx_dump(cmds);
	assert_int_equal(fx_count(text, "GX-") + fx_count(text, "172.16."), 0);
	free(text);
	json_decref(cmds);
}

static void test_mtge_globex(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;
	char *text;

	mtge_setup(fx);
	/* globex: only GX-1; no LAN, no peering of acme. */
	cmds = fx_sync_build(fx, "MTGE-1", "globex", &notes);
	fx_assert_topics(cmds, "interface wireguard static nat44 acl");
	fx_assert_json(fx_cmd_body(cmds, "interface"), "{'interfaces':[]}");
	fx_assert_json(fx_cmd_body(cmds, "wireguard"),
		       "{'interfaces':["
		       "{'name':'wg0','role':'backbone','address':'100.64.0.1/32',"
		       " 'listen_port':51820,'mtu':1420,'peers':["
		       " {'serial':'GX-1','public_key':'%s',"
		       "  'allowed_ips':['100.64.0.2/32','172.16.1.0/24'],'tunnel_index':0}]},"
		       "{'name':'wg1','role':'app_vpn','address':'100.64.0.1/32',"
		       " 'allowed_ips':['172.16.1.0/24']}]}",
		       fx_key_of("GX-1"));
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'172.16.1.0/24','dev':'wg0','metric':100}]}");
	fx_assert_json(notes, "['connector GX-2 left out of wg0: it is pending_approval']");
	text = fx_dump(cmds);
	assert_int_equal(
		fx_count(text, "CN-") + fx_count(text, "192.168.") + fx_count(text, "10.50."), 0);
	free(text);
	json_decref(cmds);
	json_decref(notes);

	/* GX-1 sees the MTGE's address in its tenant, not acme's LAN. */
	cmds = fx_sync_build(fx, "GX-1", NULL, NULL);
	fx_assert_json(fx_peer_get(cmds, "wg0", 0, "allowed_ips"), "['100.64.0.1/32']");
	fx_assert_json(fx_cmd_body(cmds, "static"), "{'routes':[]}");
	json_decref(cmds);
}

/* Building for a tenant an MTGE does not serve is refused, nothing returned. */
static void test_mtge_refused(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *cmds, *notes;

	mtge_setup(fx);
	/* A tenant that does not exist; a dedicated edge of another tenant. */
	cmds = notes = NULL;
	assert_int_equal(nc_sync_build(fx->st, "MTGE-1", "nope", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	fx_assert_contains(ei.msg, "tenant `nope' not found");
	assert_null(cmds);
	assert_null(notes);
	assert_int_equal(nc_sync_build(fx->st, "EDGE-2", "globex", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_sync_build(fx->st, "CN-1", "globex", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
}

FX_MAIN_EACH("build_devices", NULL, NULL, fx_sync_setup, fx_teardown, test_connector_bodies,
	     test_hub_edge, test_mtge_tenants, test_mtge_acme, test_mtge_globex, test_mtge_refused)
