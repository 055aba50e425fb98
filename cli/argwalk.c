/* SPDX-License-Identifier: MIT */
/* The argv walker shared by the dispatcher and completion. */
#include "argwalk.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmdinfo.h"

/*
 * Looks body (an option without its dashes: "name" or "name=value", or one
 * letter for a short option) up in spec. True and the canonical long name
 * in out->name and out->takes.
 */
static bool lookup(const char *spec, const char *body, bool shortopt, struct cli_argword *out)
{
	size_t al = strcspn(body, "=");
	char want[sizeof(((struct cli_opt *)0)->name)];
	struct cli_opt o;
	bool found;

	if (shortopt) {
		found = al == 1 && cli_opt_find(spec, NULL, body[0], &o);
	} else {
		snprintf(want, sizeof(want), "%.*s", (int)al, body);
		found = al < sizeof(want) && cli_opt_find(spec, want, 0, &o);
	}
	if (found) {
		snprintf(out->name, sizeof(out->name), "%s", o.name);
		out->takes = o.takes;
	}
	return found;
}

/* Fills out for the option word at w->i and moves past it (and its value). */
static void read_option(struct cli_argwalk *w, struct cli_argword *out)
{
	const char *arg = w->argv[w->i++];
	bool shortopt = arg[1] != '-';
	const char *body = arg + (shortopt ? 1 : 2);

	out->option = true;
	out->global = lookup(cli_global_opts, body, shortopt, out);
	if (!out->global && !(w->cmd && lookup(w->cmd->options, body, shortopt, out))) {
		out->err = CLI_ARG_UNKNOWN;
		return;
	}
	if (!shortopt && strchr(body, '=')) {
		if (out->takes)
			out->val = strchr(body, '=') + 1;
		else
			out->err = CLI_ARG_NOVALUE;
	} else if (shortopt && body[1] != '\0') {
		if (out->takes)
			out->val = body + 1;
		else
			out->err = CLI_ARG_NOVALUE;
	} else if (out->takes) {
		if (w->i < w->argc)
			out->val = w->argv[w->i++];
		else
			out->err = CLI_ARG_MISSING;
	}
}

void cli_argwalk_init(struct cli_argwalk *w, const struct cli_cmd *cmd, int argc, char *const *argv)
{
	memset(w, 0, sizeof(*w));
	w->cmd = cmd;
	w->argc = argc;
	w->argv = argv;
}

bool cli_argwalk_next(struct cli_argwalk *w, struct cli_argword *out)
{
	const char *arg;

	memset(out, 0, sizeof(*out));
	if (!w->only_pos && w->i < w->argc && strcmp(w->argv[w->i], "--") == 0) {
		w->only_pos = true;
		w->i++;
	}
	if (w->i >= w->argc)
		return false;
	arg = w->argv[w->i];
	out->arg = arg;
	out->index = w->i;
	if (w->only_pos || arg[0] != '-' || arg[1] == '\0')
		w->i++;
	else
		read_option(w, out);
	return true;
}
