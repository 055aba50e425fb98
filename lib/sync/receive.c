/* SPDX-License-Identifier: MIT */
/*
 * What devices send, and what time does: confirmations, config requests,
 * heartbeats, tunnel status, registrations; apply timeouts, stale re-pushes,
 * offline detection and reconcile. Engine thread only.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../core/auth.h"
#include "../core/inventory.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "internal.h"
#include "verdict.h"

/* What the engine needs to know of a device. */
struct device {
	enum nc_device_type type;
	char tenant[NC_ID_MAX];		/* the device's own */
	enum nc_status status;		/* connectors; edges count as active */
	bool in_service;		/* gets configuration */
	char public_key[NC_KEY_B64_MAX];
};

static int device_get(struct nc_sync_engine *e, const char *serial, struct device *d)
{
	struct nc_store *st = e->core->store;
	int ret = nc_store_device_lookup(st, NULL, serial, &d->type, d->tenant);

	d->status = NC_STATUS_ACTIVE;
	d->in_service = true;
	d->public_key[0] = '\0';
	if (ret == 0 && d->type == NC_DEVICE_CONNECTOR) {
		struct nc_connector c = { 0 };

		ret = nc_store_connector_get(st, NULL, serial, &c);
		d->status = c.status;
		d->in_service = ret == 0 && c.status != NC_STATUS_PENDING_APPROVAL &&
				c.status != NC_STATUS_DECOMMISSIONED;
		snprintf(d->public_key, sizeof(d->public_key), "%s", c.public_key);
		nc_connector_clear(&c);
	} else if (ret == 0) {
		struct nc_edge ed = { 0 };

		ret = nc_store_edge_get(st, NULL, serial, &ed);
		snprintf(d->public_key, sizeof(d->public_key), "%s", ed.public_key);
		nc_edge_clear(&ed);
	}
	return ret;
}

static void proto_error(struct nc_sync_engine *e, const char *serial, const char *topic,
			const char *why)
{
	nc_debug("sync: %s: %s", topic, why);
	sync_event(e, "proto_error", NULL, serial && *serial ? serial : NULL,
		   json_pack("{s:s,s:s}", "topic", topic, "error", why));
}

static void ignored(struct nc_sync_engine *e, const char *serial, const char *tenant,
		    const char *what, const char *why)
{
	sync_event(e, "ignored", tenant, serial, json_pack("{s:s,s:s}", "message", what,
							   "reason", why));
}

/* Moves a connector along its lifecycle for a device event; quietly no-op
 * when the move is not allowed from where it is. */
