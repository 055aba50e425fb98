/* SPDX-License-Identifier: MIT */
#ifndef NC_AGENT_INTERNAL_H
#define NC_AGENT_INTERNAL_H

/*
 * What the files of lib/agent share. One process runs one loop (loop.c):
 * devices, the MQTT connections they share, a queue of received batches
 * drained by worker threads, and one timer thread for config requests,
 * heartbeats and tunnel status. The real agent is a loop with one device
 * and one connection; the fleet one with N devices over K connections.
 * The protocol itself (agent.c) is the same for both.
 *
 * Locks: a device's lock is held while its batch is applied or its timers
 * run; loop->lock guards the queue, the timer heap and each device's
 * heap_due. Order: device, then loop; paho callbacks take the loop lock
 * only, so they never wait for an apply.
 */

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../model/model.h"
#include "../proto/proto.h" /* enum nc_msg */
#include "../util/fifo.h"
#include "../util/heap.h"
#include "apply.h"

struct nc_errinfo;
struct nc_mqtt;
struct nc_mqtt_opts;

/* The agent string every payload carries. */
#define NC_AGENT_NAME "netctl-agent/0.1.0"

/* Settings every device of the process shares; read-only once the loop runs. */
struct agent_cfg {
	const struct nc_agent_applier *applier;
	const char *state_dir; /* real agent: config.json goes here; NULL: kept in memory */
	const char *lan_if, *wan_if;
	bool wg_userspace;
	FILE *out; /* dry-run output */
	int64_t heartbeat_ms, tunnel_ms;
	int64_t spread_ms;	    /* first requests and heartbeats spread over this */
	const char *hostname;	    /* "" : the serial */
	const char *enrollment_key; /* "" : none */
	bool quiet;		    /* per-device events at debug level (the fleet) */
	int64_t apply_delay_ms;	    /* --apply-delay: each apply takes this much longer */
	int64_t batch_max;	    /* bytes: the largest batch taken, and advertised */
	/* The fleet's fault injection, rates in [0, 1]; 0 for a real agent. */
	double fail_rate, drop_confirm_rate, offline_rate, restart_stale;
	uint64_t seed;
};

struct agent_loop;
struct agent_conn;

/*
 * What a device runs from one source of batches: its own topic
 * (VSR/{serial}/batch, tenant "") or, on an MTGE, one tenant's
 * (VSR/{serial}/batch/{tenant}). PROTOCOL.md numbers an MTGE's batches per
 * device and tenant, so each source has its own seq, hash, configuration,
 * confirmations and config requests. Guarded by the device's lock.
 */
struct agent_slot {
	char tenant[NC_ID_MAX]; /* "" : the device's own topics */
	/* The last batch seq, the hash it confirmed, and per kind (nc_agent_kinds)
	 * the body it last applied. */
	int64_t seq;
	char hash[NC_HASH_HEX_MAX];
	json_t *owned;	 /* object, owned */
	json_t *applied; /* the commands applied last, as received; owned; for config.json
			  * only, so NULL without a state dir (the fleet) */
	/* The state before the last batch, for --restart-stale. */
	int64_t prev_seq;
	char prev_hash[NC_HASH_HEX_MAX];
	json_t *prev_owned;

	bool current;	      /* seq/hash were applied by this process, since it started */
	bool waiting;	      /* asks for config until a batch of this source arrives */
	unsigned requests;    /* config requests since it started waiting */
	int64_t next_request; /* monotonic ms */
};

/* Most tenants one device keeps slots for; batches for more are ignored. */
#define NC_AGENT_TENANTS_MAX 4096

/* One device. Everything below lock is guarded by it unless said otherwise. */
struct agent_dev {
	pthread_mutex_t lock;
	struct agent_loop *loop;    /* set once */
	struct agent_conn *conn;    /* set once: the connection it publishes on */
	size_t index;		    /* set once */
	char serial[NC_SERIAL_MAX]; /* set once */
	char pub[NC_KEY_B64_MAX];   /* set once */
	char *priv;		    /* set once; a secret, or NULL (fleet) */
	bool offline;		    /* set once: never connects (--offline-rate) */
	double phase;		    /* set once: its place in [0, 1) of every spread */

	/* Batches on VSR/{serial}/batch; heartbeats carry its seq and hash, except on an
	 * MTGE once its own tenant's batch is known (heartbeat_slot() in agent.c). */
	struct agent_slot self;
	/* An MTGE's tenants, one slot each (owned), in the order they became known:
	 * from the state dir at start, then as their first batch arrives. */
	struct agent_slot **tenants;
	size_t ntenants;
	struct agent_slot *last; /* the slot of the last batch applied, or NULL */

	unsigned conn_gen; /* the connection generation it last saw come up */
	/* Monotonic ms; 0: none. */
	int64_t next_heartbeat, next_tunnel, restart_at;
	int64_t started;
	uint64_t rng;

	int64_t heap_due; /* under loop->lock: due time of its live heap entry */
	/* Under loop->lock: a worker is applying its batches; what arrives meanwhile
	 * is held here, in arrival order, for that worker (loop.c). */
	bool busy;
	struct agent_msg *held;
};

