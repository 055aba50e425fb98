/* SPDX-License-Identifier: MIT */
/*
 * The model codec for any object (fixture_codec.h): one switch per operation over the kinds.
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

json_t *fx_to_json(enum fx_obj k, const void *obj)
{
	switch (k) {
	case FX_TENANT:
		return nc_tenant_to_json(obj);
	case FX_EDGE:
		return nc_edge_to_json(obj);
	case FX_CONNECTOR:
		return nc_connector_to_json(obj);
	case FX_PEERING:
		return nc_peering_to_json(obj);
	}
	fail_msg("no object kind %d", (int)k);
	return NULL;
}

int fx_from_json(enum fx_obj k, const json_t *j, void *out, unsigned flags, struct nc_errinfo *ei)
{
	switch (k) {
	case FX_TENANT:
		return nc_tenant_from_json(j, out, flags, ei);
	case FX_EDGE:
		return nc_edge_from_json(j, out, flags, ei);
	case FX_CONNECTOR:
		return nc_connector_from_json(j, out, flags, ei);
	case FX_PEERING:
		return nc_peering_from_json(j, out, flags, ei);
	}
	fail_msg("no object kind %d", (int)k);
	return NC_ERR_INTERNAL;
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
	switch (k) {
	case FX_TENANT:
		fx_assert_tenant_equal(a, b);
		break;
	case FX_EDGE:
		fx_assert_edge_equal(a, b);
		break;
	case FX_CONNECTOR:
		fx_assert_connector_equal(a, b);
		break;
	case FX_PEERING:
		fx_assert_peering_equal(a, b);
		break;
	}
}
