/* SPDX-License-Identifier: MIT */
#ifndef NC_TUI_TUI_H
#define NC_TUI_TUI_H

/*
 * The dashboard's UI thread: its state (struct tui), the rows each panel
 * shows (rows.c), the key->action table (keys.c) and the screen (view.c,
 * the only file that includes curses). One loop (tui.c) reads keys, runs
 * their actions, which never draw and never touch the network (they post
 * jobs to net.c and return reactions), and redraws from the model.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "net.h"

struct nc_errinfo;

enum tui_panel { TUI_CONNECTORS, TUI_EDGES, TUI_PEERINGS, TUI_EVENTS, TUI_NPANELS };

/* Keys that are not characters, as view.c reports them (curses' KEY_* mapped). */
enum {
	TUI_KEY_UP = 0x110000,
	TUI_KEY_DOWN,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_ENTER,
	TUI_KEY_ESC,
	TUI_KEY_TAB,
	TUI_KEY_BTAB,
	TUI_KEY_BACKSPACE,
	TUI_KEY_RESIZE,
	TUI_KEY_MOUSE, /* a click or the wheel: struct tui's mouse says which, and where */
};

/* The screen's rows: the tabs, the column headers, the first table row. */
#define TUI_TABS_Y 2
#define TUI_HEAD_Y 3
#define TUI_TOP	   4

/* A mouse event (TUI_KEY_MOUSE), at screen column x, row y. */
enum tui_mouse_what { TUI_CLICK, TUI_WHEEL_UP, TUI_WHEEL_DOWN };
struct tui_mouse {
	enum tui_mouse_what what;
	int x, y;
};
#define TUI_CTRL(c) ((c)&0x1f)

/* What an action asks of the loop (htop's reactions). */
#define TUI_R_NONE   0x0
#define TUI_R_REDRAW 0x1
#define TUI_R_QUIT   0x2

enum tui_mode {
	TUI_MODE_NORMAL,
	TUI_MODE_FILTER,  /* typing the filter of the panel */
	TUI_MODE_CONFIRM, /* a y/n question before a write */
	TUI_MODE_INPUT,	  /* a prompt for what a write needs (a hub, a link's ends) */
	TUI_MODE_HELP,	  /* the key overlay */
	TUI_MODE_DETAIL,  /* the selected row's details */
};

/* What a detail view shows. */
enum tui_detail {
	TUI_DETAIL_DEVICE, /* the model's detail, read by net.c */
	TUI_DETAIL_GROUP,  /* a peering group of the model */
	TUI_DETAIL_EVENT,  /* an event's JSON */
};

/* Where a panel is: the selected row (by index and by key, so that it
 * stays on the same object when the rows change) and its filter. */
struct tui_pane {
	size_t sel, top;
	char selkey[TUI_TEXT];
	char filter[64];
	bool follow; /* events: stay on the newest */
	/* Rows matching the filter while the panel is not the current one
	 * (tui_rows_shown), as of model version shown_version and shown_filter. */
	size_t shown;
	unsigned long shown_version;
	char shown_filter[64];
	int sort;  /* the column the rows are sorted by, -1: the model's order (tui_sort_rows) */
	bool desc; /* ...downwards */
};

#define TUI_MAXCOLS 8
#define TUI_CELL    384

/* One row of a panel, ready to draw. span: cell[0] runs across the whole width. */
struct tui_row {
	char key[TUI_TEXT];   /* the object: serial, group name, event id */
	char serial[TUI_STR]; /* the device a write action acts on, "" for none */
	bool span;
	long group;	/* peerings: index of the row's group in the model, else -1 */
	size_t evindex; /* events: index of the event from the oldest */
	char cell[TUI_MAXCOLS][TUI_CELL];
	char word[TUI_MAXCOLS][TUI_WORD]; /* the state word colouring each cell */
};

/* How a column sorts (sort.c): not at all, its text as it is or without
 * case, or as a time (int64_t Unix s). */
enum tui_sort_how { TUI_SORT_NONE, TUI_SORT_TEXT, TUI_SORT_NOCASE, TUI_SORT_TIME };

