/* SPDX-License-Identifier: MIT */
/*
 * The schema of a SQLite store and how a file is recognised and brought to
 * it. A netctl store has PRAGMA application_id = NC_STORE_SQLITE_APP_ID
 * ("NCTL") and PRAGMA user_version = its schema version.
 *
 * The SQL stays portable to PostgreSQL: TEXT and INTEGER columns, booleans
 * as INTEGER 0/1, enums as their wire names under CHECK, lists as TEXT
 * holding JSON, standard keys and constraints, no AUTOINCREMENT or rowid.
 * A NULL in tokens.tenant, connectors.hub_edge and peerings.hub stands for
 * the "" of the structs (global, standalone, no hub), so that foreign keys
 * check the real references and skip the absent ones.
 */
#include "store.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../util/err.h"
#include "../util/log.h"
#include "sqlite_impl.h"

/* Version 1: every table. */
static const char schema_v1[] =
	"CREATE TABLE tenants ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE tokens ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin', 'enroll')),"
	"  tenant TEXT REFERENCES tenants (id),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL DEFAULT 0,"
	"  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))"
	");"
	"CREATE INDEX tokens_tenant ON tokens (tenant, id);"
	/* One row per device, whichever its kind: serials are unique across
	 * edges, connectors and tenants. (serial, tenant) is unique too so
	 * that child tables can require the device to be in their tenant. */
	"CREATE TABLE devices ("
	"  serial TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL REFERENCES tenants (id),"
	"  type TEXT NOT NULL CHECK (type IN ('edge', 'connector')),"
	"  public_key TEXT NOT NULL DEFAULT '',"
	"  last_seen INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (serial, tenant)"
	");"
	"CREATE INDEX devices_tenant ON devices (tenant, serial);"
	"CREATE TABLE edges ("
	"  serial TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('dedicated', 'mtge')),"
	"  region TEXT NOT NULL DEFAULT '',"
	"  endpoint TEXT NOT NULL DEFAULT '',"
	"  lan_subnets TEXT NOT NULL DEFAULT '[]',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (serial, tenant),"
	"  FOREIGN KEY (serial, tenant) REFERENCES devices (serial, tenant) ON DELETE CASCADE"
	");"
	"CREATE INDEX edges_tenant ON edges (tenant, serial);"
	/* The hub must be an edge (the core decides which tenants may use
	 * which: an MTGE serves several); deleting an edge that is a hub is
	 * refused (no ON DELETE action). */
	"CREATE TABLE connectors ("
	"  serial TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  region TEXT NOT NULL DEFAULT '',"
	"  hub_edge TEXT,"
	"  lan_subnets TEXT NOT NULL DEFAULT '[]',"
	"  nat_enabled INTEGER NOT NULL DEFAULT 0 CHECK (nat_enabled IN (0, 1)),"
	"  wan_interface TEXT NOT NULL DEFAULT '',"
	"  acl TEXT NOT NULL DEFAULT '[]',"
	"  routes TEXT NOT NULL DEFAULT '[]',"
	"  status TEXT NOT NULL CHECK (status IN ('pending_approval', 'approved',"
	"    'provisioned', 'active', 'offline', 'decommissioned')),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  FOREIGN KEY (serial, tenant) REFERENCES devices (serial, tenant) ON DELETE CASCADE,"
	"  FOREIGN KEY (hub_edge) REFERENCES edges (serial)"
	");"
	"CREATE INDEX connectors_tenant ON connectors (tenant, serial);"
	"CREATE INDEX connectors_status ON connectors (status, serial);"
	"CREATE INDEX connectors_region ON connectors (region, serial);"
	"CREATE INDEX connectors_hub ON connectors (hub_edge, serial);"
	"CREATE TABLE peerings ("
	"  tenant TEXT NOT NULL REFERENCES tenants (id),"
	"  name TEXT NOT NULL,"
	"  topology TEXT NOT NULL CHECK (topology IN ('mesh', 'hub_spoke', 'partial_mesh')),"
	"  protocol TEXT NOT NULL CHECK (protocol IN ('wireguard', 'ipsec')),"
	"  dual_tunnel INTEGER NOT NULL DEFAULT 0 CHECK (dual_tunnel IN (0, 1)),"
	"  hub TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant, name),"
	"  FOREIGN KEY (hub, tenant) REFERENCES edges (serial, tenant)"
	");"
	"CREATE INDEX peerings_hub ON peerings (hub, tenant);"
	"CREATE TABLE members ("
	"  tenant TEXT NOT NULL,"
	"  peering TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  PRIMARY KEY (tenant, peering, serial),"
	"  FOREIGN KEY (tenant, peering) REFERENCES peerings (tenant, name) ON DELETE CASCADE,"
	"  FOREIGN KEY (serial, tenant) REFERENCES devices (serial, tenant) ON DELETE CASCADE"
	");"
	"CREATE INDEX members_serial ON members (serial, tenant);"
	/* Links hang off both memberships: removing a member (or its device,
	 * or the peering) removes its links. */
	"CREATE TABLE links ("
	"  tenant TEXT NOT NULL,"
	"  peering TEXT NOT NULL,"
	"  a TEXT NOT NULL,"
	"  b TEXT NOT NULL,"
	"  tunnel_index INTEGER NOT NULL CHECK (tunnel_index IN (0, 1)),"
	"  status TEXT NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down')),"
	"  spi_ab INTEGER NOT NULL DEFAULT 0,"
	"  spi_ba INTEGER NOT NULL DEFAULT 0,"
	"  key_ab TEXT NOT NULL DEFAULT '',"
	"  key_ba TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (tenant, peering, a, b, tunnel_index),"
	"  CHECK (a < b),"
	"  FOREIGN KEY (tenant, peering, a) REFERENCES members (tenant, peering, serial)"
	"    ON DELETE CASCADE,"
	"  FOREIGN KEY (tenant, peering, b) REFERENCES members (tenant, peering, serial)"
	"    ON DELETE CASCADE"
	");"
	"CREATE INDEX links_b ON links (tenant, peering, b);"
	"CREATE INDEX links_spi_ab ON links (spi_ab);"
	"CREATE INDEX links_spi_ba ON links (spi_ba);"
	/* tenant is the device's, or for an MTGE the tenant it serves. */
	"CREATE TABLE sync ("
	"  serial TEXT NOT NULL REFERENCES devices (serial) ON DELETE CASCADE,"
	"  tenant TEXT NOT NULL REFERENCES tenants (id),"
	"  state TEXT NOT NULL CHECK (state IN ('synced', 'pending', 'applying', 'failed')),"
	"  dirty_reason TEXT NOT NULL DEFAULT '',"
	"  fail_reason TEXT NOT NULL DEFAULT '',"
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  sent_hash TEXT NOT NULL DEFAULT '',"
	"  confirmed_seq INTEGER NOT NULL DEFAULT 0,"
	"  confirmed_hash TEXT NOT NULL DEFAULT '',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL DEFAULT 0,"
	"  last_batch TEXT,"
	"  last_confirm TEXT,"
	"  PRIMARY KEY (serial, tenant)"
	");"
	"CREATE INDEX sync_tenant ON sync (tenant, serial);"
	"CREATE INDEX sync_state ON sync (state, serial, tenant);"
	"CREATE TABLE addrs ("
	"  tenant TEXT NOT NULL REFERENCES tenants (id),"
	"  pool TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  idx INTEGER NOT NULL CHECK (idx >= 0),"
	"  PRIMARY KEY (tenant, pool, owner),"
	"  UNIQUE (tenant, pool, idx)"
	");";

