/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_CREDENTIALS_H
#define NC_CORE_CREDENTIALS_H

/*
 * Device credentials: a client certificate from the core's CA (pki.h) whose
 * CN is the device's serial, so that the broker knows each device by its
 * certificate and confines it to its own topics. Scope and errors as in
 * core.h. Every certificate issued is recorded in the store (serial number,
 * device, notAfter) so that revoking a device revokes all of its
 * certificates; the CRL (DIR/pki/crl.pem) is rewritten in the same
 * transaction, and the operation fails (nothing recorded) when it cannot be.
 */

#include <stddef.h>

#include "../model/model.h"

struct nc_core;
struct nc_actor;
struct nc_errinfo;

/* What an issue returns; heap strings, freed by nc_credentials_clear(). key is
 * the device's new private key (a secret, never stored), NULL with a CSR. */
struct nc_credentials {
	char *ca;
	char *certificate;
	char *key;
	char serial_no[48];
	int64_t not_after;
};
void nc_credentials_clear(struct nc_credentials *cr);

/*
 * Issues credentials to the device serial, which must be of type `type' in
 * the caller's scope (NC_ERR_NOTFOUND otherwise) and not decommissioned
 * (NC_ERR_CONFLICT). With csr_pem (not NULL) the CSR's key is certified and
 * its CN must be serial (NC_ERR_INVAL naming both); without, the core makes
 * the key and hands it over once. NC_ERR_INVAL for the serial "netctl-core"
 * (the core's own identity). NC_ERR_CONFLICT when serve runs without a PKI.
 */
int nc_core_credentials_issue(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			      enum nc_device_type type, const char *serial, const char *csr_pem,
			      struct nc_credentials *out, struct nc_errinfo *ei);

/* Revokes every certificate of the device serial (of type `type' in scope);
 * *n (may be NULL) gets how many were revoked now. */
int nc_core_credentials_revoke(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			       enum nc_device_type type, const char *serial, size_t *n,
			       struct nc_errinfo *ei);

/*
 * Inside the caller's transaction: revokes every certificate of serial and,
 * when there was any and the core has a PKI, rewrites the CRL. For
 * decommissioning and deleting devices.
 */
int nc_core_pki_revoke_device(struct nc_core *c, const char *serial, size_t *n,
			      struct nc_errinfo *ei);

/* Rewrites the CRL from the store (at start, so that it is never stale). */
int nc_core_pki_write_crl(struct nc_core *c, struct nc_errinfo *ei);

#endif
