/* SPDX-License-Identifier: MIT */
/*
 * Batch build on a real SQLite store: the exact bodies a connector, a hub
 * edge and an MTGE get; peering interfaces for mesh, hub-spoke and partial
 * mesh; the secondary tunnel; IPSec SAs whose keys appear only there;
 * peers left out with a note (no public key, not in service); refusals;
 * and a hash that is stable, follows the device's own inputs and ignores
 * unrelated devices.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/core/ipam.h"
#include "../../lib/core/topology.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/build.h"
#include "../../lib/sync/snapshot.h"
#include "../../lib/util/err.h"
#include "../../lib/util/jcs.h"
#include "../../lib/util/log.h"

struct fx {
	char dir[512];
	char path[600];
	struct nc_store *st;
	uint32_t next_spi;
};

/* Fixture: an empty store with tenants acme, globex and initech. */

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void add_tenant(struct nc_store *st, const char *id)
{
	struct nc_tenant t = {0};

	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.name, sizeof(t.name), "Tenant %s", id);
	assert_int_equal(nc_store_tenant_insert(st, &t), 0);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *fx = calloc(1, sizeof(*fx));
	struct nc_errinfo ei = {0};

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/netctl-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/netctl.db", fx->dir);
	if (nc_store_open_sqlite(fx->path, &fx->st, &ei) != 0) {
		fprintf(stderr, "open: %s\n", ei.msg);
		return -1;
	}
	add_tenant(fx->st, "acme");
	add_tenant(fx->st, "globex");
	add_tenant(fx->st, "initech");
	fx->next_spi = 0x1001;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	nc_store_close(fx->st);
	nftw(fx->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* Objects, straight through the store */

/* A WireGuard public key for serial: 43 base64 characters and '='. */
static const char *key_of(const char *serial)
{
	static char buf[8][NC_KEY_B64_MAX];
	static int slot;
	char *k = buf[slot++ % 8];
	size_t i = 0;

	for (; serial[i] && i < 43; i++)
		k[i] = isupper((unsigned char)serial[i]) || isdigit((unsigned char)serial[i])
			       ? serial[i]
			       : '+';
	for (; i < 43; i++)
		k[i] = 'A';
	k[43] = '=';
	k[44] = '\0';
	return k;
}

/* Comma-separated words into l. */
static void split_into(struct nc_strlist *l, const char *csv)
{
	char buf[256], *save = NULL;

	if (!csv)
		return;
	snprintf(buf, sizeof(buf), "%s", csv);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		nc_strlist_add(l, w);
}

/* An edge with endpoint 192.0.2.i:51820, the LANs in csv, and a public key if keyed. */
static void edge(struct fx *fx, const char *tenant, const char *serial, enum nc_edge_kind kind,
		 int i, const char *lans, bool keyed)
{
	struct nc_edge e = {.kind = kind};

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "dc-%d", i);
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.%d:51820", i);
	split_into(&e.lan_subnets, lans);
	assert_int_equal(nc_store_edge_insert(fx->st, &e), 0);
	if (keyed)
		assert_int_equal(nc_store_device_touch(fx->st, serial, key_of(serial), 0), 0);
	nc_edge_clear(&e);
}

/* A connector with hub (NULL: standalone), status, LANs, a public key if keyed; like the
 * core, it takes its backbone address when it has a hub. */
static void connector(struct fx *fx, const char *tenant, const char *serial, const char *hub,
		      enum nc_status status, const char *lans, bool keyed)
{
	struct nc_connector c = {.status = NC_STATUS_PENDING_APPROVAL};
	char addr[NC_CIDR_MAX];

	snprintf(c.serial, sizeof(c.serial), "%s", serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
	snprintf(c.name, sizeof(c.name), "branch-%s", serial);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "%s", hub ? hub : "");
	split_into(&c.lan_subnets, lans);
	assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	if (status != NC_STATUS_PENDING_APPROVAL)
		assert_int_equal(nc_store_connector_set_status(fx->st, serial, status), 0);
	if (keyed)
		assert_int_equal(nc_store_device_touch(fx->st, serial, key_of(serial), 0), 0);
	if (hub)
		assert_int_equal(nc_ipam_backbone(fx->st, tenant, hub, serial, addr, NULL), 0);
	nc_connector_clear(&c);
}

static void group(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		  bool dual, const char *hub)
{
	struct nc_peering p = {.topology = t, .protocol = proto, .dual_tunnel = dual};

	snprintf(p.tenant, sizeof(p.tenant), "acme");
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	assert_int_equal(nc_store_peering_insert(fx->st, &p), 0);
}

/* Members of acme's group, in the order given (which decides their addresses). */
static void members(struct fx *fx, const char *name, const char *csv)
{
	struct nc_strlist l = {0};
	char addr[NC_CIDR_MAX];

	split_into(&l, csv);
	for (size_t i = 0; i < l.n; i++) {
		struct nc_member m = {0};

		snprintf(m.tenant, sizeof(m.tenant), "acme");
		snprintf(m.peering, sizeof(m.peering), "%s", name);
		snprintf(m.serial, sizeof(m.serial), "%s", l.v[i]);
		assert_int_equal(nc_store_member_insert(fx->st, &m), 0);
		assert_int_equal(nc_ipam_peering(fx->st, "acme", name, l.v[i], 0, addr, NULL), 0);
	}
	nc_strlist_clear(&l);
}

