/* SPDX-License-Identifier: MIT */
/*
 * States that heal themselves: a device whose heartbeat shows it runs the
 * batch in flight is synced without waiting for a lost confirmation, and a
 * device marked dirty by a change that leaves its batch as confirmed is not
 * pending. Engine thread, except sync_on_dirty.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/core.h"
#include "../proto/proto.h"
#include "../store/store.h"
#include "../util/err.h"
#include "../util/log.h"
#include "build.h"
#include "internal.h"
#include "verdict.h"

/*
 * Marks come in bursts (a bulk change marks a hub once per connector): the
 * check of a device runs SETTLE_DELAY_MS after the first mark that found
 * none armed, once for the whole burst. The set of armed devices is shared
 * with the API threads that mark.
 */
#define SETTLE_DELAY_MS 300

void sync_settle_init(struct nc_sync_engine *e)
{
	e->armed = sync_keyset_new(0);
}

void sync_settle_free(struct nc_sync_engine *e)
{
	sync_keyset_free(e->armed);
	e->armed = NULL;
}

void sync_on_dirty(void *engine, const char *serial, const char *tenant)
{
	struct nc_sync_engine *e = engine;
	char key[SYNC_KEY_MAX];
	bool added = false;

	if (!e->armed)
		return;
	sync_keyset_lock(e->armed);
	sync_keyset_get(e->armed, sync_key(key, serial, tenant), true, &added);
	sync_keyset_unlock(e->armed);
	if (added)
		sync_timer_add(e, TIMER_SETTLE, SETTLE_DELAY_MS, serial, tenant, 0);
}

/* Forgets that a check of (serial, tenant) is armed: a mark from now on arms another. */
static void disarm(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	char key[SYNC_KEY_MAX];

	sync_keyset_del(e->armed, sync_key(key, serial, tenant));
}

/* The hash of the batch (serial, tenant) would get now into hex; "" when it
 * cannot be built. */
static int next_hash(struct nc_sync_engine *e, const char *serial, const char *tenant,
		     char hex[NC_HASH_HEX_MAX])
{
	struct nc_errinfo ei = {0};
	json_t *commands = NULL, *notes = NULL;
	int ret = nc_sync_build(e->core->store, serial, tenant, &commands, &notes, &ei);

	hex[0] = '\0';
	if (ret == 0)
		ret = nc_proto_commands_hash(commands, hex, &ei);
	json_decref(commands);
	json_decref(notes);
	return ret;
}

void sync_settle(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	char hex[NC_HASH_HEX_MAX], reason[NC_REASON_MAX];
	struct nc_sync s = {0};
	int ret;

	disarm(e, serial, tenant);
	ret = nc_store_begin(e->core->store);

	if (ret < 0)
		return;
	ret = nc_store_sync_get(e->core->store, serial, tenant, &s);
	/* Cheap first: with the confirmed hash as the next one, would it settle? */
	if (ret < 0 || !nc_sync_pending_unchanged(&s, s.confirmed_hash) ||
	    !sync_in_service(e, serial))
		ret = NC_ERR_CONFLICT;
	if (ret == 0)
		ret = next_hash(e, serial, tenant, hex);
	if (ret == 0 && !nc_sync_pending_unchanged(&s, hex))
		ret = NC_ERR_CONFLICT;
	if (ret == 0) {
		snprintf(reason, sizeof(reason), "%s", s.dirty_reason);
		s.state = NC_SYNC_SYNCED;
		s.dirty_reason[0] = '\0';
		s.updated_at = time(NULL);
		ret = nc_store_sync_put(e->core->store, &s);
	}
	if (ret == 0)
		ret = nc_store_commit(e->core->store);
	else
		nc_store_rollback(e->core->store);
	if (ret == 0)
		sync_event(e, NC_EV_sync_state, tenant, serial,
			   json_pack("{s:s,s:I,s:s,s:s}", "state", "synced", "seq",
				     (json_int_t)s.seq, "reason", "unchanged", "dirty_reason",
				     reason));
	nc_sync_clear(&s);
}

bool sync_heal(struct nc_sync_engine *e, struct nc_sync *s, int64_t seq, const char *hash)
{
	if (!nc_sync_heartbeat_settles(s, seq, hash))
		return false;
	if (nc_sync_confirm_apply(s, seq, true, hash, time(NULL)) != NC_VERDICT_VERIFIED ||
	    nc_store_sync_put(e->core->store, s) < 0)
		return false;
	sync_retry_reset(e, s->serial, s->tenant);
	nc_info("sync: %s tenant %s: batch %lld confirmed by its heartbeat", s->serial, s->tenant,
		(long long)seq);
	sync_event(e, NC_EV_sync_state, s->tenant, s->serial,
		   json_pack("{s:s,s:I,s:s}", "state", nc_sync_state_name(s->state), "seq",
			     (json_int_t)s->seq, "reason", "heartbeat"));
	return true;
}
