/* SPDX-License-Identifier: MIT */
#ifndef NC_BENCH_FLOOR_H
#define NC_BENCH_FLOOR_H

/*
 * The MQTT floor's two sides (mqtt_floor.c says what it measures and why it
 * is fair): its connections, its shared state and the paho callbacks that
 * move it (floor_mqtt.c). Callbacks run on paho's threads; everything below
 * `lock' in struct floor is guarded by it.
 */

#include <MQTTAsync.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOPIC_MAX     64
#define SUB_CHUNK     100 /* topics per SUBSCRIBE */
#define CONNECT_S     10  /* deadline for connecting and subscribing */
#define MAX_DEVICES   1000000
#define DEFAULT_CONNS 8
#define DEFAULT_W     1000
#define DEFAULT_BATCH 2048
#define DEFAULT_CONF  256

struct floor;

/* One MQTT connection: the core's or a shard of devices. */
struct conn {
	struct floor *f;
	MQTTAsync h;
	char id[48];
	bool core;
	char (*filters)[TOPIC_MAX]; /* a shard's subscriptions */
	size_t nfilters;
	/* Device shards: the window of confirmations and those waiting for it. */
	pthread_mutex_t lock;
	unsigned inflight;
	uint32_t *waiting; /* device indices, FIFO ring */
	size_t wcap, whead, wlen;
};

struct floor {
	const char *url;
	size_t n;
	unsigned nconns, window;
	size_t batch_len, confirm_len;
	char *batch, *confirm; /* payloads, filled with 'x' */
	struct conn core;
	struct conn *devs;

	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t cv;
	unsigned up, want_up; /* connections up, and to wait for */
	size_t subs_pending;  /* SUBSCRIBEs not yet acknowledged */
	size_t core_inflight;
	size_t confirmed;     /* distinct confirmations this round */
	unsigned char *seen;  /* per device, this round */
	struct timespec done; /* when the N-th confirmation came */
	char failure[256];    /* first failure; empty while all is well */
};

/* Records the first failure (printf-style) and wakes every waiter. */
__attribute__((format(printf, 2, 3))) void floor_fail(struct floor *f, const char *fmt, ...);
/* Starts the connections c[0..n) and waits until every one is up and subscribed (within
 * CONNECT_S); false with f->failure set otherwise. */
bool floor_connect_all(struct floor *f, struct conn *c, unsigned n);
/* One round: N batches out through the window, N confirmations back within timeout_s; 0 with
 * its wall time in *secs, or -1 with f->failure set. */
int floor_round(struct floor *f, double timeout_s, double *secs);
/* Disconnects and destroys c's client (none: nothing). */
void floor_conn_stop(struct conn *c);

#endif
