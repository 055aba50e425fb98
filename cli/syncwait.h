/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_SYNCWAIT_H
#define NC_CLI_SYNCWAIT_H

/*
 * `sync now --wait`: which devices a Sync Now sent batches to, and what
 * became of each, from the event stream (confirm, sync_state, batch_sent)
 * and, after a reconnect or a gap, from GET /v1/sync.
 *
 * The tracker (cli_wait_*) does no I/O; cli_syncwait runs it.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_ctx;

enum cli_outcome {
	NC_WAIT_APPLYING, /* sent, no verdict yet */
	NC_WAIT_SYNCED,
	NC_WAIT_FAILED,
	NC_WAIT_SKIPPED,  /* the server sent nothing (not approved, ...) */
	NC_WAIT_TIMEDOUT, /* no verdict before the deadline */
	/* sent to a device never heard from (the reply's "never_seen"): decided
	 * at once, not waited for */
	NC_WAIT_NEVER_SEEN,
};

struct cli_wdev {
	char *serial, *tenant; /* owned */
	int64_t seq;	       /* the batch awaited */
	char hash[72];
	enum cli_outcome outcome;
	char reason[256];
	int64_t ms; /* from the start to the outcome */
};

struct cli_wait {
	struct cli_wdev *v; /* sorted by serial, then tenant */
	size_t n;
	size_t count[NC_WAIT_NEVER_SEEN + 1]; /* devices per outcome */
	int64_t start_ms;		      /* monotonic */
	int64_t run;			      /* the Sync Now run followed, or 0 */
};

/* "applying", "synced", "failed", "skipped", "timed out", "never seen". */
const char *cli_outcome_name(enum cli_outcome o);

/*
 * The devices of a POST /v1/sync reply (borrowed) into *w (zeroed by the
 * caller; free with cli_wait_free). start_ms is the clock's value now. An
 * asynchronous reply's devices are queued ("base_seq", no batch yet): each
 * awaits its first batch after base_seq, and the run's sync_run events say
 * which were skipped or never seen.
 */
void cli_wait_init(struct cli_wait *w, const json_t *reply, int64_t start_ms);
void cli_wait_free(struct cli_wait *w);

/*
 * Applies an event (the JSON of one /v1/events data line, borrowed): a
 * confirmation of the awaited seq decides (verified: synced; a mismatch or
 * an agent failure: failed), as does a sync_state of that seq or later
 * (synced, or failed with its reason); a newer batch_sent moves the awaited
 * seq; the followed run's sync_run items decide the devices it skipped and
 * those never seen. Decided devices stay decided. Returns true when
 * something changed.
 */
bool cli_wait_event(struct cli_wait *w, const json_t *ev, int64_t now_ms);

/* Applies a sync state as GET /v1/sync lists it (borrowed), likewise. */
bool cli_wait_state(struct cli_wait *w, const json_t *st, int64_t now_ms);

/* Ends the wait: every device still applying is timed out with reason. */
void cli_wait_expire(struct cli_wait *w, const char *reason, int64_t now_ms);

/* Whether no device is still applying. */
bool cli_wait_done(const struct cli_wait *w);

/* The outcome as {"items":[{"serial","tenant","outcome","seq","config_hash",
 * "reason","elapsed_ms"}],"next_cursor":null,"summary":{"synced","failed",
 * "timed_out","skipped","never_seen"}}; new. */
json_t *cli_wait_json(const struct cli_wait *w);

/*
 * Sync Now with body (borrowed) and wait: opens the event stream first (so
 * no confirmation can pass unseen), posts, then follows the devices,
 * drawing a progress line on a terminal. The wait ends when every device
 * has an outcome, or once timeout_ms pass in which none reached one (from
 * the request, then from the last outcome): a large Sync Now is followed as
 * long as it progresses. device, when not NULL, narrows the stream to one
 * serial. *reply gets the POST's reply (owned). Returns 0 when the wait ran
 * (whatever the outcomes), or an error reported through cli_error.
 */
int cli_syncwait(struct cli_ctx *ctx, const json_t *body, const char *device, int64_t timeout_ms,
		 struct cli_wait *w, json_t **reply);

#endif
