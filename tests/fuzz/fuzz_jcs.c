/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for JCS canonicalization (lib/util/jcs.c): any JSON
 * text jansson parses is canonicalized; whatever canonicalizes must parse
 * back and canonicalize to the same bytes (canonical(parse(canonical(x)))
 * == canonical(x)), hash the same, and refusals must say why (a range or
 * UTF-8 error naming a path), never crash or recurse without bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/util/err.h"
#include "lib/util/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *x = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL), *y;
	struct nc_errinfo ei = {0};
	char *c1 = NULL, *c2 = NULL, h1[65], h2[65];
	size_t l1 = 0, l2 = 0;
	int ret;

	if (!x)
		return 0;
	ret = nc_jcs_encode(x, &c1, &l1, &ei);
	if (ret < 0) {
		check(c1 == NULL && l1 == 0);
		check(ret == NC_ERR_RANGE || ret == NC_ERR_INVAL);
		check(ei.msg[0] != '\0');
		goto out;
	}
	check(c1 != NULL && strlen(c1) == l1);
	y = json_loadb(c1, l1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	check(y != NULL);
	check(json_equal(x, y));
	check(nc_jcs_encode(y, &c2, &l2, &ei) == 0);
	check(l1 == l2 && memcmp(c1, c2, l1) == 0);
	check(nc_jcs_sha256_hex(x, h1, &ei) == 0 && nc_jcs_sha256_hex(y, h2, &ei) == 0);
	check(strcmp(h1, h2) == 0 && strlen(h1) == 64);
	json_decref(y);
out:
	free(c1);
	free(c2);
	json_decref(x);
	return 0;
}
