/* SPDX-License-Identifier: MIT */
#ifndef NC_MQTT_MQTT_H
#define NC_MQTT_MQTT_H

/*
 * A small MQTT client over paho.mqtt.c (MQTTAsync), shared by the core and
 * the agent. MQTT 3.1.1, so the broker's Receive Maximum (an MQTT 5 notion)
 * never caps the window; every broker speaks it.
 *
 * One struct nc_mqtt is one connection. It connects in the background and
 * keeps reconnecting with backoff (1 s doubling to 4 s, +-20 % jitter, by
 * paho) for its whole life, so a process may start before its broker.
 * Subscriptions are remembered and sent again on every (re)connect, before
 * on_connection(up) is called: anything published after that callback (or
 * after nc_mqtt_subscribe() on a live connection) by this client reaches the
 * broker after the SUBSCRIBE, so answers to it are not missed.
 *
 * Threads: every function may be called from any thread, except that
 * nc_mqtt_free() must not be called from a callback. Callbacks (on_message,
 * on_connection) run on paho's threads, which are shared by every client of
 * the process (a fleet of thousands of agents included): they must return
 * quickly and never block. They may call nc_mqtt_publish() (it then never
 * waits: a full window gives NC_ERR_TIMEOUT at once), nc_mqtt_subscribe(),
 * nc_mqtt_connected() and nc_mqtt_stats().
 *
 * Latency: paho never sets TCP_NODELAY. lib/mqtt/nodelay.c does, for the
 * sockets of objects linked statically with -Wl,--wrap=socket (see the
 * Makefile); without it a QoS 1 round trip costs ~44 ms instead of ~0.1 ms.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_errinfo;
struct nc_mqtt;

/* Strings are copied by nc_mqtt_new(); the caller keeps ownership of its own. */
struct nc_mqtt_opts {
	const char *url;       /* tcp://host:port or mqtt://; ssl:// or mqtts:// for TLS */
	const char *client_id; /* required with a persistent session; NULL: generated */
	bool clean_session;    /* true: agents; false: the core (fixed client_id) */
	const char *cafile;    /* TLS: trusted CAs (PEM); NULL: the system's store */
	const char *certfile;  /* TLS: client certificate chain (PEM), optional */
	const char *keyfile;   /* TLS: its private key (PEM) if not in certfile */
	const char *username;  /* optional; from memory, never from argv */
	const char *password;  /* optional; never logged, wiped on free */
	int keepalive_s;       /* 0: 30 s */
	unsigned max_inflight; /* window of unacknowledged QoS 1 publishes; 0: 1000 */
	/*
	 * A message arrived (QoS 0 or 1) on a subscribed filter. topic is
	 * NUL-terminated; payload is len bytes, not NUL-terminated; both are
	 * borrowed for the call only. On a paho thread: must not block.
	 * A QoS 1 message may arrive twice (at-least-once).
	 */
	void (*on_message)(void *arg, const char *topic, const void *payload, size_t len);
	/*
	 * The connection came up (subscriptions already re-sent) or went down.
	 * Not called by nc_mqtt_free(). On a paho thread: must not block.
	 */
	void (*on_connection)(void *arg, bool up);
	void *arg; /* passed to the callbacks */
};

/* Counters since nc_mqtt_new(), for /healthz and /metrics. */
struct nc_mqtt_stats {
	bool connected;
	uint64_t reconnects; /* successful connections after the first */
	uint64_t published;  /* publishes handed to paho (QoS 0 and 1) */
	uint64_t acked;	     /* QoS 1 publishes acknowledged by the broker */
	uint64_t failed;     /* QoS 1 publishes dropped unacknowledged (session lost) */
	uint64_t received;   /* messages delivered to on_message */
	unsigned inflight;   /* QoS 1 publishes awaiting their PUBACK now */
};

/*
 * Creates a client and starts connecting in the background; returns at once
 * without waiting for the broker. NC_ERR_INVAL (with ei naming the field) for
 * a bad URL scheme, a missing client_id with a persistent session or bad
 * numbers; NC_ERR_IO when paho refuses to create the client. *out owns the
 * client: release it with nc_mqtt_free().
 */
