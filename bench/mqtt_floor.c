/* SPDX-License-Identifier: MIT */
/*
 * mqtt_floor: the MQTT floor of a Sync Now, measured with paho MQTTAsync
 * directly and nothing of netctl's but the TCP_NODELAY socket wrap
 * (lib/mqtt/nodelay.c, linked like netctl: see the Makefile).
 *
 * One "core" connection publishes N batch-sized QoS 1 messages, one to each
 * of N "devices" (VSR/F00001/batch ...), with at most W unacknowledged at a
 * time; each device answers on VSR/Fnnnnn/confirm with a confirmation-sized
 * QoS 1 message; the core counts the distinct confirmations. A round is the
 * wall time from the first publish to the N-th confirmation. No JSON, no
 * hashing, no store: what is left is what the broker and paho cost, which is
 * what netctl cannot go below on the same broker.
 *
 * Fair to netctl, on purpose:
 * - processes: two, as netctl has (serve; the fleet): the core in this
 *   process, the devices in a child forked before paho starts. paho runs
 *   every client of a process on the same two threads, so one process for
 *   both sides would serialize what netctl spreads over two cores (it
 *   measured about twice as slow here).
 * - connections: 1 for the core (netctl serve has one) and K = 8 for the
 *   devices, because `netctl agent --fleet N` shards its devices over 8
 *   connections by default (lib/agent/fleet.c, DEFAULT_CONNECTIONS; device
 *   i on connection i mod K). Each device connection subscribes to the exact
 *   batch filter of each of its devices (VSR/Fnnnnn/batch/#) as the fleet
 *   does, so the broker routes each batch once, through N subscriptions;
 *   the core subscribes to the wildcard VSR/+/confirm as serve does.
 * - window: W = 1000 unacknowledged QoS 1 publishes per connection, the
 *   default of lib/mqtt (DEFAULT_INFLIGHT), which the core and the fleet
 *   both use; counted as nc_mqtt does (from the send to the PUBACK), and
 *   given to paho as maxInflight like nc_mqtt does.
 * - protocol: MQTT 3.1.1, QoS 1, not retained; the core's session is
 *   persistent (cleansession 0, as serve's), the devices' clean; keepalive
 *   30 s; TCP_NODELAY on every socket.
 * - sizes: -b and -c; bench/run passes the size of a real batch of the
 *   netctl run and of a real confirmation.
 *
 * Usage: mqtt_floor -u URL -n N [-k K] [-w W] [-b BYTES] [-c BYTES]
 *        [-r ROUNDS] [-t SECONDS]
 * Prints "floor n N connections 1+K window W batch B confirm C", one line
 * per round, "round R SECONDS" (round 0 is the warm-up), then "rss_kb CORE
 * DEVICES" (each process's peak, KB); exit 0, or 1 with the reason on stderr
 * when something fails or a round misses its deadline (-t, default 30 s).
 * Connecting and subscribing must take less than 10 s.
 */
#include <MQTTAsync.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	unsigned core_inflight;
	size_t confirmed;     /* distinct confirmations this round */
	unsigned char *seen;  /* per device, this round */
	struct timespec done; /* when the N-th confirmation came */
	char failure[256];    /* first failure; empty while all is well */
};

/* Records the first failure and wakes every waiter. */
__attribute__((format(printf, 2, 3))) static void fail(struct floor *f, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&f->lock);
	if (!f->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(f->failure, sizeof(f->failure), fmt, ap);
		va_end(ap);
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->lock);
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Waits on f->cv until *pred(f) or a failure or the deadline; f->lock held. */
static bool wait_for(struct floor *f, bool (*pred)(const struct floor *), const struct timespec *dl)
{
	while (!pred(f) && !f->failure[0])
		if (pthread_cond_timedwait(&f->cv, &f->lock, dl) == ETIMEDOUT)
			break;
	return pred(f) && !f->failure[0];
}

