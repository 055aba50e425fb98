#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the broker keeps for the core while it is stopped: its persistent
# session queues QoS 1 messages (a config request sent meanwhile is answered
# after the restart), but no QoS 0 heartbeat or tunnel status, which would
# make a device look alive an hour later. The core subscribes to those at
# QoS 0, which RabbitMQ honours by not queueing them; mosquitto never queues
# QoS 0 for an offline client. Live heartbeats still arrive. Run with
# BROKER=rabbitmq too.
. "$(dirname "$0")/lib.sh"

start_broker || exit 1
ARGS=(--mqtt "$BROKER_URL" --heartbeat 1s --tunnel-interval 1s)
start_serve "$T/data" "${ARGS[@]}"
TOKEN=$(cat "$T/data/admin.token")
q='?tenant=acme'
connected() { curl -fsS "$SERVER/healthz" | jq -e '.broker.connected' >/dev/null; }
check "serve connects to the broker ($BROKER)" wait_until 20 connected
api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-Q1","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820"}'
api POST "/v1/connectors$q" '{"serial":"CN-Q1","name":"b1","hub_edge":"EDGE-Q1"}'
api POST "/v1/connectors/CN-Q1/approve$q"

pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q "$1" -t "$2" -m "$3"; }
hb() {
	pub 0 "VSR/$1/heartbeat" "{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$2\",\"agent\":\"test\"}"
}
ts() {
	pub 0 "VSR/$1/tunnel-status" "{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"tunnels\":[{\"interface\":\"wg0\",\"peer\":\"EDGE-Q1\",\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":true,\"latest_handshake\":$(date +%s),\"rx_bytes\":1,\"tx_bytes\":1}]}"
}
field() { api GET "/v1/connectors/CN-Q1$q"; jq -r "$1" <<<"$body"; }
spawn batches mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'VSR/CN-Q1/batch'
probe() { pub 1 VSR/CN-Q1/batch probe; grep -q '^VSR/CN-Q1/batch probe' "$T/batches.out"; }
wait_until 10 probe

# The core stops; the device keeps talking.
stop "$SERVE_PID"
K=$(wg genkey | wg pubkey)
for _ in 1 2 3; do
	hb CN-Q1 "$K"
	ts CN-Q1
done
pub 1 VSR/CN-Q1/config-request '{"v":1,"serial":"CN-Q1","seq":0,"config_hash":"","reason":"startup"}'

start_serve "$T/data" "${ARGS[@]}"
check "serve reconnects with its session" wait_until 20 connected
batch() { grep -q '^VSR/CN-Q1/batch {' "$T/batches.out"; }
check "a QoS 1 config request sent while it was down is answered" wait_until 20 batch
# The queued config request was delivered after anything queued before it,
# so a queued heartbeat would have been handled by now.
check "no heartbeat from while it was down reached it" test "$(field .last_seen)" = null
check "so it did not take that heartbeat's key" test "$(field .public_key)" = null
events() { curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=tunnel_status"; }
check "nor a tunnel status from then" bash -c "! curl -s -m 2 -H 'Authorization: Bearer $TOKEN' \
	'$SERVER/v1/events?after=0&type=tunnel_status&device=CN-Q1' | grep -q CN-Q1"

# Live QoS 0 messages still arrive on the QoS 0 subscription.
seen() {
	hb CN-Q1 "$K"
	test "$(field .public_key)" = "$K"
}
check "a live heartbeat is taken" wait_until 10 seen
check "and sets last seen" test "$(field .last_seen)" != null
live_ts() {
	ts CN-Q1
	events | grep -q CN-Q1
}
check "a live tunnel status is taken" wait_until 10 live_ts

done_testing
