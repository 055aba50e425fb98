/* SPDX-License-Identifier: MIT */
/* The floor's MQTT side: paho callbacks, connections and a round (floor.h). */
#include "floor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void floor_fail(struct floor *f, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&f->lock);
	if (!f->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(f->failure, sizeof(f->failure), fmt, ap);
		va_end(ap);
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->lock);
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Waits on f->cv until *pred(f) or a failure or the deadline; f->lock held. */
static bool wait_for(struct floor *f, bool (*pred)(const struct floor *), const struct timespec *dl)
{
	while (!pred(f) && !f->failure[0])
		if (pthread_cond_timedwait(&f->cv, &f->lock, dl) == ETIMEDOUT)
			break;
	return pred(f) && !f->failure[0];
}

/* One of the counter n of f (under f->lock) is done: every waiter wakes to look. */
static void count_down(struct floor *f, size_t *n)
{
	pthread_mutex_lock(&f->lock);
	(*n)--;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->lock);
}

/* What wait_for() waits for. */
static bool all_up(const struct floor *f)
{
	return f->up == f->want_up;
}

static bool subscribed(const struct floor *f)
{
	return f->subs_pending == 0;
}

static bool all_confirmed(const struct floor *f)
{
	return f->confirmed == f->n;
}

static bool window_open(const struct floor *f)
{
	return f->core_inflight < f->window;
}

/* The device index of "VSR/F00042/..." (0-based), or SIZE_MAX. */
static size_t device_of(const struct floor *f, const char *topic)
{
	char *end;
	unsigned long v;

	if (strncmp(topic, "VSR/F", 5) != 0)
		return SIZE_MAX;
	v = strtoul(topic + 5, &end, 10);
	if (*end != '/' || v == 0 || v > f->n)
		return SIZE_MAX;
	return (size_t)v - 1;
}

/*
 * A QoS 1 publish; paho's code. Our window never lets more than W be
 * unacknowledged, so paho (maxInflight W) holds nothing back: any refusal,
 * MQTTASYNC_MAX_MESSAGES_INFLIGHT included, is a failure, as in nc_mqtt.
 */
static int send_qos1(MQTTAsync h, const char *topic, char *payload, size_t len,
		     MQTTAsync_onSuccess *ok, MQTTAsync_onFailure *ko, void *ctx)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	MQTTAsync_message m = MQTTAsync_message_initializer;

	m.payload = payload;
	m.payloadlen = (int)len;
	m.qos = 1;
	ro.onSuccess = ok;
	ro.onFailure = ko;
	ro.context = ctx;
	return MQTTAsync_sendMessage(h, topic, &m, &ro);
}

static void pub_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: a QoS 1 publish failed (paho code %d)", c->id, r ? r->code : 0);
}

/* Core: a batch was acknowledged by the broker; the window opens by one. */
static void batch_acked(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	count_down(c->f, &c->f->core_inflight);
}

static void send_confirm(struct conn *c, uint32_t dev);

/* Device shard: a confirmation was acknowledged; the next waiting one goes. */
static void confirm_acked(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;
	uint32_t next = 0;
	bool have;

	pthread_mutex_lock(&c->lock);
	have = c->wlen > 0;
	if (have) {
		next = c->waiting[c->whead];
		c->whead = (c->whead + 1) % c->wcap;
		c->wlen--;
	} else {
		c->inflight--;
	}
	pthread_mutex_unlock(&c->lock);
	if (have)
		send_confirm(c, next); /* takes over the slot just freed */
}

/* Publishes dev's confirmation; its window slot is already taken. */
static void send_confirm(struct conn *c, uint32_t dev)
{
	char topic[TOPIC_MAX];
	int rc;

	snprintf(topic, sizeof(topic), "VSR/F%05" PRIu32 "/confirm", dev + 1);
	rc = send_qos1(c->h, topic, c->f->confirm, c->f->confirm_len, confirm_acked, pub_failed, c);
	if (rc != MQTTASYNC_SUCCESS)
		floor_fail(c->f, "%s: confirmation not sent (paho code %d)", c->id, rc);
}

/* Device shard: a batch arrived; answer now, or queue for the window. */
static void on_batch(struct conn *c, size_t dev)
{
	bool now;

	pthread_mutex_lock(&c->lock);
	now = c->inflight < c->f->window;
	if (now) {
		c->inflight++;
	} else if (c->wlen == c->wcap) {
		pthread_mutex_unlock(&c->lock);
		floor_fail(c->f, "%s: more than %zu confirmations queued", c->id, c->wcap);
		return;
	} else {
		c->waiting[(c->whead + c->wlen) % c->wcap] = (uint32_t)dev;
		c->wlen++;
	}
	pthread_mutex_unlock(&c->lock);
	if (now)
		send_confirm(c, (uint32_t)dev);
}

/* Core: a confirmation arrived; a duplicate (QoS 1 may repeat) is not counted. */
static void on_confirm(struct floor *f, size_t dev)
{
	pthread_mutex_lock(&f->lock);
	if (f->seen && !f->seen[dev]) {
		f->seen[dev] = 1;
		if (++f->confirmed == f->n) {
			clock_gettime(CLOCK_MONOTONIC, &f->done);
			pthread_cond_broadcast(&f->cv);
		}
	}
	pthread_mutex_unlock(&f->lock);
}

static int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *m)
{
	struct conn *c = ctx;
	size_t dev = device_of(c->f, topic);

	if (dev == SIZE_MAX)
		floor_fail(c->f, "%s: unexpected topic %s", c->id, topic);
	else if (c->core)
		on_confirm(c->f, dev);
	else
		on_batch(c, dev);
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	return 1;
}