/* What wait_for() waits for. */
static bool all_up(const struct floor *f)
{
	return f->up == f->want_up;
}

static bool subscribed(const struct floor *f)
{
	return f->subs_pending == 0;
}

static bool all_confirmed(const struct floor *f)
{
	return f->confirmed == f->n;
}

static bool window_open(const struct floor *f)
{
	return f->core_inflight < f->window;
}

/* The device index of "VSR/F00042/..." (0-based), or SIZE_MAX. */
static size_t device_of(const struct floor *f, const char *topic)
{
	char *end;
	unsigned long v;

	if (strncmp(topic, "VSR/F", 5) != 0)
		return SIZE_MAX;
	v = strtoul(topic + 5, &end, 10);
	if (*end != '/' || v == 0 || v > f->n)
		return SIZE_MAX;
	return (size_t)v - 1;
}

/*
 * A QoS 1 publish; paho's code. Our window never lets more than W be
 * unacknowledged, so paho (maxInflight W) holds nothing back: any refusal,
 * MQTTASYNC_MAX_MESSAGES_INFLIGHT included, is a failure, as in nc_mqtt.
 */
static int send_qos1(MQTTAsync h, const char *topic, char *payload, size_t len,
		     MQTTAsync_onSuccess *ok, MQTTAsync_onFailure *ko, void *ctx)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	MQTTAsync_message m = MQTTAsync_message_initializer;

	m.payload = payload;
	m.payloadlen = (int)len;
	m.qos = 1;
	ro.onSuccess = ok;
	ro.onFailure = ko;
	ro.context = ctx;
	return MQTTAsync_sendMessage(h, topic, &m, &ro);
}

static void pub_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	fail(c->f, "%s: a QoS 1 publish failed (paho code %d)", c->id, r ? r->code : 0);
}

/* Core: a batch was acknowledged by the broker; the window opens by one. */
static void batch_acked(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	pthread_mutex_lock(&c->f->lock);
	c->f->core_inflight--;
	pthread_cond_broadcast(&c->f->cv);
	pthread_mutex_unlock(&c->f->lock);
}

static void send_confirm(struct conn *c, uint32_t dev);

/* Device shard: a confirmation was acknowledged; the next waiting one goes. */
static void confirm_acked(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;
	uint32_t next = 0;
	bool have;

	pthread_mutex_lock(&c->lock);
	have = c->wlen > 0;
	if (have) {
		next = c->waiting[c->whead];
		c->whead = (c->whead + 1) % c->wcap;
		c->wlen--;
	} else {
		c->inflight--;
	}
	pthread_mutex_unlock(&c->lock);
	if (have)
		send_confirm(c, next); /* takes over the slot just freed */
}

/* Publishes dev's confirmation; its window slot is already taken. */
static void send_confirm(struct conn *c, uint32_t dev)
{
	char topic[TOPIC_MAX];
	int rc;

	snprintf(topic, sizeof(topic), "VSR/F%05" PRIu32 "/confirm", dev + 1);
	rc = send_qos1(c->h, topic, c->f->confirm, c->f->confirm_len, confirm_acked, pub_failed, c);
	if (rc != MQTTASYNC_SUCCESS)
		fail(c->f, "%s: confirmation not sent (paho code %d)", c->id, rc);
}

/* Device shard: a batch arrived; answer now, or queue for the window. */
static void on_batch(struct conn *c, size_t dev)
{
	bool now;

	pthread_mutex_lock(&c->lock);
	now = c->inflight < c->f->window;
	if (now) {
		c->inflight++;
	} else if (c->wlen == c->wcap) {
		pthread_mutex_unlock(&c->lock);
		fail(c->f, "%s: more than %zu confirmations queued", c->id, c->wcap);
		return;
	} else {
		c->waiting[(c->whead + c->wlen) % c->wcap] = (uint32_t)dev;
		c->wlen++;
	}
	pthread_mutex_unlock(&c->lock);
	if (now)
		send_confirm(c, (uint32_t)dev);
}

