#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Sync Now of devices that run their confirmed batch, nothing having
# changed since, sends them its commands again under a new seq without
# rendering them (netctl_sync_batches_reused_total); a device whose intent
# changed is rendered; a decommissioned one is still refused. Batches stored
# by another revision of the renderer are checked when serve starts: the
# devices settle back to synced when the render is the same. Real serve,
# mosquitto, SQLite and a simulated fleet.
. "$(dirname "$0")/lib.sh"

N=4
start_core
new_tenant acme
{
	echo "edge create --serial HUB --name hub --kind dedicated --endpoint 192.0.2.1:51820"
	for i in $(seq 1 "$N"); do
		printf 'connector create --serial R%04d --name r%d --hub HUB --lan 10.40.%d.0/24\n' \
			"$i" "$i" "$i"
		printf 'connector approve R%04d\n' "$i"
	done
} >"$T/setup.nc"
expect_rc "a hub and $N connectors" 0 batch -f "$T/setup.nc"
spawn_fleet fleet "$N" R --heartbeat 2s
metric() { curl -fsS "$SERVER/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# synced [RE]: every connector whose serial matches RE (all N) is synced.
synced() {
	run_nc sync status -o json
	[ "$(jq --arg re "${1:-^R}" '[.items[] | select((.serial | test($re)) and .state == "synced")]
		| length' <<<"$out")" = "${2:-$N}" ]
}
check "the fleet is synced" wait_until 30 synced
sync_of() { run_nc sync show "$1" -o json; jq -r "$2" <<<"$out"; }
seq1=$(sync_of R0001 .seq)
hash1=$(sync_of R0001 .config_hash)

r0=$(metric netctl_sync_batches_reused_total)
expect_rc "a Sync Now of the fleet" 0 sync now R0001 R0002 R0003 R0004 --wait --timeout 30s
r1=$(metric netctl_sync_batches_reused_total)
check "reuses the $N confirmed batches (reused $((r1 - r0)))" test $((r1 - r0)) = "$N"
check "under a new seq" test "$(sync_of R0001 .seq)" = $((seq1 + 1))
check "with the same hash" test "$(sync_of R0001 .config_hash)" = "$hash1"
check "which the device confirms" test "$(sync_of R0001 .state)" = synced
run_nc sync batch R0001 -o json
check "the batch carries the new seq" test "$(jq -r .seq <<<"$out")" = $((seq1 + 1))
check "and the commands of the old one" test "$(jq -r .config_hash <<<"$out")" = "$hash1"

# A change: R0001 is rendered, the others reuse.
expect_rc "R0001 gets NAT" 0 connector set R0001 --nat-wan eth0
check "R0001 is pending" test "$(sync_of R0001 .state)" = pending
expect_rc "a Sync Now of the fleet again" 0 sync now R0001 R0002 R0003 R0004 --wait --timeout 30s
r2=$(metric netctl_sync_batches_reused_total)
check "reuses the $((N - 1)) unchanged (reused $((r2 - r1)))" test $((r2 - r1)) = $((N - 1))
check "R0001's new batch has another hash" test "$(sync_of R0001 .config_hash)" != "$hash1"
check "which R0001 confirms" test "$(sync_of R0001 .state)" = synced
run_nc sync batch R0001 -o json
contains "with its NAT" "$out" '"out_interface":"eth0"'

# A device marked while its stored batch is sent again (it asks for its
# configuration as PROTOCOL.md says, played here with mosquitto_pub) stays
# pending through the confirmation of that batch; Sync Now renders it.
expect_rc "R0002 gets NAT" 0 connector set R0002 --nat-wan eth0
hash2=$(sync_of R0002 .config_hash)
seq2=$(sync_of R0002 .seq)
spawn r2ev "$NETCTL" tail --type batch_sent,confirm --device R0002 -o json
wait_until 10 grep -q '^following the events of' "$T/r2ev.log"
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/R0002/config-request \
	-m "{\"v\":1,\"serial\":\"R0002\",\"seq\":$seq2,\"config_hash\":\"$hash2\",\"reason\":\"startup\"}"
answered() {
	jq -se --argjson s "$seq2" 'any(.[]; .type == "batch_sent" and .reason == "config request"
		and .seq == $s) and any(.[]; .type == "confirm" and .seq == $s)' "$T/r2ev.out" >/dev/null
}
check "its stored batch is sent again and confirmed" wait_until 10 answered
check "R0002 is still pending" test "$(sync_of R0002 .state)" = pending
r5=$(metric netctl_sync_batches_reused_total)
expect_rc "a Sync Now of R0002" 0 sync now R0002 --wait --timeout 30s
check "renders it (nothing reused)" test "$(metric netctl_sync_batches_reused_total)" = "$r5"
check "with another hash" test "$(sync_of R0002 .config_hash)" != "$hash2"

# Decommissioned: no batch, reused or not.
expect_rc "R0004 is decommissioned" 0 connector decommission R0004 --yes
expect_rc "a Sync Now of R0004 sends nothing" 1 sync now R0004 -o json
contains "and says why" "$out$err" "decommissioned"
r3=$(metric netctl_sync_batches_reused_total)
check "nothing was reused for it" test "$r3" = "$r2"

# Batches of another renderer: serve marks their devices at start; the
# settle check renders each and finds it the same.
stop "$SERVE_PID"
sqlite3 "$T/data/netctl.db" "UPDATE meta SET value = 0 WHERE name = 'render_revision'"
start_serve "$T/data" --mqtt "$BROKER_URL"
use_serve
contains "serve says it checks the devices" "$(cat "$SERVE_LOG")" "run batches of another renderer"
check "they settle back to synced" wait_until 15 synced "^R000[123]$" 3
spawn states "$NETCTL" tail -n 100 --type sync_state -o json
unchanged() { [ "$(jq -s '[.[] | select(.reason == "unchanged")] | length' "$T/states.out")" -ge 3 ]; }
check "as unchanged" wait_until 10 unchanged
r4=$(metric netctl_sync_batches_reused_total)
expect_rc "a Sync Now after the check" 0 sync now R0001 R0002 R0003 --wait --timeout 30s
check "reuses them again" test $(($(metric netctl_sync_batches_reused_total) - r4)) = 3

done_testing
