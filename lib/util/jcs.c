/* SPDX-License-Identifier: MIT */
#include "jcs.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "err.h"
#include "utf8.h"
#include "xmalloc.h"

/* The largest magnitude an IEEE 754 double holds exactly: 2^53 - 1. */
#define SAFE_INT_MAX 9007199254740991LL

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

struct enc {
	struct buf out;
	struct buf path; /* JSON path of the value being encoded, for messages */
	struct nc_errinfo *ei;
};

struct member {
	const char *key;
	size_t key_len;
	json_t *value; /* borrowed from the object */
	uint16_t *u16; /* the key in UTF-16 code units, the sort key */
	size_t u16_len;
};

static int encode_value(struct enc *e, const json_t *v, int depth);

static void buf_add(struct buf *b, const char *s, size_t n)
{
	b->p = nc_xgrow(b->p, &b->cap, b->len + n + 1, 256);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static const char *path_str(const struct enc *e)
{
	return e->path.len ? e->path.p : "(top level)";
}

static void path_push_index(struct enc *e, size_t i)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "[%zu]", i);
	buf_adds(&e->path, tmp);
}

static bool is_ident(const char *s, size_t n)
{
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!(c == '_' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/*
 * Appends a key to the path: ".name" for plain names, ["..."] otherwise, with
 * control characters, quotes and bytes that are not UTF-8 escaped so the
 * message stays printable text.
 */
static void path_push_key(struct enc *e, const char *key, size_t n)
{
	const unsigned char *s = (const unsigned char *)key;
	char tmp[8];
	size_t i = 0;

	if (is_ident(key, n)) {
		if (e->path.len)
			buf_add(&e->path, ".", 1);
		buf_add(&e->path, key, n);
		return;
	}
	buf_add(&e->path, "[\"", 2);
	while (i < n) {
		uint32_t cp;
		size_t k = nc_utf8_next(s + i, n - i, &cp);

		if (k == 0) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
			buf_adds(&e->path, tmp);
			k = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", (unsigned)cp);
			buf_adds(&e->path, tmp);
		} else if (cp == '"' || cp == '\\') {
			buf_add(&e->path, "\\", 1);
			buf_add(&e->path, key + i, 1);
		} else {
			buf_add(&e->path, key + i, k);
		}
		i += k;
	}
	buf_add(&e->path, "\"]", 2);
}

static void path_pop(struct enc *e, size_t len)
{
	e->path.len = len;
	if (e->path.p)
		e->path.p[len] = '\0';
}

/*
 * Writes s (n bytes, NULs allowed) as a JSON string the way ECMAScript's
 * JSON.stringify does: only '"', '\\' and U+0000..U+001F are escaped, with
 * the short forms where they exist; everything else is copied as UTF-8.
 */
static int encode_string(struct enc *e, const char *s, size_t n, const char *what)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	char esc[8];

	buf_add(&e->out, "\"", 1);
	while (i < n) {
		unsigned char c = u[i];
		const char *rep = NULL;
		uint32_t cp;
		size_t k;

		if (c >= 0x80) {
			k = nc_utf8_next(u + i, n - i, &cp);
			if (k == 0)
				return nc_fail(
					e->ei, NC_ERR_INVAL, path_str(e),
					"%s: %s is not valid UTF-8 (bad byte 0x%02x at offset %zu)",
					path_str(e), what, c, i);
			i += k;
			continue;
		}
		switch (c) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\b':
			rep = "\\b";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\f':
			rep = "\\f";
			break;
		case '\r':
			rep = "\\r";
			break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				rep = esc;
			}
			break;
		}
		if (rep) {
			buf_add(&e->out, s + run, i - run);
			buf_adds(&e->out, rep);
			run = i + 1;
		}
		i++;
	}
	buf_add(&e->out, s + run, n - run);
	buf_add(&e->out, "\"", 1);
	return 0;
}

/* The key as UTF-16 code units into m->u16 (owned by m); false if it is not UTF-8. */
static bool key_to_utf16(struct member *m)
{
	const unsigned char *s = (const unsigned char *)m->key;
	size_t i = 0;

	/* Each UTF-8 sequence yields no more code units than it has bytes. */
	m->u16 = nc_xmalloc(m->key_len * sizeof(*m->u16));
	m->u16_len = 0;
	while (i < m->key_len) {
		uint32_t cp;
		size_t k = nc_utf8_next(s + i, m->key_len - i, &cp);

		if (k == 0)
			return false;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			m->u16[m->u16_len++] = (uint16_t)(0xd800 | (cp >> 10));
			m->u16[m->u16_len++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			m->u16[m->u16_len++] = (uint16_t)cp;
		}
		i += k;
	}
	return true;
}

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->u16_len < y->u16_len ? x->u16_len : y->u16_len;

	for (size_t i = 0; i < n; i++) {
		if (x->u16[i] != y->u16[i])
			return x->u16[i] < y->u16[i] ? -1 : 1;
	}
	if (x->u16_len != y->u16_len)
		return x->u16_len < y->u16_len ? -1 : 1;
	return 0;
}

