/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../lib/agent/apply.h"
#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_rmtree(const char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fx_tmpdir(char *dir, size_t size, const char *what)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/netctl-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
	return mkdtemp(dir) ? 0 : -1;
}

int fx_setup_dir(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	if (fx_tmpdir(fx->dir, sizeof(fx->dir), "test") != 0) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/netctl.db", fx->dir);
	*state = fx;
	return 0;
}

void fx_add_tenant(struct nc_store *st, const char *id)
{
	struct nc_tenant t = {0};

	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.name, sizeof(t.name), "Tenant %s", id);
	assert_int_equal(nc_store_tenant_insert(st, &t), 0);
}

int fx_setup_store(void **state)
{
	struct fx *fx;
	struct nc_errinfo ei = {0};

	if (fx_setup_dir(state) != 0)
		return -1;
	fx = *state;
	if (nc_store_open_sqlite(fx->path, &fx->st, &ei) != 0) {
		fprintf(stderr, "open: %s\n", ei.msg);
		return -1;
	}
	fx_add_tenant(fx->st, "acme");
	fx_add_tenant(fx->st, "globex");
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *fx = *state;

	nc_store_close(fx->st);
	fx_rmtree(fx->dir);
	free(fx);
	return 0;
}

int fx_log_warnings(void **state)
{
	(void)state;
	nc_log_set_level(NC_LOG_WARN);
	return 0;
}

int fx_log_errors(void **state)
{
	(void)state;
	nc_log_init("test", NC_LOG_ERROR);
	return 0;
}

/* The names fx_cases_fill gave its cases: one copy of its list, cut at the commas. */
static char *case_names;

void fx_cases_fill(struct CMUnitTest *cases, const CMUnitTestFunction *f, size_t n,
		   const char *names, CMFixtureFunction setup, CMFixtureFunction teardown)
{
	char *name, *next;

	free(case_names);
	case_names = strdup(names);
	assert_non_null(case_names);
	next = case_names;
	for (size_t i = 0; i < n; i++) {
		name = next + strspn(next, " \t\n");
		next = name + strcspn(name, ",");
		if (*next != '\0')
			*next++ = '\0';
		cases[i] = (struct CMUnitTest){.name = name,
					       .test_func = f[i],
					       .setup_func = setup,
					       .teardown_func = teardown};
	}
}

json_t *fx_parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	if (!j)
		fail_msg("bad test JSON `%s': %s", text, err.text);
	return j;
}

void fx_assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

void fx_assert_refused(int ret, int want, const struct nc_errinfo *ei, const char *field)
{
	if (ret != want)
		fail_msg("refusing %s: returned %d, wanted %d", field, ret, want);
	if (strcmp(ei->field, field) != 0)
		fail_msg("refused on `%s', wanted on `%s' (%s)", ei->field, field, ei->msg);
}

void fx_raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

int64_t fx_raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return v;
}

void fx_new_edge(struct nc_store *st, const char *tenant, const char *serial,
		 enum nc_edge_kind kind, int expect)
{
	struct nc_edge e = {.kind = kind};

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "edge %s", serial);
	snprintf(e.region, sizeof(e.region), "eu-west");
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.1:51820");
	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	assert_int_equal(nc_store_edge_insert(st, &e), expect);
	nc_edge_clear(&e);
}

