/* SPDX-License-Identifier: MIT */
#ifndef NC_MODEL_MODEL_H
#define NC_MODEL_MODEL_H

/*
 * The objects netctl manages, as plain structs. Scalars live in fixed
 * buffers sized by the limits below (validation refuses longer input);
 * lists are heap arrays owned by their struct and released by the
 * matching nc_<noun>_clear(), which leaves a zeroed struct and accepts
 * one that is already zeroed. Times are Unix seconds, 0 meaning never.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/strlist.h"

struct nc_errinfo;

#define NC_ID_MAX	64 /* tenant ids, token ids: [a-z0-9][a-z0-9-]{0,62} */
#define NC_SERIAL_MAX	64 /* device serials: [A-Za-z0-9][A-Za-z0-9._-]{0,62} */
#define NC_NAME_MAX	64 /* names: printable, no control characters */
#define NC_REGION_MAX	64
#define NC_ENDPOINT_MAX 128 /* host:port, [v6]:port */
#define NC_CIDR_MAX	50  /* "ffff:...:ffff/128" */
#define NC_IFNAME_MAX	16  /* IFNAMSIZ */
#define NC_KEY_B64_MAX	45  /* base64 of 32 bytes + NUL */
#define NC_HASH_HEX_MAX 65  /* SHA-256 hex + NUL */
#define NC_REASON_MAX	256

/* API roles in increasing power; NC_ROLE_ENROLL marks an enrollment key (a
 * device's credential to register), which is no API role at all. */
enum nc_role { NC_ROLE_VIEWER, NC_ROLE_OPERATOR, NC_ROLE_ADMIN, NC_ROLE_ENROLL };
enum nc_edge_kind { NC_EDGE_DEDICATED, NC_EDGE_MTGE };
enum nc_status {
	NC_STATUS_PENDING_APPROVAL,
	NC_STATUS_APPROVED,
	NC_STATUS_PROVISIONED,
	NC_STATUS_ACTIVE,
	NC_STATUS_OFFLINE,
	NC_STATUS_DECOMMISSIONED,
};
enum nc_topology { NC_TOPO_MESH, NC_TOPO_HUB_SPOKE, NC_TOPO_PARTIAL_MESH };
enum nc_protocol { NC_PROTO_WIREGUARD, NC_PROTO_IPSEC };
enum nc_sync_state { NC_SYNC_SYNCED, NC_SYNC_PENDING, NC_SYNC_APPLYING, NC_SYNC_FAILED };
enum nc_link_status { NC_LINK_UNKNOWN, NC_LINK_UP, NC_LINK_DOWN };
enum nc_device_type { NC_DEVICE_EDGE, NC_DEVICE_CONNECTOR };

struct nc_tenant {
	char id[NC_ID_MAX];
	char name[NC_NAME_MAX];
	int64_t created_at;
};

/* The secret itself is never kept: only its SHA-256 hex. tenant "" = global. */
struct nc_token {
	char id[NC_ID_MAX];
	char name[NC_NAME_MAX];
	enum nc_role role;
	char tenant[NC_ID_MAX];
	char hash[NC_HASH_HEX_MAX];
	int64_t created_at;
	int64_t expires_at;
	bool revoked;
};

struct nc_edge {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	char name[NC_NAME_MAX];
	enum nc_edge_kind kind;
	char region[NC_REGION_MAX];
	char endpoint[NC_ENDPOINT_MAX];
	struct nc_strlist lan_subnets;
	char public_key[NC_KEY_B64_MAX];  /* "" until the device registers */
	char pending_key[NC_KEY_B64_MAX]; /* a new key held for an admin, or "" */
	int64_t last_seen;
	int64_t created_at;
	int64_t updated_at;
};

struct nc_acl_rule {
	char action[8]; /* accept | drop | reject */
	char proto[8];	/* tcp | udp | icmp | any */
	char src[NC_CIDR_MAX];
	char dst[NC_CIDR_MAX];
	int dport; /* 0 = any; tcp and udp only */
};

struct nc_route {
	char dst[NC_CIDR_MAX];
	char via[NC_CIDR_MAX]; /* a plain address */
};

