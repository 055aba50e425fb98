/* SPDX-License-Identifier: MIT */
/*
 * `netctl completion bash|zsh`: the completion scripts, generated from the
 * command table. Each script holds the table's data (nouns, verbs, aliases,
 * every command's options and arguments with what their values are) and a
 * fixed part that walks the words typed, resolving prefixes and aliases as
 * the dispatcher does, and asks netctl itself (quietly, with the line's
 * --server, --token, --token-file and --tenant) for live values.
 */
#include "gen.h"

#include <string.h>

#include "cmd.h"
#include "cmdinfo.h"

void cli_gen_valdesc(const struct cli_valspec *v, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	if (v->kind != NC_VAL_NONE && v->kind != NC_VAL_CHOICES)
		len = (size_t)snprintf(buf, n, "%%%s", cli_valkind_name(v->kind));
	if (v->choices[0] && len < n) {
		snprintf(buf + len, n - len, "@%s", v->choices);
		for (char *p = buf + len; *p; p++)
			*p = *p == ' ' ? ',' : *p;
	}
	if (!buf[0])
		snprintf(buf, n, "-");
}

/* Writes s in single quotes for sh, bash and zsh. */
static void sq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* The options of spec as "--name=DESC --flag -o=DESC ..." into buf[n]. */
static void opts_desc(const struct cli_cmd *c, const char *spec, char *buf, size_t n)
{
	const char *p = spec;
	struct cli_opt o;
	size_t len = 0;

	buf[0] = '\0';
	while (cli_opt_next(&p, &o) && len < n) {
		char d[320] = "";
		struct cli_valspec v;

		if (strcmp(o.name, "help") == 0)
			continue;
		if (o.takes && cli_cmd_optval(c, o.name, &v)) {
			d[0] = '=';
			cli_gen_valdesc(&v, d + 1, sizeof(d) - 1);
		}
		len += (size_t)snprintf(buf + len, n - len, "%s--%s%s", len ? " " : "", o.name, d);
		if (o.shortname && len < n)
			len += (size_t)snprintf(buf + len, n - len, " -%c%s", o.shortname, d);
	}
}

/* zsh: the options of c (&cli_global_cmd: the global ones) as words
 * 'name:help' for _describe, --long and -s forms alike. */
static void zsh_opt_help(FILE *f, const struct cli_cmd *c)
{
	const char *p = c->options;
	struct cli_opt o;
	char desc[400], item[480], forms[2][40];
	bool first = true;

	while (cli_opt_next(&p, &o)) {
		int n = 0;

		if (strcmp(o.name, "help") == 0)
			continue;
		cli_opt_describe(cli_opt_info(c, o.name), desc, sizeof(desc));
		snprintf(forms[n++], sizeof(forms[0]), "--%s", o.name);
		if (o.shortname)
			snprintf(forms[n++], sizeof(forms[0]), "-%c", o.shortname);
		for (int k = 0; k < n; k++) {
			snprintf(item, sizeof(item), "%s:%s", forms[k], desc);
			fputs(first ? "" : " ", f);
			sq(f, item);
			first = false;
		}
	}
}

/* The positional arguments of c as "DESC DESC..." ("DESC..." repeats). */
static void args_desc(const struct cli_cmd *c, char *buf, size_t n)
{
	struct cli_valspec v;
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; len < n && cli_cmd_arg(c, i, &v); i++) {
		char d[320];

		cli_gen_valdesc(&v, d, sizeof(d));
		len += (size_t)snprintf(buf + len, n - len, "%s%s%s", len ? " " : "", d,
					v.repeat ? "..." : "");
		if (v.repeat)
			break;
	}
}

/* Appends word a (or "a:b" when b is set) to the space-separated list in
 * buf[n], *len long; *len counts what did not fit too. */
static void add_word(char *buf, size_t n, size_t *len, const char *a, const char *b)
{
	*len += (size_t)snprintf(buf + *len, *len < n ? n - *len : 0, "%s%s%s%s", *len ? " " : "",
				 a, b ? ":" : "", b ? b : "");
}

