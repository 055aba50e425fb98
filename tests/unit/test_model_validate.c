/* SPDX-License-Identifier: MIT */
/*
 * The model's object validators: each names the field at fault and quotes
 * the bad value safely, escaping what a terminal would act on.
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
		fx_assert_contains(ei->msg, quoted);
	}
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

/* e zeroed, or holding what these functions put there. */
static void good_edge(struct nc_edge *e)
{
	nc_edge_clear(e);
	strcpy(e->serial, "EDGE-1");
	strcpy(e->tenant, "acme");
	strcpy(e->name, "dc-1");
	e->kind = NC_EDGE_DEDICATED;
	strcpy(e->region, "eu-west");
	strcpy(e->endpoint, "192.0.2.1:51820");
	nc_strlist_add(&e->lan_subnets, "10.10.0.0/16");
	nc_strlist_add(&e->lan_subnets, "fd00:10::/64");
}

/* e must be refused as assert_refused() says; then it is good again. */
static void edge_refused(struct nc_edge *e, struct nc_errinfo *ei, const char *field,
			 const char *value)
{
	assert_refused(nc_edge_validate(e, ei), ei, field, value);
	good_edge(e);
}

/* c zeroed, or holding what these functions put there. */
static void good_connector(struct nc_connector *c)
{
	nc_connector_clear(c);
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
	strcpy(c->public_key, FX_WG_KEY);
}

/* c must be refused as assert_refused() says; then it is good again. */
static void connector_refused(struct nc_connector *c, struct nc_errinfo *ei, const char *field,
			      const char *value)
{
	assert_refused(nc_connector_validate(c, ei), ei, field, value);
	good_connector(c);
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
	fx_assert_contains(ei.msg, "required");
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
	fx_assert_contains(ei.msg, "4");
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
	fx_assert_contains(ei.msg, "-5");
}

static void test_edge_validate(void **state)
{
	struct nc_edge e = {0};
	struct nc_errinfo ei;

	(void)state;
	good_edge(&e);
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	e.region[0] = '\0'; /* region is optional */
	e.kind = NC_EDGE_MTGE;
	strcpy(e.endpoint, "[2001:db8::1]:51820");
	strcpy(e.public_key, FX_WG_KEY);
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	nc_strlist_clear(&e.lan_subnets); /* no subnets at all is fine */
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	good_edge(&e);

	strcpy(e.serial, "EDGE 1");
	edge_refused(&e, &ei, "serial", "EDGE 1");

	e.tenant[0] = '\0';
	edge_refused(&e, &ei, "tenant", NULL);

	strcpy(e.name, "dc\t1");
	edge_refused(&e, &ei, "name", "dc\\x091");

	e.kind = (enum nc_edge_kind)2;
	edge_refused(&e, &ei, "kind", NULL);

	strcpy(e.region, "eu\nwest");
	edge_refused(&e, &ei, "region", "eu\\x0awest");

	e.endpoint[0] = '\0';
	assert_refused(nc_edge_validate(&e, &ei), &ei, "endpoint", NULL);
	fx_assert_contains(ei.msg, "required");
	strcpy(e.endpoint, "192.0.2.1:0");
	edge_refused(&e, &ei, "endpoint", "192.0.2.1:0");

	nc_strlist_add(&e.lan_subnets, "10.0.0.0/33");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[2]", "10.0.0.0/33");
	assert_string_equal(ei.msg, "lan_subnets[2]: `10.0.0.0/33' is not an IPv4 or IPv6 prefix");
	good_edge(&e);

	free(e.lan_subnets.v[0]);
	e.lan_subnets.v[0] = nc_xstrdup("10.10.0.1/16");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[0]", "10.10.0.1/16");
	fx_assert_contains(ei.msg, "`10.10.0.0/16'"); /* the subnet probably meant */
	good_edge(&e);

	nc_strlist_add(&e.lan_subnets, "fd00:10:0::/64"); /* the same as [1], spelt longer */
	assert_refused(nc_edge_validate(&e, &ei), &ei, "lan_subnets[2]", "fd00:10:0::/64");
	fx_assert_contains(ei.msg, "lan_subnets[1]");
	good_edge(&e);

	nc_strlist_add(&e.lan_subnets, "10.10.0.0/17"); /* overlapping is not a duplicate */
	assert_int_equal(nc_edge_validate(&e, &ei), 0);
	good_edge(&e);

	strcpy(e.public_key, "not a key");
	assert_refused(nc_edge_validate(&e, &ei), &ei, "public_key", "not a key");
	nc_edge_clear(&e);
}

static void test_connector_validate(void **state)
{
	struct nc_connector c = {0};
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
	connector_refused(&c, &ei, "serial", "-CN");

	strcpy(c.tenant, "a.b");
	connector_refused(&c, &ei, "tenant", "a.b");

	c.name[0] = '\0';
	connector_refused(&c, &ei, "name", NULL);

	/* An endpoint is optional, and validated as an edge's. */
	strcpy(c.endpoint, "[2001:db8::7]:51822");
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	strcpy(c.endpoint, "198.51.100.7");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "endpoint", "198.51.100.7");
	strcpy(c.endpoint, "198.51.100.7:0");
	connector_refused(&c, &ei, "endpoint", "198.51.100.7:0");

	strcpy(c.hub_edge, "EDGE/1");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "hub_edge", "EDGE/1");
	strcpy(c.hub_edge, c.serial);
	connector_refused(&c, &ei, "hub_edge", "CN-0001");

	nc_strlist_add(&c.lan_subnets, "192.168.10.0/24");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "lan_subnets[2]", "192.168.10.0/24");
	fx_assert_contains(ei.msg, "lan_subnets[0]");
	good_connector(&c);

	free(c.lan_subnets.v[1]);
	c.lan_subnets.v[1] = NULL;
	connector_refused(&c, &ei, "lan_subnets[1]", NULL);

	c.wan_interface[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", NULL);
	strcpy(c.wan_interface, "eth 0");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", "eth 0");
	c.nat_enabled = false; /* still checked when set */
	assert_refused(nc_connector_validate(&c, &ei), &ei, "nat.wan_interface", "eth 0");
	nc_connector_clear(&c);
}

