/* SPDX-License-Identifier: MIT */
/* Subscriptions, received messages, the QoS 1 window and publish. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTAsync.h>

#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "internal.h"

#define PAYLOAD_MAX 268435455u /* the largest MQTT remaining length (headers included) */

/* Subscriptions. Paho threads, except mqtt_send_subscribe from nc_mqtt_subscribe. */

/* Filters per SUBSCRIBE: paho gives every command a message id from one
 * space of 65,535 per client and looks for a free one across every pending
 * command, so tens of thousands of single SUBSCRIBEs (a fleet's devices)
 * exhaust it and cost quadratic time. */
#define SUB_CHUNK 100

/* The callbacks' ctx is the first sub of the SUBSCRIBE, which carries its size. */
static void on_sub_ok(void *ctx, MQTTAsync_successData *r)
{
	struct sub *head = ctx;
	struct nc_mqtt *m = head->m;
	char q[NC_QUOTE_BUF];
	int refused = 0;

	if (!mqtt_cb_enter(m))
		return;
	/* 3.1.1: the granted QoS of each filter, in order; 0x80 is a refusal. */
	if (r && head->chunk == 1)
		refused = r->alt.qos == 0x80;
	for (int i = 0; r && head->chunk > 1 && r->alt.qosList && i < head->chunk; i++)
		refused += r->alt.qosList[i] == 0x80;
	if (refused && head->chunk == 1)
		nc_warn("mqtt: the broker refused the subscription to %s",
			nc_quote(q, head->filter, SIZE_MAX));
	else if (refused)
		nc_warn("mqtt: the broker refused %d of %d subscriptions of %s, from %s on",
			refused, head->chunk, m->client_id, nc_quote(q, head->filter, SIZE_MAX));
	mqtt_cb_leave(m);
}

static void on_sub_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct nc_mqtt *m = ((struct sub *)ctx)->m;

	if (!mqtt_cb_enter(m))
		return;
	/* Lost with the connection: on_connected sends it again. */
	nc_debug("mqtt: a subscription of %s not confirmed: %s", m->client_id,
		 mqtt_paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL));
	mqtt_cb_leave(m);
}

int mqtt_send_subscribe(struct nc_mqtt *m, struct sub *const *subs, const int *qos, size_t n)
{
	char *filters[SUB_CHUNK];
	int rc = MQTTASYNC_SUCCESS;

	for (size_t at = 0; at < n && rc == MQTTASYNC_SUCCESS; at += SUB_CHUNK) {
		MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
		int k = n - at < SUB_CHUNK ? (int)(n - at) : SUB_CHUNK;

		for (int i = 0; i < k; i++)
			filters[i] = subs[at + (size_t)i]->filter;
		ro.onSuccess = on_sub_ok;
		ro.onFailure = on_sub_fail;
		/* The chunk's first sub carries its size (subs live as long as m). */
		subs[at]->chunk = k;
		ro.context = subs[at];
		rc = k == 1 ? MQTTAsync_subscribe(m->h, filters[0], qos[at], &ro)
			    : MQTTAsync_subscribeMany(m->h, k, filters, (int *)&qos[at], &ro);
	}
	if (rc != MQTTASYNC_SUCCESS && rc != MQTTASYNC_DISCONNECTED)
		nc_warn("mqtt: cannot subscribe %s to %zu filter%s: %s", m->client_id, n,
			n == 1 ? "" : "s", mqtt_paho_text(rc, NULL));
	return rc == MQTTASYNC_DISCONNECTED ? 0 : mqtt_map_paho(rc);
}

int mqtt_on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg)
{
	struct nc_mqtt *m = ctx;
	bool tell, bad;

	if (!mqtt_cb_enter(m))
		goto out;
	/* A NUL inside the topic (MQTT forbids it) makes topic_len differ from strlen: drop it. */
	bad = topic_len != 0 && strlen(topic) != (size_t)topic_len;
	pthread_mutex_lock(&m->lock);
	tell = !m->closing && !bad && m->on_message;
	if (tell)
		m->st.received++;
	pthread_mutex_unlock(&m->lock);
	if (bad)
		nc_debug("mqtt: dropped a message whose topic holds a NUL");
	if (tell)
		m->on_message(m->arg, topic, msg->payload, (size_t)msg->payloadlen);
	mqtt_cb_leave(m);
out:
	MQTTAsync_freeMessage(&msg);
	MQTTAsync_free(topic);
	return 1; /* consumed */
}

/* The window: every QoS 1 publish ends in exactly one of these two. */

static void release_slot(struct nc_mqtt *m, bool acked)
{
	pthread_mutex_lock(&m->lock);
	if (m->st.inflight > 0)
		m->st.inflight--;
	if (acked)
		m->st.acked++;
	else
		m->st.failed++;
	pthread_cond_signal(&m->window_cv);
	pthread_mutex_unlock(&m->lock);
}

