/* SPDX-License-Identifier: MIT */
/*
 * Links of peering groups: their tunnels and IPSec SAs, the links a
 * topology derives (kept in step by nc_link_reconcile) and the hand-made
 * links of a partial mesh. IPSec keys are handled here and never put in a
 * message, an event or a log line.
 */
#include "peering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/crypto.h"
#include "../util/err.h"
#include "core.h"
#include "peering_impl.h"
#include "topology.h"

#define SPI_MIN	  0x100u /* 0-255 are reserved by IANA */
#define SPI_TRIES 64
#define KEY_BYTES 36 /* AES-256-GCM key + 4-byte salt: rfc4106(gcm(aes)) */

/* SPIs */

static size_t spi_slot(const struct nc_spiset *s, uint32_t spi)
{
	size_t i = (size_t)(spi * 2654435761u) & (s->cap - 1);

	while (s->v[i] && s->v[i] != spi)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static bool spi_seen(const struct nc_spiset *s, uint32_t spi)
{
	return s->cap && s->v[spi_slot(s, spi)] == spi;
}

/* Adds spi (not 0) to s, growing it at half full. 0 or NC_ERR_NOMEM. */
static int spi_keep(struct nc_spiset *s, uint32_t spi)
{
	if (2 * (s->n + 1) > s->cap) {
		struct nc_spiset g = {.cap = s->cap ? 2 * s->cap : 64};

		g.v = calloc(g.cap, sizeof(*g.v));
		if (!g.v)
			return NC_ERR_NOMEM;
		for (size_t i = 0; i < s->cap; i++) {
			if (s->v[i])
				g.v[spi_slot(&g, s->v[i])] = s->v[i];
		}
		g.n = s->n;
		free(s->v);
		*s = g;
	}
	if (s->v[spi_slot(s, spi)] != spi) {
		s->v[spi_slot(s, spi)] = spi;
		s->n++;
	}
	return 0;
}

/* A random SPI >= SPI_MIN that no link of the tenant holds and this operation has not used. */
static int new_spi(struct nc_peering_op *op, uint32_t *out)
{
	uint32_t spi = 0;
	int used = 1, ret = 0;

	for (int i = 0; i < SPI_TRIES && used && ret == 0; i++) {
		ret = nc_crypto_random(&spi, sizeof(spi));
		if (ret == 0 && spi >= SPI_MIN && !spi_seen(&op->spis, spi))
			ret = nc_store_spi_used(op->c->store, op->p.tenant, spi, &used);
	}
	if (ret == 0 && used)
		ret = NC_ERR_INTERNAL;
	if (ret == 0)
		ret = spi_keep(&op->spis, spi);
	if (ret < 0)
		nc_fail(op->ei, ret, NULL, "cannot choose an IPSec SPI: %s", nc_strerror(ret));
	else
		*out = spi;
	return ret;
}

/* Links */

/* Stores one tunnel of link a-b (a < b), with new SAs for an IPSec group. */
static int insert_tunnel(struct nc_peering_op *op, const char *a, const char *b, int tunnel_index)
{
	struct nc_link l = {.tunnel_index = tunnel_index, .status = NC_LINK_UNKNOWN};
	int ret = 0;

	snprintf(l.tenant, sizeof(l.tenant), "%s", op->p.tenant);
	snprintf(l.peering, sizeof(l.peering), "%s", op->p.name);
	snprintf(l.a, sizeof(l.a), "%s", a);
	snprintf(l.b, sizeof(l.b), "%s", b);
	if (op->p.protocol == NC_PROTO_IPSEC) {
		ret = new_spi(op, &l.spi_ab);
		if (ret == 0)
			ret = new_spi(op, &l.spi_ba);
		if (ret < 0)
			goto out;
		ret = nc_crypto_random_hex(KEY_BYTES, l.key_ab, sizeof(l.key_ab));
		if (ret == 0)
			ret = nc_crypto_random_hex(KEY_BYTES, l.key_ba, sizeof(l.key_ba));
		if (ret < 0) {
			nc_fail(op->ei, ret, NULL, "cannot make IPSec keys: %s", nc_strerror(ret));
			goto out;
		}
	}
	ret = nc_store_link_insert(op->c->store, &l);
	if (ret < 0)
		nc_fail(op->ei, ret, NULL, "cannot store link %s" NC_ARROW "%s (tunnel %d): %s", a,
			b, tunnel_index, nc_strerror(ret));
out:
	memset(l.key_ab, 0, sizeof(l.key_ab));
	memset(l.key_ba, 0, sizeof(l.key_ba));
	return ret;
}

/* Deletes every tunnel of link a-b (a < b); its SPIs, in have[0..n), are not reused. */
static int delete_pair(struct nc_peering_op *op, const struct nc_link *have, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++) {
		if (have[i].spi_ab)
			ret = spi_keep(&op->spis, have[i].spi_ab);
		if (ret == 0 && have[i].spi_ba)
			ret = spi_keep(&op->spis, have[i].spi_ba);
	}
	if (ret == 0)
		ret = nc_store_link_delete(op->c->store, op->p.tenant, op->p.name, have[0].a,
					   have[0].b);
	if (ret < 0)
		nc_fail(op->ei, ret, NULL, "cannot remove link %s" NC_ARROW "%s: %s", have[0].a,
			have[0].b, nc_strerror(ret));
	return ret;
}

