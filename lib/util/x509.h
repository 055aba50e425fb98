/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_X509_H
#define NC_UTIL_X509_H

/*
 * The device PKI's certificate work: EC P-256 keys, a self-signed CA,
 * certificates signed by it (clientAuth for devices and the core, serverAuth
 * with a subjectAltName for the broker), CSRs and CRLs, SHA-256 signatures.
 * x509.c is the only file that owns OpenSSL's X509 types (crypto.c keeps
 * hashing and randomness). Everything here takes and returns PEM text in
 * memory and does no file I/O: lib/core/pki.c keeps the files.
 *
 * Returned PEM strings are heap, owned by the caller (free()); private keys
 * among them are secrets: wipe with nc_x509_free_secret(). Errors:
 * NC_ERR_INVAL for PEM that does not parse or does not fit (ei says what),
 * NC_ERR_INTERNAL when OpenSSL fails; out-parameters are NULL/"" then.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_errinfo;

/* A certificate serial number as uppercase hex (what `openssl x509 -serial' prints). */
#define NC_X509_SERIAL_MAX 48

/* A new EC P-256 private key in PKCS#8 PEM. */
int nc_x509_key_new(char **key_pem);

/* Wipes and frees a secret string; NULL is a no-op. */
void nc_x509_free_secret(char *s);

/* A new CA: a P-256 key and a self-signed certificate with subject CN=cn,
 * CA:TRUE, keyCertSign and cRLSign, valid for days days from now. */
int nc_x509_ca_new(const char *cn, int days, char **cert_pem, char **key_pem);

/* What to certify: the public key of key_pem, or of the CSR csr_pem (whose
 * signature must verify and whose CN must equal cn); exactly one of the two. */
struct nc_x509_req {
	const char *cn;	     /* subject CN */
	const char *key_pem; /* the subject's private key, or NULL */
	const char *csr_pem; /* a PKCS#10 request, or NULL */
	bool server;	     /* serverAuth + subjectAltName san; else clientAuth */
	const char *san;     /* "127.0.0.1", "::1" or a DNS name; server only */
	int days;	     /* validity from now */
};

/*
 * A certificate for r signed by the CA (ca_cert_pem, ca_key_pem), with a
 * random 128-bit serial number written to serial (uppercase hex) and its
 * notAfter as Unix seconds in *not_after. A CSR whose CN differs from r->cn
 * is NC_ERR_INVAL with ei naming both.
 */
int nc_x509_issue(const char *ca_cert_pem, const char *ca_key_pem, const struct nc_x509_req *r,
		  char **cert_pem, char serial[NC_X509_SERIAL_MAX], int64_t *not_after,
		  struct nc_errinfo *ei);

/* A CSR with subject CN=cn signed by key_pem. */
int nc_x509_csr_new(const char *key_pem, const char *cn, char **csr_pem);

/* One revoked certificate: its serial number (hex) and when (Unix seconds). */
struct nc_x509_revoked {
	char serial[NC_X509_SERIAL_MAX];
	int64_t revoked_at;
};

/* A v2 CRL of the CA listing v[0..n), with CRL number `number', valid
 * (nextUpdate) for days days from now. */
int nc_x509_crl_new(const char *ca_cert_pem, const char *ca_key_pem,
		    const struct nc_x509_revoked *v, size_t n, int64_t number, int days,
		    char **crl_pem);

/* The subject CN (into cn, n bytes), serial number and notAfter of a
 * certificate in PEM; any of the out-parameters may be NULL. */
int nc_x509_cert_info(const char *cert_pem, char *cn, size_t n, char serial[NC_X509_SERIAL_MAX],
		      int64_t *not_after);

/* 0 when cert_pem was signed by ca_cert_pem's key and is valid now. */
int nc_x509_verify(const char *ca_cert_pem, const char *cert_pem);

/* 0 when key_pem is the private key of cert_pem's public key. */
int nc_x509_key_matches(const char *cert_pem, const char *key_pem);

#endif
