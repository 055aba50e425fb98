/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_CORE_H
#define NC_TESTS_FIXTURE_CORE_H

/*
 * The core on a real SQLite store, shared by the test_core_* programs
 * (fixture_core.c, linked into every test program like fixture.c). Helpers
 * that assert fail the running cmocka test; include <cmocka.h> (and what it
 * needs) before this header. Every object is made in tenant acme unless a
 * helper takes a tenant.
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../../lib/core/core.h"
#include "../../lib/model/model.h"

struct fx;
struct nc_errinfo;
struct nc_events;
struct nc_store;

struct fx_core {
	struct fx *base;	    /* fixture.h's directory and store: owned */
	struct nc_store *st;	    /* base->st, borrowed */
	const char *path;	    /* base->path: the store file */
	struct nc_events *ev;	    /* an event ring of 1024, owned */
	struct nc_core core;	    /* on st and ev */
	struct nc_actor actor;	    /* operator token tok1 of acme */
	uint64_t seen;		    /* last event id read (fxi_events_since) */
	unsigned edges, connectors; /* made by fxi_add_*: each gets a LAN of its own */
};

/* cmocka setups: a store with tenants acme and globex, an event ring and a core on them; and,
 * for peerings, in acme edges EDGE-1..3, connectors CN-1..4 approved (hubbed on EDGE-1) and
 * CN-DEAD decommissioned, in globex the edge GX-1. 0, or -1 (cmocka then skips the test). */
int fxc_setup(void **state);
int fxp_setup(void **state);
/* Frees the ring and the core, then as fx_teardown. */
int fxc_teardown(void **state);
/* A cmocka test f on a fresh core. */
#define FXC_TEST(f) cmocka_unit_test_setup_teardown(f, fxc_setup, fxc_teardown)

/* Marks every device synced without a reason, and forgets the events so far. */
void fxc_clean(struct fx_core *fx);

/* The arrow between the two ends of a link in reasons and messages. */
#define ARROW "\xe2\x86\x94"

/* Peering groups of acme through the core, as fx->actor; each fails the test on an error. */
void fxp_create(struct fx_core *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		bool dual, const char *hub);
void fxp_add(struct fx_core *fx, const char *group, const char *serial);
void fxp_link_add(struct fx_core *fx, const char *group, const char *a, const char *b);
/* nc_core_peering_update with the JSON text patch: its result, errors in ei. */
int fxp_update(struct fx_core *fx, const char *group, const char *patch, struct nc_errinfo *ei);
void fxp_must_update(struct fx_core *fx, const char *group, const char *patch);
/* The group's links as "A-B/idx" words, in store order, must be want. */
void fxp_assert_links(struct fx_core *fx, const char *group, const char *want);
size_t fxp_n_links(struct fx_core *fx, const char *group);
/* The pending devices as "SERIAL: reason\n" lines, in serial order, must be want. */
void fxp_assert_pending(struct fx_core *fx, const char *want);
/* The same when every pending device has one reason: the serials, in serial order, then NULL. */
void fxp_assert_pending_all(struct fx_core *fx, const char *reason, ...);
/* nc_core_peering_show of the group: a new reference. */
json_t *fxp_show(struct fx_core *fx, const char *group);
/* The JSON array of strings o[key] as "A,B,C" must be want. */
void fxp_assert_array(const json_t *o, const char *key, const char *want);
/* sql run on a second connection: every value followed by '|'; heap, never NULL. */
char *fxp_query(struct fx_core *fx, const char *sql);
long fxp_query_long(struct fx_core *fx, const char *sql);
/* Everything a peering operation may write, as one string (heap). */
char *fxp_snapshot(struct fx_core *fx);
/* The texts of every event after `after`, one per line (heap). */
char *fxp_events_after(struct fx_core *fx, uint64_t after);

/* Inventory through the core, as an admin token of no tenant. */
extern const struct nc_actor fxi_admin;
/* Edge serial (dedicated) or connector serial under hub (NULL: none) of tenant, created in
 * scope (NULL: any tenant); each gets a LAN no other device has. The core's result. */
int fxi_add_edge_in(struct fx_core *fx, const char *scope, const char *tenant, const char *serial,
		    struct nc_errinfo *ei);
int fxi_add_connector_in(struct fx_core *fx, const char *scope, const char *tenant,
			 const char *serial, const char *hub, struct nc_errinfo *ei);
/* The same in acme, asserting success; the connector then put straight into status st. */
void fxi_add_edge(struct fx_core *fx, const char *serial);
void fxi_add_connector(struct fx_core *fx, const char *serial, const char *hub, enum nc_status st);
/* A link between a and b in acme's partial-mesh peering `p', straight through the store. */
void fxi_add_link(struct fx_core *fx, const char *a, const char *b);
/* CN-1 active on hub EDGE-1, linked to EDGE-2 and CN-2; EDGE-3 a spare hub; all clean. */
void fxi_connector_world(struct fx_core *fx);
/* Every pending device as "SERIAL=reason;" in key order must be want. */
void fxi_assert_pending(struct fx_core *fx, const char *want);
/* The events since the last call (or fxc_clean), one per line (heap). */
char *fxi_events_since(struct fx_core *fx);
/* Those events must contain want1 and want2 (NULL: only want1); or be none. */
void fxi_assert_events(struct fx_core *fx, const char *want1, const char *want2);
void fxi_assert_no_events(struct fx_core *fx);
/* No device pending and no event since the last look: nothing was written. */
void fxi_assert_untouched(struct fx_core *fx);
/* The backbone index a new owner would get in hub's block: shows which are taken. */
uint32_t fxi_next_free(struct fx_core *fx, const char *hub);
/* Core updates with the JSON text json, as fxi_admin; the core's result, errors in ei. */
int fxi_patch_connector(struct fx_core *fx, const char *scope, const char *serial, const char *json,
			struct nc_errinfo *ei);
int fxi_patch_edge(struct fx_core *fx, const char *serial, const char *json, struct nc_errinfo *ei);
/* nc_core_connector_transition of serial to `to'; on success the status must be to. */
int fxi_move(struct fx_core *fx, const char *serial, enum nc_status to, struct nc_errinfo *ei);
void fxi_assert_status(struct fx_core *fx, const char *serial, enum nc_status want);

#endif
