/* SPDX-License-Identifier: MIT */
/*
 * The loop of an agent process: MQTT connections shared by its devices,
 * a queue of received batches drained by workers, and one timer thread
 * that runs every device's timers from a min-heap of due times.
 */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../mqtt/mqtt.h"
#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"

/* Batches waiting for a worker; beyond this they are dropped (the core re-sends). */
#define QUEUE_MAX 100000
/* After a reconnect a device's first request waits up to this much longer, at random: devices
 * that lost the broker together do not all ask in the same instant when it comes back. */
#define RECONNECT_JITTER_MS 1000
/* Devices' own connections whose first attempt may be under way at once, and how long
 * one may hold the next back (ms): a slot frees when an attempt ends either way. */
#define OPENING_MAX	32
#define OPENING_WAIT_MS 10000

void nc_agent_loop_init(struct agent_loop *l)
{
	pthread_mutex_init(&l->lock, NULL);
	nc_time_cond_init(&l->work_cv);
	nc_time_cond_init(&l->timer_cv);
	nc_heap_init(&l->heap, sizeof(struct agent_heap_ent), offsetof(struct agent_heap_ent, due));
}

/*
 * The heap. Under l->lock. A device has at most one live entry (due ==
 * dev->heap_due); entries left behind by an earlier wake are skipped.
 */

static void wake_locked(struct agent_loop *l, struct agent_dev *d, int64_t due)
{
	if (l->stopping || (d->heap_due && d->heap_due <= due))
		return;
	d->heap_due = due;
	nc_heap_push(&l->heap, &(struct agent_heap_ent){.due = due, .dev = d});
	if (((const struct agent_heap_ent *)nc_heap_top(&l->heap))->dev == d)
		pthread_cond_signal(&l->timer_cv);
}

void nc_agent_loop_wake(struct agent_loop *l, struct agent_dev *d, int64_t due)
{
	pthread_mutex_lock(&l->lock);
	wake_locked(l, d, due);
	pthread_mutex_unlock(&l->lock);
}

static int by_serial(const void *key, const void *elem)
{
	return strcmp(key, ((const struct agent_dev *)elem)->serial);
}

/* Paho thread: never blocks beyond the loop lock. */
static void on_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct agent_conn *c = arg;
	struct agent_loop *l = c->loop;
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX], q[NC_QUOTE_BUF];
	struct agent_msg *m;
	struct agent_dev *d;
	enum nc_msg kind;
	size_t waiting;
	bool stopping;

	if (nc_proto_topic_parse(topic, &kind, serial, tenant, NULL) < 0 || kind != NC_MSG_BATCH) {
		nc_warn("ignored a message on %s: not a batch topic", nc_quote(q, topic, SIZE_MAX));
		return;
	}
	d = bsearch(serial, l->devs, l->n, sizeof(*l->devs), by_serial);
	if (!d) {
		nc_warn("ignored a batch for %s: not a device of this process", serial);
		return;
	}
	if ((int64_t)len > l->cfg.batch_max) {
		nc_warn("%s: ignored an oversized batch (%zu bytes, the limit is %lld: "
			"--batch-max)",
			serial, len, (long long)l->cfg.batch_max);
		atomic_fetch_add(&l->stats.ignored, 1);
		return;
	}
	m = nc_xmalloc(sizeof(*m) + len);
	m->next = NULL;
	m->dev = d;
	m->len = len;
	m->topic = nc_xstrdup(topic);
	memcpy(m->payload, payload, len);
	pthread_mutex_lock(&l->lock);
	waiting = l->queue.n;
	stopping = l->stopping;
	if (!stopping && l->queue.n < QUEUE_MAX) {
		nc_fifo_push(&l->queue, &m->link);
		pthread_cond_signal(&l->work_cv);
		m = NULL;
	}
	pthread_mutex_unlock(&l->lock);
	if (m && !stopping)
		nc_warn("%s: ignored a batch: %zu batches are waiting already", serial, waiting);
	if (m) {
		free(m->topic);
		free(m);
	}
}

