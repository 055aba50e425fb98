/* SPDX-License-Identifier: MIT */
/*
 * The optional extension "batch_max" (netctl-protocol(7), "Optional
 * extensions"): a config request, heartbeat or registration may say the
 * largest batch the device accepts. Absent it is 0 and never encoded; a
 * present one that is not an integer of at least 1024 refuses the message,
 * naming the field. Batches are encoded and decoded up to a given size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../lib/proto/proto.h"
#include "../../lib/util/err.h"
#include "fixture.h"
#include "fixture_proto.h"

/* The messages that carry it. */
static const enum nc_msg carriers[] = {NC_MSG_CONFIG_REQUEST, NC_MSG_HEARTBEAT, NC_MSG_REGISTER};

/* Decodes text as kind, returning its batch_max (the test fails unless it decodes). */
static int64_t decoded_max(enum nc_msg kind, const char *text)
{
	struct nc_errinfo ei = {0};
	struct nc_config_request r = {0};
	struct nc_heartbeat h = {0};
	struct nc_registration g = {0};
	size_t n = strlen(text);

	switch (kind) {
	case NC_MSG_CONFIG_REQUEST:
		assert_int_equal(nc_proto_config_request_decode(text, n, FX_SERIAL, &r, &ei), 0);
		return r.batch_max;
	case NC_MSG_HEARTBEAT:
		assert_int_equal(nc_proto_heartbeat_decode(text, n, FX_SERIAL, &h, &ei), 0);
		return h.batch_max;
	default:
		assert_int_equal(nc_proto_registration_decode(text, n, FX_SERIAL, &g, &ei), 0);
		return g.batch_max;
	}
}

static void test_absent_is_zero(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++)
		assert_int_equal(decoded_max(carriers[i], fx_proto_valid[carriers[i]]), 0);
}

static void test_present_is_read(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++) {
		char *t = fx_proto_mutate(carriers[i], "batch_max", "16777216");

		assert_int_equal(decoded_max(carriers[i], t), 16777216);
		free(t);
		t = fx_proto_mutate(carriers[i], "batch_max", "1024");
		assert_int_equal(decoded_max(carriers[i], t), 1024);
		free(t);
	}
}

/* Wrong type or out of range: the whole message is refused, as for any member. */
static void test_malformed_refuses_the_message(void **state)
{
	static const char *const bad[] = {
		"\"16777216\"",	   "1.5", "-1", "0", "1023", "null", "true", "[1048576]",
		"9007199254740992"};

	(void)state;
	for (size_t i = 0; i < sizeof(carriers) / sizeof(carriers[0]); i++) {
		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			char *t = fx_proto_mutate(carriers[i], "batch_max", bad[j]);

			fx_proto_expect_refused(carriers[i], t, NULL, NC_ERR_INVAL, "batch_max");
			free(t);
		}
	}
}

/* Encoded when set, left out when 0: an agent that does not use it sends what it always did. */
static void test_encoded_only_when_set(void **state)
{
	struct nc_heartbeat h = {.ts = 1, .seq = 2, .uptime_s = 3};
	struct nc_config_request r = {.seq = 0};
	struct nc_errinfo ei = {0};
	char *out = NULL;

	(void)state;
	snprintf(h.serial, sizeof(h.serial), "%s", FX_SERIAL);
	snprintf(h.agent, sizeof(h.agent), "a");
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, NULL, &ei), 0);
	assert_null(strstr(out, "batch_max"));
	free(out);
	h.batch_max = 8 << 20;
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, NULL, &ei), 0);
	fx_assert_contains(out, "\"batch_max\":8388608");
	free(out);
	snprintf(r.serial, sizeof(r.serial), "%s", FX_SERIAL);
	snprintf(r.reason, sizeof(r.reason), "startup");
	r.batch_max = 512;
	assert_int_equal(nc_proto_config_request_encode(&r, &out, NULL, &ei), NC_ERR_INVAL);
	assert_null(out);
	assert_string_equal(ei.field, "batch_max");
}

/* A batch of about size bytes: one static command with a long route list. */
static void big_batch(struct nc_batch *b, size_t size)
{
	json_t *routes = json_array(), *cmd;

	memset(b, 0, sizeof(*b));
	snprintf(b->serial, sizeof(b->serial), "%s", FX_SERIAL);
	snprintf(b->tenant, sizeof(b->tenant), "acme");
	snprintf(b->config_hash, sizeof(b->config_hash), "%s", FX_HASH);
	snprintf(b->issued_at, sizeof(b->issued_at), "2026-11-22T02:00:00Z");
	b->seq = 1;
	for (size_t n = 0; n < size; n += 48)
		json_array_append_new(routes, json_pack("{s:s,s:s,s:i}", "dst", "10.20.0.0/24",
							"dev", "wg2", "metric", 100));
	cmd = json_pack("{s:i,s:s,s:{s:o}}", "index", 0, "topic", "static", "body", "routes",
			routes);
	b->commands = json_pack("[o]", cmd);
}

/* Past 1 MiB only with a larger limit, both ways; the limit never exceeds the cap. */
static void test_batch_limits(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b, d = {0};
	char *out = NULL;
	size_t len = 0;

	(void)state;
	big_batch(&b, 3 << 20);
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_TOOBIG);
	assert_null(out);
	fx_assert_contains(ei.msg, "over the limit of 1048576");
	assert_int_equal(nc_proto_batch_encode_max(&b, 2 << 20, &out, &len, &ei), NC_ERR_TOOBIG);
	assert_int_equal(nc_proto_batch_encode_max(&b, 16 << 20, &out, &len, &ei), 0);
	assert_true(len > (2u << 20));
	assert_int_equal(nc_proto_batch_decode(out, len, FX_SERIAL, NULL, &d, &ei), NC_ERR_TOOBIG);
	assert_int_equal(nc_proto_batch_decode_max(out, len, len - 1, FX_SERIAL, NULL, &d, &ei),
			 NC_ERR_TOOBIG);
	assert_int_equal(nc_proto_batch_decode_max(out, len, len, FX_SERIAL, NULL, &d, &ei), 0);
	assert_int_equal(json_array_size(d.commands), 1);
	nc_batch_clear(&d);
	/* A limit past the cap is the cap: a payload over it is refused unread. */
	assert_int_equal(nc_proto_batch_decode_max(out, (size_t)NC_PROTO_BATCH_CAP + 1, SIZE_MAX,
						   FX_SERIAL, NULL, &d, &ei),
			 NC_ERR_TOOBIG);
	free(out);
	nc_batch_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_is_zero),
		cmocka_unit_test(test_present_is_read),
		cmocka_unit_test(test_malformed_refuses_the_message),
		cmocka_unit_test(test_encoded_only_when_set),
		cmocka_unit_test(test_batch_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
