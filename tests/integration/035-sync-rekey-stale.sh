#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a device says about itself is not taken blindly. A register (or
# heartbeat) with a new public key from an approved connector or an edge is
# held, with an event, until an admin accepts it (`connector rekey
# --accept', which then dirties its peers) or rejects it; a connector never
# approved changes its key freely. Heartbeats and tunnel statuses whose ts
# is too old or too far ahead (replayed after a restart of serve) leave an
# offline device offline and a link as it was.
. "$(dirname "$0")/lib.sh"

start_broker || exit 1
SERVE_ARGS=(--mqtt "$BROKER_URL" --heartbeat 1s --tunnel-interval 1s)
start_serve "$T/data" "${SERVE_ARGS[@]}"
TOKEN=$(cat "$T/data/admin.token")
export NETCTL_SERVER=$SERVER NETCTL_TOKEN=$TOKEN NETCTL_TENANT=acme XDG_CONFIG_HOME=$T/config
q='?tenant=acme'
key() { wg genkey | wg pubkey; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
hb() { # SERIAL KEY [TS]
	pub "VSR/$1/heartbeat" "{\"v\":1,\"serial\":\"$1\",\"ts\":${3:-$(date +%s)},\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$2\",\"agent\":\"test\"}"
}
reg() { pub "VSR/$1/register" "{\"v\":1,\"serial\":\"$1\",\"kind\":\"$3\",\"public_key\":\"$2\",\"hostname\":\"h\",\"agent\":\"test\"}"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
has_event() { events "$1" | grep -q -- "$2"; }
dev() { api GET "/v1/$1/$2$q"; jq -r "$3" <<<"$body"; }
is() { test "$(dev "$1" "$2" "$3")" = "$4"; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820"}'
api POST "/v1/connectors$q" '{"serial":"CN-R","name":"r","hub_edge":"EDGE-1","lan_subnets":["192.168.7.0/24"]}'
api POST "/v1/connectors/CN-R/approve$q"
api POST "/v1/connectors$q" '{"serial":"CN-NEW","name":"n"}'
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"

# The first key of a device is recorded as it comes.
K1=$(key); K2=$(key); K3=$(key); KE1=$(key); KE2=$(key)
hb CN-R "$K1"; hb EDGE-1 "$KE1"
check "the first key of a connector is recorded" wait_until 5 is connectors CN-R .public_key "$K1"
check "and of an edge" wait_until 5 is edges EDGE-1 .public_key "$KE1"
api POST "/v1/sync$q" '{"all":true}'

# A new key from an approved connector: held, with an event; nothing else changes.
dirties() { events "type=dirty&device=$1" | grep -c "public key of $2 changed"; }
d0=$(dirties EDGE-1 CN-R)
reg CN-R "$K2" connector
check "a new key in a register is held" wait_until 5 is connectors CN-R .pending_key "$K2"
check "the key in use stays" is connectors CN-R .public_key "$K1"
check "a key_held event names both keys" wait_until 5 has_event "type=key_held&device=CN-R" \
	"\"public_key\":\"$K1\",\"pending_key\":\"$K2\""
check "the hub is not dirtied" test "$(dirties EDGE-1 CN-R)" = "$d0"
run_nc connector show CN-R
contains "connector show shows the pending key" "$out" "$K2"
check "the held key is counted" test \
	"$(curl -s -H "Authorization: Bearer $TOKEN" "$SERVER/v1/stats" | jq .device_messages.held_keys)" = 1

expect_rc "rekey needs --accept or --reject" 2 connector rekey CN-R
contains "and says so" "$err" "--accept and --reject"
expect_rc "an admin accepts it" 0 connector rekey CN-R --accept --yes
contains "the CLI says which key is in use now" "$out" "$K2"
check "the new key is in use" is connectors CN-R .public_key "$K2"
check "nothing is pending any more" is connectors CN-R .pending_key null
check "the hub, which carries the key, is dirtied" test "$(dirties EDGE-1 CN-R)" = $((d0 + 1))
check "a key_accepted event" wait_until 5 has_event "type=key_accepted&device=CN-R" \
	"\"public_key\":\"$K2\",\"previous_key\":\"$K1\""
expect_rc "with nothing pending, rekey fails" 1 connector rekey CN-R --accept --yes
contains "saying why" "$err" "no pending public key"

reg CN-R "$K3" connector
wait_until 5 is connectors CN-R .pending_key "$K3"
expect_rc "an admin rejects a key" 0 connector rekey CN-R --reject
check "the key in use stays" is connectors CN-R .public_key "$K2"
check "and the held one is gone" is connectors CN-R .pending_key null
hb CN-R "$K3"
check "a heartbeat with a new key is held too" wait_until 5 is connectors CN-R .pending_key "$K3"
api POST /v1/tokens '{"name":"op","role":"operator","tenant":"acme"}'
TOKEN_OP=$(jq -r .token <<<"$body")
expect_status "an operator may not rekey" 403 POST "/v1/connectors/CN-R/rekey" '{"accept":true}' "$TOKEN_OP"
expect_status "the REST call wants a boolean accept" 422 POST "/v1/connectors/CN-R/rekey$q" '{"accept":"yes"}'
expect_status "an edge is not a connector" 404 POST "/v1/connectors/EDGE-1/rekey$q" '{"accept":true}'

# Edges register too: the same rule.
reg EDGE-1 "$KE2" edge
check "a new key of an edge is held" wait_until 5 is edges EDGE-1 .pending_key "$KE2"
run_nc edge show EDGE-1
contains "edge show shows it" "$out" "$KE2"
expect_rc "edge rekey --accept applies it" 0 edge rekey EDGE-1 --accept --yes
check "the edge's new key is in use" is edges EDGE-1 .public_key "$KE2"
check "its connector, which carries the key, is dirtied" \
	test "$(dirties CN-R EDGE-1)" = 2

# A connector never approved changes its key freely.
reg CN-NEW "$K1" connector
wait_until 5 is connectors CN-NEW .public_key "$K1"
reg CN-NEW "$K2" connector
check "a connector pending approval updates its key" wait_until 5 is connectors CN-NEW .public_key "$K2"
check "without holding it" is connectors CN-NEW .pending_key null

# Stale heartbeats replayed after a restart leave an offline device offline.
api POST "/v1/connectors$q" '{"serial":"P0001","name":"p1","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors$q" '{"serial":"P0002","name":"p2","lan_subnets":["192.168.2.0/24"]}'
for s in P0001 P0002; do api POST "/v1/connectors/$s/approve$q"; done
api POST "/v1/peerings$q" '{"name":"m","topology":"mesh"}'
for s in P0001 P0002; do api POST "/v1/peerings/m/members$q" "{\"serial\":\"$s\"}"; done
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 2 --serial-prefix P --heartbeat 1s \
	--tunnel-interval 1s
FLEET_PID=$pid
wait_until 20 grep -q 'connections up' "$T/fleet.log"
api POST "/v1/sync$q" '{"devices":["P0001","P0002"]}'
check "the fleet's device becomes active" wait_until 15 is connectors P0001 .status active
stop "$FLEET_PID"
check "without heartbeats it goes offline" wait_until 10 is connectors P0001 .status offline
stop "$SERVE_PID"
start_serve "$T/data" "${SERVE_ARGS[@]}"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
seen=$(dev connectors P0001 .last_seen)
KP=$(dev connectors P0001 .public_key)
hb P0001 "$KP" $(($(date +%s) - 3600))
check "an hour-old heartbeat is reported stale" wait_until 5 has_event \
	"type=stale_report&device=P0001" '"message":"heartbeat"'
hb P0001 "$KP" $(($(date +%s) + 3600))
check "the device is still offline" is connectors P0001 .status offline
check "its last seen did not move" is connectors P0001 .last_seen "$seen"
check "stale reports are counted" wait_until 5 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	'$SERVER/metrics' | grep -qx 'netctl_device_messages_refused_total{reason=\"stale_report\"} 2'"
ts() { # TS: a tunnel status of P0001 saying its tunnel to P0002 is up
	pub VSR/P0001/tunnel-status "{\"v\":1,\"serial\":\"P0001\",\"ts\":$1,\"tunnels\":[{\"interface\":\"wg2\",\"peer\":\"P0002\",\"peering\":\"m\",\"tunnel_index\":0,\"protocol\":\"wireguard\",\"up\":false}]}"
}
link() { api GET "/v1/peerings/m$q"; jq -r '.links[0].status' <<<"$body"; }
before=$(link)
ts $(($(date +%s) - 3600))
# Counted, not evented: stale_report events come at most once a second, and
# the heartbeats' came just before.
check "an old tunnel status is counted stale" wait_until 5 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' \
	'$SERVER/metrics' | grep -qx 'netctl_device_messages_refused_total{reason=\"stale_report\"} 3'"
check "and leaves the link as it was" test "$(link)" = "$before"
hb P0001 "$KP"
check "a current heartbeat still makes it active" wait_until 5 is connectors P0001 .status active
ts "$(date +%s)"
check "and a current tunnel status sets the link" wait_until 5 bash -c "[ \"\$(curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/peerings/m$q' | jq -r '.links[0].status')\" = down ]"

done_testing
