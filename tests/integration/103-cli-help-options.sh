#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Help that answers: `help CMD', `CMD --help' and the shell's `help CMD'
# print the usage, the summary and every option of the command, one line
# each with what it means, its allowed values and its default, all from the
# command table; no option of any command lacks its line; and a value
# outside the allowed ones is a usage error (exit 2) naming them, before
# any request is sent.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state
unset NETCTL_SERVER NETCTL_TOKEN NETCTL_TENANT
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; nc_cleanup' EXIT

STATUS_VALUES="pending_approval|approved|provisioned|active|offline|decommissioned"
STATUS_LINE="  --status STATE     only connectors in this state ($STATUS_VALUES; default: any)"

# --- help CMD: usage, summary, then the options.
expect_rc "help connector list exits 0" 0 help connector list
HELP=$out
contains "the --status line names its values and default" "$HELP" "$STATUS_LINE"
contains "the usage writes a placeholder" "$HELP" \
	"usage: netctl connector list [--status STATE] [--region R]"
check "usage, summary, then Options, in that order" awk '
	NR == 1 && /^usage: netctl connector list / { u = 1 }
	u && /^List connectors\.$/ { s = NR }
	s && /^Options:$/ { o = NR }
	END { exit !(u && s && o > s) }' <<<"$HELP"
contains "a flag has its line" "$HELP" "  --all              every page, not only the first"
contains "a default without values" "$HELP" \
	"  --limit N          at most N items per page, 1 to 1000 (default: 100)"

expect_rc "connector list --help exits 0" 0 connector list --help
check "connector list --help prints the same" test "$out" = "$HELP"
expect_rc "-h, an alias and a prefix" 0 conn ls -h
check "conn ls -h prints the same" test "$out" = "$HELP"

expect_rc "help token create" 0 help token create
contains "the role's values" "$out" "(admin|operator|viewer)"
contains "a global option its usage writes, in the command's own words" "$out" \
	"  --tenant ID         the tenant the new token belongs to"
expect_rc "help serve" 0 help serve
contains "a default of serve" "$out" "--max-per-ip N       open connections from one address (default: 256)"
contains "the log levels" "$out" "(error|warn|info|debug; default: info)"
expect_rc "help sync now" 0 help sync now
contains "a short form beside the long one" "$out" "  -y, --yes"

# --- netctl help and --help: the global options, the same way.
expect_rc "help exits 0" 0 help
GLOBAL=$out
contains "-o with its short form, values and default" "$GLOBAL" \
	"  -o, --output FORMAT        the output format; wide adds columns (table|wide|json; default: table)"
expect_rc "--help exits 0" 0 --help
check "--help prints the same as help" test "$out" = "$GLOBAL"

# --- Every option of every command, and every global one, has its line of
# help: the options the usage writes are all listed, each with text.
global_opts=$(awk '/^Global options/ { on = 1; next } /^$/ { on = 0 } on' <<<"$GLOBAL")
bare=$(grep -vE '^  (-[a-z], )?--[a-z-]+( [^ ]+)?  +[^ ]' <<<"$global_opts")
check "every global option has text" test -z "$bare"
check "the global list is not empty" test "$(wc -l <<<"$global_opts")" -ge 10
missing=
cmds=$(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 " " $2 }' <<<"$GLOBAL" |
	while read -r noun verb; do
		case $verb in [A-Z]* | "") verb= ;; esac
		echo "$noun${verb:+ $verb}"
	done)
ncmds=0
while read -r words; do
	# shellcheck disable=SC2086
	run_nc help $words
	[ "$rc" = 0 ] || missing+="help $words: exit $rc; "
	ncmds=$((ncmds + 1))
	opts=$(awk '/^Options:$/ { on = 1; next } /^$/ { on = 0 } on' <<<"$out")
	bad=$(grep -vE '^  (-[a-zA-Z], )?--[a-z-]+( [^ ]+)?  +[^ ]' <<<"$opts" | grep -v '^$')
	[ -z "$bad" ] || missing+="$words: an option without help: $bad; "
	usage=$(sed -n 1p <<<"$out")
	case $usage in "usage: netctl $words "* | "usage: netctl $words") ;;
	*) missing+="help $words: the first line is not its usage: $usage; " ;; esac
	for o in $(grep -oE -- '--[a-z][a-z-]*' <<<"$usage" | sort -u); do
		grep -qE -- "^  (-[a-zA-Z], )?$o( |$)" <<<"$opts$(printf '\n%s' "$global_opts")" ||
			missing+="$words: $o is in the usage but has no line; "
	done
