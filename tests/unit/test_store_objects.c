/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, objects: every object's CRUD with its documented
 * errors, cascades, and arguments refused before any backend sees them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

static void new_peering(struct nc_store *st, const char *tenant, const char *name,
			enum nc_topology topo, const char *hub, int expect)
{
	struct nc_peering p = {.topology = topo, .protocol = NC_PROTO_WIREGUARD};

	snprintf(p.tenant, sizeof(p.tenant), "%s", tenant);
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.hub, sizeof(p.hub), "%s", hub ? hub : "");
	assert_int_equal(nc_store_peering_insert(st, &p), expect);
}

static void new_member(struct nc_store *st, const char *tenant, const char *peering,
		       const char *serial, int expect)
{
	struct nc_member m = {0};

	snprintf(m.tenant, sizeof(m.tenant), "%s", tenant);
	snprintf(m.peering, sizeof(m.peering), "%s", peering);
	snprintf(m.serial, sizeof(m.serial), "%s", serial);
	assert_int_equal(nc_store_member_insert(st, &m), expect);
}

static void new_link(struct nc_store *st, const char *tenant, const char *peering, const char *a,
		     const char *b, int tunnel, int expect)
{
	struct nc_link l = {.tunnel_index = tunnel};

	snprintf(l.tenant, sizeof(l.tenant), "%s", tenant);
	snprintf(l.peering, sizeof(l.peering), "%s", peering);
	snprintf(l.a, sizeof(l.a), "%s", a);
	snprintf(l.b, sizeof(l.b), "%s", b);
	assert_int_equal(nc_store_link_insert(st, &l), expect);
}

/* How many links peering of tenant has (tenant, peering) or serial is in (tenant NULL);
 * how many peerings serial is a member of. Each asserts its list succeeds. */
static size_t count_links(struct nc_store *st, const char *tenant, const char *peering,
			  const char *serial)
{
	struct nc_link *l = NULL;
	size_t n = 0;

	if (tenant)
		assert_int_equal(nc_store_link_list(st, tenant, peering, &l, &n), 0);
	else
		assert_int_equal(nc_store_link_list_by_device(st, serial, &l, &n), 0);
	free(l);
	return n;
}

static size_t count_memberships(struct nc_store *st, const char *serial)
{
	struct nc_member *m = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_member_list_by_device(st, serial, &m, &n), 0);
	free(m);
	return n;
}

