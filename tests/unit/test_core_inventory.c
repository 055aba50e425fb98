/* SPDX-License-Identifier: MIT */
/*
 * The inventory rules of the core: edges and connectors created, patched
 * and deleted with their documented errors, the connector lifecycle over
 * every pair of statuses, exactly which devices each change marks dirty and
 * why, backbone addresses following the hub, and failures that leave
 * nothing behind. Each test has its own SQLite store in a temp directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core/core.h"
#include "../../lib/core/inventory.h"
#include "../../lib/core/lan.h"
#include "../../lib/events/events.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

struct fx {
	char dir[512];
	struct nc_store *st;
	struct nc_events *ev;
	struct nc_core core;
	uint64_t seen;		    /* last event id read */
	unsigned edges, connectors; /* made so far: each gets a LAN of its own */
};

static const struct nc_actor admin = {.token_id = "t-admin", .role = NC_ROLE_ADMIN};

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

/* A store with tenants acme and globex, and an event ring. */
static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *fx = calloc(1, sizeof(*fx));
	struct nc_errinfo ei = {0};
	char path[600];

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/netctl-inv-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/netctl.db", fx->dir);
	if (nc_store_open_sqlite(path, &fx->st, &ei) != 0) {
		fprintf(stderr, "open: %s\n", ei.msg);
		return -1;
	}
	add_tenant(fx->st, "acme");
	add_tenant(fx->st, "globex");
	fx->ev = nc_events_new(1024);
	fx->core.store = fx->st;
	fx->core.events = fx->ev;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	nc_store_close(fx->st);
	nc_events_free(fx->ev);
	nftw(fx->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* Helpers */

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

static int add_edge_in(struct fx *fx, const char *scope, const char *tenant, const char *serial,
		       struct nc_errinfo *ei)
{
	struct nc_edge e = {.kind = NC_EDGE_DEDICATED};
	char lan[32];
	int ret;

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "edge %s", serial);
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.1:51820");
	/* 10.10.0.0/16 for the first: no two devices of a tenant share a LAN. */
	snprintf(lan, sizeof(lan), "10.%u.0.0/16", 10 + fx->edges++);
	nc_strlist_add(&e.lan_subnets, lan);
	ret = nc_core_edge_create(&fx->core, &admin, scope, &e, ei);
	nc_edge_clear(&e);
	return ret;
}

static void add_edge(struct fx *fx, const char *serial)
{
	struct nc_errinfo ei = {0};

	assert_int_equal(add_edge_in(fx, NULL, "acme", serial, &ei), 0);
}

static int add_connector_in(struct fx *fx, const char *scope, const char *tenant,
			    const char *serial, const char *hub, struct nc_errinfo *ei)
{
	struct nc_connector c = {.status = NC_STATUS_ACTIVE}; /* ignored by create */
	char lan[32];
	int ret;

	snprintf(c.serial, sizeof(c.serial), "%s", serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
	snprintf(c.name, sizeof(c.name), "branch %s", serial);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "%s", hub ? hub : "");
	/* 192.168.10.0/24 for the first. */
	snprintf(lan, sizeof(lan), "192.168.%u.0/24", 10 + fx->connectors++);
	nc_strlist_add(&c.lan_subnets, lan);
	ret = nc_core_connector_create(&fx->core, &admin, scope, &c, ei);
	nc_connector_clear(&c);
	return ret;
}

/* A connector of acme put straight into status st (the store does not check the lifecycle). */
static void add_connector(struct fx *fx, const char *serial, const char *hub, enum nc_status st)
{
	struct nc_errinfo ei = {0};

	assert_int_equal(add_connector_in(fx, NULL, "acme", serial, hub, &ei), 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, serial, st), 0);
}

