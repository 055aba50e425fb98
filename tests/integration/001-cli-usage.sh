#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line: version, help, prefixes, and usage errors that name
# the problem and exit 2.
. "$(dirname "$0")/lib.sh"

expect_rc "version exits 0" 0 version
contains "version names itself" "$out" "netctl 0.1.0"

expect_rc "version -o json exits 0" 0 version -o json
check "version -o json is JSON with the version" \
	test "$(printf '%s' "$out" | jq -r .version)" = 0.1.0

expect_rc "--version exits 0" 0 --version
contains "--version prints the version" "$out" "netctl 0.1.0 (protocol 1)"
expect_rc "--version after a command is a usage error" 2 connector list --version
contains "and says where it goes" "$err" "--version goes before any command"

expect_rc "a unique prefix runs the command" 0 vers
contains "the prefix ran version" "$out" "netctl 0.1.0"

expect_rc "help exits 0" 0 help
contains "help lists serve" "$out" "serve"
contains "help lists the global options" "$out" "--server URL"

expect_rc "help for one command" 0 help serve
contains "help serve shows its usage" "$out" "usage: netctl serve"

expect_rc "--help after a command shows its usage" 0 serve --help
contains "serve --help shows --listen" "$out" "--listen"

expect_rc "an unknown command exits 2" 2 frobnicate
contains "the unknown command is named" "$err" "unknown command \`frobnicate'"
check "a word far from every command gets no guess" bash -c '! grep -q "did you mean" <<<"$1"' _ "$err"

expect_rc "a near miss suggests the right command" 2 verison
contains "verison suggests version" "$err" "did you mean \`version'"
expect_rc "two letters swapped are one typo" 2 tial
contains "tial suggests tail" "$err" "did you mean \`tail'"
expect_rc "an unknown verb gets its noun's verbs" 2 connector lsit
contains "lsit suggests connector list" "$err" "did you mean \`connector list'"

expect_rc "an unknown option exits 2" 2 serve --bogus
contains "the unknown option is named" "$err" "unknown option \`--bogus'"

expect_rc "an option missing its value exits 2" 2 serve --listen
contains "the option is named" "$err" "\`--listen' needs a value"

expect_rc "too many arguments exit 2" 2 version extra
contains "the arity is explained" "$err" "takes 0 arguments"

expect_rc "a bad output format exits 2" 2 -o yaml version
contains "the format is named" "$err" "\`yaml'"

expect_rc "no command and no terminal: usage, exit 2" 2
contains "usage goes to stderr" "$err" "usage: netctl"

done_testing
