/* SPDX-License-Identifier: MIT */
/* /healthz, /metrics and /v1/stats. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/model.h"
#include "../store/store.h"
#include "handlers.h"
#include "internal.h"

int h_healthz(struct api_req *r)
{
	int v = 0, ret = nc_store_schema_version(r->core->store, &v);

	if (ret < 0)
		return nc_fail(&r->ei, NC_ERR_UNREACHABLE, NULL, "the store does not answer");
	return api_reply(r, MHD_HTTP_OK,
			 json_pack("{s:s,s:{s:s,s:i},s:I}", "status", "ok", "store", "status",
				   "ok", "schema", v, "uptime_s",
				   (json_int_t)(time(NULL) - api_started_at(r))));
}

int h_stats(struct api_req *r)
{
	size_t con[6], sync[4], total = 0;
	int ret = nc_store_connector_count(r->core->store, r->tenant, con);

	if (ret == 0)
		ret = nc_store_sync_count(r->core->store, r->tenant, sync);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot read the store");
	for (int i = 0; i < 6; i++)
		total += i == NC_STATUS_DECOMMISSIONED ? 0 : con[i];
	return api_reply(
		r, MHD_HTTP_OK,
		json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I}}", "connectors",
			  "total", (json_int_t)total, "online", (json_int_t)con[NC_STATUS_ACTIVE],
			  "offline", (json_int_t)con[NC_STATUS_OFFLINE], "pending",
			  (json_int_t)con[NC_STATUS_PENDING_APPROVAL], "approved",
			  (json_int_t)con[NC_STATUS_APPROVED], "provisioned",
			  (json_int_t)con[NC_STATUS_PROVISIONED], "decommissioned",
			  (json_int_t)con[NC_STATUS_DECOMMISSIONED], "sync", "synced",
			  (json_int_t)sync[NC_SYNC_SYNCED], "pending",
			  (json_int_t)sync[NC_SYNC_PENDING], "applying",
			  (json_int_t)sync[NC_SYNC_APPLYING], "failed",
			  (json_int_t)sync[NC_SYNC_FAILED]));
}

int h_metrics(struct api_req *r)
{
	size_t con[6], sync[4], len = 0;
	char *text = NULL;
	FILE *f;

	if (nc_store_connector_count(r->core->store, NULL, con) < 0 ||
	    nc_store_sync_count(r->core->store, NULL, sync) < 0)
		return nc_fail(&r->ei, NC_ERR_STORE, NULL, "cannot read the store");
	f = open_memstream(&text, &len);
	fprintf(f, "# HELP netctl_connectors Connectors by lifecycle status.\n"
		   "# TYPE netctl_connectors gauge\n");
	for (int i = 0; i < 6; i++)
		fprintf(f, "netctl_connectors{status=\"%s\"} %zu\n",
			nc_status_name((enum nc_status)i), con[i]);
	fprintf(f, "# HELP netctl_devices_sync Device sync states.\n"
		   "# TYPE netctl_devices_sync gauge\n");
	for (int i = 0; i < 4; i++)
		fprintf(f, "netctl_devices_sync{state=\"%s\"} %zu\n",
			nc_sync_state_name((enum nc_sync_state)i), sync[i]);
	fprintf(f, "# HELP netctl_uptime_seconds Seconds since serve started.\n"
		   "# TYPE netctl_uptime_seconds gauge\nnetctl_uptime_seconds %lld\n",
		(long long)(time(NULL) - api_started_at(r)));
	api_metrics_requests(r, f);
	fclose(f);
	r->raw = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4");
	return 0;
}
