#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The device PKI: serve makes a CA and its own certificate in the data dir
# (keys 0600, dir 0700); an admin gets a connector its certificate, with a
# key the core makes or for a CSR made on the device by `netctl agent csr';
# CN = serial, signed by the CA (openssl verify); others get 403. The broker
# that `netctl broker-config' configures accepts only certificates of the CA,
# confines each device to its own topics (checked by a subscriber holding
# the core's certificate), refuses anonymous clients, and after a
# decommission (the CRL lists the serial) refuses the device once it reloads
# on SIGHUP. No CA key material in any reply, the log or the events.
. "$(dirname "$0")/lib.sh"

D=$T/data
start_serve "$D"
TOKEN=$(cat "$D/admin.token")
q='?tenant=acme'
mode() { stat -c %a "$1"; }

check "the pki dir is 0700" test "$(mode "$D/pki")" = 700
for f in ca.key core.key store.key; do
	check "pki/$f is 0600" test "$(mode "$D/pki/$f")" = 600
done
check "the CA certificate is a CA" bash -c \
	"openssl x509 -in '$D/pki/ca.crt' -noout -text | grep -q 'CA:TRUE'"
check "the core's certificate: CN netctl-core, signed by the CA" bash -c \
	"openssl verify -CAfile '$D/pki/ca.crt' '$D/pki/core.crt' &&
	 openssl x509 -in '$D/pki/core.crt' -noout -subject | grep -q 'CN *= *netctl-core'"
check "an empty CRL from the start" bash -c \
	"openssl crl -in '$D/pki/crl.pem' -noout -text | grep -q 'No Revoked Certificates'"

api POST /v1/tenants '{"id":"acme"}'
for s in CN-1 CN-2 CN-3; do
	api POST "/v1/connectors$q" "{\"serial\":\"$s\",\"name\":\"b-$s\"}"
done

# A key made by the core.
export NETCTL_SERVER=$SERVER NETCTL_TOKEN=$TOKEN
expect_rc "connector credentials CN-1" 0 connector credentials CN-1 --out "$T/c1"
cn_of() { openssl x509 -in "$1" -noout -subject | sed 's/.*CN *= *//'; }
check "ca.crt, device.crt and device.key are written" \
	test -s "$T/c1/ca.crt" -a -s "$T/c1/device.crt" -a -s "$T/c1/device.key"
check "device.key is 0600" test "$(mode "$T/c1/device.key")" = 600
check "the certificate verifies against the CA" openssl verify -CAfile "$D/pki/ca.crt" "$T/c1/device.crt"
check "its CN is the serial" test "$(cn_of "$T/c1/device.crt")" = CN-1
check "it is for client authentication" bash -c \
	"openssl x509 -in '$T/c1/device.crt' -noout -text | grep -q 'TLS Web Client Authentication'"
check "the key is the certificate's" test \
	"$(openssl pkey -in "$T/c1/device.key" -pubout)" = \
	"$(openssl x509 -in "$T/c1/device.crt" -noout -pubkey)"

# A CSR made on the device: the key never leaves it.
expect_rc "agent csr on the device" 0 agent csr --serial CN-2 --out "$T/c2"
check "the device's key is 0600" test "$(mode "$T/c2/device.key")" = 600
key_before=$(sha256sum <"$T/c2/device.key")
expect_rc "credentials for the CSR" 0 connector credentials CN-2 --csr "$T/c2/device.csr" --out "$T/c2"
check "the signed certificate verifies" openssl verify -CAfile "$D/pki/ca.crt" "$T/c2/device.crt"
check "its CN is the serial" test "$(cn_of "$T/c2/device.crt")" = CN-2
check "the device's key is left as it was" test "$(sha256sum <"$T/c2/device.key")" = "$key_before"
api POST "/v1/connectors/CN-2/credentials$q" "{\"csr\":$(jq -Rs . <"$T/c2/device.csr")}"
check "the reply to a CSR holds no key" test "$(jq -r 'has("key")' <<<"$body")" = false
expect_status "a CSR for another serial: 422" 422 POST "/v1/connectors/CN-3/credentials$q" \
	"{\"csr\":$(jq -Rs . <"$T/c2/device.csr")}"
contains "naming both" "$(jq -r .error.message <<<"$body")" "CN-2' is not the serial \`CN-3"
openssl req -new -newkey rsa:1024 -nodes -subj /CN=CN-3 -keyout "$T/weak.key" -out "$T/weak.csr" \
	2>/dev/null
expect_status "a CSR with a weak key: 422" 422 POST "/v1/connectors/CN-3/credentials$q" \
	"{\"csr\":$(jq -Rs . <"$T/weak.csr")}"
expect_status "an unknown device: 404" 404 POST "/v1/connectors/CN-9/credentials$q"
expect_status "an edge route for a connector: 404" 404 POST "/v1/edges/CN-1/credentials$q"

# Only an admin.
api POST /v1/tokens '{"name":"op","role":"operator","tenant":"acme"}'
OP=$(jq -r .token <<<"$body")
expect_status "an operator gets 403" 403 POST /v1/connectors/CN-1/credentials '' "$OP"
NETCTL_TOKEN=$OP expect_rc "and the CLI exits 4" 4 connector credentials CN-1 --out "$T/op"
check "writing nothing" test ! -e "$T/op"
expect_rc "--out is required" 2 connector credentials CN-1

