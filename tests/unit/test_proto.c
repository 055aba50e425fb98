/* SPDX-License-Identifier: MIT */
/*
 * lib/proto against PROTOCOL.md: every example payload of the page decodes;
 * every message survives encode -> decode; every decoder refuses, with the
 * field named, a wrong version, bad JSON, a missing or mistyped field, a
 * serial or tenant that differs from the topic's, a bad hash, a bad command
 * list and an oversize payload; unknown fields are ignored; topics parse and
 * format; the commands hash equals one computed outside netctl.
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Valid stand-ins for the page's "<hex>" and "<base64>" placeholders. */
#define HASH "53733f54603819da766e63288ad1f366ba047e83478cda17adb2badd69f7c1a2"
/* The hash of the commands of test_commands_hash(), and of []. */
#define HASH_CMDS "5490fb1d52b12e38a7a2959140b6415f2a7fbd95c17d5aafc6b599cf1cd2db33"
#define HASH2	  "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
#define KEY	  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define KEY2	  "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM="

#define SERIAL "CN-0001"

/* 64 characters: one more than a serial or a tenant id may have. */
#define LONG64 "0123456789012345678901234567890123456789012345678901234567890123"
/* 63: the most they may have. */
#define LONG63 "012345678901234567890123456789012345678901234567890123456789012"

/* Helpers. */

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &err);

	if (!j)
		fail_msg("bad test JSON `%s': %s", text, err.text);
	return j;
}

/*
 * Decodes buf as a message of kind from topic serial SERIAL and tenant
 * topic_tenant, releases the result, and returns the decoder's return.
 * A failed decode must leave its output zeroed.
 */
static int decode_any(enum nc_msg kind, const void *buf, size_t len, const char *topic_tenant,
		      struct nc_errinfo *ei)
{
	struct nc_batch b;
	struct nc_confirm c;
	struct nc_config_request r;
	struct nc_heartbeat h;
	struct nc_tunnel_status t;
	struct nc_registration g;
	int ret = NC_ERR_INTERNAL;

	switch (kind) {
	case NC_MSG_BATCH:
		ret = nc_proto_batch_decode(buf, len, SERIAL, topic_tenant, &b, ei);
		if (ret)
			assert_null(b.commands);
		nc_batch_clear(&b);
		break;
	case NC_MSG_CONFIRM:
		ret = nc_proto_confirm_decode(buf, len, SERIAL, topic_tenant, &c, ei);
		if (ret)
			assert_null(c.failures);
		nc_confirm_clear(&c);
		break;
	case NC_MSG_CONFIG_REQUEST:
		ret = nc_proto_config_request_decode(buf, len, SERIAL, &r, ei);
		if (ret)
			assert_string_equal(r.serial, "");
		break;
	case NC_MSG_HEARTBEAT:
		ret = nc_proto_heartbeat_decode(buf, len, SERIAL, &h, ei);
		if (ret)
			assert_string_equal(h.serial, "");
		break;
	case NC_MSG_TUNNEL_STATUS:
		ret = nc_proto_tunnel_status_decode(buf, len, SERIAL, &t, ei);
		if (ret)
			assert_null(t.tunnels);
		nc_tunnel_status_clear(&t);
		break;
	case NC_MSG_REGISTER:
		ret = nc_proto_registration_decode(buf, len, SERIAL, &g, ei);
		if (ret)
			assert_string_equal(g.serial, "");
		break;
	}
	return ret;
}

static int decode_text(enum nc_msg kind, const char *text, const char *topic_tenant,
		       struct nc_errinfo *ei)
{
	return decode_any(kind, text, strlen(text), topic_tenant, ei);
}

static void expect_ok(enum nc_msg kind, const char *text, const char *topic_tenant)
{
	struct nc_errinfo ei = {0};
	int ret = decode_text(kind, text, topic_tenant, &ei);

	if (ret != 0)
		fail_msg("%s refused (%d, %s: %s): %s", nc_proto_msg_name(kind), ret, ei.field,
			 ei.msg, text);
}

static void expect_refused(enum nc_msg kind, const char *text, const char *topic_tenant, int err,
			   const char *field)
{
	struct nc_errinfo ei = {0};
	int ret = decode_text(kind, text, topic_tenant, &ei);

	if (ret != err || ei.code != err || strcmp(ei.field, field) != 0)
		fail_msg("%s: want %d on `%s', got %d on `%s' (%s) for %s", nc_proto_msg_name(kind),
			 err, field, ret, ei.field, ei.msg, text);
	assert_true(ei.msg[0] != '\0');
}

/* The examples of PROTOCOL.md, placeholders filled. */

