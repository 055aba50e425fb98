/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_PKI_H
#define NC_CORE_PKI_H

/*
 * The device PKI's files in the data dir, DIR/pki (mode 0700):
 *   ca.crt, ca.key (0600)       the CA that signs every device certificate
 *   core.crt, core.key (0600)   the core's own MQTT client certificate, CN "netctl-core"
 *   crl.pem                     the CRL, always present and valid, rewritten atomically
 *   store.key (0600)            256 random bits, hex: the key that seals secrets in the store
 * Every write is atomic (temp file and rename). The CA key is read here and
 * handed to lib/util/x509.c only: it never leaves this module.
 */

#include <stddef.h>
#include <stdint.h>

#include "../util/x509.h"

struct nc_errinfo;
struct nc_pki;

/* The CN of the core's own certificate: no device may have it as its serial. */
#define NC_PKI_CORE_CN "netctl-core"

/*
 * Days a device certificate (the core's and the broker's too) and the CA are
 * valid for, and a CRL's nextUpdate. A broker holds the CRL it read until it
 * reloads, and one past its nextUpdate would refuse every device: freshness
 * comes from the reload after each revocation, so the CRL lives as long as
 * the CA.
 */
#define NC_PKI_LEAF_DAYS 825
#define NC_PKI_CA_DAYS	 3650
#define NC_PKI_CRL_DAYS	 3650

/*
 * Opens the PKI of data_dir, creating what is missing (the dir, the CA, the
 * core's certificate, an empty CRL, the store key). A CA certificate without
 * its key (or the reverse), or files that do not parse, are NC_ERR_INVAL
 * with ei naming the file; nothing is overwritten. *created tells whether
 * this call made the CA (may be NULL). Free with nc_pki_free().
 */
int nc_pki_open(const char *data_dir, struct nc_pki **out, int *created, struct nc_errinfo *ei);
void nc_pki_free(struct nc_pki *p);

/* Borrowed: the CA certificate (PEM) and the path of a file of DIR/pki ("ca.crt"...). */
const char *nc_pki_ca_pem(const struct nc_pki *p);
const char *nc_pki_path(const struct nc_pki *p, const char *name, char *buf, size_t size);

/* The key that seals the store's secrets. */
void nc_pki_store_key(const struct nc_pki *p, unsigned char key[32]);

/* A certificate signed by the CA (nc_x509_issue). */
int nc_pki_issue(struct nc_pki *p, const struct nc_x509_req *r, char **cert_pem,
		 char serial[NC_X509_SERIAL_MAX], int64_t *not_after, struct nc_errinfo *ei);

/*
 * A new key and a certificate for it as r asks (r->key_pem is ignored),
 * written to dir/name.key (0600) and dir/name.crt (0644), each atomically.
 * The key exists only in that file.
 */
int nc_pki_issue_files(struct nc_pki *p, const struct nc_x509_req *r, const char *dir,
		       const char *name, struct nc_errinfo *ei);

/* Writes DIR/pki/crl.pem listing v[0..n) with CRL number `number'. */
int nc_pki_write_crl(struct nc_pki *p, const struct nc_x509_revoked *v, size_t n, int64_t number,
		     struct nc_errinfo *ei);

#endif
