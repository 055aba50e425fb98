/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_WORKERS_H
#define NC_UTIL_WORKERS_H

/*
 * Threads that share the items of one job with the thread that submits it.
 * nc_workers_run(w, n, fn, arg) calls fn(arg, i, t) exactly once for every
 * i in [0, n), on the workers and on the caller, and returns when every
 * call has returned: what the calls wrote is then visible to the caller.
 * t is the thread the call runs on, 0 for the caller and 1 to
 * nc_workers_threads() - 1 for the workers: what a thread owns (a store
 * connection, a buffer) goes by t. Calls for different items run at the
 * same time, so fn touches only what its item and its thread own (and what
 * nobody writes during the job). One submitter: jobs never overlap.
 */

#include <stddef.h>

struct nc_workers;

/*
 * A set of threads - 1 workers: with the caller, threads run a job at once.
 * threads <= 1, or threads that cannot be started, give NULL, which
 * nc_workers_run takes as "the caller alone".
 */
struct nc_workers *nc_workers_new(unsigned threads);

/* The threads a job runs on, the caller included: 1 for NULL. */
unsigned nc_workers_threads(const struct nc_workers *w);

typedef void nc_workers_fn(void *arg, size_t i, unsigned t);
void nc_workers_run(struct nc_workers *w, size_t n, nc_workers_fn *fn, void *arg);

/* Stops and joins the workers (no job may be running). NULL is a no-op. */
void nc_workers_free(struct nc_workers *w);

#endif