static void on_pub_ok(void *ctx, MQTTAsync_successData *r)
{
	struct nc_mqtt *m = ctx;

	if (!mqtt_cb_enter(m))
		return;
	release_slot(m, true);
	mqtt_cb_leave(m);
}

static void on_pub_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct nc_mqtt *m = ctx;

	if (!mqtt_cb_enter(m))
		return;
	nc_debug("mqtt: a QoS 1 publish was dropped unacknowledged: %s",
		 mqtt_paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL));
	release_slot(m, false);
	mqtt_cb_leave(m);
}

/* Operations. */

/* A new subscription to filter, not yet in m->subs; the caller holds m->lock. */
static struct sub *sub_add(struct nc_mqtt *m, const char *filter, int qos)
{
	size_t len = strlen(filter);
	struct sub *s = nc_xmalloc(sizeof(*s) + len + 1);

	s->m = m;
	s->qos = qos;
	memcpy(s->filter, filter, len + 1);
	s->next = m->subs;
	m->subs = s;
	return s;
}

int nc_mqtt_subscribe(struct nc_mqtt *m, const char *filter, int qos)
{
	struct sub *s;
	bool now;

	if (!mqtt_valid_topic(filter, true) || qos < 0 || qos > 2)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&m->lock);
	for (s = m->subs; s; s = s->next) {
		if (strcmp(s->filter, filter) == 0)
			break;
	}
	if (s)
		s->qos = qos;
	else
		s = sub_add(m, filter, qos);
	/* Before the CONNACK, on_connected sends it with the others. */
	now = m->session_up;
	pthread_mutex_unlock(&m->lock);
	return now ? mqtt_send_subscribe(m, &s, &qos, 1) : 0;
}

int nc_mqtt_subscribe_many(struct nc_mqtt *m, const char *const *filters, size_t n, int qos)
{
	struct sub **subs = NULL;
	int *qs = NULL, ret = 0;
	bool now;

	for (size_t i = 0; i < n; i++) {
		if (!mqtt_valid_topic(filters[i], true))
			return NC_ERR_INVAL;
	}
	if (qos < 0 || qos > 2)
		return NC_ERR_INVAL;
	subs = nc_xcalloc(n + 1, sizeof(*subs));
	qs = nc_xcalloc(n + 1, sizeof(*qs));
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < n; i++) {
		subs[i] = sub_add(m, filters[i], qos);
		qs[i] = qos;
	}
	now = m->session_up;
	pthread_mutex_unlock(&m->lock);
	if (now)
		ret = mqtt_send_subscribe(m, subs, qs, n);
	free(subs);
	free(qs);
	return ret;
}

int nc_mqtt_publish(struct nc_mqtt *m, const char *topic, const void *payload, size_t len, int qos,
		    int timeout_ms)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	struct timespec deadline;
	int rc, prc;

	if (!mqtt_valid_topic(topic, false) || (qos != 0 && qos != 1) || (len > 0 && !payload)) {
		rc = NC_ERR_INVAL;
		goto out;
	}
	if (len > PAYLOAD_MAX - TOPIC_MAX - 4) {
		rc = NC_ERR_TOOBIG;
		goto out;
	}
	if (mqtt_in_callback())
		timeout_ms = 0;
	if (timeout_ms > 0)
		nc_time_mono_deadline(timeout_ms, &deadline);

	pthread_mutex_lock(&m->lock);
	rc = m->connected ? 0 : NC_ERR_UNREACHABLE;
	while (rc == 0 && qos == 1 && m->st.inflight >= m->max_inflight) {
		if (timeout_ms == 0) {
			rc = NC_ERR_TIMEOUT;
		} else if (mqtt_cv_wait(&m->window_cv, &m->lock, timeout_ms, &deadline) ==
			   ETIMEDOUT) {
			if (m->st.inflight >= m->max_inflight)
				rc = NC_ERR_TIMEOUT;
		}
		if (!m->connected)
			rc = NC_ERR_UNREACHABLE;
	}
	if (rc == 0 && qos == 1)
		m->st.inflight++;
	pthread_mutex_unlock(&m->lock);
	if (rc < 0)
		goto out;

	if (qos == 1) {
		ro.onSuccess = on_pub_ok;
		ro.onFailure = on_pub_fail;
		ro.context = m;
	}
	prc = MQTTAsync_send(m->h, topic, (int)len, len ? payload : "", qos, 0,
			     qos == 1 ? &ro : NULL);
	rc = mqtt_map_paho(prc);
	pthread_mutex_lock(&m->lock);
	if (rc == 0) {
		m->st.published++;
	} else if (qos == 1) {
		/* Refused outright: paho calls neither callback. */
		m->st.inflight--;
		pthread_cond_signal(&m->window_cv);
	}
	pthread_mutex_unlock(&m->lock);
out:
	return rc;
}
