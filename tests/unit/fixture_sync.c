/* SPDX-License-Identifier: MIT */
/*
 * The batch fixture (fixture_sync.h): a tenant's devices, groups and links made
 * straight through the store, batches built from it, and assertions on them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "fixture_sync.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core/ipam.h"
#include "../../lib/core/topology.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/sync/build.h"
#include "../../lib/sync/snapshot.h"
#include "../../lib/util/err.h"
#include "../../lib/util/jcs.h"
#include "../../lib/util/log.h"

/* The SPI the next IPSec tunnel takes; fx_sync_setup starts it over at 0x1001. */
static uint32_t next_spi;

int fx_sync_setup(void **state)
{
	nc_log_init("test", NC_LOG_ERROR);
	if (fx_setup_store(state) != 0)
		return -1;
	fx_add_tenant(((struct fx *)*state)->st, "initech");
	next_spi = 0x1001;
	return 0;
}

/* Objects, straight through the store */

/* A WireGuard public key for serial: 43 base64 characters and '='. */
const char *fx_key_of(const char *serial)
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
void fx_sync_edge(struct fx *fx, const char *tenant, const char *serial, enum nc_edge_kind kind,
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
		assert_int_equal(nc_store_device_touch(fx->st, serial, fx_key_of(serial), 0), 0);
	nc_edge_clear(&e);
}

/* A connector with hub (NULL: standalone), status, LANs, a public key if keyed; like the
 * core, it takes its backbone address when it has a hub. */
void fx_sync_connector(struct fx *fx, const char *tenant, const char *serial, const char *hub,
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
		assert_int_equal(nc_store_device_touch(fx->st, serial, fx_key_of(serial), 0), 0);
	if (hub)
		assert_int_equal(nc_ipam_backbone(fx->st, tenant, hub, serial, addr, NULL), 0);
	nc_connector_clear(&c);
}

void fx_sync_group(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		   bool dual, const char *hub)
{
	struct nc_peering p = {.topology = t, .protocol = proto, .dual_tunnel = dual};

	snprintf(p.tenant, sizeof(p.tenant), "acme");
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	assert_int_equal(nc_store_peering_insert(fx->st, &p), 0);
}

/* Members of acme's group, in the order given (which decides their addresses). */
void fx_sync_members(struct fx *fx, const char *name, const char *csv)
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
void fx_sync_tunnel(struct fx *fx, const char *name, const char *a, const char *b, int ti,
		    bool ipsec)
{
	struct nc_link l = {.tunnel_index = ti};

	snprintf(l.tenant, sizeof(l.tenant), "acme");
	snprintf(l.peering, sizeof(l.peering), "%s", name);
	snprintf(l.a, sizeof(l.a), "%s", a);
	snprintf(l.b, sizeof(l.b), "%s", b);
	if (ipsec) {
		l.spi_ab = next_spi++;
		l.spi_ba = next_spi++;
		sa_key(l.key_ab, l.spi_ab);
		sa_key(l.key_ba, l.spi_ba);
	}
	assert_int_equal(nc_store_link_insert(fx->st, &l), 0);
}

/* The links a mesh or hub-spoke group derives from its members (topology.h). */
void fx_sync_derive(struct fx *fx, const char *name)
{
	struct nc_peering p = {0};
	struct nc_member *m = NULL;
	struct nc_topo_link *v = NULL;
	size_t n = 0, nv = 0;

	assert_int_equal(nc_store_peering_get(fx->st, "acme", name, &p), 0);
	assert_int_equal(nc_store_member_list(fx->st, "acme", name, &m, &n), 0);
	assert_int_equal(nc_topology_links(p.topology, p.hub, p.dual_tunnel, m, n, &v, &nv), 0);
	for (size_t i = 0; i < nv; i++)
		fx_sync_tunnel(fx, name, v[i].a, v[i].b, v[i].tunnel_index,
			       p.protocol == NC_PROTO_IPSEC);
	free(v);
	free(m);
}

void fx_sync_derived(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		     bool dual, const char *hub, const char *csv)
{
	fx_sync_group(fx, name, t, proto, dual, hub);
	fx_sync_members(fx, name, csv);
	fx_sync_derive(fx, name);
}

void fx_sync_mesh3(struct fx *fx, const char *name, bool dual)
{
	fx_sync_edge(fx, "acme", "EDGE-1", NC_EDGE_DEDICATED, 1, "10.1.0.0/16", true);
	fx_sync_edge(fx, "acme", "EDGE-2", NC_EDGE_DEDICATED, 2, "10.2.0.0/16", true);
	fx_sync_connector(fx, "acme", "CN-1", NULL, NC_STATUS_ACTIVE, "192.168.1.0/24", true);
	fx_sync_derived(fx, name, NC_TOPO_MESH, NC_PROTO_WIREGUARD, dual, NULL,
			"EDGE-1,EDGE-2,CN-1");
}

void fx_sync_assert_routes(struct fx *fx, const char *serial, const char *body, const char *notes)
{
	json_t *cmds, *n;

	cmds = fx_sync_build(fx, serial, NULL, &n);
	fx_assert_json(fx_cmd_body(cmds, "static"), "%s", body);
	fx_assert_json(n, "%s", notes);
	json_decref(cmds);
	json_decref(n);
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
json_t *fx_sync_build(struct fx *fx, const char *serial, const char *tenant, json_t **notes)
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

void fx_sync_hash(struct fx *fx, const char *serial, const char *tenant, char hex[65])
{
	json_t *cmds = fx_sync_build(fx, serial, tenant, NULL);

	assert_int_equal(nc_jcs_sha256_hex(cmds, hex, NULL), 0);
	json_decref(cmds);
}

/* Assertions on JSON */

char *fx_dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(s);
	return s;
}

/* got must equal the JSON text fmt, printf-formatted, written with ' for " to be readable. */
void fx_assert_json(const json_t *got, const char *fmt, ...)
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
void fx_assert_topics(const json_t *cmds, const char *want)
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
json_t *fx_cmd_body(const json_t *cmds, const char *topic)
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
json_t *fx_cmd_iface(const json_t *cmds, const char *name)
{
	json_t *ifs = json_object_get(fx_cmd_body(cmds, "wireguard"), "interfaces"), *f;
	size_t i;

	json_array_foreach(ifs, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "name")), name) == 0)
			return f;
	}
	return NULL;
}

json_t *fx_peer_get(const json_t *cmds, const char *name, size_t i, const char *key)
{
	return json_object_get(
		json_array_get(json_object_get(fx_cmd_iface(cmds, name), "peers"), i), key);
}

void fx_assert_peer_routes(const json_t *cmds, size_t i, const char *ips, const char *body)
{
	fx_assert_json(fx_peer_get(cmds, "wg2", i, "allowed_ips"), "%s", ips);
	fx_assert_json(fx_cmd_body(cmds, "static"), "%s", body);
}

/* The interface names of the wireguard body, space-separated. */
void fx_assert_ifaces(const json_t *cmds, const char *want)
{
	json_t *ifs = json_object_get(fx_cmd_body(cmds, "wireguard"), "interfaces"), *f;
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
void fx_assert_peers(const json_t *cmds, const char *name, const char *want)
{
	json_t *f = fx_cmd_iface(cmds, name), *p;
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

size_t fx_count(const char *haystack, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Tests */