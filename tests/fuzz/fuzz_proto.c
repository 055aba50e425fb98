/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/proto: every input goes through the topic parser
 * and every payload decoder (with and without a topic tenant); whatever a
 * decoder accepts is encoded again and must decode to the same values.
 * Build with clang -g -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -I.
 * from this file and the .c files of lib/proto, lib/util and lib/model, linked
 * with -ljansson -lcrypto.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/proto/proto.h"
#include "lib/util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SERIAL "CN-0001"

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static void topic(const uint8_t *data, size_t size)
{
	char buf[NC_PROTO_TOPIC_MAX + 64], serial[NC_SERIAL_MAX], tenant[NC_ID_MAX];
	char again[NC_PROTO_TOPIC_MAX];
	struct nc_errinfo ei;
	enum nc_msg kind;
	size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;

	memcpy(buf, data, n);
	buf[n] = '\0';
	if (nc_proto_topic_parse(buf, &kind, serial, tenant, &ei) != 0)
		return;
	/* An accepted topic formats back to itself. */
	check(nc_proto_topic_format(kind, serial, tenant, again, sizeof(again)) == 0);
	check(strcmp(again, buf) == 0);
}

static void batch(const uint8_t *data, size_t size, const char *tenant)
{
	struct nc_batch b, d;
	struct nc_errinfo ei;
	char *out;
	size_t len;

	if (nc_proto_batch_decode(data, size, SERIAL, tenant, &b, &ei) != 0) {
		check(b.commands == NULL);
		return;
	}
	check(nc_proto_batch_encode(&b, &out, &len, &ei) == 0);
	check(nc_proto_batch_decode(out, len, SERIAL, tenant, &d, &ei) == 0);
	check(d.seq == b.seq && strcmp(d.tenant, b.tenant) == 0 &&
	      strcmp(d.config_hash, b.config_hash) == 0 && json_equal(d.commands, b.commands));
	free(out);
	nc_batch_clear(&d);
	nc_batch_clear(&b);
}

static void confirm(const uint8_t *data, size_t size, const char *tenant)
{
	struct nc_confirm c, d;
	struct nc_errinfo ei;
	char *out;
	size_t len;

	if (nc_proto_confirm_decode(data, size, SERIAL, tenant, &c, &ei) != 0) {
		check(c.failures == NULL);
		return;
	}
	/* Re-encoding may exceed the limit: an escaped input grows when normalized. */
	if (nc_proto_confirm_encode(&c, &out, &len, &ei) == 0) {
		check(nc_proto_confirm_decode(out, len, SERIAL, tenant, &d, &ei) == 0);
		check(d.seq == c.seq && d.applied == c.applied && d.failed == c.failed &&
		      d.status == c.status && d.vpp_mode == c.vpp_mode &&
		      strcmp(d.tenant, c.tenant) == 0 && json_equal(d.failures, c.failures));
		free(out);
		nc_confirm_clear(&d);
	} else {
		check(ei.code == NC_ERR_TOOBIG);
	}
	nc_confirm_clear(&c);
}

/* The device-to-core messages that carry no tenant, one row each in device_codecs. */
union device_msg {
	struct nc_config_request r;
	struct nc_heartbeat h;
	struct nc_tunnel_status t;
	struct nc_registration g;
};

struct device_codec {
	int (*decode)(const uint8_t *data, size_t size, union device_msg *m, struct nc_errinfo *ei);
	int (*encode)(const union device_msg *m, char **out, size_t *len, struct nc_errinfo *ei);
	/* Whether b, decoded from a's encoding, holds a's values. */
	int (*same)(const union device_msg *a, const union device_msg *b);
	/* Frees what a decoded message owns (NULL: nothing); a refused one must own nothing. */
	void (*clear)(union device_msg *m);
};

/* nc_proto_T_decode (from SERIAL's topic) and nc_proto_T_encode on member m of the union. */
#define DEVICE_CODEC(T, m)                                                                         \
	static int T##_decode(const uint8_t *data, size_t size, union device_msg *u,               \
			      struct nc_errinfo *ei)                                               \
	{                                                                                          \
		return nc_proto_##T##_decode(data, size, SERIAL, &u->m, ei);                       \
	}                                                                                          \
	static int T##_encode(const union device_msg *u, char **out, size_t *len,                  \
			      struct nc_errinfo *ei)                                               \
	{                                                                                          \
		return nc_proto_##T##_encode(&u->m, out, len, ei);                                 \
	}
DEVICE_CODEC(config_request, r)
DEVICE_CODEC(heartbeat, h)
DEVICE_CODEC(tunnel_status, t)
DEVICE_CODEC(registration, g)

static int same_request(const union device_msg *a, const union device_msg *b)
{
	return b->r.seq == a->r.seq && strcmp(b->r.reason, a->r.reason) == 0;
}

static int same_heartbeat(const union device_msg *a, const union device_msg *b)
{
	return b->h.ts == a->h.ts && strcmp(b->h.agent, a->h.agent) == 0;
}

static int same_tunnels(const union device_msg *a, const union device_msg *b)
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

static int same_registration(const union device_msg *a, const union device_msg *b)
{
	return b->g.kind == a->g.kind && strcmp(b->g.hostname, a->g.hostname) == 0;
}

static void clear_tunnels(union device_msg *m)
{
	nc_tunnel_status_clear(&m->t);
}

static const struct device_codec device_codecs[] = {
	{config_request_decode, config_request_encode, same_request, NULL},
	{heartbeat_decode, heartbeat_encode, same_heartbeat, NULL},
	{tunnel_status_decode, tunnel_status_encode, same_tunnels, clear_tunnels},
	{registration_decode, registration_encode, same_registration, NULL},
};

/* A message c accepts encodes (or is too big to), and its encoding decodes to the same. */
static void device_msg(const struct device_codec *c, const uint8_t *data, size_t size)
{
	union device_msg m, m2;
	struct nc_errinfo ei;
	char *out;
	size_t len;
	int ret;

	if (c->decode(data, size, &m, &ei) != 0) {
		if (c->clear)
			check(m.t.tunnels == NULL); /* only the tunnel status owns memory */
		return;
	}
	ret = c->encode(&m, &out, &len, &ei);
	check(ret == 0 || ret == NC_ERR_TOOBIG);
	if (ret == 0) {
		check(c->decode((const uint8_t *)out, len, &m2, &ei) == 0);
		check(c->same(&m, &m2));
		free(out);
		if (c->clear)
			c->clear(&m2);
	}
	if (c->clear)
		c->clear(&m);
}

static void device_msgs(const uint8_t *data, size_t size)
{
	struct nc_heartbeat h;
	struct nc_errinfo ei;

	for (size_t i = 0; i < sizeof(device_codecs) / sizeof(device_codecs[0]); i++)
		device_msg(&device_codecs[i], data, size);
	/* The topic check must not matter to safety: decode without one too. */
	if (nc_proto_heartbeat_decode(data, size, NULL, &h, &ei) == 0)
		check(h.serial[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	topic(data, size);
	batch(data, size, NULL);
	batch(data, size, "acme");
	confirm(data, size, NULL);
	confirm(data, size, "acme");
	device_msgs(data, size);
	return 0;
}
