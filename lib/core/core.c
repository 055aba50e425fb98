/* SPDX-License-Identifier: MIT */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../events/events.h"
#include "../model/validate.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/xmalloc.h"
#include "ipam.h"
#include "lan.h"

/* What a mark tells while a hold is on: the marks in order. */
struct held_mark {
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX], reason[NC_REASON_MAX];
};

/* The calling thread's hold while a write of nc_core_begin is open (depth
 * > 0): only that thread's marks are held, whatever other threads write. */
static _Thread_local struct {
	size_t depth; /* nc_core_begin calls not ended yet */
	bool dry;     /* a dry run is open (nc_core_dry_begin) */
	struct held_mark *v;
	size_t n, cap; /* marks held; bytes at v */
} hold;

/* The `dirty' event and the sync engine's hook for one mark. */
static void tell(struct nc_core *c, const char *serial, const char *tenant, const char *reason)
{
	nc_core_emit(c, NC_EV_dirty, tenant, serial,
		     json_pack("{s:s,s:s}", "reason", reason, "state", "pending"));
	if (c->on_dirty)
		c->on_dirty(c->on_dirty_arg, serial, tenant);
}

/* Ends the outermost write's hold: with commit, tells what was held, in
 * order; else drops it, as the store dropped the marks. */
static void hold_end(struct nc_core *c, bool commit)
{
	for (size_t i = 0; commit && i < hold.n; i++)
		tell(c, hold.v[i].serial, hold.v[i].tenant, hold.v[i].reason);
	free(hold.v);
	hold.v = NULL;
	hold.n = hold.cap = 0;
}

int nc_core_mark_dirty(struct nc_core *c, const char *serial, const char *tenant,
		       const char *reason)
{
	struct nc_sync s = {.state = NC_SYNC_PENDING, .updated_at = time(NULL)};
	int ret;

	snprintf(s.dirty_reason, sizeof(s.dirty_reason), "%s", reason); /* as it is kept */
	ret = nc_store_sync_dirty(c->store, serial, tenant, s.dirty_reason, s.updated_at);
	if (ret == NC_ERR_NOTFOUND) { /* its first state */
		snprintf(s.serial, sizeof(s.serial), "%s", serial);
		snprintf(s.tenant, sizeof(s.tenant), "%s", tenant);
		ret = nc_store_sync_put(c->store, &s);
	}
	if (ret < 0 || hold.depth == 0) {
		if (ret == 0)
			tell(c, serial, tenant, reason);
		goto out;
	}
	hold.v = nc_xgrow(hold.v, &hold.cap, (hold.n + 1) * sizeof(*hold.v), 64 * sizeof(*hold.v));
	snprintf(hold.v[hold.n].serial, NC_SERIAL_MAX, "%s", serial);
	snprintf(hold.v[hold.n].tenant, NC_ID_MAX, "%s", tenant);
	snprintf(hold.v[hold.n++].reason, NC_REASON_MAX, "%s", reason);
out:
	nc_sync_clear(&s);
	return ret;
}

/* Adds to out, once each, the other spokes of every WireGuard hub-and-spoke group of tenant
 * where serial is a spoke. */
static int cospokes(struct nc_core *c, const char *tenant, const char *serial,
		    struct nc_strlist *out)
{
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	struct nc_peering p;
	size_t nm = 0, nl = 0;
	int ret = nc_store_member_list_by_device(c->store, serial, &m, &nm);

	for (size_t i = 0; ret == 0 && i < nm; i++) {
		if (strcmp(m[i].tenant, tenant) != 0)
			continue;
		ret = nc_store_peering_get(c->store, tenant, m[i].peering, &p);
		if (ret < 0 || p.topology != NC_TOPO_HUB_SPOKE ||
		    p.protocol != NC_PROTO_WIREGUARD || strcmp(p.hub, serial) == 0)
			continue;
		ret = nc_store_link_list(c->store, tenant, p.name, &l, &nl);
		for (size_t k = 0; ret == 0 && k < nl; k++) {
			const char *spoke = strcmp(l[k].a, p.hub) == 0 ? l[k].b : l[k].a;

			if (strcmp(spoke, serial) != 0 && !nc_strlist_has(out, spoke))
				nc_strlist_add(out, spoke);
		}
		free(l);
		l = NULL;
	}
	free(m);
	return ret;
}

