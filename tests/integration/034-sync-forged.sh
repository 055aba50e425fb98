#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Forged sync messages, sent with mosquitto_pub as an attacker would, against
# a real serve and a simulated fleet: a confirmation of a seq the core never
# sent (2^53-1) changes nothing and Sync Now of the whole tenant still works
# at once; a config request far ahead is not believed, one a restore explains
# is; a wrong-hash confirmation fails the device and reconcile heals it with
# no operator; a stored seq out of range (left by an older core) is repaired
# at start.
. "$(dirname "$0")/lib.sh"

start_broker || exit 1
SERVE_ARGS=(--mqtt "$BROKER_URL" --reconcile 300ms --stale-delay 1s --apply-timeout 3s)
start_serve "$T/data" "${SERVE_ARGS[@]}"
TOKEN=$(cat "$T/data/admin.token")
q='?tenant=acme'
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
conf() { # SERIAL SEQ HASH
	pub "VSR/$1/confirm" "{\"v\":1,\"serial\":\"$1\",\"seq\":$2,\"config_hash\":\"$3\",\"status\":\"success\",\"applied\":4,\"failed\":0,\"failures\":[],\"vpp_mode\":\"none\",\"agent\":\"forged\"}"
}
sync_of() { api GET "/v1/devices/$1/sync$q"; }
field() { sync_of "$1"; jq -r "$2" <<<"$body"; }
state_is() { test "$(field "$1" .state)" = "$2"; }
all_synced() {
	api GET "/v1/sync$q"
	test "$(jq '[.items[] | select(.state == "synced")] | length' <<<"$body")" = 3
}
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
has_event() { events "$1" | grep -q -- "$2"; }
metric() { curl -s "$SERVER/metrics" -H "Authorization: Bearer $TOKEN" | awk -v k="$1" '$1 == k { print $2 }'; }

api POST /v1/tenants '{"id":"acme"}'
for i in 1 2 3; do
	api POST "/v1/connectors$q" "{\"serial\":\"P000$i\",\"name\":\"b$i\",\"lan_subnets\":[\"192.168.$i.0/24\"]}"
	api POST "/v1/connectors/P000$i/approve$q"
done
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 3 --serial-prefix P --heartbeat 1s \
	--tunnel-interval 1s
check "the fleet connects" wait_until 20 grep -q 'connections up' "$T/fleet.log"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
expect_status "sync now of the tenant" 202 POST "/v1/sync$q" '{"all":true}'
check "every device is synced" wait_until 20 all_synced

# A confirmation of a seq the core never sent: rejected, nothing changes.
seq=$(field P0001 .seq)
hash=$(field P0001 .config_hash)
conf P0001 9007199254740991 "$hash"
check "a forged future seq is a proto_error" \
	wait_until 5 has_event "type=proto_error&device=P0001" '"reason":"unsent_seq"'
contains "the event says why" "$(events 'type=proto_error&device=P0001')" \
	"seq 9007199254740991 was never sent (last sent $seq): rejected"
sync_of P0001
jq_is "the device keeps its seq" .seq "$seq"
jq_is "and stays synced" .state synced
check "the rejection is counted in /metrics" \
	test "$(metric 'netctl_device_messages_refused_total{reason="rejected_seq"}')" = 1
api GET "/v1/stats$q"
jq_is "and in /v1/stats" .device_messages.rejected_seq 1

expect_status "sync now of the whole tenant still succeeds" 202 POST "/v1/sync$q" '{"all":true}'
jq_is "every device got a batch" '[.items[] | select(.error == null and .seq > 0)] | length' 3
jq_is "P0001 the next seq" ".items[] | select(.serial == \"P0001\") | .seq" $((seq + 1))
check "and every device is synced again" wait_until 20 all_synced

# A config request: far ahead is not believed; what a restore explains is.
seq=$(field P0001 .seq)
pub VSR/P0001/config-request '{"v":1,"serial":"P0001","seq":9007199254740990,"config_hash":"","reason":"startup"}'
check "a config request far ahead is a proto_error" \
	wait_until 5 has_event "type=proto_error&device=P0001" '"reason":"seq_out_of_bound"'
check "the core re-sends its own seq" wait_until 5 has_event "type=batch_sent&device=P0001" \
	"\"seq\":$seq,.*\"reason\":\"config request\""
check "which the device confirms" wait_until 10 state_is P0001 synced
check "the seq was not learnt" test "$(field P0001 .seq)" = "$seq"
pub VSR/P0001/config-request "{\"v\":1,\"serial\":\"P0001\",\"seq\":$((seq + 10)),\"config_hash\":\"\",\"reason\":\"startup\"}"
check "a device 10 ahead (a restored core) gets the seq after its own" \
	wait_until 5 has_event "type=batch_sent&device=P0001" "\"seq\":$((seq + 11)),"
check "and ends synced with it" wait_until 10 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/P0001/sync$q' | jq -e '.state == \"synced\" and .seq == $((seq + 11))'"

# A wrong hash: failed, then reconcile re-sends and the device heals alone.
seq=$(field P0002 .seq)
conf P0002 "$seq" "$(printf '%064d' 0)"
check "a wrong-hash confirmation fails the device" \
	wait_until 5 has_event "type=sync_state&device=P0002" '"reason":"hash_mismatch"'
check "reconcile re-sends its batch" \
	wait_until 10 has_event "type=batch_sent&device=P0002" '"reason":"reconcile"'
check "and it heals without an operator" wait_until 15 state_is P0002 synced
check "with the same seq" test "$(field P0002 .seq)" = "$seq"

# A stored seq out of range (an older core adopted a forged one): repaired at start.
seq=$(field P0003 .seq)
stop "$SERVE_PID"
sqlite3 "$T/data/netctl.db" "UPDATE sync SET seq = 9007199254740991 WHERE serial = 'P0003'"
check "the stored seq is broken" \
	test "$(sqlite3 "$T/data/netctl.db" "SELECT seq FROM sync WHERE serial = 'P0003'")" = 9007199254740991
start_serve "$T/data" "${SERVE_ARGS[@]}"
contains "serve logs the repair" "$(cat "$SERVE_LOG")" \
	"P0003 tenant acme: stored seq 9007199254740991 was out of range, repaired to $seq"
check "the seq is that of the last batch sent" test "$(field P0003 .seq)" = "$seq"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
expect_status "sync now of the tenant after the repair" 202 POST "/v1/sync$q" '{"all":true}'
jq_is "P0003 gets the next seq" '.items[] | select(.serial == "P0003") | .seq' $((seq + 1))
check "and every device is synced" wait_until 20 all_synced

done_testing
