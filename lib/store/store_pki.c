/* SPDX-License-Identifier: MIT */
/* The store's device certificates and sealed secrets (store.h), as store.c does the rest. */
#include "store.h"

#include <pthread.h>

#include "../util/err.h"
#include "store_impl.h"

int nc_store_cert_insert(struct nc_store *st, const struct nc_cert *c)
{
	int ret = store_enter(st, c && c->serial_no[0] && c->device[0] && c->tenant[0]);

	if (ret == 0)
		ret = store_leave(st, st->ops->cert_insert(st, c));
	return ret;
}

int nc_store_cert_revoke_device(struct nc_store *st, const char *device, int64_t when, size_t *n)
{
	int ret = store_enter(st, device && device[0] && when > 0);

	if (n)
		*n = 0;
	if (ret == 0)
		ret = store_leave(st, st->ops->cert_revoke_device(st, device, when, n));
	return ret;
}

int nc_store_cert_list(struct nc_store *st, const char *device, bool revoked_only,
		       struct nc_cert **out, size_t *n)
{
	int ret = store_enter(st, out && n);

	if (ret < 0)
		return ret;
	*out = NULL;
	*n = 0;
	return store_leave(st, st->ops->cert_list(st, device, revoked_only, out, n));
}

int nc_store_set_seal_key(struct nc_store *st, const unsigned char key[32])
{
	int ret = store_enter(st, key != NULL);

	if (ret == 0)
		ret = store_leave(st, st->ops->set_seal_key(st, key));
	return ret;
}
