#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A simulated fleet (`netctl agent --fleet N') against a real mosquitto and
# serve: 1,000 connectors are created and approved through the API, Sync Now
# for all of them converges; with 20 % of the confirmations dropped the core
# still converges (apply timeout, reconcile); with --fail-rate some devices
# end failed (agent_failure) with their failures kept; --restart-stale and
# --offline-rate behave as documented.
. "$(dirname "$0")/lib.sh"

N=${FLEET_N:-1000}
start_core --apply-timeout 2s --reconcile 2s --stale-delay 1s \
	--heartbeat 10s --tunnel-interval 30s --event-ring 200000
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'

# fleet NAME ARGS...: a fleet of $N devices, P0001..., logging to $T/NAME.log.
fleet() { spawn_fleet "$1" "$N" P --heartbeat 10s --tunnel-interval 30s "${@:2}"; }
# curl_all FILE: runs the requests of a curl config file, 4 at a time on kept-alive
# connections; prints the HTTP status of each.
curl_all() {
	curl -s --parallel --parallel-max 4 -K "$1" 2>>"$T/curl.err"
}
hdr="header = \"Authorization: Bearer $TOKEN\"
output = \"/dev/null\"
write-out = \"%{http_code}\\n\""

fleet fleet1 --seed 7
check "the fleet connects its 8 connections" wait_until 20 grep -q 'all 8 connections up' "$FLEET_LOG"

t0=$(date +%s%N)
for i in $(seq 1 "$N"); do
	s=$(printf 'P%04d' "$i")
	[ "$i" -gt 1 ] && echo next
	printf 'url = "%s/v1/connectors%s"\n%s\nheader = "Content-Type: application/json"\n' \
		"$SERVER" "$q" "$hdr"
	printf 'data = "{\\"serial\\":\\"%s\\",\\"name\\":\\"%s\\",\\"lan_subnets\\":[\\"172.%d.%d.0/24\\"],\\"nat\\":{\\"enabled\\":true,\\"wan_interface\\":\\"eth0\\"}}"\n' \
		"$s" "$s" $((16 + i / 250)) $((i % 250))
done >"$T/create.curl"
check "$N connectors are created" test "$(curl_all "$T/create.curl" | grep -c '^201$')" -eq "$N"
for i in $(seq 1 "$N"); do
	[ "$i" -gt 1 ] && echo next
	printf 'url = "%s/v1/connectors/P%04d/approve%s"\nrequest = "POST"\n%s\n' \
		"$SERVER" "$i" "$q" "$hdr"
done >"$T/approve.curl"
check "and approved" test "$(curl_all "$T/approve.curl" | grep -c '^200$')" -eq "$N"
echo "# created and approved $N connectors in $((($(date +%s%N) - t0) / 1000000)) ms"

