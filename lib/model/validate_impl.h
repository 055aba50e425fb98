/* SPDX-License-Identifier: MIT */
#ifndef NC_MODEL_VALIDATE_IMPL_H
#define NC_MODEL_VALIDATE_IMPL_H

/*
 * Inside validation: shared by validate_str.c (the grammar of strings:
 * ids, names, addresses, prefixes, endpoints, keys) and validate.c (the
 * object validators built on it). Not part of validate.h.
 */

#include <stdbool.h>
#include <stddef.h>

/* An address, or a prefix when len is set; addr holds 4 or 16 bytes. */
struct nc_prefix {
	int family;
	unsigned char addr[16];
	unsigned int len;
};

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The address in s[0..n) (not NUL-terminated there) into *p; false when it is none. */
bool nc_prefix_parse_addr(const char *s, size_t n, struct nc_prefix *p);
/* "addr/len" into *p; false when s is not a prefix. */
bool nc_prefix_parse(const char *s, struct nc_prefix *p);
/* Clears the host bits of p; returns whether any was set. */
bool nc_prefix_clear_host_bits(struct nc_prefix *p);
/* A region: the name rule, below NC_REGION_MAX bytes. */
bool nc_valid_region(const char *s);

#endif
