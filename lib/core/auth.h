/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_AUTH_H
#define NC_CORE_AUTH_H

/*
 * Tenants and API tokens. A token is "nct_<id>_<secret>" (secret: 64 hex
 * digits); the store keeps only the SHA-256 of the whole string, found by
 * id and compared in constant time. The secret is returned once, at
 * creation, and never logged or listed.
 */

#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_core;
struct nc_actor;
struct nc_errinfo;

#define NC_TOKEN_MAX 160 /* "nct_" + id + "_" + 64 hex + NUL */

/* Creates tenant t (id, name). NC_ERR_EXISTS for a used id. */
int nc_core_tenant_create(struct nc_core *c, const struct nc_actor *actor,
			  const struct nc_tenant *t, struct nc_errinfo *ei);

/*
 * Creates a token. tenant "" makes a global token, allowed only for the
 * admin role; a tenant token needs an existing tenant (NC_ERR_NOTFOUND).
 * expires_in seconds (0 = never). Fills *out and the secret (shown once).
 */
int nc_core_token_create(struct nc_core *c, const struct nc_actor *actor, const char *name,
			 enum nc_role role, const char *tenant, int64_t expires_in,
			 struct nc_token *out, char secret[NC_TOKEN_MAX], struct nc_errinfo *ei);
/*
 * Enrollment keys: a tenant's credential that lets unknown devices register
 * as connectors in pending_approval. "nce_<id>_<secret>", stored as tokens
 * of role NC_ROLE_ENROLL (never accepted as API tokens).
 */
int nc_core_enroll_create(struct nc_core *c, const struct nc_actor *actor, const char *name,
			  const char *tenant, int64_t expires_in, struct nc_token *out,
			  char secret[NC_TOKEN_MAX], struct nc_errinfo *ei);
/* NC_ERR_UNAUTH (with a reason) or 0 with the key's record in *out. */
int nc_core_enroll_verify(struct nc_core *c, const char *key, int64_t now, struct nc_token *out,
			  struct nc_errinfo *ei);

/* Revokes token id. With a tenant (not NULL), a token of another tenant or a
 * global one is NC_ERR_NOTFOUND. */
int nc_core_token_revoke(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			 const char *id, struct nc_errinfo *ei);

/*
 * Checks a bearer token: NC_ERR_UNAUTH (with a reason in ei: malformed,
 * unknown, revoked, expired) or 0 with *actor filled. now in Unix seconds.
 */
int nc_core_token_verify(struct nc_core *c, const char *bearer, int64_t now, struct nc_actor *actor,
			 struct nc_errinfo *ei);

/*
 * On a store with no tokens, creates a global admin token named "admin"
 * and writes it to path with mode 0600, through a temp file and rename (a
 * stale file from an earlier store is replaced). *created says whether it did.
 */
int nc_core_token_bootstrap(struct nc_core *c, const char *path, int *created,
			    struct nc_errinfo *ei);

#endif
