/* SPDX-License-Identifier: MIT */
/*
 * LAN subnets of a tenant's devices, for the overlap check of lib/core/lan.c.
 * Besides the lan_subnets list of each edge and connector, every subnet is
 * a row of `lans' with its network address as fixed-width hex (sortable),
 * so that finding what overlaps a new subnet reads the subnets that do and
 * a few index entries, not every device of the tenant. Two prefixes
 * overlap when one contains the other: the new one's ancestors are found
 * by exact (net, len), for the lengths some LAN has, its descendants by a
 * range of net.
 */
#include "store.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/prefix.h"
#include "../util/err.h"
#include "sqlite_impl.h"
#include "store_impl.h"

/* The hex of p's address: 8 or 32 digits. */
static void hex(const struct nc_prefix *p, char out[33])
{
	for (size_t i = 0; i < nc_prefix_bytes(p); i++)
		snprintf(out + 2 * i, 3, "%02x", p->addr[i]);
}

/* The bit of prefix length len of a family (4 or 6) in s->lan_lens. */
static uint64_t *len_word(struct nc_sqlite *s, int family, unsigned len, uint64_t *bit)
{
	*bit = UINT64_C(1) << (len % 64);
	return &s->lan_lens[family == 6][len / 64];
}

static void len_add(struct nc_sqlite *s, int family, unsigned len)
{
	uint64_t bit, *w = len_word(s, family, len, &bit);

	*w |= bit;
}

int nc_sqlite_lan_lens_read(struct nc_sqlite *s, struct nc_errinfo *ei)
{
	struct nc_sqlite_q q;
	int ret = 0, row, end;

	nc_sqlite_q_start(s, "SELECT DISTINCT family, len FROM lans", &q);
	while (ret == 0 && (row = nc_sqlite_q_step(&q)) == 1) {
		int family = (int)nc_sqlite_col_int(&q);
		int64_t len = nc_sqlite_col_int(&q);

		if (len < 0 || len > 128)
			ret = NC_ERR_STORE;
		else
			len_add(s, family, (unsigned)len);
	}
	end = nc_sqlite_q_end(&q);
	ret = ret != 0 ? ret : end;
	if (ret < 0)
		nc_fail(ei, ret, NULL, "store `%s': cannot read the lengths of LAN subnets",
			s->path);
	return ret;
}

/* Whether a LAN of family may have prefix length len: false only when none has. */
static bool len_may_be(struct nc_sqlite *s, int family, unsigned len)
{
	uint64_t bit, *w = len_word(s, family, len, &bit);

	return (*w & bit) != 0;
}

int nc_sqlite_lans_put(struct nc_sqlite *s, const char *serial, const struct nc_strlist *lans)
{
	/* By the whole key's prefix (tenant, serial): by serial alone it reads every row. */
	int ret = nc_sqlite_exec(s,
				 "DELETE FROM lans WHERE tenant = (SELECT tenant FROM devices"
				 " WHERE serial = ?1) AND serial = ?1",
				 NULL, "t", serial);

	for (size_t i = 0; ret == 0 && i < lans->n; i++) {
		struct nc_prefix p;
		char net[33];

		if (!nc_prefix_parse(lans->v[i], &p))
			continue; /* validated before it was stored: never so */
		nc_prefix_clear_host_bits(&p);
		hex(&p, net);
		len_add(s, p.family == AF_INET ? 4 : 6, p.len);
		ret = nc_sqlite_exec(
			s,
			"INSERT OR IGNORE INTO lans (tenant, serial, cidr, family, net, len)"
			" SELECT tenant, serial, ?, ?, ?, ? FROM devices WHERE serial = ?",
			NULL, "titut", lans->v[i], p.family == AF_INET ? 4 : 6, net, p.len, serial);
	}
	return ret;
}

