/* SPDX-License-Identifier: MIT */
/* The engine's walk over the store's sync states (nc_store_sync_each). */
#include "../core/core.h"
#include "../store/store.h"
#include "internal.h"

struct each {
	struct nc_sync_engine *e;
	void (*fn)(struct nc_sync_engine *e, struct nc_sync *s, void *arg);
	void *arg;
};

static int each_one(struct nc_sync *s, void *arg)
{
	const struct each *w = arg;

	w->fn(w->e, s, w->arg);
	return 0;
}

int sync_each(struct nc_sync_engine *e, const struct nc_sync_filter *f,
	      void (*fn)(struct nc_sync_engine *e, struct nc_sync *s, void *arg), void *arg)
{
	struct each w = {e, fn, arg};

	return nc_store_sync_each(e->core->store, f, each_one, &w);
}
