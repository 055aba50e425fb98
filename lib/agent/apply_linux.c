/* SPDX-License-Identifier: MIT */
/*
 * The linux applier: runs the plan of each command with ip, wg, iptables
 * (wireguard-go with --wg-userspace), asking the system what exists before
 * planning, and reads tunnel health from `wg show <if> dump' and
 * `ip xfrm state'.
 */
#include "internal.h"

#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../proto/proto.h"
#include "../util/err.h"
#include "../util/file.h"
#include "../util/log.h"

#define STEP_TIMEOUT_MS	  30000
#define PROBE_TIMEOUT_MS  10000
#define HANDSHAKE_FRESH_S 180 /* WireGuard rekeys every 2 minutes: older means down */
#define LINE_MAX_LEN	  8192

/* Runs argv (NULL-terminated, at most 15 words) in network namespace netns (NULL: this one). */
static int run_in(const char *netns, const char *const *argv, bool want_out, int timeout_ms,
		  struct agent_exec *r)
{
	const char *v[20] = {"ip", "netns", "exec", netns};
	size_t n = netns ? 4 : 0;

	for (size_t i = 0; argv[i] && n + 1 < sizeof(v) / sizeof(v[0]); i++)
		v[n++] = argv[i];
	v[n] = NULL;
	return nc_agent_exec((char *const *)v, NULL, want_out, timeout_ms, r);
}

/* The probe's arg is the namespace it looks into (NULL: this one). */
static bool run_quiet(void *netns, const char *const *argv)
{
	struct agent_exec r;

	return run_in(netns, argv, false, PROBE_TIMEOUT_MS, &r) == 0;
}

static bool probe_link(void *arg, const char *ifname)
{
	if (!arg)
		return if_nametoindex(ifname) != 0;
	return run_quiet(arg, (const char *const[]){"ip", "link", "show", "dev", ifname, NULL});
}

static bool probe_chain(void *arg, const char *tool, const char *table, const char *chain,
			const char *from)
{
	if (from)
		return run_quiet(arg, (const char *const[]){tool, "-w", "-t", table, "-C", from,
							    "-j", chain, NULL});
	return run_quiet(arg, (const char *const[]){tool, "-w", "-t", table, "-S", chain, NULL});
}

static bool probe_sa(void *arg, const char *src, const char *dst, uint32_t spi)
{
	char s[16];

	snprintf(s, sizeof(s), "0x%08lx", (unsigned long)spi);
	return run_quiet(arg, (const char *const[]){"ip", "xfrm", "state", "get", "src", src, "dst",
						    dst, "proto", "esp", "spi", s, NULL});
}

/* `ip netns add' makes /run/netns/NAME (iproute2's NETNS_RUN_DIR). */
static bool probe_netns(void *arg, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return access(path, F_OK) == 0;
}

static int run_step(const struct nc_agent_step *s, char *err, size_t n)
{
	struct nc_errinfo ei = {0};
	struct agent_exec r;
	char line[LINE_MAX_LEN];
	int ret = 0;

	nc_debug("run: %s", nc_agent_step_format(s, line, sizeof(line)));
	if (s->file)
		ret = nc_file_write_atomic(s->file, s->file_text, strlen(s->file_text), 0600, &ei);
	if (ret < 0) {
		snprintf(err, n, "%s", ei.msg);
		return ret;
	}
	ret = nc_agent_exec(s->argv, s->input, false, STEP_TIMEOUT_MS, &r);
	if (ret < 0)
		snprintf(err, n, "%s", r.err);
	return ret;
}

static int linux_apply(const struct nc_agent_env *env, const char *topic, const json_t *body,
		       const json_t *old, char *err, size_t n)
{
	const struct nc_agent_probe probe = {
		.link = probe_link,
		.chain = probe_chain,
		.sa = probe_sa,
		.arg = (void *)env->netns,
		.netns = probe_netns,
	};
	struct nc_agent_plan p = {0};
	struct nc_errinfo ei = {0};
	char line[LINE_MAX_LEN];
	int ret = nc_agent_plan_command(env, &probe, topic, body, old, &p, &ei);

	if (ret < 0) {
		snprintf(err, n, "%s", ei.msg);
		goto out;
	}
	for (size_t i = 0; i < p.n; i++) {
		ret = run_step(&p.v[i], err, n);
		if (ret == 0)
			continue;
		if (!(p.v[i].flags & NC_AGENT_STEP_TOLERANT))
			break;
		/* Removing what is gone already is fine. */
		nc_debug("%s (ignored): %s", nc_agent_step_format(&p.v[i], line, sizeof(line)),
			 err);
		err[0] = '\0';
		ret = 0;
	}
out:
	nc_agent_plan_clear(&p);
	return ret;
}