/* Core: a confirmation arrived; a duplicate (QoS 1 may repeat) is not counted. */
static void on_confirm(struct floor *f, size_t dev)
{
	pthread_mutex_lock(&f->lock);
	if (f->seen && !f->seen[dev]) {
		f->seen[dev] = 1;
		if (++f->confirmed == f->n) {
			clock_gettime(CLOCK_MONOTONIC, &f->done);
			pthread_cond_broadcast(&f->cv);
		}
	}
	pthread_mutex_unlock(&f->lock);
}

static int on_message(void *ctx, char *topic, int topic_len, MQTTAsync_message *m)
{
	struct conn *c = ctx;
	size_t dev = device_of(c->f, topic);

	if (dev == SIZE_MAX)
		fail(c->f, "%s: unexpected topic %s", c->id, topic);
	else if (c->core)
		on_confirm(c->f, dev);
	else
		on_batch(c, dev);
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	return 1;
}

static void on_lost(void *ctx, char *cause)
{
	struct conn *c = ctx;

	fail(c->f, "%s: connection lost (%s)", c->id, cause ? cause : "no cause given");
}

static void subscribed_one(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	pthread_mutex_lock(&c->f->lock);
	c->f->subs_pending--;
	pthread_cond_broadcast(&c->f->cv);
	pthread_mutex_unlock(&c->f->lock);
}

static void subscribe_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	fail(c->f, "%s: SUBSCRIBE refused (paho code %d)", c->id, r ? r->code : 0);
}

/* Sends the connection's SUBSCRIBEs, SUB_CHUNK filters each. */
static void subscribe_all(struct conn *c)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	char *topics[SUB_CHUNK];
	int qos[SUB_CHUNK];
	int rc;

	ro.onSuccess = subscribed_one;
	ro.onFailure = subscribe_failed;
	ro.context = c;
	for (size_t i = 0; i < c->nfilters; i += SUB_CHUNK) {
		size_t k = c->nfilters - i < SUB_CHUNK ? c->nfilters - i : SUB_CHUNK;

		for (size_t j = 0; j < k; j++) {
			topics[j] = c->filters[i + j];
			qos[j] = 1;
		}
		rc = MQTTAsync_subscribeMany(c->h, (int)k, topics, qos, &ro);
		if (rc != MQTTASYNC_SUCCESS) {
			fail(c->f, "%s: SUBSCRIBE not sent (paho code %d)", c->id, rc);
			return;
		}
	}
}

static void connected(void *ctx, MQTTAsync_successData *r)
{
	struct conn *c = ctx;

	subscribe_all(c);
	pthread_mutex_lock(&c->f->lock);
	c->f->up++;
	pthread_cond_broadcast(&c->f->cv);
	pthread_mutex_unlock(&c->f->lock);
}

static void connect_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct conn *c = ctx;

	fail(c->f, "%s: cannot connect to %s (paho code %d)", c->id, c->f->url, r ? r->code : 0);
}

static int conn_start(struct floor *f, struct conn *c)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	int rc;

	c->f = f;
	pthread_mutex_init(&c->lock, NULL);
	rc = MQTTAsync_create(&c->h, f->url, c->id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc == MQTTASYNC_SUCCESS)
		rc = MQTTAsync_setCallbacks(c->h, c, on_lost, on_message, NULL);
	if (rc != MQTTASYNC_SUCCESS) {
		fprintf(stderr, "mqtt_floor: %s: paho refused the client (code %d)\n", c->id, rc);
		return -1;
	}
	co.MQTTVersion = MQTTVERSION_3_1_1;
	co.keepAliveInterval = 30;
	co.cleansession = c->core ? 0 : 1;
	co.maxInflight = (int)f->window;
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

