/* SPDX-License-Identifier: MIT */
/*
 * Device credentials: POST /v1/{connectors,edges}/{serial}/credentials issues a
 * client certificate (with a new key, or for the CSR in {"csr": PEM}); POST
 * .../credentials/revoke revokes every certificate of the device. Admin only
 * (the route table says so). The new private key is in this one reply and
 * nowhere else: not stored, not logged, not in any event.
 */
#include <microhttpd.h>
#include <string.h>

#include "../core/credentials.h"
#include "../util/timefmt.h"
#include "handlers.h"
#include "internal.h"

/* The maximum length of a CSR in PEM: a P-256 or RSA-4096 request fits. */
#define CSR_MAX 16384

int h_device_credentials(struct api_req *r)
{
	enum nc_device_type type = (enum nc_device_type)r->arg;
	struct nc_credentials cr = {0};
	const char *csr = NULL;
	char na[NC_TIME_ISO_BUFSZ];
	json_t *o, *v;
	int ret = 0;

	/* The body is optional: none, or an object with an optional "csr". */
	if (r->body && !json_is_object(r->body))
		return nc_fail(&r->ei, NC_ERR_PARSE, NULL, "the body must be a JSON object");
	v = r->body ? json_object_get(r->body, "csr") : NULL;
	if (v && !json_is_null(v)) {
		csr = json_string_value(v);
		if (!csr || !csr[0] || strlen(csr) > CSR_MAX)
			return nc_fail(&r->ei, NC_ERR_INVAL, "csr",
				       "csr must be a PKCS#10 request in PEM, at most %d bytes",
				       CSR_MAX);
	}
	ret = nc_core_credentials_issue(r->core, &r->actor, r->tenant, type, r->params[0], csr, &cr,
					&r->ei);
	if (ret < 0)
		return ret;
	nc_time_iso(cr.not_after, na);
	o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "serial", r->params[0], "ca", cr.ca, "certificate",
		      cr.certificate, "serial_number", cr.serial_no, "not_after", na);
	if (o && cr.key)
		json_object_set_new(o, "key", json_string(cr.key));
	nc_credentials_clear(&cr);
	return api_reply(r, MHD_HTTP_CREATED, o);
}

int h_device_credentials_revoke(struct api_req *r)
{
	enum nc_device_type type = (enum nc_device_type)r->arg;
	size_t n = 0;
	int ret = nc_core_credentials_revoke(r->core, &r->actor, r->tenant, type, r->params[0], &n,
					     &r->ei);

	if (ret < 0)
		return ret;
	return api_reply(r, MHD_HTTP_OK,
			 json_pack("{s:s,s:I}", "serial", r->params[0], "revoked", (json_int_t)n));
}
