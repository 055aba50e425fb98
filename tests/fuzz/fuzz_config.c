/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the CLI's config file (cli/config.c): any bytes are
 * parsed; a refusal names a line; whatever parses is formatted, and the
 * formatted text parses back to the same contexts and formats to the same
 * text; every context name it holds is a valid one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "lib/util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: let the fuzzer record the input. */
static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_config cfg = {0}, again = {0};
	struct nc_errinfo ei = {0};
	char *text = NULL, *text2 = NULL;

	if (cli_config_parse((const char *)data, size, &cfg, &ei) < 0) {
		check(ei.msg[0] != '\0');
		goto out;
	}
	for (size_t i = 0; i < cfg.n; i++)
		check(cli_config_name_ok(cfg.ctxs[i].name));
	text = cli_config_format(&cfg);
	check(text != NULL);
	check(cli_config_parse(text, strlen(text), &again, &ei) == 0);
	check(again.n == cfg.n && strcmp(again.current, cfg.current) == 0);
	for (size_t i = 0; i < cfg.n; i++)
		check(strcmp(again.ctxs[i].name, cfg.ctxs[i].name) == 0 &&
		      strcmp(again.ctxs[i].server, cfg.ctxs[i].server) == 0 &&
		      strcmp(again.ctxs[i].token_file, cfg.ctxs[i].token_file) == 0 &&
		      strcmp(again.ctxs[i].tenant, cfg.ctxs[i].tenant) == 0);
	text2 = cli_config_format(&again);
	check(text2 != NULL && strcmp(text, text2) == 0);
out:
	free(text);
	free(text2);
	cli_config_free(&cfg);
	cli_config_free(&again);
	return 0;
}
