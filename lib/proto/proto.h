/* SPDX-License-Identifier: MIT */
#ifndef NC_PROTO_PROTO_H
#define NC_PROTO_PROTO_H

/*
 * The device protocol of PROTOCOL.md (version 1, the wire contract): MQTT topics
 * and every payload, parsed from and built to bytes. No I/O, no global state:
 * unit tests and the fuzzer feed these functions directly.
 *
 * Decoders (nc_proto_*_decode) take the payload as bytes (buf need not be
 * NUL-terminated) and check, in this order: the size limit of the message
 * (NC_ERR_TOOBIG), JSON (NC_ERR_PARSE: invalid JSON or UTF-8, a duplicate
 * key, \u0000 in a string, an integer beyond 64 bits, or not an object),
 * "v" == 1 (NC_ERR_INVAL "unsupported protocol version N"), then the fields
 * (NC_ERR_INVAL, ei->field naming the field, e.g. "failures[1].index").
 * Every member of a struct below is required on the wire unless its comment
 * says optional; unknown fields are ignored. Integers must be JSON integers
 * (no fraction, no exponent) with |n| < 2^53. Every string field is bounded
 * by its buffer; a longer one is NC_ERR_INVAL. `topic_serial` is the serial
 * parsed from the MQTT topic: the payload's "serial" must equal it ("payload
 * serial `X' differs from the topic's `Y'"); NULL skips that check. On
 * success *out is overwritten (a previous result is not freed: clear it
 * first); on error *out is zeroed and owns nothing.
 *
 * Encoders (nc_proto_*_encode) refuse (NC_ERR_INVAL, same messages) a struct
 * that its decoder would refuse, so what is sent always parses. On success
 * *out is a compact JSON text with "v":1, NUL-terminated, that the caller
 * frees with free(), and *len (when len is not NULL) its length without the
 * NUL. Errors: NC_ERR_INVAL, NC_ERR_TOOBIG (over the message's limit),
 * NC_ERR_NOMEM; *out is then NULL and *len 0. The struct is borrowed.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

struct nc_errinfo;

/*
 * The encoder and decoder of a message type T whose topic names only the
 * device, as described above: nc_proto_<name>_encode and _decode.
 */
#define NC_PROTO_CODEC(name, T)                                                                    \
	int nc_proto_##name##_encode(const T *msg, char **out, size_t *len,                        \
				     struct nc_errinfo *ei);                                       \
	int nc_proto_##name##_decode(const void *buf, size_t len, const char *topic_serial,        \
				     T *out, struct nc_errinfo *ei)

/* Size limits of payloads, in bytes: a batch; every device → core message. */
#define NC_PROTO_BATCH_MAX (1024 * 1024)
#define NC_PROTO_MSG_MAX   (64 * 1024)

/*
 * Batch size, an optional extension (netctl-protocol(7), "Optional
 * extensions"): a device may advertise the largest batch it accepts as
 * "batch_max", in bytes, in its config request, heartbeat and registration.
 * Absent, the device accepts NC_PROTO_BATCH_MAX, as the protocol says. A
 * present value is an integer of at least NC_PROTO_BATCH_ADVERT_MIN (a
 * smaller one, or another type, refuses the message as any bad member
 * does); the core sends at most the smaller of it and its own cap.
 * NC_PROTO_BATCH_CAP is the most either side may handle: it leaves room in
 * the largest MQTT packet (268435455 bytes) for the topic and headers.
 */
#define NC_PROTO_BATCH_ADVERT_MIN 1024
#define NC_PROTO_BATCH_CAP	  (255 * 1024 * 1024)

/* The largest integer a payload may carry: 2^53 - 1. */
#define NC_PROTO_INT_MAX 9007199254740991LL

/* A buffer that holds any valid topic ("VSR/" serial "/config-request/" tenant). */
#define NC_PROTO_TOPIC_MAX 160

/* Buffers of string fields, NUL included. */
#define NC_PROTO_AGENT_MAX    128 /* "netctl-agent/0.1.0" */
#define NC_PROTO_TIME_MAX     32  /* issued_at, "2026-11-22T02:00:00Z" */
#define NC_PROTO_HOSTNAME_MAX 256
#define NC_PROTO_ENROLL_MAX   128
#define NC_PROTO_SA_MAX	      32 /* "established", "down", ... */

