/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_XMALLOC_H
#define NC_UTIL_XMALLOC_H

#include <stddef.h>

/*
 * Allocation that never returns NULL: on exhaustion the process logs and
 * aborts, as redis does. Memory is the one resource we do not degrade on.
 */
void *nc_xmalloc(size_t n);
void *nc_xcalloc(size_t nmemb, size_t size);
void *nc_xrealloc(void *p, size_t n);
/*
 * p (heap or NULL, *cap bytes) with room for at least need bytes: *cap
 * grows by doubling, from first when it is 0, and the block moves as
 * nc_xrealloc moves it. Returns the block.
 */
void *nc_xgrow(void *p, size_t *cap, size_t need, size_t first);
/* Copies of s (NULL gives NULL) and of at most n bytes of s. */
char *nc_xstrdup(const char *s);
char *nc_xstrndup(const char *s, size_t n);
/* A newly allocated formatted string. */
char *nc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
