/* SPDX-License-Identifier: MIT */
/* The command table, nouns, aliases and options' help, built from commands.def. */
#include "cmd.h"

#define NC_OPT(cmds, name, allowed, def, help)
#define NC_NOUN(name, summary) {name, summary},
#define NC_ALIAS(alias, word)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct cli_noun cli_nouns[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_CMD
#define NC_NOUN(name, summary)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)                              \
	{noun, verb, fn, min, max, flags, opts, usage, summary},
const struct cli_cmd cli_cmds[] = {
#include "commands.def"
};
#undef NC_ALIAS
#undef NC_CMD
#define NC_ALIAS(alias, word) {alias, word},
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct cli_alias cli_aliases[] = {
#include "commands.def"
};
#undef NC_ALIAS
#undef NC_OPT
#define NC_ALIAS(alias, word)
#define NC_OPT(cmds, name, allowed, def, help) {cmds, name, allowed, def, help},
const struct cli_optinfo cli_optinfos[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_ALIAS
#undef NC_OPT
#undef NC_CMD

const size_t cli_nnouns = sizeof(cli_nouns) / sizeof(cli_nouns[0]);
const size_t cli_ncmds = sizeof(cli_cmds) / sizeof(cli_cmds[0]);
const size_t cli_naliases = sizeof(cli_aliases) / sizeof(cli_aliases[0]);
const size_t cli_noptinfos = sizeof(cli_optinfos) / sizeof(cli_optinfos[0]);
