#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A global admin reads an MTGE's batch for every tenant it serves (`sync
# batch SERIAL --tenant T', GET /v1/devices/{serial}/batch?tenant=T), and its
# sync state per tenant; a tenant token reads only its own tenant's batch of
# its own device, never the other tenant's. Real serve and mosquitto; the
# batches are those Sync Now published, watched on the wire.
. "$(dirname "$0")/lib.sh"

M=MTGE0001
start_core

spawn wire mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t "VSR/$M/batch/+" \
	-t VSR/PROBE/batch
probe() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/PROBE/batch -m probe
	grep -q '^VSR/PROBE/batch probe' "$T/wire.out"
}
wait_until 5 probe

for t in alpha beta gamma; do run_nc tenant create "$t"; done
run_nc edge create --tenant alpha --serial "$M" --name gw --kind mtge \
	--endpoint 192.0.2.9:51820 --lan 10.20.0.0/16
run_nc connector create --tenant alpha --serial CN-A --name a --hub "$M" --lan 192.168.1.0/24
run_nc connector create --tenant beta --serial CN-B --name b --hub "$M" --lan 192.168.2.0/24
run_nc connector approve --tenant alpha CN-A
run_nc connector approve --tenant beta CN-B
# The connectors announce their keys, so that the MTGE's batches peer with them.
hb() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "VSR/$1/heartbeat" -m \
		"{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$2\",\"agent\":\"test\"}"
}
KEY_B=$(wg genkey | wg pubkey)
hb CN-A "$(wg genkey | wg pubkey)"
hb CN-B "$KEY_B"
has_key() { run_nc connector show CN-B --tenant beta -o json; [ "$(jq -r .public_key <<<"$out")" = "$KEY_B" ]; }
check "the connectors' keys are known" wait_until 5 has_key
expect_rc "sync now the MTGE" 0 sync now "$M" -o json
jq_out "one batch per tenant" '[.items[].tenant] | join(",")' alpha,beta
sent() { grep -q "^VSR/$M/batch/$1 " "$T/wire.out"; }
check "alpha's batch is on the wire" wait_until 5 sent alpha
check "beta's batch is on the wire" wait_until 5 sent beta
wire_hash() { grep "^VSR/$M/batch/$1 " "$T/wire.out" | tail -n1 | cut -d' ' -f2- | jq -r .config_hash; }

# A global admin: each tenant's batch.
for t in alpha beta; do
	expect_rc "sync batch $M --tenant $t as a global admin" 0 sync batch "$M" --tenant "$t" -o json
	jq_out "it is $t's batch" .tenant "$t"
	jq_out "the one published on $t's topic" .config_hash "$(wire_hash "$t")"
done
expect_rc "sync batch $M --tenant beta" 0 sync batch "$M" --tenant beta -o json
cmds=$(jq -c .commands <<<"$out")
contains "beta's batch routes beta's connector LAN" "$cmds" 192.168.2.0/24
check "and not alpha's" test "${cmds/192.168.1.0\/24/}" = "$cmds"
expect_rc "sync batch $M without --tenant" 0 sync batch "$M" -o json
jq_out "is the MTGE's own tenant's batch" .tenant alpha
expect_rc "sync batch text for beta" 0 sync batch "$M" --tenant beta
check "names the tenant" grep -Eq '^Tenant: +beta$' <<<"$out"
expect_status "the API with ?tenant=beta" 200 GET "/v1/devices/$M/batch?tenant=beta"
jq_is "gives beta's batch" .tenant beta
expect_rc "a tenant the MTGE does not serve" 1 sync batch "$M" --tenant gamma
contains "is named in the error" "$err" "serves no tenant \`gamma'"
expect_status "is a 404 on field tenant" 404 GET "/v1/devices/$M/batch?tenant=gamma"
jq_is "with field tenant" .error.field tenant
expect_rc "sync show --tenant beta as a global admin" 0 sync show "$M" --tenant beta -o json
jq_out "is beta's state" '"\(.tenant) \(.state)"' "beta applying"
expect_status "GET /v1/devices/$M/sync?tenant=gamma" 404 GET "/v1/devices/$M/sync?tenant=gamma"
jq_is "names the tenant field" .error.field tenant

# Tenant tokens: their own tenant's batch only.
tok() {
	run_nc token create --name "$1" --role viewer --tenant "$1" -q
	printf '%s' "$out"
}
ALPHA=$(tok alpha)
BETA=$(tok beta)
NETCTL_TOKEN=$ALPHA expect_rc "alpha's token reads the MTGE's batch" 0 sync batch "$M" -o json
jq_out "alpha's own" .tenant alpha
NETCTL_TOKEN=$ALPHA expect_rc "alpha's token cannot read beta's" 1 sync batch "$M" --tenant beta
contains "beta is not found for it" "$err" "not found"
check "and prints no batch" test -z "$out"
expect_status "nor through the API" 404 GET "/v1/devices/$M/batch?tenant=beta" - "$ALPHA"
NETCTL_TOKEN=$BETA expect_rc "beta's token cannot read the MTGE of alpha" 1 sync batch "$M"
contains "it is not found in beta" "$err" "not found"
NETCTL_TOKEN=$BETA expect_rc "nor alpha's batch by naming alpha" 1 sync batch "$M" --tenant alpha
expect_status "nor through the API" 404 GET "/v1/devices/$M/batch?tenant=alpha" - "$BETA"

done_testing
