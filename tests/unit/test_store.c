/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite: opening and refusing files (leaving refused ones
 * byte for byte as they were), migrations, every object's CRUD with its
 * documented errors, cascades, transactions and savepoints, keyset paging
 * with filters, and the sync states the pipeline writes by the thousand.
 * Each test works in its own temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

struct fx {
	char dir[512];
	char path[600];
	struct nc_store *st;
};

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/netctl-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/netctl.db", fx->dir);
	*state = fx;
	return 0;
}

static void add_tenant(struct nc_store *st, const char *id)
{
	struct nc_tenant t = { 0 };

	snprintf(t.id, sizeof(t.id), "%s", id);
	snprintf(t.name, sizeof(t.name), "Tenant %s", id);
	assert_int_equal(nc_store_tenant_insert(st, &t), 0);
}

/* A store with tenants acme and globex. */
static int setup_store(void **state)
{
	struct fx *fx;
	struct nc_errinfo ei = { 0 };

	if (setup_dir(state) != 0)
		return -1;
	fx = *state;
	if (nc_store_open_sqlite(fx->path, &fx->st, &ei) != 0) {
		fprintf(stderr, "open: %s\n", ei.msg);
		return -1;
	}
	add_tenant(fx->st, "acme");
	add_tenant(fx->st, "globex");
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

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The whole file, heap. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t raw_int(const char *path, const char *sql)
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

/*
 * Opening fx->path must fail with err and a message containing msg, and
 * leave the file byte for byte as it was, with no journal beside it.
 */
static void assert_refused_unchanged(struct fx *fx, int err, const char *msg)
{
	struct nc_errinfo ei = { 0 };
	struct nc_store *st = NULL;
	char side[700];
	char *before, *after;
	size_t n_before, n_after;

	before = slurp(fx->path, &n_before);
	assert_int_equal(nc_store_open_sqlite(fx->path, &st, &ei), err);
	assert_null(st);
	assert_contains(ei.msg, msg);
	after = slurp(fx->path, &n_after);
	assert_int_equal(n_before, n_after);
	assert_memory_equal(before, after, n_before);
	snprintf(side, sizeof(side), "%s-journal", fx->path);
	assert_false(exists(side));
	snprintf(side, sizeof(side), "%s-wal", fx->path);
	assert_false(exists(side));
	snprintf(side, sizeof(side), "%s-shm", fx->path);
	assert_false(exists(side));
	free(before);
	free(after);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Opening, identity, refusals */

static void test_open_new_store(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_tenant t;
	struct stat sb;
	int version = 0;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_schema_version(fx->st, &version), 0);
	assert_int_equal(version, NC_STORE_SCHEMA_VERSION);
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	add_tenant(fx->st, "acme");
	nc_store_close(fx->st);
	fx->st = NULL;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "acme", &t), 0);
	assert_string_equal(t.name, "Tenant acme");
	assert_true(t.created_at > 0);
	assert_int_equal(nc_store_schema_version(fx->st, &version), 0);
	assert_int_equal(version, NC_STORE_SCHEMA_VERSION);
}

static void test_migrations_set_identity(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), NC_STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path, "PRAGMA application_id"), NC_STORE_SQLITE_APP_ID);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				 " AND name IN ('tenants', 'tokens', 'devices', 'edges',"
				 " 'connectors', 'peerings', 'members', 'links', 'sync', 'addrs',"
				 " 'meta')"),
			 11);

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* A store of schema version 1 (before meta) is brought to the current
 * version on open, its rows kept; the new table works at once. */
static void test_migrate_from_v1(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_tenant t;
	int64_t v = 0;
	int version = 0;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	add_tenant(fx->st, "acme");
	nc_store_close(fx->st);
	fx->st = NULL;
	raw_exec(fx->path, "DROP TABLE tunnels; DROP TABLE certs; DROP TABLE meta;"
			   " ALTER TABLE connectors DROP COLUMN endpoint;"
			   " ALTER TABLE devices DROP COLUMN pending_key; PRAGMA user_version = 1;");
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'"),
			 0);

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_schema_version(fx->st, &version), 0);
	assert_int_equal(version, NC_STORE_SCHEMA_VERSION);
	assert_int_equal(nc_store_tenant_get(fx->st, "acme", &t), 0);
	assert_int_equal(nc_store_meta_get(fx->st, NC_STORE_META_EVENT_BLOCK, &v),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_meta_put(fx->st, NC_STORE_META_EVENT_BLOCK, 1), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), NC_STORE_SCHEMA_VERSION);
	assert_int_equal(raw_int(fx->path, "SELECT value FROM meta WHERE name = 'event_block'"),
			 1);
}

static void new_connector(struct nc_store *st, const char *tenant, const char *serial,
			  const char *hub, int expect);

/* A store of schema version 2 (connectors without an endpoint) keeps its connectors, with
 * none, and takes endpoints after the migration. */
static void test_migrate_from_v2(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_connector c = { 0 };

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	add_tenant(fx->st, "acme");
	new_connector(fx->st, "acme", "CN-1", NULL, 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	raw_exec(fx->path, "DROP TABLE tunnels; DROP TABLE certs;"
			   " ALTER TABLE connectors DROP COLUMN endpoint;"
			   " ALTER TABLE devices DROP COLUMN pending_key; PRAGMA user_version = 2;");

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.name, "branch CN-1");
	assert_string_equal(c.endpoint, "");
	snprintf(c.endpoint, sizeof(c.endpoint), "198.51.100.7:51822");
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.endpoint, "198.51.100.7:51822");
	nc_connector_clear(&c);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), NC_STORE_SCHEMA_VERSION);
}

/* A store of schema version 3 (no held keys) keeps its devices' keys; a key
 * is then held beside the one in use, and recording a key clears it. */
static void test_migrate_from_v3(void **state)
{
	static const char k1[] = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=";
	static const char k2[] = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=";
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_connector c = { 0 };

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	add_tenant(fx->st, "acme");
	new_connector(fx->st, "acme", "CN-1", NULL, 0);
	assert_int_equal(nc_store_device_touch(fx->st, "CN-1", k1, 0), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	raw_exec(fx->path, "DROP TABLE tunnels; DROP TABLE certs;"
			   " ALTER TABLE devices DROP COLUMN pending_key; PRAGMA user_version = 3;");

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.public_key, k1);
	assert_string_equal(c.pending_key, "");
	nc_connector_clear(&c);
	assert_int_equal(nc_store_device_hold_key(fx->st, "CN-1", k2), 0);
	assert_int_equal(nc_store_device_hold_key(fx->st, "CN-X", k2), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.public_key, k1);
	assert_string_equal(c.pending_key, k2);
	nc_connector_clear(&c);
	/* A last-seen touch leaves the held key; a key recorded clears it. */
	assert_int_equal(nc_store_device_touch(fx->st, "CN-1", NULL, 100), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.pending_key, k2);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_device_touch(fx->st, "CN-1", k2, 0), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-1", &c), 0);
	assert_string_equal(c.public_key, k2);
	assert_string_equal(c.pending_key, "");
	nc_connector_clear(&c);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), NC_STORE_SCHEMA_VERSION);
}

static void test_refuse_text_file(void **state)
{
	struct fx *fx = *state;

	write_file(fx->path, "hello", 5);
	assert_refused_unchanged(fx, NC_ERR_STORE, "is not a SQLite database (or is corrupt)");
}

static void test_refuse_random_bytes(void **state)
{
	struct fx *fx = *state;
	unsigned char buf[8192];
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	write_file(fx->path, buf, sizeof(buf));
	assert_refused_unchanged(fx, NC_ERR_STORE, "refusing to touch it");
}

