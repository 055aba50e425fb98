/* SPDX-License-Identifier: MIT */
/* The describe view of a device, for `connector show', `edge show' and the dashboard; no I/O. */
#include "describe.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "evline.h"
#include "output.h"
#include "../lib/util/count.h"

#define LABEL_W	 16  /* columns of "Label:" before the value */
#define LINE_MAX 512 /* bytes of one line */
#define TUN_COLS 9
#define TUN_MAX	 64 /* tunnel rows shown; more are counted */
#define CELL_W	 32 /* bytes of one tunnel cell */

/* nat as "on (wan eth0)" or "off". */
static void fmt_nat(const json_t *v, char *buf, size_t n)
{
	const char *wan = json_string_value(json_object_get(v, "wan_interface"));

	if (json_is_true(json_object_get(v, "enabled")))
		snprintf(buf, n, "on (wan %s)", wan && *wan ? wan : "-");
	else
		snprintf(buf, n, "off");
}

/* acl rules as --acl takes them, joined with "; ". */
static void fmt_acl(const json_t *v, char *buf, size_t n)
{
	size_t i, len = 0;
	const json_t *r;

	snprintf(buf, n, "-");
	json_array_foreach(v, i, r) {
		json_int_t port = json_integer_value(json_object_get(r, "dport"));
		char p[24] = "";

		if (port > 0)
			snprintf(p, sizeof(p), " %lld", (long long)port);
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s %s %s %s%s",
					i ? "; " : "",
					json_string_value(json_object_get(r, "action")),
					json_string_value(json_object_get(r, "proto")),
					json_string_value(json_object_get(r, "src")),
					json_string_value(json_object_get(r, "dst")), p);
		if (len >= n)
			break;
	}
}

/* routes as "DST via GATEWAY", joined with ", ". */
static void fmt_routes(const json_t *v, char *buf, size_t n)
{
	size_t i, len = 0;
	const json_t *r;

	snprintf(buf, n, "-");
	json_array_foreach(v, i, r) {
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s via %s",
					i ? ", " : "", json_string_value(json_object_get(r, "dst")),
					json_string_value(json_object_get(r, "via")));
		if (len >= n)
			break;
	}
}

/* Which devices show a field: connectors, edges or both. */
#define CONN 0x1
#define EDGE 0x2

/* The fields of a device, in the order shown; kinds: CONN, EDGE or both. */
static const struct {
	unsigned kinds;
	struct cli_col col;
} dev_fields[] = {
	{CONN | EDGE, {"Serial", "serial", 0, NULL}},
	{CONN | EDGE, {"Name", "name", 0, NULL}},
	{CONN, {"Status", "status", NC_COL_STATE, NULL}},
	{EDGE, {"Kind", "kind", 0, NULL}},
	{CONN | EDGE, {"Tenant", "tenant", 0, NULL}},
	{CONN | EDGE, {"Region", "region", 0, NULL}},
	{CONN, {"Hub Edge", "hub_edge", 0, NULL}},
	{CONN | EDGE, {"Endpoint", "endpoint", 0, NULL}},
	{CONN | EDGE, {"LAN", "lan_subnets", 0, NULL}},
	{CONN, {"NAT", "nat", 0, fmt_nat}},
	{CONN, {"ACL", "acl", 0, fmt_acl}},
	{CONN, {"Routes", "routes", 0, fmt_routes}},
	{CONN | EDGE, {"Public Key", "public_key", 0, NULL}},
	{CONN | EDGE, {"Pending Key", "pending_key", 0, NULL}},
	{CONN | EDGE, {"Last Seen", "last_seen", NC_COL_TIME, NULL}},
	{CONN | EDGE, {"Created", "created_at", NC_COL_TIME, NULL}},
	{CONN | EDGE, {"Updated", "updated_at", NC_COL_TIME, NULL}},
};

static const struct cli_col sync_fields[] = {
	{"  State", "state", NC_COL_STATE, NULL},
	{"  Dirty Reason", "dirty_reason", 0, NULL},
	{"  Fail Reason", "fail_reason", 0, NULL},
	{"  Attempts", "attempts", 0, NULL},
};

