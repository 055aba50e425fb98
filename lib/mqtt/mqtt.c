/* SPDX-License-Identifier: MIT */
/* The client's lifecycle and waits, and the helpers the files of lib/mqtt share. */
#include "mqtt.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTAsync.h>

#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/timefmt.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "internal.h"

#define DEFAULT_INFLIGHT 1000

/* Set while this thread runs one of our callbacks: publish must not wait there. */
static _Thread_local unsigned in_callback;

int mqtt_cv_wait(pthread_cond_t *cv, pthread_mutex_t *lock, int ms, const struct timespec *deadline)
{
	if (ms < 0)
		return pthread_cond_wait(cv, lock);
	return pthread_cond_timedwait(cv, lock, deadline);
}

/* Validation and small helpers. */

static bool valid_utf8(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = nc_utf8_next((const unsigned char *)s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return false;
		i += n;
	}
	return true;
}

bool mqtt_valid_topic(const char *t, bool filter)
{
	size_t len;

	if (!t)
		return false;
	len = strlen(t);
	if (len == 0 || len > TOPIC_MAX || !valid_utf8(t, len))
		return false;
	return filter || strpbrk(t, "+#") == NULL;
}

const char *mqtt_paho_text(int rc, const char *message)
{
	/* CONNACK return codes (MQTT 3.1.1 section 3.2.2.3) come as positive codes. */
	static const char *const connack[] = {
		NULL,
		"unacceptable protocol version",
		"client identifier rejected",
		"server unavailable",
		"bad user name or password",
		"not authorized",
	};

	/* A refusal says why by its code; paho's text is only "CONNACK return code". */
	if (rc > 0 && rc < (int)(sizeof(connack) / sizeof(connack[0])))
		return connack[rc];
	if (message && *message)
		return message;
	return MQTTAsync_strerror(rc);
}

int mqtt_map_paho(int rc)
{
	switch (rc) {
	case MQTTASYNC_SUCCESS:
		return 0;
	case MQTTASYNC_DISCONNECTED:
		return NC_ERR_UNREACHABLE;
	case MQTTASYNC_BAD_UTF8_STRING:
	case MQTTASYNC_NULL_PARAMETER:
	case MQTTASYNC_TOPICNAME_TRUNCATED:
	case MQTTASYNC_BAD_QOS:
	case MQTTASYNC_BAD_PROTOCOL:
		return NC_ERR_INVAL;
	case MQTTASYNC_MAX_BUFFERED_MESSAGES:
	case MQTTASYNC_NO_MORE_MSGIDS:
	case MQTTASYNC_MAX_MESSAGES_INFLIGHT:
		return NC_ERR_TIMEOUT;
	default:
		return NC_ERR_IO;
	}
}

/*
 * Callback bracketing. Every paho callback that touches m enters and leaves,
 * so nc_mqtt_free() can wait until none runs before freeing m. Once dead,
 * a late callback returns without touching anything but the lock.
 */

bool mqtt_cb_enter(struct nc_mqtt *m)
{
	bool ok;

	pthread_mutex_lock(&m->lock);
	ok = !m->dead;
	if (ok)
		m->active++;
	pthread_mutex_unlock(&m->lock);
	if (ok)
		in_callback++;
	return ok;
}

void mqtt_cb_leave(struct nc_mqtt *m)
{
	in_callback--;
	pthread_mutex_lock(&m->lock);
	m->active--;
	if (m->active == 0)
		pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
}

bool mqtt_in_callback(void)
{
	return in_callback > 0;
}

/* Lifecycle. */

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void destroy(struct nc_mqtt *m)
{
	struct sub *next;

	for (struct sub *s = m->subs; s; s = next) {
		next = s->next;
		free(s);
	}
	pthread_cond_destroy(&m->window_cv);
	pthread_cond_destroy(&m->state_cv);
	pthread_mutex_destroy(&m->lock);
	free(m->url);
	free(m->client_id);
	free(m->username);
	wipe_free(m->password);
	free(m->cafile);
	free(m->certfile);
	free(m->keyfile);
	free(m);
}

static struct nc_mqtt *alloc_client(const struct nc_mqtt_opts *o)
{
	struct nc_mqtt *m = nc_xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->lock, NULL);
	nc_time_cond_init(&m->window_cv);
	nc_time_cond_init(&m->state_cv);
	m->url = nc_xstrdup(o->url);
	m->username = nc_xstrdup(o->username);
	m->password = nc_xstrdup(o->password);
	m->cafile = nc_xstrdup(o->cafile);
	m->certfile = nc_xstrdup(o->certfile);
	m->keyfile = nc_xstrdup(o->keyfile);
	m->max_inflight = o->max_inflight ? o->max_inflight : DEFAULT_INFLIGHT;
	m->on_message = o->on_message;
	m->on_connection = o->on_connection;
	m->arg = o->arg;
	return m;
}

