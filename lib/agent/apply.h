/* SPDX-License-Identifier: MIT */
#ifndef NC_AGENT_APPLY_H
#define NC_AGENT_APPLY_H

/*
 * How a device turns one command of a batch into changes of the system:
 * validation of the body (validate.c), the command lines that carry it out
 * (plan.c, plan_fw.c: pure, no I/O) and the appliers that run them or not
 * (apply_linux.c, apply_dryrun.c; the fleet has its own in fleet.c).
 *
 * Nothing goes through a shell: a step is an argument vector run with
 * posix_spawnp(), and every string of a body is validated before any step
 * is planned, so batch strings can never inject commands.
 *
 * What the agent owns: the WireGuard interfaces wg0-wg3, the iptables
 * chains NETCTL-NAT (nat table, jumped to from POSTROUTING) and NETCTL-ACL
 * (filter table, jumped to from FORWARD), and the addresses, routes and
 * xfrm states and policies it added (remembered per kind in config.json).
 * On an MTGE each tenant's batches name the same wg0-wg3 (wg0 that tenant's
 * backbone, wg1 its App VPN), routes and chains, and tenants' LANs may
 * overlap: each tenant gets all of them in its own network namespace,
 * netctl-TENANT (env->netns), created on its first batch and never removed.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nc_errinfo;
struct nc_tunnel_status;

/* The chains the agent owns. */
#define NC_AGENT_NAT_CHAIN "NETCTL-NAT"
#define NC_AGENT_ACL_CHAIN "NETCTL-ACL"

/* Longest error text of one failed command in a confirmation. */
#define NC_AGENT_ERR_MAX 1024

/*
 * What appliers and the plan need to know of the device. Strings are
 * borrowed for the call. The same env is used for every command of a
 * batch; index changes per command.
 */
struct nc_agent_env {
	const char *serial;
	const char *state_dir;	 /* wg config files go here; NULL: no files (fleet) */
	const char *private_key; /* base64, a secret: only ever written to a 0600 file */
	const char *lan_if;	 /* the names the agent accepts besides wg0-wg3 */
	const char *wan_if;
	bool wg_userspace; /* wireguard-go instead of the kernel module */
	FILE *out;	   /* dry-run: where command lines go */
	/* NULL: the host's namespace. Else (an MTGE tenant's batch) every step runs in
	 * this named network namespace (`ip netns exec NS ...'), which the plan creates
	 * first when it does not exist. */
	const char *netns;
	bool netns_made; /* without a probe: whether netns exists (its tenant owns something) */
	/* The fleet's fault injection (0 elsewhere). */
	double fail_rate;
	uint64_t seed;
	const char *batch_hash; /* the batch being applied */
	size_t count;		/* its number of commands */
	size_t index;		/* the command being applied */
};

/*
 * Validation (validate.c)
 */

/*
 * Checks the body of one command before anything is planned for it: topic
 * is one of nc_proto_command_topics; every string anywhere in body (keys
 * too) is free of control characters and shell metacharacters; every member
 * the agent uses has its type and form (interface names wg0-wg3 for
 * WireGuard, lan_if/wan_if for LAN addresses, any of those for routes and
 * NAT; CIDRs, addresses, keys, ports, SPIs, ...). Members it does not use
 * are ignored. 0, or NC_ERR_INVAL with ei->msg a sentence naming the path in
 * the body and quoting the value, e.g.
 *   interfaces[0].peers[1].allowed_ips[0]: `10.0.0.0/33' is not an IPv4 or IPv6 prefix
 */
int nc_agent_validate(const struct nc_agent_env *env, const char *topic, const json_t *body,
		      struct nc_errinfo *ei);

/*
 * The kind of state a topic manages: nat_config and nat44 are both "nat",
 * acl_config and acl both "acl"; the others are their own. NULL for an
 * unknown topic.
 */
const char *nc_agent_topic_kind(const char *topic);

/* A topic of kind ("nat": "nat_config", "acl": "acl_config", others: kind itself). */
const char *nc_agent_kind_topic(const char *kind);

/* The kinds, in the order batches apply them, NULL-terminated. */
extern const char *const nc_agent_kinds[];

/*
 * Plans (plan.c, plan_fw.c)
 */

/* The step's failure is logged, not reported: it removes what may be gone already. */
#define NC_AGENT_STEP_TOLERANT 0x1

/* One command line. Everything is owned by the step. */
struct nc_agent_step {
	char **argv;	   /* NULL-terminated; argv[0] is looked up in PATH */
	char *input;	   /* written to its stdin, or NULL (/dev/null); may be secret */
	char *input_shown; /* input as dry-run shows it, secrets masked; NULL with input */
	char *file;	   /* written (mode 0600, atomically) before it runs, or NULL */
	char *file_text;   /* the file's contents; may be secret, never shown */
	unsigned flags;	   /* NC_AGENT_STEP_* */
};

struct nc_agent_plan {
	struct nc_agent_step *v;
	size_t n, cap;
};

