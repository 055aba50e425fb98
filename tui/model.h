/* SPDX-License-Identifier: MIT */
#ifndef NC_TUI_MODEL_H
#define NC_TUI_MODEL_H

/*
 * What the dashboard shows: connectors, edges, peering groups with their
 * links, the stat cards, the tail of the event stream, the connection
 * state and one detail view. The network thread (net.c) writes it, the UI
 * thread reads it to draw. Every member is guarded by lock: callers of the
 * tui_model_* functions that read or change it hold the lock. No I/O here,
 * and no curses.
 */

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUI_STR	       64   /* serials, names, regions: at most 63 bytes (api.md) */
#define TUI_WORD       24   /* a status or state word */
#define TUI_EVENTS_MAX 2000 /* event lines kept */
#define TUI_DETAIL_MAX 96   /* lines of a detail view */
#define TUI_TEXT       320  /* a line of text (status, message, detail) */

struct tui_conn {
	char serial[TUI_STR], tenant[TUI_STR], name[TUI_STR], region[TUI_STR], hub[TUI_STR];
	char status[TUI_WORD], sync[TUI_WORD];
	char dirty[160];
	int64_t last_seen; /* Unix s, 0 for never */
};

struct tui_edge {
	char serial[TUI_STR], tenant[TUI_STR], name[TUI_STR], region[TUI_STR];
	char kind[TUI_WORD], sync[TUI_WORD];
	char endpoint[128];
	int64_t last_seen;
};

struct tui_link {
	char a[TUI_STR], b[TUI_STR];
	char status[TUI_WORD];
	int index;	  /* tunnel index: 0 primary, 1 secondary */
	bool no_endpoint; /* neither end has an endpoint: the tunnel cannot come up */
	/* What its ends reported (`peering show'): IPSec "established", "down" or
	 * "" while unknown; WireGuard handshake (Unix s) and bytes, -1 when not. */
	char sa[TUI_WORD];
	int64_t handshake, rx, tx;
};

struct tui_peering {
	char name[TUI_STR], tenant[TUI_STR], hub[TUI_STR];
	char topology[TUI_WORD], protocol[TUI_WORD];
	bool dual;
	size_t nmembers;
	struct tui_link *links; /* owned */
	size_t nlinks;
	char (*isolated)[TUI_STR]; /* partial-mesh members without a link (owned) */
	size_t nisolated;
};

/* A line of the event tail: the decoded text, the event's JSON, and the
 * state word that colours it ("" for none). */
struct tui_event {
	char *line, *raw; /* owned */
	char word[TUI_WORD];
	long long id;
};

/* A line of a detail view; word colours it ("" for none). */
struct tui_line {
	char text[TUI_TEXT];
	char word[TUI_WORD];
};

enum tui_link_state {
	TUI_LINK_CONNECTING, /* no answer yet */
	TUI_LINK_LIVE,	     /* the event stream is open */
	TUI_LINK_LOST,	     /* lost; reconnecting (conn_msg says why) */
};

struct tui_model {
	pthread_mutex_t lock;
	unsigned long version; /* bumped by every change the UI should see */

	struct tui_conn *conns; /* sorted by serial (owned) */
	size_t nconns;
	struct tui_edge *edges; /* sorted by serial (owned) */
	size_t nedges;
	struct tui_peering *groups; /* in the server's order (owned) */
	size_t ngroups;
	bool truncated;	      /* a list had more items than the dashboard reads */
	json_t *stats;	      /* GET /v1/stats as the server answered (owned), NULL before */
	int64_t refreshed_at; /* Unix s of the last full refresh, 0 before */

	struct tui_event events[TUI_EVENTS_MAX]; /* a ring: the oldest at ev_head */
	size_t ev_head, ev_count;

	enum tui_link_state link;
	char link_msg[TUI_TEXT]; /* why the stream is down, "" when live */

	char status[TUI_TEXT]; /* the result of the last action */
	bool status_err;
	unsigned long status_seq; /* bumped with each new status */

