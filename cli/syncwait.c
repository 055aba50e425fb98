/* SPDX-License-Identifier: MIT */
/* `sync now --wait`: the tracker of outcomes; no I/O (syncrun.c feeds it). */
#include "syncwait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/xmalloc.h"

const char *cli_outcome_name(enum cli_outcome o)
{
	static const char *const names[] = {"applying", "synced",    "failed",
					    "skipped",	"timed out", "never seen"};

	return (unsigned)o <= NC_WAIT_NEVER_SEEN ? names[o] : "?";
}

static int by_key(const void *a, const void *b)
{
	const struct cli_wdev *x = a, *y = b;
	int c = strcmp(x->serial, y->serial);

	return c ? c : strcmp(x->tenant, y->tenant);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

#define NEVER_SEEN                                                                                 \
	"never connected: no registration, heartbeat or confirmation yet; it gets the batch "      \
	"when it asks for its configuration"

void cli_wait_init(struct cli_wait *w, const json_t *reply, int64_t start_ms)
{
	const json_t *items = json_object_get(reply, "items"), *it;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->start_ms = start_ms;
	w->run = json_integer_value(json_object_get(reply, "run"));
	w->v = nc_xcalloc(json_array_size(items) + 1, sizeof(*w->v));
	json_array_foreach(items, i, it) {
		struct cli_wdev *d = &w->v[w->n++];

		d->serial = nc_xstrdup(str(it, "serial"));
		d->tenant = nc_xstrdup(str(it, "tenant"));
		d->seq = json_integer_value(json_object_get(it, "seq"));
		if (strcmp(str(it, "state"), "queued") == 0)
			d->seq = json_integer_value(json_object_get(it, "base_seq")) + 1;
		snprintf(d->hash, sizeof(d->hash), "%s", str(it, "config_hash"));
		if (strcmp(str(it, "state"), "skipped") == 0) {
			d->outcome = NC_WAIT_SKIPPED;
			snprintf(d->reason, sizeof(d->reason), "%s", str(it, "error"));
		} else if (json_is_true(json_object_get(it, "never_seen"))) {
			d->outcome = NC_WAIT_NEVER_SEEN;
			snprintf(d->reason, sizeof(d->reason), "%s", NEVER_SEEN);
		}
		w->count[d->outcome]++;
	}
	qsort(w->v, w->n, sizeof(*w->v), by_key);
}

void cli_wait_free(struct cli_wait *w)
{
	for (size_t i = 0; w && i < w->n; i++) {
		free(w->v[i].serial);
		free(w->v[i].tenant);
	}
	if (w) {
		free(w->v);
		memset(w, 0, sizeof(*w));
	}
}

static struct cli_wdev *find(struct cli_wait *w, const char *serial, const char *tenant)
{
	struct cli_wdev key = {.serial = (char *)serial, .tenant = (char *)tenant};

	return bsearch(&key, w->v, w->n, sizeof(*w->v), by_key);
}

static void decide(struct cli_wait *w, struct cli_wdev *d, enum cli_outcome o, const char *reason,
		   int64_t now_ms)
{
	w->count[d->outcome]--;
	d->outcome = o;
	w->count[o]++;
	d->ms = now_ms - w->start_ms;
	snprintf(d->reason, sizeof(d->reason), "%s", reason ? reason : "");
}

/* The reason a confirmation failed, for people. */
static void confirm_reason(const json_t *ev, const char *verdict, char *buf, size_t n)
{
	const json_t *f = json_array_get(json_object_get(ev, "failures"), 0);

	if (strcmp(verdict, "hash_mismatch") == 0)
		snprintf(buf, n, "hash_mismatch: the device applied %.8s, expected %.8s",
			 str(ev, "config_hash"), str(ev, "expected_hash"));
	else if (f)
		snprintf(buf, n, "%s: %lld applied, %lld failed (%s: %s)", verdict,
			 (long long)json_integer_value(json_object_get(ev, "applied")),
			 (long long)json_integer_value(json_object_get(ev, "failed")),
			 str(f, "topic"), str(f, "error"));
	else
		snprintf(buf, n, "%s", verdict);
}

/* A state (synced, failed, applying) of seq for device d. */
static bool apply_state(struct cli_wait *w, struct cli_wdev *d, const char *state, int64_t seq,
			const char *reason, int64_t now_ms)
{
	if (seq > d->seq && strcmp(state, "applying") == 0) {
		d->seq = seq;
		return true;
	}
	if (seq < d->seq)
		return false;
	if (strcmp(state, "synced") == 0) {
		decide(w, d, NC_WAIT_SYNCED, NULL, now_ms);
		return true;
	}
	if (strcmp(state, "failed") == 0) {
		decide(w, d, NC_WAIT_FAILED, reason && *reason ? reason : "failed", now_ms);
		return true;
	}
	return false;
}

/* The followed run's devices it skipped or sent to a device never seen. */
static bool run_items(struct cli_wait *w, const json_t *ev, int64_t now_ms)
{
	const json_t *it;
	bool changed = false;
	size_t i;

	if (!w->run || json_integer_value(json_object_get(ev, "run")) != w->run)
		return false;
	json_array_foreach(json_object_get(ev, "items"), i, it) {
		struct cli_wdev *d = find(w, str(it, "serial"), str(it, "tenant"));

		if (!d || d->outcome != NC_WAIT_APPLYING)
			continue;
		if (strcmp(str(it, "state"), "skipped") == 0)
			decide(w, d, NC_WAIT_SKIPPED, str(it, "error"), now_ms);
		else if (json_is_true(json_object_get(it, "never_seen")))
			decide(w, d, NC_WAIT_NEVER_SEEN, NEVER_SEEN, now_ms);
		else
			continue;
		changed = true;
	}
	return changed;
}

bool cli_wait_event(struct cli_wait *w, const json_t *ev, int64_t now_ms)
{
	const char *type = str(ev, "type");
	struct cli_wdev *d = find(w, str(ev, "device"), str(ev, "tenant"));
	int64_t seq = json_integer_value(json_object_get(ev, "seq"));

	if (strcmp(type, "sync_run") == 0)
		return run_items(w, ev, now_ms);
	if (!d || d->outcome != NC_WAIT_APPLYING)
		return false;
	if (strcmp(type, "batch_sent") == 0) {
		/* The awaited seq itself: a queued device's batch, with its hash. */
		if (seq < d->seq || (seq == d->seq && d->hash[0]))
			return false;
		d->seq = seq;
		snprintf(d->hash, sizeof(d->hash), "%s", str(ev, "config_hash"));
		return true;
	}
	if (strcmp(type, "confirm") == 0) {
		const char *verdict = str(ev, "verdict");
		char why[256];

		if (seq != d->seq)
			return false;
		if (strcmp(verdict, "verified") == 0) {
			decide(w, d, NC_WAIT_SYNCED, NULL, now_ms);
			return true;
		}
		if (strcmp(verdict, "hash_mismatch") != 0 && strcmp(verdict, "agent_failure") != 0)
			return false;
		confirm_reason(ev, verdict, why, sizeof(why));
		decide(w, d, NC_WAIT_FAILED, why, now_ms);
		return true;
	}
	if (strcmp(type, "sync_state") == 0)
		return apply_state(w, d, str(ev, "state"), seq, str(ev, "reason"), now_ms);
	return false;
}

bool cli_wait_state(struct cli_wait *w, const json_t *st, int64_t now_ms)
{
	struct cli_wdev *d = find(w, str(st, "serial"), str(st, "tenant"));

	if (!d || d->outcome != NC_WAIT_APPLYING)
		return false;
	return apply_state(w, d, str(st, "state"), json_integer_value(json_object_get(st, "seq")),
			   str(st, "fail_reason"), now_ms);
}

void cli_wait_expire(struct cli_wait *w, const char *reason, int64_t now_ms)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->v[i].outcome == NC_WAIT_APPLYING)
			decide(w, &w->v[i], NC_WAIT_TIMEDOUT, reason, now_ms);
	}
}

