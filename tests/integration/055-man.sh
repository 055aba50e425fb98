#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The manual pages: the COMMANDS section of man/netctl.1 is what
# `netctl help --mdoc` generates from the command table, every command of
# the table is in it, and `mandoc -Tlint` is clean for every page in man/.
# A cross-reference to a netctl page not written yet is the one message
# allowed, until that page exists.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

section=$(awk '/^\.Sh COMMANDS$/ { on = 1 } on && /^\.Sh / && !/COMMANDS/ { exit } on' \
	"$ROOT/man/netctl.1")
if [ "$section" = "$("$NETCTL" help --mdoc)" ]; then
	ok "man/netctl.1's COMMANDS section is what \`netctl help --mdoc' generates"
else
	not_ok "man/netctl.1's COMMANDS section drifted from the table: run scripts/gen-docs" \
		"$(diff -u <(printf '%s\n' "$section") <("$NETCTL" help --mdoc) | head -n 20)"
fi
missing=$("$NETCTL" help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 " " $2 }' |
	while read -r noun verb; do
		case $verb in [A-Z]* | "") verb= ;; esac
		grep -q "^\.It Nm $noun${verb:+ Cm $verb}\( \|$\)" "$ROOT/man/netctl.1" || echo "$noun $verb"
	done)
check "every command of the table is in the man page" test -z "$missing"
check "the drift check of scripts/gen-docs passes" env NETCTL="$NETCTL" "$ROOT/scripts/gen-docs" --check
check "each command's options are listed with their help" grep -A1 -x '\.It Fl -status Ar STATE' \
	"$ROOT/man/netctl.1"
contains "with what the option means, its values and default" \
	"$(grep -A3 -x '\.It Fl -status Ar STATE' "$ROOT/man/netctl.1" | tr '\n' ' ')" \
	"Only connectors in this state (pending_approval|approved|provisioned|active|offline|decommissioned; default: any)."

if ! command -v mandoc >/dev/null; then
	ok "# SKIP mandoc is not installed"
	done_testing
	exit
fi
# A manpath of the pages in man/, so that references between them resolve.
mkdir -p "$T/man/man1" "$T/man/man7" "$T/man/man8"
for page in "$ROOT"/man/*.[178]; do
	cp "$page" "$T/man/man${page##*.}/"
done
makewhatis "$T/man" 2>/dev/null
for page in "$ROOT"/man/*.[0-9]; do
	name=$(basename "$page")
	msgs=$(mandoc -Tlint -W style -M "$T/man:/usr/share/man" "$page" 2>&1 |
		grep -v 'outdated mandoc.db' |
		while IFS= read -r m; do
			# Allowed: a reference to a netctl page that is not written yet.
			ref=$(sed -n 's/.*referenced manual not found: Xr \(netctl[a-z-]*\) \([0-9]\).*/\1.\2/p' <<<"$m")
			if [ -n "$ref" ] && [ ! -f "$ROOT/man/$ref" ]; then
				echo "# $name: $ref is not written yet" >&2
				continue
			fi
			echo "$m"
		done)
	if [ -z "$msgs" ]; then ok "mandoc -Tlint: $name is clean"; else not_ok "mandoc -Tlint: $name" "$msgs"; fi
done
check "man/netctl.1 renders" bash -c "mandoc -Tutf8 '$ROOT/man/netctl.1' | grep -q 'sync now'"
check "and shows the options' help" bash -c \
	"mandoc -Tutf8 '$ROOT/man/netctl.1' | col -b | grep -q 'Only connectors in this state'"

done_testing
