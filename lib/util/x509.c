/* SPDX-License-Identifier: MIT */
#include "x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "err.h"

/* Certificates start this long before now, for clocks a little behind. */
#define BACKDATE_S 300
/* Bytes of a random serial number (the top bit cleared: it stays positive). */
#define SERIAL_BYTES 16

void nc_x509_free_secret(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/* The contents of a memory BIO as a heap string, or NULL. */
static char *bio_string(BIO *b)
{
	char *data = NULL, *s;
	long len = BIO_get_mem_data(b, &data);

	if (len < 0 || !data)
		return NULL;
	s = malloc((size_t)len + 1);
	if (s) {
		memcpy(s, data, (size_t)len);
		s[len] = '\0';
	}
	return s;
}

enum pem_kind { PEM_IN_KEY, PEM_IN_CERT, PEM_IN_CSR };

/* The private key (EVP_PKEY), certificate (X509) or CSR (X509_REQ) that the NUL-terminated
 * pem holds, or NULL; the caller frees it with the type's free. */
static void *read_pem(const char *pem, enum pem_kind kind)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	void *obj = NULL;

	if (b && kind == PEM_IN_KEY)
		obj = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	else if (b && kind == PEM_IN_CERT)
		obj = PEM_read_bio_X509(b, NULL, NULL, NULL);
	else if (b)
		obj = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	return obj;
}

/* The PEM of a private key (PKCS#8), a certificate, a CSR or a CRL: exactly one non-NULL. */
static char *to_pem(EVP_PKEY *k, X509 *x, X509_REQ *r, X509_CRL *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s = NULL;
	int ok = 0;

	if (!b)
		return NULL;
	if (k)
		ok = PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	else if (x)
		ok = PEM_write_bio_X509(b, x);
	else if (r)
		ok = PEM_write_bio_X509_REQ(b, r);
	else if (c)
		ok = PEM_write_bio_X509_CRL(b, c);
	if (ok == 1)
		s = bio_string(b);
	if (k) {
		char *data = NULL;
		long len = BIO_get_mem_data(b, &data);

		if (len > 0 && data)
			OPENSSL_cleanse(data, (size_t)len);
	}
	BIO_free(b);
	return s;
}

int nc_x509_key_new(char **key_pem)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	*key_pem = k ? to_pem(k, NULL, NULL, NULL) : NULL;
	EVP_PKEY_free(k);
	return *key_pem ? 0 : NC_ERR_INTERNAL;
}

/* A subject name of one CN. */
static X509_NAME *name_cn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n && X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
					    (const unsigned char *)cn, -1, -1, 0) != 1) {
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

/* The one CN of a name into cn (n bytes); NC_ERR_INVAL when there is not exactly one. */
static int name_get_cn(const X509_NAME *name, char *cn, size_t n)
{
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	unsigned char *utf8 = NULL;
	int len, ret = NC_ERR_INVAL;

	if (cn && n)
		cn[0] = '\0';
	if (i < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0)
		return NC_ERR_INVAL;
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (len < 0)
		return NC_ERR_INVAL;
	if ((size_t)len < n && !memchr(utf8, '\0', (size_t)len)) {
		memcpy(cn, utf8, (size_t)len);
		cn[len] = '\0';
		ret = 0;
	}
	OPENSSL_free(utf8);
	return ret;
}

/* Adds the extension nid = value (OpenSSL's config syntax) to x. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return NC_ERR_INTERNAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : NC_ERR_INTERNAL;
}

/* A random positive serial number set on x, also written as hex into serial. */
static int set_serial(X509 *x, char serial[NC_X509_SERIAL_MAX])
{
	unsigned char raw[SERIAL_BYTES];
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int ret = NC_ERR_INTERNAL;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		goto out;
	raw[0] = (raw[0] & 0x7f) | 0x40; /* positive, and always SERIAL_BYTES long */
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto out;
	hex = BN_bn2hex(bn);
	if (hex && strlen(hex) < NC_X509_SERIAL_MAX) {
		snprintf(serial, NC_X509_SERIAL_MAX, "%s", hex);
		ret = 0;
	}
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return ret;
}

/* Version, serial, validity, subject, issuer and public key of a new certificate. */
static int cert_frame(X509 *x, const char *cn, const X509_NAME *issuer, EVP_PKEY *pub, int days,
		      char serial[NC_X509_SERIAL_MAX])
{
	X509_NAME *subj = name_cn(cn);
	int ret = NC_ERR_INTERNAL;

	if (!subj || X509_set_version(x, 2) != 1 || set_serial(x, serial) < 0)
		goto out;
	if (!X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_S) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL))
		goto out;
	if (X509_set_subject_name(x, subj) != 1 ||
	    X509_set_issuer_name(x, issuer ? issuer : subj) != 1 || X509_set_pubkey(x, pub) != 1)
		goto out;
	ret = 0;
