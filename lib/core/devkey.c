/* SPDX-License-Identifier: MIT */
/* Device public keys: recorded, held for an admin, accepted or rejected. */
#include "devkey.h"

#include <stdio.h>
#include <string.h>

#include "../events/events.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"

enum nc_key_action nc_core_key_action(enum nc_device_type type, enum nc_status status,
				      const char *current, const char *pending, const char *key)
{
	if (!key[0] || strcmp(key, current) == 0)
		return NC_KEY_KEEP;
	if (!current[0] || (type == NC_DEVICE_CONNECTOR && status == NC_STATUS_PENDING_APPROVAL))
		return NC_KEY_SET;
	return strcmp(key, pending) == 0 ? NC_KEY_KEEP : NC_KEY_HOLD;
}

int nc_core_key_changed(struct nc_core *c, const char *serial)
{
	struct nc_connector con = {0};
	char reason[NC_REASON_MAX], tenant[NC_ID_MAX];
	enum nc_device_type type;
	int ret = nc_store_device_lookup(c->store, NULL, serial, &type, tenant);

	snprintf(reason, sizeof(reason), "public key of %s changed", serial);
	if (ret == 0)
		ret = nc_core_dirty_peers(c, tenant, serial, reason);
	if (ret == 0 && type == NC_DEVICE_CONNECTOR) {
		ret = nc_store_connector_get(c->store, NULL, serial, &con);
		if (ret == 0 && con.hub_edge[0] && con.status != NC_STATUS_PENDING_APPROVAL &&
		    con.status != NC_STATUS_DECOMMISSIONED)
			ret = nc_core_mark_dirty(c, con.hub_edge, con.tenant, reason);
	} else if (ret == 0) {
		ret = nc_core_dirty_hubbed(c, serial, reason);
	}
	nc_connector_clear(&con);
	return ret;
}

/* The keys of serial, if it is a device of type in tenant's scope. */
static int keys_of(struct nc_core *c, const char *tenant, const char *serial,
		   enum nc_device_type type, char cur[NC_KEY_B64_MAX], char pending[NC_KEY_B64_MAX],
		   char owner[NC_ID_MAX])
{
	struct nc_connector con = {0};
	struct nc_edge e = {0};
	int ret;

	if (type == NC_DEVICE_CONNECTOR) {
		ret = nc_store_connector_get(c->store, tenant, serial, &con);
		snprintf(cur, NC_KEY_B64_MAX, "%s", con.public_key);
		snprintf(pending, NC_KEY_B64_MAX, "%s", con.pending_key);
		snprintf(owner, NC_ID_MAX, "%s", con.tenant);
	} else {
		ret = nc_store_edge_get(c->store, tenant, serial, &e);
		snprintf(cur, NC_KEY_B64_MAX, "%s", e.public_key);
		snprintf(pending, NC_KEY_B64_MAX, "%s", e.pending_key);
		snprintf(owner, NC_ID_MAX, "%s", e.tenant);
	}
	nc_connector_clear(&con);
	nc_edge_clear(&e);
	return ret;
}

/* The writes of a rekey, in the caller's transaction. */
static int rekey_tx(struct nc_core *c, const char *tenant, const char *serial,
		    enum nc_device_type type, bool accept, char cur[NC_KEY_B64_MAX],
		    char pending[NC_KEY_B64_MAX], char owner[NC_ID_MAX], struct nc_errinfo *ei)
{
	int ret = keys_of(c, tenant, serial, type, cur, pending, owner);

	if (ret == 0 && !pending[0])
		ret = nc_fail(ei, NC_ERR_CONFLICT, NULL,
			      "%s `%s' has no pending public key to accept or reject",
			      nc_device_type_name(type), serial);
	if (ret == 0 && accept) {
		ret = nc_store_device_touch(c->store, serial, pending, 0);
		if (ret == 0)
			ret = nc_core_key_changed(c, serial);
	} else if (ret == 0) {
		ret = nc_store_device_hold_key(c->store, serial, "");
	}
	return ret;
}

int nc_core_device_rekey(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			 const char *serial, enum nc_device_type type, bool accept,
			 struct nc_errinfo *ei)
{
	char cur[NC_KEY_B64_MAX] = "", pending[NC_KEY_B64_MAX] = "", owner[NC_ID_MAX] = "";
	const char *noun = nc_device_type_name(type);
	int ret = nc_core_begin(c, ei);

	if (ret == 0)
		ret = nc_core_end(
			c, rekey_tx(c, tenant, serial, type, accept, cur, pending, owner, ei));
	/* Public keys only: they are no secret. */
	if (ret == 0)
		nc_core_emit(c, accept ? NC_EV_key_accepted : NC_EV_key_rejected, owner, serial,
			     json_pack("{s:s,s:s,s:s}", "kind", noun, "public_key",
				       accept ? pending : cur,
				       accept ? "previous_key" : "rejected_key",
				       accept ? cur : pending));
	if (ret == 0)
		nc_core_audit(c, actor, owner, serial, accept ? "rekey_accept" : "rekey_reject",
			      noun);
	return nc_core_explain(ei, ret, "rekey", noun, serial);
}