/* The 72 hex digits of an SA key made of byte b. */
static void sa_key(char out[73], unsigned b)
{
	for (int i = 0; i < 36; i++)
		snprintf(out + 2 * i, 3, "%02x", (b + (unsigned)i) & 255);
}

/* One tunnel a < b; IPSec groups get the next SPIs and keys 0x10.. / 0x80.. per SPI. */
static void tunnel(struct fx *fx, const char *name, const char *a, const char *b, int ti,
		   bool ipsec)
{
	struct nc_link l = {.tunnel_index = ti};

	snprintf(l.tenant, sizeof(l.tenant), "acme");
	snprintf(l.peering, sizeof(l.peering), "%s", name);
	snprintf(l.a, sizeof(l.a), "%s", a);
	snprintf(l.b, sizeof(l.b), "%s", b);
	if (ipsec) {
		l.spi_ab = fx->next_spi++;
		l.spi_ba = fx->next_spi++;
		sa_key(l.key_ab, l.spi_ab);
		sa_key(l.key_ba, l.spi_ba);
	}
	assert_int_equal(nc_store_link_insert(fx->st, &l), 0);
}

/* The links a mesh or hub-spoke group derives from its members (topology.h). */
static void derive(struct fx *fx, const char *name)
{
	struct nc_peering p = {0};
	struct nc_member *m = NULL;
	struct nc_topo_link *v = NULL;
	size_t n = 0, nv = 0;

	assert_int_equal(nc_store_peering_get(fx->st, "acme", name, &p), 0);
	assert_int_equal(nc_store_member_list(fx->st, "acme", name, &m, &n), 0);
	assert_int_equal(nc_topology_links(p.topology, p.hub, p.dual_tunnel, m, n, &v, &nv), 0);
	for (size_t i = 0; i < nv; i++)
		tunnel(fx, name, v[i].a, v[i].b, v[i].tunnel_index, p.protocol == NC_PROTO_IPSEC);
	free(v);
	free(m);
}

/* The batch rendered from the tenant's whole snapshot is the one nc_sync_build made from the
 * device's part of it. */
static void assert_whole_agrees(struct fx *fx, const char *serial, const char *tenant,
				const json_t *cmds, const json_t *notes)
{
	struct nc_errinfo ei = {0};
	char own[NC_ID_MAX];
	enum nc_device_type type;
	struct nc_snap s;
	json_t *c = NULL, *n = NULL;

	assert_int_equal(nc_store_device_lookup(fx->st, NULL, serial, &type, own), 0);
	assert_int_equal(nc_snap_load(fx->st, tenant && *tenant ? tenant : own, &s), 0);
	if (nc_sync_render(&s, serial, &c, &n, NULL, NULL, &ei) != 0)
		fail_msg("render %s from the whole snapshot: %s", serial, ei.msg);
	assert_true(json_equal(c, cmds));
	assert_true(json_equal(n, notes));
	json_decref(c);
	json_decref(n);
	nc_snap_clear(&s);
}

/* Builds and return the commands (owned); *notes owned too (may be NULL: dropped). */
static json_t *build(struct fx *fx, const char *serial, const char *tenant, json_t **notes)
{
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *n = NULL;

	assert_int_equal(nc_store_begin(fx->st), 0);
	if (nc_sync_build(fx->st, serial, tenant, &cmds, &n, &ei) != 0)
		fail_msg("build %s: %s", serial, ei.msg);
	assert_int_equal(nc_store_commit(fx->st), 0);
	assert_non_null(cmds);
	assert_non_null(n);
	assert_whole_agrees(fx, serial, tenant, cmds, n);
	if (notes)
		*notes = n;
	else
		json_decref(n);
	return cmds;
}

static void hash_of(struct fx *fx, const char *serial, const char *tenant, char hex[65])
{
	json_t *cmds = build(fx, serial, tenant, NULL);

	assert_int_equal(nc_jcs_sha256_hex(cmds, hex, NULL), 0);
	json_decref(cmds);
}

/* Assertions on JSON */

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

static char *dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(s);
	return s;
}

/* got must equal the JSON text fmt, printf-formatted, written with ' for " to be readable. */
__attribute__((format(printf, 2, 3))) static void assert_json(const json_t *got, const char *fmt,
							      ...)
{
	json_error_t jerr;
	char *text = NULL, *g, *w;
	json_t *want;
	va_list ap;

	va_start(ap, fmt);
	assert_true(vasprintf(&text, fmt, ap) >= 0);
	va_end(ap);
	for (char *q = strchr(text, '\''); q; q = strchr(q + 1, '\''))
		*q = '"';
	want = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (!want)
		fail_msg("bad expected JSON: %s\n%s", jerr.text, text);
	if (!got || !json_equal(got, want)) {
		g = got ? json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		w = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		fail_msg("JSON differs\n got: %s\nwant: %s", g ? g : "(null)", w);
	}
	json_decref(want);
	free(text);
}

/* The topics in order, space-separated; every index must be its position. */
static void assert_topics(const json_t *cmds, const char *want)
{
	char buf[256] = "";
	size_t i;
	json_t *c;

	json_array_foreach(cmds, i, c) {
		assert_int_equal(json_integer_value(json_object_get(c, "index")), i);
		if (i)
			strcat(buf, " ");
		strcat(buf, json_string_value(json_object_get(c, "topic")));
	}
	assert_string_equal(buf, want);
}