static const char example_batch[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":42,\n"
	" \"config_hash\":\"" HASH "\",\"issued_at\":\"2026-11-22T02:00:00Z\",\n"
	" \"commands\":[{\"index\":0,\"topic\":\"wireguard\",\"body\":{}},"
	"{\"index\":1,\"topic\":\"static\",\"body\":{}}]}";

/* The command body examples, in dependency order, as one batch. */
static const char example_bodies[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":43,"
	"\"config_hash\":\"" HASH "\",\"issued_at\":\"2026-11-22T02:00:00Z\",\"commands\":[\n"
	"{\"index\":0,\"topic\":\"interface\",\"body\":{\"interfaces\":[{\"name\":\"lan0\","
	"\"addresses\":[\"10.10.0.1/16\"]}]}},\n"
	"{\"index\":1,\"topic\":\"wireguard\",\"body\":{\"interfaces\":[\n"
	"  {\"name\":\"wg0\",\"role\":\"backbone\",\"address\":\"100.64.0.2/32\","
	"\"listen_port\":51820,\"mtu\":1420,\n"
	"   \"peers\":[{\"serial\":\"EDGE-1\",\"public_key\":\"" KEY "\","
	"\"endpoint\":\"192.0.2.1:51820\",\n"
	"             \"allowed_ips\":[\"100.64.0.1/32\",\"10.10.0.0/16\"],"
	"\"persistent_keepalive\":25,\n"
	"             \"tunnel_index\":0}]}]}},\n"
	"{\"index\":2,\"topic\":\"ipsec\",\"body\":{\"sas\":[{\"peer\":\"CN-0002\","
	"\"direction\":\"out\",\"src\":\"192.0.2.2\",\n"
	"  \"dst\":\"192.0.2.3\",\"spi\":40961,\"aead\":\"rfc4106(gcm(aes))\",\"key\":\"" HASH
	"\",\"icv_bits\":128}]}},\n"
	"{\"index\":3,\"topic\":\"static\",\"body\":{\"routes\":[{\"dst\":\"10.20.0.0/24\","
	"\"dev\":\"wg2\",\"metric\":100}]}},\n"
	"{\"index\":4,\"topic\":\"nat_config\",\"body\":{\"masquerade\":[{\"source\":"
	"\"192.168.10.0/24\",\"out_interface\":\"eth0\"}]}},\n"
	"{\"index\":5,\"topic\":\"acl_config\",\"body\":{\"default\":\"accept\",\"rules\":[\n"
	"  {\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
	"\"dst\":\"192.168.10.5/32\",\"dport\":22}]}}]}";

static const char example_confirm[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":42,\"config_hash\":\"" HASH
	"\",\"status\":\"success\",\n"
	" \"applied\":4,\"failed\":0,\"failures\":[{\"index\":2,\"topic\":\"nat_config\","
	"\"error\":\"iptables: exit status 4\"}],\n"
	" \"vpp_mode\":\"none\",\"agent\":\"netctl-agent/0.1.0\"}";

static const char example_config_request[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"seq\":41,\"config_hash\":\"" HASH
	"\",\"reason\":\"startup\"}";

static const char example_config_request_empty[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"seq\":0,\"config_hash\":\"\",\"reason\":\"startup\"}";

static const char example_heartbeat[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"ts\":1795315354,\"seq\":42,\"config_hash\":\"" HASH
	"\",\"uptime_s\":3600,\"public_key\":\"" KEY "\",\"agent\":\"netctl-agent/0.1.0\"}";

static const char example_tunnel_status[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"ts\":1795315354,\"tunnels\":[{\"interface\":\"wg0\","
	"\"peer\":\"EDGE-1\",\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":true,"
	"\"latest_handshake\":1795315300,\"rx_bytes\":1234,\"tx_bytes\":5678},"
	"{\"interface\":\"xfrm\",\"peer\":\"CN-0002\",\"tunnel_index\":0,\"protocol\":\"ipsec\","
	"\"sa\":\"established\"}]}";

static const char example_registration[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"kind\":\"connector\",\"public_key\":\"" KEY
	"\",\"hostname\":\"branch-1\",\"agent\":\"netctl-agent/0.1.0\","
	"\"enrollment_key\":\"ek-3f9a1c\"}";

static void test_example_batch(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b;
	const char *topics[] = {"interface", "wireguard",  "ipsec",
				"static",    "nat_config", "acl_config"};
	json_t *c;
	size_t i;

	assert_int_equal(
		nc_proto_batch_decode(example_batch, strlen(example_batch), SERIAL, NULL, &b, &ei),
		0);
	assert_string_equal(b.serial, "CN-0001");
	assert_string_equal(b.tenant, "acme");
	assert_int_equal(b.seq, 42);
	assert_string_equal(b.config_hash, HASH);
	assert_string_equal(b.issued_at, "2026-11-22T02:00:00Z");
	assert_int_equal(json_array_size(b.commands), 2);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(b.commands, 1), "topic")),
		"static");
	nc_batch_clear(&b);
	assert_null(b.commands);

	/* An MTGE's batch names the tenant in the topic too. */
	assert_int_equal(nc_proto_batch_decode(example_batch, strlen(example_batch), SERIAL, "acme",
					       &b, &ei),
			 0);
	nc_batch_clear(&b);

	assert_int_equal(nc_proto_batch_decode(example_bodies, strlen(example_bodies), SERIAL, NULL,
					       &b, &ei),
			 0);
	assert_int_equal(json_array_size(b.commands), COUNT(topics));
	json_array_foreach(b.commands, i, c) {
		assert_string_equal(json_string_value(json_object_get(c, "topic")), topics[i]);
	}
	nc_batch_clear(&b);
}

static void test_example_confirm(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_confirm c;
	json_t *f;

	assert_int_equal(nc_proto_confirm_decode(example_confirm, strlen(example_confirm), SERIAL,
						 NULL, &c, &ei),
			 0);
	assert_string_equal(c.serial, "CN-0001");
	assert_string_equal(c.tenant, "acme");
	assert_int_equal(c.seq, 42);
	assert_string_equal(c.config_hash, HASH);
	assert_int_equal(c.status, NC_CONFIRM_SUCCESS);
	assert_int_equal(c.applied, 4);
	assert_int_equal(c.failed, 0);
	assert_int_equal(c.vpp_mode, NC_VPP_NONE);
	assert_string_equal(c.agent, "netctl-agent/0.1.0");
	assert_int_equal(json_array_size(c.failures), 1);
	f = json_array_get(c.failures, 0);
	assert_int_equal(json_integer_value(json_object_get(f, "index")), 2);
	assert_string_equal(json_string_value(json_object_get(f, "topic")), "nat_config");
	assert_string_equal(json_string_value(json_object_get(f, "error")),
			    "iptables: exit status 4");
	nc_confirm_clear(&c);

	/* On an MTGE topic. */
	assert_int_equal(nc_proto_confirm_decode(example_confirm, strlen(example_confirm), SERIAL,
						 "acme", &c, &ei),
			 0);
	assert_string_equal(c.tenant, "acme");
	nc_confirm_clear(&c);
}

/* The optional "superseded" member: carried both ways, checked, absent by default. */
static void test_confirm_superseded(void **state)
{
	static const char *const bad[] = {"\"x\"",    "[0]", "[42]", "[43]",
					  "[\"41\"]", "{}",  "[1.5]"};
	struct nc_errinfo ei = {0};
	struct nc_confirm c = {0}, d = {0};
	char buf[1024], *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(nc_proto_confirm_decode(example_confirm, strlen(example_confirm), SERIAL,
						 NULL, &c, &ei),
			 0);
	assert_int_equal(c.n_superseded, 0);
	c.superseded[0] = 40;
	c.superseded[1] = 41;
	c.n_superseded = 2;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), 0);
	assert_non_null(strstr(out, "\"superseded\":[40,41]"));
	assert_int_equal(nc_proto_confirm_decode(out, len, SERIAL, NULL, &d, &ei), 0);
	assert_int_equal(d.n_superseded, 2);
	assert_int_equal(d.superseded[1], 41);
	free(out);
	nc_confirm_clear(&d);
	nc_confirm_clear(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%.*s,\"superseded\":%s}",
			 (int)strlen(example_confirm) - 1, example_confirm, bad[i]);
		ei = (struct nc_errinfo){0};
		assert_int_not_equal(
			nc_proto_confirm_decode(buf, strlen(buf), SERIAL, NULL, &c, &ei), 0);
		assert_string_equal(ei.field, "superseded");
		assert_int_equal(c.n_superseded, 0);
	}
}

static void test_example_device_msgs(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_config_request r;
	struct nc_heartbeat h;
	struct nc_tunnel_status t;
	struct nc_registration g;

	assert_int_equal(nc_proto_config_request_decode(example_config_request,
							strlen(example_config_request), SERIAL, &r,
							&ei),
			 0);
	assert_string_equal(r.serial, "CN-0001");
	assert_int_equal(r.seq, 41);
	assert_string_equal(r.config_hash, HASH);
	assert_string_equal(r.reason, "startup");
	assert_int_equal(nc_proto_config_request_decode(example_config_request_empty,
							strlen(example_config_request_empty),
							SERIAL, &r, &ei),
			 0);
	assert_int_equal(r.seq, 0);
	assert_string_equal(r.config_hash, "");

	assert_int_equal(nc_proto_heartbeat_decode(example_heartbeat, strlen(example_heartbeat),
						   SERIAL, &h, &ei),
			 0);
	assert_string_equal(h.serial, "CN-0001");
	assert_int_equal(h.ts, 1795315354);
	assert_int_equal(h.seq, 42);
	assert_string_equal(h.config_hash, HASH);
	assert_int_equal(h.uptime_s, 3600);
	assert_string_equal(h.public_key, KEY);
	assert_string_equal(h.agent, "netctl-agent/0.1.0");

	assert_int_equal(nc_proto_tunnel_status_decode(example_tunnel_status,
						       strlen(example_tunnel_status), SERIAL, &t,
						       &ei),
			 0);
	assert_string_equal(t.serial, "CN-0001");
	assert_int_equal(t.ts, 1795315354);
	assert_int_equal(t.n_tunnels, 2);
	assert_string_equal(t.tunnels[0].interface, "wg0");
	assert_string_equal(t.tunnels[0].peer, "EDGE-1");
	assert_int_equal(t.tunnels[0].tunnel_index, 0);
	assert_int_equal(t.tunnels[0].protocol, NC_PROTO_WIREGUARD);
	assert_true(t.tunnels[0].up);
	assert_int_equal(t.tunnels[0].latest_handshake, 1795315300);
	assert_int_equal(t.tunnels[0].rx_bytes, 1234);
	assert_int_equal(t.tunnels[0].tx_bytes, 5678);
	assert_string_equal(t.tunnels[0].sa, "");
	assert_string_equal(t.tunnels[1].interface, "xfrm");
	assert_string_equal(t.tunnels[1].peer, "CN-0002");
	assert_int_equal(t.tunnels[1].protocol, NC_PROTO_IPSEC);
	assert_string_equal(t.tunnels[1].sa, "established");
	assert_true(t.tunnels[1].up);
	assert_int_equal(t.tunnels[1].latest_handshake, -1);
	assert_int_equal(t.tunnels[1].rx_bytes, -1);
	assert_int_equal(t.tunnels[1].tx_bytes, -1);
	nc_tunnel_status_clear(&t);
	assert_null(t.tunnels);
	assert_int_equal(t.n_tunnels, 0);

	assert_int_equal(nc_proto_registration_decode(example_registration,
						      strlen(example_registration), SERIAL, &g,
						      &ei),
			 0);
	assert_string_equal(g.serial, "CN-0001");
	assert_int_equal(g.kind, NC_DEVICE_CONNECTOR);
	assert_string_equal(g.public_key, KEY);
	assert_string_equal(g.hostname, "branch-1");
	assert_string_equal(g.agent, "netctl-agent/0.1.0");
	assert_string_equal(g.enrollment_key, "ek-3f9a1c");
}

/* The payload need not be NUL-terminated: only len bytes are read. */
static void test_not_nul_terminated(void **state)
{
	struct nc_errinfo ei = {0};
	size_t n = strlen(example_heartbeat);
	char *buf = malloc(n + 3);

	memcpy(buf, example_heartbeat, n);
	memcpy(buf + n, "xyz", 3);
	assert_int_equal(decode_any(NC_MSG_HEARTBEAT, buf, n, NULL, &ei), 0);
	/* One byte short is invalid JSON. */
	assert_int_equal(decode_any(NC_MSG_HEARTBEAT, buf, n - 1, NULL, &ei), NC_ERR_PARSE);
	assert_int_equal(decode_any(NC_MSG_HEARTBEAT, NULL, 0, NULL, &ei), NC_ERR_PARSE);
	free(buf);
}

/* Round trips. */

static void test_batch_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b = {0}, d;
	char hex[65], *out;
	size_t len;

	snprintf(b.serial, sizeof(b.serial), "EDGE-1");
	snprintf(b.tenant, sizeof(b.tenant), "acme");
	b.seq = 7;
	snprintf(b.issued_at, sizeof(b.issued_at), "2026-11-22T02:00:00Z");
	b.commands = parse("[{\"index\":0,\"topic\":\"interface\",\"body\":{\"x\":[1,-2]}},"
			   "{\"index\":1,\"topic\":\"acl\",\"body\":{\"s\":\"caf\\u00e9\"}}]");
	assert_int_equal(nc_proto_commands_hash(b.commands, b.config_hash, &ei), 0);
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), 0);
	assert_int_equal(len, strlen(out));
	assert_null(strchr(out, ' '));
	assert_int_equal(nc_proto_batch_decode(out, len, "EDGE-1", "acme", &d, &ei), 0);
	assert_string_equal(d.serial, b.serial);
	assert_string_equal(d.tenant, b.tenant);
	assert_int_equal(d.seq, b.seq);
	assert_string_equal(d.config_hash, b.config_hash);
	assert_string_equal(d.issued_at, b.issued_at);
	assert_true(json_equal(d.commands, b.commands));
	assert_int_equal(nc_proto_commands_hash(d.commands, hex, &ei), 0);
	assert_string_equal(hex, b.config_hash);
	free(out);
	nc_batch_clear(&d);

	/* An empty command list is a batch too. */
	json_decref(b.commands);
	b.commands = json_array();
	assert_int_equal(nc_proto_commands_hash(b.commands, b.config_hash, &ei), 0);
	assert_string_equal(b.config_hash, HASH2);
	assert_int_equal(nc_proto_batch_encode(&b, &out, NULL, &ei), 0);
	assert_int_equal(nc_proto_batch_decode(out, strlen(out), "EDGE-1", NULL, &d, &ei), 0);
	assert_int_equal(json_array_size(d.commands), 0);
	free(out);
	nc_batch_clear(&d);
	nc_batch_clear(&b);
}

