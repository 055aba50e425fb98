/* SPDX-License-Identifier: MIT */
/*
 * The renderer from snapshots built in memory, with no database: the
 * seeds' scenarios (mesh, hub-and-spoke, partial mesh, IPSec, an MTGE
 * serving another tenant's connector), a snapshot that lacks an address,
 * and a device the snapshot does not hold.
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
#include "../../lib/sync/build.h"
#include "../../lib/sync/snapshot.h"
#include "../../lib/util/err.h"
#include "../../lib/util/xmalloc.h"
#include "fixture.h"
#include "fixture_sync.h"

#define KEY(c) c "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

/* Building a snapshot */

/* A new zeroed element at the end of the array arr of n elements, both updated. */
#define APPEND(arr, n)                                                                             \
	((arr) = nc_xrealloc((arr), ((n) + 1) * sizeof(*(arr))),                                   \
	 memset(&(arr)[(n)++], 0, sizeof(*(arr))))

static void snap_init(struct nc_snap *s, const char *tenant)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->tenant, sizeof(s->tenant), "%s", tenant);
	s->tenant_found = true;
}

static int cmp_edge(const void *x, const void *y)
{
	return strcmp(((const struct nc_edge *)x)->serial, ((const struct nc_edge *)y)->serial);
}

/* An edge with a key, endpoint host:51820 and one LAN ("" for none). */
static void edge(struct nc_snap *s, const char *tenant, const char *serial, const char *host,
		 const char *lan, enum nc_edge_kind kind)
{
	struct nc_edge *e;

	e = APPEND(s->edges, s->n_edges);
	snprintf(e->serial, sizeof(e->serial), "%s", serial);
	snprintf(e->tenant, sizeof(e->tenant), "%s", tenant);
	snprintf(e->endpoint, sizeof(e->endpoint), "%s:51820", host);
	snprintf(e->public_key, sizeof(e->public_key), KEY("E"));
	e->kind = kind;
	if (*lan)
		nc_strlist_add(&e->lan_subnets, lan);
	qsort(s->edges, s->n_edges, sizeof(*s->edges), cmp_edge);
}

static void connector(struct nc_snap *s, const char *serial, const char *hub, const char *lan)
{
	struct nc_connector *c;

	c = APPEND(s->connectors, s->n_connectors);
	snprintf(c->serial, sizeof(c->serial), "%s", serial);
	snprintf(c->tenant, sizeof(c->tenant), "%s", s->tenant);
	snprintf(c->hub_edge, sizeof(c->hub_edge), "%s", hub);
	snprintf(c->public_key, sizeof(c->public_key), KEY("C"));
	c->status = NC_STATUS_ACTIVE;
	nc_strlist_add(&c->lan_subnets, lan);
}

static void group(struct nc_snap *s, const char *name, enum nc_topology topo,
		  enum nc_protocol proto, const char *hub)
{
	struct nc_peering *p;

	p = APPEND(s->peerings, s->n_peerings);
	snprintf(p->tenant, sizeof(p->tenant), "%s", s->tenant);
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->hub, sizeof(p->hub), "%s", hub);
	p->topology = topo;
	p->protocol = proto;
}

static void addr(struct nc_snap *s, const char *pool, const char *owner, uint32_t idx)
{
	struct nc_addr_row *r;

	r = APPEND(s->addrs, s->n_addrs);
	snprintf(r->pool, sizeof(r->pool), "%s", pool);
	snprintf(r->owner, sizeof(r->owner), "%s", owner);
	r->idx = idx;
}

/* serial joins group g (the snapshot's only group of that name: block 0) at index idx. */
static void member(struct nc_snap *s, const char *g, const char *serial, uint32_t idx)
{
	struct nc_member *m;
	char pool[NC_NAME_MAX + 4];

	m = APPEND(s->members, s->n_members);
	snprintf(m->tenant, sizeof(m->tenant), "%s", s->tenant);
	snprintf(m->peering, sizeof(m->peering), "%s", g);
	snprintf(m->serial, sizeof(m->serial), "%s", serial);
	snprintf(pool, sizeof(pool), "pm:%s", g);
	addr(s, pool, serial, idx);
}

