#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Sync Now prepares its devices on several render threads
# (--render-threads), each reading the store through a SQLite connection of
# its own. Their batches are those of one thread: the same hashes for a hub,
# its connectors and an IPSec mesh (SA keys sealed at rest), in a dry run
# and in a Sync Now that a fleet confirms; a change between two Sync Nows
# reaches every thread. A bad value is refused. Real serve, mosquitto,
# SQLite and a simulated fleet.
. "$(dirname "$0")/lib.sh"

N=40
start_broker || exit 1
for bad in 0 65 two ""; do
	expect_rc "--render-threads \`$bad' is refused" 2 serve --listen 127.0.0.1:0 \
		--data-dir "$T/bad" --render-threads "$bad"
	contains "naming the option and its range" "$err" "--render-threads \`$bad' is not a number from 1 to 64"
done
check "and nothing was created" test ! -e "$T/bad/netctl.db"

start_fixed_serve 1 --render-threads 1
use_serve "http://127.0.0.1:$PORT"
new_tenant acme
{
	echo "edge create --serial E0001 --name hub --kind dedicated --endpoint 192.0.2.1:51820"
	for i in $(seq 1 "$N"); do
		printf 'connector create --serial T%04d --name t%d --hub E0001 --lan 10.41.%d.0/24\n' \
			"$i" "$i" "$i"
		printf 'connector approve T%04d\n' "$i"
	done
	echo "peering create sec --topology mesh --protocol ipsec"
	for i in $(seq 1 6); do printf 'member add sec T%04d\n' "$i"; done
} >"$T/setup.nc"
expect_rc "a hub, $N connectors and an IPSec mesh of 6" 0 batch -f "$T/setup.nc"

spawn_fleet fleet "$N" T
spawn_fleet hubdev 1 E
edge_key_known() {
	test "$("$NETCTL" edge list -o json | jq '[.items[] | select(.public_key != null)] | length')" = 1
}
check "every device announced its key" wait_until 30 connector_keys_known "$N"
check "the hub too" wait_until 30 edge_key_known

# hashes FILE: "serial hash" per device of a `sync now --dry-run -o json', sorted.
hashes() { jq -r '.items[] | "\(.serial) \(.config_hash // .error)"' "$1" | sort; }
dry() {
	run_nc sync now --all --dry-run -o json
	printf '%s\n' "$out" >"$T/$1.json"
	hashes "$T/$1.json" >"$T/$1.txt"
}
dry one
check "one thread: a batch for each of the $((N + 1)) devices" \
	test "$(grep -c '^[TE].* [0-9a-f]\{64\}$' "$T/one.txt")" = $((N + 1))

stop "$SERVE_PID"
start_fixed_serve 2 --render-threads 4
dry four
check "four threads: the same batches" diff "$T/one.txt" "$T/four.txt"

synced() {
	run_nc sync status -o json
	[ "$(jq '[.items[] | select(.state == "synced")] | length' <<<"$out")" = $((N + 1)) ]
}
expect_rc "a Sync Now of all on four threads" 0 sync now --all --wait --timeout 60s --yes
sent() {
	run_nc sync status -o json
	jq -r '.items[] | "\(.serial) \(.config_hash)"' <<<"$out" | sort
}
check "sends every device the batch one thread rendered" diff "$T/one.txt" <(sent)
check "which each confirmed" synced

# A change between two Sync Nows: every thread reads it.
expect_rc "the mesh loses a member" 0 member remove sec T0006 --yes
expect_rc "T0040 gets NAT" 0 connector set T0040 --nat-wan eth0
dry four-changed
check "the dry run shows new batches for the changed devices" \
	test "$(diff "$T/four.txt" "$T/four-changed.txt" | grep -c '^>')" -ge 7
expect_rc "a Sync Now of all again" 0 sync now --all --wait --timeout 60s --yes
check "sends what the dry run showed" diff "$T/four-changed.txt" <(sent)
check "and the fleet confirms it" synced
stop "$SERVE_PID"
start_fixed_serve 3 --render-threads 1
dry one-changed
check "one thread renders the same after the change" diff "$T/four-changed.txt" "$T/one-changed.txt"
done_testing
