# SPDX-License-Identifier: MIT
# The integration harness: sourced by tests/integration/NNN-*.sh.
#
# Every test runs in its own temp dir ($T) with its own ports; every process
# it starts through this file is ended when the script exits, pass or fail.
# Results are TAP lines ("ok - ..."/"not ok - ..."), counted by tests/run.
# On a failure the logs of the processes it started are printed, and nothing
# else. Waiting is always polling against a deadline, never a fixed sleep.

set -u
NETCTL=${NETCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/netctl}
T=$(mktemp -d "${TMPDIR:-/tmp}/netctl-test.XXXXXX")
NC_PIDS=()
NC_LOGS=()
NC_FAILED=0
NC_COUNT=0
# Sanitizer reports of every process the test starts (serve, agents, the
# CLI, the TUI), one file per process, where nc_cleanup reads them: a
# report fails the test. Under `make valgrind' the memcheck logs go there
# too (tests/valgrind/netctl). Options given by the caller come first.
NC_SAN_DIR=$T/san
mkdir -p "$NC_SAN_DIR"
export NC_SAN_DIR
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$NC_SAN_DIR/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$NC_SAN_DIR/ubsan"

nc_cleanup() {
	local pid
	for pid in "${NC_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${NC_PIDS[@]}"; do
		wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	done
	nc_san_check
	if [ "$NC_FAILED" -gt 0 ]; then
		local log
		for log in "${NC_LOGS[@]}"; do
			[ -s "$log" ] || continue
			echo "# --- $log"
			sed 's/^/# /' "$log" | tail -n 60
		done
	fi
	nc_broker_cleanup
	rm -rf "$T"
}
trap nc_cleanup EXIT

# What a sanitizer report on stderr starts with. GCC's UBSan ignores
# log_path when linked with ASan (GCC bug 94328) and writes to stderr: the
# stderr of spawned processes (their logs) and of run_nc is searched too.
NC_SAN_RE='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

# nc_san_reports: the files in $NC_SAN_DIR that hold a report: any sanitizer
# log, a copy of each spawned process's log that holds one, and a memcheck
# log whose error summary is not 0 errors (with --errors-for-leak-kinds=
# definite a definite leak counts as an error).
nc_san_reports() {
	local f c
	for f in "${NC_LOGS[@]}"; do
		c=stderr.${f##*/}
		[ -e "$NC_SAN_DIR/$c" ] || [ -e "$T/san-reported/$c" ] && continue
		grep -qE "$NC_SAN_RE" "$f" 2>/dev/null || continue
		grep -E -A40 "$NC_SAN_RE" "$f" >"$NC_SAN_DIR/$c"
	done
	for f in "$NC_SAN_DIR"/*; do
		[ -s "$f" ] || continue
		case "${f##*/}" in
		vg.*) grep -q 'ERROR SUMMARY: [1-9]' "$f" || continue ;;
		esac
		echo "$f"
	done
}

# nc_san_check: one "not ok" line, with the reports, when any process that
# the test started reported a memory error, a leak or undefined behaviour.
nc_san_check() {
	local f found
	found=$(nc_san_reports)
	[ -n "$found" ] || return 0
	not_ok "no sanitizer or memcheck report from the processes the test started" \
		"$(for f in $found; do
			echo "--- ${f##*/}"
			head -n 60 "$f"
		done)"
}
trap 'exit 130' INT TERM

# ok DESC / not_ok DESC [DETAIL]: report one result.
ok() {
	NC_COUNT=$((NC_COUNT + 1))
	echo "ok $NC_COUNT - $1"
}
not_ok() {
	NC_COUNT=$((NC_COUNT + 1))
	NC_FAILED=$((NC_FAILED + 1))
	echo "not ok $NC_COUNT - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

# check DESC CMD...: ok when CMD succeeds; returns CMD's failure, so that
# `check ... || explain' can add what the reader needs to see.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$out"
		return 1
	fi
}

# run_nc ARGS...: runs netctl; sets $out (stdout), $err (stderr), $rc.
run_nc() {
	local o e
	o=$(mktemp "$T/out.XXXXXX")
	e=$(mktemp "$T/err.XXXXXX")
	"$NETCTL" "$@" >"$o" 2>"$e" </dev/null
	rc=$?
	grep -qE "$NC_SAN_RE" "$e" && cp "$e" "$(mktemp "$NC_SAN_DIR/stderr.cli.XXXXXX")"
	out=$(cat "$o")
	err=$(cat "$e")
	rm -f "$o" "$e"
}

# expect_rc DESC CODE ARGS...: ok when netctl ARGS exits with CODE.
expect_rc() {
	local desc=$1 code=$2
	shift 2
	run_nc "$@"
	if [ "$rc" -eq "$code" ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc (wanted $code); stdout: $out; stderr: $err"
	fi
}

# contains DESC HAYSTACK NEEDLE: ok when the text contains the needle.
contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "wanted \`$3' in: $2" ;;
	esac
}