static void test_refuse_other_application(void **state)
{
	struct fx *fx = *state;

	raw_exec(fx->path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
			   "INSERT INTO notes (body) VALUES ('keep me');");
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, "belongs to another application");
}

static void test_refuse_other_application_id(void **state)
{
	struct fx *fx = *state;

	raw_exec(fx->path, "PRAGMA application_id = 1234; CREATE TABLE t (x);");
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, "belongs to another application");
}

static void test_refuse_newer_schema(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	char sql[64], msg[128];

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	add_tenant(fx->st, "acme");
	nc_store_close(fx->st);
	fx->st = NULL;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", NC_STORE_SCHEMA_VERSION + 1);
	raw_exec(fx->path, sql);
	snprintf(msg, sizeof(msg),
		 "store schema version %d is newer than this netctl supports (%d): upgrade netctl",
		 NC_STORE_SCHEMA_VERSION + 1, NC_STORE_SCHEMA_VERSION);
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, msg);
}

static void test_refuse_absent_directory(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	char dir[600], path[700];

	snprintf(dir, sizeof(dir), "%s/missing", fx->dir);
	snprintf(path, sizeof(path), "%s/netctl.db", dir);
	assert_int_equal(nc_store_open_sqlite(path, &fx->st, &ei), NC_ERR_IO);
	assert_null(fx->st);
	assert_contains(ei.msg, path);
	assert_contains(ei.msg, strerror(ENOENT));
	assert_false(exists(dir));
}

/* A committed write survives the process being killed right after. */
static void test_commit_survives_sigkill(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_tenant t;
	int status = 0;
	pid_t pid;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nc_store *st = NULL;
		struct nc_tenant nt = { .id = "survivor", .name = "Survivor" };

		if (nc_store_open_sqlite(fx->path, &st, NULL) != 0 ||
		    nc_store_tenant_insert(st, &nt) != 0)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "survivor", &t), 0);
}

/* Objects */

static void new_edge(struct nc_store *st, const char *tenant, const char *serial,
		     enum nc_edge_kind kind, int expect)
{
	struct nc_edge e = { .kind = kind };

	snprintf(e.serial, sizeof(e.serial), "%s", serial);
	snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
	snprintf(e.name, sizeof(e.name), "edge %s", serial);
	snprintf(e.region, sizeof(e.region), "eu-west");
	snprintf(e.endpoint, sizeof(e.endpoint), "192.0.2.1:51820");
	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	assert_int_equal(nc_store_edge_insert(st, &e), expect);
	nc_edge_clear(&e);
}

static void new_connector(struct nc_store *st, const char *tenant, const char *serial,
			  const char *hub, int expect)
{
	struct nc_connector c = { .status = NC_STATUS_PENDING_APPROVAL };

	snprintf(c.serial, sizeof(c.serial), "%s", serial);
	snprintf(c.tenant, sizeof(c.tenant), "%s", tenant);
	snprintf(c.name, sizeof(c.name), "branch %s", serial);
	snprintf(c.region, sizeof(c.region), "eu-west");
	snprintf(c.hub_edge, sizeof(c.hub_edge), "%s", hub ? hub : "");
	assert_int_equal(nc_store_connector_insert(st, &c), expect);
	nc_connector_clear(&c);
}

static void new_peering(struct nc_store *st, const char *tenant, const char *name,
			enum nc_topology topo, const char *hub, int expect)
{
	struct nc_peering p = { .topology = topo, .protocol = NC_PROTO_WIREGUARD };

	snprintf(p.tenant, sizeof(p.tenant), "%s", tenant);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	assert_int_equal(nc_store_peering_insert(st, &p), expect);
}

static void new_member(struct nc_store *st, const char *tenant, const char *peering,
		       const char *serial, int expect)
{
	struct nc_member m = { 0 };

	snprintf(m.tenant, sizeof(m.tenant), "%s", tenant);
	snprintf(m.peering, sizeof(m.peering), "%s", peering);
	snprintf(m.serial, sizeof(m.serial), "%s", serial);
	assert_int_equal(nc_store_member_insert(st, &m), expect);
}

static void new_link(struct nc_store *st, const char *tenant, const char *peering, const char *a,
		     const char *b, int tunnel, int expect)
{
	struct nc_link l = { .tunnel_index = tunnel };

	snprintf(l.tenant, sizeof(l.tenant), "%s", tenant);
	snprintf(l.peering, sizeof(l.peering), "%s", peering);
	snprintf(l.a, sizeof(l.a), "%s", a);
	snprintf(l.b, sizeof(l.b), "%s", b);
	assert_int_equal(nc_store_link_insert(st, &l), expect);
}

static void new_sync(struct nc_store *st, const char *serial, const char *tenant,
		     enum nc_sync_state state, int64_t seq, int expect)
{
	struct nc_sync s = { .state = state, .seq = seq };

	snprintf(s.serial, sizeof(s.serial), "%s", serial);
	snprintf(s.tenant, sizeof(s.tenant), "%s", tenant);
	assert_int_equal(nc_store_sync_put(st, &s), expect);
}

static void test_tenants(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t = { .id = "acme", .name = "Again" };
	struct nc_tenant *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_tenant_insert(fx->st, &t), NC_ERR_EXISTS);
	assert_int_equal(nc_store_tenant_get(fx->st, "nobody", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_tenant_get(fx->st, "acme", &t), 0);
	assert_string_equal(t.name, "Tenant acme");
	assert_int_equal(nc_store_tenant_list(fx->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "acme");
	assert_string_equal(v[1].id, "globex");
	free(v);
}

static void test_tokens(void **state)
{
	struct fx *fx = *state;
	struct nc_token t = { .id = "tok-admin", .name = "bootstrap", .role = NC_ROLE_ADMIN,
			      .hash = "aa11", .expires_at = 0 };
	struct nc_token got, *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_token_insert(fx->st, &t), 0);
	t = (struct nc_token){ .id = "tok-ci", .name = "ci", .role = NC_ROLE_OPERATOR,
			       .tenant = "acme", .hash = "bb22", .expires_at = 4102444800 };
	assert_int_equal(nc_store_token_insert(fx->st, &t), 0);
	snprintf(t.id, sizeof(t.id), "tok-other");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_EXISTS);	/* same hash */
	snprintf(t.hash, sizeof(t.hash), "cc33");
	snprintf(t.tenant, sizeof(t.tenant), "nobody");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_NOTFOUND);
	snprintf(t.id, sizeof(t.id), "tok-ci");
	snprintf(t.tenant, sizeof(t.tenant), "acme");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_EXISTS);	/* same id */

	assert_int_equal(nc_store_token_get_by_hash(fx->st, "bb22", &got), 0);
	assert_string_equal(got.id, "tok-ci");
	assert_string_equal(got.tenant, "acme");
	assert_int_equal(got.role, NC_ROLE_OPERATOR);
	assert_int_equal(got.expires_at, 4102444800);
	assert_false(got.revoked);
	assert_int_equal(nc_store_token_get(fx->st, "tok-admin", &got), 0);
	assert_string_equal(got.tenant, "");
	assert_int_equal(got.role, NC_ROLE_ADMIN);
	assert_true(got.created_at > 0);
	assert_int_equal(nc_store_token_get_by_hash(fx->st, "zz", &got), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_token_list(fx->st, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "tok-admin");
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "acme", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "tok-ci");
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "globex", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);

	assert_int_equal(nc_store_token_revoke(fx->st, "tok-ci"), 0);
	assert_int_equal(nc_store_token_get(fx->st, "tok-ci", &got), 0);
	assert_true(got.revoked);
	assert_int_equal(nc_store_token_revoke(fx->st, "nope"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_token_count(fx->st, &n), 0);
	assert_int_equal(n, 2);
}

