/* SPDX-License-Identifier: MIT */
/* The one decoder and encoder of the messages described by tables (internal.h). */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "../util/xmalloc.h"
#include "proto.h"

int proto_enum(const json_t *o, const char *key, const char *const *names, size_t count,
	       const char *what, int *out, struct nc_errinfo *ei)
{
	char buf[32], q[NC_QUOTE_BUF];
	int ret = proto_str(o, key, buf, sizeof(buf), NULL, ei);

	if (ret < 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(buf, names[i]) == 0) {
			*out = (int)i;
			goto out;
		}
	}
	ret = nc_fail(ei, NC_ERR_INVAL, key, "%s: `%s' is not %s", key,
		      nc_quote(q, buf, sizeof(buf)), what);
out:
	return ret;
}

static int read_field(const struct proto_field *f, const json_t *root, const struct proto_ctx *ctx,
		      void *msg, struct nc_errinfo *ei)
{
	char *p = (char *)msg + f->off;
	bool empty_ok = f->flags & PF_EMPTY_OK;
	int ret = 0, v = 0;

	switch (f->type) {
	case PF_SERIAL:
		ret = proto_serial(root, ctx->topic_serial, p, ei);
		break;
	case PF_STR:
		ret = proto_str(root, f->key, p, f->size, NULL, ei);
		break;
	case PF_OPT_STR:
		ret = nc_json_str_or_null(root, f->key, p, f->size, false, NULL, ei);
		break;
	case PF_INT:
		ret = proto_int(root, f->key, f->min, (int64_t *)(void *)p, NULL, ei);
		break;
	case PF_OPT_INT:
		ret = nc_json_int(root, f->key, f->min, NC_PROTO_INT_MAX, (int64_t *)(void *)p,
				  false, NULL, ei);
		break;
	case PF_HASH:
		ret = proto_hash(root, f->key, empty_ok, p, ei);
		break;
	case PF_WGKEY:
		ret = proto_checked_str(root, f->key, empty_ok, nc_valid_wg_key,
					"a WireGuard key (base64 of 32 bytes)", p, f->size, ei);
		break;
	case PF_ENUM:
		ret = proto_enum(root, f->key, f->names, f->count, f->what, &v, ei);
		if (ret == 0)
			memcpy(p, &v, sizeof(v));
		break;
	case PF_CUSTOM:
		ret = f->read(root, ctx, msg, ei);
		break;
	}
	if (ret >= 0 && f->check)
		ret = f->check(root, ctx, msg, ei);
	return ret < 0 ? ret : 0;
}

static void write_field(const struct proto_field *f, json_t *root, const void *msg,
			const char **bad)
{
	const char *p = (const char *)msg + f->off;
	int64_t n;
	int v;

	switch (f->type) {
	case PF_SERIAL:
	case PF_STR:
	case PF_HASH:
	case PF_WGKEY:
		proto_put(root, f->key, proto_fixed(p, f->size), bad);
		break;
	case PF_OPT_STR:
		if (p[0])
			proto_put(root, f->key, proto_fixed(p, f->size), bad);
		break;
	case PF_INT:
	case PF_OPT_INT:
		memcpy(&n, p, sizeof(n));
		if (n != 0 || f->type == PF_INT)
			proto_put(root, f->key, json_integer(n), bad);
		break;
	case PF_ENUM:
		memcpy(&v, p, sizeof(v));
		proto_put(root, f->key,
			  json_string(v >= 0 && (size_t)v < f->count ? f->names[v] : "unknown"),
			  bad);
		break;
	case PF_CUSTOM:
		f->write(root, msg, bad);
		break;
	}
}

static void clear(const struct proto_msg *m, void *msg)
{
	if (m->clear)
		m->clear(msg);
	else
		memset(msg, 0, m->size);
}

int proto_msg_from_json(const struct proto_msg *m, const json_t *root, const struct proto_ctx *ctx,
			void *out, struct nc_errinfo *ei)
{
	int ret = 0;

	memset(out, 0, m->size);
	for (size_t i = 0; i < m->count && ret == 0; i++)
		ret = read_field(&m->fields[i], root, ctx, out, ei);
	if (ret < 0)
		clear(m, out);
	return ret;
}

int proto_msg_decode(const struct proto_msg *m, const void *buf, size_t len,
		     const struct proto_ctx *ctx, void *out, struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, m->size);
	ret = proto_open(buf, len, ctx->limit ? ctx->limit : m->limit, &root, ei);
	if (ret < 0)
		goto out;
	ret = proto_msg_from_json(m, root, ctx, out, ei);
out:
	json_decref(root);
	return ret;
}

int proto_msg_encode(const struct proto_msg *m, const void *msg, size_t limit, char **out,
		     size_t *len, struct nc_errinfo *ei)
{
	static const struct proto_ctx none = {0};
	void *chk = nc_xcalloc(1, m->size);
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	for (size_t i = 0; i < m->count; i++)
		write_field(&m->fields[i], root, msg, &bad);
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	/* What our own decoder would refuse is not sent. */
	ret = proto_msg_from_json(m, root, &none, chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, limit ? limit : m->limit, out, len, ei);
out:
	clear(m, chk);
	free(chk);
	json_decref(root);
	return ret;
}
