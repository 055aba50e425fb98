#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Destructive commands ask first. Off a terminal, without --yes, a
# decommission is refused (exit 2, naming it) and nothing changes; with
# --yes it is done. On a terminal (a pty, through script(1)) it asks
# "... [y/N]": n cancels (exit 1, "cancelled"), y goes on. sync now --all
# asks naming how many devices it sends (the server's dry run). A batch
# with destructive lines asks once, or needs --yes off a terminal. The
# shell asks on its terminal and reads no more than the answer.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "Sync Now"
command -v script >/dev/null || skip_all "script(1) is not installed"

start_core --apply-timeout 10m --stale-delay 10m --reconcile 1h
new_tenant acme
for i in 1 2 3 4 5; do
	run_nc connector create --serial "CN-$i" --name "b$i" --lan "192.168.$i.0/24"
done
for i in 1 2 3; do run_nc connector approve "CN-$i"; done
status_of() { "$NETCTL" connector show "$1" -o json | jq -r .status; }
# tty CMD [ANSWER]: netctl CMD on a pseudo-terminal, ANSWER typed; sets $out, $rc.
tty() {
	out=$(printf '%s\n' "${2:-}" | script -qec "$NETCTL $1" /dev/null 2>&1)
	rc=$?
}

# --- Off a terminal: refused without --yes, done with it.
expect_rc "decommission without --yes off a terminal exits 2" 2 connector decommission CN-1
contains "naming what it refuses and why" "$err" \
	"refusing to decommission connector CN-1 without --yes: stdin is not a terminal"
check "CN-1 is untouched" test "$(status_of CN-1)" = approved
expect_rc "with --yes it is done" 0 connector decommission CN-1 --yes
check "CN-1 is decommissioned" test "$(status_of CN-1)" = decommissioned
expect_rc "-y is --yes" 0 connector delete CN-5 -y
expect_rc "delete without --yes: exit 2 as well" 2 connector delete CN-4
expect_rc "a non-destructive write asks nothing" 0 connector set CN-4 --name b4b

# --- On a terminal: the question, answered.
tty "connector decommission CN-2" n
check "answered n: exit 1" test "$rc" = 1
contains "it asks, naming the change" "$out" "decommission connector CN-2? [y/N]"
contains "and says it cancelled" "$out" "cancelled"
check "CN-2 is untouched" test "$(status_of CN-2)" = approved
tty "connector decommission CN-2" ""
check "answered nothing: cancelled as well" test "$rc" = 1
tty "connector decommission CN-2" y
check "answered y: exit 0" test "$rc" = 0
check "CN-2 is decommissioned" test "$(status_of CN-2)" = decommissioned
tty "connector decommission CN-3 --dry-run"
check "--dry-run never asks" test "$rc" = 0
case $out in *"[y/N]"*) not_ok "no question with --dry-run" "$out" ;; *) ok "no question with --dry-run" ;; esac

# --- sync now --all: how many devices, from the server.
tty "sync now --all" n
contains "sync now --all asks naming the device count" "$out" \
	"send 1 device their configuration now? [y/N]"
run_nc sync show CN-3 -o json
jq_out "nothing was sent" .seq 0
expect_rc "sync now --all off a terminal needs --yes" 2 sync now --all
contains "and says so" "$err" "refusing to send every device its configuration now without --yes"
expect_rc "sync now of a named device asks nothing" 0 sync now CN-3

# --- A batch asks once for its destructive lines.
printf 'connector delete CN-4\nconnector decommission CN-3\n' >"$T/b.txt"
expect_rc "a destructive batch off a terminal needs --yes" 2 batch -f "$T/b.txt"
contains "naming what it would do" "$err" \
	"refusing to run a batch that deletes 1 object and decommissions 1 connector without --yes"
tty "batch -f $T/b.txt" n
contains "on a terminal it asks once" "$out" \
	"this batch deletes 1 object and decommissions 1 connector: go on? [y/N]"
check "n: nothing ran" test "$(status_of CN-3)" = approved
tty "batch -f $T/b.txt" y
check "y: the batch ran" test "$rc" = 0
check "CN-3 is decommissioned" test "$(status_of CN-3)" = decommissioned
expect_rc "CN-4 is deleted" 1 connector show CN-4

# --- The shell asks on its terminal, and the lines after the answer run.
run_nc connector create --serial CN-6 --name b6
out=$(printf 'connector delete CN-6\nn\nconnector show CN-6\nexit\n' |
	script -qec "$NETCTL shell" /dev/null 2>&1)
contains "the shell asks" "$out" "delete connector CN-6? [y/N]"
contains "the next line runs after the answer" "$out" "pending_approval"
expect_rc "CN-6 is still there" 0 connector show CN-6
done_testing
