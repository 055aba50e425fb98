/* SPDX-License-Identifier: MIT */
/*
 * lib/proto refusals message by message, one table: batch, confirmation,
 * tunnel status and registration payloads refused with the field named, or
 * accepted; unknown members, anywhere, are ignored.
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

#define ENV "\"v\":1,\"serial\":\"CN-0001\""
#define BATCH_HEAD                                                                                 \
	"{" ENV ",\"tenant\":\"acme\",\"seq\":1,\"config_hash\":\"" FX_HASH "\","                  \
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
	 "{" ENV ",\"tenant\":\"Acme\",\"seq\":1,\"config_hash\":\"" FX_HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":0,\"config_hash\":\"" FX_HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":1.5,\"config_hash\":\"" FX_HASH
	 "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":9007199254740992,"
	 "\"config_hash\":\"" FX_HASH "\",\"issued_at\":\"t\",\"commands\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_BATCH, NULL,
	 "{" ENV ",\"tenant\":\"acme\",\"seq\":9007199254740991,"
	 "\"config_hash\":\"" FX_HASH "\",\"issued_at\":\"t\",\"commands\":[]}",
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
	 CONFIRM_HEAD "\"tenant\":\"other\",\"config_hash\":\"" FX_HASH
		      "\",\"status\":\"success\",\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"tenant\":\"a b\",\"config_hash\":\"" FX_HASH
		      "\",\"status\":\"success\",\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "tenant"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"tenant\":7,\"config_hash\":\"" FX_HASH
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
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"success\","
		      "\"applied\":1,\"failed\":1,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"ok\","
		      "\"applied\":1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "status"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"success\","
		      "\"applied\":-1,\"failed\":0,\"failures\":[]}",
	 NC_ERR_INVAL, "applied"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":-1,\"failures\":[]}",
	 NC_ERR_INVAL, "failed"},
	{NC_MSG_CONFIRM, NULL,
	 "{" ENV ",\"seq\":-1,\"vpp_mode\":\"none\",\"agent\":\"a\","
	 "\"config_hash\":\"" FX_HASH "\",\"status\":\"success\",\"applied\":1,\"failed\":0,"
	 "\"failures\":[]}",
	 NC_ERR_INVAL, "seq"},
	{NC_MSG_CONFIRM, NULL,
	 "{" ENV ",\"seq\":0,\"vpp_mode\":\"vpp\",\"agent\":\"a\","
	 "\"config_hash\":\"" FX_HASH "\",\"status\":\"success\",\"applied\":1,\"failed\":0,"
	 "\"failures\":[]}",
	 NC_ERR_INVAL, "vpp_mode"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\"}]}",
	 NC_ERR_INVAL, "failures[0].error"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
		      "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\","
		      "\"error\":\"e\"},{\"index\":\"1\",\"topic\":\"acl\",\"error\":\"e\"}]}",
	 NC_ERR_INVAL, "failures[1].index"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD
	 "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
	 "\"applied\":1,\"failed\":1,\"failures\":[{\"index\":1,\"topic\":[],\"error\":\"e\"}]}",
	 NC_ERR_INVAL, "failures[0].topic"},
	{NC_MSG_CONFIRM, NULL,
	 CONFIRM_HEAD "\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\","
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
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" FX_KEY "\","
	 "\"agent\":\"a\",\"hostname\":null,\"enrollment_key\":null}",
	 0, ""},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"router\",\"public_key\":\"" FX_KEY "\","
	 "\"agent\":\"a\"}",
	 NC_ERR_INVAL, "kind"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"\","
	 "\"agent\":\"a\"}",
	 NC_ERR_INVAL, "public_key"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" FX_KEY "\","
	 "\"agent\":\"a\",\"hostname\":5}",
	 NC_ERR_INVAL, "hostname"},
	{NC_MSG_REGISTER, NULL,
	 "{" ENV ",\"kind\":\"edge\",\"public_key\":\"" FX_KEY "\","
	 "\"agent\":\"a\",\"enrollment_key\":[]}",
	 NC_ERR_INVAL, "enrollment_key"},
};

static void test_refusal_table(void **state)
{
	for (size_t i = 0; i < COUNT(refusals); i++) {
		const struct refusal *r = &refusals[i];

		if (r->err == 0)
			fx_proto_expect_ok(r->kind, r->text, r->topic_tenant);
		else
			fx_proto_expect_refused(r->kind, r->text, r->topic_tenant, r->err,
						r->field);
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
		"\"config_hash\":\"" FX_HASH "\",\"issued_at\":\"t\",\"commands\":[{\"index\":0,"
		"\"topic\":\"acl\",\"body\":{\"rules\":[]},\"extra\":\"kept\"}],\"z\":1e300}";
	static const char tunnels[] = TUNNELS_HEAD
		"[" WG_TUNNEL(",\"up\":true,\"sa\":\"ignored\",\"endpoint\":1.5") "],"
										  "\"x\":2.5}";
	static const char confirm[] = CONFIRM_HEAD
		"\"config_hash\":\"" FX_HASH "\",\"status\":\"failure\",\"applied\":1,"
		"\"failed\":1,\"failures\":[{\"index\":1,\"topic\":\"acl\",\"error\":\"e\","
		"\"detail\":0.5}],\"extra\":[]}";

	for (int k = 0; k < NC_MSG_COUNT; k++) {
		char *text = fx_proto_mutate((enum nc_msg)k, "unknown_member",
					     "{\"a\":[1.5,true,null]}");

		fx_proto_expect_ok((enum nc_msg)k, text, NULL);
		free(text);
	}
	assert_int_equal(nc_proto_batch_decode(batch, strlen(batch), FX_SERIAL, NULL, &b, &ei), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(b.commands, 0), "extra")), "kept");
	nc_batch_clear(&b);
	assert_int_equal(
		nc_proto_tunnel_status_decode(tunnels, strlen(tunnels), FX_SERIAL, &t, &ei), 0);
	assert_string_equal(t.tunnels[0].sa, "");
	nc_tunnel_status_clear(&t);
	/* Failures are rebuilt with their three members only. */
	assert_int_equal(
		nc_proto_confirm_decode(confirm, strlen(confirm), FX_SERIAL, NULL, &c, &ei), 0);
	assert_int_equal(json_object_size(json_array_get(c.failures, 0)), 3);
	nc_confirm_clear(&c);
}

FX_MAIN("proto_refusal_table", test_refusal_table, test_unknown_fields_ignored)