static void test_confirm_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_confirm c = {0}, d;
	char *out;
	size_t len;

	snprintf(c.serial, sizeof(c.serial), "EDGE-1");
	snprintf(c.tenant, sizeof(c.tenant), "acme");
	c.seq = 9;
	snprintf(c.config_hash, sizeof(c.config_hash), HASH);
	c.status = NC_CONFIRM_FAILURE;
	c.applied = 3;
	c.failed = 1;
	c.failures = parse("[{\"index\":3,\"topic\":\"acl\",\"error\":\"iptables: \\\"x\\\"\"}]");
	c.vpp_mode = NC_VPP_AF_PACKET;
	snprintf(c.agent, sizeof(c.agent), "netctl-agent/0.1.0");
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_confirm_decode(out, len, "EDGE-1", "acme", &d, &ei), 0);
	assert_string_equal(d.serial, c.serial);
	assert_string_equal(d.tenant, c.tenant);
	assert_int_equal(d.seq, c.seq);
	assert_string_equal(d.config_hash, c.config_hash);
	assert_int_equal(d.status, c.status);
	assert_int_equal(d.applied, c.applied);
	assert_int_equal(d.failed, c.failed);
	assert_true(json_equal(d.failures, c.failures));
	assert_int_equal(d.vpp_mode, c.vpp_mode);
	assert_string_equal(d.agent, c.agent);
	free(out);
	nc_confirm_clear(&d);
	nc_confirm_clear(&c);

	/* Nothing applied, no tenant, no failures list: "" hash, [] failures. */
	snprintf(c.serial, sizeof(c.serial), "CN-0001");
	snprintf(c.agent, sizeof(c.agent), "a");
	c.vpp_mode = NC_VPP_DPDK;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), 0);
	assert_non_null(strstr(out, "\"failures\":[]"));
	assert_null(strstr(out, "tenant"));
	assert_int_equal(nc_proto_confirm_decode(out, len, SERIAL, NULL, &d, &ei), 0);
	assert_string_equal(d.tenant, "");
	assert_string_equal(d.config_hash, "");
	assert_int_equal(d.status, NC_CONFIRM_SUCCESS);
	assert_int_equal(d.vpp_mode, NC_VPP_DPDK);
	assert_int_equal(json_array_size(d.failures), 0);
	nc_confirm_clear(&d);
	/* A tenant-less confirmation on an MTGE topic takes the topic's tenant. */
	assert_int_equal(nc_proto_confirm_decode(out, len, SERIAL, "acme", &d, &ei), 0);
	assert_string_equal(d.tenant, "acme");
	nc_confirm_clear(&d);
	free(out);
}

