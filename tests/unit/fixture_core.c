/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture_core.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/core/core.h"
#include "../../lib/core/inventory.h"
#include "../../lib/core/peering.h"
#include "../../lib/events/events.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

const struct nc_actor fxi_admin = {.token_id = "t-admin", .role = NC_ROLE_ADMIN};

int fxc_setup(void **state)
{
	struct fx_core *fx = calloc(1, sizeof(*fx));

	if (!fx || fx_setup_store(state) != 0) {
		free(fx);
		return -1;
	}
	fx->base = *state;
	fx->st = fx->base->st;
	fx->path = fx->base->path;
	fx->ev = nc_events_new(1024);
	fx->core.store = fx->st;
	fx->core.events = fx->ev;
	snprintf(fx->actor.token_id, sizeof(fx->actor.token_id), "tok1");
	fx->actor.role = NC_ROLE_OPERATOR;
	snprintf(fx->actor.tenant, sizeof(fx->actor.tenant), "acme");
	*state = fx;
	return 0;
}

int fxc_teardown(void **state)
{
	struct fx_core *fx = *state;

	nc_events_free(fx->ev);
	*state = fx->base;
	free(fx);
	return fx_teardown(state);
}

void fxc_clean(struct fx_core *fx)
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
	fx->seen = nc_events_last_id(fx->ev);
}

/* Peering groups */

static void peer_edge(struct nc_store *st, const char *tenant, const char *serial, int i)
{
	struct nc_edge e = {.kind = NC_EDGE_DEDICATED};

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "dc-%d", i);
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.%d:51820", i);
	assert_int_equal(nc_store_edge_insert(st, &e), 0);
}

static void peer_connector(struct nc_store *st, const char *tenant, const char *serial, int i,
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

int fxp_setup(void **state)
{
	struct fx_core *fx;
	char serial[16];

	if (fxc_setup(state) != 0)
		return -1;
	fx = *state;
	for (int i = 1; i <= 3; i++) {
		snprintf(serial, sizeof(serial), "EDGE-%d", i);
		peer_edge(fx->st, "acme", serial, i);
	}
	for (int i = 1; i <= 4; i++) {
		snprintf(serial, sizeof(serial), "CN-%d", i);
		peer_connector(fx->st, "acme", serial, i, NC_STATUS_APPROVED);
	}
	peer_connector(fx->st, "acme", "CN-DEAD", 9, NC_STATUS_DECOMMISSIONED);
	peer_edge(fx->st, "globex", "GX-1", 9);
	return 0;
}

void fxp_create(struct fx_core *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		bool dual, const char *hub)
{
	struct nc_peering p = {.topology = t, .protocol = proto, .dual_tunnel = dual};
	struct nc_errinfo ei = {0};

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	if (nc_core_peering_create(&fx->core, &fx->actor, "acme", &p, &ei) != 0)
		fail_msg("create %s: %s", name, ei.msg);
}

void fxp_add(struct fx_core *fx, const char *group, const char *serial)
{
	struct nc_errinfo ei = {0};

	if (nc_core_member_add(&fx->core, &fx->actor, "acme", group, serial, &ei) != 0)
		fail_msg("add %s to %s: %s", serial, group, ei.msg);
}

void fxp_link_add(struct fx_core *fx, const char *group, const char *a, const char *b)
{
	struct nc_errinfo ei = {0};

	if (nc_core_link_add(&fx->core, &fx->actor, "acme", group, a, b, &ei) != 0)
		fail_msg("link %s-%s in %s: %s", a, b, group, ei.msg);
}

int fxp_update(struct fx_core *fx, const char *group, const char *patch, struct nc_errinfo *ei)
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

void fxp_must_update(struct fx_core *fx, const char *group, const char *patch)
{
	struct nc_errinfo ei = {0};

	if (fxp_update(fx, group, patch, &ei) != 0)
		fail_msg("update %s with %s: %s", group, patch, ei.msg);
}

/* The group's links as "A-B/idx " words, in store order. */
static char *links_text(struct fx_core *fx, const char *group)
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

void fxp_assert_links(struct fx_core *fx, const char *group, const char *want)
{
	char *got = links_text(fx, group);

	if (strcmp(got, want) != 0)
		fail_msg("links of %s:\n  got  `%s'\n  want `%s'", group, got, want);
	free(got);
}

size_t fxp_n_links(struct fx_core *fx, const char *group)
{
	struct nc_link *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_link_list(fx->st, "acme", group, &v, &n), 0);
	free(v);
	return n;
}

/* The pending devices as "SERIAL: reason" lines, in serial order. */
static char *pending(struct fx_core *fx)
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

void fxp_assert_pending(struct fx_core *fx, const char *want)
{
	char *got = pending(fx);

	if (strcmp(got, want) != 0)
		fail_msg("pending devices:\n%s--- want:\n%s", got, want);
	free(got);
}

void fxp_assert_pending_all(struct fx_core *fx, const char *reason, ...)
{
	char want[2048] = "";
	size_t len = 0;
	const char *serial;
	va_list ap;

	va_start(ap, reason);
	while ((serial = va_arg(ap, const char *)) != NULL) {
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s: %s\n", serial, reason);
		assert_true(len < sizeof(want));
	}
	va_end(ap);
	fxp_assert_pending(fx, want);
}

json_t *fxp_show(struct fx_core *fx, const char *group)
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

void fxp_assert_array(const json_t *o, const char *key, const char *want)
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

char *fxp_query(struct fx_core *fx, const char *sql)
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

long fxp_query_long(struct fx_core *fx, const char *sql)
{
	char *s = fxp_query(fx, sql);
	long v = strtol(s, NULL, 10);

	free(s);
	return v;
}

