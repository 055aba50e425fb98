/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_ENGINE_H
#define NC_SYNC_ENGINE_H

/*
 * The sync engine: one thread that owns every sync state change driven by
 * devices and time. MQTT messages and Sync Now requests are queued to it;
 * timers (stale re-push, apply timeout, offline detection, reconcile,
 * auto-sync) fire on it. The API only marks devices dirty (in its own
 * transactions) and asks the engine to push.
 *
 * State of one device (per tenant for an MTGE), PROTOCOL.md:
 *   push       build -> JCS -> SHA-256 -> seq+1 -> store (applying) -> publish
 *   confirm    seq = sent, success, hash = sent  -> synced (dirty cleared
 *              unless re-dirtied in flight), approved -> provisioned
 *              seq = sent, otherwise             -> failed (hash_mismatch |
 *              agent_failure)
 *              seq < sent                        -> re-push after stale delay
 *              seq > sent, or none sent          -> rejected (proto_error),
 *              nothing changes
 *   no confirm within apply_timeout (doubling)   -> re-send, at most
 *              max_attempts times, then failed (timeout)
 *   reconcile  every reconcile: a device failed, or whose last confirmation
 *              does not match its last sent batch, with nothing in flight,
 *              gets it again, each re-send waiting twice the one before (from
 *              one period up to an hour). Pending changes wait for Sync Now
 *              unless auto_sync.
 *   config request with seq > sent: learnt within NC_SYNC_SEQ_LEARN_MAX
 *   heartbeat, tunnel status: only within their interval + clock skew
 *   new public key of a device that has one: held for an admin (devkey.h)
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "verdict.h"

struct nc_core;
struct nc_mqtt;
struct nc_errinfo;
struct nc_sync_engine;

struct nc_sync_opts {
	int64_t stale_delay_ms;	    /* 0: 15 s */
	int64_t apply_timeout_ms;   /* 0: 60 s */
	int max_attempts;	    /* 0: 5 */
	int64_t reconcile_ms;	    /* 0: 5 min */
	int64_t heartbeat_ms;	    /* 0: 30 s; offline after 3 missed */
	int64_t tunnel_interval_ms; /* 0: 60 s; a tunnel report is recent for 3 */
	int64_t auto_sync_ms;	    /* 0: off */
	int64_t queue_max; /* device messages waiting at most; 0: 5 a device served, >= 200,000 */
	/* Bytes: the largest batch sent to a device that advertises a larger batch_max
	 * (netctl-protocol(7)); one that advertises none gets NC_PROTO_BATCH_MAX at most.
	 * 0: NC_SYNC_BATCH_MAX_DEFAULT; at most NC_PROTO_BATCH_CAP. */
	int64_t batch_max;
	/* Threads that render batches, the engine's own included: a Sync Now
	 * renders that many devices at once. 1 to NC_SYNC_RENDER_THREADS_MAX;
	 * 0: one per online core, at most NC_SYNC_RENDER_THREADS_DEFAULT_MAX. */
	int render_threads;
};

#define NC_SYNC_BATCH_MAX_DEFAULT	   (16 * 1024 * 1024)
#define NC_SYNC_RENDER_THREADS_MAX	   64
#define NC_SYNC_RENDER_THREADS_DEFAULT_MAX 16

/* Starts the engine thread. mqtt may be NULL (no broker: pushes fail). */
int nc_sync_engine_new(struct nc_core *core, struct nc_mqtt *mqtt, const struct nc_sync_opts *o,
		       struct nc_sync_engine **out, struct nc_errinfo *ei);
/* Sets (or, with NULL, clears) the broker batches are published to. */
void nc_sync_engine_set_mqtt(struct nc_sync_engine *e, struct nc_mqtt *mqtt);
/* Stops the thread; pending work is dropped and later messages too, so the
 * broker can be freed after this while its callbacks still point here. */
void nc_sync_engine_stop(struct nc_sync_engine *e);
/* Stops (if not yet) and frees; NULL is a no-op. */
void nc_sync_engine_free(struct nc_sync_engine *e);

/* For nc_mqtt_opts.on_message: queues a device message. Never blocks. */
void nc_sync_on_message(void *engine, const char *topic, const void *payload, size_t len);
/* For nc_mqtt_opts.on_connection. */
void nc_sync_on_connection(void *engine, bool up);

