/* SPDX-License-Identifier: MIT */
#ifndef NC_EVENTS_EVENTS_H
#define NC_EVENTS_EVENTS_H

/*
 * The event ring: one bounded ring of typed events with ids that increase
 * by one from 1. Writers never block on readers: when the ring is full the
 * oldest event is dropped, and a reader that asks for events older than the
 * oldest kept learns that it missed some (`gap`). Thread-safe.
 *
 * An event is stored as its JSON text, rendered once at emit:
 *   {"id":7,"ts":"2026-11-22T03:04:05.123Z","type":"sync_state",
 *    "tenant":"acme","device":"CN-1", ...fields}
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_events;

struct nc_event_filter {
	const char *tenant;	/* NULL = every tenant */
	const char *types;	/* NULL = all; else comma-separated type names */
	const char *device;	/* NULL = all devices */
};

/* One event handed to a reader; text is heap, owned by the reader. */
struct nc_event {
	uint64_t id;
	char *text;
};

struct nc_events *nc_events_new(size_t capacity);
/* Wakes every waiting reader (they return at once) and frees the ring;
 * no reader may use it after its read returns. NULL is a no-op. */
void nc_events_free(struct nc_events *ev);
/* Makes waiting readers return and later reads not wait: for shutdown. */
void nc_events_close(struct nc_events *ev);
bool nc_events_closed(struct nc_events *ev);

/*
 * Appends an event; fields (may be NULL) is an object whose members are
 * added to the event; stolen. tenant and device may be NULL or "". Returns
 * the new id. Never log secrets through here: events are shown to users.
 */
uint64_t nc_events_emit(struct nc_events *ev, const char *type, const char *tenant,
			const char *device, json_t *fields);

/*
 * Copies up to max events with id > after that pass f into out, in id
 * order, waiting up to timeout_ms (0 = no wait) for the first. Returns the
 * count (0 on timeout or after close). *gap is set when events after
 * `after` were already dropped from the ring; *next is the id to pass as
 * `after` next time (it moves past filtered-out events too).
 */
size_t nc_events_read(struct nc_events *ev, uint64_t after, const struct nc_event_filter *f,
		      struct nc_event *out, size_t max, int timeout_ms, bool *gap,
		      uint64_t *next);

/* The id of the newest event (0 when none). */
uint64_t nc_events_last_id(struct nc_events *ev);
void nc_event_array_clear(struct nc_event *v, size_t n);

#endif