done <<<"$cmds"
if [ -z "$missing" ]; then
	ok "every command's options have their line of help ($ncmds commands)"
else
	not_ok "every command's options have their line of help" "$(tr ';' '\n' <<<"$missing")"
fi
check "every command of the table was read" test "$ncmds" -ge 50

# --- Values outside the allowed ones: exit 2, the values named, nothing sent
# (the address is dead: a request would exit 3).
DEAD=$(free_port)
bad_value() {
	local desc=$1 want=$2
	shift 2
	expect_rc "$desc: exit 2" 2 --server "http://127.0.0.1:$DEAD" --token x "$@"
	contains "$desc: the values are named" "$err" "$want"
}
bad_value "connector list --status bogus" \
	"netctl: --status: \`bogus' is not one of pending_approval, approved, provisioned, active, offline, decommissioned" \
	connector list --status bogus
bad_value "-o yaml" "netctl: --output: \`yaml' is not one of table, wide, json" -o yaml connector list
bad_value "--output=yaml after the command" "--output: \`yaml' is not one of table, wide, json" \
	connector list --output=yaml
bad_value "completion fish" "netctl: completion: \`fish' is not one of bash, zsh" completion fish
bad_value "serve --log-level loud" \
	"netctl: --log-level: \`loud' is not one of error, warn, info, debug" serve --log-level loud \
	--listen "127.0.0.1:$DEAD" --data-dir "$T/never"
check "serve did not start" test ! -e "$T/never"
bad_value "agent --apply yes" "--apply: \`yes' is not one of linux, dry-run" \
	agent --mqtt "tcp://127.0.0.1:$DEAD" --serial X --state-dir "$T/x" --apply yes
bad_value "token create --role god" "--role: \`god' is not one of admin, operator, viewer" \
	token create --name t --role god
bad_value "edge set --kind big" "--kind: \`big' is not one of dedicated, mtge" edge set E-1 --kind big
bad_value "peering create --topology star" \
	"--topology: \`star' is not one of mesh, hub_spoke, partial_mesh" \
	peering create p --topology star
bad_value "peering set --protocol gre" "--protocol: \`gre' is not one of wireguard, ipsec" \
	peering set p --protocol gre
bad_value "sync status --state done" \
	"--state: \`done' is not one of synced, pending, applying, failed" sync status --state done

# The values the error names are the ones help lists.
run_nc connector list --status bogus
listed=$(sed -n 's/.*is not one of //p' <<<"$err")
check "the error's values are help's" test "$listed" = "${STATUS_VALUES//|/, }"

# A batch refuses the line before running any.
printf 'connector list --status bogus\n' >"$T/bad.batch"
bad_value "a batch line with a bad value" "line 1: --status: \`bogus' is not one of" \
	batch -f "$T/bad.batch"

# --- The shell's help prints the same lines.
if command -v tmux >/dev/null; then
	tmux -S "$SOCK" new-session -d -s h -x 200 -y 50 \
		"env XDG_STATE_HOME=$T/state XDG_CONFIG_HOME=$T/config $NETCTL shell; sleep 60"
	screen() { tmux -S "$SOCK" capture-pane -p -t h; }
	shows() { screen | grep -qF -- "$1"; }
	wait_until 10 shows "netctl>"
	tmux -S "$SOCK" send-keys -t h 'help connector list' Enter
	if wait_until 10 shows "$STATUS_LINE"; then
		ok "the shell's help connector list shows the --status line"
	else
		not_ok "the shell's help connector list shows the --status line" "$(screen)"
	fi
	tmux -S "$SOCK" send-keys -t h 'edge list --' '?'
	if wait_until 10 shows "  --kind            only edges of this kind"; then
		ok "the shell's ? shows each option's line of help"
	else
		not_ok "the shell's ? shows each option's line of help" "$(screen)"
	fi
	tmux -S "$SOCK" send-keys -t h C-u 'connector list --status bogus' Enter
	if wait_until 10 shows "--status: \`bogus' is not one of pending_approval"; then
		ok "the shell names the values too"
	else
		not_ok "the shell names the values too" "$(screen)"
	fi
else
	ok "# SKIP tmux is not installed: the shell's help not typed"
fi

done_testing
