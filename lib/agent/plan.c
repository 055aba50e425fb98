/* SPDX-License-Identifier: MIT */
/*
 * Command generation for WireGuard interfaces, addresses and routes; the
 * step list itself. Pure: bodies in, argument vectors out (the probe aside).
 * Bodies were validated (nc_agent_validate), so members have their types.
 */
#include "apply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/err.h"
#include "../util/xmalloc.h"

#define ADD(p, flags, ...) nc_agent_plan_add((p), (flags), (const char *const[]){__VA_ARGS__, NULL})

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void nc_agent_plan_clear(struct nc_agent_plan *p)
{
	for (size_t i = 0; p && i < p->n; i++) {
		struct nc_agent_step *s = &p->v[i];

		for (size_t k = 0; s->argv && s->argv[k]; k++)
			free(s->argv[k]);
		free(s->argv);
		wipe_free(s->input);
		free(s->input_shown);
		free(s->file);
		wipe_free(s->file_text);
	}
	if (p) {
		free(p->v);
		memset(p, 0, sizeof(*p));
	}
}

struct nc_agent_step *nc_agent_plan_add(struct nc_agent_plan *p, unsigned flags,
					const char *const *args)
{
	struct nc_agent_step *s;
	size_t n = 0;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->v = nc_xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	s = &p->v[p->n++];
	memset(s, 0, sizeof(*s));
	while (args[n])
		n++;
	s->argv = nc_xcalloc(n + 1, sizeof(*s->argv));
	for (size_t i = 0; i < n; i++)
		s->argv[i] = nc_xstrdup(args[i]);
	s->flags = flags;
	return s;
}

/* Appends text to buf (n bytes, NUL-terminated), quoted for a shell when it needs to be. */
static void append_word(char *buf, size_t n, const char *w)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789@%_+=:,./-";
	size_t len = strlen(buf);
	bool quote = !*w || strspn(w, plain) != strlen(w);

	if (len + 1 >= n)
		return;
	if (!quote) {
		snprintf(buf + len, n - len, "%s", w);
		return;
	}
	buf[len++] = '\'';
	for (; *w && len + 5 < n; w++) {
		/* A single quote inside: close, escaped quote, reopen. */
		if (*w == '\'') {
			memcpy(buf + len, "'\\''", 4);
			len += 4;
		} else {
			buf[len++] = *w;
		}
	}
	if (len + 1 < n)
		buf[len++] = '\'';
	buf[len < n ? len : n - 1] = '\0';
}

const char *nc_agent_step_format(const struct nc_agent_step *s, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; s->argv[i]; i++) {
		if (i)
			snprintf(buf + strlen(buf), n - strlen(buf), " ");
		append_word(buf, n, s->argv[i]);
	}
	if (s->input) {
		snprintf(buf + strlen(buf), n - strlen(buf), " <<< ");
		append_word(buf, n, s->input_shown ? s->input_shown : "(hidden)");
	}
	return buf;
}

/*
 * WireGuard
 */

static const json_t *iface_named(const json_t *body, const char *name)
{
	const json_t *a = json_object_get(body, "interfaces"), *v;
	size_t i;

	json_array_foreach(a, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return v;
	}
	return NULL;
}

/* Whether iface (NULL: none) carries addr in "address" or "addresses". */
static bool has_addr(const json_t *iface, const char *member, const char *addr)
{
	const json_t *a, *v;
	size_t i;

	if (!iface)
		return false;
	if (strcmp(member, "address") == 0) {
		v = json_object_get(iface, "address");
		if (v && strcmp(json_string_value(v), addr) == 0)
			return true;
		member = "addresses";
	}
	a = json_object_get(iface, member);
	json_array_foreach(a, i, v) {
		if (strcmp(json_string_value(v), addr) == 0)
			return true;
	}
	return false;
}

