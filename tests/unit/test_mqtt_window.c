/* SPDX-License-Identifier: MIT */
/*
 * lib/mqtt's publish window against a real mosquitto: bounded, timing out,
 * released when a session is lost, and emptied, never leaking, when a
 * persistent session's broker restarts.
 *
 * Each test starts its own broker (fixture_mqtt.h); without mosquitto only
 * the tests that need no broker run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/mqtt/mqtt.h"
#include "../../lib/util/err.h"
#include "fixture.h"
#include "fixture_mqtt.h"

#define WINDOW_MSGS 5000

static void test_window(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_mqtt_stats s;
	unsigned max_seen = 0, missing = 0;
	char payload[16];
	int64_t t0;
	int len;

	fx->in.seen = calloc(WINDOW_MSGS, 1);
	assert_non_null(fx->in.seen);
	fx->in.nseen = WINDOW_MSGS;
	fx->m = fx_client(fx, &fx->in, 100);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "win/#", 1), 0);
	t0 = fx_now_ns();
	for (unsigned i = 0; i < WINDOW_MSGS; i++) {
		len = snprintf(payload, sizeof(payload), "%u", i);
		assert_int_equal(
			nc_mqtt_publish(fx->m, "win/x", payload, (size_t)len, 1, FX_WAIT_MS), 0);
		nc_mqtt_stats(fx->m, &s);
		assert_in_range(s.inflight, 0, 100);
		if (s.inflight > max_seen)
			max_seen = s.inflight;
	}
	assert_true(fx_wait_field(&fx->in, &fx->in.count, WINDOW_MSGS, 6 * FX_WAIT_MS));
	assert_true(fx_wait_settled(fx->m, WINDOW_MSGS, 0));
	printf("# %d QoS 1 messages through a window of 100 in %.0f ms (peak in flight %u)\n",
	       WINDOW_MSGS, (double)(fx_now_ns() - t0) / 1e6, max_seen);
	pthread_mutex_lock(&fx->in.lock);
	for (unsigned i = 0; i < WINDOW_MSGS; i++)
		missing += !fx->in.seen[i];
	assert_int_equal(missing, 0);
	assert_int_equal(fx->in.dups, 0);
	pthread_mutex_unlock(&fx->in.lock);
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.acked, WINDOW_MSGS);
	assert_int_equal(s.failed, 0);
}

struct blocked_pub {
	struct nc_mqtt *m;
	int rc;
};

static void *publish_blocked(void *arg)
{
	struct blocked_pub *p = arg;

	p->rc = nc_mqtt_publish(p->m, "stuck/x", "x", 1, 1, 3 * FX_WAIT_MS);
	return NULL;
}

static void test_window_full_and_lost(void **state)
{
	struct fx_mqtt *fx = *state;
	struct blocked_pub p = {0};
	struct nc_mqtt_stats s;
	pthread_t th;
	int64_t t0, waited;

	fx->m = fx_client(fx, &fx->in, 10);
	assert_true(fx_broker_freeze(&fx->b));
	for (int i = 0; i < 10; i++)
		assert_int_equal(nc_mqtt_publish(fx->m, "stuck/x", "x", 1, 1, 0), 0);
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.inflight, 10);
	assert_int_equal(nc_mqtt_publish(fx->m, "stuck/x", "x", 1, 1, 0), NC_ERR_TIMEOUT);
	t0 = fx_now_ns();
	assert_int_equal(nc_mqtt_publish(fx->m, "stuck/x", "x", 1, 1, 200), NC_ERR_TIMEOUT);
	waited = (fx_now_ns() - t0) / 1000000;
	assert_in_range(waited, 190, 2000);
	/* QoS 0 is not windowed. */
	assert_int_equal(nc_mqtt_publish(fx->m, "stuck/y", "y", 1, 0, 0), 0);

	/* A publisher waiting for a slot learns of the loss at once. */
	p.m = fx->m;
	assert_int_equal(pthread_create(&th, NULL, publish_blocked, &p), 0);
	fx_pause_ms(50); /* lets it block; the result does not depend on it */
	fx_broker_stop(&fx->b, SIGKILL);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(p.rc, NC_ERR_UNREACHABLE);
	/* A clean session's unacknowledged messages are gone: the window empties. */
	assert_true(fx_wait_connected_is(fx->m, false));
	assert_true(fx_wait_settled(fx->m, 0, 0));
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.failed, 10);
	assert_int_equal(s.acked, 0);
}

static bool window_settled_pred(void *arg)
{
	struct nc_mqtt_stats s;

	nc_mqtt_stats(arg, &s);
	return s.connected && s.inflight == 0 && s.acked + s.failed == 5;
}

/*
 * The core's case (persistent session): unacknowledged batches are kept
 * while the broker is away, and when it comes back they are either sent
 * again and acknowledged (the broker kept the session) or reported failed
 * (it lost it, as a restarted mosquitto without persistence does): either
 * way the window empties and never leaks.
 */
static void test_persistent_window_after_restart(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {0};
	struct nc_mqtt_stats s;
	char url[64];

	fx_url_of(fx, url, sizeof(url));
	o.url = url;
	o.client_id = "netctl-core-window";
	o.clean_session = false;
	o.max_inflight = 10;
	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	assert_int_equal(nc_mqtt_wait_connected(fx->m, FX_WAIT_MS), 0);
	assert_true(fx_broker_freeze(&fx->b));
	for (int i = 0; i < 5; i++)
		assert_int_equal(nc_mqtt_publish(fx->m, "VSR/CN-1/batch", "{}", 2, 1, 0), 0);
	fx_broker_stop(&fx->b, SIGKILL);
	assert_true(fx_wait_connected_is(fx->m, false));
	/* paho may fail a publish as the connection drops: every one is
	 * either still held or counted failed, never lost. */
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.inflight + s.failed, 5);

	assert_true(fx_broker_start(&fx->b));
	assert_true(fx_poll_until(window_settled_pred, fx->m, 2 * FX_WAIT_MS));
	assert_int_equal(nc_mqtt_publish(fx->m, "VSR/CN-1/batch", "{}", 2, 1, 1000), 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, fx_mqtt_setup, fx_mqtt_teardown)

static const struct CMUnitTest tests[] = {
	TEST(test_window),
	TEST(test_window_full_and_lost),
	TEST(test_persistent_window_after_restart),
};

int main(void)
{
	return fx_mqtt_run("mqtt_window", tests, COUNT(tests), NULL, 0);
}