/* Paho thread. A new connection: every device of it announces itself again, spread out. */
static void on_connection(void *arg, bool up)
{
	struct agent_conn *c = arg;
	struct agent_loop *l = c->loop;
	int64_t now = nc_time_mono_ms(), due;
	unsigned gen = 0;
	bool again = false;

	if (up && !atomic_exchange(&c->ever_up, true)) {
		unsigned n = atomic_fetch_add(&l->conns_up_once, 1) + 1;

		if (l->nconns == 1)
			nc_info("connected to the broker as %s", c->client_id);
		else if (n == l->nlive)
			nc_info("all %zu connections up", l->nlive);
	} else if (up) {
		nc_info("%s: reconnected", c->client_id);
		again = true;
	}
	if (up)
		gen = atomic_fetch_add(&c->gen, 1) + 1;
	atomic_store(&c->up, up);
	if (!up)
		return;
	pthread_mutex_lock(&l->lock);
	for (size_t i = 0; i < c->n; i++) {
		struct agent_dev *d = c->devs[i];

		if (d->offline)
			continue;
		due = now + (int64_t)(d->phase * (double)l->cfg.spread_ms);
		if (again)
			due += (int64_t)(nc_agent_hash(l->cfg.seed ^ gen,
						       (const char *const[]){d->serial, "reconnect",
									     NULL}) %
					 RECONNECT_JITTER_MS);
		wake_locked(l, d, due);
	}
	pthread_mutex_unlock(&l->lock);
}

