#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Device messages under load, against a real mosquitto with mosquitto_pub
# playing the device: a burst is applied in groups (many messages to one
# store transaction), config requests for a batch already in flight are
# answered by that batch and not by copies of it, a heartbeat waiting in
# the queue is replaced by the device's newer one (as are tunnel statuses,
# config requests and registrations), and a full queue drops
# messages with a count and one log line, not a line each, while the
# operator's requests are still served.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 30s
q='?tenant=acme'
K_E1=$(wg genkey | wg pubkey)
K_C1=$(wg genkey | wg pubkey)
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
metric() { curl -fsS "$SERVER/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
hb_line() { printf '{"v":1,"serial":"%s","ts":%s,"seq":0,"config_hash":"","uptime_s":5,"public_key":"%s","agent":"test"}\n' "$1" "$(date +%s)" "$2"; }

spawn batches mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'VSR/+/batch'
probe() { pub VSR/PROBE/batch probe; grep -q '^VSR/PROBE/batch probe' "$T/batches.out"; }
wait_until 5 probe

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
api POST "/v1/connectors$q" '{"serial":"CN-1","name":"b1","hub_edge":"EDGE-1","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors/CN-1/approve$q"
pub VSR/EDGE-1/heartbeat "$(hb_line EDGE-1 "$K_E1")"
pub VSR/CN-1/heartbeat "$(hb_line CN-1 "$K_C1")"
has_key() { api GET "/v1/connectors/CN-1$q"; test "$(jq -r .public_key <<<"$body")" = "$K_C1"; }
check "the connector's key is recorded" wait_until 5 has_key

# Five config requests at once, as from a device that asks again before its
# batch arrives: one batch, not five.
batches() { grep -c '^VSR/CN-1/batch {' "$T/batches.out"; }
b0=$(batches)
c0=$(metric netctl_sync_requests_coalesced_total)
req='{"v":1,"serial":"CN-1","seq":0,"config_hash":"","reason":"startup"}'
for i in 1 2 3 4 5; do pub VSR/CN-1/config-request "$req"; done
s0=$(metric netctl_sync_superseded_total)
answered() {
	[ $(($(batches) - b0 + $(metric netctl_sync_requests_coalesced_total) - c0 +
		$(metric netctl_sync_superseded_total) - s0)) -ge 5 ]
}
check "each of the five requests is answered, coalesced or superseded" wait_until 10 answered
check "the device has its batch" test "$(batches)" -ge 1
n=$(($(batches) - b0))
check "five requests in a burst cost at most one batch (got $n)" test "$n" -le 1
api GET "/v1/devices/CN-1/sync$q"
jq_is "the batch is in flight" .state applying
seq=$(jq -r .seq <<<"$body")
# A device that lost it asks again later and gets it then.
b1=$(batches)
again() { pub VSR/CN-1/config-request "$req"; [ "$(batches)" -gt "$b1" ]; }
check "a request once the batch is 5 s old gets it again" wait_gently 15 again
last=$(grep '^VSR/CN-1/batch {' "$T/batches.out" | tail -1 | cut -d' ' -f2-)
check "with the same seq" test "$(jq -r .seq <<<"$last")" = "$seq"

# A burst of 3,000 confirmations is applied in groups: fewer store
# transactions than half the messages. Confirmations are applied one by one
# (never replaced by a newer one); these name a seq never sent, so each is
# refused and changes nothing. The burst waits at the broker while serve is
# stopped, so it arrives faster than one commit a message whatever the disk
# (a group holds what came while the previous commit ran).
g0=$(metric netctl_sync_groups_total)
m0=$(metric netctl_sync_grouped_total)
cfm='{"v":1,"serial":"CN-1","tenant":"acme","seq":999999,"config_hash":"'$(printf '%064d' 0)'","status":"success","applied":0,"failed":0,"failures":[],"vpp_mode":"none","agent":"test"}'
for i in $(seq 3000); do echo "$cfm"; done >"$T/burst"
burst() { # TOPIC FILE
	kill -STOP "$SERVE_PID"
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -l <"$2"
	kill -CONT "$SERVE_PID"
}
burst VSR/CN-1/confirm "$T/burst"
applied() { [ $(($(metric netctl_sync_grouped_total) - m0)) -ge 3000 ]; }
check "the burst is applied" wait_until 30 applied
g=$(($(metric netctl_sync_groups_total) - g0))
m=$(($(metric netctl_sync_grouped_total) - m0))
check "in groups: $m messages in $g transactions" test $((2 * g)) -le "$m"
check "no message was dropped" test "$(metric netctl_sync_dropped_total)" = 0
check "the queue is drained" test "$(metric netctl_sync_queue_depth)" = 0

# 3,000 heartbeats of one device waiting at once: each newer one takes the
# place of the one still queued, so few are applied, none is dropped, and
# the newest is always applied (uptime_s counts them here). Tunnel statuses,
# config requests and registrations are replaced the same way.
# burst_taken WHAT TOPIC FILE: the burst of FILE's lines on TOPIC, each
# applied or superseded within 30 s; sets $s, how many were superseded.
burst_taken() {
	local s0 m0 n
	s0=$(metric netctl_sync_superseded_total)
	m0=$(metric netctl_sync_grouped_total)
	n=$(grep -c . "$3")
	burst "$2" "$3"
	taken() {
		[ $(($(metric netctl_sync_grouped_total) - m0 + $(metric netctl_sync_superseded_total) - s0)) -ge "$n" ]
	}
	check "every $1 is applied or superseded" wait_until 30 taken
	s=$(($(metric netctl_sync_superseded_total) - s0))
}
spawn hbtail "$NETCTL" tail --type heartbeat --device CN-1 -o json
wait_until 10 grep -q '^following the events of' "$T/hbtail.log"
hb_line CN-1 "$K_C1" | awk '{ for (i = 1; i <= 3000; i++) { l = $0
	sub(/"uptime_s":5,/, "\"uptime_s\":" i ",", l); print l } }' >"$T/hbs"
