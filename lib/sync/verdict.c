/* SPDX-License-Identifier: MIT */
#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "../model/model.h"

const char *nc_verdict_name(enum nc_verdict v)
{
	static const char *const names[] = {"verified", "hash_mismatch", "agent_failure", "stale",
					    "future"};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

enum nc_verdict nc_sync_confirm_apply(struct nc_sync *s, int64_t seq, bool success,
				      const char *hash, int64_t now)
{
	enum nc_verdict v;

	/* Only the core's own numbers are believed: a seq it never sent changes nothing. */
	if (seq > s->seq || s->seq < 1)
		return NC_VERDICT_FUTURE;
	if (seq < s->seq)
		return NC_VERDICT_STALE;
	if (success && strcmp(hash, s->sent_hash) == 0) {
		v = NC_VERDICT_VERIFIED;
		if (s->state != NC_SYNC_PENDING) {
			s->state = NC_SYNC_SYNCED;
			s->dirty_reason[0] = '\0';
		}
		s->fail_reason[0] = '\0';
		s->confirmed_seq = seq;
		snprintf(s->confirmed_hash, sizeof(s->confirmed_hash), "%s", hash);
		s->confirmed_at = now;
	} else {
		v = success ? NC_VERDICT_HASH_MISMATCH : NC_VERDICT_AGENT_FAILURE;
		if (s->state != NC_SYNC_PENDING)
			s->state = NC_SYNC_FAILED;
		snprintf(s->fail_reason, sizeof(s->fail_reason), "%s", nc_verdict_name(v));
	}
	s->updated_at = now;
	return v;
}

bool nc_sync_seq_learnable(int64_t sent, int64_t req)
{
	return req > sent && req <= NC_SYNC_SEQ_MAX && req - sent <= NC_SYNC_SEQ_LEARN_MAX;
}

bool nc_sync_seq_repair(struct nc_sync *s, int64_t batch_seq, int64_t now)
{
	int64_t good = batch_seq >= 1 && batch_seq <= NC_SYNC_SEQ_MAX ? batch_seq : 0;
	bool changed = false;

	if (s->seq < 0 || s->seq > NC_SYNC_SEQ_MAX) {
		s->seq = good;
		changed = true;
	}
	if (s->confirmed_seq < 0 || s->confirmed_seq > s->seq) {
		s->confirmed_seq = 0;
		s->confirmed_hash[0] = '\0';
		s->confirmed_at = 0;
		changed = true;
	}
	if (changed && s->state == NC_SYNC_SYNCED) {
		s->state = NC_SYNC_FAILED;
		snprintf(s->fail_reason, sizeof(s->fail_reason), "seq_repaired");
	}
	if (changed)
		s->updated_at = now;
	return changed;
}

bool nc_sync_report_fresh(int64_t ts, int64_t now, int64_t interval_ms, int64_t *age)
{
	int64_t interval_s = (interval_ms + 999) / 1000;

	*age = now - ts;
	return *age <= interval_s + NC_SYNC_CLOCK_SKEW_S && *age >= -NC_SYNC_CLOCK_SKEW_S;
}

bool nc_sync_heartbeat_settles(const struct nc_sync *s, int64_t seq, const char *hash)
{
	bool in_flight = s->state == NC_SYNC_APPLYING ||
			 (s->state == NC_SYNC_FAILED && strcmp(s->fail_reason, "timeout") == 0);

	/* Only the batch in flight, exactly as sent: an older seq proves nothing. */
	return in_flight && s->seq >= 1 && seq == s->seq && hash[0] &&
	       strcmp(hash, s->sent_hash) == 0;
}

bool nc_sync_pending_unchanged(const struct nc_sync *s, const char *next_hash)
{
	return s->state == NC_SYNC_PENDING && s->seq >= 1 && s->confirmed_seq == s->seq &&
	       !s->fail_reason[0] && s->confirmed_hash[0] &&
	       strcmp(s->confirmed_hash, s->sent_hash) == 0 &&
	       strcmp(next_hash, s->confirmed_hash) == 0;
}
