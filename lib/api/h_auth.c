/* SPDX-License-Identifier: MIT */
/* /v1/tenants and /v1/tokens (admin only, by the route table). */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "../core/auth.h"
#include "../model/codec.h"
#include "../store/store.h"
#include "../util/json.h"
#include "../model/model.h"
#include "handlers.h"
#include "internal.h"

int h_tenant_list(struct api_req *r)
{
	struct nc_tenant *v = NULL;
	size_t n = 0;
	json_t *items;
	int ret = nc_store_tenant_list(r->core->store, &v, &n);

	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list tenants");
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		if (!r->tenant || strcmp(r->tenant, v[i].id) == 0)
			json_array_append_new(items, nc_tenant_to_json(&v[i]));
	}
	free(v);
	return api_reply_list(r, items, NULL);
}

int h_tenant_create(struct api_req *r)
{
	struct nc_tenant t = {0};
	json_t *body;
	int ret = api_body(r, &body);

	if (r->actor.tenant[0])
		return nc_fail(&r->ei, NC_ERR_FORBIDDEN, NULL,
			       "only a global admin token creates tenants");
	if (ret == 0)
		ret = nc_tenant_from_json(body, &t, NC_DECODE_CREATE, &r->ei);
	if (ret == 0)
		ret = nc_core_tenant_create(r->core, &r->actor, &t, &r->ei);
	if (ret == 0)
		ret = nc_store_tenant_get(r->core->store, t.id, &t);
	if (ret < 0)
		return ret;
	return api_reply(r, MHD_HTTP_CREATED, nc_tenant_to_json(&t));
}

/* Lists the tokens of the caller's tenant (all with an admin acting across
 * tenants): the enrollment keys, without their role, or all other tokens. */
static int list_tokens(struct api_req *r, bool enroll)
{
	struct nc_token *v = NULL;
	size_t n = 0;
	json_t *items, *o;
	int ret = nc_store_token_list(r->core->store, r->tenant, &v, &n);

	if (ret < 0)
		return nc_fail(&r->ei, ret, NULL, "cannot list %s",
			       enroll ? "enrollment keys" : "tokens");
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		if ((v[i].role == NC_ROLE_ENROLL) != enroll)
			continue;
		o = nc_token_to_json(&v[i]);
		if (enroll)
			json_object_del(o, "role");
		json_array_append_new(items, o);
	}
	free(v);
	return api_reply_list(r, items, NULL);
}

int h_token_list(struct api_req *r)
{
	return list_tokens(r, false);
}

int h_token_create(struct api_req *r)
{
	char name[NC_NAME_MAX], tenant[NC_ID_MAX], secret[NC_TOKEN_MAX];
	enum nc_role role;
	int64_t expires_in = 0;
	struct nc_token t;
	json_t *body, *out;
	int ret = api_body(r, &body);

	if (ret == 0)
		ret = nc_token_request_from_json(body, name, &role, tenant, &expires_in, &r->ei);
	if (ret < 0)
		return ret;
	if (r->tenant) {
		if (tenant[0] && strcmp(tenant, r->tenant) != 0)
			return nc_fail(&r->ei, NC_ERR_NOTFOUND, "tenant", "tenant `%s' not found",
				       tenant);
		snprintf(tenant, sizeof(tenant), "%s", r->tenant);
	}
	ret = nc_core_token_create(r->core, &r->actor, name, role, tenant, expires_in, &t, secret,
				   &r->ei);
	if (ret < 0)
		return ret;
	out = nc_token_to_json(&t);
	/* The one place the secret leaves the server: this response. */
	json_object_set_new(out, "token", json_string(secret));
	memset(secret, 0, sizeof(secret));
	return api_reply(r, MHD_HTTP_CREATED, out);
}

int h_token_revoke(struct api_req *r)
{
	int ret = nc_core_token_revoke(r->core, &r->actor, r->tenant, r->params[0], &r->ei);

	if (ret < 0)
		return ret;
	return api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}

int h_enroll_list(struct api_req *r)
{
	return list_tokens(r, true);
}

/* {"name", "tenant"?, "expires_in"?} -> the key, whose secret is shown once. */
int h_enroll_create(struct api_req *r)
{
	static const char *const allowed[] = {"name", "tenant", "expires_in", NULL};
	char name[NC_NAME_MAX], tenant[NC_ID_MAX], secret[NC_TOKEN_MAX];
	int64_t expires_in = 0;
	struct nc_token t;
	json_t *body, *out;
	int ret = api_body_only(r, allowed, &body);

	if (ret == 0)
		ret = nc_json_str(body, "name", name, sizeof(name), true, NULL, &r->ei);
	if (ret >= 0)
		ret = nc_json_int(body, "expires_in", 0, NC_TOKEN_EXPIRES_MAX, &expires_in, false,
				  NULL, &r->ei);
	if (ret >= 0)
		ret = api_create_tenant(r, body, tenant);
	if (ret == 0)
		ret = nc_core_enroll_create(r->core, &r->actor, name, tenant, expires_in, &t,
					    secret, &r->ei);
	if (ret < 0)
		return ret;
	out = nc_token_to_json(&t);
	json_object_del(out, "role");
	json_object_set_new(out, "key", json_string(secret));
	memset(secret, 0, sizeof(secret));
	return api_reply(r, MHD_HTTP_CREATED, out);
}

int h_enroll_revoke(struct api_req *r)
{
	struct nc_token t;
	int ret = nc_store_token_get(r->core->store, r->params[0], &t);

	if (ret < 0 || t.role != NC_ROLE_ENROLL)
		return nc_fail(&r->ei, NC_ERR_NOTFOUND, "id", "enrollment key `%s' not found",
			       r->params[0]);
	ret = nc_core_token_revoke(r->core, &r->actor, r->tenant, r->params[0], &r->ei);
	return ret < 0 ? ret : api_reply(r, MHD_HTTP_NO_CONTENT, NULL);
}
