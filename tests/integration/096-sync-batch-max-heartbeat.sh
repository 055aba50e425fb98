#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A device's batch_max as its heartbeats say it (netctl-protocol(7),
# "Optional extensions"), played with mosquitto_pub: a malformed one (a
# string, below 1024) refuses the whole heartbeat with a proto_error event
# naming the member, and changes nothing; a valid one sets the limit Sync Now
# goes by; a heartbeat without it is back to 1 MiB. Small enough for
# sanitizer builds. Real serve, mosquitto and SQLite.
. "$(dirname "$0")/lib.sh"

start_core
new_tenant acme
lans=()
for i in $(seq 1 40); do lans+=(--lan "10.30.$i.0/24"); done
expect_rc "an edge with 40 LAN subnets (a batch over 1 KiB)" 0 edge create --serial E1 --name e1 \
	--kind dedicated --endpoint 192.0.2.5:51820 "${lans[@]}"
# A proto_error has no tenant: followed as a global admin.
NETCTL_TENANT= spawn events "$NETCTL" tail --type proto_error,heartbeat --device E1 --after 0 -o json
beat() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -t VSR/E1/heartbeat -m \
		"{\"v\":1,\"serial\":\"E1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":1,\"public_key\":\"\",\"agent\":\"test\"$1}"
}
seen() { grep -c "$1" "$T/events.out"; }

# One after the other: a heartbeat still queued when the next arrives is
# replaced by it (netctl_sync_superseded_total), malformed or not. Sent
# (QoS 0) until refused, as a device repeats its heartbeats.
refused() { [ "$(seen '"type":"proto_error"')" -ge "$1" ]; }
refused_after() { beat "$1" && NC_POLL=0.1 wait_until 1 refused "$2"; }
check "a string batch_max is refused" wait_gently 10 refused_after ',"batch_max":"16777216"' 1
n=$(seen '"type":"proto_error"')
check "and one below 1024" wait_gently 10 refused_after ',"batch_max":512' $((n + 1))
matches "naming batch_max as a wrong type" "$(grep proto_error "$T/events.out" | head -n1)" \
	'batch_max must be an integer'
matches "naming its minimum" "$(grep proto_error "$T/events.out" | tail -n1)" \
	'batch_max must be between 1024 and'
check "and neither counted as a heartbeat" test "$(seen '"type":"heartbeat"')" = 0
run_nc edge show E1 -o json
jq_out "nor set its last seen" .last_seen null

beat ',"batch_max":1024'
heard() { [ "$(seen '"type":"heartbeat"')" -ge "$1" ]; }
check "a heartbeat with batch_max 1024 is taken" wait_until 10 heard 1
expect_rc "sync now E1 reports it (exit 1)" 1 sync now E1 -o json
jq_out "skipped" '.items[0].state' skipped
matches "over the 1024 bytes it advertises" "$(jq -r '.items[0].error' <<<"$out")" \
	'^the batch of E1 would be [0-9]+ bytes, over its limit of 1024 bytes \(the batch_max the device advertises\)$'

beat ''
check "a heartbeat without batch_max is taken" wait_until 10 heard 2
expect_rc "sync now E1" 0 sync now E1 -o json
jq_out "sends it: back to 1 MiB" '.items[0].state' applying

done_testing