bool cli_wait_done(const struct cli_wait *w)
{
	return w->count[NC_WAIT_APPLYING] == 0;
}

json_t *cli_wait_json(const struct cli_wait *w)
{
	json_t *items = json_array();

	for (size_t i = 0; i < w->n; i++) {
		const struct cli_wdev *d = &w->v[i];

		/* Skipped and never seen devices were never waited for: no time. */
		json_array_append_new(
			items,
			json_pack("{s:s,s:s,s:s,s:I,s:s?,s:s?,s:o}", "serial", d->serial, "tenant",
				  d->tenant, "outcome", cli_outcome_name(d->outcome), "seq",
				  (json_int_t)d->seq, "config_hash", d->hash[0] ? d->hash : NULL,
				  "reason", d->reason[0] ? d->reason : NULL, "elapsed_ms",
				  d->outcome == NC_WAIT_SKIPPED || d->outcome == NC_WAIT_NEVER_SEEN
					  ? json_null()
					  : json_integer(d->ms)));
	}
	return json_pack("{s:o,s:n,s:{s:I,s:I,s:I,s:I,s:I}}", "items", items, "next_cursor",
			 "summary", "synced", (json_int_t)w->count[NC_WAIT_SYNCED], "failed",
			 (json_int_t)w->count[NC_WAIT_FAILED], "timed_out",
			 (json_int_t)w->count[NC_WAIT_TIMEDOUT], "skipped",
			 (json_int_t)w->count[NC_WAIT_SKIPPED], "never_seen",
			 (json_int_t)w->count[NC_WAIT_NEVER_SEEN]);
}