/* Each address of iface ("address" first, then "addresses"), once, to fn. */
static void each_addr(const json_t *iface, const char *member,
		      void (*fn)(struct nc_agent_plan *, const char *, const char *, const json_t *,
				 const char *),
		      struct nc_agent_plan *p, const char *dev, const json_t *other,
		      const char *other_member)
{
	const json_t *one = json_object_get(iface, "address"), *a, *v;
	size_t i;

	if (strcmp(member, "address") == 0 && one)
		fn(p, dev, json_string_value(one), other, other_member);
	a = json_object_get(iface, strcmp(member, "address") == 0 ? "addresses" : member);
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);

		if (strcmp(member, "address") == 0 && one && strcmp(s, json_string_value(one)) == 0)
			continue;
		fn(p, dev, s, other, other_member);
	}
}

static void addr_replace(struct nc_agent_plan *p, const char *dev, const char *addr,
			 const json_t *other, const char *member)
{
	ADD(p, 0, "ip", "address", "replace", addr, "dev", dev);
}

/* Deletes addr unless the new interface keeps it. */
static void addr_drop(struct nc_agent_plan *p, const char *dev, const char *addr,
		      const json_t *keep, const char *member)
{
	if (!has_addr(keep, member, addr))
		ADD(p, NC_AGENT_STEP_TOLERANT, "ip", "address", "del", addr, "dev", dev);
}

/* A growing text that may hold a secret: every buffer it leaves behind is wiped. */
struct text {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	char *bigger;
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0 || (size_t)n < t->cap - t->len)
			break;
		bigger = nc_xmalloc(2 * t->cap);
		memcpy(bigger, t->buf, t->len + 1);
		explicit_bzero(t->buf, t->cap);
		free(t->buf);
		t->buf = bigger;
		t->cap *= 2;
	}
	if (n > 0)
		t->len += (size_t)n;
}

/* The wg(8) configuration of iface: its private key, port and peers. A secret. */
static char *wg_conf(const struct nc_agent_env *env, const json_t *iface)
{
	const json_t *port = json_object_get(iface, "listen_port");
	const json_t *peers = json_object_get(iface, "peers"), *peer, *v;
	struct text t = {.buf = nc_xmalloc(1024), .cap = 1024};
	size_t i, k;

	t.buf[0] = '\0';
	put(&t, "[Interface]\n");
	if (env->private_key)
		put(&t, "PrivateKey = %s\n", env->private_key);
	if (port)
		put(&t, "ListenPort = %lld\n", (long long)json_integer_value(port));
	json_array_foreach(peers, i, peer) {
		put(&t, "\n[Peer]\n# %s\nPublicKey = %s\n",
		    json_string_value(json_object_get(peer, "serial")),
		    json_string_value(json_object_get(peer, "public_key")));
		v = json_object_get(peer, "endpoint");
		if (v)
			put(&t, "Endpoint = %s\n", json_string_value(v));
		put(&t, "AllowedIPs = ");
		json_array_foreach(json_object_get(peer, "allowed_ips"), k, v)
			put(&t, "%s%s", k ? ", " : "", json_string_value(v));
		put(&t, "\n");
		v = json_object_get(peer, "persistent_keepalive");
		if (v && json_integer_value(v) > 0)
			put(&t, "PersistentKeepalive = %lld\n", (long long)json_integer_value(v));
	}
	return t.buf;
}

