/* SPDX-License-Identifier: MIT */
/* The dashboard's model: API replies and events into rows; no I/O. */
#include "model.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/evline.h"
#include "../cli/output.h"
#include "../lib/events/events.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/utf8.h"
#include "../lib/util/xmalloc.h"
#include "../lib/util/count.h"

/* obj[key] as a string into buf[n], cut on a character boundary; "" when absent. */
static void copy(char *buf, size_t n, const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));
	size_t len = v ? strlen(v) : 0;

	if (len >= n)
		len = nc_utf8_trim(v, n - 1);
	memcpy(buf, v ? v : "", len);
	buf[len] = '\0';
}

static const char *str(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v ? v : "";
}

/* An integer member, or -1 when absent. */
static int64_t count(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

/* An ISO time member as Unix s; 0 when absent or unreadable. */
static int64_t when(const json_t *obj, const char *key)
{
	int64_t t = 0;
	const char *v = json_string_value(json_object_get(obj, key));

	if (v && nc_time_parse_iso(v, &t) < 0)
		t = 0;
	return t;
}

static int by_conn(const void *a, const void *b)
{
	return strcmp(((const struct tui_conn *)a)->serial, ((const struct tui_conn *)b)->serial);
}

static int by_edge(const void *a, const void *b)
{
	return strcmp(((const struct tui_edge *)a)->serial, ((const struct tui_edge *)b)->serial);
}

void tui_model_init(struct tui_model *m)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->link = TUI_LINK_CONNECTING;
}

static void free_groups(struct tui_peering *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tui_group_clear(&g[i]);
	free(g);
}

void tui_model_clear(struct tui_model *m)
{
	free(m->conns);
	free(m->edges);
	free_groups(m->groups, m->ngroups);
	json_decref(m->stats);
	for (size_t i = 0; i < TUI_EVENTS_MAX; i++) {
		free(m->events[i].line);
		free(m->events[i].raw);
	}
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
}

/* A string member of a parsed device: size bytes at off, from the member
 * key of the item, or of its member object sub when sub is set. */
struct field {
	size_t off, size;
	const char *sub, *key;
};

#define FIELD(T, m, sub, key)                                                                      \
	{                                                                                          \
		offsetof(T, m), sizeof(((T *)0)->m), sub, key                                      \
	}

/* A kind of device: its fields (the serial first), where last_seen goes, its order. */
struct kind {
	size_t size;
	const struct field *fields;
	size_t nfields;
	size_t seen_off;
	int (*cmp)(const void *, const void *);
};

/* What every device has, the serial first, in struct T. */
#define DEVICE_FIELDS(T)                                                                           \
	FIELD(T, serial, NULL, "serial"), FIELD(T, tenant, NULL, "tenant"),                        \
		FIELD(T, name, NULL, "name"), FIELD(T, region, NULL, "region")

static const struct field conn_fields[] = {
	DEVICE_FIELDS(struct tui_conn),
	FIELD(struct tui_conn, hub, NULL, "hub_edge"),
	FIELD(struct tui_conn, status, NULL, "status"),
	FIELD(struct tui_conn, sync, "sync", "state"),
	FIELD(struct tui_conn, dirty, "sync", "dirty_reason"),
};

static const struct field edge_fields[] = {
	DEVICE_FIELDS(struct tui_edge),
	FIELD(struct tui_edge, kind, NULL, "kind"),
	FIELD(struct tui_edge, endpoint, NULL, "endpoint"),
};

static const struct kind conn_kind = {sizeof(struct tui_conn), conn_fields, NC_COUNT(conn_fields),
				      offsetof(struct tui_conn, last_seen), by_conn};
static const struct kind edge_kind = {sizeof(struct tui_edge), edge_fields, NC_COUNT(edge_fields),
				      offsetof(struct tui_edge, last_seen), by_edge};

