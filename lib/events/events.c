/* SPDX-License-Identifier: MIT */
#include "events.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/err.h"
#include "../util/strlist.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

/* A slot keeps what filters look at beside the rendered text. */
struct slot {
	uint64_t id;
	char type[32];
	char tenant[64];
	char device[64];
	char *text;
};

struct nc_events {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *ring;
	size_t cap;
	uint64_t base; /* the first id is base + 1 */
	uint64_t last; /* newest id, base when none */
	bool closed;
	void (*on_emit)(void *arg); /* nc_events_on_emit(); NULL when none */
	void *on_emit_arg;
};

static struct slot *slot_of(const struct nc_events *ev, uint64_t id)
{
	return &ev->ring[(id - ev->base - 1) % ev->cap];
}

struct nc_events *nc_events_new(size_t capacity)
{
	return nc_events_new_after(capacity, 0);
}

struct nc_events *nc_events_new_after(size_t capacity, uint64_t base)
{
	struct nc_events *ev = nc_xcalloc(1, sizeof(*ev));

	pthread_mutex_init(&ev->lock, NULL);
	nc_time_cond_init(&ev->cond);
	ev->cap = capacity ? capacity : 1;
	ev->base = base;
	ev->last = base;
	ev->ring = nc_xcalloc(ev->cap, sizeof(*ev->ring));
	return ev;
}

/* The state the getters report, read together under the lock. */
struct status {
	bool closed;
	uint64_t last;
};

static struct status status_of(struct nc_events *ev)
{
	struct status st;

	pthread_mutex_lock(&ev->lock);
	st.closed = ev->closed;
	st.last = ev->last;
	pthread_mutex_unlock(&ev->lock);
	return st;
}

void nc_events_close(struct nc_events *ev)
{
	pthread_mutex_lock(&ev->lock);
	ev->closed = true;
	pthread_cond_broadcast(&ev->cond);
	pthread_mutex_unlock(&ev->lock);
}

bool nc_events_closed(struct nc_events *ev)
{
	return status_of(ev).closed;
}

void nc_events_free(struct nc_events *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->cap; i++)
		free(ev->ring[i].text);
	free(ev->ring);
	pthread_cond_destroy(&ev->cond);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

static void iso_now(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);

	snprintf(buf + k, n - k, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static const char *const type_names[NC_EV_COUNT] = {
#define NC_EVENT_TYPE(name) #name,
#include "types.def"
};

const char *nc_event_type_name(enum nc_event_type t)
{
	return (unsigned)t < NC_EV_COUNT ? type_names[t] : NULL;
}

int nc_event_type_find(const char *name, enum nc_event_type *out)
{
	int ret = NC_ERR_NOTFOUND;

	for (unsigned i = 0; name && i < NC_EV_COUNT; i++) {
		if (strcmp(type_names[i], name) == 0) {
			*out = (enum nc_event_type)i;
			ret = 0;
			break;
		}
	}
	return ret;
}

uint64_t nc_events_emit(struct nc_events *ev, enum nc_event_type etype, const char *tenant,
			const char *device, json_t *fields)
{
	const char *type = nc_event_type_name(etype);
	char ts[32], *rest, *text;
	struct slot *s;
	uint64_t id;
	json_t *o;

	if (!type) {
		json_decref(fields);
		return 0;
	}
	/*
	 * Everything but the id is rendered before taking the lock, so readers
	 * and other emitters never wait on json_dumps; under the lock the id is
	 * put in front ("id" is the first member, as readers expect).
	 */
	o = json_object();
	iso_now(ts, sizeof(ts));
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "type", json_string(type));
	if (tenant && *tenant)
		json_object_set_new(o, "tenant", json_string(tenant));
	if (device && *device)
		json_object_set_new(o, "device", json_string(device));
	if (fields)
		json_object_update_missing(o, fields);
	json_object_del(o, "id");
	rest = json_dumps(o, JSON_COMPACT); /* "{"ts":...}": never empty */
	json_decref(o);
	json_decref(fields);
	if (!rest)
		return 0;
	pthread_mutex_lock(&ev->lock);
	id = ev->last + 1;
	text = nc_xasprintf("{\"id\":%" PRIu64 ",%s", id, rest + 1);
	s = slot_of(ev, id);
	free(s->text);
	s->id = id;
	snprintf(s->type, sizeof(s->type), "%s", type);
	snprintf(s->tenant, sizeof(s->tenant), "%s", tenant ? tenant : "");
	snprintf(s->device, sizeof(s->device), "%s", device ? device : "");
	s->text = text;
	ev->last = id;
	pthread_cond_broadcast(&ev->cond);
	if (ev->on_emit)
		ev->on_emit(ev->on_emit_arg);
	pthread_mutex_unlock(&ev->lock);
	free(rest);
	return id;
}