static struct nc_link *link_(struct nc_snap *s, const char *g, const char *a, const char *b)
{
	struct nc_link *l;

	l = APPEND(s->links, s->n_links);
	snprintf(l->tenant, sizeof(l->tenant), "%s", s->tenant);
	snprintf(l->peering, sizeof(l->peering), "%s", g);
	snprintf(l->a, sizeof(l->a), "%s", a);
	snprintf(l->b, sizeof(l->b), "%s", b);
	return l;
}

/* Edges E1 to En of acme at 192.0.2.1 to .n, with LANs lans[0] to lans[n - 1] (lans NULL or
 * "": none), the members 1 to n of group g (the peering pool's block 0). */
static void edges_in_group(struct nc_snap *s, const char *g, enum nc_topology topo,
			   enum nc_protocol proto, size_t n, const char *const *lans)
{
	char serial[8], host[16];

	for (size_t i = 1; i <= n; i++) {
		snprintf(serial, sizeof(serial), "E%zu", i);
		snprintf(host, sizeof(host), "192.0.2.%zu", i);
		edge(s, "acme", serial, host, lans ? lans[i - 1] : "", NC_EDGE_DEDICATED);
	}
	group(s, g, topo, proto, "");
	addr(s, "peering", g, 0);
	for (size_t i = 1; i <= n; i++) {
		snprintf(serial, sizeof(serial), "E%zu", i);
		member(s, g, serial, (uint32_t)i);
	}
}

/* cmocka setup: an empty snapshot of acme, cleared by teardown. */
static int setup(void **state)
{
	struct nc_snap *s = malloc(sizeof(*s));

	if (!s)
		return -1;
	snap_init(s, "acme");
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	nc_snap_clear(*state);
	free(*state);
	return 0;
}

/* Rendering and looking at a batch */

static json_t *render(const struct nc_snap *s, const char *serial)
{
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;

	if (nc_sync_render(s, serial, &cmds, &notes, NULL, NULL, &ei) != 0)
		fail_msg("render %s: %s", serial, ei.msg);
	json_decref(notes);
	return cmds;
}

/* The tests */

/* Three edges in a WireGuard mesh: each has the other two on wg2, their LANs routed there. */
static void test_mesh(void **state)
{
	static const char *const lans[] = {"10.1.0.0/16", "10.2.0.0/16", ""};
	struct nc_snap *s = *state;
	json_t *cmds;

	edges_in_group(s, "mesh", NC_TOPO_MESH, NC_PROTO_WIREGUARD, 3, lans);
	link_(s, "mesh", "E1", "E2");
	link_(s, "mesh", "E1", "E3");
	link_(s, "mesh", "E2", "E3");
	cmds = render(s, "E3");
	fx_assert_json(
		fx_cmd_iface(cmds, "wg2"),
		"{'name':'wg2','role':'peering','address':'100.96.0.3/32','listen_port':51822,"
		"'mtu':1420,'peers':["
		"{'serial':'E1','public_key':'" KEY(
			"E") "','allowed_ips':['100.96.0.1/32',"
			     "'10.1.0.0/"
			     "16'],'persistent_keepalive':25,'tunnel_index':0,'peering':'mesh',"
			     "'endpoint':'192.0.2.1:51822'},"
			     "{'serial':'E2','public_key':'" KEY(
				     "E") "','allowed_ips':['100.96.0.2/32',"
					  "'10.2.0.0/"
					  "16'],'persistent_keepalive':25,'tunnel_index':0,'"
					  "peering':'mesh',"
					  "'endpoint':'192.0.2.2:51822'}]}");
	fx_assert_json(fx_cmd_body(cmds, "static"),
		       "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
		       "{'dst':'10.2.0.0/16','dev':'wg2','metric':100}]}");
	fx_assert_json(fx_cmd_body(cmds, "interface"),
		       "{'interfaces':[{'name':'lan0','addresses':[]}]}");
	assert_null(fx_cmd_body(cmds, "ipsec"));
	json_decref(cmds);
}