/* The data both scripts share, as shell assignments. */
static void data(FILE *f)
{
	char buf[4096] = "";
	size_t len = 0;

	for (size_t i = 0; i < cli_nnouns; i++)
		add_word(buf, sizeof(buf), &len, cli_nouns[i].name, NULL);
	fputs("_netctl_nouns_list=", f);
	sq(f, buf);
	len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < cli_naliases; i++)
		add_word(buf, sizeof(buf), &len, cli_aliases[i].alias, cli_aliases[i].word);
	fputs("\n_netctl_aliases=", f);
	sq(f, buf);
	opts_desc(NULL, cli_global_opts, buf, sizeof(buf));
	fputs("\n_netctl_globals=", f);
	sq(f, buf);
	len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nc_nevent_aliases; i++)
		add_word(buf, sizeof(buf), &len, nc_event_aliases[i].alias, NULL);
	for (size_t i = 0; i < nc_nevent_types; i++)
		add_word(buf, sizeof(buf), &len, nc_event_types[i], NULL);
	fputs("\n_netctl_evtypes=", f);
	sq(f, buf);
	fputs("\n\n", f);
}

/* _netctl_spec: a case over every command setting opts and args. */
static void spec_fn(FILE *f, bool zsh)
{
	char opts[4096], args[1024], words[64];

	fputs(zsh ? "# _netctl_spec 'NOUN [VERB]': the command's options (opts), their help "
		    "(odesc)\n"
		    "# and its arguments (args).\n"
		  : "# _netctl_spec 'NOUN [VERB]': the command's options (opts) and arguments "
		    "(args).\n",
	      f);
	fputs("_netctl_spec() {\n\tcase $1 in\n", f);
	for (size_t i = 0; i < cli_ncmds; i++) {
		const struct cli_cmd *c = &cli_cmds[i];

		snprintf(words, sizeof(words), "%s%s%s", c->noun, c->verb ? " " : "",
			 c->verb ? c->verb : "");
		opts_desc(c, c->options, opts, sizeof(opts));
		args_desc(c, args, sizeof(args));
		fputs(zsh ? "\t(" : "\t", f);
		sq(f, words);
		fputs(")\n\t\topts=", f);
		sq(f, opts);
		fputs("\n\t\targs=", f);
		sq(f, args);
		if (zsh) {
			fputs("\n\t\todesc=(", f);
			zsh_opt_help(f, c);
			fputc(')', f);
		}
		fputs(" ;;\n", f);
	}
	fputs(zsh ? "\t(*) opts= args= odesc=() ;;\n\tesac\n}\n\n"
		  : "\t*) opts= args= ;;\n\tesac\n}\n\n",
	      f);
}

/* _netctl_verbs: the verbs of a noun (bash: REPLY, names; zsh: _nv, name:summary). */
static void verbs_fn(FILE *f, bool zsh)
{
	const char *verbs[64];

	fputs(zsh ? "# _netctl_verbs NOUN: the verbs of NOUN with their summaries, into _nv.\n"
		  : "# _netctl_verbs NOUN: the verbs of NOUN, into REPLY.\n",
	      f);
	fputs("_netctl_verbs() {\n\tcase $1 in\n", f);
	for (size_t i = 0; i < cli_nnouns; i++) {
		size_t nv = cli_cmd_verbs(cli_nouns[i].name, verbs, 64);
		char buf[2048];
		size_t len = 0;

		if (nv == 0)
			continue;
		fprintf(f, "\t%s%s) ", zsh ? "(" : "", cli_nouns[i].name);
		if (!zsh) {
			for (size_t j = 0; j < nv; j++)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
							j ? " " : "", verbs[j]);
			fputs("REPLY=", f);
			sq(f, buf);
			fputs(" ;;\n", f);
			continue;
		}
		fputs("_nv=(", f);
		for (size_t j = 0; j < nv; j++) {
			snprintf(buf, sizeof(buf), "%s:%s", verbs[j],
				 cli_cmd_lookup(cli_nouns[i].name, verbs[j])->summary);
			fputs(j ? " " : "", f);
			sq(f, buf);
		}
		fputs(") ;;\n", f);
	}
	fputs(zsh ? "\t(*) _nv=() ;;\n\tesac\n}\n\n" : "\t*) REPLY= ;;\n\tesac\n}\n\n", f);
}

/*
 * The helpers both scripts share, as put_code writes them: "$=NAME" is
 * the words of variable NAME, "@ARGV0@" the word that ran netctl.
 */