/* Appends the devices of items to d (of kind k); items without a serial are left out. */
static void add_devices(struct tui_devs *d, const json_t *items, const struct kind *k)
{
	const json_t *it;
	size_t i;

	d->v = nc_xgrow(d->v, &d->cap, (d->n + json_array_size(items) + 1) * k->size, 64 * k->size);
	json_array_foreach(items, i, it) {
		char *dev = (char *)d->v + d->n * k->size;
		int64_t seen = when(it, "last_seen");

		memset(dev, 0, k->size);
		for (size_t f = 0; f < k->nfields; f++) {
			const struct field *fd = &k->fields[f];

			copy(dev + fd->off, fd->size, fd->sub ? json_object_get(it, fd->sub) : it,
			     fd->key);
		}
		if (!dev[k->fields[0].off])
			continue;
		memcpy(dev + k->seen_off, &seen, sizeof(seen));
		d->n++;
	}
	/* The spare element after the last, zeroed. */
	memset((char *)d->v + d->n * k->size, 0, k->size);
}

static const struct kind *kind_of(const struct tui_devs *d)
{
	return d->edges ? &edge_kind : &conn_kind;
}

int tui_devs_add(const json_t *items, void *d)
{
	add_devices(d, items, kind_of(d));
	return 0;
}

size_t tui_devs_take(struct tui_devs *d, void *out)
{
	size_t n = d->n;

	if (!d->v)
		add_devices(d, NULL, kind_of(d));
	qsort(d->v, n, kind_of(d)->size, kind_of(d)->cmp);
	memcpy(out, &d->v, sizeof(d->v));
	d->v = NULL;
	d->n = d->cap = 0;
	return n;
}

size_t tui_conns_parse(const json_t *items, struct tui_conn **out)
{
	struct tui_devs d = {0};

	tui_devs_add(items, &d);
	return tui_devs_take(&d, out);
}

size_t tui_edges_parse(const json_t *items, struct tui_edge **out)
{
	struct tui_devs d = {.edges = true};

	tui_devs_add(items, &d);
	return tui_devs_take(&d, out);
}

bool tui_group_parse(const json_t *group, struct tui_peering *g)
{
	const json_t *links = json_object_get(group, "links"),
		     *iso = json_object_get(group, "isolated");
	const json_t *it;
	size_t i;

	memset(g, 0, sizeof(*g));
	copy(g->name, sizeof(g->name), group, "name");
	if (!g->name[0])
		return false;
	copy(g->tenant, sizeof(g->tenant), group, "tenant");
	copy(g->hub, sizeof(g->hub), group, "hub");
	copy(g->topology, sizeof(g->topology), group, "topology");
	copy(g->protocol, sizeof(g->protocol), group, "protocol");
	g->dual = json_is_true(json_object_get(group, "dual_tunnel"));
	g->nmembers = json_array_size(json_object_get(group, "members"));
	g->links = nc_xcalloc(json_array_size(links) + 1, sizeof(*g->links));
	json_array_foreach(links, i, it) {
		struct tui_link *l = &g->links[g->nlinks++];

		copy(l->a, sizeof(l->a), it, "a");
		copy(l->b, sizeof(l->b), it, "b");
		copy(l->status, sizeof(l->status), it, "status");
		l->index = (int)json_integer_value(json_object_get(it, "tunnel_index"));
		copy(l->sa, sizeof(l->sa), it, "sa");
		l->handshake = count(it, "latest_handshake");
		l->rx = count(it, "rx_bytes");
		l->tx = count(it, "tx_bytes");
		l->no_endpoint = json_is_string(json_object_get(it, "warning")) &&
				 strcmp(json_string_value(json_object_get(it, "warning")),
					"no_endpoint") == 0;
	}
	g->isolated = nc_xcalloc(json_array_size(iso) + 1, sizeof(*g->isolated));
	json_array_foreach(iso, i, it) {
		const char *s = json_string_value(it);

		if (s)
			snprintf(g->isolated[g->nisolated++], TUI_STR, "%s", s);
	}
	return true;
}

void tui_group_clear(struct tui_peering *g)
{
	free(g->links);
	free(g->isolated);
	g->links = NULL;
	g->isolated = NULL;
	g->nlinks = g->nisolated = 0;
}

void tui_model_set_stats(struct tui_model *m, json_t *reply)
{
	json_decref(m->stats);
	m->stats = reply;
	m->version++;
}

void tui_model_set_conns(struct tui_model *m, struct tui_conn *v, size_t n)
{
	free(m->conns);
	m->conns = v;
	m->nconns = n;
	m->version++;
}

