/* SPDX-License-Identifier: MIT */
#include "mqtt.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTAsync.h>

#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/utf8.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"

#define DEFAULT_INFLIGHT    1000
#define DEFAULT_KEEPALIVE_S 30
#define CONNECT_TIMEOUT_S   10
#define RETRY_MIN_S	    1
/* Paho doubles from the minimum up to this (+-20 % jitter): a broker that
 * comes back is found within about 4 s, not the 30 s a longer cap costs. */
#define RETRY_MAX_S	    4
#define TOPIC_MAX	    65535      /* an MQTT string */
#define PAYLOAD_MAX	    268435455u /* the largest MQTT remaining length (headers included) */
#define DISCONNECT_GRACE_MS 1000       /* in-flight publishes may complete on free */
#define DISCONNECT_WAIT_MS  3000       /* then we destroy the client anyway */

/* A remembered subscription; lives until nc_mqtt_free(), so paho may hold it as a context. */
struct sub {
	struct nc_mqtt *m;
	struct sub *next;
	int qos; /* under m->lock */
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

/* Set while this thread runs one of our callbacks: publish must not wait there. */
static _Thread_local unsigned in_callback;

/* Waits on cv: forever when ms < 0, else until deadline. Returns ETIMEDOUT or 0. */
static int cv_wait(pthread_cond_t *cv, pthread_mutex_t *lock, int ms,
		   const struct timespec *deadline)
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

/* A topic name or filter: 1..65535 bytes of UTF-8 without NUL; no wildcard in a name. */
static bool valid_topic(const char *t, bool filter)
{
	size_t len;

	if (!t)
		return false;
	len = strlen(t);
	if (len == 0 || len > TOPIC_MAX || !valid_utf8(t, len))
		return false;
	return filter || strpbrk(t, "+#") == NULL;
}

static const char *paho_text(int rc, const char *message)
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

static int map_paho(int rc)
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

static bool cb_enter(struct nc_mqtt *m)
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

static void cb_leave(struct nc_mqtt *m)
{
	in_callback--;
	pthread_mutex_lock(&m->lock);
	m->active--;
	if (m->active == 0)
		pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
}

/* Subscriptions. Paho threads, except send_subscribe from nc_mqtt_subscribe. */

static void on_sub_ok(void *ctx, MQTTAsync_successData *r)
{
	struct sub *s = ctx;
	char q[NC_QUOTE_BUF];

	if (!cb_enter(s->m))
		return;
	/* 3.1.1: the granted QoS, 0x80 when the broker refused the filter. */
	if (r && r->alt.qos == 0x80)
		nc_warn("mqtt: the broker refused the subscription to %s",
			nc_quote(q, s->filter, SIZE_MAX));
	cb_leave(s->m);
}

static void on_sub_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct sub *s = ctx;
	char q[NC_QUOTE_BUF];

	if (!cb_enter(s->m))
		return;
	/* Lost with the connection: on_connected sends it again. */
	nc_debug("mqtt: subscription to %s not confirmed: %s", nc_quote(q, s->filter, SIZE_MAX),
		 paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL));
	cb_leave(s->m);
}

/* Never under m->lock: paho may call back into us. */
static int send_subscribe(struct nc_mqtt *m, struct sub *s, int qos)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	char q[NC_QUOTE_BUF];
	int rc;

	ro.onSuccess = on_sub_ok;
	ro.onFailure = on_sub_fail;
	ro.context = s;
	rc = MQTTAsync_subscribe(m->h, s->filter, qos, &ro);
	if (rc != MQTTASYNC_SUCCESS && rc != MQTTASYNC_DISCONNECTED)
		nc_warn("mqtt: cannot subscribe to %s: %s", nc_quote(q, s->filter, SIZE_MAX),
			paho_text(rc, NULL));
	return rc == MQTTASYNC_DISCONNECTED ? 0 : map_paho(rc);
}

/* Connection. Paho threads. */

/* The broker accepted a connection (the first or a reconnect). */
static void on_connected(void *ctx, char *cause)
{
	struct nc_mqtt *m = ctx;
	struct sub **todo = NULL;
	int *qos = NULL;
	size_t n = 0, i = 0;
	bool tell, again;

	if (!cb_enter(m))
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
	for (i = 0; i < n; i++)
		send_subscribe(m, todo[i], qos[i]);

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

	nc_debug("mqtt: %s to %s as %s", again ? "reconnected" : "connected", nc_mqtt_url_for_log(m->url),
		 m->client_id);
	if (tell && m->on_connection)
		m->on_connection(m->arg, true);
	free(todo);
	free(qos);
	cb_leave(m);
}

