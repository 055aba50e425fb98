/* SPDX-License-Identifier: MIT */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "../util/version.h"
#include "proto.h"

int proto_open(const void *buf, size_t len, size_t limit, json_t **root, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	json_error_t jerr;
	int64_t v = 0;
	int ret = 0;

	*root = NULL;
	if (len > limit) {
		ret = nc_fail(ei, NC_ERR_TOOBIG, NULL,
			      "the payload is %zu bytes, over the limit of %zu", len, limit);
		goto out;
	}
	if (!buf && len > 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, NULL, "no payload bytes");
		goto out;
	}
	*root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root) {
		/* jansson's text may quote the input: never raw into a message. */
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "invalid JSON at line %d, column %d: %s",
			      jerr.line, jerr.column, nc_quote(q, jerr.text, sizeof(jerr.text)));
		goto out;
	}
	if (!json_is_object(*root)) {
		ret = nc_fail(ei, NC_ERR_PARSE, NULL, "the payload must be a JSON object, not %s",
			      nc_json_typename(*root));
		goto out;
	}
	ret = nc_json_int(*root, "v", INT64_MIN, INT64_MAX, &v, true, NULL, ei);
	if (ret < 0)
		goto out;
	ret = 0;
	if (v != NC_PROTOCOL_VERSION)
		ret = nc_fail(ei, NC_ERR_INVAL, "v", "unsupported protocol version %lld",
			      (long long)v);
out:
	if (ret) {
		json_decref(*root);
		*root = NULL;
	}
	return ret;
}

int proto_str(const json_t *o, const char *key, char *buf, size_t n, const char *path,
	      struct nc_errinfo *ei)
{
	int ret = nc_json_str(o, key, buf, n, true, path, ei);

	return ret < 0 ? ret : 0;
}

int proto_int(const json_t *o, const char *key, int64_t min, int64_t *out, const char *path,
	      struct nc_errinfo *ei)
{
	int ret = nc_json_int(o, key, min, NC_PROTO_INT_MAX, out, true, path, ei);

	return ret < 0 ? ret : 0;
}

int proto_opt_int(const json_t *o, const char *key, int64_t *out, const char *path,
		  struct nc_errinfo *ei)
{
	int ret;

	*out = -1;
	ret = nc_json_int(o, key, 0, NC_PROTO_INT_MAX, out, false, path, ei);
	return ret < 0 ? ret : 0;
}

int proto_serial(const json_t *o, const char *topic_serial, char out[NC_SERIAL_MAX],
		 struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF], qt[NC_QUOTE_BUF];
	int ret = proto_str(o, "serial", out, NC_SERIAL_MAX, NULL, ei);

	if (ret < 0)
		goto out;
	if (!nc_valid_serial(out)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "serial", "serial: `%s' is not a valid serial",
			      nc_quote(q, out, NC_SERIAL_MAX));
		goto out;
	}
	if (topic_serial && strcmp(out, topic_serial) != 0)
		ret = nc_fail(ei, NC_ERR_INVAL, "serial",
			      "payload serial `%s' differs from the topic's `%s'",
			      nc_quote(q, out, NC_SERIAL_MAX),
			      nc_quote(qt, topic_serial, SIZE_MAX));
out:
	if (ret < 0)
		out[0] = '\0';
	return ret;
}

bool proto_is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[64] == '\0';
}

int proto_array(const json_t *o, const char *key, const json_t **out, struct nc_errinfo *ei)
{
	const json_t *v = json_object_get(o, key);
	int ret = 0;

	if (!v)
		ret = nc_fail(ei, NC_ERR_INVAL, key, "%s is required", key);
	else if (!json_is_array(v))
		ret = nc_fail(ei, NC_ERR_INVAL, key, "%s must be an array, not %s", key,
			      nc_json_typename(v));
	*out = v;
	return ret;
}

int proto_element(const json_t *e, const char *key, size_t i, char *path, size_t n,
		  struct nc_errinfo *ei)
{
	snprintf(path, n, "%s[%zu]", key, i);
	if (json_is_object(e))
		return 0;
	return nc_fail(ei, NC_ERR_INVAL, path, "%s must be an object, not %s", path,
		       nc_json_typename(e));
}

int proto_indexed(const json_t *e, const char *key, size_t i, char *path, size_t n, int64_t *idx,
		  struct nc_errinfo *ei)
{
	int ret = proto_element(e, key, i, path, n, ei);

	if (ret == 0)
		ret = proto_int(e, "index", 0, idx, path, ei);
	return ret;
}

int proto_checked_str(const json_t *o, const char *key, bool empty_ok, bool (*valid)(const char *),
		      const char *what, char *out, size_t n, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret = proto_str(o, key, out, n, NULL, ei);

	if (ret < 0)
		goto out;
	if (!(empty_ok && !out[0]) && !valid(out))
		ret = nc_fail(ei, NC_ERR_INVAL, key, "%s: `%s' is not %s", key, nc_quote(q, out, n),
			      what);
out:
	if (ret < 0)
		out[0] = '\0';
	return ret;
}

int proto_hash(const json_t *o, const char *key, bool empty_ok, char out[NC_HASH_HEX_MAX],
	       struct nc_errinfo *ei)
{
	return proto_checked_str(o, key, empty_ok, proto_is_hex64,
				 empty_ok ? "64 lowercase hex digits or empty"
					  : "64 lowercase hex digits",
				 out, NC_HASH_HEX_MAX, ei);
}

int proto_agent(const json_t *o, char *out, struct nc_errinfo *ei)
{
	return proto_str(o, "agent", out, NC_PROTO_AGENT_MAX, NULL, ei);
}

json_t *proto_new(const char **bad)
{
	json_t *o = json_object();

	proto_put(o, "v", json_integer(NC_PROTOCOL_VERSION), bad);
	return o;
}

void proto_put(json_t *o, const char *key, json_t *v, const char **bad)
{
	/* json_object_set_new steals v even when it fails. */
	if (json_object_set_new(o, key, v) < 0 && !*bad)
		*bad = key;
}

void proto_append(json_t *a, json_t *v, const char *what, const char **bad)
{
	if (json_array_append_new(a, v) < 0 && !*bad)
		*bad = what;
}

json_t *proto_fixed(const char *s, size_t cap)
{
	return json_stringn(s, strnlen(s, cap));
}

int proto_built(const char *bad, struct nc_errinfo *ei)
{
	return bad ? nc_fail(ei, NC_ERR_INVAL, bad, "%s cannot be encoded (not UTF-8 text?)", bad)
		   : 0;
}

int proto_dump(const json_t *root, size_t limit, char **out, size_t *len, struct nc_errinfo *ei)
{
	size_t n = 0;
	int ret = 0;

	*out = NULL;
	if (len)
		*len = 0;
	*out = json_dumps(root, JSON_COMPACT);
	if (!*out) {
		ret = nc_fail(ei, NC_ERR_NOMEM, NULL, "cannot encode the payload");
		goto out;
	}
	n = strlen(*out);
	if (n > limit) {
		ret = nc_fail(ei, NC_ERR_TOOBIG, NULL,
			      "the payload would be %zu bytes, over the limit of %zu", n, limit);
		free(*out);
		*out = NULL;
		goto out;
	}
	if (len)
		*len = n;
out:
	return ret;
}
