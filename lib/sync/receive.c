/* SPDX-License-Identifier: MIT */
/*
 * What devices send, and what time does: confirmations, config requests,
 * heartbeats, tunnel status (decoded here, matched in tunnel.c),
 * registrations; apply timeouts, stale re-pushes,
 * offline detection and reconcile. Engine thread only.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../core/auth.h"
#include "../core/devkey.h"
#include "../core/inventory.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "internal.h"
#include "verdict.h"

/* What the engine needs to know of a device. */
struct device {
	enum nc_device_type type;
	char tenant[NC_ID_MAX]; /* the device's own */
	enum nc_status status;	/* connectors; edges count as active */
	bool in_service;	/* gets configuration */
	char public_key[NC_KEY_B64_MAX];
	char pending_key[NC_KEY_B64_MAX]; /* held for an admin */
	int64_t batch_max;		  /* as recorded */
};

static int device_get(struct nc_sync_engine *e, const char *serial, struct device *d)
{
	struct nc_device_brief b = {0};
	int ret = nc_store_device_brief(e->core->store, serial, &b);

	d->type = b.type;
	memcpy(d->tenant, b.tenant, sizeof(d->tenant));
	d->status = ret == 0 ? b.status : NC_STATUS_ACTIVE;
	d->in_service = ret == 0 && b.status != NC_STATUS_PENDING_APPROVAL &&
			b.status != NC_STATUS_DECOMMISSIONED;
	memcpy(d->public_key, b.public_key, sizeof(d->public_key));
	memcpy(d->pending_key, b.pending_key, sizeof(d->pending_key));
	d->batch_max = b.batch_max;
	return ret;
}

/* The batch_max a device sent, recorded unless d (NULL when not read) has
 * it already: a device repeats it in every message. */
static void batch_max_take(struct nc_sync_engine *e, const char *serial, const struct device *d,
			   int64_t bytes)
{
	if (!d || d->batch_max != bytes)
		sync_batch_max_take(e, serial, bytes);
}

static void proto_error(struct nc_sync_engine *e, const char *serial, const char *topic,
			const char *why)
{
	nc_debug("sync: %s: %s", topic, why);
	sync_event(e, NC_EV_proto_error, NULL, serial && *serial ? serial : NULL,
		   json_pack("{s:s,s:s}", "topic", topic, "error", why));
}

static void ignored(struct nc_sync_engine *e, const char *serial, const char *tenant,
		    const char *what, const char *why)
{
	sync_event(e, NC_EV_ignored, tenant, serial,
		   json_pack("{s:s,s:s}", "message", what, "reason", why));
}

/*
 * The first step of every message but a registration: a payload that did
 * not decode (ret, ei from the decoder) is a proto_error, a message from a
 * device this core does not know is ignored (what names the message). True
 * and *d when the message goes on.
 */
static bool from_known(struct nc_sync_engine *e, const char *serial, const char *topic, int ret,
		       const struct nc_errinfo *ei, const char *what, struct device *d)
{
	if (ret < 0) {
		proto_error(e, serial, topic, ei->msg);
		return false;
	}
	if (device_get(e, serial, d) < 0) {
		ignored(e, serial, NULL, what, "unknown device");
		return false;
	}
	return true;
}

/* Moves a connector along its lifecycle for a device event; quietly no-op
 * when the move is not allowed from where it is. */
static void lifecycle(struct nc_sync_engine *e, const char *serial, const struct device *d,
		      enum nc_status to)
{
	struct nc_errinfo ei = {0};

	if (d->type != NC_DEVICE_CONNECTOR || !nc_core_transition_ok(d->status, to))
		return;
	if (nc_core_connector_transition(e->core, NULL, NULL, serial, to, NULL, &ei) < 0)
		nc_warn("sync: %s: %s", serial, ei.msg);
}

/* Schedules a re-push of the latest batch after the stale delay, once: the
 * reports of a device running stale configuration come in bursts. */
static void stale_later(struct nc_sync_engine *e, const char *serial, const char *tenant,
			int64_t seq)
{
	char key[sizeof(((struct seen *)0)->key)];

	snprintf(key, sizeof(key), "s|%s|%s", serial, tenant);
	if (sync_seen(e, key, false))
		return;
	sync_seen(e, key, true);
	sync_timer_add(e, TIMER_STALE, e->o.stale_delay_ms, serial, tenant, seq);
}