/* A panel's columns: header, whether it takes the width left over, and
 * where its value is in the model's row struct (off) and how it sorts. */
struct tui_col {
	const char *header;
	bool flex;
	size_t off;
	enum tui_sort_how sort;
};

/* Every row of a panel in its sort order, kept between model versions (sort.c). */
struct tui_order {
	size_t *v; /* owned */
	size_t n, cap;
	enum tui_panel panel;
	int col;
	bool desc, valid;
};

struct tui {
	struct tui_model *m;	     /* borrowed */
	struct tui_net *net;	     /* borrowed */
	const char *server, *tenant; /* for the header (borrowed) */
	enum tui_panel panel;
	struct tui_pane pane[TUI_NPANELS];
	enum tui_mode mode;
	char prompt[TUI_TEXT];	/* the question of TUI_MODE_CONFIRM, or TUI_MODE_INPUT's */
	struct tui_job confirm; /* what a y sends */
	char confirm_doing[TUI_TEXT], confirm_no[TUI_TEXT]; /* what y and n say */
	struct tui_job input_job; /* TUI_MODE_INPUT: what Enter sends, with input */
	char input[128];
	size_t input_tab;	/* the edge Tab offers next */
	char (*marks)[TUI_STR]; /* serials of the marked rows, sorted (owned) */
	size_t nmarks, capmarks;
	enum tui_detail detail;	     /* what TUI_MODE_DETAIL shows */
	size_t detail_top;	     /* first line of the detail view shown */
	char detail_group[TUI_TEXT]; /* TUI_DETAIL_GROUP: the group's row key */
	struct tui_line *evdetail;   /* TUI_DETAIL_EVENT: the lines, made locally (owned) */
	size_t nevdetail;
	char evtitle[TUI_TEXT];
	unsigned long status_seen; /* the model's status_seq last shown... */
	int64_t status_since;	   /* ...since this monotonic ms */
	int rows, cols;		   /* the screen */
	size_t page;		   /* table rows on the screen */
	bool color, utf8;
	struct tui_row *prow; /* the rows on the screen (owned; view.c) */
	size_t capprow;
	/* The current panel's rows after the filter: indexes into its rows. */
	size_t *vis;
	size_t nvis, capvis;
	unsigned long vis_version;
	enum tui_panel vis_panel;
	char vis_filter[64];
	int vis_sort;
	bool vis_desc;
	bool vis_valid;
	struct tui_order order; /* the current panel's rows sorted, when it is */
	/* Where the last frame put things, for the mouse (view.c): the start
	 * column of each tab and column header, and one past the last. */
	int tabx[TUI_NPANELS + 1];
	int colx[TUI_MAXCOLS + 1];
	size_t ncolx;
	struct tui_mouse mouse; /* the last TUI_KEY_MOUSE */
};

/* Minimum screen the dashboard draws on; smaller ones get a message. */
#define TUI_MIN_COLS 64
#define TUI_MIN_ROWS 12

/* rows.c: the rows of each panel (model lock held). */
const struct tui_col *tui_rows_cols(enum tui_panel p, size_t *n);
size_t tui_rows_count(const struct tui_model *m, enum tui_panel p);
/* Row i of panel p at time now (Unix s) into *r. */
void tui_rows_get(const struct tui_model *m, enum tui_panel p, size_t i, int64_t now,
		  struct tui_row *r);
/* Whether row r contains text (compared without case); "" matches. */
bool tui_row_matches(const struct tui_row *r, const char *text);
/* The rows panel p shows: all of them, or those matching its filter (lock held). */
size_t tui_rows_shown(struct tui *t, enum tui_panel p);
/* Refreshes t->vis for the current panel and filter, and moves the
 * selection to the row of its key (lock held). */
void tui_rows_update(struct tui *t);
const char *tui_panel_name(enum tui_panel p);

