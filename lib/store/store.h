/* SPDX-License-Identifier: MIT */
#ifndef NC_STORE_STORE_H
#define NC_STORE_STORE_H

/*
 * The store: the one interface to persistent state, with backends behind a
 * table of functions (SQLite now; PostgreSQL later for scale-out, so the
 * SQL stays portable). Every function returns 0 or a negative NC_ERR_*.
 *
 * Concurrency: a store may be used from several threads. Each call is
 * atomic. nc_store_begin() opens a transaction that makes the calls up to
 * the matching commit or rollback one atomic change; it holds the store's
 * lock for the calling thread until then, and nests (inner begin/commit
 * pairs are savepoints: an inner rollback undoes only its part).
 *
 * Keys: tenants by id; tokens by id; devices (edges and connectors) by a
 * serial unique across both kinds and all tenants; peerings by (tenant,
 * name); links by (tenant, peering, a, b, tunnel_index) with a < b.
 * A `tenant` argument of NULL means "any tenant" (admin scope); otherwise
 * an object of another tenant is NC_ERR_NOTFOUND, exactly as if absent.
 *
 * Peering groups, their members and links are keyed by (tenant, name), so
 * the tenant is part of their key: functions that change them refuse a NULL
 * or "" tenant (NC_ERR_INVAL); reads take NULL as any tenant.
 *
 * Out-structs are filled on success only; arrays returned through
 * `**out` are heap, owned by the caller, freed with free() or the
 * matching nc_<noun>_array_free(), and NULL when *n is 0 or on failure.
 * Lists without paging come in key order.
 *
 * Times: created_at and updated_at left 0 by the caller are set to
 * time(NULL) on insert and update.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_errinfo;
struct nc_store;

#define NC_STORE_SCHEMA_VERSION 8
#define NC_PAGE_DEFAULT		100
#define NC_PAGE_MAX		1000

/* PRAGMA application_id of a netctl SQLite store: "NCTL" in ASCII. */
#define NC_STORE_SQLITE_APP_ID 0x4e43544c

/* Keyset paging: items after `cursor` (exclusive; "" = from the start) in
 * key order, at most `limit` (0 = NC_PAGE_DEFAULT, capped at NC_PAGE_MAX).
 * next_cursor is "" when there are no more. The key of edges and
 * connectors is the serial, so a cursor is a serial; the key of sync
 * states is (serial, tenant) and their cursor is "SERIAL:TENANT" (neither
 * contains ':'), NC_ERR_INVAL without the ':'. A NULL page means every
 * item at once. */
struct nc_page {
	size_t limit;
	char cursor[160];
	char next_cursor[160];
};

struct nc_edge_filter {
	const char *tenant; /* NULL = any */
	int kind;	    /* -1 = any, else enum nc_edge_kind */
	const char *region; /* NULL = any; exact */
};

struct nc_connector_filter {
	const char *tenant;	   /* NULL = any */
	int status;		   /* -1 = any, else enum nc_status */
	const char *region;	   /* NULL = any; exact */
	const char *hub;	   /* NULL = any; "" = standalone only */
	const char *name_contains; /* NULL = any; case-insensitive substring */
};

struct nc_sync_filter {
	const char *tenant; /* NULL = any */
	const char *serial; /* NULL = any; else that device's states */
	int state;	    /* -1 = any, else enum nc_sync_state */
	const char *type;   /* NULL = any; "edge" or "connector": that kind's states */
	bool configured;    /* only devices that get configuration: not
			     * connectors pending approval or decommissioned */
};

/*
 * Opens the SQLite store at path, creating it (mode 0600) if absent, in WAL
 * mode with foreign keys on and a busy timeout, and applies pending
 * migrations in one transaction. Refuses, with ei saying why and without
 * changing the file: a file that is not SQLite or is corrupt (NC_ERR_STORE),
 * a SQLite file of another application or a schema newer than
 * NC_STORE_SCHEMA_VERSION (NC_ERR_SCHEMA), an unwritable location
 * (NC_ERR_IO).
 */
int nc_store_open_sqlite(const char *path, struct nc_store **out, struct nc_errinfo *ei);
/*
 * Another connection to st's database, for another thread to read what st
 * has committed (what a transaction of st has not is not seen), with st's
 * seal key. Writes through it fail (NC_ERR_STORE). nc_store_close it,
 * before st. NC_ERR_STORE with ei when it cannot be opened.
 */
