/* SPDX-License-Identifier: MIT */
/*
 * The files of a TLS client identity (CA, certificate, key), checked before a
 * client is created so that a bad one is named at start instead of showing
 * up later as an unexplained TLS failure in the reconnect loop.
 */
#include "mqtt.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/err.h"

/* path must be a regular file this process can read; a key must not be readable by others. */
static int check_file(const char *field, const char *path, bool secret, struct nc_errinfo *ei)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int ret = 0;

	if (fd < 0)
		return nc_fail(ei, NC_ERR_IO, field, "cannot read `%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		ret = nc_fail(ei, NC_ERR_IO, field, "`%s' is not a regular file", path);
	else if (secret && (st.st_mode & 077))
		ret = nc_fail(ei, NC_ERR_INVAL, field,
			      "private key `%s' is accessible by others (mode %04o): "
			      "chmod 600 it",
			      path, (unsigned)(st.st_mode & 07777));
	close(fd);
	return ret;
}

int nc_mqtt_identity_check(const char *cafile, const char *certfile, const char *keyfile,
			   struct nc_errinfo *ei)
{
	int ret = 0;

	if (cafile)
		ret = check_file("mqtt-cafile", cafile, false, ei);
	if (ret == 0 && certfile)
		ret = check_file("mqtt-cert", certfile, false, ei);
	if (ret == 0 && keyfile)
		ret = check_file("mqtt-key", keyfile, true, ei);
	if (ret == 0 && keyfile && !certfile)
		ret = nc_fail(ei, NC_ERR_USAGE, "mqtt-key", "a key `%s' without a certificate",
			      keyfile);
	return ret;
}
