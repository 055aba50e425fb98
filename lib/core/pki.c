/* SPDX-License-Identifier: MIT */
#include "pki.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/file.h"
#include "../util/log.h"
#include "../util/xmalloc.h"

/* PEM files are small: anything larger is not ours. */
#define PEM_MAX (64 * 1024)

struct nc_pki {
	char dir[4000];
	char *ca_cert;
	char *ca_key; /* secret */
	unsigned char store_key[32];
};

const char *nc_pki_path(const struct nc_pki *p, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", p->dir, name);
	return buf;
}

/* Reads DIR/pki/name into *out; NC_ERR_NOTFOUND when absent. */
static int load(struct nc_pki *p, const char *name, char **out, struct nc_errinfo *ei)
{
	char path[4096];

	return nc_file_read(nc_pki_path(p, name, path, sizeof(path)), PEM_MAX, out, NULL, ei);
}

static int save(struct nc_pki *p, const char *name, const char *text, mode_t mode,
		struct nc_errinfo *ei)
{
	char path[4096];

	return nc_file_write_atomic(nc_pki_path(p, name, path, sizeof(path)), text, strlen(text),
				    mode, ei);
}

/* Whether DIR/pki/name exists. */
static bool exists(struct nc_pki *p, const char *name)
{
	char path[4096];
	struct stat st;

	return stat(nc_pki_path(p, name, path, sizeof(path)), &st) == 0;
}

/* The CA: loaded, or made when neither of its files exists. */
static int open_ca(struct nc_pki *p, int *created, struct nc_errinfo *ei)
{
	bool has_cert = exists(p, "ca.crt"), has_key = exists(p, "ca.key");
	int ret;

	if (!has_cert && !has_key) {
		ret = nc_x509_ca_new("netctl device CA", NC_PKI_CA_DAYS, &p->ca_cert, &p->ca_key);
		if (ret < 0)
			return nc_fail(ei, ret, NULL, "cannot make the device CA");
		/* The key first: a certificate without its key would be refused next time. */
		ret = save(p, "ca.key", p->ca_key, 0600, ei);
		if (ret == 0)
			ret = save(p, "ca.crt", p->ca_cert, 0644, ei);
		if (ret == 0)
			*created = 1;
		return ret;
	}
	if (has_cert != has_key)
		return nc_fail(ei, NC_ERR_INVAL, NULL,
			       "%s/%s is missing while %s is there: restore it, or remove both to "
			       "make a new CA (every device then needs new credentials)",
			       p->dir, has_cert ? "ca.key" : "ca.crt",
			       has_cert ? "ca.crt" : "ca.key");
	ret = load(p, "ca.crt", &p->ca_cert, ei);
	if (ret == 0)
		ret = load(p, "ca.key", &p->ca_key, ei);
	if (ret == 0 && nc_x509_key_matches(p->ca_cert, p->ca_key) < 0)
		ret = nc_fail(ei, NC_ERR_INVAL, NULL, "%s/ca.key is not the key of %s/ca.crt",
			      p->dir, p->dir);
	return ret;
}

int nc_pki_issue_files(struct nc_pki *p, const struct nc_x509_req *r, const char *dir,
		       const char *name, struct nc_errinfo *ei)
{
	struct nc_x509_req req = *r;
	char serial[NC_X509_SERIAL_MAX], path[4096];
	char *key = NULL, *cert = NULL;
	int ret = nc_x509_key_new(&key);

	if (ret < 0) {
		nc_fail(ei, ret, NULL, "cannot make a key for %s/%s.crt", dir, name);
		goto out;
	}
	req.key_pem = key;
	ret = nc_pki_issue(p, &req, &cert, serial, NULL, ei);
	snprintf(path, sizeof(path), "%s/%s.key", dir, name);
	if (ret == 0)
		ret = nc_file_write_atomic(path, key, strlen(key), 0600, ei);
	snprintf(path, sizeof(path), "%s/%s.crt", dir, name);
	if (ret == 0)
		ret = nc_file_write_atomic(path, cert, strlen(cert), 0644, ei);
out:
	nc_x509_free_secret(key);
	free(cert);
	return ret;
}