/* Whether an executable named tool is in $PATH. */
static bool in_path(const char *tool)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)len, path);
		snprintf(file, sizeof(file), "%s/%s", *dir ? dir : ".", tool);
		if (access(file, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

/* Whether the process may configure the network: CAP_NET_ADMIN (bit 12) in CapEff. */
static bool net_admin(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps = 0;
	char line[256];

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	}
	fclose(f);
	return (caps >> 12) & 1;
}

/* Whether IPv4 forwarding is on in this network namespace; true when it cannot be read. */
static bool forwarding(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "r");
	int c = f ? fgetc(f) : '1';

	if (f)
		fclose(f);
	return c != '0';
}

static int linux_check(const struct nc_agent_env *env, struct nc_errinfo *ei)
{
	static const char *const tools[][2] = {
		{"ip", "iproute2"},
		{"wg", "wireguard-tools"},
		{"iptables", "iptables"},
		{"wireguard-go", "wireguard-go"},
	};
	char missing[256] = "";
	bool cap = net_admin();

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (strcmp(tools[i][0], "wireguard-go") == 0 && !env->wg_userspace)
			continue;
		if (!in_path(tools[i][0]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s (package %s)", missing[0] ? ", " : "", tools[i][0],
				 tools[i][1]);
	}
	if (!cap || missing[0])
		return nc_fail(ei, NC_ERR_NOTFOUND, "apply",
			       "--apply linux cannot work here: %s%s%s%s",
			       cap ? "" : "it needs CAP_NET_ADMIN (run it as root)",
			       !cap && missing[0] ? "; " : "", missing[0] ? "missing tools: " : "",
			       missing);
	/* The host's setting, not the agent's: it only says so. */
	if (!forwarding())
		nc_warn("IPv4 forwarding is off (net.ipv4.ip_forward = 0): packets between the "
			"tunnels and the LANs behind this device are not forwarded, nor a hub's "
			"between its spokes");
	if (!env->wg_userspace && access("/sys/module/wireguard", F_OK) != 0)
		nc_warn("the wireguard kernel module is not loaded; if `ip link add type "
			"wireguard' fails, use --wg-userspace (wireguard-go)");
	return 0;
}

static struct nc_tunnel_report *report_of(struct nc_tunnel_status *t, const char *iface,
					  const char *peer)
{
	for (size_t i = 0; i < t->n_tunnels; i++) {
		if (strcmp(t->tunnels[i].interface, iface) == 0 &&
		    strcmp(t->tunnels[i].peer, peer) == 0)
			return &t->tunnels[i];
	}
	return NULL;
}

static const char *peer_by_key(const json_t *iface, const char *key)
{
	const json_t *peer;
	size_t i;

	json_array_foreach(json_object_get(iface, "peers"), i, peer) {
		if (strcmp(json_string_value(json_object_get(peer, "public_key")), key) == 0)
			return json_string_value(json_object_get(peer, "serial"));
	}
	return NULL;
}

/* Whether interface name in netns is administratively up: its flags in
 * `ip -o link show' (between < and >) hold UP. false when it cannot be read. */
static bool admin_up(const char *netns, const char *name)
{
	const char *argv[] = {"ip", "-o", "link", "show", "dev", name, NULL};
	struct agent_exec r = {0};
	const char *open, *close;
	bool up = false;

	if (run_in(netns, argv, true, PROBE_TIMEOUT_MS, &r) < 0 || !r.out)
		goto out;
	open = strchr(r.out, '<');
	close = open ? strchr(open, '>') : NULL;
	for (const char *p = open; p && p < close;) {
		size_t len = strcspn(p + 1, ",>");

		if (len == 2 && strncmp(p + 1, "UP", 2) == 0)
			up = true;
		p += len + 1;
	}
out:
	free(r.out);
	return up;
}

/* Fills the reports of iface from `wg show NAME dump' in netns (peers it lacks stay down; an
 * interface set down has every peer down, its counters still reported). */