/* Most tunnels one tunnel-status message may report. */
#define NC_PROTO_TUNNELS_MAX 4096

/* The MQTT messages of the protocol, one per topic name. */
enum nc_msg {
	NC_MSG_BATCH,	/* core → device */
	NC_MSG_CONFIRM, /* device → core, the rest too */
	NC_MSG_CONFIG_REQUEST,
	NC_MSG_HEARTBEAT,
	NC_MSG_TUNNEL_STATUS,
	NC_MSG_REGISTER,
};

#define NC_MSG_COUNT 6

/*
 * Topics
 */

/*
 * Splits an MQTT topic: VSR/{serial}/batch[/{tenantId}],
 * VSR/{serial}/confirm[/{tenantId}], VSR/{serial}/config-request[/{tenantId}],
 * VSR/{serial}/heartbeat, VSR/{serial}/tunnel-status, VSR/{serial}/register.
 * Stores the kind, the serial and the tenant ("" when the topic has none).
 * 0, or NC_ERR_INVAL for any other topic, an invalid serial (which also
 * excludes the wildcards '+' and '#') or an invalid tenant id; the outputs
 * are then zeroed.
 */
int nc_proto_topic_parse(const char *topic, enum nc_msg *kind, char serial[NC_SERIAL_MAX],
			 char tenant[NC_ID_MAX], struct nc_errinfo *ei);

/*
 * Writes the topic of kind for serial, and tenant when it is neither NULL nor
 * "" (only batch, confirm and config-request take one), into buf of n bytes
 * (NC_PROTO_TOPIC_MAX always suffices). 0; NC_ERR_INVAL for an invalid serial
 * or tenant, an unknown kind or a tenant on a topic without one;
 * NC_ERR_TOOBIG when it does not fit. buf is "" on error (if n > 0).
 */
int nc_proto_topic_format(enum nc_msg kind, const char *serial, const char *tenant, char *buf,
			  size_t n);

/*
 * The MQTT subscription filters of the core: every device → core topic, with
 * and without a tenant level ("VSR/+/confirm", "VSR/+/confirm/+", ...).
 * NULL-terminated; NC_PROTO_CORE_FILTERS entries.
 */
#define NC_PROTO_CORE_FILTERS 7
extern const char *const nc_proto_core_filters[NC_PROTO_CORE_FILTERS + 1];

/*
 * The QoS the core subscribes nc_proto_core_filters[i] at: the QoS of its
 * messages (0 for heartbeat and tunnel status, else 1; 1 past the end). A
 * QoS 0 subscription asks the broker not to keep those messages for the
 * core's persistent session while it is away (RabbitMQ keeps whatever its
 * QoS 1 subscriptions match; docs/deploy.md, "Brokers").
 */
int nc_proto_core_filter_qos(size_t i);

/*
 * The subscription filter of the device serial, "VSR/{serial}/batch/#", which
 * matches its batches with and without a tenant level, into buf of n bytes.
 * Errors as nc_proto_topic_format().
 */
int nc_proto_device_filter(const char *serial, char *buf, size_t n);

/* The topic name of kind ("batch", "config-request", ...); "unknown" if invalid. */
const char *nc_proto_msg_name(enum nc_msg kind);
/* The QoS the protocol gives kind: 0 for heartbeat and tunnel status, else 1. */
int nc_proto_msg_qos(enum nc_msg kind);
/* The payload size limit of kind: NC_PROTO_BATCH_MAX or NC_PROTO_MSG_MAX. */
size_t nc_proto_msg_limit(enum nc_msg kind);

/*
 * Batch (core → device)
 */

/* The command topics in dependency order, NULL-terminated. */
#define NC_PROTO_COMMAND_TOPICS 8
extern const char *const nc_proto_command_topics[NC_PROTO_COMMAND_TOPICS + 1];

/* Whether name is one of nc_proto_command_topics. */
bool nc_proto_command_topic_known(const char *name);

struct nc_batch {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	int64_t seq;			   /* >= 1 */
	char config_hash[NC_HASH_HEX_MAX]; /* 64 lowercase hex */
	char issued_at[NC_PROTO_TIME_MAX];
	/*
	 * Owned reference to the array of {"index","topic","body"} objects.
	 * After a decode it is the array exactly as received, unknown members
	 * included, as the agent hashes what it applies "exactly as received".
	 */
	json_t *commands;
};