static void test_edges(void **state)
{
	struct fx *fx = *state;
	struct nc_edge e, *v = NULL;
	struct nc_edge_filter f = { .tenant = NULL, .kind = NC_EDGE_MTGE, .region = NULL };
	enum nc_device_type type;
	char owner[NC_ID_MAX];
	size_t n = 0;

	new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	new_edge(fx->st, "globex", "EDGE-1", NC_EDGE_DEDICATED, NC_ERR_EXISTS);
	new_edge(fx->st, "nobody", "EDGE-9", NC_EDGE_DEDICATED, NC_ERR_NOTFOUND);
	new_edge(fx->st, "globex", "MTGE-1", NC_EDGE_MTGE, 0);

	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.name, "edge EDGE-1");
	assert_int_equal(e.kind, NC_EDGE_DEDICATED);
	assert_string_equal(e.endpoint, "192.0.2.1:51820");
	assert_int_equal(e.lan_subnets.n, 1);
	assert_string_equal(e.lan_subnets.v[0], "10.10.0.0/16");
	assert_true(e.created_at > 0 && e.updated_at >= e.created_at);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_edge_get(fx->st, "globex", "EDGE-1", &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-1", &e), 0);
	nc_edge_clear(&e);

	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "MTGE-1", &type, owner), 0);
	assert_int_equal(type, NC_DEVICE_EDGE);
	assert_string_equal(owner, "globex");
	assert_int_equal(nc_store_device_lookup(fx->st, "acme", "MTGE-1", &type, owner),
			 NC_ERR_NOTFOUND);

	/* update: every field but the identity, key and times given by the device */
	e = (struct nc_edge){ .serial = "EDGE-1", .tenant = "acme", .name = "dc-1",
			      .kind = NC_EDGE_MTGE, .region = "us-east",
			      .endpoint = "192.0.2.9:51820", .updated_at = 42 };
	assert_int_equal(nc_store_device_touch(fx->st, "EDGE-1", "PUBKEY", 1000), 0);
	assert_int_equal(nc_store_edge_update(fx->st, &e), 0);
	snprintf(e.tenant, sizeof(e.tenant), "globex");
	assert_int_equal(nc_store_edge_update(fx->st, &e), NC_ERR_NOTFOUND);
	snprintf(e.serial, sizeof(e.serial), "EDGE-404");
	e.tenant[0] = '\0';
	assert_int_equal(nc_store_edge_update(fx->st, &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.name, "dc-1");
	assert_int_equal(e.kind, NC_EDGE_MTGE);
	assert_string_equal(e.region, "us-east");
	assert_int_equal(e.lan_subnets.n, 0);
	assert_string_equal(e.public_key, "PUBKEY");
	assert_int_equal(e.last_seen, 1000);
	assert_int_equal(e.updated_at, 42);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_device_touch(fx->st, "EDGE-1", NULL, 0), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.public_key, "PUBKEY");
	assert_int_equal(e.last_seen, 1000);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_device_touch(fx->st, "NOPE", "K", 1), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_edge_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	nc_edge_array_free(v, n);
	f.tenant = "globex";
	assert_int_equal(nc_store_edge_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].serial, "MTGE-1");
	nc_edge_array_free(v, n);

	assert_int_equal(nc_store_edge_delete(fx->st, "globex", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "EDGE-1", &type, owner),
			 NC_ERR_NOTFOUND);
	/* the serial is free again, for either kind */
	new_connector(fx->st, "globex", "EDGE-1", NULL, 0);
}

static void test_connectors(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c;
	size_t counts[6];
	enum nc_device_type type;

	new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	new_edge(fx->st, "globex", "EDGE-G", NC_EDGE_MTGE, 0);
	new_connector(fx->st, "acme", "CN-0001", "EDGE-1", 0);
	new_connector(fx->st, "acme", "CN-0002", NULL, 0);
	new_connector(fx->st, "acme", "EDGE-1", NULL, NC_ERR_EXISTS);	/* an edge has it */
	new_connector(fx->st, "globex", "CN-0001", NULL, NC_ERR_EXISTS);
	/* The store leaves the tenant of a hub to the core: an MTGE serves several. */
	new_connector(fx->st, "acme", "CN-0009", "EDGE-G", 0);
	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0009"), 0);
	new_connector(fx->st, "acme", "CN-0003", "EDGE-404", NC_ERR_NOTFOUND);
	new_connector(fx->st, "acme", "CN-0003", "CN-0002", NC_ERR_NOTFOUND);	/* not an edge */
	new_connector(fx->st, "nobody", "CN-0003", NULL, NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-0003", &type, NULL),
			 NC_ERR_NOTFOUND);
	new_edge(fx->st, "acme", "CN-0001", NC_EDGE_DEDICATED, NC_ERR_EXISTS);

	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-0001", &c), 0);
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_int_equal(c.status, NC_STATUS_PENDING_APPROVAL);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_connector_get(fx->st, "globex", "CN-0001", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "EDGE-1", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_delete(fx->st, "globex", "CN-0001"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_delete(fx->st, NULL, "EDGE-1"), NC_ERR_NOTFOUND);

	/* update moves the hub, leaves the status */
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0002", NC_STATUS_APPROVED), 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-404", NC_STATUS_APPROVED),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-0002", &c), 0);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-1");
	snprintf(c.name, sizeof(c.name), "renamed");
	c.status = NC_STATUS_DECOMMISSIONED;
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-404");
	assert_int_equal(nc_store_connector_update(fx->st, &c), NC_ERR_NOTFOUND);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-0002", &c), 0);
	assert_string_equal(c.name, "renamed");
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_int_equal(c.status, NC_STATUS_APPROVED);
	nc_connector_clear(&c);

	assert_int_equal(nc_store_connector_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_STATUS_PENDING_APPROVAL], 1);
	assert_int_equal(counts[NC_STATUS_APPROVED], 1);
	assert_int_equal(counts[NC_STATUS_ACTIVE], 0);
	assert_int_equal(nc_store_connector_count(fx->st, "globex", counts), 0);
	assert_int_equal(counts[NC_STATUS_PENDING_APPROVAL] + counts[NC_STATUS_APPROVED], 0);

	/* an edge that is a hub cannot go; once no connector names it, it can */
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0001"), 0);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-0002", &c), 0);
	c.hub_edge[0] = '\0';
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	new_peering(fx->st, "acme", "hubbed", NC_TOPO_HUB_SPOKE, "EDGE-1", 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "hubbed"), 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
}

