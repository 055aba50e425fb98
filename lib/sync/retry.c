/* SPDX-License-Identifier: MIT */
/*
 * The one retry policy for devices whose sync failed: every automatic
 * re-send of a failed device (reconcile, auto-sync ticks, stale re-pushes)
 * asks here whether it is due and counts itself here. Kept in memory: a
 * restart of serve starts every device's backoff over (its first reconcile
 * re-sends at once).
 */
#include <stdlib.h>
#include <string.h>

#include "../util/timefmt.h"
#include "internal.h"

/* The value retry.c keeps per failed device. */
struct retry {
	int attempts;	  /* automatic re-sends since the device last failed */
	int64_t due;	  /* monotonic ms of the next one */
	int64_t due_unix; /* the same, Unix seconds, for display */
};

int64_t nc_sync_retry_wait(int attempts, int64_t base_ms, int64_t cap_ms)
{
	int64_t wait = base_ms > 0 ? base_ms : 1;

	if (cap_ms < wait)
		cap_ms = wait;
	for (int i = 1; i < attempts && wait < cap_ms; i++)
		wait *= 2;
	return wait < cap_ms ? wait : cap_ms;
}

int64_t sync_retry_cap_ms(const struct nc_sync_engine *e)
{
	return e->o.reconcile_ms > NC_SYNC_RETRY_CAP_MS ? e->o.reconcile_ms : NC_SYNC_RETRY_CAP_MS;
}

void sync_retry_init(struct nc_sync_engine *e)
{
	e->retry = sync_keyset_new(sizeof(struct retry));
}

void sync_retry_free(struct nc_sync_engine *e)
{
	sync_keyset_free(e->retry);
	e->retry = NULL;
}

bool sync_retry_due(struct nc_sync_engine *e, const char *serial, const char *tenant,
		    int64_t slack_ms)
{
	char key[SYNC_KEY_MAX];
	struct retry *r;
	bool due = true;

	if (!e->retry)
		return true;
	sync_keyset_lock(e->retry);
	r = sync_keyset_get(e->retry, sync_key(key, serial, tenant), false, NULL);
	if (r && nc_time_mono_ms() + slack_ms < r->due)
		due = false;
	sync_keyset_unlock(e->retry);
	return due;
}

void sync_retry_count(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	char key[SYNC_KEY_MAX];
	struct retry *r;
	int64_t wait;

	if (!e->retry)
		return;
	sync_keyset_lock(e->retry);
	r = sync_keyset_get(e->retry, sync_key(key, serial, tenant), true, NULL);
	if (r) {
		if (r->attempts < 1000000)
			r->attempts++;
		wait = nc_sync_retry_wait(r->attempts, e->o.reconcile_ms, sync_retry_cap_ms(e));
		r->due = nc_time_mono_ms() + wait;
		r->due_unix = nc_time_now() + (wait + 999) / 1000;
	}
	sync_keyset_unlock(e->retry);
}

void sync_retry_reset(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	char key[SYNC_KEY_MAX];

	sync_keyset_del(e->retry, sync_key(key, serial, tenant));
}

json_t *nc_sync_retry_json(struct nc_sync_engine *e, const char *serial, const char *tenant,
			   bool failed)
{
	char at[NC_TIME_ISO_BUFSZ], key[SYNC_KEY_MAX];
	struct retry *r;
	json_t *o = NULL;

	if (!e || !e->retry)
		return json_null();
	sync_keyset_lock(e->retry);
	r = sync_keyset_get(e->retry, sync_key(key, serial, tenant), false, NULL);
	if (r) {
		nc_time_iso(r->due_unix, at);
		o = json_pack("{s:i,s:s,s:I}", "attempts", r->attempts, "next_at", at, "cap_s",
			      (json_int_t)(sync_retry_cap_ms(e) / 1000));
	}
	sync_keyset_unlock(e->retry);
	/* Failed and not retried yet: the next reconcile re-sends. */
	if (!o && failed)
		o = json_pack("{s:i,s:n,s:I}", "attempts", 0, "next_at", "cap_s",
			      (json_int_t)(sync_retry_cap_ms(e) / 1000));
	return o ? o : json_null();
}
