#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl shell under tmux, as a person types: TAB completes nouns, verbs,
# options and live serials; '?' lists what may follow; commands run through
# the same dispatcher and errors leave the shell running; Ctrl-C drops the
# line without running it; history survives a restart; exit and Ctrl-D
# leave; a bare netctl on a terminal opens the shell.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || {
	ok "# SKIP tmux is not installed"
	exit 0
}
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; nc_cleanup' EXIT

start_serve "$T/data"
use_serve
export XDG_STATE_HOME=$T/state
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
run_nc connector create --serial CN-1 --name b1 --hub EDGE-1
run_nc peering create pm --topology partial_mesh

# open CMD...: a tmux session running CMD; the pane stays to show how it ended.
open() {
	tmux -S "$SOCK" kill-server 2>/dev/null
	# A new server each time: the old one may still be on its way out.
	OPENS=$((${OPENS:-0} + 1))
	SOCK=$T/tmux.$OPENS.sock
	tmux -S "$SOCK" new-session -d -s nc -x 160 -y 50 \
		"env XDG_STATE_HOME=$T/state XDG_CONFIG_HOME=$T/config NETCTL_SERVER=$SERVER \
		NETCTL_TOKEN=$NETCTL_TOKEN NETCTL_TENANT=acme $*; echo \"[exited \$?]\"; sleep 60"
}
keys() { tmux -S "$SOCK" send-keys -t nc "$@"; }
screen() { tmux -S "$SOCK" capture-pane -p -t nc; }
shows() { screen | grep -qF -- "$1"; }
shows_re() { screen | grep -qE -- "$1"; }
# the line of the cursor, without trailing blanks
cursor_line() {
	local y
	y=$(tmux -S "$SOCK" display-message -p -t nc '#{cursor_y}')
	screen | sed -n "$((y + 1))p" | sed 's/ *$//'
}
line_is() { test "$(cursor_line)" = "$1"; }
expect_line() {
	if wait_until 10 line_is "$2"; then ok "$1"; else not_ok "$1" "line: \`$(cursor_line)'"; fi
}
expect_screen() {
	if wait_until 10 shows "$2"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
}

open "$NETCTL" shell
expect_line "the shell shows its prompt" "netctl>"

keys conn Tab
expect_line "TAB completes conn to connector" "netctl> connector"
keys l Tab
expect_line "TAB completes a verb" "netctl> connector list"
keys Enter
expect_screen "the command runs as on the command line" "b1    CN-1    -       EDGE-1    pending_approval"
expect_line "and the prompt comes back" "netctl>"

keys 'connector show C' Tab
expect_line "TAB completes a live serial from the server" "netctl> connector show CN-1"
keys C-u 'peering show ' Tab
expect_line "TAB completes a peering name" "netctl> peering show pm"
keys C-u 'conn ls --st' Tab
expect_line "TAB completes an option" "netctl> conn ls --status"
keys C-u 'sync ?'
expect_screen "? lists the verbs with their summaries" \
	"now     Send devices their configuration now"
expect_line "and keeps the line" "netctl> sync"
keys C-u 'link add ?'
if wait_until 10 shows_re "^  pm +PEERING$"; then
	ok "? lists live values with what they are"
else
	not_ok "? lists live values with what they are" "$(screen)"
fi
keys C-u 'connector show CN-1 ?'
expect_screen "? says when the command is complete" "<cr>"

keys C-u 'connector show NOPE' Enter
expect_screen "an error is shown" "connector \`NOPE' not found"
expect_line "and the shell goes on" "netctl>"
keys 'frobnicate' Enter
expect_screen "an unknown command is shown with the way out" "unknown command \`frobnicate'"
expect_screen "the way out is the shell's own help" "Run \`help' for the list"
keys -- "-o json connector show CN-1" Enter
expect_screen "global options work per line" '"serial": "CN-1"'
keys "connector show 'CN-1" Enter
expect_screen "an unclosed quote is reported" "the single quote is not closed"

# Ctrl-C drops the line: it is not run.
keys 'connector delete CN-1' C-c
expect_screen "Ctrl-C drops the line" "^C"
expect_line "to a fresh prompt" "netctl>"
NETCTL_TENANT=acme run_nc connector show CN-1
check "the dropped line did not run" test "$rc" = 0

keys exit Enter
expect_screen "exit leaves with status 0" "[exited 0]"
check "history is written" grep -q 'connector\\040list' "$T/state/netctl/history"
check "exit is not kept" bash -c "! grep -qx exit '$T/state/netctl/history'"
check "history has mode 0600" test "$(stat -c %a "$T/state/netctl/history")" = 600

# History survives a restart.
open "$NETCTL" shell
expect_line "the shell starts again" "netctl>"
keys Up
expect_line "Up recalls the last line of the last session" "netctl> connector show 'CN-1"
keys Up
expect_line "and the one before" "netctl> -o json connector show CN-1"
keys C-u C-d
expect_screen "Ctrl-D leaves" "[exited 0]"

# A bare netctl on a terminal is the shell.
open "$NETCTL"
expect_line "a bare netctl opens the shell" "netctl>"
keys C-r 'json'
if wait_until 10 shows_re '^netctl> -o json connector show CN-1$' && shows 'bck:json'; then
	ok "Ctrl-R finds an earlier line by what it contains"
else
	not_ok "Ctrl-R finds an earlier line by what it contains" "$(screen)"
fi
keys Enter
expect_screen "and Enter runs it" '"serial": "CN-1"'
keys 'sh' Enter
expect_screen "the shell does not nest" "\`shell' runs from the command line only"
keys C-l
# Output filters: | include, | exclude, | count.
keys C-l 'edge list | include dc' Enter
expect_screen "| include keeps the matching lines" "dc1   EDGE-1"
if screen | grep -q '^Name'; then not_ok "and drops the others (the header)" "$(screen)"; else ok "and drops the others (the header)"; fi
keys C-l "edge list | exclude '^Name' | count" Enter
if wait_until 10 shows_re '^1$'; then ok "| count counts what the filters let through"; else not_ok "| count counts what the filters let through" "$(screen)"; fi
keys C-l 'connector list | grep b1' Enter
expect_screen "an unknown filter is named" "\`| grep': the filters are include RE, exclude RE and count"

keys quit Enter
expect_screen "quit leaves" "[exited 0]"

expect_rc "the shell without a terminal says what to use" 2 shell
contains "it points to batch" "$err" "batch -f"

done_testing
