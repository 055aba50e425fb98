/* SPDX-License-Identifier: MIT */
#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "../model/model.h"

const char *nc_verdict_name(enum nc_verdict v)
{
	static const char *const names[] = { "verified", "hash_mismatch", "agent_failure", "stale",
					     "future" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

enum nc_verdict nc_sync_confirm_apply(struct nc_sync *s, int64_t seq, bool success,
				      const char *hash, int64_t now)
{
	enum nc_verdict v;

	if (seq < s->seq)
		return NC_VERDICT_STALE;
	if (seq > s->seq) {
		s->seq = seq;
		s->updated_at = now;
		return NC_VERDICT_FUTURE;
	}
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
