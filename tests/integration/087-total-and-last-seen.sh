#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two seed points through the real binary and a real serve and mosquitto:
# Total Connectors counts every registered connector, decommissioned
# included (GET /v1/stats, `connector stats' in text and JSON), and
# `edge list' has a Last Seen column that a heartbeat fills.
. "$(dirname "$0")/lib.sh"

start_core --heartbeat 1s

new_tenant acme
for i in 1 2 3; do
	run_nc connector create --serial "CN-$i" --name "b$i" --lan "192.168.$i.0/24"
done
run_nc connector approve CN-2
expect_rc "decommission one" 0 connector decommission CN-3 --yes

expect_status "GET /v1/stats" 200 GET '/v1/stats?tenant=acme'
jq_is "total counts the decommissioned connector too" .connectors.total 3
jq_is "which is counted as decommissioned as well" .connectors.decommissioned 1
jq_is "pending counts the one awaiting approval" .connectors.pending 1
expect_rc "connector stats -o json" 0 connector stats -o json
jq_out "its total is every registered connector" .connectors.total 3
expect_rc "connector stats" 0 connector stats
row=$(sed -n 2p <<<"$out")
check "the Total Connectors card reads 3" test "$(awk '{print $1}' <<<"$row")" = 3
expect_rc "connector delete" 0 connector delete CN-1 --yes
expect_rc "connector stats -o json" 0 connector stats -o json
jq_out "a deleted connector is no longer registered" .connectors.total 2

# edge list: Last Seen, "never" until the edge speaks.
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
expect_rc "edge list" 0 edge list
contains "the header has Last Seen" "$(head -n1 <<<"$out")" "Last Seen"
check "the edge was never seen" grep -Eq '^dc1 +EDGE-1 .* never *$' <<<"$out"
pub_hb() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -t VSR/EDGE-1/heartbeat -m \
		"{\"v\":1,\"serial\":\"EDGE-1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$(wg genkey | wg pubkey)\",\"agent\":\"test\"}"
}
seen() {
	pub_hb
	run_nc edge list -o json
	[ "$(jq -r '.items[0].last_seen' <<<"$out")" != null ]
}
check "a heartbeat sets its last_seen" wait_until 10 seen
expect_rc "edge list" 0 edge list
check "Last Seen reads recent" grep -Eq '^dc1 +EDGE-1 .* (just now|[0-9]+s ago) *$' <<<"$out"
expect_rc "edge list -o wide" 0 edge list -o wide
contains "the wide table keeps it" "$(head -n1 <<<"$out")" "Last Seen"

done_testing
