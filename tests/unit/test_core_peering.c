/* SPDX-License-Identifier: MIT */
/*
 * Peering groups through the core, on a real SQLite store: links follow the
 * members in mesh and hub-spoke groups and are made by hand in a partial
 * mesh; dual tunnel doubles edge-edge links only; IPSec SAs are unique per
 * direction and never shown; every operation dirties exactly the devices
 * it affects, with a reason; a failing operation leaves the store, the
 * address pools and the event ring as they were.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/core/core.h"
#include "../../lib/core/inventory.h"
#include "../../lib/core/peering.h"
#include "../../lib/events/events.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ARROW	 "\xe2\x86\x94"

struct fx {
	char dir[512];
	char path[600];
	struct nc_store *st;
	struct nc_core core;
	struct nc_actor actor;
};

/* Fixture: tenants acme and globex; in acme edges EDGE-1..3 and connectors
 * CN-1..4 (hubbed on EDGE-1); in globex the edge GX-1. */

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

static void add_edge(struct nc_store *st, const char *tenant, const char *serial, int i)
{
	struct nc_edge e = {.kind = NC_EDGE_DEDICATED};

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "dc-%d", i);
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.%d:51820", i);
	assert_int_equal(nc_store_edge_insert(st, &e), 0);
}

static void add_connector(struct nc_store *st, const char *tenant, const char *serial, int i,
			  enum nc_status status)
{
	struct nc_connector c = {.status = status};

	snprintf(c.serial, sizeof(c.serial), "%s", serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
	snprintf(c.name, sizeof(c.name), "branch-%d", i);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-1");
	assert_int_equal(nc_store_connector_insert(st, &c), 0);
	if (status != NC_STATUS_PENDING_APPROVAL)
		assert_int_equal(nc_store_connector_set_status(st, serial, status), 0);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *fx = calloc(1, sizeof(*fx));
	struct nc_errinfo ei = {0};
	char serial[16];

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/netctl-peering-XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
	for (int i = 1; i <= 3; i++) {
		snprintf(serial, sizeof(serial), "EDGE-%d", i);
		add_edge(fx->st, "acme", serial, i);
	}
	for (int i = 1; i <= 4; i++) {
		snprintf(serial, sizeof(serial), "CN-%d", i);
		add_connector(fx->st, "acme", serial, i, NC_STATUS_APPROVED);
	}
	add_connector(fx->st, "acme", "CN-DEAD", 9, NC_STATUS_DECOMMISSIONED);
	add_edge(fx->st, "globex", "GX-1", 9);
	fx->core.store = fx->st;
	fx->core.events = nc_events_new(1024);
	snprintf(fx->actor.token_id, sizeof(fx->actor.token_id), "tok1");
	fx->actor.role = NC_ROLE_OPERATOR;
	snprintf(fx->actor.tenant, sizeof(fx->actor.tenant), "acme");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	nc_events_free(fx->core.events);
	nc_store_close(fx->st);
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

static void create(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		   bool dual, const char *hub)
{
	struct nc_peering p = {.topology = t, .protocol = proto, .dual_tunnel = dual};
	struct nc_errinfo ei = {0};

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	if (nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei) != 0)
		fail_msg("create %s: %s", name, ei.msg);
}

static void add(struct fx *fx, const char *group, const char *serial)
{
	struct nc_errinfo ei = {0};

	if (nc_core_member_add(&fx->core, &fx->actor, "acme", group, serial, &ei) != 0)
		fail_msg("add %s to %s: %s", serial, group, ei.msg);
}

static void link_add(struct fx *fx, const char *group, const char *a, const char *b)
{
	struct nc_errinfo ei = {0};

	if (nc_core_link_add(&fx->core, &fx->actor, "acme", group, a, b, &ei) != 0)
		fail_msg("link %s-%s in %s: %s", a, b, group, ei.msg);
}

static int update(struct fx *fx, const char *group, const char *patch, struct nc_errinfo *ei)
{
	json_error_t jerr;
	json_t *j = json_loads(patch, 0, &jerr);
	struct nc_peering out = {0};
	int ret;

	if (!j)
		fail_msg("bad test JSON `%s': %s", patch, jerr.text);
	ret = nc_core_peering_update(&fx->core, &fx->actor, "acme", group, j, &out, ei);
	if (ret == 0)
		assert_string_equal(out.name, group);
	json_decref(j);
	return ret;
}

static void must_update(struct fx *fx, const char *group, const char *patch)
{
	struct nc_errinfo ei = {0};

	if (update(fx, group, patch, &ei) != 0)
		fail_msg("update %s with %s: %s", group, patch, ei.msg);
}

/* The group's links as "A-B/idx " words, in store order. */
static char *links_text(struct fx *fx, const char *group)
{
	struct nc_link *v = NULL;
	size_t n = 0, len = 0, cap;
	char *s;

	assert_int_equal(nc_store_link_list(fx->st, "acme", group, &v, &n), 0);
	cap = 1 + n * (2 * NC_SERIAL_MAX + 8);
	s = calloc(1, cap);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%s-%s/%d", i ? " " : "", v[i].a,
					v[i].b, v[i].tunnel_index);
	free(v);
	return s;
}