static int plan_wireguard(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			  const json_t *body, const json_t *old, struct nc_agent_plan *p)
{
	const json_t *a = json_object_get(body, "interfaces"), *iface, *mtu;
	char name[8], num[24];
	size_t i;

	/* Interfaces of ours that the new body no longer lists go first. */
	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "wg%d", k);
		if (body && iface_named(body, name))
			continue;
		if (probe ? probe->link(probe->arg, name) : old && iface_named(old, name))
			ADD(p, 0, "ip", "link", "del", "dev", name);
	}
	json_array_foreach(a, i, iface) {
		const char *dev = json_string_value(json_object_get(iface, "name"));
		const json_t *was = old ? iface_named(old, dev) : NULL;
		bool exists = probe ? probe->link(probe->arg, dev) : was != NULL;
		struct nc_agent_step *s;

		if (!exists && env->wg_userspace)
			ADD(p, 0, "wireguard-go", dev);
		else if (!exists)
			ADD(p, 0, "ip", "link", "add", "dev", dev, "type", "wireguard");
		if (env->state_dir) {
			char *file = nc_xasprintf("%s/%s.conf", env->state_dir, dev);

			/* On an interface that is there already, syncconf changes only what
			 * differs: the sessions of peers that stay, and the endpoints they
			 * roamed to (peers with none configured dial in), are kept. */
			s = ADD(p, 0, "wg", exists ? "syncconf" : "setconf", dev, file);
			s->file = file;
			s->file_text = wg_conf(env, iface);
		}
		mtu = json_object_get(iface, "mtu");
		if (mtu) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(mtu));
			ADD(p, 0, "ip", "link", "set", "dev", dev, "mtu", num);
		}
		each_addr(iface, "address", addr_replace, p, dev, NULL, NULL);
		if (was)
			each_addr(was, "address", addr_drop, p, dev, iface, "address");
		ADD(p, 0, "ip", "link", "set", "dev", dev, "up");
	}
	return 0;
}

/*
 * Routes
 */

static bool same_str(const json_t *a, const json_t *b, const char *key)
{
	const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

	if (!x || !y)
		return !x && !y;
	return strcmp(json_string_value(x), json_string_value(y)) == 0;
}

static bool same_int(const json_t *a, const json_t *b, const char *key)
{
	const json_t *x = json_object_get(a, key), *y = json_object_get(b, key);

	if (!x || !y)
		return !x && !y;
	return json_integer_value(x) == json_integer_value(y);
}

/* "ip route VERB dst [via GW] [dev D] [metric M]". */
static void route_step(struct nc_agent_plan *p, unsigned flags, const char *verb, const json_t *r)
{
	const char *v[16] = {"ip", "route", verb, json_string_value(json_object_get(r, "dst"))};
	const json_t *via = json_object_get(r, "via"), *dev = json_object_get(r, "dev");
	const json_t *metric = json_object_get(r, "metric");
	char num[24];
	int n = 4;

	if (via) {
		v[n++] = "via";
		v[n++] = json_string_value(via);
	}
	if (dev) {
		v[n++] = "dev";
		v[n++] = json_string_value(dev);
	}
	if (metric) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(metric));
		v[n++] = "metric";
		v[n++] = num;
	}
	v[n] = NULL;
	nc_agent_plan_add(p, flags, v);
}

static int plan_static(const json_t *body, const json_t *old, struct nc_agent_plan *p)
{
	const json_t *routes = json_object_get(body, "routes"), *r, *o;
	size_t i, k;

	/* A route whose (dst, metric) stays is replaced in place, not deleted. */
	json_array_foreach(json_object_get(old, "routes"), i, o) {
		bool kept = false;

		json_array_foreach(routes, k, r) {
			if (same_str(o, r, "dst") && same_int(o, r, "metric"))
				kept = true;
		}
		if (!kept)
			route_step(p, NC_AGENT_STEP_TOLERANT, "del", o);
	}
	json_array_foreach(routes, i, r)
		route_step(p, 0, "replace", r);
	return 0;
}

/*
 * LAN addresses ("interface"): the link is not ours, only the addresses.
 */

