/* SPDX-License-Identifier: MIT */
#include "validate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../util/err.h"
#include "../util/utf8.h"
#include "model.h"

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

#define ID_WHAT                                                                                    \
	"is not a valid id (lowercase letters, digits and '-', starting with a letter "            \
	"or digit, at most 63)"
#define SERIAL_WHAT                                                                                \
	"is not a valid serial (letters, digits, '.', '_' and '-', starting with a "               \
	"letter or digit, at most 63)"
#define NAME_WHAT   "is not a valid name (1 to 63 bytes of UTF-8 without control characters)"
#define REGION_WHAT "is not a valid region (1 to 63 bytes of UTF-8 without control characters)"
#define PEERING_WHAT                                                                               \
	"is not a valid peering name (letters, digits, '.', '_' and '-', "                         \
	"starting with a letter or digit, at most 63)"
#define ENDPOINT_WHAT "is not a valid endpoint (host:port or [IPv6]:port, port 1 to 65535)"
#define IFNAME_WHAT                                                                                \
	"is not a valid interface name (letters, digits, '.', '_' and '-', "                       \
	"starting with a letter or digit, at most 15)"
#define KEY_WHAT  "is not a valid WireGuard key (44 characters of base64 encoding 32 bytes)"
#define CIDR_WHAT "is not an IPv4 or IPv6 prefix"
#define IP_WHAT	  "is not an IPv4 or IPv6 address"

/* An address, or a prefix when len is set; addr holds 4 or 16 bytes. */
struct prefix {
	int family;
	unsigned char addr[16];
	unsigned int len;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

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
static bool parse_addr(const char *s, size_t n, struct prefix *p)
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

static bool parse_prefix(const char *s, struct prefix *p)
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
	if (!slash || !parse_addr(s, (size_t)(slash - s), p))
		return false;
	if (!parse_uint(slash + 1, n - (size_t)(slash + 1 - s), p->len, &len))
		return false;
	p->len = (unsigned int)len;
	return true;
}

static size_t addr_bytes(const struct prefix *p)
{
	return p->family == AF_INET ? 4 : 16;
}

/* Clears the host bits of p; returns whether any was set. */
static bool clear_host_bits(struct prefix *p)
{
	bool set = false;

	for (size_t i = 0; i < addr_bytes(p); i++) {
		unsigned int keep = p->len > i * 8 ? p->len - (unsigned int)i * 8 : 0;
		unsigned char mask = keep >= 8 ? 0xff : (unsigned char)(0xff << (8 - keep));

		if (p->addr[i] & ~mask)
			set = true;
		p->addr[i] &= mask;
	}
	return set;
}

bool nc_valid_ip(const char *s)
{
	struct prefix p;

	return s && parse_addr(s, strnlen(s, INET6_ADDRSTRLEN), &p);
}

bool nc_valid_cidr(const char *s, bool strict)
{
	struct prefix p;

	if (!parse_prefix(s, &p))
		return false;
	return !strict || !clear_host_bits(&p);
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
	struct prefix p;

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
		return parse_addr(s + 1, (size_t)(colon - s - 2), &p) && p.family == AF_INET6;
	}
	if (memchr(s, ':', (size_t)(colon - s)))
		return false;
	if (parse_addr(s, (size_t)(colon - s), &p))
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

/* Object validators. Every check_* returns 0 or NC_ERR_INVAL with ei filled. */

enum need { OPTIONAL, REQUIRED };

/* A fixed buffer of cap bytes must hold its NUL; "" passes when optional. */
static int check_str(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
		     enum need need)
{
	char q[NC_QUOTE_BUF];

	if (!memchr(v, '\0', cap))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' is longer than %zu bytes", field,
			       nc_quote(q, v, cap), cap - 1);
	if (!v[0] && need == REQUIRED)
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: a value is required", field);
	return 0;
}

static int check(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
		 enum need need, bool (*ok)(const char *), const char *what)
{
	char q[NC_QUOTE_BUF];
	int ret = check_str(ei, field, v, cap, need);

	if (ret < 0 || !v[0])
		return ret;
	if (!ok(v))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' %s", field, nc_quote(q, v, cap),
			       what);
	return 0;
}

int nc_new_serial_validate(const char *serial, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];

	if (!serial || !strchr(serial, '.'))
		return 0;
	return nc_fail(ei, NC_ERR_INVAL, "serial",
		       "serial: `%s' has a '.', which MQTT brokers such as RabbitMQ turn into a "
		       "topic level, so the device could never sync there; a new serial takes "
		       "letters, digits, '_' and '-'",
		       nc_quote(q, serial, NC_SERIAL_MAX));
}

