#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --dry-run: the server tries the write and commits nothing. A create whose
# LAN overlaps another's reports the conflict (exit 1) and creates nothing;
# one that would succeed prints what the real one prints, then "dry run:
# nothing was changed" on stderr (JSON output unchanged), and still creates
# nothing; a viewer's dry run is refused as its write would be; a
# destructive command's dry run needs no --yes; sync now --all --dry-run
# names the devices it would send and sends nothing. batch --dry-run has
# each line tried: a conflict between two of its creates is found, and a
# line naming what an earlier line creates is not sent, saying why. A
# link's dry run says what it would push and makes no link.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "Sync Now's dry run"

start_core --apply-timeout 10m --stale-delay 10m --reconcile 1h
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820 \
	--lan 10.10.0.0/16
run_nc connector create --serial CN-1 --name b1 --lan 192.168.1.0/24 --hub EDGE-1
run_nc connector approve CN-1

# --- A conflict, reported; nothing committed.
expect_rc "a --dry-run create whose LAN overlaps exits 1" 1 \
	connector create --serial CN-2 --name b2 --lan 192.168.1.0/25 --dry-run
contains "it names the conflict" "$err" "192.168.1.0/25 overlaps 192.168.1.0/24"
expect_rc "and CN-2 does not exist" 1 connector show CN-2

# --- A dry run that would succeed: the real output, nothing created.
expect_rc "a --dry-run create that fits exits 0" 0 \
	connector create --serial CN-2 --name b2 --lan 192.168.2.0/24 --dry-run
contains "it prints what the real command prints" "$out" "created connector CN-2"
contains "and says nothing changed" "$err" "dry run: nothing was changed"
expect_rc "CN-2 still does not exist" 1 connector show CN-2
expect_rc "-o json --dry-run exits 0" 0 \
	connector create --serial CN-2 --name b2 --lan 192.168.2.0/24 --dry-run -o json
jq_out "its JSON is the object the real one returns" .serial CN-2
run_nc sync status -o json
jq_out "no sync state appeared for it" '[.items[] | select(.serial == "CN-2")] | length' 0

# --- Permissions are checked as for the real write.
run_nc token create --name v --role viewer --tenant acme -o json
viewer=$(jq -r .token <<<"$out")
NETCTL_TOKEN=$viewer expect_rc "a viewer's --dry-run is forbidden (exit 4)" 4 \
	connector create --serial CN-9 --name b9 --dry-run

# --- Destructive commands: a dry run asks nothing and needs no --yes.
expect_rc "decommission --dry-run, off a terminal, without --yes: exit 0" 0 \
	connector decommission CN-1 --dry-run
contains "it prints what the real one would" "$out" "decommissioned"
run_nc connector show CN-1 -o json
jq_out "CN-1 is still approved" .status approved
expect_rc "a dry run of an impossible delete fails as the real one" 1 \
	edge delete EDGE-1 --dry-run

# --- Sync Now: the selection, nothing sent.
run_nc sync status -o json
before=$(jq -c '[.items[] | [.serial, .state, .seq]]' <<<"$out")
expect_rc "sync now --all --dry-run exits 0 without --yes" 0 sync now --all --dry-run -o json
jq_out "it names the devices" '[.items[].serial] | sort | join(",")' CN-1,EDGE-1
jq_out "each would be sent" '[.items[].state] | unique | join(",")' would_send
run_nc sync status -o json
check "no sync state changed" test "$(jq -c '[.items[] | [.serial, .state, .seq]]' <<<"$out")" = "$before"
expect_rc "--wait with --dry-run is a usage error" 2 sync now --all --dry-run --wait

# --- batch --dry-run.
cat >"$T/b1.txt" <<'B'
connector create --serial CN-3 --name b3 --lan 192.168.3.0/24
connector create --serial CN-4 --name b4 --lan 192.168.3.128/25
B
expect_rc "batch --dry-run finds a conflict between two of its creates" 1 \
	batch -f "$T/b1.txt" --dry-run
contains "naming the line" "$err" "line 2: "
contains "and the overlap" "$err" "192.168.3.128/25 overlaps 192.168.3.0/24"
cat >"$T/b2.txt" <<'B'
connector create --serial CN-5 --name b5 --lan 192.168.5.0/24
connector approve CN-5
member add nosuch CN-1
B
expect_rc "batch --dry-run fails a line the server refuses" 1 batch -f "$T/b2.txt" --dry-run
contains "a line naming what an earlier line creates is not sent" "$err" \
	"line 2: not sent: it names CN-5, which line 1 creates"
contains "a line refused by the server is reported" "$err" "line 3: "
head -n 2 "$T/b2.txt" >"$T/b3.txt"
expect_rc "batch --dry-run of lines that fit exits 0" 0 batch -f "$T/b3.txt" --dry-run
contains "it counts what the server tried" "$out" "2 commands checked: all valid, 1 tried by the server, 1 not sent"
contains "and says nothing changed" "$err" "dry run: nothing was changed"
run_nc connector list -o json
jq_out "no batch dry run created anything" '[.items[].serial] | join(",")' CN-1

# --- A link: checked, answered, not made and not pushed.
run_nc peering create pm --topology partial_mesh
for s in EDGE-1 CN-1; do run_nc member add pm "$s"; done
expect_rc "link add --dry-run exits 0" 0 link add pm EDGE-1 CN-1 --dry-run
contains "it says what it would push, with no seq" "$out" "would push to EDGE-1 and CN-1"
run_nc link list pm -o json
jq_out "no link was made" '.items | length' 0
expect_rc "a link the group cannot have: refused as for real" 1 link add pm EDGE-1 CN-9 --dry-run
done_testing
