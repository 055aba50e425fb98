#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Device identity, attacked. The broker is the one `netctl broker-config'
# writes and serve finds its own certificate in its data dir. Real agents A
# and B, each with its own certificate, sync. Then A's certificate, used with
# mosquitto_pub/sub as an attacker would, cannot read B's batch (nor VSR/#),
# cannot confirm, register, heartbeat or report tunnels as B (the core's
# state of B does not move; the same message with B's certificate does
# move it); anonymous clients and a certificate of another CA are refused;
# a revoked device (credentials --revoke, or a decommission) cannot connect
# once the broker reloads (SIGHUP). Over plain tcp:// serve warns once.
. "$(dirname "$0")/lib.sh"

D=$T/data
CORE_PKI=$D/pki
start_secure_broker "$D" || exit 1
start_serve "$D" --mqtt "$BROKER_URL" --heartbeat 1s --apply-timeout 30s --stale-delay 30s
TOKEN=$(cat "$D/admin.token")
export NETCTL_SERVER=$SERVER NETCTL_TOKEN=$TOKEN
q='?tenant=acme'
connected() { curl -fsS "$SERVER/healthz" | jq -e '.broker.connected' >/dev/null; }
check "serve connects over TLS with the certificate of its data dir" wait_until 20 connected
check "and does not warn about a plain broker" bash -c "! grep -q 'plain TCP' '$SERVE_LOG'"

api POST /v1/tenants '{"id":"acme"}'
for s in CN-A CN-B CN-C; do
	api POST "/v1/connectors$q" "{\"serial\":\"$s\",\"name\":\"b-$s\",\"lan_subnets\":[]}"
	api POST "/v1/connectors/$s/approve$q"
	run_nc connector credentials "$s" --out "$T/$s"
	[ "$rc" -eq 0 ] || not_ok "credentials for $s" "$err"
done

agent() { # NAME SERIAL
	spawn "$1" "$NETCTL" agent --mqtt "$BROKER_URL" --serial "$2" --state-dir "$T/st-$2" \
		--apply dry-run --credentials "$T/$2" --heartbeat 1s --tunnel-interval 1s
}
agent agentA CN-A
AGENT_A=$pid
agent agentB CN-B
AGENT_B=$pid
state_is() { api GET "/v1/devices/$1/sync$q"; test "$(jq -r .state <<<"$body")" = "$2"; }
status_is() { api GET "/v1/connectors/$1$q"; test "$(jq -r .status <<<"$body")" = "$2"; }
key_of() { api GET "/v1/connectors/$1$q"; jq -r .public_key <<<"$body"; }
has_key() { test "$(key_of "$1" | wc -c)" -gt 40; }
check "agents with their own certificates register" wait_until 20 has_key CN-B
wait_until 20 has_key CN-A
api POST "/v1/sync$q" '{"all":true}'
check "and sync" wait_until 20 state_is CN-B synced
check "A too" wait_until 20 state_is CN-A synced

# B goes dark once active (heartbeats after its first sync): only an
# impostor could speak for it now.
check "B's heartbeats make it active" wait_until 20 status_is CN-B active
stop "$AGENT_B"
KEY_B=$(key_of CN-B)

# A reads only its own batches, whatever it subscribes to.
spawn spy mosquitto_sub $(device_tls "$T/CN-A") -q 1 -v -t 'VSR/#' -t 'VSR/+/batch' \
	-t 'VSR/CN-B/batch' -t 'VSR/CN-B/batch/#' -t 'VSR/CN-A/batch'
own_batch() {
	api POST "/v1/devices/CN-A/sync$q"
	grep -q '^VSR/CN-A/batch {' "$T/spy.out"
}
check "A's subscriber is live: it gets A's own batch" wait_until 20 own_batch
api POST "/v1/devices/CN-B/sync$q"
check "Sync Now of B: B is applying" state_is CN-B applying
api GET "/v1/devices/CN-B/batch$q"
BATCH_B=$body
SEQ_B=$(jq -r .seq <<<"$BATCH_B")
HASH_B=$(jq -r .config_hash <<<"$BATCH_B")
own_batch
check "A never reads B's batch (VSR/#, VSR/+/batch, VSR/CN-B/batch)" \
	bash -c "! grep -q '^VSR/CN-B/' '$T/spy.out'"
check "nor anything but its own topics" bash -c "! grep -v '^VSR/CN-A/' '$T/spy.out' | grep -q ."

# What reaches the core: a subscriber with the core's identity.
spawn core_view mosquitto_sub $(device_tls core) -q 1 -v -t 'VSR/+/confirm/#' \
	-t 'VSR/+/register' -t 'VSR/+/heartbeat' -t 'VSR/+/tunnel-status'
