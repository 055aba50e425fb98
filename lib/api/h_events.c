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
 * The stream runs on its connection's own thread (libmicrohttpd thread per
 * connection), blocking in the ring with a timeout; a comment line is sent
 * every 15 s so dead clients are noticed.
 */
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../events/events.h"
#include "../util/xmalloc.h"
#include "handlers.h"
#include "internal.h"

#define KEEPALIVE_MS 15000
#define BATCH 64

struct stream {
	struct nc_events *ev;
	struct nc_event_filter f;
	char tenant[64], types[256], device[64];
	uint64_t after;
	bool started;
	bool asked;		/* the client named an id to resume after */
	char *out;		/* rendered, not yet sent: out[off..len) */
	size_t len, off;
};

static void append(struct stream *s, const char *text, size_t n)
{
	s->out = nc_xrealloc(s->out, s->len + n + 1);
	memcpy(s->out + s->len, text, n);
	s->len += n;
	s->out[s->len] = '\0';
}

/* Fills s->out with the next events, or a keepalive; false at shutdown. */
static bool refill(struct stream *s)
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
		return true;
	}
	n = nc_events_read(s->ev, s->after, &s->f, evs, BATCH, KEEPALIVE_MS, &gap, &next);
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
	if (s->len == 0) {
		if (nc_events_closed(s->ev))
			return false;
		append(s, ": keepalive\n\n", 13);
	}
	return true;
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
	if (s->off == s->len && !refill(s))
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->out + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void release(void *cls)
{
	struct stream *s = cls;

	free(s->out);
	free(s);
}

int h_events(struct api_req *r)
{
	const char *last = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	const char *after = api_query(r, "after"), *types = api_query(r, "type");
	const char *device = api_query(r, "device");
	struct stream *s;

	if (!last)
		last = after;
	s = nc_xcalloc(1, sizeof(*s));
	s->ev = api_events(r);
	s->after = nc_events_last_id(s->ev);
	if (last) {
		if (!parse_id(last, &s->after)) {
			free(s);
			return nc_fail(&r->ei, NC_ERR_INVAL, "after",
				       "event id `%s' is not a number (decimal digits, below 2^64)",
				       last);
		}
		s->asked = true;
	}
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
