/* SPDX-License-Identifier: MIT */
/* The device → core messages but tunnel status (tunnel.c): confirmation,
 * config request, heartbeat and registration. */
#include "proto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "internal.h"

static const char *const status_names[] = { "success", "failure" };
static const char *const vpp_names[] = { "none", "dpdk", "af_packet" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *nc_proto_confirm_status_name(enum nc_confirm_status s)
{
	return (unsigned int)s < COUNT(status_names) ? status_names[s] : "unknown";
}

const char *nc_proto_vpp_mode_name(enum nc_vpp_mode m)
{
	return (unsigned int)m < COUNT(vpp_names) ? vpp_names[m] : "unknown";
}

/*
 * Reads the string member key of o into buf (n bytes) and stores in *out
 * its position in names (count entries); NC_ERR_INVAL naming the choices
 * (`what') when it is none of them.
 */
static int enum_member(const json_t *o, const char *key, const char *const *names, size_t count,
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

/*
 * Confirmation
 */

void nc_confirm_clear(struct nc_confirm *c)
{
	if (!c)
		return;
	json_decref(c->failures);
	memset(c, 0, sizeof(*c));
}

/* The string member key of e (failures[i], named path) as a new reference in *out. */
static int text_member(const json_t *e, const char *key, const char *path, json_t **out,
		       struct nc_errinfo *ei)
{
	char f[64];
	json_t *v = json_object_get(e, key);
	int ret = 0;

	snprintf(f, sizeof(f), "%s.%s", path, key);
	if (!v)
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s is required", f);
	else if (!json_is_string(v))
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s must be a string, not %s", f,
			      nc_json_typename(v));
	else if (strlen(json_string_value(v)) != json_string_length(v))
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s contains a NUL character", f);
	else
		*out = json_incref(v);
	return ret;
}

/* "failures" of root as a new array of {index, topic, error} into *out. */
static int failures_from_json(const json_t *root, json_t **out, struct nc_errinfo *ei)
{
	const char *bad = NULL;
	json_t *list = json_object_get(root, "failures"), *copy = NULL, *e, *topic, *error;
	char path[40];
	int64_t idx;
	size_t i;
	int ret = 0;

	if (!list) {
		ret = nc_fail(ei, NC_ERR_INVAL, "failures", "failures is required");
		goto out;
	}
	if (!json_is_array(list)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "failures", "failures must be an array, not %s",
			      nc_json_typename(list));
		goto out;
	}
	copy = json_array();
	json_array_foreach(list, i, e) {
		json_t *entry;

		topic = error = NULL;
		snprintf(path, sizeof(path), "failures[%zu]", i);
		if (!json_is_object(e)) {
			ret = nc_fail(ei, NC_ERR_INVAL, path, "%s must be an object, not %s", path,
				      nc_json_typename(e));
			goto out;
		}
		ret = proto_int(e, "index", 0, &idx, path, ei);
		if (ret < 0)
			goto out;
		ret = text_member(e, "topic", path, &topic, ei);
		if (ret < 0)
			goto out;
		ret = text_member(e, "error", path, &error, ei);
		if (ret < 0) {
			json_decref(topic);
			goto out;
		}
		/* topic and error are stolen by the entry, the entry by the copy. */
		entry = json_object();
		proto_put(entry, "index", json_integer(idx), &bad);
		proto_put(entry, "topic", topic, &bad);
		proto_put(entry, "error", error, &bad);
		proto_append(copy, entry, "failures", &bad);
	}
	if (bad)
		ret = nc_fail(ei, NC_ERR_NOMEM, "failures", "out of memory copying failures");
out:
	if (ret < 0) {
		json_decref(copy);
		copy = NULL;
	}
	*out = copy;
	return ret;
}

/* The optional "superseded" member: an array of at most NC_PROTO_SUPERSEDED_MAX
 * integers, each in [1, seq). */
