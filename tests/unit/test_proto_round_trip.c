/* SPDX-License-Identifier: MIT */
/*
 * lib/proto round trips: every message survives encode -> decode, member by
 * member, tunnel reports with and without their group.
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

/* Round trips. */

static const struct fx_member batch_members[] = {
	FX_STR(nc_batch, serial),      FX_STR(nc_batch, tenant),    FX_NUM(nc_batch, seq),
	FX_STR(nc_batch, config_hash), FX_STR(nc_batch, issued_at),
};

static const struct fx_member confirm_members[] = {
	FX_STR(nc_confirm, serial),	 FX_STR(nc_confirm, tenant),   FX_NUM(nc_confirm, seq),
	FX_STR(nc_confirm, config_hash), FX_NUM(nc_confirm, status),   FX_NUM(nc_confirm, applied),
	FX_NUM(nc_confirm, failed),	 FX_NUM(nc_confirm, vpp_mode), FX_STR(nc_confirm, agent),
};

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
	b.commands = fx_parse("[{\"index\":0,\"topic\":\"interface\",\"body\":{\"x\":[1,-2]}},"
			      "{\"index\":1,\"topic\":\"acl\",\"body\":{\"s\":\"caf\\u00e9\"}}]");
	assert_int_equal(nc_proto_commands_hash(b.commands, b.config_hash, &ei), 0);
	assert_int_equal(nc_proto_batch_encode(&b, &out, &len, &ei), 0);
	assert_int_equal(len, strlen(out));
	assert_null(strchr(out, ' '));
	assert_int_equal(nc_proto_batch_decode(out, len, "EDGE-1", "acme", &d, &ei), 0);
	fx_assert_members_equal(&d, &b, batch_members, COUNT(batch_members));
	assert_true(json_equal(d.commands, b.commands));
	assert_int_equal(nc_proto_commands_hash(d.commands, hex, &ei), 0);
	assert_string_equal(hex, b.config_hash);
	free(out);
	nc_batch_clear(&d);

	/* An empty command list is a batch too. */
	json_decref(b.commands);
	b.commands = json_array();
	assert_int_equal(nc_proto_commands_hash(b.commands, b.config_hash, &ei), 0);
	assert_string_equal(b.config_hash, FX_HASH2);
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
	snprintf(c.config_hash, sizeof(c.config_hash), FX_HASH);
	c.status = NC_CONFIRM_FAILURE;
	c.applied = 3;
	c.failed = 1;
	c.failures =
		fx_parse("[{\"index\":3,\"topic\":\"acl\",\"error\":\"iptables: \\\"x\\\"\"}]");
	c.vpp_mode = NC_VPP_AF_PACKET;
	snprintf(c.agent, sizeof(c.agent), "netctl-agent/0.1.0");
	assert_int_equal(nc_proto_confirm_encode(&c, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_confirm_decode(out, len, "EDGE-1", "acme", &d, &ei), 0);
	fx_assert_members_equal(&d, &c, confirm_members, COUNT(confirm_members));
	assert_true(json_equal(d.failures, c.failures));
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
	assert_int_equal(nc_proto_confirm_decode(out, len, FX_SERIAL, NULL, &d, &ei), 0);
	assert_string_equal(d.tenant, "");
	assert_string_equal(d.config_hash, "");
	assert_int_equal(d.status, NC_CONFIRM_SUCCESS);
	assert_int_equal(d.vpp_mode, NC_VPP_DPDK);
	assert_int_equal(json_array_size(d.failures), 0);
	nc_confirm_clear(&d);
	/* A tenant-less confirmation on an MTGE topic takes the topic's tenant. */
	assert_int_equal(nc_proto_confirm_decode(out, len, FX_SERIAL, "acme", &d, &ei), 0);
	assert_string_equal(d.tenant, "acme");
	nc_confirm_clear(&d);
	free(out);
}

static const struct fx_member request_members[] = {
	FX_STR(nc_config_request, serial),
	FX_NUM(nc_config_request, seq),
	FX_STR(nc_config_request, config_hash),
	FX_STR(nc_config_request, reason),
};

static const struct fx_member heartbeat_members[] = {
	FX_STR(nc_heartbeat, serial),	FX_NUM(nc_heartbeat, ts),
	FX_NUM(nc_heartbeat, seq),	FX_STR(nc_heartbeat, config_hash),
	FX_NUM(nc_heartbeat, uptime_s), FX_STR(nc_heartbeat, public_key),
	FX_STR(nc_heartbeat, agent),
};

static const struct fx_member registration_members[] = {
	FX_STR(nc_registration, serial), FX_STR(nc_registration, public_key),
	FX_NUM(nc_registration, kind),	 FX_STR(nc_registration, hostname),
	FX_STR(nc_registration, agent),	 FX_STR(nc_registration, enrollment_key),
};

static const struct fx_member report_members[] = {
	FX_STR(nc_tunnel_report, interface),	FX_STR(nc_tunnel_report, peer),
	FX_NUM(nc_tunnel_report, tunnel_index), FX_NUM(nc_tunnel_report, protocol),
	FX_NUM(nc_tunnel_report, up),		FX_NUM(nc_tunnel_report, latest_handshake),
	FX_NUM(nc_tunnel_report, rx_bytes),	FX_NUM(nc_tunnel_report, tx_bytes),
	FX_STR(nc_tunnel_report, sa),		FX_STR(nc_tunnel_report, peering),
};