static bool valid_region(const char *s)
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

/*
 * v (cap bytes) as a prefix into *p: strict refuses host bits and suggests
 * the subnet meant. "" is refused.
 */
static int check_prefix(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
			bool strict, struct prefix *p)
{
	char q[NC_QUOTE_BUF], net[INET6_ADDRSTRLEN];
	int ret = check_str(ei, field, v, cap, REQUIRED);

	if (ret < 0)
		return ret;
	if (!parse_prefix(v, p))
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' " CIDR_WHAT, field,
			       nc_quote(q, v, cap));
	if (strict && clear_host_bits(p)) {
		inet_ntop(p->family, p->addr, net, sizeof(net));
		return nc_fail(
			ei, NC_ERR_INVAL, field,
			"%s: `%s' is not a subnet: host bits are set (did you mean `%s/%u'?)",
			field, nc_quote(q, v, cap), net, p->len);
	}
	return 0;
}

/* Every entry a strict prefix, no two equal. field is the list's name. */
static int check_subnets(struct nc_errinfo *ei, const char *field, const struct nc_strlist *l)
{
	char f[64], q[NC_QUOTE_BUF];
	struct prefix p, other;
	int ret;

	if (l->n > 0 && !l->v)
		return nc_fail(ei, NC_ERR_INVAL, field, "%s: %zu entries but no list", field, l->n);
	for (size_t i = 0; i < l->n; i++) {
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (!l->v[i])
			return nc_fail(ei, NC_ERR_INVAL, f, "%s: a value is required", f);
		ret = check_prefix(ei, f, l->v[i], NC_CIDR_MAX, true, &p);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++) {
			/* Entries before i already parsed; compare canonical forms. */
			parse_prefix(l->v[j], &other);
			if (other.family == p.family && other.len == p.len &&
			    memcmp(other.addr, p.addr, sizeof(p.addr)) == 0)
				return nc_fail(ei, NC_ERR_INVAL, f, "%s: `%s' repeats %s[%zu]", f,
					       nc_quote(q, l->v[i], NC_CIDR_MAX), field, j);
		}
	}
	return 0;
}

/* "" is accepted: the device has not registered a key yet. */
static int check_public_key(struct nc_errinfo *ei, const char *v, size_t cap)
{
	return check(ei, "public_key", v, cap, OPTIONAL, nc_valid_wg_key, KEY_WHAT);
}

/* v (cap bytes) is one of the NULL-terminated words. */
static int check_word_in(struct nc_errinfo *ei, const char *field, const char *v, size_t cap,
			 const char *const *words, const char *list)
{
	char q[NC_QUOTE_BUF];
	int ret = check_str(ei, field, v, cap, REQUIRED);

	if (ret < 0)
		return ret;
	for (size_t i = 0; words[i]; i++) {
		if (strcmp(v, words[i]) == 0)
			return 0;
	}
	return nc_fail(ei, NC_ERR_INVAL, field, "%s: `%s' is not %s", field, nc_quote(q, v, cap),
		       list);
}

int nc_tenant_validate(const struct nc_tenant *t, struct nc_errinfo *ei)
{
	int ret;

	ret = check(ei, "id", t->id, sizeof(t->id), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret == 0)
		ret = check(ei, "name", t->name, sizeof(t->name), REQUIRED, nc_valid_name,
			    NAME_WHAT);
	return ret;
}

static bool valid_hash(const char *s)
{
	size_t n = strnlen(s, NC_HASH_HEX_MAX);

	if (n != NC_HASH_HEX_MAX - 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	}
	return true;
}

