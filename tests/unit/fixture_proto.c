/* SPDX-License-Identifier: MIT */
/*
 * The protocol fixture (fixture_proto.h): PROTOCOL.md's example payloads and
 * decoding any message kind with the checks every decode must pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "fixture_proto.h"
#include "fixture_msgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/proto/proto.h"
#include "../../lib/util/err.h"

/* The examples of PROTOCOL.md, placeholders filled. */

const char fx_example_batch[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":42,\n"
	" \"config_hash\":\"" FX_HASH "\",\"issued_at\":\"2026-11-22T02:00:00Z\",\n"
	" \"commands\":[{\"index\":0,\"topic\":\"wireguard\",\"body\":{}},"
	"{\"index\":1,\"topic\":\"static\",\"body\":{}}]}";

const char fx_example_confirm[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"tenant\":\"acme\",\"seq\":42,\"config_hash\":\"" FX_HASH
	"\",\"status\":\"success\",\n"
	" \"applied\":4,\"failed\":0,\"failures\":[{\"index\":2,\"topic\":\"nat_config\","
	"\"error\":\"iptables: exit status 4\"}],\n"
	" \"vpp_mode\":\"none\",\"agent\":\"netctl-agent/0.1.0\"}";

const char fx_example_config_request[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"seq\":41,\"config_hash\":\"" FX_HASH
	"\",\"reason\":\"startup\"}";

const char fx_example_heartbeat[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"ts\":1795315354,\"seq\":42,\"config_hash\":\"" FX_HASH
	"\",\"uptime_s\":3600,\"public_key\":\"" FX_KEY "\",\"agent\":\"netctl-agent/0.1.0\"}";

const char fx_example_tunnel_status[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"ts\":1795315354,\"tunnels\":[{\"interface\":\"wg0\","
	"\"peer\":\"EDGE-1\",\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":true,"
	"\"latest_handshake\":1795315300,\"rx_bytes\":1234,\"tx_bytes\":5678},"
	"{\"interface\":\"xfrm\",\"peer\":\"CN-0002\",\"tunnel_index\":0,\"protocol\":\"ipsec\","
	"\"sa\":\"established\"}]}";

const char fx_example_registration[] =
	"{\"v\":1,\"serial\":\"CN-0001\",\"kind\":\"connector\",\"public_key\":\"" FX_KEY
	"\",\"hostname\":\"branch-1\",\"agent\":\"netctl-agent/0.1.0\","
	"\"enrollment_key\":\"ek-3f9a1c\"}";
/* A valid payload of each kind (from topic serial FX_SERIAL). */
const char *const fx_proto_valid[NC_MSG_COUNT] = {
	[NC_MSG_BATCH] = fx_example_batch,
	[NC_MSG_CONFIRM] = fx_example_confirm,
	[NC_MSG_CONFIG_REQUEST] = fx_example_config_request,
	[NC_MSG_HEARTBEAT] = fx_example_heartbeat,
	[NC_MSG_TUNNEL_STATUS] = fx_example_tunnel_status,
	[NC_MSG_REGISTER] = fx_example_registration,
};

/* fx_proto_valid[kind] with member key set to the JSON text value, or removed when value is NULL.
 */
char *fx_proto_mutate(enum nc_msg kind, const char *key, const char *value)
{
	json_t *root = fx_parse(fx_proto_valid[kind]);
	char *text;

	if (value)
		json_object_set_new(root, key, fx_parse(value));
	else
		json_object_del(root, key);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return text;
}

/*
 * Decodes buf as a message of kind from topic serial FX_SERIAL and tenant
 * topic_tenant, releases the result, and returns the decoder's return.
 * A failed decode must leave its output zeroed.
 */
int fx_proto_decode(enum nc_msg kind, const void *buf, size_t len, const char *topic_tenant,
		    struct nc_errinfo *ei)
{
	const struct fx_msg_codec *c = &fx_msg_codecs[kind];
	union fx_msg m;
	int ret = c->decode(buf, len, FX_SERIAL, topic_tenant, &m, ei);

	if (ret) {
		assert_string_equal(fx_msg_serial(&m), "");
		if (c->owned)
			assert_null(c->owned(&m));
	}
	if (c->clear)
		c->clear(&m);
	return ret;
}

int fx_proto_decode_text(enum nc_msg kind, const char *text, const char *topic_tenant,
			 struct nc_errinfo *ei)
{
	return fx_proto_decode(kind, text, strlen(text), topic_tenant, ei);
}

void fx_proto_expect_ok(enum nc_msg kind, const char *text, const char *topic_tenant)
{
	struct nc_errinfo ei = {0};
	int ret = fx_proto_decode_text(kind, text, topic_tenant, &ei);

	if (ret != 0)
		fail_msg("%s refused (%d, %s: %s): %s", nc_proto_msg_name(kind), ret, ei.field,
			 ei.msg, text);
}

void fx_proto_expect_refused(enum nc_msg kind, const char *text, const char *topic_tenant, int err,
			     const char *field)
{
	struct nc_errinfo ei = {0};
	int ret = fx_proto_decode_text(kind, text, topic_tenant, &ei);

	if (ret != err || ei.code != err || strcmp(ei.field, field) != 0)
		fail_msg("%s: want %d on `%s', got %d on `%s' (%s) for %s", nc_proto_msg_name(kind),
			 err, field, ret, ei.field, ei.msg, text);
	assert_true(ei.msg[0] != '\0');
}
