/* SPDX-License-Identifier: MIT */
/* The grammar of strings (validate.h's nc_valid_*); the object validators are in validate.c. */
#include "validate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/utf8.h"
#include "model.h"
#include "validate_impl.h"

/*
 * What is accepted, exactly (lengths in bytes, always below the model's
 * buffer sizes, so a string of NC_*_MAX bytes never fits):
 *
 *   id        [a-z0-9][a-z0-9-]{0,62}
 *   serial    [A-Za-z0-9][A-Za-z0-9._-]{0,62}
 *   name      1..63 bytes of well-formed UTF-8 without control characters:
 *             C0, DEL, C1, and the Unicode controls that reorder or break
 *             lines on a terminal (U+2028, U+2029, U+202A-U+202E,
 *             U+2066-U+2069). Region uses the same rule.
 *   peering name
 *             the serial rule, [A-Za-z0-9][A-Za-z0-9._-]{0,62}: safe in a URL
 *             path and on a command line (never ".", ".." or "-x")
 *   ip        what inet_pton(3) accepts for AF_INET or AF_INET6: dotted quad
 *             without leading zeros, no zone id ("%eth0")
 *   cidr      ip "/" len, len 0..32 or 0..128 in decimal, no sign and no
 *             leading zero ("0" itself is fine)
 *   endpoint  host ":" port or "[" IPv6 "]" ":" port, < NC_ENDPOINT_MAX;
 *             host an IPv4 address or an RFC 1123 host name (labels of
 *             [A-Za-z0-9-]{1,63} not starting or ending in '-', at most 253
 *             bytes, no trailing dot, last label not all digits so that
 *             "1.2.3.256" is not taken for a name); port 1..65535 in decimal,
 *             no sign and no leading zero ("01", "+1" are refused)
 *   ifname    [A-Za-z0-9][A-Za-z0-9._-]{0,14}: a subset of what Linux allows
 *             that is never "." or "..", never looks like an option to
 *             ip(8) or iptables(8) and needs no quoting in a shell
 *   wg key    44 bytes: 42 of the standard base64 alphabet, one more whose
 *             two low bits are zero (32 bytes end there), then '='
 */

/* Letters, digits and `extra`, first a letter or digit, 1..max bytes; lower: a-z only. */
static bool valid_word(const char *s, size_t max, const char *extra, bool lower)
{
	size_t n;

	if (!s || !is_alnum((unsigned char)s[0]))
		return false;
	for (n = 0; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= max)
			return false;
		if (lower && c >= 'A' && c <= 'Z')
			return false;
		if (!is_alnum(c) && !strchr(extra, c))
			return false;
	}
	return true;
}

bool nc_valid_id(const char *s)
{
	return valid_word(s, NC_ID_MAX - 1, "-", true);
}

bool nc_valid_serial(const char *s)
{
	return valid_word(s, NC_SERIAL_MAX - 1, "._-", false);
}

bool nc_valid_ifname(const char *s)
{
	return valid_word(s, NC_IFNAME_MAX - 1, "._-", false);
}

static bool valid_text(const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	if (!s)
		return false;
	n = strnlen(s, max + 1);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = nc_utf8_next(u + i, n - i, &cp);

		if (len == 0 || nc_utf8_is_control(cp))
			return false;
		i += len;
	}
	return true;
}

bool nc_valid_name(const char *s)
{
	return valid_text(s, NC_NAME_MAX - 1);
}

/* Parses the address in s[0..n) (not NUL-terminated there). */
bool nc_prefix_parse_addr(const char *s, size_t n, struct nc_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		p->len = 32;
		return true;
	}
	if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		p->len = 128;
		return true;
	}
	return false;
}

/* Decimal s[0..n) in 0..max, without sign or leading zero. */
static bool parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool nc_prefix_parse(const char *s, struct nc_prefix *p)
{
	const char *slash;
	size_t n;
	unsigned long len;

	if (!s)
		return false;
	n = strnlen(s, NC_CIDR_MAX);
	if (n >= NC_CIDR_MAX)
		return false;
	slash = memchr(s, '/', n);
	if (!slash || !nc_prefix_parse_addr(s, (size_t)(slash - s), p))
		return false;
	if (!parse_uint(slash + 1, n - (size_t)(slash + 1 - s), p->len, &len))
		return false;
	p->len = (unsigned int)len;
	return true;
}