/* The body of topic (borrowed), NULL when absent. */
static json_t *body(const json_t *cmds, const char *topic)
{
	size_t i;
	json_t *c;

	json_array_foreach(cmds, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "topic")), topic) == 0)
			return json_object_get(c, "body");
	}
	return NULL;
}

/* Interface name of the wireguard body (borrowed), NULL when absent. */
static json_t *iface(const json_t *cmds, const char *name)
{
	json_t *ifs = json_object_get(body(cmds, "wireguard"), "interfaces"), *f;
	size_t i;

	json_array_foreach(ifs, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "name")), name) == 0)
			return f;
	}
	return NULL;
}

/* The interface names of the wireguard body, space-separated. */
static void assert_ifaces(const json_t *cmds, const char *want)
{
	json_t *ifs = json_object_get(body(cmds, "wireguard"), "interfaces"), *f;
	char buf[64] = "";
	size_t i;

	json_array_foreach(ifs, i, f) {
		if (i)
			strcat(buf, " ");
		strcat(buf, json_string_value(json_object_get(f, "name")));
	}
	assert_string_equal(buf, want);
}

/* The serials of interface name's peers, space-separated. */
static void assert_peers(const json_t *cmds, const char *name, const char *want)
{
	json_t *f = iface(cmds, name), *p;
	char buf[256] = "";
	size_t i;

	if (!f)
		fail_msg("no interface %s", name);
	json_array_foreach(json_object_get(f, "peers"), i, p) {
		if (i)
			strcat(buf, " ");
		strcat(buf, json_string_value(json_object_get(p, "serial")));
	}
	assert_string_equal(buf, want);
}

static size_t count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Tests */

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

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.10.0.0/16", true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.10.0/24,192.168.11.0/24",
		  true);
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

	cmds = build(fx, "CN-1", "acme", &notes);
	assert_topics(cmds, "wireguard static nat_config acl_config");
	assert_json(cmds,
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
		    key_of("EDGE-1"));
	assert_json(notes, "[]");
	json_decref(cmds);
	json_decref(notes);

	/* Without NAT, hub or rules: authoritative empty bodies, no interfaces. */
	connector(fx, "acme", "CN-2", NULL, NC_STATUS_APPROVED, "192.168.20.0/24", true);
	cmds = build(fx, "CN-2", NULL, NULL);
	assert_json(cmds, "[{'index':0,'topic':'wireguard','body':{'interfaces':[]}},"
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

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.10.0.0/16,fd00:10::/64,10.255.0.7/32",
	     true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_APPROVED, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", "EDGE-1", NC_STATUS_OFFLINE, "192.168.2.0/24,192.168.3.0/24",
		  true);
	connector(fx, "acme", "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL, "192.168.4.0/24", true);
	connector(fx, "acme", "CN-4", "EDGE-1", NC_STATUS_ACTIVE, "192.168.5.0/24", false);

	cmds = build(fx, "EDGE-1", "acme", &notes);
	assert_topics(cmds, "interface wireguard static nat44 acl");
	assert_json(cmds,
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
		    key_of("CN-1"), key_of("CN-2"));
	assert_json(notes, "['connector CN-3 left out of wg0: it is pending_approval',"
			   " 'connector CN-4 left out of wg0: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);

	/* An edge that is nobody's hub has no wg0; no LAN gives an empty lan0. */
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, NULL, true);
	cmds = build(fx, "EDGE-2", NULL, NULL);
	assert_json(body(cmds, "interface"), "{'interfaces':[{'name':'lan0','addresses':[]}]}");
	assert_json(body(cmds, "wireguard"), "{'interfaces':[]}");
	text = dump(cmds);
	assert_int_equal(count(text, "wg0"), 0);
	free(text);
	json_decref(cmds);
}