static const char shared_code[] =
	"# _netctl_resolve WORD CANDIDATE...: exact, alias, then unique prefix, into REPLY.\n"
	"_netctl_resolve() {\n"
	"\tlocal w=$1 c a hit= n=0\n"
	"\tshift\n"
	"\tfor c in \"$@\"; do [[ $c == \"$w\" ]] && { REPLY=$c; return 0; }; done\n"
	"\tfor a in $=_netctl_aliases; do\n"
	"\t\t[[ ${a%%:*} == \"$w\" ]] || continue\n"
	"\t\tfor c in \"$@\"; do [[ $c == \"${a#*:}\" ]] && { REPLY=$c; return 0; }; done\n"
	"\tdone\n"
	"\tfor c in \"$@\"; do [[ $c == \"$w\"* ]] && { hit=$c; n=$((n + 1)); }; done\n"
	"\t[[ $n == 1 ]] && { REPLY=$hit; return 0; }\n"
	"\treturn 1\n"
	"}\n\n"
	"# _netctl_optdesc OPTION: the value descriptor of OPTION into REPLY; fails for a flag.\n"
	"_netctl_optdesc() {\n"
	"\tlocal e\n"
	"\tfor e in $=opts $=_netctl_globals; do\n"
	"\t\t[[ $e == \"$1=\"* ]] && { REPLY=${e#*=}; return 0; }\n"
	"\tdone\n"
	"\treturn 1\n"
	"}\n\n"
	"# _netctl_run ARGS...: netctl itself, quietly, with the line's connection options.\n"
	"_netctl_run() {\n"
	"\t\"@ARGV0@\" \"${conn[@]}\" -q \"$@\" 2>/dev/null </dev/null\n"
	"}\n\n";

static const char bash_code[] =
	"# _netctl_values DESCRIPTOR: COMPREPLY for a value (%kind live values, @fixed,words).\n"
	"_netctl_values() {\n"
	"\tlocal d=$1 kind= words= pre= w\n"
	"\t[[ $d == %* ]] && { kind=${d#%}; kind=${kind%%@*}; }\n"
	"\t[[ $d == *@* ]] && { words=${d#*@}; words=${words//,/ }; }\n"
	"\tcase $kind in\n"
	"\tserial) words+=\" $(_netctl_run connector list --all) $(_netctl_run edge list "
	"--all)\" ;;\n"
	"\tconnector) words+=\" $(_netctl_run connector list --all)\" ;;\n"
	"\tedge) words+=\" $(_netctl_run edge list --all)\" ;;\n"
	"\tpeering) words+=\" $(_netctl_run peering list)\" ;;\n"
	"\tcontext) words+=\" $(_netctl_run context list)\" ;;\n"
	"\ttoken) words+=\" $(_netctl_run token list)\" ;;\n"
	"\tenrollkey) words+=\" $(_netctl_run enroll-key list)\" ;;\n"
	"\ttenant) words+=\" $(_netctl_run tenant list)\" ;;\n"
	"\tcommand) words+=\" $_netctl_nouns_list\" ;;\n"
	"\tverb) _netctl_resolve \"$prevpos\" $_netctl_nouns_list && _netctl_verbs \"$REPLY\" &&\n"
	"\t\twords+=\" $REPLY\" ;;\n"
	"\tevtype) [[ $cur == *,* ]] && pre=${cur%,*},\n"
	"\t\twords+=\" $_netctl_evtypes\" ;;\n"
	"\tfile) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\tesac\n"
	"\tfor w in $words; do [[ $pre$w == \"$cur\"* ]] && COMPREPLY+=(\"$pre$w\"); done\n"
	"}\n\n"
	"_netctl() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} w noun= spec= opts= args= pending= prevpos= d e\n"
	"\tlocal i npos=0 names=\n"
	"\tlocal -a conn=() a=()\n"
	"\tCOMPREPLY=()\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [[ -n $pending ]]; then\n"
	"\t\t\tcase $pending in\n"
	"\t\t\t--server | --token | --token-file | --tenant) conn+=(\"$pending\" \"$w\") ;;\n"
	"\t\t\tesac\n"
	"\t\t\tpending=\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tcase $w in\n"
	"\t\t-*=*) continue ;;\n"
	"\t\t-?*)\n"
	"\t\t\t_netctl_optdesc \"$w\" && pending=$w\n"
	"\t\t\tcontinue\n"
	"\t\t\t;;\n"
	"\t\tesac\n"
	"\t\tif [[ -z $noun ]]; then\n"
	"\t\t\t_netctl_resolve \"$w\" $_netctl_nouns_list || return 0\n"
	"\t\t\tnoun=$REPLY\n"
	"\t\t\t_netctl_verbs \"$noun\"\n"
	"\t\t\t[[ -z $REPLY ]] && { spec=$noun; _netctl_spec \"$spec\"; }\n"
	"\t\telif [[ -z $spec ]]; then\n"
	"\t\t\t_netctl_verbs \"$noun\"\n"
	"\t\t\t_netctl_resolve \"$w\" $REPLY || return 0\n"
	"\t\t\tspec=\"$noun $REPLY\"\n"
	"\t\t\t_netctl_spec \"$spec\"\n"
	"\t\telse\n"
	"\t\t\tnpos=$((npos + 1))\n"
	"\t\t\tprevpos=$w\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tif [[ -n $pending ]]; then\n"
	"\t\t_netctl_optdesc \"$pending\" && _netctl_values \"$REPLY\"\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tfor e in $opts $_netctl_globals; do names+=\" ${e%%=*}\"; done\n"
	"\t\tCOMPREPLY=($(compgen -W \"$names\" -- \"$cur\"))\n"
	"\telif [[ -z $noun ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$_netctl_nouns_list\" -- \"$cur\"))\n"
	"\telif [[ -z $spec ]]; then\n"
	"\t\t_netctl_verbs \"$noun\"\n"
	"\t\tCOMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\"))\n"
	"\telse\n"
	"\t\ta=($args)\n"
	"\t\tif ((npos < ${#a[@]})); then\n"
	"\t\t\td=${a[npos]}\n"
	"\t\telif ((${#a[@]} > 0)) && [[ ${a[${#a[@]} - 1]} == *... ]]; then\n"
	"\t\t\td=${a[${#a[@]} - 1]}\n"
	"\t\tfi\n"
	"\t\td=${d%...}\n"
	"\t\t[[ -n $d && $d != - ]] && _netctl_values \"$d\"\n"
	"\tfi\n"
	"\treturn 0\n"
	"}\n"
	"complete -F _netctl netctl\n";

