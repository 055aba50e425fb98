#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event ids keep increasing across restarts of serve on the same data dir:
# the N-th start numbers its events from N * 2^32 + 1. A client that
# resumes with an id from before a restart (Last-Event-ID or after=) is told
# that events were lost (gap) and then gets the new run's events from its
# first one; so is a client with an id beyond the newest. Twice: a clean
# stop, then SIGKILL.
. "$(dirname "$0")/lib.sh"

BLOCK=4294967296 # 2^32

# stream [CURL-ARGS...] URL: what the stream sends within a second.
stream() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$@"; }
ids() { grep '^id:' <<<"$1" | cut -d' ' -f2; }
# first_data TEXT: the first data line, without "data: ".
first_data() { grep -m1 '^data:' <<<"$1" | cut -d' ' -f2-; }
# from_to TEXT FIRST LAST: the ids of TEXT are exactly FIRST..LAST in order.
from_to() { test "$(ids "$1" | tr '\n' ' ')" = "$(seq "$2" "$3" | tr '\n' ' ')"; }
# ids_match TEXT: each id: line names the event its data line holds.
ids_match() {
	test "$(ids "$1")" = "$(grep '^data: {"id"' <<<"$1" | cut -d' ' -f2- | jq -r .id)"
}
# gap_first TEXT AFTER: the stream opens with the gap notice for AFTER,
# without an id, before any event.
gap_first() {
	local d
	d=$(first_data "$1")
	test "$(jq -r '[.type, .after] | join(" ")' <<<"$d")" = "gap $2" &&
		test "$(grep -m1 -E '^(id|data):' <<<"$1")" = "data: $d"
}
status_of() {
	curl -s -o /dev/null -w '%{http_code}' -m 2 -H "Authorization: Bearer $TOKEN" "$@"
}
# writes N: N connectors more, so N audit events at least.
n_conn=0
writes() {
	local i
	for i in $(seq 1 "$1"); do
		n_conn=$((n_conn + 1))
		api POST '/v1/connectors?tenant=acme' "{\"serial\":\"CN-$n_conn\",\"name\":\"c\"}"
	done
}

# Run 1: the first start takes block 1.
start_serve "$T/data"
TOKEN=$(cat "$T/data/admin.token")
api POST /v1/tenants '{"id":"acme"}'
writes 3
run1=$(stream "$SERVER/v1/events?after=0")
first1=$(ids "$run1" | head -n1)
last1=$(ids "$run1" | tail -n1)
check "the first start numbers its events from 2^32 + 1" test "$first1" = $((BLOCK + 1))
check "run 1 has ids ${first1}..${last1} in order" from_to "$run1" "$first1" "$last1"
check "the JSON id is the id: line's, exactly" ids_match "$run1"
check "ids stay below 2^53" test "$last1" -lt 9007199254740992

# Run 2, after a clean stop.
stop "$SERVE_PID"
start_serve "$T/data"
out=$(stream -H "Last-Event-ID: $last1" "$SERVER/v1/events")
check "before any event of the new run, the gap comes at once" gap_first "$out" "$last1"
check "and nothing else yet" test "$(grep -c '^data:' <<<"$out")" = 1
writes 2
run2=$(stream "$SERVER/v1/events?after=0")
first2=$(ids "$run2" | head -n1)
last2=$(ids "$run2" | tail -n1)
check "the second start numbers its events from 2 * 2^32 + 1" test "$first2" = $((2 * BLOCK + 1))
check "after=0 reads the new run from its first event, no gap" \
	bash -c "! grep -q '\"type\":\"gap\"' <<<'$run2'"

out=$(stream -H "Last-Event-ID: $last1" "$SERVER/v1/events")
check "resuming with the last id before the restart opens with a gap" gap_first "$out" "$last1"
contains "the gap says what to do" "$out" "reload current state"
check "then every event of the new run, from its first" from_to "$out" "$first2" "$last2"
check "all of them above every id of run 1" \
	bash -c "for i in \$(grep '^id:' <<<'$out' | cut -d' ' -f2); do [ \$i -gt $last1 ] || exit 1; done"
check "with their JSON ids" ids_match "$out"
byq=$(stream "$SERVER/v1/events?after=$last1")
check "after= is the same as Last-Event-ID" test "$byq" = "$out"
out=$(stream -H "Last-Event-ID: $first1" "$SERVER/v1/events")
check "any id of run 1 is a gap" gap_first "$out" "$first1"
check "followed by run 2 from its first" from_to "$out" "$first2" "$last2"

out=$(stream -H "Last-Event-ID: $first2" "$SERVER/v1/events")
check "an id of this run resumes right after it, no gap" from_to "$out" $((first2 + 1)) "$last2"
check "with no gap notice" bash -c "! grep -q '\"type\":\"gap\"' <<<'$out'"
beyond=$((last2 + 1000))
out=$(stream -H "Last-Event-ID: $beyond" "$SERVER/v1/events")
check "an id beyond the newest (never issued) is a gap" gap_first "$out" "$beyond"
check "followed by this run from its first" from_to "$out" "$first2" "$last2"
out=$(stream -H "Last-Event-ID: $((3 * BLOCK + 5))" "$SERVER/v1/events")
check "so is an id of a later block" gap_first "$out" $((3 * BLOCK + 5))

check "a stream without a resume point starts with the next event" \
	bash -c "! grep -q '^data:' <<<'$(stream "$SERVER/v1/events")'"
for bad in abc -1 +5 1.5 99999999999999999999; do
	check "after=$bad is a 422" test "$(status_of "$SERVER/v1/events?after=$bad")" = 422
done
check "so is Last-Event-ID: 12x" \
	test "$(status_of -H 'Last-Event-ID: 12x' "$SERVER/v1/events")" = 422

# Run 3, after SIGKILL: the block was recorded at start, not at stop.
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
start_serve "$T/data"
writes 2
run3=$(stream "$SERVER/v1/events?after=0")
first3=$(ids "$run3" | head -n1)
last3=$(ids "$run3" | tail -n1)
check "after SIGKILL the third start numbers from 3 * 2^32 + 1" test "$first3" = $((3 * BLOCK + 1))
out=$(stream -H "Last-Event-ID: $last2" "$SERVER/v1/events")
check "resuming with run 2's last id opens with a gap" gap_first "$out" "$last2"
check "then run 3 from its first, all above run 2" from_to "$out" "$first3" "$last3"
out=$(stream "$SERVER/v1/events?after=$last1")
check "an id of two runs ago is a gap too" gap_first "$out" "$last1"
check "followed by run 3 from its first" from_to "$out" "$first3" "$last3"

# A client that follows the stream live across a restart: curl resuming
# by hand as an EventSource would, with the last id it saw.
spawn live curl -sN -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events"
live_pid=$pid
wait_until 5 grep -q '^retry:' "$T/live.out"
writes 1
check "the live stream gets the write" wait_until 5 grep -q '^id:' "$T/live.out"
seen=$(ids "$(cat "$T/live.out")" | tail -n1)
kill "$live_pid"
stop "$SERVE_PID"
start_serve "$T/data"
writes 1
out=$(stream -H "Last-Event-ID: $seen" "$SERVER/v1/events")
check "it resumes after the restart with a gap" gap_first "$out" "$seen"
check "and the fourth run's events, above what it saw" \
	test "$(ids "$out" | head -n1)" = $((4 * BLOCK + 1))

done_testing
