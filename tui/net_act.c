/* SPDX-License-Identifier: MIT */
/*
 * The operator's actions on the dashboard's network thread (net_impl.h):
 * Sync Now for one device or every pending one, approving a connector.
 * Each reports its outcome on the status line.
 */
#include "net_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/client/client.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "tui.h"

/*
 * POST /v1/COLL/SERIAL/ACTION, without a body; "ACTION SERIAL" into
 * what[wn], the name of the action on the status line, where a failure is
 * reported. *reply is owned by the caller.
 */
static int post(struct tui_net *n, const char *coll, const char *serial, const char *action,
		char *what, size_t wn, json_t **reply)
{
	struct nc_errinfo ei = {0};
	char path[256];
	int ret = nc_client_pathf(path, sizeof(path), "/v1/%s/%s/%s", coll, serial, action);

	snprintf(what, wn, "%s %s", action, serial);
	if (ret == 0)
		ret = nc_client_request(n->c, "POST", path, NULL, NULL, reply, &ei);
	if (ret < 0)
		tui_net_failed(n, what, ret, &ei);
	return ret;
}

/* Sync Now for one device: the outcome of each item of the 202 reply. */
void tui_net_sync_one(struct tui_net *n, const char *serial)
{
	json_t *reply = NULL, *it;
	char what[128];
	size_t i;

	if (post(n, "devices", serial, "sync", what, sizeof(what), &reply) < 0)
		goto out;
	json_array_foreach(json_object_get(reply, "items"), i, it) {
		const char *state = json_string_value(json_object_get(it, "state"));
		const char *err = json_string_value(json_object_get(it, "error"));

		if (state && strcmp(state, "skipped") == 0)
			tui_net_status(n, true, "%s skipped: %s", what, err ? err : "");
		else if (err)
			tui_net_status(n, true, "%s: seq %lld sent, but %s", what,
				       (long long)json_integer_value(json_object_get(it, "seq")),
				       err);
		else
			tui_net_status(n, false, "sync sent to %s: seq %lld, applying", serial,
				       (long long)json_integer_value(json_object_get(it, "seq")));
	}
out:
	json_decref(reply);
}

/* Asynchronous: the core answers once it has the list, and sends it in the
 * background (the rows follow its batch_sent and confirm events). */
void tui_net_sync_pending(struct tui_net *n)
{
	json_t *body = json_pack("{s:s,s:b}", "state", "pending", "async", 1), *reply = NULL;
	struct nc_errinfo ei = {0};
	size_t k;
	int ret = nc_client_request(n->c, "POST", "/v1/sync", body, NULL, &reply, &ei);

	if (ret < 0) {
		tui_net_failed(n, "sync of the pending devices", ret, &ei);
		goto out;
	}
	k = json_array_size(json_object_get(reply, "items"));
	if (k == 0)
		tui_net_status(n, false, "no device is pending: nothing to send");
	else
		tui_net_status(n, false, "Sync Now of %zu pending device%s started (run %lld)", k,
			       k == 1 ? "" : "s",
			       (long long)json_integer_value(json_object_get(reply, "run")));
out:
	json_decref(body);
	json_decref(reply);
}

void tui_net_approve(struct tui_net *n, const char *serial)
{
	json_t *reply = NULL, *one = NULL;
	struct tui_conn *cv = NULL, *c;
	char what[128];
	size_t k = 0;

	if (post(n, "connectors", serial, "approve", what, sizeof(what), &reply) < 0)
		goto out;
	/* The reply is the connector: its row changes now, even without events. */
	one = json_pack("[O]", reply);
	if (one)
		k = tui_conns_parse(one, &cv);
	if (k == 1) {
		pthread_mutex_lock(&n->m->lock);
		c = tui_model_conn(n->m, cv->serial);
		if (c)
			*c = *cv;
		n->m->version++;
		pthread_mutex_unlock(&n->m->lock);
	}
	tui_net_status(n, false, "approved %s: it is %s, sync %s", serial,
		       k ? cv->status : "approved", k && cv->sync[0] ? cv->sync : "pending");
	tui_net_soon(&n->stats_at, nc_time_mono_ms());
out:
	free(cv);
	json_decref(one);
	json_decref(reply);
}