static int superseded_from_json(const json_t *root, struct nc_confirm *out, struct nc_errinfo *ei)
{
	const json_t *a = json_object_get(root, "superseded"), *v;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > NC_PROTO_SUPERSEDED_MAX)
		return nc_fail(ei, NC_ERR_INVAL, "superseded",
			       "superseded must be an array of at most %d seqs",
			       NC_PROTO_SUPERSEDED_MAX);
	json_array_foreach(a, i, v) {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

		if (n < 1 || n >= out->seq)
			return nc_fail(ei, NC_ERR_INVAL, "superseded",
				       "superseded[%zu] must be a seq from 1 to %lld", i,
				       (long long)out->seq - 1);
		out->superseded[out->n_superseded++] = n;
	}
	return 0;
}

/* Fills *out from root (borrowed); on error *out owns nothing. */
static int confirm_from_json(const json_t *root, const char *topic_serial,
			     const char *topic_tenant, struct nc_confirm *out,
			     struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF], qt[NC_QUOTE_BUF];
	int status = 0, vpp = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_serial(root, topic_serial, out->serial, ei);
	if (ret < 0)
		goto out;
	ret = nc_json_str(root, "tenant", out->tenant, sizeof(out->tenant), false, NULL, ei);
	if (ret < 0)
		goto out;
	if (ret == 0 && topic_tenant) {
		/* Absent: the topic's, if it has one. */
		snprintf(out->tenant, sizeof(out->tenant), "%s", topic_tenant);
	} else if (ret == 1 && !nc_valid_id(out->tenant)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant", "tenant: `%s' is not a valid tenant id",
			      nc_quote(q, out->tenant, sizeof(out->tenant)));
		goto out;
	} else if (ret == 1 && topic_tenant && topic_tenant[0] &&
		   strcmp(out->tenant, topic_tenant) != 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant",
			      "payload tenant `%s' differs from the topic's `%s'",
			      nc_quote(q, out->tenant, sizeof(out->tenant)),
			      nc_quote(qt, topic_tenant, SIZE_MAX));
		goto out;
	}
	ret = proto_int(root, "seq", 0, &out->seq, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "applied", 0, &out->applied, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "failed", 0, &out->failed, NULL, ei);
	if (ret < 0)
		goto out;
	/* The hash of nothing applied may be given as "". */
	ret = proto_hash(root, "config_hash", out->applied == 0, out->config_hash, ei);
	if (ret < 0)
		goto out;
	ret = enum_member(root, "status", status_names, COUNT(status_names),
			  "success or failure", &status, ei);
	if (ret < 0)
		goto out;
	out->status = (enum nc_confirm_status)status;
	if ((out->status == NC_CONFIRM_SUCCESS) != (out->failed == 0)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "status", "status is %s but failed is %lld",
			      status_names[status], (long long)out->failed);
		goto out;
	}
	ret = failures_from_json(root, &out->failures, ei);
	if (ret < 0)
		goto out;
	ret = enum_member(root, "vpp_mode", vpp_names, COUNT(vpp_names),
			  "dpdk, af_packet or none", &vpp, ei);
	if (ret < 0)
		goto out;
	out->vpp_mode = (enum nc_vpp_mode)vpp;
	ret = proto_agent(root, out->agent, ei);
	if (ret == 0)
		ret = superseded_from_json(root, out, ei);
out:
	if (ret < 0)
		nc_confirm_clear(out);
	return ret;
}

int nc_proto_confirm_encode(const struct nc_confirm *c, char **out, size_t *len,
			    struct nc_errinfo *ei)
{
	struct nc_confirm chk = { 0 };
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	proto_put(root, "serial", PROTO_STR(c->serial), &bad);
	if (c->tenant[0])
		proto_put(root, "tenant", PROTO_STR(c->tenant), &bad);
	proto_put(root, "seq", json_integer(c->seq), &bad);
	proto_put(root, "config_hash", PROTO_STR(c->config_hash), &bad);
	proto_put(root, "status", json_string(nc_proto_confirm_status_name(c->status)), &bad);
	proto_put(root, "applied", json_integer(c->applied), &bad);
	proto_put(root, "failed", json_integer(c->failed), &bad);
	/* Borrowed: the payload holds its own reference. */
	proto_put(root, "failures", c->failures ? json_incref(c->failures) : json_array(), &bad);
	proto_put(root, "vpp_mode", json_string(nc_proto_vpp_mode_name(c->vpp_mode)), &bad);
	proto_put(root, "agent", PROTO_STR(c->agent), &bad);
	if (c->n_superseded > 0) {
		json_t *a = json_array();

		for (size_t i = 0; i < c->n_superseded && i < NC_PROTO_SUPERSEDED_MAX; i++)
			json_array_append_new(a, json_integer(c->superseded[i]));
		proto_put(root, "superseded", a, &bad);
	}
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	ret = confirm_from_json(root, NULL, NULL, &chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, NC_PROTO_MSG_MAX, out, len, ei);
out:
	nc_confirm_clear(&chk);
	json_decref(root);
	return ret;
}

int nc_proto_confirm_decode(const void *buf, size_t len, const char *topic_serial,
			    const char *topic_tenant, struct nc_confirm *out,
			    struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_open(buf, len, NC_PROTO_MSG_MAX, &root, ei);
	if (ret < 0)
		goto out;
	ret = confirm_from_json(root, topic_serial, topic_tenant, out, ei);
out:
	json_decref(root);
	return ret;
}

/*
 * Config request
 */

static int config_request_from_json(const json_t *root, const char *topic_serial,
				    struct nc_config_request *out, struct nc_errinfo *ei)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_serial(root, topic_serial, out->serial, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "seq", 0, &out->seq, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_hash(root, "config_hash", true, out->config_hash, ei);
	if (ret < 0)
		goto out;
	ret = proto_str(root, "reason", out->reason, sizeof(out->reason), NULL, ei);
out:
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	return ret;
}

int nc_proto_config_request_encode(const struct nc_config_request *r, char **out, size_t *len,
				   struct nc_errinfo *ei)
{
	struct nc_config_request chk;
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	proto_put(root, "serial", PROTO_STR(r->serial), &bad);
	proto_put(root, "seq", json_integer(r->seq), &bad);
	proto_put(root, "config_hash", PROTO_STR(r->config_hash), &bad);
	proto_put(root, "reason", PROTO_STR(r->reason), &bad);
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	ret = config_request_from_json(root, NULL, &chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, NC_PROTO_MSG_MAX, out, len, ei);
out:
	json_decref(root);
	return ret;
}

int nc_proto_config_request_decode(const void *buf, size_t len, const char *topic_serial,
				   struct nc_config_request *out, struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_open(buf, len, NC_PROTO_MSG_MAX, &root, ei);
	if (ret < 0)
		goto out;
	ret = config_request_from_json(root, topic_serial, out, ei);
out:
	json_decref(root);
	return ret;
}

/*
 * Heartbeat
 */

/* The member key of o: "" or a WireGuard public key (required when !empty_ok). */
static int public_key(const json_t *o, bool empty_ok, char out[NC_KEY_B64_MAX],
		      struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret = proto_str(o, "public_key", out, NC_KEY_B64_MAX, NULL, ei);

	if (ret < 0)
		goto out;
	if (!(empty_ok && !out[0]) && !nc_valid_wg_key(out))
		ret = nc_fail(ei, NC_ERR_INVAL, "public_key",
			      "public_key: `%s' is not a WireGuard key (base64 of 32 bytes)",
			      nc_quote(q, out, NC_KEY_B64_MAX));