pub_as() { # DIR TOPIC MESSAGE
	mosquitto_pub $(device_tls "$1") -q 1 -t "$2" -m "$3"
}
mark() { pub_as "$T/CN-A" VSR/CN-A/heartbeat "mark-$1" && grep -q "mark-$1" "$T/core_view.out"; }
check "the core's view is live" wait_until 10 mark 1

confirm_b='{"v":1,"serial":"CN-B","seq":'$SEQ_B',"config_hash":"'$HASH_B'","status":"success","applied":4,"failed":0,"failures":[],"vpp_mode":"none","agent":"forged"}'
pub_as "$T/CN-A" VSR/CN-B/confirm "$confirm_b"
FORGED_KEY=$(wg genkey | wg pubkey)
pub_as "$T/CN-A" VSR/CN-B/register \
	'{"v":1,"serial":"CN-B","kind":"connector","public_key":"'"$FORGED_KEY"'","hostname":"x","agent":"forged"}'
pub_as "$T/CN-A" VSR/CN-B/tunnel-status \
	'{"v":1,"serial":"CN-B","ts":'"$(date +%s)"',"tunnels":[{"interface":"wg0","peer":"CN-A","tunnel_index":0,"protocol":"wireguard","up":true}]}'
HB='{"v":1,"serial":"CN-B","ts":TS,"seq":'$SEQ_B',"config_hash":"'$HASH_B'","uptime_s":5,"public_key":"'$KEY_B'","agent":"forged"}'
export HB
# Forged heartbeats for B, five a second for at most 20 s, while B is silent.
spawn forger bash -c "for i in \$(seq 100); do mosquitto_pub $(device_tls "$T/CN-A") -q 0 \
	-t VSR/CN-B/heartbeat -m \"\${HB/TS/\$(date +%s)}\"; sleep 0.2; done"
FORGER=$pid
check "B goes offline although A sends heartbeats in its name" wait_until 15 status_is CN-B offline
mark 2
check "none of A's messages on B's topics reaches the core" \
	bash -c "! grep -q '^VSR/CN-B/' '$T/core_view.out'"
check "B is still applying: A's confirmation with B's hash did not count" state_is CN-B applying
check "B's public key is its own: A's registration did not count" test "$(key_of CN-B)" = "$KEY_B"
stop "$FORGER"

# The same confirmation from B's own certificate does count: the refusal was the identity.
pub_as "$T/CN-B" VSR/CN-B/confirm "$confirm_b"
check "B's own confirmation: synced" wait_until 10 state_is CN-B synced

# Strangers.
check "an anonymous client is refused" bash -c \
	"! timeout 5 mosquitto_pub -h 127.0.0.1 -p $BROKER_PORT --cafile '$BROKER_DIR/ca.crt' \
	-t VSR/CN-B/heartbeat -m anon"
check "so is one without TLS" bash -c \
	"! timeout 5 mosquitto_pub -h 127.0.0.1 -p $BROKER_PORT -t VSR/CN-B/heartbeat -m plain"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=CN-B \
	-keyout "$T/rogue.key" -out "$T/rogue.crt" 2>/dev/null
check "a certificate of another CA with B's serial is refused" bash -c \
	"! timeout 5 mosquitto_pub -h 127.0.0.1 -p $BROKER_PORT --cafile '$BROKER_DIR/ca.crt' \
	--cert '$T/rogue.crt' --key '$T/rogue.key' -t VSR/CN-B/heartbeat -m rogue"

# Revocation: --revoke, and a decommission; the broker rereads the CRL on SIGHUP.
check "C can connect before" pub_as "$T/CN-C" VSR/CN-C/heartbeat before
expect_rc "connector credentials CN-A --revoke" 0 connector credentials CN-A --revoke --yes
expect_status "decommission CN-C" 200 POST "/v1/connectors/CN-C/decommission$q"
kill -HUP "$BROKER_PID"
refused() { ! timeout 5 mosquitto_pub $(device_tls "$T/$1") -q 1 -t "VSR/$1/heartbeat" -m revoked; }
check "after SIGHUP the revoked A cannot connect" wait_until 15 refused CN-A
check "nor the decommissioned C" wait_until 15 refused CN-C
check "B still can" pub_as "$T/CN-B" VSR/CN-B/heartbeat still-ok
stop "$AGENT_A"

# Plain TCP without an identity still works, with one warning at start.
start_serve "$T/plain" --mqtt "tcp://127.0.0.1:$(free_port)"
check "serve on tcp:// warns that any client can act as any device" \
	wait_until 5 grep -q 'any client on it can act as any device' "$SERVE_LOG"
check "once" test "$(grep -c 'any client on it' "$SERVE_LOG")" -eq 1

done_testing