static void *timer_main(void *arg)
{
	struct agent_loop *l = arg;
	struct agent_heap_ent e;
	struct timespec ts;
	int64_t now, next;

	pthread_mutex_lock(&l->lock);
	while (!l->stopping) {
		now = nc_time_mono_ms();
		if (l->heap.n == 0) {
			pthread_cond_wait(&l->timer_cv, &l->lock);
			continue;
		}
		if (nc_heap_top_key(&l->heap) > now) {
			nc_time_mono_ts(nc_heap_top_key(&l->heap), &ts);
			pthread_cond_timedwait(&l->timer_cv, &l->lock, &ts);
			continue;
		}
		nc_heap_pop(&l->heap, &e);
		if (e.dev->heap_due != e.due)
			continue;
		e.dev->heap_due = 0;
		pthread_mutex_unlock(&l->lock);

		pthread_mutex_lock(&e.dev->lock);
		next = nc_agent_dev_tick(e.dev, now);
		pthread_mutex_unlock(&e.dev->lock);

		pthread_mutex_lock(&l->lock);
		if (next)
			wake_locked(l, e.dev, next);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* --apply-delay: an apply that takes this long (ms), as a slow device's would. */
static void delay(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The seq of a received batch, or -1 when it has none readable (it is then
 * handed over as it is, and nc_agent_dev_batch says what is wrong). */
static int64_t msg_seq(const struct agent_msg *m)
{
	json_t *root = json_loadb(m->payload, m->len, 0, NULL);
	json_t *v = json_object_get(root, "seq");
	int64_t seq = json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;

	json_decref(root);
	return seq;
}

static bool listed(const int64_t *v, size_t n, int64_t seq)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == seq)
			return true;
	return false;
}

/*
 * Applies the batches held for one device, newest of each source first: a
 * batch with an older seq than another of the same topic in hand is skipped,
 * and the confirmation of the one applied lists it (at most
 * NC_PROTO_SUPERSEDED_MAX, the newest). Frees the list. d not locked.
 */
static void apply_held(struct agent_dev *d, struct agent_msg *list)
{
	const struct agent_cfg *cfg = &d->loop->cfg;

	while (list) {
		struct agent_msg *best = list, **p, *m;
		int64_t skipped[NC_PROTO_SUPERSEDED_MAX], bseq = msg_seq(list);
		size_t n = 0;

		for (m = list->next; m; m = m->next) {
			int64_t seq = strcmp(m->topic, list->topic) == 0 ? msg_seq(m) : -1;

			if (seq > bseq) {
				best = m;
				bseq = seq;
			}
		}
		/* Take the rest of this topic off the list; the older ones are skipped. */
		for (p = &list; *p;) {
			m = *p;
			if (m != best && (strcmp(m->topic, best->topic) != 0 || bseq < 0)) {
				p = &m->next;
				continue;
			}
			*p = m->next;
			if (m == best)
				continue;
			int64_t seq = msg_seq(m);

			if (seq >= 1 && seq < bseq && !listed(skipped, n, seq)) {
				if (n == NC_PROTO_SUPERSEDED_MAX)
					memmove(skipped, skipped + 1, --n * sizeof(*skipped));
				skipped[n++] = seq;
				nc_info("%s: skipped batch %lld: superseded by batch %lld",
					d->serial, (long long)seq, (long long)bseq);
			}
			free(m->topic);
			free(m);
		}
		pthread_mutex_lock(&d->lock);
		if (cfg->apply_delay_ms > 0)
			delay(cfg->apply_delay_ms);
		nc_agent_dev_batch(d, best->topic, best->payload, best->len, skipped, n);
		pthread_mutex_unlock(&d->lock);
		free(best->topic);
		free(best);
	}
}

/*
 * One worker at a time runs a device's batches: what arrives for it while
 * it is busy is held, and when the apply ends only the newest of what was
 * held is applied (apply_held).
 */
static void *worker_main(void *arg)
{
	struct agent_loop *l = arg;
	struct agent_msg *m, *held, **tail;
	struct agent_dev *d;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!l->stopping && !l->queue.head)
			pthread_cond_wait(&l->work_cv, &l->lock);
		if (l->stopping)
			break;
		m = NC_FIFO_ENTRY(nc_fifo_pop(&l->queue), struct agent_msg, link);
		d = m->dev;
		m->next = NULL;
		if (d->busy) {
			for (tail = &d->held; *tail; tail = &(*tail)->next)
				;
			*tail = m;
			continue;
		}
		d->busy = true;
		held = m;
		while (held) {
			pthread_mutex_unlock(&l->lock);
			apply_held(d, held);
			pthread_mutex_lock(&l->lock);
			/* Stopping: what is still held goes with the queue. */
			held = l->stopping ? NULL : d->held;
			if (held)
				d->held = NULL;
		}
		d->busy = false;
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* True when SIGTERM or SIGINT (blocked, for sigwait) is pending. */
static bool stop_pending(void)
{
	sigset_t p;

	return sigpending(&p) == 0 &&
	       (sigismember(&p, SIGTERM) == 1 || sigismember(&p, SIGINT) == 1);
}

/*
 * Waits up to OPENING_WAIT_MS for m's first attempt to end. NC_ERR_TIMEOUT
 * at once when a stop signal is pending: the caller opens nothing more, and
 * the signal stops the role as soon as the loop runs.
 */
static int wait_slot(struct nc_mqtt *m)
{
	for (int waited = 0; waited < OPENING_WAIT_MS; waited += 250) {
		if (stop_pending())
			return NC_ERR_TIMEOUT;
		if (nc_mqtt_wait_tried(m, 250) == 0)
			break;
	}
	return 0;
}

/* Subscribes c's connection to the batch filter of each of its devices online. */
static int subscribe_devices(struct agent_conn *c)
{
	char(*filters)[NC_PROTO_TOPIC_MAX] = nc_xcalloc(c->n + 1, sizeof(*filters));
	const char **v = nc_xcalloc(c->n + 1, sizeof(*v));
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < c->n; i++) {
		if (c->devs[i]->offline)
			continue;
		ret = nc_proto_device_filter(c->devs[i]->serial, filters[n], sizeof(filters[n]));
		v[n] = filters[n];
		n++;
	}
	if (ret == 0)
		ret = nc_mqtt_subscribe_many(c->mqtt, v, n, 1);
	free(v);
	free(filters);
	return ret;
}

