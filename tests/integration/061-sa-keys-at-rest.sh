#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# IPSec SA keys at rest: the batch carries the clear key to its device, but
# the store holds it sealed with the key in DATA_DIR/pki/store.key, so a
# copy of netctl.db (or its write-ahead log) alone reveals no key; the API
# redacts it; a restart reads the sealed keys back and sends the same ones.
. "$(dirname "$0")/lib.sh"

start_core
D=$T/data
q='?tenant=acme'

spawn batches mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'VSR/+/batch'
probe() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/PROBE/batch -m probe &&
	grep -q '^VSR/PROBE/batch probe' "$T/batches.out"; }
wait_until 5 probe

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"a","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.1.0.0/16"]}'
api POST "/v1/edges$q" '{"serial":"EDGE-2","name":"b","kind":"dedicated","endpoint":"192.0.2.2:51820","lan_subnets":["10.2.0.0/16"]}'
api POST "/v1/peerings$q" '{"name":"sec","topology":"mesh","protocol":"ipsec"}'
for s in EDGE-1 EDGE-2; do api POST "/v1/peerings/sec/members$q" "{\"serial\":\"$s\"}"; done

expect_status "sync now EDGE-1" 202 POST "/v1/devices/EDGE-1/sync$q"
check "its batch arrives" wait_until 5 grep -q '^VSR/EDGE-1/batch {' "$T/batches.out"
batch=$(grep -m1 '^VSR/EDGE-1/batch ' "$T/batches.out" | cut -d' ' -f2-)
keys=$(jq -r '.commands[] | select(.topic == "ipsec") | .body.sas[].key' <<<"$batch")
check "the batch carries the clear SA keys to the device" \
	test "$(wc -w <<<"$keys")" -eq 2 -a "$(head -c 8 <<<"$keys" | tr -d 0-9a-f)" = ""

for k in $keys; do
	check "netctl.db and its WAL do not hold key ${k:0:8}…" bash -c \
		"! grep -sqF '$k' '$D/netctl.db' '$D/netctl.db-wal'"
done
check "nor does a copy made with sqlite3's .dump" bash -c \
	"! sqlite3 '$D/netctl.db' .dump | grep -qF '$(head -1 <<<"$keys")'"
check "the store holds sealed values" bash -c \
	"sqlite3 '$D/netctl.db' 'SELECT key_ab FROM links' | grep -q '^nc-sealed-1:'"
api GET "/v1/devices/EDGE-1/batch$q"
check "the API redacts the key" bash -c "! grep -qF '$(head -1 <<<"$keys")' <<<'$body'"
check "store.key is 0600" test "$(stat -c %a "$D/pki/store.key")" = 600

# A restart reads the sealed keys back: the next batch carries the same ones.
stop "$SERVE_PID"
start_serve "$D" --mqtt "$BROKER_URL"
n=$(grep -ac '^VSR/EDGE-1/batch {' "$T/batches.out")
expect_status "sync now after a restart" 202 POST "/v1/devices/EDGE-1/sync$q"
more() { test "$(grep -ac '^VSR/EDGE-1/batch {' "$T/batches.out")" -gt "$n"; }
check "a batch arrives" wait_until 5 more
again=$(grep -a '^VSR/EDGE-1/batch ' "$T/batches.out" | tail -1 | cut -d' ' -f2- |
	jq -r '.commands[] | select(.topic == "ipsec") | .body.sas[].key')
check "with the same SA keys" test "$again" = "$keys"

done_testing
