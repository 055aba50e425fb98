/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_EVLINE_H
#define NC_CLI_EVLINE_H

/*
 * Events of /v1/events for people, one line each, for `tail`: time (UTC,
 * from the event's ts), device, type, and what happened, decoded per type
 * (a confirmation's verdict as ✓ or ✗ with its hash, a tunnel up or down, a
 * lifecycle move, a dirty reason). No I/O.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Renders ev (borrowed) into buf[n]; color adds ANSI colours. */
void cli_evline(const json_t *ev, bool color, char *buf, size_t n);

/*
 * Expands a --type list ("confirm,tunnel") into the server's type names,
 * comma-separated, into out[n]: aliases (cmdinfo.h's nc_event_aliases)
 * stand for their types, duplicates are dropped, "all" keeps every type
 * (out is then ""). NC_ERR_INVAL with the unknown name in bad[badn].
 */
int cli_evtypes_expand(const char *list, char *out, size_t n, char *bad, size_t badn);

#endif
