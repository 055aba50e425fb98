/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_COUNT_H
#define NC_UTIL_COUNT_H

/* The number of elements of an array (not a pointer) a. */
#define NC_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
