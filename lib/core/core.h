/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_CORE_H
#define NC_CORE_CORE_H

/*
 * The core: business rules over the store. Every operation here is one
 * store transaction that validates, writes the desired state, marks
 * exactly the affected devices dirty (with a human reason) and emits
 * events; on any error nothing is written. The API and the CLI never
 * repeat these rules.
 *
 * Scope: `tenant` is the tenant the caller acts in; NULL means any tenant
 * (admin without --tenant): reads cover all, and creations then take the
 * tenant from the object itself. Objects of another tenant are
 * NC_ERR_NOTFOUND. Errors fill ei (field and sentence) and return:
 *   NC_ERR_INVAL     invalid value (422)         NC_ERR_NOTFOUND  404
 *   NC_ERR_EXISTS    duplicate key (409)         NC_ERR_CONFLICT  409
 *   NC_ERR_FORBIDDEN role too low (403)          NC_ERR_STORE     500
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../events/events.h"
#include "../model/model.h"

struct nc_errinfo;
struct nc_store;
struct nc_events;
struct nc_pki;
struct nc_strlist;

/* Who acts: the token's id (for the audit trail), role and tenant. */
struct nc_actor {
	char token_id[NC_ID_MAX];
	enum nc_role role;
	char tenant[NC_ID_MAX]; /* "" = global */
};

struct nc_core {
	struct nc_store *store;	  /* borrowed */
	struct nc_events *events; /* borrowed */
	struct nc_pki *pki;	  /* borrowed; NULL: no device credentials */
	/* Told of every device nc_core_mark_dirty marks (the sync engine checks
	 * after it whether the device's next batch differs at all): once the
	 * write of nc_core_begin commits, or inside the caller's transaction
	 * when there is no such write; NULL: nobody. Must not touch the store. */
	void (*on_dirty)(void *arg, const char *serial, const char *tenant);
	void *on_dirty_arg;
};

/*
 * Marks a device dirty: its sync state becomes pending with reason, and a
 * `dirty` event is emitted (in nc_core_write_many: after its commit). Call
 * inside the caller's transaction.
 */
int nc_core_mark_dirty(struct nc_core *c, const char *serial, const char *tenant,
		       const char *reason);

/*
 * Marks dirty, with reason, every device that shares a link with serial in
 * any peering of tenant, and the other spokes of every WireGuard
 * hub-and-spoke group where serial is a spoke (its hub carries serial's
 * address and LANs to them), each once. Call inside the caller's
 * transaction.
 */
int nc_core_dirty_peers(struct nc_core *c, const char *tenant, const char *serial,
			const char *reason);
/*
 * Marks dirty, with reason, the connectors of any tenant hubbed on edge
 * that are its peers (approved up to offline): their wg0 peer is the edge.
 * Call inside the caller's transaction.
 */
int nc_core_dirty_hubbed(struct nc_core *c, const char *edge, const char *reason);
/* The same for the devices that share a link with serial only. */
int nc_core_dirty_linked(struct nc_core *c, const char *tenant, const char *serial,
			 const char *reason);

/*
 * The frame of every public operation: nc_core_begin() clears ei and opens
 * the transaction; nc_core_end() commits after success (ret 0) or rolls
 * back, and returns the outcome; nc_core_explain() fills ei for a failure no
 * callee explained ("cannot update edge `E1': store error") and returns ret.
 * What nc_core_mark_dirty tells (`dirty' events, on_dirty) in between is
 * held by the thread and told when the outermost such write commits, or
 * dropped with a rollback: nothing is announced that the store took back.
 */
int nc_core_begin(struct nc_core *c, struct nc_errinfo *ei);
int nc_core_end(struct nc_core *c, int ret);
int nc_core_explain(struct nc_errinfo *ei, int ret, const char *verb, const char *noun,
		    const char *name);

/*
 * A public write of one object, as nc_core_write() runs it: verb ("update")
 * and noun ("edge") word its audit event and an unexplained failure of name
 * (as nc_core_explain does), name being the object as the caller named it
 * (NULL: device, for a creation).
 * The audit event is in tenant, for device (may be NULL), both read after
 * the body ran, which may fill them in. scope is the caller's tenant and
 * patch the change an update applies (else NULL).
 */
struct nc_core_write {
	const char *verb, *noun, *name;
	const char *tenant, *device; /* borrowed */
	const char *scope;
	const json_t *patch;
};

/*
 * Runs body(c, w, obj, ei) in one transaction (nc_core_begin, nc_core_end);
 * obj is the caller's object (borrowed), which the body reads or fills.
 * After a commit emits the audit event of actor that w names. Returns the
 * outcome, explained in ei.
 */
int nc_core_write(struct nc_core *c, const struct nc_actor *actor, const struct nc_core_write *w,
		  int (*body)(struct nc_core *c, const struct nc_core_write *w, void *obj,
			      struct nc_errinfo *ei),
		  void *obj, struct nc_errinfo *ei);

/*
 * Declares the writes of a kind of object, struct nc_<noun>, named in the
 * caller's scope by key: create (the object as given), update (patch
 * applied to the object named key; *out, which may be NULL, receives the
 * result) and delete.
 */
#define NC_CORE_WRITES_DECLARE(noun)                                                               \
	int nc_core_##noun##_create(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const struct nc_##noun *v,                 \
				    struct nc_errinfo *ei);                                        \
	int nc_core_##noun##_update(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const char *key, const json_t *patch,      \
				    struct nc_##noun *out, struct nc_errinfo *ei);                 \
	int nc_core_##noun##_delete(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const char *key, struct nc_errinfo *ei)