static void lifecycle(struct nc_sync_engine *e, const char *serial, const struct device *d,
		      enum nc_status to)
{
	struct nc_errinfo ei = { 0 };

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

static void on_confirm(struct nc_sync_engine *e, const char *serial, const char *ttenant,
		       const void *payload, size_t len, const char *topic)
{
	struct nc_errinfo ei = { 0 };
	struct nc_confirm c = { 0 };
	struct nc_sync s = { 0 };
	struct device d;
	const char *verdict, *tenant;
	enum nc_verdict v;
	char *text = NULL;
	int ret = nc_proto_confirm_decode(payload, len, serial, ttenant, &c, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		goto out;
	}
	if (device_get(e, serial, &d) < 0) {
		ignored(e, serial, NULL, "confirm", "unknown device");
		goto out;
	}
	/* An MTGE's tenant comes from the topic, or else from the payload. */
	tenant = tenant_of(&d, ttenant && *ttenant ? ttenant : c.tenant);
	if (!d.in_service) {
		ignored(e, serial, tenant, "confirm", nc_status_name(d.status));
		goto out;
	}
	if (nc_store_begin(e->core->store) < 0)
		goto out;
	ret = nc_store_sync_get(e->core->store, serial, tenant, &s);
	if (ret < 0) {
		nc_store_rollback(e->core->store);
		ignored(e, serial, tenant, "confirm", "no batch was ever sent");
		goto out;
	}
	text = strndup(payload, len);
	v = nc_sync_confirm_apply(&s, c.seq, c.status == NC_CONFIRM_SUCCESS, c.config_hash,
				  time(NULL));
	verdict = nc_verdict_name(v);
	if (c.seq == s.seq) {
		free(s.last_confirm);
		s.last_confirm = text;
		text = NULL;
	}
	ret = nc_store_sync_put(e->core->store, &s);
	if (ret == 0)
		ret = nc_store_commit(e->core->store);
	else
		nc_store_rollback(e->core->store);
	sync_event(e, "confirm", tenant, serial,
		   json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:O,s:I,s:s,s:s}", "seq", (json_int_t)c.seq,
			     "config_hash", c.config_hash, "expected_hash", s.sent_hash, "verdict",
			     verdict, "applied", (json_int_t)c.applied, "failed",
			     (json_int_t)c.failed, "failures",
			     c.failures ? c.failures : json_array(), "expected_seq",
			     (json_int_t)s.seq, "status", nc_proto_confirm_status_name(c.status),
			     "state", nc_sync_state_name(s.state)));
	if (ret < 0)
		goto out;
	if (v != NC_VERDICT_STALE && v != NC_VERDICT_FUTURE)
		sync_event(e, "sync_state", tenant, serial,
			   json_pack("{s:s,s:I,s:s}", "state", nc_sync_state_name(s.state),
				     "seq", (json_int_t)s.seq, "reason",
				     s.fail_reason[0] ? s.fail_reason : "confirmed"));
	if (v == NC_VERDICT_VERIFIED && d.status == NC_STATUS_APPROVED)
		lifecycle(e, serial, &d, NC_STATUS_PROVISIONED);
	else if (v == NC_VERDICT_STALE)
		stale_later(e, serial, tenant, s.seq);
	else if (v == NC_VERDICT_FUTURE)
		sync_push(e, serial, tenant, PUSH_BUILD, "device ahead of the core");
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
	struct nc_sync_filter f = { .serial = serial, .state = -1 };
	struct nc_sync *v = NULL;
	size_t n = 0;

	if (nc_store_sync_list(e->core->store, &f, NULL, &v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].tenant, own) != 0)
			sync_push(e, serial, v[i].tenant, v[i].last_batch ? PUSH_RESEND : PUSH_BUILD,
				  "config request");
	}
	nc_sync_array_free(v, n);
}

static void on_config_request(struct nc_sync_engine *e, const char *serial, const char *ttenant,
			      const void *payload, size_t len, const char *topic)
{
	struct nc_config_request r = { 0 };
	struct nc_errinfo ei = { 0 };
	struct nc_sync s = { 0 };
	struct device d;
	const char *tenant;
	int ret = nc_proto_config_request_decode(payload, len, serial, &r, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		return;
	}
	if (device_get(e, serial, &d) < 0) {
		ignored(e, serial, NULL, "config-request", "unknown device");
		return;
	}
	tenant = tenant_of(&d, ttenant);
	sync_event(e, "config_request", tenant, serial,
		   json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)r.seq, "config_hash",
			     r.config_hash, "reason", r.reason));
	if (!d.in_service) {
		ignored(e, serial, tenant, "config-request", nc_status_name(d.status));
		return;
	}
	ret = nc_store_sync_get(e->core->store, serial, tenant, &s);
	/* The latest batch: the stored one (pending changes wait for Sync Now);
	 * a new one when none exists or the device is ahead of the core. */
	if (ret == 0 && s.last_batch && r.seq <= s.seq) {
		sync_push(e, serial, tenant, PUSH_RESEND, "config request");
	} else {
		if (ret == 0 && r.seq > s.seq) {
			s.seq = r.seq;
			nc_store_sync_put(e->core->store, &s);
		}
		sync_push(e, serial, tenant, PUSH_BUILD, "config request");
	}
	nc_sync_clear(&s);
	if (!ttenant || !*ttenant)
		answer_other_tenants(e, serial, tenant);
}

