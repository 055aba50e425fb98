/* SPDX-License-Identifier: MIT */
/* What the engine does once when serve starts, before its thread runs. */
#include <stdio.h>
#include <time.h>

#include "../core/core.h"
#include "../store/store.h"
#include "../util/log.h"
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

void sync_startup(struct nc_sync_engine *e)
{
	fill_addrs(e);
	repair_seqs(e);
	rearm(e);
}