/* Field by field: structs may hold padding. */
static void assert_request_equal(const struct nc_config_request *a,
				 const struct nc_config_request *b)
{
	assert_string_equal(a->serial, b->serial);
	assert_int_equal(a->seq, b->seq);
	assert_string_equal(a->config_hash, b->config_hash);
	assert_string_equal(a->reason, b->reason);
}

static void assert_heartbeat_equal(const struct nc_heartbeat *a, const struct nc_heartbeat *b)
{
	assert_string_equal(a->serial, b->serial);
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->seq, b->seq);
	assert_string_equal(a->config_hash, b->config_hash);
	assert_int_equal(a->uptime_s, b->uptime_s);
	assert_string_equal(a->public_key, b->public_key);
	assert_string_equal(a->agent, b->agent);
}

static void assert_registration_equal(const struct nc_registration *a,
				      const struct nc_registration *b)
{
	assert_string_equal(a->serial, b->serial);
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->public_key, b->public_key);
	assert_string_equal(a->hostname, b->hostname);
	assert_string_equal(a->agent, b->agent);
	assert_string_equal(a->enrollment_key, b->enrollment_key);
}

static void assert_report_equal(const struct nc_tunnel_report *a, const struct nc_tunnel_report *b)
{
	assert_string_equal(a->interface, b->interface);
	assert_string_equal(a->peer, b->peer);
	assert_int_equal(a->tunnel_index, b->tunnel_index);
	assert_int_equal(a->protocol, b->protocol);
	assert_int_equal(a->up, b->up);
	assert_int_equal(a->latest_handshake, b->latest_handshake);
	assert_int_equal(a->rx_bytes, b->rx_bytes);
	assert_int_equal(a->tx_bytes, b->tx_bytes);
	assert_string_equal(a->sa, b->sa);
	assert_string_equal(a->peering, b->peering);
}

static void test_device_msgs_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_config_request r = {0}, r2;
	struct nc_heartbeat h = {0}, h2;
	struct nc_registration g = {0}, g2;
	char *out;
	size_t len;

	snprintf(r.serial, sizeof(r.serial), "e.dge_1");
	snprintf(r.reason, sizeof(r.reason), "startup");
	assert_int_equal(nc_proto_config_request_encode(&r, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_config_request_decode(out, len, "e.dge_1", &r2, &ei), 0);
	assert_request_equal(&r, &r2);
	free(out);
	r.seq = NC_PROTO_INT_MAX;
	snprintf(r.config_hash, sizeof(r.config_hash), HASH);
	assert_int_equal(nc_proto_config_request_encode(&r, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_config_request_decode(out, len, "e.dge_1", &r2, &ei), 0);
	assert_request_equal(&r, &r2);
	free(out);

	snprintf(h.serial, sizeof(h.serial), SERIAL);
	h.ts = 1795315354;
	h.seq = 3;
	snprintf(h.config_hash, sizeof(h.config_hash), HASH2);
	h.uptime_s = 12;
	snprintf(h.agent, sizeof(h.agent), "netctl-agent/0.1.0");
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_heartbeat_decode(out, len, SERIAL, &h2, &ei), 0);
	assert_heartbeat_equal(&h, &h2);
	free(out);
	snprintf(h.public_key, sizeof(h.public_key), KEY2);
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_heartbeat_decode(out, len, SERIAL, &h2, &ei), 0);
	assert_heartbeat_equal(&h, &h2);
	free(out);

	snprintf(g.serial, sizeof(g.serial), "EDGE-1");
	g.kind = NC_DEVICE_EDGE;
	snprintf(g.public_key, sizeof(g.public_key), KEY);
	snprintf(g.agent, sizeof(g.agent), "netctl-agent/0.1.0");
	assert_int_equal(nc_proto_registration_encode(&g, &out, &len, &ei), 0);
	assert_null(strstr(out, "hostname"));
	assert_null(strstr(out, "enrollment_key"));
	assert_int_equal(nc_proto_registration_decode(out, len, "EDGE-1", &g2, &ei), 0);
	assert_registration_equal(&g, &g2);
	free(out);
	snprintf(g.hostname, sizeof(g.hostname), "dc-1.example.net");
	snprintf(g.enrollment_key, sizeof(g.enrollment_key), "ek-1");
	assert_int_equal(nc_proto_registration_encode(&g, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_registration_decode(out, len, "EDGE-1", &g2, &ei), 0);
	assert_registration_equal(&g, &g2);
	free(out);
}

static void test_tunnel_status_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_tunnel_report rep[3] = {
		{"wg2", "EDGE-1", 0, NC_PROTO_WIREGUARD, true, 1795315300, 1, 2, "", "g1"},
		{"wg0", "EDGE-1", 0, NC_PROTO_WIREGUARD, false, -1, -1, -1, "", ""},
		{"xfrm", "CN-0002", 0, NC_PROTO_IPSEC, false, -1, 5, 6, "down", "g.2_x-y"},
	};
	struct nc_tunnel_status t = {SERIAL, 1795315354, rep, COUNT(rep)}, d;
	char *out;
	size_t len;

	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_tunnel_status_decode(out, len, SERIAL, &d, &ei), 0);
	assert_string_equal(d.serial, t.serial);
	assert_int_equal(d.ts, t.ts);
	assert_int_equal(d.n_tunnels, COUNT(rep));
	for (size_t i = 0; i < COUNT(rep); i++)
		assert_report_equal(&d.tunnels[i], &rep[i]);
	free(out);
	nc_tunnel_status_clear(&d);

	t.n_tunnels = 0;
	t.tunnels = NULL;
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_tunnel_status_decode(out, len, SERIAL, &d, &ei), 0);
	assert_int_equal(d.n_tunnels, 0);
	assert_null(d.tunnels);
	free(out);
}

/* "peering" is optional: absent or "" decodes as "", a name as itself, and
 * anything else is refused naming the entry. Absent is not encoded. */
