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

#define RETRY_BUCKETS 1024

struct retry {
	struct retry *next;
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	int attempts;	  /* automatic re-sends since the device last failed */
	int64_t due;	  /* monotonic ms of the next one */
	int64_t due_unix; /* the same, Unix seconds, for display */
};

struct retry_table {
	pthread_mutex_t lock; /* the API reads while the engine writes */
	struct retry *b[RETRY_BUCKETS];
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
	e->retry = calloc(1, sizeof(*e->retry));
	if (e->retry)
		pthread_mutex_init(&e->retry->lock, NULL);
}

void sync_retry_free(struct nc_sync_engine *e)
{
	if (!e->retry)
		return;
	for (size_t i = 0; i < RETRY_BUCKETS; i++) {
		while (e->retry->b[i]) {
			struct retry *r = e->retry->b[i];

			e->retry->b[i] = r->next;
			free(r);
		}
	}
	pthread_mutex_destroy(&e->retry->lock);
	free(e->retry);
	e->retry = NULL;
}

unsigned sync_key_hash(const char *serial, const char *tenant)
{
	unsigned h = 5381;

	for (const char *c = serial; *c; c++)
		h = h * 33 + (unsigned char)*c;
	h = h * 33 + '|';
	for (const char *c = tenant; *c; c++)
		h = h * 33 + (unsigned char)*c;
	return h;
}

/* The chain pointer where (serial, tenant) is or would go; lock held. */
static struct retry **find(struct retry_table *t, const char *serial, const char *tenant)
{
	struct retry **p = &t->b[sync_key_hash(serial, tenant) % RETRY_BUCKETS];

	while (*p && (strcmp((*p)->serial, serial) != 0 || strcmp((*p)->tenant, tenant) != 0))
		p = &(*p)->next;
	return p;
}

bool sync_retry_due(struct nc_sync_engine *e, const char *serial, const char *tenant,
		    int64_t slack_ms)
{
	struct retry *r;
	bool due = true;

	if (!e->retry)
		return true;
	pthread_mutex_lock(&e->retry->lock);
	r = *find(e->retry, serial, tenant);
	if (r && nc_time_mono_ms() + slack_ms < r->due)
		due = false;
	pthread_mutex_unlock(&e->retry->lock);
	return due;
}

void sync_retry_count(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	struct retry **p, *r;
	int64_t wait;

	if (!e->retry)
		return;
	pthread_mutex_lock(&e->retry->lock);
	p = find(e->retry, serial, tenant);
	r = *p;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (r) {
			snprintf(r->serial, sizeof(r->serial), "%s", serial);
			snprintf(r->tenant, sizeof(r->tenant), "%s", tenant);
			*p = r;
		}
	}
	if (r) {
		if (r->attempts < 1000000)
			r->attempts++;
		wait = nc_sync_retry_wait(r->attempts, e->o.reconcile_ms, sync_retry_cap_ms(e));
		r->due = nc_time_mono_ms() + wait;
		r->due_unix = nc_time_now() + (wait + 999) / 1000;
	}
	pthread_mutex_unlock(&e->retry->lock);
}

void sync_retry_reset(struct nc_sync_engine *e, const char *serial, const char *tenant)
{
	struct retry **p, *r;

	if (!e->retry)
		return;
	pthread_mutex_lock(&e->retry->lock);
	p = find(e->retry, serial, tenant);
	r = *p;
	if (r) {
		*p = r->next;
		free(r);
	}
	pthread_mutex_unlock(&e->retry->lock);
}

json_t *nc_sync_retry_json(struct nc_sync_engine *e, const char *serial, const char *tenant,
			   bool failed)
{
	char at[NC_TIME_ISO_BUFSZ];
	struct retry *r;
	json_t *o = NULL;

	if (!e || !e->retry)
		return json_null();
	pthread_mutex_lock(&e->retry->lock);
	r = *find(e->retry, serial, tenant);
	if (r) {
		nc_time_iso(r->due_unix, at);
		o = json_pack("{s:i,s:s,s:I}", "attempts", r->attempts, "next_at", at, "cap_s",
			      (json_int_t)(sync_retry_cap_ms(e) / 1000));
	}
	pthread_mutex_unlock(&e->retry->lock);
	/* Failed and not retried yet: the next reconcile re-sends. */
	if (!o && failed)
		o = json_pack("{s:i,s:n,s:I}", "attempts", 0, "next_at", "cap_s",
			      (json_int_t)(sync_retry_cap_ms(e) / 1000));
	return o ? o : json_null();
}