static void test_tenants(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t = {.id = "acme", .name = "Again"};
	struct nc_tenant *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_tenant_insert(fx->st, &t), NC_ERR_EXISTS);
	assert_int_equal(nc_store_tenant_get(fx->st, "nobody", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_tenant_get(fx->st, "acme", &t), 0);
	assert_string_equal(t.name, "Tenant acme");
	assert_int_equal(nc_store_tenant_list(fx->st, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "acme");
	assert_string_equal(v[1].id, "globex");
	free(v);
}

static void test_tokens(void **state)
{
	struct fx *fx = *state;
	struct nc_token t = {.id = "tok-admin",
			     .name = "bootstrap",
			     .role = NC_ROLE_ADMIN,
			     .hash = "aa11",
			     .expires_at = 0};
	struct nc_token got, *v = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_token_insert(fx->st, &t), 0);
	t = (struct nc_token){.id = "tok-ci",
			      .name = "ci",
			      .role = NC_ROLE_OPERATOR,
			      .tenant = "acme",
			      .hash = "bb22",
			      .expires_at = 4102444800};
	assert_int_equal(nc_store_token_insert(fx->st, &t), 0);
	snprintf(t.id, sizeof(t.id), "tok-other");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_EXISTS); /* same hash */
	snprintf(t.hash, sizeof(t.hash), "cc33");
	snprintf(t.tenant, sizeof(t.tenant), "nobody");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_NOTFOUND);
	snprintf(t.id, sizeof(t.id), "tok-ci");
	snprintf(t.tenant, sizeof(t.tenant), "acme");
	assert_int_equal(nc_store_token_insert(fx->st, &t), NC_ERR_EXISTS); /* same id */

	assert_int_equal(nc_store_token_get_by_hash(fx->st, "bb22", &got), 0);
	assert_string_equal(got.id, "tok-ci");
	assert_string_equal(got.tenant, "acme");
	assert_int_equal(got.role, NC_ROLE_OPERATOR);
	assert_int_equal(got.expires_at, 4102444800);
	assert_false(got.revoked);
	assert_int_equal(nc_store_token_get(fx->st, "tok-admin", &got), 0);
	assert_string_equal(got.tenant, "");
	assert_int_equal(got.role, NC_ROLE_ADMIN);
	assert_true(got.created_at > 0);
	assert_int_equal(nc_store_token_get_by_hash(fx->st, "zz", &got), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_token_list(fx->st, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "tok-admin");
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "acme", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "tok-ci");
	free(v);
	assert_int_equal(nc_store_token_list(fx->st, "globex", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v);

	assert_int_equal(nc_store_token_revoke(fx->st, "tok-ci"), 0);
	assert_int_equal(nc_store_token_get(fx->st, "tok-ci", &got), 0);
	assert_true(got.revoked);
	assert_int_equal(nc_store_token_revoke(fx->st, "nope"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_token_count(fx->st, &n), 0);
	assert_int_equal(n, 2);
}

static void test_edges(void **state)
{
	struct fx *fx = *state;
	struct nc_edge e, *v = NULL;
	struct nc_edge_filter f = {.tenant = NULL, .kind = NC_EDGE_MTGE, .region = NULL};
	enum nc_device_type type;
	char owner[NC_ID_MAX];
	size_t n = 0;

	fx_new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	fx_new_edge(fx->st, "globex", "EDGE-1", NC_EDGE_DEDICATED, NC_ERR_EXISTS);
	fx_new_edge(fx->st, "nobody", "EDGE-9", NC_EDGE_DEDICATED, NC_ERR_NOTFOUND);
	fx_new_edge(fx->st, "globex", "MTGE-1", NC_EDGE_MTGE, 0);

	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.name, "edge EDGE-1");
	assert_int_equal(e.kind, NC_EDGE_DEDICATED);
	assert_string_equal(e.endpoint, "192.0.2.1:51820");
	assert_int_equal(e.lan_subnets.n, 1);
	assert_string_equal(e.lan_subnets.v[0], "10.10.0.0/16");
	assert_true(e.created_at > 0 && e.updated_at >= e.created_at);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_edge_get(fx->st, "globex", "EDGE-1", &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-1", &e), 0);
	nc_edge_clear(&e);

	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "MTGE-1", &type, owner), 0);
	assert_int_equal(type, NC_DEVICE_EDGE);
	assert_string_equal(owner, "globex");
	assert_int_equal(nc_store_device_lookup(fx->st, "acme", "MTGE-1", &type, owner),
			 NC_ERR_NOTFOUND);

	/* update: every field but the identity, key and times given by the device */
	e = (struct nc_edge){.serial = "EDGE-1",
			     .tenant = "acme",
			     .name = "dc-1",
			     .kind = NC_EDGE_MTGE,
			     .region = "us-east",
			     .endpoint = "192.0.2.9:51820",
			     .updated_at = 42};
	assert_int_equal(nc_store_device_touch(fx->st, "EDGE-1", "PUBKEY", 1000), 0);
	assert_int_equal(nc_store_edge_update(fx->st, &e), 0);
	snprintf(e.tenant, sizeof(e.tenant), "globex");
	assert_int_equal(nc_store_edge_update(fx->st, &e), NC_ERR_NOTFOUND);
	snprintf(e.serial, sizeof(e.serial), "EDGE-404");
	e.tenant[0] = '\0';
	assert_int_equal(nc_store_edge_update(fx->st, &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.name, "dc-1");
	assert_int_equal(e.kind, NC_EDGE_MTGE);
	assert_string_equal(e.region, "us-east");
	assert_int_equal(e.lan_subnets.n, 0);
	assert_string_equal(e.public_key, "PUBKEY");
	assert_int_equal(e.last_seen, 1000);
	assert_int_equal(e.updated_at, 42);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_device_touch(fx->st, "EDGE-1", NULL, 0), 0);
	assert_int_equal(nc_store_edge_get(fx->st, "acme", "EDGE-1", &e), 0);
	assert_string_equal(e.public_key, "PUBKEY");
	assert_int_equal(e.last_seen, 1000);
	nc_edge_clear(&e);
	assert_int_equal(nc_store_device_touch(fx->st, "NOPE", "K", 1), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_edge_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	nc_edge_array_free(v, n);
	f.tenant = "globex";
	assert_int_equal(nc_store_edge_list(fx->st, &f, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].serial, "MTGE-1");
	nc_edge_array_free(v, n);

	assert_int_equal(nc_store_edge_delete(fx->st, "globex", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "EDGE-1", &type, owner),
			 NC_ERR_NOTFOUND);
	/* the serial is free again, for either kind */
	fx_new_connector(fx->st, "globex", "EDGE-1", NULL, 0);
}