static void wg_health(const char *netns, const json_t *iface, struct nc_tunnel_status *t,
		      int64_t now)
{
	const char *name = json_string_value(json_object_get(iface, "name"));
	const char *argv[] = {"wg", "show", name, "dump", NULL};
	struct agent_exec r;
	char *save = NULL, *line;
	bool if_up = admin_up(netns, name);
	size_t k = 0;

	for (size_t i = 0; i < t->n_tunnels; i++) {
		if (strcmp(t->tunnels[i].interface, name) == 0)
			t->tunnels[i].up = false;
	}
	if (run_in(netns, argv, true, PROBE_TIMEOUT_MS, &r) < 0)
		goto out;
	/* The first line is the interface's own, private key included: skipped. */
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8], *fsave = NULL, *tok;
		struct nc_tunnel_report *rep;
		const char *serial, *key;
		long long hs, rx, tx;
		int nf = 0;

		if (k++ == 0)
			continue;
		/* public-key preshared-key endpoint allowed-ips handshake rx tx keepalive */
		for (tok = strtok_r(line, "\t", &fsave); tok && nf < 8;
		     tok = strtok_r(NULL, "\t", &fsave))
			f[nf++] = tok;
		if (nf < 7)
			continue;
		key = f[0];
		hs = strtoll(f[4], NULL, 10);
		rx = strtoll(f[5], NULL, 10);
		tx = strtoll(f[6], NULL, 10);
		serial = peer_by_key(iface, key);
		rep = serial ? report_of(t, name, serial) : NULL;
		if (!rep)
			continue;
		rep->latest_handshake = hs;
		rep->rx_bytes = rx;
		rep->tx_bytes = tx;
		rep->up = if_up && hs > 0 && now - hs < HANDSHAKE_FRESH_S;
	}
out:
	if (r.out) {
		explicit_bzero(r.out, strlen(r.out));
		free(r.out);
	}
}

/* Whether `ip xfrm state' output lists the state (src, dst, spi). */
static bool xfrm_has(const char *text, const char *src, const char *dst, unsigned long spi)
{
	char want[160], cur[160] = "", spis[24];
	const char *p = text;

	snprintf(want, sizeof(want), "src %s dst %s", src, dst);
	snprintf(spis, sizeof(spis), "spi 0x%08lx", spi);
	while (p && *p) {
		size_t len = strcspn(p, "\n");

		if (strncmp(p, "src ", 4) == 0)
			snprintf(cur, sizeof(cur), "%.*s", (int)len, p);
		else if (strcmp(cur, want) == 0 && memmem(p, len, spis, strlen(spis)))
			return true;
		p += len + (p[len] == '\n');
	}
	return false;
}

static void ipsec_health(const char *netns, const json_t *sas, struct nc_tunnel_status *t)
{
	const char *argv[] = {"ip", "xfrm", "state", NULL};
	struct agent_exec r;
	const json_t *sa;
	size_t i;

	run_in(netns, argv, true, PROBE_TIMEOUT_MS, &r);
	json_array_foreach(sas, i, sa) {
		const json_t *idx = json_object_get(sa, "tunnel_index");
		const char *peer = json_string_value(json_object_get(sa, "peer"));

		if (xfrm_has(r.out, json_string_value(json_object_get(sa, "src")),
			     json_string_value(json_object_get(sa, "dst")),
			     (unsigned long)json_integer_value(json_object_get(sa, "spi"))))
			continue;
		for (size_t k = 0; k < t->n_tunnels; k++) {
			struct nc_tunnel_report *rep = &t->tunnels[k];

			if (rep->protocol == NC_PROTO_IPSEC && strcmp(rep->peer, peer) == 0 &&
			    rep->tunnel_index == (idx ? json_integer_value(idx) : 0) &&
			    strcmp(rep->peering, nc_agent_tunnel_peering(sa)) == 0) {
				rep->up = false;
				snprintf(rep->sa, sizeof(rep->sa), "down");
			}
		}
	}
	/* The listing shows the keys: wiped. */
	if (r.out) {
		explicit_bzero(r.out, strlen(r.out));
		free(r.out);
	}
}

static int linux_tunnels(const struct nc_agent_env *env, const json_t *owned,
			 struct nc_tunnel_status *out)
{
	const json_t *ifaces = json_object_get(json_object_get(owned, "wireguard"), "interfaces");
	const json_t *sas = json_object_get(json_object_get(owned, "ipsec"), "sas");
	const json_t *iface;
	int64_t now = time(NULL);
	size_t i;
	int ret = nc_agent_tunnels_declared(owned, out);

	if (ret < 0 || out->n_tunnels == 0)
		return ret;
	json_array_foreach(ifaces, i, iface) {
		if (json_array_size(json_object_get(iface, "peers")) > 0)
			wg_health(env->netns, iface, out, now);
	}
	if (json_array_size(sas) > 0)
		ipsec_health(env->netns, sas, out);
	return 0;
}

const struct nc_agent_applier nc_agent_applier_linux = {
	.name = "linux",
	.check = linux_check,
	.apply = linux_apply,
	.tunnels = linux_tunnels,
};
