/* SPDX-License-Identifier: MIT */
/* /healthz, /metrics and /v1/stats. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/model.h"
#include "../store/store.h"
#include "../sync/engine.h"
#include "handlers.h"
#include "internal.h"

int h_healthz(struct api_req *r)
{
	int v = 0, ret = nc_store_schema_version(r->core->store, &v);

	if (ret < 0)
		return nc_fail(&r->ei, NC_ERR_UNREACHABLE, NULL, "the store does not answer");
	/* Ready means the API and the store answer; the broker is reported,
	 * as serve keeps working (and reconnecting) without it. */
	return api_reply(r, MHD_HTTP_OK,
			 json_pack("{s:s,s:{s:s,s:i},s:o,s:I}", "status", "ok", "store", "status",
				   "ok", "schema", v, "broker", nc_sync_broker_status(api_sync(r)),
				   "uptime_s", (json_int_t)(time(NULL) - api_started_at(r))));
}

/* The engine's counters of refused device messages, as a new object. */
static json_t *refused(struct api_req *r)
{
	struct nc_sync_counters c;

	nc_sync_counters(api_sync(r), &c);
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "rejected_seq", (json_int_t)c.rejected_seq,
			 "stale_reports", (json_int_t)c.stale_reports, "held_keys",
			 (json_int_t)c.held_keys, "queued", (json_int_t)c.queued, "dropped",
			 (json_int_t)c.dropped);
}

int h_stats(struct api_req *r)
{
	size_t con[6], sync[4], total = 0;
	json_t *out;
	int ret = nc_store_connector_count(r->core->store, r->tenant, con);

	if (ret == 0)
		ret = nc_store_sync_count(r->core->store, r->tenant, sync);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot read the store");
	/* Every registered connector, decommissioned included (the seed's card). */
	for (int i = 0; i < 6; i++)
		total += con[i];
	out = json_pack("{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I}}", "connectors",
			"total", (json_int_t)total, "online", (json_int_t)con[NC_STATUS_ACTIVE],
			"offline", (json_int_t)con[NC_STATUS_OFFLINE], "pending",
			(json_int_t)con[NC_STATUS_PENDING_APPROVAL], "approved",
			(json_int_t)con[NC_STATUS_APPROVED], "provisioned",
			(json_int_t)con[NC_STATUS_PROVISIONED], "decommissioned",
			(json_int_t)con[NC_STATUS_DECOMMISSIONED], "sync", "synced",
			(json_int_t)sync[NC_SYNC_SYNCED], "pending",
			(json_int_t)sync[NC_SYNC_PENDING], "applying",
			(json_int_t)sync[NC_SYNC_APPLYING], "failed",
			(json_int_t)sync[NC_SYNC_FAILED]);
	/* Serve-wide, not per tenant. */
	json_object_set_new(out, "device_messages", refused(r));
	return api_reply(r, MHD_HTTP_OK, out);
}

