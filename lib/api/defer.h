/* SPDX-License-Identifier: MIT */
#ifndef NC_API_DEFER_H
#define NC_API_DEFER_H

/* Running a slow request off the server's thread pool. Thread-safe. */

#include <stdatomic.h>
#include <stdbool.h>

struct MHD_Connection;
struct api_req;
struct api_defer;

struct api_defer *api_defer_new(void);
/*
 * From the access handler only: suspends conn and runs fn(r) on a thread of
 * its own; then sets *ret to its result, *done to true, and resumes conn,
 * whose access handler is called again to answer. r stays owned by the
 * caller and must live until then. false (nothing done) when too many run
 * already or the server is stopping: run fn in place.
 */
bool api_defer(struct api_defer *d, struct MHD_Connection *conn, int (*fn)(struct api_req *r),
	       struct api_req *r, int *ret, atomic_bool *done);
/* Refuses new requests and waits for those running to finish and resume
 * their connections: call before stopping libmicrohttpd. NULL is a no-op. */
void api_defer_close(struct api_defer *d);
void api_defer_free(struct api_defer *d);

#endif