/* A connector's ACL rules, routes, status and key. */
static void test_connector_validate_rules(void **state)
{
	struct nc_connector c = {0};
	struct nc_errinfo ei;

	(void)state;
	good_connector(&c);
	strcpy(c.acl[1].action, "allow");
	connector_refused(&c, &ei, "acl[1].action", "allow");

	strcpy(c.acl[0].proto, "sctp");
	connector_refused(&c, &ei, "acl[0].proto", "sctp");

	strcpy(c.acl[0].src, "0.0.0.0/33");
	connector_refused(&c, &ei, "acl[0].src", "0.0.0.0/33");

	c.acl[0].dst[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dst", NULL);
	strcpy(c.acl[0].dst, "fd00::/8");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dst", "fd00::/8");
	fx_assert_contains(ei.msg, "`0.0.0.0/0'");
	good_connector(&c);

	c.acl[0].dport = 65536;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dport", NULL);
	fx_assert_contains(ei.msg, "65536");
	c.acl[0].dport = -1;
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[0].dport", NULL);
	c.acl[0].dport = 65535;
	strcpy(c.acl[0].proto, "udp");
	assert_int_equal(nc_connector_validate(&c, &ei), 0);
	c.acl[1].dport = 53; /* icmp has no ports */
	assert_refused(nc_connector_validate(&c, &ei), &ei, "acl[1].dport", "icmp");
	strcpy(c.acl[1].proto, "any");
	connector_refused(&c, &ei, "acl[1].dport", "any");

	strcpy(c.routes[2].dst, "10.99.0.1/16");
	connector_refused(&c, &ei, "routes[2].dst", "10.99.0.1/16");

	strcpy(c.routes[2].via, "192.168.10.0/24");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", "192.168.10.0/24");
	c.routes[2].via[0] = '\0';
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", NULL);
	strcpy(c.routes[2].via, "fd00::1");
	assert_refused(nc_connector_validate(&c, &ei), &ei, "routes[2].via", "fd00::1");
	fx_assert_contains(ei.msg, "`0.0.0.0/0'");
	good_connector(&c);

	c.status = (enum nc_status)6;
	connector_refused(&c, &ei, "status", NULL);

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
	fx_assert_contains(ei.msg, "hub_spoke");
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
	struct nc_edge e = {0};
	struct nc_errinfo ei;

	(void)state;
	/* A terminal escape sequence comes back inert. */
	good_tenant(&t);
	strcpy(t.name, "evil\x1b]0;pwned\x07\x1b[2J");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	fx_assert_contains(ei.msg, "`evil\\x1b]0;pwned\\x07\\x1b[2J'");
	assert_no_controls(ei.msg);

	/* C1 CSI, bidi override and malformed UTF-8 are escaped byte by byte;
	 * good UTF-8 and backslashes (doubled) survive. */
	good_tenant(&t);
	strcpy(t.name, "caf\xc3\xa9 \xc2\x9b \xe2\x80\xae \xff a\\b");
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	fx_assert_contains(ei.msg, "`caf\xc3\xa9 \\xc2\\x9b \\xe2\\x80\\xae \\xff a\\\\b'");

	/* Long values are cut with "...". */
	good_tenant(&t);
	memset(t.name, '\x01', sizeof(t.name) - 1);
	t.name[sizeof(t.name) - 1] = '\0';
	assert_refused(nc_tenant_validate(&t, &ei), &ei, "name", NULL);
	fx_assert_contains(ei.msg, "\\x01\\x01...'");
	assert_true(strlen(ei.msg) < sizeof(ei.msg) - 1); /* not cut by nc_fail */
	fx_assert_contains(ei.msg, "control characters)");
	assert_no_controls(ei.msg);

	/* A buffer without its NUL is refused, read no further than the buffer. */
	good_edge(&e);
	memset(e.serial, 'S', sizeof(e.serial));
	assert_refused(nc_edge_validate(&e, &ei), &ei, "serial", NULL);
	fx_assert_contains(ei.msg, "longer than 63 bytes");
	fx_assert_contains(ei.msg, "SSS...'");
	good_edge(&e);

	memset(e.endpoint, 'h', sizeof(e.endpoint) - 1);
	e.endpoint[sizeof(e.endpoint) - 1] = '\0';
	assert_refused(nc_edge_validate(&e, &ei), &ei, "endpoint", NULL);
	fx_assert_contains(ei.msg, "hhh...'");
	nc_edge_clear(&e);
}

FX_MAIN("model_validate", test_tenant_validate, test_token_validate, test_edge_validate,
	test_connector_validate, test_connector_validate_rules, test_peering_validate,
	test_quote_escapes)
