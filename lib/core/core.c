/* SPDX-License-Identifier: MIT */
#include "core.h"

#include <string.h>
#include <time.h>

#include "../events/events.h"
#include "../store/store.h"
#include "../util/err.h"

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
