/* SPDX-License-Identifier: MIT */
#ifndef NC_API_STREAMS_H
#define NC_API_STREAMS_H

/*
 * The open event streams of the server: how many there are (capped), and
 * the ones parked while they have nothing to send. libmicrohttpd runs a
 * small pool of threads for every connection, so a stream never waits on a
 * thread: its content reader suspends the connection (api_streams_park) and
 * one waker thread resumes it when the ring has a newer event or its
 * keepalive is due. Thread-safe.
 */

#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;
struct nc_events;
struct api_streams;

/* One stream's place in the registry; owned by the stream, zeroed at start. */
struct api_stream_slot {
	struct MHD_Connection *conn;
	uint64_t after; /* the stream has read every event up to this id */
	int64_t due_ms; /* monotonic time its keepalive is due */
	bool parked;
	struct api_stream_slot *next;
};

enum api_park {
	API_PARKED,  /* the connection is suspended: the reader returns 0 */
	API_RETRY,   /* a newer event arrived meanwhile: read again */
	API_CLOSING, /* the server is stopping: end the stream */
};

/*
 * A registry of at most max open streams over ev (borrowed, outlives it),
 * and its waker thread. 0, NC_ERR_IO when the thread or eventfd fails.
 */
int api_streams_new(struct nc_events *ev, unsigned max, struct api_streams **out);
/* Resumes every parked stream and makes later parks answer API_CLOSING:
 * call before stopping libmicrohttpd (it refuses to stop with suspended
 * connections). Stops the waker thread. */
void api_streams_shutdown(struct api_streams *ss);
/* Frees the registry after api_streams_shutdown and the daemon's stop. NULL is a no-op. */
void api_streams_free(struct api_streams *ss);

/* Counts one more open stream: false (nothing counted) at the cap. */
bool api_streams_open(struct api_streams *ss);
/* Ends a stream counted by api_streams_open; unparks it if parked. */
void api_streams_close(struct api_streams *ss, struct api_stream_slot *slot);
/* Open streams now, and the cap. */
unsigned api_streams_count(struct api_streams *ss, unsigned *max);

/*
 * Called from the stream's content reader (a libmicrohttpd thread) when it
 * has nothing to send: suspends slot->conn until an event newer than
 * slot->after is emitted or slot->due_ms passes, unless one already was
 * (API_RETRY) or the server is stopping (API_CLOSING).
 */
enum api_park api_streams_park(struct api_streams *ss, struct api_stream_slot *slot);

#endif
