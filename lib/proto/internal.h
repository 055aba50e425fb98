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
/* A string member of at most n - 1 bytes that valid() accepts, or also ""
 * when empty_ok; else the error says it is not what. out is "" on failure. */
int proto_checked_str(const json_t *o, const char *key, bool empty_ok, bool (*valid)(const char *),
		      const char *what, char *out, size_t n, struct nc_errinfo *ei);
/* A hash member: 64 lowercase hex digits, or also "" when empty_ok. */
int proto_hash(const json_t *o, const char *key, bool empty_ok, char out[NC_HASH_HEX_MAX],
	       struct nc_errinfo *ei);
/* "agent": a string of at most NC_PROTO_AGENT_MAX - 1 bytes. */
int proto_agent(const json_t *o, char *out, struct nc_errinfo *ei);
/* The required array member key of o into *out (borrowed; NULL when absent). */
int proto_array(const json_t *o, const char *key, const json_t **out, struct nc_errinfo *ei);
/* Element i of array key, e, must be an object; path receives "key[i]" (n bytes). */
int proto_element(const json_t *e, const char *key, size_t i, char *path, size_t n,
		  struct nc_errinfo *ei);
/* As proto_element(), then the element's required "index" member (>= 0) into *idx. */
int proto_indexed(const json_t *e, const char *key, size_t i, char *path, size_t n, int64_t *idx,
		  struct nc_errinfo *ei);
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

/*
 * Messages described once: a table of fields per message type drives one
 * decoder and one encoder (fields.c). Fields are decoded in table order
 * (the first bad one is the one reported) and encoded in that order. A new
 * field is one row.
 */

/* What a decode knows besides the payload: the topic's serial and tenant (may be NULL). */
struct proto_ctx {
	const char *topic_serial;
	const char *topic_tenant;
	size_t limit; /* the largest payload, in bytes; 0: the message's own */
};

enum proto_ftype {
	PF_SERIAL,  /* "serial": a valid serial, equal to the topic's (char[NC_SERIAL_MAX]) */
	PF_STR,	    /* a required string in a char[size] */
	PF_OPT_STR, /* a string in a char[size], absent or null: ""; encoded only when set */
	PF_INT,	    /* a required integer in [min, NC_PROTO_INT_MAX] (int64_t) */
	PF_OPT_INT, /* as PF_INT but optional: absent is 0, and 0 is not encoded */
	PF_HASH,    /* 64 lowercase hex digits, or "" with PF_EMPTY_OK (char[NC_HASH_HEX_MAX]) */
	PF_WGKEY,   /* a WireGuard public key, or "" with PF_EMPTY_OK (char[NC_KEY_B64_MAX]) */
	PF_ENUM,    /* a string, one of names[], stored as its index (an enum) */
	PF_CUSTOM,  /* read and write do it all */
};

#define PF_EMPTY_OK 1u

struct proto_field {
	const char *key;
	enum proto_ftype type;
	size_t off;  /* of the member in the message struct */
	size_t size; /* PF_STR, PF_OPT_STR, PF_ENUM: the buffer the string is read into */
	unsigned flags;
	int64_t min;		  /* PF_INT */
	const char *const *names; /* PF_ENUM: count names; what lists them for errors */
	size_t count;
	const char *what;
	/* PF_CUSTOM: read fills msg from root (borrowed), as the proto_* readers do;
	 * write puts the member into root, recording a failure in *bad (proto_put). */
	int (*read)(const json_t *root, const struct proto_ctx *ctx, void *msg,
		    struct nc_errinfo *ei);
	void (*write)(json_t *root, const void *msg, const char **bad);
	/* Optional, after a typed read succeeded: the rules the type cannot say
	 * (a valid id, agreement with the topic or with another member). */
	int (*check)(const json_t *root, const struct proto_ctx *ctx, void *msg,
		     struct nc_errinfo *ei);
};

struct proto_msg {
	size_t size;			  /* of the message struct */
	const struct proto_field *fields; /* count rows */
	size_t count;
	void (*clear)(void *msg); /* releases what a decode allocated; NULL: nothing */
	size_t limit;		  /* the largest payload, in bytes */
};

/* The description of a message struct T with the rows of array fields. */
#define PROTO_MSG(T, rows, clear_fn, max)                                                          \
	{                                                                                          \
		.size = sizeof(T), .fields = (rows), .count = sizeof(rows) / sizeof((rows)[0]),    \
		.clear = (clear_fn), .limit = (max)                                                \
	}

/* The offset and size of member mem of struct T, for a row. */
#define PROTO_AT(T, mem) .off = offsetof(T, mem), .size = sizeof(((T *)0)->mem)

/*
 * The string member key of o, one of names (count entries), as its index in
 * *out; NC_ERR_INVAL naming the choices (what) when it is none of them.
 */
int proto_enum(const json_t *o, const char *key, const char *const *names, size_t count,
	       const char *what, int *out, struct nc_errinfo *ei);

/* Fills out (m->size bytes, zeroed first) from root (borrowed); on error out owns nothing
 * and is zeroed. */
int proto_msg_from_json(const struct proto_msg *m, const json_t *root, const struct proto_ctx *ctx,
			void *out, struct nc_errinfo *ei);
/* proto_open (at most m->limit bytes) and proto_msg_from_json. */
int proto_msg_decode(const struct proto_msg *m, const void *buf, size_t len,
		     const struct proto_ctx *ctx, void *out, struct nc_errinfo *ei);
/* Encodes msg into *out (heap, the caller frees) and *len (may be NULL), refusing what its
 * own decoder would refuse and payloads over limit bytes (0: m->limit). */
int proto_msg_encode(const struct proto_msg *m, const void *msg, size_t limit, char **out,
		     size_t *len, struct nc_errinfo *ei);

/* Defines the pair NC_PROTO_CODEC(name, T) declares (proto.h), of the description msg. */
#define PROTO_CODEC(name, T, msg)                                                                  \
	int nc_proto_##name##_encode(const T *m, char **out, size_t *len, struct nc_errinfo *ei)   \
	{                                                                                          \
		return proto_msg_encode(&(msg), m, 0, out, len, ei);                               \
	}                                                                                          \
	int nc_proto_##name##_decode(const void *buf, size_t len, const char *topic_serial,        \
				     T *out, struct nc_errinfo *ei)                                \
	{                                                                                          \
		const struct proto_ctx ctx = {topic_serial, NULL, 0};                              \
                                                                                                   \
		return proto_msg_decode(&(msg), buf, len, &ctx, out, ei);                          \
	}

#endif
