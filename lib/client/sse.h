/* SPDX-License-Identifier: MIT */
#ifndef NC_CLIENT_SSE_H
#define NC_CLIENT_SSE_H

/*
 * Server-Sent Events: a parser of the byte stream that does no I/O, and a
 * reader over libcurl that follows GET /v1/events, reconnects, and resumes
 * with Last-Event-ID.
 */

#include <stdbool.h>
#include <stddef.h>

struct nc_client;
struct nc_errinfo;

/* The longest line the parser accepts, in bytes; an event's data is capped alike. */
#define NC_SSE_LINE_MAX ((size_t)1 << 20)
#define NC_SSE_ID_MAX	128

/*
 * One dispatched event; every pointer is borrowed for the duration of the
 * callback. id is the stream's last event id when the event was dispatched
 * ("" when none was ever set, as the EventSource rules have it); has_id
 * says whether this event's own lines set it. type is the "event:" field,
 * or "message". data holds the data lines joined with '\n', NUL-terminated.
 */
struct nc_sse_event {
	const char *id;
	bool has_id;
	const char *type;
	const char *data;
	size_t len;
};

/* Receives an event. A negative return (NC_ERR_*) stops the parser or reader,
 * which returns it. */
typedef int (*nc_sse_cb)(void *arg, const struct nc_sse_event *ev);

/*
 * The parser's state. Lines end with LF, CR or CRLF (a CRLF split between
 * two feeds counts once); a first-line BOM is skipped; ':' lines are
 * comments; fields are data, id, event and retry (others are ignored); one
 * space after the colon is dropped. A blank line dispatches the event when
 * it has data. Zero it, or use nc_sse_parser_init; nc_sse_parser_clear frees.
 */
struct nc_sse_parser {
	char *line; /* the line being read (owned) */
	size_t len, cap;
	char *data; /* data of the event being read (owned) */
	size_t dlen, dcap;
	bool has_data;
	char type[64];
	char last_id[NC_SSE_ID_MAX];
	bool id_set;		/* the current event set the id */
	long retry_ms;		/* the last valid retry: field, -1 when none */
	bool cr;		/* the previous byte was CR */
	size_t bom;		/* bytes of a leading BOM matched so far; 3 once past it */
	unsigned long comments; /* comment lines seen (keepalives) */
};

void nc_sse_parser_init(struct nc_sse_parser *p);
void nc_sse_parser_clear(struct nc_sse_parser *p);

/*
 * Feeds buf[0..len) to the parser, calling cb for each event completed.
 * Returns 0, NC_ERR_TOOBIG for a line or data over NC_SSE_LINE_MAX (the
 * stream cannot be trusted after that), or cb's negative return.
 */
int nc_sse_parser_feed(struct nc_sse_parser *p, const char *buf, size_t len, nc_sse_cb cb,
		       void *arg);

/* The reader's connection state. */
enum nc_sse_state {
	NC_SSE_CONNECTING, /* a request is on its way; no answer yet */
	NC_SSE_OPEN,	   /* the server answered 200 and streams */
	NC_SSE_WAITING,	   /* lost; reconnects at a set time */
};

/* What happened to the connection, for status notes (nc_sse_opts.on_status). */
enum nc_sse_change {
	NC_SSE_OPENED, /* msg: NULL */
	NC_SSE_LOST,   /* msg: why, and when it retries */
};

struct nc_sse_opts {
	/* Whether to reconnect after the connection opened once and was lost
	 * (a failure before the first open is returned instead). */
	bool reconnect;
	/* The first reconnect delay; doubles on each failure up to the
	 * server's retry: (2 s when it sends none). 0 means 250 ms. */
	long reconnect_ms;
	/* Seconds without a byte (the server sends a comment every 15 s)
	 * after which the stream is taken as dead: reconnected, or, before it
	 * first opened, NC_ERR_UNREACHABLE. 0 means 45. */
	long idle_s;
	/* Called on changes, from within nc_sse_poll; may be NULL. */
	void (*on_status)(void *arg, enum nc_sse_change what, const char *msg);
	void *status_arg;
	/* nc_sse_poll returns as soon as the stream opened or events were
	 * delivered, not at its timeout: for a caller that waits for an
	 * outcome the events decide. */
	bool return_on_event;
};

struct nc_sse;

/*
 * Starts following path (e.g. "/v1/events?type=confirm") on c's server with
 * c's token and tenant; c is borrowed and must outlive the reader. last_id,
 * when not NULL or "", is sent as Last-Event-ID on the first request.
 * Nothing is sent until nc_sse_poll. Returns 0 and *out.
 */
int nc_sse_open(struct nc_client *c, const char *path, const char *last_id,
		const struct nc_sse_opts *o, struct nc_sse **out);

/*
 * Runs the stream for at most timeout_ms, calling cb for each event, and
 * returns early when a signal interrupts the wait (or, with
 * o->return_on_event, once the stream opened or events were delivered).
 * Returns 0, or:
 *   NC_ERR_UNREACHABLE  the server could not be reached before the stream
 *                       first opened (or at all, without o->reconnect)
 *   NC_ERR_UNAUTH, NC_ERR_FORBIDDEN, NC_ERR_NOTFOUND, NC_ERR_INVAL
 *                       the server refused the request (never retried)
 *   NC_ERR_TOOBIG       a line over NC_SSE_LINE_MAX
 *   cb's negative return
 * with ei saying why. After an error the reader is spent: free it.
 */
int nc_sse_poll(struct nc_sse *s, int timeout_ms, nc_sse_cb cb, void *arg, struct nc_errinfo *ei);

enum nc_sse_state nc_sse_state(const struct nc_sse *s);
/* The last event id received ("" for none yet), for resuming later. */
const char *nc_sse_last_id(const struct nc_sse *s);
/* How many times the stream has opened (1 after the first connection). */
unsigned nc_sse_opens(const struct nc_sse *s);
void nc_sse_free(struct nc_sse *s);

#endif
