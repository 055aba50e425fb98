/* SPDX-License-Identifier: MIT */
/*
 * The MQTT floor of a Sync Now: mqtt_floor measures it with paho MQTTAsync
 * (mqtt_floor.c), mosq_floor with libmosquitto (mosq_floor.c), each directly
 * and with nothing of netctl's; this file and floor_round.c are what both
 * share, so the two make the very same round trips.
 *
 * One "core" connection publishes N batch-sized QoS 1 messages, one to each
 * of N "devices" (VSR/F00001/batch ...), with at most W unacknowledged at a
 * time; each device answers on VSR/Fnnnnn/confirm with a confirmation-sized
 * QoS 1 message; the core counts the distinct confirmations. A round is the
 * wall time from the first publish to the N-th confirmation. No JSON, no
 * hashing, no store: what is left is what the broker and the library cost,
 * which is what netctl cannot go below on the same broker.
 *
 * Fair to netctl, on purpose:
 * - processes: two, as netctl has (serve; the fleet): the core in this
 *   process, the devices in a child forked before the library starts. paho
 *   runs every client of a process on the same two threads, so one process
 *   for both sides would serialize what netctl spreads over two cores (it
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
 *   given to the library as its own in-flight limit.
 * - protocol: MQTT 3.1.1, QoS 1, not retained; the core's session is
 *   persistent (cleansession 0, as serve's), the devices' clean; keepalive
 *   30 s; TCP_NODELAY on every socket.
 * - sizes: -b and -c; bench/run passes the size of a real batch of the
 *   netctl run and of a real confirmation.
 *
 * Usage: PROG -u URL -n N [-k K] [-w W] [-b BYTES] [-c BYTES]
 *        [-r ROUNDS] [-t SECONDS]
 * Prints "floor n N connections 1+K window W batch B confirm C", one line
 * per round, "round R SECONDS" (round 0 is the warm-up), then "rss_kb CORE
 * DEVICES" (each process's peak, KB); exit 0, or 1 with the reason on stderr
 * when something fails or a round misses its deadline (-t, default 30 s).
 * Connecting and subscribing must take less than 10 s.
 *
 * A burst instead: PROG -u URL -f FILE [-w W] [-t SECONDS] publishes each
 * line of FILE, "TOPIC PAYLOAD" (the first space separates them), once at
 * QoS 1 from the core connection through the window of W, and prints
 * "burst MESSAGES SECONDS": from the first publish to the last PUBACK
 * (within -t). Nothing answers; no devices' process. bench/run feeds serve
 * heartbeats this way (`bench: ingest').
 */
