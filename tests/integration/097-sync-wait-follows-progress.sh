#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `sync now --wait --timeout D` gives up after D in which no device of the
# Sync Now reached an outcome, not D after the request: a Sync Now whose
# devices confirm one after another, each within D of the last, is followed
# to the end however long it takes, and a device that never confirms is
# reported timed out D after the last progress, saying so.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 1m
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'
i=0
for p in A B C D; do
	i=$((i + 1))
	api POST "/v1/connectors$q" "{\"serial\":\"${p}0001\",\"name\":\"$p\",\"lan_subnets\":[\"192.168.$i.0/24\"]}"
	api POST "/v1/connectors/${p}0001/approve$q"
done
# A confirms 1 s after its batch arrives, B 2.5 s, C 4 s; D, heard from once,
# never answers.
fleet() {
	spawn "fleet$1" "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix "$1" \
		--heartbeat 1s "${@:2}"
}
fleet A --apply-delay 1s
fleet B --apply-delay 2500ms
fleet C --apply-delay 4s
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/D0001/heartbeat -m \
	"{\"v\":1,\"serial\":\"D0001\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$(wg genkey | wg pubkey)\",\"agent\":\"test\"}"
all_seen() {
	api GET "/v1/connectors$q"
	[ "$(jq '[.items[] | select(.last_seen != null)] | length' <<<"$body")" = 4 ]
}
check "the four devices are heard from" wait_until 20 all_seen
settled() {
	api GET "/v1/sync$q&state=synced"
	[ "$(jq '.items | length' <<<"$body")" = 3 ]
}
check "their start-up batches are applied" wait_until 30 settled

t0=$(date +%s%N)
expect_rc "sync now --all --wait --timeout 3s ends with D not synced" 1 \
	sync now --all --wait --timeout 3s -o json --yes
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# $(jq -c '[.items[] | [.serial, .outcome, .elapsed_ms, .reason]]' <<<"$out")"
outcome() { jq -r ".items[] | select(.serial == \"$1\") | .$2" <<<"$out"; }
check "A, B and C are synced, C after 4 s: past the 3 s" \
	test "$(outcome A0001 outcome)/$(outcome B0001 outcome)/$(outcome C0001 outcome)" = \
	synced/synced/synced
check "C was followed for $(outcome C0001 elapsed_ms) ms" test "$(outcome C0001 elapsed_ms)" -ge 3500
check "D timed out" test "$(outcome D0001 outcome)" = "timed out"
check "saying no device confirmed for 3 s" \
	test "$(outcome D0001 reason)" = "no device of the Sync Now confirmed for 3s"
check "3 s after the last confirmation, not at once: $ms ms" test "$ms" -ge 6500

done_testing