int nc_sqlite_lans_fill(struct nc_sqlite *s)
{
	struct nc_sqlite_q q;
	int ret = 0, row, end;

	nc_sqlite_q_start(s,
			  "SELECT serial, lan_subnets FROM edges WHERE lan_subnets != '[]'"
			  " UNION ALL SELECT serial, lan_subnets FROM connectors"
			  " WHERE lan_subnets != '[]'",
			  &q);
	while (ret == 0 && (row = nc_sqlite_q_step(&q)) == 1) {
		struct nc_strlist lans = {0};
		char *serial = nc_sqlite_col_dup(&q);

		ret = nc_store_strlist_from_json(nc_sqlite_col_peek(&q), &lans);
		if (ret == 0 && serial)
			ret = nc_sqlite_lans_put(s, serial, &lans);
		nc_strlist_clear(&lans);
		free(serial);
	}
	end = nc_sqlite_q_end(&q);
	return ret != 0 ? ret : end;
}

/* Of a device in service (connectors once decommissioned free their subnets). */
#define LAN_FROM                                                                                   \
	"SELECT serial, cidr FROM lans l WHERE tenant = ?1 AND serial != ?2 AND family = ?3 AND "
#define LAN_IN_SERVICE                                                                             \
	" AND NOT EXISTS (SELECT 1 FROM connectors c WHERE c.tenant = l.tenant"                    \
	" AND c.serial = l.serial AND c.status = 'decommissioned') LIMIT 1"

/* Reads the one row q may give into serial and theirs; 1 when there was one. */
static int one(struct nc_sqlite_q *q, char serial[NC_SERIAL_MAX], char theirs[NC_CIDR_MAX])
{
	int row = nc_sqlite_q_step(q), end;

	if (row == 1) {
		snprintf(serial, NC_SERIAL_MAX, "%s", nc_sqlite_col_peek(q));
		snprintf(theirs, NC_CIDR_MAX, "%s", nc_sqlite_col_peek(q));
	}
	end = nc_sqlite_q_end(q);
	return end < 0 ? end : row == 1;
}

/* A subnet of another device that overlaps p, into serial and theirs: 1, 0 none. */
static int overlap(struct nc_sqlite *s, const char *tenant, const char *except,
		   const struct nc_prefix *p, char serial[NC_SERIAL_MAX], char theirs[NC_CIDR_MAX])
{
	int family = p->family == AF_INET ? 4 : 6, ret = 0;
	struct nc_prefix up = *p, last = *p;
	struct nc_sqlite_q q;
	char lo[33], hi[33];

	/* Those it contains (itself included): their network is within its range. */
	nc_prefix_set_host_bits(&last);
	hex(p, lo);
	hex(&last, hi);
	nc_sqlite_q_start(s, LAN_FROM "net BETWEEN ?4 AND ?5" LAN_IN_SERVICE, &q);
	nc_sqlite_q_bind(&q, "ttitt", tenant, except, family, lo, hi);
	ret = one(&q, serial, theirs);
	/* Those that contain it: the same bits over a shorter length that some LAN has. */
	for (int len = (int)p->len - 1; ret == 0 && len >= 0; len--) {
		if (!len_may_be(s, family, (unsigned)len))
			continue;
		up.len = (unsigned int)len;
		nc_prefix_clear_host_bits(&up);
		hex(&up, lo);
		nc_sqlite_q_start(s, LAN_FROM "net = ?4 AND len = ?5" LAN_IN_SERVICE, &q);
		nc_sqlite_q_bind(&q, "ttiti", tenant, except, family, lo, len);
		ret = one(&q, serial, theirs);
	}
	return ret;
}

int nc_sqlite_lan_find(struct nc_store *st, const char *tenant, const char *except,
		       const struct nc_strlist *mine, size_t *index, char serial[NC_SERIAL_MAX],
		       char theirs[NC_CIDR_MAX])
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < mine->n; i++) {
		struct nc_prefix p;

		if (!nc_prefix_parse(mine->v[i], &p))
			continue;
		nc_prefix_clear_host_bits(&p);
		ret = overlap(nc_sqlite_of(st), tenant, except ? except : "", &p, serial, theirs);
		if (ret == 1)
			*index = i;
	}
	return ret;
}