/* Releases b->commands and zeroes b; a zeroed b is fine. */
void nc_batch_clear(struct nc_batch *b);

/*
 * Checks a commands array (borrowed): an array of objects, each with an
 * integer "index" equal to its position, a "topic" from
 * nc_proto_command_topics appearing at most once, and an object "body";
 * and every value hashable (nc_jcs_encode(): integers with |n| < 2^53, no
 * reals, at most NC_JCS_MAX_DEPTH levels). 0 or NC_ERR_INVAL, ei->field
 * naming the value ("commands[1].topic").
 */
int nc_proto_commands_check(const json_t *commands, struct nc_errinfo *ei);

/*
 * config_hash of a commands array (borrowed): lowercase hex SHA-256 of its
 * RFC 8785 serialization into hex. Errors as nc_jcs_sha256_hex(); hex is ""
 * on error. It does not run nc_proto_commands_check().
 */
int nc_proto_commands_hash(const json_t *commands, char hex[65], struct nc_errinfo *ei);

/*
 * Encodes b. The hash is not computed here: the caller sets config_hash
 * (nc_proto_commands_hash()). b->commands is borrowed; its strings must not
 * hold a NUL character (only json_stringn() makes such strings), which
 * decoders refuse and this check does not see.
 */
int nc_proto_batch_encode(const struct nc_batch *b, char **out, size_t *len, struct nc_errinfo *ei);
/* As nc_proto_batch_encode, refusing (NC_ERR_TOOBIG) a payload over max bytes rather than
 * NC_PROTO_BATCH_MAX; max is at most NC_PROTO_BATCH_CAP (larger: that). */
int nc_proto_batch_encode_max(const struct nc_batch *b, size_t max, char **out, size_t *len,
			      struct nc_errinfo *ei);

/*
 * Decodes a batch published on the topic of topic_serial and topic_tenant
 * (NULL or "" when the topic has no tenant level; otherwise the payload's
 * tenant must equal it). The hash is not checked against the commands.
 */
int nc_proto_batch_decode(const void *buf, size_t len, const char *topic_serial,
			  const char *topic_tenant, struct nc_batch *out, struct nc_errinfo *ei);
/* As nc_proto_batch_decode, with max bytes (at most NC_PROTO_BATCH_CAP) as the size limit. */
int nc_proto_batch_decode_max(const void *buf, size_t len, size_t max, const char *topic_serial,
			      const char *topic_tenant, struct nc_batch *out,
			      struct nc_errinfo *ei);

/*
 * Confirmation (device → core)
 */

enum nc_confirm_status { NC_CONFIRM_SUCCESS, NC_CONFIRM_FAILURE };
enum nc_vpp_mode { NC_VPP_NONE, NC_VPP_DPDK, NC_VPP_AF_PACKET };

/* Wire names: "success"/"failure"; "none"/"dpdk"/"af_packet"; "unknown" if invalid. */
const char *nc_proto_confirm_status_name(enum nc_confirm_status s);
const char *nc_proto_vpp_mode_name(enum nc_vpp_mode m);

/* At most this many skipped seqs in one confirmation. */
#define NC_PROTO_SUPERSEDED_MAX 64

struct nc_confirm {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];		   /* "" when absent and not in the topic */
	int64_t seq;			   /* >= 0 */
	char config_hash[NC_HASH_HEX_MAX]; /* 64 hex, or "" when applied is 0 */
	enum nc_confirm_status status;	   /* success exactly when failed is 0 */
	int64_t applied;		   /* >= 0 */
	int64_t failed;			   /* >= 0 */
	/*
	 * Owned reference to an array of {"index","topic","error"} objects
	 * (index an integer >= 0, topic and error strings), possibly empty.
	 * A decode rebuilds each entry with exactly those three members.
	 * NULL encodes as [].
	 */
	json_t *failures;
	enum nc_vpp_mode vpp_mode;
	char agent[NC_PROTO_AGENT_MAX];
	/*
	 * Optional extension (netctl-protocol(7)): the seqs of batches the
	 * agent received but skipped because it held this newer one, each
	 * >= 1 and < seq; member "superseded", absent when none.
	 */
	int64_t superseded[NC_PROTO_SUPERSEDED_MAX];
	size_t n_superseded;
};

