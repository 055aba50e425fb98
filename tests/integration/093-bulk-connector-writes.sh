#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bulk writes: POST /v1/connectors:bulk-create lands a few hundred
# connectors in one request (listed, each with its own backbone address,
# each with its dirty and audit events); one bad item, a LAN overlap between
# two items or a serial given twice commits nothing and names the item;
# :bulk-approve approves many or none; a body over --max-body is a 413.
# `netctl batch' sends consecutive creates and approvals in bulk with the
# same per-line output as before, and a bad line in the middle is reported
# with its line number while the lines before it land (the rest too with
# --continue).
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
use_serve
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820

# items N FROM PREFIX: a bulk-create body of N connectors hubbed on EDGE-1,
# serials PREFIX-<i> and LANs 10.<i/250>.<i%250>.0/24 from i = FROM.
items() {
	jq -nc --argjson n "$1" --argjson from "$2" --arg p "$3" \
		'{items: [range($from; $from + $n) | {serial: "\($p)-\(.)", name: "b\(.)",
		  hub_edge: "EDGE-1", lan_subnets: ["10.\(. / 250 | floor).\(. % 250).0/24"]}]}'
}
# creates PREFIX NET FROM TO BAD: `connector create' lines of PREFIX-<i> for
# i = FROM..TO with LANs NET.<i>.0/24, but for i = BAD NET.1.0/25, which
# overlaps the LAN of PREFIX-1.
creates() {
	local i lan
	for i in $(seq "$3" "$4"); do
		lan=$2.$i.0/24
		[ "$i" = "$5" ] && lan=$2.1.0/25
		echo "connector create --serial $1-$i --name $1$i --lan $lan"
	done
}
# events TYPE: every event of TYPE in the ring so far, one JSON per line.
events() {
	curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=$1" |
		sed -n 's/^data: //p'
}

# --- A bulk create lands every item, in one request.
expect_status "300 connectors in one request: 201" 201 POST "/v1/connectors:bulk-create?tenant=acme" \
	"$(items 300 1 CN)"
jq_is "the answer counts them" .count 300
jq_is "each pending approval" '[.items[] | select(.status == "pending_approval")] | length' 300
first=$(jq -c '.items[0]' <<<"$body")
api GET "/v1/connectors/CN-1?tenant=acme"
jq_is "each as the server then shows it" tojson "$first"
run_nc connector list --all -o json
jq_out "the list shows the 300" '[.items[] | select(.serial | startswith("CN-"))] | length' 300
ev=$(events audit)
matches "one audit event per connector created" \
	"$(grep -c '"action":"create","object":"connector"' <<<"$ev")" '^300$'
ev=$(events dirty)
matches "one dirty event per connector created" "$(grep -c 'connector CN-[0-9]* created' <<<"$ev")" '^300$'

# --- Approve them all in one request; each gets its own wg0 address.
serials=$(jq -nc '{serials: [range(1; 301) | "CN-\(.)"]}')
expect_status "300 approvals in one request: 200" 200 POST "/v1/connectors:bulk-approve?tenant=acme" \
	"$serials"
jq_is "every one is approved" '[.items[] | select(.status == "approved")] | length' 300
jq_is "and pending a sync" '[.items[] | select(.sync.state == "pending")] | length' 300
first=$(jq -c '.items[0]' <<<"$body")
api GET "/v1/connectors/CN-1?tenant=acme"
jq_is "each as the server then shows it, approved" tojson "$first"
matches "one lifecycle event per approval" \
	"$(events lifecycle | grep -c '"to":"approved"')" '^300$'
for i in $(seq 1 300); do
	printf 'url = "%s/v1/devices/CN-%d/diff?tenant=acme"\n' "$SERVER" "$i"
done >"$T/diff.curl"
addrs=$(curl -s -H "Authorization: Bearer $TOKEN" -K "$T/diff.curl" |
	jq -r '.topics.wireguard.after.interfaces[] | select(.name == "wg0") | .address' | sort -u)
matches "the 300 backbone addresses are distinct" "$(wc -l <<<"$addrs")" '^300$'
expect_status "approving them again: refused" 409 POST "/v1/connectors:bulk-approve?tenant=acme" \
	'{"serials":["CN-1"]}'
jq_is "naming the serial's place" .error.field 'serials[0]'

# --- All or nothing: the first bad item names itself, nothing lands.
before=$(events dirty | wc -l)
bad=$(items 3 1001 BAD | jq -c '.items[2].lan_subnets = ["10.0.0.0/33"]')
expect_status "a bad third item refuses the request: 422" 422 POST \
	"/v1/connectors:bulk-create?tenant=acme" "$bad"