static void test_peerings_members_links(void **state)
{
	struct fx *fx = *state;
	struct nc_peering p;
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	struct nc_link ipsec = { .tenant = "acme", .peering = "mesh", .a = "CN-0002",
				 .b = "EDGE-1", .spi_ab = 0x1001, .spi_ba = 0x1002,
				 .key_ab = "00ff", .key_ba = "ff00" };
	size_t n = 0;
	int used = -1;

	new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	new_edge(fx->st, "acme", "EDGE-2", NC_EDGE_DEDICATED, 0);
	new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	new_connector(fx->st, "acme", "CN-0002", NULL, 0);
	new_connector(fx->st, "globex", "CN-G", NULL, 0);

	new_peering(fx->st, "acme", "mesh", NC_TOPO_PARTIAL_MESH, NULL, 0);
	new_peering(fx->st, "acme", "mesh", NC_TOPO_MESH, NULL, NC_ERR_EXISTS);
	new_peering(fx->st, "globex", "mesh", NC_TOPO_MESH, NULL, 0);
	new_peering(fx->st, "acme", "spokes", NC_TOPO_HUB_SPOKE, "CN-0001", NC_ERR_NOTFOUND);
	new_peering(fx->st, "nobody", "x", NC_TOPO_MESH, NULL, NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "mesh", &p), 0);
	assert_int_equal(p.topology, NC_TOPO_PARTIAL_MESH);
	assert_string_equal(p.hub, "");
	assert_int_equal(nc_store_peering_get(fx->st, NULL, "mesh", &p), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_peering_get(fx->st, "globex", "nope", &p), NC_ERR_NOTFOUND);
	p = (struct nc_peering){ .tenant = "acme", .name = "mesh", .topology = NC_TOPO_PARTIAL_MESH,
				 .protocol = NC_PROTO_IPSEC, .dual_tunnel = true,
				 .hub = "EDGE-2" };
	assert_int_equal(nc_store_peering_update(fx->st, &p), 0);
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "mesh", &p), 0);
	assert_int_equal(p.protocol, NC_PROTO_IPSEC);
	assert_true(p.dual_tunnel);
	assert_string_equal(p.hub, "EDGE-2");
	snprintf(p.hub, sizeof(p.hub), "EDGE-404");
	assert_int_equal(nc_store_peering_update(fx->st, &p), NC_ERR_NOTFOUND);
	snprintf(p.tenant, sizeof(p.tenant), "globex");
	p.hub[0] = '\0';
	snprintf(p.name, sizeof(p.name), "absent");
	assert_int_equal(nc_store_peering_update(fx->st, &p), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_peering_delete(fx->st, NULL, "mesh"), NC_ERR_INVAL);

	new_member(fx->st, "acme", "mesh", "EDGE-1", 0);
	new_member(fx->st, "acme", "mesh", "CN-0001", 0);
	new_member(fx->st, "acme", "mesh", "CN-0002", 0);
	new_member(fx->st, "acme", "mesh", "CN-0002", NC_ERR_EXISTS);
	new_member(fx->st, "acme", "mesh", "CN-404", NC_ERR_NOTFOUND);
	new_member(fx->st, "acme", "mesh", "CN-G", NC_ERR_NOTFOUND);	/* other tenant's */
	new_member(fx->st, "acme", "absent", "CN-0001", NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "mesh", &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].serial, "CN-0001");
	assert_int_equal(m[0].type, NC_DEVICE_CONNECTOR);
	assert_string_equal(m[2].serial, "EDGE-1");
	assert_int_equal(m[2].type, NC_DEVICE_EDGE);
	free(m);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "absent", &m, &n), 0);
	assert_int_equal(n, 0);

	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-1", 0, 0);
	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-1", 0, NC_ERR_EXISTS);
	new_link(fx->st, "acme", "mesh", "EDGE-1", "CN-0001", 0, NC_ERR_INVAL);
	new_link(fx->st, "acme", "mesh", "EDGE-1", "EDGE-1", 0, NC_ERR_INVAL);
	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-2", 0, NC_ERR_NOTFOUND);
	new_link(fx->st, "acme", "mesh", "CN-0001", "CN-0002", 2, NC_ERR_INVAL);
	assert_int_equal(nc_store_link_insert(fx->st, &ipsec), 0);
	ipsec.tunnel_index = 1;
	ipsec.spi_ab = 0x2001;
	ipsec.spi_ba = 0x2002;
	assert_int_equal(nc_store_link_insert(fx->st, &ipsec), 0);

	assert_int_equal(nc_store_link_list(fx->st, "acme", "mesh", &l, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].a, "CN-0001");
	assert_string_equal(l[1].a, "CN-0002");
	assert_int_equal(l[1].tunnel_index, 0);
	assert_int_equal(l[1].spi_ab, 0x1001);
	assert_string_equal(l[1].key_ba, "ff00");
	assert_int_equal(l[2].tunnel_index, 1);
	assert_int_equal(l[2].status, NC_LINK_UNKNOWN);
	free(l);
	assert_int_equal(nc_store_link_list_by_device(fx->st, "EDGE-1", &l, &n), 0);
	assert_int_equal(n, 3);
	free(l);
	assert_int_equal(nc_store_link_list_by_device(fx->st, "CN-0001", &l, &n), 0);
	assert_int_equal(n, 1);
	free(l);
	assert_int_equal(nc_store_member_list_by_device(fx->st, "EDGE-1", &m, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].peering, "mesh");
	free(m);

	assert_int_equal(nc_store_link_set_status(fx->st, "acme", "mesh", "CN-0002", "EDGE-1", 1,
						  NC_LINK_UP),
			 0);
	assert_int_equal(nc_store_link_set_status(fx->st, "acme", "mesh", "CN-0002", "EDGE-2", 1,
						  NC_LINK_UP),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_spi_used(fx->st, "acme", 0x2002, &used), 0);
	assert_int_equal(used, 1);
	assert_int_equal(nc_store_spi_used(fx->st, "globex", 0x2002, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(nc_store_spi_used(fx->st, NULL, 0x1001, &used), 0);
	assert_int_equal(used, 1);
	assert_int_equal(nc_store_spi_used(fx->st, NULL, 0x3003, &used), 0);
	assert_int_equal(used, 0);

	/* removing a link removes both tunnels */
	assert_int_equal(nc_store_link_delete(fx->st, "acme", "mesh", "CN-0002", "EDGE-1"), 0);
	assert_int_equal(nc_store_link_delete(fx->st, "acme", "mesh", "CN-0002", "EDGE-1"),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "mesh", &l, &n), 0);
	assert_int_equal(n, 1);
	free(l);

	/* deleting a member removes its links */
	assert_int_equal(nc_store_member_delete(fx->st, "acme", "mesh", "EDGE-1"), 0);
	assert_int_equal(nc_store_member_delete(fx->st, "acme", "mesh", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "mesh", &l, &n), 0);
	assert_int_equal(n, 0);

	/* deleting the peering removes members and links */
	new_member(fx->st, "acme", "mesh", "EDGE-1", 0);
	new_link(fx->st, "acme", "mesh", "CN-0001", "CN-0002", 0, 0);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "mesh"), 0);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "mesh"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_member_list_by_device(fx->st, "CN-0001", &m, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_link_list_by_device(fx->st, "CN-0001", &l, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_peering_get(fx->st, NULL, "mesh", &p), 0);
	assert_string_equal(p.tenant, "globex");
}

/* Deleting a device takes its memberships, links and sync state with it. */
static void test_device_delete_cascades(void **state)
{
	struct fx *fx = *state;
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	struct nc_sync s;
	size_t n = 0;

	new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	new_edge(fx->st, "acme", "EDGE-2", NC_EDGE_DEDICATED, 0);
	new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	new_peering(fx->st, "acme", "p1", NC_TOPO_MESH, NULL, 0);
	new_peering(fx->st, "acme", "p2", NC_TOPO_PARTIAL_MESH, NULL, 0);
	new_member(fx->st, "acme", "p1", "EDGE-1", 0);
	new_member(fx->st, "acme", "p1", "EDGE-2", 0);
	new_member(fx->st, "acme", "p1", "CN-0001", 0);
	new_member(fx->st, "acme", "p2", "CN-0001", 0);
	new_member(fx->st, "acme", "p2", "EDGE-2", 0);
	new_link(fx->st, "acme", "p1", "CN-0001", "EDGE-1", 0, 0);
	new_link(fx->st, "acme", "p1", "CN-0001", "EDGE-2", 0, 0);
	new_link(fx->st, "acme", "p1", "EDGE-1", "EDGE-2", 0, 0);
	new_link(fx->st, "acme", "p1", "EDGE-1", "EDGE-2", 1, 0);
	new_link(fx->st, "acme", "p2", "CN-0001", "EDGE-2", 0, 0);
	new_sync(fx->st, "CN-0001", "acme", NC_SYNC_PENDING, 1, 0);
	new_sync(fx->st, "EDGE-1", "acme", NC_SYNC_PENDING, 1, 0);
	new_sync(fx->st, "EDGE-1", "globex", NC_SYNC_SYNCED, 3, 0);

	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0001"), 0);
	assert_int_equal(nc_store_member_list_by_device(fx->st, "CN-0001", &m, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "p1", &l, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].a, "EDGE-1");
	free(l);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "p2", &l, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-0001", "acme", &s), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "p1", &l, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "p1", &m, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].serial, "EDGE-2");
	free(m);
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", NULL, &s), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", "globex", &s), NC_ERR_NOTFOUND);
}