out:
	X509_NAME_free(subj);
	return ret;
}

int nc_x509_ca_new(const char *cn, int days, char **cert_pem, char **key_pem)
{
	char serial[NC_X509_SERIAL_MAX];
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	int ret = NC_ERR_INTERNAL;

	*cert_pem = NULL;
	*key_pem = NULL;
	if (!k || !x || cert_frame(x, cn, NULL, k, days, serial) < 0)
		goto out;
	if (add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
	    add_ext(x, x, NID_subject_key_identifier, "hash") < 0)
		goto out;
	if (X509_sign(x, k, EVP_sha256()) <= 0)
		goto out;
	*cert_pem = to_pem(NULL, x, NULL, NULL);
	*key_pem = to_pem(k, NULL, NULL, NULL);
	if (*cert_pem && *key_pem)
		ret = 0;
out:
	if (ret < 0) {
		free(*cert_pem);
		nc_x509_free_secret(*key_pem);
		*cert_pem = NULL;
		*key_pem = NULL;
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return ret;
}

/* NC_ERR_INVAL unless k is an EC key of 256 bits or more, or RSA of 2048 or more. */
static int key_strong(EVP_PKEY *k, struct nc_errinfo *ei)
{
	int id = EVP_PKEY_get_base_id(k), bits = EVP_PKEY_get_bits(k);

	if ((id == EVP_PKEY_EC && bits >= 256) || (id == EVP_PKEY_RSA && bits >= 2048))
		return 0;
	return nc_fail(ei, NC_ERR_INVAL, "csr",
		       "the CSR's key must be EC of 256 bits or more, or RSA of 2048 or more");
}

/* The public key to certify for r (a new reference), checking the CSR. */
static int subject_key(const struct nc_x509_req *r, EVP_PKEY **pub, struct nc_errinfo *ei)
{
	X509_REQ *req = NULL;
	char cn[256];
	int ret = NC_ERR_INVAL;

	*pub = NULL;
	if (r->key_pem) {
		*pub = read_pem(r->key_pem, PEM_IN_KEY);
		return *pub ? 0 : nc_fail(ei, NC_ERR_INVAL, "key", "the private key is not PEM");
	}
	req = read_pem(r->csr_pem, PEM_IN_CSR);
	if (!req) {
		ret = nc_fail(ei, NC_ERR_INVAL, "csr", "the CSR is not a PEM certificate request");
		goto out;
	}
	if (X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) != 1) {
		ret = nc_fail(ei, NC_ERR_INVAL, "csr", "the CSR's signature does not verify");
		goto out;
	}
	if (name_get_cn(X509_REQ_get_subject_name(req), cn, sizeof(cn)) < 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "csr", "the CSR's subject must hold one CN");
		goto out;
	}
	if (strcmp(cn, r->cn) != 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "csr",
			      "the CSR's CN `%.64s' is not the serial `%.64s'", cn, r->cn);
		goto out;
	}
	*pub = X509_REQ_get_pubkey(req);
	ret = *pub ? key_strong(*pub, ei) : NC_ERR_INTERNAL;
out:
	X509_REQ_free(req);
	return ret;
}

