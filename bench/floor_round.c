/* SPDX-License-Identifier: MIT */
/* The floor's rounds, its windows and what the client reports (floor.h), for any library. */
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

static void send_confirm(struct conn *c, uint32_t dev);

/* Device shard: a confirmation was acknowledged; the next waiting one goes. */
static void confirm_acked(struct conn *c)
{
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
	rc = c->f->client->publish(c, topic, c->f->confirm, c->f->confirm_len);
	if (rc != 0)
		floor_fail(c->f, "%s: confirmation not sent (%s code %d)", c->id, c->f->client->lib,
			   rc);
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

void floor_message(struct conn *c, const char *topic)
{
	size_t dev = device_of(c->f, topic);

	if (dev == SIZE_MAX)
		floor_fail(c->f, "%s: unexpected topic %s", c->id, topic);
	else if (c->core)
		on_confirm(c->f, dev);
	else
		on_batch(c, dev);
}

void floor_acked(struct conn *c)
{
	if (c->core)
		count_down(c->f, &c->f->core_inflight);
	else
		confirm_acked(c);
}

void floor_subscribed(struct conn *c)
{
	count_down(c->f, &c->f->subs_pending);
}

/* Sends the connection's SUBSCRIBEs, SUB_CHUNK filters each. */
static void subscribe_all(struct conn *c)
{
	char *topics[SUB_CHUNK];
	int rc;

	for (size_t i = 0; i < c->nfilters; i += SUB_CHUNK) {
		size_t k = c->nfilters - i < SUB_CHUNK ? c->nfilters - i : SUB_CHUNK;

		for (size_t j = 0; j < k; j++)
			topics[j] = c->filters[i + j];
		rc = c->f->client->subscribe(c, topics, (int)k);
		if (rc != 0) {
			floor_fail(c->f, "%s: SUBSCRIBE not sent (%s code %d)", c->id,
				   c->f->client->lib, rc);
			return;
		}
	}
}

void floor_connected(struct conn *c)
{
	subscribe_all(c);
	pthread_mutex_lock(&c->f->lock);
	c->f->up++;
	pthread_cond_broadcast(&c->f->cv);
	pthread_mutex_unlock(&c->f->lock);
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

/*
 * Publishes count messages from the core through its window, message i
 * being the burst's i-th or the batch of device i. Returns how many were
 * sent: fewer than count when one is refused (f->failure set) or the window
 * stays shut past dl.
 */
static size_t send_windowed(struct floor *f, size_t count, const struct timespec *dl)
{
	char topic[TOPIC_MAX];
	const char *t = topic;
	const void *payload = f->batch;
	size_t len = f->batch_len, i;
	int rc;

	for (i = 0; i < count; i++) {
		pthread_mutex_lock(&f->lock);
		if (!wait_for(f, window_open, dl)) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		f->core_inflight++;
		pthread_mutex_unlock(&f->lock);
		if (f->burst.n) {
			t = f->burst.topic[i];
			payload = f->burst.payload[i];
			len = strlen(f->burst.payload[i]);
		} else {
			snprintf(topic, sizeof(topic), "VSR/F%05zu/batch", i + 1);
		}
		rc = f->client->publish(&f->core, t, payload, len);
		if (rc != 0) {
			floor_fail(f, "core: message %zu not sent (%s code %d)", i + 1,
				   f->client->lib, rc);
			break;
		}
	}
	return i;
}

/* Sets the failure, unless one is set, to how far the round or burst came. */
static void came_short(struct floor *f, const char *what, size_t done, size_t of, double s)
{
	pthread_mutex_lock(&f->lock);
	if (!f->failure[0])
		snprintf(f->failure, sizeof(f->failure), "%zu of %zu %s within %.0f s", done, of,
			 what, s);
	pthread_mutex_unlock(&f->lock);
}

/* One round: N batches out through the window, N confirmations back. */
int floor_round(struct floor *f, double timeout_s, double *secs)
{
	struct timespec t0, dl;
	int ret = -1;

	deadline_in(&dl, timeout_s);
	pthread_mutex_lock(&f->lock);
	memset(f->seen, 0, f->n);
	f->confirmed = 0;
	pthread_mutex_unlock(&f->lock);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (send_windowed(f, f->n, &dl) == f->n) {
		pthread_mutex_lock(&f->lock);
		if (wait_for(f, all_confirmed, &dl)) {
			*secs = seconds(&t0, &f->done);
			ret = 0;
		}
		pthread_mutex_unlock(&f->lock);
	}
	if (ret < 0)
		came_short(f, "confirmations", f->confirmed, f->n, timeout_s);
	return ret;
}

static bool all_acked(const struct floor *f)
{
	return f->core_inflight == 0;
}

int floor_burst(struct floor *f, double timeout_s, double *secs)
{
	struct timespec t0, t1, dl;
	size_t sent;
	int ret = -1;

	deadline_in(&dl, timeout_s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sent = send_windowed(f, f->burst.n, &dl);
	pthread_mutex_lock(&f->lock);
	if (sent == f->burst.n && wait_for(f, all_acked, &dl)) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		*secs = seconds(&t0, &t1);
		ret = 0;
	}
	sent -= f->core_inflight; /* now: acknowledged */
	pthread_mutex_unlock(&f->lock);
	if (ret < 0)
		came_short(f, "messages acknowledged", sent, f->burst.n, timeout_s);
	return ret;
}

/* Waits for every connection in c[0..n) to be up and subscribed; false on failure. */
bool floor_connect_all(struct floor *f, struct conn *c, unsigned n)
{
	struct timespec dl;
	bool ok;

	for (unsigned k = 0; k < n; k++) {
		f->subs_pending += (c[k].nfilters + SUB_CHUNK - 1) / SUB_CHUNK;
		c[k].f = f;
		pthread_mutex_init(&c[k].lock, NULL);
		if (f->client->start(&c[k]) < 0)
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
