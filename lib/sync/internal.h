/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_INTERNAL_H
#define NC_SYNC_INTERNAL_H

/* What the files of lib/sync share. Everything here runs on the engine
 * thread unless it says otherwise. */

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../events/events.h"
#include "../model/model.h"
#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/fifo.h"
#include "../util/heap.h"
#include "engine.h"
#include "verdict.h"

struct nc_store;
struct nc_workers;

struct nc_core;
struct nc_mqtt;
struct nc_sync_filter;

enum timer_kind { TIMER_APPLY, TIMER_STALE, TIMER_SETTLE };

/* How sync_push gets the batch it publishes. */
enum push_mode {
	PUSH_BUILD,  /* build the latest configuration, seq + 1 */
	PUSH_RESEND, /* the stored batch again, as a new attempt series */
	PUSH_RETRY,  /* the stored batch again, one more attempt */
};

struct timer {
	int64_t when; /* monotonic ms */
	enum timer_kind kind;
	int64_t seq; /* the seq it was set for */
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
};

/* The longest key of a struct sync_keyset, its NUL included. */
#define SYNC_KEY_MAX (2 * NC_SERIAL_MAX + 8)

/*
 * What the engine remembers between messages, by key: the devices with a
 * stale re-push already scheduled ("s|serial|tenant").
 */
struct seen {
	char key[SYNC_KEY_MAX];
};

struct work;
struct sync_keyset;
struct sync_run;

/* A Sync Now caller waiting on the engine (engine.c, run.c): done is set,
 * under the engine's lock, once result (or ret and ei) is its to take. */
struct sync_caller {
	const struct nc_sync_selection *sel;
	json_t *result;
	int ret;
	struct nc_errinfo ei;
	bool done;
};

/*
 * The group in progress (group.c), engine thread only: device messages
 * applied in one store transaction. What they publish and the events they
 * emit wait in `later', in order, until the transaction is committed, so
 * nothing is published or announced that a power cut could take back.
 */
struct sync_later;
struct sync_group {
	bool open; /* inside the group's transaction */
	bool txn;  /* the transaction began (else each message commits alone) */
	struct sync_later *later;
	size_t n, cap;
};

struct nc_sync_engine {
	struct nc_core *core;
	struct nc_mqtt *mqtt;
	struct nc_sync_opts o;
	pthread_t thread;
	pthread_mutex_t lock; /* guards the queues, timers, stop, drop_* */
	pthread_cond_t cond;
	struct nc_fifo ops;	/* of struct work: operator work (Sync Now, republish), first */
	struct nc_fifo msgs;	/* of struct work: device messages, applied in groups */
	size_t queue_max;	/* device messages waiting at most; more are dropped */
	size_t queue_peak;	/* the deepest e->msgs has been since the last trim */
	int64_t drop_logged_at; /* monotonic ms of the last line about drops */
	int64_t drops_unlogged; /* drops since that line */
	struct sync_group group;
	int64_t received;      /* wall seconds the message being applied was received */
	struct nc_heap timers; /* of struct timer, keyed on when */
	bool stop;
	int64_t next_offline, next_reconcile, next_auto;
	struct sync_keyset *seen;    /* of struct seen, engine.c */
	struct sync_keyset *waiting; /* of struct waiting (engine.c), under lock */
	/* Written by the engine thread, read by any (nc_sync_counters). */
	struct {
		atomic_llong rejected_seq, stale_reports, held_keys;
		atomic_llong confirms[NC_VERDICTS]; /* by enum nc_verdict */
		atomic_llong proto_errors, ignored, apply_timeouts, republished;
		atomic_llong dropped, groups, grouped, group_failures, coalesced, superseded;
		atomic_llong reused;
	} counters;
	int64_t stale_event_at;	   /* monotonic ms of the last stale_report event */
	int64_t stale_unreported;  /* stale reports since then, not evented */
	struct sync_keyset *retry; /* retry.c */
	struct sync_keyset *armed; /* settle.c */
	struct sync_run *runs;	   /* run.c: Sync Now runs, the first one's turn next */
	int64_t last_run;	   /* the id of the newest run */
	bool runs_turn;		   /* a run's chunk goes before the next group */
	struct nc_workers *render; /* render threads beside the engine's (prepare.c) */
	struct nc_store **readers; /* one store connection per render thread; [0] unused */
};

