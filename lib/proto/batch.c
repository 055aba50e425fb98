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
	"interface", "wireguard", "ipsec", "static", "nat_config", "acl_config", "nat44", "acl",
	NULL,
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

	snprintf(path, sizeof(path), "commands[%zu]", i);
	if (!json_is_object(c)) {
		ret = nc_fail(ei, NC_ERR_INVAL, path, "%s must be an object, not %s", path,
			      nc_json_typename(c));
		goto out;
	}
	ret = proto_int(c, "index", 0, &idx, path, ei);
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
	struct nc_errinfo sub = { 0 };
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

/*
 * Fills *out from root (borrowed): the checks of nc_proto_batch_decode().
 * On error *out owns nothing.
 */
static int batch_from_json(const json_t *root, const char *topic_serial, const char *topic_tenant,
			   struct nc_batch *out, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF], qt[NC_QUOTE_BUF];
	json_t *commands;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_serial(root, topic_serial, out->serial, ei);
	if (ret < 0)
		goto out;
	ret = proto_str(root, "tenant", out->tenant, sizeof(out->tenant), NULL, ei);
	if (ret < 0)
		goto out;
	if (!nc_valid_id(out->tenant)) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant", "tenant: `%s' is not a valid tenant id",
			      nc_quote(q, out->tenant, sizeof(out->tenant)));
		goto out;
	}
	if (topic_tenant && topic_tenant[0] && strcmp(out->tenant, topic_tenant) != 0) {
		ret = nc_fail(ei, NC_ERR_INVAL, "tenant",
			      "payload tenant `%s' differs from the topic's `%s'",
			      nc_quote(q, out->tenant, sizeof(out->tenant)),
			      nc_quote(qt, topic_tenant, SIZE_MAX));
		goto out;
	}
	ret = proto_int(root, "seq", 1, &out->seq, NULL, ei);
	if (ret < 0)
		goto out;
	ret = proto_hash(root, "config_hash", false, out->config_hash, ei);
	if (ret < 0)
		goto out;
	ret = proto_str(root, "issued_at", out->issued_at, sizeof(out->issued_at), NULL, ei);
	if (ret < 0)
		goto out;
	commands = json_object_get(root, "commands");
	if (!commands) {
		ret = nc_fail(ei, NC_ERR_INVAL, "commands", "commands is required");
		goto out;
	}
	ret = nc_proto_commands_check(commands, ei);
	if (ret < 0)
		goto out;
	out->commands = json_incref(commands);
out:
	if (ret < 0)
		nc_batch_clear(out);
	return ret;
}

int nc_proto_batch_encode(const struct nc_batch *b, char **out, size_t *len,
			  struct nc_errinfo *ei)
{
	struct nc_batch chk = { 0 };
	const char *bad = NULL;
	json_t *root;
	int ret;

	*out = NULL;
	if (len)
		*len = 0;
	root = proto_new(&bad);
	proto_put(root, "serial", PROTO_STR(b->serial), &bad);
	proto_put(root, "tenant", PROTO_STR(b->tenant), &bad);
	proto_put(root, "seq", json_integer(b->seq), &bad);
	proto_put(root, "config_hash", PROTO_STR(b->config_hash), &bad);
	proto_put(root, "issued_at", PROTO_STR(b->issued_at), &bad);
	if (b->commands) {
		/* Borrowed: the payload holds its own reference. */
		proto_put(root, "commands", json_incref(b->commands), &bad);
	}
	ret = proto_built(bad, ei);
	if (ret < 0)
		goto out;
	ret = batch_from_json(root, NULL, NULL, &chk, ei);
	if (ret < 0)
		goto out;
	ret = proto_dump(root, NC_PROTO_BATCH_MAX, out, len, ei);
out:
	nc_batch_clear(&chk);
	json_decref(root);
	return ret;
}

int nc_proto_batch_decode(const void *buf, size_t len, const char *topic_serial,
			  const char *topic_tenant, struct nc_batch *out, struct nc_errinfo *ei)
{
	json_t *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = proto_open(buf, len, NC_PROTO_BATCH_MAX, &root, ei);
	if (ret < 0)
		goto out;
	ret = batch_from_json(root, topic_serial, topic_tenant, out, ei);
out:
	json_decref(root);
	return ret;
}
