/* SPDX-License-Identifier: MIT */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../model/validate.h"
#include "../store/store.h"
#include "../util/crypto.h"
#include "../util/err.h"
#include "../util/log.h"
#include "core.h"

#define TEN_YEARS (10LL * 366 * 24 * 3600)

int nc_core_tenant_create(struct nc_core *c, const struct nc_actor *actor,
			  const struct nc_tenant *t, struct nc_errinfo *ei)
{
	int ret = nc_tenant_validate(t, ei);

	if (ret < 0)
		return ret;
	ret = nc_store_tenant_insert(c->store, t);
	if (ret == NC_ERR_EXISTS)
		return nc_fail(ei, ret, "id", "tenant `%s' already exists", t->id);
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot store tenant: %s", nc_strerror(ret));
	nc_core_audit(c, actor, t->id, NULL, "create", "tenant");
	return 0;
}

/* Makes a credential "<prefix><id>_<secret>" of role for tenant; the store
 * keeps its SHA-256. */
static int mint(struct nc_core *c, const struct nc_actor *actor, const char *name,
		enum nc_role role, const char *tenant, int64_t expires_in, const char *prefix,
		struct nc_token *out, char secret[NC_TOKEN_MAX], struct nc_errinfo *ei)
{
	struct nc_token t = {.role = role};
	struct nc_tenant ten;
	char rnd[65];
	int ret;

	if (!tenant[0] && role != NC_ROLE_ADMIN)
		return nc_fail(ei, NC_ERR_INVAL, "tenant",
			       "a %s %s needs a tenant; only admin tokens may be global",
			       nc_role_name(role), role == NC_ROLE_ENROLL ? "key" : "token");
	if (tenant[0]) {
		ret = nc_store_tenant_get(c->store, tenant, &ten);
		if (ret < 0)
			return nc_fail(ei, ret, "tenant", "tenant `%s' not found", tenant);
	}
	if (expires_in < 0 || expires_in > TEN_YEARS)
		return nc_fail(ei, NC_ERR_INVAL, "expires_in",
			       "expires_in must be from 0 (never) to %lld seconds", TEN_YEARS);
	ret = nc_crypto_random_hex(8, t.id, sizeof(t.id));
	if (ret == 0)
		ret = nc_crypto_random_hex(32, rnd, sizeof(rnd));
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot make a random token");
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.tenant, sizeof(t.tenant), "%s", tenant);
	t.created_at = time(NULL);
	t.expires_at = expires_in ? t.created_at + expires_in : 0;
	snprintf(secret, NC_TOKEN_MAX, "%s%s_%s", prefix, t.id, rnd);
	ret = nc_crypto_sha256_hex(secret, strlen(secret), t.hash);
	if (ret == 0)
		ret = nc_token_validate(&t, ei);
	if (ret == 0)
		ret = nc_store_token_insert(c->store, &t);
	if (ret < 0) {
		memset(secret, 0, NC_TOKEN_MAX);
		return ei && ei->msg[0] ? ret : nc_fail(ei, ret, NULL, "cannot store the token");
	}
	*out = t;
	nc_core_audit(c, actor, tenant, NULL, "create",
		      role == NC_ROLE_ENROLL ? "enrollment key" : "token");
	return 0;
}

int nc_core_token_create(struct nc_core *c, const struct nc_actor *actor, const char *name,
			 enum nc_role role, const char *tenant, int64_t expires_in,
			 struct nc_token *out, char secret[NC_TOKEN_MAX], struct nc_errinfo *ei)
{
	if (role == NC_ROLE_ENROLL)
		return nc_fail(ei, NC_ERR_INVAL, "role",
			       "role must be viewer, operator or admin (enrollment keys are made "
			       "through /v1/enrollment-keys)");
	return mint(c, actor, name, role, tenant, expires_in, "nct_", out, secret, ei);
}

int nc_core_enroll_create(struct nc_core *c, const struct nc_actor *actor, const char *name,
			  const char *tenant, int64_t expires_in, struct nc_token *out,
			  char secret[NC_TOKEN_MAX], struct nc_errinfo *ei)
{
	return mint(c, actor, name, NC_ROLE_ENROLL, tenant, expires_in, "nce_", out, secret, ei);
}

int nc_core_token_revoke(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			 const char *id, struct nc_errinfo *ei)
{
	struct nc_token t;
	int ret = nc_store_token_get(c->store, id, &t);

	if (ret == 0 && tenant && strcmp(tenant, t.tenant) != 0)
		ret = NC_ERR_NOTFOUND;
	if (ret == 0)
		ret = nc_store_token_revoke(c->store, id);
	if (ret < 0)
		return nc_fail(ei, ret, "id", "token `%s' not found", id);
	nc_core_audit(c, actor, t.tenant, NULL, "revoke", "token");
	return 0;
}

