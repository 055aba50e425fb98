/* SPDX-License-Identifier: MIT */
/*
 * Batch-body validation: every string the agent will put on a command line
 * is checked here first, against the form it must have. No I/O.
 */
#include "apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../model/model.h"
#include "../model/validate.h"
#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/json.h"
#include "../util/utf8.h"

/* Characters a shell would give a meaning to; parentheses are left to the field checks
 * (the one AEAD name the agent accepts has them). */
#define SHELL_META " ;&|$`<>\\'\"*?!{}~"

#define PATH_MAX_LEN 160

const char *const nc_agent_kinds[] = {"interface", "wireguard", "ipsec", "static",
				      "nat",	   "acl",	NULL};

const char *nc_agent_topic_kind(const char *topic)
{
	static const char *const map[][2] = {
		{"interface", "interface"}, {"wireguard", "wireguard"},
		{"ipsec", "ipsec"},	    {"static", "static"},
		{"nat_config", "nat"},	    {"nat44", "nat"},
		{"acl_config", "acl"},	    {"acl", "acl"},
	};

	for (size_t i = 0; topic && i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i][0], topic) == 0)
			return map[i][1];
	}
	return NULL;
}

const char *nc_agent_kind_topic(const char *kind)
{
	if (strcmp(kind, "nat") == 0)
		return "nat_config";
	if (strcmp(kind, "acl") == 0)
		return "acl_config";
	return kind;
}

/* NC_ERR_INVAL with ei->field = path and ei->msg "path: <fmt>". */
__attribute__((format(printf, 3, 4))) static int bad(struct nc_errinfo *ei, const char *path,
						     const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nc_fail(ei, NC_ERR_INVAL, path, "%s: %s", path, msg);
}

/* Paths longer than the buffer are cut: they only name things in messages. */
static void join(char *buf, const char *path, const char *key)
{
	if (snprintf(buf, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "", key) >= PATH_MAX_LEN)
		buf[PATH_MAX_LEN - 1] = '\0';
}

static void elem(char *buf, const char *path, size_t i)
{
	if (snprintf(buf, PATH_MAX_LEN, "%s[%zu]", path, i) >= PATH_MAX_LEN)
		buf[PATH_MAX_LEN - 1] = '\0';
}

/* The first refused character of s, or 0. */
static char meta_in(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr(SHELL_META, *p))
			return (char)*p;
	}
	return 0;
}

static int meta_fail(struct nc_errinfo *ei, const char *path, const char *s, char c)
{
	char q[NC_QUOTE_BUF];

	if ((unsigned char)c < 0x20 || c == 0x7f)
		return bad(ei, path, "`%s' contains a control character", nc_quote(q, s, SIZE_MAX));
	return bad(ei, path, "`%s' contains the shell metacharacter `%c'", nc_quote(q, s, SIZE_MAX),
		   c);
}

/* Every key and string under v, at any depth (bodies are at most NC_JCS_MAX_DEPTH deep). */
static int scan(const json_t *v, const char *path, int depth, struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN];
	const char *key;
	json_t *m;
	size_t i;
	int ret = 0;
	char c;

	if (depth > 64)
		return bad(ei, path, "nested too deep");
	if (json_is_string(v)) {
		if (strlen(json_string_value(v)) != json_string_length(v))
			return bad(ei, path, "contains a NUL character");
		c = meta_in(json_string_value(v));
		if (c)
			ret = meta_fail(ei, path, json_string_value(v), c);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, m) {
			join(sub, path, key);
			c = meta_in(key);
			ret = c ? meta_fail(ei, sub, key, c) : scan(m, sub, depth + 1, ei);
			if (ret < 0)
				break;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) {
			elem(sub, path, i);
			ret = scan(m, sub, depth + 1, ei);
			if (ret < 0)
				break;
		}
	}
	return ret;
}

/*
 * Member key of o at path: 1 present (*out borrowed), 0 absent and optional,
 * or NC_ERR_INVAL when required and absent or of another JSON type.
 */