#include "floor.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

	if (!floor_connect_all(f, f->devs, f->nconns) || write(ready, &c, 1) != 1)
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
		f->client->stop(&f->devs[k]);
	if (ret != 0)
		fprintf(stderr, "%s: devices: %s\n", f->client->prog,
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

static int usage(const struct floor *f)
{
	fprintf(stderr,
		"usage: %s -u URL -n N [-k CONNECTIONS] [-w WINDOW] [-b BATCH_BYTES] "
		"[-c CONFIRM_BYTES] [-r ROUNDS] [-t SECONDS]\n"
		"       %s -u URL -f FILE [-w WINDOW] [-t SECONDS]\n",
		f->client->prog, f->client->prog);
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

/* The options into f, *rounds and *timeout_s: 0, or usage()'s status after saying why. */
static int options(struct floor *f, int argc, char **argv, unsigned long *rounds,
		   unsigned long *timeout_s, const char **file)
{
	unsigned long v;
	int opt;
	bool ok;

	while ((opt = getopt(argc, argv, "u:n:k:w:b:c:r:t:f:")) != -1) {
		ok = true;
		switch (opt) {
		case 'u':
			f->url = optarg;
			break;
		case 'n':
			ok = number(optarg, 1, MAX_DEVICES, &v);
			f->n = v;
			break;
		case 'k':
			ok = number(optarg, 1, 1024, &v);
			f->nconns = (unsigned)v;
			break;
		case 'w':
			ok = number(optarg, 1, 65535, &v);
			f->window = (unsigned)v;
			break;
		case 'b':
			ok = number(optarg, 1, 1 << 20, &v);
			f->batch_len = v;
			break;
		case 'c':
			ok = number(optarg, 1, 1 << 20, &v);
			f->confirm_len = v;
			break;
		case 'r':
			ok = number(optarg, 1, 100, rounds);
			break;
		case 't':
			ok = number(optarg, 1, 3600, timeout_s);
			break;
		case 'f':
			*file = optarg;
			break;
		default:
			return usage(f);
		}
		if (!ok) {
			fprintf(stderr, "%s: -%c `%s' is out of range\n", f->client->prog, opt,
				optarg);
			return usage(f);
		}
	}
	if (!f->url || (f->n == 0) == !*file || optind != argc)
		return usage(f);
	if (f->nconns > f->n)
		f->nconns = (unsigned)f->n;
	return 0;
}

/* The payloads, the per-device state and the connections' filters of f->n devices on
 * f->nconns shards (device i on shard i mod K); -1 when memory runs out (main frees). */
static int prepare(struct floor *f)
{
	f->batch = malloc(f->batch_len);
	f->confirm = malloc(f->confirm_len);
	f->seen = calloc(f->n, 1);
	f->devs = calloc(f->nconns, sizeof(*f->devs));
	f->core.filters = calloc(1, TOPIC_MAX);
	if (!f->batch || !f->confirm || !f->seen || !f->devs || !f->core.filters)
		return -1;
	memset(f->batch, 'x', f->batch_len);
	memset(f->confirm, 'x', f->confirm_len);

	/* The core: one connection, the wildcard confirm filter. */
	f->core.core = true;
	snprintf(f->core.id, sizeof(f->core.id), "floor-core-%ld", (long)getpid());
	snprintf(f->core.filters[0], TOPIC_MAX, "VSR/+/confirm");
	f->core.nfilters = 1;
	/* The devices: device i on shard i mod K, an exact filter per device. */
	for (unsigned k = 0; k < f->nconns; k++) {
		struct conn *c = &f->devs[k];
		size_t per = (f->n + f->nconns - 1) / f->nconns;

		snprintf(c->id, sizeof(c->id), "floor-dev-%ld-%u", (long)getpid(), k);
		c->filters = calloc(per, TOPIC_MAX);
		c->wcap = per;
		c->waiting = calloc(c->wcap, sizeof(*c->waiting));
		if (!c->filters || !c->waiting)
			return -1;
	}
	for (size_t i = 0; i < f->n; i++) {
		struct conn *c = &f->devs[i % f->nconns];

		snprintf(c->filters[c->nfilters++], TOPIC_MAX, "VSR/F%05zu/batch/#", i + 1);
	}
	return 0;
}

/* Frees what prepare() allocated, however far it came. */
static void release(struct floor *f)
{
	for (unsigned k = 0; f->devs && k < f->nconns; k++) {
		free(f->devs[k].filters);
		free(f->devs[k].waiting);
	}
	free(f->core.filters);
	free(f->devs);
	free(f->seen);
	free(f->batch);
	free(f->confirm);
}

/* Connects the core, waits for the devices (ready_fd: the read end of their readiness pipe)
 * and runs the warm-up and the rounds of at most timeout_s seconds each, printing the header
 * and each round; 0, or -1 with f->failure set. */
static int measure(struct floor *f, int ready_fd, unsigned long rounds, unsigned long timeout_s)
{
	double secs;

	if (!floor_connect_all(f, &f->core, 1))
		return -1;
	if (!devices_ready(ready_fd)) {
		floor_fail(f, "the devices did not connect and subscribe within %d s", CONNECT_S);
		return -1;
	}
	printf("floor n %zu connections 1+%u window %u batch %zu confirm %zu\n", f->n, f->nconns,
	       f->window, f->batch_len, f->confirm_len);
	for (unsigned long r = 0; r <= rounds; r++) {
		if (floor_round(f, (double)timeout_s, &secs) < 0)
			return -1;
		printf("round %lu %.3f\n", r, secs);
		fflush(stdout);
	}
	return 0;
}

/* Stops the core, closes *stop_fd (the devices' EOF: they disconnect and exit; set to -1),
 * joins the reaper thread, then prints the peak RSS of both processes, or the failure on
 * stderr; measured is measure()'s result. The exit status: 0, or 1 when either side failed. */
static int finish(struct floor *f, struct reaper *rp, pthread_t reaper, int *stop_fd, int measured)
{
	struct rusage ru;
	int ret = measured == 0 ? 0 : 1;

	f->client->stop(&f->core);
	pthread_mutex_lock(&f->lock);
	rp->stopping = true;
	pthread_mutex_unlock(&f->lock);
	close(*stop_fd);
	*stop_fd = -1;
	pthread_join(reaper, NULL);
	if (ret == 0 && !(WIFEXITED(rp->status) && WEXITSTATUS(rp->status) == 0)) {
		ret = 1;
		floor_fail(f, "the devices' process failed");
	}
	if (ret == 0) {
		getrusage(RUSAGE_SELF, &ru);
		printf("rss_kb %ld %ld\n", ru.ru_maxrss, rp->ru.ru_maxrss);
	} else if (f->failure[0]) {
		fprintf(stderr, "%s: %s\n", f->client->prog, f->failure);
	}
	return ret;
}

/* Reads file into f->burst, a message a line: "TOPIC PAYLOAD" (the first space separates
 * them, empty lines are skipped; the file ends at its first NUL byte, if any); 0, or -1
 * having said why on stderr. What it allocated is f->burst's either way. */
static int load_burst(struct floor *f, const char *file)
{
	struct burst *b = &f->burst;
	FILE *in = fopen(file, "r");
	size_t len, cap = 0, lines = 0;
	ssize_t got;
	char *p, *end, *sp;
	int ret = -1;

	if (!in) {
		fprintf(stderr, "%s: %s: %s\n", f->client->prog, file, strerror(errno));
		return -1;
	}
	/* getdelim with NUL as delimiter: the whole file, NUL-terminated when got >= 0; at an
	 * empty file it returns -1 and leaves b->text unterminated. */
	got = getdelim(&b->text, &cap, '\0', in);
	if (got < 0 && ferror(in))
		goto bad;
	len = got > 0 ? strnlen(b->text, (size_t)got) : 0;
	for (size_t i = 0; i < len; i++)
		lines += b->text[i] == '\n';
	b->topic = calloc(lines + 1, sizeof(*b->topic));
	b->payload = calloc(lines + 1, sizeof(*b->payload));
	if (!b->topic || !b->payload)
		goto bad;
	for (p = b->text; p && p < b->text + len; p = end + 1) {
		end = strchr(p, '\n');
		end = end ? end : b->text + len;
		*end = '\0';
		if (p == end)
			continue;
		sp = strchr(p, ' ');
		if (!sp || sp == p) {
			fprintf(stderr, "%s: %s: line %zu is not \"TOPIC PAYLOAD\"\n",
				f->client->prog, file, b->n + 1);
			goto out;
		}
		*sp = '\0';
		b->topic[b->n] = p;
		b->payload[b->n++] = sp + 1;
	}
	ret = b->n ? 0 : -1;
	if (ret < 0)
		fprintf(stderr, "%s: %s: no message to publish\n", f->client->prog, file);
	goto out;
bad:
	fprintf(stderr, "%s: %s: cannot read it (%s)\n", f->client->prog, file, strerror(errno));
out:
	fclose(in);
	return ret;
}

/* -f: the burst of file from the core connection alone; prints "burst MESSAGES SECONDS".
 * The exit status: 0, or 1 with the reason on stderr. */
static int run_burst(struct floor *f, const char *file, unsigned long timeout_s)
{
	double secs;
	int ret = 1;

	f->core.core = true;
	snprintf(f->core.id, sizeof(f->core.id), "floor-burst-%ld", (long)getpid());
	if (load_burst(f, file) == 0 && floor_connect_all(f, &f->core, 1) &&
	    floor_burst(f, (double)timeout_s, &secs) == 0) {
		printf("burst %zu %.3f\n", f->burst.n, secs);
		ret = 0;
	}
	f->client->stop(&f->core);
	if (ret != 0 && f->failure[0])
		fprintf(stderr, "%s: %s\n", f->client->prog, f->failure);
	free(f->burst.topic);
	free(f->burst.payload);
	free(f->burst.text);
	return ret;
}

int floor_main(const struct floor_client *client, int argc, char **argv)
{
	struct floor f = {.client = client,
			  .nconns = DEFAULT_CONNS,
			  .window = DEFAULT_W,
			  .batch_len = DEFAULT_BATCH,
			  .confirm_len = DEFAULT_CONF};
	struct reaper rp = {.f = &f, .pid = -1};
	unsigned long rounds = 3, timeout_s = 30;
	int ready[2] = {-1, -1}, stop[2] = {-1, -1};
	const char *file = NULL;
	pthread_t reaper;
	int ret;

	pthread_mutex_init(&f.lock, NULL);
	pthread_cond_init(&f.cv, NULL);
	ret = options(&f, argc, argv, &rounds, &timeout_s, &file);
	if (ret != 0)
		return ret;
	if (file)
		return run_burst(&f, file, timeout_s);
	ret = 1;
	if (prepare(&f) < 0)
		goto nomem;

	/* Two processes, as netctl has (serve, the fleet): paho runs every client
	 * of a process on the same two threads. Forked before the library starts any. */
	if (pipe(ready) < 0 || pipe(stop) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", client->prog, strerror(errno));
		goto out;
	}
	fflush(stdout);
	rp.pid = fork();
	if (rp.pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", client->prog, strerror(errno));
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

	ret = finish(&f, &rp, reaper, &stop[1], measure(&f, ready[0], rounds, timeout_s));
	goto out;
nomem:
	fprintf(stderr, "%s: out of memory\n", client->prog);
out:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (stop[i] >= 0)
			close(stop[i]);
	}
	release(&f);
	return ret;
}
