/* SPDX-License-Identifier: MIT */
/* GET /v1/edges; the rest of /v1/edges is in h_devices.c. */
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
	struct nc_edge *v = NULL;
	struct nc_page pg;
	size_t n = 0;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret == 0)
		ret = api_enum(r, "kind", api_query(r, "kind"), nc_edge_kind_index, &f.kind,
			       "kind must be dedicated or mtge");
	if (ret < 0)
		return ret;
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
