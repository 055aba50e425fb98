/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_GEN_H
#define NC_CLI_GEN_H

/*
 * Files generated from the command table: the bash and zsh completion
 * scripts (completions/netctl.bash, completions/_netctl) and the COMMANDS
 * section of man/netctl.1. The checked-in copies are compared with these
 * by tests/integration/054-cli-completion.sh and 055-man.sh; regenerate
 * them with scripts/gen-docs. Output depends only on the table.
 */

#include <stdio.h>

void cli_gen_bash(FILE *f);
void cli_gen_zsh(FILE *f);
/* The COMMANDS section (from ".Sh COMMANDS" to before the next .Sh). */
void cli_gen_mdoc(FILE *f);

/*
 * The value descriptor of a spec (cmdinfo.h) as the generated scripts read
 * it: "%kind" for live values or files, "@a,b" for fixed words, both
 * ("%edge@none"), or "-" for free text; into buf[n].
 */
struct cli_valspec;
void cli_gen_valdesc(const struct cli_valspec *v, char *buf, size_t n);

#endif