/* Link peers, and with spokes the other spokes too, each once. */
static int dirty_around(struct nc_core *c, const char *tenant, const char *serial,
			const char *reason, bool spokes)
{
	struct nc_strlist peers = {0};
	struct nc_link *v = NULL;
	size_t n = 0;
	int ret = nc_store_link_list_by_device(c->store, serial, &v, &n);

	/* Links come in tunnel pairs and several groups: each peer once. */
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const char *peer = strcmp(v[i].a, serial) == 0 ? v[i].b : v[i].a;

		if (strcmp(v[i].tenant, tenant) == 0 && !nc_strlist_has(&peers, peer))
			nc_strlist_add(&peers, peer);
	}
	if (ret == 0 && spokes)
		ret = cospokes(c, tenant, serial, &peers);
	for (size_t i = 0; ret == 0 && i < peers.n; i++)
		ret = nc_core_mark_dirty(c, peers.v[i], tenant, reason);
	nc_strlist_clear(&peers);
	free(v);
	return ret;
}

int nc_core_dirty_peers(struct nc_core *c, const char *tenant, const char *serial,
			const char *reason)
{
	return dirty_around(c, tenant, serial, reason, true);
}

int nc_core_dirty_linked(struct nc_core *c, const char *tenant, const char *serial,
			 const char *reason)
{
	return dirty_around(c, tenant, serial, reason, false);
}

void nc_core_audit(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		   const char *device, const char *action, const char *object)
{
	nc_core_emit(c, NC_EV_audit, tenant, device,
		     json_pack("{s:s,s:s,s:s,s:s}", "action", action, "object", object, "token",
			       actor ? actor->token_id : "", "role",
			       actor ? nc_role_name(actor->role) : "system"));
}

void nc_core_emit(struct nc_core *c, enum nc_event_type type, const char *tenant,
		  const char *device, json_t *fields)
{
	if (c->events && !hold.dry)
		nc_events_emit(c->events, type, tenant, device, fields);
	else
		json_decref(fields);
}

int nc_core_dry_begin(struct nc_core *c)
{
	int ret = nc_core_begin(c, NULL);

	if (ret == 0)
		hold.dry = true;
	return ret;
}

void nc_core_dry_end(struct nc_core *c)
{
	hold.dry = false;
	/* Any failure rolls back: the dry run's writes, marks and all. */
	nc_core_end(c, NC_ERR_CONFLICT);
}

bool nc_core_dry(void)
{
	return hold.dry;
}

int nc_core_begin(struct nc_core *c, struct nc_errinfo *ei)
{
	int ret;

	if (ei)
		*ei = (struct nc_errinfo){0};
	ret = nc_store_begin(c->store);
	/* What marks tell is held until the write commits: nothing is
	 * announced that a rollback takes back. */
	if (ret == 0)
		hold.depth++;
	return ret;
}

int nc_core_end(struct nc_core *c, int ret)
{
	if (ret == 0)
		ret = nc_store_commit(c->store);
	else
		nc_store_rollback(c->store);
	/* A caller may end a write whose begin failed: no hold to end then. */
	if (hold.depth > 0 && --hold.depth == 0)
		hold_end(c, ret == 0);
	return ret;
}

int nc_core_explain(struct nc_errinfo *ei, int ret, const char *verb, const char *noun,
		    const char *name)
{
	if (ret == 0 || (ei && ei->code == ret && ei->msg[0]))
		return ret;
	return nc_fail(ei, ret, NULL, "cannot %s %s `%s': %s", verb, noun, name, nc_strerror(ret));
}