/* hash may be "" (not yet computed) or 64 lowercase hex digits. */
int nc_token_validate(const struct nc_token *t, struct nc_errinfo *ei)
{
	int ret;

	ret = check(ei, "id", t->id, sizeof(t->id), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", t->name, sizeof(t->name), REQUIRED, nc_valid_name, NAME_WHAT);
	if (ret < 0)
		return ret;
	if ((unsigned int)t->role > NC_ROLE_ENROLL)
		return nc_fail(ei, NC_ERR_INVAL, "role",
			       "role: %d is not viewer, operator, admin or enroll", (int)t->role);
	ret = check(ei, "tenant", t->tenant, sizeof(t->tenant), OPTIONAL, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "hash", t->hash, sizeof(t->hash), OPTIONAL, valid_hash,
		    "is not a SHA-256 in lowercase hex");
	if (ret < 0)
		return ret;
	if (t->expires_at < 0)
		return nc_fail(ei, NC_ERR_INVAL, "expires_at",
			       "expires_at: %lld is not a time (0 for never, or Unix seconds)",
			       (long long)t->expires_at);
	return 0;
}

/* The fields every device has. */
static int check_device(struct nc_errinfo *ei, const char *serial, const char *tenant,
			const char *name, const char *region)
{
	int ret;

	ret = check(ei, "serial", serial, NC_SERIAL_MAX, REQUIRED, nc_valid_serial, SERIAL_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "tenant", tenant, NC_ID_MAX, REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", name, NC_NAME_MAX, REQUIRED, nc_valid_name, NAME_WHAT);
	if (ret < 0)
		return ret;
	return check(ei, "region", region, NC_REGION_MAX, OPTIONAL, valid_region, REGION_WHAT);
}

int nc_edge_validate(const struct nc_edge *e, struct nc_errinfo *ei)
{
	int ret;

	ret = check_device(ei, e->serial, e->tenant, e->name, e->region);
	if (ret < 0)
		return ret;
	if ((unsigned int)e->kind > NC_EDGE_MTGE)
		return nc_fail(ei, NC_ERR_INVAL, "kind", "kind: %d is not dedicated or mtge",
			       (int)e->kind);
	ret = check(ei, "endpoint", e->endpoint, sizeof(e->endpoint), REQUIRED, nc_valid_endpoint,
		    ENDPOINT_WHAT);
	if (ret < 0)
		return ret;
	ret = check_subnets(ei, "lan_subnets", &e->lan_subnets);
	if (ret < 0)
		return ret;
	return check_public_key(ei, e->public_key, sizeof(e->public_key));
}

static const char *const acl_actions[] = {"accept", "drop", "reject", NULL};
static const char *const acl_protos[] = {"tcp", "udp", "icmp", "any", NULL};

/* src and dst are required and may have host bits set (iptables masks them). */
static int check_acl_rule(struct nc_errinfo *ei, size_t i, const struct nc_acl_rule *r)
{
	char f[64], q[NC_QUOTE_BUF], q2[NC_QUOTE_BUF];
	struct prefix src, dst;
	int ret;

	snprintf(f, sizeof(f), "acl[%zu].action", i);
	ret = check_word_in(ei, f, r->action, sizeof(r->action), acl_actions,
			    "accept, drop or reject");
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].proto", i);
	ret = check_word_in(ei, f, r->proto, sizeof(r->proto), acl_protos, "tcp, udp, icmp or any");
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].src", i);
	ret = check_prefix(ei, f, r->src, sizeof(r->src), false, &src);
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "acl[%zu].dst", i);
	ret = check_prefix(ei, f, r->dst, sizeof(r->dst), false, &dst);
	if (ret < 0)
		return ret;
	if (src.family != dst.family)
		return nc_fail(
			ei, NC_ERR_INVAL, f, "%s: `%s' is not of the address family of src `%s'", f,
			nc_quote(q, r->dst, sizeof(r->dst)), nc_quote(q2, r->src, sizeof(r->src)));
	snprintf(f, sizeof(f), "acl[%zu].dport", i);
	if (r->dport < 0 || r->dport > 65535)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s: %d is not a port (0 for any, 1 to 65535)",
			       f, r->dport);
	if (r->dport != 0 && strcmp(r->proto, "tcp") != 0 && strcmp(r->proto, "udp") != 0)
		return nc_fail(ei, NC_ERR_INVAL, f, "%s: %d needs proto tcp or udp, not `%s'", f,
			       r->dport, r->proto);
	return 0;
}

/* dst must be a subnet (ip route refuses host bits); via a plain address of its family. */
static int check_route(struct nc_errinfo *ei, size_t i, const struct nc_route *r)
{
	char f[64], q[NC_QUOTE_BUF], q2[NC_QUOTE_BUF];
	struct prefix dst, via;
	int ret;

	snprintf(f, sizeof(f), "routes[%zu].dst", i);
	ret = check_prefix(ei, f, r->dst, sizeof(r->dst), true, &dst);
	if (ret < 0)
		return ret;
	snprintf(f, sizeof(f), "routes[%zu].via", i);
	ret = check(ei, f, r->via, sizeof(r->via), REQUIRED, nc_valid_ip, IP_WHAT);
	if (ret < 0)
		return ret;
	parse_addr(r->via, strlen(r->via), &via);
	if (via.family != dst.family)
		return nc_fail(
			ei, NC_ERR_INVAL, f, "%s: `%s' is not of the address family of dst `%s'", f,
			nc_quote(q, r->via, sizeof(r->via)), nc_quote(q2, r->dst, sizeof(r->dst)));
	return 0;
}

