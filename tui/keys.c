/* SPDX-License-Identifier: MIT */
/*
 * The key->action table: the one place keys are bound; the help overlay and
 * the hint of the status line are generated from it. Actions change the UI
 * state and post jobs to the network thread; they never draw and never
 * wait on the network, and return TUI_R_* for the loop. The modes (filter,
 * y/n question, help, details) take keys before the table.
 */
#include "tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util/xmalloc.h"

#define NBIND (sizeof(bindings) / sizeof(bindings[0]))

struct binding {
	int keys[4];	   /* 0 ends the list */
	const char *label; /* the keys as the help shows them */
	const char *what;
	const char *hint; /* a word for the status line's hint, or NULL */
	unsigned (*fn)(struct tui *t, int key);
};

/* Moves the selection by delta rows, within the rows shown. */
static unsigned move(struct tui *t, long delta)
{
	struct tui_pane *p = &t->pane[t->panel];
	long sel = (long)p->sel + delta, last = t->nvis ? (long)t->nvis - 1 : 0;

	if (sel < 0)
		sel = 0;
	if (sel > last)
		sel = last;
	p->sel = (size_t)sel;
	/* The index decides now; the key is taken from it at the next draw. */
	p->selkey[0] = '\0';
	p->follow = t->panel == TUI_EVENTS && p->sel == (size_t)last;
	return TUI_R_REDRAW;
}

static unsigned act_down(struct tui *t, int key)
{
	return move(t, 1);
}

static unsigned act_up(struct tui *t, int key)
{
	return move(t, -1);
}

static unsigned act_pgdn(struct tui *t, int key)
{
	return move(t, t->page > 1 ? (long)t->page - 1 : 1);
}

static unsigned act_pgup(struct tui *t, int key)
{
	return move(t, -(t->page > 1 ? (long)t->page - 1 : 1));
}

static unsigned act_top(struct tui *t, int key)
{
	return move(t, -(long)t->nvis);
}

static unsigned act_bottom(struct tui *t, int key)
{
	return move(t, (long)t->nvis);
}

static unsigned act_panel(struct tui *t, int key)
{
	t->panel = (enum tui_panel)(key - '1');
	return TUI_R_REDRAW;
}

static unsigned act_tab(struct tui *t, int key)
{
	int d = key == TUI_KEY_BTAB ? TUI_NPANELS - 1 : 1;

	t->panel = (enum tui_panel)((t->panel + d) % TUI_NPANELS);
	return TUI_R_REDRAW;
}

static unsigned act_detail(struct tui *t, int key)
{
	struct tui_row r;
	struct tui_job j = {.kind = TUI_JOB_DETAIL, .connector = t->panel == TUI_CONNECTORS};
	char *raw = NULL;

	if (!tui_selected(t, &r)) {
		tui_say(t, false, "no row is selected");
		return TUI_R_REDRAW;
	}
	t->detail_top = 0;
	if (t->panel == TUI_CONNECTORS || t->panel == TUI_EDGES) {
		snprintf(j.serial, sizeof(j.serial), "%s", r.serial);
		pthread_mutex_lock(&t->m->lock);
		snprintf(t->m->detail_key, sizeof(t->m->detail_key), "%s", r.serial);
		snprintf(t->m->detail_title, sizeof(t->m->detail_title), "%s %s",
			 j.connector ? "Connector" : "Edge", r.serial);
		t->m->ndetail = t->m->detail_split = 0;
		t->m->detail_ready = false;
		pthread_mutex_unlock(&t->m->lock);
		tui_net_post(t->net, &j);
		t->detail = TUI_DETAIL_DEVICE;
	} else if (t->panel == TUI_PEERINGS) {
		pthread_mutex_lock(&t->m->lock);
		if (r.group >= 0 && (size_t)r.group < t->m->ngroups)
			snprintf(t->detail_group, sizeof(t->detail_group), "%s %s",
				 t->m->groups[r.group].tenant, t->m->groups[r.group].name);
		pthread_mutex_unlock(&t->m->lock);
		t->detail = TUI_DETAIL_GROUP;
	} else {
		pthread_mutex_lock(&t->m->lock);
		if (r.evindex < t->m->ev_count)
			raw = nc_xstrdup(tui_model_event(t->m, r.evindex)->raw);
		pthread_mutex_unlock(&t->m->lock);
		free(t->evdetail);
		t->nevdetail = tui_detail_event(raw ? raw : "{}", &t->evdetail);
		snprintf(t->evtitle, sizeof(t->evtitle), "Event %.60s", r.key);
		free(raw);
		t->detail = TUI_DETAIL_EVENT;
	}
	t->mode = TUI_MODE_DETAIL;
	return TUI_R_REDRAW;
}

