/* SPDX-License-Identifier: MIT */
/*
 * The model's string rules and enum names: every field kind (id, serial,
 * name, address, prefix, endpoint, interface, WireGuard key) accepted and
 * refused, string lists, and every enum name round trip.
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

#include "../../lib/model/model.h"
#include "../../lib/model/validate.h"
#include "../../lib/util/err.h"
#include "../../lib/util/xmalloc.h"
#include "fixture.h"

struct str_case {
	const char *s;
	bool ok;
};

/* Checks valid against every case, and that it refuses NULL. */
static void run_cases(const char *what, bool (*valid)(const char *), const struct str_case *c,
		      size_t n)
{
	if (valid(NULL))
		fail_msg("%s: NULL should be refused", what);
	for (size_t i = 0; i < n; i++) {
		if (valid(c[i].s) != c[i].ok)
			fail_msg("%s: `%s' should be %s", what, c[i].s,
				 c[i].ok ? "accepted" : "refused");
	}
}

/* A string of n copies of c followed by tail; static storage, one at a time per slot. */
static const char *repeat(char *buf, char c, size_t n, const char *tail)
{
	memset(buf, c, n);
	strcpy(buf + n, tail);
	return buf;
}

/* String lists: membership, equality in order, copies. */
static void test_strlist(void **state)
{
	struct nc_strlist a = {0}, b = {0};

	(void)state;
	assert_false(nc_strlist_has(&a, "x"));
	nc_strlist_add(&a, "CN-1");
	nc_strlist_add(&a, "CN-2");
	assert_true(nc_strlist_has(&a, "CN-2"));
	assert_false(nc_strlist_has(&a, "CN-"));
	nc_strlist_copy(&b, &a);
	assert_true(nc_strlist_equal(&a, &b));
	nc_strlist_add(&b, "CN-3");
	assert_false(nc_strlist_equal(&a, &b));
	nc_strlist_clear(&a);
	nc_strlist_clear(&b);
	assert_int_equal(a.n, 0);
}

static void test_id(void **state)
{
	char b1[80], b2[80];
	const struct str_case c[] = {
		{"acme", true},
		{"a", true},
		{"0", true},
		{"acme-corp-2", true},
		{"9lives", true},
		{repeat(b1, 'a', 63, ""), true},
		{repeat(b2, 'a', 64, ""), false},
		{"", false},
		{"Acme", false},
		{"-acme", false},
		{"acme_corp", false},
		{"acme.corp", false},
		{"acme corp", false},
		{"acme\n", false},
		{"caf\xc3\xa9", false},
	};

	(void)state;
	run_cases("id", nc_valid_id, c, COUNT(c));
}

static void test_serial(void **state)
{
	char b1[80], b2[80];
	const struct str_case c[] = {
		{"EDGE-1", true},
		{"CN-0001", true},
		{"cn_0001.b", true},
		{"P0001", true},
		{"7", true},
		{repeat(b1, 'S', 63, ""), true},
		{repeat(b2, 'S', 64, ""), false},
		{"", false},
		{"-CN", false},
		{".CN", false},
		{"_CN", false},
		{"CN 1", false},
		{"CN/1", false},
		{"CN:1", false},
		{"CN#1", false},
		{"CN\t1", false},
		{"..", false},
	};

	(void)state;
	run_cases("serial", nc_valid_serial, c, COUNT(c));
}

/* A new device's serial has no '.': RabbitMQ would make it a topic level. */
static void test_new_serial(void **state)
{
	struct nc_errinfo ei = {0};

	(void)state;
	assert_int_equal(nc_new_serial_validate("CN-0001_b", &ei), 0);
	fx_assert_refused(nc_new_serial_validate("cn_0001.b", &ei), NC_ERR_INVAL, &ei, "serial");
	assert_non_null(strstr(ei.msg, "`cn_0001.b'"));
	assert_non_null(strstr(ei.msg, "topic level"));
	assert_true(nc_valid_serial("cn_0001.b")); /* still a valid serial of an existing device */
}

