#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl tui against a real mosquitto, serve and a simulated fleet, driven
# through tmux as an operator would: the stat cards show what `connector
# stats' says and the connector rows their status and sync state; a change
# made from outside shows without a key; `a' approves after y, `s' syncs
# the selected device to synced, `S' the pending ones; `/' filters; Enter
# shows a connector's sync state and last confirmation; `?' lists the keys;
# the Peerings panel warns of an isolated member and shows an IPSec link's
# SA as `link list' does; the Events panel tails;
# colours mark states; a resize re-lays out (a tiny terminal gets a
# message); q ends with status 0 and gives the terminal back.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_core --heartbeat 1s
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
for i in 1 2 3 4; do
	run_nc connector create --serial "CN-000$i" --name "branch-$i" --region eu-west \
		--hub EDGE-1 --lan "192.168.$i.0/24"
done
run_nc connector approve CN-0001
run_nc connector approve CN-0002
run_nc peering create pm --topology partial_mesh
run_nc member add pm EDGE-1
run_nc member add pm CN-0001
run_nc link add pm EDGE-1 CN-0001
run_nc member add pm CN-0002
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 4 --serial-prefix CN- --heartbeat 1s
wait_until 20 bash -c "'$NETCTL' connector list -o json | jq -e '[.items[] | select(.status == \"active\")] | length == 2'" ||
	not_ok "the two approved connectors become active" "$("$NETCTL" connector list 2>&1)"

# An IPSec group whose SA CN-0001 reports established, as the device would.
run_nc peering create sec --topology mesh --protocol ipsec
run_nc member add sec EDGE-1
run_nc member add sec CN-0001
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t VSR/CN-0001/tunnel-status -m \
	"{\"v\":1,\"serial\":\"CN-0001\",\"ts\":$(date +%s),\"tunnels\":[{\"interface\":\"xfrm\",\"peer\":\"EDGE-1\",\"tunnel_index\":0,\"protocol\":\"ipsec\",\"sa\":\"established\",\"peering\":\"sec\"}]}"
wait_until 10 bash -c "'$NETCTL' link list sec -o json | jq -e '.items[0].sa == \"established\"'" ||
	not_ok "the IPSec link's SA is established" "$("$NETCTL" link list sec 2>&1)"
run_nc sync now CN-0001 --wait --timeout 20s

open_tui
expect_screen "the header says the stream is live" "● live"
expect_re "the connector rows show with the seeds' columns" \
	"Name +Serial +Region +Hub Edge +Status +Last Seen +Sync"
expect_re "an approved device of the fleet is active and synced" \
	"branch-1 +CN-0001 +eu-west +EDGE-1 +active +.* synced"
expect_re "a pending connector shows as pending_approval" \
	"branch-3 +CN-0003 +eu-west +EDGE-1 +pending_approval"
run_nc connector stats -o json
cards="Total Connectors $(jq -r .connectors.total <<<"$out")  Online $(jq -r .connectors.online <<<"$out")  Offline $(jq -r .connectors.offline <<<"$out")  Pending $(jq -r .connectors.pending <<<"$out")"
expect_screen "the stat cards are those of \`connector stats'" "$cards"
expect_re "the sync counts show" "Sync: synced [0-9]+  pending [0-9]+  applying [0-9]+  failed [0-9]+"
if wait_until "$WAIT" bash -c "tmux -S '$SOCK' capture-pane -p -e -t nc | grep 'CN-0003' | grep -q $'\\e\\[33m'"; then
	ok "pending_approval is yellow"
else
	not_ok "pending_approval is yellow" "$(screen_e | grep CN-0003 | cat -v)"
fi
if screen_e | grep 'CN-0001' | grep -q $'\e\[32m'; then
	ok "active and synced are green"
else
	not_ok "active and synced are green" "$(screen_e | grep CN-0001 | cat -v)"
fi