static const char *tenant_of(const struct device *d, const char *topic_tenant)
{
	return topic_tenant && *topic_tenant ? topic_tenant : d->tenant;
}

/* A confirmation of a seq this core never sent for (serial, tenant): counted,
 * logged and shown as a proto_error; nothing else changes. */
static void reject_seq(struct nc_sync_engine *e, const char *serial, const char *tenant,
		       const char *topic, int64_t seq, int64_t sent)
{
	char why[160];

	atomic_fetch_add(&e->counters.rejected_seq, 1);
	snprintf(why, sizeof(why), "seq %lld was never sent (last sent %lld): rejected",
		 (long long)seq, (long long)sent);
	nc_warn("sync: %s tenant %s: %s: %s", serial, tenant, topic, why);
	sync_event(e, NC_EV_proto_error, tenant, serial,
		   json_pack("{s:s,s:s,s:s,s:I,s:I}", "topic", topic, "error", why, "reason",
			     "unsent_seq", "seq", (json_int_t)seq, "last_sent", (json_int_t)sent));
}

/* The batches the agent skipped for the newer one it confirms (optional). */
static void superseded(struct nc_sync_engine *e, const char *serial, const char *tenant,
		       const struct nc_confirm *c)
{
	json_t *seqs;

	if (c->n_superseded == 0)
		return;
	seqs = json_array();
	for (size_t i = 0; i < c->n_superseded; i++)
		json_array_append_new(seqs, json_integer(c->superseded[i]));
	sync_event(e, NC_EV_superseded, tenant, serial,
		   json_pack("{s:I,s:o}", "seq", (json_int_t)c->seq, "superseded", seqs));
}

/* What follows a confirmation c, with verdict v, stored as s. */
static void confirmed(struct nc_sync_engine *e, const char *serial, const char *tenant,
		      const struct device *d, const struct nc_confirm *c, const struct nc_sync *s,
		      enum nc_verdict v)
{
	if (v != NC_VERDICT_STALE)
		sync_event(e, NC_EV_sync_state, tenant, serial,
			   json_pack("{s:s,s:I,s:s}", "state", nc_sync_state_name(s->state), "seq",
				     (json_int_t)s->seq, "reason",
				     s->fail_reason[0] ? s->fail_reason : "confirmed"));
	if (v == NC_VERDICT_VERIFIED)
		sync_retry_reset(e, serial, tenant);
	/* Re-dirtied in flight: pending only if its next batch differs. */
	if (v == NC_VERDICT_VERIFIED && s->state == NC_SYNC_PENDING)
		sync_settle(e, serial, tenant);
	superseded(e, serial, tenant, c);
	if (v == NC_VERDICT_VERIFIED && d->status == NC_STATUS_APPROVED)
		lifecycle(e, serial, d, NC_STATUS_PROVISIONED);
	else if (v == NC_VERDICT_STALE)
		stale_later(e, serial, tenant, s->seq);
}