/* Mesh: every member peers with every other one on wg2; edges have endpoints. */
static void test_mesh(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	group(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "m", "EDGE-1,EDGE-2,CN-1");
	derive(fx, "m");

	cmds = build(fx, "CN-1", NULL, NULL);
	assert_json(body(cmds, "wireguard"),
		    "{'interfaces':[{'name':'wg2','role':'peering',"
		    " 'address':'100.96.0.3/32','listen_port':51822,'mtu':1420,'peers':["
		    " {'serial':'EDGE-1','public_key':'%s','endpoint':'192.0.2.1:51822',"
		    "  'allowed_ips':['100.96.0.1/32','10.1.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'m','tunnel_index':0},"
		    " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51822',"
		    "  'allowed_ips':['100.96.0.2/32','10.2.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'m','tunnel_index':0}]}]}",
		    key_of("EDGE-1"), key_of("EDGE-2"));
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
		    " {'dst':'10.2.0.0/16','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* From an edge: the connector has no endpoint, so the member is left out. */
	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_ifaces(cmds, "wg2");
	assert_json(iface(cmds, "wg2"),
		    "{'name':'wg2','role':'peering','address':'100.96.0.1/32',"
		    " 'listen_port':51822,'mtu':1420,'peers':["
		    " {'serial':'CN-1','public_key':'%s',"
		    "  'allowed_ips':['100.96.0.3/32','192.168.1.0/24'],"
		    "  'persistent_keepalive':25,'peering':'m','tunnel_index':0},"
		    " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51822',"
		    "  'allowed_ips':['100.96.0.2/32','10.2.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'m','tunnel_index':0}]}",
		    key_of("CN-1"), key_of("EDGE-2"));
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

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", NULL, NC_STATUS_PROVISIONED, "192.168.2.0/24", true);
	connector(fx, "acme", "CN-3", NULL, NC_STATUS_ACTIVE, "192.168.3.0/24", false);
	group(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	members(fx, "hs", "EDGE-1,CN-1,CN-2,CN-3");
	derive(fx, "hs");

	cmds = build(fx, "CN-1", NULL, &notes);
	assert_ifaces(cmds, "wg2");
	assert_peers(cmds, "wg2", "EDGE-1");
	/* CN-3 has no key yet: the hub leaves it out, so its spokes do too. */
	assert_json(json_object_get(json_array_get(json_object_get(iface(cmds, "wg2"), "peers"), 0),
				    "allowed_ips"),
		    "['100.96.0.1/32','10.1.0.0/16','100.96.0.3/32','192.168.2.0/24']");
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
		    " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	assert_json(notes, "[]");
	json_decref(cmds);
	json_decref(notes);
	cmds = build(fx, "CN-2", NULL, NULL);
	assert_peers(cmds, "wg2", "EDGE-1");
	assert_json(json_object_get(iface(cmds, "wg2"), "address"), "'100.96.0.3/32'");
	assert_json(json_object_get(json_array_get(json_object_get(iface(cmds, "wg2"), "peers"), 0),
				    "allowed_ips"),
		    "['100.96.0.1/32','10.1.0.0/16','100.96.0.2/32','192.168.1.0/24']");
	json_decref(cmds);
	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_peers(cmds, "wg2", "CN-1 CN-2");
	assert_json(json_object_get(json_array_get(json_object_get(iface(cmds, "wg2"), "peers"), 0),
				    "allowed_ips"),
		    "['100.96.0.2/32','192.168.1.0/24']");
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'192.168.1.0/24','dev':'wg2','metric':100},"
		    " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* A direct link between two spokes: its prefixes stay with the direct peer. */
	group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "pm", "CN-1,CN-2");
	tunnel(fx, "pm", "CN-1", "CN-2", 0, false);
	cmds = build(fx, "CN-1", NULL, &notes);
	assert_peers(cmds, "wg2", "CN-2 EDGE-1");
	assert_json(json_object_get(json_array_get(json_object_get(iface(cmds, "wg2"), "peers"), 1),
				    "allowed_ips"),
		    "['100.96.0.1/32','10.1.0.0/16','100.96.0.3/32']");
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100},"
		    " {'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	assert_json(notes, "['192.168.2.0/24 of spoke CN-2 left out of hub EDGE-1 on wg2 (group "
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
	json_t *cmds, *notes;

	edge(fx, "acme", "EDGE-H", NC_EDGE_DEDICATED, 1, "10.9.0.0/16", true);
	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 2, "10.1.0.0/16", true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	group(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-H");
	members(fx, "hs", "EDGE-H,EDGE-1,CN-1");
	derive(fx, "hs");

	cmds = build(fx, "EDGE-1", NULL, &notes);
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.9.0.0/16','dev':'wg2','metric':100},"
		    " {'dst':'192.168.1.0/24','dev':'wg0','metric':100}]}");
	assert_json(notes, "['route to 192.168.1.0/24 through wg2 left out: it is already routed "
			   "through wg0 at metric 100']");
	json_decref(cmds);
	json_decref(notes);
	cmds = build(fx, "CN-1", NULL, &notes);
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg0','metric':100},"
		    " {'dst':'10.9.0.0/16','dev':'wg2','metric':100}]}");
	assert_json(notes, "['route to 10.1.0.0/16 through wg2 left out: it is already routed "
			   "through wg0 at metric 100']");
	json_decref(cmds);
	json_decref(notes);
}

/* Partial mesh: only the links made by hand; an isolated member keeps an empty wg2. */
static void test_partial_mesh(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "pm", "EDGE-1,EDGE-2,CN-1,CN-2");
	tunnel(fx, "pm", "CN-2", "EDGE-2", 0, false);

	cmds = build(fx, "CN-2", NULL, NULL);
	assert_peers(cmds, "wg2", "EDGE-2");
	json_decref(cmds);
	cmds = build(fx, "EDGE-2", NULL, NULL);
	assert_peers(cmds, "wg2", "CN-2");
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'192.168.2.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);
	cmds = build(fx, "CN-1", NULL, NULL);
	assert_json(body(cmds, "wireguard"),
		    "{'interfaces':[{'name':'wg2','role':'peering',"
		    " 'address':'100.96.0.3/32','listen_port':51822,'mtu':1420,"
		    " 'peers':[]}]}");
	assert_json(body(cmds, "static"), "{'routes':[]}");
	json_decref(cmds);
	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_peers(cmds, "wg2", "");
	json_decref(cmds);
}

/* A connector with an endpoint is dialled there by its link peers; one without is not. */
static void test_connector_endpoint(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {0};
	json_t *cmds;

	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-2", &c), 0);
	snprintf(c.endpoint, sizeof(c.endpoint), "198.51.100.2:51822");
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	group(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "pm", "CN-1,CN-2");
	tunnel(fx, "pm", "CN-1", "CN-2", 0, false);

	cmds = build(fx, "CN-1", NULL, NULL);
	assert_json(iface(cmds, "wg2"),
		    "{'name':'wg2','role':'peering','address':'100.96.0.1/32',"
		    " 'listen_port':51822,'mtu':1420,'peers':["
		    " {'serial':'CN-2','public_key':'%s','endpoint':'198.51.100.2:51822',"
		    "  'allowed_ips':['100.96.0.2/32','192.168.2.0/24'],"
		    "  'persistent_keepalive':25,'peering':'pm','tunnel_index':0}]}",
		    key_of("CN-2"));
	json_decref(cmds);
	cmds = build(fx, "CN-2", NULL, NULL);
	assert_null(json_object_get(json_array_get(json_object_get(iface(cmds, "wg2"), "peers"), 0),
				    "endpoint"));
	json_decref(cmds);
}