/* Transactions */

static void test_rollback_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t;
	struct nc_edge e;
	struct nc_connector c;

	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "initech");
	new_edge(fx->st, "initech", "EDGE-I", NC_EDGE_DEDICATED, 0);
	new_connector(fx->st, "initech", "CN-I", "EDGE-I", 0);
	new_sync(fx->st, "CN-I", "initech", NC_SYNC_PENDING, 0, 0);
	new_connector(fx->st, "initech", "CN-I", NULL, NC_ERR_EXISTS);	/* the failing one */
	nc_store_rollback(fx->st);

	assert_int_equal(nc_store_tenant_get(fx->st, "initech", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-I", &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-I", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-I", NULL, NULL),
			 NC_ERR_NOTFOUND);

	/* a failed two-row insert outside a transaction leaves no device row */
	new_connector(fx->st, "acme", "CN-X", "EDGE-404", NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-X", NULL, NULL),
			 NC_ERR_NOTFOUND);
}

static void test_nested_savepoint(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t;

	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "outer");
	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "inner");
	new_edge(fx->st, "inner", "EDGE-IN", NC_EDGE_DEDICATED, 0);
	nc_store_rollback(fx->st);
	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "kept");
	assert_int_equal(nc_store_commit(fx->st), 0);
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_tenant_get(fx->st, "outer", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "kept", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "inner", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "EDGE-IN", NULL, NULL),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_commit(fx->st), NC_ERR_INTERNAL);	/* nothing open */

	/* an outer rollback undoes committed inner levels too */
	assert_int_equal(nc_store_begin(fx->st), 0);
	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "gone");
	assert_int_equal(nc_store_commit(fx->st), 0);
	nc_store_rollback(fx->st);
	assert_int_equal(nc_store_tenant_get(fx->st, "gone", &t), NC_ERR_NOTFOUND);
}

struct racer {
	struct nc_store *st;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started;
	int ret;
};

static void *race_insert(void *arg)
{
	struct racer *r = arg;
	struct nc_tenant t = { .id = "racer", .name = "Racer" };

	pthread_mutex_lock(&r->mu);
	r->started = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	r->ret = nc_store_tenant_insert(r->st, &t);
	return NULL;
}

/*
 * Another thread's call waits for an open transaction to end: had it run
 * inside it (same connection), the rollback would have undone its insert.
 */
static void test_transaction_holds_other_threads(void **state)
{
	struct fx *fx = *state;
	struct racer r = { .st = fx->st, .ret = -100 };
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct nc_tenant t;
	pthread_t th;

	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	assert_int_equal(nc_store_begin(fx->st), 0);
	add_tenant(fx->st, "mine");
	assert_int_equal(pthread_create(&th, NULL, race_insert, &r), 0);
	pthread_mutex_lock(&r.mu);
	while (!r.started)
		pthread_cond_wait(&r.cv, &r.mu);
	pthread_mutex_unlock(&r.mu);
	nanosleep(&pause, NULL);	/* give the racer a chance to barge in */
	nc_store_rollback(fx->st);
	pthread_join(th, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "racer", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "mine", &t), NC_ERR_NOTFOUND);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
}

/* Paging and filters */

#define N_PAGED 250

static void add_paged_connectors(struct nc_store *st)
{
	struct nc_connector c = { 0 };

	new_edge(st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	assert_int_equal(nc_store_begin(st), 0);
	for (int i = 1; i <= N_PAGED; i++) {
		memset(&c, 0, sizeof(c));
		snprintf(c.serial, sizeof(c.serial), "CN-%04d", i);
		snprintf(c.tenant, sizeof(c.tenant), "acme");
		if (i % 10 == 0)
			snprintf(c.name, sizeof(c.name), "HQ_%d", i);
		else
			snprintf(c.name, sizeof(c.name), "Branch-%04d", i);
		snprintf(c.region, sizeof(c.region), "%s", i % 2 ? "eu-west" : "us-east");
		if (i % 5 == 0)
			snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-1");
		c.status = (enum nc_status)(i % 3);
		assert_int_equal(nc_store_connector_insert(st, &c), 0);
	}
	assert_int_equal(nc_store_commit(st), 0);
	new_connector(st, "globex", "CN-G001", NULL, 0);
}

static size_t count_all(struct nc_store *st, const struct nc_connector_filter *f)
{
	struct nc_connector *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_connector_list(st, f, NULL, &v, &n), 0);
	nc_connector_array_free(v, n);
	return n;
}

static void test_paging(void **state)
{
	struct fx *fx = *state;
	struct nc_connector_filter f = { .tenant = "acme", .status = -1 };
	struct nc_page pg = { .limit = 100 };
	struct nc_connector *v = NULL;
	size_t n = 0, total = 0, pages[4] = { 0 }, np = 0;

	add_paged_connectors(fx->st);
	do {
		assert_true(np < 4);
		assert_int_equal(nc_store_connector_list(fx->st, &f, &pg, &v, &n), 0);
		pages[np++] = n;
		for (size_t i = 0; i < n; i++) {
			char want[16];

			snprintf(want, sizeof(want), "CN-%04zu", total + i + 1);
			assert_string_equal(v[i].serial, want);
		}
		total += n;
		if (n)
			assert_true(!pg.next_cursor[0] ||
				    strcmp(pg.next_cursor, v[n - 1].serial) == 0);
		nc_connector_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(np, 3);
	assert_int_equal(pages[0], 100);
	assert_int_equal(pages[1], 100);
	assert_int_equal(pages[2], 50);

	/* limit 0 is the default page; a huge one is capped, here by the data */
	pg = (struct nc_page){ .limit = 0 };
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &v, &n), 0);
	assert_int_equal(n, NC_PAGE_DEFAULT);
	assert_string_equal(pg.next_cursor, "CN-0100");
	nc_connector_array_free(v, n);
	pg = (struct nc_page){ .limit = 100000 };
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &v, &n), 0);
	assert_int_equal(n, N_PAGED + 1);
	assert_string_equal(pg.next_cursor, "");
	nc_connector_array_free(v, n);
}

