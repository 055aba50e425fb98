/* SPDX-License-Identifier: MIT */
/*
 * The store's frame (store.h, store_impl.h): the base every backend embeds,
 * close, schema version and transactions, and the paging helpers backends
 * share. store.c has the per-object calls.
 */
#include "store.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "../util/err.h"
#include "../util/log.h"
#include "store_impl.h"

int nc_store_base_init(struct nc_store *st, const struct nc_store_ops *ops)
{
	pthread_mutexattr_t attr;
	int ret = NC_ERR_INTERNAL;

	st->ops = ops;
	st->depth = 0;
	if (pthread_mutexattr_init(&attr) != 0)
		return ret;
	if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0)
		goto out;
	if (pthread_mutex_init(&st->lock, &attr) != 0)
		goto out;
	ret = 0;
out:
	pthread_mutexattr_destroy(&attr);
	return ret;
}

void nc_store_base_fini(struct nc_store *st)
{
	pthread_mutex_destroy(&st->lock);
}

size_t nc_store_page_limit(const struct nc_page *pg)
{
	if (pg->limit == 0)
		return NC_PAGE_DEFAULT;
	return pg->limit > NC_PAGE_MAX ? NC_PAGE_MAX : pg->limit;
}

int nc_store_sync_cursor_split(const char *cursor, char serial[NC_SERIAL_MAX],
			       char tenant[NC_ID_MAX])
{
	const char *colon;
	size_t len;

	serial[0] = '\0';
	tenant[0] = '\0';
	if (!*cursor)
		return 0;
	colon = strchr(cursor, ':');
	if (!colon)
		return NC_ERR_INVAL;
	len = (size_t)(colon - cursor);
	if (len >= NC_SERIAL_MAX || strlen(colon + 1) >= NC_ID_MAX)
		return NC_ERR_INVAL;
	memcpy(serial, cursor, len);
	serial[len] = '\0';
	strcpy(tenant, colon + 1);
	return 0;
}

void nc_store_close(struct nc_store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	while (st->depth > 0) {
		nc_warn("store closed inside a transaction: rolled back");
		st->ops->rollback(st, st->depth);
		st->depth--;
		pthread_mutex_unlock(&st->lock);
	}
	pthread_mutex_unlock(&st->lock);
	st->ops->close(st);
}

int nc_store_open_reader(struct nc_store *st, struct nc_store **out, struct nc_errinfo *ei)
{
	int ret;

	if (!st || !out)
		return NC_ERR_INVAL;
	*out = NULL;
	pthread_mutex_lock(&st->lock);
	ret = st->ops->open_reader(st, out, ei);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int nc_store_schema_version(struct nc_store *st, int *out)
{
	int ret;

	if (!st || !out)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	ret = st->ops->schema_version(st, out);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* On success the calling thread keeps the lock until the matching commit or rollback. */
int nc_store_begin(struct nc_store *st)
{
	int ret;

	if (!st)
		return NC_ERR_INVAL;
	pthread_mutex_lock(&st->lock);
	ret = st->ops->begin(st, st->depth + 1);
	if (ret == 0)
		st->depth++;
	else
		pthread_mutex_unlock(&st->lock);
	return ret;
}

/*
 * Ends the innermost level: commits it, or rolls it back. Taking the lock
 * first means that when depth > 0 this thread is the one that began the
 * transaction: any other would wait here until it is over.
 */
static int txn_end(struct nc_store *st, bool commit)
{
	int ret = 0;

	pthread_mutex_lock(&st->lock);
	if (st->depth == 0) {
		nc_err("store: %s without a transaction", commit ? "commit" : "rollback");
		ret = NC_ERR_INTERNAL;
		goto out;
	}
	if (commit)
		ret = st->ops->commit(st, st->depth);
	else
		st->ops->rollback(st, st->depth);
	st->depth--;
	pthread_mutex_unlock(&st->lock); /* the hold taken by nc_store_begin */
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int nc_store_commit(struct nc_store *st)
{
	return st ? txn_end(st, true) : NC_ERR_INVAL;
}

void nc_store_rollback(struct nc_store *st)
{
	if (st)
		txn_end(st, false);
}
