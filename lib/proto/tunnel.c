/* SPDX-License-Identifier: MIT */
/* Tunnel status (device → core). */
#include "proto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "internal.h"

void nc_tunnel_status_clear(struct nc_tunnel_status *t)
{
	if (!t)
		return;
	free(t->tunnels);
	memset(t, 0, sizeof(*t));
}

/* A required string member of tunnels[i] (named path) that valid() accepts. */
static int word_member(const json_t *e, const char *key, char *buf, size_t n, const char *path,
		       bool (*valid)(const char *), const char *what, struct nc_errinfo *ei)
{
	char f[64], q[NC_QUOTE_BUF];
	int ret = proto_str(e, key, buf, n, path, ei);

	if (ret < 0)
		goto out;
	if (!valid(buf)) {
		snprintf(f, sizeof(f), "%s.%s", path, key);
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s: `%s' %s", f, nc_quote(q, buf, n), what);
	}
out:
	return ret;
}

static bool valid_protocol(const char *s)
{
	enum nc_protocol p;

	return nc_protocol_parse(s, &p) == 0;
}

static bool not_empty(const char *s)
{
	return s[0] != '\0';
}

/* The optional "peering" of tunnels[i] (named path) into buf[NC_NAME_MAX]: "" when absent
 * or ""; otherwise it must be a valid peering name. */
static int opt_peering(const json_t *e, const char *path, char *buf, struct nc_errinfo *ei)
{
	const json_t *v = json_object_get(e, "peering");
	int ret = 0;

	buf[0] = '\0';
	if (!v || (json_is_string(v) && json_string_length(v) == 0))
		goto out;
	ret = word_member(e, "peering", buf, NC_NAME_MAX, path, nc_valid_peering_name,
			  "is not a valid peering name", ei);
out:
	return ret;
}

/* Fills *r from tunnels[i], e. */
static int report_from_json(const json_t *e, size_t i, struct nc_tunnel_report *r,
			    struct nc_errinfo *ei)
{
	char path[40], proto[16];
	int64_t tunnel_index = 0;
	int ret = 0;

	ret = proto_element(e, "tunnels", i, path, sizeof(path), ei);
	if (ret < 0)
		goto out;
	ret = word_member(e, "interface", r->interface, sizeof(r->interface), path, nc_valid_ifname,
			  "is not an interface name", ei);
	if (ret < 0)
		goto out;
	ret = word_member(e, "peer", r->peer, sizeof(r->peer), path, nc_valid_serial,
			  "is not a valid serial", ei);
	if (ret < 0)
		goto out;
	ret = nc_json_int(e, "tunnel_index", 0, 1, &tunnel_index, true, path, ei);
	if (ret < 0)
		goto out;
	r->tunnel_index = (int)tunnel_index;
	ret = word_member(e, "protocol", proto, sizeof(proto), path, valid_protocol,
			  "is not wireguard or ipsec", ei);
	if (ret < 0)
		goto out;
	nc_protocol_parse(proto, &r->protocol);
	ret = opt_peering(e, path, r->peering, ei);
	if (ret < 0)
		goto out;
	ret = proto_opt_int(e, "latest_handshake", &r->latest_handshake, path, ei);
	if (ret < 0)
		goto out;
	ret = proto_opt_int(e, "rx_bytes", &r->rx_bytes, path, ei);
	if (ret < 0)
		goto out;
	ret = proto_opt_int(e, "tx_bytes", &r->tx_bytes, path, ei);
	if (ret < 0)
		goto out;
	if (r->protocol == NC_PROTO_WIREGUARD) {
		ret = nc_json_bool(e, "up", &r->up, true, path, ei);
		if (ret > 0)
			ret = 0;
		goto out;
	}
	ret = word_member(e, "sa", r->sa, sizeof(r->sa), path, not_empty, "is not an SA state", ei);
	r->up = strcmp(r->sa, "established") == 0;
out:
	return ret;
}

/* "tunnels": an array of at most NC_PROTO_TUNNELS_MAX reports. */
static int tunnels_from_json(const json_t *root, const struct proto_ctx *ctx, void *msg,
			     struct nc_errinfo *ei)
{
	struct nc_tunnel_status *out = msg;
	const json_t *list, *e;
	size_t i;
	int ret = 0;

	ret = proto_array(root, "tunnels", &list, ei);
	if (ret < 0)
		goto out;
	if (json_array_size(list) > NC_PROTO_TUNNELS_MAX) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tunnels", "tunnels has %zu entries, more than %d",
			      json_array_size(list), NC_PROTO_TUNNELS_MAX);
		goto out;
	}
	if (json_array_size(list) > 0)
		out->tunnels = nc_xcalloc(json_array_size(list), sizeof(out->tunnels[0]));
	json_array_foreach(list, i, e) {
		ret = report_from_json(e, i, &out->tunnels[i], ei);
		if (ret < 0)
			goto out;
		out->n_tunnels = i + 1;
	}
out:
	return ret;
}

/* tunnels[i] as a new object; records a failure in *bad. */
static json_t *report_to_json(const struct nc_tunnel_report *r, const char **bad)
{
	json_t *o = json_object();

	proto_put(o, "interface", PROTO_STR(r->interface), bad);
	proto_put(o, "peer", PROTO_STR(r->peer), bad);
	proto_put(o, "tunnel_index", json_integer(r->tunnel_index), bad);
	proto_put(o, "protocol", json_string(nc_protocol_name(r->protocol)), bad);
	if (r->peering[0])
		proto_put(o, "peering", PROTO_STR(r->peering), bad);
	if (r->protocol == NC_PROTO_WIREGUARD)
		proto_put(o, "up", json_boolean(r->up), bad);
	else
		proto_put(o, "sa", PROTO_STR(r->sa), bad);
	if (r->latest_handshake >= 0)
		proto_put(o, "latest_handshake", json_integer(r->latest_handshake), bad);
	if (r->rx_bytes >= 0)
		proto_put(o, "rx_bytes", json_integer(r->rx_bytes), bad);
	if (r->tx_bytes >= 0)
		proto_put(o, "tx_bytes", json_integer(r->tx_bytes), bad);
	return o;
}

static void put_tunnels(json_t *root, const void *msg, const char **bad)
{
	const struct nc_tunnel_status *t = msg;
	json_t *list = json_array();

	for (size_t i = 0; i < t->n_tunnels; i++)
		proto_append(list, report_to_json(&t->tunnels[i], bad), "tunnels", bad);
	proto_put(root, "tunnels", list, bad);
}

static void tunnel_status_clear(void *msg)
{
	nc_tunnel_status_clear(msg);
}

#define TUNNEL_STATUS(mem) PROTO_AT(struct nc_tunnel_status, mem)

static const struct proto_field tunnel_status_fields[] = {
	{"serial", PF_SERIAL, TUNNEL_STATUS(serial)},
	{"ts", PF_INT, TUNNEL_STATUS(ts)},
	{"tunnels", PF_CUSTOM, .read = tunnels_from_json, .write = put_tunnels},
};

static const struct proto_msg tunnel_status_msg = PROTO_MSG(
	struct nc_tunnel_status, tunnel_status_fields, tunnel_status_clear, NC_PROTO_MSG_MAX);

PROTO_CODEC(tunnel_status, struct nc_tunnel_status, tunnel_status_msg)