static void assert_links(struct fx *fx, const char *group, const char *want)
{
	char *got = links_text(fx, group);

	if (strcmp(got, want) != 0)
		fail_msg("links of %s:\n  got  `%s'\n  want `%s'", group, got, want);
	free(got);
}

static size_t n_links(struct fx *fx, const char *group)
{
	struct nc_link *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_link_list(fx->st, "acme", group, &v, &n), 0);
	free(v);
	return n;
}

/* Every sync state back to synced without a reason. */
static void clear_dirty(struct fx *fx)
{
	struct nc_sync *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_sync_list(fx->st, NULL, NULL, &v, &n), 0);
	for (size_t i = 0; i < n; i++) {
		v[i].state = NC_SYNC_SYNCED;
		v[i].dirty_reason[0] = '\0';
		assert_int_equal(nc_store_sync_put(fx->st, &v[i]), 0);
	}
	nc_sync_array_free(v, n);
}

/* The pending devices as "SERIAL: reason" lines, in serial order. */
static char *pending(struct fx *fx)
{
	struct nc_sync_filter f = {.state = NC_SYNC_PENDING};
	struct nc_sync *v = NULL;
	size_t n = 0, len = 0, cap;
	char *s;

	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	cap = 1 + n * (NC_SERIAL_MAX + NC_REASON_MAX + 4);
	s = calloc(1, cap);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s: %s\n", v[i].serial,
					v[i].dirty_reason);
	nc_sync_array_free(v, n);
	return s;
}

static void assert_pending(struct fx *fx, const char *want)
{
	char *got = pending(fx);

	if (strcmp(got, want) != 0)
		fail_msg("pending devices:\n%s--- want:\n%s", got, want);
	free(got);
}

static json_t *show(struct fx *fx, const char *group)
{
	struct nc_errinfo ei = {0};
	json_t *o = NULL;

	if (nc_core_peering_show(&fx->core, "acme", group, &o, &ei) != 0)
		fail_msg("show %s: %s", group, ei.msg);
	return o;
}

/* A JSON array of strings as "A,B,C". */
static char *joined(const json_t *a)
{
	size_t i, len = 0;
	json_t *v;
	char *s = calloc(1, 1 + json_array_size(a) * (NC_SERIAL_MAX + 1));

	assert_non_null(s);
	assert_true(json_is_array(a));
	json_array_foreach(a, i, v) {
		len += (size_t)sprintf(s + len, "%s%s", i ? "," : "", json_string_value(v));
	}
	return s;
}

static void assert_array(const json_t *o, const char *key, const char *want)
{
	char *got = joined(json_object_get(o, key));

	if (strcmp(got, want) != 0)
		fail_msg("%s: got `%s', want `%s'", key, got, want);
	free(got);
}

/* Runs sql (one value per row) on a second connection; rows joined by '|'. */
static int rows_cb(void *arg, int n, char **vals, char **cols)
{
	char **s = arg;
	size_t len = *s ? strlen(*s) : 0;

	(void)cols;
	for (int i = 0; i < n; i++) {
		const char *v = vals[i] ? vals[i] : "NULL";
		char *t = realloc(*s, len + strlen(v) + 2);

		assert_non_null(t);
		*s = t;
		len += (size_t)sprintf(*s + len, "%s|", v);
	}
	return 0;
}