static void test_connectors(void **state)
{
	struct fx *fx = *state;
	struct nc_connector c;
	size_t counts[6];
	enum nc_device_type type;

	fx_new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	fx_new_edge(fx->st, "globex", "EDGE-G", NC_EDGE_MTGE, 0);
	fx_new_connector(fx->st, "acme", "CN-0001", "EDGE-1", 0);
	fx_new_connector(fx->st, "acme", "CN-0002", NULL, 0);
	fx_new_connector(fx->st, "acme", "EDGE-1", NULL, NC_ERR_EXISTS); /* an edge has it */
	fx_new_connector(fx->st, "globex", "CN-0001", NULL, NC_ERR_EXISTS);
	/* The store leaves the tenant of a hub to the core: an MTGE serves several. */
	fx_new_connector(fx->st, "acme", "CN-0009", "EDGE-G", 0);
	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0009"), 0);
	fx_new_connector(fx->st, "acme", "CN-0003", "EDGE-404", NC_ERR_NOTFOUND);
	fx_new_connector(fx->st, "acme", "CN-0003", "CN-0002", NC_ERR_NOTFOUND); /* not an edge */
	fx_new_connector(fx->st, "nobody", "CN-0003", NULL, NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-0003", &type, NULL),
			 NC_ERR_NOTFOUND);
	fx_new_edge(fx->st, "acme", "CN-0001", NC_EDGE_DEDICATED, NC_ERR_EXISTS);

	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-0001", &c), 0);
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_int_equal(c.status, NC_STATUS_PENDING_APPROVAL);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_connector_get(fx->st, "globex", "CN-0001", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "EDGE-1", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_delete(fx->st, "globex", "CN-0001"), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_delete(fx->st, NULL, "EDGE-1"), NC_ERR_NOTFOUND);

	/* update moves the hub, leaves the status */
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-0002", NC_STATUS_APPROVED), 0);
	assert_int_equal(nc_store_connector_set_status(fx->st, "CN-404", NC_STATUS_APPROVED),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, "acme", "CN-0002", &c), 0);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-1");
	snprintf(c.name, sizeof(c.name), "renamed");
	c.status = NC_STATUS_DECOMMISSIONED;
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	snprintf(c.hub_edge, sizeof(c.hub_edge), "EDGE-404");
	assert_int_equal(nc_store_connector_update(fx->st, &c), NC_ERR_NOTFOUND);
	nc_connector_clear(&c);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-0002", &c), 0);
	assert_string_equal(c.name, "renamed");
	assert_string_equal(c.hub_edge, "EDGE-1");
	assert_int_equal(c.status, NC_STATUS_APPROVED);
	nc_connector_clear(&c);

	assert_int_equal(nc_store_connector_count(fx->st, "acme", counts), 0);
	assert_int_equal(counts[NC_STATUS_PENDING_APPROVAL], 1);
	assert_int_equal(counts[NC_STATUS_APPROVED], 1);
	assert_int_equal(counts[NC_STATUS_ACTIVE], 0);
	assert_int_equal(nc_store_connector_count(fx->st, "globex", counts), 0);
	assert_int_equal(counts[NC_STATUS_PENDING_APPROVAL] + counts[NC_STATUS_APPROVED], 0);

	/* an edge that is a hub cannot go; once no connector names it, it can */
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0001"), 0);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-0002", &c), 0);
	c.hub_edge[0] = '\0';
	assert_int_equal(nc_store_connector_update(fx->st, &c), 0);
	nc_connector_clear(&c);
	new_peering(fx->st, "acme", "hubbed", NC_TOPO_HUB_SPOKE, "EDGE-1", 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "hubbed"), 0);
	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
}

/* Steps of test_peerings_members_links, in the order it takes them (defined after it). */
static void peerings_crud(struct fx *fx);
static void members_add_list(struct fx *fx);
static void peerings_delete_cascades(struct fx *fx);