static void test_name(void **state)
{
	char b1[80], b2[80], b3[80];
	const struct str_case c[] = {
		{"Acme Corp", true},
		{"dc-1", true},
		{"x", true},
		{"Caf\xc3\xa9 du Nord", true},	    /* é */
		{"\xe6\x9d\xb1\xe4\xba\xac", true}, /* 東京 */
		{"\xf0\x9f\x9b\xb0 sat", true},	    /* U+1F6F0, 4 bytes */
		{"a/b:c 'quoted' \"too\"", true},
		{repeat(b1, 'n', 63, ""), true},
		{repeat(b2, 'n', 64, ""), false},
		{repeat(b3, 'n', 62, "\xc3\xa9"), false}, /* 64 bytes */
		{"", false},
		{"tab\there", false},
		{"line\nbreak", false},
		{"esc\x1b[31m", false},
		{"del\x7f", false},
		{"c1 \xc2\x9b", false},		 /* U+009B CSI */
		{"bidi \xe2\x80\xae", false},	 /* U+202E */
		{"isolate \xe2\x81\xa6", false}, /* U+2066 */
		{"sep \xe2\x80\xa8", false},	 /* U+2028 */
		{"bad \xc3", false},		 /* truncated */
		{"bad \xc0\xaf", false},	 /* overlong '/' */
		{"bad \xed\xa0\x80", false},	 /* surrogate */
		{"bad \xf4\x90\x80\x80", false}, /* above U+10FFFF */
		{"bad \xff", false},
	};

	(void)state;
	run_cases("name", nc_valid_name, c, COUNT(c));
}

static void test_ip(void **state)
{
	const struct str_case c[] = {
		{"192.0.2.1", true},
		{"0.0.0.0", true},
		{"255.255.255.255", true},
		{"::", true},
		{"::1", true},
		{"2001:db8::1", true},
		{"FD00::1", true},
		{"::ffff:192.0.2.1", true},
		{"", false},
		{"256.0.0.1", false},
		{"01.2.3.4", false},
		{"1.2.3", false},
		{"0x1.2.3.4", false},
		{"1.2.3.4 ", false},
		{" 1.2.3.4", false},
		{"1.2.3.4/32", false},
		{"fe80::1%eth0", false},
		{"1::2::3", false},
		{"[::1]", false},
		{"example.com", false},
		{"0000:0000:0000:0000:0000:0000:0000:0000:0000", false},
	};

	(void)state;
	run_cases("ip", nc_valid_ip, c, COUNT(c));
}

static void test_cidr(void **state)
{
	static const struct {
		const char *s;
		bool loose, strict;
	} c[] = {
		{"10.10.0.0/16", true, true},
		{"0.0.0.0/0", true, true},
		{"192.168.10.5/32", true, true},
		{"10.0.0.0/8", true, true},
		{"192.168.10.128/25", true, true},
		{"fd00::/8", true, true},
		{"2001:db8::/32", true, true},
		{"::/0", true, true},
		{"::1/128", true, true},
		{"2001:db8:0:1::/64", true, true},
		{"10.10.0.1/16", true, false},
		{"192.168.10.5/24", true, false},
		{"192.168.10.129/25", true, false},
		{"1.2.3.4/0", true, false},
		{"2001:db8::1/64", true, false},
		{"fd00::/7", true, false},
		{"10.0.0.0/33", false, false},
		{"::/129", false, false},
		{"10.0.0.0/1000", false, false},
		{"10.0.0.0", false, false},
		{"10.0.0.0/", false, false},
		{"/8", false, false},
		{"10.0.0.0/08", false, false},
		{"10.0.0.0/00", false, false},
		{"10.0.0.0/+8", false, false},
		{"10.0.0.0/-1", false, false},
		{"10.0.0.0/ 8", false, false},
		{"10.0.0.0/8 ", false, false},
		{"10.0.0.0/8/8", false, false},
		{"10.0.0/8", false, false},
		{"010.0.0.0/8", false, false},
		{"fe80::%eth0/64", false, false},
		{"fe80::1%eth0/64", false, false},
		{"example.com/8", false, false},
		{"", false, false},
	};

	(void)state;
	for (size_t i = 0; i < COUNT(c); i++) {
		if (nc_valid_cidr(c[i].s, false) != c[i].loose)
			fail_msg("cidr `%s' loose: want %d", c[i].s, c[i].loose);
		if (nc_valid_cidr(c[i].s, true) != c[i].strict)
			fail_msg("cidr `%s' strict: want %d", c[i].s, c[i].strict);
	}
	assert_false(nc_valid_cidr(NULL, false));
}

