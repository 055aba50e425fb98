/* SPDX-License-Identifier: MIT */
/* LAN subnets that cannot share a tenant (lan.h). */
#include "lan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/model.h"
#include "../model/prefix.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"

bool nc_core_lan_overlap(const char *a, const char *b)
{
	struct nc_prefix x, y;

	if (!nc_prefix_parse(a, &x) || !nc_prefix_parse(b, &y) || x.family != y.family)
		return false;
	/* They overlap when they agree on the bits of the shorter prefix. */
	x.len = y.len = x.len < y.len ? x.len : y.len;
	nc_prefix_clear_host_bits(&x);
	nc_prefix_clear_host_bits(&y);
	return memcmp(x.addr, y.addr, nc_prefix_bytes(&x)) == 0;
}

int nc_core_lan_check(struct nc_core *c, const char *tenant, const char *serial,
		      const struct nc_strlist *lans, struct nc_errinfo *ei)
{
	enum nc_device_type type = NC_DEVICE_CONNECTOR;
	char field[32], other[NC_SERIAL_MAX], theirs[NC_CIDR_MAX];
	size_t i = 0;
	int ret =
		lans->n ? nc_store_lan_find(c->store, tenant, serial, lans, &i, other, theirs) : 0;

	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot read the LAN subnets of tenant %s: %s",
			       tenant, nc_strerror(ret));
	if (ret == 0)
		return 0;
	nc_store_device_lookup(c->store, tenant, other, &type, NULL);
	snprintf(field, sizeof(field), "lan_subnets[%zu]", i);
	if (strcmp(lans->v[i], theirs) == 0)
		return nc_fail(ei, NC_ERR_CONFLICT, field,
			       "%s: %s is already a LAN subnet of %s %s in tenant %s", field,
			       theirs, type == NC_DEVICE_EDGE ? "edge" : "connector", other,
			       tenant);
	return nc_fail(ei, NC_ERR_CONFLICT, field,
		       "%s: %s overlaps %s, a LAN subnet of %s %s in tenant %s", field, lans->v[i],
		       theirs, type == NC_DEVICE_EDGE ? "edge" : "connector", other, tenant);
}