out:
	return ret;
}

static int heartbeat_from_json(const json_t *root, const char *topic_serial,
			       struct nc_heartbeat *out, struct nc_errinfo *ei)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_serial(root, topic_serial, out->serial, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "ts", 0, &out->ts, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "seq", 0, &out->seq, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_hash(root, "config_hash", true, out->config_hash, ei);
	if (ret < 0)
		goto out;
	ret = proto_int(root, "uptime_s", 0, &out->uptime_s, NULL, ei);
	if (ret < 0)
		goto out;
	ret = public_key(root, true, out->public_key, ei);
	if (ret < 0)
		goto out;
	ret = proto_agent(root, out->agent, ei);
out:
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	return ret;
}

int nc_proto_heartbeat_encode(const struct nc_heartbeat *h, char **out, size_t *len,
			      struct nc_errinfo *ei)
{
	struct nc_heartbeat chk;
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	proto_put(root, "serial", PROTO_STR(h->serial), &bad);
	proto_put(root, "ts", json_integer(h->ts), &bad);
	proto_put(root, "seq", json_integer(h->seq), &bad);
	proto_put(root, "config_hash", PROTO_STR(h->config_hash), &bad);
	proto_put(root, "uptime_s", json_integer(h->uptime_s), &bad);
	proto_put(root, "public_key", PROTO_STR(h->public_key), &bad);
	proto_put(root, "agent", PROTO_STR(h->agent), &bad);
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	ret = heartbeat_from_json(root, NULL, &chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, NC_PROTO_MSG_MAX, out, len, ei);
out:
	json_decref(root);
	return ret;
}

