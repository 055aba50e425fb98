/* SPDX-License-Identifier: MIT */
/*
 * Sync Now runs. A selection becomes a list of (serial, tenant) at once;
 * the engine thread then prepares and publishes it CHUNK devices per
 * transaction. An asynchronous run takes turns, a chunk each, with the
 * groups of device messages (engine.c) and with the other runs, so that
 * confirmations flow while a large run is still sending and a small run
 * never waits for a large one; a synchronous one is sent whole in its turn. Every run reports
 * through sync_run events (started, one progress per chunk, done) and tags its batch_sent events
 * with its id. A synchronous caller gets every device's item when the run ends; an asynchronous one
 * gets the list of queued devices at once and follows the events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"
#include "internal.h"

/* Devices prepared per transaction and per turn: one fsync for each chunk. */
#define CHUNK 256

struct run_dev {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	int64_t base; /* its seq when selected */
};

struct sync_run {
	struct sync_run *next;
	int64_t id;
	char scope[NC_ID_MAX]; /* the caller's tenant, "" for all: its events' */
	struct run_dev *v;
	size_t n, cap, at; /* at: devices done */
	size_t sent, skipped, unpublished;
	int64_t started_ms;
	bool dry;		    /* checks each device, sends nothing, says nothing */
	struct sync_caller *caller; /* synchronous: waits for items; else NULL */
	json_t *items;		    /* the caller's, one per device done */
	int ret;
	struct nc_errinfo ei;
};

static void dev_add(struct sync_run *r, const char *serial, const char *tenant, int64_t base)
{
	struct run_dev *d;

	r->v = nc_xgrow(r->v, &r->cap, (r->n + 1) * sizeof(*r->v), 64 * sizeof(*r->v));
	d = &r->v[r->n++];
	snprintf(d->serial, sizeof(d->serial), "%s", serial);
	snprintf(d->tenant, sizeof(d->tenant), "%s", tenant);
	d->base = base;
}

static void add_state(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	(void)e;
	dev_add(arg, s->serial, s->tenant, s->seq);
}

/* The devices sel names, into r: the named ones in order (each tenant of an
 * MTGE), then the states `all' or `state' select. NC_ERR_NOTFOUND for a
 * named serial out of scope, and nothing is selected then. */
static int select_devices(struct nc_sync_engine *e, const struct nc_sync_selection *sel,
			  struct sync_run *r)
{
	struct nc_sync_filter f = {.tenant = sel->tenant, .state = sel->state, .configured = true};
	struct nc_store *st = e->core->store;
	int ret = 0;

	for (size_t i = 0; sel->serials && sel->serials[i]; i++) {
		struct nc_strlist tenants = {0};
		enum nc_device_type type;
		char tenant[NC_ID_MAX];

		ret = nc_store_device_lookup(st, sel->tenant, sel->serials[i], &type, tenant);
		if (ret < 0)
			return nc_fail(&r->ei, ret, "devices", "device `%s' not found",
				       sel->serials[i]);
		ret = sync_device_tenants(e, sel->serials[i], &tenants);
		for (size_t j = 0; ret == 0 && j < tenants.n; j++) {
			struct nc_sync s = {0};

			if (sel->tenant && strcmp(sel->tenant, tenants.v[j]) != 0)
				continue;
			nc_store_sync_get(st, sel->serials[i], tenants.v[j], &s);
			dev_add(r, sel->serials[i], tenants.v[j], s.seq);
			nc_sync_clear(&s);
		}
		nc_strlist_clear(&tenants);
	}
	if (ret < 0 || (!sel->all && sel->state < 0))
		return ret;
	/* Every device has a sync state from its creation on (it is dirty). */
	return sync_each(e, &f, add_state, r);
}

static void run_event(struct nc_sync_engine *e, struct sync_run *r, const char *phase,
		      json_t *problems)
{
	json_t *f;

	if (r->dry) {
		json_decref(problems);
		return;
	}
	f = json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I}", "run", (json_int_t)r->id, "phase", phase,
		      "selected", (json_int_t)r->n, "done", (json_int_t)r->at, "sent",
		      (json_int_t)r->sent, "skipped", (json_int_t)r->skipped, "unpublished",
		      (json_int_t)r->unpublished);

	if (problems)
		json_object_set_new(f, "items", problems);
	if (strcmp(phase, "done") == 0) {
		json_object_set_new(f, "elapsed_ms",
				    json_integer(nc_time_mono_ms() - r->started_ms));
		if (r->ret < 0)
			json_object_set_new(f, "error", json_string(r->ei.msg));
	}
	sync_event(e, NC_EV_sync_run, r->scope[0] ? r->scope : NULL, NULL, f);
}

/*
 * Keeps one prepared device in its own savepoint, so that a device that
 * cannot be built (or whose state is bad) is reported and leaves nothing
 * behind while the others go on. Returns NULL, or the error text for that
 * device (o then names it, with seq 0).
 */