/* The sync engine's counters of confirmations and faults (nc_sync_counters). */
static void metrics_sync(FILE *f, const struct nc_sync_counters *c)
{
	fprintf(f, "# HELP netctl_sync_confirms_total Confirmations by verdict.\n"
		   "# TYPE netctl_sync_confirms_total counter\n");
	for (int v = 0; v < NC_VERDICTS; v++)
		fprintf(f, "netctl_sync_confirms_total{verdict=\"%s\"} %lld\n",
			nc_verdict_name((enum nc_verdict)v), (long long)c->confirms[v]);
	fprintf(f,
		"# HELP netctl_sync_proto_errors_total Device messages rejected as malformed.\n"
		"# TYPE netctl_sync_proto_errors_total counter\nnetctl_sync_proto_errors_total "
		"%lld\n"
		"# HELP netctl_sync_ignored_total Device messages ignored (unknown or out of "
		"service devices).\n"
		"# TYPE netctl_sync_ignored_total counter\nnetctl_sync_ignored_total %lld\n"
		"# HELP netctl_sync_apply_timeouts_total Batches re-sent after their apply "
		"timeout.\n"
		"# TYPE netctl_sync_apply_timeouts_total counter\n"
		"netctl_sync_apply_timeouts_total %lld\n"
		"# HELP netctl_sync_republished_total Batches in flight published again after a "
		"broker connect.\n"
		"# TYPE netctl_sync_republished_total counter\nnetctl_sync_republished_total "
		"%lld\n",
		(long long)c->proto_errors, (long long)c->ignored, (long long)c->apply_timeouts,
		(long long)c->republished);
	fprintf(f,
		"# HELP netctl_sync_queue_depth Device messages waiting for the engine.\n"
		"# TYPE netctl_sync_queue_depth gauge\nnetctl_sync_queue_depth %lld\n"
		"# HELP netctl_sync_queue_max Device messages that may wait; more are dropped.\n"
		"# TYPE netctl_sync_queue_max gauge\nnetctl_sync_queue_max %lld\n"
		"# HELP netctl_sync_dropped_total Device messages dropped: the queue was full.\n"
		"# TYPE netctl_sync_dropped_total counter\nnetctl_sync_dropped_total %lld\n"
		"# HELP netctl_sync_groups_total Store transactions of device messages.\n"
		"# TYPE netctl_sync_groups_total counter\nnetctl_sync_groups_total %lld\n"
		"# HELP netctl_sync_grouped_total Device messages applied in those transactions.\n"
		"# TYPE netctl_sync_grouped_total counter\nnetctl_sync_grouped_total %lld\n"
		"# HELP netctl_sync_group_failures_total Transactions of device messages whose "
		"commit failed.\n"
		"# TYPE netctl_sync_group_failures_total counter\n"
		"netctl_sync_group_failures_total %lld\n"
		"# HELP netctl_sync_requests_coalesced_total Config requests answered by the batch "
		"already in flight.\n"
		"# TYPE netctl_sync_requests_coalesced_total counter\n"
		"netctl_sync_requests_coalesced_total %lld\n"
		"# HELP netctl_sync_superseded_total Heartbeats, tunnel statuses, config "
		"requests and registrations that a newer one of the same device replaced while "
		"they waited.\n"
		"# TYPE netctl_sync_superseded_total counter\n"
		"netctl_sync_superseded_total %lld\n"
		"# HELP netctl_sync_batches_reused_total New batches that took the commands of "
		"the device's confirmed batch, nothing having changed since, without a render.\n"
		"# TYPE netctl_sync_batches_reused_total counter\n"
		"netctl_sync_batches_reused_total %lld\n",
		(long long)c->queued, (long long)c->queue_max, (long long)c->dropped,
		(long long)c->groups, (long long)c->grouped, (long long)c->group_failures,
		(long long)c->coalesced, (long long)c->superseded, (long long)c->reused);
}

int h_metrics(struct api_req *r)
{
	size_t con[6], sync[4], len = 0;
	struct nc_sync_counters c;
	json_t *broker;
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
	fprintf(f,
		"# HELP netctl_uptime_seconds Seconds since serve started.\n"
		"# TYPE netctl_uptime_seconds gauge\nnetctl_uptime_seconds %lld\n",
		(long long)(time(NULL) - api_started_at(r)));
	broker = nc_sync_broker_status(api_sync(r));
	fprintf(f,
		"# HELP netctl_broker_connected Whether serve is connected to the MQTT broker.\n"
		"# TYPE netctl_broker_connected gauge\nnetctl_broker_connected %d\n",
		json_is_true(json_object_get(broker, "connected")));
	fprintf(f,
		"# HELP netctl_mqtt_published_total Batches handed to the broker.\n"
		"# TYPE netctl_mqtt_published_total counter\nnetctl_mqtt_published_total %lld\n",
		(long long)json_integer_value(json_object_get(broker, "published")));
	fprintf(f,
		"# HELP netctl_mqtt_received_total Device messages received.\n"
		"# TYPE netctl_mqtt_received_total counter\nnetctl_mqtt_received_total %lld\n",
		(long long)json_integer_value(json_object_get(broker, "received")));
	json_decref(broker);
	api_metrics_limits(r, f);
	nc_sync_counters(api_sync(r), &c);
	fprintf(f,
		"# HELP netctl_device_messages_refused_total Device messages that changed "
		"nothing, by reason.\n"
		"# TYPE netctl_device_messages_refused_total counter\n"
		"netctl_device_messages_refused_total{reason=\"rejected_seq\"} %lld\n"
		"netctl_device_messages_refused_total{reason=\"stale_report\"} %lld\n",
		(long long)c.rejected_seq, (long long)c.stale_reports);
	fprintf(f,
		"# HELP netctl_device_keys_held_total Public key changes held for an admin.\n"
		"# TYPE netctl_device_keys_held_total counter\n"
		"netctl_device_keys_held_total %lld\n",
		(long long)c.held_keys);
	metrics_sync(f, &c);
	api_metrics_requests(r, f);
	fclose(f);
	r->raw = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; version=0.0.4");
	return 0;
}
