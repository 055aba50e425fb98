/* SPDX-License-Identifier: MIT */
/*
 * The store over SQLite, transactions: a rollback leaves nothing, savepoints
 * nest, and a transaction holds other threads off until it ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/model/model.h"
#include "../../lib/store/store.h"
#include "../../lib/util/err.h"
#include "fixture.h"

/* Transactions */

static void test_rollback_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t;
	struct nc_edge e;
	struct nc_connector c;

	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "initech");
	fx_new_edge(fx->st, "initech", "EDGE-I", NC_EDGE_DEDICATED, 0);
	fx_new_connector(fx->st, "initech", "CN-I", "EDGE-I", 0);
	fx_new_sync(fx->st, "CN-I", "initech", NC_SYNC_PENDING, 0, 0);
	fx_new_connector(fx->st, "initech", "CN-I", NULL, NC_ERR_EXISTS); /* the failing one */
	nc_store_rollback(fx->st);

	assert_int_equal(nc_store_tenant_get(fx->st, "initech", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_edge_get(fx->st, NULL, "EDGE-I", &e), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_connector_get(fx->st, NULL, "CN-I", &c), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-I", NULL, NULL), NC_ERR_NOTFOUND);

	/* a failed two-row insert outside a transaction leaves no device row */
	fx_new_connector(fx->st, "acme", "CN-X", "EDGE-404", NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "CN-X", NULL, NULL), NC_ERR_NOTFOUND);
}

static void test_nested_savepoint(void **state)
{
	struct fx *fx = *state;
	struct nc_tenant t;

	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "outer");
	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "inner");
	fx_new_edge(fx->st, "inner", "EDGE-IN", NC_EDGE_DEDICATED, 0);
	nc_store_rollback(fx->st);
	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "kept");
	assert_int_equal(nc_store_commit(fx->st), 0);
	assert_int_equal(nc_store_commit(fx->st), 0);

	assert_int_equal(nc_store_tenant_get(fx->st, "outer", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "kept", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "inner", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_device_lookup(fx->st, NULL, "EDGE-IN", NULL, NULL),
			 NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_commit(fx->st), NC_ERR_INTERNAL); /* nothing open */

	/* an outer rollback undoes committed inner levels too */
	assert_int_equal(nc_store_begin(fx->st), 0);
	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "gone");
	assert_int_equal(nc_store_commit(fx->st), 0);
	nc_store_rollback(fx->st);
	assert_int_equal(nc_store_tenant_get(fx->st, "gone", &t), NC_ERR_NOTFOUND);
}

struct racer {
	struct nc_store *st;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started;
	int ret;
};

static void *race_insert(void *arg)
{
	struct racer *r = arg;
	struct nc_tenant t = {.id = "racer", .name = "Racer"};

	pthread_mutex_lock(&r->mu);
	r->started = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	r->ret = nc_store_tenant_insert(r->st, &t);
	return NULL;
}

/*
 * Another thread's call waits for an open transaction to end: had it run
 * inside it (same connection), the rollback would have undone its insert.
 */
static void test_transaction_holds_other_threads(void **state)
{
	struct fx *fx = *state;
	struct racer r = {.st = fx->st, .ret = -100};
	struct timespec pause = {0, 20 * 1000 * 1000};
	struct nc_tenant t;
	pthread_t th;

	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "mine");
	assert_int_equal(pthread_create(&th, NULL, race_insert, &r), 0);
	pthread_mutex_lock(&r.mu);
	while (!r.started)
		pthread_cond_wait(&r.cv, &r.mu);
	pthread_mutex_unlock(&r.mu);
	nanosleep(&pause, NULL); /* give the racer a chance to barge in */
	nc_store_rollback(fx->st);
	pthread_join(th, NULL);
	assert_int_equal(r.ret, 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "racer", &t), 0);
	assert_int_equal(nc_store_tenant_get(fx->st, "mine", &t), NC_ERR_NOTFOUND);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
}

/*
 * A reader connection sees what the store committed, never what an open
 * transaction wrote, reads while that transaction holds the write lock, and
 * cannot write.
 */
static void test_reader_sees_committed(void **state)
{
	struct fx *fx = *state;
	struct nc_store *rd = NULL;
	struct nc_tenant t = {.id = "reader", .name = "Reader"};
	struct nc_errinfo ei = {0};

	assert_int_equal(nc_store_open_reader(fx->st, &rd, &ei), 0);
	assert_non_null(rd);
	assert_int_equal(nc_store_tenant_get(rd, "acme", &t), 0);
	assert_int_equal(nc_store_begin(fx->st), 0);
	fx_add_tenant(fx->st, "later");
	assert_int_equal(nc_store_tenant_get(rd, "later", &t), NC_ERR_NOTFOUND);
	assert_int_equal(nc_store_begin(rd), 0); /* a read transaction: no write lock */
	assert_int_equal(nc_store_tenant_get(rd, "globex", &t), 0);
	assert_int_equal(nc_store_commit(rd), 0);
	assert_int_equal(nc_store_commit(fx->st), 0);
	assert_int_equal(nc_store_tenant_get(rd, "later", &t), 0);
	assert_string_equal(t.id, "later");

	snprintf(t.id, sizeof(t.id), "reader");
	assert_int_equal(nc_store_tenant_insert(rd, &t), NC_ERR_STORE);
	assert_int_equal(nc_store_tenant_get(fx->st, "reader", &t), NC_ERR_NOTFOUND);
	nc_store_close(rd);
	assert_int_equal(nc_store_open_reader(NULL, &rd, NULL), NC_ERR_INVAL);
}

FX_MAIN_EACH("store_txn", fx_log_warnings, NULL, fx_setup_store, fx_teardown,
	     test_rollback_leaves_nothing, test_nested_savepoint,
	     test_transaction_holds_other_threads, test_reader_sees_committed)