/* Finds the credential "<prefix><id>_<secret>" and checks it: NC_ERR_UNAUTH
 * with a reason, or 0 with *out. */
static int check(struct nc_core *c, const char *bearer, const char *prefix, int64_t now,
		 struct nc_token *out, struct nc_errinfo *ei)
{
	char id[NC_ID_MAX], hash[65];
	const char *us;
	struct nc_token t;
	size_t idlen;

	us = strncmp(bearer, prefix, 4) == 0 ? strchr(bearer + 4, '_') : NULL;
	if (!us)
		return nc_fail(ei, NC_ERR_UNAUTH, NULL, "the token is malformed");
	idlen = (size_t)(us - (bearer + 4));
	if (idlen == 0 || idlen >= sizeof(id) || strlen(us + 1) != 64)
		return nc_fail(ei, NC_ERR_UNAUTH, NULL, "the token is malformed");
	memcpy(id, bearer + 4, idlen);
	id[idlen] = '\0';
	if (nc_store_token_get(c->store, id, &t) < 0 ||
	    nc_crypto_sha256_hex(bearer, strlen(bearer), hash) < 0 ||
	    !nc_crypto_equal(hash, t.hash, 64))
		return nc_fail(ei, NC_ERR_UNAUTH, NULL, "the token is not valid");
	if (t.revoked)
		return nc_fail(ei, NC_ERR_UNAUTH, NULL, "the token was revoked");
	if (t.expires_at && now >= t.expires_at)
		return nc_fail(ei, NC_ERR_UNAUTH, NULL, "the token has expired");
	*out = t;
	return 0;
}

int nc_core_token_verify(struct nc_core *c, const char *bearer, int64_t now, struct nc_actor *actor,
			 struct nc_errinfo *ei)
{
	struct nc_token t;
	int ret = check(c, bearer, "nct_", now, &t, ei);

	if (ret == 0 && t.role == NC_ROLE_ENROLL)
		ret = nc_fail(ei, NC_ERR_UNAUTH, NULL, "an enrollment key is not an API token");
	if (ret < 0)
		return ret;
	snprintf(actor->token_id, sizeof(actor->token_id), "%s", t.id);
	actor->role = t.role;
	snprintf(actor->tenant, sizeof(actor->tenant), "%s", t.tenant);
	return 0;
}

/* Writes text to path (mode 0600) through a temp file and rename. */
static int write_secret_file(const char *path, const char *text, struct nc_errinfo *ei)
{
	char tmp[4096];
	size_t len = strlen(text);
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return nc_fail(ei, NC_ERR_IO, NULL, "cannot write `%s': %s", tmp, strerror(errno));
	if (fchmod(fd, 0600) < 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot write `%s': %s", tmp, strerror(errno));
	close(fd);
	if (ret == 0 && rename(tmp, path) < 0)
		ret = nc_fail(ei, NC_ERR_IO, NULL, "cannot rename `%s' to `%s': %s", tmp, path,
			      strerror(errno));
	if (ret < 0)
		unlink(tmp);
	return ret;
}

int nc_core_token_bootstrap(struct nc_core *c, const char *path, int *created,
			    struct nc_errinfo *ei)
{
	char secret[NC_TOKEN_MAX];
	struct nc_token t;
	size_t n;
	int ret;

	*created = 0;
	ret = nc_store_begin(c->store);
	if (ret < 0)
		return nc_fail(ei, ret, NULL, "cannot open a store transaction");
	ret = nc_store_token_count(c->store, &n);
	if (ret < 0 || n > 0)
		goto out;
	ret = nc_core_token_create(c, NULL, "admin", NC_ROLE_ADMIN, "", 0, &t, secret, ei);
	if (ret == 0)
		ret = write_secret_file(path, secret, ei);
	memset(secret, 0, sizeof(secret));
	if (ret == 0)
		*created = 1;
out:
	if (ret == 0)
		ret = nc_store_commit(c->store);
	else
		nc_store_rollback(c->store);
	return ret;
}

int nc_core_enroll_verify(struct nc_core *c, const char *key, int64_t now, struct nc_token *out,
			  struct nc_errinfo *ei)
{
	int ret = check(c, key, "nce_", now, out, ei);

	if (ret == 0 && out->role != NC_ROLE_ENROLL)
		ret = nc_fail(ei, NC_ERR_UNAUTH, NULL, "not an enrollment key");
	return ret;
}
