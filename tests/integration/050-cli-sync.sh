#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sync now|status|show|diff|batch through the real binary against a real
# serve and the mosquitto of `netctl broker-config', devices played by
# mosquitto_pub/sub with their own certificates: --wait exits 0
# when every device confirms and 1 naming a device that confirms with a
# wrong hash, one that never answers, or one that is skipped; the progress
# line on a terminal only; table and JSON output checked with jq.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/devices.sh"

# The broker as `netctl broker-config' writes it: every device below plays
# with its own certificate (devices.sh).
CORE_PKI=$T/data/pki
start_secure_broker "$T/data" || exit 1
start_serve "$T/data" --mqtt "$BROKER_URL" --apply-timeout 30s --stale-delay 30s
use_serve

new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820 \
	--lan 10.10.0.0/16
for i in 1 2 3 4; do
	run_nc connector create --serial "CN-$i" --name "b$i" --hub EDGE-1 --lan "192.168.$i.0/24"
done
for i in 1 2 3; do run_nc connector approve "CN-$i"; done
DEVICES_CREDS=$T/creds
run_nc connector credentials --all --out "$DEVICES_CREDS"
run_nc edge credentials --all --out "$DEVICES_CREDS"
start_devices

# --- Usage.
expect_rc "sync now without a selection exits 2" 2 sync now
contains "it says which selections exist" "$err" "SERIAL..., --all or --pending"
expect_rc "two selections exit 2" 2 sync now --all CN-1 --yes
expect_rc "--timeout without --wait exits 2" 2 sync now --all --timeout 5s --yes
expect_rc "a bad --timeout exits 2" 2 sync now --all --wait --timeout soon --yes
contains "the bad duration is named" "$err" "--timeout"

# --- Waiting: every device confirms.
expect_rc "sync now CN-1 CN-2 --wait exits 0 when both confirm" 0 \
	sync now CN-1 CN-2 --wait --timeout 20s
matches "the outcome table has its columns" "$out" "^Serial +Tenant +Outcome +Seq +Hash +Time +Reason"
matches "CN-1 is synced" "$out" "^CN-1 +acme +synced "
matches "CN-2 is synced" "$out" "^CN-2 +acme +synced "
contains "a summary follows on stderr" "$err" "2 synced, 0 failed, 0 timed out"
contains "it says the hub and CN-3 still wait for their changes" "$err" \
	"2 other devices have pending changes: \`netctl sync now --pending'"
check "no progress line when stdout is not a terminal" bash -c "! grep -q $'\\r' <<<\"\$1\"" _ "$out"

expect_rc "sync now --all --wait -o json exits 0 (a pending connector is left out)" 0 \
	sync now --all --wait --timeout 20s -o json --yes
jq_out "every approved device is synced" '.summary.synced' 4
jq_out "the unapproved one gets no configuration: not selected" \
	'[.items[] | select(.serial == "CN-4")] | length' 0
jq_out "items carry seq and hash" '[.items[] | select(.serial == "CN-1") | .seq > 0] | .[0]' true
jq_out "elapsed time in ms" '[.items[] | .outcome + ":" + (.elapsed_ms | type)] | unique | join(",")' 'synced:number'
expect_rc "a skipped device has no elapsed time" 1 sync now CN-4 CN-1 --wait --timeout 20s -o json
jq_out "the skipped one has none" '[.items[] | .outcome + ":" + (.elapsed_ms | type)] | join(",")' 'synced:number,skipped:null'

api GET "/v1/devices/CN-1/sync?tenant=acme"
jq_is "the server agrees: CN-1 synced" .state synced
expect_rc "sync now CN-1 --wait, nothing else pending" 0 sync now CN-1 --wait --timeout 20s
check "then no device is said to wait" bash -c "! grep -q 'pending changes' <<<\"\$1\"" _ "$err"

# --- A device that confirms with a wrong hash: exit 1, named.
echo CN-2 >"$T/dev/bad"
expect_rc "a wrong hash makes --wait exit 1" 1 sync now CN-1 CN-2 --wait --timeout 20s
contains "the failing device is named with its reason" "$err" "CN-2 failed (hash_mismatch"
matches "the other is still synced" "$out" "^CN-1 +acme +synced "
matches "the table says failed" "$out" "^CN-2 +acme +failed .*hash_mismatch"
: >"$T/dev/bad"

# --- A device that never answers: timed out, exit 1.
echo CN-3 >"$T/dev/silent"
expect_rc "a silent device makes --wait exit 1 at the deadline" 1 \
	sync now CN-3 --wait --timeout 2s
contains "the silent device is named as timed out" "$err" "CN-3 timed out"
: >"$T/dev/silent"

# --- A named device that cannot be sent anything.
expect_rc "a named unapproved device fails the wait" 1 sync now CN-4 --wait --timeout 5s
contains "it is named as skipped" "$err" "CN-4 skipped"
expect_rc "without --wait too" 1 sync now CN-4
contains "the reason is in the table" "$out" "pending_approval"

