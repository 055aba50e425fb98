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

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"

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
