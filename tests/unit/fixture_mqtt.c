/* SPDX-License-Identifier: MIT */
/*
 * The MQTT fixture (fixture_mqtt.h): a real mosquitto on a free loopback
 * port, configured as the project ships it, started and killed per test (and
 * dying with this process: PR_SET_PDEATHSIG); clients of it reporting into
 * inboxes; polling against a deadline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture_mqtt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/mqtt/mqtt.h"
#include "../../lib/util/err.h"
#include "../../lib/util/log.h"

static char mosquitto[512]; /* its path, "" when not installed */

/* Time. */

int64_t fx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fx_pause_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Polls pred(arg) every 2 ms until it holds or ms pass. */
bool fx_poll_until(bool (*pred)(void *), void *arg, int ms)
{
	int64_t end = fx_now_ns() + (int64_t)ms * 1000000;

	while (!pred(arg)) {
		if (fx_now_ns() > end)
			return false;
		fx_pause_ms(2);
	}
	return true;
}

static bool find_mosquitto(void)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	char *save = NULL;

	/* Debian installs it in /usr/sbin, which a user's PATH may lack. */
	snprintf(dirs, sizeof(dirs), "%s:/usr/sbin:/sbin:/usr/local/sbin", path ? path : "");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(mosquitto, sizeof(mosquitto), "%s/mosquitto", d);
		if (*d && access(mosquitto, X_OK) == 0)
			return true;
	}
	mosquitto[0] = '\0';
	return false;
}

/* A loopback port nobody listens on now. */
int fx_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool port_listens(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void print_log(const struct fx_broker *b)
{
	char line[512];
	FILE *f = fopen(b->log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# mosquitto: %s", line);
	fclose(f);
}

static bool broker_alive(const struct fx_broker *b)
{
	return b->pid > 0 && waitpid(b->pid, NULL, WNOHANG) == 0;
}

static bool listens_pred(void *arg)
{
	struct fx_broker *b = arg;

	return port_listens(b->port) || !broker_alive(b);
}

/* Starts mosquitto on b->port (config written on first use); false if it does not listen. */
bool fx_broker_start(struct fx_broker *b)
{
	pid_t parent = getpid();
	FILE *f;
	int fd;

	f = fopen(b->conf, "w");
	if (!f)
		return false;
	fprintf(f,
		"listener %d 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"
		"max_inflight_messages 1000\nmax_queued_messages 100000\npersistence false\n"
		"log_dest stderr\nlog_type error\nlog_type warning\n",
		b->port);
	fclose(f);
	b->pid = fork();
	if (b->pid < 0)
		return false;
	if (b->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		fd = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(mosquitto, "mosquitto", "-c", b->conf, (char *)NULL);
		_exit(127);
	}
	if (fx_poll_until(listens_pred, b, FX_WAIT_MS) && broker_alive(b))
		return true;
	print_log(b);
	return false;
}

void fx_broker_stop(struct fx_broker *b, int sig)
{
	int64_t end = fx_now_ns() + 5000000000LL;

	if (b->pid <= 0)
		return;
	kill(b->pid, sig);
	while (waitpid(b->pid, NULL, WNOHANG) == 0) {
		if (fx_now_ns() > end) {
			kill(b->pid, SIGKILL);
			waitpid(b->pid, NULL, 0);
			break;
		}
		fx_pause_ms(2);
	}
	b->pid = 0;
}

static bool stopped_pred(void *arg)
{
	const struct fx_broker *b = arg;
	char path[64], buf[256];
	const char *paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)b->pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last parenthesis. */
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == 'T';
}

/* Freezes the broker: it accepts bytes (the kernel buffers them) and answers nothing. */
bool fx_broker_freeze(struct fx_broker *b)
{
	/* The signal is asynchronous: wait until the broker really stopped. */
	return kill(b->pid, SIGSTOP) == 0 && fx_poll_until(stopped_pred, b, FX_WAIT_MS);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_mqtt_on_message(void *arg, const char *topic, const void *payload, size_t len)
{
	struct fx_inbox *in = arg;
	int rc[2] = {1, 1};
	int64_t t0 = fx_now_ns();
	char num[16];
	unsigned seq;

	if (in->echo && strcmp(topic, "cb/in") == 0) {
		rc[0] = nc_mqtt_publish(in->echo, "cb/out", "1", 1, 1, 5000);
		rc[1] = nc_mqtt_publish(in->echo, "cb/out", "2", 1, 1, 5000);
	}
	pthread_mutex_lock(&in->lock);
	if (rc[0] != 1) {
		memcpy(in->echo_rc, rc, sizeof(rc));
		in->echo_ns = fx_now_ns() - t0;
	}
	in->count++;
	snprintf(in->topic, sizeof(in->topic), "%s", topic);
	in->len = len < sizeof(in->payload) ? len : sizeof(in->payload);
	memcpy(in->payload, payload, in->len);
	if (in->seen && len < sizeof(num)) {
		memcpy(num, payload, len);
		num[len] = '\0';
		if (sscanf(num, "%u", &seq) == 1 && seq < in->nseen) {
			if (in->seen[seq])
				in->dups++;
			in->seen[seq] = 1;
		}
	}
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->lock);
}

void fx_mqtt_on_connection(void *arg, bool up)
{
	struct fx_inbox *in = arg;

	pthread_mutex_lock(&in->lock);
	if (up)
		in->ups++;
	else
		in->downs++;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->lock);
}

unsigned fx_inbox_get(struct fx_inbox *in, const unsigned *field)
{
	unsigned v;

	pthread_mutex_lock(&in->lock);
	v = *field;
	pthread_mutex_unlock(&in->lock);
	return v;
}

