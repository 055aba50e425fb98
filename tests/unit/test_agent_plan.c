/* SPDX-License-Identifier: MIT */
/*
 * The agent's plans: the command lines each kind of command becomes
 * (WireGuard, userspace, static routes, NAT, ACL, IPSec, interfaces,
 * namespaces), what a probe of the running system changes, the dry-run
 * applier, and the tunnels a configuration declares.
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

/* The plan for topic from old to body (JSON texts, NULL for none) into *p, which must be zeroed
 * or cleared; the caller clears it. Planning must succeed. */
static void plan(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
		 const char *topic, const char *body, const char *old, struct nc_agent_plan *p)
{
	json_t *b = body ? fx_parse(body) : NULL, *o = old ? fx_parse(old) : NULL;

	assert_int_equal(nc_agent_plan_command(env, probe, topic, b, o, p, NULL), 0);
	json_decref(b);
	json_decref(o);
}

/* The plan for topic from old to body (JSON texts, NULL for none), one line per step. */
static char *plan_text(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
		       const char *topic, const char *body, const char *old)
{
	struct nc_agent_plan p = {0};
	char line[4096], *out = calloc(1, 1);
	size_t len = 0;

	plan(env, probe, topic, body, old, &p);
	for (size_t i = 0; i < p.n; i++) {
		nc_agent_step_format(&p.v[i], line, sizeof(line));
		out = realloc(out, len + strlen(line) + 2);
		memcpy(out + len, line, strlen(line));
		len += strlen(line);
		out[len++] = '\n';
		out[len] = '\0';
	}
	nc_agent_plan_clear(&p);
	return out;
}

static void expect_plan(const struct nc_agent_probe *probe, const char *topic, const char *body,
			const char *old, const char *want)
{
	char *got = plan_text(&fx_agent_env, probe, topic, body, old);

	assert_string_equal(got, want);
	free(got);
}

/* Plans: dry-run (no probe: the system holds what was applied before) */

#define WG0                                                                                        \
	"{\"interfaces\":[{\"name\":\"wg0\",\"role\":\"backbone\",\"address\":"                    \
	"\"100.64.0.2/32\",\"listen_port\":51820,\"mtu\":1420,\"peers\":[{\"serial\":"             \
	"\"EDGE-1\",\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\","              \
	"\"endpoint\":\"192.0.2.1:51820\",\"allowed_ips\":[\"100.64.0.1/32\","                     \
	"\"10.10.0.0/16\"],\"persistent_keepalive\":25,\"tunnel_index\":0}]}]}"

static void test_plan_wireguard(void **state)
{
	struct nc_agent_plan p = {0};

	expect_plan(NULL, "wireguard", WG0, NULL,
		    "ip link add dev wg0 type wireguard\n"
		    "wg setconf wg0 /var/lib/netctl-agent/wg0.conf\n"
		    "ip link set dev wg0 mtu 1420\n"
		    "ip address replace 100.64.0.2/32 dev wg0\n"
		    "ip link set dev wg0 up\n");
	/* The same body again: nothing is created twice, and on the interface that is
	 * there syncconf keeps the sessions and roamed endpoints of the peers. */
	expect_plan(NULL, "wireguard", WG0, WG0,
		    "wg syncconf wg0 /var/lib/netctl-agent/wg0.conf\n"
		    "ip link set dev wg0 mtu 1420\n"
		    "ip address replace 100.64.0.2/32 dev wg0\n"
		    "ip link set dev wg0 up\n");
	/* A new address replaces the old; a new interface; wg0 leaves. */
	expect_plan(NULL, "wireguard",
		    "{\"interfaces\":[{\"name\":\"wg2\",\"address\":\"100.96.0.2/32\","
		    "\"addresses\":[\"100.96.0.2/32\",\"100.96.4.2/32\"]}]}",
		    "{\"interfaces\":[{\"name\":\"wg0\",\"address\":\"100.64.0.2/32\"},"
		    "{\"name\":\"wg2\",\"address\":\"100.96.9.9/32\"}]}",
		    "ip link del dev wg0\n"
		    "wg syncconf wg2 /var/lib/netctl-agent/wg2.conf\n"
		    "ip address replace 100.96.0.2/32 dev wg2\n"
		    "ip address replace 100.96.4.2/32 dev wg2\n"
		    "ip address del 100.96.9.9/32 dev wg2\n"
		    "ip link set dev wg2 up\n");
	/* The topic left the batch: everything of it goes. */
	expect_plan(NULL, "wireguard", NULL, WG0, "ip link del dev wg0\n");

	/* The generated config file carries the key and peers; it is never shown. */
	plan(&fx_agent_env, NULL, "wireguard", WG0, NULL, &p);
	assert_string_equal(p.v[1].file, "/var/lib/netctl-agent/wg0.conf");
	assert_string_equal(
		p.v[1].file_text,
		"[Interface]\nPrivateKey = dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=\n"
		"ListenPort = 51820\n\n[Peer]\n# EDGE-1\n"
		"PublicKey = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
		"Endpoint = 192.0.2.1:51820\nAllowedIPs = 100.64.0.1/32, 10.10.0.0/16\n"
		"PersistentKeepalive = 25\n");
	nc_agent_plan_clear(&p);
}