static int member(const json_t *o, const char *path, const char *key, json_type type, bool required,
		  const json_t **out, char *sub, struct nc_errinfo *ei)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
		[JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
		[JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
	};

	join(sub, path, key);
	*out = json_object_get(o, key);
	if (!*out)
		return required ? bad(ei, sub, "is required") : 0;
	if (json_typeof(*out) != type)
		return bad(ei, sub, "must be %s, not %s", names[type], nc_json_typename(*out));
	return 1;
}

static int str_member(const json_t *o, const char *path, const char *key, bool required,
		      const char **out, char *sub, struct nc_errinfo *ei)
{
	const json_t *v;
	int ret = member(o, path, key, JSON_STRING, required, &v, sub, ei);

	*out = ret > 0 ? json_string_value(v) : NULL;
	return ret;
}

static int int_member(const json_t *o, const char *path, const char *key, bool required,
		      int64_t min, int64_t max, char *sub, struct nc_errinfo *ei)
{
	const json_t *v;
	int ret = member(o, path, key, JSON_INTEGER, required, &v, sub, ei);

	if (ret > 0 && (json_integer_value(v) < min || json_integer_value(v) > max))
		ret = bad(ei, sub, "%lld is not between %lld and %lld",
			  (long long)json_integer_value(v), (long long)min, (long long)max);
	return ret;
}

static bool is_wg_name(const char *s)
{
	return strlen(s) == 3 && strncmp(s, "wg", 2) == 0 && s[2] >= '0' && s[2] <= '3';
}

/* wg0-wg3 only (wg), LAN/WAN only (lan), or any of them. */
enum ifset { IF_WG, IF_LAN, IF_ANY };

static int check_ifname(const struct nc_agent_env *env, const char *path, const char *s,
			enum ifset set, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];
	bool lan = (env->lan_if && strcmp(s, env->lan_if) == 0) ||
		   (env->wan_if && strcmp(s, env->wan_if) == 0);
	bool ok = set == IF_WG ? is_wg_name(s) : set == IF_LAN ? lan : is_wg_name(s) || lan;

	if (ok && nc_valid_ifname(s))
		return 0;
	nc_quote(q, s, SIZE_MAX);
	if (set == IF_WG)
		return bad(ei, path, "`%s' is not a WireGuard interface of this agent (wg0-wg3)",
			   q);
	return bad(ei, path, "`%s' is not an interface this agent manages (%s%s, %s)", q,
		   set == IF_ANY ? "wg0-wg3, " : "", env->lan_if ? env->lan_if : "-",
		   env->wan_if ? env->wan_if : "-");
}

static int check_cidr(const char *path, const char *s, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];

	if (nc_valid_cidr(s, false))
		return 0;
	return bad(ei, path, "`%s' is not an IPv4 or IPv6 prefix", nc_quote(q, s, SIZE_MAX));
}

static int check_ip(const char *path, const char *s, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF];

	if (nc_valid_ip(s))
		return 0;
	return bad(ei, path, "`%s' is not an IPv4 or IPv6 address", nc_quote(q, s, SIZE_MAX));
}

static bool is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

