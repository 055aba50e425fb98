/* SPDX-License-Identifier: MIT */
#include "workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xmalloc.h"

struct nc_workers;

/* What a worker thread is told at its start. */
struct seat {
	struct nc_workers *w;
	unsigned t; /* its number, from 1 */
	pthread_t thread;
};

struct nc_workers {
	pthread_mutex_t lock;
	pthread_cond_t go;   /* a new job, or stop */
	pthread_cond_t done; /* the last worker left the job */
	struct seat *seats;
	unsigned n; /* worker threads started */
	/* The job, set under lock before gen moves on. */
	unsigned long gen; /* jobs submitted */
	nc_workers_fn *fn;
	void *arg;
	size_t items;
	atomic_size_t next; /* the next item nobody took */
	unsigned busy;	    /* workers still in the current job */
	bool stop;
};

/* Takes and runs w's items on thread t until none is left. */
static void drain(struct nc_workers *w, unsigned t)
{
	for (size_t i; (i = atomic_fetch_add(&w->next, 1)) < w->items;)
		w->fn(w->arg, i, t);
}

static void *worker(void *arg)
{
	const struct seat *seat = arg;
	struct nc_workers *w = seat->w;
	unsigned long seen = 0;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->stop && w->gen == seen)
			pthread_cond_wait(&w->go, &w->lock);
		if (w->stop)
			break;
		seen = w->gen;
		pthread_mutex_unlock(&w->lock);
		drain(w, seat->t);
		pthread_mutex_lock(&w->lock);
		/* The submitter waits for every worker: none lags into the next job. */
		if (--w->busy == 0)
			pthread_cond_signal(&w->done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct nc_workers *nc_workers_new(unsigned threads)
{
	struct nc_workers *w;

	if (threads <= 1)
		return NULL;
	w = nc_xcalloc(1, sizeof(*w));
	w->seats = nc_xcalloc(threads - 1, sizeof(*w->seats));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->go, NULL);
	pthread_cond_init(&w->done, NULL);
	for (; w->n < threads - 1; w->n++) {
		struct seat *s = &w->seats[w->n];

		s->w = w;
		s->t = w->n + 1;
		if (pthread_create(&s->thread, NULL, worker, s) != 0)
			break;
	}
	if (w->n == 0) {
		nc_workers_free(w);
		return NULL;
	}
	return w;
}

unsigned nc_workers_threads(const struct nc_workers *w)
{
	return w ? w->n + 1 : 1;
}

void nc_workers_run(struct nc_workers *w, size_t n, nc_workers_fn *fn, void *arg)
{
	if (!w || n < 2) {
		for (size_t i = 0; i < n; i++)
			fn(arg, i, 0);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->fn = fn;
	w->arg = arg;
	w->items = n;
	atomic_store(&w->next, 0);
	w->busy = w->n;
	w->gen++;
	pthread_cond_broadcast(&w->go);
	pthread_mutex_unlock(&w->lock);
	drain(w, 0);
	pthread_mutex_lock(&w->lock);
	while (w->busy > 0)
		pthread_cond_wait(&w->done, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

void nc_workers_free(struct nc_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->go);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->n; i++)
		pthread_join(w->seats[i].thread, NULL);
	pthread_cond_destroy(&w->go);
	pthread_cond_destroy(&w->done);
	pthread_mutex_destroy(&w->lock);
	free(w->seats);
	free(w);
}