static void test_plan_userspace(void **state)
{
	struct nc_agent_env env = fx_agent_env;
	char *got;

	env.wg_userspace = true;
	got = plan_text(&env, NULL, "wireguard", "{\"interfaces\":[{\"name\":\"wg3\"}]}", NULL);
	assert_string_equal(got, "wireguard-go wg3\n"
				 "wg setconf wg3 /var/lib/netctl-agent/wg3.conf\n"
				 "ip link set dev wg3 up\n");
	free(got);
}

static void test_plan_static(void **state)
{
	expect_plan(NULL, "static",
		    "{\"routes\":[{\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\",\"metric\":100},"
		    "{\"dst\":\"10.99.0.0/16\",\"via\":\"192.168.10.1\",\"metric\":50}]}",
		    "{\"routes\":[{\"dst\":\"10.20.0.0/24\",\"dev\":\"wg0\",\"metric\":100},"
		    "{\"dst\":\"10.30.0.0/16\",\"dev\":\"wg0\",\"metric\":100}]}",
		    "ip route del 10.30.0.0/16 dev wg0 metric 100\n"
		    "ip route replace 10.20.0.0/24 dev wg2 metric 100\n"
		    "ip route replace 10.99.0.0/16 via 192.168.10.1 metric 50\n");
	expect_plan(NULL, "static", "{\"routes\":[]}", NULL, "");
}

static void test_plan_nat(void **state)
{
	const char *nat = "{\"masquerade\":[{\"source\":\"192.168.10.0/24\",\"out_interface\":"
			  "\"eth0\"},{\"source\":\"fd00::/64\",\"out_interface\":\"eth0\"}]}";

	expect_plan(NULL, "nat_config", nat, NULL,
		    "iptables -w -t nat -N NETCTL-NAT\n"
		    "iptables -w -t nat -A NETCTL-NAT -s 192.168.10.0/24 -o eth0 -j MASQUERADE\n"
		    "iptables -w -t nat -A POSTROUTING -j NETCTL-NAT\n"
		    "ip6tables -w -t nat -N NETCTL-NAT\n"
		    "ip6tables -w -t nat -A NETCTL-NAT -s fd00::/64 -o eth0 -j MASQUERADE\n"
		    "ip6tables -w -t nat -A POSTROUTING -j NETCTL-NAT\n");
	expect_plan(NULL, "nat_config", nat, nat,
		    "iptables -w -t nat -F NETCTL-NAT\n"
		    "iptables -w -t nat -A NETCTL-NAT -s 192.168.10.0/24 -o eth0 -j MASQUERADE\n"
		    "ip6tables -w -t nat -F NETCTL-NAT\n"
		    "ip6tables -w -t nat -A NETCTL-NAT -s fd00::/64 -o eth0 -j MASQUERADE\n");
	expect_plan(NULL, "nat44", "{\"masquerade\":[]}", nat,
		    "iptables -w -t nat -D POSTROUTING -j NETCTL-NAT\n"
		    "iptables -w -t nat -F NETCTL-NAT\n"
		    "iptables -w -t nat -X NETCTL-NAT\n"
		    "ip6tables -w -t nat -D POSTROUTING -j NETCTL-NAT\n"
		    "ip6tables -w -t nat -F NETCTL-NAT\n"
		    "ip6tables -w -t nat -X NETCTL-NAT\n");
}

