#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `connector show' and `edge show' are a describe view, against a real
# mosquitto, serve and a simulated fleet playing a connector and its hub:
# lifecycle, hub, LAN, the sync state with its last confirmation (seq, hash
# prefix, when), backbone and tunnels, and the device's recent events, in
# text and as one JSON object; an unknown serial is a clear error with exit
# 1. The recent events come from GET /v1/events with Accept:
# application/json, which answers at once with the newest events of the
# device, while a plain client still gets the stream.
. "$(dirname "$0")/lib.sh"

start_core --heartbeat 1s --tunnel-interval 1s --stale-delay 1s

# lacks DESC TEXT NEEDLE: ok when TEXT does not hold NEEDLE.
lacks() {
	case "$2" in
	*"$3"*) not_ok "$1" "\`$3' in: $2" ;;
	*) ok "$1" ;;
	esac
}

new_tenant acme
run_nc edge create --serial HUB0001 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820 \
	--lan 10.10.0.0/16
run_nc connector create --serial CN0001 --name branch-1 --region eu-west --hub HUB0001 \
	--lan 192.168.10.0/24 --nat-wan eth0
check "the connector is created" test "$rc" -eq 0

# Before any device spoke: the view says what is not known yet.
expect_rc "connector show of a connector awaiting approval" 0 connector show CN0001
matches "its status" "$out" '^Status: +pending_approval$'
matches "its hub" "$out" '^Hub Edge: +HUB0001$'
matches "its LAN" "$out" '^LAN: +192\.168\.10\.0/24$'
matches "its sync state: pending" "$out" '^  State: +pending$'
matches "with the dirty reason" "$out" '^  Dirty Reason: +connector CN0001 created$'
matches "nothing sent yet" "$out" '^  Sent: +nothing yet$'
matches "nothing confirmed" "$out" '^  Last Confirm: +none yet$'
matches "its creation among its events" "$out" '^  [0-9:.]+ +CN0001 +dirty +pending: connector CN0001 created$'
matches "no confirmation, so no tunnels reported" "$out" '^Tunnels: +(none reported|unknown)'

run_nc connector approve CN0001
for p in CN HUB; do
	spawn "fleet$p" "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix "$p" \
		--heartbeat 1s --tunnel-interval 1s --seed 3
done
# Both devices must have been heard from: a Sync Now of a device never seen ends at once
# as "never seen" rather than waiting for it.
is_seen() {
	run_nc "$1" show "$2" -o json
	[ "$(jq -r .last_seen <<<"$out")" != null ]
}
both_seen() { is_seen connector CN0001 && is_seen edge HUB0001; }
check "the fleets connect and are heard from" wait_until 10 both_seen
is_active() { run_nc connector show CN0001 -o json; [ "$(jq -r .status <<<"$out")" = active ]; }
check "heartbeats make the connector active" wait_until 10 is_active
expect_rc "sync now --all --wait" 0 sync now --all --wait --timeout 20s --yes
tunnel_up() { run_nc connector show CN0001 -o json; [ "$(jq -r .backbone <<<"$out")" = up ]; }
check "its tunnel status is reported" wait_until 10 tunnel_up

