/* SPDX-License-Identifier: MIT */
/*
 * Requests that wait on the core for long (a Sync Now waits for the sync
 * engine to build and send every batch) run on a thread of their own while
 * their connection is suspended, so they never hold one of the few threads
 * that serve every connection.
 */
#include "defer.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>

#include "../util/xmalloc.h"

/* At most this many requests run off the pool at once; more run in place. */
#define DEFER_MAX 32

struct api_defer {
	pthread_mutex_t lock;
	pthread_cond_t idle;
	unsigned running;
	bool closed;
};

struct job {
	struct api_defer *d;
	struct MHD_Connection *conn;
	int (*fn)(struct api_req *r);
	struct api_req *r;
	int *ret;
	atomic_bool *done;
};

static void *run(void *arg)
{
	struct job *j = arg;
	struct api_defer *d = j->d;

	*j->ret = j->fn(j->r);
	atomic_store(j->done, true);
	/* Resumed before the count drops: once api_defer_close returns, every
	 * connection it ran for is resumed. */
	MHD_resume_connection(j->conn);
	free(j);
	pthread_mutex_lock(&d->lock);
	d->running--;
	pthread_cond_broadcast(&d->idle);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct api_defer *api_defer_new(void)
{
	struct api_defer *d = nc_xcalloc(1, sizeof(*d));

	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->idle, NULL);
	return d;
}

bool api_defer(struct api_defer *d, struct MHD_Connection *conn, int (*fn)(struct api_req *r),
	       struct api_req *r, int *ret, atomic_bool *done)
{
	struct job *j;
	pthread_attr_t attr;
	pthread_t t;
	bool ok;

	pthread_mutex_lock(&d->lock);
	ok = !d->closed && d->running < DEFER_MAX;
	if (ok)
		d->running++;
	pthread_mutex_unlock(&d->lock);
	if (!ok)
		return false;
	j = nc_xcalloc(1, sizeof(*j));
	*j = (struct job){.d = d, .conn = conn, .fn = fn, .r = r, .ret = ret, .done = done};
	MHD_suspend_connection(conn);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Without a thread, the request runs here; it is answered all the same
	 * when the connection resumes. */
	if (pthread_create(&t, &attr, run, j) != 0)
		run(j);
	pthread_attr_destroy(&attr);
	return true;
}

void api_defer_close(struct api_defer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->closed = true;
	while (d->running > 0)
		pthread_cond_wait(&d->idle, &d->lock);
	pthread_mutex_unlock(&d->lock);
}

void api_defer_free(struct api_defer *d)
{
	if (!d)
		return;
	api_defer_close(d);
	pthread_cond_destroy(&d->idle);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
