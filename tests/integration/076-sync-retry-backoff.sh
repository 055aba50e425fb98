#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A device whose agent fails every batch is retried with one doubling
# backoff, capped at an hour: `sync show' (text and JSON) and GET /v1/sync
# show the attempts growing, the next retry time and the cap; an auto-sync
# tick re-sends a failing device that was marked dirty only when its turn
# comes, not at the next tick; Sync Now sends at once and starts the
# backoff over.
. "$(dirname "$0")/lib.sh"

start_core --reconcile 500ms --auto-sync 200ms
q='?tenant=acme'
field() { api GET "/v1/devices/$1/sync$q"; jq -r "$2" <<<"$body"; }
attempts_at_least() { test "$(field F0001 '.retry.attempts // 0')" -ge "$1"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
ms_of() { date -d "$1" +%s%3N; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/connectors$q" '{"serial":"F0001","name":"f1","lan_subnets":["192.168.1.0/24"]}'
api POST "/v1/connectors/F0001/approve$q"
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 1 --serial-prefix F --fail-rate 1
check "the device connects" wait_until 20 grep -q 'connected to the broker' "$T/fleet.log"
check "its agent fails the batch" wait_until 10 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/F0001/sync$q' | jq -e '.state == \"failed\"'"

check "it is retried" wait_until 10 attempts_at_least 1
api GET "/v1/devices/F0001/sync$q"
jq_is "the retry shows the cap, an hour" .retry.cap_s 3600
check "and when the next retry is due" bash -c "jq -e '.retry.next_at | test(\"^20[0-9-]+T\")' <<<'$body'"
check "the attempts grow" wait_until 20 attempts_at_least 4
resends() { events "type=batch_sent&device=F0001" | grep '"reason":"reconcile"' |
	sed 's/.*"ts":"\([^"]*\)".*/\1/'; }
gaps=$(resends | head -n 4 | while read -r t; do ms_of "$t"; done |
	awk 'NR > 1 { print $1 - prev } { prev = $1 }')
echo "# retry gaps (ms): "$gaps
check "each wait about twice the one before" \
	bash -c "awk 'NR > 1 && \$1 < prev * 1.5 { bad = 1 } { prev = \$1 } END { exit bad || NR < 3 }' <<<'$gaps'"
api GET "/v1/sync$q"
check "GET /v1/sync shows the retry too" \
	bash -c "jq -e '.items[] | select(.serial == \"F0001\") | .retry.attempts >= 4' <<<'$body'"

run_nc sync show F0001 --tenant acme
retry=$(grep '^Retry:' <<<"$out")
echo "# $retry"
check "sync show prints the retries so far" \
	grep -Eq '^Retry: +([4-9]|[1-9][0-9]+) so far, ' <<<"$retry"
check "when the next is due" grep -Eq ', (next in [0-9]+[sm]|due now), ' <<<"$retry"
contains "and the cap" "$retry" "at most every 1h"
run_nc sync show F0001 --tenant acme -o json
jq_out "sync show -o json carries the cap" .retry.cap_s 3600

# Dirty while failing: the auto-sync tick (every 200 ms) waits for the retry's turn.
check "a wait of several seconds is ahead" wait_until 20 attempts_at_least 5
api GET "/v1/devices/F0001/sync$q"
next=$(jq -r .retry.next_at <<<"$body")
autosyncs() { events "type=batch_sent&device=F0001" | grep '"reason":"auto-sync"'; }
before=$(events "type=batch_sent&device=F0001" | grep -c '^data:')
na=$(autosyncs | wc -l)
api PATCH "/v1/connectors/F0001$q" '{"routes":[{"dst":"10.99.0.0/16","via":"192.168.1.1"}]}'
check "the change makes it pending" test "$(field F0001 .state)" = pending
check "auto-sync sends it" wait_until 20 bash -c "test \$(curl -s -m 1 -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/events?after=0&type=batch_sent&device=F0001' | grep -c '\"reason\":\"auto-sync\"') -gt $na"
sent=$(autosyncs | tail -n 1 | sed 's/.*"ts":"\([^"]*\)".*/\1/')
echo "# next retry $next, auto-sync sent at $sent"
check "only when its turn came, not at the next tick" \
	test "$(ms_of "$sent")" -ge $(($(ms_of "$next") - 1000))
check "nothing else was sent meanwhile" \
	test "$(events "type=batch_sent&device=F0001" | grep -c '^data:')" = $((before + 1))

# Sync Now: sent at once, and the backoff starts over.
check "the backoff is long again" wait_until 20 attempts_at_least 6
expect_rc "sync now of the failing device" 0 sync now F0001 --tenant acme
api GET "/v1/devices/F0001/sync$q"
check "starts the retries over" test "$(jq '.retry.attempts // 0' <<<"$body")" -le 1

done_testing