/* A member holding an array of CIDRs. */
static int cidr_list(const json_t *o, const char *path, const char *key, bool required,
		     struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN], e[PATH_MAX_LEN];
	const json_t *a, *v;
	size_t i;
	int ret = member(o, path, key, JSON_ARRAY, required, &a, sub, ei);

	if (ret <= 0)
		return ret;
	json_array_foreach(a, i, v) {
		elem(e, sub, i);
		if (!json_is_string(v))
			return bad(ei, e, "must be a string, not %s", nc_json_typename(v));
		ret = check_cidr(e, json_string_value(v), ei);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The array member key of body, each element an object checked by fn. */
static int
each(const struct nc_agent_env *env, const json_t *body, const char *path, const char *key,
     int (*fn)(const struct nc_agent_env *, const json_t *, const char *, struct nc_errinfo *),
     struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN], e[PATH_MAX_LEN];
	const json_t *a, *v;
	size_t i;
	int ret = member(body, path, key, JSON_ARRAY, true, &a, sub, ei);

	if (ret < 0)
		return ret;
	json_array_foreach(a, i, v) {
		elem(e, sub, i);
		if (!json_is_object(v))
			return bad(ei, e, "must be an object, not %s", nc_json_typename(v));
		ret = fn(env, v, e, ei);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int wg_peer(const struct nc_agent_env *env, const json_t *p, const char *path,
		   struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN], q[NC_QUOTE_BUF];
	const char *s;
	int ret;

	ret = str_member(p, path, "serial", true, &s, sub, ei);
	if (ret > 0 && !nc_valid_serial(s))
		ret = bad(ei, sub, "`%s' is not a valid serial", nc_quote(q, s, SIZE_MAX));
	if (ret >= 0)
		ret = str_member(p, path, "public_key", true, &s, sub, ei);
	if (ret > 0 && !nc_valid_wg_key(s))
		ret = bad(ei, sub, "`%s' is not a WireGuard key (base64 of 32 bytes)",
			  nc_quote(q, s, SIZE_MAX));
	if (ret >= 0)
		ret = str_member(p, path, "endpoint", false, &s, sub, ei);
	if (ret > 0 && !nc_valid_endpoint(s))
		ret = bad(ei, sub, "`%s' is not HOST:PORT", nc_quote(q, s, SIZE_MAX));
	if (ret >= 0)
		ret = cidr_list(p, path, "allowed_ips", true, ei);
	if (ret >= 0)
		ret = int_member(p, path, "persistent_keepalive", false, 0, 65535, sub, ei);
	if (ret >= 0)
		ret = int_member(p, path, "tunnel_index", false, 0, 1, sub, ei);
	return ret < 0 ? ret : 0;
}

static int wg_iface(const struct nc_agent_env *env, const json_t *w, const char *path,
		    struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN];
	const char *s;
	int ret;

	ret = str_member(w, path, "name", true, &s, sub, ei);
	if (ret > 0)
		ret = check_ifname(env, sub, s, IF_WG, ei);
	if (ret >= 0)
		ret = str_member(w, path, "role", false, &s, sub, ei);
	if (ret >= 0)
		ret = str_member(w, path, "address", false, &s, sub, ei);
	if (ret > 0)
		ret = check_cidr(sub, s, ei);
	if (ret >= 0)
		ret = cidr_list(w, path, "addresses", false, ei);
	if (ret >= 0)
		ret = cidr_list(w, path, "allowed_ips", false, ei);
	if (ret >= 0)
		ret = int_member(w, path, "listen_port", false, 1, 65535, sub, ei);
	if (ret >= 0)
		ret = int_member(w, path, "mtu", false, 576, 65535, sub, ei);
	if (ret >= 0 && json_object_get(w, "peers"))
		ret = each(env, w, path, "peers", wg_peer, ei);
	return ret < 0 ? ret : 0;
}

static int wireguard(const struct nc_agent_env *env, const json_t *body, struct nc_errinfo *ei)
{
	const json_t *a = json_object_get(body, "interfaces"), *v;
	char e[PATH_MAX_LEN];
	unsigned seen = 0;
	size_t i;
	int ret = each(env, body, "", "interfaces", wg_iface, ei);

	/* Every name is wg0-wg3 once each() passed. */
	json_array_foreach(a, i, v) {
		const char *name;
		unsigned bit;

		if (ret < 0)
			break;
		name = json_string_value(json_object_get(v, "name"));
		bit = 1u << (name[2] - '0');
		elem(e, "interfaces", i);
		if (seen & bit)
			ret = bad(ei, e, "interface %s is listed twice", name);
		seen |= bit;
	}
	return ret;
}

