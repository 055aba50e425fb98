/* SPDX-License-Identifier: MIT */
#ifndef NC_CORE_BROKERCONF_H
#define NC_CORE_BROKERCONF_H

/*
 * `netctl broker-config': a mosquitto 2 configuration for the device plane,
 * from the PKI of a data dir (pki.h, made there when missing). Into out_dir
 * (made 0700 when absent) it writes:
 *   mosquitto.conf  one TLS listener on host:port that requires a client
 *                   certificate from the CA, takes its CN as the username,
 *                   checks the CRL DATA_DIR/pki/crl.pem, and refuses anonymous
 *                   clients; no plain listener
 *   ca.crt          the CA (the broker's cafile)
 *   server.crt      the broker's certificate, signed by the CA, with host as
 *   server.key      subjectAltName; the key 0600
 *   acl             a device (username = its serial) reads only its batches
 *                   and writes only its own device -> core topics; the core
 *                   (CN netctl-core) reads every device -> core topic and
 *                   writes the batch topics
 * Existing files there are replaced (atomically, one by one). Errors as
 * pki.h, with ei naming the file.
 */

#include <stdint.h>

struct nc_errinfo;

int nc_brokerconf_write(const char *data_dir, const char *host, uint16_t port, const char *out_dir,
			struct nc_errinfo *ei);

#endif
