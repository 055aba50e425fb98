/* SPDX-License-Identifier: MIT */
#ifndef NC_UTIL_UTF8_H
#define NC_UTIL_UTF8_H

/*
 * UTF-8 decoding and the safe quoting of user values in messages. No I/O,
 * no allocation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output bytes of a quoted value before it is cut with "...". */
#define NC_QUOTE_KEEP 64
/* Size of the buffer nc_quote() writes: NC_QUOTE_KEEP, "..." and the NUL. */
#define NC_QUOTE_BUF (NC_QUOTE_KEEP + 4)

/*
 * Decodes the one well-formed UTF-8 sequence at the start of s[0..n), n > 0,
 * into *cp. Returns its length (1..4), or 0 if it is malformed (RFC 3629:
 * overlong, a surrogate, above U+10FFFF, truncated by n); *cp is then
 * unspecified.
 */
size_t nc_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * True for the code points that must never reach a terminal raw: C0, DEL,
 * C1, the line and paragraph separators U+2028/U+2029 and the bidi
 * controls U+202A..U+202E and U+2066..U+2069.
 */
bool nc_utf8_is_control(uint32_t cp);

/*
 * The length of the longest prefix of s[0..len) that does not end inside a
 * multi-byte sequence: len, less the bytes of a lead byte and its
 * continuations at the end when they are fewer than the lead announces.
 * Cutting a well-formed string there leaves it well-formed.
 */
size_t nc_utf8_trim(const char *s, size_t len);

/*
 * Writes into buf a copy of s, read up to its NUL or cap bytes (SIZE_MAX for
 * a plain C string), that is safe to print on a terminal and in JSON:
 * backslash doubled; controls (nc_utf8_is_control()) and malformed UTF-8 as
 * \xNN, one byte at a time; cut with "..." after NC_QUOTE_KEEP bytes, and
 * also when s fills all cap bytes without a NUL (the value overflowed its
 * buffer). The result is well-formed UTF-8. Returns buf.
 */
const char *nc_quote(char buf[NC_QUOTE_BUF], const char *s, size_t cap);

#endif
