/* SPDX-License-Identifier: MIT */
/* --field-selector: see select.h. */
#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/util/err.h"
#include "../lib/util/xmalloc.h"
#include "output_impl.h"

struct cond {
	char *path, *value;
	bool negate; /* != */
	bool seen;   /* some item had the member */
};

struct cli_select {
	struct cond *v;
	size_t n;
	size_t looked; /* items matched so far */
};

void cli_select_free(struct cli_select *s)
{
	for (size_t i = 0; s && i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].value);
	}
	if (s)
		free(s->v);
	free(s);
}

/* One condition of len bytes at p into c. */
static int parse_cond(const char *p, size_t len, struct cond *c, struct nc_errinfo *ei)
{
	char *text = nc_xstrndup(p, len), *op = strchr(text, '=');
	size_t at = op ? (size_t)(op - text) : 0;
	int ret = 0;

	c->negate = at > 0 && text[at - 1] == '!';
	if (!op || at == (c->negate ? 1u : 0u)) {
		ret = nc_fail(ei, NC_ERR_USAGE, NULL,
			      "--field-selector: `%s' is not FIELD=VALUE or FIELD!=VALUE", text);
		goto out;
	}
	c->path = nc_xstrndup(text, at - c->negate);
	/* "==" is "=", as kubectl reads it. */
	c->value = nc_xstrdup(op + 1 + (!c->negate && op[1] == '='));
out:
	free(text);
	return ret;
}

int cli_select_parse(const char *spec, struct cli_select **out, struct nc_errinfo *ei)
{
	struct cli_select *s = nc_xcalloc(1, sizeof(*s));
	int ret = 0;

	s->v = nc_xcalloc(strlen(spec) / 2 + 2, sizeof(*s->v));
	for (const char *p = spec; ret == 0;) {
		size_t len = strcspn(p, ",");

		ret = parse_cond(p, len, &s->v[s->n], ei);
		if (ret == 0)
			s->n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (ret < 0) {
		cli_select_free(s);
		s = NULL;
	}
	*out = s;
	return ret;
}

/* The text of a scalar member as a table shows it; "" when absent or null. */
static void text_of(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		buf[0] = '\0';
}

bool cli_select_match(struct cli_select *s, const json_t *item)
{
	bool pass = true;

	if (s)
		s->looked++;
	for (size_t i = 0; s && i < s->n; i++) {
		struct cond *c = &s->v[i];
		const json_t *v = cli_out_lookup(item, c->path);
		char text[512];

		c->seen |= v != NULL;
		text_of(v, text, sizeof(text));
		if ((strcmp(text, c->value) == 0) == c->negate)
			pass = false;
	}
	return pass;
}

const char *cli_select_unseen(const struct cli_select *s)
{
	for (size_t i = 0; s && s->looked && i < s->n; i++) {
		if (!s->v[i].seen)
			return s->v[i].path;
	}
	return NULL;
}
