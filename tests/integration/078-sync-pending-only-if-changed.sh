#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A device reads pending only when a sync would change its batch: a change
# that leaves its batch as last confirmed (an edge's endpoint address, which
# only its peers dial) keeps it synced, while the hubbed connector whose
# batch does change is pending; a change undone before any sync returns the
# device to synced with no batch sent.
. "$(dirname "$0")/lib.sh"

start_core
q='?tenant=acme'
field() { api GET "/v1/devices/$1/sync$q"; jq -r "$2" <<<"$body"; }
state_is() { test "$(field "$1" .state)" = "$2"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
count() { events "$1" | grep -c "$2"; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"E0001","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
api POST "/v1/connectors$q" '{"serial":"C0001","name":"c1","hub_edge":"E0001","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors/C0001/approve$q"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
spawn fleete "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix E --heartbeat 1s
spawn fleetc "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix C --heartbeat 1s
wait_until 20 grep -q 'connected to the broker' "$T/fleete.log"
wait_until 20 grep -q 'connected to the broker' "$T/fleetc.log"
expect_rc "sync now of the tenant" 0 sync now --all --tenant acme --wait --timeout 20s --yes
check "the edge is synced" state_is E0001 synced
check "the connector is synced" state_is C0001 synced
eseq=$(field E0001 .seq)
cseq=$(field C0001 .seq)

# The edge's endpoint address: its peers dial it, its own batch stays as it is.
api PATCH "/v1/edges/E0001$q" '{"endpoint":"192.0.2.9:51820"}'
check "the change marks the edge dirty" \
	wait_until 5 bash -c "curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=dirty&device=E0001' | grep -q 'endpoint of E0001 changed'"
check "but its batch would not change: it is synced again" \
	wait_until 5 bash -c "curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=sync_state&device=E0001' | grep -q '\"reason\":\"unchanged\"'"
api GET "/v1/devices/E0001/sync$q"
jq_is "the edge reads synced" .state synced
jq_is "with no dirty reason" .dirty_reason null
jq_is "and no batch was sent" .seq "$eseq"
api GET "/v1/devices/E0001/diff$q"
jq_is "the diff of the edge agrees: no topic would change" '.changed | length' 0
api GET "/v1/devices/C0001/diff$q"
jq_is "the connector's would" '.changed | join(",")' wireguard
api GET "/v1/devices/C0001/sync$q"
jq_is "the connector, whose wg0 peer moved, is pending" .state pending
run_nc sync status --tenant acme --state pending -o json
jq_out "sync status lists the connector alone as pending" '[.items[].serial] | join(",")' C0001

# A change undone before any sync: back to synced, nothing sent.
expect_rc "sync the connector" 0 sync now C0001 --tenant acme --wait --timeout 20s
cseq=$(field C0001 .seq)
api PATCH "/v1/connectors/C0001$q" '{"routes":[{"dst":"10.99.0.0/16","via":"192.168.1.1"}]}'
check "a new static route makes it pending" state_is C0001 pending
api GET "/v1/devices/C0001/diff$q"
jq_is "the diff shows what would change" '.changed | join(",")' static
api PATCH "/v1/connectors/C0001$q" '{"routes":[]}'
check "removing it again makes it synced" wait_until 5 state_is C0001 synced
check "with one unchanged event, for the undo alone" \
	test "$(count 'type=sync_state&device=C0001' '"reason":"unchanged"')" = 1
check "and no batch sent" test "$(field C0001 .seq)" = "$cseq"

done_testing