burst_taken heartbeat VSR/CN-1/heartbeat "$T/hbs"
check "many were superseded in the queue ($s of 3000)" test "$s" -ge 1000
check "none was dropped" test "$(metric netctl_sync_dropped_total)" = 0
newest() { tail -n 1 "$T/hbtail.out" | jq -e '.uptime_s == 3000' >/dev/null; }
check "the newest heartbeat is the last applied" wait_until 10 newest
n=$(grep -c . "$T/hbtail.out")
check "one heartbeat event for each applied ($n + $s superseded = 3000)" test $((n + s)) = 3000

# Registrations too: 1,000 of one device at once take few places.
reg='{"v":1,"serial":"CN-1","kind":"connector","public_key":"'$K_C1'","hostname":"b1","agent":"test"}'
for i in $(seq 1000); do echo "$reg"; done >"$T/regs"
burst_taken registration VSR/CN-1/register "$T/regs"
check "many registrations were superseded ($s of 1000)" test "$s" -ge 300
check "the default bound is 200000 for a small fleet" test "$(metric netctl_sync_queue_max)" = 200000

# A queue of 20: a burst overflows it. Drops are counted, logged in one
# line, and the core goes on answering.
stop "$SERVE_PID"
start_serve "$T/data" --mqtt "$BROKER_URL" --apply-timeout 30s --queue-max 20
check "the limit is shown" test "$(metric netctl_sync_queue_max)" = 20
burst VSR/CN-1/confirm "$T/burst"
dropped() { [ "$(metric netctl_sync_dropped_total)" -gt 0 ]; }
check "a burst past --queue-max is dropped and counted" wait_until 30 dropped
# Drained: every message of the burst applied or dropped, none waiting.
drained() {
	[ $(($(metric netctl_sync_grouped_total) + $(metric netctl_sync_dropped_total))) -ge 3000 ] &&
		[ "$(metric netctl_sync_queue_depth)" = 0 ]
}
check "the queue drains" wait_until 30 drained
d=$(metric netctl_sync_dropped_total)
lines=$(grep -c 'device messages waiting: dropped' "$SERVE_LOG")
check "$d drops logged in $lines lines, at most one per 10 s" test "$lines" -ge 1 -a "$lines" -le 4
api GET "/v1/stats$q"
jq_is "stats count the drops" .device_messages.dropped "$d"
expect_status "Sync Now is served after the flood" 202 POST "/v1/devices/CN-1/sync$q"
jq_is "with a new seq" '.items[0].seq > '"$seq" true
check "and the device gets it" wait_until 10 grep -q "\"seq\":$((seq + 1))" "$T/batches.out"

done_testing