static void test_endpoint(void **state)
{
	char b1[160], b2[160], b3[160];
	const struct str_case c[] = {
		{"192.0.2.1:51820", true},
		{"[::1]:51820", true},
		{"[2001:db8::1]:1", true},
		{"vpn.example.com:65535", true},
		{"localhost:1", true},
		{"a-b.c:443", true},
		{"xn--bcher-kva.example:51820", true},
		{"1a.example:5", true},
		{"EDGE-1.Example.NET:51820", true},
		{repeat(b1, 'h', 63, ".example:1"), true},
		{repeat(b2, 'h', 64, ".example:1"), false}, /* label of 64 */
		{repeat(b3, 'h', 120, ":51820"), false},    /* 126 bytes, label too long */
		{"192.0.2.1", false},
		{"192.0.2.1:", false},
		{":51820", false},
		{"192.0.2.1:0", false},
		{"192.0.2.1:65536", false},
		{"192.0.2.1:123456", false},
		{"192.0.2.1:+1", false},
		{"192.0.2.1:-1", false},
		{"192.0.2.1:01", false},
		{"192.0.2.1: 1", false},
		{"192.0.2.1:1 ", false},
		{"192.0.2.1:http", false},
		{"::1:51820", false},
		{"[::1]51820", false},
		{"[::1]:", false},
		{"[::1]", false},
		{"[]:1", false},
		{"[192.0.2.1]:51820", false},
		{"[fe80::1%eth0]:51820", false},
		{"[::1]:51820x", false},
		{"-bad.example:1", false},
		{"bad-.example:1", false},
		{"a..b:1", false},
		{".a:1", false},
		{"example.com.:1", false},
		{"under_score.example:1", false},
		{"1.2.3.256:1", false},
		{"01.2.3.4:1", false},
		{"1.2.3:1", false},
		{"ex ample:1", false},
		{"user@host:1", false},
		{"", false},
	};

	(void)state;
	run_cases("endpoint", nc_valid_endpoint, c, COUNT(c));
}

static void test_ifname(void **state)
{
	char b1[40], b2[40];
	const struct str_case c[] = {
		{"eth0", true},
		{"wg0", true},
		{"br-lan", true},
		{"eth0.100", true},
		{"enp0s31f6", true},
		{"veth_1", true},
		{"a", true},
		{repeat(b1, 'i', 15, ""), true},
		{repeat(b2, 'i', 16, ""), false},
		{"", false},
		{".", false},
		{"..", false},
		{".hidden", false},
		{"-eth0", false},
		{"_eth0", false},
		{"eth 0", false},
		{"eth/0", false},
		{"eth0:1", false},
		{"eth0@if2", false},
		{"eth0\n", false},
		{"eth$(id)", false},
		{"\xc3\xa9th0", false},
	};

	(void)state;
	run_cases("ifname", nc_valid_ifname, c, COUNT(c));
}

static void test_wg_key(void **state)
{
	char b1[50], b2[50], b3[50];
	const struct str_case c[] = {
		{FX_WG_KEY, true},
		{repeat(b1, 'A', 43, "="), true},
		{repeat(b2, '/', 42, "8="), true}, /* '8' = 60: low bits clear */
		{repeat(b3, '/', 43, "="), false}, /* '/' = 63 */
		{"++++++++++++++++++++++++++++++++++++++++++w=", true},
		{"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=", false},  /* low bits */
		{"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk", false},	  /* 43 */
		{"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk==", false}, /* 45 */
		{"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBm==", false},
		{"yAnz5TF-lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", false}, /* url-safe */
		{"yAnz5TF_lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", false},
		{"yAnz5TF lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", false},
		{"yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmkA", false}, /* no pad */
		{"=Anz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", false},
		{"", false},
	};

	(void)state;
	run_cases("wg key", nc_valid_wg_key, c, COUNT(c));
}

