/* SPDX-License-Identifier: MIT */
/*
 * The text of the JSON list columns (store_impl.h): the REST API's own
 * encoding of the lists (codec.h, util/json.h), written compact. Jansson
 * keeps the members in the order the codec sets them, so the text is what
 * the store has always written; reading accepts that and what the codec
 * accepts besides (an ACL rule without dport).
 */
#include "store_impl.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "../model/codec.h"
#include "../model/model.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/log.h"

/*
 * v as compact text into *out (heap), stealing v. A NULL v is NC_ERR_INVAL:
 * jansson builds nothing around a string that is not UTF-8.
 */
static int dump(json_t *v, char **out)
{
	int ret = NC_ERR_INVAL;

	*out = NULL;
	if (v) {
		*out = json_dumps(v, JSON_COMPACT);
		ret = *out ? 0 : NC_ERR_NOMEM;
	}
	json_decref(v);
	return ret;
}

/* The JSON value of a stored text, a new reference; NULL, ei filled, when it does not parse. */
static json_t *load(const char *text, struct nc_errinfo *ei)
{
	json_t *v = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, NULL);

	if (!v)
		nc_fail(ei, NC_ERR_PARSE, NULL, "not JSON");
	return v;
}

/*
 * Ends a read: drops v and turns a decoding error into NC_ERR_STORE, for a
 * stored list that does not read back means the store was edited or
 * damaged. The message names the list and, from ei, the field at fault.
 */
static int loaded(json_t *v, int ret, const char *what, const struct nc_errinfo *ei)
{
	json_decref(v);
	if (ret >= 0)
		return 0;
	nc_err("store: a stored %s list is malformed%s%s", what, ei->msg[0] ? ": " : "", ei->msg);
	return NC_ERR_STORE;
}

int nc_store_strlist_to_json(const struct nc_strlist *l, char **out)
{
	json_t *a = nc_json_from_strlist(l);

	/* nc_json_from_strlist() leaves out what jansson cannot hold */
	if (a && json_array_size(a) != l->n) {
		json_decref(a);
		a = NULL;
	}
	return dump(a, out);
}

int nc_store_strlist_from_json(const char *text, struct nc_strlist *out)
{
	struct nc_errinfo ei = {0};
	json_t *o = json_object();
	json_t *a = load(text, &ei);
	int ret = NC_ERR_PARSE;

	/* nc_json_strlist() reads a member: o = {"strings": a}, which steals a */
	if (a && json_object_set_new(o, "strings", a) == 0)
		ret = nc_json_strlist(o, "strings", SIZE_MAX, out, true, NULL, &ei);
	return loaded(o, ret, "string", &ei);
}

int nc_store_acl_to_json(const struct nc_acl_rule *v, size_t n, char **out)
{
	int ret = 0;

	*out = NULL;
	/* what would not read back is refused now rather than at every read */
	for (size_t i = 0; i < n; i++) {
		if (v[i].dport < 0 || v[i].dport > 65535)
			ret = NC_ERR_INVAL;
	}
	if (ret == 0)
		ret = dump(nc_acl_to_json(v, n), out);
	return ret;
}

int nc_store_acl_from_json(const char *text, struct nc_acl_rule **v, size_t *n)
{
	struct nc_errinfo ei = {0};
	json_t *a = load(text, &ei);
	int ret = a ? nc_acl_from_json(a, "acl", v, n, &ei) : NC_ERR_PARSE;

	return loaded(a, ret, "acl", &ei);
}

int nc_store_routes_to_json(const struct nc_route *v, size_t n, char **out)
{
	return dump(nc_routes_to_json(v, n), out);
}

int nc_store_routes_from_json(const char *text, struct nc_route **v, size_t *n)
{
	struct nc_errinfo ei = {0};
	json_t *a = load(text, &ei);
	int ret = a ? nc_routes_from_json(a, "routes", v, n, &ei) : NC_ERR_PARSE;

	return loaded(a, ret, "route", &ei);
}