	/* The detail view the UI asked for (net.c fills it). */
	char detail_key[TUI_STR];
	char detail_title[TUI_TEXT];
	struct tui_line detail[TUI_DETAIL_MAX];
	size_t ndetail, detail_split; /* lines, and the first of the second column */
	bool detail_ready;	      /* false while loading */
};

void tui_model_init(struct tui_model *m);
/* Frees what m owns (not m); the lock is destroyed. */
void tui_model_clear(struct tui_model *m);

/*
 * Parsing of API lists (borrowed items arrays) into new arrays, owned by
 * the caller and sorted by serial; no lock needed. Items without a serial
 * are skipped. Return the number of rows.
 */
size_t tui_conns_parse(const json_t *items, struct tui_conn **out);
size_t tui_edges_parse(const json_t *items, struct tui_edge **out);
/*
 * The same, page by page: tui_devs_add appends a page's items to d (its
 * signature is nc_client_page_fn's: pass d as arg), and tui_devs_take hands
 * the sorted array over (a struct tui_conn ** or, for edges set, a
 * struct tui_edge **, into out), returns its length and leaves d empty.
 */
struct tui_devs {
	void *v;
	size_t n;   /* rows */
	size_t cap; /* bytes at v */
	bool edges; /* struct tui_edge rows, else struct tui_conn */
};
int tui_devs_add(const json_t *items, void *d);
size_t tui_devs_take(struct tui_devs *d, void *out);
/* One group of GET /v1/peerings/{name} (borrowed) into *g; false when it has no name. */
bool tui_group_parse(const json_t *group, struct tui_peering *g);
void tui_group_clear(struct tui_peering *g);
/* Replaces the model's stats with reply, taking it over (lock held). */
void tui_model_set_stats(struct tui_model *m, json_t *reply);

/* Replace the model's lists with new arrays, taking them over (lock held). */
void tui_model_set_conns(struct tui_model *m, struct tui_conn *v, size_t n);
void tui_model_set_edges(struct tui_model *m, struct tui_edge *v, size_t n);
void tui_model_set_groups(struct tui_model *m, struct tui_peering *v, size_t n);
/* Sets the edges' sync state from the items of GET /v1/sync (borrowed;
 * lock held). An MTGE takes the state of its own tenant. */
void tui_model_set_edge_sync(struct tui_model *m, const json_t *items);

/* What an event asks of the network thread (tui_model_apply_event). */
#define TUI_EV_STATS   0x01 /* the stat cards may have changed */
#define TUI_EV_LISTS   0x02 /* objects were added or removed: read the lists again */
#define TUI_EV_GAP     0x04 /* events were lost: read everything again */
#define TUI_EV_PATCHED 0x08 /* a row changed in place */

/*
 * Applies one event of /v1/events (borrowed) to the rows it concerns
 * (sync_state, dirty, batch_sent, confirm: the sync state; lifecycle: the
 * status; heartbeat: last seen; link: the link's status) and appends it,
 * decoded as `netctl tail' prints it, to the event tail. data is the
 * event's JSON text as received (copied). Lock held. Returns TUI_EV_*.
 */
unsigned tui_model_apply_event(struct tui_model *m, const json_t *ev, const char *data);

/* The i-th event line from the oldest (i < ev_count). */
const struct tui_event *tui_model_event(const struct tui_model *m, size_t i);

/* Lookups by serial (lock held); NULL when absent. */
struct tui_conn *tui_model_conn(struct tui_model *m, const char *serial);
struct tui_edge *tui_model_edge(struct tui_model *m, const char *serial);

/* Sets the status line (lock held); err marks a failure. */
void tui_model_status(struct tui_model *m, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As tui_model_status, but takes the lock itself: for the keyboard and the
 * network threads. */
void tui_model_vsay(struct tui_model *m, bool err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Link k's status and tunnel as `link list' words them: cli_out_link_status_text
 * ("SA: Established" for IPSec) into st[sn], cli_out_tunnel_text into buf[n]. */
void tui_link_text(const struct tui_link *k, char *st, size_t sn, char *buf, size_t n);

#endif
