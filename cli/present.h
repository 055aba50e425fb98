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

#endif