/* The core's client certificate, made when absent. */
static int open_core(struct nc_pki *p, struct nc_errinfo *ei)
{
	struct nc_x509_req r = {.cn = NC_PKI_CORE_CN, .days = NC_PKI_LEAF_DAYS};

	if (exists(p, "core.crt") && exists(p, "core.key"))
		return 0;
	return nc_pki_issue_files(p, &r, p->dir, "core", ei);
}

/* The store key, made when absent: 64 hex digits. */
static int open_store_key(struct nc_pki *p, struct nc_errinfo *ei)
{
	char hex[2 * sizeof(p->store_key) + 2];
	char *text = NULL;
	unsigned int byte;
	int ret = 0;

	if (!exists(p, "store.key")) {
		ret = nc_crypto_random_hex(sizeof(p->store_key), hex, sizeof(hex));
		if (ret == 0) {
			strcat(hex, "\n");
			ret = save(p, "store.key", hex, 0600, ei);
		}
		explicit_bzero(hex, sizeof(hex));
		if (ret < 0)
			return ret;
	}
	ret = load(p, "store.key", &text, ei);
	if (ret < 0)
		return ret;
	if (strspn(text, "0123456789abcdef") != 2 * sizeof(p->store_key))
		ret = nc_fail(ei, NC_ERR_INVAL, NULL, "%s/store.key does not hold 64 hex digits",
			      p->dir);
	for (size_t i = 0; ret == 0 && i < sizeof(p->store_key); i++) {
		sscanf(text + 2 * i, "%2x", &byte);
		p->store_key[i] = (unsigned char)byte;
	}
	nc_x509_free_secret(text);
	return ret;
}

int nc_pki_open(const char *data_dir, struct nc_pki **out, int *created, struct nc_errinfo *ei)
{
	struct nc_pki *p = nc_xcalloc(1, sizeof(*p));
	int made = 0, ret = 0;

	*out = NULL;
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%s/pki", data_dir) >= sizeof(p->dir)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "data-dir", "data dir path too long");
		goto out;
	}
	/* The data dir is made private when this makes it; DIR/pki always is. */
	if (mkdir(data_dir, 0700) < 0 && errno != EEXIST)
		ret = nc_fail(ei, NC_ERR_IO, "data-dir", "cannot create data dir `%s': %s",
			      data_dir, strerror(errno));
	if (ret == 0)
		ret = nc_file_mkdir(p->dir, 0700, ei);
	if (ret == 0 && chmod(p->dir, 0700) < 0)
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot chmod `%s': %s", p->dir,
			      strerror(errno));
	if (ret == 0)
		ret = open_ca(p, &made, ei);
	if (ret == 0)
		ret = open_core(p, ei);
	if (ret == 0 && !exists(p, "crl.pem"))
		ret = nc_pki_write_crl(p, NULL, 0, 1, ei);
	if (ret == 0)
		ret = open_store_key(p, ei);
	if (ret == 0 && made)
		nc_info("made the device CA in %s", p->dir);
out:
	if (created)
		*created = made;
	if (ret < 0)
		nc_pki_free(p);
	else
		*out = p;
	return ret;
}

void nc_pki_free(struct nc_pki *p)
{
	if (!p)
		return;
	free(p->ca_cert);
	nc_x509_free_secret(p->ca_key);
	explicit_bzero(p->store_key, sizeof(p->store_key));
	free(p);
}

const char *nc_pki_ca_pem(const struct nc_pki *p)
{
	return p->ca_cert;
}

void nc_pki_store_key(const struct nc_pki *p, unsigned char key[32])
{
	memcpy(key, p->store_key, sizeof(p->store_key));
}

int nc_pki_issue(struct nc_pki *p, const struct nc_x509_req *r, char **cert_pem,
		 char serial[NC_X509_SERIAL_MAX], int64_t *not_after, struct nc_errinfo *ei)
{
	return nc_x509_issue(p->ca_cert, p->ca_key, r, cert_pem, serial, not_after, ei);
}

int nc_pki_write_crl(struct nc_pki *p, const struct nc_x509_revoked *v, size_t n, int64_t number,
		     struct nc_errinfo *ei)
{
	char *crl = NULL;
	int ret = nc_x509_crl_new(p->ca_cert, p->ca_key, v, n, number, NC_PKI_CRL_DAYS, &crl);

	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot make the CRL");
	ret = save(p, "crl.pem", crl, 0644, ei);
	free(crl);
	return ret;
}