int nc_store_open_reader(struct nc_store *st, struct nc_store **out, struct nc_errinfo *ei);
/* Closes the store; NULL is a no-op. No transaction may be open. */
void nc_store_close(struct nc_store *st);
/* The schema version of the open store. */
int nc_store_schema_version(struct nc_store *st, int *out);

int nc_store_begin(struct nc_store *st);
/* Commits the innermost open transaction. On failure it is rolled back as
 * by nc_store_rollback(), and its level is released all the same. */
int nc_store_commit(struct nc_store *st);
/* Undoes the innermost open transaction; always releases its level. */
void nc_store_rollback(struct nc_store *st);

/* Tenants. insert: NC_ERR_EXISTS for a used id. */
int nc_store_tenant_insert(struct nc_store *st, const struct nc_tenant *t);
int nc_store_tenant_get(struct nc_store *st, const char *id, struct nc_tenant *out);
int nc_store_tenant_list(struct nc_store *st, struct nc_tenant **out, size_t *n);

/* Tokens. tenant "" = a global (admin) token. insert: NC_ERR_EXISTS for a
 * used id or hash, NC_ERR_NOTFOUND for a tenant that does not exist.
 * revoke: NC_ERR_NOTFOUND for an unknown id. count counts revoked ones too. */
int nc_store_token_insert(struct nc_store *st, const struct nc_token *t);
int nc_store_token_get(struct nc_store *st, const char *id, struct nc_token *out);
int nc_store_token_get_by_hash(struct nc_store *st, const char *hash, struct nc_token *out);
/* tenant NULL = all tokens; "" = global ones; else that tenant's. */
int nc_store_token_list(struct nc_store *st, const char *tenant, struct nc_token **out, size_t *n);
int nc_store_token_revoke(struct nc_store *st, const char *id);
int nc_store_token_count(struct nc_store *st, size_t *n);

/*
 * Devices: the kind and tenant of a serial, whichever table holds it.
 * NC_ERR_NOTFOUND when no device has it (or only another tenant's).
 */
int nc_store_device_lookup(struct nc_store *st, const char *tenant, const char *serial,
			   enum nc_device_type *type, char tenant_out[NC_ID_MAX]);
/* Records a device's public key (NULL or "" leaves it; a key given also
 * clears the pending one) and last-seen time (0 leaves it). NC_ERR_NOTFOUND
 * for an unknown serial. */
int nc_store_device_touch(struct nc_store *st, const char *serial, const char *public_key,
			  int64_t last_seen);
/* Holds key as the device's pending public key, awaiting an admin ("" clears
 * it); the key in use is left alone. NC_ERR_NOTFOUND for an unknown serial. */
int nc_store_device_hold_key(struct nc_store *st, const char *serial, const char *key);
/*
 * The largest batch a device said it accepts, in bytes (the "batch_max" of
 * netctl-protocol(7)); 0 when it said none, as every device starts. put
 * records it (0: none) and writes only when it changes; get reads it.
 * NC_ERR_NOTFOUND for an unknown serial.
 */
int nc_store_device_batch_max_put(struct nc_store *st, const char *serial, int64_t bytes);
int nc_store_device_batch_max_get(struct nc_store *st, const char *serial, int64_t *bytes);

/* Edges. insert: NC_ERR_EXISTS when any device has the serial;
 * NC_ERR_NOTFOUND when the tenant does not exist. update replaces every
 * field but serial, tenant, public_key, last_seen and created_at; its
 * struct's tenant, unless "", must be the edge's (NC_ERR_NOTFOUND). */
int nc_store_edge_insert(struct nc_store *st, const struct nc_edge *e);
int nc_store_edge_update(struct nc_store *st, const struct nc_edge *e);
int nc_store_edge_get(struct nc_store *st, const char *tenant, const char *serial,
		      struct nc_edge *out);
/* Deletes the edge with its memberships, links and sync state.
 * NC_ERR_CONFLICT while connectors name it as their hub or a peering
 * names it as its hub. */
