#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl tui sorts and counts: `>' and `<' move the sort column, `=' turns
# the order round, the header marks the column and its direction (Name↑,
# Name↓; Name^ where the locale is not UTF-8) and the rows follow; a
# filtered tab shows shown/total and the status line agrees.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_core
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
# Names in the opposite order of the serials.
names=(zulu yankee xray whiskey victor uniform tango sierra romeo papa oscar november)
for i in "${!names[@]}"; do
	run_nc connector create --serial "$(printf 'CN-%04d' $((i + 1)))" --name "${names[$i]}" \
		--region "r$((i % 3))" --hub EDGE-1
done
run_nc connector approve CN-0005

# The first connector row and the order of the names on the screen.
first_row() { screen | sed -n 5p; }
names_shown() { screen | sed -n '5,16p' | awk '{print $1}' | tr '\n' ' '; }

open_tui
expect_re "the rows come in the server's order (by serial)" "zulu +CN-0001"
check "no column is marked as the sort column" bash -c "! tmux -S '$SOCK' capture-pane -p -t nc | sed -n 4p | grep -q '[↑↓]'"

keys '>'
expect_re "> sorts by the first column, ascending, and the header says so" "Name↑ +Serial +Region"
expect_screen "the status line says so too" "sorted by Name, ascending"
check "the rows are by name, ascending" test "$(names_shown)" = \
	"november oscar papa romeo sierra tango uniform victor whiskey xray yankee zulu "
keys '='
expect_re "= turns the order round" "Name↓ +Serial"
check "the rows are by name, descending" test "$(names_shown)" = \
	"zulu yankee xray whiskey victor uniform tango sierra romeo papa oscar november "
keys '>' '>' '>' '>'
expect_re "> moves the sort to the next columns (Status, ascending)" "Hub Edge +Status↑ +Last Seen"
check "approved sorts before pending_approval" bash -c "tmux -S '$SOCK' capture-pane -p -t nc | sed -n 5p | grep -q 'victor .*approved'"
# A change from outside moves its row to its place in the order.
run_nc connector approve CN-0001
top_two() { test "$(screen | sed -n '5,6p' | awk '{print $1}' | sort | tr '\n' ' ')" = "victor zulu "; }
if wait_until "$WAIT" top_two; then
	ok "an approval from the CLI moves its row up among the approved"
else
	not_ok "an approval from the CLI moves its row up among the approved" "$(screen)"
fi
keys '='
expect_re "= turns it round" "Status↓"
check "pending_approval first" bash -c "tmux -S '$SOCK' capture-pane -p -t nc | sed -n 5p | grep -q 'pending_approval'"
check "the approved last" bash -c "tmux -S '$SOCK' capture-pane -p -t nc | sed -n 16p | grep -q ' approved'"
keys '<' '<' '<' '<'
expect_re "< moves back to Name (ascending)" "Name↑ +Serial"
keys '<'
expect_gone "< before the first column goes back to the server's order" "Name↑"
expect_re "by serial again" "zulu +CN-0001"

# The selection stays on its object through a change of order.
keys G
expect_re "G selects the last row" " 12/12$"
keys '>'
expect_re "after sorting by name the selection is still on CN-0012 (november), now first" " 1/12$"

# Sorting is for connectors and edges; peerings say so.
keys 3 '>'
expect_screen "the Peerings panel says it keeps its order" "Peerings keep their own order"
keys 1

# Filtered counts: the tab says shown/total, the status line agrees.
keys / r1 Enter
expect_screen "a filtered tab shows shown/total" "1 Connectors (4/12)"
expect_re "the status line's count agrees" " 1/4$"
expect_screen "the filter is named" "filter: r1"
keys 2
expect_screen "another tab keeps its filtered count" "1 Connectors (4/12)"
expect_screen "an unfiltered tab shows its total" "2 Edges (1)"
keys 1 Escape
expect_screen "Esc clears the filter: the total again" "1 Connectors (12)"
keys q
expect_exit "q quits" 0

# A locale without UTF-8: the direction in ASCII.
open_tui LC_ALL=C
keys '>' '='
expect_re "without UTF-8 the header shows Name v" "Namev +Serial"
keys '='
expect_re "and Name^ ascending" "Name\\^ +Serial"
keys q
expect_exit "q quits" 0
check "nothing went to stderr" test ! -s "$TUI_ERR"
check_sanitizers
done_testing