/* Marks dirty the in-service connectors, of any tenant, hubbed on edge:
 * their wg0 peer carries its key. */
static void dirty_hubbed(struct nc_sync_engine *e, const char *edge, const char *reason)
{
	struct nc_connector_filter f = { .status = -1, .hub = edge };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_connector *v = NULL;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_connector_list(e->core->store, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++) {
			if (v[i].status != NC_STATUS_PENDING_APPROVAL &&
			    v[i].status != NC_STATUS_DECOMMISSIONED)
				ret = nc_core_mark_dirty(e->core, v[i].serial, v[i].tenant, reason);
		}
		nc_connector_array_free(v, n);
		v = NULL;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
}

/* Records a public key a device announced; a changed key dirties its peers. */
static void take_key(struct nc_sync_engine *e, const char *serial, const struct device *d,
		     const char *key, int64_t seen)
{
	char reason[NC_REASON_MAX];
	bool changed = key[0] && strcmp(key, d->public_key) != 0;

	if (nc_store_begin(e->core->store) < 0)
		return;
	if (nc_store_device_touch(e->core->store, serial, changed ? key : NULL, seen) < 0) {
		nc_store_rollback(e->core->store);
		return;
	}
	if (changed) {
		snprintf(reason, sizeof(reason), "public key of %s changed", serial);
		nc_core_dirty_peers(e->core, d->tenant, serial, reason);
		if (d->type == NC_DEVICE_CONNECTOR) {
			struct nc_connector c = { 0 };

			if (nc_store_connector_get(e->core->store, NULL, serial, &c) == 0 &&
			    c.hub_edge[0] && d->in_service)
				nc_core_mark_dirty(e->core, c.hub_edge, c.tenant, reason);
			nc_connector_clear(&c);
		} else {
			dirty_hubbed(e, serial, reason);
		}
	}
	nc_store_commit(e->core->store);
}

static void on_heartbeat(struct nc_sync_engine *e, const char *serial, const void *payload,
			 size_t len, const char *topic)
{
	struct nc_errinfo ei = { 0 };
	struct nc_heartbeat h = { 0 };
	struct nc_sync s = { 0 };
	struct device d;
	int ret = nc_proto_heartbeat_decode(payload, len, serial, &h, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		return;
	}
	if (device_get(e, serial, &d) < 0) {
		ignored(e, serial, NULL, "heartbeat", "unknown device");
		return;
	}
	take_key(e, serial, &d, h.public_key, time(NULL));
	sync_event(e, "heartbeat", d.tenant, serial,
		   json_pack("{s:I,s:s,s:I}", "seq", (json_int_t)h.seq, "config_hash",
			     h.config_hash, "uptime_s", (json_int_t)h.uptime_s));
	if (!d.in_service)
		return;
	if (d.status == NC_STATUS_PROVISIONED || d.status == NC_STATUS_OFFLINE)
		lifecycle(e, serial, &d, NC_STATUS_ACTIVE);
	if (nc_store_sync_get(e->core->store, serial, d.tenant, &s) < 0)
		return;
	if (h.seq < s.seq && s.state != NC_SYNC_APPLYING) {
		stale_later(e, serial, d.tenant, s.seq);
	} else if (h.seq == s.seq && s.state == NC_SYNC_SYNCED &&
		   strcmp(h.config_hash, s.confirmed_hash) != 0) {
		/* The device runs something else than what it confirmed: drift. */
		s.state = NC_SYNC_FAILED;
		snprintf(s.fail_reason, sizeof(s.fail_reason), "drift");
		s.updated_at = time(NULL);
		if (nc_store_sync_put(e->core->store, &s) == 0) {
			sync_event(e, "sync_state", d.tenant, serial,
				   json_pack("{s:s,s:I,s:s}", "state", "failed", "seq",
					     (json_int_t)s.seq, "reason", "drift"));
			stale_later(e, serial, d.tenant, s.seq);
		}
	}
	nc_sync_clear(&s);
}

