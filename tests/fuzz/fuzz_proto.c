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
#include "tests/unit/fixture_msgs.h"

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

/* A message c accepts (from topic tenant tenant) encodes, or is too big to where c allows it,
 * and its encoding decodes to the same values. */
static void msg(const struct fx_msg_codec *c, const uint8_t *data, size_t size, const char *tenant)
{
	union fx_msg m, m2;
	struct nc_errinfo ei;
	char *out;
	size_t len;
	int ret;

	if (c->decode(data, size, SERIAL, tenant, &m, &ei) != 0) {
		if (c->owned)
			check(c->owned(&m) == NULL);
		return;
	}
	ret = c->encode(&m, &out, &len, &ei);
	check(ret == 0 || (c->may_grow && ret == NC_ERR_TOOBIG));
	if (ret == 0) {
		check(c->decode(out, len, SERIAL, tenant, &m2, &ei) == 0);
		check(c->same(&m, &m2));
		free(out);
		if (c->clear)
			c->clear(&m2);
	}
	if (c->clear)
		c->clear(&m);
}

/* Every message kind, those that name a tenant also from topic tenant acme. */
static void msgs(const uint8_t *data, size_t size)
{
	struct nc_heartbeat h;
	struct nc_errinfo ei;

	for (size_t i = 0; i < NC_MSG_COUNT; i++) {
		msg(&fx_msg_codecs[i], data, size, NULL);
		if (fx_msg_codecs[i].tenanted)
			msg(&fx_msg_codecs[i], data, size, "acme");
	}
	/* The topic check must not matter to safety: decode without one too. */
	if (nc_proto_heartbeat_decode(data, size, NULL, &h, &ei) == 0)
		check(h.serial[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	topic(data, size);
	msgs(data, size);
	return 0;
}
