/* SPDX-License-Identifier: MIT */
/* The model's structs as JSON (the output half of codec.h; decoding is in codec.c). */
#include "codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../util/json.h"
#include "../util/timefmt.h"
#include "model.h"

/*
 * Output. Every object is a table of fields, in output order, that one
 * walker turns into JSON. Every value helper returns a new reference, NULL
 * when jansson cannot build it; put() steals it and records the failure,
 * and finish() turns a failed object into NULL, so nothing leaks on the way.
 */

/* A fixed buffer as a JSON string; tolerates a buffer missing its NUL. */
static json_t *fixed(const char *s, size_t cap)
{
	return json_stringn(s, strnlen(s, cap));
}

/* As fixed(), but "" is JSON null. */
static json_t *fixed_or_null(const char *s, size_t cap)
{
	return s[0] ? fixed(s, cap) : json_null();
}

static json_t *jtime(int64_t t)
{
	char buf[NC_TIME_ISO_BUFSZ];

	if (t == 0)
		return json_null();
	nc_time_iso(t, buf);
	return json_string(buf);
}

/* o[key] = v, stealing v (also when v or o is NULL); *bad set on any failure. */
static void put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (json_object_set_new(o, key, v) < 0)
		*bad = true;
}

/* Appends v to a, stealing v; *bad set on failure. */
static void append(json_t *a, json_t *v, bool *bad)
{
	if (json_array_append_new(a, v) < 0)
		*bad = true;
}

static json_t *finish(json_t *o, bool bad)
{
	if (!bad)
		return o;
	json_decref(o);
	return NULL;
}

enum kind {
	F_STR,	    /* char[cap], a string */
	F_STR_NULL, /* char[cap], a string or, when "", null */
	F_TIME,	    /* int64_t Unix seconds, ISO 8601 or, when 0, null */
	F_I64,	    /* int64_t */
	F_INT,	    /* int */
	F_BOOL,	    /* bool */
	F_ENUM,	    /* an enum, by name() */
	F_STRLIST,  /* struct nc_strlist, an array of strings */
	F_CUSTOM,   /* value() builds it from the whole object */
};

struct field {
	const char *key;
	enum kind kind;
	size_t off; /* of the member in the struct */
	size_t cap; /* F_STR, F_STR_NULL: its size */
	const char *(*name)(int v);
	json_t *(*value)(const void *obj); /* a new reference */
};

#define AT(T, m)    .off = offsetof(T, m), .cap = sizeof(((T *)0)->m)
#define COUNT(rows) (sizeof(rows) / sizeof((rows)[0]))