static void conn_stop(struct conn *c)
{
	MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;

	if (!c->h)
		return;
	d.timeout = 1000;
	MQTTAsync_disconnect(c->h, &d);
	MQTTAsync_destroy(&c->h);
}

static void deadline_in(struct timespec *ts, double s)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)s;
	ts->tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* One round: N batches out through the window, N confirmations back. */
static int round_run(struct floor *f, double timeout_s, double *secs)
{
	char topic[TOPIC_MAX];
	struct timespec t0, dl;
	int ret = -1, rc;

	deadline_in(&dl, timeout_s);
	pthread_mutex_lock(&f->lock);
	memset(f->seen, 0, f->n);
	f->confirmed = 0;
	pthread_mutex_unlock(&f->lock);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < f->n; i++) {
		pthread_mutex_lock(&f->lock);
		if (!wait_for(f, window_open, &dl)) {
			pthread_mutex_unlock(&f->lock);
			goto late;
		}
		f->core_inflight++;
		pthread_mutex_unlock(&f->lock);
		snprintf(topic, sizeof(topic), "VSR/F%05zu/batch", i + 1);
		rc = send_qos1(f->core.h, topic, f->batch, f->batch_len, batch_acked, pub_failed,
			       &f->core);
		if (rc != MQTTASYNC_SUCCESS) {
			fail(f, "core: batch %zu not sent (paho code %d)", i + 1, rc);
			goto late;
		}
	}
	pthread_mutex_lock(&f->lock);
	if (wait_for(f, all_confirmed, &dl)) {
		*secs = seconds(&t0, &f->done);
		ret = 0;
	}
	pthread_mutex_unlock(&f->lock);
	if (ret == 0)
		return 0;
late:
	pthread_mutex_lock(&f->lock);
	if (!f->failure[0])
		snprintf(f->failure, sizeof(f->failure), "%zu of %zu confirmations within %.0f s",
			 f->confirmed, f->n, timeout_s);
	pthread_mutex_unlock(&f->lock);
	return -1;
}

/* Waits for every connection in c[0..n) to be up and subscribed; false on failure. */
static bool connect_all(struct floor *f, struct conn *c, unsigned n)
{
	struct timespec dl;
	bool ok;

	for (unsigned k = 0; k < n; k++) {
		f->subs_pending += (c[k].nfilters + SUB_CHUNK - 1) / SUB_CHUNK;
		if (conn_start(f, &c[k]) < 0)
			return false;
	}
	deadline_in(&dl, CONNECT_S);
	pthread_mutex_lock(&f->lock);
	f->want_up = n;
	ok = wait_for(f, all_up, &dl) && wait_for(f, subscribed, &dl);
	if (!ok && !f->failure[0])
		snprintf(f->failure, sizeof(f->failure),
			 "%u of %u connections up, %zu SUBSCRIBEs unanswered after %d s", f->up, n,
			 f->subs_pending, CONNECT_S);
	pthread_mutex_unlock(&f->lock);
	return ok;
}

/*
 * The devices' process: connects and subscribes its K connections, writes
 * one byte to ready, then answers batches until stop reaches EOF (the core's
 * process closed it or died). Returns the exit status.
 */
static int run_devices(struct floor *f, int ready, int stop)
{
	struct pollfd pfd = {.fd = stop, .events = POLLIN};
	char c = 'R';
	int ret = 1;

	if (!connect_all(f, f->devs, f->nconns) || write(ready, &c, 1) != 1)
		goto out;
	close(ready);
	ready = -1;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		ret = f->failure[0] ? 1 : 0;
		pthread_mutex_unlock(&f->lock);
		if (ret != 0 || (poll(&pfd, 1, 100) > 0 && read(stop, &c, 1) <= 0))
			break;
	}
out:
	for (unsigned k = 0; k < f->nconns; k++)
		conn_stop(&f->devs[k]);
	if (ret != 0)
		fprintf(stderr, "mqtt_floor: devices: %s\n",
			f->failure[0] ? f->failure : "cannot tell the core it is ready");
	if (ready >= 0)
		close(ready);
	return ret;
}