static int cmp_link(const void *x, const void *y)
{
	const struct nc_link *l = x, *r = y;
	struct nc_topo_link tl = {l->a, l->b, l->tunnel_index};
	struct nc_topo_link tr = {r->a, r->b, r->tunnel_index};

	return nc_topology_cmp(&tl, &tr);
}

static int cmp_pair(const char *a1, const char *b1, const char *a2, const char *b2)
{
	int d = strcmp(a1, a2);

	return d ? d : strcmp(b1, b2);
}

/*
 * The tunnels the hand-made links of a partial mesh should have: their
 * pairs, in have[0..nh) sorted, with the indexes dual_tunnel gives them.
 * a and b of *out borrow from m (sorted by serial).
 */
static int hand_made(struct nc_peering_op *op, const struct nc_link *have, size_t nh,
		     const struct nc_member *m, size_t nm, struct nc_topo_link **out, size_t *n)
{
	struct nc_topo_link *v = nh ? calloc(2 * nh, sizeof(*v)) : NULL;
	size_t k = 0;
	int ret = 0;

	if (nh && !v)
		ret = nc_fail(op->ei, NC_ERR_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < nh && ret == 0; i++) {
		const struct nc_member *x, *y;
		int idx[2];
		size_t t;

		if (i > 0 && cmp_pair(have[i - 1].a, have[i - 1].b, have[i].a, have[i].b) == 0)
			continue;
		x = nc_peering_member_find(m, nm, have[i].a);
		y = nc_peering_member_find(m, nm, have[i].b);
		if (!x || !y) {
			ret = nc_fail(op->ei, NC_ERR_INTERNAL, NULL,
				      "link %s" NC_ARROW "%s of %s joins a non-member", have[i].a,
				      have[i].b, op->p.name);
			break;
		}
		t = nc_topology_tunnels(op->p.dual_tunnel, x->type, y->type, idx);
		for (size_t j = 0; j < t; j++)
			v[k++] = (struct nc_topo_link){x->serial, y->serial, idx[j]};
	}
	if (ret < 0) {
		free(v);
		v = NULL;
		k = 0;
	}
	*out = v;
	*n = k;
	return ret;
}

/* Brings the tunnels of one pair from have[0..nh) to the index set `want` (bit i = index i). */
static int fix_pair(struct nc_peering_op *op, const char *a, const char *b,
		    const struct nc_link *have, size_t nh, unsigned want, bool regen)
{
	unsigned has = 0, keep, missing;
	int ret = 0;

	for (size_t i = 0; i < nh; i++)
		has |= 1u << have[i].tunnel_index;
	keep = regen ? 0 : has & want;
	missing = want & ~keep;
	/* The store deletes a pair whole: drop it and put back what stays. */
	if (has & ~keep) {
		ret = delete_pair(op, have, nh);
		for (size_t i = 0; i < nh && ret == 0; i++) {
			if (!(keep & (1u << have[i].tunnel_index)))
				continue;
			ret = nc_store_link_insert(op->c->store, &have[i]);
			if (ret < 0)
				nc_fail(op->ei, ret, NULL, "cannot store link %s" NC_ARROW "%s: %s",
					a, b, nc_strerror(ret));
		}
	}
	for (int i = 0; i < 2 && ret == 0; i++) {
		if (missing & (1u << i))
			ret = insert_tunnel(op, a, b, i);
	}
	return ret;
}

