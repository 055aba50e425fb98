/* SPDX-License-Identifier: MIT */
/*
 * The model's validators and enum names: every field kind accepted and
 * refused, each object validator naming the field at fault and quoting the
 * bad value safely.
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct str_case {
	const char *s;
	bool ok;
};

static void run_cases(const char *what, bool (*valid)(const char *), const struct str_case *c,
		      size_t n)
{
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

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("`%s' does not contain `%s'", haystack, needle);
}

/* ret must be NC_ERR_INVAL naming field, the message quoting `value'. */
static void assert_refused(int ret, const struct nc_errinfo *ei, const char *field,
			   const char *value)
{
	char quoted[128];

	if (ret != NC_ERR_INVAL)
		fail_msg("expected NC_ERR_INVAL for %s, got %d", field, ret);
	assert_int_equal(ei->code, NC_ERR_INVAL);
	assert_string_equal(ei->field, field);
	snprintf(quoted, sizeof(quoted), "%s: ", field);
	assert_true(strncmp(ei->msg, quoted, strlen(quoted)) == 0);
	if (value) {
		snprintf(quoted, sizeof(quoted), "`%s'", value);
		assert_contains(ei->msg, quoted);
	}
}

/* String lists: membership, equality in order, copies. */
static void test_strlist(void **state)
{
	struct nc_strlist a = { 0 }, b = { 0 };

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
	assert_false(nc_valid_id(NULL));
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
	assert_false(nc_valid_serial(NULL));
}

/* A new device's serial has no '.': RabbitMQ would make it a topic level. */
static void test_new_serial(void **state)
{
	struct nc_errinfo ei = { 0 };

	(void)state;
	assert_int_equal(nc_new_serial_validate("CN-0001_b", &ei), 0);
	assert_int_equal(nc_new_serial_validate("cn_0001.b", &ei), NC_ERR_INVAL);
	assert_string_equal(ei.field, "serial");
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
	assert_false(nc_valid_name(NULL));
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
	assert_false(nc_valid_ip(NULL));
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
	assert_false(nc_valid_endpoint(NULL));
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
	assert_false(nc_valid_ifname(NULL));
}

#define KEY_OK "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="

static void test_wg_key(void **state)
{
	char b1[50], b2[50], b3[50];
	const struct str_case c[] = {
		{KEY_OK, true},
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
	assert_false(nc_valid_wg_key(NULL));
}

/* Fixtures: valid objects that each test breaks in one place. */

static void good_tenant(struct nc_tenant *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->id, "acme");
	strcpy(t->name, "Acme Corp");
}

static void good_token(struct nc_token *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->id, "tok-1");
	strcpy(t->name, "ci");
	t->role = NC_ROLE_OPERATOR;
	strcpy(t->tenant, "acme");
	t->expires_at = 1900000000;
}

static void good_edge(struct nc_edge *e)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->serial, "EDGE-1");
	strcpy(e->tenant, "acme");
	strcpy(e->name, "dc-1");
	e->kind = NC_EDGE_DEDICATED;
	strcpy(e->region, "eu-west");
	strcpy(e->endpoint, "192.0.2.1:51820");
	nc_strlist_add(&e->lan_subnets, "10.10.0.0/16");
	nc_strlist_add(&e->lan_subnets, "fd00:10::/64");
}