static void test_filters(void **state)
{
	struct fx *fx = *state;
	struct nc_connector_filter f = { .status = -1 };
	struct nc_edge_filter ef = { .kind = -1 };
	struct nc_edge *ev = NULL;
	struct nc_page pg = { .limit = 7 };
	struct nc_connector *v = NULL;
	size_t n = 0, want;

	add_paged_connectors(fx->st);
	assert_int_equal(count_all(fx->st, &f), N_PAGED + 1);
	f.tenant = "globex";
	assert_int_equal(count_all(fx->st, &f), 1);
	f.tenant = "acme";
	assert_int_equal(count_all(fx->st, &f), N_PAGED);

	f.status = NC_STATUS_APPROVED;
	want = 0;
	for (int i = 1; i <= N_PAGED; i++)
		want += i % 3 == NC_STATUS_APPROVED;
	assert_int_equal(count_all(fx->st, &f), want);
	f.region = "us-east";
	want = 0;
	for (int i = 1; i <= N_PAGED; i++)
		want += i % 3 == NC_STATUS_APPROVED && i % 2 == 0;
	assert_int_equal(count_all(fx->st, &f), want);

	f = (struct nc_connector_filter){ .status = -1, .hub = "EDGE-1" };
	assert_int_equal(count_all(fx->st, &f), N_PAGED / 5);
	f.hub = "";
	assert_int_equal(count_all(fx->st, &f), N_PAGED - N_PAGED / 5 + 1);
	f.hub = NULL;

	f.name_contains = "bRANCH-01";	/* Branch-0101..0199 but the HQ_ ones */
	assert_int_equal(count_all(fx->st, &f), 90);
	f.name_contains = "_";		/* a literal underscore, not LIKE's wildcard */
	assert_int_equal(count_all(fx->st, &f), N_PAGED / 10);
	f.name_contains = "%";
	assert_int_equal(count_all(fx->st, &f), 0);
	f.name_contains = "hq_1";
	assert_int_equal(count_all(fx->st, &f), 11);	/* HQ_10 and HQ_100 to HQ_190 */

	/* filters and paging together */
	f = (struct nc_connector_filter){ .tenant = "acme", .status = -1, .hub = "EDGE-1" };
	want = 0;
	pg.cursor[0] = '\0';
	do {
		assert_int_equal(nc_store_connector_list(fx->st, &f, &pg, &v, &n), 0);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(v[i].hub_edge, "EDGE-1");
		want += n;
		nc_connector_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(want, N_PAGED / 5);

	new_edge(fx->st, "globex", "MTGE-1", NC_EDGE_MTGE, 0);
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 2);
	nc_edge_array_free(ev, n);
	ef.kind = NC_EDGE_MTGE;
	ef.region = "eu-west";
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].serial, "MTGE-1");
	nc_edge_array_free(ev, n);
	ef.region = "us-east";
	assert_int_equal(nc_store_edge_list(fx->st, &ef, NULL, &ev, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ev);
}

/* Every combination of the connector filters against a count made by hand
 * from how add_paged_connectors() built the rows. */
static void test_filter_combinations(void **state)
{
	struct fx *fx = *state;
	const char *tenants[] = { NULL, "acme" };
	const int statuses[] = { -1, NC_STATUS_APPROVED };
	const char *regions[] = { NULL, "eu-west" };
	const char *hubs[] = { NULL, "", "EDGE-1" };
	const char *names[] = { NULL, "BRANCH" };
	struct nc_connector_filter f;
	size_t want;

	add_paged_connectors(fx->st);
	for (int m = 0; m < 2 * 2 * 2 * 3 * 2; m++) {
		f = (struct nc_connector_filter){ .tenant = tenants[m % 2],
						  .status = statuses[m / 2 % 2],
						  .region = regions[m / 4 % 2],
						  .hub = hubs[m / 8 % 3],
						  .name_contains = names[m / 24 % 2] };
		/* globex's CN-G001: "branch CN-G001", eu-west, no hub, pending */
		want = !f.tenant && f.status < 0 && (!f.hub || !*f.hub);
		for (int i = 1; i <= N_PAGED; i++) {
			bool hub = i % 5 == 0;

			want += (f.status < 0 || i % 3 == f.status) && (!f.region || i % 2) &&
				(!f.hub || (*f.hub ? hub : !hub)) && (!f.name_contains || i % 10);
		}
		if (count_all(fx->st, &f) != want)
			fail_msg("filter %d: expected %zu connectors", m, want);
	}
}

/* Sync states */

#define BATCH "{\"v\":1,\"commands\":[{\"index\":0,\"topic\":\"wireguard\",\"body\":{}}]}"

static void test_sync_round_trip(void **state)
{
	struct fx *fx = *state;
	struct nc_sync s = { .serial = "MTGE-1", .tenant = "acme", .state = NC_SYNC_APPLYING,
			     .dirty_reason = "wireguard peer added", .seq = 42,
			     .sent_hash = "abc123", .confirmed_seq = 41,
			     .confirmed_hash = "abc122", .attempts = 2, .sent_at = 1700000000,
			     .confirmed_at = 1699999999, .updated_at = 1700000001 };
	struct nc_sync got = { 0 };
	struct nc_sync_filter f = { .tenant = NULL, .state = -1 };
	struct nc_page pg = { .limit = 1 };
	struct nc_sync *v = NULL;
	size_t n = 0, counts[4];

	new_edge(fx->st, "acme", "MTGE-1", NC_EDGE_MTGE, 0);
	new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	s.last_batch = BATCH;
	s.last_confirm = "{\"v\":1,\"status\":\"success\",\"failures\":[]}";
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	s.last_batch = NULL;
	s.last_confirm = NULL;
	snprintf(s.tenant, sizeof(s.tenant), "globex");	/* the MTGE serves globex too */
	s.state = NC_SYNC_SYNCED;
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	new_sync(fx->st, "CN-0001", "acme", NC_SYNC_PENDING, 0, 0);
	new_sync(fx->st, "CN-404", "acme", NC_SYNC_PENDING, 0, NC_ERR_NOTFOUND);
	new_sync(fx->st, "CN-0001", "nobody", NC_SYNC_PENDING, 0, NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_APPLYING);
	assert_string_equal(got.dirty_reason, "wireguard peer added");
	assert_int_equal(got.seq, 42);
	assert_string_equal(got.sent_hash, "abc123");
	assert_int_equal(got.confirmed_seq, 41);
	assert_string_equal(got.confirmed_hash, "abc122");
	assert_int_equal(got.attempts, 2);
	assert_int_equal(got.sent_at, 1700000000);
	assert_int_equal(got.confirmed_at, 1699999999);
	assert_int_equal(got.updated_at, 1700000001);
	assert_string_equal(got.last_batch, BATCH);
	assert_string_equal(got.last_confirm, "{\"v\":1,\"status\":\"success\",\"failures\":[]}");
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "globex", &got), 0);
	assert_null(got.last_batch);
	assert_null(got.last_confirm);
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", NULL, &got), 0);
	assert_string_equal(got.tenant, "acme");
	nc_sync_clear(&got);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-0001", "globex", &got), NC_ERR_NOTFOUND);

	/* put replaces the whole state */
	s = (struct nc_sync){ .serial = "MTGE-1", .tenant = "acme", .state = NC_SYNC_FAILED,
			      .fail_reason = "hash_mismatch", .seq = 43 };
	assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	assert_int_equal(nc_store_sync_get(fx->st, "MTGE-1", "acme", &got), 0);
	assert_int_equal(got.state, NC_SYNC_FAILED);
	assert_string_equal(got.fail_reason, "hash_mismatch");
	assert_string_equal(got.dirty_reason, "");
	assert_int_equal(got.seq, 43);
	assert_null(got.last_batch);
	assert_true(got.updated_at > 0);
	nc_sync_clear(&got);

	/* Counts leave out CN-0001: pending approval, it gets no configuration. */
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_FAILED], 1);
	assert_int_equal(counts[NC_SYNC_SYNCED], 1);
	assert_int_equal(counts[NC_SYNC_PENDING], 0);
	assert_int_equal(counts[NC_SYNC_APPLYING], 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0001", NC_STATUS_APPROVED), 0);
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], 1);
	assert_int_equal(nc_store_sync_count(fx->st, "globex", counts), 0);
	assert_int_equal(counts[NC_SYNC_SYNCED], 1);
	assert_int_equal(counts[NC_SYNC_FAILED], 0);

	/* keyset paging over (serial, tenant): "CN-0001:acme", "MTGE-1:acme", "MTGE-1:globex" */
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(pg.next_cursor, "CN-0001:acme");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_string_equal(v[0].serial, "MTGE-1");
	assert_string_equal(v[0].tenant, "acme");
	assert_string_equal(pg.next_cursor, "MTGE-1:acme");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
	assert_string_equal(v[0].tenant, "globex");
	assert_string_equal(pg.next_cursor, "");
	nc_sync_array_free(v, n);
	snprintf(pg.cursor, sizeof(pg.cursor), "no-colon");
	assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), NC_ERR_INVAL);

	f.state = NC_SYNC_PENDING;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].serial, "CN-0001");
	nc_sync_array_free(v, n);

	/* configured: a decommissioned connector's state is kept, not listed. */
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0001", NC_STATUS_DECOMMISSIONED),
			 0);
	f.configured = true;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 0);
	f = (struct nc_sync_filter){ .state = -1, .configured = true };
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].serial, "MTGE-1");
	nc_sync_array_free(v, n);
	f.configured = false;
	assert_int_equal(nc_store_sync_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 3);
	nc_sync_array_free(v, n);
	assert_int_equal(nc_store_sync_count(fx->st, NULL, counts), 0);
	assert_int_equal(counts[NC_SYNC_PENDING], 0);
}