/* The core's process: a thread that notices when the devices' process ends. */
struct reaper {
	struct floor *f;
	pid_t pid;
	bool stopping; /* under f->lock: the end is expected */
	int status;
	struct rusage ru;
};

static void *reap(void *arg)
{
	struct reaper *r = arg;

	while (wait4(r->pid, &r->status, 0, &r->ru) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&r->f->lock);
	if (!r->stopping && !r->f->failure[0])
		snprintf(r->f->failure, sizeof(r->f->failure), "the devices' process ended early");
	pthread_cond_broadcast(&r->f->cv);
	pthread_mutex_unlock(&r->f->lock);
	return NULL;
}

/* Reads the devices' ready byte within CONNECT_S; false otherwise. */
static bool devices_ready(int ready)
{
	struct pollfd pfd = {.fd = ready, .events = POLLIN};
	char c;

	return poll(&pfd, 1, CONNECT_S * 1000 + 1000) == 1 && read(ready, &c, 1) == 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: mqtt_floor -u URL -n N [-k CONNECTIONS] [-w WINDOW] "
			"[-b BATCH_BYTES] [-c CONFIRM_BYTES] [-r ROUNDS] [-t SECONDS]\n");
	return 2;
}

/* A number in [lo, hi] from s into *v; false when it is not one. */
static bool number(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno == 0 && end != s && !*end && *v >= lo && *v <= hi;
}

