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
 * Output. Every object is a table of fields (encode.def), in output order,
 * that one walker turns into JSON. Every value helper returns a new
 * reference, NULL when jansson cannot build it; put() steals it and records
 * the failure, and finish() turns a failed object into NULL, so nothing
 * leaks on the way.
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

#define AT(T, m) .off = offsetof(T, m), .cap = sizeof(((T *)0)->m)

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

static json_t *connector_nat(const void *obj);
static json_t *connector_acl(const void *obj);
static json_t *connector_routes(const void *obj);
static json_t *sync_confirm(const void *obj);

/* clang-format off */
#define OBJECT(name)              static const struct field name##_fields[] = {
#define FIELD(T, kind, m)         {#m, F_##kind, AT(struct nc_##T, m)},
#define FIELD_AS(T, key, kind, m) {key, F_##kind, AT(struct nc_##T, m)},
#define ENUM(T, m, namer)         {#m, F_ENUM, AT(struct nc_##T, m), .name = namer##_int},
#define CUSTOM(key, fn)           {key, F_CUSTOM, .value = fn},
#define END                       };
/* clang-format on */
#include "encode.def"
#include "../util/count.h"

/* obj as the object of table name_fields[]. */
#define ENCODE(obj, name) encode(obj, name##_fields, NC_COUNT(name##_fields))
/* The n elements of array v as objects of table name_fields[]. */
#define ENCODE_LIST(v, n, name)                                                                    \
	encode_list(v, n, sizeof(*(v)), name##_fields, NC_COUNT(name##_fields))

json_t *nc_acl_to_json(const struct nc_acl_rule *v, size_t n)
{
	return ENCODE_LIST(v, n, acl_rule);
}

json_t *nc_routes_to_json(const struct nc_route *v, size_t n)
{
	return ENCODE_LIST(v, n, route);
}

static json_t *connector_nat(const void *obj)
{
	return ENCODE(obj, connector_nat);
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

/* The stored confirmation as JSON, null when there is none. */
static json_t *sync_confirm(const void *obj)
{
	const struct nc_sync *s = obj;
	json_t *confirm = NULL;

	if (s->last_confirm)
		confirm = json_loads(s->last_confirm, JSON_DECODE_ANY, NULL);
	return confirm ? confirm : json_null();
}

/* nc_<name>_to_json() of codec.h, for an object of table name_fields[]. */
#define TO_JSON(name)                                                                              \
	json_t *nc_##name##_to_json(const struct nc_##name *v)                                     \
	{                                                                                          \
		return ENCODE(v, name);                                                            \
	}
TO_JSON(tenant)
TO_JSON(token)
TO_JSON(edge)
TO_JSON(connector)
TO_JSON(peering)
TO_JSON(member)
TO_JSON(link)
TO_JSON(sync)