static char *query(struct fx *fx, const char *sql)
{
	sqlite3 *db = NULL;
	char *s = NULL, *err = NULL;

	assert_int_equal(sqlite3_open_v2(fx->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, rows_cb, &s, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
	if (!s)
		s = calloc(1, 1);
	return s;
}

static long query_long(struct fx *fx, const char *sql)
{
	char *s = query(fx, sql);
	long v = strtol(s, NULL, 10);

	free(s);
	return v;
}

/* Everything a peering operation may write, as one string. */
static char *snapshot(struct fx *fx)
{
	return query(fx, "SELECT tenant, name, topology, protocol, dual_tunnel, hub, updated_at"
			 " FROM peerings ORDER BY 1, 2;"
			 "SELECT tenant, peering, serial FROM members ORDER BY 1, 2, 3;"
			 "SELECT * FROM links ORDER BY tenant, peering, a, b, tunnel_index;"
			 "SELECT * FROM addrs ORDER BY tenant, pool, owner;"
			 "SELECT serial, tenant, state, dirty_reason FROM sync ORDER BY 1, 2;");
}

/* The texts of every event after `after`, concatenated. */
static char *events_after(struct fx *fx, uint64_t after)
{
	struct nc_event ev[256];
	bool gap = false;
	uint64_t next = 0;
	size_t n = nc_events_read(fx->core.events, after, NULL, ev, COUNT(ev), 0, &gap, &next);
	size_t len = 0;
	char *s = calloc(1, 1);

	assert_false(gap);
	for (size_t i = 0; i < n; i++) {
		char *t = realloc(s, len + strlen(ev[i].text) + 2);

		assert_non_null(t);
		s = t;
		len += (size_t)sprintf(s + len, "%s\n", ev[i].text);
	}
	nc_event_array_clear(ev, n);
	return s;
}

/* Mesh and hub-spoke: links follow the members. */

static void test_mesh_follows_members(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *o;

	create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	assert_int_equal(n_links(fx, "m"), 0);
	add(fx, "m", "EDGE-1");
	add(fx, "m", "EDGE-2");
	add(fx, "m", "CN-1");
	clear_dirty(fx);
	add(fx, "m", "CN-2");
	/* The new member and the other end of each of its new links. */
	assert_pending(fx, "CN-1: link CN-1" ARROW "CN-2 added\n"
			   "CN-2: joined peering m\n"
			   "EDGE-1: link EDGE-1" ARROW "CN-2 added\n"
			   "EDGE-2: link EDGE-2" ARROW "CN-2 added\n");
	assert_links(fx, "m",
		     "CN-1-CN-2/0 CN-1-EDGE-1/0 CN-1-EDGE-2/0 CN-2-EDGE-1/0 "
		     "CN-2-EDGE-2/0 EDGE-1-EDGE-2/0");
	o = show(fx, "m");
	assert_array(o, "members", "CN-1,CN-2,EDGE-1,EDGE-2");
	assert_int_equal(json_array_size(json_object_get(o, "links")), 6);
	assert_array(o, "isolated", "");
	assert_string_equal(json_string_value(json_object_get(o, "topology")), "mesh");
	json_decref(o);

	clear_dirty(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "m", "CN-2", &ei), 0);
	assert_links(fx, "m", "CN-1-EDGE-1/0 CN-1-EDGE-2/0 EDGE-1-EDGE-2/0");
	assert_pending(fx, "CN-1: link CN-1" ARROW "CN-2 removed\n"
			   "CN-2: left peering m\n"
			   "EDGE-1: link EDGE-1" ARROW "CN-2 removed\n"
			   "EDGE-2: link EDGE-2" ARROW "CN-2 removed\n");
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "m", "CN-2", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "serial");
	assert_contains(ei.msg, "CN-2 is not a member of m");
}

static void test_member_errors(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	add(fx, "m", "CN-1");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "CN-1", &ei),
			 NC_ERR_EXISTS);
	assert_string_equal(ei.msg, "CN-1 is already a member of m");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "NOPE", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "serial");
	/* A device of another tenant is not found either. */
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "GX-1", &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "serial");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "CN-DEAD", &ei),
			 NC_ERR_CONFLICT);
	assert_contains(ei.msg, "decommissioned");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "nope", "CN-2", &ei),
			 NC_ERR_NOTFOUND);
	assert_contains(ei.msg, "peering `nope' not found");
}

