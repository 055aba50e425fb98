/* SPDX-License-Identifier: MIT */
/* One line per event for `tail`; no I/O. */
#include "evline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/duration.h"
#include "../lib/util/err.h"
#include "cmdinfo.h"
#include "output.h"

#define RESET "\033[0m"
#define CHECK "\xe2\x9c\x93" /* ✓ */
#define CROSS "\xe2\x9c\x97" /* ✗ */
#define ARROW "\xe2\x86\x92" /* → */
#define BOTH  "\xe2\x86\x94" /* ↔ */

struct line {
	char *buf;
	size_t n, len;
	bool color;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (l->len >= l->n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->len, l->n - l->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->len = l->len + (size_t)k < l->n ? l->len + (size_t)k : l->n - 1;
}

/* text in the colour cli_out_state_color gives the word as. */
static void colored(struct line *l, const char *as, const char *text)
{
	const char *seq = l->color ? cli_out_state_color(as) : NULL;

	add(l, "%s%s%s", seq ? seq : "", text, seq ? RESET : "");
}

static void state(struct line *l, const char *word)
{
	colored(l, word, word);
}

static void mark(struct line *l, bool good)
{
	const char *seq = l->color ? cli_out_state_color(good ? "up" : "down") : NULL;

	add(l, "%s%s%s", seq ? seq : "", good ? CHECK : CROSS, seq ? RESET : "");
}

static const char *s(const json_t *ev, const char *key)
{
	const char *v = json_string_value(json_object_get(ev, key));

	return v ? v : "";
}

static long long num(const json_t *ev, const char *key)
{
	return (long long)json_integer_value(json_object_get(ev, key));
}

static void confirm(struct line *l, const json_t *ev)
{
	const char *verdict = s(ev, "verdict");
	const json_t *f = json_array_get(json_object_get(ev, "failures"), 0);
	bool ok = strcmp(verdict, "verified") == 0;

	add(l, "seq %lld ", num(ev, "seq"));
	mark(l, ok);
	add(l, " %s  hash %.8s", verdict, s(ev, "config_hash"));
	if (strcmp(verdict, "hash_mismatch") == 0)
		add(l, " (expected %.8s)", s(ev, "expected_hash"));
	if (strcmp(verdict, "stale") == 0 || strcmp(verdict, "future") == 0)
		add(l, " (expected seq %lld)", num(ev, "expected_seq"));
	add(l, "  ");
	colored(l, strcmp(s(ev, "status"), "success") == 0 ? "up" : "down", s(ev, "status"));
	add(l, "  applied %lld failed %lld", num(ev, "applied"), num(ev, "failed"));
	if (f)
		add(l, " (%s: %s)", s(f, "topic"), s(f, "error"));
	if (*s(ev, "state")) {
		add(l, "  %s ", ARROW);
		state(l, s(ev, "state"));
	}
}

static void one_tunnel(struct line *l, const json_t *t, bool comma)
{
	add(l, "%s%s%s%s ", comma ? ", " : "", s(t, "interface"), ARROW, s(t, "peer"));
	state(l, json_is_true(json_object_get(t, "up")) ? "up" : "down");
}

/*
 * Up to TUNNELS_LISTED tunnels are listed one by one. A hub reports one per
 * spoke: then the line counts them and lists only the down ones, at most
 * TUNNELS_LISTED of them (-o json has every tunnel).
 */
#define TUNNELS_LISTED 4

static void tunnels(struct line *l, const json_t *ev)
{
	const json_t *all = json_object_get(ev, "tunnels"), *t;
	size_t i, n = json_array_size(all), down = 0, shown = 0;

	if (n == 0) {
		add(l, "no tunnels");
		return;
	}
	if (n <= TUNNELS_LISTED) {
		json_array_foreach(all, i, t)
			one_tunnel(l, t, i > 0);
		return;
	}
	json_array_foreach(all, i, t)
		down += !json_is_true(json_object_get(t, "up"));
	add(l, "%zu tunnels: %zu ", n, n - down);
	state(l, "up");
	add(l, ", %zu ", down);
	state(l, "down");
	if (down == 0)
		return;
	add(l, " (");
	json_array_foreach(all, i, t) {
		if (json_is_true(json_object_get(t, "up")))
			continue;
		if (shown == TUNNELS_LISTED) {
			add(l, ", %zu more", down - shown);
			break;
		}
		one_tunnel(l, t, shown++ > 0);
	}
	add(l, ")");
}

static void notes(struct line *l, const json_t *ev)
{
	const json_t *n;
	size_t i;

	add(l, "seq %lld:", num(ev, "seq"));
	json_array_foreach(json_object_get(ev, "notes"), i, n) {
		if (json_is_string(n))
			add(l, "%s %s", i ? ";" : "", json_string_value(n));
		else
			add(l, "%s %s", i ? ";" : "", s(n, "message"));
	}
}

/* Whatever fields an unknown type has, as compact JSON. */
static void others(struct line *l, const json_t *ev)
{
	static const char *const skip[] = {"id", "ts", "type", "tenant", "device"};
	json_t *rest = json_deep_copy(ev);
	char *text;

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		json_object_del(rest, skip[i]);
	text = json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS);
	add(l, "%s", text ? text : "");
	free(text);
	json_decref(rest);
}

/* "seq 42 applied, skipped 40 41". */
static void superseded(struct line *l, const json_t *ev)
{
	const json_t *n;
	size_t i;

	add(l, "seq %lld applied, skipped", num(ev, "seq"));
	json_array_foreach(json_object_get(ev, "superseded"), i, n)
		add(l, " %lld", (long long)json_integer_value(n));
}

