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
#include "../util/count.h"

static const char *const status_names[] = {"success", "failure"};
static const char *const vpp_names[] = {"none", "dpdk", "af_packet"};

const char *nc_proto_confirm_status_name(enum nc_confirm_status s)
{
	return (unsigned int)s < NC_COUNT(status_names) ? status_names[s] : "unknown";
}

const char *nc_proto_vpp_mode_name(enum nc_vpp_mode m)
{
	return (unsigned int)m < NC_COUNT(vpp_names) ? vpp_names[m] : "unknown";
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
	const json_t *list, *e;
	json_t *copy = NULL, *topic, *error;
	char path[40];
	int64_t idx;
	size_t i;
	int ret = 0;

	ret = proto_array(root, "failures", &list, ei);
	if (ret < 0)
		goto out;
	copy = json_array();
	json_array_foreach(list, i, e) {
		json_t *entry;

		topic = error = NULL;
		ret = proto_indexed(e, "failures", i, path, sizeof(path), &idx, ei);
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

/* "tenant": optional, the topic's when absent; equal to the topic's when both are given. */
static int confirm_tenant(const json_t *root, const struct proto_ctx *ctx, void *msg,
			  struct nc_errinfo *ei)
{
	struct nc_confirm *out = msg;
	const char *topic_tenant = ctx->topic_tenant;
	char q[NC_QUOTE_BUF], qt[NC_QUOTE_BUF];
	int ret = nc_json_str(root, "tenant", out->tenant, sizeof(out->tenant), false, NULL, ei);

	if (ret < 0)
		goto out;
	if (ret == 0 && topic_tenant) {
		/* Absent: the topic's, if it has one. */
		snprintf(out->tenant, sizeof(out->tenant), "%s", topic_tenant);
	} else if (ret == 1 && !nc_valid_id(out->tenant)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant", "tenant: `%s' is not a valid tenant id",
			      nc_quote(q, out->tenant, sizeof(out->tenant)));
	} else if (ret == 1 && topic_tenant && topic_tenant[0] &&
		   strcmp(out->tenant, topic_tenant) != 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant",
			      "payload tenant `%s' differs from the topic's `%s'",
			      nc_quote(q, out->tenant, sizeof(out->tenant)),
			      nc_quote(qt, topic_tenant, SIZE_MAX));
	}
out:
	return ret < 0 ? ret : 0;
}

static void put_tenant(json_t *root, const void *msg, const char **bad)
{
	const struct nc_confirm *c = msg;

	if (c->tenant[0])
		proto_put(root, "tenant", PROTO_STR(c->tenant), bad);
}

/* The hash of nothing applied may be given as "". */
static int confirm_hash(const json_t *root, const struct proto_ctx *ctx, void *msg,
			struct nc_errinfo *ei)
{
	struct nc_confirm *out = msg;

	return proto_hash(root, "config_hash", out->applied == 0, out->config_hash, ei);
}

static void put_hash(json_t *root, const void *msg, const char **bad)
{
	const struct nc_confirm *c = msg;

	proto_put(root, "config_hash", PROTO_STR(c->config_hash), bad);
}

/* "status" is success exactly when failed is 0. */
static int confirm_status(const json_t *root, const struct proto_ctx *ctx, void *msg,
			  struct nc_errinfo *ei)
{
	const struct nc_confirm *c = msg;
	int ret = 0;

	if ((c->status == NC_CONFIRM_SUCCESS) != (c->failed == 0))
		ret = nc_fail(ei, NC_ERR_INVAL, "status", "status is %s but failed is %lld",
			      nc_proto_confirm_status_name(c->status), (long long)c->failed);
	return ret;
}

static int confirm_failures(const json_t *root, const struct proto_ctx *ctx, void *msg,
			    struct nc_errinfo *ei)
{
	struct nc_confirm *out = msg;

	return failures_from_json(root, &out->failures, ei);
}

static void put_failures(json_t *root, const void *msg, const char **bad)
{
	const struct nc_confirm *c = msg;

	/* Borrowed: the payload holds its own reference. */
	proto_put(root, "failures", c->failures ? json_incref(c->failures) : json_array(), bad);
}

static int confirm_superseded(const json_t *root, const struct proto_ctx *ctx, void *msg,
			      struct nc_errinfo *ei)
{
	return superseded_from_json(root, msg, ei);
}

static void put_superseded(json_t *root, const void *msg, const char **bad)
{
	const struct nc_confirm *c = msg;
	json_t *a;

	if (c->n_superseded == 0)
		return;
	a = json_array();
	for (size_t i = 0; i < c->n_superseded && i < NC_PROTO_SUPERSEDED_MAX; i++)
		json_array_append_new(a, json_integer(c->superseded[i]));
	proto_put(root, "superseded", a, bad);
}

static void confirm_clear(void *msg)
{
	nc_confirm_clear(msg);
}

#define CONFIRM(mem) PROTO_AT(struct nc_confirm, mem)
_Static_assert(sizeof(enum nc_vpp_mode) == sizeof(int) &&
		       sizeof(enum nc_confirm_status) == sizeof(int),
	       "PF_ENUM stores an int");
#define CUSTOM(rd, wr) .read = (rd), .write = (wr)

/* In decode order: config_hash reads applied, status reads failed. */
static const struct proto_field confirm_fields[] = {
	{"serial", PF_SERIAL, CONFIRM(serial)},
	{"tenant", PF_CUSTOM, CUSTOM(confirm_tenant, put_tenant)},
	{"seq", PF_INT, CONFIRM(seq)},
	{"applied", PF_INT, CONFIRM(applied)},
	{"failed", PF_INT, CONFIRM(failed)},
	{"config_hash", PF_CUSTOM, CUSTOM(confirm_hash, put_hash)},
	{"status", PF_ENUM, CONFIRM(status), .names = status_names, .count = NC_COUNT(status_names),
	 .what = "success or failure", .check = confirm_status},
	{"failures", PF_CUSTOM, CUSTOM(confirm_failures, put_failures)},
	{"vpp_mode", PF_ENUM, CONFIRM(vpp_mode), .names = vpp_names, .count = NC_COUNT(vpp_names),
	 .what = "dpdk, af_packet or none"},
	{"agent", PF_STR, CONFIRM(agent)},
	{"superseded", PF_CUSTOM, CUSTOM(confirm_superseded, put_superseded)},
};

static const struct proto_msg confirm_msg =
	PROTO_MSG(struct nc_confirm, confirm_fields, confirm_clear, NC_PROTO_MSG_MAX);

int nc_proto_confirm_encode(const struct nc_confirm *c, char **out, size_t *len,
			    struct nc_errinfo *ei)
{
	return proto_msg_encode(&confirm_msg, c, 0, out, len, ei);
}

int nc_proto_confirm_decode(const void *buf, size_t len, const char *topic_serial,
			    const char *topic_tenant, struct nc_confirm *out, struct nc_errinfo *ei)
{
	const struct proto_ctx ctx = {topic_serial, topic_tenant, 0};

	return proto_msg_decode(&confirm_msg, buf, len, &ctx, out, ei);
}

/*
 * Config request
 */

/* The optional extension "batch_max" (proto.h), one row of each message that carries it. */
#define BATCH_MAX_ROW(AT)                                                                          \
	{                                                                                          \
		"batch_max", PF_OPT_INT, AT(batch_max), .min = NC_PROTO_BATCH_ADVERT_MIN           \
	}

#define CONFIG_REQUEST(mem) PROTO_AT(struct nc_config_request, mem)

static const struct proto_field config_request_fields[] = {
	{"serial", PF_SERIAL, CONFIG_REQUEST(serial)},
	{"seq", PF_INT, CONFIG_REQUEST(seq)},
	{"config_hash", PF_HASH, CONFIG_REQUEST(config_hash), .flags = PF_EMPTY_OK},
	{"reason", PF_STR, CONFIG_REQUEST(reason)},
	BATCH_MAX_ROW(CONFIG_REQUEST),
};

static const struct proto_msg config_request_msg =
	PROTO_MSG(struct nc_config_request, config_request_fields, NULL, NC_PROTO_MSG_MAX);

PROTO_CODEC(config_request, struct nc_config_request, config_request_msg)

/*
 * Heartbeat
 */

#define HEARTBEAT(mem) PROTO_AT(struct nc_heartbeat, mem)

static const struct proto_field heartbeat_fields[] = {
	{"serial", PF_SERIAL, HEARTBEAT(serial)},
	{"ts", PF_INT, HEARTBEAT(ts)},
	{"seq", PF_INT, HEARTBEAT(seq)},
	{"config_hash", PF_HASH, HEARTBEAT(config_hash), .flags = PF_EMPTY_OK},
	{"uptime_s", PF_INT, HEARTBEAT(uptime_s)},
	{"public_key", PF_WGKEY, HEARTBEAT(public_key), .flags = PF_EMPTY_OK},
	{"agent", PF_STR, HEARTBEAT(agent)},
	BATCH_MAX_ROW(HEARTBEAT),
};

static const struct proto_msg heartbeat_msg =
	PROTO_MSG(struct nc_heartbeat, heartbeat_fields, NULL, NC_PROTO_MSG_MAX);

PROTO_CODEC(heartbeat, struct nc_heartbeat, heartbeat_msg)

/*
 * Registration
 */

static int registration_kind(const json_t *root, const struct proto_ctx *ctx, void *msg,
			     struct nc_errinfo *ei)
{
	struct nc_registration *out = msg;
	char kind[16], q[NC_QUOTE_BUF];
	int ret = proto_str(root, "kind", kind, sizeof(kind), NULL, ei);

	if (ret < 0)
		goto out;
	if (nc_device_type_parse(kind, &out->kind) < 0)
		ret = nc_fail(ei, NC_ERR_INVAL, "kind", "kind: `%s' is not connector or edge",
			      nc_quote(q, kind, sizeof(kind)));
out:
	return ret;
}

static void put_kind(json_t *root, const void *msg, const char **bad)
{
	const struct nc_registration *r = msg;

	proto_put(root, "kind", json_string(nc_device_type_name(r->kind)), bad);
}

#define REGISTRATION(mem) PROTO_AT(struct nc_registration, mem)

static const struct proto_field registration_fields[] = {
	{"serial", PF_SERIAL, REGISTRATION(serial)},
	{"kind", PF_CUSTOM, CUSTOM(registration_kind, put_kind)},
	{"public_key", PF_WGKEY, REGISTRATION(public_key)},
	{"hostname", PF_OPT_STR, REGISTRATION(hostname)},
	{"agent", PF_STR, REGISTRATION(agent)},
	{"enrollment_key", PF_OPT_STR, REGISTRATION(enrollment_key)},
	BATCH_MAX_ROW(REGISTRATION),
};

static const struct proto_msg registration_msg =
	PROTO_MSG(struct nc_registration, registration_fields, NULL, NC_PROTO_MSG_MAX);

PROTO_CODEC(registration, struct nc_registration, registration_msg)
