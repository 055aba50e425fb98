# SPDX-License-Identifier: MIT
# The TUI harness: sourced by tests/tui/NNN-*.sh after tests/integration/lib.sh.
# `netctl tui' runs in a detached tmux session of a fixed size; keys go in
# with send-keys and the screen comes out with capture-pane, polled against
# a deadline. Each run's stderr is kept, so the sanitizers' reports are
# found (check_sanitizers).

command -v tmux >/dev/null || {
	ok "# SKIP tmux is not installed"
	exit 0
}
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; nc_cleanup' EXIT
TUI_RUNS=0
WAIT=${TUI_WAIT:-15}

# open_tui [ENV=VALUE...] [-- ARGS...]: a new tmux server and session running
# `netctl tui ARGS' with the environment given (after NETCTL_* of the test);
# the pane stays after it ends to show "[exited N]". Size 140x35.
open_tui() {
	local envs=() args=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then
			shift
			args=("$@")
			break
		fi
		envs+=("$1")
		shift
	done
	tmux -S "$SOCK" kill-server 2>/dev/null
	TUI_RUNS=$((TUI_RUNS + 1))
	SOCK=$T/tmux.$TUI_RUNS.sock
	TUI_ERR=$T/tui.$TUI_RUNS.err
	tmux -S "$SOCK" -f /dev/null new-session -d -s nc -x 140 -y 35 \
		"env LANG=C.UTF-8 LC_ALL= NETCTL_SERVER=${NETCTL_SERVER:-} NETCTL_TOKEN=${NETCTL_TOKEN:-} \
		NETCTL_TENANT=${NETCTL_TENANT:-} XDG_CONFIG_HOME=$T/config ${envs[*]} \
		$NETCTL tui ${args[*]} 2>$TUI_ERR; echo \"[exited \$?]\"; sleep 600"
}
keys() { tmux -S "$SOCK" send-keys -t nc "$@"; }
screen() { tmux -S "$SOCK" capture-pane -p -t nc; }
# The screen with its colours as escape sequences.
screen_e() { tmux -S "$SOCK" capture-pane -p -e -t nc; }
shows() { screen | grep -qF -- "$1"; }
shows_re() { screen | grep -qE -- "$1"; }
hides() { ! screen | grep -qF -- "$1"; }
pane() { tmux -S "$SOCK" display-message -p -t nc "$1"; }

# expect_screen DESC TEXT / expect_re DESC REGEX / expect_gone DESC TEXT:
# polls the screen until it shows (or no longer shows) it.
expect_screen() {
	if wait_until "$WAIT" shows "$2"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
}
expect_re() {
	if wait_until "$WAIT" shows_re "$2"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
}
expect_gone() {
	if wait_until "$WAIT" hides "$2"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
}

# tui_pid: the pid of `netctl tui' in the pane ("" once it is gone).
tui_pid() {
	pgrep -P "$(pane '#{pane_pid}')" -f 'netctl tui' 2>/dev/null | head -n 1
}

# expect_exit DESC CODE: the tui ended with CODE and gave the terminal back:
# the main screen again, the cursor shown, the process gone.
expect_exit() {
	if wait_until "$WAIT" shows "[exited $2]"; then ok "$1"; else not_ok "$1" "$(screen)"; fi
	check "the terminal is restored (main screen, cursor shown)" \
		test "$(pane '#{alternate_on} #{cursor_flag} #{keypad_flag}')" = "0 1 0"
	check "the process is gone" test -z "$(tui_pid)"
}

# check_sanitizers: no AddressSanitizer, LeakSanitizer or UBSan report in
# the stderr of any run, nor in $NC_SAN_DIR.
check_sanitizers() {
	local found
	found=$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$T"/tui.*.err 2>/dev/null)
	# With log_path (lib.sh) the reports are files of their own; reported
	# here, they are moved aside so that nc_cleanup does not count them twice.
	found="$found $(nc_san_reports)"
	if [ -z "${found// /}" ]; then
		ok "no sanitizer report in the tui's stderr"
	else
		not_ok "no sanitizer report in the tui's stderr" "$(head -n 40 $found)"
		mkdir -p "$T/san-reported"
		mv $(nc_san_reports) "$T/san-reported/" 2>/dev/null
	fi
}