/* A link between a and b in acme's partial-mesh peering `p'. */
static void add_link(struct fx *fx, const char *a, const char *b)
{
	struct nc_peering p = {.tenant = "acme", .name = "p", .topology = NC_TOPO_PARTIAL_MESH};
	struct nc_member m = {.tenant = "acme", .peering = "p"};
	struct nc_link l = {.tenant = "acme", .peering = "p"};
	int ret = nc_store_peering_insert(fx->st, &p);

	assert_true(ret == 0 || ret == NC_ERR_EXISTS);
	snprintf(m.serial, sizeof(m.serial), "%s", a);
	ret = nc_store_member_insert(fx->st, &m);
	assert_true(ret == 0 || ret == NC_ERR_EXISTS);
	snprintf(m.serial, sizeof(m.serial), "%s", b);
	ret = nc_store_member_insert(fx->st, &m);
	assert_true(ret == 0 || ret == NC_ERR_EXISTS);
	snprintf(l.a, sizeof(l.a), "%s", strcmp(a, b) < 0 ? a : b);
	snprintf(l.b, sizeof(l.b), "%s", strcmp(a, b) < 0 ? b : a);
	assert_int_equal(nc_store_link_insert(fx->st, &l), 0);
}

/* Marks every device synced, and forgets the events so far. */
static void clean_all(struct fx *fx)
{
	struct nc_sync_filter f = {.state = -1};
	struct nc_sync *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		v[i].state = NC_SYNC_SYNCED;
		v[i].dirty_reason[0] = '\0';
		assert_int_equal(nc_store_sync_put(fx->st, &v[i]), 0);
	}
	nc_sync_array_free(v, n);
	fx->seen = nc_events_last_id(fx->ev);
}

/* Every pending device as "SERIAL=reason;" in key order must be want. */
static void assert_pending(struct fx *fx, const char *want)
{
	struct nc_sync_filter f = {.state = NC_SYNC_PENDING};
	struct nc_sync *v = NULL;
	char got[4096] = "";
	size_t n = 0, len = 0;

	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	for (size_t i = 0; i < n && len < sizeof(got); i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s=%s;", v[i].serial,
					v[i].dirty_reason);
	nc_sync_array_free(v, n);
	assert_string_equal(got, want);
}

/* The events since the last call (or clean_all), one per line; heap. */
static char *events_since(struct fx *fx)
{
	struct nc_event v[64];
	char *text = calloc(1, 1);
	size_t len = 0, n;
	bool gap;

	do {
		n = nc_events_read(fx->ev, fx->seen, NULL, v, 64, 0, &gap, &fx->seen);
		for (size_t i = 0; i < n; i++) {
			size_t add = strlen(v[i].text);

			text = realloc(text, len + add + 2);
			memcpy(text + len, v[i].text, add);
			len += add;
			text[len++] = '\n';
			text[len] = '\0';
		}
		nc_event_array_clear(v, n);
	} while (n > 0);
	return text;
}

static void assert_events(struct fx *fx, const char *want1, const char *want2)
{
	char *text = events_since(fx);

	assert_contains(text, want1);
	if (want2)
		assert_contains(text, want2);
	free(text);
}

static void assert_no_events(struct fx *fx)
{
	char *text = events_since(fx);

	assert_string_equal(text, "");
	free(text);
}

/* The backbone index a new owner would get in hub's block: shows which are taken. */
static uint32_t next_free(struct fx *fx, const char *hub)
{
	char pool[80];
	uint32_t idx = 0;

	snprintf(pool, sizeof(pool), "bb:%s", hub);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", pool, "probe", 2, 16382, &idx), 0);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", pool, "probe"), 0);
	return idx;
}

static int patch_connector(struct fx *fx, const char *scope, const char *serial, const char *json,
			   struct nc_errinfo *ei)
{
	json_t *patch = json_loads(json, 0, NULL);
	struct nc_connector out = {0};
	int ret;

	assert_non_null(patch);
	ret = nc_core_connector_update(&fx->core, &admin, scope, serial, patch, &out, ei);
	json_decref(patch);
	if (ret == 0)
		assert_string_equal(out.serial, serial);
	nc_connector_clear(&out);
	return ret;
}

