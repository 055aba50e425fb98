/* SPDX-License-Identifier: MIT */
/* A command's parsed options, read by the handlers and put into requests. */
#include "cmd.h"

#include <string.h>

#include "../lib/client/client.h"
#include "../lib/util/duration.h"
#include "../lib/util/err.h"

const char *cli_args_get(const struct cli_args *a, const char *name)
{
	const char *v = NULL;

	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) == 0)
			v = a->opt_val[i];
	}
	return v;
}

bool cli_args_has(const struct cli_args *a, const char *name)
{
	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) == 0)
			return true;
	}
	return false;
}

int cli_args_getall(const struct cli_args *a, const char *name, const char **vals, int max)
{
	int n = 0;

	for (int i = 0; i < a->nopt; i++) {
		if (strcmp(a->opt_name[i], name) != 0)
			continue;
		if (n < max)
			vals[n] = a->opt_val[i];
		n++;
	}
	return n;
}

void cli_args_put(const struct cli_args *a, const char *opt, json_t *body, const char *key)
{
	const char *v = cli_args_get(a, opt);

	if (v)
		json_object_set_new(body, key, json_string(v));
}

void cli_args_put_or_none(const struct cli_args *a, const char *opt, json_t *body, const char *key)
{
	const char *v = cli_args_get(a, opt);

	if (v)
		json_object_set_new(body, key,
				    strcmp(v, "none") == 0 ? json_null() : json_string(v));
}

/* The values of a repeatable option as a new JSON array of strings (a lone
 * "none" gives []), or NULL when the option was not given. */
static json_t *list(const struct cli_args *a, const char *opt)
{
	const char *vals[NC_MAX_OPTS];
	int n = cli_args_getall(a, opt, vals, NC_MAX_OPTS);
	json_t *arr;

	if (n == 0)
		return NULL;
	arr = json_array();
	if (n == 1 && strcmp(vals[0], "none") == 0)
		return arr;
	for (int i = 0; i < n && i < NC_MAX_OPTS; i++)
		json_array_append_new(arr, json_string(vals[i]));
	return arr;
}

void cli_args_put_list(const struct cli_args *a, const char *opt, json_t *body, const char *key)
{
	json_t *arr = list(a, opt);

	if (arr)
		json_object_set_new(body, key, arr);
}

/* The next name of the comma-separated *opts into name[n], *opts moved past
 * it; false at the end. */
static bool next_opt(const char **opts, char *name, size_t n)
{
	size_t len = strcspn(*opts, ",");

	if (**opts == '\0')
		return false;
	snprintf(name, n, "%.*s", (int)len, *opts);
	*opts += len + ((*opts)[len] == ',');
	return true;
}

void cli_args_put_each(const struct cli_args *a, const char *opts, json_t *body)
{
	char name[32];

	while (next_opt(&opts, name, sizeof(name)))
		cli_args_put(a, name, body, name);
}

int cli_args_query(struct cli_ctx *ctx, const struct cli_args *a, const char *base,
		   const char *opts, char *buf, size_t n)
{
	int ret = snprintf(buf, n, "%s", base) >= (int)n ? NC_ERR_RANGE : 0;
	char name[32];

	while (ret == 0 && next_opt(&opts, name, sizeof(name)))
		ret = nc_client_query(buf, n, name, cli_args_get(a, name));
	if (ret < 0)
		return cli_error(ctx, NC_ERR_USAGE, "the filters are too long for a request path");
	return 0;
}

int cli_args_duration(struct cli_ctx *ctx, const struct cli_args *a, const char *name, int64_t *ms)
{
	const char *v = cli_args_get(a, name);
	struct nc_errinfo ei = {0};

	if (!v)
		return 0;
	if (nc_duration_parse(v, ms, &ei) < 0 || *ms == 0)
		return cli_error(ctx, NC_ERR_USAGE, "--%s: %s", name,
				 ei.msg[0] ? ei.msg : "must be more than 0");
	return 0;
}
