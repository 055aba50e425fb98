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

int nc_sqlite_peering_insert(struct nc_store *st, const struct nc_peering *p)
{
	int64_t created = nc_sqlite_time_or_now(p->created_at);

	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO peerings (" PEERING_COLS
			      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			      NULL, "ttttinII", p->tenant, p->name, nc_topology_name(p->topology),
			      nc_protocol_name(p->protocol), (int)p->dual_tunnel, p->hub, created,
			      p->updated_at ? p->updated_at : created);
}

int nc_sqlite_peering_update(struct nc_store *st, const struct nc_peering *p)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st),
				  "UPDATE peerings SET topology = ?, protocol = ?, dual_tunnel = ?,"
				  " hub = ?, updated_at = ? WHERE tenant = ? AND name = ?",
				  "ttinItt", nc_topology_name(p->topology),
				  nc_protocol_name(p->protocol), (int)p->dual_tunnel, p->hub,
				  nc_sqlite_time_or_now(p->updated_at), p->tenant, p->name);
}

/* With a NULL tenant the name may match in several tenants: reading two
 * rows tells an ambiguous name (NC_ERR_CONFLICT) from a unique one. */
int nc_sqlite_peering_get(struct nc_store *st, const char *tenant, const char *name,
			  struct nc_peering *out)
{
	struct nc_peering p = {0};
	bool ambiguous = false;
	int ret = nc_sqlite_get(nc_sqlite_of(st),
				"SELECT " PEERING_COLS " FROM peerings"
				" WHERE name = ?1 AND (?2 IS NULL OR tenant = ?2)"
				" ORDER BY tenant LIMIT 2",
				&nc_sqlite_peering_rows, &p, &ambiguous, "tt", name, tenant);

	if (ret == 0 && ambiguous)
		ret = NC_ERR_CONFLICT;
	if (ret == 0)
		*out = p;
	return ret;
}

int nc_sqlite_peering_delete(struct nc_store *st, const char *tenant, const char *name)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st),
				  "DELETE FROM peerings WHERE tenant = ? AND name = ?", "tt",
				  tenant, name);
}

int nc_sqlite_peering_list(struct nc_store *st, const char *tenant, struct nc_peering **out,
			   size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " PEERING_COLS " FROM peerings"
				" WHERE ?1 IS NULL OR tenant = ?1 ORDER BY tenant, name",
				&nc_sqlite_peering_rows, out, n, "t", tenant);
}

/* Members: the type comes from the device. */

#define MEMBER_COLS                                                                                \
	"m.tenant, m.peering, m.serial, d.type FROM members m JOIN devices d ON d.serial = "       \
	"m.serial"

int nc_sqlite_member_insert(struct nc_store *st, const struct nc_member *m)
{
	return nc_sqlite_exec(nc_sqlite_of(st),
			      "INSERT INTO members (tenant, peering, serial) VALUES (?, ?, ?)",
			      NULL, "ttt", m->tenant, m->peering, m->serial);
}

int nc_sqlite_member_delete(struct nc_store *st, const char *tenant, const char *peering,
			    const char *serial)
{
	return nc_sqlite_exec_one(
		nc_sqlite_of(st),
		"DELETE FROM members WHERE tenant = ? AND peering = ? AND serial = ?", "ttt",
		tenant, peering, serial);
}

int nc_sqlite_member_list(struct nc_store *st, const char *tenant, const char *peering,
			  struct nc_member **out, size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " MEMBER_COLS
				" WHERE m.peering = ?1 AND (?2 IS NULL OR m.tenant = ?2)"
				" ORDER BY m.tenant, m.serial",
				&nc_sqlite_member_rows, out, n, "tt", peering, tenant);
}

int nc_sqlite_member_list_by_device(struct nc_store *st, const char *serial, struct nc_member **out,
				    size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " MEMBER_COLS
				" WHERE m.serial = ? ORDER BY m.tenant, m.peering",
				&nc_sqlite_member_rows, out, n, "t", serial);
}

/* Links. The IPSec keys are read and written here and nowhere logged. */

