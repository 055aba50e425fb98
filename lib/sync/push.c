/* SPDX-License-Identifier: MIT */
/* Storing and publishing batches (prepare.c builds them): store -> publish -> apply timer. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "build.h"
#include "internal.h"
#include "verdict.h"

#define PUBLISH_TIMEOUT_MS 10000

int sync_device_tenants(struct nc_sync_engine *e, const char *serial, struct nc_strlist *out)
{
	struct nc_store *st = e->core->store;
	enum nc_device_type type;
	char tenant[NC_ID_MAX];
	struct nc_edge edge = {0};
	int ret = nc_store_device_lookup(st, NULL, serial, &type, tenant);

	if (ret < 0)
		return ret;
	if (type == NC_DEVICE_EDGE)
		ret = nc_store_edge_get(st, NULL, serial, &edge);
	if (ret == 0 && type == NC_DEVICE_EDGE && edge.kind == NC_EDGE_MTGE)
		ret = nc_sync_mtge_tenants(st, serial, out);
	else if (ret == 0)
		nc_strlist_add(out, tenant);
	nc_edge_clear(&edge);
	return ret;
}

/* Whether serial is an MTGE: its batches carry the tenant in the topic. */
static bool is_mtge(struct nc_store *st, const char *serial)
{
	struct nc_edge edge = {0};
	bool mtge = nc_store_edge_get(st, NULL, serial, &edge) == 0 && edge.kind == NC_EDGE_MTGE;

	nc_edge_clear(&edge);
	return mtge;
}

void sync_batch_max_take(struct nc_sync_engine *e, const char *serial, int64_t bytes)
{
	int ret = nc_store_device_batch_max_put(e->core->store, serial, bytes);

	if (ret < 0 && ret != NC_ERR_NOTFOUND)
		nc_warn("sync: %s: cannot record its batch_max %lld: %s", serial, (long long)bytes,
			nc_strerror(ret));
}

int sync_batch_fits(struct nc_sync_engine *e, const char *serial, size_t len, struct nc_errinfo *ei)
{
	const char *why = "the device advertises no batch_max: the protocol's limit";
	int64_t said = 0, max = NC_PROTO_BATCH_MAX;

	if (nc_store_device_batch_max_get(e->core->store, serial, &said) == 0 && said > 0) {
		max = said < e->o.batch_max ? said : e->o.batch_max;
		why = said > e->o.batch_max ? "serve's --batch-max, below the device's batch_max"
					    : "the batch_max the device advertises";
	}
	if ((int64_t)len <= max)
		return 0;
	return nc_fail(ei, NC_ERR_TOOBIG, NULL,
		       "the batch of %s would be %zu bytes, over its limit of %lld bytes (%s)",
		       serial, len, (long long)max, why);
}

int sync_outgoing_fill(struct nc_sync_engine *e, const struct nc_sync *s, struct outgoing *o)
{
	snprintf(o->serial, sizeof(o->serial), "%s", s->serial);
	snprintf(o->tenant, sizeof(o->tenant), "%s", s->tenant);
	snprintf(o->hash, sizeof(o->hash), "%s", s->sent_hash);
	o->seq = s->seq;
	o->attempts = s->attempts;
	o->len = strlen(s->last_batch);
	o->payload = strdup(s->last_batch);
	if (!o->payload)
		return NC_ERR_NOMEM;
	return nc_proto_topic_format(NC_MSG_BATCH, s->serial,
				     is_mtge(e->core->store, s->serial) ? s->tenant : "", o->topic,
				     sizeof(o->topic));
}

int sync_prepare_resend(struct nc_sync_engine *e, const char *serial, const char *tenant,
			bool retry, struct outgoing *o, struct nc_errinfo *ei)
{
	struct nc_sync s = {0};
	int ret = nc_store_sync_get(e->core->store, serial, tenant, &s);

	if (ret == 0 && !s.last_batch)
		ret = NC_ERR_NOTFOUND;
	if (ret < 0) {
		nc_fail(ei, ret, NULL, "%s has no batch to re-send", serial);
		goto out;
	}
	if (!sync_in_service(e, serial)) {
		ret = nc_fail(ei, NC_ERR_CONFLICT, NULL, "%s gets no configuration any more",
			      serial);
		goto out;
	}
	/* Stored under a larger limit than the device now says it takes. */
	ret = sync_batch_fits(e, serial, strlen(s.last_batch), ei);
	if (ret < 0)
		goto out;
	s.attempts = retry ? s.attempts + 1 : 1;
	/* A device marked since its batch was built stays pending: what it is
	 * sent again is not what it should run now. */
	if (s.state != NC_SYNC_PENDING)
		s.state = NC_SYNC_APPLYING;
	s.sent_at = s.updated_at = time(NULL);
	ret = nc_store_sync_put(e->core->store, &s);
	if (ret == 0)
		ret = sync_outgoing_fill(e, &s, o);
out:
	nc_sync_clear(&s);
	return ret;
}

