#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's examples work as written: every command line of its "What to
# try in the shell" block (and the one a line says to run next, "then: ...")
# is run against the stack of `make demo' (scripts/demo with DEMO_THEN), and
# each must exit 0; then `sync now --all --wait' must still exit 0, so no
# example left a device that cannot be configured. `tui' needs a terminal
# (058 drives it); `tail' follows for ever and is stopped after a while.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "broker started by scripts/demo"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The commands: the fenced block after "What to try in the shell", each line
# cut at its first run of two spaces (what follows describes it).
awk '/^What to try in the shell/ { want = 1 } want && /^```/ { n++; next }
	want && n == 1 { print } n == 2 { exit }' "$ROOT/README.md" >"$T/block"
: >"$T/commands"
while IFS= read -r line; do
	cmd=$(sed -E 's/ {2,}.*$//' <<<"$line")
	rest=$(sed -E 's/^[^ ]+( [^ ]+)* {2,}//' <<<"$line")
	[ -n "$cmd" ] && echo "$cmd" >>"$T/commands"
	case $rest in "then: "*) echo "${rest#then: }" >>"$T/commands" ;; esac
done <"$T/block"
check "the README's block has its examples" test "$(wc -l <"$T/commands")" -ge 10
check "including the NAT WAN example" grep -q -- '--nat-wan' "$T/commands"

# Run by the demo once its stack is up: one line "RC<TAB>COMMAND" per example,
# then the final Sync Now's.
cat >"$T/examples.sh" <<EOF
while IFS= read -r cmd; do
	case \$cmd in
	tui) echo "skip	\$cmd" ;;
	tail*) timeout 3 "$NETCTL" \$cmd >"$T/tail.out" 2>&1 </dev/null
		rc=\$?; [ \$rc = 124 ] && rc=0; echo "\$rc	\$cmd" ;;
	*) "$NETCTL" \$cmd >>"$T/examples.out" 2>&1 </dev/null; echo "\$?	\$cmd" ;;
	esac
done <"$T/commands" >"$T/results"
"$NETCTL" sync now --all --wait --timeout 60s --yes >"$T/final.out" 2>&1
echo "\$?	final" >>"$T/results"
EOF
env -u NETCTL_SERVER -u NETCTL_TOKEN -u NETCTL_TENANT XDG_CONFIG_HOME=$T/config \
	XDG_STATE_HOME=$T/state NETCTL=$NETCTL DEMO_DIR=$T/demo DEMO_THEN="bash $T/examples.sh" \
	"$ROOT/scripts/demo" >"$T/demo.out" 2>&1 </dev/null
check "the demo ran the examples and exited 0" test $? = 0
check "every example ran" test "$(grep -vc '	final$' "$T/results" 2>/dev/null)" = "$(wc -l <"$T/commands")"
while IFS=$'\t' read -r rc cmd; do
	[ "$cmd" = final ] && continue
	case $rc in
	skip) ok "# SKIP $cmd (needs a terminal)" ;;
	0) ok "netctl $cmd" ;;
	*) not_ok "netctl $cmd" "exit $rc; $(tail -5 "$T/examples.out")" ;;
	esac
done <"$T/results"
check "sync now --all --wait still exits 0 after the examples" grep -qx '0	final' "$T/results"
check "the tail example showed live events" test -s "$T/tail.out"
[ "$NC_FAILED" -gt 0 ] && tail -30 "$T/demo.out" "$T/final.out" 2>/dev/null | sed 's/^/# /'

done_testing
