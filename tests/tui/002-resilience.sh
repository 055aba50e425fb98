#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl tui when things go wrong: without a terminal it exits 2; a token
# the server refuses ends it with the CLI's message and status 4 before the
# screen opens, a dumb terminal with status 1; a server that cannot be reached still gets the dashboard,
# which says "reconnecting" with the reason; a viewer's writes show the
# server's refusal on the status line and the dashboard goes on; when serve
# stops the header says reconnecting and, once it is back on its address,
# live again with what changed meanwhile; NO_COLOR means no colour;
# SIGTERM ends it cleanly.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_broker || exit 1
# serve on a port of its own, so that a restart keeps the address.
start_fixed_serve 1
use_serve "http://127.0.0.1:$PORT"
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
run_nc connector create --serial CN-1 --name b1 --hub EDGE-1
run_nc connector create --serial CN-2 --name b2 --hub EDGE-1
run_nc token create --name view --role viewer -q
VIEWER=$out

# --- Without a terminal.
expect_rc "without a terminal tui exits 2" 2 tui
contains "and says it needs one" "$err" "needs a terminal"

# --- A token the server refuses: the CLI's message and status.
open_tui NETCTL_TOKEN=nct_0000000000000000_0000000000000000000000000000000000000000000000000000000000000000
expect_exit "a refused token ends it with status 4" 4
check "with the CLI's message" grep -q "netctl: .*token" "$TUI_ERR"

# --- A terminal that cannot move its cursor.
open_tui TERM=dumb
expect_exit "TERM=dumb ends it with status 1" 1
check "saying why" grep -q "cannot move its cursor" "$TUI_ERR"

# --- Nothing listens: the dashboard opens and waits.
open_tui NETCTL_SERVER=http://127.0.0.1:$(free_port)
expect_screen "an unreachable server still gets the dashboard, reconnecting" "reconnecting: cannot reach"
expect_screen "the panels are there, loading until the server answers" "1 Connectors (...)"
keys q
expect_exit "q quits it with status 0" 0

# --- A viewer: writes are refused by the server, shown, survived.
open_tui NETCTL_TOKEN=$VIEWER
expect_re "a viewer sees the rows" "b1 +CN-1 +-? *EDGE-1 +pending_approval"
keys s
expect_screen "s with a viewer token shows the server's refusal" "sync CN-1 failed: forbidden: this needs the operator role"
keys a y
expect_screen "a with a viewer token too" "approve CN-1 failed: forbidden: this needs the admin role"
keys j
expect_screen "and the dashboard goes on" "2/2"
keys C-c
expect_exit "Ctrl-C quits with status 0" 0

# --- The server goes away and comes back.
open_tui
expect_screen "live at first" "● live"
expect_re "with the rows" "b2 +CN-2"
stop "$SERVE_PID"
expect_screen "stopping serve shows reconnecting" "reconnecting:"
check "and keeps the rows it had" shows "CN-2"
start_fixed_serve 2
expect_screen "a restarted serve makes it live again" "● live"
run_nc connector create --serial CN-3 --name b3 --hub EDGE-1
expect_re "and changes after the restart show" "b3 +CN-3"
check "with colour on, states are coloured" \
	bash -c "tmux -S '$SOCK' capture-pane -p -e -t nc | grep -q $'\\e\\[33m'"
kill -TERM "$(tui_pid)"
expect_exit "SIGTERM ends it with status 0" 0

# --- NO_COLOR.
open_tui NO_COLOR=1
expect_re "with NO_COLOR the rows show" "b3 +CN-3"
check "without colour" bash -c "! tmux -S '$SOCK' capture-pane -p -e -t nc | grep -q $'\\e\\[3[1-7]m'"
keys q
expect_exit "q quits" 0

check_sanitizers
done_testing
