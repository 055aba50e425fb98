/* SPDX-License-Identifier: MIT */
/*
 * Peering groups, their members and links in the SQLite backend. Foreign
 * keys do the bookkeeping: a member needs its peering and a device of the
 * same tenant, a link needs both members, and deleting a peering, a member
 * or a device cascades to what hangs off it.
 */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../util/err.h"
#include "sqlite_impl.h"

/* Peerings */

#define PEERING_COLS "tenant, name, topology, protocol, dual_tunnel, hub, created_at, updated_at"

static void read_peering(struct nc_sqlite_q *q, void *item)
{
	struct nc_peering *p = item;
	char word[32];

	nc_sqlite_col_text(q, p->tenant, sizeof(p->tenant));
	nc_sqlite_col_text(q, p->name, sizeof(p->name));
	nc_sqlite_col_text(q, word, sizeof(word));
	if (nc_topology_parse(word, &p->topology) != 0)
		nc_sqlite_col_bad(q, "peerings.topology");
	nc_sqlite_col_text(q, word, sizeof(word));
	if (nc_protocol_parse(word, &p->protocol) != 0)
		nc_sqlite_col_bad(q, "peerings.protocol");
	p->dual_tunnel = nc_sqlite_col_int(q) != 0;
	nc_sqlite_col_text(q, p->hub, sizeof(p->hub));
	p->created_at = nc_sqlite_col_int(q);
	p->updated_at = nc_sqlite_col_int(q);
}

static const struct nc_sqlite_rows peering_rows = {
	.elem = sizeof(struct nc_peering),
	.read = read_peering,
	.max = SIZE_MAX,
};

int nc_sqlite_peering_insert(struct nc_store *st, const struct nc_peering *p)
{
	struct nc_sqlite_q q;
	int64_t created = nc_sqlite_time_or_now(p->created_at);

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO peerings (" PEERING_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, p->tenant);
	nc_sqlite_q_text(&q, p->name);
	nc_sqlite_q_text(&q, nc_topology_name(p->topology));
	nc_sqlite_q_text(&q, nc_protocol_name(p->protocol));
	nc_sqlite_q_int(&q, p->dual_tunnel);
	nc_sqlite_q_text_or_null(&q, p->hub);
	nc_sqlite_q_int(&q, created);
	nc_sqlite_q_int(&q, p->updated_at ? p->updated_at : created);
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_peering_update(struct nc_store *st, const struct nc_peering *p)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE peerings SET topology = ?, protocol = ?, dual_tunnel = ?,"
			  " hub = ?, updated_at = ? WHERE tenant = ? AND name = ?",
			  &q);
	nc_sqlite_q_text(&q, nc_topology_name(p->topology));
	nc_sqlite_q_text(&q, nc_protocol_name(p->protocol));
	nc_sqlite_q_int(&q, p->dual_tunnel);
	nc_sqlite_q_text_or_null(&q, p->hub);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(p->updated_at));
	nc_sqlite_q_text(&q, p->tenant);
	nc_sqlite_q_text(&q, p->name);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

/* With a NULL tenant the name may match in several tenants: reading two
 * rows tells an ambiguous name (NC_ERR_CONFLICT) from a unique one. */
int nc_sqlite_peering_get(struct nc_store *st, const char *tenant, const char *name,
			  struct nc_peering *out)
{
	struct nc_sqlite_q q;
	struct nc_peering p = {0};
	bool found = false, ambiguous = false;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " PEERING_COLS " FROM peerings"
			  " WHERE name = ?1 AND (?2 IS NULL OR tenant = ?2)"
			  " ORDER BY tenant LIMIT 2",
			  &q);
	nc_sqlite_q_text(&q, name);
	nc_sqlite_q_text(&q, tenant);
	if (nc_sqlite_q_step(&q) == 1) {
		found = true;
		read_peering(&q, &p);
		ambiguous = nc_sqlite_q_step(&q) == 1;
	}
	ret = nc_sqlite_q_end(&q);
	if (ret == 0 && !found)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0 && ambiguous)
		ret = NC_ERR_CONFLICT;
	if (ret == 0)
		*out = p;
	return ret;
}

