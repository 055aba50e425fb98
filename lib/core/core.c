/* SPDX-License-Identifier: MIT */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../events/events.h"
#include "../store/store.h"
#include "../util/err.h"
#include "ipam.h"

int nc_core_mark_dirty(struct nc_core *c, const char *serial, const char *tenant,
		       const char *reason)
{
	struct nc_sync s = { 0 };
	int ret = nc_store_sync_get(c->store, serial, tenant, &s);

	if (ret == NC_ERR_NOTFOUND) {
		snprintf(s.serial, sizeof(s.serial), "%s", serial);
		snprintf(s.tenant, sizeof(s.tenant), "%s", tenant);
	} else if (ret < 0) {
		goto out;
	}
	s.state = NC_SYNC_PENDING;
	snprintf(s.dirty_reason, sizeof(s.dirty_reason), "%s", reason);
	s.updated_at = time(NULL);
	ret = nc_store_sync_put(c->store, &s);
	if (ret < 0)
		goto out;
	if (c->events)
		nc_events_emit(c->events, "dirty", tenant, serial,
			       json_pack("{s:s,s:s}", "reason", reason, "state", "pending"));
out:
	nc_sync_clear(&s);
	return ret;
}

int nc_core_dirty_peers(struct nc_core *c, const char *tenant, const char *serial,
			const char *reason)
{
	struct nc_link *v = NULL;
	size_t n = 0;
	int ret = nc_store_link_list_by_device(c->store, serial, &v, &n);

	for (size_t i = 0; ret == 0 && i < n; i++) {
		const char *peer = strcmp(v[i].a, serial) == 0 ? v[i].b : v[i].a;
		bool seen = false;

		if (strcmp(v[i].tenant, tenant) != 0)
			continue;
		/* Links come in tunnel pairs and several groups: dirty each peer once. */
		for (size_t j = 0; j < i && !seen; j++) {
			const char *p = strcmp(v[j].a, serial) == 0 ? v[j].b : v[j].a;

			seen = strcmp(v[j].tenant, tenant) == 0 && strcmp(p, peer) == 0;
		}
		if (!seen)
			ret = nc_core_mark_dirty(c, peer, tenant, reason);
	}
	free(v);
	return ret;
}

void nc_core_audit(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		   const char *device, const char *action, const char *object)
{
	if (!c->events)
		return;
	nc_events_emit(c->events, "audit", tenant, device,
		       json_pack("{s:s,s:s,s:s,s:s}", "action", action, "object", object,
				 "token", actor ? actor->token_id : "", "role",
				 actor ? nc_role_name(actor->role) : "system"));
}

int nc_core_begin(struct nc_core *c, struct nc_errinfo *ei)
{
	if (ei)
		*ei = (struct nc_errinfo){ 0 };
	return nc_store_begin(c->store);
}

int nc_core_end(struct nc_core *c, int ret)
{
	if (ret == 0)
		return nc_store_commit(c->store);
	nc_store_rollback(c->store);
	return ret;
}

int nc_core_explain(struct nc_errinfo *ei, int ret, const char *verb, const char *noun,
		    const char *name)
{
	if (ret == 0 || (ei && ei->code == ret && ei->msg[0]))
		return ret;
	return nc_fail(ei, ret, NULL, "cannot %s %s `%s': %s", verb, noun, name,
		       nc_strerror(ret));
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

int nc_core_release_memberships(struct nc_core *c, const char *serial)
{
	struct nc_member *m = NULL;
	size_t n = 0;
	int ret = nc_store_member_list_by_device(c->store, serial, &m, &n);

	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = nc_ipam_peering_release(c->store, m[i].tenant, m[i].peering, serial);
	free(m);
	return ret;
}
