#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# -w/--watch prints a list or show again when the event stream says
# something changed elsewhere, not on a timer; it refuses writes and tail,
# and Ctrl-C (SIGINT) ends it with status 0.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
use_serve
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
run_nc connector create --serial CN-1 --name b1 --hub EDGE-1

spawn listw "$NETCTL" connector list -w -o json
LW=$pid
spawn showw "$NETCTL" connector show CN-1 --watch
SW=$pid
printed() { test "$(grep -c "$2" "$T/$1.out")" -ge "$3"; }
check "connector list -w prints the list" wait_until 10 printed listw '"name":"b1"' 1
check "connector show -w prints the connector" wait_until 10 printed showw 'Name: *b1' 1
check "nothing changes: nothing more is printed" test "$(wc -l <"$T/listw.out")" = 1

api PATCH '/v1/connectors/CN-1?tenant=acme' '{"name":"branch-one"}'
check "a rename elsewhere shows in the list" wait_until 10 printed listw '"name":"branch-one"' 1
check "as one more JSON document a line" test "$(jq -c . "$T/listw.out" | wc -l)" = 2
check "and in the show" wait_until 10 printed showw 'Name: *branch-one' 1
run_nc connector create --serial CN-2 --name b2 --hub EDGE-1
check "a new connector shows" wait_until 10 printed listw '"serial":"CN-2"' 1

kill -INT "$LW"
check "Ctrl-C ends it" wait_until 10 bash -c "! kill -0 $LW 2>/dev/null"
wait "$LW"
check "with status 0" test $? = 0
stop "$SW"

expect_rc "a write refuses --watch" 2 connector approve CN-2 -w
contains "saying what it goes with" "$err" "--watch goes with commands that show what is"
expect_rc "tail refuses it" 2 tail -w
contains "it follows already" "$err" "\`tail' follows already"

done_testing