/* Hub and spoke: a spoke reaches the other spoke through the hub's peer. */
static void test_hub_spoke(void **state)
{
	struct nc_snap *s = *state;
	json_t *cmds;

	edge(s, "acme", "H", "192.0.2.10", "10.10.0.0/16", NC_EDGE_DEDICATED);
	edge(s, "acme", "S1", "192.0.2.11", "10.11.0.0/16", NC_EDGE_DEDICATED);
	edge(s, "acme", "S2", "192.0.2.12", "10.12.0.0/16", NC_EDGE_DEDICATED);
	group(s, "star", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, "H");
	addr(s, "peering", "star", 1);
	member(s, "star", "H", 1);
	member(s, "star", "S1", 2);
	member(s, "star", "S2", 3);
	link_(s, "star", "H", "S1");
	link_(s, "star", "H", "S2");
	cmds = render(s, "S1");
	fx_assert_peer_routes(cmds, 0,
			      "['100.96.4.1/32','10.10.0.0/16','100.96.4.3/32','10.12.0.0/16']",
			      "{'routes':[{'dst':'10.10.0.0/16','dev':'wg2','metric':100},"
			      "{'dst':'10.12.0.0/16','dev':'wg2','metric':100}]}");
	json_decref(cmds);
	cmds = render(s, "H");
	assert_int_equal(json_array_size(json_object_get(fx_cmd_iface(cmds, "wg2"), "peers")), 2);
	json_decref(cmds);
}

/* Partial mesh: a member without links keeps its wg2, with no peers. */
static void test_partial_mesh(void **state)
{
	struct nc_snap *s = *state;
	json_t *cmds;

	edges_in_group(s, "part", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, 3, NULL);
	link_(s, "part", "E1", "E2");
	cmds = render(s, "E3");
	fx_assert_json(json_object_get(fx_cmd_iface(cmds, "wg2"), "peers"), "[]");
	json_decref(cmds);
	cmds = render(s, "E1");
	fx_assert_json(fx_peer_get(cmds, "wg2", 0, "serial"), "'E2'");
	json_decref(cmds);
}

/* IPSec: an out and an in SA per link tunnel, the link's keys in them; no wg2. */
static void test_ipsec(void **state)
{
	struct nc_snap *s = *state;
	struct nc_link *l;
	json_t *cmds;

	edges_in_group(s, "sec", NC_TOPO_MESH, NC_PROTO_IPSEC, 2, NULL);
	l = link_(s, "sec", "E1", "E2");
	l->spi_ab = 0x1001;
	l->spi_ba = 0x2002;
	memset(l->key_ab, 'a', 72);
	memset(l->key_ba, 'b', 72);
	cmds = render(s, "E2");
	assert_null(fx_cmd_iface(cmds, "wg2"));
	fx_assert_json(fx_cmd_body(cmds, "ipsec"),
		       "{'sas':[{'peer':'E1','direction':'out','src':'192.0.2.2','dst':'192.0.2.1',"
		       "'spi':8194,'aead':'rfc4106(gcm(aes))','key':'"
		       "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',"
		       "'icv_bits':128,'tunnel_index':0,'peering':'sec'},"
		       "{'peer':'E1','direction':'in','src':'192.0.2.1','dst':'192.0.2.2',"
		       "'spi':4097,'aead':'rfc4106(gcm(aes))','key':'"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',"
		       "'icv_bits':128,'tunnel_index':0,'peering':'sec'}]}");
	json_decref(cmds);
}

