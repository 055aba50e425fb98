#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# batch -f FILE|-: the same dispatcher line by line; comments, blank lines,
# quotes and continuations; a failure on line 2 stops the batch with line 2
# named, its exit code, and line 3 not run; --continue; --dry-run checks
# every line and has the server try it; invalid lines stop everything
# before it runs.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
use_serve
new_tenant acme

# --- Comments, blank lines, quotes, continuations, global options per line.
cat >"$T/setup.txt" <<'EOF'
# the hub
edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820

connector create --serial CN-1 --name 'branch one' --hub EDGE-1 \
	--lan 192.168.1.0/24   # a comment after the command
connector create --serial CN-2 --name "branch \"two\"" --hub EDGE-1
-q connector ls
EOF
expect_rc "a batch of valid lines exits 0" 0 batch -f "$T/setup.txt"
contains "each command prints as on the command line" "$out" "created connector CN-1"
contains "a line's global options apply to that line" "$out" "$(printf 'CN-1\nCN-2')"
run_nc connector show CN-1 -o json
jq_out "single quotes keep the spaces" .name "branch one"
jq_out "a continued line is one command" '.lan_subnets[0]' 192.168.1.0/24
run_nc connector show CN-2 -o json
jq_out "double quotes take escaped quotes" .name 'branch "two"'

# --- A failure on line 2 stops the batch: line 3 is not run.
cat >"$T/fails.txt" <<'EOF'
connector approve CN-1
connector approve CN-NOPE
connector approve CN-2
EOF
expect_rc "a batch failing on line 2 exits with that line's code (1)" 1 batch -f "$T/fails.txt"
contains "the error names line 2" "$err" "line 2: "
contains "and what failed" "$err" "CN-NOPE"
contains "it says where it stopped" "$err" "batch stopped at line 2: 2 of 3 commands ran"
run_nc connector show CN-1 -o json
jq_out "line 1 ran" .status approved
run_nc connector show CN-2 -o json
jq_out "line 3 did not run" .status pending_approval

printf 'version\nconnector approve CN-NOPE\nconnector approve CN-2\n' >"$T/cont.txt"
expect_rc "--continue runs the rest and still exits 1" 1 batch -f "$T/cont.txt" --continue
contains "it counts the failures" "$err" "1 of 3 commands failed, the first at line 2"
run_nc connector show CN-2 -o json
jq_out "line 3 ran with --continue" .status approved

# --- Invalid lines: nothing runs; --dry-run checks every line.
cat >"$T/invalid.txt" <<'EOF'
edge create --serial EDGE-2 --name dc2 --kind dedicated --endpoint 192.0.2.2:51820
conector list
connector show
edge list --bogus
peering create 'unclosed
EOF
expect_rc "--dry-run with invalid lines exits 2" 2 batch -f "$T/invalid.txt" --dry-run
contains "an unknown command is named with its line" "$err" "line 2: unknown command \`conector'"
contains "an arity error too" "$err" "line 3: \`connector show' takes 1 argument, not 0"
contains "an unknown option too" "$err" "line 4: unknown option \`--bogus'"
contains "an unclosed quote with its column" "$err" "line 5: column 16: the single quote is not closed"
contains "dry-run counts them" "$err" "4 of 5 commands are not valid"
expect_rc "without --dry-run an invalid line stops everything" 2 batch -f "$T/invalid.txt"
contains "it says nothing ran" "$err" "nothing was run"
expect_rc "edge EDGE-2 was not created" 1 edge show EDGE-2

printf 'edge list\nconnector show CN-1\n# done\n' >"$T/valid.txt"
expect_rc "--dry-run of valid lines exits 0" 0 batch -f "$T/valid.txt" --dry-run
contains "it says the server tried them" "$out" "2 commands checked: all valid, 2 tried by the server, 0 not sent"
contains "and that nothing changed" "$err" "dry run: nothing was changed"

# --- stdin, exit codes of other kinds, nesting.
out=$(printf 'version\n' | "$NETCTL" batch -f - 2>&1)
rc=$?
check "batch -f - reads stdin" test "$rc" = 0
contains "and runs it" "$out" "netctl 0.1.0"
printf 'tenant list\n--server http://127.0.0.1:%s tenant list\nversion\n' "$(free_port)" \
	>"$T/unreach.txt"
expect_rc "a line that cannot reach the server gives exit 3" 3 batch -f "$T/unreach.txt"
contains "line 2 is named" "$err" "line 2: cannot reach"
printf 'batch -f x\n' >"$T/nested.txt"
expect_rc "batch inside a batch is refused" 2 batch -f "$T/nested.txt"
contains "it says why" "$err" "line 1: \`batch' cannot run inside a batch"
printf 'shell\n' >"$T/shell.txt"
expect_rc "shell inside a batch is refused" 2 batch -f "$T/shell.txt"
expect_rc "batch without -f exits 2" 2 batch
expect_rc "a missing file exits 1" 1 batch -f "$T/none.txt"
contains "the file is named" "$err" "none.txt"
printf '\n# only comments\n\n' >"$T/empty.txt"
expect_rc "a file of comments does nothing and exits 0" 0 batch -f "$T/empty.txt"

done_testing
