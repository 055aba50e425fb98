/* SPDX-License-Identifier: MIT */
/*
 * Group commit: the device messages that wait in the queue are applied
 * together in one store transaction, so a burst of confirmations,
 * heartbeats and tunnel reports costs one fsync, not one each. Each
 * message still runs in its own savepoint (its nc_store_begin nests), so
 * one that fails leaves the others whole. Batches the group would publish
 * and events it would emit are kept, in order, and let go only after the
 * commit: a seq is never published before it is durable, and nothing is
 * announced that a power cut could take back (docs/durability.md).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
#include "internal.h"

/* One deferred action: an event (ev set) or a publish (o.payload set). */
struct sync_later {
	json_t *ev; /* {"type","tenant","serial","fields"} */
	struct outgoing o;
	char why[40];
};

static bool taking(const struct nc_sync_engine *e)
{
	/* group.open is written by the engine thread only: read it only there. */
	return pthread_equal(pthread_self(), e->thread) && e->group.open;
}

static struct sync_later *later_add(struct sync_group *g)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->later = nc_xrealloc(g->later, g->cap * sizeof(*g->later));
	}
	memset(&g->later[g->n], 0, sizeof(g->later[0]));
	return &g->later[g->n++];
}

bool sync_group_defer_event(struct nc_sync_engine *e, enum nc_event_type type, const char *tenant,
			    const char *serial, json_t *fields)
{
	if (!taking(e))
		return false;
	later_add(&e->group)->ev = json_pack("{s:i,s:s?,s:s?,s:o?}", "type", (int)type, "tenant",
					     tenant, "serial", serial, "fields", fields);
	return true;
}

bool sync_group_defer_publish(struct nc_sync_engine *e, struct outgoing *o, const char *why)
{
	struct sync_later *l;

	if (!taking(e))
		return false;
	l = later_add(&e->group);
	l->o = *o;
	snprintf(l->why, sizeof(l->why), "%s", why);
	o->payload = NULL;
	return true;
}

void sync_group_open(struct nc_sync_engine *e)
{
	e->group.txn = nc_store_begin(e->core->store) == 0;
	e->group.open = true;
}

static void emit(struct nc_sync_engine *e, json_t *ev)
{
	json_t *fields = json_object_get(ev, "fields");

	sync_event(e, (enum nc_event_type)json_integer_value(json_object_get(ev, "type")),
		   json_string_value(json_object_get(ev, "tenant")),
		   json_string_value(json_object_get(ev, "serial")),
		   json_is_null(fields) ? NULL : json_incref(fields));
}

/* Lets the deferred actions go (committed) or drops them. */
static void release(struct nc_sync_engine *e, bool committed)
{
	struct sync_group *g = &e->group;

	for (size_t i = 0; i < g->n; i++) {
		struct sync_later *l = &g->later[i];

		if (l->ev && committed)
			emit(e, l->ev);
		else if (l->o.payload && committed)
			sync_publish(e, &l->o, l->why);
		json_decref(l->ev);
		free(l->o.payload);
	}
	g->n = 0;
	if (g->cap > 4096) { /* after a storm, give the memory back */
		free(g->later);
		g->later = NULL;
		g->cap = 0;
	}
}

void sync_group_free(struct nc_sync_engine *e)
{
	release(e, false);
	free(e->group.later);
	e->group.later = NULL;
	e->group.cap = 0;
}

void sync_group_close(struct nc_sync_engine *e, size_t n)
{
	int ret = 0;

	e->group.open = false;
	if (e->group.txn)
		ret = nc_store_commit(e->core->store);
	e->group.txn = false;
	if (ret < 0) {
		atomic_fetch_add(&e->counters.group_failures, 1);
		nc_err("sync: %zu device messages were not stored (%s): what they changed is "
		       "lost and devices will repeat it",
		       n, nc_strerror(ret));
	}
	if (n) {
		atomic_fetch_add(&e->counters.groups, 1);
		atomic_fetch_add(&e->counters.grouped, (long long)n);
	}
	release(e, ret == 0);
}
