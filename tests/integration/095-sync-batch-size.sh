#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A batch is sent only up to what its device takes (netctl-protocol(7),
# "Optional extensions"): the batch_max a device advertises, up to serve's
# --batch-max; 1 MiB for a device that advertises none, as PROTOCOL.md says.
# A hub of 1,800 connectors (a batch over 1 MiB) played by mosquitto_pub/sub
# as a plain PROTOCOL.md device is refused in a Sync Now of all, every
# connector synced; netctl's agent told --batch-max 4096 is refused too,
# the other devices of its Sync Now synced. The raw hub advertising 4 MiB
# gets its batch, and still after a restart of serve; a request without the
# member puts it back to 1 MiB; netctl's agent with its default applies the
# batch and confirms its hash. Real serve, mosquitto, SQLite and agents.
. "$(dirname "$0")/lib.sh"

# A hub over 1 MiB takes 1,800 devices: a sanitizer build of serve cannot
# build their batches within the CLI's 30 s (measured: Sync Now of all timed
# out, the run exceeded tests/run's 600 s), so `make asan' skips it.
if ldd "$NETCTL" 2>/dev/null | grep -q libasan; then
	skip_all "a 1,800-device hub is too slow for a sanitizer build"
fi
N=1800
start_core --apply-timeout 30s
new_tenant acme
# The hub's refusals outside Sync Now (config requests, re-sends) are events.
spawn errors "$NETCTL" tail --type sync_error --device HUB -o json

expect_rc "serve refuses a --batch-max below 1 MiB" 2 serve --batch-max 1000 --data-dir "$T/x"
contains "naming the option and its range" "$err" "--batch-max \`1000' is not a number from 1048576"
expect_rc "an agent refuses a --batch-max below 1024" 2 agent --mqtt "$BROKER_URL" --fleet 1 \
	--serial-prefix Z --batch-max 10
contains "naming the option" "$err" "--batch-max"

# A hub with N connectors of 8 LAN subnets each (about 650 bytes each in the
# hub's batch), played by a simulated fleet whose registrations announce their
# keys; approved once their keys are known, so that their first batches come
# with the Sync Now below rather than each with a config request.
{
	echo "edge create --serial HUB --name hub --kind dedicated --endpoint 192.0.2.1:51820 --lan 10.10.0.0/16"
	for i in $(seq 1 "$N"); do
		printf 'connector create --serial C%04d --name c%d --hub HUB' "$i" "$i"
		for k in 0 1 2 3 4 5 6 7; do
			j=$((i * 8 + k))
			printf ' --lan 10.%d.%d.0/24' $((20 + j / 256)) $((j % 256))
		done
		printf '\n'
		printf 'connector approve C%04d\n' "$i" >>"$T/approve.nc"
	done
} >"$T/setup.nc"
expect_rc "the hub and its $N connectors are created" 0 batch -f "$T/setup.nc"
spawn_fleet fleet "$N" C
keys() {
	run_nc connector list --all -o json
	[ "$(jq '[.items[] | select(.public_key != null and .public_key != "")] | length' <<<"$out")" = "$N" ]
}
check "every connector's key is known" wait_gently 60 keys
expect_rc "and they are approved" 0 batch -f "$T/approve.nc"

# The hub played with mosquitto_sub/pub, as an agent that knows only PROTOCOL.md.
spawn wire mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -F '%t %l' -t VSR/HUB/batch
raw() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "VSR/HUB/$1" -m "$2"; }
request() {
	raw config-request "{\"v\":1,\"serial\":\"HUB\",\"seq\":0,\"config_hash\":\"\",\"reason\":\"startup\"$1}"
}
wire_count() { grep -c '^VSR/HUB/batch ' "$T/wire.out"; }
expect_rc "sync now --all --wait" 0 sync now --all --wait --timeout 60s -o json --yes
jq_out "the hub is skipped" '.items[] | select(.serial == "HUB") | .outcome' skipped
hub_err=$(jq -r '.items[] | select(.serial == "HUB") | .reason' <<<"$out")
matches "over the protocol's 1 MiB, since it advertises none" "$hub_err" \
	'^the batch of HUB would be [0-9]+ bytes, over its limit of 1048576 bytes \(the device advertises no batch_max: the protocol.s limit\)$'
jq_out "every connector is sent its batch and confirms it" \
	'[.items[] | select(.serial != "HUB" and .outcome == "synced")] | length' "$N"
