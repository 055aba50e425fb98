/* SPDX-License-Identifier: MIT */
#ifndef NC_MODEL_CODEC_H
#define NC_MODEL_CODEC_H

/*
 * The model as the REST API's JSON resources (DESIGN.md, "Resource
 * shapes"). No I/O: request bodies and responses are jansson values.
 *
 * nc_<obj>_to_json returns a new reference, or NULL when jansson cannot
 * allocate or a string member is not valid UTF-8 (a validated object never
 * has one). Times are ISO 8601 UTC strings, null for 0 ("never"). Secrets
 * never appear: no token hash, no link SPI or key, no sync batch.
 *
 * nc_<obj>_from_json decodes a body strictly: o must be an object, unknown
 * members are refused naming them ("acl[1].foo"), and each member must
 * have its JSON type, fit its fixed buffer, name a value of its enum
 * ("kind must be dedicated or mtge, not `x'") and lie in its integer range.
 * The semantic validators of validate.h are not run: that is the core's
 * job, after decoding. Errors are NC_ERR_INVAL with ei naming the field,
 * or NC_ERR_INTERNAL for bad flags.
 *
 * flags, exactly one of:
 *   NC_DECODE_CREATE  a new object; required members are enforced and
 *                     absent optional ones keep *out's value (the caller
 *                     passes a zeroed struct, or one holding defaults).
 *   NC_DECODE_PATCH   *out holds the current object; only the members
 *                     present are applied. A present list (lan_subnets,
 *                     acl, routes) replaces the whole list; a present nat
 *                     sets the members it holds and keeps the others.
 *                     Members that identify the object (serial, tenant, a
 *                     tenant's id, a peering's name) may appear only with
 *                     their current value ("serial cannot be changed").
 * optionally or-ed with:
 *   NC_DECODE_OUTPUT  also accept the members only the server sets
 *                     (status, public_key, last_seen, created_at,
 *                     updated_at) as to_json writes them: for clients
 *                     reading responses. Request bodies never use it;
 *                     without it those members are refused ("created_at
 *                     is read-only"; "status changes through approve and
 *                     decommission").
 *
 * In every mode *out is changed only on success: decoding works on a copy
 * (lists deep-copied) that replaces *out, whose old lists are freed.
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct nc_errinfo;

#define NC_DECODE_CREATE 0x1u
#define NC_DECODE_PATCH	 0x2u
#define NC_DECODE_OUTPUT 0x4u

/* The longest token lifetime a request may ask for: ten years of 365 days, in seconds. */
#define NC_TOKEN_EXPIRES_MAX ((int64_t)10 * 365 * 86400)

/* {"id","name","created_at"}. Create requires id; name defaults to the id. */
json_t *nc_tenant_to_json(const struct nc_tenant *t);
int nc_tenant_from_json(const json_t *o, struct nc_tenant *out, unsigned flags,
			struct nc_errinfo *ei);

/*
 * {"id","name","role","tenant" (null when global),"created_at","expires_at"
 * (null when never),"revoked"}; never the hash.
 */
json_t *nc_token_to_json(const struct nc_token *t);
/*
 * A token creation body {"name","role","tenant","expires_in"}: name and
 * role required; tenant optional, null or absent giving "" (global);
 * expires_in optional seconds in 1..NC_TOKEN_EXPIRES_MAX, 0 or absent
 * meaning never (*expires_in = 0). Outputs are written only on success.
 */
int nc_token_request_from_json(const json_t *o, char name[NC_NAME_MAX], enum nc_role *role,
			       char tenant[NC_ID_MAX], int64_t *expires_in, struct nc_errinfo *ei);

/*
 * {"serial","tenant","name","kind","region","endpoint","lan_subnets"} plus
 * "public_key" (null until registered), "last_seen", "created_at",
 * "updated_at" on output. Create requires serial, name, kind, endpoint.
 */
json_t *nc_edge_to_json(const struct nc_edge *e);
int nc_edge_from_json(const json_t *o, struct nc_edge *out, unsigned flags, struct nc_errinfo *ei);

/*
 * {"serial","tenant","name","region","hub_edge" (null when none),
 * "endpoint" (null when none),"lan_subnets","nat":{"enabled","wan_interface"},
 * "acl":[{"action","proto","src","dst","dport"}],"routes":[{"dst","via"}]}
 * plus "status","last_seen","public_key","created_at","updated_at" on
 * output. Create requires serial and name (and nat.enabled when nat is
 * given; every rule needs action, proto, src and dst, every route dst and
 * via; dport defaults to 0). A "status" member is refused: the lifecycle
 * moves through its own endpoints.
 */
json_t *nc_connector_to_json(const struct nc_connector *c);
int nc_connector_from_json(const json_t *o, struct nc_connector *out, unsigned flags,
			   struct nc_errinfo *ei);

/*
 * A connector's list members on their own, as nc_connector_to_json writes
 * and nc_connector_from_json reads them (the store keeps them in this form
 * too): [{"action","proto","src","dst","dport"}] with dport always written,
 * and [{"dst","via"}].
 *
 * *_from_json decode arr (not NULL) strictly: an array of objects, unknown
 * members refused, every member required but dport (0 when absent, else
 * 0-65535), strings fitting their buffers. path names arr in messages
 * ("acl" gives "acl[1].dport"). On success *v (freed) and *n are replaced,
 * *v NULL for an empty list; on failure they are unchanged. 0 or
 * NC_ERR_INVAL with ei naming the field.
 */
json_t *nc_acl_to_json(const struct nc_acl_rule *v, size_t n);
int nc_acl_from_json(const json_t *arr, const char *path, struct nc_acl_rule **v, size_t *n,
		     struct nc_errinfo *ei);
json_t *nc_routes_to_json(const struct nc_route *v, size_t n);
int nc_routes_from_json(const json_t *arr, const char *path, struct nc_route **v, size_t *n,
			struct nc_errinfo *ei);

/*
 * {"tenant","name","topology","protocol","dual_tunnel","hub" (null when
 * none),"created_at","updated_at"}. Create requires name and topology;
 * protocol and dual_tunnel keep *out's values (wireguard, false when
 * zeroed).
 */
json_t *nc_peering_to_json(const struct nc_peering *p);
int nc_peering_from_json(const json_t *o, struct nc_peering *out, unsigned flags,
			 struct nc_errinfo *ei);

/* {"serial","type":"edge|connector"}. */
json_t *nc_member_to_json(const struct nc_member *m);

/* {"peering","a","b","tunnel_index","status"}; never an SPI or a key. */
json_t *nc_link_to_json(const struct nc_link *l);

/*
 * {"serial","tenant","state","dirty_reason","fail_reason","seq",
 * "config_hash","confirmed_seq","confirmed_hash","attempts","sent_at",
 * "confirmed_at","updated_at","last_confirm"}: empty strings and zero
 * times are null; config_hash is the hash of the last sent batch;
 * last_confirm is the stored confirmation parsed back into JSON (null when
 * absent or unparsable). The last batch is not included.
 */
json_t *nc_sync_to_json(const struct nc_sync *s);

#endif