/* What nc_mqtt_new refuses, named in ei; *tls: 1 for ssl:// and mqtts://, else 0. */
static int check_opts(const struct nc_mqtt_opts *o, int *tls, struct nc_errinfo *ei)
{
	int rc = 0;

	*tls = o->url ? nc_mqtt_url_scheme(o->url) : -1;
	if (*tls < 0)
		rc = nc_fail(ei, NC_ERR_INVAL, "url",
			     "the broker URL must start with tcp://, mqtt://, ssl:// or mqtts://");
	else if (!o->clean_session && (!o->client_id || !*o->client_id))
		rc = nc_fail(ei, NC_ERR_INVAL, "client_id",
			     "a persistent session needs a fixed client id");
	else if (o->client_id && strlen(o->client_id) > TOPIC_MAX)
		rc = nc_fail(ei, NC_ERR_INVAL, "client_id", "the client id is too long");
	else if (o->max_inflight > 65535)
		rc = nc_fail(ei, NC_ERR_INVAL, "max_inflight",
			     "the in-flight window is at most 65535 (MQTT packet ids)");
	else if (o->keepalive_s < 0 || o->keepalive_s > 65535)
		rc = nc_fail(ei, NC_ERR_INVAL, "keepalive_s", "the keepalive is 0..65535 seconds");
	return rc;
}

int nc_mqtt_new(const struct nc_mqtt_opts *o, struct nc_mqtt **out, struct nc_errinfo *ei)
{
	struct nc_mqtt *m = NULL;
	char rnd[17];
	int tls, rc;

	*out = NULL;
	rc = check_opts(o, &tls, ei);
	if (rc < 0)
		goto out;

	m = alloc_client(o);
	if (o->client_id && *o->client_id) {
		m->client_id = nc_xstrdup(o->client_id);
	} else {
		rc = nc_crypto_random_hex(8, rnd, sizeof(rnd));
		if (rc < 0) {
			nc_fail(ei, rc, "client_id", "cannot generate a client id");
			goto out;
		}
		m->client_id = nc_xasprintf("netctl-%s", rnd);
	}
	rc = mqtt_start(m, o, tls, ei);
	if (rc < 0)
		goto out;
	*out = m;
	m = NULL;
	rc = 0;
out:
	if (m) {
		if (m->h)
			MQTTAsync_destroy(&m->h);
		destroy(m);
	}
	return rc;
}

void nc_mqtt_free(struct nc_mqtt *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->closing = true;
	pthread_mutex_unlock(&m->lock);

	mqtt_disconnect(m);
	/* Stops reconnecting; may call our callbacks on this thread for queued commands. */
	MQTTAsync_destroy(&m->h);

	pthread_mutex_lock(&m->lock);
	m->dead = true;
	while (m->active > 0)
		pthread_cond_wait(&m->state_cv, &m->lock);
	pthread_mutex_unlock(&m->lock);
	destroy(m);
}

/* Waits and state. */

bool nc_mqtt_connected(struct nc_mqtt *m)
{
	bool up;

	pthread_mutex_lock(&m->lock);
	up = m->connected;
	pthread_mutex_unlock(&m->lock);
	return up;
}

int nc_mqtt_wait_connected(struct nc_mqtt *m, int timeout_ms)
{
	struct timespec deadline;
	int rc = 0;

	if (timeout_ms >= 0)
		nc_time_mono_deadline(timeout_ms, &deadline);
	pthread_mutex_lock(&m->lock);
	while (!m->connected && rc == 0) {
		if (timeout_ms == 0 ||
		    mqtt_cv_wait(&m->state_cv, &m->lock, timeout_ms, &deadline) == ETIMEDOUT)
			rc = m->connected ? 0 : NC_ERR_TIMEOUT;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

int nc_mqtt_wait_tried(struct nc_mqtt *m, int timeout_ms)
{
	struct timespec deadline;
	int rc = 0;

	nc_time_mono_deadline(timeout_ms, &deadline);
	pthread_mutex_lock(&m->lock);
	while (!m->ever_connected && m->fail_streak == 0 && rc == 0) {
		if (mqtt_cv_wait(&m->state_cv, &m->lock, timeout_ms, &deadline) == ETIMEDOUT)
			rc = m->ever_connected || m->fail_streak ? 0 : NC_ERR_TIMEOUT;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

void nc_mqtt_stats(struct nc_mqtt *m, struct nc_mqtt_stats *s)
{
	pthread_mutex_lock(&m->lock);
	*s = m->st;
	s->connected = m->connected;
	pthread_mutex_unlock(&m->lock);
}
