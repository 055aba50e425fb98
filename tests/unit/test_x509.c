/* SPDX-License-Identifier: MIT */
/* The device PKI's building blocks (lib/util/x509.c) and sealed values (crypto.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/util/crypto.h"
#include "../../lib/util/err.h"
#include "../../lib/util/x509.h"

struct ca {
	char *cert, *key;
};

static int ca_setup(void **state)
{
	struct ca *ca = calloc(1, sizeof(*ca));

	if (!ca || nc_x509_ca_new("netctl test CA", 10, &ca->cert, &ca->key) != 0)
		return -1;
	*state = ca;
	return 0;
}

static int ca_teardown(void **state)
{
	struct ca *ca = *state;

	free(ca->cert);
	nc_x509_free_secret(ca->key);
	free(ca);
	return 0;
}

/* A client certificate for a key the core made: CN = the serial, signed by the CA. */
static void test_issue_with_key(void **state)
{
	struct ca *ca = *state;
	struct nc_x509_req r = {.cn = "CN-0001", .days = 30};
	char serial[NC_X509_SERIAL_MAX], again[NC_X509_SERIAL_MAX], cn[64];
	char *key = NULL, *cert = NULL;
	int64_t not_after = 0, na2 = 0;

	assert_int_equal(nc_x509_key_new(&key), 0);
	assert_non_null(strstr(key, "BEGIN PRIVATE KEY"));
	r.key_pem = key;
	assert_int_equal(nc_x509_issue(ca->cert, ca->key, &r, &cert, serial, &not_after, NULL), 0);
	assert_int_equal(nc_x509_verify(ca->cert, cert), 0);
	assert_int_equal(nc_x509_key_matches(cert, key), 0);
	assert_int_equal(nc_x509_cert_info(cert, cn, sizeof(cn), again, &na2), 0);
	assert_string_equal(cn, "CN-0001");
	assert_string_equal(serial, again);
	assert_int_equal(strlen(serial), 32);
	assert_true(not_after == na2);
	assert_true(not_after > time(NULL) + 29 * 86400 && not_after < time(NULL) + 31 * 86400);
	free(cert);
	nc_x509_free_secret(key);
}

/* A CSR is signed when its CN is the serial; the key never comes back. */
static void test_issue_with_csr(void **state)
{
	struct ca *ca = *state;
	struct nc_x509_req r = {.cn = "CN-0002", .days = 30};
	struct nc_errinfo ei = {0};
	char serial[NC_X509_SERIAL_MAX], cn[64];
	char *key = NULL, *csr = NULL, *cert = NULL, *other = NULL;

	assert_int_equal(nc_x509_key_new(&key), 0);
	assert_int_equal(nc_x509_csr_new(key, "CN-0002", &csr), 0);
	r.csr_pem = csr;
	assert_int_equal(nc_x509_issue(ca->cert, ca->key, &r, &cert, serial, NULL, &ei), 0);
	assert_int_equal(nc_x509_key_matches(cert, key), 0);
	assert_int_equal(nc_x509_cert_info(cert, cn, sizeof(cn), NULL, NULL), 0);
	assert_string_equal(cn, "CN-0002");
	free(cert);

	/* Another serial: refused, naming both. */
	r.cn = "CN-0003";
	assert_int_equal(nc_x509_issue(ca->cert, ca->key, &r, &cert, serial, NULL, &ei),
			 NC_ERR_INVAL);
	assert_null(cert);
	assert_string_equal(serial, "");
	assert_non_null(strstr(ei.msg, "CN-0002"));
	assert_non_null(strstr(ei.msg, "CN-0003"));

	/* Not a CSR at all. */
	r.csr_pem =
		"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
	fx_assert_refused(nc_x509_issue(ca->cert, ca->key, &r, &cert, serial, NULL, &ei),
			  NC_ERR_INVAL, &ei, "csr");

	/* A certificate from another CA does not verify against ours. */
	{
		char *oc = NULL, *ok = NULL;

		assert_int_equal(nc_x509_ca_new("other", 1, &oc, &ok), 0);
		r.cn = "CN-0002";
		r.csr_pem = csr;
		assert_int_equal(nc_x509_issue(oc, ok, &r, &other, serial, NULL, &ei), 0);
		assert_int_equal(nc_x509_verify(ca->cert, other), NC_ERR_INVAL);
		free(oc);
		nc_x509_free_secret(ok);
	}
	free(other);
	free(csr);
	nc_x509_free_secret(key);
}

