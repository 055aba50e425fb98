/* SPDX-License-Identifier: MIT */
/* /v1/sync and /v1/devices/{serial}/sync: the sync state of devices. */
#include <microhttpd.h>
#include <string.h>

#include <stdlib.h>

#include "../model/codec.h"
#include "../store/store.h"
#include "../sync/build.h"
#include "../sync/engine.h"
#include "../util/json.h"
#include "../util/xmalloc.h"
#include "handlers.h"
#include "internal.h"

#define STATE_MUST "state must be synced, pending, applying or failed"

/* nc_sync_to_json with the device's retry state ("retry", engine.h). */
static json_t *state_json(struct api_req *r, const struct nc_sync *s)
{
	json_t *o = nc_sync_to_json(s);

	if (o)
		json_object_set_new(o, "retry",
				    nc_sync_retry_json(api_sync(r), s->serial, s->tenant,
						       s->state == NC_SYNC_FAILED));
	return o;
}

int h_sync_list(struct api_req *r)
{
	struct nc_sync_filter f = {.tenant = r->tenant, .state = -1, .configured = true};
	struct nc_sync *v = NULL;
	struct nc_page pg;
	size_t n = 0;
	int type = -1;
	json_t *items;
	int ret = api_page(r, &pg);

	if (ret == 0)
		ret = api_enum(r, "state", api_query(r, "state"), nc_sync_state_index, &f.state,
			       STATE_MUST);
	if (ret == 0)
		ret = api_enum(r, "type", api_query(r, "type"), nc_device_type_index, &type,
			       "type must be edge or connector");
	if (ret < 0)
		return ret;
	if (type >= 0)
		f.type = nc_device_type_name((enum nc_device_type)type);
	ret = nc_store_sync_list(r->core->store, &f, &pg, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list sync states");
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, state_json(r, &v[i]));
	nc_sync_array_free(v, n);
	return api_reply_list(r, items, pg.next_cursor);
}

int h_device_sync_get(struct api_req *r)
{
	struct nc_sync_filter f = {.tenant = r->tenant, .state = -1, .serial = r->params[0]};
	char tenant[NC_ID_MAX];
	enum nc_device_type type;
	struct nc_sync *v = NULL;
	size_t n = 0;
	json_t *items;
	/* A global admin finds any device; ?tenant= then picks its state (an MTGE's). */
	int ret = nc_store_device_lookup(r->core->store, r->actor.tenant[0] ? r->tenant : NULL,
					 r->params[0], &type, tenant);

	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "device `%s' not found", r->params[0]);
	/* One state per tenant the device serves (several for an MTGE). */
	ret = nc_store_sync_list(r->core->store, &f, NULL, &v, &n);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot read sync state");
	if (n == 0 && r->tenant && strcmp(r->tenant, tenant) != 0)
		return nc_fail(&r->ei, NC_ERR_NOTFOUND, "tenant",
			       "device `%s' serves no tenant `%s'", r->params[0], r->tenant);
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, state_json(r, &v[i]));
	nc_sync_array_free(v, n);
	if (json_array_size(items) == 1) {
		json_t *one = json_incref(json_array_get(items, 0));

		json_decref(items);
		return api_reply(r, MHD_HTTP_OK, one);
	}
	return api_reply_list(r, items, NULL);
}

/* Sync Now for a selection: {"devices":[...]} | {"all":true} | {"state":"pending"},
 * and "async":true to be answered once the devices are selected. */
