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

static void read_tunnel(struct nc_sqlite_q *q, void *item)
{
	struct nc_tunnel_state *t = item;
	char proto[16];

	nc_sqlite_col_text(q, t->serial, sizeof(t->serial));
	nc_sqlite_col_text(q, t->interface, sizeof(t->interface));
	nc_sqlite_col_text(q, t->peer, sizeof(t->peer));
	nc_sqlite_col_text(q, t->peering, sizeof(t->peering));
	nc_sqlite_col_text(q, proto, sizeof(proto));
	if (nc_protocol_parse(proto, &t->protocol) != 0)
		nc_sqlite_col_bad(q, "tunnels.protocol");
	t->tunnel_index = (int)nc_sqlite_col_int(q);
	t->backbone = nc_sqlite_col_int(q) != 0;
	t->up = nc_sqlite_col_int(q) != 0;
	nc_sqlite_col_text(q, t->sa, sizeof(t->sa));
	t->latest_handshake = nc_sqlite_col_int(q);
	t->rx_bytes = nc_sqlite_col_int(q);
	t->tx_bytes = nc_sqlite_col_int(q);
	t->reported_at = nc_sqlite_col_int(q);
}

static const struct nc_sqlite_rows tunnel_rows = {
	.elem = sizeof(struct nc_tunnel_state),
	.read = read_tunnel,
	.max = SIZE_MAX,
};

/* One row, upserted: a report may name the same key twice (the last wins). */
static int put_one(struct nc_store *st, const struct nc_tunnel_state *t)
{
	struct nc_sqlite_q q;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "INSERT INTO tunnels (" TUNNEL_COLS ")"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " ON CONFLICT (serial, interface, peer, peering, protocol, tunnel_index)"
			  " DO UPDATE SET backbone = excluded.backbone, up = excluded.up,"
			  " sa = excluded.sa, latest_handshake = excluded.latest_handshake,"
			  " rx_bytes = excluded.rx_bytes, tx_bytes = excluded.tx_bytes,"
			  " reported_at = excluded.reported_at",
			  &q);
	nc_sqlite_q_text(&q, t->serial);
	nc_sqlite_q_text(&q, t->interface);
	nc_sqlite_q_text(&q, t->peer);
	nc_sqlite_q_text(&q, t->peering);
	nc_sqlite_q_text(&q, nc_protocol_name(t->protocol));
	nc_sqlite_q_int(&q, t->tunnel_index);
	nc_sqlite_q_int(&q, t->backbone);
	nc_sqlite_q_int(&q, t->up);
	nc_sqlite_q_text(&q, t->sa);
	nc_sqlite_q_int(&q, t->latest_handshake);
	nc_sqlite_q_int(&q, t->rx_bytes);
	nc_sqlite_q_int(&q, t->tx_bytes);
	nc_sqlite_q_int(&q, nc_sqlite_time_or_now(t->reported_at));
	return nc_sqlite_q_run(&q, NULL);
}

int nc_sqlite_tunnel_replace(struct nc_store *st, const char *serial,
			     const struct nc_tunnel_state *v, size_t n)
{
	struct nc_sqlite_q q;
	int ret = nc_store_begin(st);

	if (ret < 0)
		goto out;
	nc_sqlite_q_start(nc_sqlite_of(st), "DELETE FROM tunnels WHERE serial = ?", &q);
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_q_run(&q, NULL);
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = put_one(st, &v[i]);
	if (ret == 0)
		ret = nc_store_commit(st);
	else
		nc_store_rollback(st);
out:
	return ret;
}

int nc_sqlite_tunnel_list(struct nc_store *st, const char *serial, struct nc_tunnel_state **out,
			  size_t *n)
{
	struct nc_sqlite_q q;
	void *v = NULL;
	int ret;

	nc_sqlite_q_start(nc_sqlite_of(st),
			  "SELECT " TUNNEL_COLS " FROM tunnels WHERE serial = ?"
			  " ORDER BY serial, interface, peer, peering, protocol, tunnel_index",
			  &q);
	nc_sqlite_q_text(&q, serial);
	ret = nc_sqlite_rows(&q, &tunnel_rows, &v, n, NULL);
	if (ret == 0)
		*out = v;
	return ret;
}