#define LINK_COLS                                                                                  \
	"l.tenant, l.peering, l.a, l.b, l.tunnel_index, l.status, l.spi_ab, l.spi_ba,"             \
	" l.key_ab, l.key_ba"
#define LINK_ORDER " ORDER BY l.tenant, l.peering, l.a, l.b, l.tunnel_index"

int nc_sqlite_link_insert(struct nc_store *st, const struct nc_link *l)
{
	return nc_sqlite_exec(
		nc_sqlite_of(st),
		"INSERT INTO links (tenant, peering, a, b, tunnel_index, status, spi_ab,"
		" spi_ba, key_ab, key_ba) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		NULL, "ttttituukk", l->tenant, l->peering, l->a, l->b, l->tunnel_index,
		nc_link_status_name(l->status), l->spi_ab, l->spi_ba, l->key_ab, l->key_ba);
}

int nc_sqlite_link_delete(struct nc_store *st, const char *tenant, const char *peering,
			  const char *a, const char *b)
{
	return nc_sqlite_exec_one(
		nc_sqlite_of(st),
		"DELETE FROM links WHERE tenant = ? AND peering = ? AND a = ? AND b = ?", "tttt",
		tenant, peering, a, b);
}

int nc_sqlite_link_list(struct nc_store *st, const char *tenant, const char *peering,
			struct nc_link **out, size_t *n)
{
	return nc_sqlite_select(
		nc_sqlite_of(st),
		"SELECT " LINK_COLS " FROM links l"
		" WHERE l.peering = ?1 AND (?2 IS NULL OR l.tenant = ?2)" LINK_ORDER,
		&nc_sqlite_link_rows, out, n, "tt", peering, tenant);
}

/* The links with serial as a, from the primary key, and as b, from links_b
 * (named: for the order asked, the planner would walk the whole peering
 * through the primary key); a < b, so none is in both. */
int nc_sqlite_link_list_of(struct nc_store *st, const char *tenant, const char *peering,
			   const char *serial, struct nc_link **out, size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " LINK_COLS " FROM links l WHERE l.tenant = ?1"
				" AND l.peering = ?2 AND l.a = ?3 UNION ALL"
				" SELECT " LINK_COLS " FROM links l INDEXED BY links_b"
				" WHERE l.tenant = ?1 AND l.peering = ?2 AND l.b = ?3"
				" ORDER BY 1, 2, 3, 4, 5",
				&nc_sqlite_link_rows, out, n, "ttt", tenant, peering, serial);
}

/* Through the device's memberships, so that the primary keys find the links. */
int nc_sqlite_link_list_by_device(struct nc_store *st, const char *serial, struct nc_link **out,
				  size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " LINK_COLS " FROM members m JOIN links l"
				" ON l.tenant = m.tenant AND l.peering = m.peering"
				" AND (l.a = m.serial OR l.b = m.serial)"
				" WHERE m.serial = ?" LINK_ORDER,
				&nc_sqlite_link_rows, out, n, "t", serial);
}

int nc_sqlite_link_set_status(struct nc_store *st, const char *tenant, const char *peering,
			      const char *a, const char *b, int tunnel_index,
			      enum nc_link_status status)
{
	return nc_sqlite_exec_one(nc_sqlite_of(st),
				  "UPDATE links SET status = ? WHERE tenant = ? AND peering = ?"
				  " AND a = ? AND b = ? AND tunnel_index = ?",
				  "ttttti", nc_link_status_name(status), tenant, peering, a, b,
				  tunnel_index);
}

int nc_sqlite_spi_used(struct nc_store *st, const char *tenant, uint32_t spi, int *used)
{
	int64_t yes = 0;
	int ret = nc_sqlite_scalar(
		nc_sqlite_of(st),
		"SELECT EXISTS (SELECT 1 FROM links WHERE (spi_ab = ?1 OR spi_ba = ?1)"
		" AND (?2 IS NULL OR tenant = ?2))",
		&yes, "ut", spi, tenant);

	if (ret >= 0)
		*used = yes != 0;
	return ret < 0 ? ret : 0;
}
