/* SPDX-License-Identifier: MIT */
#include "proto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/jcs.h"
#include "../util/json.h"
#include "../util/utf8.h"
#include "internal.h"

const char *const nc_proto_command_topics[NC_PROTO_COMMAND_TOPICS + 1] = {
	"interface",  "wireguard", "ipsec", "static", "nat_config",
	"acl_config", "nat44",	   "acl",   NULL,
};

/* The position of name in nc_proto_command_topics; -1 for none. */
static int topic_index(const char *name)
{
	for (int i = 0; i < NC_PROTO_COMMAND_TOPICS; i++) {
		if (strcmp(nc_proto_command_topics[i], name) == 0)
			return i;
	}
	return -1;
}

bool nc_proto_command_topic_known(const char *name)
{
	return name && topic_index(name) >= 0;
}

void nc_batch_clear(struct nc_batch *b)
{
	if (!b)
		return;
	json_decref(b->commands);
	memset(b, 0, sizeof(*b));
}

/* Checks commands[i], c; marks its topic in *seen. */
static int check_command(const json_t *c, size_t i, unsigned int *seen, struct nc_errinfo *ei)
{
	char path[40], f[64], topic[32], q[NC_QUOTE_BUF];
	const json_t *body;
	int64_t idx = 0;
	int k, ret = 0;

	ret = proto_indexed(c, "commands", i, path, sizeof(path), &idx, ei);
	if (ret < 0)
		goto out;
	snprintf(f, sizeof(f), "%s.index", path);
	if ((uint64_t)idx != i) {
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s is %lld, not its position %zu", f,
			      (long long)idx, i);
		goto out;
	}
	ret = proto_str(c, "topic", topic, sizeof(topic), path, ei);
	if (ret < 0)
		goto out;
	snprintf(f, sizeof(f), "%s.topic", path);
	k = topic_index(topic);
	if (k < 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s: unknown command topic `%s'", f,
			      nc_quote(q, topic, sizeof(topic)));
		goto out;
	}
	if (*seen & (1u << k)) {
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s: topic `%s' appears more than once", f,
			      topic);
		goto out;
	}
	*seen |= 1u << k;
	snprintf(f, sizeof(f), "%s.body", path);
	body = json_object_get(c, "body");
	if (!body)
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s is required", f);
	else if (!json_is_object(body))
		ret = nc_fail(ei, NC_ERR_INVAL, f, "%s must be an object, not %s", f,
			      nc_json_typename(body));
out:
	return ret;
}

int nc_proto_commands_check(const json_t *commands, struct nc_errinfo *ei)
{
	struct nc_errinfo sub = {0};
	char f[80], *text = NULL;
	unsigned int seen = 0;
	const json_t *c;
	size_t i;
	int ret = 0;

	if (!json_is_array(commands)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "commands", "commands must be an array, not %s",
			      commands ? nc_json_typename(commands) : "absent");
		goto out;
	}
	json_array_foreach(commands, i, c) {
		ret = check_command(c, i, &seen, ei);
		if (ret < 0)
			goto out;
	}
	/* Whatever is received must be hashable, so the agent can confirm it. */
	ret = nc_jcs_encode(commands, &text, NULL, &sub);
	if (ret < 0) {
		/* sub names the value relative to the array, e.g. "[2].body.mtu". */
		snprintf(f, sizeof(f), "commands%s", sub.field);
		ret = nc_fail(ei, NC_ERR_INVAL, f, "commands%s", sub.msg);
	}
out:
	free(text);
	return ret;
}

int nc_proto_commands_hash(const json_t *commands, char hex[65], struct nc_errinfo *ei)
{
	return nc_jcs_sha256_hex(commands, hex, ei);
}

/* "tenant": a valid tenant id, equal to the topic's when it has one. */
static int batch_tenant(const json_t *root, const struct proto_ctx *ctx, void *msg,
			struct nc_errinfo *ei)
{
	struct nc_batch *out = msg;
	const char *topic_tenant = ctx->topic_tenant;
	char q[NC_QUOTE_BUF], qt[NC_QUOTE_BUF];
	int ret = 0;

	if (!nc_valid_id(out->tenant))
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant", "tenant: `%s' is not a valid tenant id",
			      nc_quote(q, out->tenant, sizeof(out->tenant)));
	else if (topic_tenant && topic_tenant[0] && strcmp(out->tenant, topic_tenant) != 0)
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant",
			      "payload tenant `%s' differs from the topic's `%s'",
			      nc_quote(q, out->tenant, sizeof(out->tenant)),
			      nc_quote(qt, topic_tenant, SIZE_MAX));
	return ret;
}

/* "commands": required, checked as nc_proto_commands_check(), kept as received. */
static int batch_commands(const json_t *root, const struct proto_ctx *ctx, void *msg,
			  struct nc_errinfo *ei)
{
	struct nc_batch *out = msg;
	json_t *commands = json_object_get(root, "commands");
	int ret;

	if (!commands) {
		ret = nc_fail(ei, NC_ERR_INVAL, "commands", "commands is required");
		goto out;
	}
	ret = nc_proto_commands_check(commands, ei);
	if (ret < 0)
		goto out;
	out->commands = json_incref(commands);
out:
	return ret;
}

static void put_commands(json_t *root, const void *msg, const char **bad)
{
	const struct nc_batch *b = msg;

	/* Borrowed: the payload holds its own reference. */
	if (b->commands)
		proto_put(root, "commands", json_incref(b->commands), bad);
}

static void batch_clear(void *msg)
{
	nc_batch_clear(msg);
}

#define BATCH(mem) PROTO_AT(struct nc_batch, mem)

static const struct proto_field batch_fields[] = {
	{"serial", PF_SERIAL, BATCH(serial)},
	{"tenant", PF_STR, BATCH(tenant), .check = batch_tenant},
	{"seq", PF_INT, BATCH(seq), .min = 1},
	{"config_hash", PF_HASH, BATCH(config_hash)},
	{"issued_at", PF_STR, BATCH(issued_at)},
	{"commands", PF_CUSTOM, .read = batch_commands, .write = put_commands},
};

static const struct proto_msg batch_msg =
	PROTO_MSG(struct nc_batch, batch_fields, batch_clear, NC_PROTO_BATCH_MAX);

/* A batch size limit within what any side handles. */
static size_t capped(size_t max)
{
	return max < NC_PROTO_BATCH_CAP ? max : NC_PROTO_BATCH_CAP;
}

int nc_proto_batch_encode_max(const struct nc_batch *b, size_t max, char **out, size_t *len,
			      struct nc_errinfo *ei)
{
	return proto_msg_encode(&batch_msg, b, capped(max), out, len, ei);
}

int nc_proto_batch_encode(const struct nc_batch *b, char **out, size_t *len, struct nc_errinfo *ei)
{
	return nc_proto_batch_encode_max(b, NC_PROTO_BATCH_MAX, out, len, ei);
}

int nc_proto_batch_decode_max(const void *buf, size_t len, size_t max, const char *topic_serial,
			      const char *topic_tenant, struct nc_batch *out, struct nc_errinfo *ei)
{
	const struct proto_ctx ctx = {topic_serial, topic_tenant, capped(max)};

	return proto_msg_decode(&batch_msg, buf, len, &ctx, out, ei);
}

int nc_proto_batch_decode(const void *buf, size_t len, const char *topic_serial,
			  const char *topic_tenant, struct nc_batch *out, struct nc_errinfo *ei)
{
	return nc_proto_batch_decode_max(buf, len, NC_PROTO_BATCH_MAX, topic_serial, topic_tenant,
					 out, ei);
}