int nc_sqlite_peering_delete(struct nc_store *st, const char *tenant, const char *name)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st), "DELETE FROM peerings WHERE tenant = ? AND name = ?",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, name);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_peering_list(struct nc_store *st, const char *tenant, struct nc_peering **out,
			   size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  tenant ? "SELECT " PEERING_COLS " FROM peerings WHERE tenant = ?"
				   " ORDER BY tenant, name"
				 : "SELECT " PEERING_COLS " FROM peerings ORDER BY tenant, name",
			  &q);
	if (tenant)
		nc_sqlite_q_text(&q, tenant);
	ret = nc_sqlite_rows(&q, &peering_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

/* Members: the type comes from the device. */

#define MEMBER_COLS                                                                                \
	"m.tenant, m.peering, m.serial, d.type FROM members m JOIN devices d ON d.serial = "       \
	"m.serial"

static void read_member(struct nc_sqlite_q *q, void *item)
{
	struct nc_member *m = item;
	char type[16];

	nc_sqlite_col_text(q, m->tenant, sizeof(m->tenant));
	nc_sqlite_col_text(q, m->peering, sizeof(m->peering));
	nc_sqlite_col_text(q, m->serial, sizeof(m->serial));
	nc_sqlite_col_text(q, type, sizeof(type));
	if (nc_device_type_parse(type, &m->type) != 0)
		nc_sqlite_col_bad(q, "devices.type");
}

static const struct nc_sqlite_rows member_rows = {
	.elem = sizeof(struct nc_member),
	.read = read_member,
	.max = SIZE_MAX,
};

int nc_sqlite_member_insert(struct nc_store *st, const struct nc_member *m)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO members (tenant, peering, serial) VALUES (?, ?, ?)", &q);
	nc_sqlite_q_text(&q, m->tenant);
	nc_sqlite_q_text(&q, m->peering);
	nc_sqlite_q_text(&q, m->serial);
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_member_delete(struct nc_store *st, const char *tenant, const char *peering,
			    const char *serial)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "DELETE FROM members WHERE tenant = ? AND peering = ? AND serial = ?",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, peering);
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_member_list(struct nc_store *st, const char *tenant, const char *peering,
			  struct nc_member **out, size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " MEMBER_COLS
			  " WHERE m.peering = ?1 AND (?2 IS NULL OR m.tenant = ?2)"
			  " ORDER BY m.tenant, m.serial",
			  &q);
	nc_sqlite_q_text(&q, peering);
	nc_sqlite_q_text(&q, tenant);
	ret = nc_sqlite_rows(&q, &member_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

int nc_sqlite_member_list_by_device(struct nc_store *st, const char *serial, struct nc_member **out,
				    size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " MEMBER_COLS " WHERE m.serial = ? ORDER BY m.tenant, m.peering",
			  &q);
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_rows(&q, &member_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

/* Links. The IPSec keys are read and written here and nowhere logged. */

#define LINK_COLS                                                                                  \
	"l.tenant, l.peering, l.a, l.b, l.tunnel_index, l.status, l.spi_ab, l.spi_ba,"             \
	" l.key_ab, l.key_ba"
#define LINK_ORDER " ORDER BY l.tenant, l.peering, l.a, l.b, l.tunnel_index"

static void read_link(struct nc_sqlite_q *q, void *item)
{
	struct nc_link *l = item;
	char status[16];

	nc_sqlite_col_text(q, l->tenant, sizeof(l->tenant));
	nc_sqlite_col_text(q, l->peering, sizeof(l->peering));
	nc_sqlite_col_text(q, l->a, sizeof(l->a));
	nc_sqlite_col_text(q, l->b, sizeof(l->b));
	l->tunnel_index = (int)nc_sqlite_col_int(q);
	nc_sqlite_col_text(q, status, sizeof(status));
	if (nc_link_status_parse(status, &l->status) != 0)
		nc_sqlite_col_bad(q, "links.status");
	l->spi_ab = (uint32_t)nc_sqlite_col_int(q);
	l->spi_ba = (uint32_t)nc_sqlite_col_int(q);
	nc_sqlite_col_secret(q, l->key_ab, sizeof(l->key_ab));
	nc_sqlite_col_secret(q, l->key_ba, sizeof(l->key_ba));
}

static const struct nc_sqlite_rows link_rows = {
	.elem = sizeof(struct nc_link),
	.read = read_link,
	.max = SIZE_MAX,
};

int nc_sqlite_link_insert(struct nc_store *st, const struct nc_link *l)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO links (tenant, peering, a, b, tunnel_index, status, spi_ab,"
			  " spi_ba, key_ab, key_ba) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  &q);
	nc_sqlite_q_text(&q, l->tenant);
	nc_sqlite_q_text(&q, l->peering);
	nc_sqlite_q_text(&q, l->a);
	nc_sqlite_q_text(&q, l->b);
	nc_sqlite_q_int(&q, l->tunnel_index);
	nc_sqlite_q_text(&q, nc_link_status_name(l->status));
	nc_sqlite_q_int(&q, l->spi_ab);
	nc_sqlite_q_int(&q, l->spi_ba);
	nc_sqlite_q_secret(&q, l->key_ab);
	nc_sqlite_q_secret(&q, l->key_ba);
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_link_delete(struct nc_store *st, const char *tenant, const char *peering,
			  const char *a, const char *b)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "DELETE FROM links WHERE tenant = ? AND peering = ? AND a = ? AND b = ?",
			  &q);
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, peering);
	nc_sqlite_q_text(&q, a);
	nc_sqlite_q_text(&q, b);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_link_list(struct nc_store *st, const char *tenant, const char *peering,
			struct nc_link **out, size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " LINK_COLS " FROM links l"
			  " WHERE l.peering = ?1 AND (?2 IS NULL OR l.tenant = ?2)" LINK_ORDER,
			  &q);
	nc_sqlite_q_text(&q, peering);
	nc_sqlite_q_text(&q, tenant);
	ret = nc_sqlite_rows(&q, &link_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

/* Through the device's memberships, so that the primary keys find the links. */
int nc_sqlite_link_list_by_device(struct nc_store *st, const char *serial, struct nc_link **out,
				  size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " LINK_COLS " FROM members m JOIN links l"
			  " ON l.tenant = m.tenant AND l.peering = m.peering"
			  " AND (l.a = m.serial OR l.b = m.serial)"
			  " WHERE m.serial = ?" LINK_ORDER,
			  &q);
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_rows(&q, &link_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}

int nc_sqlite_link_set_status(struct nc_store *st, const char *tenant, const char *peering,
			      const char *a, const char *b, int tunnel_index,
			      enum nc_link_status status)
{
	struct nc_sqlite_q q;
	int64_t changed = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "UPDATE links SET status = ? WHERE tenant = ? AND peering = ? AND a = ?"
			  " AND b = ? AND tunnel_index = ?",
			  &q);
	nc_sqlite_q_text(&q, nc_link_status_name(status));
	nc_sqlite_q_text(&q, tenant);
	nc_sqlite_q_text(&q, peering);
	nc_sqlite_q_text(&q, a);
	nc_sqlite_q_text(&q, b);
	nc_sqlite_q_int(&q, tunnel_index);
	ret = nc_sqlite_q_run(&q, &changed);
	if (ret == 0 && changed == 0)
		ret = NC_ERR_NOTFOUND;
	return ret;
}

int nc_sqlite_spi_used(struct nc_store *st, const char *tenant, uint32_t spi, int *used)
{
	struct nc_sqlite_q q;
	int64_t yes = 0;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT EXISTS (SELECT 1 FROM links WHERE (spi_ab = ?1 OR spi_ba = ?1)"
			  " AND (?2 IS NULL OR tenant = ?2))",
			  &q);
	nc_sqlite_q_int(&q, spi);
	nc_sqlite_q_text(&q, tenant);
	if (nc_sqlite_q_step(&q) == 1)
		yes = nc_sqlite_col_int(&q);
	ret = nc_sqlite_q_end(&q);
	if (ret == 0)
		*used = yes != 0;
	return ret;
}