static void test_hub_spoke(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *o, *patch;

	create(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-3");
	/* The hub is a member from creation on. */
	assert_pending(fx, "EDGE-3: joined peering hs\n");
	add(fx, "hs", "CN-1");
	add(fx, "hs", "CN-2");
	clear_dirty(fx);
	add(fx, "hs", "CN-3");
	/* The other spokes reach the new one through the hub. */
	assert_pending(fx, "CN-1: spoke CN-3 joined hs\n"
			   "CN-2: spoke CN-3 joined hs\n"
			   "CN-3: joined peering hs\n"
			   "EDGE-3: link EDGE-3" ARROW "CN-3 added\n");
	add(fx, "hs", "EDGE-1");
	assert_links(fx, "hs", "CN-1-EDGE-3/0 CN-2-EDGE-3/0 CN-3-EDGE-3/0 EDGE-1-EDGE-3/0");
	o = show(fx, "hs");
	assert_string_equal(json_string_value(json_object_get(o, "hub")), "EDGE-3");
	assert_array(o, "members", "CN-1,CN-2,CN-3,EDGE-1,EDGE-3");
	assert_array(o, "isolated", "");
	json_decref(o);

	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "hs", "EDGE-3", &ei),
			 NC_ERR_CONFLICT);
	assert_string_equal(ei.msg, "EDGE-3 is the hub of hs: change the hub first");
	assert_int_equal(n_links(fx, "hs"), 4);

	/* A spoke leaving takes its one link along, and the other spokes lose their way to it. */
	clear_dirty(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "hs", "CN-3", &ei),
			 0);
	assert_links(fx, "hs", "CN-1-EDGE-3/0 CN-2-EDGE-3/0 EDGE-1-EDGE-3/0");
	assert_pending(fx, "CN-1: spoke CN-3 left hs\n"
			   "CN-2: spoke CN-3 left hs\n"
			   "CN-3: left peering hs\n"
			   "EDGE-1: spoke CN-3 left hs\n"
			   "EDGE-3: link EDGE-3" ARROW "CN-3 removed\n");
	/* A spoke's new LAN reaches the other spokes through the hub, so they sync too. */
	clear_dirty(fx);
	patch = json_pack("{s:[s]}", "lan_subnets", "192.168.1.0/24");
	assert_int_equal(
		nc_core_connector_update(&fx->core, &fx->actor, "acme", "CN-1", patch, NULL, &ei),
		0);
	json_decref(patch);
	assert_pending(fx, "CN-1: LAN subnets of CN-1 changed\n"
			   "CN-2: LAN subnets of CN-1 changed\n"
			   "EDGE-1: LAN subnets of CN-1 changed\n"
			   "EDGE-3: LAN subnets of CN-1 changed\n");

	/* A new hub re-derives every link and dirties every member. */
	clear_dirty(fx);
	must_update(fx, "hs", "{\"hub\":\"EDGE-1\"}");
	assert_links(fx, "hs", "CN-1-EDGE-1/0 CN-2-EDGE-1/0 EDGE-1-EDGE-3/0");
	assert_pending(fx, "CN-1: peering hs: hub changed to EDGE-1\n"
			   "CN-2: peering hs: hub changed to EDGE-1\n"
			   "EDGE-1: peering hs: hub changed to EDGE-1\n"
			   "EDGE-3: peering hs: hub changed to EDGE-1\n");
	/* A hub that was not a member becomes one. */
	must_update(fx, "hs", "{\"hub\":\"EDGE-2\"}");
	assert_links(fx, "hs", "CN-1-EDGE-2/0 CN-2-EDGE-2/0 EDGE-1-EDGE-2/0 EDGE-2-EDGE-3/0");
	assert_int_equal(update(fx, "hs", "{\"hub\":\"CN-1\"}", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub");
	assert_contains(ei.msg, "a connector cannot be the hub");
	assert_int_equal(update(fx, "hs", "{\"hub\":\"NOPE\"}", &ei), NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "hub");
	assert_int_equal(update(fx, "hs", "{\"hub\":null}", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub");
	assert_links(fx, "hs", "CN-1-EDGE-2/0 CN-2-EDGE-2/0 EDGE-1-EDGE-2/0 EDGE-2-EDGE-3/0");
}

static void test_hub_refused(void **state)
{
	struct fx *fx = *state;
	struct nc_peering p = {.topology = NC_TOPO_HUB_SPOKE};
	struct nc_errinfo ei = {0};
	char *before = snapshot(fx), *after;

	snprintf(p.name, sizeof(p.name), "hs");
	snprintf(p.hub, sizeof(p.hub), "CN-1");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub");
	assert_contains(ei.msg, "a connector cannot be the hub");
	snprintf(p.hub, sizeof(p.hub), "EDGE-9");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "hub");
	/* Another tenant's edge is not found. */
	snprintf(p.hub, sizeof(p.hub), "GX-1");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_NOTFOUND);
	p.hub[0] = '\0';
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub");
	after = snapshot(fx);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Partial mesh: links by hand. */

static void test_partial_mesh(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	json_t *o, *links, *patch;

	create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	add(fx, "pm", "EDGE-1");
	add(fx, "pm", "EDGE-2");
	add(fx, "pm", "CN-3");
	clear_dirty(fx);
	add(fx, "pm", "CN-4");
	/* No links derived: only the new member is dirtied. */
	assert_pending(fx, "CN-4: joined peering pm\n");
	assert_int_equal(n_links(fx, "pm"), 0);
	o = show(fx, "pm");
	assert_array(o, "isolated", "CN-3,CN-4,EDGE-1,EDGE-2");
	json_decref(o);

	clear_dirty(fx);
	link_add(fx, "pm", "EDGE-1", "CN-3");
	assert_pending(fx, "CN-3: link EDGE-1" ARROW "CN-3 added\n"
			   "EDGE-1: link EDGE-1" ARROW "CN-3 added\n");
	link_add(fx, "pm", "CN-3", "EDGE-2");
	assert_links(fx, "pm", "CN-3-EDGE-1/0 CN-3-EDGE-2/0");

	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "CN-3", "EDGE-1", &ei),
		NC_ERR_EXISTS);
	assert_contains(ei.msg, "already exists");
	/* An unknown device is refused, naming the end. */
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "NOPE", "EDGE-1", &ei),
		NC_ERR_NOTFOUND);
	assert_string_equal(ei.field, "a");
	assert_string_equal(ei.msg, "device `NOPE' not found");
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "EDGE-1", &ei),
		NC_ERR_INVAL);

	o = show(fx, "pm");
	assert_array(o, "members", "CN-3,CN-4,EDGE-1,EDGE-2");
	assert_int_equal(json_array_size(json_object_get(o, "links")), 2);
	assert_array(o, "isolated", "CN-4");
	json_decref(o);

	/* Removing a link dirties exactly its two ends. */
	clear_dirty(fx);
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-3", &ei), 0);
	assert_pending(fx, "CN-3: link EDGE-1" ARROW "CN-3 removed\n"
			   "EDGE-1: link EDGE-1" ARROW "CN-3 removed\n");
	assert_links(fx, "pm", "CN-3-EDGE-2/0");
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-3", &ei),
		NC_ERR_NOTFOUND);
	assert_contains(ei.msg, "no link EDGE-1" ARROW "CN-3");
	o = show(fx, "pm");
	assert_array(o, "isolated", "CN-4,EDGE-1");
	json_decref(o);

	/* A member leaving dirties its former peers only. */
	clear_dirty(fx);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "pm", "CN-3", &ei),
			 0);
	assert_pending(fx, "CN-3: left peering pm\n"
			   "EDGE-2: link EDGE-2" ARROW "CN-3 removed\n");
	assert_int_equal(n_links(fx, "pm"), 0);

	/* Two connectors without an endpoint: neither can dial, the link says so. */
	add(fx, "pm", "CN-1");
	link_add(fx, "pm", "CN-4", "CN-1");
	link_add(fx, "pm", "CN-4", "EDGE-2");
	o = show(fx, "pm");
	links = json_object_get(o, "links");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "b")),
			    "CN-4");
	assert_string_equal(json_string_value(json_object_get(json_array_get(links, 0), "warning")),
			    "no_endpoint");
	assert_true(json_is_null(json_object_get(json_array_get(links, 1), "warning")));
	json_decref(o);
	/* One endpoint is enough; changing it dirties the link peers only. */
	clear_dirty(fx);
	patch = json_pack("{s:s}", "endpoint", "198.51.100.4:51822");
	assert_int_equal(
		nc_core_connector_update(&fx->core, &fx->actor, "acme", "CN-4", patch, NULL, &ei),
		0);
	json_decref(patch);
	assert_pending(fx, "CN-1: endpoint of CN-4 changed\n"
			   "EDGE-2: endpoint of CN-4 changed\n");
	o = show(fx, "pm");
	links = json_object_get(o, "links");
	assert_true(json_is_null(json_object_get(json_array_get(links, 0), "warning")));
	json_decref(o);
}