static void good_connector(struct nc_connector *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->serial, "CN-0001");
	strcpy(c->tenant, "acme");
	strcpy(c->name, "branch-1");
	strcpy(c->region, "eu-west");
	strcpy(c->hub_edge, "EDGE-1");
	nc_strlist_add(&c->lan_subnets, "192.168.10.0/24");
	nc_strlist_add(&c->lan_subnets, "192.168.11.0/24");
	c->nat_enabled = true;
	strcpy(c->wan_interface, "eth0");
	c->n_acl = 2;
	c->acl = nc_xcalloc(c->n_acl, sizeof(*c->acl));
	strcpy(c->acl[0].action, "drop");
	strcpy(c->acl[0].proto, "tcp");
	strcpy(c->acl[0].src, "0.0.0.0/0");
	strcpy(c->acl[0].dst, "192.168.10.5/32");
	c->acl[0].dport = 22;
	strcpy(c->acl[1].action, "accept");
	strcpy(c->acl[1].proto, "icmp");
	strcpy(c->acl[1].src, "::/0");
	strcpy(c->acl[1].dst, "fd00::1/64"); /* host bits allowed in ACLs */
	c->n_routes = 3;
	c->routes = nc_xcalloc(c->n_routes, sizeof(*c->routes));
	strcpy(c->routes[0].dst, "10.99.0.0/16");
	strcpy(c->routes[0].via, "192.168.10.1");
	strcpy(c->routes[1].dst, "fd99::/48");
	strcpy(c->routes[1].via, "fd00::1");
	strcpy(c->routes[2].dst, "0.0.0.0/0");
	strcpy(c->routes[2].via, "192.168.10.254");
	c->status = NC_STATUS_ACTIVE;
	strcpy(c->public_key, KEY_OK);
}

static void good_peering(struct nc_peering *p)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->tenant, "acme");
	strcpy(p->name, "branches");
	p->topology = NC_TOPO_HUB_SPOKE;
	p->protocol = NC_PROTO_WIREGUARD;
	strcpy(p->hub, "EDGE-1");
}

static void test_tenant_validate(void **state)
{
	struct nc_tenant t;
	struct nc_errinfo ei;

	(void)state;
	good_tenant(&t);
	assert_int_equal(nc_tenant_validate(&t, &ei), 0);

	strcpy(t.id, "Acme");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "id", "Acme");
	good_tenant(&t);
	t.id[0] = '\0';
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "id", NULL);
	assert_contains(ei.msg, "required");
	good_tenant(&t);
	t.name[0] = '\0';
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	good_tenant(&t);
	strcpy(t.name, "Acme\x7f");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", "Acme\\x7f");
	/* A NULL errinfo is allowed: only the code comes back. */
	assert_int_equal(nc_tenant_validate(&t, NULL), NC_ERR_INVAL);
}