/* An MTGE of acme serving globex's connector: wg0 and wg1 in globex's batch, no LAN of acme. */
static void test_mtge(void **state)
{
	struct nc_snap *s = *state;
	json_t *cmds;

	snap_init(s, "globex");
	edge(s, "acme", "MTGE-1", "192.0.2.50", "10.50.0.0/16", NC_EDGE_MTGE);
	connector(s, "GX-1", "MTGE-1", "172.16.1.0/24");
	addr(s, "hub", "MTGE-1", 0);
	addr(s, "bb:MTGE-1", "GX-1", 2);
	cmds = render(s, "MTGE-1");
	fx_assert_json(fx_cmd_body(cmds, "interface"), "{'interfaces':[]}");
	fx_assert_json(
		fx_cmd_iface(cmds, "wg0"),
		"{'name':'wg0','role':'backbone','address':'100.64.0.1/32','listen_port':51820,"
		"'mtu':1420,'peers':[{'serial':'GX-1','public_key':'" KEY(
			"C") "',"
			     "'allowed_ips':['100.64.0.2/32','172.16.1.0/24'],'tunnel_index':0}]}");
	fx_assert_json(fx_cmd_iface(cmds, "wg1"),
		       "{'name':'wg1','role':'app_vpn','address':'100.64.0.1/32',"
		       "'allowed_ips':['172.16.1.0/24']}");
	json_decref(cmds);
	cmds = render(s, "GX-1");
	fx_assert_json(fx_peer_get(cmds, "wg0", 0, "allowed_ips"), "['100.64.0.1/32']");
	fx_assert_json(json_object_get(fx_cmd_iface(cmds, "wg0"), "address"), "'100.64.0.2/32'");
	json_decref(cmds);
}

/* Addresses the snapshot lacks are listed in order of first use, never made up. */
static void test_missing_addresses(void **state)
{
	struct nc_render_need *needs = NULL;
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;
	struct nc_snap *s = *state;
	size_t n = 0;

	snap_init(s, "globex");
	edge(s, "globex", "H", "192.0.2.50", "", NC_EDGE_DEDICATED);
	connector(s, "CN-1", "H", "172.16.1.0/24");
	assert_int_equal(nc_sync_render(s, "H", &cmds, &notes, &needs, &n, &ei), 0);
	assert_int_equal(n, 2);
	assert_int_equal(needs[0].kind, NC_NEED_BACKBONE);
	assert_string_equal(needs[0].pool, "H");
	assert_string_equal(needs[0].serial, "CN-1");
	assert_int_equal(needs[1].kind, NC_NEED_HUB);
	free(needs);
	json_decref(cmds);
	json_decref(notes);
	assert_int_equal(nc_sync_render(s, "H", &cmds, &notes, NULL, NULL, &ei), NC_ERR_INTERNAL);
	assert_null(cmds);
	assert_null(notes);
	assert_non_null(strstr(ei.msg, "lacks 2 tunnel address"));
}

/* A device the snapshot does not hold; a connector that gets no configuration. */
static void test_refusals(void **state)
{
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;
	struct nc_snap *s = *state;

	connector(s, "CN-P", "", "172.16.9.0/24");
	s->connectors[0].status = NC_STATUS_PENDING_APPROVAL;
	assert_int_equal(nc_sync_render(s, "NOPE", &cmds, &notes, NULL, NULL, &ei),
			 NC_ERR_NOTFOUND);
	assert_non_null(strstr(ei.msg, "not found in tenant `acme'"));
	assert_int_equal(nc_sync_render(s, "CN-P", &cmds, &notes, NULL, NULL, &ei),
			 NC_ERR_CONFLICT);
	assert_null(cmds);
}

FX_MAIN_EACH("render", NULL, NULL, setup, teardown, test_mesh, test_hub_spoke, test_partial_mesh,
	     test_ipsec, test_mtge, test_missing_addresses, test_refusals)