/* What Sync Now acts on: a list of serials, every device, or a state. */
struct nc_sync_selection {
	const char *tenant;	    /* scope; NULL = every tenant */
	const char *const *serials; /* NULL-terminated, or NULL */
	bool all;
	int state;    /* -1, or enum nc_sync_state */
	bool async;   /* answer once the devices are selected */
	bool dry_run; /* check each device's batch, send and change nothing */
};

/*
 * Sync Now: a run that builds and publishes the latest batch of every
 * selected device, a chunk at a time between groups of device messages,
 * reported by sync_run events. Synchronous: returns, once the run has
 * ended, a new {"items":[{"serial","tenant","seq","config_hash","state",
 * "error"?,"never_seen"?}...]}. Asynchronous (sel->async): returns at once
 * {"run":id,"items":[{"serial","tenant","state":"queued","base_seq"}...]},
 * base_seq being the device's seq before the run. A dry run (sel->dry_run,
 * never asynchronous) builds each batch, stores, sends and emits nothing,
 * and returns {"items":[{"serial","tenant","state":"would_send",
 * "config_hash"} | {"serial","tenant","state":"skipped","error"}...]}.
 * NC_ERR_NOTFOUND for a named serial outside the scope (nothing is sent then).
 */
int nc_sync_now(struct nc_sync_engine *e, const struct nc_sync_selection *sel, json_t **result,
		struct nc_errinfo *ei);

/*
 * What the engine saw of devices since serve started, for /stats and
 * /metrics: what it refused, and every confirmation by verdict and every
 * kind of fault.
 */
struct nc_sync_counters {
	int64_t rejected_seq;	       /* confirmations of a seq never sent; config
					* requests further ahead than a restore explains */
	int64_t stale_reports;	       /* heartbeats and tunnel statuses outside their time */
	int64_t held_keys;	       /* public key changes held for an admin */
	int64_t confirms[NC_VERDICTS]; /* confirmations by enum nc_verdict */
	int64_t proto_errors;	       /* device messages rejected (proto_error events) */
	int64_t ignored;	       /* device messages ignored (ignored events) */
	int64_t apply_timeouts;	       /* batches re-sent after their apply timeout */
	int64_t republished;	       /* batches in flight published again after a
					* broker connect */
	int64_t dropped;	       /* device messages dropped: the queue was full */
	int64_t queued, queue_max;     /* device messages waiting now; the most that may */
	int64_t groups, grouped;       /* store transactions of device messages; the
					* messages they held */
	int64_t group_failures;	       /* groups whose commit failed */
	int64_t coalesced;	       /* config requests answered by the batch already
					* in flight */
	int64_t superseded;	       /* heartbeats, tunnel statuses, config requests
					* and registrations replaced in the queue by a
					* newer one of the same device and topic */
	int64_t reused;		       /* new batches with the commands of the confirmed
					* one, unchanged since: not rendered (push.c) */
};

/* Fills out; all zero for a NULL engine. Any thread. */
void nc_sync_counters(struct nc_sync_engine *e, struct nc_sync_counters *out);

/*
 * The retry policy of failed devices: the n-th automatic re-send of a
 * failed device waits base * 2^(n-1) after the one before (base: the
 * reconcile period), at most cap (NC_SYNC_RETRY_CAP_MS, or base if longer).
 * Pure: returns that wait in ms for attempts >= 1.
 */
#define NC_SYNC_RETRY_CAP_MS (3600 * 1000LL)
int64_t nc_sync_retry_wait(int attempts, int64_t base_ms, int64_t cap_ms);

/*
 * A device's retry state as `sync show` displays it, a new
 * {"attempts","next_at" (ISO time or null: the next reconcile),"cap_s"}, or
 * a new null when it is not being retried (and not failed). Any thread.
 */
json_t *nc_sync_retry_json(struct nc_sync_engine *e, const char *serial, const char *tenant,
			   bool failed);

/* The MQTT connection as /healthz shows it; {"connected":false} without one. */
json_t *nc_sync_broker_status(struct nc_sync_engine *e);

#endif