static void on_confirm(struct nc_sync_engine *e, const char *serial, const char *ttenant,
		       const void *payload, size_t len, const char *topic)
{
	struct nc_errinfo ei = {0};
	struct nc_confirm c = {0};
	struct nc_sync s = {0};
	struct device d;
	const char *verdict, *tenant;
	enum nc_verdict v;
	char *text = NULL;
	int ret = nc_proto_confirm_decode(payload, len, serial, ttenant, &c, &ei);

	if (!from_known(e, serial, topic, ret, &ei, "confirm", &d))
		goto out;
	/* An MTGE's tenant comes from the topic, or else from the payload. */
	tenant = tenant_of(&d, ttenant && *ttenant ? ttenant : c.tenant);
	if (!d.in_service) {
		ignored(e, serial, tenant, "confirm", nc_status_name(d.status));
		goto out;
	}
	if (nc_store_begin(e->core->store) < 0)
		goto out;
	/* The state without its stored batch, updated in place: a confirmation
	 * neither reads nor seals the batch again. */
	ret = nc_store_sync_peek(e->core->store, serial, tenant, &s);
	if (ret < 0) {
		nc_store_rollback(e->core->store);
		ignored(e, serial, tenant, "confirm", "no batch was ever sent");
		goto out;
	}
	v = nc_sync_confirm_apply(&s, c.seq, c.status == NC_CONFIRM_SUCCESS, c.config_hash,
				  time(NULL));
	if (v == NC_VERDICT_FUTURE) {
		nc_store_rollback(e->core->store);
		reject_seq(e, serial, tenant, topic, c.seq, s.seq);
		goto out;
	}
	verdict = nc_verdict_name(v);
	if (c.seq == s.seq) {
		text = strndup(payload, len);
		free(s.last_confirm);
		s.last_confirm = text;
		text = NULL;
	}
	ret = nc_store_sync_update(e->core->store, &s);
	if (ret == 0)
		ret = nc_store_commit(e->core->store);
	else
		nc_store_rollback(e->core->store);
	sync_event(e, NC_EV_confirm, tenant, serial,
		   json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:O,s:I,s:s,s:s}", "seq", (json_int_t)c.seq,
			     "config_hash", c.config_hash, "expected_hash", s.sent_hash, "verdict",
			     verdict, "applied", (json_int_t)c.applied, "failed",
			     (json_int_t)c.failed, "failures",
			     c.failures ? c.failures : json_array(), "expected_seq",
			     (json_int_t)s.seq, "status", nc_proto_confirm_status_name(c.status),
			     "state", nc_sync_state_name(s.state)));
	if (ret == 0)
		confirmed(e, serial, tenant, &d, &c, &s, v);
out:
	free(text);
	nc_confirm_clear(&c);
	nc_sync_clear(&s);
}

/*
 * A plain config request from an MTGE that knows none of its tenants (it
 * starts empty): every other tenant it serves gets its latest batch too,
 * the stored one, or a new one when none was ever sent.
 */
static void answer_other_tenants(struct nc_sync_engine *e, const char *serial, const char *own)
{
	struct nc_sync_filter f = {.serial = serial, .state = -1};
	struct nc_sync *v = NULL;
	size_t n = 0;

	if (nc_store_sync_list(e->core->store, &f, NULL, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].tenant, own) != 0)
			sync_push(e, serial, v[i].tenant,
				  v[i].last_batch ? PUSH_RESEND : PUSH_BUILD, "config request");
	}
	nc_sync_array_free(v, n);
}

/* A config request whose seq is further ahead than a restore explains. */
static void reject_learn(struct nc_sync_engine *e, const char *serial, const char *tenant,
			 const char *topic, int64_t seq, int64_t sent)
{
	char why[200];

	atomic_fetch_add(&e->counters.rejected_seq, 1);
	snprintf(why, sizeof(why),
		 "seq %lld is beyond what a restore explains (last sent %lld, at most %lld "
		 "ahead): not learnt",
		 (long long)seq, (long long)sent, (long long)NC_SYNC_SEQ_LEARN_MAX);
	nc_warn("sync: %s tenant %s: %s: %s", serial, tenant, topic, why);
	sync_event(e, NC_EV_proto_error, tenant, serial,
		   json_pack("{s:s,s:s,s:s,s:I,s:I}", "topic", topic, "error", why, "reason",
			     "seq_out_of_bound", "seq", (json_int_t)seq, "last_sent",
			     (json_int_t)sent));
}

/*
 * Whether s's batch is on its way to the device whose config request is
 * being applied: in flight, and sent less than COALESCE_MS (at most half
 * the apply timeout) before the request was received. The request then
 * gets that batch rather than another copy: devices that start together
 * and ask again before it arrives (the queue was long) cost one batch
 * each. A device that really lost it asks again later (PROTOCOL.md: 1 s,
 * 2 s, 4 s ...) and gets it then, or at the apply timeout.
 */
#define COALESCE_MS 5000
static bool in_flight(const struct nc_sync_engine *e, const struct nc_sync *s)
{
	int64_t window =
		e->o.apply_timeout_ms / 2 < COALESCE_MS ? e->o.apply_timeout_ms / 2 : COALESCE_MS;

	return s->state == NC_SYNC_APPLYING && (e->received - s->sent_at) * 1000 < window;
}