static void test_tunnel_status_peering(void **state)
{
	static const struct {
		const char *value; /* JSON text; NULL: absent */
		int err;
		const char *want;
	} cases[] = {
		{NULL, 0, ""},
		{"\"\"", 0, ""},
		{"\"g1\"", 0, "g1"},
		{"\"a b\"", NC_ERR_INVAL, NULL},
		{"\"-x\"", NC_ERR_INVAL, NULL},
		{"7", NC_ERR_INVAL, NULL},
		{"null", NC_ERR_INVAL, NULL},
	};
	struct nc_tunnel_report rep = {"wg0", "EDGE-1", 0, NC_PROTO_WIREGUARD, true, -1, -1,
				       -1,    "",	""};
	struct nc_tunnel_status t = {SERIAL, 1795315354, &rep, 1}, d;
	struct nc_errinfo ei = {0};
	char *out;
	size_t len;

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		json_t *root = parse(example_tunnel_status);
		json_t *e = json_array_get(json_object_get(root, "tunnels"), 1);
		char *text;
		int ret;

		if (cases[i].value)
			json_object_set_new(e, "peering", parse(cases[i].value));
		text = json_dumps(root, JSON_COMPACT);
		json_decref(root);
		memset(&ei, 0, sizeof(ei));
		ret = nc_proto_tunnel_status_decode(text, strlen(text), SERIAL, &d, &ei);
		if (cases[i].err) {
			assert_int_equal(ret, cases[i].err);
			assert_string_equal(ei.field, "tunnels[1].peering");
			assert_null(d.tunnels);
		} else {
			assert_int_equal(ret, 0);
			assert_string_equal(d.tunnels[0].peering, "");
			assert_string_equal(d.tunnels[1].peering, cases[i].want);
		}
		nc_tunnel_status_clear(&d);
		free(text);
	}
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), 0);
	assert_null(strstr(out, "peering"));
	free(out);
	snprintf(rep.peering, sizeof(rep.peering), "bad name");
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), NC_ERR_INVAL);
	assert_null(out);
}

/* Refusals. */

/* A valid payload of each kind (from topic serial SERIAL). */
static const char *const valid[NC_MSG_COUNT] = {
	[NC_MSG_BATCH] = example_batch,
	[NC_MSG_CONFIRM] = example_confirm,
	[NC_MSG_CONFIG_REQUEST] = example_config_request,
	[NC_MSG_HEARTBEAT] = example_heartbeat,
	[NC_MSG_TUNNEL_STATUS] = example_tunnel_status,
	[NC_MSG_REGISTER] = example_registration,
};

/* The members each message requires. */
static const char *const required[NC_MSG_COUNT][12] = {
	[NC_MSG_BATCH] = {"v", "serial", "tenant", "seq", "config_hash", "issued_at", "commands"},
	[NC_MSG_CONFIRM] = {"v", "serial", "seq", "config_hash", "status", "applied", "failed",
			    "failures", "vpp_mode", "agent"},
	[NC_MSG_CONFIG_REQUEST] = {"v", "serial", "seq", "config_hash", "reason"},
	[NC_MSG_HEARTBEAT] = {"v", "serial", "ts", "seq", "config_hash", "uptime_s", "public_key",
			      "agent"},
	[NC_MSG_TUNNEL_STATUS] = {"v", "serial", "ts", "tunnels"},
	[NC_MSG_REGISTER] = {"v", "serial", "kind", "public_key", "agent"},
};

