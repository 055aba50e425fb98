/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <string.h>

#include "../../lib/util/crypto.h"
#include "../../lib/util/err.h"

static void expect_sha256(const char *msg, const char *want)
{
	char hex[65];

	assert_int_equal(nc_crypto_sha256_hex(msg, strlen(msg), hex), 0);
	assert_string_equal(hex, want);
}

/* FIPS 180-2 / NIST example vectors. */
static void test_sha256_vectors(void **state)
{
	char hex[65];

	expect_sha256("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_sha256("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_int_equal(nc_crypto_sha256_hex(NULL, 0, hex), 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(nc_crypto_sha256_hex(NULL, 1, hex), NC_ERR_INVAL);
	assert_string_equal(hex, "");
}

/* Bytes after a NUL count: the length, not strlen, decides. */
static void test_sha256_binary(void **state)
{
	char a[65], b[65];

	assert_int_equal(nc_crypto_sha256_hex("ab\0c", 4, a), 0);
	assert_int_equal(nc_crypto_sha256_hex("ab\0d", 4, b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 64);
}

static void test_equal(void **state)
{
	const unsigned char x[] = {1, 2, 3, 4, 0, 6};
	const unsigned char y[] = {1, 2, 3, 4, 0, 6};
	const unsigned char z[] = {1, 2, 3, 4, 0, 7};

	assert_true(nc_crypto_equal(x, y, sizeof(x)));
	assert_false(nc_crypto_equal(x, z, sizeof(x)));
	assert_true(nc_crypto_equal(x, z, sizeof(x) - 1));
	assert_false(nc_crypto_equal("a", "b", 1));
	assert_true(nc_crypto_equal(x, z, 0));
	assert_true(nc_crypto_equal(NULL, NULL, 0));
}

static void test_random(void **state)
{
	unsigned char a[32] = {0}, b[32] = {0}, zero[32] = {0};

	assert_int_equal(nc_crypto_random(a, sizeof(a)), 0);
	assert_int_equal(nc_crypto_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_int_equal(nc_crypto_random(NULL, 0), 0);
}

static void test_hex_encode(void **state)
{
	const unsigned char data[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
	char out[2 * sizeof(data) + 1];
	char one[1] = {'x'};

	memset(out, 'x', sizeof(out));
	nc_hex_encode(data, sizeof(data), out);
	assert_string_equal(out, "00017f80abcdefff");
	nc_hex_encode(data, 0, one);
	assert_int_equal(one[0], '\0');
}

static bool all_lower_hex(const char *s)
{
	for (; *s; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	}
	return true;
}

static void test_random_hex(void **state)
{
	char a[65], b[65], big[201], small[64];

	assert_int_equal(nc_crypto_random_hex(32, a, sizeof(a)), 0);
	assert_int_equal(nc_crypto_random_hex(32, b, sizeof(b)), 0);
	assert_int_equal(strlen(a), 64);
	assert_true(all_lower_hex(a));
	assert_string_not_equal(a, b);

	/* More than one internal chunk. */
	assert_int_equal(nc_crypto_random_hex(100, big, sizeof(big)), 0);
	assert_int_equal(strlen(big), 200);
	assert_true(all_lower_hex(big));

	assert_int_equal(nc_crypto_random_hex(0, small, sizeof(small)), 0);
	assert_string_equal(small, "");

	/* 32 bytes need 65 bytes of room. */
	assert_int_equal(nc_crypto_random_hex(32, small, sizeof(small)), NC_ERR_INVAL);
	assert_string_equal(small, "");
	assert_int_equal(nc_crypto_random_hex(1, small, 0), NC_ERR_INVAL);
	assert_int_equal(nc_crypto_random_hex(SIZE_MAX, small, sizeof(small)), NC_ERR_INVAL);
}

FX_MAIN("crypto", test_sha256_vectors, test_sha256_binary, test_equal, test_random, test_hex_encode,
	test_random_hex)
