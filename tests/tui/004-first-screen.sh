#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netctl tui draws its first screen from one consistent snapshot: until the
# stats, the lists and the sync states are all in, the cards and the rows
# say "loading..."; the first screen without it already agrees with
# `netctl connector stats' and `connector list' (online devices are active
# rows, seen, synced), never a mix of the two.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/tmux.sh"

start_core --heartbeat 1s
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
for i in 1 2 3 4 5 6; do
	run_nc connector create --serial "CN-000$i" --name "branch-$i" --hub EDGE-1
done
for i in 1 2 3 4; do run_nc connector approve "CN-000$i"; done
spawn fleet "$NETCTL" agent --mqtt "$BROKER_URL" --fleet 6 --serial-prefix CN- --heartbeat 1s
run_nc sync now --all --yes --wait --timeout 20s
wait_until 20 bash -c "'$NETCTL' connector stats -o json | jq -e '.connectors.online == 4 and .sync.synced >= 4'" ||
	not_ok "four connectors online and synced" "$("$NETCTL" connector stats 2>&1)"
run_nc connector stats -o json
stats=$out

# The first screen that is not loading, captured as soon as it is drawn.
first_screen() {
	local deadline=$((SECONDS + WAIT)) s
	while [ $SECONDS -lt $deadline ]; do
		s=$(screen)
		if grep -q "Total Connectors" <<<"$s"; then
			printf '%s\n' "$s"
			return 0
		fi
	done
	return 1
}
open_tui
FIRST=$(first_screen) || not_ok "the dashboard draws a screen" "$(screen)"
card() { grep -oE "$1 [0-9]+" <<<"$FIRST" | head -n 1 | awk '{print $NF}'; }
check "the first screen's Total is that of connector stats" \
	test "$(card 'Total Connectors')" = "$(jq -r .connectors.total <<<"$stats")"
check "its Online is that of connector stats" \
	test "$(card Online)" = "$(jq -r .connectors.online <<<"$stats")"
check "its Pending is that of connector stats" \
	test "$(card Pending)" = "$(jq -r .connectors.pending <<<"$stats")"
check "its sync count is that of connector stats" \
	test "$(grep -oE 'synced [0-9]+' <<<"$FIRST" | head -n 1 | awk '{print $2}')" = \
	"$(jq -r .sync.synced <<<"$stats")"
check "as many active rows as Online" \
	test "$(grep -cE 'CN-000[0-9] +[^ ]+ +EDGE-1 +active' <<<"$FIRST")" = "$(card Online)"
check "no active row says never seen" bash -c "! grep -E 'active +never' <<<'$FIRST'"
check "every active row is synced, as the list says" \
	test "$(grep -cE 'active +[^ ]+( ago| now)? +synced' <<<"$FIRST")" = "$(card Online)"
check "all six rows are there" test "$(grep -cE 'branch-[1-6] +CN-000' <<<"$FIRST")" = 6
keys q
expect_exit "q quits" 0
check "nothing went to stderr" test ! -s "$TUI_ERR"
check_sanitizers
done_testing