static void on_config_request(struct nc_sync_engine *e, const char *serial, const char *ttenant,
			      const void *payload, size_t len, const char *topic)
{
	struct nc_config_request r = {0};
	struct nc_errinfo ei = {0};
	struct nc_sync s = {0};
	struct device d;
	const char *tenant;
	bool ahead;
	int ret = nc_proto_config_request_decode(payload, len, serial, &r, &ei);

	if (!from_known(e, serial, topic, ret, &ei, "config-request", &d))
		return;
	batch_max_take(e, serial, &d, r.batch_max);
	tenant = tenant_of(&d, ttenant);
	sync_event(e, NC_EV_config_request, tenant, serial,
		   json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)r.seq, "config_hash",
			     r.config_hash, "reason", r.reason));
	if (!d.in_service) {
		ignored(e, serial, tenant, "config-request", nc_status_name(d.status));
		return;
	}
	ret = nc_store_sync_get(e->core->store, serial, tenant, &s);
	/* A device ahead of the core (restored from an older backup): its seq is
	 * learnt within a bound; beyond it the request's seq is not believed. */
	ahead = ret == 0 && r.seq > s.seq;
	if (ahead && !nc_sync_seq_learnable(s.seq, r.seq)) {
		reject_learn(e, serial, tenant, topic, r.seq, s.seq);
		ahead = false;
	}
	/* The latest batch: the stored one (pending changes wait for Sync Now);
	 * a new one when none exists or the device is ahead of the core. */
	if (ret == 0 && s.last_batch && !ahead) {
		if (in_flight(e, &s))
			atomic_fetch_add(&e->counters.coalesced, 1);
		else
			sync_push(e, serial, tenant, PUSH_RESEND, "config request");
	} else {
		if (ahead) {
			nc_info("sync: %s tenant %s: seq learnt from its config request: %lld "
				"(was %lld)",
				serial, tenant, (long long)r.seq, (long long)s.seq);
			s.seq = r.seq;
			nc_store_sync_put(e->core->store, &s);
		}
		sync_push(e, serial, tenant, PUSH_BUILD, "config request");
	}
	nc_sync_clear(&s);
	if (!ttenant || !*ttenant)
		answer_other_tenants(e, serial, tenant);
}

/*
 * A public key a device announced (via: "register" or "heartbeat"), with
 * its last-seen time (0 leaves it): recorded, or held for an admin
 * (devkey.h), in one transaction. A held key is counted, logged and shown
 * as a `key_held` event once per new key.
 */
static void take_key(struct nc_sync_engine *e, const char *serial, const struct device *d,
		     const char *key, int64_t seen, const char *via)
{
	enum nc_key_action act =
		nc_core_key_action(d->type, d->status, d->public_key, d->pending_key, key);
	int ret = nc_store_begin(e->core->store);

	if (ret < 0)
		return;
	ret = nc_store_device_touch(e->core->store, serial, act == NC_KEY_SET ? key : NULL, seen);
	if (ret == 0 && act == NC_KEY_SET)
		ret = nc_core_key_changed(e->core, serial);
	if (ret == 0 && act == NC_KEY_HOLD)
		ret = nc_store_device_hold_key(e->core->store, serial, key);
	if (ret == 0)
		ret = nc_store_commit(e->core->store);
	else
		nc_store_rollback(e->core->store);
	if (ret < 0 || act != NC_KEY_HOLD)
		return;
	atomic_fetch_add(&e->counters.held_keys, 1);
	nc_warn("%s announced a new public key in its %s: held until an admin accepts it "
		"(rekey --accept)",
		serial, via);
	sync_event(e, NC_EV_key_held, d->tenant, serial,
		   json_pack("{s:s,s:s,s:s,s:s}", "kind", nc_device_type_name(d->type), "via", via,
			     "public_key", d->public_key, "pending_key", key));
}

/*
 * Whether a heartbeat or tunnel status (kind) stamped ts is recent enough
 * to count (nc_sync_report_fresh). A stale one is counted; its event and
 * log line are rate-limited to one a second, carrying how many were
 * suppressed since the last.
 */
