/* SPDX-License-Identifier: MIT */
/*
 * An MTGE's tenants. The core sends an MTGE one batch per tenant it serves,
 * on VSR/{serial}/batch/{tenant}, numbered per device and tenant; the
 * device confirms each on VSR/{serial}/confirm/{tenant} and asks for it on
 * VSR/{serial}/config-request/{tenant}. A device keeps one slot per tenant
 * besides its own (d->self); the protocol has no message that lists a
 * device's tenants, so a slot exists once its tenant's first batch arrived
 * (or, for a real agent, when the state dir holds that tenant's state).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xmalloc.h"

void nc_agent_slot_init(struct agent_slot *s, const char *tenant)
{
	snprintf(s->tenant, sizeof(s->tenant), "%s", tenant);
	s->owned = json_object();
}

void nc_agent_slot_clear(struct agent_slot *s)
{
	json_decref(s->owned);
	json_decref(s->applied);
	json_decref(s->prev_owned);
	memset(s, 0, sizeof(*s));
}

struct agent_slot *nc_agent_dev_tenant(struct agent_dev *d, const char *tenant)
{
	for (size_t i = 0; i < d->ntenants; i++) {
		if (strcmp(d->tenants[i]->tenant, tenant) == 0)
			return d->tenants[i];
	}
	return NULL;
}

struct agent_slot *nc_agent_dev_tenant_add(struct agent_dev *d, const char *tenant)
{
	struct agent_slot *s = nc_agent_dev_tenant(d, tenant);

	if (s || d->ntenants >= NC_AGENT_TENANTS_MAX)
		return s;
	s = nc_xcalloc(1, sizeof(*s));
	nc_agent_slot_init(s, tenant);
	d->tenants = nc_xrealloc(d->tenants, (d->ntenants + 1) * sizeof(*d->tenants));
	d->tenants[d->ntenants++] = s;
	return s;
}

static void wait_from(struct agent_slot *s, int64_t now)
{
	s->waiting = true;
	s->requests = 0;
	s->next_request = now;
}

void nc_agent_dev_start_requests(struct agent_dev *d, int64_t now)
{
	d->self.waiting = false;
	if (d->ntenants == 0 || d->self.seq > 0)
		wait_from(&d->self, now);
	for (size_t i = 0; i < d->ntenants; i++)
		wait_from(d->tenants[i], now);
}

void nc_agent_tenant_netns(const char *tenant, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", tenant[0] ? "netctl-" : "", tenant);
}

char *nc_agent_tenant_dir(const char *dir, const char *tenant)
{
	if (!tenant[0])
		return nc_xstrdup(dir);
	return nc_xasprintf("%s/tenants/%s", dir, tenant);
}
