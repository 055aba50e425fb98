#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A device that never confirms: the batch is re-sent five times, each wait
# twice the one before, with the same seq and hash; then the device is
# failed with reason timeout. A late confirmation of that seq still counts.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 200ms
q='?tenant=acme'
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"e","kind":"dedicated","endpoint":"192.0.2.1:51820"}'
spawn batches mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -F '%U %t %p' -t 'VSR/+/batch'
probe() { pub VSR/PROBE/batch probe; grep -q ' VSR/PROBE/batch probe' "$T/batches.out"; }
wait_until 5 probe
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"

expect_status "sync now a device that will never answer" 202 POST "/v1/devices/EDGE-1/sync$q"
state_is() { api GET "/v1/devices/EDGE-1/sync$q"; test "$(jq -r .state <<<"$body")" = "$1"; }
check "after the re-sends it is failed" wait_until 30 state_is failed
api GET "/v1/devices/EDGE-1/sync$q"
jq_is "with reason timeout" .fail_reason timeout
jq_is "after six pushes in all" .attempts 6
grep ' VSR/EDGE-1/batch ' "$T/batches.out" >"$T/sent"
check "six batches reached the device" test "$(wc -l <"$T/sent")" = 6
check "all with the same seq" test "$(cut -d' ' -f3- "$T/sent" | jq -r .seq | sort -u | wc -l)" = 1
check "and the same hash" test "$(cut -d' ' -f3- "$T/sent" | jq -r .config_hash | sort -u | wc -l)" = 1
gaps=$(cut -d' ' -f1 "$T/sent" | awk 'NR > 1 { printf "%d\n", ($1 - prev) * 1000 } { prev = $1 }')
check "each wait is longer than the one before" \
	bash -c "awk 'NR > 1 && \$1 <= prev * 1.5 { bad = 1 } { prev = \$1 } END { exit bad }' <<<'$gaps'"

b=$(tail -n1 "$T/sent" | cut -d' ' -f3-)
pub VSR/EDGE-1/confirm "{\"v\":1,\"serial\":\"EDGE-1\",\"seq\":$(jq .seq <<<"$b"),\"config_hash\":\"$(jq -r .config_hash <<<"$b")\",\"status\":\"success\",\"applied\":5,\"failed\":0,\"failures\":[],\"vpp_mode\":\"dpdk\",\"agent\":\"test\"}"
check "a late confirmation of that seq still makes it synced" wait_until 5 state_is synced

done_testing