/* The extensions of a leaf certificate issued by ca. */
static int leaf_exts(X509 *x, X509 *ca, const struct nc_x509_req *r)
{
	char san[300];
	int ret;

	ret = add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE");
	if (ret == 0)
		ret = add_ext(x, ca, NID_key_usage, "critical,digitalSignature,keyAgreement");
	if (ret == 0)
		ret = add_ext(x, ca, NID_ext_key_usage, r->server ? "serverAuth" : "clientAuth");
	if (ret == 0)
		ret = add_ext(x, ca, NID_subject_key_identifier, "hash");
	if (ret == 0)
		ret = add_ext(x, ca, NID_authority_key_identifier, "keyid:always");
	if (ret == 0 && r->server && r->san) {
		bool ip = strchr(r->san, ':') || strspn(r->san, "0123456789.") == strlen(r->san);

		snprintf(san, sizeof(san), "%s:%s", ip ? "IP" : "DNS", r->san);
		ret = add_ext(x, ca, NID_subject_alt_name, san);
	}
	return ret;
}

/* notAfter of x as Unix seconds. */
static int64_t not_after_of(const X509 *x)
{
	struct tm tm = {0};

	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

int nc_x509_issue(const char *ca_cert_pem, const char *ca_key_pem, const struct nc_x509_req *r,
		  char **cert_pem, char serial[NC_X509_SERIAL_MAX], int64_t *not_after,
		  struct nc_errinfo *ei)
{
	X509 *ca = read_pem(ca_cert_pem, PEM_IN_CERT), *x = X509_new();
	EVP_PKEY *cak = read_pem(ca_key_pem, PEM_IN_KEY), *pub = NULL;
	int ret = NC_ERR_INTERNAL;

	*cert_pem = NULL;
	serial[0] = '\0';
	if (!ca || !cak || !x) {
		ret = nc_fail(ei, NC_ERR_INTERNAL, NULL, "the CA certificate or key is unusable");
		goto out;
	}
	if (!r->cn || !r->cn[0] || !r->key_pem == !r->csr_pem) {
		ret = nc_fail(ei, NC_ERR_INVAL, NULL, "a certificate needs a CN and one key");
		goto out;
	}
	ret = subject_key(r, &pub, ei);
	if (ret < 0)
		goto out;
	ret = NC_ERR_INTERNAL;
	if (cert_frame(x, r->cn, X509_get_subject_name(ca), pub, r->days, serial) < 0 ||
	    leaf_exts(x, ca, r) < 0 || X509_sign(x, cak, EVP_sha256()) <= 0)
		goto out;
	*cert_pem = to_pem(NULL, x, NULL, NULL);
	if (!*cert_pem)
		goto out;
	if (not_after)
		*not_after = not_after_of(x);
	ret = 0;
out:
	if (ret == NC_ERR_INTERNAL)
		nc_fail(ei, ret, NULL, "OpenSSL could not sign the certificate");
	if (ret < 0)
		serial[0] = '\0';
	EVP_PKEY_free(pub);
	EVP_PKEY_free(cak);
	X509_free(x);
	X509_free(ca);
	return ret;
}

int nc_x509_csr_new(const char *key_pem, const char *cn, char **csr_pem)
{
	EVP_PKEY *k = read_pem(key_pem, PEM_IN_KEY);
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = name_cn(cn);
	int ret = NC_ERR_INVAL;

	*csr_pem = NULL;
	if (!k || !n || !r)
		goto out;
	ret = NC_ERR_INTERNAL;
	if (X509_REQ_set_version(r, 0) != 1 || X509_REQ_set_subject_name(r, n) != 1 ||
	    X509_REQ_set_pubkey(r, k) != 1 || X509_REQ_sign(r, k, EVP_sha256()) <= 0)
		goto out;
	*csr_pem = to_pem(NULL, NULL, r, NULL);
	if (*csr_pem)
		ret = 0;
out:
	X509_NAME_free(n);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	return ret;
}

/* Adds one revoked entry to crl. */
static int crl_add(X509_CRL *crl, const struct nc_x509_revoked *v)
{
	X509_REVOKED *rev = X509_REVOKED_new();
	ASN1_TIME *when = ASN1_TIME_set(NULL, (time_t)v->revoked_at);
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn = NULL;
	int ret = NC_ERR_INVAL;

	if (!rev || !when || BN_hex2bn(&bn, v->serial) <= 0)
		goto out;
	sn = BN_to_ASN1_INTEGER(bn, NULL);
	if (!sn || X509_REVOKED_set_serialNumber(rev, sn) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, when) != 1)
		goto out;
	if (X509_CRL_add0_revoked(crl, rev) != 1)
		goto out;
	rev = NULL; /* crl owns it now */
	ret = 0;
out:
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	ASN1_TIME_free(when);
	X509_REVOKED_free(rev);
	return ret;
}