void tui_model_set_edges(struct tui_model *m, struct tui_edge *v, size_t n)
{
	/* The sync states come with another list: keep them across the swap. */
	for (size_t i = 0; i < n; i++) {
		const struct tui_edge *old = tui_model_edge(m, v[i].serial);

		if (old)
			snprintf(v[i].sync, sizeof(v[i].sync), "%s", old->sync);
	}
	free(m->edges);
	m->edges = v;
	m->nedges = n;
	m->version++;
}

void tui_model_set_groups(struct tui_model *m, struct tui_peering *v, size_t n)
{
	free_groups(m->groups, m->ngroups);
	m->groups = v;
	m->ngroups = n;
	m->version++;
}

void tui_model_set_edge_sync(struct tui_model *m, const json_t *items)
{
	const json_t *it;
	size_t i;

	/* An MTGE's own tenant wins over the tenants it serves. */
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(items, i, it) {
			struct tui_edge *e = tui_model_edge(m, str(it, "serial"));
			bool own = e && strcmp(e->tenant, str(it, "tenant")) == 0;

			if (e && (pass == 0 ? !own : own))
				copy(e->sync, sizeof(e->sync), it, "state");
		}
	}
	m->version++;
}

struct tui_conn *tui_model_conn(struct tui_model *m, const char *serial)
{
	struct tui_conn key;

	snprintf(key.serial, sizeof(key.serial), "%s", serial);
	return m->nconns ? bsearch(&key, m->conns, m->nconns, sizeof(key), by_conn) : NULL;
}

struct tui_edge *tui_model_edge(struct tui_model *m, const char *serial)
{
	struct tui_edge key;

	snprintf(key.serial, sizeof(key.serial), "%s", serial);
	return m->nedges ? bsearch(&key, m->edges, m->nedges, sizeof(key), by_edge) : NULL;
}

/* Sets the sync state (and the dirty reason, when not NULL) of the event's device. */
static void set_sync(struct tui_model *m, const json_t *ev, const char *state, const char *dirty)
{
	const char *dev = str(ev, "device"), *tenant = str(ev, "tenant");
	struct tui_conn *c = tui_model_conn(m, dev);
	struct tui_edge *e = c ? NULL : tui_model_edge(m, dev);

	if (!state[0])
		return;
	if (c) {
		snprintf(c->sync, sizeof(c->sync), "%s", state);
		if (dirty)
			snprintf(c->dirty, sizeof(c->dirty), "%s", dirty);
	} else if (e && (!tenant[0] || strcmp(e->tenant, tenant) == 0)) {
		/* An MTGE's batches for other tenants leave its own state alone. */
		snprintf(e->sync, sizeof(e->sync), "%s", state);
	}
}

static void set_link(struct tui_model *m, const json_t *ev)
{
	const char *name = str(ev, "peering"), *tenant = str(ev, "tenant");
	const char *a = str(ev, "a"), *b = str(ev, "b");
	int index = (int)json_integer_value(json_object_get(ev, "tunnel_index"));

	for (size_t i = 0; i < m->ngroups; i++) {
		struct tui_peering *g = &m->groups[i];

		if (strcmp(g->name, name) != 0 || (tenant[0] && strcmp(g->tenant, tenant) != 0))
			continue;
		for (size_t j = 0; j < g->nlinks; j++) {
			struct tui_link *l = &g->links[j];

			if (l->index == index && ((strcmp(l->a, a) == 0 && strcmp(l->b, b) == 0) ||
						  (strcmp(l->a, b) == 0 && strcmp(l->b, a) == 0))) {
				copy(l->status, sizeof(l->status), ev, "status");
				/* An IPSec link's SA follows its status. */
				if (strcmp(str(ev, "protocol"), "ipsec") == 0)
					snprintf(l->sa, sizeof(l->sa), "%s",
						 strcmp(l->status, "up") == 0	  ? "established"
						 : strcmp(l->status, "down") == 0 ? "down"
										  : "");
			}
		}
	}
}

