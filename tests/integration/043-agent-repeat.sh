#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A copy of the batch an agent applied, delivered again (the answer to a config
# request that crossed the batch, an apply-timeout re-send), is confirmed
# again without running a command; after a restart the same batch is applied
# in full, since the device's state may be gone; a batch with the same seq
# but another hash is applied.
. "$(dirname "$0")/lib.sh"

start_core --heartbeat 1s
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
api POST "/v1/connectors$q" '{"serial":"CN-1","name":"b1","hub_edge":"EDGE-1","lan_subnets":["192.168.10.0/24"]}'
expect_status "the connector is approved" 200 POST "/v1/connectors/CN-1/approve$q"

agent() {
	spawn "agent$1" "$NETCTL" agent --mqtt "$BROKER_URL" --serial CN-1 --state-dir "$T/cn1" \
		--apply dry-run --heartbeat 1s --tunnel-interval 1s
	AGENT_PID=$pid
	AGENT_OUT=$T/agent$1.out
	AGENT_LOG=$T/agent$1.log
}
state_is() {
	api GET "/v1/devices/CN-1/sync$q"
	test "$(jq -r .state <<<"$body")" = "$1" && test "$(jq -r .seq <<<"$body")" -ge "$2"
}
wg_lines() { grep -cE '^wg (setconf|syncconf) wg0 ' "$AGENT_OUT"; }
# wg_lines_at_least N: the agent has configured wg0 N times or more.
wg_lines_at_least() { test "$(wg_lines)" -ge "$1"; }
pub_batch() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/CN-1/batch -m "$1"; }
confirmed_again() { grep -q "batch $seq: applied already, confirmed again" "$AGENT_LOG"; }

agent 1
check "the agent starts" wait_until 10 grep -q 'connected' "$AGENT_LOG"
expect_status "sync now" 202 POST "/v1/devices/CN-1/sync$q"
seq=$(jq -r '.items[0].seq' <<<"$body")
check "sync now -> synced" wait_until 10 state_is synced "$seq"
n=$(wg_lines)
check "the batch ran its commands" test "$n" -ge 1

# The batch exactly as sent, delivered again.
api GET "/v1/devices/CN-1/batch$q"
batch=$body
jq_is "the stored batch is the one sent" .seq "$seq"
pub_batch "$batch"
check "the copy is confirmed again" wait_until 10 confirmed_again
check "without running a command" test "$(wg_lines)" -eq "$n"
check "and the device stays synced" state_is synced "$seq"

# The same seq with other commands (declaring the old hash) is applied.
other=$(jq -c '.commands |= .[:-1]' <<<"$batch")
pub_batch "$other"
check "a same-seq batch with other commands runs" wait_until 10 wg_lines_at_least $((n + 1))
check "and is not taken for a copy" test "$(grep -c 'confirmed again' "$AGENT_LOG")" -eq 1

# After a restart nothing is taken for granted: the same batch runs in full.
stop "$AGENT_PID"
agent 2
check "after a restart the batch it asks for runs again" wait_until 15 wg_lines_at_least 1
check "and the device is synced" wait_until 10 state_is synced "$seq"

done_testing
