#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A connector's NAT WAN interface must be one its agent has: set to one the
# agent does not manage, the apply fails that command naming the interface,
# `sync now --wait' says so, and `sync show' keeps the reason; set back to
# the agent's WAN (eth0 for the fleet), the next Sync Now is synced. (The
# linux applier also refuses an interface the device does not have:
# tests/unit/test_agent.c.)
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 30s --stale-delay 30s
new_tenant acme
run_nc connector create --serial P0001 --name b1 --lan 192.168.1.0/24
run_nc connector approve P0001
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix P --heartbeat 10s
seen() { "$NETCTL" connector show P0001 -o json | jq -e '.public_key != null'; }
check "the device announces itself" wait_until 20 seen

expect_rc "connector set --nat-wan eth1" 0 connector set P0001 --nat-wan eth1
expect_rc "sync now --wait exits 1: the agent has no eth1" 1 sync now P0001 --wait --timeout 30s
contains "the failure names the interface" "$err" \
	"nat_config: masquerade[0].out_interface: \`eth1' is not an interface this agent manages"
expect_rc "sync show" 0 sync show P0001
contains "sync show keeps the reason" "$out" \
	"nat_config  masquerade[0].out_interface: \`eth1' is not an interface this agent manages (wg0-wg3, lan0, eth0)"
expect_rc "sync show -o json" 0 sync show P0001 -o json
jq_out "JSON has the failed topic" '.state + " " + .fail_reason' "failed agent_failure"

expect_rc "connector set --nat-wan eth0 (the fleet's WAN)" 0 connector set P0001 --nat-wan eth0
expect_rc "then sync now --all --wait exits 0" 0 sync now --all --wait --timeout 30s --yes
api GET "/v1/devices/P0001/batch?tenant=acme"
jq_is "the batch masquerades out of eth0" \
	'.commands[] | select(.topic == "nat_config") | .body.masquerade[0].out_interface' eth0

done_testing