int nc_store_edge_delete(struct nc_store *st, const char *tenant, const char *serial);
int nc_store_edge_list(struct nc_store *st, const struct nc_edge_filter *f, struct nc_page *pg,
		       struct nc_edge **out, size_t *n);

/* Connectors. As edges; hub_edge must name an edge (NC_ERR_NOTFOUND
 * otherwise): of the same tenant, or an MTGE of any (the core checks). update also leaves status
 * alone: use nc_store_connector_set_status. */
int nc_store_connector_insert(struct nc_store *st, const struct nc_connector *c);
int nc_store_connector_update(struct nc_store *st, const struct nc_connector *c);
int nc_store_connector_set_status(struct nc_store *st, const char *serial, enum nc_status s);
int nc_store_connector_get(struct nc_store *st, const char *tenant, const char *serial,
			   struct nc_connector *out);
/* Deletes the connector with its memberships, links and sync state. */
int nc_store_connector_delete(struct nc_store *st, const char *tenant, const char *serial);
int nc_store_connector_list(struct nc_store *st, const struct nc_connector_filter *f,
			    struct nc_page *pg, struct nc_connector **out, size_t *n);
/* counts[s] = number of connectors in status s (array of 6). */
int nc_store_connector_count(struct nc_store *st, const char *tenant, size_t counts[6]);

/* Peering groups. hub, unless "", must name an edge of the same tenant
 * (NC_ERR_NOTFOUND). update replaces topology, protocol, dual_tunnel, hub.
 * delete removes its members and links. get with a NULL tenant:
 * NC_ERR_CONFLICT when several tenants have a peering of that name. */
int nc_store_peering_insert(struct nc_store *st, const struct nc_peering *p);
int nc_store_peering_update(struct nc_store *st, const struct nc_peering *p);
int nc_store_peering_get(struct nc_store *st, const char *tenant, const char *name,
			 struct nc_peering *out);
int nc_store_peering_delete(struct nc_store *st, const char *tenant, const char *name);
int nc_store_peering_list(struct nc_store *st, const char *tenant, struct nc_peering **out,
			  size_t *n);

/* Members. insert: NC_ERR_EXISTS if already a member; NC_ERR_NOTFOUND if
 * the peering or the device (in that tenant) does not exist; m->type is
 * ignored (lists report the device's). delete removes the member's links
 * in that peering too. list of a peering that does not exist: empty. */
int nc_store_member_insert(struct nc_store *st, const struct nc_member *m);
int nc_store_member_delete(struct nc_store *st, const char *tenant, const char *peering,
			   const char *serial);
int nc_store_member_list(struct nc_store *st, const char *tenant, const char *peering,
			 struct nc_member **out, size_t *n);
/* The memberships of one device, in every peering of its tenant. */
int nc_store_member_list_by_device(struct nc_store *st, const char *serial, struct nc_member **out,
				   size_t *n);

/* Links. insert: a and b must be members (NC_ERR_NOTFOUND), NC_ERR_EXISTS
 * for a duplicate key; NC_ERR_INVAL unless a < b (strcmp) and tunnel_index
 * is 0 or 1. delete removes every tunnel index of the pair; NC_ERR_NOTFOUND
 * when there is none. */
int nc_store_link_insert(struct nc_store *st, const struct nc_link *l);
int nc_store_link_delete(struct nc_store *st, const char *tenant, const char *peering,
			 const char *a, const char *b);
int nc_store_link_list(struct nc_store *st, const char *tenant, const char *peering,
		       struct nc_link **out, size_t *n);
/* The links of peering in tenant with serial at one end, in the order of
 * link_list. */
int nc_store_link_list_of(struct nc_store *st, const char *tenant, const char *peering,
			  const char *serial, struct nc_link **out, size_t *n);
/* Every link, in every peering, with serial at either end. */
int nc_store_link_list_by_device(struct nc_store *st, const char *serial, struct nc_link **out,
				 size_t *n);
int nc_store_link_set_status(struct nc_store *st, const char *tenant, const char *peering,
			     const char *a, const char *b, int tunnel_index,
			     enum nc_link_status status);
/* True (1) in *used when an SPI is held by any link of the tenant. */
int nc_store_spi_used(struct nc_store *st, const char *tenant, uint32_t spi, int *used);

