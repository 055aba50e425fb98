#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sync now --all --wait does not wait for devices that never connected: they
# are reported at once as `never seen', counted in the summary line and in
# JSON, and the command exits 5 when they are all that is not synced (1 when
# a device failed as well). Once the device connects it is synced like any.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 30s --stale-delay 30s
new_tenant acme
# P0001 and P0002 are played by a fleet; P0003 has never connected.
for i in 1 2 3; do
	run_nc connector create --serial "P000$i" --name "b$i" --lan "192.168.$i.0/24"
	run_nc connector approve "P000$i"
done
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 2 --serial-prefix P --heartbeat 10s
keys_known() {
	test "$("$NETCTL" connector list -o json | jq '[.items[] | select(.public_key != null)] | length')" = 2
}
check "the fleet's devices announce themselves" wait_until 20 keys_known

t0=$(date +%s)
expect_rc "sync now --all --wait exits 5 when a device was never seen" 5 \
	sync now --all --wait --timeout 120s --yes
took=$(($(date +%s) - t0))
check "without waiting for it (took ${took}s of a 120s timeout)" test "$took" -lt 30
contains "the device is reported as never seen" "$out" "P0003   acme    never seen"
contains "the others are synced" "$out" "P0001   acme    synced"
contains "the summary line counts it" "$err" "2 synced, 0 failed, 0 timed out, 0 skipped, 1 never seen"
contains "the error names it and why" "$err" \
	"1 of 3 devices are not synced: P0003 never seen (never connected: no registration, heartbeat or confirmation yet"

expect_rc "with -o json as well" 5 sync now --all --wait --timeout 120s -o json --yes
jq_out "JSON has its outcome" '.items[] | select(.serial == "P0003") | .outcome' "never seen"
jq_out "and the summary counts it" '.summary | "\(.synced) \(.never_seen)"' "2 1"
api POST "/v1/sync?tenant=acme" '{"devices":["P0003","P0001"]}'
jq_is "the API marks the device never seen" \
	'[.items[] | select(.never_seen == true) | .serial] | join(",")' P0003

expect_rc "without --wait, sync now says so" 0 sync now P0003
contains "in a note" "$err" "1 of them went to a device never seen: no confirmation until it connects"

# Named, it is reported at once too; a failure as well exits 1.
expect_rc "sync now P0003 --wait exits 5" 5 sync now P0003 --wait --timeout 120s
run_nc connector create --serial P0009 --name b9 --lan 192.168.9.0/24
expect_rc "a device that cannot be sent to (skipped) and a never seen one: exit 1" 1 \
	sync now P0003 P0009 --wait --timeout 120s

# Once it connects it is waited for and synced.
spawn fleet3 "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 3 --serial-prefix P --heartbeat 10s
seen3() { "$NETCTL" connector show P0003 -o json | jq -e '.public_key != null'; }
check "P0003 connects" wait_until 20 seen3
expect_rc "then sync now --all --wait exits 0" 0 sync now --all --wait --timeout 60s --yes
contains "with nothing never seen" "$err" "3 synced, 0 failed, 0 timed out, 0 skipped, 0 never seen"

done_testing
