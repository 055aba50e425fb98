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
	NC_VERDICT_VERIFIED,	  /* seq = sent, success, hash = sent */
	NC_VERDICT_HASH_MISMATCH, /* seq = sent, success, another hash */
	NC_VERDICT_AGENT_FAILURE, /* seq = sent, status failure */
	NC_VERDICT_STALE,	  /* seq < sent: re-push after the stale delay */
	NC_VERDICT_FUTURE,	  /* seq > sent (or nothing sent): rejected, no change */
};
#define NC_VERDICTS (NC_VERDICT_FUTURE + 1)

/*
 * The highest seq the core ever sends or adopts: 2^53 - 1 less a margin of
 * 2^32, so that a device's seq always has room to grow and stays exact in
 * JSON. A stored seq above it is repaired at start (nc_sync_seq_repair).
 */
#define NC_SYNC_SEQ_MAX (9007199254740991LL - (1LL << 32))

/*
 * How far above the core's last sent seq a config request may move it: a
 * core restored from an older backup learns the device's seq (for that
 * device and tenant alone) when it is at most this much ahead and at most
 * NC_SYNC_SEQ_MAX; a request further ahead is rejected as a proto_error.
 */
#define NC_SYNC_SEQ_LEARN_MAX 1000000LL

/*
 * Whether a config request's seq (req) may replace the last sent seq
 * (sent): req > sent, req - sent <= NC_SYNC_SEQ_LEARN_MAX and req <=
 * NC_SYNC_SEQ_MAX.
 */
bool nc_sync_seq_learnable(int64_t sent, int64_t req);

/*
 * Brings a stored sync state with a seq outside [0, NC_SYNC_SEQ_MAX] (left
 * by an older core that adopted a forged confirmation) back to the seq of
 * the last batch it holds (batch_seq, 0 when none or unreadable); a
 * confirmed seq above that is forgotten and a synced state becomes failed
 * ("seq_repaired") so that reconcile re-sends. Returns whether s changed.
 * now is Unix seconds.
 */
bool nc_sync_seq_repair(struct nc_sync *s, int64_t batch_seq, int64_t now);

const char *nc_verdict_name(enum nc_verdict v);

/*
 * Applies a confirmation of (seq, success, hash) to s and returns the
 * verdict. Verified: synced and the dirty reason cleared, unless the device
 * was marked dirty again while the batch was in flight (state pending),
 * which stays pending; confirmed_seq/hash/at recorded. Mismatch or agent
 * failure: failed with that reason (a pending state stays pending: its next
 * push supersedes). Future (seq above the last sent, or no batch sent yet):
 * not a batch this core sent, s unchanged. Stale: s unchanged.
 * now is Unix seconds.
 */
enum nc_verdict nc_sync_confirm_apply(struct nc_sync *s, int64_t seq, bool success,
				      const char *hash, int64_t now);

/*
 * Whether a heartbeat of (seq, hash) proves that the batch in flight of s
 * was applied, its confirmation lost: s applying (or failed by its apply
 * timeout), seq = last sent, hash = the hash sent (not empty). The caller
 * then applies it as a confirmation (nc_sync_confirm_apply).
 */
bool nc_sync_heartbeat_settles(const struct nc_sync *s, int64_t seq, const char *hash);

/*
 * Whether a pending s may go back to synced because next_hash, the hash of
 * the batch it would get now, is that of its last verified batch: its last
 * sent batch verified with that hash and nothing failed since.
 */
bool nc_sync_pending_unchanged(const struct nc_sync *s, const char *next_hash);

/*
 * The clock skew allowed between a device and the core, in seconds: a
 * heartbeat or tunnel status counts only when its ts is within
 * [now - interval - NC_SYNC_CLOCK_SKEW_S, now + NC_SYNC_CLOCK_SKEW_S].
 */
#define NC_SYNC_CLOCK_SKEW_S 30

/*
 * Whether a periodic report stamped ts (Unix seconds) may still change
 * anything at now, for a report sent every interval_ms: not older than one
 * interval plus the skew, not further ahead than the skew. Sets *age to
 * now - ts (negative for a ts in the future).
 */
bool nc_sync_report_fresh(int64_t ts, int64_t now, int64_t interval_ms, int64_t *age);

#endif
