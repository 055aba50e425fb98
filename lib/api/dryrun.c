/* SPDX-License-Identifier: MIT */
/*
 * ?dry_run=1 on the write routes (docs/api.md, "Dry run"): the request runs
 * as a real one inside a write of the core that is always rolled back
 * (nc_core_dry_begin), so it answers what the real request would, and
 * nothing leaves the core. A Sync Now asks the sync engine for its
 * selection instead; the routes whose effect cannot be taken back refuse.
 */
#include <string.h>

#include "handlers.h"
#include "internal.h"

/* The write routes that cannot be tried, and why. */
static const struct {
	int (*fn)(struct api_req *r);
	const char *why;
} refused[] = {
	{h_device_credentials, "issuing credentials signs a certificate, which no rollback can "
			       "take back; there is nothing to try: send the request without it"},
};

/* The write routes that try a dry run themselves (r->dry_run), on the sync
 * engine rather than in a rolled-back write. */
static int (*const own[])(struct api_req *r) = {h_sync_now, h_device_sync_now};

static bool is_write(const struct api_route *route)
{
	return strcmp(route->method, "GET") != 0;
}

int api_dry_run_parse(struct api_req *r, const struct api_route *route)
{
	const char *v = api_query(r, "dry_run");

	if (!v || !is_write(route))
		return 0;
	if (strcmp(v, "1") != 0 && strcmp(v, "true") != 0)
		return nc_fail(&r->ei, NC_ERR_INVAL, "dry_run",
			       "dry_run must be 1 or true, not `%.32s' (leave it out for a real "
			       "request)",
			       v);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (route->fn == refused[i].fn)
			return nc_fail(&r->ei, NC_ERR_INVAL, "dry_run",
				       "dry_run is not available on %s %s: %s", route->method,
				       route->pattern, refused[i].why);
	}
	r->dry_run = true;
	return 0;
}

int api_dry_run_call(struct api_req *r, const struct api_route *route)
{
	int ret;

	for (size_t i = 0; r->dry_run && i < sizeof(own) / sizeof(own[0]); i++) {
		if (route->fn == own[i])
			return route->fn(r);
	}
	if (!r->dry_run)
		return route->fn(r);
	ret = nc_core_dry_begin(r->core);
	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot open a store transaction: %s",
			       nc_strerror(ret));
	ret = route->fn(r);
	nc_core_dry_end(r->core);
	return ret;
}
