/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_JSON_H
#define NC_UTIL_JSON_H

/*
 * Strict decoding of JSON objects (jansson) into C values, for request
 * bodies and wire messages. No I/O. Each getter returns 1 when the member
 * was present and stored, 0 when absent (and not required; *out untouched),
 * or a negative NC_ERR_* with ei naming the field:
 *   NC_ERR_INVAL  wrong type, too long, out of range, or required and absent
 * `path` prefixes field names in messages ("acl[0]"); NULL for the top.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_errinfo;
struct nc_strlist;

/* NC_ERR_INVAL naming the first member of obj not in the NULL-terminated
 * allowed list; 0 when there is none. */
int nc_json_only(const json_t *obj, const char *const *allowed, const char *path,
		 struct nc_errinfo *ei);

/* A string that fits in n bytes (NUL included) and has no NUL inside. */
int nc_json_str(const json_t *obj, const char *key, char *buf, size_t n, bool required,
		const char *path, struct nc_errinfo *ei);
/* As nc_json_str, but JSON null is accepted and stored as "". */
int nc_json_str_or_null(const json_t *obj, const char *key, char *buf, size_t n, bool required,
			const char *path, struct nc_errinfo *ei);
/* An integer in [min, max]. */
int nc_json_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
		bool required, const char *path, struct nc_errinfo *ei);
int nc_json_bool(const json_t *obj, const char *key, bool *out, bool required, const char *path,
		 struct nc_errinfo *ei);
/* An array of strings, each fitting in maxlen bytes; replaces *out. */
int nc_json_strlist(const json_t *obj, const char *key, size_t maxlen, struct nc_strlist *out,
		    bool required, const char *path, struct nc_errinfo *ei);

/* The kind of v for messages, a static string: "an object", "an array", "a
 * string", "an integer", "a number with a fraction", "a boolean" or "null". */
const char *nc_json_typename(const json_t *v);

/* A new JSON array holding copies of l's strings. */
json_t *nc_json_from_strlist(const struct nc_strlist *l);
/* json_string(s), or JSON null for NULL or "". */
json_t *nc_json_str_or_null_new(const char *s);

#endif