/* Peerings with their members and links: CRUD, refusals, and what a delete takes along. */
static void test_peerings_members_links(void **state)
{
	struct fx *fx = *state;
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	struct nc_link ipsec = {.tenant = "acme",
				.peering = "mesh",
				.a = "CN-0002",
				.b = "EDGE-1",
				.spi_ab = 0x1001,
				.spi_ba = 0x1002,
				.key_ab = "00ff",
				.key_ba = "ff00"};
	size_t n = 0;
	int used = -1;

	fx_new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	fx_new_edge(fx->st, "acme", "EDGE-2", NC_EDGE_DEDICATED, 0);
	fx_new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	fx_new_connector(fx->st, "acme", "CN-0002", NULL, 0);
	fx_new_connector(fx->st, "globex", "CN-G", NULL, 0);

	peerings_crud(fx);
	members_add_list(fx);

	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-1", 0, 0);
	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-1", 0, NC_ERR_EXISTS);
	new_link(fx->st, "acme", "mesh", "EDGE-1", "CN-0001", 0, NC_ERR_INVAL);
	new_link(fx->st, "acme", "mesh", "EDGE-1", "EDGE-1", 0, NC_ERR_INVAL);
	new_link(fx->st, "acme", "mesh", "CN-0001", "EDGE-2", 0, NC_ERR_NOTFOUND);
	new_link(fx->st, "acme", "mesh", "CN-0001", "CN-0002", 2, NC_ERR_INVAL);
	assert_int_equal(nc_store_link_insert(fx->st, &ipsec), 0);
	ipsec.tunnel_index = 1;
	ipsec.spi_ab = 0x2001;
	ipsec.spi_ba = 0x2002;
	assert_int_equal(nc_store_link_insert(fx->st, &ipsec), 0);

	assert_int_equal(nc_store_link_list(fx->st, "acme", "mesh", &l, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].a, "CN-0001");
	assert_string_equal(l[1].a, "CN-0002");
	assert_int_equal(l[1].tunnel_index, 0);
	assert_int_equal(l[1].spi_ab, 0x1001);
	assert_string_equal(l[1].key_ba, "ff00");
	assert_int_equal(l[2].tunnel_index, 1);
	assert_int_equal(l[2].status, NC_LINK_UNKNOWN);
	free(l);
	assert_int_equal(count_links(fx->st, NULL, NULL, "EDGE-1"), 3);
	assert_int_equal(count_links(fx->st, NULL, NULL, "CN-0001"), 1);
	assert_int_equal(nc_store_member_list_by_device(fx->st, "EDGE-1", &m, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].peering, "mesh");
	free(m);

	assert_int_equal(nc_store_link_set_status(fx->st, "acme", "mesh", "CN-0002", "EDGE-1", 1,
						  NC_LINK_UP),
			 0);
	assert_int_equal(nc_store_link_set_status(fx->st, "acme", "mesh", "CN-0002", "EDGE-2", 1,
						  NC_LINK_UP),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_spi_used(fx->st, "acme", 0x2002, &used), 0);
	assert_int_equal(used, 1);
	assert_int_equal(nc_store_spi_used(fx->st, "globex", 0x2002, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(nc_store_spi_used(fx->st, NULL, 0x1001, &used), 0);
	assert_int_equal(used, 1);
	assert_int_equal(nc_store_spi_used(fx->st, NULL, 0x3003, &used), 0);
	assert_int_equal(used, 0);
	peerings_delete_cascades(fx);
}

/* Peering "mesh" in acme (partial mesh, then updated to IPSec with hub EDGE-2) and in globex. */
static void peerings_crud(struct fx *fx)
{
	struct nc_peering p;

	new_peering(fx->st, "acme", "mesh", NC_TOPO_PARTIAL_MESH, NULL, 0);
	new_peering(fx->st, "acme", "mesh", NC_TOPO_MESH, NULL, NC_ERR_EXISTS);
	new_peering(fx->st, "globex", "mesh", NC_TOPO_MESH, NULL, 0);
	new_peering(fx->st, "acme", "spokes", NC_TOPO_HUB_SPOKE, "CN-0001", NC_ERR_NOTFOUND);
	new_peering(fx->st, "nobody", "x", NC_TOPO_MESH, NULL, NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "mesh", &p), 0);
	assert_int_equal(p.topology, NC_TOPO_PARTIAL_MESH);
	assert_string_equal(p.hub, "");
	assert_int_equal(nc_store_peering_get(fx->st, NULL, "mesh", &p), NC_ERR_CONFLICT);
	assert_int_equal(nc_store_peering_get(fx->st, "globex", "nope", &p), NC_ERR_NOTFOUND);
	p = (struct nc_peering){.tenant = "acme",
				.name = "mesh",
				.topology = NC_TOPO_PARTIAL_MESH,
				.protocol = NC_PROTO_IPSEC,
				.dual_tunnel = true,
				.hub = "EDGE-2"};
	assert_int_equal(nc_store_peering_update(fx->st, &p), 0);
	assert_int_equal(nc_store_peering_get(fx->st, "acme", "mesh", &p), 0);
	assert_int_equal(p.protocol, NC_PROTO_IPSEC);
	assert_true(p.dual_tunnel);
	assert_string_equal(p.hub, "EDGE-2");
	snprintf(p.hub, sizeof(p.hub), "EDGE-404");
	assert_int_equal(nc_store_peering_update(fx->st, &p), NC_ERR_NOTFOUND);
	snprintf(p.tenant, sizeof(p.tenant), "globex");
	p.hub[0] = '\0';
	snprintf(p.name, sizeof(p.name), "absent");
	assert_int_equal(nc_store_peering_update(fx->st, &p), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_peering_delete(fx->st, NULL, "mesh"), NC_ERR_INVAL);
}

/* Members of acme's "mesh": EDGE-1, CN-0001, CN-0002; unknown devices and peerings refused. */
static void members_add_list(struct fx *fx)
{
	struct nc_member *m = NULL;
	size_t n = 0;

	new_member(fx->st, "acme", "mesh", "EDGE-1", 0);
	new_member(fx->st, "acme", "mesh", "CN-0001", 0);
	new_member(fx->st, "acme", "mesh", "CN-0002", 0);
	new_member(fx->st, "acme", "mesh", "CN-0002", NC_ERR_EXISTS);
	new_member(fx->st, "acme", "mesh", "CN-404", NC_ERR_NOTFOUND);
	new_member(fx->st, "acme", "mesh", "CN-G", NC_ERR_NOTFOUND); /* other tenant's */
	new_member(fx->st, "acme", "absent", "CN-0001", NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "mesh", &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].serial, "CN-0001");
	assert_int_equal(m[0].type, NC_DEVICE_CONNECTOR);
	assert_string_equal(m[2].serial, "EDGE-1");
	assert_int_equal(m[2].type, NC_DEVICE_EDGE);
	free(m);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "absent", &m, &n), 0);
	assert_int_equal(n, 0);
}