static int route(const struct nc_agent_env *env, const json_t *r, const char *path,
		 struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN];
	const char *dst = NULL, *dev = NULL, *via = NULL;
	int ret = str_member(r, path, "dst", true, &dst, sub, ei);

	if (ret > 0)
		ret = check_cidr(sub, dst, ei);
	if (ret >= 0)
		ret = str_member(r, path, "dev", false, &dev, sub, ei);
	if (ret > 0)
		ret = check_ifname(env, sub, dev, IF_ANY, ei);
	if (ret >= 0)
		ret = str_member(r, path, "via", false, &via, sub, ei);
	if (ret > 0)
		ret = check_ip(sub, via, ei);
	if (ret >= 0 && !dev && !via)
		ret = bad(ei, path, "a route needs dev or via");
	if (ret >= 0 && via && is_v6(via) != is_v6(dst))
		ret = bad(ei, path, "dst and via are of different address families");
	if (ret >= 0)
		ret = int_member(r, path, "metric", false, 0, 4294967295LL, sub, ei);
	return ret < 0 ? ret : 0;
}

static int masquerade(const struct nc_agent_env *env, const json_t *m, const char *path,
		      struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN];
	const char *s;
	int ret = str_member(m, path, "source", true, &s, sub, ei);

	if (ret > 0)
		ret = check_cidr(sub, s, ei);
	if (ret >= 0)
		ret = str_member(m, path, "out_interface", true, &s, sub, ei);
	if (ret > 0)
		ret = check_ifname(env, sub, s, IF_ANY, ei);
	return ret < 0 ? ret : 0;
}

/* s must be one of the NULL-terminated words. */
static int one_of(const char *path, const char *s, const char *const *words, struct nc_errinfo *ei)
{
	char q[NC_QUOTE_BUF], list[128] = "";

	for (size_t i = 0; words[i]; i++) {
		if (strcmp(s, words[i]) == 0)
			return 0;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 words[i]);
	}
	return bad(ei, path, "`%s' is not one of %s", nc_quote(q, s, SIZE_MAX), list);
}

/* String member key of o, as str_member, and then one of words when present. */
static int word_member(const json_t *o, const char *path, const char *key, bool required,
		       const char *const *words, const char **out, char *sub, struct nc_errinfo *ei)
{
	int ret = str_member(o, path, key, required, out, sub, ei);

	if (ret > 0)
		ret = one_of(sub, *out, words, ei);
	return ret;
}

/* The required members src and dst of o, each passing check, of one address family. */
static int src_dst(const json_t *o, const char *path,
		   int (*check)(const char *path, const char *s, struct nc_errinfo *ei), char *sub,
		   struct nc_errinfo *ei)
{
	const char *src = NULL, *dst = NULL;
	int ret = str_member(o, path, "src", true, &src, sub, ei);

	if (ret > 0)
		ret = check(sub, src, ei);
	if (ret >= 0)
		ret = str_member(o, path, "dst", true, &dst, sub, ei);
	if (ret > 0)
		ret = check(sub, dst, ei);
	if (ret >= 0 && is_v6(src) != is_v6(dst))
		ret = bad(ei, path, "src and dst are of different address families");
	return ret;
}

static int acl_rule(const struct nc_agent_env *env, const json_t *r, const char *path,
		    struct nc_errinfo *ei)
{
	static const char *const actions[] = {"accept", "drop", "reject", NULL};
	static const char *const protos[] = {"tcp", "udp", "icmp", "any", NULL};
	char sub[PATH_MAX_LEN];
	const char *action, *proto = NULL;
	int ret = word_member(r, path, "action", true, actions, &action, sub, ei);

	if (ret >= 0)
		ret = word_member(r, path, "proto", true, protos, &proto, sub, ei);
	if (ret >= 0)
		ret = src_dst(r, path, check_cidr, sub, ei);
	if (ret >= 0)
		ret = int_member(r, path, "dport", false, 0, 65535, sub, ei);
	if (ret > 0 && json_integer_value(json_object_get(r, "dport")) != 0 &&
	    strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		ret = bad(ei, sub, "a port needs proto tcp or udp, not %s", proto);
	return ret < 0 ? ret : 0;
}

static int acl(const struct nc_agent_env *env, const json_t *body, struct nc_errinfo *ei)
{
	static const char *const defaults[] = {"accept", "drop", "reject", NULL};
	char sub[PATH_MAX_LEN];
	const char *def;
	int ret = word_member(body, "", "default", false, defaults, &def, sub, ei);

	if (ret >= 0)
		ret = each(env, body, "", "rules", acl_rule, ei);
	return ret < 0 ? ret : 0;
}

static bool is_hex(const char *s)
{
	return *s && strspn(s, "0123456789abcdefABCDEF") == strlen(s);
}

static int sa(const struct nc_agent_env *env, const json_t *s, const char *path,
	      struct nc_errinfo *ei)
{
	static const char *const dirs[] = {"in", "out", NULL};
	static const char *const aeads[] = {"rfc4106(gcm(aes))", NULL};
	char sub[PATH_MAX_LEN], q[NC_QUOTE_BUF];
	const char *v;
	size_t len;
	int ret = str_member(s, path, "peer", true, &v, sub, ei);

