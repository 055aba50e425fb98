/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_MQTT_H
#define NC_TESTS_FIXTURE_MQTT_H

/*
 * What the MQTT tests share (fixture_mqtt.c, linked into every test program): a real
 * mosquitto on a free loopback port per test, started in setup and killed in teardown, pass or
 * fail; up to two clients of lib/mqtt and what they saw. Waiting is polling against a
 * deadline. Include <cmocka.h> before this header.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nc_mqtt;
struct nc_mqtt_opts;

#define FX_WAIT_MS 10000 /* the deadline of every poll */

/* The broker. */

struct fx_broker {
	char dir[256];
	char conf[320];
	char log[320];
	int port;
	pid_t pid;
};

/* What a client saw: messages, connection changes. */

struct fx_inbox {
	pthread_mutex_t lock;
	pthread_cond_t cv; /* any field changed */
	unsigned count;
	unsigned ups, downs;
	char topic[256];
	unsigned char payload[256];
	size_t len;
	unsigned char *seen; /* seen[seq], for numbered payloads; NULL: not kept */
	unsigned nseen, dups;
	struct nc_mqtt *echo; /* set: publish twice from the callback on "cb/in" */
	int echo_rc[2];
	int64_t echo_ns;
};

/* The fixture: a broker, up to two clients, and what they saw. */

struct fx_mqtt {
	struct fx_broker b;
	struct nc_mqtt *m, *m2;
	struct fx_inbox in, in2;
};

/* main() of an MQTT test program: logs, no proxy, then runs the n tests as group name when
 * mosquitto is installed; when it is not, says how many are skipped and runs the n_alone
 * tests that need no broker (none: NULL, 0). cmocka's result. */
int fx_mqtt_run(const char *name, const struct CMUnitTest *tests, size_t n,
		const struct CMUnitTest *alone, size_t n_alone);
/* cmocka setup: a directory and, when mosquitto is installed, a broker listening in it
 * (-1 when it cannot start); teardown frees the clients, stops the broker, removes it all. */
int fx_mqtt_setup(void **state);
int fx_mqtt_teardown(void **state);

/* The monotonic clock in ns; a sleep of ms. */
int64_t fx_now_ns(void);
void fx_pause_ms(int ms);
/* Polls pred(arg) every 2 ms until it holds (true) or ms pass (false). */
bool fx_poll_until(bool (*pred)(void *), void *arg, int ms);
/* A loopback port nobody listens on now; -1 on error. */
int fx_free_port(void);

/* Starts mosquitto on b->port (config written on first use); false if it does not listen. */
bool fx_broker_start(struct fx_broker *b);
/* Sends sig and reaps the broker (SIGKILL after 5 s); none running is fine. */
void fx_broker_stop(struct fx_broker *b, int sig);
/* Freezes the broker: it accepts bytes (the kernel buffers them) and answers nothing. */
bool fx_broker_freeze(struct fx_broker *b);

/* lib/mqtt callbacks recording into the struct fx_inbox arg (paho's thread). */
void fx_mqtt_on_message(void *arg, const char *topic, const void *payload, size_t len);
void fx_mqtt_on_connection(void *arg, bool up);
/* *field of in (count, ups or downs), read under its lock. */
unsigned fx_inbox_get(struct fx_inbox *in, const unsigned *field);
/* Waits until *field (count, ups or downs) reaches want (true), or ms pass (false). */
bool fx_wait_field(struct fx_inbox *in, const unsigned *field, unsigned want, int ms);

/* The broker's URL, tcp://127.0.0.1:PORT, into url. */
void fx_url_of(const struct fx_mqtt *fx, char *url, size_t n);
/* *o: a clean session to fx's broker (its URL written into url, n bytes) reporting into in. */
void fx_mqtt_opts(struct fx_mqtt *fx, struct fx_inbox *in, char *url, size_t n,
		  struct nc_mqtt_opts *o);
/* A clean-session client of fx's broker reporting into in, connected; the caller frees it. */
struct nc_mqtt *fx_client(struct fx_mqtt *fx, struct fx_inbox *in, unsigned max_inflight);
/* Polls until m's connected state is up; until acked >= acked and inflight == inflight. */
bool fx_wait_connected_is(struct nc_mqtt *m, bool up);
bool fx_wait_settled(struct nc_mqtt *m, uint64_t acked, unsigned inflight);
/* Publishes one QoS 1 message to itself until it comes back (the broker may still be
 * settling); false when ms pass first. */
bool fx_round_trip(struct fx_mqtt *fx, const char *topic, int ms);

#endif