static void test_token_validate(void **state)
{
	struct nc_token t;
	struct nc_errinfo ei;

	(void)state;
	good_token(&t);
	assert_int_equal(nc_token_validate(&t, &ei), 0);
	t.tenant[0] = '\0'; /* a global token */
	t.expires_at = 0;   /* never expires */
	strcpy(t.hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	t.role = NC_ROLE_ADMIN;
	assert_int_equal(nc_token_validate(&t, &ei), 0);

	good_token(&t);
	strcpy(t.id, "tok_1");
	assert_refused(nc_token_validate(&t, &ei), &ei, "id", "tok_1");
	good_token(&t);
	strcpy(t.name, "ci\r\n");
	assert_refused(nc_token_validate(&t, &ei), &ei, "name", "ci\\x0d\\x0a");
	good_token(&t);
	t.role = (enum nc_role)4;
	assert_refused(nc_token_validate(&t, &ei), &ei, "role", NULL);
	assert_contains(ei.msg, "4");
	t.role = (enum nc_role) - 1;
	assert_refused(nc_token_validate(&t, &ei), &ei, "role", NULL);
	good_token(&t);
	strcpy(t.tenant, "ACME");
	assert_refused(nc_token_validate(&t, &ei), &ei, "tenant", "ACME");
	good_token(&t);
	strcpy(t.hash, "E3B0");
	assert_refused(nc_token_validate(&t, &ei), &ei, "hash", "E3B0");
	good_token(&t);
	t.expires_at = -5;
	assert_refused(nc_token_validate(&t, &ei), &ei, "expires_at", NULL);
	assert_contains(ei.msg, "-5");
}

static void test_edge_validate(void **state)
{
	struct nc_edge e;
	struct nc_errinfo ei;

	(void)state;
	good_edge(&e);
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	e.region[0] = '\0'; /* region is optional */
	e.kind = NC_EDGE_MTGE;
	strcpy(e.endpoint, "[2001:db8::1]:51820");
	strcpy(e.public_key, KEY_OK);
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	nc_strlist_clear(&e.lan_subnets); /* no subnets at all is fine */
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	nc_edge_clear(&e);

	good_edge(&e);
	strcpy(e.serial, "EDGE 1");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "serial", "EDGE 1");
	nc_edge_clear(&e);

	good_edge(&e);
	e.tenant[0] = '\0';
	assert_refused(nc_edge_validate(&e, &ei), &ei, "tenant", NULL);
	nc_edge_clear(&e);

	good_edge(&e);
	strcpy(e.name, "dc\t1");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "name", "dc\\x091");
	nc_edge_clear(&e);

	good_edge(&e);
	e.kind = (enum nc_edge_kind)2;
	assert_refused(nc_edge_validate(&e, &ei), &ei, "kind", NULL);
	nc_edge_clear(&e);

	good_edge(&e);
	strcpy(e.region, "eu\nwest");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "region", "eu\\x0awest");
	nc_edge_clear(&e);

	good_edge(&e);
	e.endpoint[0] = '\0';
	assert_refused(nc_edge_validate(&e, &ei), &ei, "endpoint", NULL);
	assert_contains(ei.msg, "required");
	strcpy(e.endpoint, "192.0.2.1:0");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "endpoint", "192.0.2.1:0");
	nc_edge_clear(&e);

	good_edge(&e);
	nc_strlist_add(&e.lan_subnets, "10.0.0.0/33");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[2]", "10.0.0.0/33");
	assert_string_equal(ei.msg, "lan_subnets[2]: `10.0.0.0/33' is not an IPv4 or IPv6 prefix");
	nc_edge_clear(&e);

	good_edge(&e);
	free(e.lan_subnets.v[0]);
	e.lan_subnets.v[0] = nc_xstrdup("10.10.0.1/16");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[0]", "10.10.0.1/16");
	assert_contains(ei.msg, "`10.10.0.0/16'"); /* the subnet probably meant */
	nc_edge_clear(&e);

	good_edge(&e);
	nc_strlist_add(&e.lan_subnets, "fd00:10:0::/64"); /* the same as [1], spelt longer */
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[2]", "fd00:10:0::/64");
	assert_contains(ei.msg, "lan_subnets[1]");
	nc_edge_clear(&e);

	good_edge(&e);
	nc_strlist_add(&e.lan_subnets, "10.10.0.0/17"); /* overlapping is not a duplicate */
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	nc_edge_clear(&e);

	good_edge(&e);
	strcpy(e.public_key, "not a key");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "public_key", "not a key");
	nc_edge_clear(&e);
}