/* valid[kind] with member key set to the JSON text value, or removed when value is NULL. */
static char *mutate(enum nc_msg kind, const char *key, const char *value)
{
	json_t *root = parse(valid[kind]);
	char *text;

	if (value)
		json_object_set_new(root, key, parse(value));
	else
		json_object_del(root, key);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

static void expect_mutation(enum nc_msg kind, const char *key, const char *value, int err,
			    const char *field)
{
	char *text = mutate(kind, key, value);

	expect_refused(kind, text, NULL, err, field);
	free(text);
}

/* What every message refuses the same way. */
static void test_refuse_common(void **state)
{
	static const struct {
		const char *key;
		const char *value; /* NULL: removed */
		const char *field; /* NULL: key */
	} rows[] = {
		{"v", "2", NULL},
		{"v", "0", NULL},
		{"v", "\"1\"", NULL},
		{"v", "1.0", NULL},
		{"v", "true", NULL},
		{"v", "null", NULL},
		{"serial", "\"CN-0002\"", NULL}, /* differs from the topic's */
		{"serial", "\"cn-0001\"", NULL},
		{"serial", "\"CN+0001\"", NULL},
		{"serial", "\"\"", NULL},
		{"serial", "7", NULL},
		{"serial",
		 "\""
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "\"",
		 NULL},
	};
	struct nc_errinfo ei = {0};

	for (int k = 0; k < NC_MSG_COUNT; k++) {
		char *text;

		expect_ok((enum nc_msg)k, valid[k], NULL);
		for (size_t i = 0; i < COUNT(rows); i++)
			expect_mutation((enum nc_msg)k, rows[i].key, rows[i].value, NC_ERR_INVAL,
					rows[i].field ? rows[i].field : rows[i].key);
		/* Every required member, absent or of the wrong type. */
		for (size_t i = 0; required[k][i]; i++) {
			expect_mutation((enum nc_msg)k, required[k][i], NULL, NC_ERR_INVAL,
					required[k][i]);
			expect_mutation((enum nc_msg)k, required[k][i], "{\"x\":1}", NC_ERR_INVAL,
					required[k][i]);
		}
		/* The version message is the contract's. */
		text = mutate((enum nc_msg)k, "v", "2");
		assert_int_equal(decode_text((enum nc_msg)k, text, NULL, &ei), NC_ERR_INVAL);
		assert_string_equal(ei.msg, "unsupported protocol version 2");
		free(text);
		text = mutate((enum nc_msg)k, "serial", "\"CN-0002\"");
		assert_int_equal(decode_text((enum nc_msg)k, text, NULL, &ei), NC_ERR_INVAL);
		assert_string_equal(ei.msg, "payload serial `CN-0002' differs from the topic's "
					    "`CN-0001'");
		free(text);
	}
}

static void test_refuse_not_json(void **state)
{
	static const char *const texts[] = {
		"",
		" ",
		"{",
		"}",
		"nul",
		"[]",
		"[{\"v\":1}]",
		"\"v\"",
		"1",
		"null",
		"{\"v\":1} x",
		"{\"v\":1,\"v\":1}",
		"{v:1}",
		"{\"v\":1,}",
		"{\"v\":1\x01}",
		"{\"v\":\"\\u0000\"}",
		"{\"v\":\"\xff\"}",
		"{\"v\":99999999999999999999}",
	};

	for (int k = 0; k < NC_MSG_COUNT; k++) {
		for (size_t i = 0; i < COUNT(texts); i++)
			expect_refused((enum nc_msg)k, texts[i], NULL, NC_ERR_PARSE, "");
	}
	/* A NUL byte inside the payload. */
	for (int k = 0; k < NC_MSG_COUNT; k++) {
		struct nc_errinfo ei = {0};

		assert_int_equal(decode_any((enum nc_msg)k, "{\"v\":1}\0", 8, NULL, &ei),
				 NC_ERR_PARSE);
	}
}

/* A payload of exactly the limit decodes; one byte more is refused unread. */
static void test_refuse_oversize(void **state)
{
	for (int k = 0; k < NC_MSG_COUNT; k++) {
		size_t limit = nc_proto_msg_limit((enum nc_msg)k), n = strlen(valid[k]);
		char *buf = malloc(limit + 1);
		struct nc_errinfo ei = {0};

		memcpy(buf, valid[k], n);
		memset(buf + n, ' ', limit + 1 - n);
		assert_int_equal(decode_any((enum nc_msg)k, buf, limit, NULL, &ei), 0);
		assert_int_equal(decode_any((enum nc_msg)k, buf, limit + 1, NULL, &ei),
				 NC_ERR_TOOBIG);
		assert_int_equal(ei.code, NC_ERR_TOOBIG);
		/* Even garbage: the size is checked first. */
		memset(buf, 'x', limit + 1);
		assert_int_equal(decode_any((enum nc_msg)k, buf, limit + 1, NULL, &ei),
				 NC_ERR_TOOBIG);
		free(buf);
	}
	assert_int_equal(nc_proto_msg_limit(NC_MSG_BATCH), 1024 * 1024);
	assert_int_equal(nc_proto_msg_limit(NC_MSG_CONFIRM), 64 * 1024);
}

#define ENV "\"v\":1,\"serial\":\"CN-0001\""
#define BATCH_HEAD                                                                                 \
	"{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":\"" HASH "\","                     \
	"\"issued_at\":\"t\","
#define CMD(i, t)    "{\"index\":" #i ",\"topic\":\"" t "\",\"body\":{}}"
#define CONFIRM_HEAD "{" ENV ",\"seq\":1,\"vpp_mode\":\"none\",\"agent\":\"a\","
#define TUNNELS_HEAD "{" ENV ",\"ts\":1,\"tunnels\":"
#define WG_TUNNEL(extra)                                                                           \
	"{\"interface\":\"wg0\",\"peer\":\"EDGE-1\",\"tunnel_index\":0,"                           \
	"\"protocol\":\"wireguard\"" extra "}"

static const struct refusal {
	enum nc_msg kind;
	const char *topic_tenant;
	const char *text;
	int err; /* 0: accepted */
	const char *field;
} refusals[] = {
	/* Batch envelope. */
	{NC_MSG_BATCH, "acme", BATCH_HEAD "\"commands\":[]}", 0, ""},
	{NC_MSG_BATCH, "other", BATCH_HEAD "\"commands\":[]}", NC_ERR_INVAL, "tenant"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"Acme\",\"seq\":1,\"config_hash\":\"" HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":0,\"config_hash\":\"" HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1.5,\"config_hash\":\"" HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":9007199254740992,"
	 "\"config_hash\":\"" HASH "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":9007199254740991,"
	 "\"config_hash\":\"" HASH "\",\"issued_at\":\"t\",\"commands\":[]}",
	 0, ""},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":\"\","
	 "\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":"
	 "\"53733F54603819DA766E63288AD1F366BA047E83478CDA17ADB2BADD69F7C1A2\","
	 "\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":"
	 "\"53733f54603819da766e63288ad1f366ba047e83478cda17adb2badd69f7c1a\","
	 "\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":"
	 "\"53733f54603819da766e63288ad1f366ba047e83478cda17adb2badd69f7c1a2a\","
	 "\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":"
	 "\"g3733f54603819da766e63288ad1f366ba047e83478cda17adb2badd69f7c1a2\","
	 "\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	/* Batch commands. */
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":{}}", NC_ERR_INVAL, "commands"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[" CMD(0, "wireguard") "," CMD(1, "wireguard") "]}", NC_ERR_INVAL,
	 "commands[1].topic"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[" CMD(1, "wireguard") "," CMD(0, "static") "]}", NC_ERR_INVAL,
	 "commands[0].index"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[" CMD(0, "wireguard") "," CMD(2, "static") "]}", NC_ERR_INVAL,
	 "commands[1].index"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[" CMD(-1, "wireguard") "]}", NC_ERR_INVAL,
	 "commands[0].index"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0.0,\"topic\":\"acl\","
		    "\"body\":{}}]}",
	 NC_ERR_INVAL, "commands[0].index"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[" CMD(0, "firewall") "]}", NC_ERR_INVAL,
	 "commands[0].topic"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[" CMD(0, "Wireguard") "]}", NC_ERR_INVAL,
	 "commands[0].topic"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[" CMD(0, "") "]}", NC_ERR_INVAL,
	 "commands[0].topic"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":1,\"body\":{}}]}",
	 NC_ERR_INVAL, "commands[0].topic"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[{\"index\":0,\"body\":{}}]}", NC_ERR_INVAL,
	 "commands[0].topic"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[{\"topic\":\"acl\",\"body\":{}}]}",
	 NC_ERR_INVAL, "commands[0].index"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\"}]}",
	 NC_ERR_INVAL, "commands[0].body"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\","
		    "\"body\":[]}]}",
	 NC_ERR_INVAL, "commands[0].body"},
	{NC_MSG_BATCH, NULL, BATCH_HEAD "\"commands\":[" CMD(0, "acl") ",7]}", NC_ERR_INVAL,
	 "commands[1]"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\","
		    "\"body\":{\"mtu\":1.5}}]}",
	 NC_ERR_INVAL, "commands[0].body.mtu"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\","
		    "\"body\":{\"a\":[9007199254740992]}}]}",
	 NC_ERR_INVAL, "commands[0].body.a[0]"},
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\","
		    "\"body\":{\"a\":[-9007199254740991]}}]}",
	 0, ""},
	/* Unknown members of a command are kept, so they must be hashable too. */
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD "\"commands\":[{\"index\":0,\"topic\":\"acl\","
		    "\"body\":{},\"note\":2.5}]}",
	 NC_ERR_INVAL, "commands[0].note"},
	/* Every known topic once. */
	{NC_MSG_BATCH, NULL,
	 BATCH_HEAD
	 "\"commands\":[" CMD(0, "interface") "," CMD(1, "wireguard") "," CMD(2, "ipsec") "," CMD(
		 3,
		 "static") "," CMD(4,
				   "nat_config") "," CMD(5,
							 "acl_config") "," CMD(6,
									       "nat44") "," CMD(7,
												"ac"
												"l") "]}",
	 0, ""},

	/* Confirmation. */
	{NC_MSG_CONFIRM, "acme",
	 CONFIRM_HEAD "\"tenant\":\"other\",\"config_hash\":\"" HASH
		      "\",\"status\":\"success\",\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"tenant\":\"a b\",\"config_hash\":\"" HASH
		      "\",\"status\":\"success\",\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"tenant\":7,\"config_hash\":\"" HASH
		      "\",\"status\":\"success\",\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"\",\"status\":\"success\","
		      "\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"\",\"status\":\"failure\","
		      "\"applied\":0,\"failed\":2,\"failures\":[]}",
	 0, ""},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"xyz\",\"status\":\"failure\","
		      "\"applied\":0,\"failed\":2,\"failures\":[]}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"success\","
		      "\"applied\":1,\"failed\":1,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"ok\","
		      "\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"success\","
		      "\"applied\":-1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "applied"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":-1,\"failures\":[]}",
	 NC_ERR_INVAL, "failed"},
	{NC_MSG_CONFIRM, NULL,
	 "{" ENV ",\"seq\":-1,\"vpp_mode\":\"none\",\"agent\":\"a\","
	 "\"config_hash\":\"" HASH "\",\"status\":\"success\",\"applied\":1,\"failed\":0,"
	 "\"failures\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_CONFIRM, NULL,
	 "{" ENV ",\"seq\":0,\"vpp_mode\":\"vpp\",\"agent\":\"a\","
	 "\"config_hash\":\"" HASH "\",\"status\":\"success\",\"applied\":1,\"failed\":0,"
	 "\"failures\":[]}",
	 NC_ERR_INVAL, "vpp_mode"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\"}]}",
	 NC_ERR_INVAL, "failures[0].error"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\","
		      "\"error\":\"e\"},{\"index\":\"1\",\"topic\":\"acl\",\"error\":\"e\"}]}",
	 NC_ERR_INVAL, "failures[1].index"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD
	 "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
	 "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":[],\"error\":\"e\"}]}",
	 NC_ERR_INVAL, "failures[0].topic"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":1,\"failures\":[\"acl\"]}",
	 NC_ERR_INVAL, "failures[0]"},

	/* Config request. */
	{NC_MSG_CONFIG_REQUEST, NULL, "{" ENV ",\"seq\":5,\"config_hash\":\"\",\"reason\":\"x\"}",
	 0, ""},
	{NC_MSG_CONFIG_REQUEST, NULL,
	 "{" ENV ",\"seq\":-1,\"config_hash\":\"\","
	 "\"reason\":\"x\"}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_CONFIG_REQUEST, NULL,
	 "{" ENV ",\"seq\":0,\"config_hash\":\"00\","
	 "\"reason\":\"x\"}",
	 NC_ERR_INVAL, "config_hash"},
	{NC_MSG_CONFIG_REQUEST, NULL,
	 "{" ENV ",\"seq\":0,\"config_hash\":null,"
	 "\"reason\":\"x\"}",
	 NC_ERR_INVAL, "config_hash"},

	/* Heartbeat. */
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"\",\"agent\":\"\"}",
	 0, ""},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"AAAA\",\"agent\":\"a\"}",
	 NC_ERR_INVAL, "public_key"},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\","
	 "\"agent\":\"a\"}",
	 NC_ERR_INVAL, "public_key"},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":-5,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"\",\"agent\":\"a\"}",
	 NC_ERR_INVAL, "ts"},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1e9,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"\",\"agent\":\"a\"}",
	 NC_ERR_INVAL, "ts"},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":-9007199254740992,\"public_key\":\"\",\"agent\":\"a\"}",
	 NC_ERR_INVAL, "uptime_s"},
	{NC_MSG_HEARTBEAT, NULL,
	 "{" ENV ",\"ts\":1,\"seq\":0,\"config_hash\":\"\","
	 "\"uptime_s\":0,\"public_key\":\"\",\"agent\":\""
	 "0123456789abcdef0123456789abcdef"
	 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	 "0123456789abcdef\"}",
	 NC_ERR_INVAL, "agent"},

	/* Tunnel status. */
	{NC_MSG_TUNNEL_STATUS, NULL, TUNNELS_HEAD "[]}", 0, ""},
	{NC_MSG_TUNNEL_STATUS, NULL, TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":false") "]}", 0, ""},
	{NC_MSG_TUNNEL_STATUS, NULL, TUNNELS_HEAD "[" WG_TUNNEL("") "]}", NC_ERR_INVAL,
	 "tunnels[0].up"},
	{NC_MSG_TUNNEL_STATUS, NULL, TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":1") "]}", NC_ERR_INVAL,
	 "tunnels[0].up"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":true,\"rx_bytes\":-1") "]}", NC_ERR_INVAL,
	 "tunnels[0].rx_bytes"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":true,"
				    "\"latest_handshake\":\"now\"") "]}",
	 NC_ERR_INVAL, "tunnels[0].latest_handshake"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":true,\"tx_bytes\":0.5") "]}", NC_ERR_INVAL,
	 "tunnels[0].tx_bytes"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"wg0\",\"peer\":\"EDGE-1\","
		      "\"tunnel_index\":2,\"protocol\":\"wireguard\",\"up\":true}]}",
	 NC_ERR_INVAL, "tunnels[0].tunnel_index"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"wg0\",\"peer\":\"EDGE-1\","
		      "\"tunnel_index\":0,\"protocol\":\"gre\",\"up\":true}]}",
	 NC_ERR_INVAL, "tunnels[0].protocol"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"wg0 x\",\"peer\":\"EDGE-1\","
		      "\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":true}]}",
	 NC_ERR_INVAL, "tunnels[0].interface"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"wg0\",\"peer\":\"#\","
		      "\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":true}]}",
	 NC_ERR_INVAL, "tunnels[0].peer"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"xfrm\",\"peer\":\"CN-2\","
		      "\"tunnel_index\":0,\"protocol\":\"ipsec\"}]}",
	 NC_ERR_INVAL, "tunnels[0].sa"},
	{NC_MSG_TUNNEL_STATUS, NULL,
	 TUNNELS_HEAD "[{\"interface\":\"xfrm\",\"peer\":\"CN-2\","
		      "\"tunnel_index\":0,\"protocol\":\"ipsec\",\"sa\":\"\"}]}",
	 NC_ERR_INVAL, "tunnels[0].sa"},
	{NC_MSG_TUNNEL_STATUS, NULL, TUNNELS_HEAD "[" WG_TUNNEL(",\"up\":true") ",[]]}",
	 NC_ERR_INVAL, "tunnels[1]"},
	{NC_MSG_TUNNEL_STATUS, NULL, "{" ENV ",\"ts\":1.0,\"tunnels\":[]}", NC_ERR_INVAL, "ts"},

	/* Registration. */
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" KEY "\","
	 "\"agent\":\"a\",\"hostname\":null,\"enrollment_key\":null}",
	 0, ""},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"router\",\"public_key\":\"" KEY "\","
	 "\"agent\":\"a\"}",
	 NC_ERR_INVAL, "kind"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"\","
	 "\"agent\":\"a\"}",
	 NC_ERR_INVAL, "public_key"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" KEY "\","
	 "\"agent\":\"a\",\"hostname\":5}",
	 NC_ERR_INVAL, "hostname"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" KEY "\","
	 "\"agent\":\"a\",\"enrollment_key\":[]}",
	 NC_ERR_INVAL, "enrollment_key"},
};

