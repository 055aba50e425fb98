# SPDX-License-Identifier: MIT
# Helpers of the chaos driver (tests/chaos/run), on top of the integration
# harness (tests/integration/lib.sh): a serve on a fixed port that can be
# killed and started again on the same data dir, a broker restarted on the
# same port, a fleet, a recorder of every batch the broker carried, and the
# checks a round ends with. Every wait polls against a deadline.

# rand N: a number in [0, N) from the round's generator, into $R. The
# generator is a 31-bit LCG seeded by chaos_seed_round, so that a round
# replays with the seed and round number it printed.
rand() {
	CHAOS_STATE=$(((CHAOS_STATE * 1103515245 + 12345) % 2147483648))
	R=$(((CHAOS_STATE >> 8) % $1))
}
chaos_seed_round() {
	CHAOS_STATE=$(((($1 * 2654435761) ^ ($2 * 40503)) % 2147483648))
	rand 2
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# serve_up [ARGS...]: netctl serve on $API_PORT (fixed across restarts) with
# the data dir $T/data; sets $SERVE_PID once /healthz answers.
serve_up() {
	local try
	for try in 1 2 3; do
		SERVE_LOG=$T/serve$((${#NC_PIDS[@]})).log
		spawn "serve$((${#NC_PIDS[@]}))" "$NETCTL" serve --listen "127.0.0.1:$API_PORT" \
			--data-dir "$T/data" --mqtt "$BROKER_URL" --heartbeat 10s --tunnel-interval 60s \
			--event-ring 300000 "$@"
		SERVE_PID=$pid
		if wait_until 20 curl -fsS "$SERVER/healthz"; then
			return 0
		fi
		kill -KILL "$SERVE_PID" 2>/dev/null
		wait "$SERVE_PID" 2>/dev/null
	done
	echo "# serve did not come up on $SERVER" >&2
	return 1
}

# serve_kill: kill -9 serve and wait for it.
serve_kill() {
	kill -KILL "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null
}

# broker_restart: kill -9 mosquitto and start it again on the same port.
broker_restart() {
	kill -KILL "$BROKER_PID" 2>/dev/null
	wait "$BROKER_PID" 2>/dev/null
	broker_again
}
broker_again() {
	local try
	for try in 1 2 3 4 5; do
		spawn "mosquitto$((${#NC_PIDS[@]}))" mosquitto -c "$T/mosquitto.conf"
		BROKER_PID=$pid
		wait_until 5 port_busy "$BROKER_PORT" && kill -0 "$BROKER_PID" 2>/dev/null && return 0
	done
	echo "# mosquitto did not come back on port $BROKER_PORT" >&2
	return 1
}

# fleet_up [ARGS...]: the simulated fleet C0001...; waits until every
# connection is up. fleet_down: SIGTERM; $FLEET_LINE is its summary line.
fleet_up() {
	FLEET_LOG=$T/fleet$((${#NC_PIDS[@]})).log
	spawn "fleet$((${#NC_PIDS[@]}))" "$NETCTL" agent --mqtt "$BROKER_URL" --fleet "$N" \
		--serial-prefix C --heartbeat 10s --tunnel-interval 60s "$@"
	FLEET_PID=$pid
	wait_until 30 grep -q 'connections up\|connected to the broker' "$FLEET_LOG" || return 1
	FLEET_CONNS=$(sed -n 's/.* over \([0-9]*\) connections.*/\1/p' "$FLEET_LOG" | head -n 1)
}
fleet_down() {
	stop "$FLEET_PID"
	FLEET_LINE=$(grep 'batches applied' "$FLEET_LOG" | tail -n1)
}

# recorder_up: mosquitto_sub writes every batch the broker carries to
# $T/batches (one JSON payload a line); started again when it died with the
# broker. The recorder's own session is clean: batches published while it
# is away are not seen, which can hide a reused seq but never invent one.
recorder_up() {
	if [ -n "${REC_PID:-}" ] && kill -0 "$REC_PID" 2>/dev/null; then
		return 0
	fi
	mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t 'VSR/+/batch' -t 'VSR/+/batch/+' \
		-F '%p' >>"$T/batches" 2>>"$T/recorder.log" </dev/null &
	REC_PID=$!
	NC_PIDS+=("$REC_PID")
}

# seqs_scan: appends (serial, seq, hash) of the batches recorded since the
# last scan to $T/seqs; $REUSED is the number of (serial, seq) pairs seen
# with two different hashes, $SEEN the number of batches recorded so far.
REC_OFF=0
seqs_scan() {
	local size cut len
	size=$(stat -c %s "$T/batches" 2>/dev/null || echo 0)
	if [ "$size" -gt "$REC_OFF" ]; then
		tail -c +"$((REC_OFF + 1))" "$T/batches" | head -c "$((size - REC_OFF))" >"$T/chunk"
		cut=0
		# A line still being written stays for the next scan.
		[ -n "$(tail -c 1 "$T/chunk")" ] && cut=$(tail -n 1 "$T/chunk" | wc -c)
		len=$((size - REC_OFF - cut))
		head -c "$len" "$T/chunk" |
			jq -R -r 'fromjson? | [.serial, .seq, .config_hash] | @tsv' >>"$T/seqs"
		REC_OFF=$((REC_OFF + len))
	fi
	touch "$T/seqs"
	SEEN=$(wc -l <"$T/seqs")
	REUSED=$(sort -u "$T/seqs" | awk '{ k = $1 " " $2; if ((k in h) && h[k] != $3) r[k] = 1;
		h[k] = $3 } END { print length(r) }')
	sort -u "$T/seqs" | awk '{ k = $1 " " $2; if ((k in h) && h[k] != $3) print k, h[k], $3;
		h[k] = $3 }' | head -n 5 >"$T/reused"
}

# sync_now FILE: Sync Now for every device, the reply into FILE.
sync_now() {
	curl -s --max-time 60 -o "$1" -X POST -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' --data '{"all":true}' "$SERVER/v1/sync$Q"
}

# converged FILE: true when every device that the Sync Now reply in FILE
# names is synced with the hash it was sent and that seq or a later one;
# $CONV holds how many are, $NOTCONV the serials of those that are not.
converged() {
	local page cursor=""
	: >"$T/states"
	while :; do
		page=$(curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" \
			"$SERVER/v1/sync$Q&limit=1000${cursor:+&cursor=$cursor}") || return 1
		jq -c '.items[]' <<<"$page" >>"$T/states" || return 1
		cursor=$(jq -r '.next_cursor // empty' <<<"$page")
		[ -n "$cursor" ] || break
	done
	NOTCONV=$(jq -r -n --slurpfile want "$1" --slurpfile have "$T/states" '
		([$have[] | {(.serial): .}] | add) as $h |
		$want[0].items[] | select(.seq != null) |
		select(($h[.serial].state != "synced") or ($h[.serial].config_hash != .config_hash)
			or ($h[.serial].seq < .seq)) | .serial')
	CONV=$(($(jq '[.items[] | select(.seq != null)] | length' "$1") - $(grep -c . <<<"$NOTCONV")))
	[ -z "$NOTCONV" ]
}

# wait_converged FILE SECONDS: polls converged; $DT is the time it took (ms).
wait_converged() {
	local t0 deadline
	t0=$(now_ms)
	deadline=$((t0 + $2 * 1000))
	until converged "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			DT=$(($(now_ms) - t0))
			return 1
		fi
		sleep 0.5
	done
	DT=$(($(now_ms) - t0))
}

# ups: how many times serve's MQTT connection came up and the fleet's
# connections came back, from their logs (one number, for wait_reconnected).
ups() {
	echo $(($(grep -c 'broker connection up' "$SERVE_LOG") + $(grep -c ': reconnected$' "$FLEET_LOG")))
}

# metric NAME: a value of serve's /metrics ("name{labels}" as printed), 0 if absent.
metric() {
	curl -s --max-time 5 "$SERVER/metrics" | awk -v k="$1" '$1 == k { print $2; f = 1 }
		END { if (!f) print 0 }'
}

# metric_ge NAME VALUE: true when the metric is at least VALUE (for wait_until).
metric_ge() {
	[ "$(metric "$1")" -ge "$2" ]
}
