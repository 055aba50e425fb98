/* SPDX-License-Identifier: MIT */
#ifndef NC_PROTO_INTERNAL_H
#define NC_PROTO_INTERNAL_H

/*
 * What the files of lib/proto share: opening a payload and reading the
 * fields every message has (common.c), and building payloads. Every
 * proto_* reader returns 0 or NC_ERR_INVAL with ei naming the field (which
 * `path` prefixes, as in json.h: "tunnels[3]"; NULL for the top level).
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_errinfo;

/*
 * Size limit (NC_ERR_TOOBIG), JSON without duplicate keys and an object at
 * the top (NC_ERR_PARSE), "v" == 1 (NC_ERR_INVAL). On success *root is a new
 * reference the caller releases; NULL on error.
 */
int proto_open(const void *buf, size_t len, size_t limit, json_t **root, struct nc_errinfo *ei);

/* "serial": a valid serial, equal to topic_serial unless that is NULL. */
int proto_serial(const json_t *o, const char *topic_serial, char out[NC_SERIAL_MAX],
		 struct nc_errinfo *ei);
/* A required string member that fits in n bytes. */
int proto_str(const json_t *o, const char *key, char *buf, size_t n, const char *path,
	      struct nc_errinfo *ei);
/* A required integer member in [min, NC_PROTO_INT_MAX]. */
int proto_int(const json_t *o, const char *key, int64_t min, int64_t *out, const char *path,
	      struct nc_errinfo *ei);
/* An optional integer member in [0, NC_PROTO_INT_MAX]; *out is -1 when it is absent. */
int proto_opt_int(const json_t *o, const char *key, int64_t *out, const char *path,
		  struct nc_errinfo *ei);
/* A hash member: 64 lowercase hex digits, or also "" when empty_ok. */
int proto_hash(const json_t *o, const char *key, bool empty_ok, char out[NC_HASH_HEX_MAX],
	       struct nc_errinfo *ei);
/* "agent": a string of at most NC_PROTO_AGENT_MAX - 1 bytes. */
int proto_agent(const json_t *o, char *out, struct nc_errinfo *ei);
/* Whether s is 64 lowercase hex digits. */
bool proto_is_hex64(const char *s);

/*
 * Building. proto_new() returns {"v":1} (NULL without memory). proto_put()
 * and proto_append() steal v, also when o or v is NULL, and record in *bad
 * the first key that could not be stored (a NULL v: a string that is not
 * UTF-8, or no memory). proto_fixed() makes a string of a fixed buffer of
 * cap bytes that may lack its NUL (validation then refuses it as too long).
 */
json_t *proto_new(const char **bad);
void proto_put(json_t *o, const char *key, json_t *v, const char **bad);
void proto_append(json_t *a, json_t *v, const char *what, const char **bad);
json_t *proto_fixed(const char *s, size_t cap);

#define PROTO_STR(x) proto_fixed((x), sizeof(x))

/* 0, or NC_ERR_INVAL naming bad (from proto_put()) when it is set. */
int proto_built(const char *bad, struct nc_errinfo *ei);

/*
 * The compact text of root (borrowed) into *out (heap, the caller frees)
 * and *len (if not NULL): 0, NC_ERR_TOOBIG over limit bytes, NC_ERR_NOMEM.
 * *out is NULL and *len 0 on error.
 */
int proto_dump(const json_t *root, size_t limit, char **out, size_t *len, struct nc_errinfo *ei);

#endif
