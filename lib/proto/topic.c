/* SPDX-License-Identifier: MIT */
#include "proto.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../model/validate.h"
#include "../util/err.h"
#include "../util/utf8.h"

#define PREFIX "VSR/"

/* One row per enum nc_msg, in its order. */
static const struct {
	const char *name;
	bool tenant; /* the topic may end with /{tenantId} */
	int qos;
	size_t limit;
} msgs[NC_MSG_COUNT] = {
	[NC_MSG_BATCH] = {"batch", true, 1, NC_PROTO_BATCH_MAX},
	[NC_MSG_CONFIRM] = {"confirm", true, 1, NC_PROTO_MSG_MAX},
	[NC_MSG_CONFIG_REQUEST] = {"config-request", true, 1, NC_PROTO_MSG_MAX},
	[NC_MSG_HEARTBEAT] = {"heartbeat", false, 0, NC_PROTO_MSG_MAX},
	[NC_MSG_TUNNEL_STATUS] = {"tunnel-status", false, 0, NC_PROTO_MSG_MAX},
	[NC_MSG_REGISTER] = {"register", false, 1, NC_PROTO_MSG_MAX},
};

const char *const nc_proto_core_filters[NC_PROTO_CORE_FILTERS + 1] = {
	PREFIX "+/confirm",	   PREFIX "+/confirm/+",
	PREFIX "+/config-request", PREFIX "+/config-request/+",
	PREFIX "+/heartbeat",	   PREFIX "+/tunnel-status",
	PREFIX "+/register",	   NULL,
};

static bool kind_ok(enum nc_msg kind)
{
	return (unsigned int)kind < NC_MSG_COUNT;
}

const char *nc_proto_msg_name(enum nc_msg kind)
{
	return kind_ok(kind) ? msgs[kind].name : "unknown";
}

int nc_proto_msg_qos(enum nc_msg kind)
{
	return kind_ok(kind) ? msgs[kind].qos : 1;
}

size_t nc_proto_msg_limit(enum nc_msg kind)
{
	return kind_ok(kind) ? msgs[kind].limit : NC_PROTO_MSG_MAX;
}

/* The kind whose name is the n bytes at s; -1 for none. */
static int kind_of(const char *s, size_t n)
{
	for (int i = 0; i < NC_MSG_COUNT; i++) {
		if (strlen(msgs[i].name) == n && memcmp(msgs[i].name, s, n) == 0)
			return i;
	}
	return -1;
}

int nc_proto_core_filter_qos(size_t i)
{
	/* Every filter is PREFIX "+/" kind, optionally followed by "/+". */
	const char *name;
	int kind;

	if (i >= NC_PROTO_CORE_FILTERS)
		return 1;
	name = nc_proto_core_filters[i] + strlen(PREFIX "+/");
	kind = kind_of(name, strcspn(name, "/"));
	return kind < 0 ? 1 : msgs[kind].qos;
}

/* Copies the n bytes at s into buf of cap bytes; false when they do not fit. */
static bool copy_level(char *buf, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

int nc_proto_topic_parse(const char *topic, enum nc_msg *kind, char serial[NC_SERIAL_MAX],
			 char tenant[NC_ID_MAX], struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	const char *s, *name, *end;
	int k = -1, ret = 0;

	serial[0] = '\0';
	tenant[0] = '\0';
	*kind = NC_MSG_BATCH;
	if (!topic || strncmp(topic, PREFIX, strlen(PREFIX)) != 0)
		goto bad;
	s = topic + strlen(PREFIX);
	name = strchr(s, '/');
	if (!name || !copy_level(serial, NC_SERIAL_MAX, s, (size_t)(name - s)) ||
	    !nc_valid_serial(serial))
		goto bad;
	name++;
	end = strchr(name, '/');
	k = kind_of(name, end ? (size_t)(end - name) : strlen(name));
	if (k < 0)
		goto bad;
	if (end) {
		/* A tenant level: one more, non-empty, a valid id, on a topic that takes one. */
		end++;
		if (!msgs[k].tenant || strchr(end, '/') ||
		    !copy_level(tenant, NC_ID_MAX, end, strlen(end)) || !nc_valid_id(tenant))
			goto bad;
	}
	*kind = (enum nc_msg)k;
	goto out;
bad:
	serial[0] = '\0';
	tenant[0] = '\0';
	ret = nc_fail(ei, NC_ERR_INVAL, "topic", "`%s' is not a netctl device topic",
		      topic ? nc_quote(q, topic, SIZE_MAX) : "");
out:
	return ret;
}

/* printf into buf (n bytes): 0, or NC_ERR_TOOBIG with buf "" when it does not fit. */
__attribute__((format(printf, 3, 4))) static int format(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < n)
		return 0;
	if (n > 0)
		buf[0] = '\0';
	return NC_ERR_TOOBIG;
}

int nc_proto_topic_format(enum nc_msg kind, const char *serial, const char *tenant, char *buf,
			  size_t n)
{
	bool with_tenant = tenant && tenant[0];
	int ret = 0;

	if (n > 0)
		buf[0] = '\0';
	if (!kind_ok(kind) || !nc_valid_serial(serial) || (with_tenant && !msgs[kind].tenant) ||
	    (with_tenant && !nc_valid_id(tenant))) {
		ret = NC_ERR_INVAL;
		goto out;
	}
	if (with_tenant)
		ret = format(buf, n, PREFIX "%s/%s/%s", serial, msgs[kind].name, tenant);
	else
		ret = format(buf, n, PREFIX "%s/%s", serial, msgs[kind].name);
out:
	return ret;
}

int nc_proto_device_filter(const char *serial, char *buf, size_t n)
{
	int ret = 0;

	if (n > 0)
		buf[0] = '\0';
	if (!nc_valid_serial(serial)) {
		ret = NC_ERR_INVAL;
		goto out;
	}
	ret = format(buf, n, PREFIX "%s/%s/#", serial, msgs[NC_MSG_BATCH].name);
out:
	return ret;
}
