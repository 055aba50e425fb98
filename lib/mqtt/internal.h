/* SPDX-License-Identifier: MIT */
#ifndef NC_MQTT_INTERNAL_H
#define NC_MQTT_INTERNAL_H

/*
 * What the files of lib/mqtt share: mqtt.c (lifecycle, waits, helpers),
 * conn.c (connecting, TLS options, connection callbacks), pubsub.c
 * (subscriptions, received messages, the QoS 1 window, publish).
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <MQTTAsync.h>

#include "mqtt.h"

struct nc_errinfo;
struct timespec;

#define TOPIC_MAX 65535 /* an MQTT string */

/* A remembered subscription; lives until nc_mqtt_free(), so paho may hold it as a context. */
struct sub {
	struct nc_mqtt *m;
	struct sub *next;
	int qos;   /* under m->lock */
	int chunk; /* filters of the SUBSCRIBE this one heads, for its callback */
	char filter[];
};

struct nc_mqtt {
	MQTTAsync h;
	char *url, *client_id, *username, *password;
	char *cafile, *certfile, *keyfile;
	MQTTAsync_SSLOptions ssl; /* strings point into this struct */
	unsigned max_inflight;
	void (*on_message)(void *arg, const char *topic, const void *payload, size_t len);
	void (*on_connection)(void *arg, bool up);
	void *arg;

	pthread_mutex_t lock;	  /* guards everything below */
	pthread_cond_t window_cv; /* inflight went down, or the connection went down */
	pthread_cond_t state_cv;  /* connected, disconnect_done or active changed */
	bool session_up;	  /* CONNACK seen: new subscriptions go out at once */
	bool connected;		  /* session up and subscriptions re-sent */
	bool ever_connected;
	bool closing; /* nc_mqtt_free() began: no more user callbacks */
	bool dead;    /* paho's handle is destroyed: callbacks return at once */
	bool disconnect_done;
	unsigned active;	 /* our callbacks running now */
	unsigned fail_streak;	 /* connect attempts failed in a row */
	struct sub *subs;	 /* prepended, so a snapshot of the head stays valid */
	struct nc_mqtt_stats st; /* st.connected unused: see connected */
};

/* Waits on cv: forever when ms < 0, else until deadline. Returns ETIMEDOUT or 0. */
int mqtt_cv_wait(pthread_cond_t *cv, pthread_mutex_t *lock, int ms,
		 const struct timespec *deadline);
/* A topic name or filter: 1..65535 bytes of UTF-8 without NUL; no wildcard in a name. */
bool mqtt_valid_topic(const char *t, bool filter);
/* Why paho failed with rc (message: paho's own text, may be NULL); a static string. */
const char *mqtt_paho_text(int rc, const char *message);
/* A paho return code as 0 or a negative NC_ERR_*. */
int mqtt_map_paho(int rc);
/*
 * Callback bracketing. Every paho callback that touches m enters and leaves,
 * so nc_mqtt_free() can wait until none runs before freeing m. Once dead,
 * a late callback returns without touching anything but the lock: enter
 * returns false and the callback must not leave.
 */
bool mqtt_cb_enter(struct nc_mqtt *m);
void mqtt_cb_leave(struct nc_mqtt *m);
/* Whether this thread runs one of our callbacks now: publish must not wait there. */
bool mqtt_in_callback(void);

/* conn.c. Creates paho's client for m and starts connecting; errors named in ei. */
int mqtt_start(struct nc_mqtt *m, const struct nc_mqtt_opts *o, int tls, struct nc_errinfo *ei);
/* conn.c. Disconnects, waiting a bounded time for in-flight publishes; m->closing set. */
void mqtt_disconnect(struct nc_mqtt *m);

/* pubsub.c. Sends the n subscriptions subs at qos[i] each, up to 100 per
 * SUBSCRIBE. Never under m->lock: paho may call back into us. */
int mqtt_send_subscribe(struct nc_mqtt *m, struct sub *const *subs, const int *qos, size_t n);
/* pubsub.c. Paho's message-arrived callback; ctx is m. */
int mqtt_on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg);

#endif
