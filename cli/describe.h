/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_DESCRIBE_H
#define NC_CLI_DESCRIBE_H

/*
 * The describe view of a device (`connector show', `edge show' and the
 * dashboard's detail pane): one view, written once. Two pure steps, no I/O:
 * cli_describe_view gathers what the API said into one object (the -o json
 * output), cli_describe_lines renders that object as lines of text.
 *
 * The view is the device object (GET /v1/connectors/{s} or /v1/edges/{s})
 * with these members added:
 *   "sync_states": [sync state...]   one per tenant the device serves
 *                                    (GET /v1/devices/{s}/sync), [] when none
 *   "backbone":    "up"|"down"|"unknown", or null when not known
 *   "tunnels":     [tunnel...] as GET /v1/devices/{s}/tunnels gives them,
 *                  or null when the core could not say
 *   "events":      [event...] the device's recent events, oldest first
 *                  (GET /v1/events?device={s}&limit=N), or null
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_client;
struct nc_errinfo;

/*
 * The view (new reference, into *out) of device (borrowed, required) with
 * sync (a state or {"items":[...]}), tunnels ({"backbone":...,"tunnels":[...]})
 * and events ({"items":[...]}), each borrowed and NULL when it could not be
 * read. NC_ERR_INVAL when device is not an object.
 */
int cli_describe_view(const json_t *device, const json_t *sync, const json_t *tunnels,
		      const json_t *events, json_t **out);

/*
 * Where a line goes: part 0 is the device itself, part 1 its sync state,
 * tunnels and events (the dashboard puts them in a second column). word is
 * a state word for colour ("" for none), text the line without a newline;
 * both borrowed for the call.
 */
typedef void (*cli_describe_line_fn)(void *arg, int part, const char *word, const char *text);

/*
 * Calls line(arg, ...) for each line of view (borrowed) at time now (Unix
 * s): "Label:  value" lines, the sync state of each tenant with its last
 * confirmation, the backbone, a table of the tunnels (interface, peer,
 * group, protocol, index, state as up/down or `SA: Established'/`SA: Down',
 * handshake age, rx/tx bytes) and the recent events as `tail' prints them.
 * Returns 0, or NC_ERR_INVAL when view is not an object.
 */
int cli_describe_lines(const json_t *view, int64_t now, cli_describe_line_fn line, void *arg);

/*
 * The one I/O part (cmd/describe.c), for the CLI and the dashboard alike:
 * reads the connector (or edge) serial through c, then its sync state,
 * tunnels and last 10 events, and makes the view (*out, owned by the
 * caller). Only the device itself must be read: its failure is returned
 * with ei filled (NC_ERR_NOTFOUND for an unknown serial); the other parts
 * are null in the view when they cannot be read.
 */
int cli_describe_fetch(struct nc_client *c, const char *serial, bool connector, json_t **out,
		       struct nc_errinfo *ei);

#endif