/* Records one end's report; returns the link's status from both ends. */
static enum nc_link_status tunnel_combine(struct nc_sync_engine *e, const char *a, const char *b,
					  int idx, bool up)
{
	char key[sizeof(((struct seen *)0)->key)], other[sizeof(key)];
	int64_t now = sync_now_ms(), recent = 3 * e->o.tunnel_interval_ms;
	struct seen *t, *o;

	snprintf(key, sizeof(key), "t|%s|%s|%d", a, b, idx);
	snprintf(other, sizeof(other), "t|%s|%s|%d", b, a, idx);
	t = sync_seen(e, key, true);
	if (!t)
		return NC_LINK_UNKNOWN;
	t->up = up;
	t->at = now;
	o = sync_seen(e, other, false);
	if (!up || (o && now - o->at <= recent && !o->up))
		return NC_LINK_DOWN;
	return NC_LINK_UP;
}

static void on_tunnel_status(struct nc_sync_engine *e, const char *serial, const void *payload,
			     size_t len, const char *topic)
{
	struct nc_tunnel_status ts = { 0 };
	struct nc_errinfo ei = { 0 };
	struct nc_link *links = NULL;
	struct device d;
	size_t n = 0;
	json_t *out;
	int ret = nc_proto_tunnel_status_decode(payload, len, serial, &ts, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		return;
	}
	if (device_get(e, serial, &d) < 0) {
		ignored(e, serial, NULL, "tunnel-status", "unknown device");
		goto out;
	}
	nc_store_link_list_by_device(e->core->store, serial, &links, &n);
	out = json_array();
	for (size_t i = 0; i < ts.n_tunnels; i++) {
		const struct nc_tunnel_report *r = &ts.tunnels[i];
		enum nc_link_status st = tunnel_combine(e, serial, r->peer, r->tunnel_index, r->up);

		for (size_t j = 0; j < n; j++) {
			const char *peer = strcmp(links[j].a, serial) == 0 ? links[j].b : links[j].a;

			if (strcmp(peer, r->peer) != 0 || links[j].tunnel_index != r->tunnel_index ||
			    links[j].status == st)
				continue;
			nc_store_link_set_status(e->core->store, links[j].tenant, links[j].peering,
						 links[j].a, links[j].b, links[j].tunnel_index,
						 st);
			sync_event(e, "link", links[j].tenant, serial,
				   json_pack("{s:s,s:s,s:s,s:i,s:s}", "peering", links[j].peering,
					     "a", links[j].a, "b", links[j].b, "tunnel_index",
					     links[j].tunnel_index, "status",
					     nc_link_status_name(st)));
		}
		json_array_append_new(out, json_pack("{s:s,s:s,s:i,s:s,s:b}", "interface",
						     r->interface, "peer", r->peer,
						     "tunnel_index", r->tunnel_index, "protocol",
						     nc_protocol_name(r->protocol), "up", r->up));
	}
	sync_event(e, "tunnel_status", d.tenant, serial, json_pack("{s:o}", "tunnels", out));
	free(links);
out:
	nc_tunnel_status_clear(&ts);
}

/*
 * An unknown device with a valid enrollment key of a tenant becomes a
 * connector of that tenant in pending_approval; registration never approves.
 */
static void enroll(struct nc_sync_engine *e, const struct nc_registration *r)
{
	struct nc_connector con = { 0 };
	struct nc_errinfo ei = { 0 };
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
		ignored(e, r->serial, key.tenant, "register", ei.msg[0] ? ei.msg : nc_strerror(ret));
		return;
	}
	sync_event(e, "register", key.tenant, r->serial,
		   json_pack("{s:s,s:s,s:b,s:s}", "kind", "connector", "hostname", r->hostname,
			     "enrolled", 1, "enrollment_key", key.id));
	nc_info("%s enrolled in tenant %s with key %s: awaiting approval", r->serial, key.tenant,
		key.id);
}

