#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The API stays up under what clients can hold: with 2,000 idle connections
# from 40 addresses and 1,000 open event streams from 20 others, /healthz
# answers in under a second and `connector list` works; past the stream cap
# a client gets 503 with Retry-After; past the per-address limit a
# connection is closed; a body announced over the cap gets 413 at once,
# unread; a chunked body over it gets 413; idle connections are closed after
# the idle timeout while event streams outlive it on their keepalives.
. "$(dirname "$0")/lib.sh"

# tests/tools/holdconn holds the sockets (make check builds it); built here
# when this script runs alone.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HOLDCONN=${HOLDCONN:-$ROOT/build/tests/tools/holdconn}
if [ ! -x "$HOLDCONN" ]; then
	HOLDCONN=$T/holdconn
	cc -O2 -o "$HOLDCONN" "$ROOT/tests/tools/holdconn.c" || exit 1
fi

# last_is FILE LINE: the last counts holdconn printed are LINE.
last_is() {
	[ "$(tail -n1 "$1" 2>/dev/null)" = "$2" ]
}

start_serve "$T/data" --max-streams 1000 --max-per-ip 64
TOKEN=$(cat "$T/data/admin.token")
PORT=${SERVER##*:}
api POST /v1/tenants '{"id":"acme"}'
api POST '/v1/connectors?tenant=acme' '{"serial":"CN-1","name":"branch-1"}'
printf 'GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n' \
	"$TOKEN" >"$T/events.req"

spawn idle "$HOLDCONN" -p "$PORT" -n 2000 -b 127.0.1.1 -a 40 -t 50
idle_pid=$pid
spawn streams "$HOLDCONN" -p "$PORT" -n 1000 -b 127.0.2.1 -a 20 -f "$T/events.req" \
	-w 'retry:' -t 50
streams_pid=$pid
check "2,000 idle connections from 40 addresses are held open" \
	wait_until 30 last_is "$T/idle.out" 'open=2000 ready=0 closed=0 failed=0'
check "1,000 event streams from 20 other addresses are open and streaming" \
	wait_until 30 last_is "$T/streams.out" 'open=1000 ready=1000 closed=0 failed=0'

got=$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$SERVER/healthz")
if [ "${got% *}" = 200 ] && awk -v t="${got#* }" 'BEGIN { exit !(t < 1.0) }'; then
	ok "/healthz answers 200 in under a second meanwhile ($got s)"
else
	not_ok "/healthz answers 200 in under a second meanwhile" "got: $got"
fi
run_nc --server "$SERVER" --token "$TOKEN" --tenant acme connector list -o json
jq_out "connector list works meanwhile" '.items[0].serial' CN-1

hdr=$T/cap.hdr
status=$(curl -s -m 5 -D "$hdr" -o "$T/cap.body" -w '%{http_code}' \
	-H "Authorization: Bearer $TOKEN" "$SERVER/v1/events")
body=$(cat "$T/cap.body")
check "past the stream cap a client gets 503" test "$status" = 503
check "the 503 says when to retry (Retry-After)" grep -qi '^Retry-After: [0-9]' "$hdr"
jq_is "the 503 names the cap" '.error.code' too_many_streams
contains "the 503 names the option" "$body" "--max-streams"

"$HOLDCONN" -p "$PORT" -n 70 -b 127.0.3.1 -a 1 -t 2 >"$T/perip.out"
check "past the per-address limit (64) connections are closed" \
	last_is "$T/perip.out" 'open=64 ready=0 closed=6 failed=0'

# A body announced at 1 TB, never sent: 413 at once, and the connection ends.
start=$(date +%s%N)
resp=$(
	exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
	printf 'POST /v1/tenants HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n' \
		"$TOKEN" >&3
	timeout 5 cat <&3
)
ms=$((($(date +%s%N) - start) / 1000000))
contains "an oversized Content-Length gets 413" "$resp" "HTTP/1.1 413"
contains "the 413 says what the cap is" "$resp" '"code":"too_large"'
check "the 413 comes at once, the body unread (${ms} ms)" test "$ms" -lt 1000

status=$(head -c 1500000 /dev/zero | tr '\0' ' ' |
	curl -s -o /dev/null -m 10 -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary @- "$SERVER/v1/tenants")
check "a chunked body over the cap gets 413" test "$status" = 413

check "the server dropped none of the held connections meanwhile" \
	last_is "$T/idle.out" 'open=2000 ready=0 closed=0 failed=0'
kill "$idle_pid" "$streams_pid" 2>/dev/null
got=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$SERVER/healthz")
check "the server still answers when they go" test "$got" = 200

# A short idle timeout: silent connections go, streams stay on keepalives.
start_serve "$T/data2" --idle-timeout 2s
TOKEN=$(cat "$T/data2/admin.token")
spawn follow curl -sN -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events"
follow_pid=$pid
spawn quiet "$HOLDCONN" -p "${SERVER##*:}" -n 100 -b 127.0.4.1 -a 10 -t 20
check "100 connections are held" wait_until 10 grep -q '^open=100 ' "$T/quiet.out"
check "idle connections are closed after the idle timeout" \
	wait_until 10 last_is "$T/quiet.out" 'open=0 ready=0 closed=100 failed=0'
keepalives() {
	[ "$(grep -c '^: keepalive' "$T/follow.out")" -ge "$1" ]
}
check "a quiet event stream gets keepalives within the idle timeout" wait_until 10 keepalives 4
check "and outlives the idle timeout" kill -0 "$follow_pid"
api POST /v1/tenants '{"id":"late"}'
check "and still carries events" wait_until 5 grep -q '"tenant":"late"' "$T/follow.out"

done_testing
