#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `sync now` takes as many serials as the command line holds: 150 named
# devices of a simulated fleet are sent their batch and followed to synced.
. "$(dirname "$0")/lib.sh"

N=150
start_core
new_tenant acme
serials=()
for i in $(seq 1 "$N"); do
	s=$(printf 'M%04d' "$i")
	serials+=("$s")
	api POST /v1/connectors?tenant=acme "{\"serial\":\"$s\",\"name\":\"$s\",\"lan_subnets\":[\"10.9.$i.0/24\"]}"
	[ "$status" = 201 ] || not_ok "create $s" "HTTP $status: $body"
	api POST "/v1/connectors/$s/approve?tenant=acme"
done
spawn_fleet fleet "$N" M --heartbeat 5s
check "the fleet is up" wait_until 20 grep -q 'connections up' "$FLEET_LOG"
seen() { run_nc connector list --all -o json; [ "$(jq '[.items[] | select(.last_seen != null)] | length' <<<"$out")" = "$N" ]; }
check "every device was heard from" wait_gently 30 seen

expect_rc "sync now with $N serials and --wait: exit 0" 0 sync now "${serials[@]}" --wait --timeout 60s
contains "all of them are synced" "$out$err" "$N synced, 0 failed"
run_nc sync now "${serials[@]}" -o json
jq_out "without --wait, each named device gets a batch" '.items | length' "$N"

done_testing