static unsigned act_filter(struct tui *t, int key)
{
	t->mode = TUI_MODE_FILTER;
	return TUI_R_REDRAW;
}

static unsigned act_clear(struct tui *t, int key)
{
	/* The filter first; with none, the marks. */
	if (t->pane[t->panel].filter[0])
		t->pane[t->panel].filter[0] = '\0';
	else
		tui_marks_clear(t);
	return TUI_R_REDRAW;
}

/* Sorts the panel by column col (-1: the model's order), downwards when desc. */
static unsigned sort_by(struct tui *t, int col, bool desc)
{
	struct tui_pane *p = &t->pane[t->panel];
	size_t ncols;
	const struct tui_col *cols = tui_rows_cols(t->panel, &ncols);

	if (!tui_sort_can(t->panel)) {
		tui_say(t, false,
			"%s keep their own order: sorting is on Connectors (1) and Edges (2)",
			tui_panel_name(t->panel));
		return TUI_R_REDRAW;
	}
	p->sort = col;
	p->desc = col >= 0 && desc;
	if (col < 0)
		tui_say(t, false, "sorted by serial, as the server lists them");
	else
		tui_say(t, false, "sorted by %s, %s", cols[col].header,
			desc ? "descending" : "ascending");
	return TUI_R_REDRAW;
}

/* < and >: the sort column moves left or right, through "none" (the model's
 * order) at either end; = turns the order round. */
static unsigned act_sort(struct tui *t, int key)
{
	const struct tui_pane *p = &t->pane[t->panel];
	size_t ncols;
	int col = p->sort;

	tui_rows_cols(t->panel, &ncols);
	if (key == '=')
		return sort_by(t, col < 0 ? 0 : col, col < 0 ? false : !p->desc);
	col += key == '>' ? 1 : -1;
	if (col < -1)
		col = (int)ncols - 1;
	if (col >= (int)ncols)
		col = -1;
	return sort_by(t, col, false);
}

static unsigned act_refresh(struct tui *t, int key)
{
	struct tui_job j = {.kind = TUI_JOB_REFRESH};

	tui_say(t, false, "refreshing...");
	tui_net_post(t->net, &j);
	return TUI_R_REDRAW;
}

static unsigned act_help(struct tui *t, int key)
{
	t->mode = TUI_MODE_HELP;
	return TUI_R_REDRAW;
}

static unsigned act_quit(struct tui *t, int key)
{
	return TUI_R_QUIT;
}

/* Which of the n spans starting at x[0..n] (x[n] ends the last) holds col; -1 for none. */
static int span_at(const int *x, size_t n, int col)
{
	for (size_t i = 0; i < n; i++) {
		if (col >= x[i] && col < x[i + 1])
			return (int)i;
	}
	return -1;
}

/*
 * The mouse: a click on a tab shows its panel, on a column header sorts by
 * it (again: the other way round), on a row selects it and on the selected
 * row opens its details; the wheel scrolls the rows or the details. A
 * click anywhere closes the help.
 */
static unsigned act_mouse(struct tui *t, int key)
{
	const struct tui_mouse *ms = &t->mouse;
	struct tui_pane *p = &t->pane[t->panel];
	long wheel = ms->what == TUI_WHEEL_UP ? -3 : 3;
	int hit;

	if (ms->what != TUI_CLICK)
		return move(t, wheel);
	if (ms->y == TUI_TABS_Y && (hit = span_at(t->tabx, TUI_NPANELS, ms->x)) >= 0) {
		t->panel = (enum tui_panel)hit;
	} else if (ms->y == TUI_HEAD_Y && (hit = span_at(t->colx, t->ncolx, ms->x)) >= 0) {
		return sort_by(t, hit, hit == p->sort && !p->desc);
	} else if (ms->y >= TUI_TOP && (size_t)(ms->y - TUI_TOP) < t->page &&
		   p->top + (size_t)(ms->y - TUI_TOP) < t->nvis) {
		size_t row = p->top + (size_t)(ms->y - TUI_TOP);

		if (row == p->sel)
			return act_detail(t, key);
		return move(t, (long)row - (long)p->sel);
	}
	return TUI_R_REDRAW;
}

