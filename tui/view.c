/* SPDX-License-Identifier: MIT */
/*
 * The screen: the only file of netctl that includes curses. Draws the
 * header (server, tenant, connection, stat cards, sync counts), the tabs,
 * the current panel's table, the status line and the overlays (help,
 * details) from the UI state and the model, and maps curses' keys to
 * TUI_KEY_*. Called on the UI thread only.
 */
#include "tui.h"

#include <ctype.h>
#include <curses.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cmd/views.h"
#include "../cli/output.h"
#include "../cli/present.h"
#include "../lib/util/err.h"
#include "../lib/util/timefmt.h"
#include "../lib/util/xmalloc.h"

#define TOP	 TUI_TOP /* rows above the table: header, cards, tabs, column headers */
#define NOTE_MS	 15000	 /* a status message shows this long, then the hint again */
#define LINE_MAX 1024

static SCREEN *screen;
static bool colors;

int tui_view_open(struct tui *t, bool color, struct nc_errinfo *ei)
{
	const char *cs = nl_langinfo(CODESET);
	char *cup;

	screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return nc_fail(ei, NC_ERR_IO, NULL,
			       "cannot drive the terminal `%s': set TERM to its type",
			       getenv("TERM") ? getenv("TERM") : "");
	set_term(screen);
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		/* A dumb terminal would get a scroll of garbage. */
		tui_view_close();
		return nc_fail(ei, NC_ERR_IO, NULL,
			       "the terminal `%s' cannot move its cursor: the dashboard needs one "
			       "that can",
			       getenv("TERM") ? getenv("TERM") : "");
	}
	raw(); /* Ctrl-C is a key (quit), not a signal */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	/* Clicks as presses (no wait for a double click: a click on the
	 * selected row is the second one) and the wheel; without a mouse,
	 * keys alone. */
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	colors = color && has_colors() && start_color() == OK;
	if (colors) {
		use_default_colors();
		for (short c = 1; c < 8; c++)
			init_pair(c, c, -1);
	}
	t->color = colors;
	t->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	getmaxyx(stdscr, t->rows, t->cols);
	return 0;
}

void tui_view_close(void)
{
	if (!screen)
		return;
	endwin();
	delscreen(screen);
	screen = NULL;
}

/* The mouse event waiting into t->mouse: TUI_KEY_MOUSE, or 0 for one the
 * dashboard does not use. */
static int mouse(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return 0;
	t->mouse.x = ev.x;
	t->mouse.y = ev.y;
	if (ev.bstate & BUTTON4_PRESSED)
		t->mouse.what = TUI_WHEEL_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		t->mouse.what = TUI_WHEEL_DOWN;
	else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		t->mouse.what = TUI_CLICK;
	else
		return 0;
	return TUI_KEY_MOUSE;
}

int tui_view_key(struct tui *t)
{
	int k = getch();

	switch (k) {
	case ERR:
		return -1;
	case KEY_UP:
		return TUI_KEY_UP;
	case KEY_DOWN:
		return TUI_KEY_DOWN;
	case KEY_PPAGE:
		return TUI_KEY_PGUP;
	case KEY_NPAGE:
		return TUI_KEY_PGDN;
	case KEY_HOME:
		return TUI_KEY_HOME;
	case KEY_END:
		return TUI_KEY_END;
	case KEY_ENTER:
	case '\r':
	case '\n':
		return TUI_KEY_ENTER;
	case 27:
		return TUI_KEY_ESC;
	case '\t':
		return TUI_KEY_TAB;
	case KEY_BTAB:
		return TUI_KEY_BTAB;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		return TUI_KEY_BACKSPACE;
	case KEY_RESIZE:
		getmaxyx(stdscr, t->rows, t->cols);
		return TUI_KEY_RESIZE;
	case KEY_MOUSE:
		return mouse(t);
	default:
		/* Other function keys do nothing. */
		return k >= KEY_MIN ? 0 : k;
	}
}

/* The curses attribute of a state word: the colour the CLI gives it
 * (cli_out_state_color's "\033[3Nm"; curses numbers colours as ANSI does). */
