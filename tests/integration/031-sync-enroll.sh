#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Enrollment keys: an admin makes one for a tenant; an unknown device that
# registers with it becomes a connector of that tenant, pending approval,
# with its public key; a wrong, revoked or missing key is ignored with an
# event; an enrollment key is never an API token; registration never approves.
. "$(dirname "$0")/lib.sh"

start_core
api POST /v1/tenants '{"id":"acme"}'
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"

expect_status "an admin makes an enrollment key" 201 POST '/v1/enrollment-keys?tenant=acme' '{"name":"factory"}'
KEY=$(jq -r .key <<<"$body")
KID=$(jq -r .id <<<"$body")
check "the key is shown once, as nce_..." bash -c "[[ '$KEY' == nce_* ]]"
expect_status "list the keys" 200 GET /v1/enrollment-keys
jq_is "the list names it" '.items[0].name' factory
check "the list never shows the secret" bash -c "! grep -q '${KEY##*_}' <<<'$body'"
expect_status "an enrollment key is not an API token" 401 GET /v1/edges - "$KEY"
expect_status "tokens do not list enrollment keys" 200 GET /v1/tokens
jq_is "only the admin token" '[.items[].name] | join(",")' admin
expect_status "an operator cannot make keys" 403 POST '/v1/enrollment-keys' '{"name":"x"}' \
	"$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		-d '{"name":"op","role":"operator","tenant":"acme"}' "$SERVER/v1/tokens" | jq -r .token)"

pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
reg() { pub "VSR/$1/register" "{\"v\":1,\"serial\":\"$1\",\"kind\":\"connector\",\"public_key\":\"$2\",\"hostname\":\"branch-$1\",\"agent\":\"test\",\"enrollment_key\":\"$3\"}"; }
K1=$(wg genkey | wg pubkey)
reg CN-NEW "$K1" "$KEY"
exists() { api GET "/v1/connectors/$1?tenant=acme"; test "$status" = 200; }
check "a device with a valid key becomes a connector" wait_until 5 exists CN-NEW
api GET '/v1/connectors/CN-NEW?tenant=acme'
jq_is "pending approval" .status pending_approval
jq_is "with its public key" .public_key "$K1"
jq_is "named after its hostname" .name branch-CN-NEW

events() { curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=ignored,register"; }
reg CN-BAD "$(wg genkey | wg pubkey)" "nce_0000000000000000_$(printf '%064d' 0)"
reg CN-NONE "$(wg genkey | wg pubkey)" ""
ignored_n() { test "$(events | grep -c '"type":"ignored"')" -ge "$1"; }
check "a wrong key and no key are ignored with events" wait_until 5 ignored_n 2
expect_status "no connector for the wrong key" 404 GET '/v1/connectors/CN-BAD?tenant=acme'
expect_status "no connector without a key" 404 GET '/v1/connectors/CN-NONE?tenant=acme'

expect_status "revoke the key" 204 DELETE "/v1/enrollment-keys/$KID"
reg CN-LATE "$(wg genkey | wg pubkey)" "$KEY"
check "a revoked key is ignored" wait_until 5 ignored_n 3
contains "it says revoked" "$(events)" "revoked"
expect_status "no connector for a revoked key" 404 GET '/v1/connectors/CN-LATE?tenant=acme'
check "the key never reaches the log" bash -c "! grep -q '${KEY##*_}' '$SERVE_LOG'"
check "nor the events" bash -c "! curl -s -m 2 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0' | grep -q '${KEY##*_}'"

done_testing
