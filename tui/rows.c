/* SPDX-License-Identifier: MIT */
/*
 * The rows of each panel, from the model: cells as the CLI's tables show
 * them (relative times, "-" for empty), the filter, and the selection kept
 * on its object while rows come and go. No I/O, no curses.
 */
#include "tui.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/output.h"
#include "../cli/present.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/utf8.h"
#include "../lib/util/xmalloc.h"
#include "../lib/util/count.h"

/* clang-format off */
#define CONN(f, how) offsetof(struct tui_conn, f), TUI_SORT_##how
#define EDGE(f, how) offsetof(struct tui_edge, f), TUI_SORT_##how
/* clang-format on */

/* Columns of the seeds (Name ... Last Seen), then the sync state. */
static const struct tui_col conn_cols[] = {
	{"Name", false, CONN(name, NOCASE)},	 {"Serial", false, CONN(serial, TEXT)},
	{"Region", false, CONN(region, NOCASE)}, {"Hub Edge", false, CONN(hub, TEXT)},
	{"Status", false, CONN(status, TEXT)},	 {"Last Seen", false, CONN(last_seen, TIME)},
	{"Sync", false, CONN(sync, TEXT)},	 {"Dirty Reason", true, CONN(dirty, TEXT)},
};
static const struct tui_col edge_cols[] = {
	{"Name", false, EDGE(name, NOCASE)},	   {"Serial", false, EDGE(serial, TEXT)},
	{"Kind", false, EDGE(kind, TEXT)},	   {"Region", false, EDGE(region, NOCASE)},
	{"Endpoint", false, EDGE(endpoint, TEXT)}, {"Last Seen", false, EDGE(last_seen, TIME)},
	{"Sync", true, EDGE(sync, TEXT)},
};
/* Group rows span the width; link rows have the columns of the links table. */
static const struct tui_col link_cols[] = {
	{"Edge A", false, 0, TUI_SORT_NONE},
	{"Edge B", false, 0, TUI_SORT_NONE},
	{"Status", false, 0, TUI_SORT_NONE},
	{"Tunnel Index", true, 0, TUI_SORT_NONE},
};
/* As cli_evline lays a line out: time, device, type, what happened. */
static const struct tui_col event_cols[] = {
	{"Time      Device        Type          Event", true, 0, TUI_SORT_NONE},
};

const struct tui_col *tui_rows_cols(enum tui_panel p, size_t *n)
{
	switch (p) {
	case TUI_CONNECTORS:
		*n = NC_COUNT(conn_cols);
		return conn_cols;
	case TUI_EDGES:
		*n = NC_COUNT(edge_cols);
		return edge_cols;
	case TUI_PEERINGS:
		*n = NC_COUNT(link_cols);
		return link_cols;
	default:
		*n = NC_COUNT(event_cols);
		return event_cols;
	}
}

const char *tui_panel_name(enum tui_panel p)
{
	static const char *const names[TUI_NPANELS] = {"Connectors", "Edges", "Peerings", "Events"};

	return p < TUI_NPANELS ? names[p] : "?";
}

/* Rows of a group: itself, its links, its isolated members. */
static size_t group_rows(const struct tui_peering *g)
{
	return 1 + g->nlinks + g->nisolated;
}

size_t tui_rows_count(const struct tui_model *m, enum tui_panel p)
{
	size_t n = 0;

	switch (p) {
	case TUI_CONNECTORS:
		return m->nconns;
	case TUI_EDGES:
		return m->nedges;
	case TUI_PEERINGS:
		for (size_t i = 0; i < m->ngroups; i++)
			n += group_rows(&m->groups[i]);
		return n;
	default:
		return m->ev_count;
	}
}

/* Sets cell i, cut on a character boundary; empty text shows as "-". */
static void cell(struct tui_row *r, size_t i, const char *word, const char *text)
{
	const char *s = text && *text ? text : "-";
	size_t len = strlen(s);

	if (len >= sizeof(r->cell[i]))
		len = nc_utf8_trim(s, sizeof(r->cell[i]) - 1);
	memcpy(r->cell[i], s, len);
	r->cell[i][len] = '\0';
	snprintf(r->word[i], sizeof(r->word[i]), "%s", word ? word : "");
}

static void ago(struct tui_row *r, size_t i, int64_t then, int64_t now)
{
	char buf[32];

	nc_time_ago(then, now, buf, sizeof(buf));
	cell(r, i, NULL, buf);
}

