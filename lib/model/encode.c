/* SPDX-License-Identifier: MIT */
/* The model's structs as JSON (the output half of codec.h; decoding is in codec.c). */
#include "codec.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../util/json.h"
#include "../util/timefmt.h"
#include "model.h"

/*
 * Output. Every value helper returns a new reference, NULL when jansson
 * cannot build it; put() steals it and records the failure, and finish()
 * turns a failed object into NULL, so nothing leaks on the way.
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

#define STR(x)	   fixed((x), sizeof(x))
#define STRNULL(x) fixed_or_null((x), sizeof(x))

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

json_t *nc_tenant_to_json(const struct nc_tenant *t)
{
	json_t *o = json_object();
	bool bad = false;

	put(o, "id", STR(t->id), &bad);
	put(o, "name", STR(t->name), &bad);
	put(o, "created_at", jtime(t->created_at), &bad);
	return finish(o, bad);
}

json_t *nc_token_to_json(const struct nc_token *t)
{
	json_t *o = json_object();
	bool bad = false;

	/* Never t->hash. */
	put(o, "id", STR(t->id), &bad);
	put(o, "name", STR(t->name), &bad);
	put(o, "role", json_string(nc_role_name(t->role)), &bad);
	put(o, "tenant", STRNULL(t->tenant), &bad);
	put(o, "created_at", jtime(t->created_at), &bad);
	put(o, "expires_at", jtime(t->expires_at), &bad);
	put(o, "revoked", json_boolean(t->revoked), &bad);
	return finish(o, bad);
}

json_t *nc_edge_to_json(const struct nc_edge *e)
{
	json_t *o = json_object();
	bool bad = false;

	put(o, "serial", STR(e->serial), &bad);
	put(o, "tenant", STR(e->tenant), &bad);
	put(o, "name", STR(e->name), &bad);
	put(o, "kind", json_string(nc_edge_kind_name(e->kind)), &bad);
	put(o, "region", STR(e->region), &bad);
	put(o, "endpoint", STR(e->endpoint), &bad);
	put(o, "lan_subnets", nc_json_from_strlist(&e->lan_subnets), &bad);
	put(o, "public_key", STRNULL(e->public_key), &bad);
	put(o, "pending_key", STRNULL(e->pending_key), &bad);
	put(o, "last_seen", jtime(e->last_seen), &bad);
	put(o, "created_at", jtime(e->created_at), &bad);
	put(o, "updated_at", jtime(e->updated_at), &bad);
	return finish(o, bad);
}

json_t *nc_acl_to_json(const struct nc_acl_rule *v, size_t n)
{
	json_t *a = json_array();
	bool bad = false;

	for (size_t i = 0; i < n; i++) {
		json_t *r = json_object();
		bool rbad = false;

		put(r, "action", STR(v[i].action), &rbad);
		put(r, "proto", STR(v[i].proto), &rbad);
		put(r, "src", STR(v[i].src), &rbad);
		put(r, "dst", STR(v[i].dst), &rbad);
		put(r, "dport", json_integer(v[i].dport), &rbad);
		append(a, finish(r, rbad), &bad);
	}
	return finish(a, bad);
}

json_t *nc_routes_to_json(const struct nc_route *v, size_t n)
{
	json_t *a = json_array();
	bool bad = false;

	for (size_t i = 0; i < n; i++) {
		json_t *r = json_object();
		bool rbad = false;

		put(r, "dst", STR(v[i].dst), &rbad);
		put(r, "via", STR(v[i].via), &rbad);
		append(a, finish(r, rbad), &bad);
	}
	return finish(a, bad);
}