static void test_plan_acl(void **state)
{
	expect_plan(
		NULL, "acl_config",
		"{\"default\":\"drop\",\"rules\":[{\"action\":\"accept\",\"proto\":\"any\","
		"\"src\":\"10.0.0.0/8\",\"dst\":\"192.168.10.0/24\"},{\"action\":\"reject\","
		"\"proto\":\"udp\",\"src\":\"0.0.0.0/0\",\"dst\":\"192.168.10.5/32\",\"dport\":"
		"53},{\"action\":\"drop\",\"proto\":\"icmp\",\"src\":\"::/0\",\"dst\":"
		"\"fd00::1/128\"}]}",
		NULL,
		"iptables -w -t filter -N NETCTL-ACL\n"
		"iptables -w -t filter -A NETCTL-ACL -s 10.0.0.0/8 -d 192.168.10.0/24 -j ACCEPT\n"
		"iptables -w -t filter -A NETCTL-ACL -p udp -s 0.0.0.0/0 -d 192.168.10.5/32 "
		"--dport 53 -j REJECT\n"
		"iptables -w -t filter -A NETCTL-ACL -j DROP\n"
		"iptables -w -t filter -I FORWARD -j NETCTL-ACL\n"
		"ip6tables -w -t filter -N NETCTL-ACL\n"
		"ip6tables -w -t filter -A NETCTL-ACL -p ipv6-icmp -s ::/0 -d fd00::1/128 "
		"-j DROP\n"
		"ip6tables -w -t filter -A NETCTL-ACL -j DROP\n"
		"ip6tables -w -t filter -I FORWARD -j NETCTL-ACL\n");
	/* Edges get "rules":[] with accept: no chain at all. */
	expect_plan(NULL, "acl", "{\"default\":\"accept\",\"rules\":[]}", NULL, "");
}

#define SA(dir, src, dst, spi)                                                                     \
	"{\"peer\":\"CN-2\",\"direction\":\"" dir "\",\"src\":\"" src "\",\"dst\":\"" dst          \
	"\",\"spi\":" spi ",\"aead\":\"rfc4106(gcm(aes))\",\"key\":"                               \
	"\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233\","            \
	"\"icv_bits\":128,\"tunnel_index\":0}"

static void test_plan_ipsec(void **state)
{
	const char *body = "{\"sas\":[" SA("out", "100.96.0.2", "100.96.0.3", "40961") "," SA(
		"in", "100.96.0.3", "100.96.0.2", "40962") "]}";
	const char *old = "{\"sas\":[" SA("out", "100.96.0.2", "100.96.0.3", "40961") "," SA(
		"in", "100.96.0.3", "100.96.0.2", "4096") "]}";
	struct nc_agent_plan p = {0};

	expect_plan(NULL, "ipsec", body, old,
		    "ip xfrm state delete src 100.96.0.3 dst 100.96.0.2 proto esp spi 0x00001000\n"
		    "ip -batch - <<< 'xfrm state update src 100.96.0.2 dst 100.96.0.3 proto esp "
		    "spi 0x0000a001 mode transport aead rfc4106(gcm(aes)) (key) 128'\n"
		    "ip xfrm policy update src 100.96.0.2/32 dst 100.96.0.3/32 dir out tmpl src "
		    "100.96.0.2 dst 100.96.0.3 proto esp spi 0x0000a001 mode transport\n"
		    "ip -batch - <<< 'xfrm state add src 100.96.0.3 dst 100.96.0.2 proto esp "
		    "spi 0x0000a002 mode transport aead rfc4106(gcm(aes)) (key) 128'\n"
		    "ip xfrm policy update src 100.96.0.3/32 dst 100.96.0.2/32 dir in tmpl src "
		    "100.96.0.3 dst 100.96.0.2 proto esp spi 0x0000a002 mode transport\n");
	expect_plan(NULL, "ipsec", NULL, old,
		    "ip xfrm state delete src 100.96.0.2 dst 100.96.0.3 proto esp spi 0x0000a001\n"
		    "ip xfrm policy delete src 100.96.0.2/32 dst 100.96.0.3/32 dir out\n"
		    "ip xfrm state delete src 100.96.0.3 dst 100.96.0.2 proto esp spi 0x00001000\n"
		    "ip xfrm policy delete src 100.96.0.3/32 dst 100.96.0.2/32 dir in\n");

	/* The key goes to stdin only: never on a command line, never shown. */
	plan(&fx_agent_env, NULL, "ipsec", body, NULL, &p);
	assert_non_null(strstr(p.v[0].input, " 0x00112233445566778899aabbccddeeff00112233"));
	assert_null(strstr(p.v[0].input_shown, "00112233"));
	for (size_t i = 0; i < p.n; i++)
		for (size_t k = 0; p.v[i].argv[k]; k++)
			assert_null(strstr(p.v[i].argv[k], "00112233"));
	nc_agent_plan_clear(&p);
}