static json_t *keep_one(struct nc_sync_engine *e, struct prepared *p, struct outgoing *o)
{
	struct nc_errinfo ei = {0};
	int r = p->ret < 0 ? p->ret : nc_store_begin(e->core->store);

	if (p->ret < 0) {
		ei = p->ei;
	} else if (r == 0) {
		r = sync_prep_keep(e, p, o, &ei);
		if (r == 0)
			r = nc_store_commit(e->core->store);
		else
			nc_store_rollback(e->core->store);
	}
	if (r == 0)
		return NULL;
	free(o->payload);
	memset(o, 0, sizeof(*o));
	snprintf(o->serial, sizeof(o->serial), "%s", p->serial);
	snprintf(o->tenant, sizeof(o->tenant), "%s", p->tenant);
	if (r != NC_ERR_CONFLICT && r != NC_ERR_NOTFOUND)
		nc_warn("sync now: %s tenant %s: %s", p->serial, p->tenant,
			ei.msg[0] ? ei.msg : nc_strerror(r));
	return json_string(ei.msg[0] ? ei.msg : nc_strerror(r));
}

/* The devices of r's next chunk, from r->at, prepared on the render
 * threads into a new array of *n. */
static struct prepared *prepare_chunk(struct nc_sync_engine *e, struct sync_run *r, bool send,
				      size_t *n)
{
	struct sync_prep_dev devs[CHUNK];
	struct prepared *v;

	*n = r->n - r->at < CHUNK ? r->n - r->at : CHUNK;
	v = nc_xcalloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		devs[i] = (struct sync_prep_dev){r->v[r->at + i].serial, r->v[r->at + i].tenant};
	sync_prep_many(e, v, *n, devs, send);
	return v;
}

static void chunk_free(struct prepared *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sync_prep_clear(&v[i]);
	free(v);
}

/*
 * Publishes o (prepared, or not when err) and returns its item: seq, hash and
 * state applying, or skipped with err; never_seen for a batch to a device
 * never heard from, which nobody will confirm until it connects.
 */
static json_t *send_one(struct nc_sync_engine *e, struct sync_run *r, struct outgoing *o,
			json_t *err)
{
	json_t *item = json_pack("{s:s,s:s}", "serial", o->serial, "tenant", o->tenant);
	bool seen = true;

	if (!err) {
		/* An operator's send: any retry backoff starts over. */
		sync_retry_reset(e, o->serial, o->tenant);
		o->run = r->id;
		if (sync_publish(e, o, "sync now") < 0) {
			err = json_string("the broker is unreachable: the batch is stored and "
					  "will be re-sent");
			r->unpublished++;
		}
		json_object_set_new(item, "seq", json_integer(o->seq));
		json_object_set_new(item, "config_hash", json_string(o->hash));
		r->sent++;
		if (nc_store_device_seen(e->core->store, o->serial, &seen) == 0 && !seen)
			json_object_set_new(item, "never_seen", json_true());
	} else {
		r->skipped++;
	}
	json_object_set_new(item, "state", json_string(o->seq > 0 ? "applying" : "skipped"));
	if (err)
		json_object_set_new(item, "error", err);
	free(o->payload);
	o->payload = NULL;
	return item;
}

/* Whether an item is worth a line of the progress event: a device not
 * simply sent (skipped, unpublished, never seen). */
static bool remarkable(const json_t *item)
{
	return json_object_get(item, "error") || json_object_get(item, "never_seen");
}

/* A dry run's next chunk: what each device's batch would be, or why none.
 * The store is held, as for a send, so that every render thread reads the
 * same state; nothing is written. */
static void step_dry(struct nc_sync_engine *e, struct sync_run *r)
{
	bool held = nc_store_begin(e->core->store) == 0;
	size_t n;
	struct prepared *v = prepare_chunk(e, r, false, &n);

	if (held)
		nc_store_rollback(e->core->store);

	for (size_t i = 0; i < n; i++) {
		struct prepared *p = &v[i];
		int ret = p->ret == 0 ? sync_batch_fits(e, p->serial, p->len, &p->ei) : p->ret;

		json_array_append_new(r->items,
				      json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "serial", p->serial,
						"tenant", p->tenant, "state",
						ret == 0 ? "would_send" : "skipped", "config_hash",
						ret == 0 ? p->b.config_hash : NULL, "error",
						ret == 0 ? NULL : p->ei.msg));
	}
	chunk_free(v, n);
	r->at += n;
}

