/* SPDX-License-Identifier: MIT */
/*
 * connector|edge credentials: ask the core for a device certificate and
 * write the credentials dir a device uses (ca.crt, device.crt, device.key),
 * or revoke every certificate of a device. With --all, one subfolder per
 * device of the tenant (DIR/SERIAL/...), for the fleet simulator.
 */
#include "../cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/model/validate.h"
#include "../../lib/util/err.h"
#include "../../lib/util/file.h"
#include "../../lib/util/x509.h"
#include "../output.h"
#include "../request.h"

/* The largest CSR file read. */
#define CSR_FILE_MAX 16384

/* Writes name into dir with mode. */
static int put(struct cli_ctx *ctx, const char *dir, const char *name, const char *text,
	       mode_t mode)
{
	struct nc_errinfo ei = {0};
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = nc_file_write_atomic(path, text, strlen(text), mode, &ei);
	return ret < 0 ? cli_error(ctx, ret, "%s", ei.msg) : 0;
}

/* Writes the credentials of reply into dir (made 0700 when absent). */
static int write_dir(struct cli_ctx *ctx, const char *dir, const json_t *reply)
{
	const char *ca = json_string_value(json_object_get(reply, "ca"));
	const char *cert = json_string_value(json_object_get(reply, "certificate"));
	const char *key = json_string_value(json_object_get(reply, "key"));
	struct nc_errinfo ei = {0};
	int ret;

	if (!ca || !cert)
		return cli_error(ctx, NC_ERR_PARSE, "the server's reply has no certificate");
	ret = nc_file_mkdir(dir, 0700, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "--out: %s", ei.msg);
	/* The key first: a certificate is never there without its key. */
	if (key)
		ret = put(ctx, dir, "device.key", key, 0600);
	if (ret == 0)
		ret = put(ctx, dir, "ca.crt", ca, 0644);
	if (ret == 0)
		ret = put(ctx, dir, "device.crt", cert, 0644);
	return ret;
}

/* POST /v1/NOUNs/SERIAL/credentials[/revoke] with body; *reply owned by the caller. */
static int post(struct cli_ctx *ctx, const char *serial, bool revoke, const json_t *body,
		json_t **reply)
{
	char path[256];
	int ret = cli_path(ctx, path, sizeof(path), "/v1/%ss/%s/credentials%s", ctx->cmd->noun,
			   serial, revoke ? "/revoke" : "");

	*reply = NULL;
	return ret < 0 ? ret : cli_call(ctx, "POST", path, body, reply);
}

/* Credentials for one device into dir, for the CSR in csr (may be NULL). */
static int issue_one(struct cli_ctx *ctx, const char *serial, const char *dir, const char *csr)
{
	json_t *body = csr ? json_pack("{s:s}", "csr", csr) : NULL, *reply = NULL, *done = NULL;
	int ret = post(ctx, serial, false, body, &reply);

	if (ret == 0)
		ret = write_dir(ctx, dir, reply);
	/* Never the key in what is printed: it is in the file only. */
	if (ret == 0)
		done = json_pack("{s:s,s:s,s:O,s:O}", "serial", serial, "out", dir, "serial_number",
				 json_object_get(reply, "serial_number"), "not_after",
				 json_object_get(reply, "not_after"));
	if (ret == 0)
		cli_out_done(ctx, done, NULL, "%s %s: certificate %s in %s", ctx->cmd->noun, serial,
			     json_string_value(json_object_get(reply, "serial_number")), dir);
	json_decref(done);
	json_decref(body);
	json_decref(reply);
	return ret;
}

/* The serials of every device of this noun that can get credentials, into *list. */
static int serials(struct cli_ctx *ctx, json_t **list)
{
	char path[64];

	snprintf(path, sizeof(path), "/v1/%ss", ctx->cmd->noun);
	return cli_call_list(ctx, path, true, list);
}

static int issue_all(struct cli_ctx *ctx, const char *dir)
{
	struct nc_errinfo ei = {0};
	json_t *list = NULL, *item;
	char sub[4096];
	size_t i, done = 0;
	int ret = nc_file_mkdir(dir, 0700, &ei);

	if (ret < 0)
		return cli_error(ctx, ret, "--out: %s", ei.msg);
	ret = serials(ctx, &list);
	json_array_foreach(json_object_get(list, "items"), i, item) {
		const char *serial = json_string_value(json_object_get(item, "serial"));
		const char *status = json_string_value(json_object_get(item, "status"));

		if (ret < 0 || !serial || (status && strcmp(status, "decommissioned") == 0))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, serial);
		ret = issue_one(ctx, serial, sub, NULL);
		done += ret == 0;
	}
	if (ret == 0 && done == 0)
		cli_out_note(ctx, "no %s to issue credentials to", ctx->cmd->noun);
	json_decref(list);
	return ret;
}