/* A server certificate carries its address as a subjectAltName. */
static void test_issue_server(void **state)
{
	struct ca *ca = *state;
	struct nc_x509_req r = {.cn = "127.0.0.1", .server = true, .san = "127.0.0.1", .days = 30};
	char serial[NC_X509_SERIAL_MAX];
	char *key = NULL, *cert = NULL;

	assert_int_equal(nc_x509_key_new(&key), 0);
	r.key_pem = key;
	assert_int_equal(nc_x509_issue(ca->cert, ca->key, &r, &cert, serial, NULL, NULL), 0);
	assert_int_equal(nc_x509_verify(ca->cert, cert), 0);
	free(cert);
	nc_x509_free_secret(key);
}

/* A CRL parses back and is signed; bad serials are refused. */
static void test_crl(void **state)
{
	struct ca *ca = *state;
	struct nc_x509_revoked v[2] = {{"4A3B2C1D", 1700000000}, {"7F", 1700000100}};
	char *crl = NULL;

	assert_int_equal(nc_x509_crl_new(ca->cert, ca->key, NULL, 0, 1, 30, &crl), 0);
	assert_non_null(strstr(crl, "BEGIN X509 CRL"));
	free(crl);
	assert_int_equal(nc_x509_crl_new(ca->cert, ca->key, v, 2, 2, 30, &crl), 0);
	assert_non_null(crl);
	free(crl);
	snprintf(v[1].serial, sizeof(v[1].serial), "not-hex");
	assert_int_equal(nc_x509_crl_new(ca->cert, ca->key, v, 2, 3, 30, &crl), NC_ERR_INVAL);
	assert_null(crl);
}

/* Sealed values: round trip, a fresh nonce each time, tampering and wrong keys refused. */
static void test_seal(void **state)
{
	unsigned char key[NC_CRYPTO_SEAL_KEY], other[NC_CRYPTO_SEAL_KEY];
	const char *secret = "00112233445566778899aabbccddeeff0011223344556677";
	char *a = NULL, *b = NULL, *plain = NULL;

	assert_int_equal(nc_crypto_random(key, sizeof(key)), 0);
	assert_int_equal(nc_crypto_random(other, sizeof(other)), 0);
	assert_int_equal(nc_crypto_seal(key, secret, &a), 0);
	assert_int_equal(nc_crypto_seal(key, secret, &b), 0);
	assert_true(nc_crypto_is_sealed(a));
	assert_false(nc_crypto_is_sealed(secret));
	assert_string_not_equal(a, b);
	assert_null(strstr(a, secret));
	assert_int_equal(nc_crypto_open(key, a, &plain), 0);
	assert_string_equal(plain, secret);
	free(plain);
	assert_int_equal(nc_crypto_open(other, a, &plain), NC_ERR_INVAL);
	assert_null(plain);
	a[strlen(NC_CRYPTO_SEAL_PREFIX) + 20] ^= 1;
	assert_int_equal(nc_crypto_open(key, a, &plain), NC_ERR_INVAL);
	assert_int_equal(nc_crypto_open(key, secret, &plain), NC_ERR_INVAL);
	assert_int_equal(nc_crypto_seal(key, "", &plain), 0);
	free(b);
	assert_int_equal(nc_crypto_open(key, plain, &b), 0);
	assert_string_equal(b, "");
	free(plain);
	free(b);
	free(a);
}

FX_MAIN_EACH("x509", ca_setup, ca_teardown, NULL, NULL, test_issue_with_key, test_issue_with_csr,
	     test_issue_server, test_crl, test_seal)
