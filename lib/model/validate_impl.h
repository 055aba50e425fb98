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

#include "prefix.h"

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A region: the name rule, below NC_REGION_MAX bytes. */
bool nc_valid_region(const char *s);

#endif