	if (ret > 0 && !nc_valid_serial(v))
		ret = bad(ei, sub, "`%s' is not a valid serial", nc_quote(q, v, SIZE_MAX));
	if (ret >= 0)
		ret = word_member(s, path, "direction", true, dirs, &v, sub, ei);
	if (ret >= 0)
		ret = src_dst(s, path, check_ip, sub, ei);
	/* SPIs 1-255 are reserved (RFC 4303). */
	if (ret >= 0)
		ret = int_member(s, path, "spi", true, 256, 4294967295LL, sub, ei);
	if (ret >= 0)
		ret = word_member(s, path, "aead", true, aeads, &v, sub, ei);
	if (ret >= 0)
		ret = str_member(s, path, "key", true, &v, sub, ei);
	/* AES-128, -192 or -256 and a 4-byte salt, in hex. The key is a secret: never quoted. */
	if (ret > 0) {
		len = strlen(v);
		if (!is_hex(v) || (len != 40 && len != 56 && len != 72))
			ret = bad(ei, sub, "the key must be 40, 56 or 72 hex digits");
	}
	if (ret >= 0)
		ret = int_member(s, path, "icv_bits", true, 64, 128, sub, ei);
	if (ret > 0) {
		int64_t icv = json_integer_value(json_object_get(s, "icv_bits"));

		if (icv != 64 && icv != 96 && icv != 128)
			ret = bad(ei, sub, "%lld is not 64, 96 or 128", (long long)icv);
	}
	if (ret >= 0)
		ret = int_member(s, path, "tunnel_index", false, 0, 1, sub, ei);
	return ret < 0 ? ret : 0;
}

static int lan_iface(const struct nc_agent_env *env, const json_t *w, const char *path,
		     struct nc_errinfo *ei)
{
	char sub[PATH_MAX_LEN];
	const char *s;
	int ret = str_member(w, path, "name", true, &s, sub, ei);

	if (ret > 0)
		ret = check_ifname(env, sub, s, IF_LAN, ei);
	if (ret >= 0)
		ret = cidr_list(w, path, "addresses", true, ei);
	return ret < 0 ? ret : 0;
}

int nc_agent_validate(const struct nc_agent_env *env, const char *topic, const json_t *body,
		      struct nc_errinfo *ei)
{
	const char *kind = nc_agent_topic_kind(topic);
	char q[NC_QUOTE_BUF];
	int ret;

	if (!kind)
		return nc_fail(ei, NC_ERR_INVAL, "topic", "unknown command topic `%s'",
			       nc_quote(q, topic ? topic : "", SIZE_MAX));
	if (!json_is_object(body))
		return nc_fail(ei, NC_ERR_INVAL, "body", "the body must be an object, not %s",
			       body ? nc_json_typename(body) : "absent");
	/* Strings first: a metacharacter is named as such wherever it hides. */
	ret = scan(body, "", 0, ei);
	if (ret < 0)
		return ret;
	if (strcmp(kind, "wireguard") == 0)
		return wireguard(env, body, ei);
	if (strcmp(kind, "static") == 0)
		return each(env, body, "", "routes", route, ei);
	if (strcmp(kind, "nat") == 0)
		return each(env, body, "", "masquerade", masquerade, ei);
	if (strcmp(kind, "acl") == 0)
		return acl(env, body, ei);
	if (strcmp(kind, "ipsec") == 0)
		return each(env, body, "", "sas", sa, ei);
	return each(env, body, "", "interfaces", lan_iface, ei);
}
