#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A device whose confirmation is lost but whose heartbeat reports the batch
# in flight (its seq and hash) is synced at once, not at the apply timeout:
# forged heartbeats show that an old seq or another hash change nothing and
# the expected pair ends applying as synced (provisioning the connector); a
# simulated device that drops every confirmation is synced by its heartbeats.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 10m
q='?tenant=acme'
KEY=$(head -c 32 /dev/zero | base64)
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
hb() { # SERIAL SEQ HASH
	pub "VSR/$1/heartbeat" "{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"seq\":$2,\"config_hash\":\"$3\",\"uptime_s\":5,\"public_key\":\"$KEY\",\"agent\":\"forged\"}"
}
field() { api GET "/v1/devices/$1/sync$q"; jq -r "$2" <<<"$body"; }
state_is() { test "$(field "$1" .state)" = "$2"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
count() { events "$1" | grep -c '^data:'; }
status_of() { api GET "/v1/connectors/$1$q"; jq -r .status <<<"$body"; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/connectors$q" '{"serial":"X0001","name":"x1","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors/X0001/approve$q"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
expect_status "sync now a device that will not confirm" 202 POST "/v1/devices/X0001/sync$q"
seq=$(field X0001 .seq)
hash=$(field X0001 .config_hash)
check "it is applying" state_is X0001 applying

# Heartbeats that do not prove the batch: the seq before it, and the seq with another hash.
hb X0001 $((seq - 1)) "$hash"
hb X0001 "$seq" "$(printf '%064d' 0)"
hb X0001 0 ""
check "three heartbeats were taken" wait_until 5 bash -c "test \$(curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=heartbeat&device=X0001' | grep -c '^data:') = 3"
check "an old seq or another hash leaves it applying" state_is X0001 applying
check "and the connector approved" test "$(status_of X0001)" = approved

hb X0001 "$seq" "$hash"
check "the heartbeat of the batch in flight makes it synced" wait_until 5 state_is X0001 synced
check "with a sync_state event saying so" \
	bash -c "curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=sync_state&device=X0001' | grep -q '\"reason\":\"heartbeat\"'"
api GET "/v1/devices/X0001/sync$q"
jq_is "the batch counts as confirmed" .confirmed_seq "$seq"
jq_is "with its hash" .confirmed_hash "$hash"
jq_is "and the dirty reason is cleared" .dirty_reason null
check "the connector is provisioned, as a confirmation would" test "$(status_of X0001)" = provisioned
check "no confirmation was ever received" test "$(count 'type=confirm&device=X0001')" = 0

# A simulated device that drops every confirmation: its heartbeats sync it.
api POST "/v1/connectors$q" '{"serial":"D0001","name":"d1","lan_subnets":["192.168.2.0/24"]}'
api POST "/v1/connectors/D0001/approve$q"
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix D \
	--drop-confirm-rate 1 --heartbeat 1s
check "the device connects" wait_until 20 grep -q 'connected to the broker' "$T/fleet.log"
check "it gets a batch" wait_until 10 bash -c "curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=batch_sent&device=D0001' | grep -q data:"
check "and is synced by its heartbeats, long before the apply timeout" \
	wait_until 15 state_is D0001 synced
check "without a confirmation" test "$(count 'type=confirm&device=D0001')" = 0
expect_status "a second sync now" 202 POST "/v1/devices/D0001/sync$q"
jq_is "sends the next seq" '.items[0].seq' 2
check "which its heartbeats settle too" wait_until 15 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/D0001/sync$q' | jq -e '.state == \"synced\" and .confirmed_seq == 2'"

done_testing