int nc_link_reconcile(struct nc_peering_op *op, const struct nc_member *m, size_t nm,
		      const char *focus, bool regen, struct nc_topo_link **added, size_t *n_added)
{
	struct nc_link *have = NULL;
	struct nc_topo_link *want = NULL, *add = NULL;
	size_t nh = 0, nw = 0, na = 0, i = 0, j = 0;
	int ret = focus ? nc_store_link_list_of(op->c->store, op->p.tenant, op->p.name, focus,
						&have, &nh)
			: nc_store_link_list(op->c->store, op->p.tenant, op->p.name, &have, &nh);

	if (ret < 0) {
		nc_fail(op->ei, ret, NULL, "cannot list the links of %s: %s", op->p.name,
			nc_strerror(ret));
		goto out;
	}
	if (nh > 1)
		qsort(have, nh, sizeof(*have), cmp_link);
	if (op->p.topology == NC_TOPO_PARTIAL_MESH) {
		ret = hand_made(op, have, nh, m, nm, &want, &nw);
	} else {
		ret = nc_topology_links_of(op->p.topology, op->p.hub, op->p.dual_tunnel, m, nm,
					   focus, &want, &nw);
		if (ret < 0)
			nc_fail(op->ei, ret, NULL, "cannot derive the links of %s: %s", op->p.name,
				nc_strerror(ret));
	}
	if (ret == 0 && added && nw) {
		add = calloc(nw, sizeof(*add));
		if (!add)
			ret = nc_fail(op->ei, NC_ERR_NOMEM, NULL, "out of memory");
	}
	/* Both lists are sorted by pair: walk them together, one pair at a time. */
	while (ret == 0 && (i < nh || j < nw)) {
		size_t i0 = i, j0 = j;
		unsigned want_mask = 0;
		int d = i == nh	  ? 1
			: j == nw ? -1
				  : cmp_pair(have[i].a, have[i].b, want[j].a, want[j].b);
		const char *a = d <= 0 ? have[i].a : want[j].a;
		const char *b = d <= 0 ? have[i].b : want[j].b;

		while (d <= 0 && i < nh && cmp_pair(have[i].a, have[i].b, a, b) == 0)
			i++;
		while (d >= 0 && j < nw && cmp_pair(want[j].a, want[j].b, a, b) == 0)
			want_mask |= 1u << want[j++].tunnel_index;
		if (d > 0 && add)
			add[na++] = want[j0];
		ret = fix_pair(op, a, b, have + i0, i - i0, want_mask, regen);
	}
out:
	if (ret == 0 && added) {
		*added = add;
		*n_added = na;
		add = NULL;
	}
	free(add);
	free(want);
	free(have);
	return ret;
}

static int hand_made_only(struct nc_peering_op *op)
{
	if (op->p.topology == NC_TOPO_PARTIAL_MESH)
		return 0;
	return nc_fail(op->ei, NC_ERR_CONFLICT, NULL,
		       "links of a %s group follow its members; links are added by hand only "
		       "in partial_mesh groups",
		       op->p.topology == NC_TOPO_MESH ? "mesh" : "hub_spoke");
}

/*
 * A hand-made link joins two members in service: an end that is not a
 * member (404 when it is no device of the tenant), or a connector pending
 * approval or decommissioned, is refused with CONFLICT naming it.
 */
static int check_end(struct nc_peering_op *op, const struct nc_member *m, size_t nm,
		     const char *serial, const char *field)
{
	struct nc_connector con = {0};
	enum nc_device_type type;
	int ret = nc_store_device_lookup(op->c->store, op->p.tenant, serial, &type, NULL);

	if (ret == NC_ERR_NOTFOUND)
		return nc_fail(op->ei, ret, field, "device `%s' not found", serial);
	if (ret < 0)
		return nc_fail(op->ei, ret, field, "cannot look up `%s': %s", serial,
			       nc_strerror(ret));
	if (!nc_peering_member_find(m, nm, serial))
		return nc_fail(op->ei, NC_ERR_CONFLICT, field,
			       "%s is not a member of %s: add it to the group first", serial,
			       op->p.name);
	if (type != NC_DEVICE_CONNECTOR)
		return 0;
	ret = nc_store_connector_get(op->c->store, op->p.tenant, serial, &con);
	if (ret < 0)
		nc_fail(op->ei, ret, field, "cannot read connector `%s': %s", serial,
			nc_strerror(ret));
	else if (con.status == NC_STATUS_PENDING_APPROVAL)
		ret = nc_fail(op->ei, NC_ERR_CONFLICT, field,
			      "%s is a member of %s but pending approval: approve it before "
			      "linking it",
			      serial, op->p.name);
	else if (con.status == NC_STATUS_DECOMMISSIONED)
		ret = nc_fail(op->ei, NC_ERR_CONFLICT, field,
			      "%s is decommissioned: it cannot be linked", serial);
	nc_connector_clear(&con);
	return ret;
}