static void test_plan_interface(void **state)
{
	expect_plan(NULL, "interface",
		    "{\"interfaces\":[{\"name\":\"lan0\",\"addresses\":[\"10.10.0.1/16\"]}]}",
		    "{\"interfaces\":[{\"name\":\"lan0\",\"addresses\":[\"10.9.0.1/16\","
		    "\"10.10.0.1/16\"]},{\"name\":\"eth0\",\"addresses\":[\"192.0.2.9/24\"]}]}",
		    "ip address replace 10.10.0.1/16 dev lan0\n"
		    "ip address del 10.9.0.1/16 dev lan0\n"
		    "ip address del 192.0.2.9/24 dev eth0\n");
}

/* Plans: linux (a probe says what exists) */

static bool fake_link(void *arg, const char *ifname)
{
	return strcmp(ifname, "wg1") == 0 || strcmp(ifname, "wg3") == 0 ||
	       strcmp(ifname, "eth0") == 0;
}

static bool fake_chain(void *arg, const char *tool, const char *table, const char *chain,
		       const char *from)
{
	/* The chains exist (a previous run), the jumps were removed by hand. */
	return strcmp(tool, "iptables") == 0 && !from;
}

static bool fake_sa(void *arg, const char *src, const char *dst, uint32_t spi)
{
	return spi == 40961;
}

static const struct nc_agent_probe fake = {fake_link, fake_chain, fake_sa, NULL, NULL};

static void test_plan_linux_probe(void **state)
{
	/* No state file, but the system has wg1 and wg3: wg1 is reused, wg3 goes. */
	expect_plan(&fake, "wireguard", "{\"interfaces\":[{\"name\":\"wg1\"},{\"name\":\"wg2\"}]}",
		    NULL,
		    "ip link del dev wg3\n"
		    "wg syncconf wg1 /var/lib/netctl-agent/wg1.conf\n"
		    "ip link set dev wg1 up\n"
		    "ip link add dev wg2 type wireguard\n"
		    "wg setconf wg2 /var/lib/netctl-agent/wg2.conf\n"
		    "ip link set dev wg2 up\n");
	expect_plan(
		&fake, "nat_config",
		"{\"masquerade\":[{\"source\":\"192.168.10.0/24\",\"out_interface\":\"eth0\"}]}",
		NULL,
		"iptables -w -t nat -F NETCTL-NAT\n"
		"iptables -w -t nat -A NETCTL-NAT -s 192.168.10.0/24 -o eth0 -j MASQUERADE\n"
		"iptables -w -t nat -A POSTROUTING -j NETCTL-NAT\n");
	expect_plan(&fake, "acl_config", "{\"default\":\"accept\",\"rules\":[]}", NULL,
		    "iptables -w -t filter -F NETCTL-ACL\n"
		    "iptables -w -t filter -X NETCTL-ACL\n");
	expect_plan(&fake, "ipsec", "{\"sas\":[" SA("out", "192.0.2.2", "192.0.2.3", "40961") "]}",
		    NULL,
		    "ip -batch - <<< 'xfrm state update src 192.0.2.2 dst 192.0.2.3 proto esp "
		    "spi 0x0000a001 mode transport aead rfc4106(gcm(aes)) (key) 128'\n"
		    "ip xfrm policy update src 192.0.2.2/32 dst 192.0.2.3/32 dir out tmpl src "
		    "192.0.2.2 dst 192.0.2.3 proto esp spi 0x0000a001 mode transport\n");
}

/* A NAT WAN interface the device does not have fails the command, naming it. */
static void test_plan_nat_wan_missing(void **state)
{
	struct nc_agent_plan p = {0};
	struct nc_errinfo ei = {0};
	json_t *b = json_loads("{\"masquerade\":[{\"source\":\"192.168.10.0/24\","
			       "\"out_interface\":\"eth1\"}]}",
			       0, NULL);

	(void)state;
	assert_int_equal(
		nc_agent_plan_command(&fx_agent_env, &fake, "nat_config", b, NULL, &p, &ei),
		NC_ERR_NOTFOUND);
	assert_string_equal(ei.msg, "masquerade[0].out_interface: the NAT WAN interface `eth1' "
				    "does not exist on this device");
	assert_int_equal(p.n, 0);
	nc_agent_plan_clear(&p);
	json_decref(b);
}