static bool fresh(struct nc_sync_engine *e, const char *serial, const char *tenant,
		  const char *kind, int64_t ts, int64_t interval_ms)
{
	int64_t age, now = nc_time_mono_ms();

	if (nc_sync_report_fresh(ts, time(NULL), interval_ms, &age))
		return true;
	atomic_fetch_add(&e->counters.stale_reports, 1);
	if (e->stale_event_at && now - e->stale_event_at < 1000) {
		e->stale_unreported++;
		return false;
	}
	nc_warn("sync: %s: %s with ts %lld is %lld s %s: ignored (%lld more suppressed)", serial,
		kind, (long long)ts, (long long)(age < 0 ? -age : age),
		age < 0 ? "in the future" : "old", (long long)e->stale_unreported);
	sync_event(e, NC_EV_stale_report, tenant, serial,
		   json_pack("{s:s,s:I,s:I,s:I}", "message", kind, "ts", (json_int_t)ts, "age_s",
			     (json_int_t)age, "suppressed", (json_int_t)e->stale_unreported));
	e->stale_event_at = now;
	e->stale_unreported = 0;
	return false;
}

/* What a heartbeat h tells of the state s. */
enum hb_verdict { HB_NOTHING, HB_HEALS, HB_STALE, HB_DRIFT };

static enum hb_verdict heartbeat_verdict(const struct nc_sync *s, const struct nc_heartbeat *h)
{
	if (nc_sync_heartbeat_settles(s, h->seq, h->config_hash))
		return HB_HEALS;
	if (h->seq < s->seq && s->state != NC_SYNC_APPLYING)
		return HB_STALE;
	/* The device runs something else than what it confirmed: drift. */
	if (h->seq == s->seq && s->state == NC_SYNC_SYNCED &&
	    strcmp(h->config_hash, s->confirmed_hash) != 0)
		return HB_DRIFT;
	return HB_NOTHING;
}

static void on_heartbeat(struct nc_sync_engine *e, const char *serial, const void *payload,
			 size_t len, const char *topic)
{
	struct nc_errinfo ei = {0};
	struct nc_heartbeat h = {0};
	struct nc_sync s = {0};
	enum hb_verdict verdict;
	struct device d;
	int ret = nc_proto_heartbeat_decode(payload, len, serial, &h, &ei);

	if (!from_known(e, serial, topic, ret, &ei, "heartbeat", &d))
		return;
	if (!fresh(e, serial, d.tenant, "heartbeat", h.ts, e->o.heartbeat_ms))
		return;
	take_key(e, serial, &d, h.public_key, time(NULL), "heartbeat");
	batch_max_take(e, serial, &d, h.batch_max);
	sync_event(e, NC_EV_heartbeat, d.tenant, serial,
		   json_pack("{s:I,s:s,s:I}", "seq", (json_int_t)h.seq, "config_hash",
			     h.config_hash, "uptime_s", (json_int_t)h.uptime_s));
	if (!d.in_service)
		return;
	if (d.status == NC_STATUS_PROVISIONED || d.status == NC_STATUS_OFFLINE)
		lifecycle(e, serial, &d, NC_STATUS_ACTIVE);
	/* Most heartbeats change nothing: look at the state first, and read the
	 * whole row (its batch) only for one that heals, is stale or drifts. */
	if (nc_store_sync_peek(e->core->store, serial, d.tenant, &s) < 0)
		return;
	verdict = heartbeat_verdict(&s, &h);
	if (verdict == HB_NOTHING || nc_store_sync_get(e->core->store, serial, d.tenant, &s) < 0)
		return;
	if (verdict == HB_HEALS && sync_heal(e, &s, h.seq, h.config_hash)) {
		if (d.status == NC_STATUS_APPROVED)
			lifecycle(e, serial, &d, NC_STATUS_PROVISIONED);
	} else if (verdict == HB_STALE) {
		stale_later(e, serial, d.tenant, s.seq);
	} else if (verdict == HB_DRIFT && sync_fail(e, &s, "drift") == 0) {
		stale_later(e, serial, d.tenant, s.seq);
	}
	nc_sync_clear(&s);
}

