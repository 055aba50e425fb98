/* SPDX-License-Identifier: MIT */
#ifndef NC_EVENTS_EVENTS_H
#define NC_EVENTS_EVENTS_H

/*
 * The event ring: one bounded ring of typed events with ids that increase
 * by one from base + 1. Writers never block on readers: when the ring is
 * full the oldest event is dropped, and a reader that asks for events older
 * than the oldest kept learns that it missed some (`gap`). Thread-safe.
 *
 * Ids across restarts: each start of serve takes the next block of ids
 * from the store and numbers its events from block * 2^32 + 1, so ids keep
 * increasing across restarts and an id of a previous run is told apart
 * (it is below the base). Ids stay below 2^53, exact in JSON clients.
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
	const char *tenant; /* NULL = every tenant */
	const char *types;  /* NULL = all; else comma-separated type names */
	const char *device; /* NULL = all devices */
};

/* One event handed to a reader; text is heap, owned by the reader. */
struct nc_event {
	uint64_t id;
	char *text;
};

/* An id is block << NC_EVENTS_BLOCK_SHIFT plus the event's number in its
 * run, from 1 (past 2^32 it runs on into the next block). */
#define NC_EVENTS_BLOCK_SHIFT 32
/* Starts take blocks 1 to NC_EVENTS_BLOCK_WRAP - 1, then 1 again: ids of a
 * run that starts in the last block reach 2^53 only after 2^52 events. */
#define NC_EVENTS_BLOCK_WRAP (UINT64_C(1) << 20)

/* A ring whose first event gets id base + 1; base < 2^53. Ids <= base
 * belong to earlier runs. nc_events_new() is base 0 (ids from 1). */
struct nc_events *nc_events_new_after(size_t capacity, uint64_t base);
struct nc_events *nc_events_new(size_t capacity);
/* Wakes every waiting reader (they return at once) and frees the ring;
 * no reader may use it after its read returns. NULL is a no-op. */
void nc_events_free(struct nc_events *ev);
/* Makes waiting readers return and later reads not wait: for shutdown. */
void nc_events_close(struct nc_events *ev);
bool nc_events_closed(struct nc_events *ev);

/* Every event type, from types.def: NC_EV_audit, NC_EV_dirty, ... */
enum nc_event_type {
#define NC_EVENT_TYPE(name) NC_EV_##name,
#include "types.def"
	NC_EV_COUNT
};

/* The wire name of t ("sync_state"), a static string; NULL when t is not a type. */
const char *nc_event_type_name(enum nc_event_type t);
/* The type named name into *out: 0, or NC_ERR_NOTFOUND when no type has that name. */
int nc_event_type_find(const char *name, enum nc_event_type *out);

/*
 * Appends an event; fields (may be NULL) is an object whose members are
 * added to the event; stolen. tenant and device may be NULL or "". Returns
 * the new id (0, with fields released, when type is not an nc_event_type).
 * Never log secrets through here: events are shown to users.
 */
uint64_t nc_events_emit(struct nc_events *ev, enum nc_event_type type, const char *tenant,
			const char *device, json_t *fields);

/*
 * Copies up to max events with id > after that pass f into out, in id
 * order, waiting up to timeout_ms (0 = no wait) for the first unless there
 * is a gap to report. Returns the count (0 on timeout, after close, or with
 * a gap and no event yet). *next is the id to pass as `after` next time (it
 * moves past filtered-out events too).
 *
 * `after` 0 means from the first event of this ring. An `after` below the
 * base (an id of an earlier run) or beyond the newest id (never issued by
 * this ring: another server's, or a store restored from a backup) reads
 * from the first event of this ring too, with *gap set: what followed it
 * is not known here. Otherwise *gap is set when events after `after` were
 * already dropped from the ring.
 */
size_t nc_events_read(struct nc_events *ev, uint64_t after, const struct nc_event_filter *f,
		      struct nc_event *out, size_t max, int timeout_ms, bool *gap, uint64_t *next);

/*
 * Calls fn(arg) after each emit, from the emitting thread and under the
 * ring's lock: fn must not block nor call back into the ring (a write to an
 * eventfd is the intended use). fn NULL removes the hook; once this returns,
 * the previous hook is never called again.
 */
/*
 * Copies the newest events that pass f, at most max of them, into out in id
 * order (oldest first), without waiting: the recent history of a device for
 * a one-shot view. Returns the count; *last is the newest id of the ring
 * (the `after` from which a stream would continue). Each text is owned by
 * the caller (nc_event_array_clear).
 */
size_t nc_events_recent(struct nc_events *ev, const struct nc_event_filter *f, struct nc_event *out,
			size_t max, uint64_t *last);

void nc_events_on_emit(struct nc_events *ev, void (*fn)(void *arg), void *arg);

/* The id of the newest event; the base when there is none yet. */
uint64_t nc_events_last_id(struct nc_events *ev);

/* The block of ids for a new start, given the block recorded by the
 * previous one (0 when none): the next, wrapping to 1 at
 * NC_EVENTS_BLOCK_WRAP. */
uint64_t nc_events_block_next(uint64_t recorded);
/* The block a running server must have recorded once last_id is issued,
 * so that the next start, even after a crash, takes a block above every id
 * issued: the block of last_id, or the next one once last_id is past the
 * middle of its block (so checking every few seconds is enough at any rate
 * of events). */
uint64_t nc_events_block_needed(uint64_t last_id);
void nc_event_array_clear(struct nc_event *v, size_t n);

#endif
