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

static void device_msgs(const uint8_t *data, size_t size)
{
	struct nc_config_request r, r2;
	struct nc_heartbeat h, h2;
	struct nc_tunnel_status t, t2;
	struct nc_registration g, g2;
	struct nc_errinfo ei;
	char *out;
	size_t len;
	int ret;

	if (nc_proto_config_request_decode(data, size, SERIAL, &r, &ei) == 0) {
		ret = nc_proto_config_request_encode(&r, &out, &len, &ei);
		check(ret == 0 || ret == NC_ERR_TOOBIG);
		if (ret == 0) {
			check(nc_proto_config_request_decode(out, len, SERIAL, &r2, &ei) == 0);
			check(r2.seq == r.seq && strcmp(r2.reason, r.reason) == 0);
			free(out);
		}
	}
	if (nc_proto_heartbeat_decode(data, size, SERIAL, &h, &ei) == 0) {
		ret = nc_proto_heartbeat_encode(&h, &out, &len, &ei);
		check(ret == 0 || ret == NC_ERR_TOOBIG);
		if (ret == 0) {
			check(nc_proto_heartbeat_decode(out, len, SERIAL, &h2, &ei) == 0);
			check(h2.ts == h.ts && strcmp(h2.agent, h.agent) == 0);
			free(out);
		}
	}
	if (nc_proto_tunnel_status_decode(data, size, SERIAL, &t, &ei) == 0) {
		ret = nc_proto_tunnel_status_encode(&t, &out, &len, &ei);
		check(ret == 0 || ret == NC_ERR_TOOBIG);
		if (ret == 0) {
			check(nc_proto_tunnel_status_decode(out, len, SERIAL, &t2, &ei) == 0);
			check(t2.n_tunnels == t.n_tunnels);
			for (size_t i = 0; i < t.n_tunnels; i++)
				check(t2.tunnels[i].up == t.tunnels[i].up &&
				      t2.tunnels[i].rx_bytes == t.tunnels[i].rx_bytes &&
				      strcmp(t2.tunnels[i].sa, t.tunnels[i].sa) == 0);
			free(out);
			nc_tunnel_status_clear(&t2);
		}
		nc_tunnel_status_clear(&t);
	} else {
		check(t.tunnels == NULL);
	}
	if (nc_proto_registration_decode(data, size, SERIAL, &g, &ei) == 0) {
		ret = nc_proto_registration_encode(&g, &out, &len, &ei);
		check(ret == 0 || ret == NC_ERR_TOOBIG);
		if (ret == 0) {
			check(nc_proto_registration_decode(out, len, SERIAL, &g2, &ei) == 0);
			check(g2.kind == g.kind && strcmp(g2.hostname, g.hostname) == 0);
			free(out);
		}
	}
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
