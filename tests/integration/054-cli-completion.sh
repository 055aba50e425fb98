#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The completion scripts: completions/ holds exactly what `netctl completion
# bash|zsh` prints from the command table; the bash function completes
# nouns, verbs, aliases, options, fixed values and live serials (asking
# netctl itself); the zsh file loads under compinit and completes in a
# real zsh under tmux.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; nc_cleanup' EXIT

for s in bash zsh; do
	f=$ROOT/completions/netctl.bash
	[ "$s" = zsh ] && f=$ROOT/completions/_netctl
	if "$NETCTL" completion "$s" | cmp -s - "$f"; then
		ok "completions/$(basename "$f") is what \`netctl completion $s' prints"
	else
		not_ok "completions/$(basename "$f") drifted from the command table: run scripts/gen-docs" \
			"$("$NETCTL" completion "$s" | diff -u "$f" - | head -n 20)"
	fi
done
expect_rc "completion of another shell exits 2" 2 completion fish
contains "it names the shells there are" "$err" "\`fish' is not one of bash, zsh"

start_serve "$T/data"
use_serve
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820
run_nc connector create --serial CN-1 --name b1 --hub EDGE-1
run_nc connector create --serial CN-2 --name b2 --hub EDGE-1
run_nc peering create pm --topology partial_mesh

# comp WORDS...: COMPREPLY of the bash function for the line WORDS (the last
# one being completed), sorted, on one line.
comp() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=(); _netctl; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		_ "$ROOT/completions/netctl.bash" "$@" | sed 's/ $//'
}
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got \`$2', wanted \`$3'"; fi
}
is "netctl conn<TAB> gives connector" "$(comp netctl conn)" connector
is "verbs of a noun" "$(comp netctl peering '')" "create delete list set show"
is "an alias and a prefix before the word" "$(comp netctl conn ls --st)" --status
is "fixed values of an option" "$(comp netctl edge list --kind '')" "dedicated mtge"
is "the allowed values of the help's table" "$(comp netctl peering create p --topology '')" \
	"hub_spoke mesh partial_mesh"
check "the zsh file holds each option's help" grep -qF \
	"'--status:only connectors in this state (pending_approval|approved|provisioned|active|offline|decommissioned; default: any)'" \
	"$ROOT/completions/_netctl"
is "global option values" "$(comp netctl -o '')" "json table wide"
is "positional choices" "$(comp netctl completion '')" "bash zsh"
is "help completes commands" "$(comp netctl help sy)" sync
is "and their verbs" "$(comp netctl help sync s)" "show status"
is "event types and aliases after a comma" "$(comp netctl tail --type confirm,tu)" \
	"confirm,tunnel confirm,tunnel_status"
is "live connector serials, from netctl itself" "$(comp "$NETCTL" connector show C)" "CN-1 CN-2"
is "live serials of every device" "$(comp "$NETCTL" sync now '')" "CN-1 CN-2 EDGE-1"
is "repeatable serials" "$(comp "$NETCTL" sync now CN-1 E)" EDGE-1
is "live edges for --hub, with none" "$(comp "$NETCTL" connector set CN-1 --hub '')" "EDGE-1 none"
is "live peering names" "$(comp "$NETCTL" link add '')" pm
is "the line's --tenant reaches netctl" \
	"$(NETCTL_TENANT= comp "$NETCTL" --tenant acme peering show '')" pm
is "an unknown noun gives nothing" "$(comp netctl frob '')" ""
is "nothing after the last argument" "$(comp "$NETCTL" link add pm EDGE-1 CN-1 '')" ""

# zsh: the file loads under compinit and completes in a real zsh.
if command -v zsh >/dev/null; then
	out=$(cd "$T" && zsh -c "autoload -Uz compinit; compinit -u -d $T/zcompdump
		source $ROOT/completions/_netctl
		(( \$+functions[_netctl] )) && [[ \$_comps[netctl] == _netctl ]] && echo loaded" 2>&1)
	is "zsh loads completions/_netctl under compinit" "$out" loaded
	if command -v tmux >/dev/null; then
		tmux -S "$SOCK" new-session -d -s z -x 150 -y 30 \
			"env -i HOME=$T TERM=xterm PATH=$(dirname "$NETCTL"):$PATH \
			NETCTL_SERVER=$SERVER NETCTL_TOKEN=$NETCTL_TOKEN NETCTL_TENANT=acme zsh -f"
		keys() { tmux -S "$SOCK" send-keys -t z "$@"; }
		screen() { tmux -S "$SOCK" capture-pane -p -t z; }
		keys "PS1='> '; autoload -Uz compinit; compinit -u -d $T/zcd; source $ROOT/completions/_netctl; clear" Enter
		ready() { screen | grep -qx '> '; }
		wait_until 10 ready
		keys 'netctl conn' Tab
		zline() { screen | grep -q '^> netctl connector'; }
		check "zsh completes netctl conn<TAB> to connector" wait_until 10 zline
		keys C-u 'netctl connector show CN-' Tab
		zlist() { screen | grep -q 'CN-1 *CN-2'; }
		check "zsh offers the live serials" wait_until 10 zlist
		keys C-u C-l 'netctl edge list --' Tab
		zdesc() { screen | grep -q -- '--kind.*only edges of this kind (dedicated|mtge; default: any)'; }
		check "zsh shows each option with its help, values and default" wait_until 10 zdesc
		keys C-u C-l 'netctl peering create p --topology ' Tab
		zenum() { screen | grep -q 'hub_spoke *mesh *partial_mesh'; }
		check "zsh offers the allowed values of an enum option" wait_until 10 zenum
	else
		ok "# SKIP tmux is not installed: zsh completion not typed"
	fi
else
	ok "# SKIP zsh is not installed"
fi

done_testing