#define N_FLEET 10000

static void test_sync_ten_thousand(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c = { .tenant = "acme", .name = "fleet", .status = NC_STATUS_ACTIVE };
	struct nc_sync s = { .tenant = "acme", .state = NC_SYNC_APPLYING };
	struct nc_sync_filter f = { .tenant = "acme", .state = -1 };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_sync *v = NULL;
	size_t n = 0, seen = 0, counts[4];
	char batch[64];

	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < N_FLEET; i++) {
		snprintf(c.serial, sizeof(c.serial), "FL%05d", i);
		assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_begin(fx->st), 0);
	for (int i = 0; i < N_FLEET; i++) {
		snprintf(s.serial, sizeof(s.serial), "FL%05d", i);
		snprintf(batch, sizeof(batch), "{\"seq\":%d}", i + 1);
		s.seq = i + 1;
		s.last_batch = batch;
		assert_int_equal(nc_store_sync_put(fx->st, &s), 0);
	}
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_sync_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_SYNC_APPLYING], N_FLEET);
	do {
		assert_int_equal(nc_store_sync_list(fx->st, &f, &pg, &v, &n), 0);
		for (size_t i = 0; i < n; i++) {
			snprintf(batch, sizeof(batch), "{\"seq\":%zu}", seen + i + 1);
			assert_int_equal(v[i].seq, (int64_t)(seen + i + 1));
			assert_string_equal(v[i].last_batch, batch);
		}
		seen += n;
		nc_sync_array_free(v, n);
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (pg.next_cursor[0]);
	assert_int_equal(seen, N_FLEET);
}

/* Lists stored as JSON come back exactly. */
static void test_lists_round_trip(void **state)
{
	struct fx *fx = *state;
	struct nc_acl_rule acl[] = {
		{ "drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22 },
		{ "accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0 },
		{ "reject", "udp", "::/0", "2001:db8::/32", 65535 },
	};
	struct nc_route routes[] = {
		{ "10.99.0.0/16", "192.168.10.1" },
		{ "2001:db8:1::/48", "fe80::1" },
	};
	struct nc_connector c = { .serial = "CN-L", .tenant = "acme", .name = "lists \"quoted\"",
				  .nat_enabled = true, .wan_interface = "eth0" };
	struct nc_connector got = { 0 };
	struct nc_edge e = { .serial = "EDGE-L", .tenant = "acme", .name = "e" }, ge = { 0 };

	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	nc_strlist_add(&c.lan_subnets, "192.168.11.0/24");
	nc_strlist_add(&c.lan_subnets, "fd00::/64");
	c.acl = acl;
	c.n_acl = 3;
	c.routes = routes;
	c.n_routes = 2;
	assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-L", &got), 0);
	assert_string_equal(got.name, "lists \"quoted\"");
	assert_true(got.nat_enabled);
	assert_string_equal(got.wan_interface, "eth0");
	assert_int_equal(got.lan_subnets.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(got.lan_subnets.v[i], c.lan_subnets.v[i]);
	assert_int_equal(got.n_acl, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(got.acl[i].action, acl[i].action);
		assert_string_equal(got.acl[i].proto, acl[i].proto);
		assert_string_equal(got.acl[i].src, acl[i].src);
		assert_string_equal(got.acl[i].dst, acl[i].dst);
		assert_int_equal(got.acl[i].dport, acl[i].dport);
	}
	assert_int_equal(got.n_routes, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(got.routes[i].dst, routes[i].dst);
		assert_string_equal(got.routes[i].via, routes[i].via);
	}
	nc_connector_clear(&got);

	/* emptied lists come back empty */
	c.n_acl = 0;
	c.n_routes = 0;
	nc_strlist_clear(&c.lan_subnets);
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-L", &got), 0);
	assert_string_equal(got.name, "lists \"quoted\"");
	assert_int_equal(got.lan_subnets.n, 0);
	assert_int_equal(got.n_acl, 0);
	assert_null(got.acl);
	assert_int_equal(got.n_routes, 0);
	assert_null(got.routes);
	nc_connector_clear(&got);

	/* a port that could not be read back is refused */
	c.n_acl = 1;
	acl[0].dport = 70000;
	assert_int_equal(nc_store_connector_update(fx->st, &c), NC_ERR_INVAL);
	c.n_acl = 0;

	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	nc_strlist_add(&e.lan_subnets, "10.20.0.0/16");
	assert_int_equal(nc_store_edge_insert(fx->st, &e), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-L", &ge), 0);
	assert_int_equal(ge.lan_subnets.n, 2);
	assert_string_equal(ge.lan_subnets.v[0], "10.10.0.0/16");
	assert_string_equal(ge.lan_subnets.v[1], "10.20.0.0/16");
	nc_edge_clear(&ge);
	nc_edge_clear(&e);
}

/* The list columns hold the text the store has always written, and read back that, a rule
 * without dport (as the API takes it) as dport 0; a list that does not decode is a store error
 * and leaves nothing behind. */
static void test_lists_stored_text(void **state)
{
	struct fx *fx = *state;
	struct nc_acl_rule acl[] = {
		{ "drop", "tcp", "0.0.0.0/0", "192.168.10.5/32", 22 },
		{ "accept", "any", "10.0.0.0/8", "192.168.10.0/24", 0 },
	};
	struct nc_route routes[] = { { "10.99.0.0/16", "192.168.10.1" } };
	struct nc_connector c = { .serial = "CN-T", .tenant = "acme", .name = "t", .acl = acl,
				  .n_acl = 2, .routes = routes, .n_routes = 1 };
	struct nc_connector got = { 0 };
	struct nc_edge e = { .serial = "EDGE-T", .tenant = "acme", .name = "e" };
	static const char *const damaged[] = {
		"UPDATE connectors SET acl = 'not json' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '{}' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '[{\"action\":\"drop\"}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET acl = '[{\"action\":\"drop\",\"proto\":\"any\","
		"\"src\":\"::/0\",\"dst\":\"::/0\",\"dport\":65536}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET routes = '[{\"dst\":\"10.0.0.0/8\",\"via\":\"10.0.0.1\","
		"\"metric\":1}]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET routes = '' WHERE serial = 'CN-T'",
		"UPDATE connectors SET lan_subnets = '[1]' WHERE serial = 'CN-T'",
		"UPDATE connectors SET lan_subnets = '[\"a\",\"a\"' WHERE serial = 'CN-T'",
	};

	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	assert_int_equal(nc_store_connector_insert(fx->st, &c), 0);
	assert_int_equal(raw_int(fx->path, "SELECT lan_subnets = '[\"192.168.10.0/24\"]'"
				 " FROM connectors WHERE serial = 'CN-T'"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT acl = '[{\"action\":\"drop\",\"proto\":\"tcp\","
				 "\"src\":\"0.0.0.0/0\",\"dst\":\"192.168.10.5/32\",\"dport\":22},"
				 "{\"action\":\"accept\",\"proto\":\"any\",\"src\":\"10.0.0.0/8\","
				 "\"dst\":\"192.168.10.0/24\",\"dport\":0}]'"
				 " FROM connectors WHERE serial = 'CN-T'"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT routes = '[{\"dst\":\"10.99.0.0/16\","
				 "\"via\":\"192.168.10.1\"}]'"
				 " FROM connectors WHERE serial = 'CN-T'"), 1);

	/* what existing databases hold (dport always written), here spaced out, reads back */
	raw_exec(fx->path, "UPDATE connectors SET acl = '[ {\"action\": \"drop\","
			   " \"proto\": \"udp\", \"src\": \"::/0\", \"dst\": \"fd00::/64\","
			   " \"dport\": 0} ]', lan_subnets = '[ ]' WHERE serial = 'CN-T'");
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-T", &got), 0);
	assert_int_equal(got.lan_subnets.n, 0);
	assert_int_equal(got.n_acl, 1);
	assert_string_equal(got.acl[0].dst, "fd00::/64");
	assert_int_equal(got.acl[0].dport, 0);
	nc_connector_clear(&got);

	/* the API's form without dport reads as 0 and is written back with it */
	raw_exec(fx->path, "UPDATE connectors SET acl = '[{\"action\":\"drop\","
			   "\"proto\":\"any\",\"src\":\"::/0\",\"dst\":\"::/0\"}]'"
			   " WHERE serial = 'CN-T'");
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-T", &got), 0);
	assert_int_equal(got.n_acl, 1);
	assert_int_equal(got.acl[0].dport, 0);
	assert_int_equal(nc_store_connector_update(fx->st, &got), 0);
	assert_int_equal(raw_int(fx->path, "SELECT acl = '[{\"action\":\"drop\",\"proto\":\"any\","
				 "\"src\":\"::/0\",\"dst\":\"::/0\",\"dport\":0}]'"
				 " FROM connectors WHERE serial = 'CN-T'"), 1);
	nc_connector_clear(&got);

	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
		raw_exec(fx->path, damaged[i]);
		if (nc_store_connector_get(fx->st, "acme", "CN-T", &got) != NC_ERR_STORE)
			fail_msg("`%s' was read", damaged[i]);
		assert_null(got.acl);
		assert_null(got.routes);
		assert_int_equal(got.lan_subnets.n, 0);
	}

	nc_strlist_add(&e.lan_subnets, "10.10.0.0/16");
	assert_int_equal(nc_store_edge_insert(fx->st, &e), 0);
	assert_int_equal(raw_int(fx->path, "SELECT lan_subnets = '[\"10.10.0.0/16\"]'"
				 " FROM edges WHERE serial = 'EDGE-T'"), 1);
	nc_strlist_clear(&c.lan_subnets);
	nc_edge_clear(&e);
}

/* Address pools hand out the lowest free index, keep it per owner, reuse a
 * released one, say when full, and keep tenants apart. */
static void test_addr_pools(void **state)
{
	struct fx *fx = *state;
	uint32_t i = 0;

	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-1", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-2", 2, 4, &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-1", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "globex", "bb:E1", "CN-9", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-3", 2, 4, &i), 0);
	assert_int_equal(i, 4);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i),
			 NC_ERR_RANGE);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "bb:E1", "CN-2"), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "bb:E1", NULL), 0);
	assert_int_equal(nc_store_addr_alloc(fx->st, "acme", "bb:E1", "CN-4", 2, 4, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(nc_store_addr_release(fx->st, "acme", "none", "CN-4"), 0);
}

/* Meta values: absent until put, replaced by a put, kept across a reopen,
 * inside a transaction undone by its rollback. */
/* Tunnel reports: replace makes a device's rows exactly the new ones, they
 * survive a reopen, and deleting the device takes them along. */
static void test_tunnels(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	struct nc_tunnel_state v[2] = {
		{ "EDGE-1", "wg2", "EDGE-2", "g1", NC_PROTO_WIREGUARD, 0, false, true, "", 1700,
		  10, 20, 1800 },
		{ "EDGE-1", "xfrm", "EDGE-2", "g2", NC_PROTO_IPSEC, 0, false, false, "down", -1, -1,
		  -1, 1800 },
	}, *out = NULL;
	size_t n = 0;

	new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-1", v, 2), 0);
	nc_store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].interface, "wg2");
	assert_int_equal(out[0].rx_bytes, 10);
	assert_true(out[0].up);
	assert_string_equal(out[1].sa, "down");
	assert_int_equal(out[1].protocol, NC_PROTO_IPSEC);
	assert_int_equal(out[1].latest_handshake, -1);
	free(out);
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-1", &v[1], 1), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].peering, "g2");
	free(out);
	/* rows of another serial, and unknown devices, are refused */
	assert_int_equal(nc_store_tunnel_replace(fx->st, "EDGE-2", v, 1), NC_ERR_INVAL);
	snprintf(v[0].serial, sizeof(v[0].serial), "EDGE-9");
	assert_true(nc_store_tunnel_replace(fx->st, "EDGE-9", v, 1) < 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(nc_store_tunnel_list(fx->st, "EDGE-1", &out, &n), 0);
	assert_int_equal(n, 0);
	assert_null(out);
}