static void on_connect_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct nc_mqtt *m = ctx;
	unsigned streak;
	const char *why;
	bool closing;

	if (!cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	streak = m->fail_streak++;
	closing = m->closing;
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
	why = paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL);
	/* Paho retries with backoff; say it once per outage, and not when we stop it. */
	if (!closing && streak == 0)
		nc_warn("mqtt: cannot connect to %s: %s; retrying", nc_mqtt_url_for_log(m->url), why);
	else if (!closing)
		nc_debug("mqtt: cannot connect to %s: %s (attempt %u)", nc_mqtt_url_for_log(m->url), why,
			 streak + 1);
	cb_leave(m);
}

static void on_connection_lost(void *ctx, char *cause)
{
	struct nc_mqtt *m = ctx;
	bool tell;

	if (!cb_enter(m))
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
	cb_leave(m);
}

static int on_message_arrived(void *ctx, char *topic, int topic_len, MQTTAsync_message *msg)
{
	struct nc_mqtt *m = ctx;
	bool tell, bad;

	if (!cb_enter(m))
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
	cb_leave(m);
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

	if (!cb_enter(m))
		return;
	release_slot(m, true);
	cb_leave(m);
}

static void on_pub_fail(void *ctx, MQTTAsync_failureData *r)
{
	struct nc_mqtt *m = ctx;

	if (!cb_enter(m))
		return;
	nc_debug("mqtt: a QoS 1 publish was dropped unacknowledged: %s",
		 paho_text(r ? r->code : MQTTASYNC_FAILURE, r ? r->message : NULL));
	release_slot(m, false);
	cb_leave(m);
}