/* Version 2: named integers of the server's own (store.h: nc_store_meta_*). */
static const char schema_v2[] = "CREATE TABLE meta ("
				"  name TEXT PRIMARY KEY,"
				"  value INTEGER NOT NULL"
				");";

/* Version 3: where a connector's link peers reach it ('' when they cannot: it dials out). */
static const char schema_v3[] =
	"ALTER TABLE connectors ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';";

/* Version 4: a public key a device announced while one is in use, held until
 * an admin accepts or rejects it ('' when none). */
static const char schema_v4[] =
	"ALTER TABLE devices ADD COLUMN pending_key TEXT NOT NULL DEFAULT '';";

/* Version 5: the device certificates the core issued (store.h: nc_store_cert_*). The
 * sealing of secrets already in clear happens at nc_store_set_seal_key, which has the key. */
static const char schema_v5[] = "CREATE TABLE certs ("
				"  serial_no TEXT PRIMARY KEY,"
				"  device TEXT NOT NULL,"
				"  tenant TEXT NOT NULL,"
				"  not_after INTEGER NOT NULL,"
				"  created_at INTEGER NOT NULL,"
				"  revoked_at INTEGER NOT NULL DEFAULT 0"
				");"
				"CREATE INDEX certs_device ON certs (device, serial_no);";