# wait_until SECONDS CMD...: polls CMD until it succeeds or the deadline.
# Under valgrind (NC_TIME_SCALE, an integer, e.g. 5) every deadline stretches.
wait_until() {
	local limit=$1 deadline
	shift
	deadline=$(($(date +%s%N) + limit * ${NC_TIME_SCALE:-1} * 1000000000))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep "${NC_POLL:-0.05}"
	done
}

# wait_gently SECONDS CMD...: wait_until for a CMD that costs the server real
# work (a listing of a whole fleet): asks once a second, not twenty times.
wait_gently() {
	NC_POLL=1 wait_until "$@"
}

# wait_gone PID SECONDS: polls until the process has exited.
wait_gone() {
	wait_until "$2" bash -c "! kill -0 $1 2>/dev/null"
}

# spawn NAME CMD...: starts CMD in the background, logging to $T/NAME.log;
# sets $pid. Stdout goes to $T/NAME.out.
spawn() {
	local name=$1
	shift
	"$@" >"$T/$name.out" 2>"$T/$name.log" </dev/null &
	pid=$!
	NC_PIDS+=("$pid")
	NC_LOGS+=("$T/$name.log" "$T/$name.out")
}

# Test ports come from 20000-31999, below the kernel's ephemeral range
# (32768 and up), so an outgoing connection never takes one meanwhile.
# port_busy PORT: true when something listens on PORT.
port_busy() {
	ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# launch_broker NAME CONF SCHEME: mosquitto -c CONF, waited for on
# $BROKER_PORT; sets $BROKER_PID and $BROKER_URL (SCHEME://). Returns 1, the
# process ended, when it does not listen within 10 s.
launch_broker() {
	spawn "$1" mosquitto -c "$2"
	BROKER_PID=$pid
	if wait_until 10 port_busy "$BROKER_PORT" && kill -0 "$BROKER_PID" 2>/dev/null; then
		BROKER_URL="$3://127.0.0.1:$BROKER_PORT"
		return 0
	fi
	kill "$BROKER_PID" 2>/dev/null
	return 1
}

# start_broker: a real mosquitto on a free loopback port, configured as the
# project ships it (no Nagle, a wide in-flight window). Sets $BROKER_PORT,
# $BROKER_URL and $BROKER_PID. With BROKER=rabbitmq: see start_rabbitmq.
start_broker() {
	local try
	[ "$BROKER" = mosquitto ] || {
		start_rabbitmq
		return
	}
	for try in 1 2 3 4 5 6 7 8; do
		BROKER_PORT=$((20000 + RANDOM % 12000))
		port_busy "$BROKER_PORT" && continue
		cat >"$T/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
set_tcp_nodelay true
max_inflight_messages 1000
max_queued_messages 100000
persistence false
log_dest stderr
log_type error
log_type warning
CONF
		launch_broker mosquitto "$T/mosquitto.conf" tcp && return 0
	done
	echo "# could not start mosquitto" >&2
	return 1
}

# start_serve DIR [ARGS...]: netctl serve on a free loopback port with data
# dir DIR. Sets $SERVER (its URL) and $SERVE_PID once /healthz answers 200.
start_serve() {
	local dir=$1 name
	shift
	name=serve$((${#NC_PIDS[@]}))
	# A broker shared by every test of a run: this test's core has a session of its own.
	[ -n "$NC_CORE_ID" ] && set -- --mqtt-client-id "$NC_CORE_ID" "$@"
	spawn "$name" "$NETCTL" serve --listen 127.0.0.1:0 --data-dir "$dir" "$@"
	SERVE_PID=$pid
	SERVE_LOG=$T/$name.log
	if ! wait_until 10 grep -q '^http://' "$T/$name.out"; then
		echo "# serve did not announce its address" >&2
		return 1
	fi
	SERVER=$(grep -m1 '^http://' "$T/$name.out")
	wait_until 10 curl -fsS "$SERVER/healthz"
}

# stop PID: SIGTERM, then wait for it; returns its exit status.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# done_testing: exit status for tests/run.
done_testing() {
	[ "$NC_COUNT" -gt 0 ] || not_ok "the script ran no check"
	[ "$NC_FAILED" -eq 0 ]
}

# api METHOD PATH [BODY] [TOKEN]: an HTTP request to $SERVER with $TOKEN (or
# TOKEN); sets $status and $body. BODY "-" sends none.
api() {
	local method=$1 path=$2 data=${3:--} tok=${4-${TOKEN:-}} f
	f=$(mktemp "$T/api.XXXXXX")
	if [ "$data" = - ]; then
		status=$(curl -s -o "$f" -w '%{http_code}' -X "$method" \
			${tok:+-H "Authorization: Bearer $tok"} "$SERVER$path")
	else
		status=$(curl -s -o "$f" -w '%{http_code}' -X "$method" \
			${tok:+-H "Authorization: Bearer $tok"} \
			-H 'Content-Type: application/json' --data-binary "$data" "$SERVER$path")
	fi
	body=$(cat "$f")
	rm -f "$f"
}

# expect_status DESC CODE METHOD PATH [BODY] [TOKEN]: ok when the answer has CODE.
expect_status() {
	local desc=$1 code=$2
	shift 2
	api "$@"
	if [ "$status" = "$code" ]; then
		ok "$desc"
	else
		not_ok "$desc" "HTTP $status (wanted $code): $body"
	fi
}

# jq_is DESC FILTER WANT: ok when jq FILTER on $body prints WANT.
jq_is() {
	local got
	got=$(printf '%s' "$body" | jq -r "$2" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "got \`$got', wanted \`$3'; body: $body"; fi
}

# jq_out DESC FILTER WANT: ok when jq FILTER on $out (stdout of the last
# run_nc or expect_rc) prints WANT.
jq_out() {
	local got
	got=$(printf '%s' "$out" | jq -r "$2" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "got \`$got', wanted \`$3'; stdout: $out; stderr: $err"; fi
}

# free_port: prints a loopback port that nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		port_busy "$p" || break
	done
	echo "$p"
}

# --- Other brokers (BROKER=rabbitmq) and skips.
#
# BROKER chooses the broker of every test: mosquitto (the default) or
# rabbitmq, RabbitMQ's MQTT plugin (scripts/rabbitmq-node). tests/run starts
# one node for the whole run and exports RABBITMQ_MQTT_PORT; a test run by
# hand without it starts a node of its own (seconds). A node is shared, so
# each test's core gets its own client id ($NC_CORE_ID, through start_serve),
# and its persistent session is removed when the test ends.
BROKER=${BROKER:-mosquitto}
NC_CORE_ID=
NC_OWN_RABBIT=

# start_rabbitmq: sets $BROKER_PORT and $BROKER_URL to the node's MQTT
# listener; $BROKER_PID is empty (the node is not this test's to stop).
start_rabbitmq() {
	local vars
	if [ "$BROKER" != rabbitmq ]; then
		echo "# unknown BROKER \`$BROKER' (mosquitto or rabbitmq)" >&2
		return 1
	fi
	if [ -z "${RABBITMQ_MQTT_PORT:-}" ]; then
		# On tmpfs where there is one, as tests/run does.
		NC_OWN_RABBIT=$T/rabbitmq
		[ -d /dev/shm ] && [ -w /dev/shm ] && NC_OWN_RABBIT=/dev/shm/${T##*/}-rabbitmq
		vars=$("$(dirname "${BASH_SOURCE[0]}")/../../scripts/rabbitmq-node" start \
			"$NC_OWN_RABBIT") || return 1
		RABBITMQ_MQTT_PORT=$(printf '%s\n' "$vars" | sed -n 's/^RABBITMQ_MQTT_PORT=//p')
	fi
	BROKER_PORT=$RABBITMQ_MQTT_PORT
	BROKER_URL="tcp://127.0.0.1:$BROKER_PORT"
	BROKER_PID=
	NC_CORE_ID=netctl-core-$$-$RANDOM
}

# nc_broker_cleanup: ends this test's core session on a shared broker (a
# clean-session connect with its client id discards it) and stops a node
# this test started. Called by nc_cleanup.
nc_broker_cleanup() {
	if [ -n "$NC_CORE_ID" ]; then
		timeout 10 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -i "$NC_CORE_ID" \
			-t netctl/cleanup -E >/dev/null 2>&1
	fi
	if [ -n "$NC_OWN_RABBIT" ]; then
		"$(dirname "${BASH_SOURCE[0]}")/../../scripts/rabbitmq-node" stop "$NC_OWN_RABBIT"
	fi
}

# skip_all REASON: the whole test is skipped (one TAP "# SKIP" line, which
# tests/run counts as skipped, not passed); exits.
skip_all() {
	NC_COUNT=$((NC_COUNT + 1))
	echo "ok $NC_COUNT - # SKIP $1"
	exit 0
}

# skip_one DESC REASON: one check is skipped, the test goes on.
skip_one() {
	NC_COUNT=$((NC_COUNT + 1))
	echo "ok $NC_COUNT - $1 # SKIP $2"
}

# needs_mosquitto WHAT: skips the whole test unless the broker is mosquitto,
# for tests built on mosquitto's own configuration (WHAT says which part).
needs_mosquitto() {
	[ "$BROKER" = mosquitto ] || skip_all "needs mosquitto's own $1 (BROKER=$BROKER)"
}

# start_secure_broker DATA_DIR: mosquitto configured by `netctl broker-config'
# for the PKI of DATA_DIR (made there if absent, as serve would): TLS on a
# free loopback port, a certificate required from every client, each device
# confined to its own topics. Sets $BROKER_PORT, $BROKER_URL (mqtts://),
# $BROKER_PID and $BROKER_DIR (mosquitto.conf, ca.crt, acl). Send the broker
# SIGHUP to make it read a new CRL.
start_secure_broker() {
	local data=$1 try
	for try in 1 2 3 4 5 6 7 8; do
		BROKER_PORT=$((20000 + RANDOM % 12000))
		port_busy "$BROKER_PORT" && continue
		BROKER_DIR=$T/broker$try
		"$NETCTL" broker-config --data-dir "$data" --listen "127.0.0.1:$BROKER_PORT" \
			--out "$BROKER_DIR" >/dev/null || return 1
		launch_broker mosquitto$try "$BROKER_DIR/mosquitto.conf" mqtts && return 0
	done
	echo "# could not start mosquitto with broker-config" >&2
	return 1
}

# device_tls SERIAL_DIR: mosquitto_pub/sub options to reach the secure broker
# as the device whose credentials are in SERIAL_DIR (ca.crt, device.crt,
# device.key); "core" for DATA_DIR/pki of the core ($CORE_PKI).
device_tls() {
	if [ "$1" = core ]; then
		echo -h 127.0.0.1 -p "$BROKER_PORT" --cafile "$BROKER_DIR/ca.crt" \
			--cert "$CORE_PKI/core.crt" --key "$CORE_PKI/core.key"
	else
		echo -h 127.0.0.1 -p "$BROKER_PORT" --cafile "$1/ca.crt" \
			--cert "$1/device.crt" --key "$1/device.key"
	fi
}

# use_serve [URL]: points the CLI at the serve on $T/data (at URL, or
# $SERVER): sets TOKEN to its admin token, exports NETCTL_SERVER,
# NETCTL_TOKEN and XDG_CONFIG_HOME ($T/config), unsets NETCTL_TENANT and
# NO_COLOR.
use_serve() {
	TOKEN=$(cat "$T/data/admin.token")
	export NETCTL_SERVER=${1:-$SERVER} NETCTL_TOKEN=$TOKEN XDG_CONFIG_HOME=$T/config
	unset NETCTL_TENANT NO_COLOR
}

# start_core [SERVE-ARGS...]: start_broker, then start_serve on $T/data with
# --mqtt $BROKER_URL and SERVE-ARGS, then use_serve; the test exits when the
# broker does not start.
start_core() {
	start_broker || exit 1
	start_serve "$T/data" --mqtt "$BROKER_URL" "$@"
	use_serve
}

# start_fixed_serve N [SERVE-ARGS...]: serve number N on $T/data with the
# broker and SERVE-ARGS, listening on $PORT (a free port chosen by the first
# call), so that a restart keeps the address. Sets $PORT and $SERVE_PID;
# returns once /healthz answers.
start_fixed_serve() {
	local n=$1
	shift
	[ -n "${NC_FIXED_PORT:-}" ] || NC_FIXED_PORT=$(free_port)
	PORT=$NC_FIXED_PORT
	spawn "serve$n" "$NETCTL" serve --listen "127.0.0.1:$PORT" --data-dir "$T/data" \
		--mqtt "$BROKER_URL" "$@"
	SERVE_PID=$pid
	wait_until 10 curl -fsS "http://127.0.0.1:$PORT/healthz"
}

# new_tenant ID: `netctl tenant create ID', then NETCTL_TENANT=ID for the
# commands that follow.
new_tenant() {
	NETCTL_TENANT= run_nc tenant create "$1"
	export NETCTL_TENANT=$1
}

# matches DESC TEXT REGEX: ok when a line of TEXT matches the extended REGEX.
matches() {
	if grep -Eq -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1" "wanted /$3/ in: $2"; fi
}

# spawn_fleet NAME N PREFIX [AGENT-ARGS...]: `netctl agent --fleet N
# --serial-prefix PREFIX AGENT-ARGS' on the broker, logging to $T/NAME.log.
# Sets $FLEET_PID and $FLEET_LOG.
spawn_fleet() {
	local name=$1 n=$2 prefix=$3
	shift 3
	spawn "$name" "$NETCTL" agent --mqtt "$BROKER_URL" --fleet "$n" --serial-prefix "$prefix" "$@"
	FLEET_PID=$pid
	FLEET_LOG=$T/$name.log
}

# connector_keys_known N: N connectors have announced their public key (their
# agents are up and registered); for wait_until.
connector_keys_known() {
	test "$("$NETCTL" connector list -o json | jq '[.items[] | select(.public_key != null)] | length')" = "$1"
}
