/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_LAN_H
#define NC_CORE_LAN_H

/*
 * LAN subnets that cannot share a tenant. Two devices of one tenant whose
 * LAN subnets are equal or overlap would be routed to both (an edge gets
 * duplicate AllowedIPs and WireGuard keeps one silently), so a write that
 * would make such a pair is refused. Decommissioned connectors do not
 * count: they get no configuration. NAT that would make an overlap safe is
 * not offered (no --allow-overlap).
 */

#include <stdbool.h>

struct nc_core;
struct nc_errinfo;
struct nc_strlist;

/*
 * 0 when no subnet of lans overlaps one of another device of tenant than
 * serial; NC_ERR_CONFLICT with ei->field "lan_subnets[i]" and a message
 * naming the other device and its subnet otherwise; a store error. Call
 * inside the write's transaction, after the subnets were validated.
 */
int nc_core_lan_check(struct nc_core *c, const char *tenant, const char *serial,
		      const struct nc_strlist *lans, struct nc_errinfo *ei);

/* Whether prefixes a and b ("addr/len", IPv4 or IPv6) share an address;
 * false when either does not parse or they are of different families. */
bool nc_core_lan_overlap(const char *a, const char *b);

#endif