/* A wan_interface set while NAT is off must still be valid: enabling NAT later uses it. */
int nc_connector_validate(const struct nc_connector *c, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret;

	ret = check_device(ei, c->serial, c->tenant, c->name, c->region);
	if (ret < 0)
		return ret;
	ret = check(ei, "hub_edge", c->hub_edge, sizeof(c->hub_edge), OPTIONAL, nc_valid_serial,
		    SERIAL_WHAT);
	if (ret < 0)
		return ret;
	if (c->hub_edge[0] && strcmp(c->hub_edge, c->serial) == 0)
		return nc_fail(ei, NC_ERR_INVAL, "hub_edge",
			       "hub_edge: `%s' is the connector itself",
			       nc_quote(q, c->hub_edge, sizeof(c->hub_edge)));
	ret = check(ei, "endpoint", c->endpoint, sizeof(c->endpoint), OPTIONAL, nc_valid_endpoint,
		    ENDPOINT_WHAT);
	if (ret < 0)
		return ret;
	ret = check_subnets(ei, "lan_subnets", &c->lan_subnets);
	if (ret < 0)
		return ret;
	ret = check(ei, "nat.wan_interface", c->wan_interface, sizeof(c->wan_interface),
		    c->nat_enabled ? REQUIRED : OPTIONAL, nc_valid_ifname, IFNAME_WHAT);
	if (ret < 0)
		return ret;
	if (c->n_acl > 0 && !c->acl)
		return nc_fail(ei, NC_ERR_INVAL, "acl", "acl: %zu rules but no list", c->n_acl);
	if (c->n_routes > 0 && !c->routes)
		return nc_fail(ei, NC_ERR_INVAL, "routes", "routes: %zu routes but no list",
			       c->n_routes);
	for (size_t i = 0; i < c->n_acl; i++) {
		ret = check_acl_rule(ei, i, &c->acl[i]);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < c->n_routes; i++) {
		ret = check_route(ei, i, &c->routes[i]);
		if (ret < 0)
			return ret;
	}
	if ((unsigned int)c->status > NC_STATUS_DECOMMISSIONED)
		return nc_fail(ei, NC_ERR_INVAL, "status", "status: %d is not a connector status",
			       (int)c->status);
	return check_public_key(ei, c->public_key, sizeof(c->public_key));
}

int nc_peering_validate(const struct nc_peering *p, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	int ret;

	ret = check(ei, "tenant", p->tenant, sizeof(p->tenant), REQUIRED, nc_valid_id, ID_WHAT);
	if (ret < 0)
		return ret;
	ret = check(ei, "name", p->name, sizeof(p->name), REQUIRED, valid_peering_name,
		    PEERING_WHAT);
	if (ret < 0)
		return ret;
	if ((unsigned int)p->topology > NC_TOPO_PARTIAL_MESH)
		return nc_fail(ei, NC_ERR_INVAL, "topology",
			       "topology: %d is not mesh, hub_spoke or partial_mesh",
			       (int)p->topology);
	if ((unsigned int)p->protocol > NC_PROTO_IPSEC)
		return nc_fail(ei, NC_ERR_INVAL, "protocol",
			       "protocol: %d is not wireguard or ipsec", (int)p->protocol);
	if (p->topology == NC_TOPO_HUB_SPOKE) {
		if (!p->hub[0])
			return nc_fail(ei, NC_ERR_INVAL, "hub",
				       "hub: topology hub_spoke needs a hub");
		return check(ei, "hub", p->hub, sizeof(p->hub), REQUIRED, nc_valid_serial,
			     SERIAL_WHAT);
	}
	ret = check_str(ei, "hub", p->hub, sizeof(p->hub), OPTIONAL);
	if (ret == 0 && p->hub[0])
		ret = nc_fail(ei, NC_ERR_INVAL, "hub",
			      "hub: `%s' is set but topology %s has no hub",
			      nc_quote(q, p->hub, sizeof(p->hub)), nc_topology_name(p->topology));
	return ret;
}
