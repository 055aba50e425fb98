/* SPDX-License-Identifier: MIT */
/* Connecting: paho's client, its connect and TLS options, and the connection callbacks. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTAsync.h>

#include "../util/err.h"
#include "../util/log.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"
#include "internal.h"

#define DEFAULT_KEEPALIVE_S 30
#define CONNECT_TIMEOUT_S   10
#define RETRY_MIN_S	    1
/* Paho doubles from the minimum up to this (+-20 % jitter): a broker that
 * comes back is found within about 4 s, not the 30 s a longer cap costs. */
#define RETRY_MAX_S	    4
#define DISCONNECT_GRACE_MS 1000 /* in-flight publishes may complete on free */
#define DISCONNECT_WAIT_MS  3000 /* then we destroy the client anyway */

/* Paho threads. */

/* The broker accepted a connection (the first or a reconnect). */
static void on_connected(void *ctx, char *cause)
{
	struct nc_mqtt *m = ctx;
	struct sub **todo = NULL;
	int *qos = NULL;
	size_t n = 0, i = 0;
	bool tell, again;

	if (!mqtt_cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	m->session_up = true;
	for (struct sub *s = m->subs; s; s = s->next)
		n++;
	if (n) {
		todo = nc_xcalloc(n, sizeof(*todo));
		qos = nc_xcalloc(n, sizeof(*qos));
	}
	for (struct sub *s = m->subs; s; s = s->next, i++) {
		todo[i] = s;
		qos[i] = s->qos;
	}
	pthread_mutex_unlock(&m->lock);

	/* Queued before anything a caller may publish once it sees us connected. */
	if (n)
		mqtt_send_subscribe(m, todo, qos, n);

	pthread_mutex_lock(&m->lock);
	again = m->ever_connected;
	if (again)
		m->st.reconnects++;
	m->ever_connected = true;
	m->fail_streak = 0;
	m->connected = true;
	tell = !m->closing;
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);

	nc_debug("mqtt: %s to %s as %s", again ? "reconnected" : "connected",
		 nc_mqtt_url_for_log(m->url), m->client_id);
	if (tell && m->on_connection)
		m->on_connection(m->arg, true);
	free(todo);
	free(qos);
	mqtt_cb_leave(m);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct nc_mqtt *m = ctx;
	unsigned streak;
	const char *why;
	bool closing;

	if (!mqtt_cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	streak = m->fail_streak++;
	closing = m->closing;
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
	why = mqtt_paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL);
	/* Paho retries with backoff; say it once per outage, and not when we stop it. */
	if (!closing && streak == 0)
		nc_warn("mqtt: cannot connect to %s: %s; retrying", nc_mqtt_url_for_log(m->url),
			why);
	else if (!closing)
		nc_debug("mqtt: cannot connect to %s: %s (attempt %u)", nc_mqtt_url_for_log(m->url),
			 why, streak + 1);
	mqtt_cb_leave(m);
}