static int revoke_one(struct cli_ctx *ctx, const char *serial)
{
	json_t *reply = NULL;
	int ret = post(ctx, serial, true, NULL, &reply);

	if (ret == 0)
		cli_out_done(ctx, reply, NULL, "%s %s: %lld certificate(s) revoked", ctx->cmd->noun,
			     serial,
			     (long long)json_integer_value(json_object_get(reply, "revoked")));
	json_decref(reply);
	return ret;
}

/* The one handler of `connector credentials' and `edge credentials'. */
static int credentials(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *out = cli_args_get(a, "out"), *csr_file = cli_args_get(a, "csr");
	const char *serial = a->npos ? a->pos[0] : NULL;
	struct nc_errinfo ei = {0};
	char *csr = NULL;
	int ret;

	if (cli_args_has(a, "all") == (serial != NULL))
		return cli_error(ctx, NC_ERR_USAGE, "give a SERIAL or --all");
	if (cli_args_has(a, "revoke")) {
		if (!serial || out || csr_file)
			return cli_error(
				ctx, NC_ERR_USAGE,
				"--revoke takes a SERIAL and neither --out, --csr nor --all");
		return revoke_one(ctx, serial);
	}
	if (!out)
		return cli_error(ctx, NC_ERR_USAGE,
				 "--out DIR is required: where to write "
				 "ca.crt, device.crt and device.key");
	if (!serial) {
		if (csr_file)
			return cli_error(ctx, NC_ERR_USAGE, "--csr is for one SERIAL, not --all");
		return issue_all(ctx, out);
	}
	if (csr_file) {
		ret = nc_file_read(csr_file, CSR_FILE_MAX, &csr, NULL, &ei);
		if (ret < 0)
			return cli_error(ctx, ret, "--csr: %s", ei.msg);
	}
	ret = issue_one(ctx, serial, out, csr);
	free(csr);
	return ret;
}

int cmd_connector_credentials(struct cli_ctx *ctx, const struct cli_args *a)
{
	return credentials(ctx, a);
}

int cmd_edge_credentials(struct cli_ctx *ctx, const struct cli_args *a)
{
	return credentials(ctx, a);
}

/* `agent csr': a device's own key and a CSR for it, for `... credentials --csr'. */
int cmd_agent_csr(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *serial = cli_args_get(a, "serial"), *out = cli_args_get(a, "out");
	struct nc_errinfo ei = {0};
	char *key = NULL, *csr = NULL;
	json_t *done = NULL;
	int ret;

	if (!serial || !out)
		return cli_error(ctx, NC_ERR_USAGE, "--serial S and --out DIR are required");
	if (!nc_valid_serial(serial))
		return cli_error(ctx, NC_ERR_USAGE,
				 "--serial `%s' is not a valid serial (letters, digits, '.', '_' "
				 "and '-', starting with a letter or digit)",
				 serial);
	ret = nc_file_mkdir(out, 0700, &ei);
	if (ret < 0)
		return cli_error(ctx, ret, "--out: %s", ei.msg);
	ret = nc_x509_key_new(&key);
	if (ret == 0)
		ret = nc_x509_csr_new(key, serial, &csr);
	if (ret < 0) {
		ret = cli_error(ctx, ret, "cannot make a key and a CSR");
		goto out;
	}
	ret = put(ctx, out, "device.key", key, 0600);
	if (ret == 0)
		ret = put(ctx, out, "device.csr", csr, 0644);
	if (ret == 0)
		done = json_pack("{s:s,s:s}", "serial", serial, "out", out);
	if (ret == 0)
		cli_out_done(ctx, done, NULL,
			     "wrote %s/device.key and %s/device.csr: send the CSR to the operator "
			     "(netctl connector credentials %s --csr %s/device.csr --out DIR)",
			     out, out, serial, out);
out:
	json_decref(done);
	nc_x509_free_secret(key);
	free(csr);
	return ret;
}
