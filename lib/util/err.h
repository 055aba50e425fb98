/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_ERR_H
#define NC_UTIL_ERR_H

/*
 * The one error enum. Functions return 0 or a negative NC_ERR_*; results go
 * through out-parameters. nc_strerror() never returns NULL.
 */
enum nc_err {
	NC_OK = 0,
	NC_ERR_NOMEM = -1,	  /* allocation failed */
	NC_ERR_INVAL = -2,	  /* a value is malformed or out of range */
	NC_ERR_NOTFOUND = -3,	  /* the named object does not exist */
	NC_ERR_EXISTS = -4,	  /* an object with that key already exists */
	NC_ERR_CONFLICT = -5,	  /* refused in the current state (409) */
	NC_ERR_IO = -6,		  /* a file or socket operation failed */
	NC_ERR_STORE = -7,	  /* the store failed or is unusable */
	NC_ERR_SCHEMA = -8,	  /* the store's schema is foreign or newer than ours */
	NC_ERR_PARSE = -9,	  /* bytes could not be parsed (malformed JSON, ...) */
	NC_ERR_RANGE = -10,	  /* a number outside what the contract allows */
	NC_ERR_UNAUTH = -11,	  /* no or bad credentials (401) */
	NC_ERR_FORBIDDEN = -12,	  /* authenticated but not allowed (403) */
	NC_ERR_TOOBIG = -13,	  /* a payload over its size limit */
	NC_ERR_UNREACHABLE = -14, /* a peer (server, broker) cannot be reached */
	NC_ERR_USAGE = -15,	  /* a command line that does not fit the command */
	NC_ERR_TIMEOUT = -16,	  /* a deadline passed */
	NC_ERR_INTERNAL = -17,	  /* a bug: an invariant did not hold */
	NC_ERR_NEVER_SEEN = -18,  /* a device never heard from cannot confirm (exit 5) */
};

#define NC_ERR_COUNT 19

/* A short, lowercase description of err (0 or a negative NC_ERR_*). */
const char *nc_strerror(int err);

/* The snake_case code used on the wire ("not_found", "conflict", ...). */
const char *nc_errcode(int err);

/*
 * Details of a failure for the user: which field and why. Filled by
 * validators and the store; msg is a complete sentence without a final dot.
 */
struct nc_errinfo {
	int code;
	char field[64];
	char msg[256];
};

/*
 * Records err with an optional field name and a printf message in ei (which
 * may be NULL) and returns err, so callers can write `return nc_fail(...)`.
 */
int nc_fail(struct nc_errinfo *ei, int err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Places the failure ei records inside where ("items[3]"): the field becomes
 * "items[3].lan_subnets[0]" (where alone when there was none) and the
 * message "items[3]: " and what it was. Returns ei's code.
 */
int nc_fail_within(struct nc_errinfo *ei, const char *where);

#endif