/*
 * *seen is true when the device was ever heard from: it has a last-seen
 * time or a public key (a heartbeat or a registration gave them) or a
 * confirmation for any tenant. NC_ERR_NOTFOUND for an unknown serial.
 */
int nc_store_device_seen(struct nc_store *st, const char *serial, bool *seen);

/* What a device message needs of its sender, read in one query. */
struct nc_device_brief {
	enum nc_device_type type;
	char tenant[NC_ID_MAX];
	enum nc_status status; /* a connector's; NC_STATUS_ACTIVE for an edge */
	char public_key[NC_KEY_B64_MAX];
	char pending_key[NC_KEY_B64_MAX]; /* a new key held for an admin */
	int64_t batch_max;		  /* bytes it said it takes; 0 when it did not */
};
/* serial's brief into *out. NC_ERR_NOTFOUND for an unknown serial. */
int nc_store_device_brief(struct nc_store *st, const char *serial, struct nc_device_brief *out);
/*
 * A LAN subnet of another device of tenant (not `except', which may be
 * NULL, nor a decommissioned connector) that overlaps one of mine: 1 with
 * *index (in mine), its serial and its subnet set; 0 when none does; or a
 * store error. Reads the overlapping subnets and the index, not the tenant.
 */
int nc_store_lan_find(struct nc_store *st, const char *tenant, const char *except,
		      const struct nc_strlist *mine, size_t *index, char serial[NC_SERIAL_MAX],
		      char theirs[NC_CIDR_MAX]);

/* Sync state, keyed by (serial, tenant); tenant is the device's, or for an
 * MTGE the tenant served. put inserts or replaces all of it (NC_ERR_NOTFOUND
 * for an unknown device or tenant). get: NC_ERR_NOTFOUND when the device has
 * none yet; a NULL tenant takes the device's first in tenant order. */
int nc_store_sync_put(struct nc_store *st, const struct nc_sync *s);
int nc_store_sync_get(struct nc_store *st, const char *serial, const char *tenant,
		      struct nc_sync *out);
/* The stored state of (serial, tenant) made pending for reason at now
 * (Unix s), the rest of it as it was; NC_ERR_NOTFOUND when it has none. */
int nc_store_sync_dirty(struct nc_store *st, const char *serial, const char *tenant,
			const char *reason, int64_t now);
/* get without last_batch and last_confirm (left NULL): for a look at the
 * state; never put what it read back (put would clear both). */
int nc_store_sync_peek(struct nc_store *st, const char *serial, const char *tenant,
		       struct nc_sync *out);
/* put of what peek read: every column of the stored state but last_batch,
 * which stays as it is (neither read nor sealed again), and last_confirm
 * only when s->last_confirm is not NULL; NC_ERR_NOTFOUND when (serial,
 * tenant) has no state. */
int nc_store_sync_update(struct nc_store *st, const struct nc_sync *s);
int nc_store_sync_list(struct nc_store *st, const struct nc_sync_filter *f, struct nc_page *pg,
		       struct nc_sync **out, size_t *n);

/*
 * Edges, connectors and sync states: fn on every one f selects, listed a
 * page at a time (the lock is taken per page, not held while fn runs),
 * until fn fails: returns 0, fn's error or the store's. v is lent for the
 * call: fn may move its contents out, leaving it zeroed.
 */
int nc_store_edge_each(struct nc_store *st, const struct nc_edge_filter *f,
		       int (*fn)(struct nc_edge *v, void *arg), void *arg);
int nc_store_connector_each(struct nc_store *st, const struct nc_connector_filter *f,
			    int (*fn)(struct nc_connector *v, void *arg), void *arg);
int nc_store_sync_each(struct nc_store *st, const struct nc_sync_filter *f,
		       int (*fn)(struct nc_sync *v, void *arg), void *arg);
/* counts[s] = number of device sync states in state s (array of 4), of the
 * devices that get configuration (as nc_sync_filter.configured). */
int nc_store_sync_count(struct nc_store *st, const char *tenant, size_t counts[4]);

/*
 * Address pools (IPAM): in each (tenant, pool) an owner holds at most one
 * index, and no two owners hold the same one. alloc returns the owner's
 * index, allocating the lowest free index in [lo, hi] on first use;
 * NC_ERR_RANGE when every index of the range is taken. release frees the
 * owner's index (owner NULL: every index of the pool); no-op when none.
 */
