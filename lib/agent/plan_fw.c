/* SPDX-License-Identifier: MIT */
/*
 * Command generation for NAT and ACL (iptables/ip6tables chains the agent
 * owns) and IPSec (ip xfrm states and policies). Pure, as plan.c.
 *
 * A chain is rebuilt whole on every apply (flush, then the rules in order),
 * so the same body twice gives the same chain; the jump to it is added
 * once. A family (IPv4: iptables, IPv6: ip6tables) without rules loses its
 * chain and jump.
 */
#include "apply.h"

#include <stdio.h>
#include <string.h>

#include "../util/count.h"
#include "../util/xmalloc.h"

#define ADD(p, flags, ...) nc_agent_plan_add((p), (flags), (const char *const[]){__VA_ARGS__, NULL})

static bool is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

static const char *tool_of(bool v6)
{
	return v6 ? "ip6tables" : "iptables";
}

/* How many elements of body[key] have member `addr' of the family v6. */
static size_t count_family(const json_t *body, const char *key, const char *addr, bool v6)
{
	const json_t *v;
	size_t i, n = 0;

	json_array_foreach(json_object_get(body, key), i, v) {
		if (is_v6(json_string_value(json_object_get(v, addr))) == v6)
			n++;
	}
	return n;
}

/*
 * Opens chain in table for a rebuild: created when absent, else flushed.
 * had: whether it exists (from the probe, or from what old needed).
 */
static void chain_open(struct nc_agent_plan *p, const char *tool, const char *table,
		       const char *chain, bool had)
{
	ADD(p, 0, tool, "-w", "-t", table, had ? "-F" : "-N", chain);
}

/* Removes the jump from `from' (when there is one), then the chain. */
static void chain_drop(struct nc_agent_plan *p, const char *tool, const char *table,
		       const char *chain, const char *from, bool jump)
{
	if (jump)
		ADD(p, 0, tool, "-w", "-t", table, "-D", from, "-j", chain);
	ADD(p, 0, tool, "-w", "-t", table, "-F", chain);
	ADD(p, 0, tool, "-w", "-t", table, "-X", chain);
}

static void chain_state(const struct nc_agent_probe *probe, const char *tool, const char *table,
			const char *chain, const char *from, bool old_needed, bool *have,
			bool *jump)
{
	if (!probe) {
		*have = *jump = old_needed;
		return;
	}
	*have = probe->chain(probe->arg, tool, table, chain, NULL);
	*jump = *have && probe->chain(probe->arg, tool, table, chain, from);
}

/*
 * A chain of ours: name in table, jumped to from `from' with jump_op (-A:
 * last, -I: first). needed: whether a body (NULL: none) needs it in a
 * family; fill: its rules under body.
 */
struct chain {
	const char *table, *name, *from, *jump_op;
	bool (*needed)(const json_t *body, bool v6);
	void (*fill)(struct nc_agent_plan *p, const char *tool, const json_t *body, bool v6);
};

/* Plans chain c in both families: rebuilt where body needs it, else dropped if present. */
static void chain_plan(const struct chain *c, const struct nc_agent_probe *probe,
		       const json_t *body, const json_t *old, struct nc_agent_plan *p)
{
	for (int v6 = 0; v6 <= 1; v6++) {
		const char *tool = tool_of(v6);
		bool have, jump;

		chain_state(probe, tool, c->table, c->name, c->from, c->needed(old, v6), &have,
			    &jump);
		if (!c->needed(body, v6)) {
			if (have)
				chain_drop(p, tool, c->table, c->name, c->from, jump);
			continue;
		}
		chain_open(p, tool, c->table, c->name, have);
		c->fill(p, tool, body, v6);
		if (!jump)
			ADD(p, 0, tool, "-w", "-t", c->table, c->jump_op, c->from, "-j", c->name);
	}
}

/*
 * NAT: NETCTL-NAT in the nat table, jumped to from the end of POSTROUTING.
 */

static bool nat_needed(const json_t *body, bool v6)
{
	return count_family(body, "masquerade", "source", v6) > 0;
}

