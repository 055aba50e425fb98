#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl tui and the mouse, as the terminal reports it (xterm's mouse
# reports, written into the pane as a terminal would): a click selects a
# row, a click on the selected row opens its details, the wheel scrolls, a
# click on a tab shows its panel, a click on a column header sorts by it
# and a second one turns the order round; the mouse mode is off again
# after q. The keys keep working alongside.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_core
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
for i in 1 2 3 4 5 6 7 8; do
	run_nc connector create --serial "CN-000$i" --name "branch-$((9 - i))" --hub EDGE-1
done

# chr N: the byte N. report BUTTON X Y: a mouse report (X10 encoding, as
# TERM=screen's kmous has it) for BUTTON at column X, row Y (from 0).
chr() { printf "\\$(printf '%03o' "$1")"; }
report() { keys -l "$(printf '\033[M')$(chr $((32 + $1)))$(chr $((33 + $2)))$(chr $((33 + $3)))"; }
click() { report 0 "$1" "$2"; report 3 "$1" "$2"; }
# col TEXT LINE: the column (from 0) where TEXT starts on screen line LINE (from 0).
col() { screen | sed -n "$(($2 + 1))p" | awk -v t="$1" '{print index($0, t) - 1}'; }

open_tui
expect_re "the rows show" "branch-8 +CN-0001"
check "the terminal was asked for mouse reports" test "$(pane '#{mouse_any_flag}')" = 1

click 10 6
expect_re "a click on the third row selects it" " 3/8$"
click 10 6
expect_screen "a click on the selected row opens its details" "Connector CN-0003"
keys Escape
expect_gone "Esc closes them" "Connector CN-0003"

report 65 10 6
expect_re "the wheel down moves three rows" " 6/8$"
report 64 10 6
expect_re "the wheel up moves back" " 3/8$"

click "$(col Name 3)" 3
expect_re "a click on a column header sorts by it" "Name↑ +Serial"
expect_re "the rows follow" "branch-1 +CN-0008"
click "$(col Name 3)" 3
expect_re "a second click turns the order round" "Name↓ +Serial"
click "$(col Status 3)" 3
expect_re "a click on another header sorts by that one, ascending" "Status↑"

click "$(($(col '2 Edges' 2) + 2))" 2
expect_re "a click on a tab shows its panel" "dc1 +EDGE-1 +dedicated"
click "$(($(col '1 Connectors' 2) + 2))" 2
expect_re "and back" "branch-[0-9] +CN-000"
keys j
expect_re "keys work alongside" " [0-9]/8$"

keys q
expect_exit "q quits" 0
check "the mouse mode is off again" test "$(pane '#{mouse_any_flag}')" = 0
check "nothing went to stderr" test ! -s "$TUI_ERR"
check_sanitizers
done_testing