static void test_refusal_table(void **state)
{
	for (size_t i = 0; i < COUNT(refusals); i++) {
		const struct refusal *r = &refusals[i];

		if (r->err == 0)
			expect_ok(r->kind, r->text, r->topic_tenant);
		else
			expect_refused(r->kind, r->text, r->topic_tenant, r->err, r->field);
	}
}

/* Unknown members, anywhere, are ignored (commands keep theirs, as received). */
static void test_unknown_fields_ignored(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b;
	struct nc_tunnel_status t;
	struct nc_confirm c;
	static const char batch[] =
		"{\"future\":{\"x\":[1.5,null]}," ENV ",\"tenant\":\"acme\",\"seq\":1,"
		"\"config_hash\":\"" HASH "\",\"issued_at\":\"t\",\"commands\":[{\"index\":0,"
		"\"topic\":\"acl\",\"body\":{\"rules\":[]},\"extra\":\"kept\"}],\"z\":1e300}";
	static const char tunnels[] = TUNNELS_HEAD
		"[" WG_TUNNEL(",\"up\":true,\"sa\":\"ignored\",\"endpoint\":1.5") "],"
										  "\"x\":2.5}";
	static const char confirm[] = CONFIRM_HEAD
		"\"config_hash\":\"" HASH "\",\"status\":\"failure\",\"applied\":1,"
		"\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\",\"error\":\"e\","
		"\"detail\":0.5}],\"extra\":[]}";

	for (int k = 0; k < NC_MSG_COUNT; k++) {
		char *text = mutate((enum nc_msg)k, "unknown_member", "{\"a\":[1.5,true,null]}");

		expect_ok((enum nc_msg)k, text, NULL);
		free(text);
	}
	assert_int_equal(nc_proto_batch_decode(batch, strlen(batch), SERIAL, NULL, &b, &ei), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(b.commands, 0), "extra")), "kept");
	nc_batch_clear(&b);
	assert_int_equal(nc_proto_tunnel_status_decode(tunnels, strlen(tunnels), SERIAL, &t, &ei),
			 0);
	assert_string_equal(t.tunnels[0].sa, "");
	nc_tunnel_status_clear(&t);
	/* Failures are rebuilt with their three members only. */
	assert_int_equal(nc_proto_confirm_decode(confirm, strlen(confirm), SERIAL, NULL, &c, &ei),
			 0);
	assert_int_equal(json_object_size(json_array_get(c.failures, 0)), 3);
	nc_confirm_clear(&c);
}