# sync_all: Sync Now for every device; $SYNC holds the reply (the seq sent to each).
sync_all() {
	api POST "/v1/sync$q" '{"all":true}'
	SYNC=$body
	printf '%s' "$body" >"$T/sync.json"
	T_SYNC=$(date +%s%N)
	[ "$status" = 202 ] || echo "# Sync Now: HTTP $status: $body"
}
# count STATE: devices Sync Now reached that are in STATE with the seq it sent (or a later
# one); 0 on error.
count() {
	local n
	api GET "/v1/sync$q&state=$1&limit=1000"
	# The reply is too big for one argument (128 KiB): read from a file.
	n=$(jq --slurpfile sent "$T/sync.json" '([$sent[0].items[] | {(.serial): .seq}] | add) as $s |
		[.items[] | select($s[.serial] != null and .seq >= $s[.serial])] | length' <<<"$body" 2>/dev/null)
	echo "${n:-0}"
}
all_synced() { test "$(count synced)" -eq "$N"; }
# explain: after a failed wait, what the devices Sync Now reached are doing:
# a count per state, and the first few that are not synced.
explain() {
	api GET "/v1/sync$q&limit=1000"
	jq -r --slurpfile sent "$T/sync.json" '([$sent[0].items[] | {(.serial): .seq}] | add) as $s |
		[.items[] | select($s[.serial] != null)] as $d |
		"# by state: \($d | group_by(.state) | map("\(.[0].state) \(length)") | join(", "))",
		($d[] | select(.state != "synced" or .seq < $s[.serial]) |
			"# \(.serial): \(.state) seq \(.seq) (sent \($s[.serial])) \(.fail_reason // "")") ' \
		<<<"$body" 2>&1 | head -n 12
	tail -n 5 "$FLEET_LOG" | sed 's/^/# fleet: /'
}
# summary: stops the fleet (in this shell, which started it); $FLEET_RC is its exit
# status and $LINE its closing summary line.
summary() {
	stop "$FLEET_PID"
	FLEET_RC=$?
	LINE=$(grep 'batches applied' "$FLEET_LOG" | tail -n1)
}

sync_all
check "Sync Now reaches all $N devices" test "$(jq '.items | length' <<<"$SYNC")" -eq "$N"
check "all $N devices are synced" wait_gently 90 all_synced || explain
echo "# Sync Now -> $N synced in $((($(date +%s%N) - T_SYNC) / 1000000)) ms"
summary
check "the fleet stops cleanly on SIGTERM" test "$FLEET_RC" -eq 0
applied=$(sed -n 's/.*fleet: \([0-9]*\) batches applied.*/\1/p' <<<"$LINE")
check "and says what it did" test "${applied:-0}" -ge "$N"

# 20 % of the confirmations are lost: apply timeouts and reconcile bring everyone home.
# The core re-sends after 2, 4, 8, 16, 32 s, so a device that loses 5 confirmations in a
# row (0.2^5: one in 3,125) waits a minute. Drops are deterministic per seed; with seed
# 24 no device of the first 1,000 loses more than 4 in a row in its first 12 batches
# (found by simulating the draws), which bounds this part to about 30 s.
fleet fleet2 --seed 24 --drop-confirm-rate 0.2
wait_until 20 grep -q 'all 8 connections up' "$FLEET_LOG"
# Known devices now: their registration on connect records their keys.
key_known() { api GET "/v1/connectors/P0001$q"; test "$(jq -r '.public_key | length' <<<"$body")" = 44; }
check "a device's registration records its own public key" wait_until 30 key_known
sync_all
check "with 20 % of confirmations dropped, all $N converge" wait_gently 120 all_synced ||
	explain
echo "# with drops: Sync Now -> $N synced in $((($(date +%s%N) - T_SYNC) / 1000000)) ms"
summary
dropped=$(sed -n 's/.* \([0-9]*\) dropped.*/\1/p' <<<"$LINE")
check "confirmations were dropped" test "${dropped:-0}" -gt 0

# Failing commands: reported, and the core marks those devices failed.
fleet fleet3 --seed 5 --fail-rate 0.2
wait_until 20 grep -q 'all 8 connections up' "$FLEET_LOG"
sync_all
settled() { test $(($(count synced) + $(count failed))) -eq "$N"; }
check "with --fail-rate every device settles" wait_gently 90 settled || explain
failed=$(count failed)
echo "# with --fail-rate 0.2: $failed of $N failed"
check "some devices failed" test "$failed" -gt $((N / 20))
check "but not most" test "$failed" -lt $((N / 2))
api GET "/v1/sync$q&state=failed&limit=1"
s=$(jq -r '.items[0].serial' <<<"$body")
api GET "/v1/devices/$s/sync$q"
jq_is "a failed device's reason is agent_failure" .fail_reason agent_failure
jq_is "its confirmation says failure" .last_confirm.status failure
jq_is "with one failure" '.last_confirm.failures | length' 1
contains "naming the simulated error" "$(jq -r '.last_confirm.failures[0].error' <<<"$body")" \
	"simulated failure of "
summary

# Restarts with a stale seq: the core re-sends, everyone ends synced.
fleet fleet4 --seed 3 --restart-stale 0.3
wait_until 20 grep -q 'all 8 connections up' "$FLEET_LOG"
sync_all
check "with --restart-stale all converge" wait_gently 120 all_synced || explain
summary
restarts=$(sed -n 's/.* \([0-9]*\) restarts.*/\1/p' <<<"$LINE")
check "devices restarted" test "${restarts:-0}" -gt 0

# Offline devices never connect: the same seed picks the same ones.
fleet fleet5 --seed 9 --offline-rate 0.1
# About a tenth of the fleet: from N/20 to under N/5 (FLEET_N may be small).
offline_announced() {
	local n
	n=$(sed -n 's/.*(\([0-9]*\) offline).*/\1/p' "$FLEET_LOG" | head -n 1)
	[ -n "$n" ] && [ "$n" -ge $((N / 20)) ] && [ "$n" -lt $((N / 5)) ]
}
check "offline devices are announced" wait_until 20 offline_announced
first=$(grep -o '([0-9]* offline)' "$FLEET_LOG")
summary
fleet fleet6 --seed 9 --offline-rate 0.1
wait_until 20 grep -q 'offline)' "$FLEET_LOG"
check "the seed fixes which are offline" test "$(grep -o '([0-9]* offline)' "$FLEET_LOG")" = "$first"
summary

done_testing