/* One MQTT connection and the devices that use it. */
struct agent_conn {
	struct agent_loop *loop;
	struct nc_mqtt *mqtt;
	char client_id[96];
	/* One device's own connection, with its own TLS files (a fleet with
	 * --credentials-dir); the files are owned, NULL: the loop's. */
	bool own;
	char *cafile, *certfile, *keyfile;
	struct agent_dev **devs; /* borrowed from the loop */
	size_t n;
	atomic_bool up;
	atomic_uint gen; /* +1 on every connect */
	atomic_bool ever_up;
};

/* A received batch waiting for a worker. */
struct agent_msg {
	struct nc_fifo_link link; /* in the loop's queue */
	struct agent_msg *next;	  /* in its device's held list */
	struct agent_dev *dev;
	size_t len;
	char *topic;
	char payload[];
};

struct agent_heap_ent {
	int64_t due;
	struct agent_dev *dev;
};

/* Counters for the summary, updated with atomics. */
struct agent_stats {
	atomic_ulong batches, ignored, confirms, dropped, failed_cmds, restarts, requests, repeats;
};

struct agent_loop {
	struct agent_cfg cfg;
	struct agent_dev *devs; /* sorted by serial */
	size_t n;
	struct agent_conn *conns;
	size_t nconns;
	unsigned nworkers;
	struct agent_stats stats;

	pthread_mutex_t lock;
	pthread_cond_t work_cv, timer_cv;
	struct nc_fifo queue; /* of struct agent_msg, for the workers */
	struct nc_heap heap;  /* of struct agent_heap_ent, keyed on due */
	bool stopping;
	atomic_uint conns_up_once; /* connections that came up at least once */
	size_t nlive;		   /* connections started by nc_agent_loop_start */
	pthread_t timer;
	pthread_t *workers;
	bool started;
};

/*
 * loop.c
 */

/*
 * Sets up l's lock, queue and heap. The caller has filled cfg, devs (each
 * with its lock initialised by nc_agent_dev_init), conns (client_id, devs,
 * n) and nworkers.
 */
void nc_agent_loop_init(struct agent_loop *l);
/*
 * Connects every connection, except a device's own when it is offline (clean session;
 * mo supplies the URL, TLS and credentials, a connection's own TLS files
 * replace mo's, the rest is the loop's), subscribes each device's batch
 * filter on its connection, and starts the threads. Devices' own (TLS)
 * connections open a few at a time; a stop signal pending meanwhile ends the
 * opening early (the caller's sigwait then returns at once). 0, or an error
 * from nc_mqtt_new with ei.
 */
int nc_agent_loop_start(struct agent_loop *l, const struct nc_mqtt_opts *mo, struct nc_errinfo *ei);
/* Stops the threads, disconnects, drops queued batches. Safe on a loop that never started. */
void nc_agent_loop_stop(struct agent_loop *l);
/* Releases what nc_agent_loop_init and the devices hold (not l itself). */
void nc_agent_loop_free(struct agent_loop *l);
/* Makes the timer thread run d's timers no later than due (monotonic ms). Device lock held
 * or not; never the loop lock. */
void nc_agent_loop_wake(struct agent_loop *l, struct agent_dev *d, int64_t due);

/*
 * agent.c, batch.c: the protocol of one device
 */

/* Initialises d (zeroed by the caller) for serial. */
void nc_agent_dev_init(struct agent_dev *d, struct agent_loop *l, size_t index, const char *serial);
void nc_agent_dev_free(struct agent_dev *d);
/*
 * A batch arrived for d (topic and payload as received). Decodes, ignores
 * what is malformed or older than what its source (d->self, or the slot of
 * the topic's tenant) runs, applies each command, records and persists what
 * was applied, confirms on the source's confirm topic. superseded[n]: the
 * seqs of older batches of the same source skipped for this one, listed in
 * the confirmation ("superseded"; n <= NC_PROTO_SUPERSEDED_MAX). Worker
 * thread, d locked.
 */
void nc_agent_dev_batch(struct agent_dev *d, const char *topic, const void *payload, size_t len,
			const int64_t *superseded, size_t n);
/*
 * Runs d's timers due at now (monotonic ms): registration and the first
 * config request after a connect, config requests with backoff while
 * waiting, heartbeats, tunnel status, a simulated restart. Returns when
 * it wants to run next (0: nothing until the next connect). Timer thread,
 * d locked.
 */
int64_t nc_agent_dev_tick(struct agent_dev *d, int64_t now);

/* Publishes payload (len bytes, freed here) as kind of d, on tenant's topic unless "";
 * 0 or a negative NC_ERR_* (logged here). d locked. */
int nc_agent_dev_publish(struct agent_dev *d, enum nc_msg kind, const char *tenant, char *payload,
			 size_t len);
