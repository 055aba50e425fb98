#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GET /v1/events: a client reading the stream sees another client's writes
# as they happen, filters by type and device, resumes with Last-Event-ID
# without losing anything, and is told clearly when what it asks for has
# left the ring.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data" --event-ring 64
TOKEN=$(cat "$T/data/admin.token")
api POST /v1/tenants '{"id":"acme"}'

spawn stream curl -sN -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events"
stream_pid=$pid
wait_until 5 grep -q '^retry:' "$T/stream.out"
api POST '/v1/edges?tenant=acme' '{"serial":"EDGE-1","name":"e","kind":"dedicated","endpoint":"192.0.2.1:51820"}'
api POST '/v1/connectors?tenant=acme' '{"serial":"CN-1","name":"c","hub_edge":"EDGE-1"}'
api POST '/v1/connectors/CN-1/approve?tenant=acme'
check "the stream shows the audit of the write" wait_until 5 grep -q '"type":"audit"' "$T/stream.out"
check "the stream shows the lifecycle change" \
	wait_until 5 grep -q '"type":"lifecycle".*"to":"approved"' "$T/stream.out"
check "the stream shows the dirty mark with its reason" \
	wait_until 5 grep -q '"type":"dirty".*"reason":"connector CN-1 approved"' "$T/stream.out"
check "events carry ids" grep -q '^id: [0-9]' "$T/stream.out"
first=$(grep -m1 '^id:' "$T/stream.out" | cut -d' ' -f2)
kill "$stream_pid"

# Filters.
out=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=lifecycle")
check "type= keeps only that type" bash -c "! grep '^data:' <<<'$out' | grep -v '\"type\":\"lifecycle\"'"
contains "type= keeps the lifecycle event" "$out" '"to":"approved"'
out=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&device=EDGE-1")
check "device= keeps only that device" bash -c "! grep '^data:' <<<'$out' | grep -v '\"device\":\"EDGE-1\"'"

# Resume: everything after the given id, nothing lost, nothing repeated.
last=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0" | grep '^id:' | tail -n1 | cut -d' ' -f2)
mid=$((last - 3))
api PATCH '/v1/connectors/CN-1?tenant=acme' '{"name":"renamed"}'
out=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" -H "Last-Event-ID: $mid" "$SERVER/v1/events")
ids=$(grep '^id:' <<<"$out" | cut -d' ' -f2 | tr '\n' ' ')
want=$(seq $((mid + 1)) "$((last + 1))" | tr '\n' ' ')
check "Last-Event-ID resumes right after it, in order, without gaps" test "$ids" = "$want"

# A resume point that left the ring (64 events) is reported, not hidden.
for i in $(seq 1 40); do
	api POST '/v1/connectors?tenant=acme' "{\"serial\":\"CN-X$i\",\"name\":\"x\"}"
done
out=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" -H "Last-Event-ID: $first" "$SERVER/v1/events")
contains "a lost resume point is reported as a gap" "$out" "\"type\":\"gap\",\"after\":$first,"
contains "the gap says what to do" "$out" "reload current state"

done_testing