static void on_lost(void *ctx, char *cause)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: connection lost (%s)", c->id, cause ? cause : "no cause given");
}

static void subscribed_one(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	count_down(c->f, &c->f->subs_pending);
}

static void subscribe_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: SUBSCRIBE refused (paho code %d)", c->id, r ? r->code : 0);
}

/* Sends the connection's SUBSCRIBEs, SUB_CHUNK filters each. */
static void subscribe_all(struct conn *c)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	char *topics[SUB_CHUNK];
	int qos[SUB_CHUNK];
	int rc;

	ro.onSuccess = subscribed_one;
	ro.onFailure = subscribe_failed;
	ro.context = c;
	for (size_t i = 0; i < c->nfilters; i += SUB_CHUNK) {
		size_t k = c->nfilters - i < SUB_CHUNK ? c->nfilters - i : SUB_CHUNK;

		for (size_t j = 0; j < k; j++) {
			topics[j] = c->filters[i + j];
			qos[j] = 1;
		}
		rc = MQTTAsync_subscribeMany(c->h, (int)k, topics, qos, &ro);
		if (rc != MQTTASYNC_SUCCESS) {
			floor_fail(c->f, "%s: SUBSCRIBE not sent (paho code %d)", c->id, rc);
			return;
		}
	}
}

static void connected(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	subscribe_all(c);
	pthread_mutex_lock(&c->f->lock);
	c->f->up++;
	pthread_cond_broadcast(&c->f->cv);
	pthread_mutex_unlock(&c->f->lock);
}

static void connect_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: cannot connect to %s (paho code %d)", c->id, c->f->url,
		   r ? r->code : 0);
}

static int conn_start(struct floor *f, struct conn *c)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	int rc;

	c->f = f;
	pthread_mutex_init(&c->lock, NULL);
	rc = MQTTAsync_create(&c->h, f->url, c->id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(c->h, c, on_lost, on_message, NULL);
	if (rc != MQTTASYNC_SUCCESS) {
		fprintf(stderr, "mqtt_floor: %s: paho refused the client (code %d)\n", c->id, rc);
		return -1;
	}
	co.MQTTVersion = MQTTVERSION_3_1_1;
	co.keepAliveInterval = 30;
	co.cleansession = c->core ? 0 : 1;
	co.maxInflight = (int)f->window;
	co.onSuccess = connected;
	co.onFailure = connect_failed;
	co.context = c;
	rc = MQTTAsync_connect(c->h, &co);
	if (rc != MQTTASYNC_SUCCESS) {
		fprintf(stderr, "mqtt_floor: %s: connect not started (code %d)\n", c->id, rc);
		return -1;
	}
	return 0;
}

void floor_conn_stop(struct conn *c)
{
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;

	if (!c->h)
		return;
	d.timeout = 1000;
	MQTTAsync_disconnect(c->h, &d);
	MQTTAsync_destroy(&c->h);
}

static void deadline_in(struct timespec *ts, double s)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)s;
	ts->tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* One round: N batches out through the window, N confirmations back. */
int floor_round(struct floor *f, double timeout_s, double *secs)
{
	char topic[TOPIC_MAX];
	struct timespec t0, dl;
	int ret = -1, rc;

	deadline_in(&dl, timeout_s);
	pthread_mutex_lock(&f->lock);
	memset(f->seen, 0, f->n);
	f->confirmed = 0;
	pthread_mutex_unlock(&f->lock);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < f->n; i++) {
		pthread_mutex_lock(&f->lock);
		if (!wait_for(f, window_open, &dl)) {
			pthread_mutex_unlock(&f->lock);
			goto late;
		}
		f->core_inflight++;
		pthread_mutex_unlock(&f->lock);
		snprintf(topic, sizeof(topic), "VSR/F%05zu/batch", i + 1);
		rc = send_qos1(f->core.h, topic, f->batch, f->batch_len, batch_acked, pub_failed,
			       &f->core);
		if (rc != MQTTASYNC_SUCCESS) {
			floor_fail(f, "core: batch %zu not sent (paho code %d)", i + 1, rc);
			goto late;
		}
	}
	pthread_mutex_lock(&f->lock);
	if (wait_for(f, all_confirmed, &dl)) {
		*secs = seconds(&t0, &f->done);
		ret = 0;
	}
	pthread_mutex_unlock(&f->lock);
	if (ret == 0)
		return 0;
late:
	pthread_mutex_lock(&f->lock);
	if (!f->failure[0])
		snprintf(f->failure, sizeof(f->failure), "%zu of %zu confirmations within %.0f s",
			 f->confirmed, f->n, timeout_s);
	pthread_mutex_unlock(&f->lock);
	return -1;
}

/* Waits for every connection in c[0..n) to be up and subscribed; false on failure. */
bool floor_connect_all(struct floor *f, struct conn *c, unsigned n)
{
	struct timespec dl;
	bool ok;

	for (unsigned k = 0; k < n; k++) {
		f->subs_pending += (c[k].nfilters + SUB_CHUNK - 1) / SUB_CHUNK;
		if (conn_start(f, &c[k]) < 0)
			return false;
	}
	deadline_in(&dl, CONNECT_S);
	pthread_mutex_lock(&f->lock);
	f->want_up = n;
	ok = wait_for(f, all_up, &dl) && wait_for(f, subscribed, &dl);
	if (!ok && !f->failure[0])
		snprintf(f->failure, sizeof(f->failure),
			 "%u of %u connections up, %zu SUBSCRIBEs unanswered after %d s", f->up, n,
			 f->subs_pending, CONNECT_S);
	pthread_mutex_unlock(&f->lock);
	return ok;
}
