/* SPDX-License-Identifier: MIT */
/*
 * Detail views as "Label:  value" lines: a connector or an edge with its
 * sync state and last confirmation (cells rendered by the CLI printer's
 * nc_out_cell), a peering group, an event's JSON. No I/O.
 */
#include "tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/output.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"

#define NCOLS(c) (sizeof(c) / sizeof((c)[0]))
#define LABEL_W	 16

static void fmt_nat(const json_t *v, char *buf, size_t n)
{
	const char *wan = json_string_value(json_object_get(v, "wan_interface"));

	if (json_is_true(json_object_get(v, "enabled")))
		snprintf(buf, n, "on (wan %s)", wan && *wan ? wan : "-");
	else
		snprintf(buf, n, "off");
}

/* A count of an array ("3 rules"), or "-". */
static void fmt_count(const json_t *v, char *buf, size_t n)
{
	size_t k = json_array_size(v);

	if (k == 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%zu", k);
}

static const struct nc_col conn_fields[] = {
	{"Name", "name", 0, NULL},
	{"Serial", "serial", 0, NULL},
	{"Tenant", "tenant", 0, NULL},
	{"Status", "status", NC_COL_STATE, NULL},
	{"Region", "region", 0, NULL},
	{"Hub Edge", "hub_edge", 0, NULL},
	{"LAN", "lan_subnets", 0, NULL},
	{"NAT", "nat", 0, fmt_nat},
	{"ACL Rules", "acl", 0, fmt_count},
	{"Routes", "routes", 0, fmt_count},
	{"Public Key", "public_key", 0, NULL},
	{"Last Seen", "last_seen", NC_COL_TIME, NULL},
	{"Created", "created_at", NC_COL_TIME, NULL},
};

static const struct nc_col edge_fields[] = {
	{"Name", "name", 0, NULL},
	{"Serial", "serial", 0, NULL},
	{"Tenant", "tenant", 0, NULL},
	{"Kind", "kind", 0, NULL},
	{"Region", "region", 0, NULL},
	{"Endpoint", "endpoint", 0, NULL},
	{"LAN", "lan_subnets", 0, NULL},
	{"Public Key", "public_key", 0, NULL},
	{"Last Seen", "last_seen", NC_COL_TIME, NULL},
	{"Created", "created_at", NC_COL_TIME, NULL},
};

static const struct nc_col sync_fields[] = {
	{"Sync", "state", NC_COL_STATE, NULL},
	{"Dirty Reason", "dirty_reason", 0, NULL},
	{"Fail Reason", "fail_reason", 0, NULL},
	{"Seq", "seq", 0, NULL},
	{"Config Hash", "config_hash", NC_COL_SHORT, NULL},
	{"Confirmed Seq", "confirmed_seq", 0, NULL},
	{"Attempts", "attempts", 0, NULL},
	{"Sent", "sent_at", NC_COL_TIME, NULL},
	{"Confirmed", "confirmed_at", NC_COL_TIME, NULL},
};

static const struct nc_col confirm_fields[] = {
	{"  Seq", "seq", 0, NULL},
	{"  Status", "status", 0, NULL},
	{"  Hash", "config_hash", NC_COL_SHORT, NULL},
	{"  Applied", "applied", 0, NULL},
	{"  Failed", "failed", 0, NULL},
	{"  Agent", "agent", 0, NULL},
};

struct lines {
	struct tui_line *v;
	size_t n, max;
};

static struct tui_line *add(struct lines *l, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct tui_line *add(struct lines *l, const char *word, const char *fmt, ...)
{
	struct tui_line *t;
	va_list ap;

	if (l->n >= l->max)
		return NULL;
	t = &l->v[l->n++];
	va_start(ap, fmt);
	vsnprintf(t->text, sizeof(t->text), fmt, ap);
	va_end(ap);
	snprintf(t->word, sizeof(t->word), "%s", word ? word : "");
	return t;
}

static void fields(struct lines *l, const json_t *obj, const struct nc_col *cols, size_t n,
		   int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		char cell[TUI_TEXT];

		nc_out_cell(obj, &cols[i], now, cell, sizeof(cell));
		add(l, (cols[i].flags & NC_COL_STATE) ? cell : "", "%-*s %s", LABEL_W,
		    cols[i].header, cell);
	}
}


/* Link k's tunnel as `link list' words it (nc_out_tunnel_text). */
static void tunnel_text(const struct tui_link *k, char *buf, size_t n)
{
	json_t *o = json_object();

	if (k->sa[0])
		json_object_set_new(o, "sa", json_string(k->sa));
	if (k->handshake >= 0)
		json_object_set_new(o, "latest_handshake", json_integer(k->handshake));
	if (k->rx >= 0)
		json_object_set_new(o, "rx_bytes", json_integer(k->rx));
	if (k->tx >= 0)
		json_object_set_new(o, "tx_bytes", json_integer(k->tx));
	nc_out_tunnel_text(o, nc_time_now(), buf, n);
	json_decref(o);
}

/* A sync state with its last confirmation and the failures it reported. */
static void sync_state(struct lines *l, const json_t *s, int64_t now)
{
	const json_t *conf = json_object_get(s, "last_confirm"), *f;
	size_t i;

	fields(l, s, sync_fields, NCOLS(sync_fields), now);
	if (!json_is_object(conf)) {
		add(l, "", "%-*s %s", LABEL_W, "Last Confirm", "none yet");
		return;
	}
	add(l, "", "Last Confirm");
	fields(l, conf, confirm_fields, NCOLS(confirm_fields), now);
	json_array_foreach(json_object_get(conf, "failures"), i, f)
	{
		add(l, "failed", "    #%lld %s: %s",
		    (long long)json_integer_value(json_object_get(f, "index")),
		    json_string_value(json_object_get(f, "topic"))
			    ? json_string_value(json_object_get(f, "topic"))
			    : "?",
		    json_string_value(json_object_get(f, "error"))
			    ? json_string_value(json_object_get(f, "error"))
			    : "");
	}
}

size_t tui_detail_device(const json_t *dev, const json_t *sync, bool connector, int64_t now,
			 struct tui_line *out, size_t max, size_t *split)
{
	struct lines l = {out, 0, max};
	const json_t *items = json_object_get(sync, "items"), *s;
	size_t i;

	if (connector)
		fields(&l, dev, conn_fields, NCOLS(conn_fields), now);
	else
		fields(&l, dev, edge_fields, NCOLS(edge_fields), now);
	*split = l.n;
	if (!sync) {
		add(&l, "", "%-*s %s", LABEL_W, "Sync",
		    "unknown (the sync state could not be read)");
		return l.n;
	}
	if (!json_is_array(items)) {
		sync_state(&l, sync, now);
		return l.n;
	}
	/* An MTGE: one state per tenant it serves. */
	json_array_foreach(items, i, s)
	{
		const char *tenant = json_string_value(json_object_get(s, "tenant"));

		if (i > 0)
			add(&l, "", " ");
		add(&l, "", "Tenant %s", tenant ? tenant : "?");
		sync_state(&l, s, now);
	}
	return l.n;
}

size_t tui_detail_group(const struct tui_peering *g, struct tui_line *out, size_t max)
{
	struct lines l = {out, 0, max};
	char text[sizeof(out->text)];

	add(&l, "", "%-*s %s", LABEL_W, "Name", g->name);
	add(&l, "", "%-*s %s", LABEL_W, "Tenant", g->tenant[0] ? g->tenant : "-");
	add(&l, "", "%-*s %s", LABEL_W, "Topology", g->topology);
	add(&l, "", "%-*s %s", LABEL_W, "Protocol", g->protocol);
	add(&l, "", "%-*s %s", LABEL_W, "Dual Tunnel", g->dual ? "yes" : "no");
	add(&l, "", "%-*s %s", LABEL_W, "Hub", g->hub[0] ? g->hub : "-");
	add(&l, "", "%-*s %zu", LABEL_W, "Members", g->nmembers);
	add(&l, "", "%-*s %zu", LABEL_W, "Links", g->nlinks);
	for (size_t i = 0; i < g->nlinks; i++) {
		tunnel_text(&g->links[i], text, sizeof(text));
		add(&l, g->links[i].status, "  %s <-> %s  %s  tunnel %d  %s", g->links[i].a,
		    g->links[i].b, g->links[i].status, g->links[i].index, text);
	}
	/* Worded as `peering show' has them; a link that cannot come up has one
	 * tunnel (no wg3 for connectors), so one line. */
	for (size_t i = 0; i < g->nisolated; i++) {
		nc_out_isolated_text(text, sizeof(text), g->isolated[i]);
		add(&l, "pending", "warning: %s", text);
	}
	for (size_t i = 0; i < g->nlinks; i++) {
		if (!g->links[i].no_endpoint)
			continue;
		nc_out_no_endpoint_text(text, sizeof(text), g->links[i].a, g->links[i].b);
		add(&l, "pending", "warning: %s", text);
	}
	return l.n;
}

size_t tui_detail_event(const char *raw, struct tui_line **out)
{
	json_t *ev = json_loads(raw, 0, NULL);
	char *text = ev ? json_dumps(ev, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : nc_xstrdup(raw);
	struct lines l = {NULL, 0, 0};
	const char *p = text ? text : "";

	for (const char *q = p; *q; q++)
		l.max += *q == '\n';
	l.max += 1;
	l.v = nc_xcalloc(l.max, sizeof(*l.v));
	while (*p) {
		size_t len = strcspn(p, "\n");

		add(&l, "", "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
	free(text);
	json_decref(ev);
	*out = l.v;
	return l.n;
}