/* Version 6: each end's last tunnel-status report per tunnel (store.h: nc_store_tunnel_*). */
static const char schema_v6[] =
	"CREATE TABLE tunnels ("
	"  serial TEXT NOT NULL REFERENCES devices (serial) ON DELETE CASCADE,"
	"  interface TEXT NOT NULL,"
	"  peer TEXT NOT NULL,"
	"  peering TEXT NOT NULL DEFAULT '',"
	"  protocol TEXT NOT NULL CHECK (protocol IN ('wireguard', 'ipsec')),"
	"  tunnel_index INTEGER NOT NULL,"
	"  backbone INTEGER NOT NULL DEFAULT 0,"
	"  up INTEGER NOT NULL,"
	"  sa TEXT NOT NULL DEFAULT '',"
	"  latest_handshake INTEGER NOT NULL DEFAULT -1,"
	"  rx_bytes INTEGER NOT NULL DEFAULT -1,"
	"  tx_bytes INTEGER NOT NULL DEFAULT -1,"
	"  reported_at INTEGER NOT NULL,"
	"  PRIMARY KEY (serial, interface, peer, peering, protocol, tunnel_index)"
	");";

/* Version 7: every LAN subnet of a device as a row, for the overlap check
 * (sqlite_lan.c), filled from lan_subnets by the migration; tunnel reports
 * found by their peer. */
static const char schema_v7[] =
	"CREATE TABLE lans ("
	"  tenant TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  cidr TEXT NOT NULL,"
	"  family INTEGER NOT NULL CHECK (family IN (4, 6)),"
	"  net TEXT NOT NULL," /* the network address, 8 or 32 hex digits */
	"  len INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant, serial, cidr),"
	"  FOREIGN KEY (serial, tenant) REFERENCES devices (serial, tenant) ON DELETE CASCADE"
	");"
	"CREATE INDEX lans_net ON lans (tenant, family, net, len);"
	"CREATE INDEX tunnels_peer ON tunnels (serial, peer);";

/* Version 8: the largest batch each device said it accepts, in bytes (0: it said none). */
static const char schema_v8[] =
	"ALTER TABLE devices ADD COLUMN batch_max INTEGER NOT NULL DEFAULT 0"
	" CHECK (batch_max >= 0);";

/* migrations[i] takes a store from schema version i to i + 1. */
static const char *const migrations[] = {
	schema_v1, schema_v2, schema_v3, schema_v4, schema_v5, schema_v6, schema_v7, schema_v8,
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == NC_STORE_SCHEMA_VERSION,
	       "one migration per schema version");

/* Reads the first column of the first row of sql, uncached. Returns the
 * SQLite result code: SQLITE_OK, or the failure of prepare or step. */
static int read_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(stmt, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_EMPTY;
		}
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Only reads. SQLITE_NOTADB or SQLITE_CORRUPT on the first read means the
 * bytes are not a database we can trust; anything else foreign is left as
 * it is too. */
int nc_sqlite_check_identity(struct nc_sqlite *s, struct nc_errinfo *ei)
{
	int64_t app_id = 0, version = 0, objects = 0;
	int rc, ret = 0;

	rc = read_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = read_int(s->db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = read_int(s->db, "SELECT count(*) FROM sqlite_master", &objects);

	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		ret = nc_fail(ei, NC_ERR_STORE, NULL,
			      "`%s' is not a SQLite database (or is corrupt): refusing to touch it",
			      s->path);
	else if (rc != SQLITE_OK)
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "cannot read `%s': %s", s->path,
			      sqlite3_errmsg(s->db));
	else if (app_id != NC_STORE_SQLITE_APP_ID && (app_id != 0 || objects > 0 || version != 0))
		ret = nc_fail(ei, NC_ERR_SCHEMA, NULL, "`%s' belongs to another application",
			      s->path);
	else if (version > NC_STORE_SCHEMA_VERSION)
		ret = nc_fail(ei, NC_ERR_SCHEMA, NULL,
			      "store schema version %lld is newer than this netctl supports (%d): "
			      "upgrade netctl",
			      (long long)version, NC_STORE_SCHEMA_VERSION);
	return ret;
}

