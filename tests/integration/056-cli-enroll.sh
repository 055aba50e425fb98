#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# enroll-key create|list|revoke against a real serve: the secret shown once
# (alone with -q), never listed; JSON shapes; revocation; the admin role.
# Skipped while the server has no /v1/enrollment-keys.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
use_serve
api GET /v1/enrollment-keys
if [ "$status" = 404 ]; then
	ok "# SKIP the server has no /v1/enrollment-keys yet"
	done_testing
	exit
fi
new_tenant acme

expect_rc "enroll-key create" 0 enroll-key create --name branches --expires 24h
contains "it says what it did" "$out" "created enrollment key"
contains "the key is shown once" "$out" "key: "
expect_rc "enroll-key create -q prints only the key" 0 -q enroll-key create --name lab
KEY=$out
check "the key is one word" bash -c '[ -n "$1" ] && [ "$1" = "${1%% *}" ]' _ "$KEY"
expect_rc "enroll-key create -o json" 0 enroll-key create --name ci -o json
jq_out "JSON has the key" '.key | length > 0' true
jq_out "and the tenant" .tenant acme
jq_out "and no role" 'has("role")' false
ID=$(jq -r .id <<<"$out")
expect_rc "enroll-key create without --name exits 2" 2 enroll-key create
expect_rc "a bad --expires exits 2" 2 enroll-key create --name x --expires soon

expect_rc "enroll-key list" 0 enroll-key list
contains "the table has its columns" "$out" "ID"
contains "and the names" "$out" "branches"
expect_rc "enroll-key list -o json" 0 enroll-key list -o json
jq_out "three keys" '.items | length' 3
jq_out "no secret is listed" '[.items[] | select(has("key"))] | length' 0
expect_rc "enroll-key ls -q (alias)" 0 -q enroll-key ls
check "-q lists the ids" grep -qx "$ID" <<<"$out"

expect_rc "enroll-key revoke" 0 enroll-key revoke "$ID" --yes
contains "it says so" "$out" "revoked enrollment key $ID"
expect_rc "enroll-key list -o json after revoke" 0 enroll-key list -o json
jq_out "the key is revoked" ".items[] | select(.id == \"$ID\") | .revoked" true
expect_rc "revoking an unknown key exits 1" 1 enroll-key revoke 0000000000000000 --yes
expect_rc "revoke without an id exits 2" 2 enroll-key revoke

OPER=$(NETCTL_TENANT= "$NETCTL" -q token create --name op --role operator --tenant acme)
expect_rc "an operator cannot create enrollment keys (4)" 4 --token "$OPER" enroll-key create --name x

done_testing