jq_is "the field names the item" .error.field 'items[2].lan_subnets[0]'
contains "so does the message" "$(jq -r .error.message <<<"$body")" "items[2]: "
expect_status "the good items before it were not created" 404 GET "/v1/connectors/BAD-1001?tenant=acme"
matches "and told nobody they were dirty" "$(events dirty | wc -l)" "^$before\$"
overlap=$(items 2 1101 OV | jq -c '.items[1].lan_subnets = ["10.4.101.0/25"]')
expect_status "a LAN overlap between two items of one request: 409" 409 POST \
	"/v1/connectors:bulk-create?tenant=acme" "$overlap"
jq_is "names the later item's subnet" .error.field 'items[1].lan_subnets[0]'
contains "and the earlier item" "$(jq -r .error.message <<<"$body")" "OV-1101"
expect_status "neither was created" 404 GET "/v1/connectors/OV-1101?tenant=acme"
twice=$(items 2 1201 TW | jq -c '.items[1].serial = "TW-1201"')
expect_status "a serial given twice: 409" 409 POST "/v1/connectors:bulk-create?tenant=acme" "$twice"
jq_is "names the second" .error.field 'items[1].serial'
expect_status "an unknown member: 422" 422 POST "/v1/connectors:bulk-create?tenant=acme" \
	'{"items":[{"serial":"U-1","name":"u"},{"serial":"U-2","name":"u","colour":"red"}]}'
jq_is "names the item's member" .error.field 'items[1].colour'
expect_status "no items: 422" 422 POST "/v1/connectors:bulk-create?tenant=acme" '{"items":[]}'
expect_status "a bare array: 400" 400 POST "/v1/connectors:bulk-create?tenant=acme" '[{}]'
expect_status "more than 10,000 items: 422" 422 POST "/v1/connectors:bulk-create?tenant=acme" \
	"$(jq -nc '{items: [range(0; 10001) | {}]}')"
run_nc connector create --serial PEND-1 --name p
expect_status "approving an unknown serial: 404" 404 POST "/v1/connectors:bulk-approve?tenant=acme" \
	'{"serials":["PEND-1","CN-NOPE"]}'
jq_is "names its place" .error.field 'serials[1].serial'
api GET "/v1/connectors/PEND-1?tenant=acme"
jq_is "and the serial before it was not approved" .status pending_approval
jq -nc '{items: [range(0; 15000) | {serial: "BIG-\(.)", name: ("x" * 60)}]}' >"$T/big.json"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data-binary @"$T/big.json" \
	"$SERVER/v1/connectors:bulk-create?tenant=acme")
matches "a body over the 1 MiB limit: 413" "$status" '^413$'
expect_status "and none of it was created" 404 GET "/v1/connectors/BIG-0?tenant=acme"

# --- netctl batch: consecutive creates go in bulk, with the same output.
creates BT 172.16 1 50 0 >"$T/creates.txt"
for i in $(seq 1 50); do echo "connector approve BT-$i"; done >"$T/approves.txt"
expect_rc "a batch of 50 creates exits 0" 0 batch -v -f "$T/creates.txt"
want=$(seq 1 50 | sed 's/.*/created connector BT-& (pending_approval)/')
if [ "$out" = "$want" ]; then
	ok "each line prints as alone, in order"
else
	not_ok "each line prints as alone, in order" "$out"
fi
matches "in one bulk request" "$(grep -c 'connectors:bulk-create' <<<"$err")" '^1$'
expect_rc "a batch of 50 approvals exits 0" 0 batch -f "$T/approves.txt" -o json
matches "each line prints its connector as alone: 50 of them, approved" "$(jq -s '[.[] | select(.status == "approved")] | length' <<<"$out")" '^50$'

# A bad line in the middle: the lines before it land, it is named, the batch stops.
creates BL 172.17 1 30 16 >"$T/badline.txt"
expect_rc "a batch with a bad line 16 exits 1" 1 batch -f "$T/badline.txt"
contains "the error names line 16" "$err" "line 16: lan_subnets[0]: 172.17.1.0/25 overlaps"
contains "and where the batch stopped" "$err" "batch stopped at line 16: 16 of 30 commands ran"
matches "lines 1-15 printed as before" "$(grep -c '^created connector BL-' <<<"$out")" '^15$'
run_nc connector list --all -o json
jq_out "lines 1-15 landed, 16 and after did not" \
	'[.items[] | select(.serial | startswith("BL-")) | .serial] | sort_by(ltrimstr("BL-") | tonumber) | join(",")' \
	"$(seq 1 15 | sed 's/^/BL-/' | paste -sd,)"
{
	creates BC 172.18 1 1 0
	creates BC 172.18 16 30 16
} >"$T/cont.txt"
expect_rc "with --continue it still exits 1" 1 batch -f "$T/cont.txt" --continue
contains "counting the one failure at line 2" "$err" "1 of 16 commands failed, the first at line 2"
run_nc connector list --all -o json
jq_out "every other line landed" '[.items[] | select(.serial | startswith("BC-"))] | length' 15

done_testing