static void on_connection_lost(void *ctx, char *cause)
{
	struct nc_mqtt *m = ctx;
	bool tell;

	if (!mqtt_cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	tell = m->connected && !m->closing;
	m->session_up = false;
	m->connected = false;
	pthread_cond_broadcast(&m->window_cv);
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
	if (tell) {
		nc_warn("mqtt: connection to %s lost; reconnecting", nc_mqtt_url_for_log(m->url));
		if (m->on_connection)
			m->on_connection(m->arg, false);
	}
	mqtt_cb_leave(m);
}

static void on_disconnect_done(void *ctx, MQTTAsync_successData *r)
{
	struct nc_mqtt *m = ctx;

	if (!mqtt_cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	m->disconnect_done = true;
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
	mqtt_cb_leave(m);
}

static void on_disconnect_fail(void *ctx, MQTTAsync_failureData *r)
{
	on_disconnect_done(ctx, NULL);
}

/* OpenSSL's error queue, printed by paho on a failed handshake: a warning once per outage. */
static int on_ssl_error(const char *str, size_t len, void *ctx)
{
	struct nc_mqtt *m = ctx;
	bool first;

	if (!mqtt_cb_enter(m))
		return 0;
	pthread_mutex_lock(&m->lock);
	first = m->fail_streak == 0;
	pthread_mutex_unlock(&m->lock);
	while (len > 0 && (str[len - 1] == '\n' || str[len - 1] == '\r'))
		len--;
	nc_log(first ? NC_LOG_WARN : NC_LOG_DEBUG, "mqtt: TLS: %.*s",
	       (int)(len > INT_MAX ? INT_MAX : len), str);
	mqtt_cb_leave(m);
	return 0;
}

/*
 * Paho tunnels every broker connection through $http_proxy (tcp://) or
 * $https_proxy (ssl://) when set, and ignores no_proxy: say so (once per
 * process: a fleet has thousands of clients), since a proxy meant for HTTP
 * usually refuses MQTT and the failure is otherwise only "cannot connect".
 */
static void warn_proxy(const char *url, int tls)
{
	static atomic_bool warned;
	const char *var = tls ? "https_proxy" : "http_proxy";
	const char *proxy = getenv(var);

	if (proxy && *proxy && !atomic_exchange(&warned, true))
		nc_warn("mqtt: paho connects to %s through $%s=%s (it ignores no_proxy); "
			"unset it if the broker is reachable directly",
			nc_mqtt_url_for_log(url), var, nc_mqtt_url_for_log(proxy));
}

/* The connect options of m into *co; with tls, m->ssl holds the TLS options co points to. */
static void connect_options(struct nc_mqtt *m, const struct nc_mqtt_opts *o, int tls,
			    MQTTAsync_connectOptions *co)
{
	MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;

	co->MQTTVersion = MQTTVERSION_3_1_1;
	co->keepAliveInterval = o->keepalive_s ? o->keepalive_s : DEFAULT_KEEPALIVE_S;
	co->cleansession = o->clean_session;
	co->maxInflight = (int)m->max_inflight;
	co->connectTimeout = CONNECT_TIMEOUT_S;
	co->retryInterval = 0;
	co->username = m->username;
	co->password = m->password;
	co->automaticReconnect = 1;
	co->minRetryInterval = RETRY_MIN_S;
	co->maxRetryInterval = RETRY_MAX_S;
	co->onFailure = on_connect_fail;
	co->context = m;
	if (tls) {
		ssl.trustStore = m->cafile;
		ssl.keyStore = m->certfile;
		ssl.privateKey = m->keyfile;
		ssl.enableServerCertAuth = 1;
		ssl.verify = 1;
		ssl.ssl_error_cb = on_ssl_error;
		ssl.ssl_error_context = m;
		m->ssl = ssl;
		co->ssl = &m->ssl;
	}
}

int mqtt_start(struct nc_mqtt *m, const struct nc_mqtt_opts *o, int tls, struct nc_errinfo *ei)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	int rc, prc;

	prc = MQTTAsync_create(&m->h, m->url, m->client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (prc != MQTTASYNC_SUCCESS) {
		m->h = NULL;
		rc = nc_fail(ei, prc == MQTTASYNC_BAD_PROTOCOL ? NC_ERR_INVAL : NC_ERR_IO, "url",
			     "cannot create an MQTT client for %s: %s", nc_mqtt_url_for_log(m->url),
			     mqtt_paho_text(prc, NULL));
		goto out;
	}
	prc = MQTTAsync_setCallbacks(m->h, m, on_connection_lost, mqtt_on_message, NULL);
	if (prc == MQTTASYNC_SUCCESS)
		prc = MQTTAsync_setConnected(m->h, m, on_connected);
	if (prc != MQTTASYNC_SUCCESS) {
		rc = nc_fail(ei, NC_ERR_IO, NULL, "cannot set the MQTT callbacks: %s",
			     mqtt_paho_text(prc, NULL));
		goto out;
	}

	connect_options(m, o, tls, &co);
	warn_proxy(m->url, tls);
	prc = MQTTAsync_connect(m->h, &co);
	if (prc != MQTTASYNC_SUCCESS) {
		rc = nc_fail(ei, mqtt_map_paho(prc) == NC_ERR_INVAL ? NC_ERR_INVAL : NC_ERR_IO,
			     "url", "cannot start connecting to %s: %s",
			     nc_mqtt_url_for_log(m->url), mqtt_paho_text(prc, NULL));
		goto out;
	}
	rc = 0;
out:
	return rc;
}

void mqtt_disconnect(struct nc_mqtt *m)
{
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
	struct timespec deadline;

	d.timeout = DISCONNECT_GRACE_MS;
	d.onSuccess = on_disconnect_done;
	d.onFailure = on_disconnect_fail;
	d.context = m;
	if (MQTTAsync_disconnect(m->h, &d) == MQTTASYNC_SUCCESS) {
		nc_time_mono_deadline(DISCONNECT_WAIT_MS, &deadline);
		pthread_mutex_lock(&m->lock);
		while (!m->disconnect_done) {
			if (pthread_cond_timedwait(&m->state_cv, &m->lock, &deadline) == ETIMEDOUT)
				break;
		}
		pthread_mutex_unlock(&m->lock);
	}
}
