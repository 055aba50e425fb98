/* SPDX-License-Identifier: MIT */
#ifndef NC_AGENT_AGENT_H
#define NC_AGENT_AGENT_H

/*
 * The `netctl agent' role: the device side of PROTOCOL.md. One device that
 * applies its batches to this Linux host (or prints them, dry-run), or a
 * fleet of simulated devices in one process for tests, demos and benchmarks.
 * Both run until SIGTERM or SIGINT and then return 0.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nc_errinfo;

/* Broker settings shared by both forms. Strings are borrowed. */
struct nc_agent_broker {
	const char *url;       /* tcp://, mqtt://, ssl://, mqtts:// */
	const char *cafile;    /* TLS: trusted CAs */
	const char *cert;      /* TLS: client certificate */
	const char *key;       /* TLS: its key */
	const char *auth_file; /* "username\npassword\n", mode 0600 */
	/* The fleet: DIR/<serial>/{ca.crt,device.crt,device.key} per device, one
	 * connection each (cafile, cert and key above, when given, win); NULL: none. */
	const char *credentials_dir;
};

struct nc_agent_opts {
	struct nc_agent_broker broker;
	const char *serial;
	const char *state_dir;		 /* created (0700) if absent */
	const char *apply;		 /* an applier name: "linux" or "dry-run" */
	int64_t heartbeat_ms;		 /* 0: 30 s */
	int64_t tunnel_ms;		 /* 0: 60 s */
	const char *enrollment_key_file; /* NULL: none */
	const char *lan_if;		 /* NULL: "lan0" */
	const char *wan_if;		 /* NULL: "eth0" */
	bool wg_userspace;
	FILE *out;		/* dry-run command lines; NULL: stdout */
	int64_t apply_delay_ms; /* each apply takes this much longer (tests); 0: none */
	int64_t batch_max;	/* bytes, see NC_AGENT_BATCH_MAX_DEFAULT; 0: that */
};

/*
 * The largest batch an agent accepts, in bytes, unless told (--batch-max), and
 * the most it may be told: it advertises it as its batch_max (netctl-protocol(7))
 * and ignores a larger batch. The state file keeps what was applied and is read
 * back up to 64 MiB, hence the cap.
 */
#define NC_AGENT_BATCH_MAX_DEFAULT (16 * 1024 * 1024)
#define NC_AGENT_BATCH_MAX_CAP	   (32 * 1024 * 1024)

/*
 * Runs one device: keys and state in state_dir, the applier's start-up check
 * (linux: CAP_NET_ADMIN and the tools; a failure names what is missing),
 * then the protocol until a stop signal. 0 after a clean stop; NC_ERR_USAGE
 * for an unknown applier; other errors with ei (nothing was applied).
 */
int nc_agent_run(const struct nc_agent_opts *o, struct nc_errinfo *ei);

struct nc_fleet_opts {
	struct nc_agent_broker broker;
	size_t n;		  /* devices, 1..NC_FLEET_MAX */
	const char *prefix;	  /* serials prefix0001 ... */
	unsigned connections;	  /* MQTT connections shared by the devices; 0: 8 */
	double fail_rate;	  /* a batch has a failing command */
	double drop_confirm_rate; /* a confirmation is not sent */
	double offline_rate;	  /* a device never connects */
	double restart_stale;	  /* after an apply, a device restarts with its old seq */
	uint64_t seed;
	int64_t heartbeat_ms;	/* 0: 30 s */
	int64_t tunnel_ms;	/* 0: 60 s */
	int64_t apply_delay_ms; /* each apply takes this much longer; 0: none */
	int64_t batch_max;	/* bytes, as nc_agent_opts.batch_max */
};

#define NC_FLEET_MAX 1000000

/*
 * Runs n simulated devices over `connections' MQTT connections until a stop
 * signal, then logs a summary. Deterministic for a seed: serials, key pairs,
 * which devices are offline and which batches fail. 0 after a clean stop.
 */
int nc_fleet_run(const struct nc_fleet_opts *o, struct nc_errinfo *ei);

#endif