int nc_core_link_add(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
		     const char *peering, const char *a, const char *b, struct nc_errinfo *ei)
{
	struct nc_member *m = NULL;
	struct nc_link *l = NULL;
	const struct nc_member *x = NULL, *y = NULL;
	size_t nm = 0, nl = 0, t;
	int idx[2];
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, peering, ei);

	if (ret < 0)
		return ret;
	ret = hand_made_only(&op);
	if (ret == 0 && strcmp(a, b) == 0)
		ret = nc_fail(ei, NC_ERR_INVAL, "b",
			      "a link joins two different members, not %s "
			      "to itself",
			      a);
	if (ret == 0)
		ret = nc_peering_members(&op, &m, &nm);
	if (ret == 0)
		ret = check_end(&op, m, nm, a, "a");
	if (ret == 0)
		ret = check_end(&op, m, nm, b, "b");
	if (ret < 0)
		goto out;
	x = nc_peering_member_find(m, nm, a);
	y = nc_peering_member_find(m, nm, b);
	if (strcmp(a, b) > 0) {
		const struct nc_member *s = x;

		x = y;
		y = s;
	}
	ret = nc_store_link_list(c->store, op.p.tenant, op.p.name, &l, &nl);
	if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot list the links of %s: %s", op.p.name,
			nc_strerror(ret));
	for (size_t i = 0; i < nl && ret == 0; i++) {
		if (strcmp(l[i].a, x->serial) == 0 && strcmp(l[i].b, y->serial) == 0)
			ret = nc_fail(ei, NC_ERR_EXISTS, NULL,
				      "link %s" NC_ARROW "%s already exists in %s", a, b,
				      op.p.name);
	}
	t = nc_topology_tunnels(op.p.dual_tunnel, x->type, y->type, idx);
	for (size_t i = 0; i < t && ret == 0; i++)
		ret = insert_tunnel(&op, x->serial, y->serial, idx[i]);
	if (ret == 0)
		ret = nc_peering_op_dirty(&op, a, "link %s" NC_ARROW "%s added", a, b);
	if (ret == 0)
		ret = nc_peering_op_dirty(&op, b, "link %s" NC_ARROW "%s added", a, b);
out:
	free(l);
	free(m);
	return nc_peering_op_finish(&op, ret, actor, NULL, "add", "link");
}

int nc_core_link_remove(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			const char *peering, const char *a, const char *b, struct nc_errinfo *ei)
{
	bool swap = strcmp(a, b) > 0;
	struct nc_peering_op op;
	int ret = nc_peering_op_open(&op, c, tenant, peering, ei);

	if (ret < 0)
		return ret;
	ret = hand_made_only(&op);
	if (ret < 0)
		goto out;
	ret = nc_store_link_delete(c->store, op.p.tenant, op.p.name, swap ? b : a, swap ? a : b);
	if (ret == NC_ERR_NOTFOUND)
		nc_fail(ei, ret, NULL, "there is no link %s" NC_ARROW "%s in %s", a, b, op.p.name);
	else if (ret < 0)
		nc_fail(ei, ret, NULL, "cannot remove link %s" NC_ARROW "%s: %s", a, b,
			nc_strerror(ret));
	if (ret == 0)
		ret = nc_peering_op_dirty(&op, a, "link %s" NC_ARROW "%s removed", a, b);
	if (ret == 0)
		ret = nc_peering_op_dirty(&op, b, "link %s" NC_ARROW "%s removed", a, b);
out:
	return nc_peering_op_finish(&op, ret, actor, NULL, "remove", "link");
}