static const char zsh_code[] =
	"# _netctl_values DESCRIPTOR: offers a value (%kind live values, @fixed,words).\n"
	"_netctl_values() {\n"
	"\tlocal d=$1 kind=\n"
	"\tlocal -a vals _nv\n"
	"\t[[ $d == %* ]] && { kind=${d#%}; kind=${kind%%@*}; }\n"
	"\t[[ $d == *@* ]] && vals=(${(s:,:)${d#*@}})\n"
	"\tcase $kind in\n"
	"\t(serial) vals+=(${(f)\"$(_netctl_run connector list --all)\"}\n"
	"\t\t${(f)\"$(_netctl_run edge list --all)\"}) ;;\n"
	"\t(connector) vals+=(${(f)\"$(_netctl_run connector list --all)\"}) ;;\n"
	"\t(edge) vals+=(${(f)\"$(_netctl_run edge list --all)\"}) ;;\n"
	"\t(peering) vals+=(${(f)\"$(_netctl_run peering list)\"}) ;;\n"
	"\t(context) vals+=(${(f)\"$(_netctl_run context list)\"}) ;;\n"
	"\t(token) vals+=(${(f)\"$(_netctl_run token list)\"}) ;;\n"
	"\t(enrollkey) vals+=(${(f)\"$(_netctl_run enroll-key list)\"}) ;;\n"
	"\t(tenant) vals+=(${(f)\"$(_netctl_run tenant list)\"}) ;;\n"
	"\t(command) _describe -t commands 'netctl command' _netctl_nouns; return ;;\n"
	"\t(verb)\n"
	"\t\t_netctl_resolve \"$prevpos\" ${_netctl_nouns%%:*} && _netctl_verbs $REPLY &&\n"
	"\t\t\t_describe -t verbs verb _nv\n"
	"\t\treturn ;;\n"
	"\t(evtype) compset -P '*,'; vals+=(${=_netctl_evtypes}) ;;\n"
	"\t(file) _files ;;\n"
	"\tesac\n"
	"\t(( $#vals )) && compadd -- $vals\n"
	"}\n\n"
	"_netctl() {\n"
	"\tlocal cur=${words[CURRENT]} w noun= spec= opts= args= pending= prevpos= d e REPLY\n"
	"\tlocal i npos=0\n"
	"\tlocal -a conn a _nv odesc\n"
	"\tfor (( i = 2; i < CURRENT; i++ )); do\n"
	"\t\tw=${words[i]}\n"
	"\t\tif [[ -n $pending ]]; then\n"
	"\t\t\tcase $pending in\n"
	"\t\t\t(--server|--token|--token-file|--tenant) conn+=(\"$pending\" \"$w\") ;;\n"
	"\t\t\tesac\n"
	"\t\t\tpending=\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tcase $w in\n"
	"\t\t(-*=*) continue ;;\n"
	"\t\t(-?*) _netctl_optdesc $w && pending=$w; continue ;;\n"
	"\t\tesac\n"
	"\t\tif [[ -z $noun ]]; then\n"
	"\t\t\t_netctl_resolve \"$w\" ${_netctl_nouns%%:*} || return 1\n"
	"\t\t\tnoun=$REPLY\n"
	"\t\t\t_netctl_verbs $noun\n"
	"\t\t\t(( $#_nv )) || { spec=$noun; _netctl_spec $spec; }\n"
	"\t\telif [[ -z $spec ]]; then\n"
	"\t\t\t_netctl_verbs $noun\n"
	"\t\t\t_netctl_resolve \"$w\" ${_nv%%:*} || return 1\n"
	"\t\t\tspec=\"$noun $REPLY\"\n"
	"\t\t\t_netctl_spec $spec\n"
	"\t\telse\n"
	"\t\t\tnpos=$((npos + 1))\n"
	"\t\t\tprevpos=$w\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tif [[ -n $pending ]]; then\n"
	"\t\t_netctl_optdesc $pending && _netctl_values $REPLY\n"
	"\telif [[ $cur == -* ]]; then\n"
	"\t\t_describe -t options option odesc -- _netctl_gdesc\n"
	"\telif [[ -z $noun ]]; then\n"
	"\t\t_describe -t commands 'netctl command' _netctl_nouns\n"
	"\telif [[ -z $spec ]]; then\n"
	"\t\t_netctl_verbs $noun\n"
	"\t\t_describe -t verbs \"$noun verb\" _nv\n"
	"\telse\n"
	"\t\ta=(${=args})\n"
	"\t\tif (( npos < $#a )); then\n"
	"\t\t\td=${a[npos + 1]}\n"
	"\t\telif (( $#a > 0 )) && [[ ${a[-1]} == *... ]]; then\n"
	"\t\t\td=${a[-1]}\n"
	"\t\tfi\n"
	"\t\td=${d%...}\n"
	"\t\t[[ -n $d && $d != - ]] && _netctl_values $d\n"
	"\tfi\n"
	"}\n\n"
	"if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
	"\t_netctl \"$@\"\n"
	"else\n"
	"\tcompdef _netctl netctl\n"
	"fi\n";

