#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every write command with -o json against a real serve: stdout is exactly
# one JSON document (the server's reply object) that jq reads, or nothing
# for a delete (revoke and remove are deletes); the same command in the table format says what it did in
# one sentence. docs/cli-json.md is the contract.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
export NETCTL_SERVER=$SERVER
NETCTL_TOKEN=$(cat "$T/data/admin.token")
export NETCTL_TOKEN
export XDG_CONFIG_HOME=$T/config
unset NETCTL_TENANT NO_COLOR

# json DESC JQ-FILTER WANT ARGS...: runs netctl ARGS -o json, exit 0, and
# checks that stdout is one document whose JQ-FILTER is WANT.
json() {
	local desc=$1 filter=$2 want=$3
	shift 3
	expect_rc "$desc" 0 "$@" -o json
	check "$desc: one JSON document" bash -c 'test "$(jq -s length <<<"$1")" = 1' _ "$out"
	jq_out "$desc: $filter" "$filter" "$want"
}

# empty DESC ARGS...: a delete with -o json exits 0 and prints nothing.
empty() {
	local desc=$1
	shift
	expect_rc "$desc" 0 "$@" -o json
	check "$desc: prints nothing" test -z "$out"
}

json "tenant create" '.id + " " + .name' "acme Acme" tenant create acme --name Acme
export NETCTL_TENANT=acme
json "token create" '.role' operator token create --name ops --role operator
token_id=$(jq -r .id <<<"$out")
check "token create shows its secret once" bash -c 'jq -e ".token | startswith(\"nct_\")" <<<"$1"' _ "$out"
empty "token revoke (a DELETE)" token revoke "$token_id" --yes
expect_rc "token list after revoke" 0 token list -o json
jq_out "the token is revoked" ".items[] | select(.id == \"$token_id\") | .revoked" true

json "edge create" '.serial + " " + .kind' "EDGE-1 dedicated" edge create --serial EDGE-1 \
	--name dc1 --kind dedicated --region eu --endpoint 192.0.2.1:51820 --lan 10.10.0.0/16
json "edge create (mtge)" '.kind' mtge edge create --serial MTGE-1 --name mt --kind mtge \
	--region eu --endpoint 192.0.2.2:51820
json "edge set" '.region' us edge set MTGE-1 --region us

json "connector create" '.status' pending_approval connector create --serial CN-1 --name b1 \
	--region eu --hub EDGE-1 --lan 192.168.1.0/24
json "connector create (second)" '.serial' CN-2 connector create --serial CN-2 --name b2 \
	--region eu --hub EDGE-1 --lan 192.168.2.0/24
json "connector approve" '.status' approved connector approve CN-1
json "connector set" '.name' branch-1 connector set CN-1 --name branch-1

json "peering create" '.topology + " " + .protocol' "partial_mesh wireguard" \
	peering create pm --topology partial_mesh --protocol wireguard
json "peering set" '.dual_tunnel' true peering set pm --dual-tunnel
json "member add: the member and its links" '.peering + " " + .serial + " " + (.links | length | tostring)' \
	"pm CN-1 0" member add pm CN-1
json "member add (the edge)" '.serial' EDGE-1 member add pm EDGE-1
json "link add" '[.a, .b] | sort | join(",")' "CN-1,EDGE-1" link add pm EDGE-1 CN-1
expect_rc "link list after link add" 0 link list pm -o json
jq_out "the link is listed" '.items | length' 1
json "link remove: what was pushed" '[.a, .b, (.deferred | tostring), (.pushed | length | tostring)] | join(",")' \
	"EDGE-1,CN-1,false,2" link remove pm EDGE-1 CN-1 --yes
expect_rc "link list after link remove" 0 link list pm -o json
jq_out "the link is gone" '.items | length' 0
empty "member remove (a DELETE)" member remove pm CN-1 --yes
expect_rc "peering show after member remove" 0 peering show pm -o json
jq_out "CN-1 is no longer a member" '[.members[]] | index("CN-1") == null' true
empty "peering delete" peering delete pm --yes

json "enroll-key create" '.name' lab enroll-key create --name lab --expires 1h
key_id=$(jq -r .id <<<"$out")
empty "enroll-key revoke (a DELETE)" enroll-key revoke "$key_id" --yes
expect_rc "enroll-key list after revoke" 0 enroll-key list -o json
jq_out "the key is revoked" ".items[] | select(.id == \"$key_id\") | .revoked" true

json "connector decommission" '.status' decommissioned connector decommission CN-1 --yes
empty "connector delete" connector delete CN-2 --yes
expect_rc "connector show CN-2 after delete" 1 connector show CN-2
empty "edge delete" edge delete MTGE-1 --yes

# The same writes in the table format say what they did.
expect_rc "edge create (table)" 0 edge create --serial EDGE-2 --name dc2 --kind dedicated \
	--region eu --endpoint 192.0.2.3:51820
contains "edge create says what it did" "$out" "created edge EDGE-2"
expect_rc "edge delete (table)" 0 edge delete EDGE-2 --yes
contains "edge delete says what it did" "$out" "EDGE-2"

# Refused writes print nothing on stdout, even with -o json.
expect_rc "a refused write with -o json" 1 connector approve CN-1 -o json
check "stdout stays empty" test -z "$out"
contains "the error names the connector" "$err" "CN-1"

done_testing