json_t *nc_connector_to_json(const struct nc_connector *c)
{
	json_t *o = json_object(), *nat = json_object();
	bool bad = false, nbad = false;

	put(nat, "enabled", json_boolean(c->nat_enabled), &nbad);
	put(nat, "wan_interface", STR(c->wan_interface), &nbad);

	put(o, "serial", STR(c->serial), &bad);
	put(o, "tenant", STR(c->tenant), &bad);
	put(o, "name", STR(c->name), &bad);
	put(o, "region", STR(c->region), &bad);
	put(o, "hub_edge", STRNULL(c->hub_edge), &bad);
	put(o, "endpoint", STRNULL(c->endpoint), &bad);
	put(o, "lan_subnets", nc_json_from_strlist(&c->lan_subnets), &bad);
	put(o, "nat", finish(nat, nbad), &bad);
	put(o, "acl", nc_acl_to_json(c->acl, c->n_acl), &bad);
	put(o, "routes", nc_routes_to_json(c->routes, c->n_routes), &bad);
	put(o, "status", json_string(nc_status_name(c->status)), &bad);
	put(o, "last_seen", jtime(c->last_seen), &bad);
	put(o, "public_key", STRNULL(c->public_key), &bad);
	put(o, "pending_key", STRNULL(c->pending_key), &bad);
	put(o, "created_at", jtime(c->created_at), &bad);
	put(o, "updated_at", jtime(c->updated_at), &bad);
	return finish(o, bad);
}

json_t *nc_peering_to_json(const struct nc_peering *p)
{
	json_t *o = json_object();
	bool bad = false;

	put(o, "tenant", STR(p->tenant), &bad);
	put(o, "name", STR(p->name), &bad);
	put(o, "topology", json_string(nc_topology_name(p->topology)), &bad);
	put(o, "protocol", json_string(nc_protocol_name(p->protocol)), &bad);
	put(o, "dual_tunnel", json_boolean(p->dual_tunnel), &bad);
	put(o, "hub", STRNULL(p->hub), &bad);
	put(o, "created_at", jtime(p->created_at), &bad);
	put(o, "updated_at", jtime(p->updated_at), &bad);
	return finish(o, bad);
}

json_t *nc_member_to_json(const struct nc_member *m)
{
	json_t *o = json_object();
	bool bad = false;

	put(o, "serial", STR(m->serial), &bad);
	put(o, "type", json_string(nc_device_type_name(m->type)), &bad);
	return finish(o, bad);
}

json_t *nc_link_to_json(const struct nc_link *l)
{
	json_t *o = json_object();
	bool bad = false;

	/* spi_ab, spi_ba, key_ab and key_ba are secrets: never here. */
	put(o, "peering", STR(l->peering), &bad);
	put(o, "a", STR(l->a), &bad);
	put(o, "b", STR(l->b), &bad);
	put(o, "tunnel_index", json_integer(l->tunnel_index), &bad);
	put(o, "status", json_string(nc_link_status_name(l->status)), &bad);
	return finish(o, bad);
}

json_t *nc_sync_to_json(const struct nc_sync *s)
{
	json_t *o = json_object(), *confirm = NULL;
	bool bad = false;

	if (s->last_confirm)
		confirm = json_loads(s->last_confirm, JSON_DECODE_ANY, NULL);
	/* Never s->last_batch: the API serves it on its own, redacted. */
	put(o, "serial", STR(s->serial), &bad);
	put(o, "tenant", STR(s->tenant), &bad);
	put(o, "state", json_string(nc_sync_state_name(s->state)), &bad);
	put(o, "dirty_reason", STRNULL(s->dirty_reason), &bad);
	put(o, "fail_reason", STRNULL(s->fail_reason), &bad);
	put(o, "seq", json_integer(s->seq), &bad);
	put(o, "config_hash", STRNULL(s->sent_hash), &bad);
	put(o, "confirmed_seq", json_integer(s->confirmed_seq), &bad);
	put(o, "confirmed_hash", STRNULL(s->confirmed_hash), &bad);
	put(o, "attempts", json_integer(s->attempts), &bad);
	put(o, "sent_at", jtime(s->sent_at), &bad);
	put(o, "confirmed_at", jtime(s->confirmed_at), &bad);
	put(o, "updated_at", jtime(s->updated_at), &bad);
	put(o, "last_confirm", confirm ? confirm : json_null(), &bad);
	return finish(o, bad);
}