/* Per-device events: info for a real agent, debug in a fleet of thousands. */
#define dev_log(d, ...) nc_log((d)->loop->cfg.quiet ? NC_LOG_DEBUG : NC_LOG_INFO, __VA_ARGS__)
/* " tenant T" for a tenant's slot, "" for the device's own: follows the serial in logs. */
#define SLOT_FMT     "%s%s"
#define SLOT_ARGS(s) (s)->tenant[0] ? " tenant " : "", (s)->tenant

/* A number in [0, 1) from d's generator. */
double nc_agent_rand01(uint64_t *state);
/* A well-mixed 64-bit hash of seed and the strings (NULL-terminated list). */
uint64_t nc_agent_hash(uint64_t seed, const char *const *strs);

/*
 * tenant.c: an MTGE's per-tenant slots
 */

/* Initialises s (zeroed by the caller) for tenant ("" : the device's own topics). */
void nc_agent_slot_init(struct agent_slot *s, const char *tenant);
/* Releases what s holds (not s itself). */
void nc_agent_slot_clear(struct agent_slot *s);
/* d's slot for tenant, or NULL. */
struct agent_slot *nc_agent_dev_tenant(struct agent_dev *d, const char *tenant);
/* d's slot for tenant, added (new, seq 0) when absent; NULL when d has
 * NC_AGENT_TENANTS_MAX slots already. */
struct agent_slot *nc_agent_dev_tenant_add(struct agent_dev *d, const char *tenant);
/*
 * Starts the config requests of a (re)connect or a restart at now: each
 * tenant slot asks for its configuration; d->self does when it runs
 * something or when d knows of no tenant (its request is then how any
 * device, an MTGE too, first gets a batch).
 */
void nc_agent_dev_start_requests(struct agent_dev *d, int64_t now);
/* The network namespace of tenant's configuration, "netctl-TENANT", into buf; "" for "". */
void nc_agent_tenant_netns(const char *tenant, char *buf, size_t n);
/* DIR/tenants/TENANT, or DIR itself for ""; heap. */
char *nc_agent_tenant_dir(const char *dir, const char *tenant);

/*
 * state.c: files of the state dir
 */

/* Creates dir (0700) when absent; it must be a writable directory. */
int nc_agent_state_dir(const char *dir, struct nc_errinfo *ei);
/*
 * Loads DIR/private.key, or on first start generates a key pair and writes
 * it (private.key mode 0600, public.key 0644). priv is a secret. *created
 * tells which happened. A private.key readable by others is made 0600 with
 * a warning.
 */
int nc_agent_keys_load(const char *dir, char priv[NC_KEY_B64_MAX], char pub[NC_KEY_B64_MAX],
		       bool *created, struct nc_errinfo *ei);
/*
 * Reads DIR/config.json into s (seq, hash, owned, applied) for device
 * serial; DIR is nc_agent_tenant_dir() of s->tenant. No file: s is left as
 * new (seq 0), returns 0. A file that does not parse, is another serial's
 * or tenant's, or holds a body that no longer validates, is renamed
 * config.json.bad with a warning and s starts as new.
 */
int nc_agent_state_load(const char *dir, const struct nc_agent_env *env, const char *serial,
			struct agent_slot *s);
/* Writes s's state to DIR/config.json atomically (temp, fsync, rename, fsync dir). */
int nc_agent_state_save(const char *dir, const char *serial, const struct agent_slot *s,
			struct nc_errinfo *ei);
/*
 * Adds to d a slot for every tenant with a state in DIR/tenants/TENANT/
 * config.json, in tenant order, each loaded as nc_agent_state_load() does
 * (an unusable one is moved aside; the tenant stays known, at seq 0).
 * Returns how many; entries that are not tenant ids are skipped.
 */
size_t nc_agent_state_tenants(const char *dir, const struct nc_agent_env *env, struct agent_dev *d);

/*
 * run.c, fleet.c: starting and stopping a role
 */

struct nc_agent_broker;

/* Blocks SIGTERM and SIGINT (into sigs, for sigwait) and ignores SIGPIPE; before threads. */
void nc_agent_block_signals(sigset_t *sigs);
/* nc_agent_loop_start(l) on broker b, its TLS files checked (nc_mqtt_identity_check) for a
 * TLS URL and its auth file, if any, read (the password wiped once the clients hold it). */
int nc_agent_loop_connect(struct agent_loop *l, const struct nc_agent_broker *b,
			  struct nc_errinfo *ei);

/*
 * exec.c: running one command line
 */

struct agent_exec {
	int status;		    /* exit status; -1 when it did not run or was killed */
	char err[NC_AGENT_ERR_MAX]; /* its stderr, trimmed, lines joined by "; " (or why it
				     * did not run) */
	char *out; /* its stdout when asked for (heap, NUL-terminated), else NULL */
};

/*
 * Runs argv (argv[0] looked up in PATH) without a shell, input on its stdin
 * (NULL: /dev/null), signals at their defaults, killed after timeout_ms.
 * 0 when it ran and exited 0; NC_ERR_IO otherwise (r says why). Caller frees
 * r->out.
 */
int nc_agent_exec(char *const argv[], const char *input, bool want_out, int timeout_ms,
		  struct agent_exec *r);

#endif