run_nc sync show CN0001 -o json
SEQ=$(jq -r .seq <<<"$out")
HASH=$(jq -r .config_hash <<<"$out")
check "the sync state has a seq and hash" test "$SEQ" -ge 1 -a ${#HASH} -eq 64

expect_rc "connector show" 0 connector show CN0001
matches "the serial" "$out" '^Serial: +CN0001$'
matches "the lifecycle state" "$out" '^Status: +active$'
matches "the tenant" "$out" '^Tenant: +acme$'
matches "the NAT" "$out" '^NAT: +on \(wan eth0\)$'
matches "last seen recently" "$out" '^Last Seen: +(just now|[0-9]+s ago)$'
matches "the sync state" "$out" '^  State: +synced$'
matches "no dirty reason once synced" "$out" '^  Dirty Reason: +-$'
matches "the last verified confirmation: seq, hash prefix, when" "$out" \
	"^  Confirmed: +seq $SEQ, hash ${HASH:0:8}, (just now|[0-9]+s ago)\$"
matches "the agent's last confirmation" "$out" \
	"^  Last Confirm: +seq $SEQ, success, hash ${HASH:0:8}, [0-9]+ applied, 0 failed\$"
matches "the backbone is up" "$out" '^Backbone: +up$'
matches "the tunnel table's header" "$out" \
	'^  INTERFACE +PEER +GROUP +PROTOCOL +INDEX +STATE +HANDSHAKE +RX +TX$'
matches "the backbone tunnel to the hub, up" "$out" '^  wg0 +HUB0001 +- +wireguard +0 +up +'
matches "a section of events" "$out" '^Events:$'
# Heartbeats and tunnel reports come every second: always among the last 10.
matches "the device's recent events as tail prints them" "$out" \
	"^  [0-9:.]+ +CN0001 +(heartbeat +seq $SEQ|tunnel_status +wg0)"
lacks "and no event of another device" "$(sed -n '/^Events:/,$p' <<<"$out" | sed 1d | grep -Ev '^  [0-9:.]+ +CN0001 ')" "  "
lacks "no private key in the view" "$out" private

expect_rc "connector show -o json" 0 connector show CN0001 -o json
jq_out "one object: the connector" '"\(.serial) \(.status) \(.hub_edge)"' "CN0001 active HUB0001"
jq_out "with its sync state" '.sync_states | map("\(.state) \(.seq) \(.confirmed_seq)") | join(",")' \
	"synced $SEQ $SEQ"
jq_out "and its last confirmation" '.sync_states[0].last_confirm | "\(.seq) \(.status) \(.config_hash)"' \
	"$SEQ success $HASH"
jq_out "the backbone state" .backbone up
jq_out "the tunnels as GET /v1/devices/{serial}/tunnels has them" \
	'.tunnels | map("\(.interface) \(.peer) \(.role) \(.up)") | join(",")' "wg0 HUB0001 backbone true"
jq_out "recent events, at most 10" '.events | length > 0 and length <= 10' true
jq_out "all of this device" '[.events[].device] | unique | join(",")' CN0001
jq_out "oldest first" '[.events[].id] == ([.events[].id] | sort)' true
jq_out "the newest are there" '[.events[].type] | index("heartbeat") != null' true
expect_rc "connector show -q" 0 connector show CN0001 -q
check "-q prints the serial" test "$out" = CN0001

# An IPSec peering between the two: its SA in the seed's words.
run_nc peering create sec --topology mesh --protocol ipsec
run_nc member add sec HUB0001
run_nc member add sec CN0001
expect_rc "sync now after the IPSec peering" 0 sync now --all --wait --timeout 20s --yes
sa_up() { run_nc connector show CN0001 -o json; jq -e '.tunnels[] | select(.protocol == "ipsec" and .sa == "established")' <<<"$out"; }
check "the connector reports its SA" wait_until 10 sa_up
expect_rc "connector show" 0 connector show CN0001
matches "the IPSec tunnel reads SA: Established, with its group" "$out" \
	'^  [a-z0-9]+ +HUB0001 +sec +ipsec +0 +SA: Established +'
matches "the backbone tunnel is still there" "$out" '^  wg0 +HUB0001 +- +wireguard +0 +up +'
hub_sa_up() { run_nc edge show HUB0001 -o json; jq -e '.tunnels[] | select(.protocol == "ipsec" and .sa == "established")' <<<"$out"; }
check "the hub reports its SA" wait_until 10 hub_sa_up
expect_rc "edge show" 0 edge show HUB0001
matches "the hub sees the SA from its side" "$out" '^  [a-z0-9]+ +CN0001 +sec +ipsec +0 +SA: Established +'

# An edge: the same view, with its kind.
expect_rc "edge show" 0 edge show HUB0001
matches "the serial" "$out" '^Serial: +HUB0001$'
matches "its kind" "$out" '^Kind: +dedicated$'
matches "its sync state" "$out" '^  State: +synced$'
matches "its confirmation" "$out" '^  Confirmed: +seq [0-9]+, hash [0-9a-f]{8}, '
matches "its events" "$out" '^  [0-9:.]+ +HUB0001 +'
expect_rc "edge show -o json" 0 edge show HUB0001 -o json
jq_out "one object with kind, sync state and events" \
	'"\(.kind) \(.sync_states[0].state) \([.events[].device] | unique | join(","))"' \
	"dedicated synced HUB0001"

# Unknown serials and the wrong noun.
expect_rc "connector show of an unknown serial exits 1" 1 connector show NOPE1
contains "the error names the serial" "$err" "NOPE1"
contains "and says it is not found" "$err" "not found"
check "nothing on stdout" test -z "$out"
expect_rc "edge show of an unknown serial exits 1" 1 edge show NOPE2
contains "the error names it" "$err" "NOPE2"
expect_rc "edge show of a connector exits 1" 1 edge show CN0001
contains "it is no edge" "$err" "not found"
expect_rc "an empty serial is a usage error" 2 connector show ""
contains "that says so" "$err" "the serial is empty"
expect_rc "-o json: the error on stderr, exit 1" 1 connector show NOPE1 -o json
check "and stdout empty" test -z "$out"

# The events API: a JSON list when asked for, the stream otherwise.
evjson() {
	status=$(curl -s -o "$T/ev.json" -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" \
		-H 'Accept: application/json' "$SERVER/v1/events?$1")
	body=$(cat "$T/ev.json")
}
evjson "device=CN0001&limit=3&tenant=acme"
check "GET /v1/events with Accept: application/json answers 200" test "$status" = 200
jq_is "at most the limit" '.items | length' 3
jq_is "of that device" '[.items[].device] | unique | join(",")' CN0001
jq_is "ascending ids" '[.items[].id] == ([.items[].id] | sort)' true
jq_is "with the id to follow on from" '.last_id >= (.items | last | .id)' true
first_three=$(jq -c '[.items[].id]' <<<"$body")
then=$(jq -r .last_id <<<"$body")
evjson "device=CN0001&limit=1000&tenant=acme"
jq_is "the three were the newest then" "[.items[] | select(.id <= $then) | .id][-3:] == $first_three" true
evjson "device=CN0001&type=confirm"
jq_is "a type filter" '[.items[].type] | unique | join(",")' confirm
evjson "limit=0"
check "limit 0 is refused with 422 or 400" bash -c "[ $status = 400 ] || [ $status = 422 ]"
jq_is "naming limit" .error.field limit
evjson "limit=5&cursor=x"
jq_is "a cursor is refused, naming it" .error.field cursor
streamed=$(curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?device=CN0001")
contains "without Accept: application/json it is still the stream" "$streamed" "retry: 2000"

api POST /v1/tenants '{"id":"other"}'
api POST /v1/tokens '{"name":"o","role":"viewer","tenant":"other"}'
OTHER=$(jq -r .token <<<"$body")
status=$(curl -s -o "$T/ev.json" -w '%{http_code}' -H "Authorization: Bearer $OTHER" \
	-H 'Accept: application/json' "$SERVER/v1/events?device=CN0001")
check "another tenant's token reads 200" test "$status" = 200
check "and sees none of acme's events" test "$(jq '.items | length' "$T/ev.json")" = 0

done_testing
