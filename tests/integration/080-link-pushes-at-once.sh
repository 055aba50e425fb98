#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Link add and link remove push to both ends at once, with auto-sync off:
# both agents confirm the new seq without a Sync Now, and the reply says
# what was sent. --no-sync (?sync=false) defers: nothing is sent, both ends
# are pending, and the next Sync Now sends it.
. "$(dirname "$0")/lib.sh"

start_core --apply-timeout 30s --stale-delay 30s
new_tenant acme
# The fleet plays P0001 (the edge) and P0002, P0003 (connectors).
run_nc edge create --serial P0001 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820 \
	--lan 10.10.0.0/16
for i in 2 3; do
	run_nc connector create --serial "P000$i" --name "b$i" --lan "192.168.$i.0/24" \
		--endpoint "192.0.2.1$i:51820"
	run_nc connector approve "P000$i"
done
run_nc peering create pm --topology partial_mesh --protocol wireguard
for s in P0001 P0002 P0003; do run_nc member add pm "$s"; done
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 3 --serial-prefix P --heartbeat 10s
keys_known() {
	test "$("$NETCTL" connector list -o json | jq '[.items[] | select(.public_key != null)] | length')" = 2
}
check "the fleet's devices announce themselves" wait_until 20 keys_known
expect_rc "every device is synced first" 0 sync now --all --wait --timeout 30s --yes

# state SERIAL: "STATE SEQ CONFIRMED_SEQ" of a device.
state() {
	"$NETCTL" sync show "$1" -o json | jq -r '"\(.state) \(.seq) \(.confirmed_seq)"'
}
# confirmed SERIAL SEQ: the device is synced with SEQ confirmed.
confirmed() { test "$(state "$1")" = "synced $2 $2"; }

seq1=$("$NETCTL" sync show P0001 -o json | jq .seq)
seq2=$("$NETCTL" sync show P0002 -o json | jq .seq)
expect_rc "link add pm P0001 P0002" 0 link add pm P0001 P0002 -o json
jq_out "the reply says both ends were pushed" '[.pushed[] | .serial] | sort | join(",")' \
	P0001,P0002
jq_out "each with a new seq" \
	"[.pushed[] | (select(.serial == \"P0001\") | .seq > $seq1), (select(.serial == \"P0002\") | .seq > $seq2)] | all" \
	true
jq_out "and nothing deferred" .deferred false
new1=$(jq '.pushed[] | select(.serial == "P0001") | .seq' <<<"$out")
new2=$(jq '.pushed[] | select(.serial == "P0002") | .seq' <<<"$out")
check "P0001 confirms its new seq without a Sync Now" wait_until 20 confirmed P0001 "$new1"
check "P0002 confirms its new seq without a Sync Now" wait_until 20 confirmed P0002 "$new2"
check "P0003, not in the link, was not sent anything" \
	test "$(state P0003 | cut -d' ' -f1)" = synced
api GET "/v1/devices/P0001/batch?tenant=acme"
jq_is "the edge's batch has the link's tunnel (wg2) with P0002" \
	'[.commands[] | select(.topic == "wireguard") | .body.interfaces[] | select(.name == "wg2") | .peers[].serial] | join(",")' \
	P0002

# The text output says it too.
expect_rc "link remove pm P0001 P0002" 0 link remove pm P0001 P0002 --yes
contains "it says what was pushed" "$out" "; pushed to P0001 (seq "
contains "to both ends" "$out" " and P0002 (seq "
rm1=$("$NETCTL" sync show P0001 -o json | jq .seq)
check "the removal is confirmed by P0001 without a Sync Now" wait_until 20 confirmed P0001 "$rm1"

# --no-sync: the change waits for the next Sync Now.
before1=$("$NETCTL" sync show P0001 -o json | jq .seq)
before3=$("$NETCTL" sync show P0003 -o json | jq .seq)
expect_rc "link add --no-sync" 0 link add pm P0001 P0003 --no-sync -o json
jq_out "nothing pushed" '.pushed | length' 0
jq_out "deferred" .deferred true
check "P0001 is pending with its seq unchanged" test "$(state P0001 | cut -d' ' -f1,2)" = "pending $before1"
check "P0003 is pending with its seq unchanged" test "$(state P0003 | cut -d' ' -f1,2)" = "pending $before3"
expect_rc "the text form names the command that sends it" 0 link remove pm P0001 P0003 --no-sync --yes
contains "the way out" "$out" "not pushed (--no-sync): \`netctl sync now P0001 P0003' sends it"
expect_rc "sync now --pending --wait sends what was deferred" 0 sync now --pending --wait --timeout 30s --yes
check "P0001 is synced after it" test "$(state P0001 | cut -d' ' -f1)" = synced
expect_status "?sync= takes true or false only" 422 POST "/v1/peerings/pm/links?tenant=acme&sync=later" \
	'{"a":"P0001","b":"P0003"}'
jq_is "naming the parameter" .error.field sync
api GET "/v1/peerings/pm/links?tenant=acme"
jq_is "and nothing was linked" '.items | length' 0

done_testing