/* Deleting a link, a member or the peering takes what depends on it along. */
static void peerings_delete_cascades(struct fx *fx)
{
	struct nc_peering p;

	/* removing a link removes both tunnels */
	assert_int_equal(nc_store_link_delete(fx->st, "acme", "mesh", "CN-0002", "EDGE-1"), 0);
	assert_int_equal(nc_store_link_delete(fx->st, "acme", "mesh", "CN-0002", "EDGE-1"),
			 NC_ERR_NOTFOUND);
	assert_int_equal(count_links(fx->st, "acme", "mesh", NULL), 1);

	/* deleting a member removes its links */
	assert_int_equal(nc_store_member_delete(fx->st, "acme", "mesh", "EDGE-1"), 0);
	assert_int_equal(nc_store_member_delete(fx->st, "acme", "mesh", "EDGE-1"), NC_ERR_NOTFOUND);
	assert_int_equal(count_links(fx->st, "acme", "mesh", NULL), 0);

	/* deleting the peering removes members and links */
	new_member(fx->st, "acme", "mesh", "EDGE-1", 0);
	new_link(fx->st, "acme", "mesh", "CN-0001", "CN-0002", 0, 0);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "mesh"), 0);
	assert_int_equal(nc_store_peering_delete(fx->st, "acme", "mesh"), NC_ERR_NOTFOUND);
	assert_int_equal(count_memberships(fx->st, "CN-0001"), 0);
	assert_int_equal(count_links(fx->st, NULL, NULL, "CN-0001"), 0);
	assert_int_equal(nc_store_peering_get(fx->st, NULL, "mesh", &p), 0);
	assert_string_equal(p.tenant, "globex");
}