/* The start of a device's row: keyed by its serial, then Name and Serial. */
static void device_row(struct tui_row *r, const char *serial, const char *name)
{
	snprintf(r->key, sizeof(r->key), "%s", serial);
	snprintf(r->serial, sizeof(r->serial), "%s", serial);
	cell(r, 0, NULL, name);
	cell(r, 1, NULL, serial);
}

static void conn_row(const struct tui_conn *c, int64_t now, struct tui_row *r)
{
	device_row(r, c->serial, c->name);
	cell(r, 2, NULL, c->region);
	cell(r, 3, NULL, c->hub);
	cell(r, 4, c->status, c->status);
	ago(r, 5, c->last_seen, now);
	char why[sizeof(c->dirty)];

	cell(r, 6, c->sync, c->sync);
	cli_present_reason(c->sync, NULL, c->dirty, why, sizeof(why));
	cell(r, 7, NULL, why);
}

static void edge_row(const struct tui_edge *e, int64_t now, struct tui_row *r)
{
	device_row(r, e->serial, e->name);
	cell(r, 2, NULL, e->kind);
	cell(r, 3, NULL, e->region);
	cell(r, 4, NULL, e->endpoint);
	ago(r, 5, e->last_seen, now);
	cell(r, 6, e->sync, e->sync);
}

/* Row k of group g (0: the group itself). */
static void group_row(const struct tui_peering *g, size_t k, struct tui_row *r)
{
	char text[TUI_CELL];

	if (k == 0) {
		snprintf(text, sizeof(text), "%s  %s  %s%s  hub %s  %zu member%s  %zu link%s%s%s",
			 g->name, g->topology, g->protocol, g->dual ? "  dual tunnel" : "",
			 g->hub[0] ? g->hub : "-", g->nmembers, g->nmembers == 1 ? "" : "s",
			 g->nlinks, g->nlinks == 1 ? "" : "s", g->tenant[0] ? "  tenant " : "",
			 g->tenant);
		snprintf(r->key, sizeof(r->key), "g %s %s", g->tenant, g->name);
		r->span = true;
		cell(r, 0, NULL, text);
	} else if (k <= g->nlinks) {
		const struct tui_link *l = &g->links[k - 1];
		char st[32], hs[TUI_CELL];

		snprintf(r->key, sizeof(r->key), "l %s %s %s %s %d", g->tenant, g->name, l->a, l->b,
			 l->index);
		cli_present_tunnel_index(l->index, text, sizeof(text));
		if (l->no_endpoint)
			snprintf(text + strlen(text), sizeof(text) - strlen(text),
				 "  warning: no endpoint at either end");
		tui_link_text(l, st, sizeof(st), hs, sizeof(hs));
		cell(r, 0, NULL, l->a);
		cell(r, 1, NULL, l->b);
		cell(r, 2, l->status, st);
		cell(r, 3, NULL, text);
	} else {
		const char *s = g->isolated[k - 1 - g->nlinks];

		/* The seeds' isolated member warning, worded as `peering show' has it. */
		char why[TUI_CELL - 16];

		cli_out_isolated_text(why, sizeof(why), s);
		snprintf(text, sizeof(text), "  warning: %s", why);
		snprintf(r->key, sizeof(r->key), "w %s %s %s", g->tenant, g->name, s);
		r->span = true;
		cell(r, 0, "pending", text);
	}
}

void tui_rows_get(const struct tui_model *m, enum tui_panel p, size_t i, int64_t now,
		  struct tui_row *r)
{
	memset(r, 0, sizeof(*r));
	r->group = -1;
	switch (p) {
	case TUI_CONNECTORS:
		if (i < m->nconns)
			conn_row(&m->conns[i], now, r);
		break;
	case TUI_EDGES:
		if (i < m->nedges)
			edge_row(&m->edges[i], now, r);
		break;
	case TUI_PEERINGS:
		for (size_t g = 0; g < m->ngroups; g++) {
			size_t n = group_rows(&m->groups[g]);

			if (i < n) {
				group_row(&m->groups[g], i, r);
				r->group = (long)g;
				break;
			}
			i -= n;
		}
		break;
	default:
		if (i < m->ev_count) {
			const struct tui_event *e = tui_model_event(m, i);

			snprintf(r->key, sizeof(r->key), "%lld", e->id);
			r->span = true;
			r->evindex = i;
			cell(r, 0, e->word, e->line);
		}
		break;
	}
}

/* The key of row i, without building the row where that is cheap. */
static const char *row_key(const struct tui_model *m, enum tui_panel p, size_t i,
			   struct tui_row *tmp)
{
	if (p == TUI_CONNECTORS)
		return m->conns[i].serial;
	if (p == TUI_EDGES)
		return m->edges[i].serial;
	if (p == TUI_EVENTS) {
		snprintf(tmp->key, sizeof(tmp->key), "%lld", tui_model_event(m, i)->id);
		return tmp->key;
	}
	tui_rows_get(m, p, i, 0, tmp);
	return tmp->key;
}

