/* SPDX-License-Identifier: MIT */
/*
 * mosq_floor: the MQTT floor (floor_main.c) with libmosquitto 2.0, the
 * broker's own client library: a second, independent measure of what the
 * round trips cost, from a client that is not netctl's. Bench-only: linked
 * with -lmosquitto, which netctl never is.
 *
 * The same connections, filters, sessions, window and sizes as mqtt_floor;
 * what libmosquitto does differently is its own: mosquitto_loop_start()
 * gives each connection one network thread (the devices' process has 8, not
 * paho's 2), TCP_NODELAY is an option (MOSQ_OPT_TCP_NODELAY), and the
 * library's in-flight limit is MOSQ_OPT_SEND_MAXIMUM (what the deprecated
 * mosquitto_max_inflight_messages_set sets in 2.0), here the window W, so
 * the library queues nothing behind the floor's own window.
 */
#include "floor.h"

#include "../lib/util/hostport.h"

#include <mosquitto.h>
#include <stdio.h>
#include <string.h>

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
	struct conn *c = obj;

	if (rc == 0)
		floor_connected(c);
	else
		floor_fail(c->f, "%s: connection refused (%s)", c->id,
			   mosquitto_connack_string(rc));
}

/* rc 0: our own mosquitto_disconnect(); anything else is a loss. */
static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
	struct conn *c = obj;

	if (rc != 0)
		floor_fail(c->f, "%s: connection lost (%s)", c->id, mosquitto_strerror(rc));
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *granted)
{
	struct conn *c = obj;

	for (int i = 0; i < n; i++) {
		if (granted[i] > 2) {
			floor_fail(c->f, "%s: SUBSCRIBE refused (granted %d)", c->id, granted[i]);
			return;
		}
	}
	floor_subscribed(c);
}

/* For QoS 1: the PUBACK came. */
static void on_publish(struct mosquitto *m, void *obj, int mid)
{
	floor_acked(obj);
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
	floor_message(obj, msg->topic);
}

static int mosq_publish(struct conn *c, const char *topic, const void *payload, size_t len)
{
	return mosquitto_publish(c->h, NULL, topic, (int)len, payload, 1, false);
}

static int mosq_subscribe(struct conn *c, char **topics, int n)
{
	return mosquitto_subscribe_multiple(c->h, NULL, n, topics, 1, 0, NULL);
}

static int mosq_start(struct conn *c)
{
	const char *hp = strstr(c->f->url, "://");
	char host[256];
	uint16_t port;
	int rc;

	/* "tcp://HOST:PORT" or "mqtt://HOST:PORT" (bench/run's), or HOST:PORT. */
	if (nc_hostport_split(hp ? hp + 3 : c->f->url, host, sizeof(host), &port, 0) < 0) {
		fprintf(stderr, "mosq_floor: -u `%s' is not tcp://HOST:PORT\n", c->f->url);
		return -1;
	}
	c->h = mosquitto_new(c->id, !c->core, c);
	if (!c->h) {
		fprintf(stderr, "mosq_floor: %s: libmosquitto refused the client\n", c->id);
		return -1;
	}
	rc = mosquitto_int_option(c->h, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_int_option(c->h, MOSQ_OPT_TCP_NODELAY, 1);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_int_option(c->h, MOSQ_OPT_SEND_MAXIMUM, (int)c->f->window);
	mosquitto_connect_callback_set(c->h, on_connect);
	mosquitto_disconnect_callback_set(c->h, on_disconnect);
	mosquitto_subscribe_callback_set(c->h, on_subscribe);
	mosquitto_publish_callback_set(c->h, on_publish);
	mosquitto_message_callback_set(c->h, on_message);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_connect(c->h, host, port, 30);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_start(c->h);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mosq_floor: %s: cannot connect to %s (%s)\n", c->id, c->f->url,
			mosquitto_strerror(rc));
		return -1;
	}
	return 0;
}

static void mosq_stop(struct conn *c)
{
	if (!c->h)
		return;
	mosquitto_disconnect(c->h);
	mosquitto_loop_stop(c->h, false);
	mosquitto_destroy(c->h);
	c->h = NULL;
}

static const struct floor_client mosq = FLOOR_CLIENT(mosq, "mosq_floor", "libmosquitto");

int main(int argc, char **argv)
{
	int ret;

	mosquitto_lib_init();
	ret = floor_main(&mosq, argc, argv);
	mosquitto_lib_cleanup();
	return ret;
}