/* Dual tunnel: edge<->edge also on wg3 (tunnel_index 1, port 51823, metric 200). */
static void test_dual_tunnel(void **state)
{
	struct fx *fx = *state;
	json_t *cmds;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	group(fx, "d", NC_TOPO_MESH, NC_PROTO_WIREGUARD, true, NULL);
	members(fx, "d", "EDGE-1,EDGE-2,CN-1");
	derive(fx, "d");

	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_json(body(cmds, "wireguard"),
		    "{'interfaces':["
		    "{'name':'wg2','role':'peering','address':'100.96.0.1/32',"
		    " 'listen_port':51822,'mtu':1420,'peers':["
		    " {'serial':'CN-1','public_key':'%s',"
		    "  'allowed_ips':['100.96.0.3/32','192.168.1.0/24'],"
		    "  'persistent_keepalive':25,'peering':'d','tunnel_index':0},"
		    " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51822',"
		    "  'allowed_ips':['100.96.0.2/32','10.2.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'d','tunnel_index':0}]},"
		    "{'name':'wg3','role':'peering','address':'100.96.2.1/32',"
		    " 'listen_port':51823,'mtu':1420,'peers':["
		    " {'serial':'EDGE-2','public_key':'%s','endpoint':'192.0.2.2:51823',"
		    "  'allowed_ips':['100.96.2.2/32','10.2.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'d','tunnel_index':1}]}]}",
		    key_of("CN-1"), key_of("EDGE-2"), key_of("EDGE-2"));
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.2.0.0/16','dev':'wg2','metric':100},"
		    " {'dst':'10.2.0.0/16','dev':'wg3','metric':200},"
		    " {'dst':'192.168.1.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);

	/* A connector never gets the secondary tunnel. */
	cmds = build(fx, "CN-1", NULL, NULL);
	assert_ifaces(cmds, "wg2");
	assert_peers(cmds, "wg2", "EDGE-1 EDGE-2");
	json_decref(cmds);
}

/* In two groups: one wg2 with every address, one peer per serial with both addresses. */
static void test_two_groups(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	group(fx, "a", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	group(fx, "b", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	members(fx, "a", "EDGE-1,CN-1");
	members(fx, "b", "CN-1,EDGE-1");
	derive(fx, "a");
	derive(fx, "b");

	cmds = build(fx, "CN-1", NULL, &notes);
	assert_ifaces(cmds, "wg0 wg2");
	assert_json(iface(cmds, "wg2"),
		    "{'name':'wg2','role':'peering','address':'100.96.0.2/32',"
		    " 'addresses':['100.96.0.2/32','100.96.4.1/32'],"
		    " 'listen_port':51822,'mtu':1420,'peers':["
		    " {'serial':'EDGE-1','public_key':'%s','endpoint':'192.0.2.1:51822',"
		    "  'allowed_ips':['100.96.0.1/32','100.96.4.2/32','10.1.0.0/16'],"
		    "  'persistent_keepalive':25,'peering':'a','tunnel_index':0}]}",
		    key_of("EDGE-1"));
	/* The hub's LAN through wg0 and wg2 at one metric: the peering tunnel is kept, wg0
	 * noted; the hub chooses alike for the connector's LAN. */
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100}]}");
	assert_json(notes, "['route to 10.1.0.0/16 through wg0 left out: it is already routed "
			   "through wg2 at metric 100']");
	json_decref(cmds);
	json_decref(notes);
	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'192.168.1.0/24','dev':'wg2','metric':100}]}");
	json_decref(cmds);
}

/* The count of the SA keys of link l in text. */
static size_t keys_in(const char *text, const struct nc_link *l)
{
	return count(text, l->key_ab) + count(text, l->key_ba);
}