struct nc_connector {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	char name[NC_NAME_MAX];
	char region[NC_REGION_MAX];
	char hub_edge[NC_SERIAL_MAX];	/* "" = standalone */
	char endpoint[NC_ENDPOINT_MAX]; /* where link peers reach its wg2; "" = none, it dials */
	struct nc_strlist lan_subnets;
	bool nat_enabled;
	char wan_interface[NC_IFNAME_MAX];
	struct nc_acl_rule *acl;
	size_t n_acl;
	struct nc_route *routes;
	size_t n_routes;
	enum nc_status status;
	char public_key[NC_KEY_B64_MAX];
	char pending_key[NC_KEY_B64_MAX]; /* a new key held for an admin, or "" */
	int64_t last_seen;
	int64_t created_at;
	int64_t updated_at;
};

struct nc_peering {
	char tenant[NC_ID_MAX];
	char name[NC_NAME_MAX];
	enum nc_topology topology;
	enum nc_protocol protocol;
	bool dual_tunnel;
	char hub[NC_SERIAL_MAX]; /* hub_spoke only; "" otherwise */
	int64_t created_at;
	int64_t updated_at;
};

struct nc_member {
	char tenant[NC_ID_MAX];
	char peering[NC_NAME_MAX];
	char serial[NC_SERIAL_MAX];
	enum nc_device_type type;
};

/*
 * One tunnel of a link between members a and b of a peering (a < b by
 * strcmp). IPSec keys are secrets: never logged, never returned by the API.
 */
struct nc_link {
	char tenant[NC_ID_MAX];
	char peering[NC_NAME_MAX];
	char a[NC_SERIAL_MAX];
	char b[NC_SERIAL_MAX];
	int tunnel_index; /* 0 primary (wg2), 1 secondary (wg3) */
	enum nc_link_status status;
	uint32_t spi_ab, spi_ba;     /* IPSec only; 0 otherwise */
	char key_ab[73], key_ba[73]; /* IPSec AEAD key+salt, hex; "" otherwise */
};

/*
 * Sync state of one device (of one device and tenant for an MTGE).
 * last_batch and last_confirm are JSON texts, heap, owned (may be NULL).
 */
struct nc_sync {
	char serial[NC_SERIAL_MAX];
	char tenant[NC_ID_MAX];
	enum nc_sync_state state;
	char dirty_reason[NC_REASON_MAX]; /* "" when clean */
	char fail_reason[32];		  /* hash_mismatch | agent_failure | timeout | drift */
	int64_t seq;			  /* last sent; 0 before the first batch */
	char sent_hash[NC_HASH_HEX_MAX];  /* hash of the last sent batch */
	int64_t confirmed_seq;
	char confirmed_hash[NC_HASH_HEX_MAX]; /* hash of the last verified apply */
	int attempts;			      /* pushes of the current seq */
	int64_t sent_at;
	int64_t confirmed_at;
	int64_t updated_at;
	char *last_batch;
	char *last_confirm;
};

void nc_edge_clear(struct nc_edge *e);
void nc_connector_clear(struct nc_connector *c);
void nc_sync_clear(struct nc_sync *s);
/* Clear each of the n elements, then free the array; NULL is a no-op. */
void nc_edge_array_free(struct nc_edge *v, size_t n);
void nc_connector_array_free(struct nc_connector *v, size_t n);
void nc_sync_array_free(struct nc_sync *v, size_t n);

/* Enum <-> wire string: nc_<fn>_name never returns NULL; nc_<fn>_parse
 * returns NC_ERR_INVAL for a string that names no value; nc_<fn>_index
 * returns the value s names as an int, -1 for none. */
#define NC_ENUM_NAMES(fn, type)                                                                    \
	const char *nc_##fn##_name(type v);                                                        \
	int nc_##fn##_parse(const char *s, type *out);                                             \
	int nc_##fn##_index(const char *s)

NC_ENUM_NAMES(role, enum nc_role);
NC_ENUM_NAMES(edge_kind, enum nc_edge_kind);
NC_ENUM_NAMES(status, enum nc_status);
NC_ENUM_NAMES(topology, enum nc_topology);
NC_ENUM_NAMES(protocol, enum nc_protocol);
NC_ENUM_NAMES(sync_state, enum nc_sync_state);
NC_ENUM_NAMES(link_status, enum nc_link_status);
NC_ENUM_NAMES(device_type, enum nc_device_type);

#endif