# A change from outside shows live, without a key.
run_nc connector approve CN-0004
expect_re "an approval from the CLI shows without a key" "CN-0004 +eu-west +EDGE-1 +(approved|provisioned|active)"
expect_screen "and the cards follow" "Pending 1"

# / filters; Esc clears.
keys / CN-0003 Enter
expect_gone "/ filters the rows out" "CN-0001"
expect_screen "the filter shows in the tabs line" "filter: CN-0003"
check "the matching row stays" shows "CN-0003"

# a asks, y approves; s syncs the row to synced.
keys a
expect_screen "a asks before approving" "Approve connector CN-0003 (branch-3, pending_approval)? [y/N]"
keys y
expect_screen "y approves it: the status line says so, as \`connector approve\` does" "connector CN-0003 is now approved"
expect_re "and the row moves on from pending_approval" "CN-0003 +eu-west +EDGE-1 +(approved|provisioned|active) "
keys s
expect_screen "s sends Sync Now to the selected device" "sync sent to CN-0003"
expect_re "and its state turns synced" "CN-0003 +eu-west +EDGE-1 +[a-z_]+ +.* synced"
api GET "/v1/devices/CN-0003/sync?tenant=acme"
jq_is "the server agrees: CN-0003 synced" .state synced
keys Escape
expect_screen "Esc clears the filter" "CN-0001"

# Enter: the details of a connector, with its sync state and last confirmation.
keys g Enter
expect_screen "Enter opens the connector's details" "Connector CN-0001"
expect_re "with its sync state" "State: +synced"
expect_screen "and its last confirmation" "Last Confirm"
expect_re "as the agent sent it" "Agent: +netctl-agent/"
expect_screen "and its recent events, as the describe view of connector show" "Events:"
keys Escape
expect_gone "Esc closes them" "Last Confirm"

# ? lists the keys, from the key table.
keys '?'
expect_screen "? opens the help" "Keys"
expect_screen "it lists s" "Sync Now for the marked devices, else the selected one"
expect_screen "it lists a" "approve the selected connector (asks y/N)"
expect_screen "it lists /" "filter rows by text"
keys x
expect_gone "any key closes it" "Sync Now for every pending device"

# The other panels.
keys 3
expect_re "3 shows the peering groups" "pm +partial_mesh +wireguard"
expect_re "with their links: Edge A, Edge B, Status, Tunnel Index" "CN-0001 +EDGE-1 +[a-z]+ +0 \\(primary\\)"
expect_screen "and the isolated member warning" "warning: CN-0002 has no links: it is isolated"
expect_re "an IPSec link's Status reads its SA, as \`link list' has it" \
	"CN-0001 +EDGE-1 +SA: Established +0 \\(primary\\)"
keys 4
expect_re "4 tails the events, decoded as tail does" "[0-9:]{8}  CN-000[1-4] +heartbeat +seq"
run_nc sync now CN-0002
expect_re "a Sync Now from the CLI shows there as it happens" "CN-0002 +confirm +seq [0-9]+ ✓ verified"
keys 2
expect_re "2 shows the edges" "dc1 +EDGE-1 +dedicated"
keys S
expect_re "S sends Sync Now to every pending device" "Sync Now of [0-9]+ pending devices? started \\(run [0-9]+\\)"
keys Tab
expect_screen "Tab goes to the next panel" "warning: CN-0002 has no links"

# Resizing re-lays out; a terminal too small says so.
keys 1
tmux -S "$SOCK" resize-window -t nc -x 50 -y 10
expect_screen "a tiny terminal gets a message" "netctl tui needs at least 64x12"
tmux -S "$SOCK" resize-window -t nc -x 100 -y 30
expect_re "a larger one gets the dashboard again" "branch-1 +CN-0001"
check "laid out in 100 columns" bash -c "! tmux -S '$SOCK' capture-pane -p -t nc | grep -q '.\{101\}'"

keys q
expect_exit "q quits with status 0" 0
check "nothing went to stderr" test ! -s "$TUI_ERR"
check_sanitizers
done_testing