static attr_t word_attr(const char *word)
{
	const char *seq = colors && word && *word ? cli_out_state_color(word) : NULL;

	if (!seq || strlen(seq) != 5 || seq[2] != '3' || seq[3] < '1' || seq[3] > '7')
		return A_NORMAL;
	return COLOR_PAIR(seq[3] - '0');
}

/* Draws s at (y, x) in at most w columns with attribute a; returns the columns used. */
static int put(const struct tui *t, int y, int x, int w, const char *s, attr_t a)
{
	char cut[LINE_MAX], plain[LINE_MAX];
	const char *out = cut;

	if (x + w > t->cols)
		w = t->cols - x;
	/* The last cell of the screen is never written: it would scroll. */
	if (y == t->rows - 1 && x + w >= t->cols)
		w = t->cols - x - 1;
	if (w <= 0 || y < 0 || y >= t->rows || x < 0)
		return 0;
	cli_out_truncate(s, (size_t)w, cut, sizeof(cut));
	if (!t->utf8) {
		tui_ascii(cut, plain, sizeof(plain));
		out = plain;
	}
	attron(a);
	mvaddstr(y, x, out);
	attroff(a);
	return (int)cli_out_width(cut);
}

static int putf(const struct tui *t, int y, int x, int w, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int putf(const struct tui *t, int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put(t, y, x, w, buf, a);
}

/* Row 0: who and where, and whether the events flow. */
static void header(const struct tui *t, int64_t now)
{
	const struct tui_model *m = t->m;
	int x = 0;
	char ago[32];

	x += put(t, 0, x, t->cols, " netctl ", A_BOLD | A_REVERSE);
	x += putf(t, 0, x + 1, t->cols, A_NORMAL, "%s  tenant %s", t->server,
		  t->tenant ? t->tenant : "(the token's scope)") +
	     3;
	if (m->link == TUI_LINK_LIVE) {
		x += put(t, 0, x, t->cols, "\xe2\x97\x8f live", word_attr("up") | A_BOLD);
		if (m->refreshed_at) {
			nc_time_ago(m->refreshed_at, now, ago, sizeof(ago));
			putf(t, 0, x + 3, t->cols, A_DIM, "refreshed %s", ago);
		}
	} else if (m->link == TUI_LINK_CONNECTING) {
		put(t, 0, x, t->cols, "connecting...", word_attr("pending") | A_BOLD);
	} else {
		putf(t, 0, x, t->cols, word_attr("down") | A_BOLD, "reconnecting: %s", m->link_msg);
	}
}

/* The state a card counts, which colours it when not 0. */
static const char *card_word(const char *key)
{
	static const char *const map[][2] = {
		{"connectors.online", "active"},   {"connectors.offline", "offline"},
		{"connectors.pending", "pending"}, {"sync.synced", "synced"},
		{"sync.pending", "pending"},	   {"sync.failed", "failed"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(key, map[i][0]) == 0)
			return map[i][1];
	}
	return "";
}

/* The cards of view (the columns of `connector stats' not only for -o
 * wide) from x on row 1, labels lowercased when lower; returns where they
 * end. */
static int card_row(const struct tui *t, int x, const struct cli_view *view, bool lower)
{
	for (size_t i = 0; i < view->n; i++) {
		const struct cli_col *c = &view->cols[i];
		char label[64], num[32];

		if (c->flags & NC_COL_WIDE)
			continue;
		snprintf(label, sizeof(label), "%s", c->header);
		if (lower)
			label[0] = (char)tolower((unsigned char)label[0]);
		cli_out_cell(t->m->stats, c, 0, num, sizeof(num));
		x += put(t, 1, x, t->cols, label, A_NORMAL) + 1;
		x += put(t, 1, x, t->cols, num,
			 A_BOLD | (strcmp(num, "0") ? word_attr(card_word(c->key)) : 0));
		x += 2;
	}
	return x;
}

/* Row 1: the stat cards of `connector stats', from its views, and the sync counts. */
static void cards(const struct tui *t)
{
	int x = 1;

	/* Nothing until the first snapshot: cards and rows are read together. */
	if (!t->m->refreshed_at || !t->m->stats) {
		put(t, 1, x, t->cols, "loading...", A_DIM);
		return;
	}
	x = card_row(t, x, &cli_view_connector_stats, false) + 1;
	x += put(t, 1, x, t->cols, "\xe2\x94\x82  Sync: ", A_DIM);
	card_row(t, x, &cli_view_connector_stats_sync, true);
}

/* Row 2: the panels, the current one highlighted, and the filter. */
static void tabs(struct tui *t)
{
	const struct tui_model *m = t->m;
	size_t counts[TUI_NPANELS] = {m->nconns, m->nedges, m->ngroups, m->ev_count};
	const char *f = t->pane[t->panel].filter;
	int x = 0;

	for (int p = 0; p < TUI_NPANELS; p++) {
		attr_t a = p == (int)t->panel ? A_REVERSE | A_BOLD : A_NORMAL;
		char num[64], all[32];

		/* Filtered: "shown/total", as the status line's n/m has it (the
		 * rows of a peering are groups, links and warnings alike). */
		cli_present_count((long long)(t->pane[p].filter[0]
						      ? tui_rows_count(m, (enum tui_panel)p)
						      : counts[p]),
				  all, sizeof(all));
		if (!m->refreshed_at && p != TUI_EVENTS) {
			snprintf(num, sizeof(num), "...");
		} else if (t->pane[p].filter[0]) {
			cli_present_count((long long)tui_rows_shown(t, (enum tui_panel)p), num,
					  sizeof(num));
			snprintf(num + strlen(num), sizeof(num) - strlen(num), "/%s", all);
		} else {
			snprintf(num, sizeof(num), "%s", all);
		}
		t->tabx[p] = x + 1;
		x += putf(t, TUI_TABS_Y, x + 1, t->cols, a, " %d %s (%s) ", p + 1,
			  tui_panel_name((enum tui_panel)p), num) +
		     1;
	}
	t->tabx[TUI_NPANELS] = x + 1;
	if (f[0] && t->mode != TUI_MODE_FILTER)
		x += putf(t, TUI_TABS_Y, x + 2, t->cols, A_BOLD, "filter: %s", f) + 2;
	if (m->truncated)
		putf(t, TUI_TABS_Y, x + 2, t->cols, word_attr("pending"), "(lists cut at %s rows)",
		     "20000");
}

static const char *empty_text(const struct tui *t)
{
	static const char *const none[TUI_NPANELS] = {"no connectors", "no edges",
						      "no peering groups",
						      "no events yet: they show as they come"};

	if (t->pane[t->panel].filter[0])
		return "no rows match the filter (Esc clears it)";
	if (!t->m->refreshed_at && t->panel != TUI_EVENTS)
		return "loading...";
	return none[t->panel];
}

/* Rows 3 to the status line: the column headers and the rows. */
static void table(struct tui *t, int64_t now)
{
	const struct tui_pane *p = &t->pane[t->panel];
	size_t ncols, n = 0, w[TUI_MAXCOLS];
	const struct tui_col *cols = tui_rows_cols(t->panel, &ncols);
	struct tui_row *rows;
	char heads[TUI_MAXCOLS][64];
	int x = 1;

	if (t->page > t->capprow) {
		t->capprow = t->page;
		t->prow = nc_xrealloc(t->prow, t->capprow * sizeof(*t->prow));
	}
	rows = t->prow;

	for (size_t i = p->top; i < t->nvis && n < t->page; i++)
		tui_rows_get(t->m, t->panel, t->vis[i], now, &rows[n++]);
	/* The sort column with its direction: Name↑ (ascending) or Name↓. */
	for (size_t c = 0; c < ncols; c++)
		snprintf(heads[c], sizeof(heads[c]), "%s%s", cols[c].header,
			 (int)c != p->sort ? ""
			 : p->desc	   ? "\xe2\x86\x93"
					   : "\xe2\x86\x91");
	tui_widths(t, cols, heads, ncols, rows, n, w);
	for (size_t c = 0; c < ncols; c++) {
		t->colx[c] = x;
		put(t, TUI_HEAD_Y, x, (int)w[c], heads[c], A_BOLD | A_UNDERLINE);
		x += (int)w[c] + TUI_GAP;
	}
	t->colx[ncols] = x;
	t->ncolx = ncols;
	if (n == 0)
		put(t, TOP + 1, 3, t->cols - 4, empty_text(t), A_DIM);
	for (size_t r = 0; r < n; r++) {
		int y = TOP + (int)r;
		attr_t sel = p->top + r == p->sel ? A_REVERSE : A_NORMAL;

		if (sel)
			mvhline(y, 0, ' ' | A_REVERSE, t->cols);
		/* A marked device: a mark in the margin, the row in bold. */
		if (tui_marked(t, rows[r].serial)) {
			sel |= A_BOLD;
			put(t, y, 0, 1, "*", sel);
		}
		x = 1;
		if (rows[r].span) {
			put(t, y, x, t->cols - 2, rows[r].cell[0],
			    sel | word_attr(rows[r].word[0]));
			continue;
		}
		for (size_t c = 0; c < ncols; c++) {
			put(t, y, x, (int)w[c], rows[r].cell[c], sel | word_attr(rows[r].word[c]));
			x += (int)w[c] + TUI_GAP;
		}
	}
}

/* The last row: a question, the filter being typed, a message, or the hint. */
static void status(struct tui *t)
{
	const struct tui_model *m = t->m;
	int y = t->rows - 1, right = 0;
	int64_t now = nc_time_mono_ms();
	char pos[96];

	curs_set(0);
	if (t->nvis) {
		char sel[24], all[24], marked[24];

		cli_present_count((long long)t->nmarks, marked, sizeof(marked));
		cli_present_count((long long)t->pane[t->panel].sel + 1, sel, sizeof(sel));
		cli_present_count((long long)t->nvis, all, sizeof(all));
		snprintf(pos, sizeof(pos), " %.10s%s%s/%s ", t->nmarks ? marked : "",
			 t->nmarks ? " marked  " : "", sel, all);
		right = (int)strlen(pos);
		put(t, y, t->cols - right - 1, right, pos, A_DIM);
	}
	if (m->status_seq != t->status_seen) {
		t->status_seen = m->status_seq;
		t->status_since = now;
	}
	if (t->mode == TUI_MODE_FILTER) {
		int x = putf(t, y, 0, t->cols - right - 1, A_BOLD, "/%s", t->pane[t->panel].filter);

		move(y, x < t->cols - 1 ? x : t->cols - 2);
		curs_set(1);
	} else if (t->mode == TUI_MODE_INPUT) {
		int x = putf(t, y, 0, t->cols - right - 1, A_BOLD, "%s%s", t->prompt, t->input);

		move(y, x < t->cols - 1 ? x : t->cols - 2);
		curs_set(1);
	} else if (t->mode == TUI_MODE_CONFIRM) {
		put(t, y, 0, t->cols - right - 1, t->prompt, A_BOLD | word_attr("pending"));
	} else if (m->status[0] && t->status_seen && now - t->status_since < NOTE_MS) {
		put(t, y, 0, t->cols - right - 1, m->status,
		    m->status_err ? word_attr("failed") | A_BOLD : A_NORMAL);
	} else {
		put(t, y, 0, t->cols - right - 1, tui_keys_hint(), A_DIM);
	}
}

/* A framed, cleared box with a title. */
static void frame(const struct tui *t, int y, int x, int h, int w, const char *title)
{
	for (int i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	putf(t, y, x + 2, w - 4, A_BOLD, " %s ", title);
}

/* The help overlay, generated from the key table. */
static void help(const struct tui *t)
{
	struct tui_help h;
	size_t n = 0;
	int w = t->cols - 4 < 76 ? t->cols - 4 : 76, hgt, y, x;

	while (tui_keys_help(n, &h))
		n++;
	hgt = (int)n + 5 < t->rows - 2 ? (int)n + 5 : t->rows - 2;
	y = (t->rows - hgt) / 2;
	x = (t->cols - w) / 2;
	frame(t, y, x, hgt, w, "Keys");
	for (size_t i = 0; i < n && (int)i < hgt - 4; i++) {
		tui_keys_help(i, &h);
		put(t, y + 2 + (int)i, x + 3, 12, h.keys, A_BOLD);
		put(t, y + 2 + (int)i, x + 16, w - 18, h.what, A_NORMAL);
	}
	put(t, y + hgt - 2, x + 3, w - 6, "y/n answers a question; any key closes this help",
	    A_DIM);
}

/* The details overlay: a device (read by the network thread), a group, an event. */
static void detail(struct tui *t)
{
	struct tui_model *m = t->m;
	const struct tui_line *lines = NULL;
	struct tui_line *group = NULL;
	size_t n = 0, inner, split = 0, rows;
	char title[TUI_TEXT + 32];
	int y = 3, x = 1, h = t->rows - 4, w = t->cols - 2;

	if (t->detail == TUI_DETAIL_DEVICE) {
		snprintf(title, sizeof(title), "%s%s", m->detail_title,
			 m->detail_ready ? "" : " (loading...)");
		lines = m->detail;
		n = m->ndetail;
		split = m->detail_split;
	} else if (t->detail == TUI_DETAIL_GROUP) {
		group = nc_xcalloc(TUI_DETAIL_MAX, sizeof(*group));
		snprintf(title, sizeof(title), "Peering group (gone)");
		for (size_t i = 0; i < m->ngroups; i++) {
			char key[TUI_TEXT];

			snprintf(key, sizeof(key), "%s %s", m->groups[i].tenant, m->groups[i].name);
			if (strcmp(key, t->detail_group) == 0) {
				n = tui_detail_group(&m->groups[i], group, TUI_DETAIL_MAX);
				snprintf(title, sizeof(title), "Peering group %s",
					 m->groups[i].name);
			}
		}
		lines = group;
	} else {
		snprintf(title, sizeof(title), "%s", t->evtitle);
		lines = t->evdetail;
		n = t->nevdetail;
	}
	/* Two columns (the device, its sync state) when the screen is wide. */
	if (t->detail != TUI_DETAIL_DEVICE || w < 100 || split == 0 || split >= n)
		split = n;
	rows = split > n - split ? split : n - split;
	frame(t, y, x, h, w, title);
	inner = h > 4 ? (size_t)h - 4 : 1;
	if (t->detail_top + inner > rows)
		t->detail_top = rows > inner ? rows - inner : 0;
	for (size_t i = 0; i < inner && t->detail_top + i < rows; i++) {
		size_t a = t->detail_top + i, b = split + a;
		int half = split < n ? (w - 4) / 2 : w - 4;

		if (a < split)
			put(t, y + 1 + (int)i, x + 2, half - 1, lines[a].text,
			    word_attr(lines[a].word));
		if (split < n && b < n)
			put(t, y + 1 + (int)i, x + 2 + half, half, lines[b].text,
			    word_attr(lines[b].word));
	}
	put(t, y + h - 2, x + 2, w - 4,
	    "Esc close  j/k scroll  s sync  a approve  D decommission  h hub (on a connector)",
	    A_DIM);
	free(group);
}

static void too_small(const struct tui *t)
{
	int y = t->rows / 2 - 1;

	putf(t, y > 0 ? y : 0, 0, t->cols, A_BOLD, "netctl tui needs at least %dx%d;", TUI_MIN_COLS,
	     TUI_MIN_ROWS);
	putf(t, y + 1, 0, t->cols, A_NORMAL, "this terminal is %dx%d: make it larger", t->cols,
	     t->rows);
	put(t, y + 2, 0, t->cols, "(q quits)", A_DIM);
}

void tui_view_draw(struct tui *t)
{
	int64_t now = nc_time_now();

	getmaxyx(stdscr, t->rows, t->cols);
	erase();
	if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
		curs_set(0);
		too_small(t);
		refresh();
		return;
	}
	t->page = (size_t)(t->rows - TOP - 1);
	tui_rows_update(t);
	header(t, now);
	cards(t);
	tabs(t);
	table(t, now);
	status(t);
	if (t->mode == TUI_MODE_HELP)
		help(t);
	else if (t->mode == TUI_MODE_DETAIL)
		detail(t);
	refresh();
}