static void on_register(struct nc_sync_engine *e, const char *serial, const void *payload,
			size_t len, const char *topic)
{
	struct nc_registration r = { 0 };
	struct nc_errinfo ei = { 0 };
	struct device d;
	int ret = nc_proto_registration_decode(payload, len, serial, &r, &ei);

	if (ret < 0) {
		proto_error(e, serial, topic, ei.msg);
		return;
	}
	if (device_get(e, serial, &d) < 0) {
		enroll(e, &r);
		return;
	}
	take_key(e, serial, &d, r.public_key, 0);
	sync_event(e, "register", d.tenant, serial,
		   json_pack("{s:s,s:s,s:s}", "kind", nc_device_type_name(r.kind), "hostname",
			     r.hostname, "agent", r.agent));
}

void sync_receive(struct nc_sync_engine *e, const char *topic, const void *payload, size_t len)
{
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	struct nc_errinfo ei = { 0 };
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

void sync_timer_fire(struct nc_sync_engine *e, const struct timer *t)
{
	char key[sizeof(((struct seen *)0)->key)];
	struct nc_sync s = { 0 };

	if (t->kind == TIMER_STALE) {
		snprintf(key, sizeof(key), "s|%s|%s", t->serial, t->tenant);
		sync_forget(e, key);
	}
	if (nc_store_sync_get(e->core->store, t->serial, t->tenant, &s) < 0)
		return;
	if (t->kind == TIMER_STALE) {
		/* Unless a current confirmation arrived meanwhile. */
		if (s.confirmed_seq != s.seq || s.state == NC_SYNC_FAILED)
			sync_push(e, t->serial, t->tenant, PUSH_RESEND, "stale configuration");
	} else if (s.state == NC_SYNC_APPLYING && s.seq == t->seq) {
		if (s.attempts > e->o.max_attempts) {
			s.state = NC_SYNC_FAILED;
			snprintf(s.fail_reason, sizeof(s.fail_reason), "timeout");
			s.updated_at = time(NULL);
			if (nc_store_sync_put(e->core->store, &s) == 0)
				sync_event(e, "sync_state", t->tenant, t->serial,
					   json_pack("{s:s,s:I,s:s}", "state", "failed", "seq",
						     (json_int_t)s.seq, "reason", "timeout"));
		} else {
			/* Re-sent with the same seq; sync_publish doubles the next wait. */
			sync_push(e, t->serial, t->tenant, PUSH_RETRY, "apply timeout");
		}
	}
	nc_sync_clear(&s);
}

void sync_offline_scan(struct nc_sync_engine *e)
{
	struct nc_connector_filter f = { .status = NC_STATUS_ACTIVE };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_connector *v = NULL;
	int64_t limit = time(NULL) - 3 * e->o.heartbeat_ms / 1000;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_connector_list(e->core->store, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++) {
			struct device d = { .type = NC_DEVICE_CONNECTOR,
					    .status = NC_STATUS_ACTIVE };

			if (v[i].last_seen >= limit)
				continue;
			lifecycle(e, v[i].serial, &d, NC_STATUS_OFFLINE);
		}
		nc_connector_array_free(v, n);
		v = NULL;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
}

void sync_reconcile(struct nc_sync_engine *e, bool pending_too)
{
	struct nc_sync_filter f = { .state = -1, .configured = true };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_sync *v = NULL;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_sync_list(e->core->store, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++) {
			const struct nc_sync *s = &v[i];

			if (pending_too && s->state == NC_SYNC_PENDING)
				sync_push(e, s->serial, s->tenant, PUSH_BUILD, "auto-sync");
			else if (s->last_batch && s->state != NC_SYNC_APPLYING &&
				 s->state != NC_SYNC_PENDING &&
				 strcmp(s->confirmed_hash, s->sent_hash) != 0)
				sync_push(e, s->serial, s->tenant, PUSH_RESEND, "reconcile");
		}
		nc_sync_array_free(v, n);
		v = NULL;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
}
