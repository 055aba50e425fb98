/* SPDX-License-Identifier: MIT */
/* /v1/edges */
#include <microhttpd.h>
#include <string.h>

#include "../core/inventory.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

int h_edge_list(struct api_req *r)
{
	struct nc_edge_filter f = {.tenant = r->tenant, .kind = -1};
	const char *kind = api_query(r, "kind");
	struct nc_edge *v = NULL;
	struct nc_page pg;
	enum nc_edge_kind k;
	size_t n = 0;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret < 0)
		return ret;
	if (kind) {
		if (nc_edge_kind_parse(kind, &k) < 0)
			return nc_fail(&r->ei, NC_ERR_INVAL, "kind",
				       "kind must be dedicated or mtge");
		f.kind = (int)k;
	}
	f.region = api_query(r, "region");
	ret = nc_store_edge_list(r->core->store, &f, &pg, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list edges");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, nc_edge_to_json(&v[i]));
	nc_edge_array_free(v, n);
	return api_reply_list(r, items, pg.next_cursor);
}

int h_edge_get(struct api_req *r)
{
	struct nc_edge e = {0};
	int ret = nc_store_edge_get(r->core->store, r->tenant, r->params[0], &e);

	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "edge `%s' not found", r->params[0]);
	ret = api_reply(r, MHD_HTTP_OK, nc_edge_to_json(&e));
	nc_edge_clear(&e);
	return ret;
}

int h_edge_create(struct api_req *r)
{
	struct nc_edge e = {0};
	char tenant[NC_ID_MAX];
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_edge_from_json(body, &e, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = api_create_tenant(r, body, tenant);
	if (ret == 0) {
		snprintf(e.tenant, sizeof(e.tenant), "%s", tenant);
		ret = nc_core_edge_create(r->core, &r->actor, r->tenant, &e, &r->ei);
	}
	if (ret == 0) {
		char serial[NC_SERIAL_MAX];

		snprintf(serial, sizeof(serial), "%s", e.serial);
		nc_edge_clear(&e);
		ret = nc_store_edge_get(r->core->store, tenant, serial, &e);
	}
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_CREATED, nc_edge_to_json(&e));
	nc_edge_clear(&e);
	return ret;
}

int h_edge_update(struct api_req *r)
{
	struct nc_edge e = {0};
	json_t *body;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_core_edge_update(r->core, &r->actor, r->tenant, r->params[0], body, &e,
					  &r->ei);
	if (ret == 0)
		ret = api_reply(r, MHD_HTTP_OK, nc_edge_to_json(&e));
	nc_edge_clear(&e);
	return ret;
}

int h_edge_delete(struct api_req *r)
{
	int ret = nc_core_edge_delete(r->core, &r->actor, r->tenant, r->params[0], &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}