static bool has(const char *s, const char *text)
{
	return strcasestr(s, text) != NULL;
}

/* Whether row i holds text; connectors and edges are matched on their fields. */
static bool matches(const struct tui_model *m, enum tui_panel p, size_t i, const char *text,
		    struct tui_row *tmp)
{
	if (p == TUI_CONNECTORS) {
		const struct tui_conn *c = &m->conns[i];

		return has(c->name, text) || has(c->serial, text) || has(c->region, text) ||
		       has(c->hub, text) || has(c->status, text) || has(c->sync, text);
	}
	if (p == TUI_EDGES) {
		const struct tui_edge *e = &m->edges[i];

		return has(e->name, text) || has(e->serial, text) || has(e->region, text) ||
		       has(e->kind, text) || has(e->endpoint, text) || has(e->sync, text);
	}
	tui_rows_get(m, p, i, 0, tmp);
	return tui_row_matches(tmp, text);
}

bool tui_row_matches(const struct tui_row *r, const char *text)
{
	if (!text[0])
		return true;
	for (size_t i = 0; i < TUI_MAXCOLS; i++) {
		if (r->cell[i][0] && has(r->cell[i], text))
			return true;
	}
	return false;
}

size_t tui_rows_shown(struct tui *t, enum tui_panel p)
{
	struct tui_pane *pane = &t->pane[p];
	size_t total = tui_rows_count(t->m, p);
	struct tui_row *tmp;

	if (p == t->panel)
		return t->nvis;
	if (!pane->filter[0])
		return total;
	if (pane->shown_version == t->m->version && strcmp(pane->shown_filter, pane->filter) == 0)
		return pane->shown;
	tmp = nc_xmalloc(sizeof(*tmp));
	pane->shown = 0;
	for (size_t i = 0; i < total; i++)
		pane->shown += matches(t->m, p, i, pane->filter, tmp);
	pane->shown_version = t->m->version;
	memcpy(pane->shown_filter, pane->filter, sizeof(pane->shown_filter));
	free(tmp);
	return pane->shown;
}

void tui_rows_update(struct tui *t)
{
	const struct tui_model *m = t->m;
	struct tui_pane *p = &t->pane[t->panel];
	struct tui_row *tmp = nc_xmalloc(sizeof(*tmp));
	size_t total = tui_rows_count(m, t->panel);
	bool fresh = !t->vis_valid || t->vis_version != m->version || t->vis_panel != t->panel ||
		     strcmp(t->vis_filter, p->filter) != 0 || t->vis_sort != p->sort ||
		     t->vis_desc != p->desc;

	if (fresh) {
		const size_t *ord = tui_sort_order(&t->order, m, t->panel, p->sort, p->desc);

		if (total > t->capvis) {
			t->capvis = total + 64;
			t->vis = nc_xrealloc(t->vis, t->capvis * sizeof(*t->vis));
		}
		t->nvis = 0;
		for (size_t k = 0; k < total; k++) {
			size_t i = ord ? ord[k] : k;

			if (!p->filter[0] || matches(m, t->panel, i, p->filter, tmp))
				t->vis[t->nvis++] = i;
		}
		t->vis_sort = p->sort;
		t->vis_desc = p->desc;
		t->vis_valid = true;
		t->vis_version = m->version;
		t->vis_panel = t->panel;
		snprintf(t->vis_filter, sizeof(t->vis_filter), "%s", p->filter);
		/* The selection follows its object. */
		for (size_t j = 0; p->selkey[0] && !p->follow && j < t->nvis; j++) {
			if (strcmp(row_key(m, t->panel, t->vis[j], tmp), p->selkey) == 0) {
				p->sel = j;
				break;
			}
		}
	}
	if (p->follow || p->sel >= t->nvis)
		p->sel = t->nvis ? t->nvis - 1 : 0;
	if (t->nvis)
		snprintf(p->selkey, sizeof(p->selkey), "%s",
			 row_key(m, t->panel, t->vis[p->sel], tmp));
	else
		p->selkey[0] = '\0';
	if (p->sel < p->top)
		p->top = p->sel;
	if (t->page && p->sel >= p->top + t->page)
		p->top = p->sel - t->page + 1;
	if (t->page && p->top + t->page > t->nvis)
		p->top = t->nvis > t->page ? t->nvis - t->page : 0;
	free(tmp);
}