/* The enums' names for F_ENUM rows, which store an int. */
#define NAMER(fn, T)                                                                               \
	static const char *fn##_int(int v)                                                         \
	{                                                                                          \
		_Static_assert(sizeof(T) == sizeof(int), #T " is stored as an int");               \
		return fn((T)v);                                                                   \
	}
NAMER(nc_role_name, enum nc_role)
NAMER(nc_edge_kind_name, enum nc_edge_kind)
NAMER(nc_status_name, enum nc_status)
NAMER(nc_topology_name, enum nc_topology)
NAMER(nc_protocol_name, enum nc_protocol)
NAMER(nc_device_type_name, enum nc_device_type)
NAMER(nc_link_status_name, enum nc_link_status)
NAMER(nc_sync_state_name, enum nc_sync_state)

static json_t *value(const struct field *f, const void *obj)
{
	const char *p = (const char *)obj + f->off;
	int64_t n;
	bool b;
	int i;

	switch (f->kind) {
	case F_STR:
		return fixed(p, f->cap);
	case F_STR_NULL:
		return fixed_or_null(p, f->cap);
	case F_TIME:
		memcpy(&n, p, sizeof(n));
		return jtime(n);
	case F_I64:
		memcpy(&n, p, sizeof(n));
		return json_integer(n);
	case F_INT:
		memcpy(&i, p, sizeof(i));
		return json_integer(i);
	case F_BOOL:
		memcpy(&b, p, sizeof(b));
		return json_boolean(b);
	case F_ENUM:
		memcpy(&i, p, sizeof(i));
		return json_string(f->name(i));
	case F_STRLIST:
		return nc_json_from_strlist((const struct nc_strlist *)(const void *)p);
	case F_CUSTOM:
		return f->value(obj);
	}
	return NULL;
}

/* obj as an object of the n fields; NULL without memory. */
static json_t *encode(const void *obj, const struct field *fields, size_t n)
{
	json_t *o = json_object();
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		put(o, fields[i].key, value(&fields[i], obj), &bad);
	return finish(o, bad);
}

/* The n elements of v, size bytes each, as an array of objects of nf fields. */
static json_t *encode_list(const void *v, size_t n, size_t size, const struct field *fields,
			   size_t nf)
{
	json_t *a = json_array();
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		append(a, encode((const char *)v + i * size, fields, nf), &bad);
	return finish(a, bad);
}

#define TENANT(m) AT(struct nc_tenant, m)

json_t *nc_tenant_to_json(const struct nc_tenant *t)
{
	static const struct field fields[] = {
		{"id", F_STR, TENANT(id)},
		{"name", F_STR, TENANT(name)},
		{"created_at", F_TIME, TENANT(created_at)},
	};

	return encode(t, fields, COUNT(fields));
}

#define TOKEN(m) AT(struct nc_token, m)

json_t *nc_token_to_json(const struct nc_token *t)
{
	/* Never t->hash. */
	static const struct field fields[] = {
		{"id", F_STR, TOKEN(id)},
		{"name", F_STR, TOKEN(name)},
		{"role", F_ENUM, TOKEN(role), .name = nc_role_name_int},
		{"tenant", F_STR_NULL, TOKEN(tenant)},
		{"created_at", F_TIME, TOKEN(created_at)},
		{"expires_at", F_TIME, TOKEN(expires_at)},
		{"revoked", F_BOOL, TOKEN(revoked)},
	};

	return encode(t, fields, COUNT(fields));
}

#define EDGE(m) AT(struct nc_edge, m)

json_t *nc_edge_to_json(const struct nc_edge *e)
{
	static const struct field fields[] = {
		{"serial", F_STR, EDGE(serial)},
		{"tenant", F_STR, EDGE(tenant)},
		{"name", F_STR, EDGE(name)},
		{"kind", F_ENUM, EDGE(kind), .name = nc_edge_kind_name_int},
		{"region", F_STR, EDGE(region)},
		{"endpoint", F_STR, EDGE(endpoint)},
		{"lan_subnets", F_STRLIST, EDGE(lan_subnets)},
		{"public_key", F_STR_NULL, EDGE(public_key)},
		{"pending_key", F_STR_NULL, EDGE(pending_key)},
		{"last_seen", F_TIME, EDGE(last_seen)},
		{"created_at", F_TIME, EDGE(created_at)},
		{"updated_at", F_TIME, EDGE(updated_at)},
	};

	return encode(e, fields, COUNT(fields));
}

#define ACL(m) AT(struct nc_acl_rule, m)

json_t *nc_acl_to_json(const struct nc_acl_rule *v, size_t n)
{
	static const struct field fields[] = {
		{"action", F_STR, ACL(action)}, {"proto", F_STR, ACL(proto)},
		{"src", F_STR, ACL(src)},	{"dst", F_STR, ACL(dst)},
		{"dport", F_INT, ACL(dport)},
	};

	return encode_list(v, n, sizeof(*v), fields, COUNT(fields));
}

#define ROUTE(m) AT(struct nc_route, m)

json_t *nc_routes_to_json(const struct nc_route *v, size_t n)
{
	static const struct field fields[] = {
		{"dst", F_STR, ROUTE(dst)},
		{"via", F_STR, ROUTE(via)},
	};

	return encode_list(v, n, sizeof(*v), fields, COUNT(fields));
}

#define CONNECTOR(m) AT(struct nc_connector, m)

static json_t *connector_nat(const void *obj)
{
	static const struct field fields[] = {
		{"enabled", F_BOOL, CONNECTOR(nat_enabled)},
		{"wan_interface", F_STR, CONNECTOR(wan_interface)},
	};

	return encode(obj, fields, COUNT(fields));
}

static json_t *connector_acl(const void *obj)
{
	const struct nc_connector *c = obj;

	return nc_acl_to_json(c->acl, c->n_acl);
}

static json_t *connector_routes(const void *obj)
{
	const struct nc_connector *c = obj;

	return nc_routes_to_json(c->routes, c->n_routes);
}

json_t *nc_connector_to_json(const struct nc_connector *c)
{
	static const struct field fields[] = {
		{"serial", F_STR, CONNECTOR(serial)},
		{"tenant", F_STR, CONNECTOR(tenant)},
		{"name", F_STR, CONNECTOR(name)},
		{"region", F_STR, CONNECTOR(region)},
		{"hub_edge", F_STR_NULL, CONNECTOR(hub_edge)},
		{"endpoint", F_STR_NULL, CONNECTOR(endpoint)},
		{"lan_subnets", F_STRLIST, CONNECTOR(lan_subnets)},
		{"nat", F_CUSTOM, .value = connector_nat},
		{"acl", F_CUSTOM, .value = connector_acl},
		{"routes", F_CUSTOM, .value = connector_routes},
		{"status", F_ENUM, CONNECTOR(status), .name = nc_status_name_int},
		{"last_seen", F_TIME, CONNECTOR(last_seen)},
		{"public_key", F_STR_NULL, CONNECTOR(public_key)},
		{"pending_key", F_STR_NULL, CONNECTOR(pending_key)},
		{"created_at", F_TIME, CONNECTOR(created_at)},
		{"updated_at", F_TIME, CONNECTOR(updated_at)},
	};

	return encode(c, fields, COUNT(fields));
}

#define PEERING(m) AT(struct nc_peering, m)

json_t *nc_peering_to_json(const struct nc_peering *p)
{
	static const struct field fields[] = {
		{"tenant", F_STR, PEERING(tenant)},
		{"name", F_STR, PEERING(name)},
		{"topology", F_ENUM, PEERING(topology), .name = nc_topology_name_int},
		{"protocol", F_ENUM, PEERING(protocol), .name = nc_protocol_name_int},
		{"dual_tunnel", F_BOOL, PEERING(dual_tunnel)},
		{"hub", F_STR_NULL, PEERING(hub)},
		{"created_at", F_TIME, PEERING(created_at)},
		{"updated_at", F_TIME, PEERING(updated_at)},
	};

	return encode(p, fields, COUNT(fields));
}

#define MEMBER(m) AT(struct nc_member, m)

json_t *nc_member_to_json(const struct nc_member *m)
{
	static const struct field fields[] = {
		{"serial", F_STR, MEMBER(serial)},
		{"type", F_ENUM, MEMBER(type), .name = nc_device_type_name_int},
	};

	return encode(m, fields, COUNT(fields));
}

#define LINK(m) AT(struct nc_link, m)

json_t *nc_link_to_json(const struct nc_link *l)
{
	/* spi_ab, spi_ba, key_ab and key_ba are secrets: never here. */
	static const struct field fields[] = {
		{"peering", F_STR, LINK(peering)},
		{"a", F_STR, LINK(a)},
		{"b", F_STR, LINK(b)},
		{"tunnel_index", F_INT, LINK(tunnel_index)},
		{"status", F_ENUM, LINK(status), .name = nc_link_status_name_int},
	};

	return encode(l, fields, COUNT(fields));
}

#define SYNC(m) AT(struct nc_sync, m)

/* The stored confirmation as JSON, null when there is none. */
static json_t *sync_confirm(const void *obj)
{
	const struct nc_sync *s = obj;
	json_t *confirm = NULL;

	if (s->last_confirm)
		confirm = json_loads(s->last_confirm, JSON_DECODE_ANY, NULL);
	return confirm ? confirm : json_null();
}

json_t *nc_sync_to_json(const struct nc_sync *s)
{
	/* Never s->last_batch: the API serves it on its own, redacted. */
	static const struct field fields[] = {
		{"serial", F_STR, SYNC(serial)},
		{"tenant", F_STR, SYNC(tenant)},
		{"state", F_ENUM, SYNC(state), .name = nc_sync_state_name_int},
		{"dirty_reason", F_STR_NULL, SYNC(dirty_reason)},
		{"fail_reason", F_STR_NULL, SYNC(fail_reason)},
		{"seq", F_I64, SYNC(seq)},
		{"config_hash", F_STR_NULL, SYNC(sent_hash)},
		{"confirmed_seq", F_I64, SYNC(confirmed_seq)},
		{"confirmed_hash", F_STR_NULL, SYNC(confirmed_hash)},
		{"attempts", F_INT, SYNC(attempts)},
		{"sent_at", F_TIME, SYNC(sent_at)},
		{"confirmed_at", F_TIME, SYNC(confirmed_at)},
		{"updated_at", F_TIME, SYNC(updated_at)},
		{"last_confirm", F_CUSTOM, .value = sync_confirm},
	};

	return encode(s, fields, COUNT(fields));
}
