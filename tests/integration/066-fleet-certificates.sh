#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A fleet with device certificates: `connector credentials --all' writes a
# folder per device, `agent --fleet N --credentials-dir DIR' opens one TLS
# connection per device with its own certificate on the broker that
# `netctl broker-config' writes, and Sync Now of every device converges.
# A device without credentials, a key others may read, or a plain tcp://
# URL stop the fleet at start with an error naming the problem.
# (041-agent-fleet keeps the load run on shared plain connections.)
. "$(dirname "$0")/lib.sh"

N=${FLEET_CERT_N:-100}
D=$T/data
CORE_PKI=$D/pki
start_secure_broker "$D" || exit 1
start_serve "$D" --mqtt "$BROKER_URL" --apply-timeout 5s --reconcile 5s --stale-delay 1s \
	--heartbeat 10s --tunnel-interval 30s
TOKEN=$(cat "$D/admin.token")
export NETCTL_SERVER=$SERVER NETCTL_TOKEN=$TOKEN
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'
for i in $(seq 1 "$N"); do
	printf 'connector create --serial P%04d --name p%d --lan 172.%d.%d.0/24 --tenant acme\n' \
		"$i" "$i" $((16 + i / 250)) $((i % 250))
	printf 'connector approve P%04d --tenant acme\n' "$i"
done >"$T/setup.batch"
expect_rc "$N connectors created and approved" 0 batch -f "$T/setup.batch"
expect_rc "credentials --all" 0 connector credentials --all --out "$T/creds" --tenant acme
check "one folder per device" test "$(find "$T/creds" -name device.crt | wc -l)" -eq "$N"

spawn_fleet fleet1 "$N" P --heartbeat 10s --tunnel-interval 30s --credentials-dir "$T/creds"
check "the fleet opens one connection per device" \
	wait_until 60 grep -q "all $N connections up" "$FLEET_LOG"
check "each with its own certificate (the broker's usernames are the serials)" \
	grep -q "one per device, its own certificate" "$FLEET_LOG"
count() { api GET "/v1/stats$q"; jq -r ".sync.$1" <<<"$body"; }
all_synced() { test "$(count synced)" -eq "$N"; }
expect_status "Sync Now of all" 202 POST "/v1/sync$q" '{"all":true}'
check "all $N devices converge" wait_until 60 all_synced
stop "$FLEET_PID"

# Bad credentials stop the fleet at start, naming what is wrong.
cp -r "$T/creds" "$T/bad"
rm "$T/bad/P0002/device.key"
expect_rc "a device without its key: exit 1" 1 agent --mqtt "$BROKER_URL" --fleet 3 \
	--serial-prefix P --credentials-dir "$T/bad"
contains "naming the file" "$err" "$T/bad/P0002/device.key"
chmod 644 "$T/bad/P0001/device.key"
expect_rc "a key others may read: exit 1" 1 agent --mqtt "$BROKER_URL" --fleet 1 \
	--serial-prefix P --credentials-dir "$T/bad"
contains "saying so" "$err" "accessible by others"
expect_rc "a folder with no device of the fleet: exit 1" 1 agent --mqtt "$BROKER_URL" \
	--fleet 3 --serial-prefix Q --credentials-dir "$T/creds"
contains "naming the folder" "$err" "no device of Q... has a folder in \`$T/creds'"
expect_rc "--credentials-dir over tcp://: usage" 2 agent --mqtt "tcp://127.0.0.1:$BROKER_PORT" \
	--fleet 1 --serial-prefix P --credentials-dir "$T/creds"
contains "naming the URL" "$err" "needs a TLS broker URL"
expect_rc "--credentials is for one agent" 2 agent --mqtt "$BROKER_URL" --fleet 1 \
	--serial-prefix P --credentials "$T/creds/P0001"

done_testing