# The broker, as broker-config writes it.
PORT=$(free_port)
expect_rc "broker-config" 0 broker-config --data-dir "$D" --listen "127.0.0.1:$PORT" --out "$T/broker"
B=$T/broker
check "server.key is 0600" test "$(mode "$B/server.key")" = 600
check "the config requires certificates" grep -qx 'require_certificate true' "$B/mosquitto.conf"
check "and points at the CRL of the data dir" grep -qx "crlfile $D/pki/crl.pem" "$B/mosquitto.conf"
spawn broker mosquitto -c "$B/mosquitto.conf"
BROKER_PID=$pid
check "mosquitto starts with it" wait_until 10 port_busy "$PORT"

tls() { echo -h 127.0.0.1 -p "$PORT" --cafile "$B/ca.crt"; }
as_core=(--cert "$D/pki/core.crt" --key "$D/pki/core.key")
as() { echo --cert "$T/$1/device.crt" --key "$T/$1/device.key"; }
# The core's identity sees every device -> core topic.
spawn watch mosquitto_sub $(tls) "${as_core[@]}" -q 1 -v -t 'VSR/+/heartbeat' -t 'VSR/+/confirm/#'
pub() { mosquitto_pub $(tls) $(as "$1") -q 1 -t "$2" -m "$3"; }
probe() { pub c1 VSR/CN-1/heartbeat probe-1 && grep -q '^VSR/CN-1/heartbeat probe-1' "$T/watch.out"; }
check "a device publishes on its own topic, the core receives it" wait_until 10 probe
pub c1 VSR/CN-2/heartbeat forged-by-1
pub c1 VSR/CN-2/confirm forged-by-1
pub c2 VSR/CN-2/heartbeat marker-2
check "CN-2's own message arrives" wait_until 5 grep -q '^VSR/CN-2/heartbeat marker-2' "$T/watch.out"
check "CN-1's messages on CN-2's topics do not" bash -c "! grep -q forged-by-1 '$T/watch.out'"

# A device reads its own batches only.
spawn steal mosquitto_sub $(tls) $(as c1) -q 1 -v -t 'VSR/CN-2/batch' -t 'VSR/CN-1/batch'
sleep_probe() { mosquitto_pub $(tls) "${as_core[@]}" -q 1 -t VSR/CN-1/batch -m own-1 &&
	grep -q '^VSR/CN-1/batch own-1' "$T/steal.out"; }
mosquitto_pub $(tls) "${as_core[@]}" -q 1 -t VSR/CN-2/batch -m secret-of-2
check "a device gets its own batch" wait_until 10 sleep_probe
check "and not another device's" bash -c "! grep -q secret-of-2 '$T/steal.out'"

check "anonymous clients are refused" bash -c \
	"! timeout 5 mosquitto_pub $(tls) -t VSR/CN-1/heartbeat -m anon"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=CN-1 \
	-keyout "$T/rogue.key" -out "$T/rogue.crt" 2>/dev/null
check "a certificate from another CA is refused" bash -c \
	"! timeout 5 mosquitto_pub $(tls) --cert '$T/rogue.crt' --key '$T/rogue.key' -t VSR/CN-1/heartbeat -m rogue"

# Decommission revokes; the broker refuses the device once it reloads.
api POST "/v1/connectors/CN-1/approve$q"
serial_no=$(openssl x509 -in "$T/c1/device.crt" -noout -serial | cut -d= -f2)
expect_status "decommission CN-1" 200 POST "/v1/connectors/CN-1/decommission$q"
check "the CRL lists its certificate" bash -c \
	"openssl crl -in '$D/pki/crl.pem' -noout -text | grep -q 'Serial Number: $serial_no'"
check "the CRL is signed by the CA" bash -c \
	"openssl crl -in '$D/pki/crl.pem' -CAfile '$D/pki/ca.crt' -noout 2>&1 | grep -q 'verify OK'"
expect_status "a decommissioned connector gets no credentials: 409" 409 \
	POST "/v1/connectors/CN-1/credentials$q"
kill -HUP "$BROKER_PID"
refused() { ! timeout 5 mosquitto_pub $(tls) $(as c1) -t VSR/CN-1/heartbeat -m revoked; }
check "after SIGHUP the revoked device cannot connect" wait_until 10 refused
check "while another device still can" pub c2 VSR/CN-2/heartbeat still-ok

# --revoke, and --all for the fleet.
expect_rc "credentials --revoke CN-2" 0 connector credentials CN-2 --revoke -o json --yes
jq_out "one certificate revoked" .revoked 2
expect_rc "--all writes a folder per device" 0 connector credentials --all --out "$T/all" --tenant acme
check "for the live ones" test -s "$T/all/CN-2/device.crt" -a -s "$T/all/CN-3/device.key"
check "not the decommissioned one" test ! -e "$T/all/CN-1"
api POST "/v1/edges$q" '{"serial":"netctl-core","name":"x","kind":"dedicated","endpoint":"192.0.2.9:51820"}'
expect_status "a device named netctl-core cannot take the core's identity: 422" 422 \
	POST "/v1/edges/netctl-core/credentials$q"

# No CA key material anywhere it could leak.
ca_key_body=$(grep -v '^-----' "$D/pki/ca.key" | tr -d '\n')
events=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" -H "Last-Event-ID: 0" "$SERVER/v1/events")
check "the events name no key" bash -c "! grep -qi 'PRIVATE KEY' <<<'$events'"
check "the CA key is not in the log" bash -c "! grep -qF '${ca_key_body:0:40}' '$SERVE_LOG'"
check "nor any private key" bash -c "! grep -qi 'PRIVATE KEY' '$SERVE_LOG' '$T'/serve*.out"
check "the events record the issue" grep -q '"action":"issue"' <<<"$events"

done_testing
