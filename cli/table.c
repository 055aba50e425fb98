/* SPDX-License-Identifier: MIT */
/* The command table, nouns and aliases, built from commands.def. */
#include "cmd.h"

#define NC_NOUN(name, summary) { name, summary },
#define NC_ALIAS(alias, word)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct nc_noun nc_nouns[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_CMD
#define NC_NOUN(name, summary)
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary) \
	{ noun, verb, fn, min, max, flags, opts, usage, summary },
const struct nc_cmd nc_cmds[] = {
#include "commands.def"
};
#undef NC_ALIAS
#undef NC_CMD
#define NC_ALIAS(alias, word) { alias, word },
#define NC_CMD(noun, verb, fn, min, max, flags, opts, usage, summary)
const struct nc_alias nc_aliases[] = {
#include "commands.def"
};
#undef NC_NOUN
#undef NC_ALIAS
#undef NC_CMD

const size_t nc_nnouns = sizeof(nc_nouns) / sizeof(nc_nouns[0]);
const size_t nc_ncmds = sizeof(nc_cmds) / sizeof(nc_cmds[0]);
const size_t nc_naliases = sizeof(nc_aliases) / sizeof(nc_aliases[0]);