/* Writes code for bash or zsh, spelling shared_code's "$=NAME" and "@ARGV0@" as
 * the shell does: "$NAME" and "${COMP_WORDS[0]}" in bash, "${=NAME}" and
 * "${words[1]}" in zsh (which splits a variable into words only when told). */
static void put_code(FILE *f, const char *code, bool zsh)
{
	const char *p = code;

	while (*p) {
		if (strncmp(p, "$=", 2) == 0) {
			size_t len = strspn(p + 2, "_abcdefghijklmnopqrstuvwxyz");

			fprintf(f, zsh ? "${=%.*s}" : "$%.*s", (int)len, p + 2);
			p += 2 + len;
		} else if (strncmp(p, "@ARGV0@", 7) == 0) {
			fputs(zsh ? "${words[1]}" : "${COMP_WORDS[0]}", f);
			p += 7;
		} else {
			fputc(*p++, f);
		}
	}
}

static void header(FILE *f, const char *what)
{
	fprintf(f,
		"# SPDX-License-Identifier: MIT\n"
		"# %s completion for netctl, generated by `netctl completion %s' from\n"
		"# cli/commands.def. Do not edit: run scripts/gen-docs after changing the "
		"table.\n\n",
		what, what);
}

void cli_gen_bash(FILE *f)
{
	header(f, "bash");
	data(f);
	verbs_fn(f, false);
	spec_fn(f, false);
	put_code(f, shared_code, false);
	fputs(bash_code, f);
}

void cli_gen_zsh(FILE *f)
{
	fputs("#compdef netctl\n", f);
	header(f, "zsh");
	data(f);
	fputs("_netctl_nouns=(\n", f);
	for (size_t i = 0; i < cli_nnouns; i++) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s:%s", cli_nouns[i].name, cli_nouns[i].summary);
		fputc('\t', f);
		sq(f, buf);
		fputc('\n', f);
	}
	fputs(")\n_netctl_gdesc=(", f);
	zsh_opt_help(f, &cli_global_cmd);
	fputs(")\n\n", f);
	verbs_fn(f, true);
	spec_fn(f, true);
	put_code(f, shared_code, true);
	fputs(zsh_code, f);
}
