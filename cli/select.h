/* SPDX-License-Identifier: MIT */
#ifndef NC_CLI_SELECT_H
#define NC_CLI_SELECT_H

/*
 * --field-selector: which items of a list are printed, by the members of
 * each item as -o json shows them, as kubectl's selectors read:
 *
 *   status=active,region!=eu-west,sync.state==failed
 *
 * Conditions are separated by commas and must all hold. A member is named
 * by a dotted path; its text is what a table would print for a scalar
 * (true, 42, the string), "" when the item lacks it or it is null, so
 * `hub!=' keeps the items that have one. No I/O.
 */

#include <jansson.h>
#include <stdbool.h>

struct nc_errinfo;
struct cli_select;

/* Parses spec into *out (free with cli_select_free). NC_ERR_USAGE with ei
 * naming the condition that is not FIELD=VALUE, FIELD==VALUE or FIELD!=VALUE. */
int cli_select_parse(const char *spec, struct cli_select **out, struct nc_errinfo *ei);
/* Whether item passes every condition; notes which fields items had. */
bool cli_select_match(struct cli_select *s, const json_t *item);
/* A field that none of the items matched so far had (NULL when all had
 * theirs, or no item was matched): a misspelt field, most likely. */
const char *cli_select_unseen(const struct cli_select *s);
void cli_select_free(struct cli_select *s);

#endif
