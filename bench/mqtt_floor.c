/* SPDX-License-Identifier: MIT */
/*
 * mqtt_floor: the MQTT floor (floor_main.c) with paho MQTTAsync, the
 * library netctl itself uses, linked exactly like netctl: statically, with
 * nothing of netctl's but the TCP_NODELAY socket wrap (lib/mqtt/nodelay.c;
 * see the Makefile). paho runs every client of a process on the same two
 * threads (one sends, one receives).
 */
#include "floor.h"

#include <MQTTAsync.h>
#include <stdio.h>

static void pub_acked(void *ctx, MQTTAsync_successData *r)
{
	floor_acked(ctx);
}

static void pub_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: a QoS 1 publish failed (paho code %d)", c->id, r ? r->code : 0);
}

/*
 * A QoS 1 publish; paho's code. The floor's window never lets more than W
 * be unacknowledged, so paho (maxInflight W) holds nothing back: any
 * refusal, MQTTASYNC_MAX_MESSAGES_INFLIGHT included, is a failure, as in
 * nc_mqtt.
 */
static int paho_publish(struct conn *c, const char *topic, const void *payload, size_t len)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	MQTTAsync_message m = MQTTAsync_message_initializer;

	m.payload = (void *)payload; /* paho copies it */
	m.payloadlen = (int)len;
	m.qos = 1;
	ro.onSuccess = pub_acked;
	ro.onFailure = pub_failed;
	ro.context = c;
	return MQTTAsync_sendMessage(c->h, topic, &m, &ro);
}

static int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *m)
{
	floor_message(ctx, topic);
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	return 1;
}

static void on_lost(void *ctx, char *cause)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: connection lost (%s)", c->id, cause ? cause : "no cause given");
}

static void subscribed(void *ctx, MQTTAsync_successData *r)
{
	floor_subscribed(ctx);
}

static void subscribe_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: SUBSCRIBE refused (paho code %d)", c->id, r ? r->code : 0);
}

static int paho_subscribe(struct conn *c, char **topics, int n)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	int qos[SUB_CHUNK];

	for (int i = 0; i < n; i++)
		qos[i] = 1;
	ro.onSuccess = subscribed;
	ro.onFailure = subscribe_failed;
	ro.context = c;
	return MQTTAsync_subscribeMany(c->h, n, topics, qos, &ro);
}

static void connected(void *ctx, MQTTAsync_successData *r)
{
	floor_connected(ctx);
}

static void connect_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	floor_fail(c->f, "%s: cannot connect to %s (paho code %d)", c->id, c->f->url,
		   r ? r->code : 0);
}

static int paho_start(struct conn *c)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	int rc;

	rc = MQTTAsync_create(&c->h, c->f->url, c->id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(c->h, c, on_lost, on_message, NULL);
	if (rc != MQTTASYNC_SUCCESS) {
		fprintf(stderr, "mqtt_floor: %s: paho refused the client (code %d)\n", c->id, rc);
		return -1;
	}
	co.MQTTVersion = MQTTVERSION_3_1_1;
	co.keepAliveInterval = 30;
	co.cleansession = c->core ? 0 : 1;
	co.maxInflight = (int)c->f->window;
	co.onSuccess = connected;
	co.onFailure = connect_failed;
	co.context = c;
	rc = MQTTAsync_connect(c->h, &co);
	if (rc != MQTTASYNC_SUCCESS) {
		fprintf(stderr, "mqtt_floor: %s: connect not started (code %d)\n", c->id, rc);
		return -1;
	}
	return 0;
}

static void paho_stop(struct conn *c)
{
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
	MQTTAsync h = c->h;

	if (!h)
		return;
	d.timeout = 1000;
	MQTTAsync_disconnect(h, &d);
	MQTTAsync_destroy(&h);
	c->h = NULL;
}

static const struct floor_client paho = FLOOR_CLIENT(paho, "mqtt_floor", "paho");

int main(int argc, char **argv)
{
	return floor_main(&paho, argc, argv);
}
