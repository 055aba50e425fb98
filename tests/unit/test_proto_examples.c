/* SPDX-License-Identifier: MIT */
/*
 * lib/proto against PROTOCOL.md, the page's examples: every example payload
 * decodes to what the page says, with the optional "superseded" member of a
 * confirmation; a payload is read for len bytes, without a NUL.
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

/* The command body examples, in dependency order, as one batch. */
static const char example_bodies[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":43,"
	"\"config_hash\":\"" FX_HASH "\",\"issued_at\":\"2026-11-22T02:00:00Z\",\"commands\":[\n"
	"{\"index\":0,\"topic\":\"interface\",\"body\":{\"interfaces\":[{\"name\":\"lan0\","
	"\"addresses\":[\"10.10.0.1/16\"]}]}},\n"
	"{\"index\":1,\"topic\":\"wireguard\",\"body\":{\"interfaces\":[\n"
	"  {\"name\":\"wg0\",\"role\":\"backbone\",\"address\":\"100.64.0.2/32\","
	"\"listen_port\":51820,\"mtu\":1420,\n"
	"   \"peers\":[{\"serial\":\"EDGE-1\",\"public_key\":\"" FX_KEY "\","
	"\"endpoint\":\"192.0.2.1:51820\",\n"
	"             \"allowed_ips\":[\"100.64.0.1/32\",\"10.10.0.0/16\"],"
	"\"persistent_keepalive\":25,\n"
	"             \"tunnel_index\":0}]}]}},\n"
	"{\"index\":2,\"topic\":\"ipsec\",\"body\":{\"sas\":[{\"peer\":\"CN-0002\","
	"\"direction\":\"out\",\"src\":\"192.0.2.2\",\n"
	"  \"dst\":\"192.0.2.3\",\"spi\":40961,\"aead\":\"rfc4106(gcm(aes))\",\"key\":\"" FX_HASH
	"\",\"icv_bits\":128}]}},\n"
	"{\"index\":3,\"topic\":\"static\",\"body\":{\"routes\":[{\"dst\":\"10.20.0.0/24\","
	"\"dev\":\"wg2\",\"metric\":100}]}},\n"
	"{\"index\":4,\"topic\":\"nat_config\",\"body\":{\"masquerade\":[{\"source\":"
	"\"192.168.10.0/24\",\"out_interface\":\"eth0\"}]}},\n"
	"{\"index\":5,\"topic\":\"acl_config\",\"body\":{\"default\":\"accept\",\"rules\":[\n"
	"  {\"action\":\"drop\",\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\","
	"\"dst\":\"192.168.10.5/32\",\"dport\":22}]}}]}";

static const char example_config_request_empty[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"seq\":0,\"config_hash\":\"\",\"reason\":\"startup\"}";

/* The head the batch and confirmation examples share: CN-0001 of acme, seq 42, FX_HASH. */
static void assert_example_head(const char *serial, const char *tenant, int64_t seq,
				const char *hash)
{
	assert_string_equal(serial, "CN-0001");
	assert_string_equal(tenant, "acme");
	assert_int_equal(seq, 42);
	assert_string_equal(hash, FX_HASH);
}

static void test_example_batch(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_batch b;
	const char *topics[] = {"interface", "wireguard",  "ipsec",
				"static",    "nat_config", "acl_config"};
	json_t *c;
	size_t i;

	assert_int_equal(nc_proto_batch_decode(fx_example_batch, strlen(fx_example_batch),
					       FX_SERIAL, NULL, &b, &ei),
			 0);
	assert_example_head(b.serial, b.tenant, b.seq, b.config_hash);
	assert_string_equal(b.issued_at, "2026-11-22T02:00:00Z");
	assert_int_equal(json_array_size(b.commands), 2);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(b.commands, 1), "topic")),
		"static");
	nc_batch_clear(&b);
	assert_null(b.commands);

	/* An MTGE's batch names the tenant in the topic too. */
	assert_int_equal(nc_proto_batch_decode(fx_example_batch, strlen(fx_example_batch),
					       FX_SERIAL, "acme", &b, &ei),
			 0);
	nc_batch_clear(&b);

	assert_int_equal(nc_proto_batch_decode(example_bodies, strlen(example_bodies), FX_SERIAL,
					       NULL, &b, &ei),
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

	assert_int_equal(nc_proto_confirm_decode(fx_example_confirm, strlen(fx_example_confirm),
						 FX_SERIAL, NULL, &c, &ei),
			 0);
	assert_example_head(c.serial, c.tenant, c.seq, c.config_hash);
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
	assert_int_equal(nc_proto_confirm_decode(fx_example_confirm, strlen(fx_example_confirm),
						 FX_SERIAL, "acme", &c, &ei),
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
	assert_int_equal(nc_proto_confirm_decode(fx_example_confirm, strlen(fx_example_confirm),
						 FX_SERIAL, NULL, &c, &ei),
			 0);
	assert_int_equal(c.n_superseded, 0);
	c.superseded[0] = 40;
	c.superseded[1] = 41;
	c.n_superseded = 2;
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), 0);
	assert_non_null(strstr(out, "\"superseded\":[40,41]"));
	assert_int_equal(nc_proto_confirm_decode(out, len, FX_SERIAL, NULL, &d, &ei), 0);
	assert_int_equal(d.n_superseded, 2);
	assert_int_equal(d.superseded[1], 41);
	free(out);
	nc_confirm_clear(&d);
	nc_confirm_clear(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%.*s,\"superseded\":%s}",
			 (int)strlen(fx_example_confirm) - 1, fx_example_confirm, bad[i]);
		ei = (struct nc_errinfo){0};
		assert_int_not_equal(
			nc_proto_confirm_decode(buf, strlen(buf), FX_SERIAL, NULL, &c, &ei), 0);
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

	assert_int_equal(nc_proto_config_request_decode(fx_example_config_request,
							strlen(fx_example_config_request),
							FX_SERIAL, &r, &ei),
			 0);
	assert_string_equal(r.serial, "CN-0001");
	assert_int_equal(r.seq, 41);
	assert_string_equal(r.config_hash, FX_HASH);
	assert_string_equal(r.reason, "startup");
	assert_int_equal(nc_proto_config_request_decode(example_config_request_empty,
							strlen(example_config_request_empty),
							FX_SERIAL, &r, &ei),
			 0);
	assert_int_equal(r.seq, 0);
	assert_string_equal(r.config_hash, "");

	assert_int_equal(nc_proto_heartbeat_decode(fx_example_heartbeat,
						   strlen(fx_example_heartbeat), FX_SERIAL, &h,
						   &ei),
			 0);
	assert_string_equal(h.serial, "CN-0001");
	assert_int_equal(h.ts, 1795315354);
	assert_int_equal(h.seq, 42);
	assert_string_equal(h.config_hash, FX_HASH);
	assert_int_equal(h.uptime_s, 3600);
	assert_string_equal(h.public_key, FX_KEY);
	assert_string_equal(h.agent, "netctl-agent/0.1.0");

	assert_int_equal(nc_proto_tunnel_status_decode(fx_example_tunnel_status,
						       strlen(fx_example_tunnel_status), FX_SERIAL,
						       &t, &ei),
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

	assert_int_equal(nc_proto_registration_decode(fx_example_registration,
						      strlen(fx_example_registration), FX_SERIAL,
						      &g, &ei),
			 0);
	assert_string_equal(g.serial, "CN-0001");
	assert_int_equal(g.kind, NC_DEVICE_CONNECTOR);
	assert_string_equal(g.public_key, FX_KEY);
	assert_string_equal(g.hostname, "branch-1");
	assert_string_equal(g.agent, "netctl-agent/0.1.0");
	assert_string_equal(g.enrollment_key, "ek-3f9a1c");
}

/* The payload need not be NUL-terminated: only len bytes are read. */
static void test_not_nul_terminated(void **state)
{
	struct nc_errinfo ei = {0};
	size_t n = strlen(fx_example_heartbeat);
	char *buf = malloc(n + 3);

	memcpy(buf, fx_example_heartbeat, n);
	memcpy(buf + n, "xyz", 3);
	assert_int_equal(fx_proto_decode(NC_MSG_HEARTBEAT, buf, n, NULL, &ei), 0);
	/* One byte short is invalid JSON. */
	assert_int_equal(fx_proto_decode(NC_MSG_HEARTBEAT, buf, n - 1, NULL, &ei), NC_ERR_PARSE);
	assert_int_equal(fx_proto_decode(NC_MSG_HEARTBEAT, NULL, 0, NULL, &ei), NC_ERR_PARSE);
	free(buf);
}

FX_MAIN("proto_examples", test_example_batch, test_example_confirm, test_confirm_superseded,
	test_example_device_msgs, test_not_nul_terminated)