/* The CRL number and authority key id extensions. */
static int crl_exts(X509_CRL *crl, X509 *ca, int64_t number)
{
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509V3_CTX ctx;
	X509_EXTENSION *aki;
	int ret = NC_ERR_INTERNAL;

	if (!num || ASN1_INTEGER_set_int64(num, number) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1)
		goto out;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	aki = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	if (!aki)
		goto out;
	if (X509_CRL_add_ext(crl, aki, -1) == 1)
		ret = 0;
	X509_EXTENSION_free(aki);
out:
	ASN1_INTEGER_free(num);
	return ret;
}

int nc_x509_crl_new(const char *ca_cert_pem, const char *ca_key_pem,
		    const struct nc_x509_revoked *v, size_t n, int64_t number, int days,
		    char **crl_pem)
{
	X509 *ca = read_pem(ca_cert_pem, PEM_IN_CERT);
	EVP_PKEY *cak = read_pem(ca_key_pem, PEM_IN_KEY);
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0), *next = X509_time_adj_ex(NULL, days, 0, NULL);
	int ret = NC_ERR_INTERNAL;

	*crl_pem = NULL;
	if (!ca || !cak) {
		ret = NC_ERR_INVAL;
		goto out;
	}
	if (!crl || !now || !next || X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, now) != 1 || X509_CRL_set1_nextUpdate(crl, next) != 1)
		goto out;
	for (size_t i = 0; i < n; i++) {
		ret = crl_add(crl, &v[i]);
		if (ret < 0)
			goto out;
	}
	ret = NC_ERR_INTERNAL;
	if (X509_CRL_sort(crl) != 1 || crl_exts(crl, ca, number) < 0 ||
	    X509_CRL_sign(crl, cak, EVP_sha256()) <= 0)
		goto out;
	*crl_pem = to_pem(NULL, NULL, NULL, crl);
	if (*crl_pem)
		ret = 0;
out:
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
	EVP_PKEY_free(cak);
	X509_free(ca);
	return ret;
}

int nc_x509_cert_info(const char *cert_pem, char *cn, size_t n, char serial[NC_X509_SERIAL_MAX],
		      int64_t *not_after)
{
	X509 *x = read_pem(cert_pem, PEM_IN_CERT);
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int ret = NC_ERR_INVAL;

	if (!x)
		goto out;
	if (cn && name_get_cn(X509_get_subject_name(x), cn, n) < 0)
		goto out;
	if (serial) {
		bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		hex = bn ? BN_bn2hex(bn) : NULL;
		if (!hex || strlen(hex) >= NC_X509_SERIAL_MAX)
			goto out;
		snprintf(serial, NC_X509_SERIAL_MAX, "%s", hex);
	}
	if (not_after)
		*not_after = not_after_of(x);
	ret = 0;
out:
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return ret;
}

int nc_x509_verify(const char *ca_cert_pem, const char *cert_pem)
{
	X509 *ca = read_pem(ca_cert_pem, PEM_IN_CERT), *x = read_pem(cert_pem, PEM_IN_CERT);
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ret = NC_ERR_INVAL;

	if (!ca || !x || !st || !ctx || X509_STORE_add_cert(st, ca) != 1)
		goto out;
	if (X509_STORE_CTX_init(ctx, st, x, NULL) == 1 && X509_verify_cert(ctx) == 1)
		ret = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	X509_free(x);
	X509_free(ca);
	return ret;
}

int nc_x509_key_matches(const char *cert_pem, const char *key_pem)
{
	X509 *x = read_pem(cert_pem, PEM_IN_CERT);
	EVP_PKEY *k = read_pem(key_pem, PEM_IN_KEY);
	int ret = NC_ERR_INVAL;

	if (x && k && X509_check_private_key(x, k) == 1)
		ret = 0;
	EVP_PKEY_free(k);
	X509_free(x);
	return ret;
}