int nc_agent_loop_start(struct agent_loop *l, const struct nc_mqtt_opts *mo, struct nc_errinfo *ei)
{
	size_t window[OPENING_MAX], opened = 0;
	int ret = 0;

	for (size_t k = 0; ret == 0 && k < l->nconns; k++) {
		struct agent_conn *c = &l->conns[k];
		struct nc_mqtt_opts o = *mo;
		size_t online = 0;

		c->loop = l;
		for (size_t i = 0; i < c->n; i++)
			online += !c->devs[i]->offline;
		/* A device's own connection is not opened when it never connects. */
		if (online == 0 && c->own)
			continue;
		l->nlive++;
		if (c->own) {
			o.cafile = c->cafile;
			o.certfile = c->certfile;
			o.keyfile = c->keyfile;
		}
		o.client_id = c->client_id;
		o.clean_session = true;
		o.on_message = on_message;
		o.on_connection = on_connection;
		o.arg = c;
		/* Own connections are TLS: at most OPENING_MAX handshakes at a time. */
		if (c->own && opened >= OPENING_MAX &&
		    wait_slot(l->conns[window[opened % OPENING_MAX]].mqtt) < 0)
			break;
		ret = nc_mqtt_new(&o, &c->mqtt, ei);
		if (ret == 0 && c->own)
			window[opened++ % OPENING_MAX] = k;
		if (ret == 0)
			ret = subscribe_devices(c);
	}
	if (ret < 0)
		return ret;
	/* Timers start after every subscription is queued: no device asks for its
	 * configuration before the broker knows where to send the answer. */
	l->workers = nc_xcalloc(l->nworkers, sizeof(*l->workers));
	for (unsigned i = 0; i < l->nworkers; i++)
		pthread_create(&l->workers[i], NULL, worker_main, l);
	pthread_create(&l->timer, NULL, timer_main, l);
	l->started = true;
	return 0;
}

void nc_agent_loop_stop(struct agent_loop *l)
{
	struct agent_msg *m, *next;

	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_broadcast(&l->work_cv);
	pthread_cond_broadcast(&l->timer_cv);
	pthread_mutex_unlock(&l->lock);
	if (l->started) {
		pthread_join(l->timer, NULL);
		for (unsigned i = 0; i < l->nworkers; i++)
			pthread_join(l->workers[i], NULL);
		l->started = false;
	}
	/* After this no callback runs: the queue can go. */
	for (size_t k = 0; k < l->nconns; k++) {
		nc_mqtt_free(l->conns[k].mqtt);
		l->conns[k].mqtt = NULL;
	}
	for (size_t i = 0; l->devs && i < l->n; i++) {
		for (m = l->devs[i].held; m; m = next) {
			next = m->next;
			free(m->topic);
			free(m);
		}
		l->devs[i].held = NULL;
	}
	for (struct nc_fifo_link *q; (q = nc_fifo_pop(&l->queue)) != NULL;) {
		m = NC_FIFO_ENTRY(q, struct agent_msg, link);
		free(m->topic);
		free(m);
	}
}

void nc_agent_loop_free(struct agent_loop *l)
{
	for (size_t i = 0; l->devs && i < l->n; i++)
		nc_agent_dev_free(&l->devs[i]);
	for (size_t k = 0; l->conns && k < l->nconns; k++) {
		free(l->conns[k].devs);
		free(l->conns[k].cafile);
		free(l->conns[k].certfile);
		free(l->conns[k].keyfile);
	}
	free(l->devs);
	free(l->conns);
	free(l->workers);
	nc_heap_clear(&l->heap);
	pthread_cond_destroy(&l->work_cv);
	pthread_cond_destroy(&l->timer_cv);
	pthread_mutex_destroy(&l->lock);
}
