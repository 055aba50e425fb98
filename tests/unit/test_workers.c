/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture.h"

#include "../../lib/util/workers.h"

#define ITEMS 20000

struct job {
	atomic_int calls[ITEMS]; /* calls of each item */
	uint64_t out[ITEMS];	 /* what each item's call wrote */
	pthread_t on[ITEMS];	 /* the thread it ran on */
	unsigned t[ITEMS];	 /* the number it was given for that thread */
	unsigned threads;
	unsigned round;
};

static void work(void *arg, size_t i, unsigned t)
{
	struct job *j = arg;
	uint64_t v = i;

	/* Uneven items, so that threads take over one another's share. */
	for (size_t k = 0; k < (i % 7) * 50; k++)
		v = v * 6364136223846793005ULL + 1442695040888963407ULL;
	atomic_fetch_add(&j->calls[i], 1);
	j->out[i] = v + j->round;
	j->on[i] = pthread_self();
	j->t[i] = t;
}

/* Every item once per job, its result visible when run returns, each
 * thread under one number (0: the caller); jobs back to back. */
static void check_jobs(struct nc_workers *w, unsigned jobs, bool threads_used)
{
	struct job *j = calloc(1, sizeof(*j));
	pthread_t by_t[8];
	bool other = false, known[8] = {0};

	assert_non_null(j);
	j->threads = nc_workers_threads(w);
	assert_true(j->threads <= 8);
	for (j->round = 1; j->round <= jobs; j->round++) {
		size_t n = j->round % 3 == 0 ? 1 : j->round % 3 == 1 ? ITEMS : 97;

		nc_workers_run(w, n, work, j);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(atomic_exchange(&j->calls[i], 0), 1);
			assert_int_not_equal(j->out[i], 0);
			assert_true(j->t[i] < j->threads);
			assert_int_equal(j->t[i] == 0,
					 pthread_equal(j->on[i], pthread_self()) != 0);
			if (known[j->t[i]])
				assert_true(pthread_equal(by_t[j->t[i]], j->on[i]));
			by_t[j->t[i]] = j->on[i];
			known[j->t[i]] = true;
			if (!pthread_equal(j->on[i], pthread_self()))
				other = true;
		}
		for (size_t i = n; i < ITEMS; i++)
			assert_int_equal(atomic_load(&j->calls[i]), 0);
	}
	if (threads_used)
		assert_true(other);
	else
		assert_false(other);
	free(j);
}

static void test_items_once_each(void **state)
{
	struct nc_workers *w = nc_workers_new(4);

	(void)state;
	assert_non_null(w);
	assert_int_equal(nc_workers_threads(w), 4);
	check_jobs(w, 60, true);
	nc_workers_run(w, 0, work, NULL); /* nothing to do: fn is never called */
	nc_workers_free(w);
}

static void test_one_thread_is_the_caller(void **state)
{
	(void)state;
	assert_null(nc_workers_new(0));
	assert_null(nc_workers_new(1));
	assert_int_equal(nc_workers_threads(NULL), 1);
	check_jobs(NULL, 6, false);
	nc_workers_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_once_each),
		cmocka_unit_test(test_one_thread_is_the_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