static void test_links_only_by_hand_in_partial_mesh(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};

	create(fx, "m", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	create(fx, "hs", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	add(fx, "m", "EDGE-1");
	add(fx, "m", "CN-1");
	add(fx, "hs", "CN-1");
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "m", "EDGE-1", "CN-1", &ei),
		NC_ERR_CONFLICT);
	assert_contains(ei.msg, "links of a mesh group follow its members; links are added by "
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
	assert_int_equal(n_links(fx, "m"), 1);
	assert_int_equal(n_links(fx, "hs"), 1);
}

/* Dual tunnel. */

static void test_dual_tunnel(void **state)
{
	struct fx *fx = *state;

	create(fx, "dual", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, true, NULL);
	add(fx, "dual", "EDGE-1");
	add(fx, "dual", "EDGE-2");
	add(fx, "dual", "CN-1");
	link_add(fx, "dual", "EDGE-1", "EDGE-2");
	link_add(fx, "dual", "EDGE-1", "CN-1");
	assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0 EDGE-1-EDGE-2/1");

	/* Toggling dual tunnel changes hand-made links too, and dirties every member. */
	clear_dirty(fx);
	must_update(fx, "dual", "{\"dual_tunnel\":false}");
	assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0");
	assert_pending(fx, "CN-1: peering dual: dual tunnel off\n"
			   "EDGE-1: peering dual: dual tunnel off\n"
			   "EDGE-2: peering dual: dual tunnel off\n");
	must_update(fx, "dual", "{\"dual_tunnel\":true}");
	assert_links(fx, "dual", "CN-1-EDGE-1/0 EDGE-1-EDGE-2/0 EDGE-1-EDGE-2/1");

	/* A derived mesh: 4 members, 6 links, 3 of them edge-edge with a secondary. */
	create(fx, "mesh", NC_TOPO_MESH, NC_PROTO_WIREGUARD, true, NULL);
	add(fx, "mesh", "EDGE-1");
	add(fx, "mesh", "EDGE-2");
	add(fx, "mesh", "EDGE-3");
	add(fx, "mesh", "CN-1");
	assert_links(fx, "mesh",
		     "CN-1-EDGE-1/0 CN-1-EDGE-2/0 CN-1-EDGE-3/0 EDGE-1-EDGE-2/0 "
		     "EDGE-1-EDGE-2/1 EDGE-1-EDGE-3/0 EDGE-1-EDGE-3/1 EDGE-2-EDGE-3/0 "
		     "EDGE-2-EDGE-3/1");
	must_update(fx, "mesh", "{\"dual_tunnel\":false}");
	assert_int_equal(n_links(fx, "mesh"), 6);
}

/* Topology changes. */

