/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_VERSION_H
#define NC_UTIL_VERSION_H

#define NC_VERSION "0.1.0"
/* The protocol version every wire payload carries as "v". */
#define NC_PROTOCOL_VERSION 1

#endif