int h_sync_now(struct api_req *r)
{
	static const char *const allowed[] = {"devices", "all", "state", "async", NULL};
	struct nc_sync_selection sel = {.tenant = r->tenant, .state = -1};
	const char **serials = NULL;
	json_t *body, *devs, *result = NULL;
	char state[16] = "";
	size_t i, n = 0;
	int ret = api_body_only(r, allowed, &body);

	if (ret == 0)
		ret = nc_json_bool(body, "all", &sel.all, false, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_json_bool(body, "async", &sel.async, false, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_json_str(body, "state", state, sizeof(state), false, NULL, &r->ei);
	if (ret >= 0)
		ret = api_enum(r, "state", state[0] ? state : NULL, nc_sync_state_index, &sel.state,
			       STATE_MUST);
	if (ret < 0)
		return ret;
	devs = json_object_get(body, "devices");
	if (devs && !json_is_array(devs))
		return nc_fail(&r->ei, NC_ERR_INVAL, "devices",
			       "devices must be an array of serials");
	n = json_array_size(devs);
	if (!sel.all && sel.state < 0 && n == 0)
		return nc_fail(&r->ei, NC_ERR_INVAL, "devices",
			       "say what to sync: {\"devices\":[...]}, {\"all\":true} or "
			       "{\"state\":\"pending\"}");
	serials = nc_xcalloc(n + 1, sizeof(*serials));
	for (i = 0; i < n; i++) {
		serials[i] = json_string_value(json_array_get(devs, i));
		if (!serials[i]) {
			free(serials);
			return nc_fail(&r->ei, NC_ERR_INVAL, "devices",
				       "devices[%zu] must be a serial", i);
		}
	}
	sel.serials = n ? serials : NULL;
	sel.dry_run = r->dry_run; /* answered once checked: async does not apply */
	ret = nc_sync_now(api_sync(r), &sel, &result, &r->ei);
	free(serials);
	return ret < 0 ? ret : api_reply(r, MHD_HTTP_ACCEPTED, result);
}

int h_device_sync_now(struct api_req *r)
{
	const char *serials[2] = {r->params[0], NULL};
	struct nc_sync_selection sel = {
		.tenant = r->tenant, .state = -1, .serials = serials, .dry_run = r->dry_run};
	json_t *result = NULL;
	int ret = nc_sync_now(api_sync(r), &sel, &result, &r->ei);

	return ret < 0 ? ret : api_reply(r, MHD_HTTP_ACCEPTED, result);
}

/* Replaces every secret of a commands array (IPSec keys) by "<redacted>". */
static void redact(json_t *commands)
{
	json_t *cmd, *sa;
	size_t i, j;

	json_array_foreach(commands, i, cmd) {
		json_t *sas = json_object_get(json_object_get(cmd, "body"), "sas");

		json_array_foreach(sas, j, sa) {
			if (json_object_get(sa, "key"))
				json_object_set_new(sa, "key", json_string("<redacted>"));
		}
	}
}

/*
 * The device's state for its tenant: the scope's, or the device's own. A
 * tenant token sees only devices of its tenant; a global admin finds any
 * device, and with ?tenant= reads that tenant's state of it, so that it can
 * read every tenant's batch of an MTGE (which belongs to one tenant).
 */
static int device_state(struct api_req *r, struct nc_sync *s)
{
	const char *scope = r->actor.tenant[0] ? r->tenant : NULL;
	enum nc_device_type type;
	char tenant[NC_ID_MAX];
	const char *t = r->tenant;
	int ret = nc_store_device_lookup(r->core->store, scope, r->params[0], &type, tenant);

	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "device `%s' not found", r->params[0]);
	ret = nc_store_sync_get(r->core->store, r->params[0], t ? t : tenant, s);
	if (ret == NC_ERR_NOTFOUND && t && strcmp(t, tenant) != 0)
		return nc_fail(&r->ei, ret, "tenant", "device `%s' serves no tenant `%s'",
			       r->params[0], t);
	if (ret < 0)
		return nc_fail(&r->ei, ret, "serial", "device `%s' has no sync state",
			       r->params[0]);
	return 0;
}

int h_device_batch(struct api_req *r)
{
	struct nc_sync s = {0};
	json_t *b;
	int ret = device_state(r, &s);

	if (ret == 0 && !s.last_batch)
		ret = nc_fail(&r->ei, NC_ERR_NOTFOUND, "serial",
			      "no batch was sent to %s yet: run sync now", r->params[0]);
	if (ret < 0)
		goto out;
	b = json_loads(s.last_batch, 0, NULL);
	if (!b) {
		ret = nc_fail(&r->ei, NC_ERR_INTERNAL, NULL, "the stored batch is not JSON");
		goto out;
	}
	redact(json_object_get(b, "commands"));
	ret = api_reply(r, MHD_HTTP_OK, b);
out:
	nc_sync_clear(&s);
	return ret;
}

/* The commands the next Sync Now would send, without sending: rendered from a snapshot of the
 * store, which the render does not write to. */
static int next_commands(struct api_req *r, const char *tenant, json_t **out, json_t **notes)
{
	return nc_sync_build(r->core->store, r->params[0], tenant, out, notes, &r->ei);
}

int h_device_diff(struct api_req *r)
{
	struct nc_sync s = {0};
	json_t *next = NULL, *prev = NULL, *before = json_object(), *after = json_object();
	json_t *notes = NULL;
	json_t *cmd, *changed = json_array(), *topics = json_object(), *res;
	const char *k;
	size_t i;
	int ret = device_state(r, &s);

	if (ret == 0)
		ret = next_commands(r, s.tenant, &next, &notes);
	if (ret < 0)
		goto out;
	if (s.last_batch) {
		json_t *b = json_loads(s.last_batch, 0, NULL);

		prev = json_incref(json_object_get(b, "commands"));
		json_decref(b);
	}
	redact(next);
	redact(prev);
	json_array_foreach(prev, i, cmd)
		json_object_set(before, json_string_value(json_object_get(cmd, "topic")),
				json_object_get(cmd, "body"));
	json_array_foreach(next, i, cmd)
		json_object_set(after, json_string_value(json_object_get(cmd, "topic")),
				json_object_get(cmd, "body"));
	json_object_foreach(after, k, cmd) {
		if (!json_equal(cmd, json_object_get(before, k))) {
			json_array_append_new(changed, json_string(k));
			json_object_set_new(topics, k,
					    json_pack("{s:O,s:O}", "before",
						      json_object_get(before, k)
							      ? json_object_get(before, k)
							      : json_null(),
						      "after", cmd));
		}
	}
	json_object_foreach(before, k, cmd) {
		if (!json_object_get(after, k)) {
			json_array_append_new(changed, json_string(k));
			json_object_set_new(topics, k,
					    json_pack("{s:O,s:n}", "before", cmd, "after"));
		}
	}
	/* notes: what the next batch leaves out and why (a peer without key). */
	res = json_pack("{s:s,s:s,s:I,s:b,s:O,s:O,s:O}", "serial", r->params[0], "tenant", s.tenant,
			"base_seq", (json_int_t)s.seq, "base_confirmed",
			s.seq > 0 && s.confirmed_seq == s.seq, "changed", changed, "topics", topics,
			"notes", notes);
	ret = api_reply(r, MHD_HTTP_OK, res);
out:
	json_decref(notes);
	json_decref(next);
	json_decref(prev);
	json_decref(before);
	json_decref(after);
	json_decref(changed);
	json_decref(topics);
	nc_sync_clear(&s);
	return ret;
}