/* IPSec: out/in SAs with the store's SPIs and keys, in the ipsec topic and nowhere else. */
static void test_ipsec(void **state)
{
	struct fx *fx = *state;
	struct nc_link *l = NULL;
	const struct nc_link *sa;
	size_t n = 0;
	json_t *cmds, *notes;
	char *text, *ntext;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", NULL, NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	connector(fx, "acme", "CN-P", NULL, NC_STATUS_PENDING_APPROVAL, "192.168.8.0/24", true);
	group(fx, "sec", NC_TOPO_MESH, NC_PROTO_IPSEC, false, NULL);
	members(fx, "sec", "EDGE-1,CN-1,CN-P");
	derive(fx, "sec");
	/* By (a, b): CN-1-CN-P, CN-1-EDGE-1, CN-P-EDGE-1; only the second is in service. */
	assert_int_equal(nc_store_link_list(fx->st, "acme", "sec", &l, &n), 0);
	assert_int_equal(n, 3);
	sa = &l[1];
	assert_string_equal(sa->a, "CN-1");
	assert_string_equal(sa->b, "EDGE-1");

	cmds = build(fx, "CN-1", NULL, &notes);
	assert_topics(cmds, "wireguard ipsec static nat_config acl_config");
	assert_ifaces(cmds, "wg0");
	assert_json(body(cmds, "ipsec"),
		    "{'sas':["
		    "{'peer':'EDGE-1','direction':'out','src':'100.96.0.2',"
		    " 'dst':'192.0.2.1','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		    " 'key':'%s','icv_bits':128,'tunnel_index':0},"
		    "{'peer':'EDGE-1','direction':'in','src':'192.0.2.1',"
		    " 'dst':'100.96.0.2','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		    " 'key':'%s','icv_bits':128,'tunnel_index':0}]}",
		    sa->spi_ab, sa->key_ab, sa->spi_ba, sa->key_ba);
	assert_json(notes, "['IPSec SAs with CN-P (group sec, tunnel 0) left out: it is "
			   "pending_approval']");
	text = dump(cmds);
	ntext = dump(notes);
	assert_int_equal(count(text, sa->key_ab), 1);
	assert_int_equal(count(text, sa->key_ba), 1);
	assert_int_equal(keys_in(text, &l[0]) + keys_in(text, &l[2]), 0);
	assert_int_equal(keys_in(ntext, sa), 0);
	free(ntext);
	free(text);
	json_decref(cmds);
	json_decref(notes);

	/* The other end: the same SAs, directions swapped. */
	cmds = build(fx, "EDGE-1", NULL, NULL);
	assert_topics(cmds, "interface wireguard ipsec static nat44 acl");
	assert_json(body(cmds, "ipsec"),
		    "{'sas':["
		    "{'peer':'CN-1','direction':'out','src':'192.0.2.1',"
		    " 'dst':'100.96.0.2','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		    " 'key':'%s','icv_bits':128,'tunnel_index':0},"
		    "{'peer':'CN-1','direction':'in','src':'100.96.0.2',"
		    " 'dst':'192.0.2.1','spi':%u,'peering':'sec','aead':'rfc4106(gcm(aes))',"
		    " 'key':'%s','icv_bits':128,'tunnel_index':0}]}",
		    sa->spi_ba, sa->key_ba, sa->spi_ab, sa->key_ab);
	text = dump(cmds);
	assert_int_equal(count(text, sa->key_ab), 1);
	assert_int_equal(count(text, sa->key_ba), 1);
	assert_int_equal(keys_in(text, &l[0]) + keys_in(text, &l[2]), 0);
	free(text);
	json_decref(cmds);

	/* An unrelated device never sees them, and has no ipsec topic. */
	cmds = build(fx, "CN-2", NULL, NULL);
	assert_topics(cmds, "wireguard static nat_config acl_config");
	text = dump(cmds);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(keys_in(text, &l[i]), 0);
	free(text);
	json_decref(cmds);
	free(l);
}

/* IPSec with dual tunnel: SAs per tunnel index, edge endpoints as outer addresses, no wg2/wg3. */
static void test_ipsec_dual(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *sas, *v;
	char spis[128] = "";
	size_t i;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	group(fx, "sec2", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL);
	members(fx, "sec2", "EDGE-1,EDGE-2");
	derive(fx, "sec2");

	/* SPIs 0x1001/0x1002 for tunnel 0 (EDGE-1 -> EDGE-2, back), 0x1003/0x1004 for 1. */
	cmds = build(fx, "EDGE-2", NULL, NULL);
	assert_json(body(cmds, "wireguard"), "{'interfaces':[]}");
	assert_json(body(cmds, "static"), "{'routes':[]}");
	sas = json_object_get(body(cmds, "ipsec"), "sas");
	assert_int_equal(json_array_size(sas), 4);
	json_array_foreach(sas, i, v) {
		snprintf(spis + strlen(spis), sizeof(spis) - strlen(spis), "%s%s/%d/%lld/%s>%s",
			 i ? " " : "", json_string_value(json_object_get(v, "direction")),
			 (int)json_integer_value(json_object_get(v, "tunnel_index")),
			 (long long)json_integer_value(json_object_get(v, "spi")),
			 json_string_value(json_object_get(v, "src")),
			 json_string_value(json_object_get(v, "dst")));
		assert_string_equal(json_string_value(json_object_get(v, "peer")), "EDGE-1");
	}
	assert_string_equal(spis, "out/0/4098/192.0.2.2>192.0.2.1 in/0/4097/192.0.2.1>192.0.2.2 "
				  "out/1/4100/192.0.2.2>192.0.2.1 in/1/4099/192.0.2.1>192.0.2.2");
	json_decref(cmds);
}

/* The connector's GX-n of globex get hubbed on acme's MTGE behind the store's back: its
 * schema ties a hub to the connector's tenant, and the multi-tenant MTGE needs otherwise. */