/* Waits until *field (count, ups or downs) reaches want, or ms pass. */
bool fx_wait_field(struct fx_inbox *in, const unsigned *field, unsigned want, int ms)
{
	struct timespec end;
	bool ok;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&in->lock);
	while (*field < want) {
		if (pthread_cond_timedwait(&in->cv, &in->lock, &end) == ETIMEDOUT)
			break;
	}
	ok = *field >= want;
	pthread_mutex_unlock(&in->lock);
	return ok;
}

static void inbox_init(struct fx_inbox *in)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&in->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&in->cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void inbox_fini(struct fx_inbox *in)
{
	free(in->seen);
	pthread_cond_destroy(&in->cv);
	pthread_mutex_destroy(&in->lock);
}

int fx_mqtt_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fx_mqtt *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	inbox_init(&fx->in);
	inbox_init(&fx->in2);
	snprintf(fx->b.dir, sizeof(fx->b.dir), "%s/netctl-mqtt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->b.dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->b.conf, sizeof(fx->b.conf), "%s/mosquitto.conf", fx->b.dir);
	snprintf(fx->b.log, sizeof(fx->b.log), "%s/mosquitto.log", fx->b.dir);
	*state = fx;
	if (!*mosquitto)
		return 0;
	/* Another process may take the port between probe and bind: try a few. */
	for (int i = 0; i < 5; i++) {
		fx->b.port = fx_free_port();
		if (fx_broker_start(&fx->b))
			return 0;
		fx_broker_stop(&fx->b, SIGKILL);
	}
	fprintf(stderr, "# could not start mosquitto\n");
	return -1;
}

int fx_mqtt_teardown(void **state)
{
	struct fx_mqtt *fx = *state;

	nc_mqtt_free(fx->m);
	nc_mqtt_free(fx->m2);
	fx_broker_stop(&fx->b, SIGTERM);
	nftw(fx->b.dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	inbox_fini(&fx->in);
	inbox_fini(&fx->in2);
	free(fx);
	return 0;
}

void fx_url_of(const struct fx_mqtt *fx, char *url, size_t n)
{
	snprintf(url, n, "tcp://127.0.0.1:%d", fx->b.port);
}

void fx_mqtt_opts(struct fx_mqtt *fx, struct fx_inbox *in, char *url, size_t n,
		  struct nc_mqtt_opts *o)
{
	fx_url_of(fx, url, n);
	*o = (struct nc_mqtt_opts){0};
	o->url = url;
	o->clean_session = true;
	o->on_message = fx_mqtt_on_message;
	o->on_connection = fx_mqtt_on_connection;
	o->arg = in;
}

/* A clean-session client of fx's broker reporting into in, connected. */
struct nc_mqtt *fx_client(struct fx_mqtt *fx, struct fx_inbox *in, unsigned max_inflight)
{
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {0};
	struct nc_mqtt *m = NULL;
	char url[64];

	fx_mqtt_opts(fx, in, url, sizeof(url), &o);
	o.max_inflight = max_inflight;
	if (nc_mqtt_new(&o, &m, &ei) != 0)
		fail_msg("nc_mqtt_new: %s", ei.msg);
	assert_int_equal(nc_mqtt_wait_connected(m, FX_WAIT_MS), 0);
	return m;
}

struct stats_wait {
	struct nc_mqtt *m;
	bool connected;
	uint64_t acked;
	unsigned inflight;
};

static bool connected_pred(void *arg)
{
	struct stats_wait *w = arg;

	return nc_mqtt_connected(w->m) == w->connected;
}

static bool settled_pred(void *arg)
{
	struct stats_wait *w = arg;
	struct nc_mqtt_stats s;

	nc_mqtt_stats(w->m, &s);
	return s.acked >= w->acked && s.inflight == w->inflight;
}

bool fx_wait_connected_is(struct nc_mqtt *m, bool up)
{
	struct stats_wait w = {.m = m, .connected = up};

	return fx_poll_until(connected_pred, &w, FX_WAIT_MS);
}

/* Polls until acked >= acked and inflight == inflight. */
bool fx_wait_settled(struct nc_mqtt *m, uint64_t acked, unsigned inflight)
{
	struct stats_wait w = {.m = m, .acked = acked, .inflight = inflight};

	return fx_poll_until(settled_pred, &w, FX_WAIT_MS);
}

/* Publishes one QoS 1 message to itself until it comes back (the broker may still be settling). */
bool fx_round_trip(struct fx_mqtt *fx, const char *topic, int ms)
{
	int64_t end = fx_now_ns() + (int64_t)ms * 1000000;
	unsigned before = fx_inbox_get(&fx->in, &fx->in.count);

	while (fx_now_ns() < end) {
		if (nc_mqtt_publish(fx->m, topic, "ping", 4, 1, 1000) == 0 &&
		    fx_wait_field(&fx->in, &fx->in.count, before + 1, 1000))
			return true;
	}
	return false;
}

int fx_mqtt_run(const char *name, const struct CMUnitTest *tests, size_t n,
		const struct CMUnitTest *alone, size_t n_alone)
{
	nc_log_init("test", NC_LOG_WARN);
	/* Paho would tunnel to the loopback broker through a proxy from the environment. */
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	if (find_mosquitto())
		return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
	/* Not cmocka's skip(): its TAP output says "not ok ... # SKIP", counted as failed. */
	printf("# SKIP %zu of %zu tests: mosquitto is not installed (not on PATH, not in "
	       "/usr/sbin)\n",
	       n - n_alone, n);
	return n_alone ? _cmocka_run_group_tests(name, alone, n_alone, NULL, NULL) : 0;
}