int sync_fail(struct nc_sync_engine *e, struct nc_sync *s, const char *reason)
{
	int ret;

	/* Pending stays pending, failing (as a confirmation's failure leaves it). */
	if (s->state != NC_SYNC_PENDING)
		s->state = NC_SYNC_FAILED;
	snprintf(s->fail_reason, sizeof(s->fail_reason), "%s", reason);
	s->updated_at = time(NULL);
	ret = nc_store_sync_put(e->core->store, s);
	if (ret == 0)
		sync_event(e, NC_EV_sync_state, s->tenant, s->serial,
			   json_pack("{s:s,s:I,s:s}", "state", nc_sync_state_name(s->state), "seq",
				     (json_int_t)s->seq, "reason", reason));
	return ret;
}

/*
 * A stored batch that its device no longer takes (it lowered its batch_max)
 * cannot be re-sent: failed, reason too_large, so that reconcile tries it
 * again in its turn rather than leaving it applying with no timer.
 */
static void fail_too_large(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	struct nc_sync s = {0};

	if (nc_store_sync_get(e->core->store, serial, tenant, &s) == 0 &&
	    strcmp(s.fail_reason, "too_large") != 0)
		sync_fail(e, &s, "too_large");
	nc_sync_clear(&s);
}

int sync_publish(struct nc_sync_engine *e, struct outgoing *o, const char *why)
{
	struct nc_mqtt *m;
	int ret = NC_ERR_UNREACHABLE, shift;

	/* In a group, it goes out when the group is committed. */
	if (sync_group_defer_publish(e, o, why))
		return 0;
	pthread_mutex_lock(&e->lock);
	m = e->mqtt;
	pthread_mutex_unlock(&e->lock);
	if (m)
		ret = nc_mqtt_publish(m, o->topic, o->payload, o->len, 1, PUBLISH_TIMEOUT_MS);
	free(o->payload);
	o->payload = NULL;
	/* Whatever became of the publish, the apply timeout watches the seq;
	 * each re-send waits twice as long as the one before. */
	shift = o->attempts < 1 ? 0 : o->attempts > 6 ? 5 : o->attempts - 1;
	sync_timer_add(e, TIMER_APPLY, e->o.apply_timeout_ms << shift, o->serial, o->tenant,
		       o->seq);
	sync_event(e, NC_EV_batch_sent, o->tenant, o->serial,
		   json_pack("{s:I,s:s,s:s,s:b,s:o?}", "seq", (json_int_t)o->seq, "config_hash",
			     o->hash, "reason", why, "published", ret == 0, "run",
			     o->run ? json_integer(o->run) : NULL));
	if (ret < 0)
		nc_warn("sync: batch %lld of %s not published: %s", (long long)o->seq, o->serial,
			nc_strerror(ret));
	return ret;
}

struct republish {
	struct nc_mqtt *m;
	size_t sent, unsent;
};

static void republish_one(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	struct republish *rp = arg;
	struct outgoing o = {0};
	int r;

	if (!s->last_batch)
		return;
	r = sync_batch_fits(e, s->serial, strlen(s->last_batch), NULL);
	if (r == 0)
		r = sync_outgoing_fill(e, s, &o);
	if (r == 0)
		r = nc_mqtt_publish(rp->m, o.topic, o.payload, o.len, 1, PUBLISH_TIMEOUT_MS);
	free(o.payload);
	if (r < 0) {
		rp->unsent++;
		return;
	}
	rp->sent++;
	sync_event(e, NC_EV_batch_sent, s->tenant, s->serial,
		   json_pack("{s:I,s:s,s:s,s:b}", "seq", (json_int_t)s->seq, "config_hash",
			     s->sent_hash, "reason", "reconnect", "published", 1));
}

void sync_republish(struct nc_sync_engine *e)
{
	struct nc_sync_filter f = {.state = NC_SYNC_APPLYING, .configured = true};
	struct republish rp = {0};

	pthread_mutex_lock(&e->lock);
	rp.m = e->mqtt;
	pthread_mutex_unlock(&e->lock);
	if (rp.m)
		sync_each(e, &f, republish_one, &rp);
	if (rp.sent || rp.unsent)
		nc_info("sync: %zu batches in flight published again after connecting%s", rp.sent,
			rp.unsent ? " (some could not be: their apply timeout re-sends them)" : "");
}

int sync_push(struct nc_sync_engine *e, const char *serial, const char *tenant, enum push_mode mode,
	      const char *why)
{
	struct nc_errinfo ei = {0};
	struct outgoing o = {0};
	int ret = nc_store_begin(e->core->store);

	if (ret == 0) {
		ret = mode == PUSH_BUILD
			      ? sync_prepare(e, serial, tenant, &o, &ei)
			      : sync_prepare_resend(e, serial, tenant, mode == PUSH_RETRY, &o, &ei);
		if (ret == 0)
			ret = nc_store_commit(e->core->store);
		else
			nc_store_rollback(e->core->store);
	}
	if (ret == 0)
		return sync_publish(e, &o, why);
	free(o.payload);
	sync_event(e, NC_EV_sync_error, tenant, serial,
		   json_pack("{s:s,s:s}", "reason", why, "error",
			     ei.msg[0] ? ei.msg : nc_strerror(ret)));
	if (ret == NC_ERR_TOOBIG && mode != PUSH_BUILD)
		fail_too_large(e, serial, tenant);
	return ret;
}