all_synced() {
	run_nc sync status --all -o json
	[ "$(jq '[.items[] | select(.serial != "HUB" and .state == "synced")] | length' <<<"$out")" = "$N" ]
}
check "and all of them are synced" wait_gently 60 all_synced
check "nothing was published for the hub" test "$(wire_count)" = 0

# netctl's agent told to take at most 4 KiB says so: the hub is refused again,
# the connectors of the same Sync Now are synced.
spawn hub1 "$NETCTL" agent --mqtt "$BROKER_URL" --serial HUB --state-dir "$T/hub1" \
	--apply dry-run --batch-max 4096
HUB_PID=$pid
said() { grep -q 'HUB: config request' "$T/hub1.log"; }
check "the hub's agent asks for its configuration" wait_until 10 said
# Its config request is answered with a refusal: the core knows its limit.
refused() { grep -q "$1" "$T/errors.out"; }
check "its config request was answered by a sync_error event naming the limit" \
	wait_until 10 refused 'over its limit of 4096 bytes'
expect_rc "sync now of the hub and two connectors reports the hub" 1 sync now HUB C0001 C0002 -o json
jq_out "the hub is skipped" '.items[] | select(.serial == "HUB") | .state' skipped
matches "with the size it would have had" "$(jq -r '.items[] | select(.serial == "HUB") | .error' <<<"$out")" \
	'^the batch of HUB would be [0-9]+ bytes, over its limit of 4096 bytes \(the batch_max the device advertises\)$'
jq_out "both connectors are sent theirs" '[.items[] | select(.serial != "HUB") | .state] | join(",")' \
	applying,applying
synced() {
	run_nc sync show "$1" -o json
	[ "$(jq -r .state <<<"$out")" = synced ] &&
		[ "$(jq -r .config_hash <<<"$out")" = "$(jq -r .last_confirm.config_hash <<<"$out")" ]
}
check "C0001 is synced" wait_until 20 synced C0001
check "C0002 is synced" wait_until 20 synced C0002
run_nc sync show HUB -o json
jq_out "nothing was stored for the hub" .seq 0
stop "$HUB_PID"

# The raw hub advertises 4 MiB in its config request: the answer is its batch, over 1 MiB.
request ',"batch_max":4194304'
hub_sent() { [ "$(wire_count)" -ge "$1" ]; }
check "the hub advertising 4 MiB is sent its batch" wait_until 20 hub_sent 1
len=$(grep '^VSR/HUB/batch ' "$T/wire.out" | tail -n1 | cut -d' ' -f2)
check "of more than 1 MiB ($len bytes)" test "$len" -gt 1048576

# The limit it advertised is kept across a restart of serve.
stop "$SERVE_PID"
start_serve "$T/data" --mqtt "$BROKER_URL" --apply-timeout 2s
use_serve
spawn errors2 "$NETCTL" tail --type sync_error --device HUB -o json
expect_rc "after a restart, sync now HUB" 0 sync now HUB -o json
jq_out "is sent without a word from the hub" '.items[0].state' applying
check "and on the wire again" wait_until 20 hub_sent 2

# Its next request says nothing of batch_max: back to 1 MiB. (The request,
# while the batch is in flight, is answered by that batch: nothing is sent.)
request ""
sent=$(wire_count)
refused2() { grep -q 'over its limit of 1048576 bytes' "$T/errors2.out"; }
check "its stored batch is not sent again at its apply timeout (a sync_error event)" \
	wait_until 10 refused2
expect_rc "sync now HUB reports it (exit 1)" 1 sync now HUB -o json
jq_out "skips it again: 1 MiB" '.items[0].state' skipped
failed() {
	run_nc sync show HUB -o json
	[ "$(jq -r '.state + " " + .fail_reason' <<<"$out")" = "failed too_large" ]
}
check "the hub's state is failed, reason too_large, not left applying" wait_until 10 failed
check "nothing more went on the wire" test "$(wire_count)" = "$sent"

# netctl's agent with its default (16 MiB) applies the batch and confirms its hash.
spawn hub2 "$NETCTL" agent --mqtt "$BROKER_URL" --serial HUB --state-dir "$T/hub2" --apply dry-run
check "the hub is synced by netctl's agent, hash verified" wait_until 30 synced HUB
run_nc sync batch HUB -o json
size=$(printf '%s' "$out" | jq -c . | wc -c)
check "its batch is over 1 MiB ($size bytes)" test "$size" -gt 1048576

done_testing
