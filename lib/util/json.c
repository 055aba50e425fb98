/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include "err.h"
#include "strlist.h"
#include "utf8.h"

/* "path.key" or "key" into buf. */
static const char *fname(char *buf, size_t n, const char *path, const char *key)
{
	if (path && *path)
		snprintf(buf, n, "%s.%s", path, key);
	else
		snprintf(buf, n, "%s", key);
	return buf;
}

const char *nc_json_typename(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Looks key up; 1 found, 0 absent (fine), or the error for a required one. */
static int lookup(const json_t *obj, const char *key, bool required, const char *path,
		  struct nc_errinfo *ei, json_t **v, char *f, size_t fn)
{
	fname(f, fn, path, key);
	*v = json_object_get(obj, key);
	if (*v)
		return 1;
	if (required)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s is required", f);
	return 0;
}

/* A member found by lookup_as(): its value (borrowed) and its field name. */
struct member {
	json_t *v;
	char f[128];
};

#define TYPE(t) (1u << (t)) /* a bit of lookup_as()'s types */

/* As lookup(), and a member present must be of one of types (TYPE bits),
 * else the error says it must be what. */
static int lookup_as(const json_t *obj, const char *key, unsigned types, const char *what,
		     bool required, const char *path, struct nc_errinfo *ei, struct member *m)
{
	int ret = lookup(obj, key, required, path, ei, &m->v, m->f, sizeof(m->f));

	if (ret > 0 && !(types & TYPE(json_typeof(m->v))))
		ret = nc_fail(ei, NC_ERR_INVAL, m->f, "%s must be %s, not %s", m->f, what,
			      nc_json_typename(m->v));
	return ret;
}

int nc_json_only(const json_t *obj, const char *const *allowed, const char *path,
		 struct nc_errinfo *ei)
{
	const char *key;
	json_t *v;
	char f[128], shown[128], q[NC_QUOTE_BUF];

	json_object_foreach((json_t *)obj, key, v) {
		size_t i;

		for (i = 0; allowed[i]; i++) {
			if (strcmp(allowed[i], key) == 0)
				break;
		}
		if (!allowed[i]) {
			/* The name is the user's: quoted in the message, as given in the field. */
			nc_quote(q, key, SIZE_MAX);
			return nc_fail(ei, NC_ERR_INVAL, fname(f, sizeof(f), path, key),
				       "unknown field `%s'", fname(shown, sizeof(shown), path, q));
		}
	}
	return 0;
}

static int str_common(const json_t *obj, const char *key, char *buf, size_t n, bool required,
		      bool null_ok, const char *path, struct nc_errinfo *ei)
{
	struct member m;
	int ret = lookup_as(obj, key, TYPE(JSON_STRING) | (null_ok ? TYPE(JSON_NULL) : 0),
			    null_ok ? "a string or null" : "a string", required, path, ei, &m);
	const json_t *v = m.v;
	const char *f = m.f;

	if (ret <= 0)
		return ret;
	if (json_is_null(v)) {
		buf[0] = '\0';
		return 1;
	}
	if (json_string_length(v) >= n)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s is longer than %zu bytes", f, n - 1);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return nc_fail(ei, NC_ERR_INVAL, f, "%s contains a NUL character", f);
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 1;
}

int nc_json_str(const json_t *obj, const char *key, char *buf, size_t n, bool required,
		const char *path, struct nc_errinfo *ei)
{
	return str_common(obj, key, buf, n, required, false, path, ei);
}

int nc_json_str_or_null(const json_t *obj, const char *key, char *buf, size_t n, bool required,
			const char *path, struct nc_errinfo *ei)
{
	return str_common(obj, key, buf, n, required, true, path, ei);
}

int nc_json_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
		bool required, const char *path, struct nc_errinfo *ei)
{
	struct member m;
	int ret = lookup_as(obj, key, TYPE(JSON_INTEGER), "an integer", required, path, ei, &m);
	int64_t v = ret > 0 ? json_integer_value(m.v) : 0;

	if (ret > 0 && (v < min || v > max))
		ret = nc_fail(ei, NC_ERR_INVAL, m.f, "%s must be between %lld and %lld, not %lld",
			      m.f, (long long)min, (long long)max, (long long)v);
	if (ret > 0)
		*out = v;
	return ret;
}

int nc_json_bool(const json_t *obj, const char *key, bool *out, bool required, const char *path,
		 struct nc_errinfo *ei)
{
	struct member m;
	int ret = lookup_as(obj, key, TYPE(JSON_TRUE) | TYPE(JSON_FALSE), "true or false", required,
			    path, ei, &m);

	if (ret > 0)
		*out = json_is_true(m.v);
	return ret;
}

int nc_json_strlist(const json_t *obj, const char *key, size_t maxlen, struct nc_strlist *out,
		    bool required, const char *path, struct nc_errinfo *ei)
{
	struct nc_strlist l = {0};
	struct member m;
	char ef[160];
	json_t *e;
	size_t i;
	int ret = lookup_as(obj, key, TYPE(JSON_ARRAY), "an array of strings", required, path, ei,
			    &m);

	if (ret <= 0)
		return ret;
	json_array_foreach(m.v, i, e) {
		if (!json_is_string(e) || json_string_length(e) >= maxlen ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			snprintf(ef, sizeof(ef), "%s[%zu]", m.f, i);
			ret = nc_fail(ei, NC_ERR_INVAL, ef,
				      "%s must be a string of at most %zu bytes", ef, maxlen - 1);
			goto out;
		}
		nc_strlist_add(&l, json_string_value(e));
	}
	nc_strlist_clear(out);
	*out = l;
	l = (struct nc_strlist){0};
	ret = 1;
out:
	nc_strlist_clear(&l);
	return ret;
}

json_t *nc_json_from_strlist(const struct nc_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

json_t *nc_json_str_or_null_new(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}