/* sort.c: the order of the rows. */
/* Whether panel p sorts by its columns (struct tui_col's sort: Connectors, Edges). */
bool tui_sort_can(enum tui_panel p);
/* Brings so up to date: every row of panel p (indexes into the model)
 * sorted by column col (of tui_rows_cols), downwards when desc, ties in the
 * model's order. Sorted whole when the panel, the column, the direction or
 * the number of rows changed, else re-sorted from its last order. Returns
 * so->v, or NULL when p does not sort or col is out of range (the model's
 * order). Lock held. */
const size_t *tui_sort_order(struct tui_order *so, const struct tui_model *m, enum tui_panel p,
			     int col, bool desc);

/* detail.c: detail views as lines (no I/O). */
/* The describe view of a connector or an edge (borrowed, made by
 * cli_describe_view: the same view as `connector show') as lines into
 * out[max]; returns how many. *split is the first line of the sync part,
 * which a wide screen shows beside the device's fields. */
size_t tui_detail_device(const json_t *view, int64_t now, struct tui_line *out, size_t max,
			 size_t *split);
/* A group of the model as lines. */
size_t tui_detail_group(const struct tui_peering *g, struct tui_line *out, size_t max);
/* An event's JSON text as indented lines (a new array, owned by the caller). */
size_t tui_detail_event(const char *raw, struct tui_line **out);

/* acts.c: the write actions (bound in keys.c; TUI_R_* as they are). */
/* Writes the status line (takes the model lock). */
void tui_say(struct tui *t, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The selected row of the current panel, built now; false when there is none. Lock not held. */
bool tui_selected(struct tui *t, struct tui_row *r);
unsigned tui_act_approve(struct tui *t, int key);
unsigned tui_act_decommission(struct tui *t, int key);
unsigned tui_act_hub(struct tui *t, int key);
unsigned tui_act_link_add(struct tui *t, int key);
unsigned tui_act_link_remove(struct tui *t, int key);
unsigned tui_act_mark(struct tui *t, int key);
unsigned tui_act_sync(struct tui *t, int key);
unsigned tui_act_sync_pending(struct tui *t, int key);
unsigned tui_act_sync_all(struct tui *t, int key);
/* Keys in TUI_MODE_CONFIRM (y sends, anything else does not) and TUI_MODE_INPUT. */
unsigned tui_confirm_key(struct tui *t, int key);
unsigned tui_input_key(struct tui *t, int key);
/* Whether the device serial is marked; the marks cleared. */
bool tui_marked(const struct tui *t, const char *serial);
void tui_marks_clear(struct tui *t);

/* keys.c: the key->action table. */
/* Runs the action bound to key in t's mode; returns TUI_R_*. Lock not held. */
unsigned tui_keys_handle(struct tui *t, int key);
/* One binding for the help overlay: keys as shown, and what they do. */
struct tui_help {
	const char *keys, *what;
};
/* The i-th line of the help (generated from the table); false past the end. */
bool tui_keys_help(size_t i, struct tui_help *h);
/* The short hint of the status line ("? help  q quit"). */
const char *tui_keys_hint(void);

/* layout.c: the screen's layout without curses. */
#define TUI_GAP 2 /* columns between cells */
/* s with every character outside ASCII as one ASCII character (✓ as v, → as
 * >, ↑ as ^, others as ?) into out[n]: for terminals whose locale is not
 * UTF-8, the columns stay the same. */
void tui_ascii(const char *s, char *out, size_t n);
/* The widths w[ncols] of the columns (headers heads) for rows[nrows] in
 * t's width: as cli_out_fit fits them, the flexible column taking what is left. */
void tui_widths(const struct tui *t, const struct tui_col *cols, char (*heads)[64], size_t ncols,
		const struct tui_row *rows, size_t nrows, size_t *w);

/* view.c: the screen. */
/* Sets up the terminal; color asks for colour (has_colors() decides too).
 * Returns 0, or NC_ERR_IO when the terminal cannot be used (ei says why). */
int tui_view_open(struct tui *t, bool color, struct nc_errinfo *ei);
/* Restores the terminal; safe to call twice. */
void tui_view_close(void);
/* The next key, or -1 when none is waiting (never blocks). */
int tui_view_key(struct tui *t);
/* Draws everything (model lock held). */
void tui_view_draw(struct tui *t);

#endif