/* A batch ready to publish. */
struct outgoing {
	char topic[160];
	char *payload; /* heap */
	size_t len;
	int64_t seq;
	int attempts; /* pushes of this seq, this one included */
	char hash[NC_HASH_HEX_MAX];
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	int64_t run; /* the Sync Now run that sends it (its batch_sent says so), or 0 */
};

/*
 * Sync Now runs (run.c). open: selects c->sel's devices and queues a run
 * that sends them; an asynchronous caller is done at once with the queued
 * devices, a synchronous one when the run ends, and one whose selection
 * fails at once with the error. step: the next run's turn, one chunk of an
 * asynchronous run or the whole of a synchronous one; a run ends when all
 * its devices are done. abort: ends every run (serve is stopping); their
 * callers get NC_ERR_UNREACHABLE.
 */
void sync_run_open(struct nc_sync_engine *e, struct sync_caller *c);
void sync_run_step(struct nc_sync_engine *e);
void sync_run_abort(struct nc_sync_engine *e);

/* Arms a timer (any thread). */
void sync_timer_add(struct nc_sync_engine *e, enum timer_kind kind, int64_t delay_ms,
		    const char *serial, const char *tenant, int64_t seq);

/*
 * The next batch of a device (prepare.c): prepared on any render thread,
 * then kept on the engine thread. A struct prepared starts zeroed and is
 * released with sync_prep_clear; ret and ei say why it could not be
 * prepared, and keep then passes that on.
 */
struct prepared {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	struct nc_sync s;  /* its sync state (a fresh one if it has none) */
	bool reused;	   /* s's confirmed batch again, not rendered */
	struct nc_batch b; /* the batch, seq s.seq + 1 */
	char *text;	   /* its encoding, len bytes */
	size_t len;
	json_t *notes; /* what the render left out; may be NULL */
	int ret;
	struct nc_errinfo ei;
};
struct sync_prep_dev {
	const char *serial, *tenant;
};
/* Prepares v[i] for devs[i], i < n, on e->render's threads. send: to be
 * kept and sent, and a device whose confirmed batch is still what it
 * should run gets its commands again, unrendered; else only looked at (a
 * dry run). The caller holds the store (its transaction), so that every
 * thread reads the same committed state. */
void sync_prep_many(struct nc_sync_engine *e, struct prepared *v, size_t n,
		    const struct sync_prep_dev *devs, bool send);
/* Stores p's batch inside the caller's transaction and fills o; 0, or p's
 * error (its own, or the store's) copied to ei (may be NULL). */
int sync_prep_keep(struct nc_sync_engine *e, struct prepared *p, struct outgoing *o,
		   struct nc_errinfo *ei);
void sync_prep_clear(struct prepared *p);
/* The render threads (threads, 0: one per core) and their store
 * connections, at the engine's start; stop joins and closes them. */
void sync_render_start(struct nc_sync_engine *e, int threads);
void sync_render_stop(struct nc_sync_engine *e);
/* o for s's stored batch: topic, payload (a copy), seq, hash, attempts. */
int sync_outgoing_fill(struct nc_sync_engine *e, const struct nc_sync *s, struct outgoing *o);

/*
 * Builds the latest batch of (serial, tenant), stores it with seq + 1 and
 * state applying (inside the caller's transaction), and fills o. why is
 * shown in the batch_sent event. NC_ERR_CONFLICT for a device that gets no
 * configuration (not approved, decommissioned).
 */
int sync_prepare(struct nc_sync_engine *e, const char *serial, const char *tenant,
		 struct outgoing *o, struct nc_errinfo *ei);
/* What sync_prepare would do, changing nothing: 0 with the batch's hash in
 * hash (NC_HASH_HEX_MAX bytes), or its error (a dry run of Sync Now). */
int sync_check(struct nc_sync_engine *e, const char *serial, const char *tenant, char *hash,
	       struct nc_errinfo *ei);