# --- Without --wait: the batches sent.
expect_rc "sync now --pending without --wait" 0 sync now --pending --yes
expect_rc "sync now CN-1 without --wait" 0 sync now CN-1
contains "the table shows it applying" "$out" "applying"
expect_rc "sync now CN-1 -q prints the serial" 0 -q sync now CN-1
check "only the serial" test "$out" = CN-1

# --- The progress line, on a terminal only.
if command -v script >/dev/null; then
	script -qec "$NETCTL sync now --all --wait --timeout 20s --yes" /dev/null >"$T/tty.out" 2>&1
	rc=$?
	check "on a terminal --wait exits 0 as well" test "$rc" = 0
	check "a progress line is drawn in place" grep -q $'\r\\[#' "$T/tty.out"
	check "with the counts" grep -q 'synced  0 failed  [0-9]* applying' "$T/tty.out"
else
	ok "# SKIP script(1) is not installed: no terminal for the progress line"
fi

# --- sync status.
wait_until 10 bash -c "$NETCTL sync status --state applying -q | grep -q . && exit 1 || exit 0"
expect_rc "sync status" 0 sync status
matches "the table has its columns" "$out" "^Serial +Tenant +State +Seq +Hash +Reason +Updated"
check "a connector pending approval gets no configuration: not listed" \
	bash -c '! grep -q "^CN-4 " <<<"$1"' _ "$out"
expect_rc "sync status -o json" 0 sync status -o json
jq_out "JSON is a list of states" '.items | length' 4
jq_out "states come from the server" '[.items[] | select(.serial == "CN-1") | .state][0]' synced
expect_rc "sync status CN-4 (named, it is shown)" 0 sync status CN-4
matches "CN-4 pending with its dirty reason" "$out" "^CN-4 +acme +pending +0 +- +connector CN-4 created"
expect_rc "sync status --state pending -q" 0 sync status --state pending -q
check "no device that gets configuration is pending" test -z "$out"
expect_rc "connector stats -o json" 0 connector stats -o json
jq_out "the pending card leaves out the unapproved" '.sync.pending' 0
expect_rc "a bad --state is a usage error" 2 sync status --state bogus
contains "naming the states" "$err" "--state: \`bogus' is not one of synced, pending, applying, failed"
expect_rc "sync status of named devices" 0 sync status CN-4 CN-1 -o json
jq_out "only the named, in order" '[.items[].serial] | join(",")' CN-4,CN-1
expect_rc "named devices kept to a state" 0 sync status CN-4 CN-1 --state synced -q
check "only CN-1 is synced of the two" test "$(printf '%s' "$out" | cut -d' ' -f1)" = CN-1
expect_rc "an unknown device among them fails" 1 sync status CN-1 NOPE-9
contains "the unknown device is named" "$err" "NOPE-9"
expect_rc "naming devices does not page" 2 sync status CN-1 --all
expect_rc "a bad --state with devices is a usage error" 2 sync status CN-1 --state bogus
contains "the states are listed" "$err" "is not one of synced, pending, applying, failed"
expect_rc "sync st -o wide (prefix)" 0 sync st -o wide
contains "wide adds the confirmed seq" "$out" "Confirmed Seq"

# --- sync show.
echo CN-2 >"$T/dev/bad"
run_nc sync now CN-2 --wait --timeout 20s
: >"$T/dev/bad"
expect_rc "sync show CN-2" 0 sync show CN-2
contains "show has the state" "$out" "failed"
contains "and the fail reason" "$out" "hash_mismatch"
contains "and the last confirmation" "$out" "Last confirmation:"
contains "with what was applied" "$out" "Applied:"
contains "and the VPP mode" "$out" "VPP Mode:"
expect_rc "sync show -o json" 0 sync show CN-2 -o json
jq_out "JSON is the state" .fail_reason hash_mismatch
jq_out "with the confirmation" .last_confirm.vpp_mode none
expect_rc "sync show of an unknown device exits 1" 1 sync show NOPE
contains "it is named" "$err" "NOPE"

# --- sync diff.
run_nc connector set CN-1 --nat-wan eth1
expect_rc "sync diff CN-1" 0 sync diff CN-1
contains "diff says what would change" "$out" "would change against batch"
contains "a removed line" "$out" "- "
contains "the new subnet" "$out" "+ "
expect_rc "sync diff -o json" 0 sync diff CN-1 -o json
jq_out "changed topics are listed" '.changed | length > 0' true
expect_rc "sync diff -q lists the topics" 0 -q sync diff CN-1
check "one topic per line" test -n "$out"

# --- sync batch.
expect_rc "sync batch CN-1" 0 sync batch CN-1
contains "batch shows its hash" "$out" "Config Hash:"
contains "and its commands" "$out" "[0] "
expect_rc "sync batch -o json prints the batch as it is" 0 sync batch CN-1 -o json
api GET "/v1/devices/CN-1/batch?tenant=acme"
check "the same as GET /v1/devices/CN-1/batch" \
	test "$(jq -cS . <<<"$out")" = "$(jq -cS . <<<"$body")"
expect_rc "sync batch of a device never sent one exits 1" 1 sync batch CN-4

done_testing