/* An MTGE tenant's plan: every step in its namespace, made first when it is new. */
static void test_plan_netns(void **state)
{
	struct nc_agent_env env = fx_agent_env;
	char *got;

	env.state_dir = "/var/lib/netctl-agent/tenants/acme";
	env.netns = "netctl-acme";
	got = plan_text(&env, NULL, "wireguard",
			"{\"interfaces\":[{\"name\":\"wg1\",\"role\":\"app_vpn\","
			"\"address\":\"100.64.0.1/32\",\"allowed_ips\":[\"192.168.3.0/24\"]}]}",
			NULL);
	assert_string_equal(got,
			    "ip netns add netctl-acme\n"
			    "ip netns exec netctl-acme ip link add dev wg1 type wireguard\n"
			    "ip netns exec netctl-acme wg setconf wg1 "
			    "/var/lib/netctl-agent/tenants/acme/wg1.conf\n"
			    "ip netns exec netctl-acme ip address replace 100.64.0.1/32 dev wg1\n"
			    "ip netns exec netctl-acme ip link set dev wg1 up\n");
	free(got);
	/* The tenant owns something: its namespace exists. */
	env.netns_made = true;
	got = plan_text(
		&env, NULL, "static",
		"{\"routes\":[{\"dst\":\"192.168.3.0/24\",\"dev\":\"wg0\",\"metric\":100}]}", NULL);
	assert_string_equal(
		got,
		"ip netns exec netctl-acme ip route replace 192.168.3.0/24 dev wg0 metric 100\n");
	free(got);
	/* Removing from a namespace that does not exist: nothing to do. */
	env.netns_made = false;
	got = plan_text(&env, NULL, "static", NULL,
			"{\"routes\":[{\"dst\":\"192.168.3.0/24\",\"dev\":\"wg0\"}]}");
	assert_string_equal(got, "");
	free(got);
}

static bool fake_netns(void *arg, const char *name)
{
	return strcmp(name, "netctl-acme") == 0;
}

/* With a probe, the namespace is asked about; the probe's arg is the namespace. */
static bool netns_link(void *arg, const char *ifname)
{
	return arg && strcmp(arg, "netctl-acme") == 0 && strcmp(ifname, "wg0") == 0;
}

static void test_plan_netns_probe(void **state)
{
	struct nc_agent_probe probe = {.link = netns_link, .netns = fake_netns};
	struct nc_agent_env env = fx_agent_env;
	char *got;

	env.netns = "netctl-acme";
	probe.arg = (void *)env.netns;
	got = plan_text(&env, &probe, "wireguard", "{\"interfaces\":[{\"name\":\"wg0\"}]}", NULL);
	assert_string_equal(got, "ip netns exec netctl-acme wg syncconf wg0 "
				 "/var/lib/netctl-agent/wg0.conf\n"
				 "ip netns exec netctl-acme ip link set dev wg0 up\n");
	free(got);
	env.netns = "netctl-globex";
	probe.arg = (void *)env.netns;
	got = plan_text(&env, &probe, "wireguard", "{\"interfaces\":[{\"name\":\"wg0\"}]}", NULL);
	assert_string_equal(got, "ip netns add netctl-globex\n"
				 "ip netns exec netctl-globex ip link add dev wg0 type wireguard\n"
				 "ip netns exec netctl-globex wg setconf wg0 "
				 "/var/lib/netctl-agent/wg0.conf\n"
				 "ip netns exec netctl-globex ip link set dev wg0 up\n");
	free(got);
}

