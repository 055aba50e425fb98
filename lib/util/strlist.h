/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_STRLIST_H
#define NC_UTIL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* A list of strings (CIDRs, serials); v[i] owned. */
struct nc_strlist {
	char **v;
	size_t n;
};

void nc_strlist_clear(struct nc_strlist *l);
/* Appends a copy of s. */
void nc_strlist_add(struct nc_strlist *l, const char *s);
/* Whether s is one of l's strings. */
bool nc_strlist_has(const struct nc_strlist *l, const char *s);
/* Whether s is one of the comma-separated words of csv ("a,b,c"). */
bool nc_strlist_csv_has(const char *csv, const char *s);
/* Same strings in the same order. */
bool nc_strlist_equal(const struct nc_strlist *a, const struct nc_strlist *b);
/* Replaces dst's contents with copies of src's. */
void nc_strlist_copy(struct nc_strlist *dst, const struct nc_strlist *src);

#endif
