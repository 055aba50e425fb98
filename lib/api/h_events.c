/* SPDX-License-Identifier: MIT */
/*
 * GET /v1/events: the event ring as Server-Sent Events. Each event is
 * "id: N\ndata: {json}\n\n". A client resumes with Last-Event-ID (or
 * ?after=N); when events it asks for have already left the ring, or were
 * lost with an earlier run of the server (an id from before a restart), the
 * stream first says so with a {"type":"gap",...} event (events.h says which
 * ids are which). Filters: ?type=a,b and ?device=S; a tenant token sees only
 * its tenant's events.
 *
 * The stream never holds a thread: its content reader sends what the ring
 * has and, when nothing is left, parks the connection (streams.h) until a
 * newer event or its keepalive is due. A comment line is sent every 15 s
 * (half the idle timeout when that is shorter) so that the stream outlives
 * the idle timeout and dead clients are noticed. Past the cap on open
 * streams a client gets 503 with Retry-After.
 */
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../events/events.h"
#include "../store/store.h"
#include "../util/timefmt.h"
#include "../util/xmalloc.h"
#include "handlers.h"
#include "internal.h"
#include "streams.h"

#define BATCH 64
/* What a client refused past the stream cap is told to wait, in seconds. */
#define RETRY_AFTER_S 5
/* Events in a JSON list when the client names no limit. */
#define RECENT_DEFAULT 50

struct stream {
	struct nc_events *ev;
	struct api_streams *ss;
	struct api_stream_slot slot;
	int64_t keepalive_ms;
	struct nc_event_filter f;
	char tenant[64], types[256], device[64];
	uint64_t after;
	bool started;
	bool asked; /* the client named an id to resume after */
	char *out;  /* rendered, not yet sent: out[off..len) */
	size_t len, off;
};

static void append(struct stream *s, const char *text, size_t n)
{
	s->out = nc_xrealloc(s->out, s->len + n + 1);
	memcpy(s->out + s->len, text, n);
	s->len += n;
	s->out[s->len] = '\0';
}

/* Fills s->out with the next events, or a keepalive when it is due;
 * without waiting. s->out stays empty when there is nothing to send. */
static void refill(struct stream *s)
{
	struct nc_event evs[BATCH];
	bool gap;
	uint64_t next, from = s->after;
	size_t n;
	char line[160];

	s->len = s->off = 0;
	if (!s->started) {
		s->started = true;
		append(s, "retry: 2000\n\n", 13);
		goto sent;
	}
	n = nc_events_read(s->ev, s->after, &s->f, evs, BATCH, 0, &gap, &next);
	if (gap && s->asked) {
		int k = snprintf(line, sizeof(line),
				 "data: {\"type\":\"gap\",\"after\":%" PRIu64
				 ",\"message\":\"some events after %" PRIu64
				 " are no longer kept; reload current state\"}\n\n",
				 from, from);

		append(s, line, (size_t)k);
	}
	s->asked = false;
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(line, sizeof(line), "id: %" PRIu64 "\ndata: ", evs[i].id);

		append(s, line, (size_t)k);
		append(s, evs[i].text, strlen(evs[i].text));
		append(s, "\n\n", 2);
	}
	nc_event_array_clear(evs, n);
	s->after = next;
	s->slot.after = next;
	if (s->len == 0 && nc_time_mono_ms() >= s->slot.due_ms)
		append(s, ": keepalive\n\n", 13);
	if (s->len == 0)
		return;
sent:
	s->slot.due_ms = nc_time_mono_ms() + s->keepalive_ms;
}

