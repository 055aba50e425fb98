/* SPDX-License-Identifier: MIT */
#ifndef NC_TESTS_FIXTURE_SYNC_H
#define NC_TESTS_FIXTURE_SYNC_H

/*
 * What the batch tests share (fixture_sync.c, linked into every test program): a tenant's
 * devices, groups and links made straight through the store of a struct fx (fixture.h), the
 * batches built from it, and assertions on their JSON. Helpers that assert fail the running
 * cmocka test with a message; include <cmocka.h> and fixture.h before this header.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../lib/model/model.h"

struct fx;

/* cmocka setup: fx_setup_store's store with a third tenant, initech; SPIs start at 0x1001;
 * the library logs errors only. */
int fx_sync_setup(void **state);

/* A WireGuard public key for serial (43 base64 characters and '='); a static buffer, one of
 * eight used in turn. */
const char *fx_key_of(const char *serial);

/* An edge named dc-i with endpoint 192.0.2.i:51820, the comma-separated LANs (NULL: none), and
 * the public key fx_key_of(serial) if keyed. */
void fx_sync_edge(struct fx *fx, const char *tenant, const char *serial, enum nc_edge_kind kind,
		  int i, const char *lans, bool keyed);
/* A connector with hub (NULL: standalone), status, LANs, a public key if keyed; like the core,
 * it takes its backbone address when it has a hub. */
void fx_sync_connector(struct fx *fx, const char *tenant, const char *serial, const char *hub,
		       enum nc_status status, const char *lans, bool keyed);
/* Group name of acme; hub NULL: none. */
void fx_sync_group(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		   bool dual, const char *hub);
/* The comma-separated members of acme's group, in the order given (which decides their
 * addresses). */
void fx_sync_members(struct fx *fx, const char *name, const char *csv);
/* One tunnel a < b of acme's group; IPSec ones get the next two SPIs and keys made of them. */
void fx_sync_tunnel(struct fx *fx, const char *name, const char *a, const char *b, int ti,
		    bool ipsec);
/* The links a mesh or hub-spoke group derives from its members (topology.h). */
void fx_sync_derive(struct fx *fx, const char *name);
/* fx_sync_group with the comma-separated members csv, linked as its topology derives. */
void fx_sync_derived(struct fx *fx, const char *name, enum nc_topology t, enum nc_protocol proto,
		     bool dual, const char *hub, const char *csv);
/* Acme's EDGE-1 and EDGE-2 (keyed, LANs 10.1.0.0/16 and 10.2.0.0/16) and connector CN-1
 * (active, keyed, standalone, LAN 192.168.1.0/24), the three a mesh group name, linked. */
void fx_sync_mesh3(struct fx *fx, const char *name, bool dual);

/* The batch of serial for tenant (NULL or "": the device's own), checked against the one
 * rendered from the tenant's whole snapshot; new reference. *notes gets the notes (new
 * reference) unless notes is NULL. */
json_t *fx_sync_build(struct fx *fx, const char *serial, const char *tenant, json_t **notes);
/* Fails unless serial's batch (its own tenant) has the static body and the notes of the JSON
 * texts body and notes (written with ' for "). */
void fx_sync_assert_routes(struct fx *fx, const char *serial, const char *body, const char *notes);
/* The hex SHA-256 of the JCS of that batch. */
void fx_sync_hash(struct fx *fx, const char *serial, const char *tenant, char hex[65]);

/* v as compact JSON text (any value); the caller frees it. */
char *fx_dump(const json_t *v);
/* Fails unless got equals the JSON text fmt, printf-formatted, written with ' for ". */
__attribute__((format(printf, 2, 3))) void fx_assert_json(const json_t *got, const char *fmt, ...);
/* Fails unless the batch's topics in order, space-separated, are want, each index its
 * position. */
void fx_assert_topics(const json_t *cmds, const char *want);
/* The body of topic in the batch (borrowed), NULL when absent. */
json_t *fx_cmd_body(const json_t *cmds, const char *topic);
/* Interface name of the batch's wireguard body (borrowed), NULL when absent. */
json_t *fx_cmd_iface(const json_t *cmds, const char *name);
/* Fails unless the interface names of the wireguard body, space-separated, are want. */
void fx_assert_ifaces(const json_t *cmds, const char *want);
/* Fails unless the serials of interface name's peers, space-separated, are want. */
void fx_assert_peers(const json_t *cmds, const char *name, const char *want);
/* Member key of peer i of interface name (borrowed), NULL when absent. */
json_t *fx_peer_get(const json_t *cmds, const char *name, size_t i, const char *key);
/* Fails unless peer i of wg2 allows ips and the static body is body (JSON texts, ' for "). */
void fx_assert_peer_routes(const json_t *cmds, size_t i, const char *ips, const char *body);
/* How many times needle occurs in haystack. */
size_t fx_count(const char *haystack, const char *needle);

#endif
