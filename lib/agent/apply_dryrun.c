/* SPDX-License-Identifier: MIT */
/*
 * The dry-run applier: prints, one per line and in order, the command lines
 * the linux applier would run on a system that holds exactly what the device
 * applied before, and succeeds. Never prints a secret (private keys go to a
 * file, IPSec keys to stdin; neither is shown). Also: the applier table, and
 * the tunnels a configuration declares.
 */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/xmalloc.h"

#define LINE_MAX_LEN 8192

static int dry_apply(const struct nc_agent_env *env, const char *topic, const json_t *body,
		     const json_t *old, char *err, size_t n)
{
	struct nc_agent_plan p = {0};
	struct nc_errinfo ei = {0};
	char *line = nc_xmalloc(LINE_MAX_LEN);
	int ret = nc_agent_plan_command(env, NULL, topic, body, old, &p, &ei);

	if (ret < 0) {
		snprintf(err, n, "%s", ei.msg);
		goto out;
	}
	for (size_t i = 0; env->out && i < p.n; i++)
		fprintf(env->out, "%s\n", nc_agent_step_format(&p.v[i], line, LINE_MAX_LEN));
	if (env->out)
		fflush(env->out);
out:
	free(line);
	nc_agent_plan_clear(&p);
	return ret;
}

static int dry_tunnels(const struct nc_agent_env *env, const json_t *owned,
		       struct nc_tunnel_status *out)
{
	return nc_agent_tunnels_declared(owned, out);
}

const struct nc_agent_applier nc_agent_applier_dryrun = {
	.name = "dry-run",
	.check = NULL,
	.apply = dry_apply,
	.tunnels = dry_tunnels,
};

const struct nc_agent_applier *const nc_agent_appliers[] = {
	&nc_agent_applier_linux,
	&nc_agent_applier_dryrun,
	NULL,
};

const struct nc_agent_applier *nc_agent_applier_find(const char *name)
{
	for (size_t i = 0; name && nc_agent_appliers[i]; i++) {
		if (strcmp(nc_agent_appliers[i]->name, name) == 0)
			return nc_agent_appliers[i];
	}
	return NULL;
}

const char *nc_agent_tunnel_peering(const json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "peering"));

	return s && nc_valid_peering_name(s) ? s : "";
}

/* Whether out already reports (peer, index, peering) over IPSec. */
static bool ipsec_listed(const struct nc_tunnel_status *out, const char *peer, int index,
			 const char *peering)
{
	for (size_t i = 0; i < out->n_tunnels; i++) {
		const struct nc_tunnel_report *r = &out->tunnels[i];

		if (r->protocol == NC_PROTO_IPSEC && r->tunnel_index == index &&
		    strcmp(r->peer, peer) == 0 && strcmp(r->peering, peering) == 0)
			return true;
	}
	return false;
}

/* The next report of out, for peer on iface in group peering ("" for none). */
static struct nc_tunnel_report *next_report(struct nc_tunnel_status *out, const char *iface,
					    const char *peer, int index, const char *peering)
{
	struct nc_tunnel_report *r = &out->tunnels[out->n_tunnels++];

	memset(r, 0, sizeof(*r));
	snprintf(r->interface, sizeof(r->interface), "%s", iface);
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	/* Backbone tunnels carry no peering (PROTOCOL.md). */
	if (strcmp(iface, "wg0") != 0 && strcmp(iface, "wg1") != 0)
		snprintf(r->peering, sizeof(r->peering), "%s", peering);
	r->tunnel_index = index;
	r->up = true;
	r->latest_handshake = r->rx_bytes = r->tx_bytes = -1;
	return r;
}

int nc_agent_tunnels_declared(const json_t *owned, struct nc_tunnel_status *out)
{
	const json_t *ifaces = json_object_get(json_object_get(owned, "wireguard"), "interfaces");
	const json_t *sas = json_object_get(json_object_get(owned, "ipsec"), "sas");
	const json_t *iface, *peer, *sa;
	size_t i, k, cap = json_array_size(sas);

	json_array_foreach(ifaces, i, iface)
		cap += json_array_size(json_object_get(iface, "peers"));
	out->tunnels = NULL;
	out->n_tunnels = 0;
	if (cap == 0)
		return 0;
	out->tunnels = nc_xcalloc(cap, sizeof(*out->tunnels));
	json_array_foreach(ifaces, i, iface) {
		const char *name = json_string_value(json_object_get(iface, "name"));

		json_array_foreach(json_object_get(iface, "peers"), k, peer) {
			const json_t *idx = json_object_get(peer, "tunnel_index");
			struct nc_tunnel_report *r;

			if (out->n_tunnels == NC_PROTO_TUNNELS_MAX)
				break;
			r = next_report(
				out, name, json_string_value(json_object_get(peer, "serial")),
				idx ? (int)json_integer_value(idx) : strcmp(name, "wg3") == 0,
				nc_agent_tunnel_peering(peer));
			r->protocol = NC_PROTO_WIREGUARD;
		}
	}
	json_array_foreach(sas, i, sa) {
		const json_t *idx = json_object_get(sa, "tunnel_index");
		const char *p = json_string_value(json_object_get(sa, "peer"));
		int index = idx ? (int)json_integer_value(idx) : 0;
		struct nc_tunnel_report *r;

		const char *group = nc_agent_tunnel_peering(sa);

		if (out->n_tunnels == NC_PROTO_TUNNELS_MAX || ipsec_listed(out, p, index, group))
			continue;
		r = next_report(out, "xfrm", p, index, group);
		r->protocol = NC_PROTO_IPSEC;
		snprintf(r->sa, sizeof(r->sa), "established");
	}
	return 0;
}
