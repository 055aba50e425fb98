/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_CODEC_H
#define NC_TESTS_FIXTURE_CODEC_H

/*
 * The model codec for any of the objects fixture.h makes (fixture_codec.c, linked into every
 * test program), so that one table or loop serves tenants, edges, connectors and peerings.
 * Include <cmocka.h> before this header.
 */

#include <jansson.h>

struct nc_errinfo;

/* The model objects, for helpers that take any of them through a void pointer. */
enum fx_obj { FX_TENANT, FX_EDGE, FX_CONNECTOR, FX_PEERING };

/* nc_<obj>_to_json of obj, an object of kind k: a new reference. */
json_t *fx_to_json(enum fx_obj k, const void *obj);
/* nc_<obj>_from_json of j into out, an object of kind k, with flags (NC_DECODE_*); its return. */
int fx_from_json(enum fx_obj k, const json_t *j, void *out, unsigned flags, struct nc_errinfo *ei);
/* Decodes the JSON text as a patch onto cur, an object of kind k; the decoder's return. */
int fx_patch(enum fx_obj k, void *cur, const char *text, struct nc_errinfo *ei);
/* fx_assert_<obj>_equal of a and b, objects of kind k. */
void fx_assert_obj_equal(enum fx_obj k, const void *a, const void *b);

#endif
