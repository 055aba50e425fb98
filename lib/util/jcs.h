/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_JCS_H
#define NC_UTIL_JCS_H

#include <stddef.h>

#include <jansson.h>

struct nc_errinfo;

/* Containers nested deeper than this are refused, so hostile input cannot exhaust the stack. */
#define NC_JCS_MAX_DEPTH 64

/*
 * RFC 8785 (JSON Canonicalization Scheme) serialization of v, restricted to
 * what the protocol allows: integers with |n| < 2^53, no reals.
 *
 * On success *out is a NUL-terminated heap string the caller frees and *len
 * (if len is not NULL) its length in bytes; the output may not contain a NUL
 * byte itself, as strings are escaped. v is borrowed and not modified.
 *
 * Errors (*out is NULL, *len 0, ei filled when not NULL; ei->field and the
 * message name the JSON path of the offending value, e.g. "[2].body.mtu",
 * relative to v, or "(top level)" for v itself):
 *   NC_ERR_RANGE  a real, an integer outside -(2^53-1)..2^53-1, or nesting
 *                 deeper than NC_JCS_MAX_DEPTH containers
 *   NC_ERR_INVAL  a string or object key that is not well-formed UTF-8
 */
int nc_jcs_encode(const json_t *v, char **out, size_t *len, struct nc_errinfo *ei);

/*
 * Lowercase hex SHA-256 of nc_jcs_encode(v) into hex (65 bytes with the NUL),
 * e.g. a batch's config_hash. Same errors as nc_jcs_encode, plus
 * NC_ERR_INTERNAL if hashing fails; hex is "" on error.
 */
int nc_jcs_sha256_hex(const json_t *v, char hex[65], struct nc_errinfo *ei);

#endif
