/* SPDX-License-Identifier: MIT */
/*
 * lib/proto refusals every message shares: a wrong version or serial, a
 * missing or mistyped member, bad JSON and an oversize payload are refused
 * with the field named; encoders refuse what decoders would refuse and what
 * does not fit.
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

static void expect_mutation(enum nc_msg kind, const char *key, const char *value, int err,
			    const char *field)
{
	char *text = fx_proto_mutate(kind, key, value);

	fx_proto_expect_refused(kind, text, NULL, err, field);
	free(text);
}

/* What every message refuses the same way. */
static void test_refuse_common(void **state)
{
	/* Values of a member each message refuses, named as the member. */
	static const struct {
		const char *key;
		const char *bad[8]; /* up to NULL */
	} rows[] = {
		{"v", {"2", "0", "\"1\"", "1.0", "true", "null"}},
		{"serial",
		 {"\"CN-0002\"" /* differs from the topic's */, "\"cn-0001\"", "\"CN+0001\"",
		  "\"\"", "7", "\"" FX_LONG64 "\""}},
	};
	struct nc_errinfo ei = {0};

	for (int k = 0; k < NC_MSG_COUNT; k++) {
		char *text;

		fx_proto_expect_ok((enum nc_msg)k, fx_proto_valid[k], NULL);
		for (size_t i = 0; i < COUNT(rows); i++)
			for (size_t v = 0; rows[i].bad[v]; v++)
				expect_mutation((enum nc_msg)k, rows[i].key, rows[i].bad[v],
						NC_ERR_INVAL, rows[i].key);
		/* Every required member, absent or of the wrong type. */
		for (size_t i = 0; required[k][i]; i++) {
			expect_mutation((enum nc_msg)k, required[k][i], NULL, NC_ERR_INVAL,
					required[k][i]);
			expect_mutation((enum nc_msg)k, required[k][i], "{\"x\":1}", NC_ERR_INVAL,
					required[k][i]);
		}
		/* The version message is the contract's. */
		text = fx_proto_mutate((enum nc_msg)k, "v", "2");
		assert_int_equal(fx_proto_decode_text((enum nc_msg)k, text, NULL, &ei),
				 NC_ERR_INVAL);
		assert_string_equal(ei.msg, "unsupported protocol version 2");
		free(text);
		text = fx_proto_mutate((enum nc_msg)k, "serial", "\"CN-0002\"");
		assert_int_equal(fx_proto_decode_text((enum nc_msg)k, text, NULL, &ei),
				 NC_ERR_INVAL);
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
			fx_proto_expect_refused((enum nc_msg)k, texts[i], NULL, NC_ERR_PARSE, "");
	}
	/* A NUL byte inside the payload. */
	for (int k = 0; k < NC_MSG_COUNT; k++) {
		struct nc_errinfo ei = {0};

		assert_int_equal(fx_proto_decode((enum nc_msg)k, "{\"v\":1}\0", 8, NULL, &ei),
				 NC_ERR_PARSE);
	}
}

/* A payload of exactly the limit decodes; one byte more is refused unread. */
static void test_refuse_oversize(void **state)
{
	for (int k = 0; k < NC_MSG_COUNT; k++) {
		size_t limit = nc_proto_msg_limit((enum nc_msg)k), n = strlen(fx_proto_valid[k]);
		char *buf = malloc(limit + 1);
		struct nc_errinfo ei = {0};

		memcpy(buf, fx_proto_valid[k], n);
		memset(buf + n, ' ', limit + 1 - n);
		assert_int_equal(fx_proto_decode((enum nc_msg)k, buf, limit, NULL, &ei), 0);
		assert_int_equal(fx_proto_decode((enum nc_msg)k, buf, limit + 1, NULL, &ei),
				 NC_ERR_TOOBIG);
		assert_int_equal(ei.code, NC_ERR_TOOBIG);
		/* Even garbage: the size is checked first. */
		memset(buf, 'x', limit + 1);
		assert_int_equal(fx_proto_decode((enum nc_msg)k, buf, limit + 1, NULL, &ei),
				 NC_ERR_TOOBIG);
		free(buf);
	}
	assert_int_equal(nc_proto_msg_limit(NC_MSG_BATCH), 1024 * 1024);
	assert_int_equal(nc_proto_msg_limit(NC_MSG_CONFIRM), 64 * 1024);
}

/* Fails the test unless ret, what an encoder returned, is the error err on field (NULL: any
 * field), and the encoder left no output (out NULL, len 0). */
static void check_encode_refused(int ret, const char *out, size_t len, const struct nc_errinfo *ei,
				 int err, const char *field)
{
	if (field)
		fx_assert_refused(ret, err, ei, field);
	else
		assert_int_equal(ret, err);
	assert_null(out);
	assert_int_equal(len, 0);
}

/* nc_proto_<T>_encode of msg, checked as check_encode_refused does. */
#define assert_encode_refused(T, msg, err, field)                                                  \
	do {                                                                                       \
		struct nc_errinfo ei_ = {0};                                                       \
		char *out_ = (char *)"sentinel";                                                   \
		size_t len_ = 42;                                                                  \
		int ret_ = nc_proto_##T##_encode(msg, &out_, &len_, &ei_);                         \
                                                                                                   \
		check_encode_refused(ret_, out_, len_, &ei_, err, field);                          \
	} while (0)