/* The stored last batch of (serial, tenant) again: a retry counts one more
 * attempt, else the attempts start over. NC_ERR_CONFLICT for a device that
 * gets no configuration any more. */
int sync_prepare_resend(struct nc_sync_engine *e, const char *serial, const char *tenant,
			bool retry, struct outgoing *o, struct nc_errinfo *ei);
/*
 * Batch size (push.c). take: serial advertised bytes as its batch_max (0:
 * none), kept for its next batches; a failure is logged. fits: 0 when a
 * batch of len bytes is within what serial accepts (its batch_max up to
 * e->o.batch_max, or NC_PROTO_BATCH_MAX when it advertised none), else
 * NC_ERR_TOOBIG with ei (may be NULL) giving the size, the limit and why.
 */
void sync_batch_max_take(struct nc_sync_engine *e, const char *serial, int64_t bytes);
int sync_batch_fits(struct nc_sync_engine *e, const char *serial, size_t len,
		    struct nc_errinfo *ei);
/* Stores s (read by the caller) as failed with reason and emits its sync_state event;
 * 0 or the store's error (nothing emitted then). */
int sync_fail(struct nc_sync_engine *e, struct nc_sync *s, const char *reason);
/* Publishes o, arms its apply timeout (apply_timeout, doubled for each
 * earlier attempt), emits batch_sent; frees o's payload. Inside a group
 * all of that happens when the group is committed, and it returns 0. */
int sync_publish(struct nc_sync_engine *e, struct outgoing *o, const char *why);
/*
 * Publishes again, as stored, every batch in flight (state applying) of a
 * device in service: same seq and hash, no new attempt, no new timer (the
 * apply timeout armed when it was sent still runs). Run on every broker
 * (re)connect, so a batch published while the broker was unreachable, or
 * lost with a broker restart, goes out now rather than at its apply
 * timeout. Each one is a batch_sent event with reason "reconnect".
 */
void sync_republish(struct nc_sync_engine *e);
/*
 * Calls fn(e, s, arg) for every sync state f selects, a page at a time, in
 * the store's order; s is borrowed for the call (each.c). Returns 0, or the
 * store's error for a page it could not read (the walk stops there).
 */
int sync_each(struct nc_sync_engine *e, const struct nc_sync_filter *f,
	      void (*fn)(struct nc_sync_engine *e, struct nc_sync *s, void *arg), void *arg);
/* Prepares in its own transaction and publishes; errors become events. */
int sync_push(struct nc_sync_engine *e, const char *serial, const char *tenant, enum push_mode mode,
	      const char *why);
/* Whether serial gets configuration: an edge, or a connector from approved
 * to offline. */
bool sync_in_service(struct nc_sync_engine *e, const char *serial);

/* The tenants whose batches a device gets: its own, or an MTGE's list. */
int sync_device_tenants(struct nc_sync_engine *e, const char *serial, struct nc_strlist *out);

/* The entry for key, created when create is set (NULL if absent or out of
 * memory); sync_forget removes it. */
struct seen *sync_seen(struct nc_sync_engine *e, const char *key, bool create);
void sync_forget(struct nc_sync_engine *e, const char *key);

/*
 * The retry policy of failed devices (retry.c), any thread. due: whether an
 * automatic re-send of (serial, tenant) may go now, within slack_ms of its
 * due time (a device never retried is due). count: an automatic re-send
 * went; the next waits nc_sync_retry_wait(attempts). reset: the device
 * synced, or an operator sent it (Sync Now): its next trouble starts over.
 */
void sync_retry_init(struct nc_sync_engine *e);
void sync_retry_free(struct nc_sync_engine *e);
bool sync_retry_due(struct nc_sync_engine *e, const char *serial, const char *tenant,
		    int64_t slack_ms);
void sync_retry_count(struct nc_sync_engine *e, const char *serial, const char *tenant);
void sync_retry_reset(struct nc_sync_engine *e, const char *serial, const char *tenant);
/* The longest wait between two retries: an hour, or one reconcile period if longer. */
int64_t sync_retry_cap_ms(const struct nc_sync_engine *e);

/*
 * States that heal (settle.c). sync_settle: a pending (serial, tenant)
 * whose last sent batch was confirmed and whose next batch would have the
 * same hash is synced again (dirty reason cleared, sync_state event with
 * reason "unchanged"): pending means a sync would change something.
 */
