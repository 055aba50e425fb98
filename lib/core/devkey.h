/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_DEVKEY_H
#define NC_CORE_DEVKEY_H

/*
 * Device public keys. A device announces its WireGuard public key in its
 * registration and heartbeats. The first key of a device, and any key of a
 * connector still pending approval (never approved), is recorded at once.
 * A different key from any other device (an approved, provisioned, active,
 * offline or decommissioned connector, an edge that has a key) is never
 * taken silently: it is held as the pending key until an admin accepts it
 * (it then replaces the key, and the devices that carry it are marked
 * dirty) or rejects it (it is dropped).
 */

#include <stdbool.h>

#include "../model/model.h"

struct nc_actor;
struct nc_core;
struct nc_errinfo;

enum nc_key_action {
	NC_KEY_KEEP, /* nothing to do: no key, the same key, or already held */
	NC_KEY_SET,  /* record it (first key, or never approved) */
	NC_KEY_HOLD, /* hold it as the pending key for an admin */
};

/*
 * What to do with key, announced by a device of type (status: a
 * connector's; ignored for edges) whose key in use is current and held key
 * is pending (both "" when none). No I/O.
 */
enum nc_key_action nc_core_key_action(enum nc_device_type type, enum nc_status status,
				      const char *current, const char *pending, const char *key);

/*
 * Inside the caller's transaction: marks dirty, with reason "public key of
 * SERIAL changed", every device whose batch carries serial's key: its link
 * peers, a connector's hub (when the connector is in service), an edge's
 * in-service connectors. NC_ERR_NOTFOUND for an unknown serial.
 */
int nc_core_key_changed(struct nc_core *c, const char *serial);

/*
 * Accepts (the held key replaces the key in use; nc_core_key_changed) or
 * rejects (the held key is dropped) the pending key of device serial,
 * which must be of type (else NC_ERR_NOTFOUND, as for another tenant's).
 * NC_ERR_CONFLICT when no key is held. Emits `key_accepted` or
 * `key_rejected` (public keys only) and an audit event.
 */
int nc_core_device_rekey(struct nc_core *c, const struct nc_actor *actor, const char *tenant,
			 const char *serial, enum nc_device_type type, bool accept,
			 struct nc_errinfo *ei);

#endif
