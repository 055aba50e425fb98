/* SPDX-License-Identifier: MIT */
/*
 * The agent's checks before it plans: X25519 keys, and the validation of
 * every command body, accepted and refused with the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../../lib/agent/apply.h"
#include "../../lib/agent/internal.h"
#include "../../lib/proto/proto.h"
#include "../../lib/util/crypto.h"
#include "../../lib/util/err.h"
#include "fixture.h"

static const char *const K1 = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

/* Keys */

static void test_x25519(void **state)
{
	char priv[45], pub[45], again[45];
	char cmd[128], line[64] = "";
	FILE *f;

	/* RFC 7748, section 6.1: Alice's keys. */
	assert_int_equal(nc_crypto_x25519_public(fx_agent_env.private_key, pub), 0);
	assert_string_equal(pub, K1);

	assert_int_equal(nc_crypto_x25519_keypair(priv, pub), 0);
	assert_int_equal(strlen(priv), 44);
	assert_int_equal(nc_crypto_x25519_public(priv, again), 0);
	assert_string_equal(pub, again);

	/* What wg itself says, when it is installed. */
	snprintf(cmd, sizeof(cmd), "echo %s | wg pubkey 2>/dev/null", priv);
	f = popen(cmd, "r");
	if (f && fgets(line, sizeof(line), f) && line[0]) {
		line[strcspn(line, "\n")] = '\0';
		assert_string_equal(line, pub);
	}
	if (f)
		pclose(f);

	assert_int_equal(nc_crypto_x25519_public("abc", pub), NC_ERR_INVAL);
	assert_string_equal(pub, "");
	/* Not canonical: the last digit carries bits beyond 32 bytes. */
	assert_int_equal(
		nc_crypto_x25519_public("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCr=", pub),
		NC_ERR_INVAL);
	assert_int_equal(
		nc_crypto_x25519_public("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LC==", pub),
		NC_ERR_INVAL);
}

/* Validation */

static void expect_valid(const char *topic, const char *body)
{
	struct nc_errinfo ei = {0};
	json_t *b = fx_parse(body);

	if (nc_agent_validate(&fx_agent_env, topic, b, &ei) != 0)
		fail_msg("refused: %s", ei.msg);
	json_decref(b);
}

static void expect_refused(const char *topic, const char *body, const char *msg)
{
	struct nc_errinfo ei = {0};
	json_t *b = body ? fx_parse(body) : NULL;

	assert_int_equal(nc_agent_validate(&fx_agent_env, topic, b, &ei), NC_ERR_INVAL);
	if (!strstr(ei.msg, msg))
		fail_msg("message `%s' lacks `%s'", ei.msg, msg);
	json_decref(b);
}

static void test_validate_accepts(void **state)
{
	expect_valid("wireguard",
		     "{\"interfaces\":[{\"name\":\"wg0\",\"role\":\"backbone\",\"address\":"
		     "\"100.64.0.2/32\",\"listen_port\":51820,\"mtu\":1420,\"peers\":[{\"serial\":"
		     "\"EDGE-1\",\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\","
		     "\"endpoint\":\"192.0.2.1:51820\",\"allowed_ips\":[\"100.64.0.1/32\","
		     "\"10.10.0.0/16\"],\"persistent_keepalive\":25,\"tunnel_index\":0}]},"
		     "{\"name\":\"wg1\",\"role\":\"app_vpn\",\"address\":\"100.64.0.1/32\","
		     "\"allowed_ips\":[]}],\"future\":{\"ok\":1}}");
	expect_valid("static", "{\"routes\":[{\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\","
			       "\"metric\":100},{\"dst\":\"10.99.0.0/16\",\"via\":\"192.168.10.1\","
			       "\"metric\":50},{\"dst\":\"2001:db8::/64\",\"dev\":\"lan0\"}]}");
	expect_valid("nat_config", "{\"masquerade\":[{\"source\":\"192.168.10.0/24\","
				   "\"out_interface\":\"eth0\"}]}");
	expect_valid("nat44", "{\"masquerade\":[]}");
	expect_valid("acl_config", "{\"default\":\"accept\",\"rules\":[{\"action\":\"drop\","
				   "\"proto\":\"tcp\",\"src\":\"0.0.0.0/0\",\"dst\":"
				   "\"192.168.10.5/32\",\"dport\":22}]}");
	expect_valid("ipsec", "{\"sas\":[{\"peer\":\"CN-2\",\"direction\":\"out\",\"src\":"
			      "\"192.0.2.2\",\"dst\":\"192.0.2.3\",\"spi\":40961,\"aead\":"
			      "\"rfc4106(gcm(aes))\",\"key\":\"00112233445566778899aabbccddeeff"
			      "00112233445566778899aabbccddeeff00112233\",\"icv_bits\":128}]}");
	expect_valid("interface", "{\"interfaces\":[{\"name\":\"lan0\",\"addresses\":"
				  "[\"10.10.0.1/16\"]}]}");
}