/* Frees every step and zeroes p; secrets are wiped. A zeroed p is fine. */
void nc_agent_plan_clear(struct nc_agent_plan *p);

/*
 * What a plan needs to know of the system now. The linux applier asks the
 * kernel and the tools; with no probe (NULL) the plan assumes the system
 * holds exactly `old', which is what dry-run shows. Callbacks may run
 * commands; arg is theirs.
 */
struct nc_agent_probe {
	bool (*link)(void *arg, const char *ifname);
	/* tool is "iptables" or "ip6tables"; with from, whether from jumps to chain. */
	bool (*chain)(void *arg, const char *tool, const char *table, const char *chain,
		      const char *from);
	bool (*sa)(void *arg, const char *src, const char *dst, uint32_t spi);
	void *arg;
	/* Whether the named network namespace exists; NULL: it does. */
	bool (*netns)(void *arg, const char *name);
};

/*
 * Appends to *out the steps that take the system from `old' to `body' for
 * topic: body is the validated body of the command, or NULL to remove all
 * the agent owns of that kind (its topic left the batch); old is what the
 * device ran of that kind (the validated body it last applied), or NULL for
 * nothing. Steps come in the order they must run. With env->netns every step
 * runs in that namespace, after `ip netns add' when it does not exist yet
 * (and with body NULL nothing is planned then: nothing of it exists); the
 * probe's callbacks are asked about that namespace. 0, NC_ERR_INVAL for an
 * unknown topic (and ei says so); no I/O besides the probe.
 */
int nc_agent_plan_command(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			  const char *topic, const json_t *body, const json_t *old,
			  struct nc_agent_plan *out, struct nc_errinfo *ei);

/* Internal to plan*.c: one planner per kind, same contract as nc_agent_plan_command. */
/* Plans the firewall chain of command kind ("nat", "acl"): false for another kind. */
bool nc_agent_plan_chain(const struct nc_agent_probe *probe, const char *kind, const json_t *body,
			 const json_t *old, struct nc_agent_plan *out);
int nc_agent_plan_ipsec(const struct nc_agent_env *env, const struct nc_agent_probe *probe,
			const json_t *body, const json_t *old, struct nc_agent_plan *out);
/* Appends a step; args is a NULL-terminated list copied into it. */
struct nc_agent_step *nc_agent_plan_add(struct nc_agent_plan *p, unsigned flags,
					const char *const *args);

/*
 * The step as one line, the way dry-run prints it: arguments separated by
 * spaces, single-quoted when they hold anything but [A-Za-z0-9@%_+=:,./-];
 * with input, " <<< " and input_shown quoted. Never the secrets. Into buf
 * of n bytes, truncated to fit; returns buf.
 */
const char *nc_agent_step_format(const struct nc_agent_step *s, char *buf, size_t n);

/*
 * Appliers
 */

struct nc_agent_applier {
	const char *name;
	/*
	 * What it needs at start (privileges, tools). 0, or NC_ERR_* with
	 * ei->msg naming everything that is missing. NULL: nothing.
	 */
	int (*check)(const struct nc_agent_env *env, struct nc_errinfo *ei);
	/*
	 * Carries out one validated command (body NULL: remove what the agent
	 * owns of topic's kind) over old, as nc_agent_plan_command() describes.
	 * 0, or a negative NC_ERR_* with err (n bytes) saying why: the failing
	 * tool's stderr, trimmed. Runs on a worker thread with the device
	 * locked; may block for as long as its commands run.
	 */
	int (*apply)(const struct nc_agent_env *env, const char *topic, const json_t *body,
		     const json_t *old, char *err, size_t n);
	/*
	 * The tunnels of what the device runs (owned: kind -> body, borrowed;
	 * in env->netns when set) into out->tunnels / n_tunnels (out->serial
	 * and ts are the caller's). 0 or NC_ERR_*.
	 */
	int (*tunnels)(const struct nc_agent_env *env, const json_t *owned,
		       struct nc_tunnel_status *out);
};

extern const struct nc_agent_applier nc_agent_applier_linux;
extern const struct nc_agent_applier nc_agent_applier_dryrun;

/* The appliers a command line may name ("linux", "dry-run"), NULL-terminated. */
extern const struct nc_agent_applier *const nc_agent_appliers[];

/* The applier called name, or NULL. */
const struct nc_agent_applier *nc_agent_applier_find(const char *name);

/*
 * Every tunnel the owned configuration declares, each reported up: one per
 * WireGuard peer of each interface, one per (peer, tunnel index, peering)
 * of the IPSec SAs ("established"). Peering tunnels carry the "peering" of
 * their batch peer or SA; backbone ones (wg0, wg1) none. What dry-run and
 * the fleet report; the linux applier starts from it. out->tunnels is heap
 * (nc_tunnel_status_clear()).
 */
int nc_agent_tunnels_declared(const json_t *owned, struct nc_tunnel_status *out);

/* The "peering" of batch peer or SA o (borrowed): "" when absent or not a
 * valid peering name. Borrowed from o. */
const char *nc_agent_tunnel_peering(const json_t *o);

#endif
