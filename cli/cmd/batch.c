/* SPDX-License-Identifier: MIT */
/* batch -f FILE|-: reads the file and hands its text to batch.c. */
#include "../cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/util/err.h"
#include "../../lib/util/xmalloc.h"
#include "../batch.h"

#define BATCH_MAX ((size_t)64 << 20) /* bytes of a batch file */

/* Reads all of f into *data (owned); NC_ERR_IO or NC_ERR_TOOBIG. */
static int slurp(FILE *f, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = nc_xmalloc(cap);

	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			if (cap >= BATCH_MAX) {
				free(buf);
				return NC_ERR_TOOBIG;
			}
			cap *= 2;
			buf = nc_xrealloc(buf, cap);
		}
	}
	if (ferror(f)) {
		free(buf);
		return NC_ERR_IO;
	}
	*data = buf;
	*len = n;
	return 0;
}

int cmd_batch(struct cli_ctx *ctx, const struct cli_args *a)
{
	const char *path = cli_args_get(a, "file");
	unsigned flags = (cli_args_has(a, "continue") ? NC_BATCH_CONTINUE : 0) |
			 (cli_args_has(a, "dry-run") ? NC_BATCH_DRYRUN : 0) |
			 (cli_args_has(a, "yes") ? NC_BATCH_YES : 0);
	bool in = path && strcmp(path, "-") == 0;
	FILE *f;
	char *data = NULL;
	size_t len = 0;
	int ret;

	if (!path)
		return cli_error(ctx, NC_ERR_USAGE,
				 "say where the commands are: -f FILE, or -f - for stdin");
	f = in ? stdin : fopen(path, "r");
	if (!f)
		return cli_error(ctx, NC_ERR_IO, "cannot open %s: %s", path, strerror(errno));
	ret = slurp(f, &data, &len);
	if (!in)
		fclose(f);
	if (ret == NC_ERR_TOOBIG)
		return cli_error(ctx, ret, "%s is over %zu MiB: split it", in ? "stdin" : path,
				 BATCH_MAX >> 20);
	if (ret < 0)
		return cli_error(ctx, ret, "cannot read %s: %s", in ? "stdin" : path,
				 strerror(errno));
	ret = cli_batch_run(ctx, data, len, flags);
	free(data);
	return ret;
}