static int plan_interface(const json_t *body, const json_t *old, struct nc_agent_plan *p)
{
	const json_t *iface, *was;
	size_t i;

	json_array_foreach(json_object_get(body, "interfaces"), i, iface) {
		const char *dev = json_string_value(json_object_get(iface, "name"));

		each_addr(iface, "addresses", addr_replace, p, dev, NULL, NULL);
	}
	json_array_foreach(json_object_get(old, "interfaces"), i, was) {
		const char *dev = json_string_value(json_object_get(was, "name"));
		const json_t *now = body ? iface_named(body, dev) : NULL;

		each_addr(was, "addresses", addr_drop, p, dev, now, "addresses");
	}
	return 0;
}

static int plan_kind(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
		     const char *kind, const json_t *body, const json_t *old,
		     struct nc_agent_plan *out)
{
	if (strcmp(kind, "wireguard") == 0)
		return plan_wireguard(env, probe, body, old, out);
	if (strcmp(kind, "static") == 0)
		return plan_static(body, old, out);
	if (strcmp(kind, "interface") == 0)
		return plan_interface(body, old, out);
	if (nc_agent_plan_chain(probe, kind, body, old, out))
		return 0;
	return nc_agent_plan_ipsec(env, probe, body, old, out);
}

/* Prefixes the argv of steps [from, p->n) with `ip netns exec NS'. */
static void in_netns(struct nc_agent_plan *p, size_t from, const char *ns)
{
	static const char *const prefix[] = {"ip", "netns", "exec"};
	const size_t k = sizeof(prefix) / sizeof(prefix[0]);

	for (size_t i = from; i < p->n; i++) {
		struct nc_agent_step *s = &p->v[i];
		size_t n = 0;
		char **argv;

		while (s->argv[n])
			n++;
		argv = nc_xcalloc(n + k + 2, sizeof(*argv));
		for (size_t j = 0; j < k; j++)
			argv[j] = nc_xstrdup(prefix[j]);
		argv[k] = nc_xstrdup(ns);
		memcpy(argv + k + 1, s->argv, n * sizeof(*argv));
		free(s->argv);
		s->argv = argv;
	}
}

/*
 * Every NAT out_interface of body exists on the device, as the probe (the
 * linux applier) sees it: iptables takes any name and would masquerade
 * nothing. Not asked without a probe (dry-run, the fleet check names only)
 * nor in a tenant's namespace, where the plan makes what it needs. 0, or
 * NC_ERR_NOTFOUND naming the interface and its path.
 */
static int nat_ifaces_exist(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			    const json_t *body, struct nc_errinfo *ei)
{
	const json_t *m;
	size_t i;

	if (!probe || !probe->link || env->netns)
		return 0;
	json_array_foreach(json_object_get(body, "masquerade"), i, m) {
		const char *ifname = json_string_value(json_object_get(m, "out_interface"));

		if (ifname && !probe->link(probe->arg, ifname))
			return nc_fail(ei, NC_ERR_NOTFOUND, "out_interface",
				       "masquerade[%zu].out_interface: the NAT WAN interface `%s' "
				       "does not exist on this device",
				       i, ifname);
	}
	return 0;
}

int nc_agent_plan_command(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			  const char *topic, const json_t *body, const json_t *old,
			  struct nc_agent_plan *out, struct nc_errinfo *ei)
{
	const char *kind = nc_agent_topic_kind(topic);
	size_t from = out->n;
	bool made;
	int ret;

	if (!kind)
		return nc_fail(ei, NC_ERR_INVAL, "topic", "unknown command topic `%s'",
			       topic ? topic : "");
	if (env->netns) {
		made = probe ? !probe->netns || probe->netns(probe->arg, env->netns)
			     : env->netns_made;
		if (!made && !body)
			return 0;
		if (!made)
			ADD(out, 0, "ip", "netns", "add", env->netns);
		from = out->n;
	}
	ret = strcmp(kind, "nat") == 0 && body ? nat_ifaces_exist(env, probe, body, ei) : 0;
	if (ret == 0)
		ret = plan_kind(env, probe, kind, body, old, out);
	if (ret == 0 && env->netns)
		in_netns(out, from, env->netns);
	return ret;
}
