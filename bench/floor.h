/* SPDX-License-Identifier: MIT */
#ifndef NC_BENCH_FLOOR_H
#define NC_BENCH_FLOOR_H

/*
 * The MQTT floor (floor_main.c says what it measures and why it is fair),
 * written once over a small client interface and built twice: with paho
 * MQTTAsync (mqtt_floor.c) and with libmosquitto (mosq_floor.c). The round,
 * the window, the devices' answers and the options are the same code for
 * both (floor_main.c, floor_round.c); only struct floor_client differs.
 * Callbacks run on the library's threads; everything below `lock' in struct
 * floor is guarded by it.
 */

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
	void *h; /* the library's client: MQTTAsync or struct mosquitto * */
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

/*
 * The MQTT library under the floor. Every function runs the library's
 * calls for one connection and reports back through floor_connected(),
 * floor_subscribed(), floor_acked(), floor_message() and floor_fail().
 */
struct floor_client {
	const char *prog; /* the program's name, in messages */
	const char *lib;  /* the library's name, in messages with its codes */
	/* Creates c's client and starts connecting it to c->f->url: MQTT 3.1.1, keepalive 30 s,
	 * a persistent session for the core and clean ones for devices, c->f->window QoS 1
	 * publishes in flight, TCP_NODELAY. 0, or -1 having said why on stderr. */
	int (*start)(struct conn *c);
	/* Subscribes c to topics[0..n) at QoS 1 in one SUBSCRIBE: 0 or the library's code. */
	int (*subscribe)(struct conn *c, char **topics, int n);
	/* Publishes len bytes at QoS 1, not retained: 0 or the library's code; floor_acked(c)
	 * when the broker acknowledges it. payload stays the caller's. */
	int (*publish)(struct conn *c, const char *topic, const void *payload, size_t len);
	/* Disconnects and destroys c's client (none: nothing); c->h is NULL after. */
	void (*stop)(struct conn *c);
};

/* The struct floor_client of a program whose functions are PREFIX_start, PREFIX_subscribe,
 * PREFIX_publish and PREFIX_stop. */
#define FLOOR_CLIENT(prefix, prog_name, lib_name)                                                  \
	{                                                                                          \
		.prog = prog_name, .lib = lib_name, .start = prefix##_start,                       \
		.subscribe = prefix##_subscribe, .publish = prefix##_publish,                      \
		.stop = prefix##_stop                                                              \
	}

/* A burst (-f): messages published once each through the window, nothing answers. */
struct burst {
	char *text;		 /* the file, NUL at each line's end and each topic's */
	char **topic, **payload; /* n of each, into text */
	size_t n;
};

struct floor {
	const struct floor_client *client;
	const char *url;
	size_t n;
	unsigned nconns, window;
	size_t batch_len, confirm_len;
	char *batch, *confirm; /* payloads, filled with 'x' */
	struct burst burst;    /* -f: what to publish instead of rounds */
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

/* The program: options, processes and rounds (floor_main.c); returns the exit status. */
int floor_main(const struct floor_client *client, int argc, char **argv);

/* Records the first failure (printf-style) and wakes every waiter. */
__attribute__((format(printf, 2, 3))) void floor_fail(struct floor *f, const char *fmt, ...);
/* Starts the connections c[0..n) and waits until every one is up and subscribed (within
 * CONNECT_S); false with f->failure set otherwise. */
bool floor_connect_all(struct floor *f, struct conn *c, unsigned n);
/* One round: N batches out through the window, N confirmations back within timeout_s; 0 with
 * its wall time in *secs, or -1 with f->failure set. */
int floor_round(struct floor *f, double timeout_s, double *secs);
/* The burst f->burst out through the window, every message acknowledged within timeout_s;
 * 0 with the wall time from the first publish to the last acknowledgement in *secs, or -1
 * with f->failure set. */
int floor_burst(struct floor *f, double timeout_s, double *secs);

/* What the client reports, from the library's threads. */
/* c is connected: sends its SUBSCRIBEs and counts it up. */
void floor_connected(struct conn *c);
/* One SUBSCRIBE of c was acknowledged. */
void floor_subscribed(struct conn *c);
/* One QoS 1 publish of c was acknowledged: the window opens by one. */
void floor_acked(struct conn *c);
/* A message arrived on c (the payload is not looked at). */
void floor_message(struct conn *c, const char *topic);

#endif