/* Everything a peering operation may write, as one string. */
char *fxp_snapshot(struct fx_core *fx)
{
	return fxp_query(fx, "SELECT tenant, name, topology, protocol, dual_tunnel, hub, updated_at"
			     " FROM peerings ORDER BY 1, 2;"
			     "SELECT tenant, peering, serial FROM members ORDER BY 1, 2, 3;"
			     "SELECT * FROM links ORDER BY tenant, peering, a, b, tunnel_index;"
			     "SELECT * FROM addrs ORDER BY tenant, pool, owner;"
			     "SELECT serial, tenant, state, dirty_reason FROM sync ORDER BY 1, 2;");
}

/* The texts of every event after `after`, concatenated. */
char *fxp_events_after(struct fx_core *fx, uint64_t after)
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
/* Inventory */

int fxi_add_edge_in(struct fx_core *fx, const char *scope, const char *tenant, const char *serial,
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
	ret = nc_core_edge_create(&fx->core, &fxi_admin, scope, &e, ei);
	nc_edge_clear(&e);
	return ret;
}

void fxi_add_edge(struct fx_core *fx, const char *serial)
{
	struct nc_errinfo ei = {0};

	assert_int_equal(fxi_add_edge_in(fx, NULL, "acme", serial, &ei), 0);
}

int fxi_add_connector_in(struct fx_core *fx, const char *scope, const char *tenant,
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
	ret = nc_core_connector_create(&fx->core, &fxi_admin, scope, &c, ei);
	nc_connector_clear(&c);
	return ret;
}

/* A connector of acme put straight into status st (the store does not check the lifecycle). */
void fxi_add_connector(struct fx_core *fx, const char *serial, const char *hub, enum nc_status st)
{
	struct nc_errinfo ei = {0};

	assert_int_equal(fxi_add_connector_in(fx, NULL, "acme", serial, hub, &ei), 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, serial, st), 0);
}

/* A link between a and b in acme's partial-mesh peering `p'. */
void fxi_add_link(struct fx_core *fx, const char *a, const char *b)
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

/* Every pending device as "SERIAL=reason;" in key order must be want. */
void fxi_assert_pending(struct fx_core *fx, const char *want)
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

/* The events since the last call (or fxc_clean), one per line; heap. */
char *fxi_events_since(struct fx_core *fx)
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

void fxi_assert_events(struct fx_core *fx, const char *want1, const char *want2)
{
	char *text = fxi_events_since(fx);

	fx_assert_contains(text, want1);
	if (want2)
		fx_assert_contains(text, want2);
	free(text);
}

void fxi_assert_no_events(struct fx_core *fx)
{
	char *text = fxi_events_since(fx);

	assert_string_equal(text, "");
	free(text);
}

void fxi_assert_untouched(struct fx_core *fx)
{
	fxi_assert_pending(fx, "");
	fxi_assert_no_events(fx);
}

/* The backbone index a new owner would get in hub's block: shows which are taken. */
uint32_t fxi_next_free(struct fx_core *fx, const char *hub)
{
	char pool[80];
	uint32_t idx = 0;

	snprintf(pool, sizeof(pool), "bb:%s", hub);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", pool, "probe", 2, 16382, &idx), 0);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", pool, "probe"), 0);
	return idx;
}

int fxi_patch_connector(struct fx_core *fx, const char *scope, const char *serial, const char *json,
			struct nc_errinfo *ei)
{
	json_t *patch = json_loads(json, 0, NULL);
	struct nc_connector out = {0};
	int ret;

	assert_non_null(patch);
	ret = nc_core_connector_update(&fx->core, &fxi_admin, scope, serial, patch, &out, ei);
	json_decref(patch);
	if (ret == 0)
		assert_string_equal(out.serial, serial);
	nc_connector_clear(&out);
	return ret;
}

int fxi_patch_edge(struct fx_core *fx, const char *serial, const char *json, struct nc_errinfo *ei)
{
	json_t *patch = json_loads(json, 0, NULL);
	int ret;

	assert_non_null(patch);
	ret = nc_core_edge_update(&fx->core, &fxi_admin, NULL, serial, patch, NULL, ei);
	json_decref(patch);
	return ret;
}

int fxi_move(struct fx_core *fx, const char *serial, enum nc_status to, struct nc_errinfo *ei)
{
	struct nc_connector out = {0};
	int ret = nc_core_connector_transition(&fx->core, &fxi_admin, NULL, serial, to, &out, ei);

	if (ret == 0)
		assert_int_equal(out.status, to);
	nc_connector_clear(&out);
	return ret;
}

void fxi_assert_status(struct fx_core *fx, const char *serial, enum nc_status want)
{
	struct nc_connector c = {0};

	assert_int_equal(nc_store_connector_get(fx->st, NULL, serial, &c), 0);
	assert_int_equal(c.status, want);
	nc_connector_clear(&c);
}

/* CN-1 active on hub EDGE-1, linked to EDGE-2 and CN-2; EDGE-3 a spare hub. */
void fxi_connector_world(struct fx_core *fx)
{
	fxi_add_edge(fx, "EDGE-1");
	fxi_add_edge(fx, "EDGE-2");
	fxi_add_edge(fx, "EDGE-3");
	fxi_add_connector(fx, "CN-1", "EDGE-1", NC_STATUS_ACTIVE);
	fxi_add_connector(fx, "CN-2", NULL, NC_STATUS_ACTIVE);
	fxi_add_link(fx, "CN-1", "EDGE-2");
	fxi_add_link(fx, "CN-1", "CN-2");
	fxc_clean(fx);
}