/* Runs sql (one or more statements); on failure records and logs why. */
static int exec(struct nc_sqlite *s, const char *sql, const char *what, struct nc_errinfo *ei)
{
	char *msg = NULL;
	int ret = 0;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		nc_err("store `%s': %s: %s", s->path, what, msg ? msg : sqlite3_errmsg(s->db));
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "store `%s': %s: %s", s->path, what,
			      msg ? msg : sqlite3_errmsg(s->db));
	}
	sqlite3_free(msg);
	return ret;
}

static int check_pragma(struct nc_sqlite *s, const char *sql, const char *want,
			struct nc_errinfo *ei)
{
	sqlite3_stmt *stmt = NULL;
	const char *got = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		got = (const char *)sqlite3_column_text(stmt, 0);
	if (!got || strcmp(got, want) != 0) {
		nc_err("store `%s': %s gave `%s', not `%s'", s->path, sql, got ? got : "", want);
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "store `%s': %s gave `%s', not `%s'", s->path,
			      sql, got ? got : "", want);
	}
	sqlite3_finalize(stmt);
	return ret;
}

/*
 * Called once the file is known to be ours or empty: configures the
 * connection and applies every pending migration in one transaction, each
 * bumping user_version. The version is read again under the write lock in
 * case another process migrated the file in the meantime.
 */
int nc_sqlite_migrate(struct nc_sqlite *s, struct nc_errinfo *ei)
{
	int64_t version = 0, app_id = 0;
	bool in_txn = false;
	char sql[64];
	int ret;

	ret = exec(s, "PRAGMA foreign_keys = ON", "foreign keys", ei);
	if (ret == 0)
		ret = check_pragma(s, "PRAGMA foreign_keys", "1", ei);
	if (ret == 0)
		ret = check_pragma(s, "PRAGMA journal_mode = WAL", "wal", ei);
	/* FULL: a commit is on disk before it returns, even in WAL mode. */
	if (ret == 0)
		ret = exec(s, "PRAGMA synchronous = FULL", "synchronous", ei);
	if (ret == 0)
		ret = exec(s, "PRAGMA temp_store = MEMORY", "temp store", ei);
	if (ret == 0)
		ret = exec(s, "BEGIN IMMEDIATE", "begin migration", ei);
	if (ret)
		goto out;
	in_txn = true;
	if (read_int(s->db, "PRAGMA user_version", &version) != SQLITE_OK ||
	    read_int(s->db, "PRAGMA application_id", &app_id) != SQLITE_OK) {
		ret = nc_fail(ei, NC_ERR_STORE, NULL, "cannot read `%s': %s", s->path,
			      sqlite3_errmsg(s->db));
		goto out;
	}
	if (version > NC_STORE_SCHEMA_VERSION) {
		ret = nc_fail(ei, NC_ERR_SCHEMA, NULL,
			      "store schema version %lld is newer than this netctl supports (%d): "
			      "upgrade netctl",
			      (long long)version, NC_STORE_SCHEMA_VERSION);
		goto out;
	}
	for (int64_t v = version; v < NC_STORE_SCHEMA_VERSION; v++) {
		ret = exec(s, migrations[v], "migration", ei);
		if (ret)
			goto out;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %lld", (long long)v + 1);
		ret = exec(s, sql, "migration", ei);
		if (ret)
			goto out;
		nc_info("store `%s': schema version %lld", s->path, (long long)v + 1);
	}
	if (version > 0 && version < 7 && nc_sqlite_lans_fill(s) < 0) {
		ret = nc_fail(ei, NC_ERR_STORE, NULL,
			      "store `%s': cannot index the LAN subnets: %s", s->path,
			      sqlite3_errmsg(s->db));
		goto out;
	}
	if (app_id != NC_STORE_SQLITE_APP_ID) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", NC_STORE_SQLITE_APP_ID);
		ret = exec(s, sql, "application id", ei);
		if (ret)
			goto out;
	}
	ret = exec(s, "COMMIT", "commit migration", ei);
	if (ret == 0)
		in_txn = false;
out:
	if (in_txn && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

int nc_sqlite_schema_version(struct nc_store *st, int *out)
{
	int64_t v = 0;
	int ret = nc_sqlite_scalar(nc_sqlite_of(st), "PRAGMA user_version", &v, "");

	if (ret >= 0)
		*out = (int)v;
	return ret < 0 ? ret : 0;
}