/* Every enum: name -> parse gives the value back; unknown strings are refused. */
#define ROUND_TRIP(fn, type, last)                                                                 \
	do {                                                                                       \
		for (int v_ = 0; v_ <= (int)(last); v_++) {                                        \
			type out_;                                                                 \
			assert_int_equal(nc_##fn##_parse(nc_##fn##_name((type)v_), &out_), 0);     \
			assert_int_equal((int)out_, v_);                                           \
		}                                                                                  \
		type untouched_ = (type)0;                                                         \
		assert_int_equal(nc_##fn##_parse("bogus", &untouched_), NC_ERR_INVAL);             \
		assert_int_equal(nc_##fn##_parse("", &untouched_), NC_ERR_INVAL);                  \
		assert_int_equal(nc_##fn##_parse(NULL, &untouched_), NC_ERR_INVAL);                \
		assert_string_equal(nc_##fn##_name((type)((int)(last) + 1)), "unknown");           \
		assert_int_equal((int)untouched_, 0);                                              \
	} while (0)

static void test_enum_names(void **state)
{
	enum nc_status st;
	enum nc_role role;
	enum nc_topology topo;

	(void)state;
	ROUND_TRIP(role, enum nc_role, NC_ROLE_ENROLL);
	ROUND_TRIP(edge_kind, enum nc_edge_kind, NC_EDGE_MTGE);
	ROUND_TRIP(status, enum nc_status, NC_STATUS_DECOMMISSIONED);
	ROUND_TRIP(topology, enum nc_topology, NC_TOPO_PARTIAL_MESH);
	ROUND_TRIP(protocol, enum nc_protocol, NC_PROTO_IPSEC);
	ROUND_TRIP(sync_state, enum nc_sync_state, NC_SYNC_FAILED);
	ROUND_TRIP(link_status, enum nc_link_status, NC_LINK_DOWN);
	ROUND_TRIP(device_type, enum nc_device_type, NC_DEVICE_CONNECTOR);

	/* The wire strings themselves are the contract. */
	assert_int_equal(nc_status_parse("active", &st), 0);
	assert_int_equal(st, NC_STATUS_ACTIVE);
	assert_int_equal(nc_status_parse("pending_approval", &st), 0);
	assert_int_equal(st, NC_STATUS_PENDING_APPROVAL);
	assert_int_equal(nc_status_parse("Active", &st), NC_ERR_INVAL);
	assert_int_equal(nc_status_parse("active ", &st), NC_ERR_INVAL);
	assert_int_equal(nc_role_parse("viewer", &role), 0);
	assert_int_equal(role, NC_ROLE_VIEWER);
	assert_int_equal(nc_role_parse("root", &role), NC_ERR_INVAL);
	assert_int_equal(nc_topology_parse("hub_spoke", &topo), 0);
	assert_int_equal(topo, NC_TOPO_HUB_SPOKE);
	assert_int_equal(nc_topology_parse("hub-spoke", &topo), NC_ERR_INVAL);
	assert_string_equal(nc_edge_kind_name(NC_EDGE_MTGE), "mtge");
	assert_string_equal(nc_protocol_name(NC_PROTO_WIREGUARD), "wireguard");
	assert_string_equal(nc_sync_state_name(NC_SYNC_APPLYING), "applying");
	assert_string_equal(nc_link_status_name(NC_LINK_UNKNOWN), "unknown");
	assert_string_equal(nc_device_type_name(NC_DEVICE_EDGE), "edge");
	assert_string_equal(nc_status_name((enum nc_status) - 1), "unknown");
}

FX_MAIN("model_strings", test_strlist, test_id, test_serial, test_new_serial, test_name, test_ip,
	test_cidr, test_endpoint, test_ifname, test_wg_key, test_enum_names)
