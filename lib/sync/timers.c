/* SPDX-License-Identifier: MIT */
/*
 * What time does: apply timeouts, stale re-pushes, offline detection and
 * reconcile. Engine thread only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../core/inventory.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "internal.h"

void sync_timer_fire(struct nc_sync_engine *e, const struct timer *t)
{
	char key[sizeof(((struct seen *)0)->key)];
	struct nc_sync s = {0};

	if (t->kind == TIMER_STALE) {
		snprintf(key, sizeof(key), "s|%s|%s", t->serial, t->tenant);
		sync_forget(e, key);
	}
	if (t->kind == TIMER_SETTLE) {
		sync_settle(e, t->serial, t->tenant);
		return;
	}
	if (nc_store_sync_get(e->core->store, t->serial, t->tenant, &s) < 0)
		return;
	if (t->kind == TIMER_STALE) {
		bool failed = s.state == NC_SYNC_FAILED;

		/* Unless a current confirmation arrived meanwhile; a failed device
		 * only in its turn (else reconcile re-sends it when due). */
		if ((s.confirmed_seq != s.seq || failed) &&
		    (!failed || sync_retry_due(e, t->serial, t->tenant, 0))) {
			if (failed)
				sync_retry_count(e, t->serial, t->tenant);
			sync_push(e, t->serial, t->tenant, PUSH_RESEND, "stale configuration");
		}
	} else if (s.state == NC_SYNC_APPLYING && s.seq == t->seq) {
		if (s.attempts > e->o.max_attempts) {
			sync_fail(e, &s, "timeout");
		} else {
			/* Re-sent with the same seq; sync_publish doubles the next wait. */
			sync_push(e, t->serial, t->tenant, PUSH_RETRY, "apply timeout");
		}
	}
	nc_sync_clear(&s);
}

struct offline_scan {
	struct nc_sync_engine *e;
	int64_t limit; /* Unix seconds: not heard from since is offline */
};

/* nc_store_connector_each: moves an active connector not heard from to offline. */
static int offline_one(struct nc_connector *con, void *arg)
{
	const struct offline_scan *o = arg;
	struct nc_errinfo ei = {0};

	if (con->last_seen < o->limit &&
	    nc_core_connector_transition(o->e->core, NULL, NULL, con->serial, NC_STATUS_OFFLINE,
					 NULL, &ei) < 0)
		nc_warn("sync: %s: %s", con->serial, ei.msg);
	return 0;
}

void sync_offline_scan(struct nc_sync_engine *e)
{
	struct nc_connector_filter f = {.status = NC_STATUS_ACTIVE};
	struct offline_scan o = {e, time(NULL) - 3 * e->o.heartbeat_ms / 1000};

	nc_store_connector_each(e->core->store, &f, offline_one, &o);
}

/*
 * Whether reconcile should re-send the stored batch of s: nothing in flight
 * or waiting for Sync Now, and either failed or its last confirmation not
 * the last batch sent (a wrong-hash or lost confirmation, a re-send of the
 * same configuration that was never confirmed).
 */
static bool needs_resend(const struct nc_sync *s)
{
	if (!s->last_batch || s->state == NC_SYNC_APPLYING || s->state == NC_SYNC_PENDING)
		return false;
	return s->state == NC_SYNC_FAILED || s->confirmed_seq != s->seq ||
	       strcmp(s->confirmed_hash, s->sent_hash) != 0;
}

/* The last push of s failed and nothing newer went: automatic re-sends back off. */
static bool failing(const struct nc_sync *s)
{
	return s->state == NC_SYNC_FAILED || (s->state == NC_SYNC_PENDING && s->fail_reason[0]);
}

/*
 * One device at a reconcile (pending_too: an auto-sync tick). Every
 * automatic re-send of a failing device waits for its turn (retry.c); a
 * device synced with its last batch has its backoff forgotten.
 */
static void reconcile_one(struct nc_sync_engine *e, struct nc_sync *s, void *arg)
{
	const bool *pending_too = arg;
	int64_t period = *pending_too ? e->o.auto_sync_ms : e->o.reconcile_ms;
	bool retry = failing(s);
	/* Every re-send of the stored batch waits its turn; a new batch only
	 * when the last one failed. */
	bool gated = !*pending_too || retry;

	if (*pending_too && s->state != NC_SYNC_PENDING)
		return;
	if (!*pending_too && !needs_resend(s)) {
		if (s->state == NC_SYNC_SYNCED)
			sync_retry_reset(e, s->serial, s->tenant);
		return;
	}
	if (gated && !sync_retry_due(e, s->serial, s->tenant, period / 2))
		return;
	if (*pending_too) {
		if (sync_push(e, s->serial, s->tenant, PUSH_BUILD, "auto-sync") < 0 || retry)
			sync_retry_count(e, s->serial, s->tenant);
	} else {
		sync_push(e, s->serial, s->tenant, PUSH_RESEND, "reconcile");
		sync_retry_count(e, s->serial, s->tenant);
	}
}

void sync_reconcile(struct nc_sync_engine *e, bool pending_too)
{
	struct nc_sync_filter f = {.state = -1, .configured = true};

	sync_each(e, &f, reconcile_one, &pending_too);
}