static void test_connector_validate(void **state)
{
	struct nc_connector c;
	struct nc_errinfo ei;

	(void)state;
	good_connector(&c);
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	c.hub_edge[0] = '\0'; /* standalone */
	c.nat_enabled = false;
	c.wan_interface[0] = '\0';
	c.public_key[0] = '\0';
	c.status = NC_STATUS_DECOMMISSIONED;
	c.region[0] = '\0';
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	nc_connector_clear(&c);
	nc_connector_clear(&c); /* clearing twice is fine */

	good_connector(&c);
	strcpy(c.serial, "-CN");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "serial", "-CN");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.tenant, "a.b");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "tenant", "a.b");
	nc_connector_clear(&c);

	good_connector(&c);
	c.name[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "name", NULL);
	nc_connector_clear(&c);

	/* An endpoint is optional, and validated as an edge's. */
	good_connector(&c);
	strcpy(c.endpoint, "[2001:db8::7]:51822");
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	strcpy(c.endpoint, "198.51.100.7");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "endpoint", "198.51.100.7");
	strcpy(c.endpoint, "198.51.100.7:0");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "endpoint", "198.51.100.7:0");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.hub_edge, "EDGE/1");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "hub_edge", "EDGE/1");
	strcpy(c.hub_edge, c.serial);
	assert_refused(nc_connector_validate(&c, &ei), &ei, "hub_edge", "CN-0001");
	nc_connector_clear(&c);

	good_connector(&c);
	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "lan_subnets[2]", "192.168.10.0/24");
	assert_contains(ei.msg, "lan_subnets[0]");
	nc_connector_clear(&c);

	good_connector(&c);
	free(c.lan_subnets.v[1]);
	c.lan_subnets.v[1] = NULL;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "lan_subnets[1]", NULL);
	nc_connector_clear(&c);

	good_connector(&c);
	c.wan_interface[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", NULL);
	strcpy(c.wan_interface, "eth 0");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", "eth 0");
	c.nat_enabled = false; /* still checked when set */
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", "eth 0");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.acl[1].action, "allow");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[1].action", "allow");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.acl[0].proto, "sctp");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].proto", "sctp");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.acl[0].src, "0.0.0.0/33");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].src", "0.0.0.0/33");
	nc_connector_clear(&c);

	good_connector(&c);
	c.acl[0].dst[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dst", NULL);
	strcpy(c.acl[0].dst, "fd00::/8");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dst", "fd00::/8");
	assert_contains(ei.msg, "`0.0.0.0/0'");
	nc_connector_clear(&c);

	good_connector(&c);
	c.acl[0].dport = 65536;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dport", NULL);
	assert_contains(ei.msg, "65536");
	c.acl[0].dport = -1;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dport", NULL);
	c.acl[0].dport = 65535;
	strcpy(c.acl[0].proto, "udp");
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	c.acl[1].dport = 53; /* icmp has no ports */
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[1].dport", "icmp");
	strcpy(c.acl[1].proto, "any");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[1].dport", "any");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.routes[2].dst, "10.99.0.1/16");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].dst", "10.99.0.1/16");
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.routes[2].via, "192.168.10.0/24");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", "192.168.10.0/24");
	c.routes[2].via[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", NULL);
	strcpy(c.routes[2].via, "fd00::1");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", "fd00::1");
	assert_contains(ei.msg, "`0.0.0.0/0'");
	nc_connector_clear(&c);

	good_connector(&c);
	c.status = (enum nc_status)6;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "status", NULL);
	nc_connector_clear(&c);

	good_connector(&c);
	strcpy(c.public_key, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "public_key",
		       "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=");
	nc_connector_clear(&c);
}

static void test_peering_validate(void **state)
{
	struct nc_peering p;
	struct nc_errinfo ei;
	static const char *const good_names[] = {"branches", "b", "eu-west_1.v2", "9"};
	static const char *const bad_names[] = {"..",	".",	       "-x",  "my peering", "a/b",
						"a%2f", "caf\xc3\xa9", "a?b", "a#b"};

	(void)state;
	good_peering(&p);
	assert_int_equal(nc_peering_validate(&p, &ei), 0);
	p.topology = NC_TOPO_MESH;
	p.hub[0] = '\0';
	p.protocol = NC_PROTO_IPSEC;
	p.dual_tunnel = true;
	assert_int_equal(nc_peering_validate(&p, &ei), 0);
	p.topology = NC_TOPO_PARTIAL_MESH;
	assert_int_equal(nc_peering_validate(&p, &ei), 0);

	for (size_t i = 0; i < COUNT(good_names); i++) {
		good_peering(&p);
		strcpy(p.name, good_names[i]);
		if (nc_peering_validate(&p, &ei) != 0)
			fail_msg("peering name `%s' refused: %s", good_names[i], ei.msg);
	}
	for (size_t i = 0; i < COUNT(bad_names); i++) {
		good_peering(&p);
		strcpy(p.name, bad_names[i]);
		assert_refused(nc_peering_validate(&p, &ei), &ei, "name", bad_names[i]);
	}
	/* A free-form name is fine for an edge but not for a peering. */
	good_peering(&p);
	strcpy(p.name, "Acme Corp");
	assert_true(nc_valid_name(p.name));
	assert_refused(nc_peering_validate(&p, &ei), &ei, "name", "Acme Corp");

	good_peering(&p);
	strcpy(p.tenant, "");
	assert_refused(nc_peering_validate(&p, &ei), &ei, "tenant", NULL);

	good_peering(&p);
	p.topology = (enum nc_topology)3;
	assert_refused(nc_peering_validate(&p, &ei), &ei, "topology", NULL);
	good_peering(&p);
	p.protocol = (enum nc_protocol)2;
	assert_refused(nc_peering_validate(&p, &ei), &ei, "protocol", NULL);

	good_peering(&p);
	p.hub[0] = '\0';
	assert_refused(nc_peering_validate(&p, &ei), &ei, "hub", NULL);
	assert_contains(ei.msg, "hub_spoke");
	strcpy(p.hub, "EDGE 1");
	assert_refused(nc_peering_validate(&p, &ei), &ei, "hub", "EDGE 1");
	good_peering(&p);
	p.topology = NC_TOPO_MESH;
	assert_refused(nc_peering_validate(&p, &ei), &ei, "hub", "EDGE-1");
	p.topology = NC_TOPO_PARTIAL_MESH;
	assert_refused(nc_peering_validate(&p, &ei), &ei, "hub", "EDGE-1");
}