void sync_settle(struct nc_sync_engine *e, const char *serial, const char *tenant);
/*
 * A heartbeat of (seq, hash) while s (read in the caller's transaction, or
 * none) has that batch in flight (applying, or failed by its timeout):
 * settled as its confirmation would be (nc_sync_confirm_apply), stored,
 * retry forgotten, sync_state event with reason "heartbeat". Returns
 * whether it did; provisioning is the caller's.
 */
bool sync_heal(struct nc_sync_engine *e, struct nc_sync *s, int64_t seq, const char *hash);
/* For nc_core.on_dirty: arms a sync_settle of the device, once for a burst
 * of marks (any thread). */
void sync_on_dirty(void *engine, const char *serial, const char *tenant);
/* The set of devices with a check armed, its own lock. */
void sync_settle_init(struct nc_sync_engine *e);
void sync_settle_free(struct nc_sync_engine *e);

/*
 * A set of string keys (shorter than SYNC_KEY_MAX), each with val_size
 * zeroed bytes of value, behind its own lock (keyset.c), any thread. new:
 * NULL without memory; free accepts NULL. get, with the lock held, returns
 * key's value (valid until it is deleted), NULL when absent, or with add a
 * new zeroed one (NULL without memory; *added, if not NULL, says whether it
 * was added). del takes the lock itself (k NULL: nothing) and returns
 * whether key was there. sync_key writes the key of (serial, tenant) into
 * buf and returns buf.
 */
struct sync_keyset *sync_keyset_new(size_t val_size);
void sync_keyset_free(struct sync_keyset *k);
void sync_keyset_lock(struct sync_keyset *k);
void sync_keyset_unlock(struct sync_keyset *k);
void *sync_keyset_get(struct sync_keyset *k, const char *key, bool add, bool *added);
bool sync_keyset_del(struct sync_keyset *k, const char *key);
const char *sync_key(char buf[SYNC_KEY_MAX], const char *serial, const char *tenant);

/*
 * Group commit (group.c), engine thread. open begins the store transaction
 * the next messages run in; close commits it and then publishes and emits
 * what they deferred, or, when the commit fails, drops it (devices repeat
 * what was lost: config requests, heartbeats, and confirmations through
 * the apply timeout). n: the messages the group held.
 * defer_event/defer_publish: whether the call was taken into the open
 * group (false off the engine thread or outside a group); they take
 * fields / o's payload.
 */
void sync_group_open(struct nc_sync_engine *e);
void sync_group_close(struct nc_sync_engine *e, size_t n);
/* Drops what a group left (engine stopped) and its memory. */
void sync_group_free(struct nc_sync_engine *e);
bool sync_group_defer_event(struct nc_sync_engine *e, enum nc_event_type type, const char *tenant,
			    const char *serial, json_t *fields);
bool sync_group_defer_publish(struct nc_sync_engine *e, struct outgoing *o, const char *why);

/* Device messages (receive.c). */
void sync_receive(struct nc_sync_engine *e, const char *topic, const void *payload, size_t len);
void sync_timer_fire(struct nc_sync_engine *e, const struct timer *t);
void sync_offline_scan(struct nc_sync_engine *e);
void sync_reconcile(struct nc_sync_engine *e, bool pending_too);

/* A decoded tunnel status of serial, recent enough to count (tunnel.c);
 * tenant is the device's own. */
struct nc_tunnel_status;
void sync_tunnel_status(struct nc_sync_engine *e, const char *serial, const char *tenant,
			const struct nc_tunnel_status *ts);

/* At start, before the thread runs: repairs stored seqs out of range (each
 * logged) and re-arms the apply timeouts of batches in flight. */
void sync_startup(struct nc_sync_engine *e);

/* Counts an event of the engine by type (counters.c); fields borrowed. */
void sync_count(struct nc_sync_engine *e, enum nc_event_type type, const json_t *fields);
/* Emits an event of the engine. */
void sync_event(struct nc_sync_engine *e, enum nc_event_type type, const char *tenant,
		const char *serial, json_t *fields);

#endif