static int encode_object(struct enc *e, const json_t *v, int depth)
{
	/* jansson's iterators take a non-const object; iterating does not modify it. */
	json_t *obj = (json_t *)v;
	size_t n = json_object_size(obj), count = 0, plen = e->path.len;
	struct member *m = nc_xcalloc(n, sizeof(*m));
	void *it;
	int ret = 0;

	for (it = json_object_iter(obj); it && count < n; it = json_object_iter_next(obj, it)) {
		struct member *cur = &m[count++];

		cur->key = json_object_iter_key(it);
		cur->key_len = json_object_iter_key_len(it);
		cur->value = json_object_iter_value(it);
		if (!key_to_utf16(cur)) {
			path_push_key(e, cur->key, cur->key_len);
			ret = nc_fail(e->ei, NC_ERR_INVAL, path_str(e),
				      "%s: object key is not valid UTF-8", path_str(e));
			goto out;
		}
	}
	qsort(m, count, sizeof(*m), member_cmp);

	buf_add(&e->out, "{", 1);
	for (size_t i = 0; i < count; i++) {
		if (i)
			buf_add(&e->out, ",", 1);
		path_push_key(e, m[i].key, m[i].key_len);
		ret = encode_string(e, m[i].key, m[i].key_len, "object key");
		if (ret)
			goto out;
		buf_add(&e->out, ":", 1);
		ret = encode_value(e, m[i].value, depth);
		if (ret)
			goto out;
		path_pop(e, plen);
	}
	buf_add(&e->out, "}", 1);
out:
	for (size_t i = 0; i < count; i++)
		free(m[i].u16);
	free(m);
	return ret;
}

static int encode_array(struct enc *e, const json_t *v, int depth)
{
	size_t plen = e->path.len;
	int ret;

	buf_add(&e->out, "[", 1);
	for (size_t i = 0; i < json_array_size(v); i++) {
		if (i)
			buf_add(&e->out, ",", 1);
		path_push_index(e, i);
		ret = encode_value(e, json_array_get(v, i), depth);
		if (ret)
			return ret;
		path_pop(e, plen);
	}
	buf_add(&e->out, "]", 1);
	return 0;
}

/* A real for a message: the shortest form that reads back the same, with ".0" if integral. */
static void format_real(double d, char *tmp, size_t n)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, n, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (!strpbrk(tmp, ".eEni"))
		strncat(tmp, ".0", n - strlen(tmp) - 1);
}

/* depth is the number of containers around v. */
static int encode_value(struct enc *e, const json_t *v, int depth)
{
	char tmp[64];
	json_int_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth >= NC_JCS_MAX_DEPTH)
			return nc_fail(e->ei, NC_ERR_RANGE, path_str(e),
				       "%s: nested deeper than %d levels", path_str(e),
				       NC_JCS_MAX_DEPTH);
		if (json_is_object(v))
			return encode_object(e, v, depth + 1);
		return encode_array(e, v, depth + 1);
	case JSON_STRING:
		return encode_string(e, json_string_value(v), json_string_length(v), "string");
	case JSON_INTEGER:
		i = json_integer_value(v);
		if (i > SAFE_INT_MAX || i < -SAFE_INT_MAX)
			return nc_fail(
				e->ei, NC_ERR_RANGE, path_str(e),
				"%s: %" JSON_INTEGER_FORMAT
				" is out of range (only integers with |n| < 2^53 are allowed)",
				path_str(e), i);
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, i);
		buf_adds(&e->out, tmp);
		return 0;
	case JSON_REAL:
		format_real(json_real_value(v), tmp, sizeof(tmp));
		return nc_fail(
			e->ei, NC_ERR_RANGE, path_str(e),
			"%s: %s is not an integer (only integers with |n| < 2^53 are allowed)",
			path_str(e), tmp);
	case JSON_TRUE:
		buf_adds(&e->out, "true");
		return 0;
	case JSON_FALSE:
		buf_adds(&e->out, "false");
		return 0;
	case JSON_NULL:
		buf_adds(&e->out, "null");
		return 0;
	}
	return nc_fail(e->ei, NC_ERR_INTERNAL, path_str(e), "%s: unknown JSON type %d", path_str(e),
		       (int)json_typeof(v));
}

int nc_jcs_encode(const json_t *v, char **out, size_t *len, struct nc_errinfo *ei)
{
	struct enc e = {.ei = ei};
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	if (!v) {
		ret = nc_fail(ei, NC_ERR_INVAL, NULL, "no JSON value to canonicalize");
		goto out;
	}
	ret = encode_value(&e, v, 0);
	if (ret)
		goto out;
	*out = e.out.p;
	e.out.p = NULL;
	if (len)
		*len = e.out.len;
out:
	free(e.out.p);
	free(e.path.p);
	return ret;
}

int nc_jcs_sha256_hex(const json_t *v, char hex[65], struct nc_errinfo *ei)
{
	char *s = NULL;
	size_t len = 0;
	int ret;

	hex[0] = '\0';
	ret = nc_jcs_encode(v, &s, &len, ei);
	if (ret)
		goto out;
	ret = nc_crypto_sha256_hex(s, len, hex);
	if (ret)
		nc_fail(ei, ret, NULL, "SHA-256 failed");
out:
	free(s);
	return ret;
}