/* An event id: decimal digits only, below 2^64. */
static bool parse_id(const char *s, uint64_t *out)
{
	uint64_t v = 0, d;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t n;

	(void)pos;
	while (s->off == s->len) {
		refill(s);
		if (s->len > 0)
			break;
		if (nc_events_closed(s->ev))
			return MHD_CONTENT_READER_END_OF_STREAM;
		switch (api_streams_park(s->ss, &s->slot)) {
		case API_PARKED:
			return 0;
		case API_CLOSING:
			return MHD_CONTENT_READER_END_OF_STREAM;
		case API_RETRY:
			break;
		}
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->out + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void release(void *cls)
{
	struct stream *s = cls;

	api_streams_close(s->ss, &s->slot);
	free(s->out);
	free(s);
}

/* Whether the client asked for a JSON list rather than the stream: its
 * Accept names application/json and not text/event-stream. */
static bool wants_list(struct api_req *r)
{
	const char *accept =
		MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);

	return accept && strstr(accept, "application/json") && !strstr(accept, "text/event-stream");
}

/*
 * The recent history as one JSON reply, without waiting:
 * {"items":[event...],"next_cursor":null,"last_id":N}, the newest `limit`
 * events (default 50, at most 1000) that pass the filters, oldest first.
 * last_id is the id a stream resumes after (?after=) to follow on.
 */
static int recent(struct api_req *r, struct nc_event_filter *f)
{
	struct nc_event *evs = NULL;
	struct nc_page pg;
	uint64_t last = 0;
	json_t *items, *reply;
	size_t n;
	int ret = api_page(r, &pg);

	if (ret == 0 && pg.cursor[0])
		ret = nc_fail(&r->ei, NC_ERR_INVAL, "cursor",
			      "the event list takes no cursor: it gives the newest events "
			      "(limit), and a stream resumes after its last_id");
	if (ret < 0)
		return ret;
	if (pg.limit == 0)
		pg.limit = RECENT_DEFAULT;
	evs = nc_xcalloc(pg.limit, sizeof(*evs));
	n = nc_events_recent(api_events(r), f, evs, pg.limit, &last);
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_loads(evs[i].text, 0, NULL));
	nc_event_array_clear(evs, n);
	free(evs);
	reply = json_pack("{s:o,s:n,s:I}", "items", items, "next_cursor", "last_id",
			  (json_int_t)last);
	return api_reply(r, MHD_HTTP_OK, reply);
}

int h_events(struct api_req *r)
{
	const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	const char *after = api_query(r, "after"), *types = api_query(r, "type");
	const char *device = api_query(r, "device");
	struct stream *s;
	uint64_t from;
	unsigned max;

	if (wants_list(r)) {
		struct nc_event_filter f = {.tenant = r->tenant, .types = types, .device = device};

		return recent(r, &f);
	}
	if (!last)
		last = after;
	from = nc_events_last_id(api_events(r));
	if (last && !parse_id(last, &from))
		return nc_fail(&r->ei, NC_ERR_INVAL, "after",
			       "event id `%s' is not a number (decimal digits, below 2^64)", last);
	if (!api_streams_open(api_streams(r))) {
		api_streams_count(api_streams(r), &max);
		r->retry_after = RETRY_AFTER_S;
		r->code = "too_many_streams";
		return nc_fail(&r->ei, NC_ERR_UNREACHABLE, NULL,
			       "the server already serves its maximum of %u event streams "
			       "(--max-streams); retry in %d seconds",
			       max, RETRY_AFTER_S);
	}
	s = nc_xcalloc(1, sizeof(*s));
	s->ev = api_events(r);
	s->ss = api_streams(r);
	s->keepalive_ms = api_stream_keepalive_ms(r);
	s->slot.conn = r->conn;
	s->after = from;
	s->slot.after = from;
	s->asked = last != NULL;
	if (r->tenant) {
		snprintf(s->tenant, sizeof(s->tenant), "%s", r->tenant);
		s->f.tenant = s->tenant;
	}
	if (types) {
		snprintf(s->types, sizeof(s->types), "%s", types);
		s->f.types = s->types;
	}
	if (device) {
		snprintf(s->device, sizeof(s->device), "%s", device);
		s->f.device = s->device;
	}
	r->raw = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, release);
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(r->raw, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	return 0;
}