/* T_round_trip(m): message m (a struct nc_T of members M) through nc_proto_T_encode and
 * nc_proto_T_decode from its serial's topic; fails unless it comes back member by member. */
#define DEVICE_ROUND_TRIP(T, M)                                                                    \
	static void T##_round_trip(const struct nc_##T *m)                                         \
	{                                                                                          \
		struct nc_errinfo ei = {0};                                                        \
		struct nc_##T m2;                                                                  \
		char *out;                                                                         \
		size_t len;                                                                        \
                                                                                                   \
		assert_int_equal(nc_proto_##T##_encode(m, &out, &len, &ei), 0);                    \
		assert_int_equal(nc_proto_##T##_decode(out, len, m->serial, &m2, &ei), 0);         \
		fx_assert_members_equal(m, &m2, M, COUNT(M));                                      \
		free(out);                                                                         \
	}
DEVICE_ROUND_TRIP(config_request, request_members)
DEVICE_ROUND_TRIP(heartbeat, heartbeat_members)
DEVICE_ROUND_TRIP(registration, registration_members)

static void test_device_msgs_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_config_request r = {0};
	struct nc_heartbeat h = {0};
	struct nc_registration g = {0};
	char *out;
	size_t len;

	snprintf(r.serial, sizeof(r.serial), "e.dge_1");
	snprintf(r.reason, sizeof(r.reason), "startup");
	config_request_round_trip(&r);
	r.seq = NC_PROTO_INT_MAX;
	snprintf(r.config_hash, sizeof(r.config_hash), FX_HASH);
	config_request_round_trip(&r);

	snprintf(h.serial, sizeof(h.serial), FX_SERIAL);
	h.ts = 1795315354;
	h.seq = 3;
	snprintf(h.config_hash, sizeof(h.config_hash), FX_HASH2);
	h.uptime_s = 12;
	snprintf(h.agent, sizeof(h.agent), "netctl-agent/0.1.0");
	heartbeat_round_trip(&h);
	snprintf(h.public_key, sizeof(h.public_key), FX_KEY2);
	heartbeat_round_trip(&h);

	snprintf(g.serial, sizeof(g.serial), "EDGE-1");
	g.kind = NC_DEVICE_EDGE;
	snprintf(g.public_key, sizeof(g.public_key), FX_KEY);
	snprintf(g.agent, sizeof(g.agent), "netctl-agent/0.1.0");
	/* Without a hostname and an enrollment key, neither member is sent. */
	assert_int_equal(nc_proto_registration_encode(&g, &out, &len, &ei), 0);
	assert_null(strstr(out, "hostname"));
	assert_null(strstr(out, "enrollment_key"));
	free(out);
	registration_round_trip(&g);
	snprintf(g.hostname, sizeof(g.hostname), "dc-1.example.net");
	snprintf(g.enrollment_key, sizeof(g.enrollment_key), "ek-1");
	registration_round_trip(&g);
}

static void test_tunnel_status_round_trip(void **state)
{
	struct nc_errinfo ei = {0};
	struct nc_tunnel_report rep[3] = {
		{"wg2", "EDGE-1", 0, NC_PROTO_WIREGUARD, true, 1795315300, 1, 2, "", "g1"},
		{"wg0", "EDGE-1", 0, NC_PROTO_WIREGUARD, false, -1, -1, -1, "", ""},
		{"xfrm", "CN-0002", 0, NC_PROTO_IPSEC, false, -1, 5, 6, "down", "g.2_x-y"},
	};
	struct nc_tunnel_status t = {FX_SERIAL, 1795315354, rep, COUNT(rep)}, d;
	char *out;
	size_t len;

	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_tunnel_status_decode(out, len, FX_SERIAL, &d, &ei), 0);
	assert_string_equal(d.serial, t.serial);
	assert_int_equal(d.ts, t.ts);
	assert_int_equal(d.n_tunnels, COUNT(rep));
	for (size_t i = 0; i < COUNT(rep); i++)
		fx_assert_members_equal(&d.tunnels[i], &rep[i], report_members,
					COUNT(report_members));
	free(out);
	nc_tunnel_status_clear(&d);

	t.n_tunnels = 0;
	t.tunnels = NULL;
	assert_int_equal(nc_proto_tunnel_status_encode(&t, &out, &len, &ei), 0);
	assert_int_equal(nc_proto_tunnel_status_decode(out, len, FX_SERIAL, &d, &ei), 0);
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
	struct nc_tunnel_status t = {FX_SERIAL, 1795315354, &rep, 1}, d;
	struct nc_errinfo ei = {0};
	char *out;
	size_t len;

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		json_t *root = fx_parse(fx_example_tunnel_status);
		json_t *e = json_array_get(json_object_get(root, "tunnels"), 1);
		char *text;
		int ret;

		if (cases[i].value)
			json_object_set_new(e, "peering", fx_parse(cases[i].value));
		text = json_dumps(root, JSON_COMPACT);
		json_decref(root);
		memset(&ei, 0, sizeof(ei));
		ret = nc_proto_tunnel_status_decode(text, strlen(text), FX_SERIAL, &d, &ei);
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

FX_MAIN("proto_round_trip", test_batch_round_trip, test_confirm_round_trip,
	test_device_msgs_round_trip, test_tunnel_status_round_trip, test_tunnel_status_peering)
