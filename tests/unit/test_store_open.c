/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, opening: a new file, migrations from every older
 * schema, refused files left byte for byte as they were, and a commit that
 * survives kill -9. Each test works in its own temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

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

/*
 * Opening fx->path must fail with err and a message containing msg, and
 * leave the file byte for byte as it was, with no journal beside it.
 */
static void assert_refused_unchanged(struct fx *fx, int err, const char *msg)
{
	struct nc_errinfo ei = {0};
	struct nc_store *st = NULL;
	char side[700];
	char *before, *after;
	size_t n_before, n_after;

	before = slurp(fx->path, &n_before);
	assert_int_equal(nc_store_open_sqlite(fx->path, &st, &ei), err);
	assert_null(st);
	fx_assert_contains(ei.msg, msg);
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

/* Closes the store of fx, leaving its file to look at. */
static void close_store(struct fx *fx)
{
	nc_store_close(fx->st);
	fx->st = NULL;
}

/* Closes the store, whose file must then be at the current schema version. */
static void assert_current_schema(struct fx *fx)
{
	close_store(fx);
	assert_int_equal(fx_raw_int(fx->path, "PRAGMA user_version"), NC_STORE_SCHEMA_VERSION);
}

/* Opens the store of fx, with tenant acme and its connector CN-1 in it. */
static void open_with_cn1(struct fx *fx)
{
	struct nc_errinfo ei = {0};

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	fx_add_tenant(fx->st, "acme");
	fx_new_connector(fx->st, "acme", "CN-1", NULL, 0);
}

/* Closes the store and runs sql on its file: an older schema, made by hand. */
static void downgrade(struct fx *fx, const char *sql)
{
	close_store(fx);
	fx_raw_exec(fx->path, sql);
}

static void test_open_new_store(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_tenant t;
	struct stat sb;
	int version = 0;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_schema_version(fx->st, &version), 0);
	assert_int_equal(version, NC_STORE_SCHEMA_VERSION);
	assert_int_equal(stat(fx->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	fx_add_tenant(fx->st, "acme");
	close_store(fx);

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
	struct nc_errinfo ei = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_current_schema(fx);
	assert_int_equal(fx_raw_int(fx->path, "PRAGMA application_id"), NC_STORE_SQLITE_APP_ID);
	assert_int_equal(
		fx_raw_int(fx->path,
			   "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
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
	struct nc_errinfo ei = {0};
	struct nc_tenant t;
	int64_t v = 0;
	int version = 0;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	fx_add_tenant(fx->st, "acme");
	downgrade(fx, "DROP TABLE lans; DROP TABLE tunnels; DROP TABLE certs; DROP TABLE meta;"
		      " ALTER TABLE connectors DROP COLUMN endpoint;"
		      " ALTER TABLE devices DROP COLUMN pending_key; ALTER TABLE devices DROP "
		      "COLUMN batch_max;"
		      " PRAGMA user_version = 1;");
	assert_int_equal(
		fx_raw_int(fx->path, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'"), 0);

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_schema_version(fx->st, &version), 0);
	assert_int_equal(version, NC_STORE_SCHEMA_VERSION);
	assert_int_equal(nc_store_tenant_get(fx->st, "acme", &t), 0);
	assert_int_equal(nc_store_meta_get(fx->st, NC_STORE_META_EVENT_BLOCK, &v), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_meta_put(fx->st, NC_STORE_META_EVENT_BLOCK, 1), 0);
	assert_current_schema(fx);
	assert_int_equal(fx_raw_int(fx->path, "SELECT value FROM meta WHERE name = 'event_block'"),
			 1);
}

/* A store of schema version 2 (connectors without an endpoint) keeps its connectors, with
 * none, and takes endpoints after the migration. */
static void test_migrate_from_v2(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	open_with_cn1(fx);
	downgrade(fx, "DROP TABLE lans; DROP TABLE tunnels; DROP TABLE certs;"
		      " ALTER TABLE connectors DROP COLUMN endpoint;"
		      " ALTER TABLE devices DROP COLUMN pending_key; ALTER TABLE devices DROP "
		      "COLUMN batch_max;"
		      " PRAGMA user_version = 2;");

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
	assert_current_schema(fx);
}

/* A store of schema version 3 (no held keys) keeps its devices' keys; a key
 * is then held beside the one in use, and recording a key clears it. */
static void test_migrate_from_v3(void **state)
{
	static const char k1[] = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=";
	static const char k2[] = "cXdlcnR5dWlvcGFzZGZnaGprbHp4Y3Zibm1xd2VydHk=";
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_connector c = {0};

	open_with_cn1(fx);
	assert_int_equal(nc_store_device_touch(fx->st, "CN-1", k1, 0), 0);
	downgrade(fx, "DROP TABLE lans; DROP TABLE tunnels; DROP TABLE certs;"
		      " ALTER TABLE devices DROP COLUMN pending_key; ALTER TABLE devices DROP "
		      "COLUMN batch_max;"
		      " PRAGMA user_version = 3;");

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
	assert_current_schema(fx);
}

/* A store of version 6 gets its LAN subnets indexed on open: the overlap
 * check sees the subnets written before. */
static void test_migrate_from_v6(void **state)
{
	struct nc_strlist mine = {0};
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	char serial[NC_SERIAL_MAX], theirs[NC_CIDR_MAX];
	size_t i = 9;

	open_with_cn1(fx);
	downgrade(fx, "DROP TABLE lans; DROP INDEX tunnels_peer; PRAGMA user_version = 6;"
		      " ALTER TABLE devices DROP COLUMN batch_max;"
		      " UPDATE connectors"
		      " SET lan_subnets = '[\"192.168.1.0/24\"]' WHERE serial = 'CN-1';");
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(fx_raw_int(fx->path, "SELECT count(*) FROM lans WHERE serial = 'CN-1'"),
			 1);
	nc_strlist_add(&mine, "172.16.0.0/12");
	nc_strlist_add(&mine, "192.168.0.0/16");
	assert_int_equal(nc_store_lan_find(fx->st, "acme", "CN-2", &mine, &i, serial, theirs), 1);
	assert_int_equal(i, 1);
	assert_string_equal(serial, "CN-1");
	assert_int_equal(nc_store_lan_find(fx->st, "acme", "CN-1", &mine, &i, serial, theirs), 0);
	nc_strlist_clear(&mine);
	assert_current_schema(fx);
}

/* A store of version 7 keeps its devices, each with no batch size said (0); one is then
 * recorded, read back after a reopen, and refused for an unknown device. */
static void test_migrate_from_v7(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	int64_t bytes = -1;

	open_with_cn1(fx);
	downgrade(fx, "ALTER TABLE devices DROP COLUMN batch_max; PRAGMA user_version = 7;");
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_device_batch_max_get(fx->st, "CN-1", &bytes), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(nc_store_device_batch_max_put(fx->st, "CN-1", 16 << 20), 0);
	assert_int_equal(nc_store_device_batch_max_put(fx->st, "CN-1", 16 << 20), 0);
	assert_int_equal(nc_store_device_batch_max_put(fx->st, "CN-X", 1), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_batch_max_get(fx->st, "CN-X", &bytes), NC_ERR_NOTFOUND);
	close_store(fx);
	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	assert_int_equal(nc_store_device_batch_max_get(fx->st, "CN-1", &bytes), 0);
	assert_int_equal(bytes, 16 << 20);
	assert_current_schema(fx);
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

	fx_raw_exec(fx->path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
			      "INSERT INTO notes (body) VALUES ('keep me');");
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, "belongs to another application");
}

static void test_refuse_other_application_id(void **state)
{
	struct fx *fx = *state;

	fx_raw_exec(fx->path, "PRAGMA application_id = 1234; CREATE TABLE t (x);");
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, "belongs to another application");
}

static void test_refuse_newer_schema(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	char sql[64], msg[128];

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	fx_add_tenant(fx->st, "acme");
	close_store(fx);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", NC_STORE_SCHEMA_VERSION + 1);
	fx_raw_exec(fx->path, sql);
	snprintf(msg, sizeof(msg),
		 "store schema version %d is newer than this netctl supports (%d): upgrade netctl",
		 NC_STORE_SCHEMA_VERSION + 1, NC_STORE_SCHEMA_VERSION);
	assert_refused_unchanged(fx, NC_ERR_SCHEMA, msg);
}

static void test_refuse_absent_directory(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	char dir[600], path[700];

	snprintf(dir, sizeof(dir), "%s/missing", fx->dir);
	snprintf(path, sizeof(path), "%s/netctl.db", dir);
	assert_int_equal(nc_store_open_sqlite(path, &fx->st, &ei), NC_ERR_IO);
	assert_null(fx->st);
	fx_assert_contains(ei.msg, path);
	fx_assert_contains(ei.msg, strerror(ENOENT));
	assert_false(exists(dir));
}

/* A committed write survives the process being killed right after. */
static void test_commit_survives_sigkill(void **state)
{
	struct fx *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_tenant t;
	int status = 0;
	pid_t pid;

	assert_int_equal(nc_store_open_sqlite(fx->path, &fx->st, &ei), 0);
	close_store(fx);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nc_store *st = NULL;
		struct nc_tenant nt = {.id = "survivor", .name = "Survivor"};

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

FX_MAIN_EACH("store_open", fx_log_warnings, NULL, fx_setup_dir, fx_teardown, test_open_new_store,
	     test_migrations_set_identity, test_migrate_from_v1, test_migrate_from_v2,
	     test_migrate_from_v3, test_migrate_from_v6, test_migrate_from_v7,
	     test_refuse_text_file, test_refuse_random_bytes, test_refuse_other_application,
	     test_refuse_other_application_id, test_refuse_newer_schema,
	     test_refuse_absent_directory, test_commit_survives_sigkill)
