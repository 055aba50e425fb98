/* SPDX-License-Identifier: MIT */
/* Each end's last tunnel-status report in the SQLite backend (store.h: nc_store_tunnel_*). */
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../util/err.h"
#include "sqlite_impl.h"

#define TUNNEL_COLS                                                                                \
	"serial, interface, peer, peering, protocol, tunnel_index, backbone, up, sa,"              \
	" latest_handshake, rx_bytes, tx_bytes, reported_at"

/* One row, upserted: a report may name the same key twice (the last wins). */
static int put_one(struct nc_store *st, const struct nc_tunnel_state *t)
{
	return nc_sqlite_exec(
		nc_sqlite_of(st),
		"INSERT INTO tunnels (" TUNNEL_COLS ")"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (serial, interface, peer, peering, protocol, tunnel_index)"
		" DO UPDATE SET backbone = excluded.backbone, up = excluded.up,"
		" sa = excluded.sa, latest_handshake = excluded.latest_handshake,"
		" rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes,"
		" reported_at = excluded.reported_at",
		NULL, "tttttiiitIIII", t->serial, t->interface, t->peer, t->peering,
		nc_protocol_name(t->protocol), t->tunnel_index, (int)t->backbone, (int)t->up, t->sa,
		t->latest_handshake, t->rx_bytes, t->tx_bytes,
		nc_sqlite_time_or_now(t->reported_at));
}

int nc_sqlite_tunnel_replace(struct nc_store *st, const char *serial,
			     const struct nc_tunnel_state *v, size_t n)
{
	int ret = nc_store_begin(st);

	if (ret < 0)
		goto out;
	ret = nc_sqlite_exec(nc_sqlite_of(st), "DELETE FROM tunnels WHERE serial = ?", NULL, "t",
			     serial);
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = put_one(st, &v[i]);
	ret = nc_sqlite_finish(st, ret);
out:
	return ret;
}

int nc_sqlite_tunnel_list_to(struct nc_store *st, const char *serial, const char *peer,
			     struct nc_tunnel_state **out, size_t *n)
{
	return nc_sqlite_select(
		nc_sqlite_of(st),
		"SELECT " TUNNEL_COLS " FROM tunnels WHERE serial = ? AND peer = ?"
		" ORDER BY serial, interface, peer, peering, protocol, tunnel_index",
		&nc_sqlite_tunnel_rows, out, n, "tt", serial, peer);
}

int nc_sqlite_tunnel_list(struct nc_store *st, const char *serial, struct nc_tunnel_state **out,
			  size_t *n)
{
	return nc_sqlite_select(nc_sqlite_of(st),
				"SELECT " TUNNEL_COLS " FROM tunnels WHERE serial = ? ORDER BY"
				" serial, interface, peer, peering, protocol, tunnel_index",
				&nc_sqlite_tunnel_rows, out, n, "t", serial);
}
