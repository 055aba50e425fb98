/* SPDX-License-Identifier: MIT */
/*
 * lib/proto topics and hash: the commands hash equals one computed outside
 * netctl; topics parse and format, and every malformed one is refused.
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

/* Hash. */

/*
 * The canonical text of the array below, written by hand,
 *   [{"body":{"interfaces":[{"address":"100.64.0.2/32","description":"café €","mtu":1420,
 *   "name":"wg0"}]},"index":0,"topic":"wireguard"},{"body":{"routes":[{"dev":"wg2",
 *   "dst":"10.20.0.0/24","metric":-100}]},"index":1,"topic":"static"}]
 * (one line, UTF-8), hashed with `printf %s "$C" | sha256sum`, and checked with
 * Python's json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False).
 */
static void test_commands_hash(void **state)
{
	struct nc_errinfo ei = {0};
	char hex[65];
	json_t *c = fx_parse("[{\"index\":0,\"topic\":\"wireguard\",\"body\":{\"interfaces\":[{"
			     "\"name\":\"wg0\",\"mtu\":1420,\"description\":\"caf\\u00e9 \\u20ac\","
			     "\"address\":\"100.64.0.2/32\"}]}},"
			     "{\"topic\":\"static\",\"index\":1,\"body\":{\"routes\":[{"
			     "\"metric\":-100,\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\"}]}}]");

	assert_int_equal(nc_proto_commands_check(c, &ei), 0);
	assert_int_equal(nc_proto_commands_hash(c, hex, &ei), 0);
	assert_string_equal(hex, FX_HASH_CMDS);
	json_decref(c);

	c = json_array();
	assert_int_equal(nc_proto_commands_hash(c, hex, &ei), 0);
	assert_string_equal(hex, FX_HASH2); /* sha256("[]") */
	json_decref(c);

	c = fx_parse("[{\"index\":0,\"topic\":\"acl\",\"body\":{\"x\":0.5}}]");
	assert_int_not_equal(nc_proto_commands_hash(c, hex, &ei), 0);
	assert_string_equal(hex, "");
	json_decref(c);

	assert_true(nc_proto_command_topic_known("nat44"));
	assert_false(nc_proto_command_topic_known("nat"));
	assert_false(nc_proto_command_topic_known(NULL));
	assert_string_equal(nc_proto_command_topics[0], "interface");
	assert_null(nc_proto_command_topics[NC_PROTO_COMMAND_TOPICS]);
}

/* Topics. */

static void test_topic_parse(void **state)
{
	static const struct {
		const char *topic;
		enum nc_msg kind;
		const char *serial, *tenant;
	} ok[] = {
		{"VSR/CN-0001/batch", NC_MSG_BATCH, "CN-0001", ""},
		{"VSR/EDGE-1/batch/acme", NC_MSG_BATCH, "EDGE-1", "acme"},
		{"VSR/CN-0001/confirm", NC_MSG_CONFIRM, "CN-0001", ""},
		{"VSR/EDGE-1/confirm/t-2", NC_MSG_CONFIRM, "EDGE-1", "t-2"},
		{"VSR/CN-0001/config-request", NC_MSG_CONFIG_REQUEST, "CN-0001", ""},
		{"VSR/EDGE-1/config-request/acme", NC_MSG_CONFIG_REQUEST, "EDGE-1", "acme"},
		{"VSR/a.b_c/heartbeat", NC_MSG_HEARTBEAT, "a.b_c", ""},
		{"VSR/CN-0001/tunnel-status", NC_MSG_TUNNEL_STATUS, "CN-0001", ""},
		{"VSR/CN-0001/register", NC_MSG_REGISTER, "CN-0001", ""},
	};
	static const char *const bad[] = {
		"",
		"VSR",
		"VSR/",
		"VSR//batch",
		"VSR/CN-1/batch/",
		"VSR/CN-1/unknown",
		"VSR/CN-1",
		"VSR/CN-1/",
		"VSR/CN+1/batch",
		"VSR/+/batch",
		"VSR/#/batch",
		"VSR/CN#1/confirm",
		"VSR/CN-1/batch/+",
		"VSR/CN-1/batch/#",
		"VSR/CN-1/batch/acme/x",
		"VSR/CN-1/batch//",
		"VSR/CN-1/heartbeat/acme",
		"VSR/CN-1/tunnel-status/acme",
		"VSR/CN-1/register/acme",
		"vsr/CN-1/batch",
		"/VSR/CN-1/batch",
		"VSR/CN-1/batchx",
		"VSR/CN-1/Batch",
		"VSR/CN-1/batch/Acme",
		"VSR/-CN/batch",
		"VSR/CN 1/batch",
		"VSR/CN-1/confirm/" FX_LONG64,
		"VSR/" FX_LONG64 "/batch",
	};
	struct nc_errinfo ei = {0};
	char serial[NC_SERIAL_MAX], tenant[NC_ID_MAX], buf[NC_PROTO_TOPIC_MAX];
	enum nc_msg kind;

	for (size_t i = 0; i < COUNT(ok); i++) {
		assert_int_equal(nc_proto_topic_parse(ok[i].topic, &kind, serial, tenant, &ei), 0);
		assert_int_equal(kind, ok[i].kind);
		assert_string_equal(serial, ok[i].serial);
		assert_string_equal(tenant, ok[i].tenant);
		/* ... and back. */
		assert_int_equal(nc_proto_topic_format(kind, serial, tenant, buf, sizeof(buf)), 0);
		assert_string_equal(buf, ok[i].topic);
	}
	for (size_t i = 0; i < COUNT(bad); i++) {
		memset(&ei, 0, sizeof(ei));
		if (nc_proto_topic_parse(bad[i], &kind, serial, tenant, &ei) != NC_ERR_INVAL)
			fail_msg("topic `%s' accepted", bad[i]);
		assert_string_equal(ei.field, "topic");
		assert_string_equal(serial, "");
		assert_string_equal(tenant, "");
	}
	/* The longest valid topic fits NC_PROTO_TOPIC_MAX. */
	assert_int_equal(nc_proto_topic_format(NC_MSG_CONFIG_REQUEST, FX_LONG63, FX_LONG63, buf,
					       sizeof(buf)),
			 0);
	assert_int_equal(nc_proto_topic_parse(buf, &kind, serial, tenant, &ei), 0);
}

