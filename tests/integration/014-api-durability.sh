#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A write answered 2xx survives SIGKILL of serve right after the answer;
# a restart serves it, and a second restart does not write a new admin token.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
TOKEN=$(cat "$T/data/admin.token")
api POST /v1/tenants '{"id":"acme"}'
expect_status "a write is acknowledged" 201 POST '/v1/connectors?tenant=acme' \
	'{"serial":"CN-DUR","name":"durable"}'
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
start_serve "$T/data"
expect_status "after SIGKILL and restart the write is there" 200 GET '/v1/connectors/CN-DUR?tenant=acme'
jq_is "with its name" .name durable
check "the admin token was not replaced" test "$(cat "$T/data/admin.token")" = "$TOKEN"
check "serve said nothing about a first start the second time" \
	bash -c "! grep -q 'first start' '$SERVE_LOG'"

done_testing