/* Releases c->failures and zeroes c; a zeroed c is fine. */
void nc_confirm_clear(struct nc_confirm *c);

int nc_proto_confirm_encode(const struct nc_confirm *c, char **out, size_t *len,
			    struct nc_errinfo *ei);

/*
 * Decodes a confirmation. "tenant" is optional in the payload: when the
 * topic has one (topic_tenant neither NULL nor ""), a present tenant must
 * equal it and an absent one is taken from it.
 */
int nc_proto_confirm_decode(const void *buf, size_t len, const char *topic_serial,
			    const char *topic_tenant, struct nc_confirm *out,
			    struct nc_errinfo *ei);

/*
 * Config request (device → core, on connect). Its topic may carry a tenant
 * level; the payload has no tenant.
 */

struct nc_config_request {
	char serial[NC_SERIAL_MAX];
	int64_t seq;			   /* >= 0; 0: no configuration yet */
	char config_hash[NC_HASH_HEX_MAX]; /* 64 hex or "" (with any seq) */
	char reason[NC_REASON_MAX];	   /* "startup", ... */
	int64_t batch_max;		   /* optional "batch_max" (above); 0: absent */
};

NC_PROTO_CODEC(config_request, struct nc_config_request);

/*
 * Heartbeat (device → core, every 30 s)
 */

struct nc_heartbeat {
	char serial[NC_SERIAL_MAX];
	int64_t ts;			   /* Unix seconds, >= 0 */
	int64_t seq;			   /* >= 0 */
	char config_hash[NC_HASH_HEX_MAX]; /* 64 hex or "" */
	int64_t uptime_s;		   /* >= 0 */
	char public_key[NC_KEY_B64_MAX];   /* a WireGuard key, or "" */
	char agent[NC_PROTO_AGENT_MAX];
	int64_t batch_max; /* optional "batch_max" (above); 0: absent */
};

NC_PROTO_CODEC(heartbeat, struct nc_heartbeat);

/*
 * Tunnel status (device → core, every 60 s). Decoded into a heap array of
 * at most NC_PROTO_TUNNELS_MAX entries (more is NC_ERR_INVAL).
 */

struct nc_tunnel_report {
	char interface[NC_IFNAME_MAX]; /* a valid interface name */
	char peer[NC_SERIAL_MAX];      /* the serial of the other end */
	int tunnel_index;	       /* 0 or 1 */
	enum nc_protocol protocol;
	/* WireGuard: "up" as reported (required). IPSec: not on the wire;
	 * decoded as sa == "established" and never encoded. */
	bool up;
	/* WireGuard, optional: >= 0, or -1 when absent (not encoded). */
	int64_t latest_handshake; /* Unix seconds */
	int64_t rx_bytes;
	int64_t tx_bytes;
	char sa[NC_PROTO_SA_MAX]; /* IPSec, required, not ""; WireGuard: "" */
	/* The peering group of a peering tunnel (wg2, wg3, IPSec), a valid
	 * peering name; "" when absent (backbone tunnels, older agents) and
	 * then not encoded. */
	char peering[NC_NAME_MAX];
};

struct nc_tunnel_status {
	char serial[NC_SERIAL_MAX];
	int64_t ts;			  /* Unix seconds, >= 0 */
	struct nc_tunnel_report *tunnels; /* heap, owned; NULL when n_tunnels is 0 */
	size_t n_tunnels;
};

/* Frees t->tunnels and zeroes t; a zeroed t is fine. */
void nc_tunnel_status_clear(struct nc_tunnel_status *t);

NC_PROTO_CODEC(tunnel_status, struct nc_tunnel_status);

/*
 * Registration (device → core)
 */

struct nc_registration {
	char serial[NC_SERIAL_MAX];
	enum nc_device_type kind;	      /* "connector" or "edge" */
	char public_key[NC_KEY_B64_MAX];      /* a valid WireGuard key */
	char hostname[NC_PROTO_HOSTNAME_MAX]; /* optional (absent or null): "" */
	char agent[NC_PROTO_AGENT_MAX];
	char enrollment_key[NC_PROTO_ENROLL_MAX]; /* optional (absent or null): "" */
	int64_t batch_max;			  /* optional "batch_max" (above); 0: absent */
};

NC_PROTO_CODEC(registration, struct nc_registration);

#endif