static const struct binding bindings[] = {
	{{'j', TUI_KEY_DOWN}, "j  Down", "move down", NULL, act_down},
	{{'k', TUI_KEY_UP}, "k  Up", "move up", NULL, act_up},
	{{TUI_KEY_PGDN, TUI_CTRL('f')}, "PgDn  ^F", "next page", NULL, act_pgdn},
	{{TUI_KEY_PGUP, TUI_CTRL('b')}, "PgUp  ^B", "previous page", NULL, act_pgup},
	{{'g', TUI_KEY_HOME}, "g  Home", "first row", NULL, act_top},
	{{'G', TUI_KEY_END}, "G  End", "last row (Events: follow the newest)", NULL, act_bottom},
	{{'1', '2', '3', '4'}, "1 2 3 4", "Connectors, Edges, Peerings, Events", NULL, act_panel},
	{{TUI_KEY_TAB, TUI_KEY_BTAB}, "Tab  S-Tab", "next / previous panel", NULL, act_tab},
	{{TUI_KEY_ENTER}, "Enter", "details: sync state, last confirm", "details", act_detail},
	{{'<', '>'}, "<  >", "sort by the column on the left / right", "sort", act_sort},
	{{'='}, "=", "turn the sort order round", NULL, act_sort},
	{{'/'}, "/", "filter rows by text (Enter keeps it, Esc clears it)", "filter", act_filter},
	{{TUI_KEY_ESC}, "Esc", "clear the filter, else the marks", NULL, act_clear},
	{{' '}, "Space", "mark the selected device (or unmark it)", "mark", tui_act_mark},
	{{'s'},
	 "s",
	 "Sync Now for the marked devices, else the selected one",
	 "sync",
	 tui_act_sync},
	{{'S'}, "S", "Sync Now for every pending device", "sync pending", tui_act_sync_pending},
	{{'A'}, "A", "Sync Now for every device (asks y/N, with how many)", NULL, tui_act_sync_all},
	{{'a'}, "a", "approve the selected connector (asks y/N)", "approve", tui_act_approve},
	{{'D'}, "D", "decommission the selected connector (asks y/N)", NULL, tui_act_decommission},
	{{'h'},
	 "h",
	 "change the selected connector's hub edge (Tab offers the edges)",
	 NULL,
	 tui_act_hub},
	{{'+'},
	 "+",
	 "add a link to the selected peering group (type its two ends)",
	 NULL,
	 tui_act_link_add},
	{{'-'}, "-", "remove the selected link (asks y/N)", NULL, tui_act_link_remove},
	{{'r'}, "r", "read every list again now", "refresh", act_refresh},
	{{TUI_KEY_MOUSE},
	 "mouse",
	 "click: a tab, a header (sort), a row (again: details); wheel: scroll",
	 NULL,
	 act_mouse},
	{{'?'}, "?", "this help", "help", act_help},
	{{'q', TUI_CTRL('c')}, "q  ^C", "quit", "quit", act_quit},
};

static const struct binding *lookup(int key)
{
	for (size_t i = 0; i < NBIND; i++) {
		for (size_t k = 0; k < 4 && bindings[i].keys[k]; k++) {
			if (bindings[i].keys[k] == key)
				return &bindings[i];
		}
	}
	return NULL;
}

static unsigned filter_key(struct tui *t, int key)
{
	char *f = t->pane[t->panel].filter;
	size_t len = strlen(f);

	if (key == TUI_KEY_ENTER) {
		t->mode = TUI_MODE_NORMAL;
	} else if (key == TUI_KEY_ESC) {
		f[0] = '\0';
		t->mode = TUI_MODE_NORMAL;
	} else if (key == TUI_KEY_BACKSPACE) {
		/* Back over one UTF-8 character. */
		while (len > 0 && (f[--len] & 0xc0) == 0x80)
			;
		f[len] = '\0';
	} else if (key == TUI_KEY_UP || key == TUI_KEY_DOWN) {
		return move(t, key == TUI_KEY_UP ? -1 : 1);
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f &&
		   len + 1 < sizeof(t->pane[0].filter)) {
		f[len] = (char)key;
		f[len + 1] = '\0';
	}
	t->pane[t->panel].sel = 0;
	t->pane[t->panel].selkey[0] = '\0';
	return TUI_R_REDRAW;
}

