/* SPDX-License-Identifier: MIT */
#ifndef NC_MODEL_PREFIX_H
#define NC_MODEL_PREFIX_H

/* Addresses and prefixes as bytes (validate_str.c), for whoever compares them. */

#include <stdbool.h>
#include <stddef.h>

/* An address, or a prefix when len is set; addr holds 4 or 16 bytes. */
struct nc_prefix {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned int len;
};

/* The address in s[0..n) (not NUL-terminated there) into *p; false when it is none. */
bool nc_prefix_parse_addr(const char *s, size_t n, struct nc_prefix *p);
/* "addr/len" into *p; false when s is not a prefix. */
bool nc_prefix_parse(const char *s, struct nc_prefix *p);
/* Clears the host bits of p; returns whether any was set. */
bool nc_prefix_clear_host_bits(struct nc_prefix *p);
/* The bytes of p's address: 4 or 16. */
size_t nc_prefix_bytes(const struct nc_prefix *p);
/* Sets the host bits of p: its last address. */
void nc_prefix_set_host_bits(struct nc_prefix *p);

#endif
