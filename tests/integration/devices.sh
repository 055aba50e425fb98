# SPDX-License-Identifier: MIT
# Devices played with mosquitto_pub/sub for the CLI tests (050-059),
# independent of netctl's agent. Sourced after lib.sh and start_broker.
#
# start_devices: a background loop that answers every batch on
# VSR/+/batch[/tenant] with a confirmation carrying the batch's own hash
# (the right one), except for serials listed in $T/dev/bad (a zero hash:
# hash_mismatch) and $T/dev/silent (no answer). Each topic received is
# logged to $T/dev/seen and each answer to $T/dev/answered.
#
# With DEVICES_CREDS set to a folder of credentials (one subfolder per serial,
# as `credentials --all --out' writes them) and the broker of
# start_secure_broker, each device of that folder is played on its own
# connection with its own certificate, as the ACL requires; CORE_PKI (the
# data dir's pki) publishes the probes.

# _devices_answer: $T/dev/answer.sh, which both device loops source: answer
# SERIAL TOPIC PAYLOAD MOSQUITTO-OPTS... confirms the batch PAYLOAD received
# on TOPIC (the batch's own hash; a zero one when SERIAL is in $dir/bad;
# nothing when it is in $dir/silent or PAYLOAD has no seq) and logs it.
_devices_answer() {
	cat >"$T/dev/answer.sh" <<'ANSWER'
answer() {
	local serial=$1 topic=$2 payload=$3 suffix seq hash n
	shift 3
	suffix=${topic#"VSR/$serial/batch"}
	grep -qx "$serial" "$dir/silent" && return
	seq=$(jq -r '.seq // empty' <<<"$payload" 2>/dev/null)
	[ -n "$seq" ] || return
	hash=$(jq -r .config_hash <<<"$payload")
	n=$(jq '.commands | length' <<<"$payload")
	grep -qx "$serial" "$dir/bad" && hash=$(printf '%064d' 0)
	mosquitto_pub "$@" -q 1 -t "VSR/$serial/confirm$suffix" -m \
		"{\"v\":1,\"serial\":\"$serial\",\"seq\":$seq,\"config_hash\":\"$hash\",\"status\":\"success\",\"applied\":$n,\"failed\":0,\"failures\":[],\"vpp_mode\":\"none\",\"agent\":\"test\"}"
	echo "$serial $seq" >>"$dir/answered"
}
ANSWER
}

start_devices() {
	[ -n "${DEVICES_CREDS:-}" ] && {
		start_secure_devices
		return
	}
	mkdir -p "$T/dev"
	: >"$T/dev/bad"
	: >"$T/dev/silent"
	_devices_answer
	cat >"$T/dev/loop.sh" <<'LOOP'
port=$1 dir=$2
. "$dir/answer.sh"
exec 3< <(exec mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -v -t 'VSR/+/batch' -t 'VSR/+/batch/+')
sub=$!
trap 'kill "$sub" 2>/dev/null; exit 0' TERM INT EXIT
while read -r topic payload <&3; do
	echo "$topic" >>"$dir/seen"
	serial=${topic#VSR/}
	serial=${serial%%/*}
	answer "$serial" "$topic" "$payload" -h 127.0.0.1 -p "$port"
done
LOOP
	spawn devices bash "$T/dev/loop.sh" "$BROKER_PORT" "$T/dev"
	DEVICES_PID=$pid
	# Live once a probe published now reaches the loop.
	_devices_probe() {
		mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/PROBE/batch -m probe
		grep -q '^VSR/PROBE/batch$' "$T/dev/seen" 2>/dev/null
	}
	wait_until 10 _devices_probe
}

# start_secure_devices: start_devices, one loop per device of $DEVICES_CREDS;
# each sends one heartbeat first, so that no device reads as never seen.
start_secure_devices() {
	local d serials=()
	mkdir -p "$T/dev"
	: >"$T/dev/bad"
	: >"$T/dev/silent"
	_devices_answer
	cat >"$T/dev/loop1.sh" <<'LOOP'
port=$1 dir=$2 creds=$3 serial=$4
. "$dir/answer.sh"
tls=(-h 127.0.0.1 -p "$port" --cafile "$creds/ca.crt" --cert "$creds/device.crt"
	--key "$creds/device.key")
exec 3< <(exec mosquitto_sub "${tls[@]}" -q 1 -v -t "VSR/$serial/batch" -t "VSR/$serial/batch/+")
sub=$!
trap 'kill "$sub" 2>/dev/null; exit 0' TERM INT EXIT
# One heartbeat with a key of its own, as an agent sends on connecting: the
# core has seen the device.
key=$(head -c 32 /dev/urandom | base64)
mosquitto_pub "${tls[@]}" -q 1 -t "VSR/$serial/heartbeat" -m \
	"{\"v\":1,\"serial\":\"$serial\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":0,\"public_key\":\"$key\",\"agent\":\"test\"}"
while read -r topic payload <&3; do
	echo "$topic" >>"$dir/seen"
	[ "$payload" = probe ] && echo "$serial" >>"$dir/live" && continue
	answer "$serial" "$topic" "$payload" "${tls[@]}"
done
LOOP
	for d in "$DEVICES_CREDS"/*/; do
		d=${d%/}
		serials+=("${d##*/}")
		spawn "device-${d##*/}" bash "$T/dev/loop1.sh" "$BROKER_PORT" "$T/dev" "$d" "${d##*/}"
	done
	# Live once a probe published now by the core's identity reaches every loop.
	_secure_probe() {
		local s
		for s in "${serials[@]}"; do
			grep -qx "$s" "$T/dev/live" 2>/dev/null && continue
			mosquitto_pub $(device_tls core) -q 1 -t "VSR/$s/batch" -m probe
		done
		test "$(sort -u "$T/dev/live" 2>/dev/null | wc -l)" -eq "${#serials[@]}"
	}
	wait_until 20 _secure_probe
	# And once the core has taken every device's heartbeat (its key is known).
	_secure_seen() {
		local s
		for s in "${serials[@]}"; do
			curl -s -H "Authorization: Bearer $TOKEN" "$SERVER/v1/connectors/$s" \
				"$SERVER/v1/edges/$s" | grep -q '"public_key":"' || return 1
		done
	}
	wait_until 20 _secure_seen
}