static void close_detail(struct tui *t)
{
	struct tui_job j = {.kind = TUI_JOB_DETAIL_CLOSE};

	if (t->detail == TUI_DETAIL_DEVICE) {
		pthread_mutex_lock(&t->m->lock);
		t->m->detail_key[0] = '\0';
		pthread_mutex_unlock(&t->m->lock);
		tui_net_post(t->net, &j);
	}
	free(t->evdetail);
	t->evdetail = NULL;
	t->nevdetail = 0;
	t->mode = TUI_MODE_NORMAL;
}

static unsigned detail_key(struct tui *t, int key)
{
	if (key == TUI_KEY_MOUSE && t->mouse.what == TUI_WHEEL_UP) {
		t->detail_top = t->detail_top > 3 ? t->detail_top - 3 : 0;
	} else if (key == TUI_KEY_MOUSE) {
		t->detail_top += t->mouse.what == TUI_WHEEL_DOWN ? 3 : 0;
	} else if (key == 'j' || key == TUI_KEY_DOWN) {
		t->detail_top++;
	} else if ((key == 'k' || key == TUI_KEY_UP) && t->detail_top > 0) {
		t->detail_top--;
	} else if (key == 'g' || key == TUI_KEY_HOME) {
		t->detail_top = 0;
	} else if (key == TUI_KEY_PGDN) {
		t->detail_top += t->page;
	} else if (key == TUI_KEY_PGUP) {
		t->detail_top = t->detail_top > t->page ? t->detail_top - t->page : 0;
	} else if (key == 's' || key == 'S' || key == 'a' || key == 'r' || key == 'D' ||
		   key == 'h') {
		/* They act on the selected row, the one shown. */
		return lookup(key)->fn(t, key);
	} else if (key == TUI_KEY_ESC || key == 'q' || key == TUI_KEY_ENTER ||
		   key == TUI_KEY_BACKSPACE) {
		close_detail(t);
	}
	return TUI_R_REDRAW;
}

unsigned tui_keys_handle(struct tui *t, int key)
{
	const struct binding *b;

	if (key == TUI_CTRL('c'))
		return TUI_R_QUIT;
	if (key == TUI_KEY_RESIZE)
		return TUI_R_REDRAW;
	/* The rows as the next draw will show them: keys typed ahead of a
	 * draw (1 G s) act on the panel they chose. */
	pthread_mutex_lock(&t->m->lock);
	tui_rows_update(t);
	pthread_mutex_unlock(&t->m->lock);
	/* A question or a prompt waits for keys: the mouse neither answers nor leaves it. */
	if (key == TUI_KEY_MOUSE && (t->mode == TUI_MODE_FILTER || t->mode == TUI_MODE_CONFIRM ||
				     t->mode == TUI_MODE_INPUT))
		return TUI_R_NONE;
	switch (t->mode) {
	case TUI_MODE_FILTER:
		return filter_key(t, key);
	case TUI_MODE_CONFIRM:
		return tui_confirm_key(t, key);
	case TUI_MODE_INPUT:
		return tui_input_key(t, key);
	case TUI_MODE_HELP:
		t->mode = TUI_MODE_NORMAL;
		return TUI_R_REDRAW;
	case TUI_MODE_DETAIL:
		return detail_key(t, key);
	case TUI_MODE_NORMAL:
		break;
	}
	b = lookup(key);
	return b ? b->fn(t, key) : TUI_R_NONE;
}

bool tui_keys_help(size_t i, struct tui_help *h)
{
	if (i >= NBIND)
		return false;
	h->keys = bindings[i].label;
	h->what = bindings[i].what;
	return true;
}

const char *tui_keys_hint(void)
{
	static char hint[TUI_TEXT];
	size_t len = 0;

	if (hint[0])
		return hint;
	for (size_t i = 0; i < NBIND; i++) {
		if (bindings[i].hint)
			len += (size_t)snprintf(
				hint + len, len < sizeof(hint) ? sizeof(hint) - len : 0, "%s%s %s",
				len ? "  " : "", bindings[i].label, bindings[i].hint);
	}
	return hint;
}