/* Encoders refuse what decoders would refuse, and what does not fit. */
static void test_encode_refusals(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b = {0};
	struct nc_confirm c = {0};
	struct nc_heartbeat h = {0};
	struct nc_registration g = {0};
	struct nc_config_request r = {0};
	struct nc_tunnel_status t = {0};
	char *out = (char *)"sentinel", *big;
	size_t len = 42;

	snprintf(b.serial, sizeof(b.serial), SERIAL);
	snprintf(b.tenant, sizeof(b.tenant), "acme");
	b.seq = 1;
	snprintf(b.config_hash, sizeof(b.config_hash), HASH);
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "commands");
	assert_null(out);
	assert_int_equal(len, 0);
	b.commands = parse("[{\"index\":0,\"topic\":\"acl\",\"body\":{}}]");
	b.seq = 0;
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "seq");
	b.seq = 1;
	b.config_hash[0] = 'A';
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "config_hash");
	b.config_hash[0] = '5';
	/* A serial that fills its buffer without a NUL. */
	memset(b.serial, 'A', sizeof(b.serial));
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");
	snprintf(b.serial, sizeof(b.serial), SERIAL);
	/* Not UTF-8. */
	snprintf(b.issued_at, sizeof(b.issued_at), "\xff");
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "issued_at");
	b.issued_at[0] = '\0';
	/* Over 1 MiB. */
	big = malloc(NC_PROTO_BATCH_MAX + 1);
	memset(big, 'x', NC_PROTO_BATCH_MAX);
	big[NC_PROTO_BATCH_MAX] = '\0';
	json_object_set_new(json_object_get(json_array_get(b.commands, 0), "body"), "big",
			    json_string(big));
	free(big);
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), NC_ERR_TOOBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	nc_batch_clear(&b);

	snprintf(c.serial, sizeof(c.serial), SERIAL);
	c.applied = 1;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "config_hash");
	snprintf(c.config_hash, sizeof(c.config_hash), HASH);
	c.status = NC_CONFIRM_FAILURE;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "status");
	c.status = NC_CONFIRM_SUCCESS;
	c.vpp_mode = (enum nc_vpp_mode)9;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "vpp_mode");
	c.vpp_mode = NC_VPP_NONE;
	c.failures = parse("[{\"index\":0,\"topic\":\"acl\"}]");
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "failures[0].error");
	json_decref(c.failures);
	c.failures = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(c.failures,
				      json_pack("{s:i,s:s,s:s}", "index", i, "topic", "acl",
						"error", "a long enough error message, repeated"));
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), NC_ERR_TOOBIG);
	assert_null(out);
	nc_confirm_clear(&c);

	snprintf(h.serial, sizeof(h.serial), SERIAL);
	snprintf(h.public_key, sizeof(h.public_key), "nope");
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "public_key");
	h.public_key[0] = '\0';
	h.uptime_s = -1;
	assert_int_equal(nc_proto_heartbeat_encode(&h, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "uptime_s");

	snprintf(g.serial, sizeof(g.serial), SERIAL);
	snprintf(g.public_key, sizeof(g.public_key), KEY);
	g.kind = (enum nc_device_type)7;
	assert_int_equal(nc_proto_registration_encode(&g, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "kind");

	snprintf(r.serial, sizeof(r.serial), "bad serial");
	assert_int_equal(nc_proto_config_request_encode(&r, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");

	snprintf(t.serial, sizeof(t.serial), SERIAL);
	t.n_tunnels = NC_PROTO_TUNNELS_MAX + 1;
	t.tunnels = calloc(t.n_tunnels, sizeof(t.tunnels[0]));
	for (size_t i = 0; i < t.n_tunnels; i++) {
		snprintf(t.tunnels[i].interface, sizeof(t.tunnels[i].interface), "wg0");
		snprintf(t.tunnels[i].peer, sizeof(t.tunnels[i].peer), "P");
	}
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "tunnels");
	t.n_tunnels = 1;
	t.tunnels[0].protocol = NC_PROTO_IPSEC;
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "tunnels[0].sa");
	t.n_tunnels = NC_PROTO_TUNNELS_MAX;
	t.tunnels[0].protocol = NC_PROTO_WIREGUARD;
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), NC_ERR_TOOBIG);
	nc_tunnel_status_clear(&t);
}

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
	json_t *c = parse("[{\"index\":0,\"topic\":\"wireguard\",\"body\":{\"interfaces\":[{"
			  "\"name\":\"wg0\",\"mtu\":1420,\"description\":\"caf\\u00e9 \\u20ac\","
			  "\"address\":\"100.64.0.2/32\"}]}},"
			  "{\"topic\":\"static\",\"index\":1,\"body\":{\"routes\":[{"
			  "\"metric\":-100,\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\"}]}}]");

	assert_int_equal(nc_proto_commands_check(c, &ei), 0);
	assert_int_equal(nc_proto_commands_hash(c, hex, &ei), 0);
	assert_string_equal(hex, HASH_CMDS);
	json_decref(c);

	c = json_array();
	assert_int_equal(nc_proto_commands_hash(c, hex, &ei), 0);
	assert_string_equal(hex, HASH2); /* sha256("[]") */
	json_decref(c);

	c = parse("[{\"index\":0,\"topic\":\"acl\",\"body\":{\"x\":0.5}}]");
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
		"VSR/CN-1/confirm/" LONG64,
		"VSR/" LONG64 "/batch",
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
	assert_int_equal(
		nc_proto_topic_format(NC_MSG_CONFIG_REQUEST, LONG63, LONG63, buf, sizeof(buf)), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_batch),
		cmocka_unit_test(test_example_confirm),
		cmocka_unit_test(test_example_device_msgs),
		cmocka_unit_test(test_not_nul_terminated),
		cmocka_unit_test(test_batch_round_trip),
		cmocka_unit_test(test_confirm_round_trip),
		cmocka_unit_test(test_device_msgs_round_trip),
		cmocka_unit_test(test_tunnel_status_round_trip),
		cmocka_unit_test(test_refuse_common),
		cmocka_unit_test(test_refuse_not_json),
		cmocka_unit_test(test_refuse_oversize),
		cmocka_unit_test(test_refusal_table),
		cmocka_unit_test(test_tunnel_status_peering),
		cmocka_unit_test(test_unknown_fields_ignored),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_commands_hash),
		cmocka_unit_test(test_confirm_superseded),
		cmocka_unit_test(test_topic_parse),
		cmocka_unit_test(test_topic_format),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