static void on_tunnel_status(struct nc_sync_engine *e, const char *serial, const void *payload,
			     size_t len, const char *topic)
{
	struct nc_tunnel_status ts = {0};
	struct nc_errinfo ei = {0};
	struct device d;
	int ret = nc_proto_tunnel_status_decode(payload, len, serial, &ts, &ei);

	if (!from_known(e, serial, topic, ret, &ei, "tunnel-status", &d))
		goto out;
	if (fresh(e, serial, d.tenant, "tunnel-status", ts.ts, e->o.tunnel_interval_ms))
		sync_tunnel_status(e, serial, d.tenant, &ts);
out:
	nc_tunnel_status_clear(&ts);
}

/*
 * An unknown device with a valid enrollment key of a tenant becomes a
 * connector of that tenant in pending_approval; registration never approves.
 */
static void enroll(struct nc_sync_engine *e, const struct nc_registration *r)
{
	struct nc_connector con = {0};
	struct nc_errinfo ei = {0};
	struct nc_token key;
	int ret;

	if (!r->enrollment_key[0]) {
		ignored(e, r->serial, NULL, "register", "unknown device and no enrollment key");
		return;
	}
	ret = nc_core_enroll_verify(e->core, r->enrollment_key, time(NULL), &key, &ei);
	if (ret < 0) {
		ignored(e, r->serial, NULL, "register", ei.msg);
		return;
	}
	snprintf(con.serial, sizeof(con.serial), "%s", r->serial);
	snprintf(con.tenant, sizeof(con.tenant), "%s", key.tenant);
	snprintf(con.name, sizeof(con.name), "%.*s", (int)sizeof(con.name) - 1,
		 r->hostname[0] ? r->hostname : r->serial);
	ret = nc_core_connector_create(e->core, NULL, key.tenant, &con, &ei);
	if (ret == 0)
		ret = nc_store_device_touch(e->core->store, r->serial, r->public_key, time(NULL));
	if (ret < 0) {
		ignored(e, r->serial, key.tenant, "register",
			ei.msg[0] ? ei.msg : nc_strerror(ret));
		return;
	}
	sync_event(e, NC_EV_register, key.tenant, r->serial,
		   json_pack("{s:s,s:s,s:b,s:s}", "kind", "connector", "hostname", r->hostname,
			     "enrolled", 1, "enrollment_key", key.id));
	nc_info("%s enrolled in tenant %s with key %s: awaiting approval", r->serial, key.tenant,
		key.id);
}

static void on_register(struct nc_sync_engine *e, const char *serial, const void *payload,
			size_t len, const char *topic)
{
	struct nc_registration r = {0};
	struct nc_errinfo ei = {0};
	struct device d;
	bool known;
	int ret = nc_proto_registration_decode(payload, len, serial, &r, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		return;
	}
	known = device_get(e, serial, &d) == 0;
	if (!known)
		enroll(e, &r);
	/* Known or just enrolled: what it takes counts from now on. */
	batch_max_take(e, serial, known ? &d : NULL, r.batch_max);
	if (!known)
		return;
	take_key(e, serial, &d, r.public_key, 0, "register");
	sync_event(e, NC_EV_register, d.tenant, serial,
		   json_pack("{s:s,s:s,s:s}", "kind", nc_device_type_name(r.kind), "hostname",
			     r.hostname, "agent", r.agent));
}

void sync_receive(struct nc_sync_engine *e, const char *topic, const void *payload, size_t len)
{
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	struct nc_errinfo ei = {0};
	enum nc_msg kind;

	if (nc_proto_topic_parse(topic, &kind, serial, tenant, &ei) < 0) {
		proto_error(e, NULL, topic, ei.msg);
		return;
	}
	switch (kind) {
	case NC_MSG_CONFIRM:
		on_confirm(e, serial, tenant, payload, len, topic);
		break;
	case NC_MSG_CONFIG_REQUEST:
		on_config_request(e, serial, tenant, payload, len, topic);
		break;
	case NC_MSG_HEARTBEAT:
		on_heartbeat(e, serial, payload, len, topic);
		break;
	case NC_MSG_TUNNEL_STATUS:
		on_tunnel_status(e, serial, payload, len, topic);
		break;
	case NC_MSG_REGISTER:
		on_register(e, serial, payload, len, topic);
		break;
	default:
		/* Our own batches come back only if someone subscribed us to them. */
		break;
	}
}
