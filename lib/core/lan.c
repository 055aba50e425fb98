/* SPDX-License-Identifier: MIT */
/* LAN subnets that cannot share a tenant (lan.h). */
#include "lan.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/model.h"
#include "../store/store.h"
#include "../util/err.h"
#include "core.h"

struct prefix {
	int family;
	unsigned char addr[16];
	unsigned len;
};

static bool parse(const char *s, struct prefix *p)
{
	const char *slash = strchr(s, '/');
	char host[INET6_ADDRSTRLEN];
	char *end = NULL;
	unsigned long len;

	if (!slash || (size_t)(slash - s) >= sizeof(host))
		return false;
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	p->family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, host, p->addr) != 1)
		return false;
	len = strtoul(slash + 1, &end, 10);
	if (!*(slash + 1) || *end || len > (p->family == AF_INET ? 32u : 128u))
		return false;
	p->len = (unsigned)len;
	return true;
}

bool nc_core_lan_overlap(const char *a, const char *b)
{
	struct prefix x, y;
	unsigned n, full;

	if (!parse(a, &x) || !parse(b, &y) || x.family != y.family)
		return false;
	/* They overlap when they agree on the bits of the shorter prefix. */
	n = x.len < y.len ? x.len : y.len;
	full = n / 8;
	if (memcmp(x.addr, y.addr, full) != 0)
		return false;
	if (n % 8 == 0)
		return true;
	return ((x.addr[full] ^ y.addr[full]) & (0xffu << (8 - n % 8)) & 0xffu) == 0;
}

/* What the walk looks for, and the first overlap it finds. */
struct walk {
	const struct nc_strlist *mine;
	size_t index;		    /* in mine */
	char serial[NC_SERIAL_MAX]; /* the other device */
	char theirs[NC_CIDR_MAX];   /* its subnet */
};

static int find(void *arg, const char *serial, const struct nc_strlist *lans)
{
	struct walk *w = arg;

	for (size_t i = 0; i < w->mine->n; i++) {
		for (size_t j = 0; j < lans->n; j++) {
			if (!nc_core_lan_overlap(w->mine->v[i], lans->v[j]))
				continue;
			w->index = i;
			snprintf(w->serial, sizeof(w->serial), "%s", serial);
			snprintf(w->theirs, sizeof(w->theirs), "%s", lans->v[j]);
			return 1;
		}
	}
	return 0;
}

int nc_core_lan_check(struct nc_core *c, const char *tenant, const char *serial,
		      const struct nc_strlist *lans, struct nc_errinfo *ei)
{
	struct walk w = {.mine = lans};
	enum nc_device_type type = NC_DEVICE_CONNECTOR;
	char field[32];
	int ret = lans->n ? nc_store_lan_each(c->store, tenant, serial, find, &w) : 0;

	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot read the LAN subnets of tenant %s: %s",
			       tenant, nc_strerror(ret));
	if (ret == 0)
		return 0;
	nc_store_device_lookup(c->store, tenant, w.serial, &type, NULL);
	snprintf(field, sizeof(field), "lan_subnets[%zu]", w.index);
	if (strcmp(lans->v[w.index], w.theirs) == 0)
		return nc_fail(ei, NC_ERR_CONFLICT, field,
			       "%s: %s is already a LAN subnet of %s %s in tenant %s", field,
			       w.theirs, type == NC_DEVICE_EDGE ? "edge" : "connector", w.serial,
			       tenant);
	return nc_fail(ei, NC_ERR_CONFLICT, field,
		       "%s: %s overlaps %s, a LAN subnet of %s %s in tenant %s", field,
		       lans->v[w.index], w.theirs, type == NC_DEVICE_EDGE ? "edge" : "connector",
		       w.serial, tenant);
}