static void test_topology_change(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_peering p;
	json_t *o;

	create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	add(fx, "pm", "EDGE-1");
	add(fx, "pm", "EDGE-2");
	add(fx, "pm", "CN-3");
	add(fx, "pm", "CN-4");
	link_add(fx, "pm", "EDGE-1", "CN-3");

	clear_dirty(fx);
	must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(n_links(fx, "pm"), 6);
	assert_pending(fx, "CN-3: peering pm: topology changed to mesh\n"
			   "CN-4: peering pm: topology changed to mesh\n"
			   "EDGE-1: peering pm: topology changed to mesh\n"
			   "EDGE-2: peering pm: topology changed to mesh\n");

	/* Back to partial mesh: the links stay, now hand-made. */
	must_update(fx, "pm", "{\"topology\":\"partial_mesh\"}");
	assert_int_equal(n_links(fx, "pm"), 6);
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "CN-3", "CN-4", &ei), 0);
	assert_int_equal(n_links(fx, "pm"), 5);
	o = show(fx, "pm");
	assert_array(o, "isolated", "");
	json_decref(o);

	/* To hub-spoke: a hub is needed, and links between spokes go. */
	assert_int_equal(update(fx, "pm", "{\"topology\":\"hub_spoke\"}", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "hub");
	must_update(fx, "pm", "{\"topology\":\"hub_spoke\",\"hub\":\"EDGE-2\"}");
	assert_links(fx, "pm", "CN-3-EDGE-2/0 CN-4-EDGE-2/0 EDGE-1-EDGE-2/0");
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "pm", &p), 0);
	assert_string_equal(p.hub, "EDGE-2");

	/* Leaving hub-spoke clears the hub, unless the patch names one. */
	assert_int_equal(update(fx, "pm", "{\"topology\":\"mesh\",\"hub\":\"EDGE-2\"}", &ei),
			 NC_ERR_INVAL);
	must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "pm", &p), 0);
	assert_string_equal(p.hub, "");
	assert_int_equal(n_links(fx, "pm"), 6);

	/* A patch that changes nothing dirties nothing. */
	clear_dirty(fx);
	must_update(fx, "pm", "{\"topology\":\"mesh\",\"protocol\":\"wireguard\"}");
	assert_pending(fx, "");
	/* The name cannot change; unknown members are refused. */
	assert_int_equal(update(fx, "pm", "{\"name\":\"other\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(update(fx, "pm", "{\"colour\":\"red\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(update(fx, "nope", "{}", &ei), NC_ERR_NOTFOUND);
}

/* IPSec. */

static bool is_key(const char *k)
{
	if (strlen(k) != 72)
		return false;
	for (const char *p = k; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return true;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* Every SA of the tenant: SPIs >= 0x100 and unique, keys 72 hex, unique. */
static size_t check_sas(struct fx *fx)
{
	char *spis = query(fx, "SELECT spi_ab FROM links WHERE spi_ab > 0 UNION ALL"
			       " SELECT spi_ba FROM links WHERE spi_ba > 0");
	char *keys = query(fx, "SELECT key_ab FROM links WHERE key_ab != '' UNION ALL"
			       " SELECT key_ba FROM links WHERE key_ba != ''");
	uint32_t v[256];
	size_t n = 0, nk = 0;
	char *save = NULL;

	for (char *t = strtok_r(spis, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		assert_true(n < COUNT(v));
		v[n++] = (uint32_t)strtoul(t, NULL, 10);
		assert_true(v[n - 1] >= 0x100);
	}
	qsort(v, n, sizeof(v[0]), cmp_u32);
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1] != v[i]);
	for (char *t = strtok_r(keys, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		assert_true(is_key(t));
		nk++;
	}
	assert_int_equal(nk, n);
	assert_int_equal(query_long(fx,
				    "SELECT COUNT(*) - COUNT(DISTINCT k) FROM (SELECT key_ab"
				    " AS k FROM links WHERE k != '' UNION ALL SELECT key_ba FROM"
				    " links WHERE key_ba != '')"),
			 0);
	free(spis);
	free(keys);
	return n;
}

static void test_ipsec(void **state)
{
	struct fx *fx = *state;
	struct nc_link *l = NULL;
	size_t n = 0;
	char *text, *ev;
	json_t *o;
	uint32_t spi0;

	create(fx, "sec", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL);
	add(fx, "sec", "EDGE-1");
	add(fx, "sec", "EDGE-2");
	add(fx, "sec", "EDGE-3");
	add(fx, "sec", "CN-1");
	assert_int_equal(n_links(fx, "sec"), 9);
	create(fx, "sec2", NC_TOPO_PARTIAL_MESH, NC_PROTO_IPSEC, false, NULL);
	add(fx, "sec2", "CN-2");
	add(fx, "sec2", "CN-3");
	link_add(fx, "sec2", "CN-2", "CN-3");
	/* 10 tunnels in two groups, two directions each: 20 distinct SPIs. */
	assert_int_equal(check_sas(fx), 20);
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links WHERE key_ab = key_ba"
					" OR spi_ab = spi_ba"),
			 0);

	/* Neither show nor any event carries a key or an SPI. */
	assert_int_equal(nc_store_link_list(fx->st, "acme", "sec", &l, &n), 0);
	o = show(fx, "sec");
	text = json_dumps(o, 0);
	ev = events_after(fx, 0);
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(text, l[i].key_ab));
		assert_null(strstr(text, l[i].key_ba));
		assert_null(strstr(ev, l[i].key_ab));
		assert_null(strstr(ev, l[i].key_ba));
	}
	assert_null(strstr(text, "spi"));
	assert_null(strstr(text, "key"));
	assert_null(strstr(ev, "spi"));
	free(text);
	free(ev);
	json_decref(o);

	/* Dual tunnel off keeps the primary tunnels' SAs. */
	spi0 = l[0].spi_ab;
	assert_int_equal(l[0].tunnel_index, 0);
	must_update(fx, "sec", "{\"dual_tunnel\":false}");
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 6);
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM links WHERE spi_ab = %u", spi0);
		assert_int_equal(query_long(fx, sql), 1);
	}
	check_sas(fx);

	/* A protocol change regenerates every SA: none for WireGuard, new ones for IPSec. */
	clear_dirty(fx);
	must_update(fx, "sec", "{\"protocol\":\"wireguard\"}");
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec' AND"
					" (spi_ab != 0 OR spi_ba != 0 OR key_ab != ''"
					" OR key_ba != '')"),
			 0);
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 6);
	assert_pending(fx, "CN-1: peering sec: protocol changed to wireguard\n"
			   "EDGE-1: peering sec: protocol changed to wireguard\n"
			   "EDGE-2: peering sec: protocol changed to wireguard\n"
			   "EDGE-3: peering sec: protocol changed to wireguard\n");
	must_update(fx, "sec", "{\"protocol\":\"ipsec\",\"dual_tunnel\":true}");
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links WHERE peering = 'sec'"), 9);
	assert_int_equal(check_sas(fx), 20);
	for (size_t i = 0; i < n; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM links WHERE key_ab = '%s'",
			 l[i].key_ab);
		assert_int_equal(query_long(fx, sql), 0);
	}
	free(l);
}

