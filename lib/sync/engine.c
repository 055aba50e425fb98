/* SPDX-License-Identifier: MIT */
/* The engine thread: a queue of work, a heap of timers, periodic scans. */
#include "engine.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../events/events.h"
#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"
#include "internal.h"

/* Device messages beyond this many waiting are dropped (counted, and
 * logged at most once in DROP_LOG_MS): a flood must not eat the core's
 * memory. Devices repeat what matters. Without --queue-max the bound is
 * QUEUE_PER_DEVICE for each device the engine serves, and at least
 * QUEUE_MAX: a device has at most one waiting message of each coalescing
 * kind (four) and one confirmation per batch in flight, so a fleet that
 * follows the protocol never meets it, even all starting at once. */
#define QUEUE_MAX	 200000
#define QUEUE_PER_DEVICE 5
#define DROP_LOG_MS	 10000

/* Once a queue this deep has drained, the memory its messages held is given
 * back to the system (glibc keeps freed memory for reuse otherwise, and a
 * start-up storm leaves hundreds of MB behind): drained(). */
#define TRIM_AFTER 10000

/* A device's newest heartbeat, tunnel status or config request that waits
 * in e->msgs (by its topic, in e->waiting): a newer one takes its place. */
struct waiting {
	struct work *w;
};

/* A group (group.c) holds at most this many messages and this much time
 * of work, so operator requests and API writes never wait long for the
 * store. */
#define GROUP_MAX 1024
#define GROUP_MS  25

enum work_kind { WORK_MESSAGE, WORK_NOW, WORK_CONNECTED };

/* One allocation with its topic: at a start-up storm hundreds of thousands wait. */
struct work {
	struct nc_fifo_link link; /* in e->ops or e->msgs */
	enum work_kind kind;
	bool keyed;		 /* WORK_MESSAGE: in e->waiting under its topic while queued */
	struct sync_caller *now; /* WORK_NOW: the caller waits on now->done */
	/* WORK_MESSAGE */
	void *payload;
	size_t len;
	int64_t received; /* wall-clock seconds it (or what it replaced) was queued */
	char topic[];
};

struct seen *sync_seen(struct nc_sync_engine *e, const char *key, bool create)
{
	struct seen *t = NULL;
	bool added = false;

	if (!e->seen)
		return NULL;
	sync_keyset_lock(e->seen);
	t = sync_keyset_get(e->seen, key, create, &added);
	if (added)
		snprintf(t->key, sizeof(t->key), "%s", key);
	sync_keyset_unlock(e->seen);
	return t;
}

void sync_forget(struct nc_sync_engine *e, const char *key)
{
	sync_keyset_del(e->seen, key);
}

void sync_event(struct nc_sync_engine *e, enum nc_event_type type, const char *tenant,
		const char *serial, json_t *fields)
{
	if (sync_group_defer_event(e, type, tenant, serial, fields))
		return;
	sync_count(e, type, fields);
	if (e->core->events)
		nc_events_emit(e->core->events, type, tenant, serial, fields);
	else
		json_decref(fields);
}