void fx_new_connector(struct nc_store *st, const char *tenant, const char *serial, const char *hub,
		      int expect)
{
	struct nc_connector c = {.status = NC_STATUS_PENDING_APPROVAL};

	snprintf(c.serial, sizeof(c.serial), "%s", serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
	snprintf(c.name, sizeof(c.name), "branch %s", serial);
	snprintf(c.region, sizeof(c.region), "eu-west");
	snprintf(c.hub_edge, sizeof(c.hub_edge), "%s", hub ? hub : "");
	assert_int_equal(nc_store_connector_insert(st, &c), expect);
	nc_connector_clear(&c);
}

void fx_new_sync(struct nc_store *st, const char *serial, const char *tenant,
		 enum nc_sync_state state, int64_t seq, int expect)
{
	struct nc_sync s = {.state = state, .seq = seq};

	snprintf(s.serial, sizeof(s.serial), "%s", serial);
	snprintf(s.tenant, sizeof(s.tenant), "%s", tenant);
	assert_int_equal(nc_store_sync_put(st, &s), expect);
}

/* Model objects with every member set to something other than its zero value. */

void fx_strlist_set(struct nc_strlist *l, const char *a, const char *b)
{
	nc_strlist_clear(l);
	if (a)
		nc_strlist_add(l, a);
	if (b)
		nc_strlist_add(l, b);
}

void fx_assert_strlist_equal(const struct nc_strlist *a, const struct nc_strlist *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		assert_string_equal(a->v[i], b->v[i]);
}

void fx_tenant_fixture(struct nc_tenant *t)
{
	*t = (struct nc_tenant){.id = "acme", .name = "Acme Corp", .created_at = FX_T1};
}

void fx_edge_fixture(struct nc_edge *e)
{
	*e = (struct nc_edge){
		.serial = "EDGE-1",
		.tenant = "acme",
		.name = "dc-1",
		.kind = NC_EDGE_MTGE,
		.region = "eu-west",
		.endpoint = "192.0.2.1:51820",
		.public_key = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=",
		.pending_key = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=",
		.last_seen = FX_T1 + 10,
		.created_at = FX_T1 - 86400,
		.updated_at = FX_T1,
	};
	fx_strlist_set(&e->lan_subnets, "10.10.0.0/16", "fd00:10::/64");
}

void fx_connector_fixture(struct nc_connector *c)
{
	*c = (struct nc_connector){
		.serial = "CN-0001",
		.tenant = "acme",
		.name = "branch-1",
		.region = "eu-west",
		.hub_edge = "EDGE-1",
		.endpoint = "198.51.100.7:51822",
		.nat_enabled = true,
		.wan_interface = "eth0",
		.status = NC_STATUS_ACTIVE,
		.public_key = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=",
		.pending_key = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=",
		.last_seen = FX_T1 + 5,
		.created_at = FX_T1 - 3600,
		.updated_at = FX_T1,
	};
	fx_strlist_set(&c->lan_subnets, "192.168.10.0/24", "192.168.11.0/24");
	c->n_acl = 2;
	c->acl = calloc(2, sizeof(*c->acl));
	c->acl[0] = (struct nc_acl_rule){"drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22};
	c->acl[1] = (struct nc_acl_rule){"accept", "icmp", "10.0.0.0/8", "0.0.0.0/0", 0};
	c->n_routes = 2;
	c->routes = calloc(2, sizeof(*c->routes));
	c->routes[0] = (struct nc_route){"10.99.0.0/16", "192.168.10.1"};
	c->routes[1] = (struct nc_route){"10.98.0.0/16", "192.168.10.2"};
}

void fx_peering_fixture(struct nc_peering *p)
{
	*p = (struct nc_peering){
		.tenant = "acme",
		.name = "branches",
		.topology = NC_TOPO_HUB_SPOKE,
		.protocol = NC_PROTO_IPSEC,
		.dual_tunnel = true,
		.hub = "EDGE-1",
		.created_at = FX_T1 - 60,
		.updated_at = FX_T1,
	};
}

void fx_sync_fixture(struct nc_sync *s)
{
	*s = (struct nc_sync){
		.serial = "MTGE-1",
		.tenant = "acme",
		.state = NC_SYNC_FAILED,
		.dirty_reason = "lan_subnets changed",
		.fail_reason = "hash_mismatch",
		.seq = 42,
		.sent_hash = "abc123",
		.confirmed_seq = 41,
		.confirmed_hash = "def456",
		.attempts = 3,
		.sent_at = FX_T1,
		.confirmed_at = FX_T1 - 60,
		.updated_at = FX_T1 + 1,
	};
}

void fx_assert_members_equal(const void *a, const void *b, const struct fx_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = (const char *)a + m[i].off, *y = (const char *)b + m[i].off;

		if (m[i].str && strcmp(x, y) != 0)
			fail_msg("member %s differs: `%s' and `%s'", m[i].name, x, y);
		if (!m[i].str && memcmp(x, y, m[i].size) != 0)
			fail_msg("member %s differs", m[i].name);
	}
}

static const struct fx_member tenant_members[] = {
	FX_STR(nc_tenant, id),
	FX_STR(nc_tenant, name),
	FX_NUM(nc_tenant, created_at),
};

void fx_assert_tenant_equal(const struct nc_tenant *a, const struct nc_tenant *b)
{
	fx_assert_members_equal(a, b, tenant_members, COUNT(tenant_members));
}

static const struct fx_member edge_members[] = {
	FX_STR(nc_edge, serial),     FX_STR(nc_edge, tenant),	   FX_STR(nc_edge, name),
	FX_NUM(nc_edge, kind),	     FX_STR(nc_edge, region),	   FX_STR(nc_edge, endpoint),
	FX_STR(nc_edge, public_key), FX_STR(nc_edge, pending_key), FX_NUM(nc_edge, last_seen),
	FX_NUM(nc_edge, created_at), FX_NUM(nc_edge, updated_at),
};

void fx_assert_edge_equal(const struct nc_edge *a, const struct nc_edge *b)
{
	fx_assert_members_equal(a, b, edge_members, COUNT(edge_members));
	fx_assert_strlist_equal(&a->lan_subnets, &b->lan_subnets);
}

/* The members of a connector other than its lists. */
static const struct fx_member connector_members[] = {
	FX_STR(nc_connector, serial),	   FX_STR(nc_connector, tenant),
	FX_STR(nc_connector, name),	   FX_STR(nc_connector, region),
	FX_STR(nc_connector, hub_edge),	   FX_STR(nc_connector, endpoint),
	FX_NUM(nc_connector, nat_enabled), FX_STR(nc_connector, wan_interface),
	FX_NUM(nc_connector, n_acl),	   FX_NUM(nc_connector, n_routes),
	FX_NUM(nc_connector, status),	   FX_STR(nc_connector, public_key),
	FX_STR(nc_connector, pending_key), FX_NUM(nc_connector, last_seen),
	FX_NUM(nc_connector, created_at),  FX_NUM(nc_connector, updated_at),
};

static const struct fx_member acl_members[] = {
	FX_STR(nc_acl_rule, action), FX_STR(nc_acl_rule, proto), FX_STR(nc_acl_rule, src),
	FX_STR(nc_acl_rule, dst),    FX_NUM(nc_acl_rule, dport),
};

static const struct fx_member route_members[] = {
	FX_STR(nc_route, dst),
	FX_STR(nc_route, via),
};

void fx_assert_connector_equal(const struct nc_connector *a, const struct nc_connector *b)
{
	fx_assert_members_equal(a, b, connector_members, COUNT(connector_members));
	fx_assert_strlist_equal(&a->lan_subnets, &b->lan_subnets);
	for (size_t i = 0; i < a->n_acl; i++)
		fx_assert_members_equal(&a->acl[i], &b->acl[i], acl_members, COUNT(acl_members));
	for (size_t i = 0; i < a->n_routes; i++)
		fx_assert_members_equal(&a->routes[i], &b->routes[i], route_members,
					COUNT(route_members));
}

static const struct fx_member peering_members[] = {
	FX_STR(nc_peering, tenant),	 FX_STR(nc_peering, name),
	FX_NUM(nc_peering, topology),	 FX_NUM(nc_peering, protocol),
	FX_NUM(nc_peering, dual_tunnel), FX_STR(nc_peering, hub),
	FX_NUM(nc_peering, created_at),	 FX_NUM(nc_peering, updated_at),
};

void fx_assert_peering_equal(const struct nc_peering *a, const struct nc_peering *b)
{
	fx_assert_members_equal(a, b, peering_members, COUNT(peering_members));
}

const struct nc_agent_env fx_agent_env = {
	.serial = "CN-1",
	.state_dir = "/var/lib/netctl-agent",
	.private_key = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
	.lan_if = "lan0",
	.wan_if = "eth0",
};