int main(int argc, char **argv)
{
	struct floor f = {.nconns = DEFAULT_CONNS,
			  .window = DEFAULT_W,
			  .batch_len = DEFAULT_BATCH,
			  .confirm_len = DEFAULT_CONF};
	struct reaper rp = {.f = &f, .pid = -1};
	unsigned long v, rounds = 3, timeout_s = 30;
	int ready[2] = {-1, -1}, stop[2] = {-1, -1};
	pthread_t reaper;
	struct rusage ru;
	double secs;
	int opt, ret = 1;
	bool ok;

	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cv, NULL);
	while ((opt = getopt(argc, argv, "u:n:k:w:b:c:r:t:")) != -1) {
		ok = true;
		switch (opt) {
		case 'u':
			f.url = optarg;
			break;
		case 'n':
			ok = number(optarg, 1, MAX_DEVICES, &v);
			f.n = v;
			break;
		case 'k':
			ok = number(optarg, 1, 1024, &v);
			f.nconns = (unsigned)v;
			break;
		case 'w':
			ok = number(optarg, 1, 65535, &v);
			f.window = (unsigned)v;
			break;
		case 'b':
			ok = number(optarg, 1, 1 << 20, &v);
			f.batch_len = v;
			break;
		case 'c':
			ok = number(optarg, 1, 1 << 20, &v);
			f.confirm_len = v;
			break;
		case 'r':
			ok = number(optarg, 1, 100, &rounds);
			break;
		case 't':
			ok = number(optarg, 1, 3600, &timeout_s);
			break;
		default:
			return usage();
		}
		if (!ok) {
			fprintf(stderr, "mqtt_floor: -%c `%s' is out of range\n", opt, optarg);
			return usage();
		}
	}
	if (!f.url || f.n == 0 || optind != argc)
		return usage();
	if (f.nconns > f.n)
		f.nconns = (unsigned)f.n;

	f.batch = malloc(f.batch_len);
	f.confirm = malloc(f.confirm_len);
	f.seen = calloc(f.n, 1);
	f.devs = calloc(f.nconns, sizeof(*f.devs));
	f.core.filters = calloc(1, TOPIC_MAX);
	if (!f.batch || !f.confirm || !f.seen || !f.devs || !f.core.filters)
		goto nomem;
	memset(f.batch, 'x', f.batch_len);
	memset(f.confirm, 'x', f.confirm_len);

	/* The core: one connection, the wildcard confirm filter. */
	f.core.core = true;
	snprintf(f.core.id, sizeof(f.core.id), "floor-core-%ld", (long)getpid());
	snprintf(f.core.filters[0], TOPIC_MAX, "VSR/+/confirm");
	f.core.nfilters = 1;
	/* The devices: device i on shard i mod K, an exact filter per device. */
	for (unsigned k = 0; k < f.nconns; k++) {
		struct conn *c = &f.devs[k];
		size_t per = (f.n + f.nconns - 1) / f.nconns;

		snprintf(c->id, sizeof(c->id), "floor-dev-%ld-%u", (long)getpid(), k);
		c->filters = calloc(per, TOPIC_MAX);
		c->wcap = per;
		c->waiting = calloc(c->wcap, sizeof(*c->waiting));
		if (!c->filters || !c->waiting)
			goto nomem;
	}
	for (size_t i = 0; i < f.n; i++) {
		struct conn *c = &f.devs[i % f.nconns];

		snprintf(c->filters[c->nfilters++], TOPIC_MAX, "VSR/F%05zu/batch/#", i + 1);
	}

	/* Two processes, as netctl has (serve, the fleet): paho runs every client
	 * of a process on the same two threads. Forked before paho starts any. */
	if (pipe(ready) < 0 || pipe(stop) < 0) {
		perror("mqtt_floor: pipe");
		goto out;
	}
	fflush(stdout);
	rp.pid = fork();
	if (rp.pid < 0) {
		perror("mqtt_floor: fork");
		goto out;
	}
	if (rp.pid == 0) {
		close(ready[0]);
		close(stop[1]);
		_exit(run_devices(&f, ready[1], stop[0]));
	}
	close(ready[1]);
	close(stop[0]);
	ready[1] = stop[0] = -1;
	pthread_create(&reaper, NULL, reap, &rp);

	if (!connect_all(&f, &f.core, 1))
		goto stop;
	if (!devices_ready(ready[0])) {
		fail(&f, "the devices did not connect and subscribe within %d s", CONNECT_S);
		goto stop;
	}
	printf("floor n %zu connections 1+%u window %u batch %zu confirm %zu\n", f.n, f.nconns,
	       f.window, f.batch_len, f.confirm_len);
	for (unsigned long r = 0; r <= rounds; r++) {
		if (round_run(&f, (double)timeout_s, &secs) < 0)
			goto stop;
		printf("round %lu %.3f\n", r, secs);
		fflush(stdout);
	}
	ret = 0;
stop:
	conn_stop(&f.core);
	pthread_mutex_lock(&f.lock);
	rp.stopping = true;
	pthread_mutex_unlock(&f.lock);
	close(stop[1]); /* EOF: the devices disconnect and exit */
	stop[1] = -1;
	pthread_join(reaper, NULL);
	if (ret == 0 && !(WIFEXITED(rp.status) && WEXITSTATUS(rp.status) == 0)) {
		ret = 1;
		fail(&f, "the devices' process failed");
	}
	if (ret == 0) {
		getrusage(RUSAGE_SELF, &ru);
		printf("rss_kb %ld %ld\n", ru.ru_maxrss, rp.ru.ru_maxrss);
	} else if (f.failure[0]) {
		fprintf(stderr, "mqtt_floor: %s\n", f.failure);
	}
	goto out;
nomem:
	fprintf(stderr, "mqtt_floor: out of memory\n");
out:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (stop[i] >= 0)
			close(stop[i]);
	}
	for (unsigned k = 0; f.devs && k < f.nconns; k++) {
		free(f.devs[k].filters);
		free(f.devs[k].waiting);
	}
	free(f.core.filters);
	free(f.devs);
	free(f.seen);
	free(f.batch);
	free(f.confirm);
	return ret;
}
