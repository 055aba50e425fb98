#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The operator's writes from netctl tui, each through the CLI's own command
# and with its outcome on the status line: Space marks rows and s sends
# Sync Now to the marked ones; A asks with the device count before a Sync
# Now of all; D asks before decommissioning, naming the connector; h changes
# a connector's hub (Tab offers the edges); + adds a link to a peering group
# and the link reaches both agents; - removes it after a question; a viewer
# token's refusal shows the server's message in red.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_core --apply-timeout 30s --stale-delay 30s
new_tenant acme
# The fleet plays P0001 and P0004 (edges) and P0002, P0003, P0005 (connectors).
for e in 1 4; do
	run_nc edge create --serial "P000$e" --name "dc$e" --kind dedicated \
		--endpoint "192.0.2.$e:51820" --lan "10.1$e.0.0/16"
done
for i in 2 3 5; do
	run_nc connector create --serial "P000$i" --name "b$i" --lan "192.168.$i.0/24" \
		--endpoint "192.0.2.1$i:51820" --hub P0001
done
run_nc connector approve P0002
run_nc connector approve P0003
run_nc peering create pm --topology partial_mesh --protocol wireguard
for s in P0001 P0002 P0003; do run_nc member add pm "$s"; done
spawn_fleet fleet 5 P --heartbeat 2s
check "the fleet's devices announce themselves" wait_until 20 connector_keys_known 3
expect_rc "every device is synced first" 0 sync now --all --wait --timeout 30s --yes

# state SERIAL: "STATE SEQ CONFIRMED_SEQ"; confirmed SERIAL SEQ: synced with SEQ confirmed.
state() { "$NETCTL" sync show "$1" -o json | jq -r '"\(.state) \(.seq) \(.confirmed_seq)"'; }
seq_of() { "$NETCTL" sync show "$1" -o json | jq .seq; }
confirmed() { test "$(state "$1")" = "synced $2 $2"; }
above() { test "$(state "$1" | cut -d' ' -f3)" -gt "$2"; }

open_tui
expect_re "the connectors show" "b2 +P0002"

# --- Space marks rows; s sends Sync Now to the marked ones only.
s2=$(seq_of P0002)
s3=$(seq_of P0003)
s5=$(seq_of P0005)
keys g Space j Space
expect_screen "two rows are marked, the status line says so" "2 devices marked"
expect_re "the count of marks is on the right" "2 marked  2/3$"
check "marked rows carry a mark in the margin" bash -c "tmux -S '$SOCK' capture-pane -p -t nc | grep -q '^\\*b2 '"
keys s
expect_screen "s sends Sync Now to the two marked devices" "Sync Now sent to 2 devices"
check "P0002 confirms a new seq" wait_until 20 above P0002 "$s2"
check "P0003 confirms a new seq" wait_until 20 above P0003 "$s3"
check "P0005, not marked, was sent nothing" test "$(seq_of P0005)" = "$s5"
expect_gone "the marks are spent" "marked  "

# --- A: every device, after a question with the count.
keys A
expect_screen "A asks, giving how many devices" \
	"Sync Now of 5 devices (3 connectors, 2 edges)? [y/N]"
keys n
expect_screen "n sends nothing" "no Sync Now sent"
keys A y
expect_re "y starts the Sync Now of all" "Sync Now of [0-9]+ devices started \\(run [0-9]+\\)"

# --- D: decommission, after a question naming the connector.
keys G D
expect_screen "D asks, naming the connector" "Decommission connector P0005 (b5, pending_approval)?"
keys n
expect_screen "n leaves it" "not decommissioned: P0005 stays as it is"
run_nc connector show P0005 -o json
jq_out "the server agrees: P0005 is still pending approval" .status pending_approval
keys D y
expect_screen "y decommissions it, as connector decommission says it" \
	"connector P0005 is now decommissioned"
expect_re "and the row follows" "P0005 .*decommissioned"
run_nc connector show P0005 -o json
jq_out "the server agrees" .status decommissioned

# --- h: a connector's hub, Tab offering the edges.
keys g j h
expect_screen "h asks for the hub, saying the current one" "Hub edge of P0003 (now P0001"
keys Tab
expect_screen "Tab offers the first edge" "none: no hub): P0001"
keys Tab
expect_screen "Tab again the next" "none: no hub): P0004"
keys Enter
expect_screen "Enter changes it, as connector set says it" "changed connector P0003"
run_nc connector show P0003 -o json
jq_out "the server agrees: P0004 is its hub" .hub_edge P0004
expect_re "the row shows the new hub" "b3 +P0003 +- +P0004"

# --- +: a link from the dashboard reaches both agents.
l1=$(seq_of P0001)
l2=$(seq_of P0002)
keys 3 g +
expect_screen "+ asks for the link's ends" "Link in peering pm, between (two members' serials):"
keys -l "P0001 P0002"
keys Enter
expect_screen "Enter adds it, as link add says it" "linked P0001 and P0002 in peering pm"
expect_screen "and says it was pushed to both ends" " and P0002 (seq "
expect_re "the link's row shows under its group" "P0001 +P0002 +[a-z]+ +0 \\(primary\\)"
n1=$(seq_of P0001)
n2=$(seq_of P0002)
check "P0001 was sent a new seq" test "$n1" -gt "$l1"
check "P0002 was sent a new seq" test "$n2" -gt "$l2"
check "P0001 (the edge's agent) confirms it" wait_until 20 confirmed P0001 "$n1"
check "P0002 (the connector's agent) confirms it" wait_until 20 confirmed P0002 "$n2"
peers() {
	api GET "/v1/devices/$1/batch?tenant=acme"
	jq -r '[.commands[] | select(.topic == "wireguard") | .body.interfaces[] | .peers[]? | .serial] | join(",")' <<<"$body"
}
contains "the edge's applied batch has P0002 as a peer" "$(peers P0001)" P0002
contains "the connector's applied batch has P0001 as a peer" "$(peers P0002)" P0001

# --- -: the link's row, after a question.
keys g j
expect_re "the link's row is selected" " 2/[0-9]+$"
keys -- -
expect_screen "- asks, naming the link and its group" \
	"Remove the link P0001 - P0002 (both tunnels) from peering pm? [y/N]"
keys y
expect_screen "y removes it, as link remove says it" "removed the link P0001 - P0002 from peering pm"
run_nc link list pm -o json
jq_out "the server agrees: no link" '.items | length' 0
keys q
expect_exit "q quits" 0
check "nothing went to stderr" test ! -s "$TUI_ERR"

# --- A viewer: the server's refusal in red.
run_nc token create --name view --role viewer -q
open_tui NETCTL_TOKEN="$out"
expect_re "a viewer sees the rows" "b2 +P0002"
keys g D y
expect_screen "D with a viewer token shows the server's refusal" \
	"decommission P0002 failed: forbidden: this needs the admin role"
if screen_e | grep 'decommission P0002 failed' | grep -q $'\e\[31m'; then
	ok "in red"
else
	not_ok "in red" "$(screen_e | grep 'failed' | cat -v)"
fi
run_nc connector show P0002 -o json
jq_out "and nothing changed" .status active
keys q
expect_exit "q quits" 0
check_sanitizers
done_testing