struct out {
	cli_describe_line_fn fn;
	void *arg;
	int part;
	int64_t now;
};

static void say(struct out *o, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One line; what devices reported (errors, names) may hold control
 * characters: they reach the terminal as '?' (cli_out_truncate). */
static void say(struct out *o, const char *word, const char *fmt, ...)
{
	char text[LINE_MAX], clean[LINE_MAX + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cli_out_truncate(text, 0, clean, sizeof(clean));
	o->fn(o->arg, o->part, word ? word : "", clean);
}

/* One "Label:  value" line. */
static void field(struct out *o, const json_t *obj, const struct cli_col *col)
{
	char cell[LINE_MAX - LABEL_W - 2], label[LABEL_W + 2];

	cli_out_cell(obj, col, o->now, cell, sizeof(cell));
	snprintf(label, sizeof(label), "%s:", col->header);
	say(o, (col->flags & NC_COL_STATE) ? cell : "", "%-*s %s", LABEL_W, label, cell);
}

/* A hash as its first 8 characters, or "-". */
static void short_hash(const json_t *v, char *buf, size_t n)
{
	const char *h = json_string_value(v);

	snprintf(buf, n, "%.8s", h && *h ? h : "-");
}

/* "seq 3, hash 1a2b3c4d, 12s ago" of a seq, a hash and an ISO time member. */
static void seq_line(struct out *o, const char *label, const json_t *s, const char *seq_key,
		     const char *hash_key, const char *time_key)
{
	struct cli_col when = {"", time_key, NC_COL_TIME, NULL};
	char hash[16], ago[64], lab[LABEL_W + 2];

	short_hash(json_object_get(s, hash_key), hash, sizeof(hash));
	cli_out_cell(s, &when, o->now, ago, sizeof(ago));
	snprintf(lab, sizeof(lab), "%s:", label);
	say(o, "", "%-*s seq %" JSON_INTEGER_FORMAT ", hash %s, %s", LABEL_W, lab,
	    json_integer_value(json_object_get(s, seq_key)), hash, ago);
}

/* The device's last confirmation as the agent sent it, with its failures. */
static void last_confirm(struct out *o, const json_t *conf)
{
	const json_t *f;
	char hash[16];
	size_t i;

	if (!json_is_object(conf)) {
		say(o, "", "%-*s %s", LABEL_W, "  Last Confirm:", "none yet");
		return;
	}
	short_hash(json_object_get(conf, "config_hash"), hash, sizeof(hash));
	say(o, json_string_value(json_object_get(conf, "status")),
	    "%-*s seq %" JSON_INTEGER_FORMAT ", %s, hash %s, %" JSON_INTEGER_FORMAT
	    " applied, %" JSON_INTEGER_FORMAT " failed",
	    LABEL_W, "  Last Confirm:", json_integer_value(json_object_get(conf, "seq")),
	    json_string_value(json_object_get(conf, "status"))
		    ? json_string_value(json_object_get(conf, "status"))
		    : "?",
	    hash, json_integer_value(json_object_get(conf, "applied")),
	    json_integer_value(json_object_get(conf, "failed")));
	if (json_string_value(json_object_get(conf, "agent")))
		say(o, "", "%-*s %s", LABEL_W,
		    "  Agent:", json_string_value(json_object_get(conf, "agent")));
	json_array_foreach(json_object_get(conf, "failures"), i, f) {
		const char *topic = json_string_value(json_object_get(f, "topic"));
		const char *error = json_string_value(json_object_get(f, "error"));

		say(o, "failed", "    #%" JSON_INTEGER_FORMAT " %s: %s",
		    json_integer_value(json_object_get(f, "index")), topic ? topic : "?",
		    error ? error : "");
	}
}

/* One sync state: its state and reasons, what was sent, what was confirmed. */
static void state_lines(struct out *o, const json_t *s, bool mtge)
{
	const char *tenant = json_string_value(json_object_get(s, "tenant"));

	if (mtge)
		say(o, "", "Sync (tenant %s):", tenant ? tenant : "?");
	else
		say(o, "", "Sync:");
	for (size_t i = 0; i < NC_COUNT(sync_fields); i++)
		field(o, s, &sync_fields[i]);
	if (json_integer_value(json_object_get(s, "seq")) > 0)
		seq_line(o, "  Sent", s, "seq", "config_hash", "sent_at");
	else
		say(o, "", "%-*s %s", LABEL_W, "  Sent:", "nothing yet");
	if (json_integer_value(json_object_get(s, "confirmed_seq")) > 0)
		seq_line(o, "  Confirmed", s, "confirmed_seq", "confirmed_hash", "confirmed_at");
	else
		say(o, "", "%-*s %s", LABEL_W, "  Confirmed:", "never");
	last_confirm(o, json_object_get(s, "last_confirm"));
}

/* The cells of one tunnel, in the order of the table's header; *word its state. */
static void tunnel_cells(const json_t *t, int64_t now, char cells[TUN_COLS][CELL_W],
			 const char **word)
{
	const char *proto = json_string_value(json_object_get(t, "protocol"));
	const char *sa = json_string_value(json_object_get(t, "sa"));
	const json_t *hs = json_object_get(t, "latest_handshake");
	const char *keys[] = {"interface", "peer", "peering", "protocol"};
	bool up = json_is_true(json_object_get(t, "up"));

	for (size_t k = 0; k < 4; k++) {
		const char *v = json_string_value(json_object_get(t, keys[k]));

		snprintf(cells[k], CELL_W, "%s", v && *v ? v : "-");
	}
	snprintf(cells[4], CELL_W, "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(t, "tunnel_index")));
	if (proto && strcmp(proto, "ipsec") == 0 && sa) {
		up = strcmp(sa, "established") == 0;
		snprintf(cells[5], CELL_W, "SA: %s", up ? "Established" : "Down");
	} else {
		snprintf(cells[5], CELL_W, "%s", up ? "up" : "down");
	}
	*word = up ? "up" : "down";
	if (!json_is_integer(hs))
		snprintf(cells[6], CELL_W, "-");
	else
		nc_time_ago(json_integer_value(hs), now, cells[6], CELL_W);
	for (size_t k = 0; k < 2; k++) {
		const json_t *b = json_object_get(t, k ? "tx_bytes" : "rx_bytes");

		if (json_is_integer(b))
			cli_out_bytes(json_integer_value(b), cells[7 + k], CELL_W);
		else
			snprintf(cells[7 + k], CELL_W, "-");
	}
}

/* One row of the tunnel table, cells padded to w[]. */
static void tunnel_row(struct out *o, const char *word, char cells[TUN_COLS][CELL_W],
		       const size_t *w)
{
	char text[LINE_MAX];
	size_t len = 0;

	for (size_t c = 0; c < TUN_COLS && len < sizeof(text); c++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "  %-*.*s",
					c + 1 < TUN_COLS ? (int)w[c] : 0, CELL_W - 1, cells[c]);
	say(o, word, "%s", text);
}

/*
 * The heading of a list of the view: "Label:" alone before its lines
 * (true), or "Label:  unknown" when list is not an array and "Label:  none"
 * when it is empty (false: nothing follows).
 */
static bool list_heading(struct out *o, const json_t *list, const char *label, const char *unknown,
			 const char *none)
{
	if (json_array_size(list) > 0) {
		say(o, "", "%s", label);
		return true;
	}
	say(o, "", "%-*s %s", LABEL_W, label, json_is_array(list) ? none : unknown);
	return false;
}

/* The backbone state and the table of tunnels. */
static void tunnel_table(struct out *o, const json_t *view)
{
	static const char *const head[TUN_COLS] = {"INTERFACE", "PEER",	 "GROUP",
						   "PROTOCOL",	"INDEX", "STATE",
						   "HANDSHAKE", "RX",	 "TX"};
	const json_t *list = json_object_get(view, "tunnels"), *t;
	const char *backbone = json_string_value(json_object_get(view, "backbone"));
	char cells[TUN_MAX + 1][TUN_COLS][CELL_W];
	const char *words[TUN_MAX + 1];
	size_t w[TUN_COLS] = {0}, i, rows = 0;

	say(o, backbone ? backbone : "", "%-*s %s", LABEL_W,
	    "Backbone:", backbone ? backbone : "unknown");
	if (!list_heading(o, list, "Tunnels:", "unknown (the core reports none)", "none reported"))
		return;
	for (size_t c = 0; c < TUN_COLS; c++)
		snprintf(cells[0][c], CELL_W, "%s", head[c]);
	words[0] = "";
	json_array_foreach(list, i, t) {
		if (rows == TUN_MAX)
			break;
		rows++;
		tunnel_cells(t, o->now, cells[rows], &words[rows]);
	}
	for (size_t r = 0; r <= rows; r++)
		for (size_t c = 0; c < TUN_COLS; c++)
			if (strlen(cells[r][c]) > w[c])
				w[c] = strlen(cells[r][c]);
	for (size_t r = 0; r <= rows; r++)
		tunnel_row(o, words[r], cells[r], w);
	if (json_array_size(list) > rows)
		say(o, "", "  ... and %zu more", json_array_size(list) - rows);
}

/* The recent events, as `tail' prints them. */
static void event_lines(struct out *o, const json_t *view)
{
	const json_t *list = json_object_get(view, "events"), *ev;
	char line[LINE_MAX];
	size_t i;

	if (!list_heading(o, list, "Events:", "unknown (they could not be read)", "none recent"))
		return;
	json_array_foreach(list, i, ev) {
		cli_evline(ev, false, line, sizeof(line));
		say(o, "", "  %s", line);
	}
}

int cli_describe_lines(const json_t *view, int64_t now, cli_describe_line_fn line, void *arg)
{
	struct out o = {line, arg, 0, now};
	const json_t *states = json_object_get(view, "sync_states"), *s;
	const char *kind = json_string_value(json_object_get(view, "kind"));
	size_t i;

	if (!json_is_object(view))
		return NC_ERR_INVAL;
	/* Edges have a kind; connectors have none. */
	for (i = 0; i < NC_COUNT(dev_fields); i++)
		if (dev_fields[i].kinds & (kind ? EDGE : CONN))
			field(&o, view, &dev_fields[i].col);
	o.part = 1;
	if (json_array_size(states) == 0)
		say(&o, "", "%-*s %s", LABEL_W, "Sync:",
		    json_is_array(states) ? "none yet (no configuration was built)" : "unknown");
	json_array_foreach(states, i, s)
		state_lines(&o, s, kind && strcmp(kind, "mtge") == 0);
	tunnel_table(&o, view);
	event_lines(&o, view);
	return 0;
}

int cli_describe_view(const json_t *device, const json_t *sync, const json_t *tunnels,
		      const json_t *events, json_t **out)
{
	json_t *v, *states;

	*out = NULL;
	if (!json_is_object(device))
		return NC_ERR_INVAL;
	v = json_deep_copy(device);
	/* One state, or {"items":[...]} for a device that serves several tenants. */
	if (json_is_array(json_object_get(sync, "items")))
		states = json_deep_copy(json_object_get(sync, "items"));
	else if (json_is_object(sync))
		states = json_pack("[O]", sync);
	else
		states = json_null();
	json_object_set_new(v, "sync_states", states); /* steals */
	json_object_set_new(v, "backbone",
			    json_is_string(json_object_get(tunnels, "backbone"))
				    ? json_deep_copy(json_object_get(tunnels, "backbone"))
				    : json_null());
	json_object_set_new(v, "tunnels",
			    json_is_array(json_object_get(tunnels, "tunnels"))
				    ? json_deep_copy(json_object_get(tunnels, "tunnels"))
				    : json_null());
	json_object_set_new(v, "events",
			    json_is_array(json_object_get(events, "items"))
				    ? json_deep_copy(json_object_get(events, "items"))
				    : json_null());
	*out = v;
	return 0;
}