static void nat_fill(struct nc_agent_plan *p, const char *tool, const json_t *body, bool v6)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(body, "masquerade"), i, m) {
		const char *src = json_string_value(json_object_get(m, "source"));

		if (is_v6(src) != v6)
			continue;
		ADD(p, 0, tool, "-w", "-t", "nat", "-A", NC_AGENT_NAT_CHAIN, "-s", src, "-o",
		    json_string_value(json_object_get(m, "out_interface")), "-j", "MASQUERADE");
	}
}

/*
 * ACL: NETCTL-ACL in the filter table, jumped to from the top of FORWARD;
 * the rules in order, then the default unless it is accept.
 */

static const char *target_of(const char *action)
{
	if (strcmp(action, "drop") == 0)
		return "DROP";
	if (strcmp(action, "reject") == 0)
		return "REJECT";
	return "ACCEPT";
}

static const char *default_of(const json_t *body)
{
	const json_t *d = json_object_get(body, "default");

	return d ? json_string_value(d) : "accept";
}

/* Whether the family needs a chain at all under body (NULL: none). */
static bool acl_needed(const json_t *body, bool v6)
{
	if (!body)
		return false;
	return count_family(body, "rules", "src", v6) > 0 ||
	       strcmp(default_of(body), "accept") != 0;
}

static void acl_rule(struct nc_agent_plan *p, const char *tool, const json_t *r, bool v6)
{
	const char *proto = json_string_value(json_object_get(r, "proto"));
	const json_t *dport = json_object_get(r, "dport");
	const char *v[24] = {tool, "-w", "-t", "filter", "-A", NC_AGENT_ACL_CHAIN};
	char port[16];
	int n = 6;

	if (strcmp(proto, "any") != 0) {
		v[n++] = "-p";
		v[n++] = strcmp(proto, "icmp") == 0 && v6 ? "ipv6-icmp" : proto;
	}
	v[n++] = "-s";
	v[n++] = json_string_value(json_object_get(r, "src"));
	v[n++] = "-d";
	v[n++] = json_string_value(json_object_get(r, "dst"));
	if (dport && json_integer_value(dport) > 0) {
		snprintf(port, sizeof(port), "%lld", (long long)json_integer_value(dport));
		v[n++] = "--dport";
		v[n++] = port;
	}
	v[n++] = "-j";
	v[n++] = target_of(json_string_value(json_object_get(r, "action")));
	v[n] = NULL;
	nc_agent_plan_add(p, 0, v);
}

static void acl_fill(struct nc_agent_plan *p, const char *tool, const json_t *body, bool v6)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(body, "rules"), i, r) {
		if (is_v6(json_string_value(json_object_get(r, "src"))) == v6)
			acl_rule(p, tool, r, v6);
	}
	if (strcmp(default_of(body), "accept") != 0)
		ADD(p, 0, tool, "-w", "-t", "filter", "-A", NC_AGENT_ACL_CHAIN, "-j",
		    target_of(default_of(body)));
}

/* The chains, by the command kind that describes them. */
static const struct {
	const char *kind;
	struct chain chain;
} chains[] = {
	{"nat", {"nat", NC_AGENT_NAT_CHAIN, "POSTROUTING", "-A", nat_needed, nat_fill}},
	{"acl", {"filter", NC_AGENT_ACL_CHAIN, "FORWARD", "-I", acl_needed, acl_fill}},
};

bool nc_agent_plan_chain(const struct nc_agent_probe *probe, const char *kind, const json_t *body,
			 const json_t *old, struct nc_agent_plan *out)
{
	for (size_t i = 0; i < NC_COUNT(chains); i++) {
		if (strcmp(chains[i].kind, kind) == 0) {
			chain_plan(&chains[i].chain, probe, body, old, out);
			return true;
		}
	}
	return false;
}

/*
 * IPSec: one ESP state per SA and a policy per SA's direction, in transport
 * mode between the SA's src and dst. States go through `ip -batch -' so
 * their keys never appear on a command line (/proc/PID/cmdline).
 */

static const char *sa_str(const json_t *sa, const char *key)
{
	return json_string_value(json_object_get(sa, key));
}