static void rehub(struct fx *fx, const char *serial, const char *hub)
{
	char sql[256];
	sqlite3 *db = NULL;

	snprintf(sql, sizeof(sql), "UPDATE connectors SET hub_edge = '%s' WHERE serial = '%s'", hub,
		 serial);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* An MTGE serving two tenants: a batch each, with only that tenant's connectors. */
static void test_mtge(void **state)
{
	struct fx *fx = *state;
	struct nc_strlist tenants = {0};
	struct nc_errinfo ei = {0};
	json_t *cmds, *notes;
	char addr[NC_CIDR_MAX], *text;

	edge(fx, "acme", "MTGE-1", NC_EDGE_MTGE, 1, "10.50.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	connector(fx, "acme", "CN-1", "MTGE-1", NC_STATUS_APPROVED, "192.168.2.0/24", true);
	connector(fx, "acme", "CN-2", "MTGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24,192.168.2.0/24",
		  true);
	connector(fx, "globex", "GX-1", NULL, NC_STATUS_ACTIVE, "172.16.1.0/24", true);
	connector(fx, "globex", "GX-2", NULL, NC_STATUS_PENDING_APPROVAL, "172.16.2.0/24", true);
	connector(fx, "initech", "IN-1", NULL, NC_STATUS_PENDING_APPROVAL, "172.20.0.0/24", true);
	rehub(fx, "GX-1", "MTGE-1");
	rehub(fx, "GX-2", "MTGE-1");
	rehub(fx, "IN-1", "MTGE-1");
	assert_int_equal(nc_ipam_backbone(fx->st, "globex", "MTGE-1", "GX-1", addr, NULL), 0);
	assert_string_equal(addr, "100.64.0.2/32");
	group(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "m", "MTGE-1,EDGE-2");
	derive(fx, "m");

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

	/* acme: its LAN, its connectors, the App VPN with their LANs once, its peering. */
	cmds = build(fx, "MTGE-1", "acme", NULL);
	assert_topics(cmds, "interface wireguard static nat44 acl");
	assert_json(body(cmds, "interface"),
		    "{'interfaces':[{'name':'lan0','addresses':['10.50.0.1/16']}]}");
	assert_ifaces(cmds, "wg0 wg1 wg2");
	assert_json(json_object_get(iface(cmds, "wg0"), "address"), "'100.64.0.1/32'");
	assert_peers(cmds, "wg0", "CN-1 CN-2");
	assert_json(iface(cmds, "wg1"), "{'name':'wg1','role':'app_vpn','address':'100.64.0.1/32',"
					" 'allowed_ips':['192.168.1.0/24','192.168.2.0/24']}");
	assert_peers(cmds, "wg2", "EDGE-2");
	text = dump(cmds);
	assert_int_equal(count(text, "GX-") + count(text, "172.16."), 0);
	free(text);
	json_decref(cmds);

	/* globex: only GX-1; no LAN, no peering of acme. */
	cmds = build(fx, "MTGE-1", "globex", &notes);
	assert_topics(cmds, "interface wireguard static nat44 acl");
	assert_json(body(cmds, "interface"), "{'interfaces':[]}");
	assert_json(body(cmds, "wireguard"),
		    "{'interfaces':["
		    "{'name':'wg0','role':'backbone','address':'100.64.0.1/32',"
		    " 'listen_port':51820,'mtu':1420,'peers':["
		    " {'serial':'GX-1','public_key':'%s',"
		    "  'allowed_ips':['100.64.0.2/32','172.16.1.0/24'],'tunnel_index':0}]},"
		    "{'name':'wg1','role':'app_vpn','address':'100.64.0.1/32',"
		    " 'allowed_ips':['172.16.1.0/24']}]}",
		    key_of("GX-1"));
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'172.16.1.0/24','dev':'wg0','metric':100}]}");
	assert_json(notes, "['connector GX-2 left out of wg0: it is pending_approval']");
	text = dump(cmds);
	assert_int_equal(count(text, "CN-") + count(text, "192.168.") + count(text, "10.50."), 0);
	free(text);
	json_decref(cmds);
	json_decref(notes);

	/* GX-1 sees the MTGE's address in its tenant, not acme's LAN. */
	cmds = build(fx, "GX-1", NULL, NULL);
	assert_json(json_object_get(json_array_get(json_object_get(iface(cmds, "wg0"), "peers"), 0),
				    "allowed_ips"),
		    "['100.64.0.1/32']");
	assert_json(body(cmds, "static"), "{'routes':[]}");
	json_decref(cmds);

	/* A tenant that does not exist; a dedicated edge of another tenant. */
	cmds = notes = NULL;
	assert_int_equal(nc_sync_build(fx->st, "MTGE-1", "nope", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	assert_contains(ei.msg, "tenant `nope' not found");
	assert_null(cmds);
	assert_null(notes);
	assert_int_equal(nc_sync_build(fx->st, "EDGE-2", "globex", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_sync_build(fx->st, "CN-1", "globex", &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	nc_strlist_clear(&tenants);
}

/* A peer without a public key is left out with a note; its routes go with it. */
static void test_missing_key(void **state)
{
	struct fx *fx = *state;
	json_t *cmds, *notes;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", false);
	connector(fx, "acme", "CN-1", "EDGE-2", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	group(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "m", "EDGE-1,EDGE-2,CN-1");
	derive(fx, "m");

	cmds = build(fx, "CN-1", NULL, &notes);
	assert_ifaces(cmds, "wg0 wg2");
	assert_peers(cmds, "wg0", "");
	assert_peers(cmds, "wg2", "EDGE-1");
	assert_json(body(cmds, "static"),
		    "{'routes':[{'dst':'10.1.0.0/16','dev':'wg2','metric':100}]}");
	assert_json(notes, "['hub EDGE-2 left out of wg0: its public key is not known yet',"
			   " 'peer EDGE-2 left out of wg2: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);

	cmds = build(fx, "EDGE-1", NULL, &notes);
	assert_peers(cmds, "wg2", "CN-1");
	assert_json(notes, "['peer EDGE-2 left out of wg2: its public key is not known yet']");
	json_decref(cmds);
	json_decref(notes);
}

/* Connectors out of service get no batch, and are nobody's peer. */
static void test_out_of_service(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *cmds = NULL, *notes = NULL;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-P", "EDGE-1", NC_STATUS_PENDING_APPROVAL, "192.168.8.0/24", true);
	connector(fx, "acme", "CN-D", NULL, NC_STATUS_DECOMMISSIONED, "192.168.9.0/24", true);
	group(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	members(fx, "m", "EDGE-1,CN-1,CN-P,CN-D");
	derive(fx, "m");

	assert_int_equal(nc_sync_build(fx->st, "CN-P", NULL, &cmds, &notes, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg,
			    "connector CN-P is pending_approval: it gets no configuration until "
			    "approved");
	assert_null(cmds);
	assert_null(notes);
	assert_int_equal(nc_sync_build(fx->st, "CN-D", NULL, &cmds, &notes, &ei), NC_ERR_CONFLICT);
	assert_contains(ei.msg, "CN-D is decommissioned");
	assert_int_equal(nc_sync_build(fx->st, "NOPE-1", NULL, &cmds, &notes, &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "device `NOPE-1' not found");
	assert_null(cmds);

	/* Pending CN-P is hubbed on EDGE-1 but in service nobody is: no wg0. */
	cmds = build(fx, "EDGE-1", NULL, &notes);
	assert_ifaces(cmds, "wg2");
	assert_peers(cmds, "wg2", "CN-1");
	assert_json(notes, "['connector CN-P left out of wg0: it is pending_approval',"
			   " 'peer CN-D left out of wg2: it is decommissioned',"
			   " 'peer CN-P left out of wg2: it is pending_approval']");
	json_decref(cmds);
	json_decref(notes);
	cmds = build(fx, "CN-1", NULL, &notes);
	assert_peers(cmds, "wg2", "EDGE-1");
	assert_int_equal(json_array_size(notes), 2);
	json_decref(cmds);
	json_decref(notes);
}

/* Same store, same bytes; the hash follows a LAN and ignores unrelated devices. */
static void test_hash(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {0};
	struct nc_edge e = {0};
	char h1[65], h2[65], cn1[65], cn2[65];
	json_t *a, *b;
	char *ja = NULL, *jb = NULL;

	edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	edge(fx, "acme", "EDGE-3", NC_EDGE_DEDICATED, 3, "10.3.0.0/16", true);
	connector(fx, "acme", "CN-1", "EDGE-1", NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	connector(fx, "acme", "CN-2", "EDGE-1", NC_STATUS_ACTIVE, "192.168.2.0/24", true);
	connector(fx, "acme", "CN-9", "EDGE-3", NC_STATUS_ACTIVE, "192.168.9.0/24", true);
	group(fx, "d", NC_TOPO_MESH, NC_PROTO_WIREGUARD, true, NULL);
	members(fx, "d", "EDGE-1,EDGE-2,CN-1");
	derive(fx, "d");

	a = build(fx, "EDGE-1", NULL, NULL);
	b = build(fx, "EDGE-1", NULL, NULL);
	assert_int_equal(nc_jcs_encode(a, &ja, NULL, NULL), 0);
	assert_int_equal(nc_jcs_encode(b, &jb, NULL, NULL), 0);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	ja = dump(a);
	jb = dump(b);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	json_decref(a);
	json_decref(b);
	hash_of(fx, "EDGE-1", NULL, h1);
	hash_of(fx, "EDGE-1", NULL, h2);
	assert_string_equal(h1, h2);
	hash_of(fx, "CN-1", NULL, cn1);

	/* Unrelated: another hub's LAN, its connector's LAN, a new tenant's edge. */
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-3", &e), 0);
	nc_strlist_add(&e.lan_subnets, "10.33.0.0/16");
	assert_int_equal(nc_store_edge_update(fx->st, &e), 0);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-9", &c), 0);
	nc_strlist_add(&c.lan_subnets, "192.168.99.0/24");
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	edge(fx, "globex", "GX-E", NC_EDGE_DEDICATED, 9, "10.9.0.0/16", true);
	hash_of(fx, "EDGE-1", NULL, h2);
	assert_string_equal(h1, h2);
	hash_of(fx, "CN-1", NULL, cn2);
	assert_string_equal(cn1, cn2);

	/* A hubbed connector's LAN changes the hub's hash; the hub's LAN the connector's. */
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-2", &c), 0);
	nc_strlist_add(&c.lan_subnets, "192.168.22.0/24");
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	hash_of(fx, "EDGE-1", NULL, h2);
	assert_string_not_equal(h1, h2);
	hash_of(fx, "CN-1", NULL, cn2);
	assert_string_equal(cn1, cn2);
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-1", &e), 0);
	nc_strlist_add(&e.lan_subnets, "10.11.0.0/16");
	assert_int_equal(nc_store_edge_update(fx->st, &e), 0);
	nc_edge_clear(&e);
	hash_of(fx, "CN-1", NULL, cn2);
	assert_string_not_equal(cn1, cn2);

	/* A peer's new public key changes it too. */
	memcpy(h1, h2, sizeof(h1));
	assert_int_equal(nc_store_device_touch(fx->st, "CN-2", key_of("CN-2-NEW"), 0), 0);
	hash_of(fx, "EDGE-1", NULL, h2);
	assert_string_not_equal(h1, h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connector_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mesh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_spoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transit_after_backbone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_mesh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dual_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec_dual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_service, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
	};

	nc_log_init("test", NC_LOG_ERROR);
	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
