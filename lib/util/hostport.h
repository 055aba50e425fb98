/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_HOSTPORT_H
#define NC_UTIL_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Splits "host:port" or "[v6addr]:port" into host (without brackets) and
 * port. No I/O, no name resolution. Returns NC_ERR_INVAL for a missing or
 * non-decimal port, a port over 65535 (or 0 unless allow_zero), an empty
 * host, or a host that does not fit in hostsz.
 */
int nc_hostport_split(const char *s, char *host, size_t hostsz, uint16_t *port, int allow_zero);

#endif