static void test_validate_refuses(void **state)
{
	/* Shell metacharacters, wherever they hide. */
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"dev\":\"wg0;reboot\"}]}",
		       "routes[0].dev: `wg0;reboot' contains the shell metacharacter `;'");
	expect_refused("nat_config",
		       "{\"masquerade\":[{\"source\":\"$(id)\",\"out_interface\":"
		       "\"eth0\"}]}",
		       "shell metacharacter `$'");
	expect_refused("acl_config", "{\"rules\":[],\"x\":{\"y\":[\"a|b\"]}}",
		       "x.y[0]: `a|b' contains the shell metacharacter `|'");
	expect_refused("acl_config", "{\"rules\":[],\"a`b\":1}",
		       "contains the shell metacharacter ``'");
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"dev\":\"wg0\\nx\"}]}",
		       "contains a control character");
	/* Forms. */
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/33\",\"dev\":\"wg0\"}]}",
		       "routes[0].dst: `10.0.0.0/33' is not an IPv4 or IPv6 prefix");
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/8\"}]}",
		       "a route needs dev or via");
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"via\":\"2001:db8::1\"}]}",
		       "different address families");
	expect_refused("wireguard",
		       "{\"interfaces\":[{\"name\":\"wg0\",\"peers\":[{\"serial\":"
		       "\"E\",\"public_key\":\"not-a-key\",\"allowed_ips\":[]}]}]}",
		       "interfaces[0].peers[0].public_key: `not-a-key' is not a WireGuard key");
	expect_refused("wireguard",
		       "{\"interfaces\":[{\"name\":\"wg0\",\"peers\":[{\"serial\":"
		       "\"E\",\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066Spjqqb"
		       "Tmo=\",\"endpoint\":\"192.0.2.1\",\"allowed_ips\":[]}]}]}",
		       "is not HOST:PORT");
	/* Interfaces outside the set. */
	expect_refused("wireguard", "{\"interfaces\":[{\"name\":\"wg4\"}]}",
		       "`wg4' is not a WireGuard interface of this agent (wg0-wg3)");
	expect_refused("wireguard", "{\"interfaces\":[{\"name\":\"eth0\"}]}",
		       "is not a WireGuard interface");
	expect_refused("wireguard", "{\"interfaces\":[{\"name\":\"wg0\"},{\"name\":\"wg0\"}]}",
		       "interface wg0 is listed twice");
	expect_refused("static", "{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"dev\":\"eth9\"}]}",
		       "`eth9' is not an interface this agent manages (wg0-wg3, lan0, eth0)");
	expect_refused("interface", "{\"interfaces\":[{\"name\":\"wg0\",\"addresses\":[]}]}",
		       "is not an interface this agent manages (lan0, eth0)");
	expect_refused("nat44",
		       "{\"masquerade\":[{\"source\":\"10.0.0.0/8\",\"out_interface\":"
		       "\"docker0\"}]}",
		       "out_interface: `docker0' is not an interface");
}

/* Bodies of the wrong types, out of range or with unknown words; unknown topics. */
static void test_validate_refuses_types(void **state)
{
	/* Types, ranges, words. */
	expect_refused("wireguard", "{\"interfaces\":[{\"name\":\"wg0\",\"listen_port\":70000}]}",
		       "listen_port: 70000 is not between 1 and 65535");
	expect_refused("wireguard", "{\"interfaces\":{}}", "interfaces: must be an array");
	expect_refused("wireguard", "{\"interfaces\":[{}]}", "interfaces[0].name: is required");
	expect_refused("wireguard", "{\"interfaces\":[{\"name\":7}]}",
		       "interfaces[0].name: must be a string, not an integer");
	expect_refused("acl",
		       "{\"rules\":[{\"action\":\"allow\",\"proto\":\"tcp\",\"src\":"
		       "\"0.0.0.0/0\",\"dst\":\"10.0.0.0/8\"}]}",
		       "`allow' is not one of accept, drop, reject");
	expect_refused("acl",
		       "{\"rules\":[{\"action\":\"drop\",\"proto\":\"icmp\",\"src\":"
		       "\"0.0.0.0/0\",\"dst\":\"10.0.0.0/8\",\"dport\":22}]}",
		       "a port needs proto tcp or udp");
	expect_refused("ipsec",
		       "{\"sas\":[{\"peer\":\"P\",\"direction\":\"out\",\"src\":"
		       "\"192.0.2.2\",\"dst\":\"192.0.2.3\",\"spi\":255,\"aead\":"
		       "\"rfc4106(gcm(aes))\",\"key\":\"00\",\"icv_bits\":128}]}",
		       "spi: 255 is not between 256");
	expect_refused("ipsec",
		       "{\"sas\":[{\"peer\":\"P\",\"direction\":\"out\",\"src\":"
		       "\"192.0.2.2\",\"dst\":\"192.0.2.3\",\"spi\":4096,\"aead\":"
		       "\"rfc4106(gcm(des))\",\"key\":\"00\",\"icv_bits\":128}]}",
		       "is not one of rfc4106(gcm(aes))");
	expect_refused("ipsec",
		       "{\"sas\":[{\"peer\":\"P\",\"direction\":\"out\",\"src\":"
		       "\"192.0.2.2\",\"dst\":\"192.0.2.3\",\"spi\":4096,\"aead\":"
		       "\"rfc4106(gcm(aes))\",\"key\":\"0011\",\"icv_bits\":128}]}",
		       "the key must be 40, 56 or 72 hex digits");
	/* Topics. */
	expect_refused("bogus", "{}", "unknown command topic `bogus'");
	expect_refused("static", NULL, "the body must be an object");
	assert_string_equal(nc_agent_topic_kind("nat44"), "nat");
	assert_string_equal(nc_agent_topic_kind("acl_config"), "acl");
	assert_null(nc_agent_topic_kind("bogus"));
	assert_string_equal(nc_agent_kind_topic("nat"), "nat_config");
}

FX_MAIN("agent_validate", test_x25519, test_validate_accepts, test_validate_refuses,
	test_validate_refuses_types)