static void test_meta(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = { 0 };
	const int64_t big = (INT64_C(1) << 52) + 7;
	int64_t v = 99;

	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), NC_ERR_NOTFOUND);
	assert_int_equal(v, 99);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", 1), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", big), 0);
	assert_int_equal(nc_store_meta_put(fx->st, "other", -3), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, big);

	assert_int_equal(nc_store_begin(fx->st), 0);
	assert_int_equal(nc_store_meta_put(fx->st, "event_block", 5), 0);
	nc_store_rollback(fx->st);
	nc_store_close(fx->st);
	fx->st = NULL;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", &v), 0);
	assert_int_equal(v, big);
	assert_int_equal(nc_store_meta_get(fx->st, "other", &v), 0);
	assert_int_equal(v, -3);

	assert_int_equal(nc_store_meta_get(fx->st, "", &v), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_get(fx->st, NULL, &v), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_get(fx->st, "event_block", NULL), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_put(fx->st, "", 1), NC_ERR_INVAL);
	assert_int_equal(nc_store_meta_put(NULL, "event_block", 1), NC_ERR_INVAL);
}

static void test_bad_arguments(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant *v = NULL;
	struct nc_member m = { .tenant = "", .peering = "p", .serial = "S" };
	struct nc_page pg;
	struct nc_connector *cv = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_tenant_list(NULL, &v, &n), NC_ERR_INVAL);
	assert_int_equal(nc_store_tenant_list(fx->st, NULL, &n), NC_ERR_INVAL);
	assert_int_equal(nc_store_member_insert(fx->st, &m), NC_ERR_INVAL);
	assert_int_equal(nc_store_link_delete(fx->st, NULL, "p", "a", "b"), NC_ERR_INVAL);
	memset(&pg, 'x', sizeof(pg));
	pg.limit = 10;
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &cv, &n), NC_ERR_INVAL);
	nc_store_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_new_store, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_migrations_set_identity, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v2, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v3, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_text_file, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_random_bytes, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_other_application, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_other_application_id, setup_dir,
						teardown),
		cmocka_unit_test_setup_teardown(test_refuse_newer_schema, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_absent_directory, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_commit_survives_sigkill, setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_tenants, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_edges, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_connectors, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_peerings_members_links, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_device_delete_cascades, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup_store,
						teardown),
		cmocka_unit_test_setup_teardown(test_nested_savepoint, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_holds_other_threads, setup_store,
						teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_filter_combinations, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_sync_round_trip, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_sync_ten_thousand, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_lists_round_trip, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_lists_stored_text, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_addr_pools, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_tunnels, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup_store, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup_store, teardown),
	};

	nc_log_set_level(NC_LOG_WARN);
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
