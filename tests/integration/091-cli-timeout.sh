#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A core that accepts a request and does not answer in time is reported as
# a timeout, not as a core that cannot be reached; NETCTL_TIMEOUT sets the
# limit, and a bad value is a usage error.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data" || exit 1
use_serve
new_tenant acme

# Stopped, serve answers nothing, but the kernel still accepts connections.
kill -STOP "$SERVE_PID"
NETCTL_TIMEOUT=1s expect_rc "no answer within NETCTL_TIMEOUT: exit 3" 3 connector list
contains "it says it timed out, and after how long" "$err" \
	"timed out: $SERVER accepted the request but did not answer within 1s"
contains "and how to wait longer" "$err" "NETCTL_TIMEOUT sets the limit"
check "nor that serve may not be running" bash -c "! grep -q 'is \`netctl serve\` running' <<<'$err'"
kill -CONT "$SERVE_PID"

NETCTL_TIMEOUT=soon expect_rc "a NETCTL_TIMEOUT that is not a duration: exit 2" 2 connector list
contains "the value is named" "$err" "NETCTL_TIMEOUT \`soon' is not a duration"
NETCTL_TIMEOUT=0s expect_rc "0s: no limit, and the request is answered" 0 connector list
NETCTL_TIMEOUT=5s expect_rc "a limit long enough: answered" 0 connector list

# A port nobody listens on is still "cannot reach".
DEAD=$(free_port)
NETCTL_TIMEOUT=1s expect_rc "nobody listening: exit 3" 3 --server "http://127.0.0.1:$DEAD" connector list
contains "that one cannot be reached" "$err" "cannot reach http://127.0.0.1:$DEAD"

done_testing