/* Failures leave nothing behind. */

static void test_failure_is_atomic(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	char *before, *after, *ev;
	uint64_t last;

	create(fx, "m", NC_TOPO_MESH, NC_PROTO_IPSEC, true, NULL);
	add(fx, "m", "EDGE-1");
	add(fx, "m", "EDGE-2");
	create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	add(fx, "pm", "EDGE-1");
	before = snapshot(fx);
	last = nc_events_last_id(fx->core.events);

	/* Refused before any write. */
	assert_int_equal(
		nc_core_link_add(&fx->core, &fx->actor, "acme", "pm", "EDGE-1", "CN-404", &ei),
		NC_ERR_NOTFOUND);
	assert_int_equal(update(fx, "m", "{\"topology\":\"bus\"}", &ei), NC_ERR_INVAL);
	assert_int_equal(update(fx, "m", "{\"topology\":\"hub_spoke\",\"hub\":\"CN-1\"}", &ei),
			 NC_ERR_INVAL);

	/* Refused by the store after the member, its address and a link were written. */
	free(query(fx, "CREATE TRIGGER boom BEFORE INSERT ON links WHEN NEW.a = 'EDGE-3'"
		       " OR NEW.b = 'EDGE-3' BEGIN SELECT RAISE(ABORT, 'boom'); END"));
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "m", "EDGE-3", &ei),
			 NC_ERR_STORE);
	assert_contains(ei.msg, "EDGE-3");
	/* ... and after the new hub joined and the group changed. */
	assert_int_equal(update(fx, "m", "{\"topology\":\"hub_spoke\",\"hub\":\"EDGE-3\"}", &ei),
			 NC_ERR_STORE);
	free(query(fx, "DROP TRIGGER boom"));

	after = snapshot(fx);
	assert_string_equal(before, after);
	free(after);
	free(before);
	ev = events_after(fx, last);
	assert_string_equal(ev, "");
	free(ev);

	/* Once the cause is gone, the same operation goes through. */
	add(fx, "m", "EDGE-3");
	assert_int_equal(n_links(fx, "m"), 6);
}

/* Addresses. */

static void test_addresses(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	const char *count_pm = "SELECT COUNT(*) FROM addrs WHERE tenant = 'acme' AND pool = 'pm:g'";
	const char *count_blocks = "SELECT COUNT(*) FROM addrs WHERE tenant = 'acme' AND"
				   " pool = 'peering' AND owner = 'g'";

	create(fx, "g", NC_TOPO_HUB_SPOKE, NC_PROTO_WIREGUARD, false, "EDGE-1");
	assert_int_equal(query_long(fx, count_pm), 1);
	assert_int_equal(query_long(fx, count_blocks), 1);
	add(fx, "g", "CN-1");
	add(fx, "g", "CN-2");
	assert_int_equal(query_long(fx, count_pm), 3);
	assert_int_equal(query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					" owner = 'CN-1'"),
			 2);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "g", "CN-1", &ei), 0);
	assert_int_equal(query_long(fx, count_pm), 2);
	/* The freed index goes to the next member. */
	add(fx, "g", "CN-3");
	assert_int_equal(query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					" owner = 'CN-3'"),
			 2);

	/* Deleting a member device releases its address too. */
	assert_int_equal(nc_core_connector_delete(&fx->core, &fx->actor, "acme", "CN-3", &ei), 0);
	assert_int_equal(query_long(fx, count_pm), 2);
	add(fx, "g", "CN-1");
	assert_int_equal(query_long(fx, "SELECT idx FROM addrs WHERE pool = 'pm:g' AND"
					" owner = 'CN-1'"),
			 2);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "g", "CN-1", &ei), 0);

	clear_dirty(fx);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "g", &ei), 0);
	assert_int_equal(query_long(fx, count_pm), 0);
	assert_int_equal(query_long(fx, count_blocks), 0);
	assert_pending(fx, "CN-2: peering g deleted\n"
			   "EDGE-1: peering g deleted\n");
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM members"), 0);
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM links"), 0);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "g", &ei),
			 NC_ERR_NOTFOUND);
}

