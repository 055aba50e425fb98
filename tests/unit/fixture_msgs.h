/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_MSGS_H
#define NC_TESTS_FIXTURE_MSGS_H

/*
 * The payload codecs of lib/proto as one table indexed by enum nc_msg, for the programs that
 * take every message kind through the same steps: the protocol fixture (fixture_proto.c) and
 * the fuzz target (tests/fuzz/fuzz_proto.c). Definitions, not declarations: include it in one
 * file of a program. Each row decodes into a union fx_msg and says what a decoded message owns.
 */

#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "../../lib/proto/proto.h"

/* A message of any kind. Every kind starts with its serial (fx_msg_serial()). */
union fx_msg {
	struct nc_batch b;
	struct nc_confirm c;
	struct nc_config_request r;
	struct nc_heartbeat h;
	struct nc_tunnel_status t;
	struct nc_registration g;
};

struct fx_msg_codec {
	/* nc_proto_T_decode from topic serial serial and topic tenant tenant (NULL: none; the
	 * device-to-core messages other than the confirmation carry no tenant and ignore it). */
	int (*decode)(const void *data, size_t size, const char *serial, const char *tenant,
		      union fx_msg *m, struct nc_errinfo *ei);
	/* nc_proto_T_encode: *out is the caller's to free. */
	int (*encode)(const union fx_msg *m, char **out, size_t *len, struct nc_errinfo *ei);
	/* Whether b, decoded from a's encoding, holds a's values (those a round trip can lose
	 * nothing of: the checks of the fuzz target). */
	int (*same)(const union fx_msg *a, const union fx_msg *b);
	/* The memory a decoded message owns, which a refused one must not (NULL: never any). */
	const void *(*owned)(const union fx_msg *m);
	/* Frees what a decoded message owns (NULL: nothing to free). */
	void (*clear)(union fx_msg *m);
	/* Whether the message names a tenant, so that a topic tenant applies to it. */
	int tenanted;
	/* Whether its encoding may be refused as too big: an escaped input grows when
	 * normalized. A batch's may not. */
	int may_grow;
};

/* The serial of m, whatever its kind: the first member of every kind, so part of the common
 * initial sequence the union may be read through. */
static inline const char *fx_msg_serial(const union fx_msg *m)
{
	return m->b.serial;
}

/* T_decode and T_encode of the row of nc_proto_T_* on member m of the union; FX_TENANT_CODEC
 * passes the topic tenant on, FX_DEVICE_CODEC has none to pass. */
#define FX_ENCODE(T, m)                                                                            \
	static int T##_encode(const union fx_msg *u, char **out, size_t *len,                      \
			      struct nc_errinfo *ei)                                               \
	{                                                                                          \
		return nc_proto_##T##_encode(&u->m, out, len, ei);                                 \
	}
#define FX_TENANT_CODEC(T, m)                                                                      \
	static int T##_decode(const void *data, size_t size, const char *serial,                   \
			      const char *tenant, union fx_msg *u, struct nc_errinfo *ei)          \
	{                                                                                          \
		return nc_proto_##T##_decode(data, size, serial, tenant, &u->m, ei);               \
	}                                                                                          \
	FX_ENCODE(T, m)
#define FX_DEVICE_CODEC(T, m)                                                                      \
	static int T##_decode(const void *data, size_t size, const char *serial,                   \
			      const char *tenant, union fx_msg *u, struct nc_errinfo *ei)          \
	{                                                                                          \
		(void)tenant;                                                                      \
		return nc_proto_##T##_decode(data, size, serial, &u->m, ei);                       \
	}                                                                                          \
	FX_ENCODE(T, m)
FX_TENANT_CODEC(batch, b)
FX_TENANT_CODEC(confirm, c)
FX_DEVICE_CODEC(config_request, r)
FX_DEVICE_CODEC(heartbeat, h)
FX_DEVICE_CODEC(tunnel_status, t)
FX_DEVICE_CODEC(registration, g)

static int same_batch(const union fx_msg *a, const union fx_msg *b)
{
	const struct nc_batch *x = &a->b, *y = &b->b;

	return y->seq == x->seq && strcmp(y->tenant, x->tenant) == 0 &&
	       strcmp(y->config_hash, x->config_hash) == 0 && json_equal(y->commands, x->commands);
}

static int same_confirm(const union fx_msg *a, const union fx_msg *b)
{
	const struct nc_confirm *x = &a->c, *y = &b->c;

	return y->seq == x->seq && y->applied == x->applied && y->failed == x->failed &&
	       y->status == x->status && y->vpp_mode == x->vpp_mode &&
	       strcmp(y->tenant, x->tenant) == 0 && json_equal(y->failures, x->failures);
}

static int same_request(const union fx_msg *a, const union fx_msg *b)
{
	return b->r.seq == a->r.seq && strcmp(b->r.reason, a->r.reason) == 0;
}

static int same_heartbeat(const union fx_msg *a, const union fx_msg *b)
{
	return b->h.ts == a->h.ts && strcmp(b->h.agent, a->h.agent) == 0;
}

static int same_tunnels(const union fx_msg *a, const union fx_msg *b)
{
	const struct nc_tunnel_status *t = &a->t, *t2 = &b->t;

	if (t2->n_tunnels != t->n_tunnels)
		return 0;
	for (size_t i = 0; i < t->n_tunnels; i++)
		if (!(t2->tunnels[i].up == t->tunnels[i].up &&
		      t2->tunnels[i].rx_bytes == t->tunnels[i].rx_bytes &&
		      strcmp(t2->tunnels[i].sa, t->tunnels[i].sa) == 0))
			return 0;
	return 1;
}

static int same_registration(const union fx_msg *a, const union fx_msg *b)
{
	return b->g.kind == a->g.kind && strcmp(b->g.hostname, a->g.hostname) == 0;
}

static const void *owned_batch(const union fx_msg *m)
{
	return m->b.commands;
}

static const void *owned_confirm(const union fx_msg *m)
{
	return m->c.failures;
}

static const void *owned_tunnels(const union fx_msg *m)
{
	return m->t.tunnels;
}

static void clear_batch(union fx_msg *m)
{
	nc_batch_clear(&m->b);
}

static void clear_confirm(union fx_msg *m)
{
	nc_confirm_clear(&m->c);
}

static void clear_tunnels(union fx_msg *m)
{
	nc_tunnel_status_clear(&m->t);
}

static const struct fx_msg_codec fx_msg_codecs[NC_MSG_COUNT] = {
	[NC_MSG_BATCH] = {batch_decode, batch_encode, same_batch, owned_batch, clear_batch, 1, 0},
	[NC_MSG_CONFIRM] = {confirm_decode, confirm_encode, same_confirm, owned_confirm,
			    clear_confirm, 1, 1},
	[NC_MSG_CONFIG_REQUEST] = {config_request_decode, config_request_encode, same_request, NULL,
				   NULL, 0, 1},
	[NC_MSG_HEARTBEAT] = {heartbeat_decode, heartbeat_encode, same_heartbeat, NULL, NULL, 0, 1},
	[NC_MSG_TUNNEL_STATUS] = {tunnel_status_decode, tunnel_status_encode, same_tunnels,
				  owned_tunnels, clear_tunnels, 0, 1},
	[NC_MSG_REGISTER] = {registration_decode, registration_encode, same_registration, NULL,
			     NULL, 0, 1},
};

#endif
