/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_PRESENT_H
#define NC_CLI_PRESENT_H

/*
 * How a field reads for people, written once for the CLI's tables and
 * views (views.c, describe.c) and the dashboard (tui/rows.c): counts,
 * tunnel indexes, why a device is not synced. Pure: no I/O, no JSON
 * parsing beyond the values handed in. Each writes into buf[n], cut to fit
 * and NUL-terminated when n > 0.
 */

#include <stddef.h>

/* A count with thousands separators: 4000 as "4,000". */
void cli_present_count(long long v, char *buf, size_t n);

/* A link's tunnel index: 0 is the primary tunnel (wg2), 1 the secondary
 * (wg3): "0 (primary)", "1 (secondary)". */
void cli_present_tunnel_index(long long index, char *buf, size_t n);

/*
 * Why a device is not synced, from its sync state and reasons (each NULL
 * or "" when unknown): a failed device's fail reason, else its dirty
 * reason; "-" for a synced device and when there is none.
 */
void cli_present_reason(const char *state, const char *fail, const char *dirty, char *buf,
			size_t n);

#endif