/* The dry-run applier prints the plan and succeeds. */
static void test_dryrun_applier(void **state)
{
	struct nc_agent_env env = fx_agent_env;
	char *buf = NULL, err[64] = "";
	size_t len = 0;
	json_t *b = fx_parse("{\"routes\":[{\"dst\":\"10.20.0.0/24\",\"dev\":\"wg2\"}]}");

	env.out = open_memstream(&buf, &len);
	assert_ptr_equal(nc_agent_applier_find("dry-run"), &nc_agent_applier_dryrun);
	assert_ptr_equal(nc_agent_applier_find("linux"), &nc_agent_applier_linux);
	assert_null(nc_agent_applier_find("fleet"));
	assert_int_equal(nc_agent_applier_dryrun.apply(&env, "static", b, NULL, err, sizeof(err)),
			 0);
	fclose(env.out);
	assert_string_equal(buf, "ip route replace 10.20.0.0/24 dev wg2\n");
	free(buf);
	json_decref(b);
}

static void test_step_format(void **state)
{
	struct nc_agent_plan p = {0};
	char line[64];

	nc_agent_plan_add(&p, 0, (const char *const[]){"a", "b c", "it's", "", NULL});
	assert_string_equal(nc_agent_step_format(&p.v[0], line, sizeof(line)),
			    "a 'b c' 'it'\\''s' ''");
	nc_agent_plan_clear(&p);
	assert_int_equal(p.n, 0);
}

static void test_tunnels_declared(void **state)
{
	json_t *owned =
		json_pack("{s:o, s:o}", "wireguard", fx_parse(WG0), "ipsec",
			  fx_parse("{\"sas\":[" SA("out", "1.1.1.1", "2.2.2.2", "4097") "," SA(
				  "in", "2.2.2.2", "1.1.1.1", "4098") "]}"));
	struct nc_tunnel_status t = {0};

	assert_int_equal(nc_agent_tunnels_declared(owned, &t), 0);
	assert_int_equal(t.n_tunnels, 2);
	assert_string_equal(t.tunnels[0].interface, "wg0");
	assert_string_equal(t.tunnels[0].peer, "EDGE-1");
	assert_true(t.tunnels[0].up);
	assert_int_equal(t.tunnels[1].protocol, NC_PROTO_IPSEC);
	assert_string_equal(t.tunnels[1].sa, "established");
	assert_string_equal(t.tunnels[0].peering, "");
	assert_string_equal(t.tunnels[1].peering, "");
	nc_tunnel_status_clear(&t);
	json_decref(owned);
}

/* Peering tunnels carry their batch peer's or SA's group; two IPSec groups between the same
 * pair are two tunnels; a backbone peer never carries one; a bad name is dropped. */
static void test_tunnels_declared_peering(void **state)
{
	json_t *owned = fx_parse(
		"{\"wireguard\":{\"interfaces\":["
		"{\"name\":\"wg0\",\"peers\":[{\"serial\":\"EDGE-1\",\"peering\":\"x\"}]},"
		"{\"name\":\"wg2\",\"peers\":[{\"serial\":\"CN-2\",\"tunnel_index\":0,"
		"\"peering\":\"g1\"},{\"serial\":\"CN-3\",\"peering\":\"bad name\"}]}]},"
		"\"ipsec\":{\"sas\":[{\"peer\":\"CN-2\",\"direction\":\"out\",\"peering\":\"g2\"},"
		"{\"peer\":\"CN-2\",\"direction\":\"in\",\"peering\":\"g2\"},"
		"{\"peer\":\"CN-2\",\"direction\":\"out\",\"peering\":\"g3\"}]}}");
	struct nc_tunnel_status t = {0};

	(void)state;
	assert_int_equal(nc_agent_tunnels_declared(owned, &t), 0);
	assert_int_equal(t.n_tunnels, 5);
	assert_string_equal(t.tunnels[0].interface, "wg0");
	assert_string_equal(t.tunnels[0].peering, "");
	assert_string_equal(t.tunnels[1].peering, "g1");
	assert_string_equal(t.tunnels[2].peering, "");
	assert_int_equal(t.tunnels[3].protocol, NC_PROTO_IPSEC);
	assert_string_equal(t.tunnels[3].peering, "g2");
	assert_string_equal(t.tunnels[4].peering, "g3");
	nc_tunnel_status_clear(&t);
	json_decref(owned);
}

FX_MAIN("agent_plan", test_plan_wireguard, test_plan_userspace, test_plan_static, test_plan_nat,
	test_plan_acl, test_plan_ipsec, test_plan_interface, test_plan_linux_probe,
	test_plan_nat_wan_missing, test_plan_netns, test_plan_netns_probe, test_dryrun_applier,
	test_step_format, test_tunnels_declared, test_tunnels_declared_peering)