/* Prepares and publishes r's next chunk; its problems go in a progress event. */
static void step_send(struct nc_sync_engine *e, struct sync_run *r)
{
	size_t n = 0;
	struct prepared *v = NULL;
	struct outgoing *outs = nc_xcalloc(CHUNK, sizeof(*outs));
	json_t *errs[CHUNK] = {0}, *problems = json_array();
	int ret = nc_store_begin(e->core->store);

	if (ret == 0)
		v = prepare_chunk(e, r, true, &n);
	for (size_t i = 0; ret == 0 && i < n; i++)
		errs[i] = keep_one(e, &v[i], &outs[i]);
	chunk_free(v, n);
	if (ret == 0)
		ret = nc_store_commit(e->core->store);
	else
		nc_store_rollback(e->core->store);
	for (size_t i = 0; i < n; i++) {
		json_t *item = NULL;

		if (ret == 0)
			item = send_one(e, r, &outs[i], errs[i]);
		else
			json_decref(errs[i]);
		if (item && remarkable(item))
			json_array_append(problems, item);
		if (item && r->caller)
			json_array_append(r->items, item);
		json_decref(item);
		free(outs[i].payload);
	}
	free(outs);
	if (ret < 0) {
		r->ret = nc_fail(&r->ei, ret, NULL, "sync now failed: %s", nc_strerror(ret));
		r->at = r->n; /* what was sent stays sent; the rest is not tried */
		json_decref(problems);
		return;
	}
	r->at += n;
	run_event(e, r, "progress", problems);
}

/* r's next chunk. */
static void step(struct nc_sync_engine *e, struct sync_run *r)
{
	if (r->dry) {
		step_dry(e, r);
		return;
	}
	step_send(e, r);
}

static void caller_done(struct nc_sync_engine *e, struct sync_caller *c)
{
	pthread_mutex_lock(&e->lock);
	c->done = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static void run_free(struct sync_run *r)
{
	json_decref(r->items);
	free(r->v);
	free(r);
}

/* The reply to an asynchronous caller: the run and its queued devices. */
static json_t *queued(const struct sync_run *r)
{
	json_t *items = json_array();

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(items,
				      json_pack("{s:s,s:s,s:s,s:I}", "serial", r->v[i].serial,
						"tenant", r->v[i].tenant, "state", "queued",
						"base_seq", (json_int_t)r->v[i].base));
	return json_pack("{s:I,s:o}", "run", (json_int_t)r->id, "items", items);
}

/* Takes the first run off e->runs. */
static struct sync_run *run_pop(struct nc_sync_engine *e)
{
	struct sync_run *r = e->runs;

	e->runs = r->next;
	r->next = NULL;
	return r;
}

static void run_append(struct nc_sync_engine *e, struct sync_run *r)
{
	struct sync_run **tail = &e->runs;

	while (*tail)
		tail = &(*tail)->next;
	*tail = r;
}

void sync_run_open(struct nc_sync_engine *e, struct sync_caller *c)
{
	struct sync_run *r = nc_xcalloc(1, sizeof(*r));

	r->dry = c->sel->dry_run;
	r->id = r->dry ? 0 : ++e->last_run;
	r->started_ms = nc_time_mono_ms();
	snprintf(r->scope, sizeof(r->scope), "%s", c->sel->tenant ? c->sel->tenant : "");
	c->ret = select_devices(e, c->sel, r);
	if (c->ret < 0) {
		c->ei = r->ei;
		run_free(r);
		caller_done(e, c);
		return;
	}
	if (c->sel->async && !r->dry) {
		c->result = queued(r);
		caller_done(e, c);
	} else {
		r->caller = c;
		r->items = json_array();
	}
	run_event(e, r, "started", NULL);
	run_append(e, r);
}

/* Ends run r, off the list: its done event, its caller's reply. */
static void run_close(struct nc_sync_engine *e, struct sync_run *r)
{
	struct sync_caller *c = r->caller;

	run_event(e, r, "done", NULL);
	if (c) {
		c->ret = r->ret;
		c->ei = r->ei;
		c->result = r->ret < 0 ? NULL : json_pack("{s:O}", "items", r->items);
		caller_done(e, c);
	}
	run_free(r);
}

void sync_run_step(struct nc_sync_engine *e)
{
	struct sync_run *r;

	if (!e->runs)
		return;
	r = run_pop(e);
	/* A caller waiting for the items gets its whole run in one turn, as a
	 * request that answers once everything is sent always did: device
	 * messages wait for it. Only an asynchronous run takes turns with them. */
	do {
		if (r->at < r->n)
			step(e, r);
	} while (r->caller && r->at < r->n);
	if (r->at >= r->n)
		run_close(e, r);
	else
		run_append(e, r); /* runs take turns: a small one never waits for a large one */
}

void sync_run_abort(struct nc_sync_engine *e)
{
	while (e->runs) {
		struct sync_run *r = run_pop(e);

		if (r->ret == 0)
			r->ret = nc_fail(&r->ei, NC_ERR_UNREACHABLE, NULL, "serve is stopping");
		run_close(e, r);
	}
}
