#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Sync Now is a run: with "async":true the core answers with the queued
# devices and sends them in the background, 256 a turn, reporting through
# sync_run events (started, progress with the devices skipped or never seen,
# done) and tagging each batch_sent with the run. (A device pending approval
# is skipped only when named: `all' selects the devices in service.) `sync now --all` and
# `--pending` use it; `--wait` follows a run to every device's outcome.
# Real serve, mosquitto, SQLite and a simulated fleet.
. "$(dirname "$0")/lib.sh"

N=600
start_core
new_tenant acme
{
	for i in $(seq 1 "$N"); do
		printf 'connector create --serial A%04d --name a%d --lan 10.%d.%d.0/24\n' \
			"$i" "$i" $((20 + i / 256)) $((i % 256))
		printf 'connector approve A%04d\n' "$i"
	done
	echo "connector create --serial LATE --name late --lan 10.99.0.0/24"
	echo "connector create --serial GHOST --name ghost --lan 10.99.1.0/24"
	echo "connector approve GHOST"
} >"$T/setup.nc"
expect_rc "$N connectors, one pending approval, one never seen" 0 batch -f "$T/setup.nc"
spawn_fleet fleet "$N" A --heartbeat 5s
seen() { run_nc connector list --all -o json; [ "$(jq '[.items[] | select(.last_seen != null)] | length' <<<"$out")" = "$N" ]; }
check "every device of the fleet was heard from" wait_gently 60 seen
spawn events "$NETCTL" tail --type sync_run,batch_sent -o json

expect_status "an async that is not a boolean is refused" 422 POST /v1/sync?tenant=acme \
	'{"all":true,"async":"yes"}'
jq_is "naming the member" '.error.field' async
# All, and the connector pending approval by name (all leaves it out).
expect_status "an async Sync Now answers 202" 202 POST /v1/sync?tenant=acme \
	'{"devices":["LATE"],"all":true,"async":true}'
run=$(jq -r '.run' <<<"$body")
jq_is "with every device queued" '[.items[] | select(.state == "queued")] | length' $((N + 2))
jq_is "each with its seq before the run" '[.items[] | select(.base_seq == null)] | length' 0
ev() { jq -c "select(.type == \"sync_run\" and .run == $run and .phase == \"$1\")" "$T/events.out"; }
ended() { [ -n "$(ev done)" ]; }
check "the run ends with a done event" wait_until 30 ended
# field_is DESC FILTER JSON WANT
field_is() {
	local got
	got=$(jq -r "$2" <<<"$3" 2>&1)
	if [ "$got" = "$4" ]; then ok "$1"; else not_ok "$1" "got \`$got', wanted \`$4': $3"; fi
}
done_ev=$(ev done)
field_is "which counts the devices sent" '.sent' "$done_ev" $((N + 1))
field_is "and the one skipped" '.skipped' "$done_ev" 1
field_is "of the devices selected" '.selected' "$done_ev" $((N + 2))
started=$(ev started | wc -l)
progress=$(ev progress | wc -l)
check "one started event" test "$started" = 1
check "a progress event for each of the 3 turns of 256" test "$progress" = 3
skipped=$(ev progress | jq -r '.items[]? | select(.state == "skipped") | .serial')
check "a progress event names the device skipped" test "$skipped" = LATE
ghost=$(ev progress | jq -r '.items[]? | select(.never_seen == true) | .serial')
check "and the device never seen" test "$ghost" = GHOST
tagged=$(jq -c "select(.type == \"batch_sent\" and .run == $run)" "$T/events.out" | wc -l)
check "every batch of the run is tagged with it" test "$tagged" = $((N + 1))

expect_rc "sync now --all --wait: exit 5, one device never seen" 5 sync now --all --wait \
	--timeout 30s -o json --yes
jq_out "the fleet is synced" '.summary.synced' "$N"
jq_out "the connector pending approval is not selected" '[.items[] | select(.serial == "LATE")] | length' 0
jq_out "the one never seen is reported at once" '.items[] | select(.serial == "GHOST") | .outcome' "never seen"

expect_rc "a change to one device" 0 connector set A0001 --lan 10.98.0.0/24
expect_rc "sync now --pending answers at once" 0 sync now --pending --yes
contains "saying the devices are queued as a run" "$err$out" "1 device queued as Sync Now run"
synced() { run_nc sync status A0001 -o json; [ "$(jq -r '.items[0].state' <<<"$out")" = synced ]; }
check "and the device gets its batch" wait_until 20 synced

done_testing