size_t nc_prefix_bytes(const struct nc_prefix *p)
{
	return p->family == AF_INET ? 4 : 16;
}

/* Clears the host bits of p; returns whether any was set. */
bool nc_prefix_clear_host_bits(struct nc_prefix *p)
{
	bool set = false;

	for (size_t i = 0; i < nc_prefix_bytes(p); i++) {
		unsigned int keep = p->len > i * 8 ? p->len - (unsigned int)i * 8 : 0;
		unsigned char mask = keep >= 8 ? 0xff : (unsigned char)(0xff << (8 - keep));

		if (p->addr[i] & ~mask)
			set = true;
		p->addr[i] &= mask;
	}
	return set;
}

void nc_prefix_set_host_bits(struct nc_prefix *p)
{
	for (size_t i = 0; i < nc_prefix_bytes(p); i++) {
		unsigned int keep = p->len > i * 8 ? p->len - (unsigned int)i * 8 : 0;

		if (keep < 8)
			p->addr[i] |= (unsigned char)(0xff >> keep);
	}
}

bool nc_valid_ip(const char *s)
{
	struct nc_prefix p;

	return s && nc_prefix_parse_addr(s, strnlen(s, INET6_ADDRSTRLEN), &p);
}

bool nc_valid_cidr(const char *s, bool strict)
{
	struct nc_prefix p;

	if (!nc_prefix_parse(s, &p))
		return false;
	return !strict || !nc_prefix_clear_host_bits(&p);
}

/* An RFC 1123 host name in s[0..n); see the table at the top. */
static bool valid_hostname(const char *s, size_t n)
{
	size_t label = 0;
	bool digits = true;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			if (i == n && digits)
				return false;
			label = 0;
			digits = true;
			continue;
		}
		if (!is_alnum(c) && !(c == '-' && label > 0))
			return false;
		label++;
		if (label > 63)
			return false;
		if (!is_digit(c))
			digits = false;
	}
	return true;
}

bool nc_valid_endpoint(const char *s)
{
	const char *colon;
	size_t n;
	unsigned long port;
	struct nc_prefix p;

	if (!s)
		return false;
	n = strnlen(s, NC_ENDPOINT_MAX);
	if (n == 0 || n >= NC_ENDPOINT_MAX)
		return false;
	colon = memrchr(s, ':', n);
	if (!colon || !parse_uint(colon + 1, n - (size_t)(colon + 1 - s), 65535, &port) ||
	    port == 0)
		return false;
	if (s[0] == '[') {
		if (colon - s < 2 || colon[-1] != ']')
			return false;
		return nc_prefix_parse_addr(s + 1, (size_t)(colon - s - 2), &p) &&
		       p.family == AF_INET6;
	}
	if (memchr(s, ':', (size_t)(colon - s)))
		return false;
	if (nc_prefix_parse_addr(s, (size_t)(colon - s), &p))
		return p.family == AF_INET;
	return valid_hostname(s, (size_t)(colon - s));
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool nc_valid_wg_key(const char *s)
{
	if (!s || strnlen(s, NC_KEY_B64_MAX) != NC_KEY_B64_MAX - 1 || s[43] != '=')
		return false;
	for (size_t i = 0; i < 43; i++) {
		if (b64_value((unsigned char)s[i]) < 0)
			return false;
	}
	/* 32 bytes = 42 full characters + 4 bits: the last one carries 2 zero bits. */
	return (b64_value((unsigned char)s[42]) & 3) == 0;
}

bool nc_valid_region(const char *s)
{
	return valid_text(s, NC_REGION_MAX - 1);
}

static bool valid_peering_name(const char *s)
{
	return valid_word(s, NC_NAME_MAX - 1, "._-", false);
}

bool nc_valid_peering_name(const char *s)
{
	return valid_peering_name(s);
}
