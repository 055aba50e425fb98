/* SPDX-License-Identifier: MIT */
#ifndef NC_MODEL_VALIDATE_H
#define NC_MODEL_VALIDATE_H

/*
 * Validation of the model. Primitive checks return true when the string is
 * well-formed and do no I/O. Object validators return 0, or NC_ERR_INVAL
 * with ei->field naming the field ("lan_subnets[1]", "acl[0].dport") and
 * ei->msg a sentence that quotes the bad value, e.g.
 *   lan_subnets[1]: `10.0.0.0/33' is not an IPv4 or IPv6 prefix
 */

#include <stdbool.h>

struct nc_errinfo;
struct nc_tenant;
struct nc_token;
struct nc_edge;
struct nc_connector;
struct nc_peering;

bool nc_valid_id(const char *s);     /* [a-z0-9][a-z0-9-]*, < NC_ID_MAX */
bool nc_valid_serial(const char *s); /* [A-Za-z0-9][A-Za-z0-9._-]*, < NC_SERIAL_MAX */
bool nc_valid_name(const char *s);   /* 1..63 bytes of UTF-8, no control characters */
bool nc_valid_ip(const char *s);     /* a plain IPv4 or IPv6 address */
/* A prefix "addr/len"; with strict, host bits must be zero (a subnet). */
bool nc_valid_cidr(const char *s, bool strict);
/* "host:port" or "[v6]:port"; host an address or a DNS name; port 1-65535. */
bool nc_valid_endpoint(const char *s);
bool nc_valid_ifname(const char *s);	   /* [A-Za-z0-9][A-Za-z0-9._-]*, < NC_IFNAME_MAX */
bool nc_valid_peering_name(const char *s); /* [A-Za-z0-9][A-Za-z0-9._-]*, < NC_NAME_MAX */
bool nc_valid_wg_key(const char *s);	   /* base64 of exactly 32 bytes (44 chars) */

int nc_tenant_validate(const struct nc_tenant *t, struct nc_errinfo *ei);
int nc_token_validate(const struct nc_token *t, struct nc_errinfo *ei);
int nc_edge_validate(const struct nc_edge *e, struct nc_errinfo *ei);
int nc_connector_validate(const struct nc_connector *c, struct nc_errinfo *ei);
int nc_peering_validate(const struct nc_peering *p, struct nc_errinfo *ei);
/*
 * The serial of a device being created: a valid serial without '.', which
 * some MQTT brokers (RabbitMQ's MQTT plugin) turn into a topic level, so such
 * a device could never sync there. 0, or NC_ERR_INVAL with ei naming "serial"
 * and saying why. Devices that already have a '.' stay valid everywhere else.
 */
int nc_new_serial_validate(const char *serial, struct nc_errinfo *ei);

#endif