static void details(struct line *l, const char *type, const json_t *ev)
{
	char up[NC_DURATION_BUFSZ];

	if (strcmp(type, "confirm") == 0) {
		confirm(l, ev);
	} else if (strcmp(type, "sync_state") == 0) {
		state(l, s(ev, "state"));
		add(l, " seq %lld (%s)", num(ev, "seq"), s(ev, "reason"));
	} else if (strcmp(type, "superseded") == 0) {
		superseded(l, ev);
	} else if (strcmp(type, "batch_sent") == 0) {
		add(l, "seq %lld hash %.8s ", num(ev, "seq"), s(ev, "config_hash"));
		if (json_is_true(json_object_get(ev, "published")))
			colored(l, "up", "sent");
		else
			colored(l, "down", "not published");
		add(l, " (%s)", s(ev, "reason"));
	} else if (strcmp(type, "heartbeat") == 0) {
		nc_duration_format(num(ev, "uptime_s") * 1000, up, sizeof(up));
		add(l, "seq %lld hash %.8s up %s", num(ev, "seq"), s(ev, "config_hash"), up);
	} else if (strcmp(type, "tunnel_status") == 0) {
		tunnels(l, ev);
	} else if (strcmp(type, "link") == 0) {
		add(l, "%s %s%s%s tunnel %lld ", s(ev, "peering"), s(ev, "a"), BOTH, s(ev, "b"),
		    num(ev, "tunnel_index"));
		state(l, s(ev, "status"));
	} else if (strcmp(type, "dirty") == 0) {
		state(l, s(ev, "state"));
		add(l, ": %s", s(ev, "reason"));
	} else if (strcmp(type, "lifecycle") == 0) {
		add(l, "%s %s ", s(ev, "from"), ARROW);
		state(l, s(ev, "to"));
	} else if (strcmp(type, "audit") == 0) {
		add(l, "%s %s (%s%s%s)", s(ev, "action"), s(ev, "object"), s(ev, "role"),
		    *s(ev, "token") ? " token " : "", s(ev, "token"));
	} else if (strcmp(type, "config_request") == 0) {
		add(l, "seq %lld hash %.8s (%s)", num(ev, "seq"), s(ev, "config_hash"),
		    s(ev, "reason"));
	} else if (strcmp(type, "register") == 0) {
		add(l, "%s %s%s", s(ev, "kind"), s(ev, "hostname"),
		    json_is_true(json_object_get(ev, "enrolled")) ? " enrolled, awaiting approval"
								  : "");
	} else if (strcmp(type, "proto_error") == 0) {
		add(l, "%s: %s", s(ev, "topic"), s(ev, "error"));
	} else if (strcmp(type, "ignored") == 0) {
		add(l, "%s: %s", s(ev, "message"), s(ev, "reason"));
	} else if (strcmp(type, "build_notes") == 0) {
		notes(l, ev);
	} else if (strcmp(type, "sync_error") == 0) {
		add(l, "%s: %s", s(ev, "reason"), s(ev, "error"));
	} else if (strcmp(type, "broker") == 0) {
		if (json_is_true(json_object_get(ev, "connected")))
			colored(l, "up", "connected");
		else
			colored(l, "down", "disconnected");
	} else if (strcmp(type, "gap") == 0) {
		/* The server's message speaks to API clients; this one to people. */
		add(l,
		    "events after %lld were missed (the server restarted, or they left its "
		    "ring): `sync status' and the lists show the current state",
		    num(ev, "after"));
	} else {
		others(l, ev);
	}
}

void cli_evline(const json_t *ev, bool color, char *buf, size_t n)
{
	struct line l = {.buf = buf, .n = n, .color = color};
	const char *ts = s(ev, "ts"), *type = s(ev, "type"), *dev = s(ev, "device");
	char when[16] = "--:--:--";

	if (n == 0)
		return;
	buf[0] = '\0';
	if (strlen(ts) >= 19 && ts[10] == 'T')
		snprintf(when, sizeof(when), "%.8s", ts + 11);
	add(&l, "%s  %-12s  %-13s ", when, *dev ? dev : "-", *type ? type : "?");
	details(&l, type, ev);
}

/* Appends name to out unless it is there already. */
static void add_type(char *out, size_t n, const char *name, size_t len)
{
	size_t ol = strlen(out);

	for (const char *p = out; *p;) {
		size_t l = strcspn(p, ",");

		if (l == len && strncmp(p, name, len) == 0)
			return;
		p += l + (p[l] == ',');
	}
	snprintf(out + ol, n > ol ? n - ol : 0, "%s%.*s", ol ? "," : "", (int)len, name);
}

int cli_evtypes_expand(const char *list, char *out, size_t n, char *bad, size_t badn)
{
	out[0] = '\0';
	while (*list) {
		size_t len = strcspn(list, ",");
		bool known = false;

		if (len == 3 && strncmp(list, "all", 3) == 0) {
			out[0] = '\0';
			return 0;
		}
		for (size_t i = 0; i < nc_nevent_aliases && !known; i++) {
			const char *t = nc_event_aliases[i].types;

			if (strlen(nc_event_aliases[i].alias) != len ||
			    strncmp(nc_event_aliases[i].alias, list, len) != 0)
				continue;
			known = true;
			while (*t) {
				size_t tl = strcspn(t, ",");

				add_type(out, n, t, tl);
				t += tl + (t[tl] == ',');
			}
		}
		for (size_t i = 0; i < nc_nevent_types && !known; i++) {
			if (strlen(nc_event_types[i]) == len &&
			    strncmp(nc_event_types[i], list, len) == 0) {
				known = true;
				add_type(out, n, list, len);
			}
		}
		if (!known && len > 0) {
			snprintf(bad, badn, "%.*s", (int)len, list);
			return NC_ERR_INVAL;
		}
		list += len + (list[len] == ',');
	}
	return 0;
}