int nc_mqtt_new(const struct nc_mqtt_opts *o, struct nc_mqtt **out, struct nc_errinfo *ei);

/*
 * Subscribes to filter (wildcards allowed) at qos 0..2, now if connected and
 * again on every reconnect. Does not wait for the SUBACK; a refused
 * subscription is logged. Subscribing twice to a filter updates its qos.
 * NC_ERR_INVAL for an empty filter or a bad qos.
 */
int nc_mqtt_subscribe(struct nc_mqtt *m, const char *filter, int qos);
/*
 * The same for n filters at once, none of them subscribed yet (a filter
 * given twice is subscribed twice, which the broker takes as once): they
 * go up to 100 per SUBSCRIBE, now and on every reconnect, so a client can
 * hold tens of thousands (a fleet's devices). NC_ERR_INVAL, and nothing
 * subscribed, for an empty filter or a bad qos.
 */
int nc_mqtt_subscribe_many(struct nc_mqtt *m, const char *const *filters, size_t n, int qos);

/*
 * Publishes len bytes (copied; may be 0) to topic at qos 0 or 1, never
 * retained. A QoS 1 publish waits while max_inflight earlier ones are
 * unacknowledged: up to timeout_ms (negative: no limit; 0 and from a
 * callback: no wait), then NC_ERR_TIMEOUT. Returns 0 once paho has the
 * message (for QoS 1, before the PUBACK). NC_ERR_UNREACHABLE when not
 * connected (also when the connection drops while waiting); NC_ERR_INVAL
 * for an empty or wildcard topic or another qos; NC_ERR_TOOBIG over the
 * MQTT limit (256 MiB); NC_ERR_IO when paho refuses the message.
 * Delivery: a QoS 1 message unacknowledged when the connection drops is sent
 * again after the reconnect if the session survived (persistent session,
 * broker kept it); otherwise it is dropped and counted in stats.failed, so
 * callers needing delivery keep their own timeout and retry (the core does).
 */
int nc_mqtt_publish(struct nc_mqtt *m, const char *topic, const void *payload, size_t len, int qos,
		    int timeout_ms);

/* True while the broker has accepted the connection. */
bool nc_mqtt_connected(struct nc_mqtt *m);

/* Waits until connected: 0, or NC_ERR_TIMEOUT after timeout_ms (negative: no limit). */
int nc_mqtt_wait_connected(struct nc_mqtt *m, int timeout_ms);

/*
 * Waits until the first connection attempt has ended, connected or not: 0,
 * or NC_ERR_TIMEOUT after timeout_ms (more than 0). For opening many
 * connections a few at a time: paho runs every TLS handshake of the process
 * on one thread, and handshakes queued past the connect timeout (10 s) are
 * abandoned and started again.
 */
int nc_mqtt_wait_tried(struct nc_mqtt *m, int timeout_ms);

/* A consistent snapshot of the counters into *s. */
void nc_mqtt_stats(struct nc_mqtt *m, struct nc_mqtt_stats *s);

/*
 * Disconnects cleanly (giving in-flight QoS 1 publishes up to a second to be
 * acknowledged), stops reconnecting and frees m. No callback runs after it
 * returns. NULL is a no-op. Never call it from a callback.
 */
void nc_mqtt_free(struct nc_mqtt *m);

/* url.c */

/* 1 for a TLS URL (ssl://, mqtts://), 0 for plain TCP (tcp://, mqtt://), -1
 * for anything else or NULL; a scheme with nothing after it is not one. */
int nc_mqtt_url_scheme(const char *url);
/* nc_mqtt_url_scheme(url) == 1. */
bool nc_mqtt_url_tls(const char *url);
/* url without any user:password@ part, for logs: a pointer into url. */
const char *nc_mqtt_url_for_log(const char *url);

/* identity.c */

/*
 * Checks the files of a TLS client identity before they are used; each may
 * be NULL. NC_ERR_IO (ei names the option and the file) for one that cannot
 * be read or is not a regular file; NC_ERR_INVAL for a key that group or
 * others may access (as ssh refuses such keys); NC_ERR_USAGE for a key
 * without a certificate.
 */
int nc_mqtt_identity_check(const char *cafile, const char *certfile, const char *keyfile,
			   struct nc_errinfo *ei);

#endif
