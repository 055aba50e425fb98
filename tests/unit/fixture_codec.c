/* SPDX-License-Identifier: MIT */
/*
 * The model codec for any object (fixture_codec.h): one table of functions over the kinds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "fixture_codec.h"

#include "../../lib/model/codec.h"
#include "../../lib/model/model.h"
#include "../../lib/util/err.h"

/* The codec of each kind: nc_<obj>_to_json, nc_<obj>_from_json and fx_assert_<obj>_equal
 * taking the object through a void pointer. */
struct codec {
	json_t *(*to_json)(const void *obj);
	int (*from_json)(const json_t *j, void *out, unsigned flags, struct nc_errinfo *ei);
	void (*assert_equal)(const void *a, const void *b);
};

/* The functions of object T that take it through a void pointer, for its row in codecs. */
#define CODEC(T)                                                                                   \
	static json_t *T##_to_json(const void *obj)                                                \
	{                                                                                          \
		return nc_##T##_to_json(obj);                                                      \
	}                                                                                          \
	static int T##_from_json(const json_t *j, void *out, unsigned flags,                       \
				 struct nc_errinfo *ei)                                            \
	{                                                                                          \
		return nc_##T##_from_json(j, out, flags, ei);                                      \
	}                                                                                          \
	static void T##_assert_equal(const void *a, const void *b)                                 \
	{                                                                                          \
		fx_assert_##T##_equal(a, b);                                                       \
	}
CODEC(tenant)
CODEC(edge)
CODEC(connector)
CODEC(peering)

static const struct codec codecs[] = {
	[FX_TENANT] = {tenant_to_json, tenant_from_json, tenant_assert_equal},
	[FX_EDGE] = {edge_to_json, edge_from_json, edge_assert_equal},
	[FX_CONNECTOR] = {connector_to_json, connector_from_json, connector_assert_equal},
	[FX_PEERING] = {peering_to_json, peering_from_json, peering_assert_equal},
};

/* The codec of kind k; fails the test when there is none. */
static const struct codec *codec_of(enum fx_obj k)
{
	if ((size_t)k >= COUNT(codecs))
		fail_msg("no object kind %d", (int)k);
	return &codecs[k];
}

json_t *fx_to_json(enum fx_obj k, const void *obj)
{
	return codec_of(k)->to_json(obj);
}

int fx_from_json(enum fx_obj k, const json_t *j, void *out, unsigned flags, struct nc_errinfo *ei)
{
	return codec_of(k)->from_json(j, out, flags, ei);
}

int fx_patch(enum fx_obj k, void *cur, const char *text, struct nc_errinfo *ei)
{
	json_t *j = fx_parse(text);
	int ret = fx_from_json(k, j, cur, NC_DECODE_PATCH, ei);

	json_decref(j);
	return ret;
}

void fx_assert_obj_equal(enum fx_obj k, const void *a, const void *b)
{
	codec_of(k)->assert_equal(a, b);
}
