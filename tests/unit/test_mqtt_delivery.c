/* SPDX-License-Identifier: MIT */
/*
 * lib/mqtt delivery against a real mosquitto: connect, QoS 1 delivery with
 * the exact bytes, publishing from inside a callback without waiting there,
 * the latency that proves TCP_NODELAY is set (with Nagle a sequential QoS 1
 * round trip costs ~44 ms), and arguments refused.
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

#define RTT_ROUNDS 200

static void test_connect(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_mqtt_stats s;

	fx->m = fx_client(fx, &fx->in, 0);
	assert_true(nc_mqtt_connected(fx->m));
	assert_true(fx_wait_field(&fx->in, &fx->in.ups, 1, FX_WAIT_MS));
	nc_mqtt_stats(fx->m, &s);
	assert_true(s.connected);
	assert_int_equal(s.reconnects, 0);
	assert_int_equal(s.inflight, 0);
	assert_int_equal(fx_inbox_get(&fx->in, &fx->in.downs), 0);
}

static void test_qos1_exact_payload(void **state)
{
	struct fx_mqtt *fx = *state;
	static const unsigned char msg[] = {'b', 'a', 't', 'c', 'h', 0, 0xff, '\n', '{', '}'};
	struct nc_mqtt_stats s;

	fx->m = fx_client(fx, &fx->in, 0);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "VSR/+/batch", 1), 0);
	assert_int_equal(nc_mqtt_publish(fx->m, "VSR/CN-0001/batch", msg, sizeof(msg), 1, 1000), 0);
	assert_true(fx_wait_field(&fx->in, &fx->in.count, 1, FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_string_equal(fx->in.topic, "VSR/CN-0001/batch");
	assert_int_equal(fx->in.len, sizeof(msg));
	assert_memory_equal(fx->in.payload, msg, sizeof(msg));
	pthread_mutex_unlock(&fx->in.lock);

	/* An empty QoS 0 payload is a message too. */
	assert_int_equal(nc_mqtt_publish(fx->m, "VSR/CN-0001/batch", NULL, 0, 0, 1000), 0);
	assert_true(fx_wait_field(&fx->in, &fx->in.count, 2, FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_int_equal(fx->in.len, 0);
	pthread_mutex_unlock(&fx->in.lock);

	assert_true(fx_wait_settled(fx->m, 1, 0));
	nc_mqtt_stats(fx->m, &s);
	assert_int_equal(s.published, 2);
	assert_int_equal(s.acked, 1);
	assert_int_equal(s.failed, 0);
	assert_int_equal(s.received, 2);
}

/*
 * Waiting for a slot on paho's thread would stall every client of the
 * process (acknowledgements arrive on that thread): from a callback a full
 * window fails at once.
 */
static void test_publish_from_callback(void **state)
{
	struct fx_mqtt *fx = *state;

	fx->m = fx_client(fx, &fx->in, 1);
	fx->in.echo = fx->m;
	assert_int_equal(nc_mqtt_subscribe(fx->m, "cb/#", 1), 0);
	assert_int_equal(nc_mqtt_publish(fx->m, "cb/in", "go", 2, 0, 0), 0);
	/* cb/in, then cb/out once. */
	assert_true(fx_wait_field(&fx->in, &fx->in.count, 2, FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_int_equal(fx->in.echo_rc[0], 0);
	assert_int_equal(fx->in.echo_rc[1], NC_ERR_TIMEOUT);
	assert_true(fx->in.echo_ns < 1000000000LL);
	pthread_mutex_unlock(&fx->in.lock);
	assert_true(fx_wait_settled(fx->m, 1, 0));
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void test_latency_nodelay(void **state)
{
	struct fx_mqtt *fx = *state;
	int64_t rtt[RTT_ROUNDS], t0;
	char payload[16];
	int len;

	fx->m = fx_client(fx, &fx->in, 0);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "rtt/#", 1), 0);
	assert_true(fx_round_trip(fx, "rtt/warm", FX_WAIT_MS));
	for (unsigned i = 0; i < RTT_ROUNDS; i++) {
		unsigned before = fx_inbox_get(&fx->in, &fx->in.count);

		len = snprintf(payload, sizeof(payload), "%u", i);
		t0 = fx_now_ns();
		assert_int_equal(nc_mqtt_publish(fx->m, "rtt/x", payload, (size_t)len, 1, 1000), 0);
		assert_true(fx_wait_field(&fx->in, &fx->in.count, before + 1, FX_WAIT_MS));
		rtt[i] = fx_now_ns() - t0;
	}
	qsort(rtt, RTT_ROUNDS, sizeof(rtt[0]), cmp_i64);
	printf("# %d sequential QoS 1 round trips: median %.3f ms, p90 %.3f ms, max %.3f ms\n",
	       RTT_ROUNDS, (double)rtt[RTT_ROUNDS / 2] / 1e6,
	       (double)rtt[RTT_ROUNDS * 9 / 10] / 1e6, (double)rtt[RTT_ROUNDS - 1] / 1e6);
	/* With Nagle and delayed ACKs this is ~44 ms. */
	assert_true(rtt[RTT_ROUNDS / 2] < 5000000);
}

static void test_invalid_arguments(void **state)
{
	struct fx_mqtt *fx = *state;
	struct nc_errinfo ei = {0};
	struct nc_mqtt_opts o = {.url = "http://127.0.0.1:1883", .clean_session = true};
	struct nc_mqtt *m = NULL;
	char big[70000];

	fx_assert_refused(nc_mqtt_new(&o, &m, &ei), NC_ERR_INVAL, &ei, "url");
	assert_null(m);
	o.url = "tcp://";
	assert_int_equal(nc_mqtt_new(&o, &m, &ei), NC_ERR_INVAL);
	o.url = "tcp://127.0.0.1:1";
	o.clean_session = false;
	fx_assert_refused(nc_mqtt_new(&o, &m, &ei), NC_ERR_INVAL, &ei, "client_id");
	o.clean_session = true;
	o.max_inflight = 70000;
	fx_assert_refused(nc_mqtt_new(&o, &m, &ei), NC_ERR_INVAL, &ei, "max_inflight");
	o.max_inflight = 0;

	assert_int_equal(nc_mqtt_new(&o, &fx->m, &ei), 0);
	assert_int_equal(nc_mqtt_publish(fx->m, "", "x", 1, 1, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/+", "x", 1, 1, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/#", "x", 1, 1, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/\xff", "x", 1, 1, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", "x", 1, 2, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_publish(fx->m, "a/b", NULL, 1, 1, 0), NC_ERR_INVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(nc_mqtt_publish(fx->m, big, "x", 1, 1, 0), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "", 1), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "a/#", 3), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_subscribe(fx->m, "a/#", -1), NC_ERR_INVAL);
	nc_mqtt_free(NULL);
}

/*
 * Many filters at once go out 100 to a SUBSCRIBE: a message reaches each
 * chunk's first and last filter, the short last chunk's too; a bad filter
 * refuses the whole call.
 */
static void test_subscribe_many(void **state)
{
	struct fx_mqtt *fx = *state;
	static const int probe[] = {0, 99, 100, 199, 200, 249};
	char names[250][16];
	const char *v[250];

	fx->m = fx_client(fx, &fx->in, 0);
	for (int i = 0; i < 250; i++) {
		snprintf(names[i], sizeof(names[i]), "many/%d", i);
		v[i] = names[i];
	}
	v[7] = "";
	assert_int_equal(nc_mqtt_subscribe_many(fx->m, v, 250, 1), NC_ERR_INVAL);
	v[7] = names[7];
	assert_int_equal(nc_mqtt_subscribe_many(fx->m, v, 250, 3), NC_ERR_INVAL);
	assert_int_equal(nc_mqtt_subscribe_many(fx->m, v, 250, 1), 0);
	for (size_t i = 0; i < COUNT(probe); i++)
		assert_int_equal(nc_mqtt_publish(fx->m, names[probe[i]], "x", 1, 1, 1000), 0);
	assert_true(fx_wait_field(&fx->in, &fx->in.count, COUNT(probe), FX_WAIT_MS));
	/* "many/250" has no filter: of it and a probe after it (delivered in
	 * order), only the probe arrives. */
	assert_int_equal(nc_mqtt_publish(fx->m, "many/250", "x", 1, 1, 1000), 0);
	assert_int_equal(nc_mqtt_publish(fx->m, names[0], "x", 1, 1, 1000), 0);
	assert_true(fx_wait_field(&fx->in, &fx->in.count, COUNT(probe) + 1, FX_WAIT_MS));
	pthread_mutex_lock(&fx->in.lock);
	assert_string_equal(fx->in.topic, names[0]);
	pthread_mutex_unlock(&fx->in.lock);
	assert_true(fx_wait_settled(fx->m, COUNT(probe) + 2, 0));
	assert_int_equal(fx_inbox_get(&fx->in, &fx->in.count), COUNT(probe) + 1);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, fx_mqtt_setup, fx_mqtt_teardown)

static const struct CMUnitTest tests[] = {
	TEST(test_connect),	    TEST(test_qos1_exact_payload), TEST(test_publish_from_callback),
	TEST(test_latency_nodelay), TEST(test_invalid_arguments),  TEST(test_subscribe_many),
};

/* What runs without a broker. */
static const struct CMUnitTest alone[] = {
	TEST(test_invalid_arguments),
};

int main(void)
{
	return fx_mqtt_run("mqtt_delivery", tests, COUNT(tests), alone, COUNT(alone));
}
