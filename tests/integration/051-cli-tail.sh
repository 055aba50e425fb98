#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tail against a real serve and mosquitto, devices played by
# mosquitto_pub/sub: a confirmation shows with its verdict within a
# deadline, as a decoded line and as one JSON object per line; type aliases
# and --device filter; --after replays; a restart of serve is survived and
# the stream resumes; Ctrl-C (and SIGTERM) end it with status 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/devices.sh"

start_broker || exit 1
# serve on a port of its own, so that a restart keeps the address.
start_fixed_serve 1
use_serve "http://127.0.0.1:$PORT"
start_devices

new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
for i in 1 2; do
	run_nc connector create --serial "CN-$i" --name "b$i" --hub EDGE-1
	run_nc connector approve "CN-$i"
done

expect_rc "an unknown event type exits 2" 2 tail --type confirm,bogus
contains "the type is named, with the known ones" "$err" "unknown event type \`bogus'; known: tunnel"
expect_rc "a bad --after exits 2" 2 tail --after soon

# Both formats, started before anything happens; each says when it follows.
spawn tailjson "$NETCTL" tail --type confirm -o json
TJ=$pid
spawn tailtext "$NETCTL" tail --type confirm,sync,lifecycle
TT=$pid
spawn taildev "$NETCTL" tail --type confirm --device CN-2 -o json
TD=$pid
following() { grep -q '^following the events of' "$T/$1.log"; }
check "tail -o json says on stderr that it follows" wait_until 10 following tailjson
check "tail (table) says so too" wait_until 10 following tailtext
wait_until 10 following taildev

run_nc sync now CN-1
confirmed() { grep -q '"verdict":"verified"' "$T/tailjson.out"; }
check "tail -o json shows the confirmation within 10s" wait_until 10 confirmed
line=$(grep -m1 '"type":"confirm"' "$T/tailjson.out")
check "each line is one JSON object" jq -e . <<<"$line"
check "it is CN-1's, verified" \
	test "$(jq -r '[.device, .verdict, .state] | join(" ")' <<<"$line")" = "CN-1 verified synced"
check "only confirmations pass --type confirm" \
	bash -c "jq -r .type '$T/tailjson.out' | sort -u | grep -qx confirm"
decoded() { grep -q 'CN-1 .*confirm .*seq [0-9]* ✓ verified' "$T/tailtext.out"; }
check "the table format decodes it: seq, ✓ and the verdict" wait_until 10 decoded
contains "with the hash and the outcome" "$(grep -m1 'verified' "$T/tailtext.out")" "→ synced"
check "the sync alias shows the batch sent" grep -q 'CN-1 .*batch_sent .*sent (sync now)' \
	"$T/tailtext.out"
check "and the state" grep -q 'CN-1 .*sync_state .*synced seq' "$T/tailtext.out"
check "lifecycle moves show" grep -q 'CN-1 .*lifecycle .*approved → provisioned' \
	"$T/tailtext.out"
check "no escape codes when not on a terminal" bash -c "! grep -q $'\\033' '$T/tailtext.out'"
check "--device CN-2 left CN-1 out" bash -c "! grep -q CN-1 '$T/taildev.out'"

# A wrong hash: the verdict says so.
echo CN-2 >"$T/dev/bad"
run_nc sync now CN-2
mismatch() { grep -q 'CN-2 .*confirm .*✗ hash_mismatch' "$T/tailtext.out"; }
check "a wrong hash shows ✗ hash_mismatch" wait_until 10 mismatch
contains "with the hash expected" "$(grep -m1 'hash_mismatch' "$T/tailtext.out")" "(expected "
devmatch() { grep -q '"verdict":"hash_mismatch"' "$T/taildev.out"; }
check "the --device CN-2 tail has it" wait_until 10 devmatch
: >"$T/dev/bad"

# --after replays what the ring still holds.
spawn replay "$NETCTL" tail --type confirm --after 0 -o json
RP=$pid
replayed() { test "$(grep -c '"type":"confirm"' "$T/replay.out")" -ge 2; }
check "tail --after 0 replays the confirmations kept" wait_until 10 replayed
stop "$RP"

# -n N and --since show recent events first, then follow on.
spawn lastone "$NETCTL" tail --type confirm -n 1 -o json
LO=$pid
check "tail -n 1 shows the newest confirmation at once" \
	wait_until 10 grep -q '"device":"CN-2"' "$T/lastone.out"
check "and only it" test "$(grep -c . "$T/lastone.out")" = 1
check "then follows" wait_until 10 following lastone
run_nc sync now CN-1
followed() { test "$(grep -c '"device":"CN-1"' "$T/lastone.out")" = 1; }
check "what comes after shows once, none twice" wait_until 10 followed
stop "$LO"
spawn since "$NETCTL" tail --type confirm --since 10m -o json
SI=$pid
recent() { test "$(grep -c '"type":"confirm"' "$T/since.out")" -ge 3; }
check "tail --since 10m shows the confirmations of the last 10 minutes" wait_until 10 recent
stop "$SI"
spawn future "$NETCTL" tail --type confirm --since 2099-01-01T00:00:00Z -o json
FU=$pid
check "--since a time still to come shows none and follows" wait_until 10 following future
check "none shown" test ! -s "$T/future.out"
stop "$FU"
expect_rc "-n wants a count" 2 tail -n 0
contains "saying what it takes" "$err" "-n: \`0' is not a count from 1 to 1000"
expect_rc "--since wants a duration or a time" 2 tail --since yesterday
contains "naming both" "$err" "neither a duration (10m, 2h) nor a time"
expect_rc "-n and --after are alternatives" 2 tail -n 5 --after 3

# serve restarts: tail reconnects, resumes, and shows what comes after.
stop "$SERVE_PID"
lost() { grep -q 'event stream lost' "$T/tailtext.log"; }
check "tail notices the lost stream" wait_until 10 lost
check "and keeps running" kill -0 "$TT"
start_fixed_serve 2
back() { grep -q 'event stream back' "$T/tailtext.log"; }
check "tail reconnects after the restart" wait_until 15 back
# The restarted core publishes once its broker connection is back.
connected() { curl -fsS "http://127.0.0.1:$PORT/healthz" | jq -e '.broker.connected' >/dev/null; }
wait_until 20 connected
before=$(grep -c 'verified' "$T/tailtext.out")
run_nc sync now CN-1
after_restart() { test "$(grep -c 'verified' "$T/tailtext.out")" -gt "$before"; }
check "and shows the confirmations that follow" wait_until 10 after_restart
check "it says events of the old run were missed" grep -q 'gap .*were missed' "$T/tailtext.out"
json_after() { test "$(grep -c '"verdict":"verified"' "$T/tailjson.out")" -ge 2; }
check "the JSON tail too" wait_until 10 json_after

# Ctrl-C and SIGTERM end tail with status 0.
kill -INT "$TJ"
wait "$TJ"
rc=$?
check "Ctrl-C ends tail with status 0" test "$rc" = 0
kill -TERM "$TT"
wait "$TT"
rc=$?
check "SIGTERM too" test "$rc" = 0
# Events keep coming after the tails left: the server notices they are gone.
run_nc sync now CN-1 --wait --timeout 20s
check "a client leaving the stream is no warning in the server's log" \
	bash -c "! grep -n 'warn: http' '$T'/serve*.log"

# A server that cannot be reached: exit 3 at once.
expect_rc "tail of an unreachable server exits 3" 3 --server "http://127.0.0.1:$(free_port)" tail
contains "the error names the server" "$err" "cannot reach"
expect_rc "tail with a bad token exits 4" 4 --token nct_bad tail

done_testing
