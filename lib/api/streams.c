/* SPDX-License-Identifier: MIT */
/*
 * The registry of open event streams and the waker thread that resumes the
 * parked ones. Lock order: the registry's lock, then the ring's (through
 * nc_events_last_id); the ring's emit hook takes no lock at all (it writes
 * to an eventfd), so emitters never wait on streams.
 */
#include "streams.h"

#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../events/events.h"
#include "../util/err.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

/* Scans woken by events are at least this far apart (ms): a burst of events
 * resumes each stream once per interval, not once per event. */
#define COALESCE_MS 10

struct api_streams {
	pthread_mutex_t lock;
	struct nc_events *ev;
	struct api_stream_slot *parked; /* suspended streams, any order */
	unsigned open, max;
	int efd;	   /* wakes the waker: an event or an earlier due */
	atomic_bool armed; /* the waker sleeps and wants the next emit */
	int64_t wake_at;   /* when the waker looks next; INT64_MAX: at an emit */
	bool stopping;
	bool running; /* the waker thread was started */
	pthread_t thread;
};

static void kick(struct api_streams *ss)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is already non-zero, the waker will wake. */
	if (write(ss->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

/* The ring's emit hook: under the ring's lock, so nothing but a write. */
static void on_emit(void *arg)
{
	struct api_streams *ss = arg;

	if (atomic_exchange(&ss->armed, false))
		kick(ss);
}

/* Resumes the parked streams that have something to send; under the lock.
 * Returns when the next keepalive is due (INT64_MAX when none is parked). */
static int64_t wake_due(struct api_streams *ss)
{
	struct api_stream_slot **pp = &ss->parked, *s;
	int64_t now = nc_time_mono_ms(), next = INT64_MAX;
	uint64_t last;

	/* Armed before the newest id is read: an emit after this read kicks. */
	atomic_store(&ss->armed, true);
	last = nc_events_last_id(ss->ev);
	while (*pp) {
		s = *pp;
		if (ss->stopping || s->after < last || s->due_ms <= now) {
			*pp = s->next;
			s->next = NULL;
			s->parked = false;
			MHD_resume_connection(s->conn);
			continue;
		}
		if (s->due_ms < next)
			next = s->due_ms;
		pp = &s->next;
	}
	return next;
}

static void *waker(void *arg)
{
	struct api_streams *ss = arg;
	struct pollfd pfd = {.fd = ss->efd, .events = POLLIN};
	struct timespec pause = {.tv_nsec = COALESCE_MS * 1000000L};
	uint64_t drain;
	int64_t next, wait, scanned;

	pthread_mutex_lock(&ss->lock);
	while (!ss->stopping) {
		next = wake_due(ss);
		ss->wake_at = next;
		scanned = nc_time_mono_ms();
		pthread_mutex_unlock(&ss->lock);
		wait = next == INT64_MAX ? -1 : next - scanned;
		if (wait > INT_MAX)
			wait = INT_MAX;
		if (next != INT64_MAX && wait < 0)
			wait = 0;
		if (poll(&pfd, 1, (int)wait) > 0 && read(ss->efd, &drain, sizeof(drain)) > 0 &&
		    nc_time_mono_ms() - scanned < COALESCE_MS)
			nanosleep(&pause, NULL);
		pthread_mutex_lock(&ss->lock);
	}
	pthread_mutex_unlock(&ss->lock);
	return NULL;
}

int api_streams_new(struct nc_events *ev, unsigned max, struct api_streams **out)
{
	struct api_streams *ss = nc_xcalloc(1, sizeof(*ss));
	int ret = 0;

	pthread_mutex_init(&ss->lock, NULL);
	ss->ev = ev;
	ss->max = max;
	ss->wake_at = INT64_MAX;
	atomic_init(&ss->armed, false);
	ss->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ss->efd < 0) {
		ret = NC_ERR_IO;
		goto out;
	}
	if (pthread_create(&ss->thread, NULL, waker, ss) != 0) {
		ret = NC_ERR_IO;
		goto out;
	}
	ss->running = true;
	nc_events_on_emit(ev, on_emit, ss);
	*out = ss;
	ss = NULL;
out:
	api_streams_free(ss);
	return ret;
}

void api_streams_shutdown(struct api_streams *ss)
{
	if (!ss)
		return;
	nc_events_on_emit(ss->ev, NULL, NULL);
	pthread_mutex_lock(&ss->lock);
	ss->stopping = true;
	wake_due(ss);
	pthread_mutex_unlock(&ss->lock);
	kick(ss);
	if (ss->running)
		pthread_join(ss->thread, NULL);
	ss->running = false;
}

void api_streams_free(struct api_streams *ss)
{
	if (!ss)
		return;
	api_streams_shutdown(ss);
	if (ss->efd >= 0)
		close(ss->efd);
	pthread_mutex_destroy(&ss->lock);
	free(ss);
}

bool api_streams_open(struct api_streams *ss)
{
	bool ok;

	pthread_mutex_lock(&ss->lock);
	ok = !ss->stopping && ss->open < ss->max;
	if (ok)
		ss->open++;
	pthread_mutex_unlock(&ss->lock);
	return ok;
}

void api_streams_close(struct api_streams *ss, struct api_stream_slot *slot)
{
	struct api_stream_slot **pp;

	pthread_mutex_lock(&ss->lock);
	if (slot->parked) {
		for (pp = &ss->parked; *pp && *pp != slot; pp = &(*pp)->next)
			;
		if (*pp)
			*pp = slot->next;
		slot->parked = false;
	}
	if (ss->open > 0)
		ss->open--;
	pthread_mutex_unlock(&ss->lock);
}

unsigned api_streams_count(struct api_streams *ss, unsigned *max)
{
	unsigned n;

	pthread_mutex_lock(&ss->lock);
	n = ss->open;
	if (max)
		*max = ss->max;
	pthread_mutex_unlock(&ss->lock);
	return n;
}

enum api_park api_streams_park(struct api_streams *ss, struct api_stream_slot *slot)
{
	enum api_park ret = API_PARKED;

	pthread_mutex_lock(&ss->lock);
	if (ss->stopping) {
		ret = API_CLOSING;
	} else if (nc_events_last_id(ss->ev) > slot->after || nc_time_mono_ms() >= slot->due_ms) {
		ret = API_RETRY;
	} else {
		MHD_suspend_connection(slot->conn);
		slot->parked = true;
		slot->next = ss->parked;
		ss->parked = slot;
		if (slot->due_ms < ss->wake_at)
			kick(ss);
	}
	pthread_mutex_unlock(&ss->lock);
	return ret;
}
