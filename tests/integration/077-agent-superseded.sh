#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An agent that receives two batches while it applies a third applies only
# the newest of them and lists the one it skipped in its confirmation
# ("superseded"); the core shows it as a superseded event and the device ends
# synced with the newest seq. A confirmation without the member (an older
# agent) still counts, and a malformed member is refused naming it.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 1m
q='?tenant=acme'
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
field() { api GET "/v1/devices/$1/sync$q"; jq -r "$2" <<<"$body"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/connectors$q" '{"serial":"S0001","name":"s1","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors/S0001/approve$q"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
expect_rc "--apply-delay takes a duration" 2 agent --mqtt "$BROKER_URL" --fleet 1 \
	--serial-prefix S --apply-delay soon
contains "and says what is wrong" "$err" "--apply-delay"
expect_rc "--apply-delay is bounded" 2 agent --mqtt "$BROKER_URL" --fleet 1 \
	--serial-prefix S --apply-delay 2h

spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix S --apply-delay 8s
check "the device connects" wait_until 20 grep -q 'connected to the broker' "$T/fleet.log"
check "it asks for its configuration and gets batch 1" wait_until 10 bash -c \
	"curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=batch_sent&device=S0001' | grep -q '\"seq\":1,'"
# While batch 1 takes 8 s to apply (room for a slow machine), two more arrive.
expect_rc "sync now while it applies" 0 sync now S0001 --tenant acme
expect_rc "and again" 0 sync now S0001 --tenant acme
check "the device ends synced" wait_until 40 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/S0001/sync$q' | jq -e '.state == \"synced\" and .confirmed_seq == 3'"
check "the core reports the skipped batch" wait_until 5 bash -c \
	"curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=superseded&device=S0001' | grep -q '\"superseded\":\[2\]'"
api GET "/v1/devices/S0001/sync$q"
jq_is "the confirmation of batch 3 lists batch 2" '.last_confirm.superseded' '[
  2
]'
check "batch 2 was never confirmed" \
	bash -c "! curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=confirm&device=S0001' | grep -q '\"seq\":2,'"
contains "the agent logs the skip" "$(cat "$T/fleet.log")" \
	"S0001: skipped batch 2: superseded by batch 3"
spawn tail "$NETCTL" tail --tenant acme --type superseded --after 0
check "tail shows it" wait_until 10 grep -q "seq 3 applied, skipped 2" "$T/tail.out"
stop "$pid"

# Confirmations of forged devices: without the member, and with a bad one.
api POST "/v1/connectors$q" '{"serial":"O0001","name":"o1","lan_subnets":["192.168.2.0/24"]}'
api POST "/v1/connectors/O0001/approve$q"
expect_status "sync now a device played by hand" 202 POST "/v1/devices/O0001/sync$q"
hash=$(field O0001 .config_hash)
conf() { pub VSR/O0001/confirm "{\"v\":1,\"serial\":\"O0001\",\"seq\":1,\"config_hash\":\"$hash\",\"status\":\"success\",\"applied\":2,\"failed\":0,\"failures\":[],\"vpp_mode\":\"none\",\"agent\":\"old\"$1}"; }
conf ',"superseded":[1]'
check "a superseded seq that is not older is refused" wait_until 5 bash -c \
	"curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=proto_error&device=O0001' | grep -q 'superseded'"
check "and changes nothing" test "$(field O0001 .state)" = applying
conf ''
check "a confirmation without the member counts as before" wait_until 5 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/O0001/sync$q' | jq -e '.state == \"synced\"'"
check "with no superseded event" \
	bash -c "! curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=superseded&device=O0001' | grep -q data:"

done_testing