/*
 * Defines the writes NC_CORE_WRITES_DECLARE(noun) declares for a device
 * (key: its serial) as nc_core_write() runs of the file's static bodies:
 * create_tx gets a shallow copy of the caller's object (its lists stay the
 * caller's, and it is never cleared), update_tx an empty object it fills
 * with the result, delete_tx an empty one it fills with the device as it
 * was. nc_<noun>_clear() clears what they filled.
 */
#define NC_CORE_DEVICE_WRITES(noun)                                                                \
	int nc_core_##noun##_create(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const struct nc_##noun *v,                 \
				    struct nc_errinfo *ei)                                         \
	{                                                                                          \
		struct nc_##noun n = *v;                                                           \
		struct nc_core_write w = {                                                         \
			"create", #noun, NULL, n.tenant, n.serial, tenant, NULL};                  \
                                                                                                   \
		return nc_core_write(c, actor, &w, create_tx, &n, ei);                             \
	}                                                                                          \
                                                                                                   \
	int nc_core_##noun##_update(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const char *key, const json_t *patch,      \
				    struct nc_##noun *out, struct nc_errinfo *ei)                  \
	{                                                                                          \
		struct nc_##noun n = {0};                                                          \
		struct nc_core_write w = {                                                         \
			"update", #noun, key, n.tenant, n.serial, tenant, patch};                  \
		int ret = nc_core_write(c, actor, &w, update_tx, &n, ei);                          \
                                                                                                   \
		if (ret == 0 && out)                                                               \
			*out = n;                                                                  \
		else                                                                               \
			nc_##noun##_clear(&n);                                                     \
		return ret;                                                                        \
	}                                                                                          \
                                                                                                   \
	int nc_core_##noun##_delete(struct nc_core *c, const struct nc_actor *actor,               \
				    const char *tenant, const char *key, struct nc_errinfo *ei)    \
	{                                                                                          \
		struct nc_##noun old = {0};                                                        \
		struct nc_core_write w = {"delete", #noun, key, old.tenant, key, tenant, NULL};    \
		int ret = nc_core_write(c, actor, &w, delete_tx, &old, ei);                        \
                                                                                                   \
		nc_##noun##_clear(&old);                                                           \
		return ret;                                                                        \
	}

/*
 * A write of n objects in one transaction, all of them or none:
 * item(c, arg, i, ei) for each i from 0, in order, until one fails (then
 * *failed = i, and ei is as it left it; *failed = n when no item failed).
 * What nc_core_mark_dirty tells is held until the commit (nc_core_begin).
 * After the commit, done(c, arg, i) for each, for the items' other events.
 * Returns the outcome.
 */
int nc_core_write_many(struct nc_core *c, size_t n,
		       int (*item)(struct nc_core *c, void *arg, size_t i, struct nc_errinfo *ei),
		       void (*done)(struct nc_core *c, void *arg, size_t i), void *arg,
		       size_t *failed, struct nc_errinfo *ei);

/*
 * The tenant an object is created in, into obj_tenant: the caller's scope
 * when it has one (an object naming another tenant is NC_ERR_NOTFOUND for
 * it), else the tenant the object names (NC_ERR_INVAL when none), which
 * must exist (NC_ERR_NOTFOUND). noun and name only word the messages.
 */
int nc_core_create_tenant(struct nc_core *c, const char *scope, char obj_tenant[NC_ID_MAX],
			  const char *noun, const char *name, struct nc_errinfo *ei);

/* Releases the peering addresses a device holds, before it is deleted. */
int nc_core_release_memberships(struct nc_core *c, const char *serial);

/* NC_ERR_EXISTS for serial, naming the kind of device that holds it but
 * never its tenant. */
int nc_core_serial_taken(struct nc_core *c, const char *serial, struct nc_errinfo *ei);

/*
 * The first checks of a new device, in order: its tenant (as by
 * nc_core_create_tenant() for w's scope and noun), valid(obj), a serial that
 * is valid and free of deletions' leftovers, and LAN subnets free in the
 * tenant (lan.h). Returns 0 or the first failure, explained in ei.
 */
int nc_core_device_admit(struct nc_core *c, const struct nc_core_write *w, char tenant[NC_ID_MAX],
			 const char *serial, const struct nc_strlist *lans,
			 int (*valid)(const void *obj, struct nc_errinfo *ei), const void *obj,
			 struct nc_errinfo *ei);
/* The outcome of a new device's insert, ret: NC_ERR_EXISTS becomes
 * nc_core_serial_taken()'s error, anything else is returned as it is. */
int nc_core_device_inserted(struct nc_core *c, int ret, const char *serial, struct nc_errinfo *ei);
/* Marks the new device's batch dirty: "<w's noun> <serial> created". */
int nc_core_device_created(struct nc_core *c, const struct nc_core_write *w, const char *serial,
			   const char *tenant);

/* Emits an event (steals fields), unless the calling thread is in a dry
 * run (then fields is freed): what every event of the core goes through. */
void nc_core_emit(struct nc_core *c, enum nc_event_type type, const char *tenant,
		  const char *device, json_t *fields);

/*
 * A dry run on the calling thread: nc_core_dry_begin() opens a write as
 * nc_core_begin() does, and nc_core_dry_end() always rolls it back, with
 * every mark it held. In between, writes run and answer as they would, but
 * nothing leaves the core: no event (nc_core_emit), no mark told to the
 * sync engine, no CRL written; nc_core_dry() is true, for the callers that
 * must skip what they do beyond the store (a push, a file).
 */
int nc_core_dry_begin(struct nc_core *c);
void nc_core_dry_end(struct nc_core *c);
bool nc_core_dry(void);

/* Emits an `audit` event for a write by actor. */
void nc_core_audit(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		   const char *device, const char *action, const char *object);

#endif
