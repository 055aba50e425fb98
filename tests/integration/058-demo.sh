#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The demo as a person runs it, under tmux: the stack comes up, every device
# that gets configuration is synced, the dashboard opens live, q leaves it for
# the shell, commands work there, and exit stops everything the demo started.
# Then the same without a terminal (DEMO_NO_SHELL), and a DEMO_DIR that is
# not a demo folder is refused untouched.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "broker started by scripts/demo"

command -v tmux >/dev/null || {
	ok "# SKIP tmux is not installed"
	exit 0
}
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; nc_cleanup' EXIT
# mosquitto drops its privileges when started as root: it must read its
# config under $T.
chmod 755 "$T"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$T/demo

screen() { tmux -S "$SOCK" capture-pane -p -t demo -S -200; }
shows() { screen | grep -qF -- "$1"; }
expect_screen() {
	if wait_until "${3:-10}" shows "$2"; then ok "$1"; else not_ok "$1" "$(screen | tail -40)"; fi
}
keys() { tmux -S "$SOCK" send-keys -t demo "$@"; }
# Every process the demo started is listed in $D/pids ("PID NAME").
none_alive() {
	local p name
	while read -r p name; do
		kill -0 "$p" 2>/dev/null && return 1
	done <"$D/pids"
	return 0
}
wait_gone_cmd() { test -s "$D/pids" && wait_until 10 none_alive; }

# What the demo prints before the dashboard takes the screen is read from
# everything the pane showed ($T/pane.log), not from the screen: the
# dashboard's alternate screen hides it as soon as it opens. The pane starts
# with a bare shell so that its log is recording before the demo runs.
PANE_LOG=$T/pane.log
printed() { grep -aqF -- "$1" "$PANE_LOG"; }
expect_printed() {
	if wait_until "$3" printed "$2"; then ok "$1"; else not_ok "$1" "$(tail -c 3000 "$PANE_LOG")"; fi
}
tmux -S "$SOCK" new-session -d -s demo -x 150 -y 50 "bash --norc --noprofile"
tmux -S "$SOCK" pipe-pane -t demo "cat >>$PANE_LOG"
cat >"$T/run-demo" <<EOF
env -u NETCTL_SERVER -u NETCTL_TOKEN -u NETCTL_TENANT XDG_STATE_HOME=$T/state \\
	XDG_CONFIG_HOME=$T/config NETCTL=$NETCTL DEMO_DIR=$D $ROOT/scripts/demo
echo "[demo exited \$?]"
sleep 60
EOF
keys "exec bash $T/run-demo" Enter
expect_printed "the stack comes up with a fleet" \
	"demo: simulated fleet: CN0001..CN0050, EDGE0001, MTGE0001" 60
expect_printed "every device that gets configuration is synced" \
	"44 synced, 0 failed, 0 timed out, 0 skipped" 90
expect_screen "the dashboard opens, live" "● live" 20
# Total counts every registered connector: the 3 decommissioned too.
expect_screen "with the stat cards" "Total Connectors 50"
keys q
expect_screen "q leaves the dashboard for the shell" "netctl>"
check "the hints were printed before" printed "the dashboard again"
keys 'sync status --state failed -q' Enter
keys 'connector stats' Enter
expect_screen "commands run in the shell against the stack" "Total Connectors  Online"
keys 'peering show retail' Enter
expect_screen "the partial mesh has its isolated member" "CN0025 has no links: it is isolated"
keys exit Enter
expect_screen "exit stops everything" "demo: stopped everything it started" 20
expect_screen "and the demo ends with status 0" "[demo exited 0]"
check "nothing the demo started is left running" wait_gone_cmd
tmux -S "$SOCK" kill-server 2>/dev/null

# Without a terminal: the stack, the sync, then a clean stop.
DEMO_DIR=$D DEMO_NO_SHELL=1 "$ROOT/scripts/demo" >"$T/plain.out" 2>&1 </dev/null
check "without a terminal the demo exits 0" test $? = 0
check "and says why it opens no shell" grep -q "not opening the dashboard and the shell" "$T/plain.out"
check "its devices were synced" grep -q "44 synced, 0 failed" "$T/plain.out"
check "it started its processes" test "$(wc -l <"$D/pids")" -ge 5
check "nothing is left running" wait_gone_cmd

# A DEMO_DIR that holds something else is left alone.
mkdir -p "$T/precious"
echo keep >"$T/precious/file"
DEMO_DIR=$T/precious DEMO_NO_SHELL=1 "$ROOT/scripts/demo" >"$T/refused.out" 2>&1 </dev/null
check "a folder that is not the demo's is refused" test $? = 1
check "with the reason" grep -q "not a demo folder" "$T/refused.out"
check "and kept" test "$(cat "$T/precious/file")" = keep

done_testing
