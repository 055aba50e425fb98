/* SPDX-License-Identifier: MIT */
/* What the engine does once when serve starts, before its thread runs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../core/core.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/xmalloc.h"
#include "build.h"
#include "internal.h"
#include "verdict.h"

/* The seq inside a stored batch text; 0 when there is none or it is unreadable. */
static int64_t batch_seq(const char *text)
{
	json_t *b = text ? json_loads(text, 0, NULL) : NULL;
	json_t *seq = json_object_get(b, "seq");
	int64_t v = json_is_integer(seq) ? json_integer_value(seq) : 0;

	json_decref(b);
	return v;
}

/*
 * At start: a stored seq out of range (an older core adopted a forged
 * confirmation) goes back to the seq of the last batch stored with it, so
 * that Sync Now and re-pushes work again; each repair is logged.
 */
static void repair_one(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	int64_t was = s->seq;

	(void)arg;
	if (!nc_sync_seq_repair(s, batch_seq(s->last_batch), time(NULL)))
		return;
	if (nc_store_sync_put(e->core->store, s) < 0) {
		nc_err("sync: %s tenant %s: cannot repair seq %lld", s->serial, s->tenant,
		       (long long)was);
		return;
	}
	nc_warn("sync: %s tenant %s: stored seq %lld was out of range, repaired to %lld "
		"(state %s)",
		s->serial, s->tenant, (long long)was, (long long)s->seq,
		nc_sync_state_name(s->state));
	sync_event(e, NC_EV_seq_repaired, s->tenant, s->serial,
		   json_pack("{s:I,s:I}", "was", (json_int_t)was, "seq", (json_int_t)s->seq));
}

static void repair_seqs(struct nc_sync_engine *e)
{
	struct nc_sync_filter f = {.state = -1};

	sync_each(e, &f, repair_one, NULL);
}

static void rearm_one(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	(void)arg;
	sync_timer_add(e, TIMER_APPLY, e->o.apply_timeout_ms, s->serial, s->tenant, s->seq);
}

/* Re-arms apply timeouts of batches in flight when serve (re)starts. */
static void rearm(struct nc_sync_engine *e)
{
	struct nc_sync_filter f = {.state = NC_SYNC_APPLYING};

	sync_each(e, &f, rearm_one, NULL);
}

/* A store from before allocation at write time gets its missing addresses once. */
static void fill_addrs(struct nc_sync_engine *e)
{
	size_t filled = 0;

	if (nc_sync_addr_fill(e->core->store, &filled) == 0 && filled > 0)
		nc_info("sync: allocated %zu missing tunnel address(es)", filled);
}

struct marks {
	struct nc_sync_key {
		char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	} * v;
	size_t n, cap;
};

/* Synced or in flight: a batch that may be confirmed and then re-sent unrendered. */
static void mark_later(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	struct marks *m = arg;

	(void)e;
	if (s->state != NC_SYNC_SYNCED && s->state != NC_SYNC_APPLYING)
		return;
	m->v = nc_xgrow(m->v, &m->cap, (m->n + 1) * sizeof(*m->v), 256 * sizeof(*m->v));
	snprintf(m->v[m->n].serial, NC_SERIAL_MAX, "%s", s->serial);
	snprintf(m->v[m->n++].tenant, NC_ID_MAX, "%s", s->tenant);
}

/*
 * Batches stored by another revision of the renderer (build.h), or by a
 * netctl that kept no record of it, are not what it renders now: their
 * devices are marked dirty, in one transaction, and each settle check
 * (settle.c) renders them anew: synced again when nothing changes, pending
 * when the new netctl would send something else.
 */
static void rerender(struct nc_sync_engine *e)
{
	struct nc_store *st = e->core->store;
	struct nc_sync_filter f = {.state = -1, .configured = true};
	struct marks m = {0};
	int64_t rev = 0;
	int ret = nc_store_meta_get(st, "render_revision", &rev);

	if ((ret == 0 && rev == NC_SYNC_RENDER_REVISION) || (ret < 0 && ret != NC_ERR_NOTFOUND))
		return;
	ret = nc_store_begin(st);
	if (ret == 0)
		ret = sync_each(e, &f, mark_later, &m);
	for (size_t i = 0; ret == 0 && i < m.n; i++)
		ret = nc_core_mark_dirty(e->core, m.v[i].serial, m.v[i].tenant,
					 "rendered by another netctl");
	if (ret == 0)
		ret = nc_store_meta_put(st, "render_revision", NC_SYNC_RENDER_REVISION);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
	for (size_t i = 0; ret == 0 && i < m.n; i++)
		sync_on_dirty(e, m.v[i].serial, m.v[i].tenant);
	if (ret < 0)
		nc_err("sync: cannot mark the batches of an older renderer: %s", nc_strerror(ret));
	else if (m.n > 0)
		nc_info("sync: %zu device(s) run batches of another renderer: each is checked "
			"and pending if this netctl would send it something else",
			m.n);
	free(m.v);
}

void sync_startup(struct nc_sync_engine *e)
{
	fill_addrs(e);
	repair_seqs(e);
	rearm(e);
	rerender(e);
}