int nc_core_write(struct nc_core *c, const struct nc_actor *actor, const struct nc_core_write *w,
		  int (*body)(struct nc_core *c, const struct nc_core_write *w, void *obj,
			      struct nc_errinfo *ei),
		  void *obj, struct nc_errinfo *ei)
{
	int ret = nc_core_begin(c, ei);

	if (ret == 0)
		ret = nc_core_end(c, body(c, w, obj, ei));
	if (ret == 0)
		nc_core_audit(c, actor, w->tenant, w->device, w->verb, w->noun);
	return nc_core_explain(ei, ret, w->verb, w->noun, w->name ? w->name : w->device);
}

int nc_core_write_many(struct nc_core *c, size_t n,
		       int (*item)(struct nc_core *c, void *arg, size_t i, struct nc_errinfo *ei),
		       void (*done)(struct nc_core *c, void *arg, size_t i), void *arg,
		       size_t *failed, struct nc_errinfo *ei)
{
	int ret = nc_core_begin(c, ei);
	size_t i;

	*failed = n;
	if (ret < 0)
		goto out;
	for (i = 0; ret == 0 && i < n; i++) {
		ret = item(c, arg, i, ei);
		if (ret < 0)
			*failed = i;
	}
	ret = nc_core_end(c, ret);
	for (i = 0; ret == 0 && i < n; i++)
		done(c, arg, i);
out:
	return ret;
}

int nc_core_create_tenant(struct nc_core *c, const char *scope, char obj_tenant[NC_ID_MAX],
			  const char *noun, const char *name, struct nc_errinfo *ei)
{
	struct nc_tenant t;

	if (scope && obj_tenant[0] && strcmp(obj_tenant, scope) != 0)
		return nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found", obj_tenant);
	if (scope)
		snprintf(obj_tenant, NC_ID_MAX, "%s", scope);
	else if (!obj_tenant[0])
		return nc_fail(ei, NC_ERR_INVAL, "tenant", "tenant: name the tenant of %s `%s'",
			       noun, name);
	if (nc_store_tenant_get(c->store, obj_tenant, &t) == NC_ERR_NOTFOUND)
		return nc_fail(ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found", obj_tenant);
	return 0;
}

int nc_core_serial_taken(struct nc_core *c, const char *serial, struct nc_errinfo *ei)
{
	enum nc_device_type type;
	const char *what = "a device";

	if (nc_store_device_lookup(c->store, NULL, serial, &type, NULL) == 0)
		what = type == NC_DEVICE_EDGE ? "an edge" : "a connector";
	return nc_fail(ei, NC_ERR_EXISTS, "serial",
		       "serial `%s' is already used by %s of this or another tenant", serial, what);
}

int nc_core_device_admit(struct nc_core *c, const struct nc_core_write *w, char tenant[NC_ID_MAX],
			 const char *serial, const struct nc_strlist *lans,
			 int (*valid)(const void *obj, struct nc_errinfo *ei), const void *obj,
			 struct nc_errinfo *ei)
{
	int ret = nc_core_create_tenant(c, w->scope, tenant, w->noun, serial, ei);

	if (ret == 0)
		ret = valid(obj, ei);
	if (ret == 0)
		ret = nc_new_serial_validate(serial, ei);
	if (ret == 0)
		ret = nc_core_lan_check(c, tenant, serial, lans, ei);
	return ret;
}

int nc_core_device_inserted(struct nc_core *c, int ret, const char *serial, struct nc_errinfo *ei)
{
	if (ret == NC_ERR_EXISTS)
		ret = nc_core_serial_taken(c, serial, ei);
	return ret;
}

int nc_core_device_created(struct nc_core *c, const struct nc_core_write *w, const char *serial,
			   const char *tenant)
{
	char reason[NC_REASON_MAX];

	snprintf(reason, sizeof(reason), "%s %s created", w->noun, serial);
	return nc_core_mark_dirty(c, serial, tenant, reason);
}

int nc_core_release_memberships(struct nc_core *c, const char *serial)
{
	struct nc_member *m = NULL;
	size_t n = 0;
	int ret = nc_store_member_list_by_device(c->store, serial, &m, &n);

	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = nc_ipam_release(c->store, m[i].tenant, NC_IPAM_PEERING, m[i].peering, serial);
	free(m);
	return ret;
}