static void on_disconnect_done(void *ctx, MQTTAsync_successData *r)
{
	struct nc_mqtt *m = ctx;

	if (!cb_enter(m))
		return;
	pthread_mutex_lock(&m->lock);
	m->disconnect_done = true;
	pthread_cond_broadcast(&m->state_cv);
	pthread_mutex_unlock(&m->lock);
	cb_leave(m);
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

	if (!cb_enter(m))
		return 0;
	pthread_mutex_lock(&m->lock);
	first = m->fail_streak == 0;
	pthread_mutex_unlock(&m->lock);
	while (len > 0 && (str[len - 1] == '\n' || str[len - 1] == '\r'))
		len--;
	nc_log(first ? NC_LOG_WARN : NC_LOG_DEBUG, "mqtt: TLS: %.*s",
	       (int)(len > INT_MAX ? INT_MAX : len), str);
	cb_leave(m);
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

int nc_mqtt_new(const struct nc_mqtt_opts *o, struct nc_mqtt **out, struct nc_errinfo *ei)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
	struct nc_mqtt *m = NULL;
	char rnd[17];
	int tls, rc, prc;

	*out = NULL;
	tls = o->url ? nc_mqtt_url_scheme(o->url) : -1;
	if (tls < 0) {
		rc = nc_fail(ei, NC_ERR_INVAL, "url",
			     "the broker URL must start with tcp://, mqtt://, ssl:// or mqtts://");
		goto out;
	}
	if (!o->clean_session && (!o->client_id || !*o->client_id)) {
		rc = nc_fail(ei, NC_ERR_INVAL, "client_id",
			     "a persistent session needs a fixed client id");
		goto out;
	}
	if (o->client_id && strlen(o->client_id) > TOPIC_MAX) {
		rc = nc_fail(ei, NC_ERR_INVAL, "client_id", "the client id is too long");
		goto out;
	}
	if (o->max_inflight > 65535) {
		rc = nc_fail(ei, NC_ERR_INVAL, "max_inflight",
			     "the in-flight window is at most 65535 (MQTT packet ids)");
		goto out;
	}
	if (o->keepalive_s < 0 || o->keepalive_s > 65535) {
		rc = nc_fail(ei, NC_ERR_INVAL, "keepalive_s", "the keepalive is 0..65535 seconds");
		goto out;
	}

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

	prc = MQTTAsync_create(&m->h, m->url, m->client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (prc != MQTTASYNC_SUCCESS) {
		m->h = NULL;
		rc = nc_fail(ei, prc == MQTTASYNC_BAD_PROTOCOL ? NC_ERR_INVAL : NC_ERR_IO, "url",
			     "cannot create an MQTT client for %s: %s", nc_mqtt_url_for_log(m->url),
			     paho_text(prc, NULL));
		goto out;
	}
	prc = MQTTAsync_setCallbacks(m->h, m, on_connection_lost, on_message_arrived, NULL);
	if (prc == MQTTASYNC_SUCCESS)
		prc = MQTTAsync_setConnected(m->h, m, on_connected);
	if (prc != MQTTASYNC_SUCCESS) {
		rc = nc_fail(ei, NC_ERR_IO, NULL, "cannot set the MQTT callbacks: %s",
			     paho_text(prc, NULL));
		goto out;
	}

	co.MQTTVersion = MQTTVERSION_3_1_1;
	co.keepAliveInterval = o->keepalive_s ? o->keepalive_s : DEFAULT_KEEPALIVE_S;
	co.cleansession = o->clean_session;
	co.maxInflight = (int)m->max_inflight;
	co.connectTimeout = CONNECT_TIMEOUT_S;
	co.retryInterval = 0;
	co.username = m->username;
	co.password = m->password;
	co.automaticReconnect = 1;
	co.minRetryInterval = RETRY_MIN_S;
	co.maxRetryInterval = RETRY_MAX_S;
	co.onFailure = on_connect_fail;
	co.context = m;
	if (tls) {
		ssl.trustStore = m->cafile;
		ssl.keyStore = m->certfile;
		ssl.privateKey = m->keyfile;
		ssl.enableServerCertAuth = 1;
		ssl.verify = 1;
		ssl.ssl_error_cb = on_ssl_error;
		ssl.ssl_error_context = m;
		m->ssl = ssl;
		co.ssl = &m->ssl;
	}
	warn_proxy(m->url, tls);
	prc = MQTTAsync_connect(m->h, &co);
	if (prc != MQTTASYNC_SUCCESS) {
		rc = nc_fail(ei, map_paho(prc) == NC_ERR_INVAL ? NC_ERR_INVAL : NC_ERR_IO, "url",
			     "cannot start connecting to %s: %s", nc_mqtt_url_for_log(m->url),
			     paho_text(prc, NULL));
		goto out;
	}
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
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
	struct timespec deadline;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->closing = true;
	pthread_mutex_unlock(&m->lock);

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
	/* Stops reconnecting; may call our callbacks on this thread for queued commands. */
	MQTTAsync_destroy(&m->h);

	pthread_mutex_lock(&m->lock);
	m->dead = true;
	while (m->active > 0)
		pthread_cond_wait(&m->state_cv, &m->lock);
	pthread_mutex_unlock(&m->lock);
	destroy(m);
}

/* Operations. */

int nc_mqtt_subscribe(struct nc_mqtt *m, const char *filter, int qos)
{
	struct sub *s;
	bool now;
	int rc;

	if (!valid_topic(filter, true) || qos < 0 || qos > 2) {
		rc = NC_ERR_INVAL;
		goto out;
	}
	pthread_mutex_lock(&m->lock);
	for (s = m->subs; s; s = s->next) {
		if (strcmp(s->filter, filter) == 0)
			break;
	}
	if (s) {
		s->qos = qos;
	} else {
		size_t len = strlen(filter);

		s = nc_xmalloc(sizeof(*s) + len + 1);
		s->m = m;
		s->qos = qos;
		memcpy(s->filter, filter, len + 1);
		s->next = m->subs;
		m->subs = s;
	}
	/* Before the CONNACK, on_connected sends it with the others. */
	now = m->session_up;
	pthread_mutex_unlock(&m->lock);
	rc = now ? send_subscribe(m, s, qos) : 0;
out:
	return rc;
}

int nc_mqtt_publish(struct nc_mqtt *m, const char *topic, const void *payload, size_t len, int qos,
		    int timeout_ms)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	struct timespec deadline;
	int rc, prc;

	if (!valid_topic(topic, false) || (qos != 0 && qos != 1) || (len > 0 && !payload)) {
		rc = NC_ERR_INVAL;
		goto out;
	}
	if (len > PAYLOAD_MAX - TOPIC_MAX - 4) {
		rc = NC_ERR_TOOBIG;
		goto out;
	}
	if (in_callback)
		timeout_ms = 0;
	if (timeout_ms > 0)
		nc_time_mono_deadline(timeout_ms, &deadline);

	pthread_mutex_lock(&m->lock);
	rc = m->connected ? 0 : NC_ERR_UNREACHABLE;
	while (rc == 0 && qos == 1 && m->st.inflight >= m->max_inflight) {
		if (timeout_ms == 0) {
			rc = NC_ERR_TIMEOUT;
		} else if (cv_wait(&m->window_cv, &m->lock, timeout_ms, &deadline) == ETIMEDOUT) {
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
	rc = map_paho(prc);
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
		    cv_wait(&m->state_cv, &m->lock, timeout_ms, &deadline) == ETIMEDOUT)
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
		if (cv_wait(&m->state_cv, &m->lock, timeout_ms, &deadline) == ETIMEDOUT)
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