/* Encoders refuse what decoders would refuse, and what does not fit: a batch. */
static void test_encode_refuse_batch(void **state)
{
	struct nc_batch b = {0};
	char *big;

	snprintf(b.serial, sizeof(b.serial), FX_SERIAL);
	snprintf(b.tenant, sizeof(b.tenant), "acme");
	b.seq = 1;
	snprintf(b.config_hash, sizeof(b.config_hash), FX_HASH);
	assert_encode_refused(batch, &b, NC_ERR_INVAL, "commands");
	b.commands = fx_parse("[{\"index\":0,\"topic\":\"acl\",\"body\":{}}]");
	b.seq = 0;
	assert_encode_refused(batch, &b, NC_ERR_INVAL, "seq");
	b.seq = 1;
	b.config_hash[0] = 'A';
	assert_encode_refused(batch, &b, NC_ERR_INVAL, "config_hash");
	b.config_hash[0] = '5';
	/* A serial that fills its buffer without a NUL. */
	memset(b.serial, 'A', sizeof(b.serial));
	assert_encode_refused(batch, &b, NC_ERR_INVAL, "serial");
	snprintf(b.serial, sizeof(b.serial), FX_SERIAL);
	/* Not UTF-8. */
	snprintf(b.issued_at, sizeof(b.issued_at), "\xff");
	assert_encode_refused(batch, &b, NC_ERR_INVAL, "issued_at");
	b.issued_at[0] = '\0';
	/* Over 1 MiB. */
	big = malloc(NC_PROTO_BATCH_MAX + 1);
	memset(big, 'x', NC_PROTO_BATCH_MAX);
	big[NC_PROTO_BATCH_MAX] = '\0';
	json_object_set_new(json_object_get(json_array_get(b.commands, 0), "body"), "big",
			    json_string(big));
	free(big);
	assert_encode_refused(batch, &b, NC_ERR_TOOBIG, NULL);
	nc_batch_clear(&b);
}

/* A confirm: missing hash, failure status without failures, bad vpp_mode, over its limit. */
static void test_encode_refuse_confirm(void **state)
{
	struct nc_confirm c = {0};

	snprintf(c.serial, sizeof(c.serial), FX_SERIAL);
	c.applied = 1;
	assert_encode_refused(confirm, &c, NC_ERR_INVAL, "config_hash");
	snprintf(c.config_hash, sizeof(c.config_hash), FX_HASH);
	c.status = NC_CONFIRM_FAILURE;
	assert_encode_refused(confirm, &c, NC_ERR_INVAL, "status");
	c.status = NC_CONFIRM_SUCCESS;
	c.vpp_mode = (enum nc_vpp_mode)9;
	assert_encode_refused(confirm, &c, NC_ERR_INVAL, "vpp_mode");
	c.vpp_mode = NC_VPP_NONE;
	c.failures = fx_parse("[{\"index\":0,\"topic\":\"acl\"}]");
	assert_encode_refused(confirm, &c, NC_ERR_INVAL, "failures[0].error");
	json_decref(c.failures);
	c.failures = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(c.failures,
				      json_pack("{s:i,s:s,s:s}", "index", i, "topic", "acl",
						"error", "a long enough error message, repeated"));
	assert_encode_refused(confirm, &c, NC_ERR_TOOBIG, NULL);
	nc_confirm_clear(&c);
}

/* A heartbeat, a registration and a config request with a field out of its domain. */
static void test_encode_refuse_small(void **state)
{
	struct nc_heartbeat h = {0};
	struct nc_registration g = {0};
	struct nc_config_request r = {0};

	snprintf(h.serial, sizeof(h.serial), FX_SERIAL);
	snprintf(h.public_key, sizeof(h.public_key), "nope");
	assert_encode_refused(heartbeat, &h, NC_ERR_INVAL, "public_key");
	h.public_key[0] = '\0';
	h.uptime_s = -1;
	assert_encode_refused(heartbeat, &h, NC_ERR_INVAL, "uptime_s");

	snprintf(g.serial, sizeof(g.serial), FX_SERIAL);
	snprintf(g.public_key, sizeof(g.public_key), FX_KEY);
	g.kind = (enum nc_device_type)7;
	assert_encode_refused(registration, &g, NC_ERR_INVAL, "kind");

	snprintf(r.serial, sizeof(r.serial), "bad serial");
	assert_encode_refused(config_request, &r, NC_ERR_INVAL, "serial");
}

/* A tunnel status: too many tunnels, an IPSec tunnel without its SA, over its limit. */
static void test_encode_refuse_tunnel_status(void **state)
{
	struct nc_tunnel_status t = {0};

	snprintf(t.serial, sizeof(t.serial), FX_SERIAL);
	t.n_tunnels = NC_PROTO_TUNNELS_MAX + 1;
	t.tunnels = calloc(t.n_tunnels, sizeof(t.tunnels[0]));
	for (size_t i = 0; i < t.n_tunnels; i++) {
		snprintf(t.tunnels[i].interface, sizeof(t.tunnels[i].interface), "wg0");
		snprintf(t.tunnels[i].peer, sizeof(t.tunnels[i].peer), "P");
	}
	assert_encode_refused(tunnel_status, &t, NC_ERR_INVAL, "tunnels");
	t.n_tunnels = 1;
	t.tunnels[0].protocol = NC_PROTO_IPSEC;
	assert_encode_refused(tunnel_status, &t, NC_ERR_INVAL, "tunnels[0].sa");
	t.n_tunnels = NC_PROTO_TUNNELS_MAX;
	t.tunnels[0].protocol = NC_PROTO_WIREGUARD;
	assert_encode_refused(tunnel_status, &t, NC_ERR_TOOBIG, NULL);
	nc_tunnel_status_clear(&t);
}

FX_MAIN("proto_refuse", test_refuse_common, test_refuse_not_json, test_refuse_oversize,
	test_encode_refuse_batch, test_encode_refuse_confirm, test_encode_refuse_small,
	test_encode_refuse_tunnel_status)
