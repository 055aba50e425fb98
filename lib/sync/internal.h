/* SPDX-License-Identifier: MIT */
#ifndef NC_SYNC_INTERNAL_H
#define NC_SYNC_INTERNAL_H

/* What the files of lib/sync share. Everything here runs on the engine
 * thread unless it says otherwise. */

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../model/model.h"
#include "engine.h"

struct nc_core;
struct nc_mqtt;

enum timer_kind { TIMER_APPLY, TIMER_STALE };

struct timer {
	int64_t when;			/* monotonic ms */
	enum timer_kind kind;
	int64_t seq;			/* the seq it was set for */
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
};

/* The last tunnel report of one end: (serial, peer, tunnel_index). */
struct tunnel_seen {
	struct tunnel_seen *next;
	char key[2 * NC_SERIAL_MAX + 8];
	bool up;
	int64_t at;			/* monotonic ms */
};

#define TUNNEL_BUCKETS 4096

struct work;

struct nc_sync_engine {
	struct nc_core *core;
	struct nc_mqtt *mqtt;
	struct nc_sync_opts o;
	pthread_t thread;
	pthread_mutex_t lock;		/* guards the queue, timers, stop */
	pthread_cond_t cond;
	struct work *head, *tail;
	size_t queued;
	struct timer *timers;		/* a min-heap on when */
	size_t ntimers, captimers;
	bool stop;
	int64_t next_offline, next_reconcile, next_auto;
	struct tunnel_seen *tunnels[TUNNEL_BUCKETS];	/* engine thread only */
};

/* A batch ready to publish. */
struct outgoing {
	char topic[160];
	char *payload;			/* heap */
	size_t len;
	int64_t seq;
	char hash[NC_HASH_HEX_MAX];
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
};

int64_t sync_now_ms(void);
/* Arms a timer (any thread). */
void sync_timer_add(struct nc_sync_engine *e, enum timer_kind kind, int64_t delay_ms,
		    const char *serial, const char *tenant, int64_t seq);

/*
 * Builds the latest batch of (serial, tenant), stores it with seq + 1 and
 * state applying (inside the caller's transaction), and fills o. why is
 * shown in the batch_sent event. NC_ERR_CONFLICT for a device that gets no
 * configuration (not approved, decommissioned).
 */
int sync_prepare(struct nc_sync_engine *e, const char *serial, const char *tenant,
		 struct outgoing *o, struct nc_errinfo *ei);
/* Re-sends the stored last batch of (serial, tenant), counting an attempt. */
int sync_prepare_resend(struct nc_sync_engine *e, const char *serial, const char *tenant,
			struct outgoing *o, struct nc_errinfo *ei);
/* Publishes o, arms its apply timeout, emits batch_sent; frees o's payload. */
int sync_publish(struct nc_sync_engine *e, struct outgoing *o, const char *why);
/* Prepares in its own transaction and publishes; errors become events. */
int sync_push(struct nc_sync_engine *e, const char *serial, const char *tenant, bool resend,
	      const char *why);

/* The tenants whose batches a device gets: its own, or an MTGE's list. */
int sync_device_tenants(struct nc_sync_engine *e, const char *serial, struct nc_strlist *out);

/* Device messages (receive.c). */
void sync_receive(struct nc_sync_engine *e, const char *topic, const void *payload, size_t len);
void sync_timer_fire(struct nc_sync_engine *e, const struct timer *t);
void sync_offline_scan(struct nc_sync_engine *e);
void sync_reconcile(struct nc_sync_engine *e, bool pending_too);

/* Emits an event of the engine. */
void sync_event(struct nc_sync_engine *e, const char *type, const char *tenant,
		const char *serial, json_t *fields);

#endif