int nc_proto_heartbeat_decode(const void *buf, size_t len, const char *topic_serial,
			      struct nc_heartbeat *out, struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_open(buf, len, NC_PROTO_MSG_MAX, &root, ei);
	if (ret < 0)
		goto out;
	ret = heartbeat_from_json(root, topic_serial, out, ei);
out:
	json_decref(root);
	return ret;
}

/*
 * Registration
 */

static int registration_from_json(const json_t *root, const char *topic_serial,
				  struct nc_registration *out, struct nc_errinfo *ei)
{
	char kind[16], q[NC_QUOTE_BUF];
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_serial(root, topic_serial, out->serial, ei);
	if (ret < 0)
		goto out;
	ret = proto_str(root, "kind", kind, sizeof(kind), NULL, ei);
	if (ret < 0)
		goto out;
	if (nc_device_type_parse(kind, &out->kind) < 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "kind", "kind: `%s' is not connector or edge",
			      nc_quote(q, kind, sizeof(kind)));
		goto out;
	}
	ret = public_key(root, false, out->public_key, ei);
	if (ret < 0)
		goto out;
	ret = nc_json_str_or_null(root, "hostname", out->hostname, sizeof(out->hostname), false,
				  NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_agent(root, out->agent, ei);
	if (ret < 0)
		goto out;
	ret = nc_json_str_or_null(root, "enrollment_key", out->enrollment_key,
				  sizeof(out->enrollment_key), false, NULL, ei);
	if (ret > 0)
		ret = 0;
out:
	if (ret < 0)
		memset(out, 0, sizeof(*out));
	return ret;
}

int nc_proto_registration_encode(const struct nc_registration *r, char **out, size_t *len,
				 struct nc_errinfo *ei)
{
	struct nc_registration chk;
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	proto_put(root, "serial", PROTO_STR(r->serial), &bad);
	proto_put(root, "kind", json_string(nc_device_type_name(r->kind)), &bad);
	proto_put(root, "public_key", PROTO_STR(r->public_key), &bad);
	if (r->hostname[0])
		proto_put(root, "hostname", PROTO_STR(r->hostname), &bad);
	proto_put(root, "agent", PROTO_STR(r->agent), &bad);
	if (r->enrollment_key[0])
		proto_put(root, "enrollment_key", PROTO_STR(r->enrollment_key), &bad);
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	ret = registration_from_json(root, NULL, &chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, NC_PROTO_MSG_MAX, out, len, ei);
out:
	json_decref(root);
	return ret;
}

int nc_proto_registration_decode(const void *buf, size_t len, const char *topic_serial,
				 struct nc_registration *out, struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_open(buf, len, NC_PROTO_MSG_MAX, &root, ei);
	if (ret < 0)
		goto out;
	ret = registration_from_json(root, topic_serial, out, ei);
out:
	json_decref(root);
	return ret;
}
