/* SPDX-License-Identifier: MIT */
/*
 * lib/mqtt's connection against a real mosquitto: NC_ERR_UNREACHABLE without
 * a broker or after it died, starting before the broker, reconnect with the
 * subscriptions restored, and a persistent session keeping messages across a
 * restart of the client.
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

static void test_unreachable_without_broker(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {0};
	char url[64];
	int64_t t0;

	(void)fx;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", fx_free_port());
	o.url = url;
	o.clean_session = true;
	t0 = fx_now_ns();
	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	/* Returns at once: serve starts without its broker. */
	assert_true(fx_now_ns() - t0 < 1000000000LL);
	assert_false(nc_mqtt_connected(fx->m));
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", "x", 1, 1, 1000), NC_ERR_UNREACHABLE);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", "x", 1, 0, 1000), NC_ERR_UNREACHABLE);
	assert_int_equal(nc_mqtt_wait_connected(fx->m, 200), NC_ERR_TIMEOUT);
	/* Subscribing offline is remembered, not an error. */
	assert_int_equal(nc_mqtt_subscribe(fx->m, "a/#", 1), 0);
}

static void test_unreachable_after_broker_dies(void **state)
{
	struct fx_mqtt *fx = *state;

	fx->m = fx_client(fx, &fx->in, 0);
	fx_broker_stop(&fx->b, SIGKILL);
	assert_true(fx_wait_connected_is(fx->m, false));
	assert_true(fx_wait_field(&fx->in, &fx->in.downs, 1, FX_WAIT_MS));
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", "x", 1, 1, 1000), NC_ERR_UNREACHABLE);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", "x", 1, 0, 0), NC_ERR_UNREACHABLE);
}

static void test_reconnect_restores_subscriptions(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_mqtt_stats s;

	fx->m = fx_client(fx, &fx->in, 0);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "re/#", 1), 0);
	assert_true(fx_round_trip(fx, "re/before", FX_WAIT_MS));

	fx_broker_stop(&fx->b, SIGTERM);
	assert_true(fx_wait_connected_is(fx->m, false));
	assert_true(fx_broker_start(&fx->b));
	/* The first retry comes 1 s (+-20 %) after the loss. */
	assert_int_equal(nc_mqtt_wait_connected(fx->m, 2 * FX_WAIT_MS), 0);
	/* The new broker knows nothing of us: only a re-sent SUBSCRIBE lets this through. */
	assert_true(fx_round_trip(fx, "re/after", FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_string_equal(fx->in.topic, "re/after");
	pthread_mutex_unlock(&fx->in.lock);
	assert_true(fx_wait_field(&fx->in, &fx->in.ups, 2, FX_WAIT_MS));
	assert_int_equal(fx_inbox_get(&fx->in, &fx->in.downs), 1);
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.reconnects, 1);
}

static void test_broker_starts_later(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {0};
	char url[64];

	fx_broker_stop(&fx->b, SIGTERM);
	fx_mqtt_opts(fx, &fx->in, url, sizeof(url), &o);
	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "late/#", 1), 0);
	assert_int_equal(nc_mqtt_wait_connected(fx->m, 300), NC_ERR_TIMEOUT);
	assert_true(fx_broker_start(&fx->b));
	assert_int_equal(nc_mqtt_wait_connected(fx->m, 2 * FX_WAIT_MS), 0);
	assert_true(fx_round_trip(fx, "late/x", FX_WAIT_MS));
}

static void test_persistent_session(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {0};
	unsigned seen;
	char url[64];

	fx_mqtt_opts(fx, &fx->in, url, sizeof(url), &o);
	o.client_id = "netctl-core-test";
	o.clean_session = false;
	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "VSR/+/confirm", 1), 0);
	assert_int_equal(nc_mqtt_wait_connected(fx->m, FX_WAIT_MS), 0);
	/* Its SUBSCRIBE went out before the publish below; this round trip proves it landed. */
	assert_true(fx_round_trip(fx, "VSR/CN-1/confirm", FX_WAIT_MS));
	seen = fx_inbox_get(&fx->in, &fx->in.count);
	nc_mqtt_free(fx->m);
	fx->m = NULL;

	/* A device confirms while the core is down... */
	fx->m2 = fx_client(fx, &fx->in2, 0);
	assert_int_equal(nc_mqtt_publish(fx->m2, "VSR/CN-2/confirm", "{\"seq\":42}", 10, 1, 1000),
			 0);
	assert_true(fx_wait_settled(fx->m2, 1, 0));

	/* ...and the core gets it when it comes back, without subscribing first. */
	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	assert_true(fx_wait_field(&fx->in, &fx->in.count, seen + 1, FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_string_equal(fx->in.topic, "VSR/CN-2/confirm");
	assert_memory_equal(fx->in.payload, "{\"seq\":42}", 10);
	pthread_mutex_unlock(&fx->in.lock);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, fx_mqtt_setup, fx_mqtt_teardown)

static const struct CMUnitTest tests[] = {
	TEST(test_unreachable_without_broker),
	TEST(test_unreachable_after_broker_dies),
	TEST(test_reconnect_restores_subscriptions),
	TEST(test_broker_starts_later),
	TEST(test_persistent_session),
};

/* What runs without a broker. */
static const struct CMUnitTest alone[] = {
	TEST(test_unreachable_without_broker),
};

int main(void)
{
	return fx_mqtt_run("mqtt_reconnect", tests, COUNT(tests), alone, COUNT(alone));
}
