/* SPDX-License-Identifier: MIT */
/* GET /v1/connectors, approve and decommission; the rest is in h_devices.c. */
#include <microhttpd.h>
#include <string.h>

#include "../core/inventory.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

json_t *api_connector_json(struct api_req *r, const struct nc_connector *c)
{
	json_t *o = nc_connector_to_json(c);
	struct nc_sync s = {0};
	bool configured =
		c->status != NC_STATUS_PENDING_APPROVAL && c->status != NC_STATUS_DECOMMISSIONED;

	if (configured && nc_store_sync_get(r->core->store, c->serial, c->tenant, &s) == 0)
		json_object_set_new(
			o, "sync",
			json_pack("{s:s,s:o}", "state", nc_sync_state_name(s.state), "dirty_reason",
				  s.dirty_reason[0] ? json_string(s.dirty_reason) : json_null()));
	else
		json_object_set_new(o, "sync", json_null());
	nc_sync_clear(&s);
	return o;
}

int h_connector_list(struct api_req *r)
{
	struct nc_connector_filter f = {.tenant = r->tenant, .status = -1};
	const char *status = api_query(r, "status"), *hub = api_query(r, "hub");
	struct nc_connector *v = NULL;
	struct nc_page pg;
	size_t n = 0;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret == 0)
		ret = api_enum(r, "status", status, nc_status_index, &f.status,
			       "status must be one of pending_approval, approved, "
			       "provisioned, active, offline, decommissioned");
	if (ret < 0)
		return ret;
	f.region = api_query(r, "region");
	f.hub = hub && (strcmp(hub, "none") == 0 || strcmp(hub, "null") == 0) ? "" : hub;
	f.name_contains = api_query(r, "name");
	ret = nc_store_connector_list(r->core->store, &f, &pg, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list connectors");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_connector_json(r, &v[i]));
	nc_connector_array_free(v, n);
	return api_reply_list(r, items, pg.next_cursor);
}

/* Approve or decommission: the status comes from the route (r->arg). */
int h_connector_transition(struct api_req *r)
{
	int ret = nc_core_connector_transition(r->core, &r->actor, r->tenant, r->params[0],
					       (enum nc_status)r->arg, NULL, &r->ei);

	return ret < 0 ? ret
		       : api_reply_device(r, MHD_HTTP_OK, NC_DEVICE_CONNECTOR, r->tenant,
					  r->params[0]);
}