/* Deleting a device takes its memberships, links and sync state with it. */
static void test_device_delete_cascades(void **state)
{
	struct fx *fx = *state;
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	struct nc_sync s;
	size_t n = 0;

	fx_new_edge(fx->st, "acme", "EDGE-1", NC_EDGE_DEDICATED, 0);
	fx_new_edge(fx->st, "acme", "EDGE-2", NC_EDGE_DEDICATED, 0);
	fx_new_connector(fx->st, "acme", "CN-0001", NULL, 0);
	new_peering(fx->st, "acme", "p1", NC_TOPO_MESH, NULL, 0);
	new_peering(fx->st, "acme", "p2", NC_TOPO_PARTIAL_MESH, NULL, 0);
	new_member(fx->st, "acme", "p1", "EDGE-1", 0);
	new_member(fx->st, "acme", "p1", "EDGE-2", 0);
	new_member(fx->st, "acme", "p1", "CN-0001", 0);
	new_member(fx->st, "acme", "p2", "CN-0001", 0);
	new_member(fx->st, "acme", "p2", "EDGE-2", 0);
	new_link(fx->st, "acme", "p1", "CN-0001", "EDGE-1", 0, 0);
	new_link(fx->st, "acme", "p1", "CN-0001", "EDGE-2", 0, 0);
	new_link(fx->st, "acme", "p1", "EDGE-1", "EDGE-2", 0, 0);
	new_link(fx->st, "acme", "p1", "EDGE-1", "EDGE-2", 1, 0);
	new_link(fx->st, "acme", "p2", "CN-0001", "EDGE-2", 0, 0);
	fx_new_sync(fx->st, "CN-0001", "acme", NC_SYNC_PENDING, 1, 0);
	fx_new_sync(fx->st, "EDGE-1", "acme", NC_SYNC_PENDING, 1, 0);
	fx_new_sync(fx->st, "EDGE-1", "globex", NC_SYNC_SYNCED, 3, 0);

	assert_int_equal(nc_store_connector_delete(fx->st, "acme", "CN-0001"), 0);
	assert_int_equal(count_memberships(fx->st, "CN-0001"), 0);
	assert_int_equal(nc_store_link_list(fx->st, "acme", "p1", &l, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].a, "EDGE-1");
	free(l);
	assert_int_equal(count_links(fx->st, "acme", "p2", NULL), 0);
	assert_int_equal(nc_store_sync_get(fx->st, "CN-0001", "acme", &s), NC_ERR_NOTFOUND);

	assert_int_equal(nc_store_edge_delete(fx->st, "acme", "EDGE-1"), 0);
	assert_int_equal(count_links(fx->st, "acme", "p1", NULL), 0);
	assert_int_equal(nc_store_member_list(fx->st, "acme", "p1", &m, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].serial, "EDGE-2");
	free(m);
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", NULL, &s), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_sync_get(fx->st, "EDGE-1", "globex", &s), NC_ERR_NOTFOUND);
}

static void test_bad_arguments(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant *v = NULL;
	struct nc_member m = {.tenant = "", .peering = "p", .serial = "S"};
	struct nc_page pg;
	struct nc_connector *cv = NULL;
	size_t n = 0;

	assert_int_equal(nc_store_tenant_list(NULL, &v, &n), NC_ERR_INVAL);
	assert_int_equal(nc_store_tenant_list(fx->st, NULL, &n), NC_ERR_INVAL);
	assert_int_equal(nc_store_member_insert(fx->st, &m), NC_ERR_INVAL);
	assert_int_equal(nc_store_link_delete(fx->st, NULL, "p", "a", "b"), NC_ERR_INVAL);
	memset(&pg, 'x', sizeof(pg));
	pg.limit = 10;
	assert_int_equal(nc_store_connector_list(fx->st, NULL, &pg, &cv, &n), NC_ERR_INVAL);
	nc_store_close(NULL);
}

FX_MAIN_EACH("store_objects", fx_log_warnings, NULL, fx_setup_store, fx_teardown, test_tenants,
	     test_tokens, test_edges, test_connectors, test_peerings_members_links,
	     test_device_delete_cascades, test_bad_arguments)
