/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_VERDICT_H
#define NC_SYNC_VERDICT_H

/*
 * What a confirmation does to a device's sync state: PROTOCOL.md's table as
 * a pure function, so the table is tested on its own. No I/O.
 */

#include <stdbool.h>
#include <stdint.h>

struct nc_sync;

enum nc_verdict {
	NC_VERDICT_VERIFIED,		/* seq = sent, success, hash = sent */
	NC_VERDICT_HASH_MISMATCH,	/* seq = sent, success, another hash */
	NC_VERDICT_AGENT_FAILURE,	/* seq = sent, status failure */
	NC_VERDICT_STALE,		/* seq < sent: re-push after the stale delay */
	NC_VERDICT_FUTURE,		/* seq > sent: the core lost state; renumber, re-push */
};
#define NC_VERDICTS (NC_VERDICT_FUTURE + 1)

const char *nc_verdict_name(enum nc_verdict v);

/*
 * Applies a confirmation of (seq, success, hash) to s and returns the
 * verdict. Verified: synced and the dirty reason cleared, unless the device
 * was marked dirty again while the batch was in flight (state pending),
 * which stays pending; confirmed_seq/hash/at recorded. Mismatch or agent
 * failure: failed with that reason (a pending state stays pending: its next
 * push supersedes). Future: s->seq moves up to seq. Stale: s unchanged.
 * now is Unix seconds.
 */
enum nc_verdict nc_sync_confirm_apply(struct nc_sync *s, int64_t seq, bool success,
				      const char *hash, int64_t now);

#endif