int nc_store_addr_alloc(struct nc_store *st, const char *tenant, const char *pool,
			const char *owner, uint32_t lo, uint32_t hi, uint32_t *index);
int nc_store_addr_release(struct nc_store *st, const char *tenant, const char *pool,
			  const char *owner);

/*
 * Meta: named integers the server keeps for itself, such as the block of
 * event ids its last start took (name NC_STORE_META_EVENT_BLOCK). get:
 * NC_ERR_NOTFOUND when the name was never put. put inserts or replaces.
 * NC_ERR_INVAL for a NULL or "" name.
 */
#define NC_STORE_META_EVENT_BLOCK "event_block"
int nc_store_meta_get(struct nc_store *st, const char *name, int64_t *value);
int nc_store_meta_put(struct nc_store *st, const char *name, int64_t value);

/*
 * Device certificates the core issued (lib/core/pki.c), kept so that
 * revocation knows what to revoke and the CRL what to list. Never the key.
 * serial_no is the certificate's serial number (uppercase hex, unique);
 * device and tenant are plain values, not references: a record outlives
 * the device it was issued to. revoked_at is 0 while it is valid.
 */
#define NC_STORE_META_CRL_NUMBER "crl_number"
struct nc_cert {
	char serial_no[48];
	char device[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	int64_t not_after;  /* Unix seconds */
	int64_t created_at; /* 0 on insert: now */
	int64_t revoked_at; /* 0: not revoked */
};
/* insert: NC_ERR_EXISTS for a used serial_no. */
int nc_store_cert_insert(struct nc_store *st, const struct nc_cert *c);
/* Revokes, as of when, every certificate of device not yet revoked; *n
 * (may be NULL) gets how many. */
int nc_store_cert_revoke_device(struct nc_store *st, const char *device, int64_t when, size_t *n);
/* The certificates of device (NULL: of every device), only the revoked
 * ones when revoked_only; in serial_no order. */
int nc_store_cert_list(struct nc_store *st, const char *device, bool revoked_only,
		       struct nc_cert **out, size_t *n);

/*
 * Seals secrets at rest from now on: IPSec SA keys (links.key_ab/key_ba)
 * and the last batch of each device (which carries them) are written
 * encrypted with key (AES-256-GCM, lib/util/crypto.h) and read back
 * decrypted. Values still in clear are sealed by this call, in one
 * transaction. A sealed value that does not open with key reads as
 * NC_ERR_STORE. key is copied.
 */
int nc_store_set_seal_key(struct nc_store *st, const unsigned char key[32]);

/*
 * The last tunnel-status report of one end of one tunnel, as the core
 * received it. Keyed by (serial, interface, peer, peering, protocol,
 * tunnel_index); peering is the group the core matched it to, else the
 * one the entry named; "" for a backbone tunnel or an older agent's entry
 * that matched no link or several.
 */
struct nc_tunnel_state {
	char serial[NC_SERIAL_MAX]; /* the reporting end */
	char interface[16];
	char peer[NC_SERIAL_MAX];
	char peering[NC_NAME_MAX];
	enum nc_protocol protocol;
	int tunnel_index;
	bool backbone; /* wg0 or wg1 */
	bool up;
	char sa[32];		  /* IPSec: as reported; WireGuard: "" */
	int64_t latest_handshake; /* Unix s; -1: not reported (also rx/tx) */
	int64_t rx_bytes;
	int64_t tx_bytes;
	int64_t reported_at; /* the core's clock, Unix s */
};
/* replace: serial's rows become v[0..n) (all with that serial), in the
 * caller's transaction if any. NC_ERR_NOTFOUND for an unknown device. */
int nc_store_tunnel_replace(struct nc_store *st, const char *serial,
			    const struct nc_tunnel_state *v, size_t n);
/* list: serial's rows, in key order; *out is heap, owned (free()). list_to:
 * only those of its tunnels to peer (an index lookup, whatever its count). */
int nc_store_tunnel_list(struct nc_store *st, const char *serial, struct nc_tunnel_state **out,
			 size_t *n);
int nc_store_tunnel_list_to(struct nc_store *st, const char *serial, const char *peer,
			    struct nc_tunnel_state **out, size_t *n);

#endif