static void test_topic_format(void **state)
{
	char buf[NC_PROTO_TOPIC_MAX];

	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "CN-1", NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "VSR/CN-1/batch");
	assert_int_equal(nc_proto_topic_format(NC_MSG_HEARTBEAT, "CN-1", "", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "VSR/CN-1/heartbeat");
	assert_int_equal(nc_proto_topic_format(NC_MSG_HEARTBEAT, "CN-1", "acme", buf, sizeof(buf)),
			 NC_ERR_INVAL);
	assert_string_equal(buf, "");
	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "CN+1", NULL, buf, sizeof(buf)),
			 NC_ERR_INVAL);
	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "", NULL, buf, sizeof(buf)),
			 NC_ERR_INVAL);
	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "CN-1", "A/b", buf, sizeof(buf)),
			 NC_ERR_INVAL);
	assert_int_equal(nc_proto_topic_format((enum nc_msg)42, "CN-1", NULL, buf, sizeof(buf)),
			 NC_ERR_INVAL);
	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "CN-1", NULL, buf, 14), NC_ERR_TOOBIG);
	assert_string_equal(buf, "");
	assert_int_equal(nc_proto_topic_format(NC_MSG_BATCH, "CN-1", NULL, buf, 15), 0);

	assert_int_equal(nc_proto_device_filter("CN-1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "VSR/CN-1/batch/#");
	assert_int_equal(nc_proto_device_filter("CN/1", buf, sizeof(buf)), NC_ERR_INVAL);
	assert_int_equal(nc_proto_device_filter("CN-1", buf, 8), NC_ERR_TOOBIG);

	assert_string_equal(nc_proto_core_filters[0], "VSR/+/confirm");
	assert_string_equal(nc_proto_core_filters[1], "VSR/+/confirm/+");
	assert_string_equal(nc_proto_core_filters[3], "VSR/+/config-request/+");
	assert_string_equal(nc_proto_core_filters[6], "VSR/+/register");
	assert_null(nc_proto_core_filters[NC_PROTO_CORE_FILTERS]);
	/* Heartbeats and tunnel statuses at QoS 0: kept out of the core's session. */
	for (size_t i = 0; i < NC_PROTO_CORE_FILTERS; i++) {
		bool qos0 = strstr(nc_proto_core_filters[i], "/heartbeat") ||
			    strstr(nc_proto_core_filters[i], "/tunnel-status");

		assert_int_equal(nc_proto_core_filter_qos(i), qos0 ? 0 : 1);
	}
	assert_int_equal(nc_proto_core_filter_qos(NC_PROTO_CORE_FILTERS), 1);

	assert_string_equal(nc_proto_msg_name(NC_MSG_TUNNEL_STATUS), "tunnel-status");
	assert_string_equal(nc_proto_msg_name((enum nc_msg) - 1), "unknown");
	assert_int_equal(nc_proto_msg_qos(NC_MSG_HEARTBEAT), 0);
	assert_int_equal(nc_proto_msg_qos(NC_MSG_TUNNEL_STATUS), 0);
	assert_int_equal(nc_proto_msg_qos(NC_MSG_CONFIRM), 1);
	assert_int_equal(nc_proto_msg_qos(NC_MSG_BATCH), 1);
	assert_int_equal(nc_proto_msg_qos(NC_MSG_REGISTER), 1);
}

FX_MAIN("proto_topics", test_commands_hash, test_topic_parse, test_topic_format)