/* Appends the event to the tail ring, dropping the oldest when full. */
static void append(struct tui_model *m, const json_t *ev, const char *data)
{
	struct tui_event *e;
	char line[1024];
	const char *word = str(ev, "state");

	if (!word[0])
		word = str(ev, strcmp(str(ev, "type"), "link") == 0 ? "status" : "to");
	if (m->ev_count == TUI_EVENTS_MAX) {
		e = &m->events[m->ev_head];
		m->ev_head = (m->ev_head + 1) % TUI_EVENTS_MAX;
	} else {
		e = &m->events[(m->ev_head + m->ev_count++) % TUI_EVENTS_MAX];
	}
	free(e->line);
	free(e->raw);
	cli_evline(ev, false, line, sizeof(line));
	e->line = nc_xstrdup(line);
	e->raw = nc_xstrdup(data);
	e->id = json_integer_value(json_object_get(ev, "id"));
	snprintf(e->word, sizeof(e->word), "%s", word);
}

unsigned tui_model_apply_event(struct tui_model *m, const json_t *ev, const char *data)
{
	const char *type = str(ev, "type");
	enum nc_event_type et = NC_EV_COUNT; /* stays so for "gap" and types newer than us */
	unsigned r = TUI_EV_PATCHED;

	nc_event_type_find(type, &et);
	if (strcmp(type, "gap") == 0) {
		r = TUI_EV_GAP;
	} else if (et == NC_EV_audit) {
		/* A write: objects may have come or gone. */
		r = TUI_EV_LISTS | TUI_EV_STATS;
	} else if (et == NC_EV_register) {
		r = json_is_true(json_object_get(ev, "enrolled")) ? TUI_EV_LISTS | TUI_EV_STATS : 0;
	} else if (et == NC_EV_lifecycle) {
		struct tui_conn *c = tui_model_conn(m, str(ev, "device"));

		if (c)
			copy(c->status, sizeof(c->status), ev, "to");
		r |= TUI_EV_STATS;
	} else if (et == NC_EV_dirty) {
		set_sync(m, ev, str(ev, "state")[0] ? str(ev, "state") : "pending",
			 str(ev, "reason"));
		r |= TUI_EV_STATS;
	} else if (et == NC_EV_batch_sent) {
		set_sync(m, ev, "applying", NULL);
		r |= TUI_EV_STATS;
	} else if (et == NC_EV_confirm || et == NC_EV_sync_state) {
		set_sync(m, ev, str(ev, "state"), NULL);
		r |= TUI_EV_STATS;
	} else if (et == NC_EV_heartbeat) {
		const char *dev = str(ev, "device");
		struct tui_conn *c = tui_model_conn(m, dev);
		struct tui_edge *e = c ? NULL : tui_model_edge(m, dev);
		int64_t t = when(ev, "ts");

		if (c && t)
			c->last_seen = t;
		else if (e && t)
			e->last_seen = t;
	} else if (et == NC_EV_link) {
		set_link(m, ev);
	} else {
		r = 0;
	}
	append(m, ev, data);
	m->version++;
	return r;
}

const struct tui_event *tui_model_event(const struct tui_model *m, size_t i)
{
	return &m->events[(m->ev_head + i) % TUI_EVENTS_MAX];
}

static void vstatus(struct tui_model *m, bool err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Sets the status line from fmt and ap (lock held). */
static void vstatus(struct tui_model *m, bool err, const char *fmt, va_list ap)
{
	vsnprintf(m->status, sizeof(m->status), fmt, ap);
	m->status_err = err;
	m->status_seq++;
	m->version++;
}

void tui_model_status(struct tui_model *m, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstatus(m, err, fmt, ap);
	va_end(ap);
}

void tui_model_vsay(struct tui_model *m, bool err, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&m->lock);
	vstatus(m, err, fmt, ap);
	pthread_mutex_unlock(&m->lock);
}

/* Link k's status and tunnel as `link list' words them (cli_out_link_status_text into st[sn],
 * cli_out_tunnel_text into buf[n]). */
void tui_link_text(const struct tui_link *k, char *st, size_t sn, char *buf, size_t n)
{
	json_t *o = json_pack("{s:s}", "status", k->status);

	if (k->sa[0])
		json_object_set_new(o, "sa", json_string(k->sa));
	if (k->handshake >= 0)
		json_object_set_new(o, "latest_handshake", json_integer(k->handshake));
	if (k->rx >= 0)
		json_object_set_new(o, "rx_bytes", json_integer(k->rx));
	if (k->tx >= 0)
		json_object_set_new(o, "tx_bytes", json_integer(k->tx));
	cli_out_link_status_text(o, st, sn);
	cli_out_tunnel_text(o, nc_time_now(), buf, n);
	json_decref(o);
}
