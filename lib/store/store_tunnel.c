/* SPDX-License-Identifier: MIT */
/* The store's tunnel reports (store.h: nc_store_tunnel_*), as store.c does the rest. */
#include "store.h"

#include <pthread.h>
#include <string.h>

#include "../util/err.h"
#include "store_impl.h"

/* Whether every row of v[0..n) is serial's. */
static bool all_of(const char *serial, const struct nc_tunnel_state *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].serial, serial) != 0)
			return false;
	}
	return true;
}

int nc_store_tunnel_replace(struct nc_store *st, const char *serial,
			    const struct nc_tunnel_state *v, size_t n)
{
	int ret = store_enter(st, serial && serial[0] && (v || n == 0) && all_of(serial, v, n));

	if (ret == 0)
		ret = store_leave(st, st->ops->tunnel_replace(st, serial, v, n));
	return ret;
}

int nc_store_tunnel_list(struct nc_store *st, const char *serial, struct nc_tunnel_state **out,
			 size_t *n)
{
	int ret = store_enter(st, serial && out && n);

	if (ret < 0)
		return ret;
	*out = NULL;
	*n = 0;
	return store_leave(st, st->ops->tunnel_list(st, serial, out, n));
}