static void assert_no_controls(const char *s)
{
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if (*u < 0x20 || *u == 0x7f)
			fail_msg("control byte 0x%02x in `%s'", *u, s);
	}
}

static void test_quote_escapes(void **state)
{
	struct nc_tenant t;
	struct nc_edge e;
	struct nc_errinfo ei;

	(void)state;
	/* A terminal escape sequence comes back inert. */
	good_tenant(&t);
	strcpy(t.name, "evil\x1b]0;pwned\x07\x1b[2J");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	assert_contains(ei.msg, "`evil\\x1b]0;pwned\\x07\\x1b[2J'");
	assert_no_controls(ei.msg);

	/* C1 CSI, bidi override and malformed UTF-8 are escaped byte by byte;
	 * good UTF-8 and backslashes (doubled) survive. */
	good_tenant(&t);
	strcpy(t.name, "caf\xc3\xa9 \xc2\x9b \xe2\x80\xae \xff a\\b");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	assert_contains(ei.msg, "`caf\xc3\xa9 \\xc2\\x9b \\xe2\\x80\\xae \\xff a\\\\b'");

	/* Long values are cut with "...". */
	good_tenant(&t);
	memset(t.name, '\x01', sizeof(t.name) - 1);
	t.name[sizeof(t.name) - 1] = '\0';
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	assert_contains(ei.msg, "\\x01\\x01...'");
	assert_true(strlen(ei.msg) < sizeof(ei.msg) - 1); /* not cut by nc_fail */
	assert_contains(ei.msg, "control characters)");
	assert_no_controls(ei.msg);

	/* A buffer without its NUL is refused, read no further than the buffer. */
	good_edge(&e);
	memset(e.serial, 'S', sizeof(e.serial));
	assert_refused(nc_edge_validate(&e, &ei), &ei, "serial", NULL);
	assert_contains(ei.msg, "longer than 63 bytes");
	assert_contains(ei.msg, "SSS...'");
	nc_edge_clear(&e);

	good_edge(&e);
	memset(e.endpoint, 'h', sizeof(e.endpoint) - 1);
	e.endpoint[sizeof(e.endpoint) - 1] = '\0';
	assert_refused(nc_edge_validate(&e, &ei), &ei, "endpoint", NULL);
	assert_contains(ei.msg, "hhh...'");
	nc_edge_clear(&e);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_new_serial),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_endpoint),
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_wg_key),
		cmocka_unit_test(test_tenant_validate),
		cmocka_unit_test(test_token_validate),
		cmocka_unit_test(test_edge_validate),
		cmocka_unit_test(test_connector_validate),
		cmocka_unit_test(test_peering_validate),
		cmocka_unit_test(test_quote_escapes),
		cmocka_unit_test(test_enum_names),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
