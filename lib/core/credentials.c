/* SPDX-License-Identifier: MIT */
/* Device credentials: certificates from the core's CA, recorded and revocable. */
#include "credentials.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/store.h"
#include "../util/err.h"
#include "../util/x509.h"
#include "core.h"
#include "pki.h"

void nc_credentials_clear(struct nc_credentials *cr)
{
	if (!cr)
		return;
	free(cr->ca);
	free(cr->certificate);
	nc_x509_free_secret(cr->key);
	*cr = (struct nc_credentials){0};
}

static const char *noun(enum nc_device_type type)
{
	return type == NC_DEVICE_EDGE ? "edge" : "connector";
}

/* The device serial of type `type' in scope; its tenant into owner. A
 * decommissioned connector is NC_ERR_CONFLICT when live is set. */
static int find_device(struct nc_core *c, const char *tenant, enum nc_device_type type,
		       const char *serial, bool live, char owner[NC_ID_MAX], struct nc_errinfo *ei)
{
	struct nc_connector con = {0};
	enum nc_device_type got;
	int ret = nc_store_device_lookup(c->store, tenant, serial, &got, owner);

	if (ret == NC_ERR_NOTFOUND || (ret == 0 && got != type))
		return nc_fail(ei, NC_ERR_NOTFOUND, "serial", "%s `%s' not found", noun(type),
			       serial);
	if (ret < 0 || type != NC_DEVICE_CONNECTOR || !live)
		return ret;
	ret = nc_store_connector_get(c->store, owner, serial, &con);
	if (ret == 0 && con.status == NC_STATUS_DECOMMISSIONED)
		ret = nc_fail(ei, NC_ERR_CONFLICT, "serial",
			      "connector `%s' is decommissioned: it gets no credentials", serial);
	nc_connector_clear(&con);
	return ret;
}

/* Makes the certificate (and the key without a CSR) and records it. */
static int issue_tx(struct nc_core *c, const char *owner, const char *serial, const char *csr_pem,
		    struct nc_credentials *out, struct nc_errinfo *ei)
{
	struct nc_x509_req r = {.cn = serial, .csr_pem = csr_pem, .days = NC_PKI_LEAF_DAYS};
	struct nc_cert rec = {0};
	int ret = 0;

	if (!csr_pem) {
		ret = nc_x509_key_new(&out->key);
		if (ret < 0)
			return nc_fail(ei, ret, NULL, "cannot make a key for `%s'", serial);
		r.key_pem = out->key;
	}
	ret = nc_pki_issue(c->pki, &r, &out->certificate, out->serial_no, &out->not_after, ei);
	if (ret < 0)
		return ret;
	snprintf(rec.serial_no, sizeof(rec.serial_no), "%s", out->serial_no);
	snprintf(rec.device, sizeof(rec.device), "%s", serial);
	snprintf(rec.tenant, sizeof(rec.tenant), "%s", owner);
	rec.not_after = out->not_after;
	ret = nc_store_cert_insert(c->store, &rec);
	if (ret == 0)
		out->ca = strdup(nc_pki_ca_pem(c->pki));
	if (ret == 0 && !out->ca)
		ret = NC_ERR_NOMEM;
	return ret;
}

int nc_core_credentials_issue(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			      enum nc_device_type type, const char *serial, const char *csr_pem,
			      struct nc_credentials *out, struct nc_errinfo *ei)
{
	struct nc_credentials res = {0};
	char owner[NC_ID_MAX] = "";
	int ret = nc_core_begin(c, ei);

	if (ret < 0)
		goto out;
	if (!c->pki)
		ret = nc_fail(ei, NC_ERR_CONFLICT, NULL, "this core has no device CA");
	else if (strcmp(serial, NC_PKI_CORE_CN) == 0)
		ret = nc_fail(ei, NC_ERR_INVAL, "serial",
			      "`%s' is the core's own identity on the broker: no device may "
			      "have it",
			      serial);
	if (ret == 0)
		ret = find_device(c, tenant, type, serial, true, owner, ei);
	if (ret == 0)
		ret = issue_tx(c, owner, serial, csr_pem, &res, ei);
	ret = nc_core_end(c, ret);
	if (ret == 0)
		nc_core_audit(c, actor, owner, serial, "issue", "certificate");
out:
	if (ret == 0 && out)
		*out = res;
	else
		nc_credentials_clear(&res);
	return nc_core_explain(ei, ret, "issue credentials to", noun(type), serial);
}

int nc_core_pki_write_crl(struct nc_core *c, struct nc_errinfo *ei)
{
	struct nc_x509_revoked *v = NULL;
	struct nc_cert *certs = NULL;
	int64_t number = 0;
	size_t n = 0;
	int ret;

	if (!c->pki)
		return 0;
	ret = nc_store_cert_list(c->store, NULL, true, &certs, &n);
	if (ret == 0 && n)
		v = calloc(n, sizeof(*v));
	if (ret == 0 && n && !v)
		ret = NC_ERR_NOMEM;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		snprintf(v[i].serial, sizeof(v[i].serial), "%s", certs[i].serial_no);
		v[i].revoked_at = certs[i].revoked_at;
	}
	/* Each CRL gets a higher number than the one before (RFC 5280, 5.2.3). */
	if (ret == 0) {
		ret = nc_store_meta_get(c->store, NC_STORE_META_CRL_NUMBER, &number);
		if (ret == NC_ERR_NOTFOUND)
			ret = 0;
	}
	if (ret == 0)
		ret = nc_store_meta_put(c->store, NC_STORE_META_CRL_NUMBER, number + 1);
	/* A dry run writes no file: its revocations are rolled back. */
	if (ret == 0 && !nc_core_dry())
		ret = nc_pki_write_crl(c->pki, v, n, number + 2, ei);
	else
		nc_fail(ei, ret, NULL, "cannot read the revoked certificates");
	free(v);
	free(certs);
	return ret;
}

int nc_core_pki_revoke_device(struct nc_core *c, const char *serial, size_t *n,
			      struct nc_errinfo *ei)
{
	size_t count = 0;
	int ret = nc_store_cert_revoke_device(c->store, serial, (int64_t)time(NULL), &count);

	if (ret == 0 && count > 0)
		ret = nc_core_pki_write_crl(c, ei);
	if (ret == 0 && n)
		*n = count;
	return ret;
}

int nc_core_credentials_revoke(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			       enum nc_device_type type, const char *serial, size_t *n,
			       struct nc_errinfo *ei)
{
	char owner[NC_ID_MAX] = "";
	size_t count = 0;
	int ret = nc_core_begin(c, ei);

	if (ret == 0)
		ret = find_device(c, tenant, type, serial, false, owner, ei);
	if (ret == 0)
		ret = nc_core_pki_revoke_device(c, serial, &count, ei);
	ret = nc_core_end(c, ret);
	if (ret == 0 && count)
		nc_core_audit(c, actor, owner, serial, "revoke", "certificate");
	if (ret == 0 && n)
		*n = count;
	return nc_core_explain(ei, ret, "revoke the credentials of", noun(type), serial);
}