static int patch_edge(struct fx *fx, const char *serial, const char *json, struct nc_errinfo *ei)
{
	json_t *patch = json_loads(json, 0, NULL);
	int ret;

	assert_non_null(patch);
	ret = nc_core_edge_update(&fx->core, &admin, NULL, serial, patch, NULL, ei);
	json_decref(patch);
	return ret;
}

static int move(struct fx *fx, const char *serial, enum nc_status to, struct nc_errinfo *ei)
{
	struct nc_connector out = {0};
	int ret = nc_core_connector_transition(&fx->core, &admin, NULL, serial, to, &out, ei);

	if (ret == 0)
		assert_int_equal(out.status, to);
	nc_connector_clear(&out);
	return ret;
}

static void assert_status(struct fx *fx, const char *serial, enum nc_status want)
{
	struct nc_connector c = {0};

	assert_int_equal(nc_store_connector_get(fx->st, NULL, serial, &c), 0);
	assert_int_equal(c.status, want);
	nc_connector_clear(&c);
}

/* Tests */

static void test_edge_create(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_edge e = {0};

	add_edge(fx, "EDGE-1");
	assert_pending(fx, "EDGE-1=edge EDGE-1 created;");
	assert_events(fx, "\"type\":\"audit\"", "\"action\":\"create\",\"object\":\"edge\"");
	/* In a caller's tenant, an edge without one joins it. */
	assert_int_equal(add_edge_in(fx, "globex", "", "EDGE-G", &ei), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "globex", "EDGE-G", &e), 0);
	nc_edge_clear(&e);

	assert_int_equal(add_edge_in(fx, NULL, "", "EDGE-2", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "tenant");
	assert_int_equal(add_edge_in(fx, NULL, "nope", "EDGE-2", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `nope' not found");
	assert_int_equal(add_edge_in(fx, "acme", "globex", "EDGE-2", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `globex' not found");
	assert_int_equal(add_edge_in(fx, "globex", "globex", "EDGE-1", &ei), NC_ERR_EXISTS);
	assert_string_equal(ei.field, "serial");
	assert_string_equal(ei.msg,
			    "serial `EDGE-1' is already used by an edge of this or another tenant");
	assert_int_equal(add_edge_in(fx, NULL, "acme", "bad serial", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");
	clean_all(fx);
	assert_int_equal(add_edge_in(fx, NULL, "acme", "EDGE-2", &ei), 0);
	assert_int_equal(patch_edge(fx, "EDGE-2", "{\"endpoint\":\"192.0.2.9\"}", &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "endpoint");
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-2", &e), 0);
	assert_string_equal(e.endpoint, "192.0.2.1:51820");
	nc_edge_clear(&e);
}

static void test_connector_create(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	add_edge(fx, "EDGE-1");
	assert_int_equal(add_edge_in(fx, NULL, "globex", "EDGE-G", &ei), 0);
	clean_all(fx);
	assert_int_equal(add_connector_in(fx, "acme", "", "CN-1", "EDGE-1", &ei), 0);
	assert_status(fx, "CN-1", NC_STATUS_PENDING_APPROVAL);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_true(c.created_at > 0);
	nc_connector_clear(&c);
	/* Its hub is not told: a pending connector is no one's peer. */
	assert_pending(fx, "CN-1=connector CN-1 created;");
	assert_int_equal(next_free(fx, "EDGE-1"), 3);
	assert_events(fx, "\"action\":\"create\",\"object\":\"connector\"", NULL);
	clean_all(fx);

	assert_int_equal(add_connector_in(fx, NULL, "acme", "EDGE-1", NULL, &ei), NC_ERR_EXISTS);
	assert_string_equal(ei.msg,
			    "serial `EDGE-1' is already used by an edge of this or another tenant");
	assert_int_equal(add_connector_in(fx, NULL, "globex", "CN-1", NULL, &ei), NC_ERR_EXISTS);
	assert_string_equal(
		ei.msg, "serial `CN-1' is already used by a connector of this or another tenant");
	assert_int_equal(add_connector_in(fx, NULL, "acme", "CN-2", "EDGE-G", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "hub_edge");
	assert_string_equal(ei.msg, "hub edge `EDGE-G' not found");
	assert_int_equal(add_connector_in(fx, NULL, "acme", "CN-2", "EDGE-9", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "hub_edge");
	assert_int_equal(add_connector_in(fx, NULL, "acme", "CN-2", "CN-1", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub_edge");
	assert_contains(ei.msg, "a connector cannot be a hub");
	assert_int_equal(add_connector_in(fx, "globex", "acme", "CN-2", NULL, &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "tenant `acme' not found");
	assert_int_equal(add_connector_in(fx, NULL, "", "CN-2", NULL, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "tenant");
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-2", &c), NC_ERR_NOTFOUND);
	assert_pending(fx, "");
	assert_no_events(fx);
}

/* A write that fails after the insert (the hub pool is full) leaves nothing. */
static void test_failure_rolls_back(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};
	struct nc_sync s = {0};
	char owner[16];
	uint32_t idx;

	add_edge(fx, "EDGE-1");
	clean_all(fx);
	for (int i = 0; i < 128; i++) {
		snprintf(owner, sizeof(owner), "X-%d", i);
		assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "hub", owner, 0, 127, &idx),
				 0);
	}
	assert_int_equal(add_connector_in(fx, NULL, "acme", "CN-1", "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	assert_contains(ei.msg, "is full");
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-1", NULL, &s), NC_ERR_NOTFOUND);
	assert_pending(fx, "");
	assert_no_events(fx);
}

/* CN-1 active on hub EDGE-1, linked to EDGE-2 and CN-2; EDGE-3 a spare hub. */
static void connector_world(struct fx *fx)
{
	add_edge(fx, "EDGE-1");
	add_edge(fx, "EDGE-2");
	add_edge(fx, "EDGE-3");
	add_connector(fx, "CN-1", "EDGE-1", NC_STATUS_ACTIVE);
	add_connector(fx, "CN-2", NULL, NC_STATUS_ACTIVE);
	add_link(fx, "CN-1", "EDGE-2");
	add_link(fx, "CN-1", "CN-2");
	clean_all(fx);
}

static void test_connector_update_dirty(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	connector_world(fx);
	assert_int_equal(
		patch_connector(fx, NULL, "CN-1", "{\"lan_subnets\":[\"10.1.0.0/24\"]}", &ei), 0);
	assert_pending(fx,
		       "CN-1=LAN subnets of CN-1 changed;CN-2=LAN subnets of CN-1 changed;"
		       "EDGE-1=LAN subnets of CN-1 changed;EDGE-2=LAN subnets of CN-1 changed;");
	assert_events(fx, "\"type\":\"dirty\"", "\"action\":\"update\",\"object\":\"connector\"");
	clean_all(fx);
	assert_int_equal(patch_connector(fx, "acme", "CN-1",
					 "{\"nat\":{\"enabled\":true,\"wan_interface\":\"eth0\"}}",
					 &ei),
			 0);
	assert_pending(fx, "CN-1=NAT changed;");
	clean_all(fx);
	assert_int_equal(
		patch_connector(fx, NULL, "CN-1",
				"{\"acl\":[{\"action\":\"drop\",\"proto\":\"tcp\","
				"\"src\":\"0.0.0.0/0\",\"dst\":\"10.1.0.5/32\",\"dport\":22}]}",
				&ei),
		0);
	assert_pending(fx, "CN-1=ACL changed (1 rule);");
	clean_all(fx);
	assert_int_equal(
		patch_connector(fx, NULL, "CN-1",
				"{\"routes\":[{\"dst\":\"10.99.0.0/16\",\"via\":\"10.1.0.1\"}]}",
				&ei),
		0);
	assert_pending(fx, "CN-1=static routes changed;");
	clean_all(fx);
	/* Name and region are nobody's config; a patch repeating values changes nothing. */
	assert_int_equal(patch_connector(fx, NULL, "CN-1",
					 "{\"name\":\"renamed\",\"region\":\"us\","
					 "\"lan_subnets\":[\"10.1.0.0/24\"]}",
					 &ei),
			 0);
	assert_pending(fx, "");
	assert_events(fx, "\"action\":\"update\"", NULL);
}

static void test_connector_hub_change(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	connector_world(fx);
	assert_int_equal(next_free(fx, "EDGE-1"), 3);
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-3\"}", &ei), 0);
	assert_pending(fx, "CN-1=hub changed from EDGE-1 to EDGE-3;"
			   "EDGE-1=hub of CN-1 changed from EDGE-1 to EDGE-3;"
			   "EDGE-3=hub of CN-1 changed from EDGE-1 to EDGE-3;");
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
	assert_int_equal(next_free(fx, "EDGE-3"), 3);
	clean_all(fx);
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":null}", &ei), 0);
	assert_pending(fx, "CN-1=hub changed from EDGE-3 to none;"
			   "EDGE-3=hub of CN-1 changed from EDGE-3 to none;");
	assert_int_equal(next_free(fx, "EDGE-3"), 2);
	clean_all(fx);
	assert_int_equal(patch_connector(fx, NULL, "CN-1",
					 "{\"hub_edge\":\"EDGE-1\",\"nat\":{\"enabled\":true,"
					 "\"wan_interface\":\"eth1\"}}",
					 &ei),
			 0);
	assert_pending(fx, "CN-1=hub changed to EDGE-1; NAT changed;"
			   "EDGE-1=hub of CN-1 changed to EDGE-1;");
	assert_int_equal(next_free(fx, "EDGE-1"), 3);
}

static void test_connector_update_refused(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	connector_world(fx);
	assert_int_equal(add_edge_in(fx, NULL, "globex", "EDGE-G", &ei), 0);
	clean_all(fx);
	assert_int_equal(patch_connector(fx, NULL, "CN-1",
					 "{\"name\":\"x\",\"lan_subnets\":[\"10.0.0.0/33\"]}", &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "lan_subnets[0]");
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-G\"}", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "hub_edge");
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"CN-2\"}", &ei),
			 NC_ERR_INVAL);
	assert_contains(ei.msg, "a connector cannot be a hub");
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"serial\":\"CN-7\"}", &ei),
			 NC_ERR_INVAL);
	assert_int_equal(patch_connector(fx, "globex", "CN-1", "{\"name\":\"x\"}", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-1' not found");
	assert_int_equal(patch_connector(fx, NULL, "CN-9", "{\"name\":\"x\"}", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-1", &c), 0);
	assert_string_equal(c.name, "branch CN-1");
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_string_equal(c.lan_subnets.v[0], "192.168.10.0/24");
	nc_connector_clear(&c);
	assert_int_equal(next_free(fx, "EDGE-1"), 3);
	assert_pending(fx, "");
	assert_no_events(fx);
}

/* A pending connector is no one's peer: its changes dirty only itself. */
static void test_pending_connector_dirties_itself(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	connector_world(fx);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-1", NC_STATUS_PENDING_APPROVAL),
			 0);
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"lan_subnets\":[]}", &ei), 0);
	assert_pending(fx, "CN-1=LAN subnets of CN-1 changed;");
	clean_all(fx);
	assert_int_equal(patch_connector(fx, NULL, "CN-1", "{\"hub_edge\":\"EDGE-3\"}", &ei), 0);
	assert_pending(fx, "CN-1=hub changed from EDGE-1 to EDGE-3;");
	assert_int_equal(next_free(fx, "EDGE-3"), 3);
}

static void test_transition_table(void **state)
{
	struct fx *fx = *state;
	/* Rows from, columns to: pending, approved, provisioned, active, offline, decommissioned.
	 */
	static const bool want[6][6] = {
		{0, 1, 0, 0, 0, 1}, {0, 0, 1, 0, 0, 1}, {0, 0, 0, 1, 0, 1},
		{0, 0, 0, 0, 1, 1}, {0, 0, 0, 1, 0, 1}, {0, 0, 0, 0, 0, 0},
	};
	struct nc_errinfo ei = {0};
	char serial[16], text[80];

	add_edge(fx, "EDGE-1");
	for (int f = 0; f < 6; f++) {
		for (int t = 0; t < 6; t++) {
			enum nc_status from = (enum nc_status)f, to = (enum nc_status)t;

			assert_int_equal(nc_core_transition_ok(from, to), want[f][t]);
			snprintf(serial, sizeof(serial), "T-%d-%d", f, t);
			add_connector(fx, serial, "EDGE-1", from);
			memset(&ei, 0, sizeof(ei));
			assert_int_equal(move(fx, serial, to, &ei),
					 want[f][t] ? 0 : NC_ERR_CONFLICT);
			assert_status(fx, serial, want[f][t] ? to : from);
			if (want[f][t])
				continue;
			snprintf(text, sizeof(text), f == t ? "is already %s" : "is %s: cannot",
				 nc_status_name(from));
			assert_contains(ei.msg, text);
			if (f != t)
				assert_contains(ei.msg, nc_status_name(to));
		}
	}
	assert_false(nc_core_transition_ok((enum nc_status)6, NC_STATUS_APPROVED));
	assert_false(nc_core_transition_ok(NC_STATUS_APPROVED, (enum nc_status) - 1));
}

static void test_lifecycle(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	connector_world(fx);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-1", NC_STATUS_PENDING_APPROVAL),
			 0);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_APPROVED, &ei), 0);
	/* Approval makes it a peer: its hub and its link peers change too. */
	assert_pending(fx, "CN-1=connector CN-1 approved;CN-2=connector CN-1 approved;"
			   "EDGE-1=connector CN-1 approved;EDGE-2=connector CN-1 approved;");
	assert_events(fx, "\"from\":\"pending_approval\"", "\"to\":\"approved\"");
	assert_int_equal(move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is already approved");
	clean_all(fx);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_PROVISIONED, &ei), 0);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_ACTIVE, &ei), 0);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_OFFLINE, &ei), 0);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_ACTIVE, &ei), 0);
	assert_pending(fx, "");
	assert_events(fx, "\"type\":\"lifecycle\"", "\"from\":\"offline\"");
	assert_int_equal(move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is active: cannot move to approved "
				    "(allowed from active: offline, decommissioned)");
	assert_int_equal(nc_core_connector_transition(&fx->core, &admin, "globex", "CN-1",
						      NC_STATUS_OFFLINE, NULL, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(move(fx, "CN-9", NC_STATUS_APPROVED, &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-9' not found");
	assert_no_events(fx);

	assert_int_equal(move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), 0);
	assert_pending(fx, "CN-2=connector CN-1 decommissioned;EDGE-1=connector CN-1 "
			   "decommissioned;EDGE-2=connector CN-1 decommissioned;");
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
	assert_events(fx, "\"action\":\"decommission\"", "\"to\":\"decommissioned\"");
	assert_int_equal(move(fx, "CN-1", NC_STATUS_APPROVED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is decommissioned: cannot move to approved "
				    "(decommissioned is terminal)");
	assert_int_equal(move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "connector CN-1 is already decommissioned");
}

/* Decommissioning a connector that was never approved tells no one. */
static void test_decommission_pending(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	add_edge(fx, "EDGE-1");
	add_connector(fx, "CN-1", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	clean_all(fx);
	assert_int_equal(move(fx, "CN-1", NC_STATUS_DECOMMISSIONED, &ei), 0);
	assert_pending(fx, "");
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
}

static void test_connector_delete(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_sync s = {0};

	connector_world(fx);
	add_connector(fx, "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	clean_all(fx);
	assert_int_equal(nc_core_connector_delete(&fx->core, &admin, "globex", "CN-1", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_connector_delete(&fx->core, &admin, "acme", "CN-1", &ei), 0);
	assert_pending(fx, "CN-2=peer CN-1 deleted;EDGE-1=connector CN-1 deleted;"
			   "EDGE-2=peer CN-1 deleted;");
	assert_int_equal(nc_store_sync_get(fx->st, "CN-1", NULL, &s), NC_ERR_NOTFOUND);
	assert_events(fx, "\"action\":\"delete\",\"object\":\"connector\"", NULL);
	/* CN-3 holds index 3: index 2 of CN-1 is free again. */
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
	clean_all(fx);
	assert_int_equal(nc_core_connector_delete(&fx->core, NULL, NULL, "CN-3", &ei), 0);
	assert_pending(fx, "");
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
	assert_int_equal(nc_core_connector_delete(&fx->core, NULL, NULL, "CN-3", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "connector `CN-3' not found");
}

static void test_edge_update_dirty(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	connector_world(fx);
	add_connector(fx, "CN-3", "EDGE-2", NC_STATUS_OFFLINE);
	add_connector(fx, "CN-4", "EDGE-2", NC_STATUS_PENDING_APPROVAL);
	add_connector(fx, "CN-5", "EDGE-2", NC_STATUS_DECOMMISSIONED);
	clean_all(fx);
	assert_int_equal(patch_edge(fx, "EDGE-2", "{\"endpoint\":\"192.0.2.7:51820\"}", &ei), 0);
	assert_pending(fx, "CN-1=endpoint of EDGE-2 changed;CN-3=endpoint of EDGE-2 changed;"
			   "EDGE-2=endpoint of EDGE-2 changed;");
	assert_events(fx, "\"action\":\"update\",\"object\":\"edge\"", NULL);
	clean_all(fx);
	assert_int_equal(patch_edge(fx, "EDGE-2",
				    "{\"lan_subnets\":[\"10.20.0.0/16\"],"
				    "\"endpoint\":\"192.0.2.8:51820\"}",
				    &ei),
			 0);
	assert_pending(fx, "CN-1=endpoint and LAN subnets of EDGE-2 changed;"
			   "CN-3=endpoint and LAN subnets of EDGE-2 changed;"
			   "EDGE-2=endpoint and LAN subnets of EDGE-2 changed;");
	clean_all(fx);
	assert_int_equal(patch_edge(fx, "EDGE-2", "{\"name\":\"dc-9\",\"region\":\"us\"}", &ei), 0);
	assert_pending(fx, "");
	assert_int_equal(patch_edge(fx, "EDGE-9", "{\"name\":\"dc-9\"}", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "edge `EDGE-9' not found");
}

/* More connectors on one hub than a page holds: every live one is dirtied. */
static void test_edge_update_pages(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = {
		.tenant = "acme", .name = "c", .hub_edge = "EDGE-1", .status = NC_STATUS_ACTIVE};
	struct nc_errinfo ei = {0};
	size_t counts[4];

	add_edge(fx, "EDGE-1");
	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < NC_PAGE_MAX + 5; i++) {
		snprintf(c.serial, sizeof(c.serial), "CN-%05d", i);
		assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);
	clean_all(fx);
	assert_int_equal(patch_edge(fx, "EDGE-1", "{\"lan_subnets\":[]}", &ei), 0);
	assert_int_equal(nc_store_sync_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], NC_PAGE_MAX + 6);
}

static void test_edge_delete(void **state)
{
	struct fx *fx = *state;
	struct nc_peering p = {
		.tenant = "acme", .name = "spokes", .topology = NC_TOPO_HUB_SPOKE, .hub = "EDGE-3"};
	struct nc_errinfo ei = {0};
	struct nc_sync s = {0};
	uint32_t idx;

	connector_world(fx);
	add_connector(fx, "CN-3", "EDGE-1", NC_STATUS_PENDING_APPROVAL);
	add_connector(fx, "CN-4", "EDGE-1", NC_STATUS_DECOMMISSIONED);
	assert_int_equal(nc_store_peering_insert(fx->st, &p), 0);
	add_link(fx, "EDGE-1", "EDGE-2");
	clean_all(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &admin, NULL, "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "edge `EDGE-1' is the hub of 3 connectors (CN-1, CN-3, CN-4): "
				    "move them to another hub or set hub_edge to null first");
	add_connector(fx, "CN-5", "EDGE-1", NC_STATUS_ACTIVE);
	clean_all(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &admin, NULL, "EDGE-1", &ei),
			 NC_ERR_CONFLICT);
	assert_contains(ei.msg, "hub of 4 connectors (CN-1, CN-3, CN-4 and 1 more)");
	assert_int_equal(nc_core_edge_delete(&fx->core, &admin, NULL, "EDGE-3", &ei),
			 NC_ERR_CONFLICT);
	assert_contains(ei.msg, "hub of peering `spokes'");
	assert_int_equal(nc_core_edge_delete(&fx->core, &admin, "globex", "EDGE-2", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "edge `EDGE-2' not found");
	assert_pending(fx, "");
	assert_no_events(fx);

	for (int i = 1; i <= 5; i++) {
		char serial[8];

		snprintf(serial, sizeof(serial), "CN-%d", i);
		if (i != 2)
			assert_int_equal(
				nc_core_connector_delete(&fx->core, NULL, NULL, serial, &ei), 0);
	}
	clean_all(fx);
	assert_int_equal(nc_core_edge_delete(&fx->core, &admin, "acme", "EDGE-1", &ei), 0);
	assert_pending(fx, "EDGE-2=peer EDGE-1 deleted;");
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", NULL, &s), NC_ERR_NOTFOUND);
	assert_events(fx, "\"action\":\"delete\",\"object\":\"edge\"", NULL);
	/* EDGE-1 held hub block 0: it is free again. */
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "hub", "probe", 0, 127, &idx), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(next_free(fx, "EDGE-1"), 2);
}

/* Which prefixes share an address: equal, nested either way, IPv4 and IPv6. */
static void test_lan_overlap(void **state)
{
	(void)state;
	assert_true(nc_core_lan_overlap("192.168.1.0/24", "192.168.1.0/24"));
	assert_true(nc_core_lan_overlap("192.168.0.0/16", "192.168.1.0/24"));
	assert_true(nc_core_lan_overlap("192.168.1.128/25", "192.168.1.0/24"));
	assert_true(nc_core_lan_overlap("10.0.0.0/8", "10.255.255.255/32"));
	assert_true(nc_core_lan_overlap("0.0.0.0/0", "172.16.0.0/12"));
	assert_false(nc_core_lan_overlap("192.168.1.0/24", "192.168.2.0/24"));
	assert_false(nc_core_lan_overlap("192.168.1.0/25", "192.168.1.128/25"));
	assert_false(nc_core_lan_overlap("10.1.0.0/16", "10.10.0.0/16"));
	assert_true(nc_core_lan_overlap("fd00:20::/48", "fd00:20:0:1::/64"));
	assert_false(nc_core_lan_overlap("fd00:20::/48", "fd00:21::/48"));
	assert_false(nc_core_lan_overlap("10.0.0.0/8", "::/0"));
	assert_false(nc_core_lan_overlap("10.0.0.0/33", "10.0.0.0/8"));
	assert_false(nc_core_lan_overlap("bogus", "10.0.0.0/8"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_edge_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_update_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_hub_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_update_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_connector_dirties_itself, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transition_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decommission_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connector_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_update_dirty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_update_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge_delete, setup, teardown),
		cmocka_unit_test(test_lan_overlap),
	};

	nc_log_set_level(NC_LOG_WARN);
	return cmocka_run_group_tests_name("core_inventory", tests, NULL, NULL);
}