/* Tenancy and the audit trail. */

static void test_tenant_scope(void **state)
{
	struct fx *fx = *state;
	struct nc_peering p = {.topology = NC_TOPO_MESH};
	struct nc_errinfo ei = {0};
	json_t *o = NULL;

	create(fx, "shared", NC_TOPO_MESH, NC_PROTO_WIREGUARD, false, NULL);
	snprintf(p.name, sizeof(p.name), "shared");
	/* Admin without a tenant: the object names it. */
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei),
			 NC_ERR_INVAL);
	assert_string_equal(ei.field, "tenant");
	snprintf(p.tenant, sizeof(p.tenant), "globex");
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei), 0);
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, NULL, &p, &ei),
			 NC_ERR_EXISTS);
	assert_string_equal(ei.field, "name");
	/* Acting in acme with an object of globex. */
	assert_int_equal(nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei),
			 NC_ERR_NOTFOUND);

	/* A name in two tenants is ambiguous without one. */
	assert_int_equal(nc_core_peering_show(&fx->core, NULL, "shared", &o, &ei), NC_ERR_CONFLICT);
	assert_null(o);
	assert_string_equal(ei.msg, "peering `shared' exists in several tenants: pass ?tenant=");
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, NULL, "shared", "GX-1", &ei),
			 NC_ERR_CONFLICT);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, NULL, "shared", &ei),
			 NC_ERR_CONFLICT);

	/* Each tenant sees its own; a unique name works without one. */
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "globex", "shared", "GX-1", &ei),
			 0);
	assert_int_equal(nc_core_member_add(&fx->core, &fx->actor, "acme", "shared", "GX-1", &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "shared", &ei), 0);
	assert_int_equal(nc_core_peering_show(&fx->core, NULL, "shared", &o, &ei), 0);
	assert_string_equal(json_string_value(json_object_get(o, "tenant")), "globex");
	assert_array(o, "members", "GX-1");
	json_decref(o);
	assert_int_equal(nc_core_peering_show(&fx->core, "acme", "shared", &o, &ei),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, NULL, "shared", "GX-1", &ei),
			 0);
	assert_int_equal(query_long(fx, "SELECT COUNT(*) FROM sync WHERE serial = 'GX-1' AND"
					" tenant = 'globex' AND state = 'pending'"),
			 1);
}

static void test_audit(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	uint64_t last = nc_events_last_id(fx->core.events);
	char *ev;

	create(fx, "pm", NC_TOPO_PARTIAL_MESH, NC_PROTO_WIREGUARD, false, NULL);
	add(fx, "pm", "EDGE-1");
	add(fx, "pm", "CN-1");
	link_add(fx, "pm", "EDGE-1", "CN-1");
	assert_int_equal(
		nc_core_link_remove(&fx->core, &fx->actor, "acme", "pm", "CN-1", "EDGE-1", &ei), 0);
	must_update(fx, "pm", "{\"topology\":\"mesh\"}");
	assert_int_equal(nc_core_member_remove(&fx->core, &fx->actor, "acme", "pm", "CN-1", &ei),
			 0);
	assert_int_equal(nc_core_peering_delete(&fx->core, &fx->actor, "acme", "pm", &ei), 0);
	ev = events_after(fx, last);
	assert_contains(ev, "\"action\":\"create\",\"object\":\"peering\"");
	assert_contains(ev, "\"device\":\"CN-1\",\"action\":\"add\",\"object\":\"member\"");
	assert_contains(ev, "\"action\":\"add\",\"object\":\"link\"");
	assert_contains(ev, "\"action\":\"remove\",\"object\":\"link\"");
	assert_contains(ev, "\"action\":\"update\",\"object\":\"peering\"");
	assert_contains(ev, "\"action\":\"remove\",\"object\":\"member\"");
	assert_contains(ev, "\"action\":\"delete\",\"object\":\"peering\"");
	assert_contains(ev, "\"type\":\"dirty\"");
	assert_contains(ev, "\"token\":\"tok1\"");
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mesh_follows_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_member_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_spoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hub_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_mesh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_only_by_hand_in_partial_mesh, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dual_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topology_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_is_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tenant_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	};

	/* Errors only: the injected store failures are logged as such. */
	nc_log_init("test", NC_LOG_ERROR);
	return cmocka_run_group_tests_name("core_peering", tests, NULL, NULL);
}
