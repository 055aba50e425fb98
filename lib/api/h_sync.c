/* SPDX-License-Identifier: MIT */
/* /v1/sync and /v1/devices/{serial}/sync: the sync state of devices. */
#include <microhttpd.h>
#include <string.h>

#include "../model/codec.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

int h_sync_list(struct api_req *r)
{
	struct nc_sync_filter f = { .tenant = r->tenant, .state = -1 };
	const char *state = api_query(r, "state");
	struct nc_sync *v = NULL;
	enum nc_sync_state st;
	struct nc_page pg;
	size_t n = 0;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret < 0)
		return ret;
	if (state) {
		if (nc_sync_state_parse(state, &st) < 0)
			return nc_fail(&r->ei, NC_ERR_INVAL, "state",
				       "state must be synced, pending, applying or failed");
		f.state = (int)st;
	}
	ret = nc_store_sync_list(r->core->store, &f, &pg, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list sync states");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, nc_sync_to_json(&v[i]));
	nc_sync_array_free(v, n);
	return api_reply_list(r, items, pg.next_cursor);
}

int h_device_sync_get(struct api_req *r)
{
	struct nc_sync_filter f = { .tenant = r->tenant, .state = -1, .serial = r->params[0] };
	char tenant[NC_ID_MAX];
	enum nc_device_type type;
	struct nc_sync *v = NULL;
	size_t n = 0;
	json_t *items;
	int ret = nc_store_device_lookup(r->core->store, r->tenant, r->params[0], &type, tenant);

	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "device `%s' not found", r->params[0]);
	/* One state per tenant the device serves (several for an MTGE). */
	ret = nc_store_sync_list(r->core->store, &f, NULL, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot read sync state");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, nc_sync_to_json(&v[i]));
	nc_sync_array_free(v, n);
	if (json_array_size(items) == 1) {
		json_t *one = json_incref(json_array_get(items, 0));

		json_decref(items);
		return api_reply(r, MHD_HTTP_OK, one);
	}
	return api_reply_list(r, items, NULL);
}
