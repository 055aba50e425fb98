/* SPDX-License-Identifier: MIT */
/* What the engine does once when serve starts, before its thread runs. */
#include <stdio.h>
#include <time.h>

#include "../core/core.h"
#include "../store/store.h"
#include "../util/log.h"
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
static void repair_seqs(struct nc_sync_engine *e)
{
	struct nc_sync_filter f = { .state = -1 };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_sync *v = NULL;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_sync_list(e->core->store, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++) {
			int64_t was = v[i].seq;

			if (!nc_sync_seq_repair(&v[i], batch_seq(v[i].last_batch), time(NULL)))
				continue;
			if (nc_store_sync_put(e->core->store, &v[i]) < 0) {
				nc_err("sync: %s tenant %s: cannot repair seq %lld", v[i].serial,
				       v[i].tenant, (long long)was);
				continue;
			}
			nc_warn("sync: %s tenant %s: stored seq %lld was out of range, repaired "
				"to %lld (state %s)",
				v[i].serial, v[i].tenant, (long long)was, (long long)v[i].seq,
				nc_sync_state_name(v[i].state));
			sync_event(e, "seq_repaired", v[i].tenant, v[i].serial,
				   json_pack("{s:I,s:I}", "was", (json_int_t)was, "seq",
					     (json_int_t)v[i].seq));
		}
		nc_sync_array_free(v, n);
		v = NULL;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
}

/* Re-arms apply timeouts of batches in flight when serve (re)starts. */
static void rearm(struct nc_sync_engine *e)
{
	struct nc_sync_filter f = { .state = NC_SYNC_APPLYING };
	struct nc_page pg = { .limit = NC_PAGE_MAX };
	struct nc_sync *v = NULL;
	size_t n = 0;
	int ret;

	do {
		ret = nc_store_sync_list(e->core->store, &f, &pg, &v, &n);
		for (size_t i = 0; ret == 0 && i < n; i++)
			sync_timer_add(e, TIMER_APPLY, e->o.apply_timeout_ms, v[i].serial,
				       v[i].tenant, v[i].seq);
		nc_sync_array_free(v, n);
		v = NULL;
		snprintf(pg.cursor, sizeof(pg.cursor), "%s", pg.next_cursor);
	} while (ret == 0 && pg.cursor[0]);
}

void sync_startup(struct nc_sync_engine *e)
{
	repair_seqs(e);
	rearm(e);
}