static bool passes(const struct slot *s, const struct nc_event_filter *f)
{
	if (!f)
		return true;
	if (f->tenant && strcmp(f->tenant, s->tenant) != 0)
		return false;
	if (f->device && strcmp(f->device, s->device) != 0)
		return false;
	return !f->types || nc_strlist_csv_has(f->types, s->type);
}

size_t nc_events_read(struct nc_events *ev, uint64_t after, const struct nc_event_filter *f,
		      struct nc_event *out, size_t max, int timeout_ms, bool *gap, uint64_t *next)
{
	struct timespec dl;
	uint64_t oldest, id;
	size_t n = 0;

	nc_time_mono_deadline(timeout_ms, &dl);
	*gap = false;
	pthread_mutex_lock(&ev->lock);
	if (after == 0) {
		after = ev->base;
	} else if (after < ev->base || after > ev->last) {
		*gap = true;
		after = ev->base;
	}
	for (;;) {
		oldest = ev->last - ev->base >= ev->cap ? ev->last - ev->cap + 1 : ev->base + 1;
		if (after + 1 < oldest) {
			*gap = true;
			after = oldest - 1;
		}
		for (id = after + 1; id <= ev->last && n < max; id++) {
			const struct slot *s = slot_of(ev, id);

			if (passes(s, f)) {
				out[n].id = id;
				out[n].text = nc_xstrdup(s->text);
				n++;
			}
		}
		after = id - 1;
		if (n > 0 || *gap || ev->closed || timeout_ms <= 0)
			break;
		if (pthread_cond_timedwait(&ev->cond, &ev->lock, &dl) == ETIMEDOUT)
			timeout_ms = 0;
	}
	pthread_mutex_unlock(&ev->lock);
	*next = after;
	return n;
}

size_t nc_events_recent(struct nc_events *ev, const struct nc_event_filter *f, struct nc_event *out,
			size_t max, uint64_t *last)
{
	uint64_t oldest, id;
	size_t n = 0, k;

	pthread_mutex_lock(&ev->lock);
	oldest = ev->last - ev->base >= ev->cap ? ev->last - ev->cap + 1 : ev->base + 1;
	/* Newest first into the tail of out, then moved to the front. */
	for (id = ev->last; id >= oldest && id > ev->base && n < max; id--) {
		const struct slot *s = slot_of(ev, id);

		if (passes(s, f)) {
			n++;
			out[max - n].id = id;
			out[max - n].text = nc_xstrdup(s->text);
		}
	}
	*last = ev->last;
	pthread_mutex_unlock(&ev->lock);
	for (k = 0; k < n && max > n; k++)
		out[k] = out[max - n + k];
	return n;
}

void nc_events_on_emit(struct nc_events *ev, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&ev->lock);
	ev->on_emit = fn;
	ev->on_emit_arg = arg;
	pthread_mutex_unlock(&ev->lock);
}

uint64_t nc_events_last_id(struct nc_events *ev)
{
	return status_of(ev).last;
}

uint64_t nc_events_block_next(uint64_t recorded)
{
	return recorded < NC_EVENTS_BLOCK_WRAP - 1 ? recorded + 1 : 1;
}

uint64_t nc_events_block_needed(uint64_t last_id)
{
	return (last_id + (UINT64_C(1) << (NC_EVENTS_BLOCK_SHIFT - 1))) >> NC_EVENTS_BLOCK_SHIFT;
}

void nc_event_array_clear(struct nc_event *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		v[i].text = NULL;
	}
}