static unsigned long sa_spi(const json_t *sa)
{
	return (unsigned long)json_integer_value(json_object_get(sa, "spi"));
}

static bool same_sa(const json_t *a, const json_t *b)
{
	return strcmp(sa_str(a, "src"), sa_str(b, "src")) == 0 &&
	       strcmp(sa_str(a, "dst"), sa_str(b, "dst")) == 0 && sa_spi(a) == sa_spi(b);
}

static bool same_policy(const json_t *a, const json_t *b)
{
	return strcmp(sa_str(a, "src"), sa_str(b, "src")) == 0 &&
	       strcmp(sa_str(a, "dst"), sa_str(b, "dst")) == 0 &&
	       strcmp(sa_str(a, "direction"), sa_str(b, "direction")) == 0;
}

/* Whether body's SAs hold one that match() pairs with sa. */
static bool sa_in(const json_t *body, const json_t *sa,
		  bool (*match)(const json_t *, const json_t *))
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(body, "sas"), i, v) {
		if (match(v, sa))
			return true;
	}
	return false;
}

/* Host selectors: "addr/32" or "addr/128". */
static void host_prefix(char *buf, size_t n, const char *addr)
{
	snprintf(buf, n, "%s/%d", addr, is_v6(addr) ? 128 : 32);
}

static void sa_add(const struct nc_agent_probe *probe, const json_t *old, const json_t *sa,
		   struct nc_agent_plan *p)
{
	const char *src = sa_str(sa, "src"), *dst = sa_str(sa, "dst");
	bool exists = probe ? probe->sa(probe->arg, src, dst, (uint32_t)sa_spi(sa))
			    : sa_in(old, sa, same_sa);
	long long icv = (long long)json_integer_value(json_object_get(sa, "icv_bits"));
	char spi[16], sp[64], dp[64], head[256];
	struct nc_agent_step *s;

	snprintf(spi, sizeof(spi), "0x%08lx", sa_spi(sa));
	snprintf(head, sizeof(head),
		 "xfrm state %s src %s dst %s proto esp spi %s mode transport aead %s",
		 exists ? "update" : "add", src, dst, spi, sa_str(sa, "aead"));
	s = ADD(p, 0, "ip", "-batch", "-");
	s->input = nc_xasprintf("%s 0x%s %lld\n", head, sa_str(sa, "key"), icv);
	s->input_shown = nc_xasprintf("%s (key) %lld", head, icv);
	host_prefix(sp, sizeof(sp), src);
	host_prefix(dp, sizeof(dp), dst);
	ADD(p, 0, "ip", "xfrm", "policy", "update", "src", sp, "dst", dp, "dir",
	    sa_str(sa, "direction"), "tmpl", "src", src, "dst", dst, "proto", "esp", "spi", spi,
	    "mode", "transport");
}

int nc_agent_plan_ipsec(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			const json_t *body, const json_t *old, struct nc_agent_plan *out)
{
	const json_t *sa;
	char spi[16], sp[64], dp[64];
	size_t i;

	json_array_foreach(json_object_get(old, "sas"), i, sa) {
		if (sa_in(body, sa, same_sa))
			continue;
		snprintf(spi, sizeof(spi), "0x%08lx", sa_spi(sa));
		ADD(out, NC_AGENT_STEP_TOLERANT, "ip", "xfrm", "state", "delete", "src",
		    sa_str(sa, "src"), "dst", sa_str(sa, "dst"), "proto", "esp", "spi", spi);
		if (sa_in(body, sa, same_policy))
			continue;
		host_prefix(sp, sizeof(sp), sa_str(sa, "src"));
		host_prefix(dp, sizeof(dp), sa_str(sa, "dst"));
		ADD(out, NC_AGENT_STEP_TOLERANT, "ip", "xfrm", "policy", "delete", "src", sp, "dst",
		    dp, "dir", sa_str(sa, "direction"));
	}
	json_array_foreach(json_object_get(body, "sas"), i, sa)
		sa_add(probe, old, sa, out);
	return 0;
}