void sync_timer_add(struct nc_sync_engine *e, enum timer_kind kind, int64_t delay_ms,
		    const char *serial, const char *tenant, int64_t seq)
{
	struct timer t = {.when = nc_time_mono_ms() + delay_ms, .kind = kind, .seq = seq};

	snprintf(t.serial, sizeof(t.serial), "%s", serial);
	snprintf(t.tenant, sizeof(t.tenant), "%s", tenant);
	pthread_mutex_lock(&e->lock);
	nc_heap_push(&e->timers, &t);
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

/* Appends w to q and wakes the engine; the caller holds e->lock. */
static void enqueue(struct nc_sync_engine *e, struct nc_fifo *q, struct work *w)
{
	nc_fifo_push(q, &w->link);
	pthread_cond_signal(&e->cond);
}

/* The first work of q, taken off it (NULL: empty); the caller holds e->lock. */
static struct work *dequeue(struct nc_fifo *q)
{
	struct nc_fifo_link *l = nc_fifo_pop(q);

	return l ? NC_FIFO_ENTRY(l, struct work, link) : NULL;
}

/*
 * Whether the topic of a message is the key it is coalesced under: a
 * heartbeat or tunnel status reports the device's whole state, a config
 * request asks for the configuration the device should have, saying what it
 * has, and a registration says who the device is now (its key, its name);
 * so a newer one makes an older one of the same topic (device, kind and
 * MTGE tenant) that still waits worth nothing. Confirmations are applied
 * one by one, in order.
 */
static bool coalesces(const char *topic)
{
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	enum nc_msg kind;

	return strlen(topic) < SYNC_KEY_MAX &&
	       nc_proto_topic_parse(topic, &kind, serial, tenant, NULL) == 0 &&
	       (kind == NC_MSG_HEARTBEAT || kind == NC_MSG_TUNNEL_STATUS ||
		kind == NC_MSG_CONFIG_REQUEST || kind == NC_MSG_REGISTER);
}

/* The waiting message of topic's device and kind, or NULL; e->lock held. */
static struct waiting *waiting_get(struct nc_sync_engine *e, const char *topic, bool add)
{
	struct waiting *x;

	sync_keyset_lock(e->waiting);
	x = sync_keyset_get(e->waiting, topic, add, NULL);
	sync_keyset_unlock(e->waiting);
	return x;
}

/* w carries a copy of payload, received now. */
static void take(struct work *w, const void *payload, size_t len)
{
	w->payload = nc_xmalloc(len ? len : 1);
	memcpy(w->payload, payload, len);
	w->len = len;
	w->received = time(NULL);
}

/* Puts payload in the place of the older message that waits under topic:
 * true, or false when none waits; e->lock held. */
static bool supersede(struct nc_sync_engine *e, const char *topic, const void *payload, size_t len)
{
	struct waiting *x = waiting_get(e, topic, false);

	if (!x || !x->w)
		return false;
	free(x->w->payload);
	take(x->w, payload, len);
	atomic_fetch_add(&e->counters.superseded, 1);
	return true;
}

static void work_free(struct work *w)
{
	free(w->payload);
	free(w);
}

/* Counts a dropped message; true when a line about drops is due (the
 * caller holds e->lock and logs *n after letting it go). */
static bool dropped(struct nc_sync_engine *e, int64_t *n)
{
	int64_t now = nc_time_mono_ms();

	atomic_fetch_add(&e->counters.dropped, 1);
	e->drops_unlogged++;
	if (e->drop_logged_at && now - e->drop_logged_at < DROP_LOG_MS)
		return false;
	*n = e->drops_unlogged;
	e->drops_unlogged = 0;
	e->drop_logged_at = now;
	return true;
}

void nc_sync_on_message(void *engine, const char *topic, const void *payload, size_t len)
{
	struct nc_sync_engine *e = engine;
	struct waiting *x = NULL;
	struct work *w;
	int64_t n = 0;
	size_t size = strlen(topic) + 1;
	bool keyed = coalesces(topic); /* parsed before the lock is taken */

	pthread_mutex_lock(&e->lock);
	if (e->stop) {
		pthread_mutex_unlock(&e->lock);
		return;
	}
	if (keyed && supersede(e, topic, payload, len)) {
		pthread_mutex_unlock(&e->lock);
		return;
	}
	if (e->msgs.n >= e->queue_max) {
		bool say = dropped(e, &n);

		pthread_mutex_unlock(&e->lock);
		if (say)
			nc_warn("sync: %zu device messages waiting: dropped %lld (the last on %s); "
				"netctl_sync_dropped_total counts them all",
				e->queue_max, (long long)n, topic);
		return;
	}
	w = nc_xcalloc(1, sizeof(*w) + size);
	w->kind = WORK_MESSAGE;
	memcpy(w->topic, topic, size);
	take(w, payload, len);
	w->keyed = keyed && (x = waiting_get(e, topic, true)) != NULL;
	if (w->keyed)
		x->w = w;
	enqueue(e, &e->msgs, w);
	if (e->msgs.n > e->queue_peak)
		e->queue_peak = e->msgs.n;
	pthread_mutex_unlock(&e->lock);
}

/* Makes the engine thread publish again what is in flight (sync_republish). */
static void queue_republish(struct nc_sync_engine *e)
{
	struct work *w = nc_xcalloc(1, sizeof(*w));

	w->kind = WORK_CONNECTED;
	pthread_mutex_lock(&e->lock);
	if (e->stop)
		free(w);
	else
		enqueue(e, &e->ops, w);
	pthread_mutex_unlock(&e->lock);
}

void nc_sync_on_connection(void *engine, bool up)
{
	struct nc_sync_engine *e = engine;

	nc_info("broker connection %s", up ? "up" : "down");
	sync_event(e, NC_EV_broker, NULL, NULL, json_pack("{s:b}", "connected", up));
	if (up)
		queue_republish(e);
}

void nc_sync_counters(struct nc_sync_engine *e, struct nc_sync_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (!e)
		return;
	out->rejected_seq = atomic_load(&e->counters.rejected_seq);
	out->stale_reports = atomic_load(&e->counters.stale_reports);
	out->held_keys = atomic_load(&e->counters.held_keys);
	for (int v = 0; v < NC_VERDICTS; v++)
		out->confirms[v] = atomic_load(&e->counters.confirms[v]);
	out->proto_errors = atomic_load(&e->counters.proto_errors);
	out->ignored = atomic_load(&e->counters.ignored);
	out->apply_timeouts = atomic_load(&e->counters.apply_timeouts);
	out->republished = atomic_load(&e->counters.republished);
	out->dropped = atomic_load(&e->counters.dropped);
	out->groups = atomic_load(&e->counters.groups);
	out->grouped = atomic_load(&e->counters.grouped);
	out->group_failures = atomic_load(&e->counters.group_failures);
	out->coalesced = atomic_load(&e->counters.coalesced);
	out->superseded = atomic_load(&e->counters.superseded);
	out->reused = atomic_load(&e->counters.reused);
	pthread_mutex_lock(&e->lock);
	out->queued = (int64_t)e->msgs.n;
	out->queue_max = (int64_t)e->queue_max;
	pthread_mutex_unlock(&e->lock);
}

json_t *nc_sync_broker_status(struct nc_sync_engine *e)
{
	struct nc_mqtt_stats s = {0};
	struct nc_mqtt *m = NULL;

	if (e) {
		pthread_mutex_lock(&e->lock);
		m = e->mqtt;
		pthread_mutex_unlock(&e->lock);
	}
	if (!m)
		return json_pack("{s:b,s:s}", "connected", 0, "reason", "no --mqtt given");
	nc_mqtt_stats(m, &s);
	return json_pack("{s:b,s:I,s:I,s:I,s:I,s:i}", "connected", s.connected, "reconnects",
			 (json_int_t)s.reconnects, "published", (json_int_t)s.published, "acked",
			 (json_int_t)s.acked, "received", (json_int_t)s.received, "inflight",
			 (int)s.inflight);
}

int nc_sync_now(struct nc_sync_engine *e, const struct nc_sync_selection *sel, json_t **result,
		struct nc_errinfo *ei)
{
	struct sync_caller c = {.sel = sel};
	struct work w = {.kind = WORK_NOW, .now = &c};
	int ret;

	pthread_mutex_lock(&e->lock);
	if (e->stop) {
		pthread_mutex_unlock(&e->lock);
		return nc_fail(ei, NC_ERR_UNREACHABLE, NULL, "serve is stopping");
	}
	enqueue(e, &e->ops, &w);
	while (!c.done)
		pthread_cond_wait(&e->cond, &e->lock);
	pthread_mutex_unlock(&e->lock);
	ret = c.ret;
	if (ret < 0) {
		json_decref(c.result);
		if (ei)
			*ei = c.ei;
		return ret;
	}
	*result = c.result;
	return 0;
}

/* Without --queue-max: the bound on waiting messages follows the number of
 * devices served (QUEUE_PER_DEVICE each), taken now. Engine thread. */
static void size_queue(struct nc_sync_engine *e)
{
	size_t counts[4] = {0}, n = 0, max;

	if (e->o.queue_max || nc_store_sync_count(e->core->store, NULL, counts) < 0)
		return;
	for (int i = 0; i < 4; i++)
		n += counts[i];
	max = n * QUEUE_PER_DEVICE > QUEUE_MAX ? n * QUEUE_PER_DEVICE : QUEUE_MAX;
	pthread_mutex_lock(&e->lock);
	e->queue_max = max;
	pthread_mutex_unlock(&e->lock);
}

/* Runs periodic scans that are due; returns the time of the next one. */
static int64_t periodic(struct nc_sync_engine *e, int64_t now)
{
	int64_t next;

	if (now >= e->next_offline) {
		size_queue(e);
		sync_offline_scan(e);
		e->next_offline = now + e->o.heartbeat_ms;
	}
	if (now >= e->next_reconcile) {
		sync_reconcile(e, false);
		e->next_reconcile = now + e->o.reconcile_ms;
	}
	if (e->o.auto_sync_ms && now >= e->next_auto) {
		sync_reconcile(e, true);
		e->next_auto = now + e->o.auto_sync_ms;
	}
	next = e->next_offline < e->next_reconcile ? e->next_offline : e->next_reconcile;
	if (e->o.auto_sync_ms && e->next_auto < next)
		next = e->next_auto;
	return next;
}

/*
 * Applies the device messages waiting as one group (group.c): at most
 * GROUP_MAX of them and GROUP_MS of work, and none once operator work is
 * waiting. Called and returns without e->lock.
 */
static void run_messages(struct nc_sync_engine *e)
{
	int64_t until = nc_time_mono_ms() + GROUP_MS;
	struct work *w = NULL;
	size_t n = 0;

	sync_group_open(e);
	do {
		pthread_mutex_lock(&e->lock);
		w = e->ops.head || e->stop ? NULL : dequeue(&e->msgs);
		if (w && w->keyed)
			sync_keyset_del(e->waiting, w->topic);
		pthread_mutex_unlock(&e->lock);
		if (!w)
			break;
		e->received = w->received;
		sync_receive(e, w->topic, w->payload, w->len);
		work_free(w);
	} while (++n < GROUP_MAX && nc_time_mono_ms() < until);
	sync_group_close(e, n);
}

/* Runs one operator work w; called and returns with e->lock held. */
static void run_op(struct nc_sync_engine *e, struct work *w)
{
	pthread_mutex_unlock(&e->lock);
	if (w->kind == WORK_CONNECTED) {
		sync_republish(e);
		work_free(w);
		pthread_mutex_lock(&e->lock);
		return;
	}
	sync_run_open(e, w->now); /* tells its caller, under the lock */
	pthread_mutex_lock(&e->lock);
}

/* After a storm: once a queue TRIM_AFTER deep has fallen to a tenth of
 * that, the memory its messages held goes back to the system. Called and
 * returns with e->lock held. */
static void drained(struct nc_sync_engine *e)
{
	if (e->queue_peak < TRIM_AFTER || e->msgs.n >= TRIM_AFTER / 10)
		return;
	e->queue_peak = e->msgs.n;
	pthread_mutex_unlock(&e->lock);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	pthread_mutex_lock(&e->lock);
}

static void *run(void *arg)
{
	struct nc_sync_engine *e = arg;

	pthread_mutex_lock(&e->lock);
	while (!e->stop) {
		int64_t now = nc_time_mono_ms(), next;
		struct timespec ts;

		if (e->ops.head) {
			run_op(e, dequeue(&e->ops));
			continue;
		}
		/* A run's turn and a group of device messages take turns. */
		if (e->runs && (e->runs_turn || !e->msgs.head)) {
			pthread_mutex_unlock(&e->lock);
			sync_run_step(e);
			pthread_mutex_lock(&e->lock);
			e->runs_turn = false;
			continue;
		}
		if (e->msgs.head) {
			pthread_mutex_unlock(&e->lock);
			run_messages(e);
			pthread_mutex_lock(&e->lock);
			e->runs_turn = true;
			drained(e);
			continue;
		}
		if (e->timers.n && nc_heap_top_key(&e->timers) <= now) {
			struct timer t;

			nc_heap_pop(&e->timers, &t);
			pthread_mutex_unlock(&e->lock);
			sync_timer_fire(e, &t);
			pthread_mutex_lock(&e->lock);
			continue;
		}
		pthread_mutex_unlock(&e->lock);
		next = periodic(e, now);
		pthread_mutex_lock(&e->lock);
		if (e->ops.head || e->msgs.head || e->stop)
			continue;
		if (e->timers.n && nc_heap_top_key(&e->timers) < next)
			next = nc_heap_top_key(&e->timers);
		nc_time_mono_ts(next, &ts);
		pthread_cond_timedwait(&e->cond, &e->lock, &ts);
	}
	/* Wake Sync Now callers whose work will not run, or not to its end. */
	for (struct nc_fifo_link *l = e->ops.head; l; l = l->next) {
		struct work *w = NC_FIFO_ENTRY(l, struct work, link);

		if (w->kind == WORK_NOW) {
			w->now->ret =
				nc_fail(&w->now->ei, NC_ERR_UNREACHABLE, NULL, "serve is stopping");
			w->now->done = true;
		}
	}
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	sync_run_abort(e);
	return NULL;
}

int nc_sync_engine_new(struct nc_core *core, struct nc_mqtt *mqtt, const struct nc_sync_opts *o,
		       struct nc_sync_engine **out, struct nc_errinfo *ei)
{
	struct nc_sync_engine *e = nc_xcalloc(1, sizeof(*e));
	int64_t now = nc_time_mono_ms();

	e->core = core;
	e->mqtt = mqtt;
	e->o = *o;
	e->o.stale_delay_ms = o->stale_delay_ms ? o->stale_delay_ms : 15000;
	e->o.apply_timeout_ms = o->apply_timeout_ms ? o->apply_timeout_ms : 60000;
	e->o.max_attempts = o->max_attempts ? o->max_attempts : 5;
	e->o.reconcile_ms = o->reconcile_ms ? o->reconcile_ms : 300000;
	e->o.heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 30000;
	e->o.tunnel_interval_ms = o->tunnel_interval_ms ? o->tunnel_interval_ms : 60000;
	e->queue_max = o->queue_max ? (size_t)o->queue_max : QUEUE_MAX;
	e->o.batch_max = o->batch_max ? o->batch_max : NC_SYNC_BATCH_MAX_DEFAULT;
	sync_render_start(e, o->render_threads);
	e->next_offline = now + e->o.heartbeat_ms;
	e->next_reconcile = now + e->o.reconcile_ms;
	e->next_auto = now + e->o.auto_sync_ms;
	pthread_mutex_init(&e->lock, NULL);
	nc_time_cond_init(&e->cond);
	nc_heap_init(&e->timers, sizeof(struct timer), offsetof(struct timer, when));
	sync_retry_init(e);
	sync_settle_init(e);
	e->seen = sync_keyset_new(sizeof(struct seen));
	e->waiting = sync_keyset_new(sizeof(struct waiting));
	sync_startup(e);
	size_queue(e);
	if (!e->seen || !e->waiting || pthread_create(&e->thread, NULL, run, e) != 0) {
		sync_keyset_free(e->seen);
		sync_keyset_free(e->waiting);
		sync_settle_free(e);
		sync_retry_free(e);
		pthread_cond_destroy(&e->cond);
		pthread_mutex_destroy(&e->lock);
		nc_heap_clear(&e->timers);
		sync_render_stop(e);
		free(e);
		return nc_fail(ei, NC_ERR_INTERNAL, NULL, "cannot start the sync thread");
	}
	core->on_dirty_arg = e;
	core->on_dirty = sync_on_dirty;
	*out = e;
	return 0;
}

void nc_sync_engine_set_mqtt(struct nc_sync_engine *e, struct nc_mqtt *mqtt)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->mqtt = mqtt;
	pthread_mutex_unlock(&e->lock);
	/* A connection that came up before the engine knew the client: its
	 * republish found no client to publish with. */
	if (mqtt && nc_mqtt_connected(mqtt))
		queue_republish(e);
}

void nc_sync_engine_stop(struct nc_sync_engine *e)
{
	bool join;

	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	join = !e->stop;
	e->stop = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	if (join)
		pthread_join(e->thread, NULL);
}

void nc_sync_engine_free(struct nc_sync_engine *e)
{
	if (!e)
		return;
	nc_sync_engine_stop(e);
	e->core->on_dirty = NULL;
	sync_settle_free(e);
	sync_retry_free(e);
	sync_group_free(e);
	for (struct work *w; (w = dequeue(&e->msgs)) != NULL;)
		work_free(w);
	for (struct work *w; (w = dequeue(&e->ops)) != NULL;) {
		if (w->kind != WORK_NOW) /* a Sync Now's work is its caller's */
			work_free(w);
	}
	sync_keyset_free(e->seen);
	sync_keyset_free(e->waiting);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	nc_heap_clear(&e->timers);
	sync_render_stop(e);
	free(e);
}
