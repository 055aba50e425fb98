#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netctl agent --apply dry-run' against a real mosquitto and serve: a
# connector with a hub, NAT, an ACL, a route and a partial-mesh link gets
# synced; the dry-run output holds the wg / ip / iptables command lines;
# a restart reports the persisted seq; bad commands fail alone in the
# confirmation and run nothing; the private key never leaves its file.
. "$(dirname "$0")/lib.sh"

start_core --stale-delay 1s --apply-timeout 3s --heartbeat 1s --tunnel-interval 1s
q='?tenant=acme'
key() { wg genkey | wg pubkey; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
hb() { pub "VSR/$1/heartbeat" "{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$2\",\"agent\":\"test\"}"; }

api POST /v1/tenants '{"id":"acme"}'
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"hub","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
api POST "/v1/edges$q" '{"serial":"EDGE-2","name":"dc2","kind":"dedicated","endpoint":"192.0.2.2:51820","lan_subnets":["10.20.0.0/16"]}'
api POST "/v1/connectors$q" '{"serial":"CN-1","name":"b1","hub_edge":"EDGE-1","lan_subnets":["192.168.10.0/24"],"nat":{"enabled":true,"wan_interface":"eth0"},"acl":[{"action":"drop","proto":"tcp","src":"0.0.0.0/0","dst":"192.168.10.5/32","dport":22}],"routes":[{"dst":"10.99.0.0/16","via":"192.168.10.1"}]}'
expect_status "the connector is approved" 200 POST "/v1/connectors/CN-1/approve$q"
api POST "/v1/peerings$q" '{"name":"pm","topology":"partial_mesh"}'
api POST "/v1/peerings/pm/members$q" '{"serial":"EDGE-2"}'
api POST "/v1/peerings/pm/members$q" '{"serial":"CN-1"}'
expect_status "a partial-mesh link EDGE-2 -- CN-1" 201 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-2","b":"CN-1"}'
K_E1=$(key); K_E2=$(key)
hb EDGE-1 "$K_E1"; hb EDGE-2 "$K_E2"
has_key() { api GET "/v1/edges/$1$q"; test "$(jq -r .public_key <<<"$body")" = "$2"; }
wait_until 5 has_key EDGE-2 "$K_E2"

agent() {
	spawn "agent$1" "$NETCTL" agent --mqtt "$BROKER_URL" --serial CN-1 --state-dir "$T/cn1" \
		--apply dry-run --heartbeat 1s --tunnel-interval 1s
	AGENT_PID=$pid
	AGENT_OUT=$T/agent$1.out
}
agent 1
check "the agent creates its key pair" wait_until 5 test -s "$T/cn1/public.key"
conn_key() { api GET "/v1/connectors/CN-1$q"; test "$(jq -r .public_key <<<"$body")" = "$(cat "$T/cn1/public.key")"; }
check "its registration gives the core its public key" wait_until 5 conn_key

state_is() { api GET "/v1/devices/CN-1/sync$q"; test "$(jq -r .state <<<"$body")" = "$1" && test "$(jq -r .seq <<<"$body")" -ge "${2:-0}"; }
expect_status "sync now" 202 POST "/v1/devices/CN-1/sync$q"
seq=$(jq -r '.items[0].seq' <<<"$body")
check "sync now -> synced" wait_until 10 state_is synced "$seq"
api GET "/v1/devices/CN-1/sync$q"
jq_is "the confirmation says success" .last_confirm.status success
jq_is "and no failure" '.last_confirm.failures | length' 0
hash=$(jq -r .config_hash <<<"$body")

# What dry-run printed, line by line.
has_line() { grep -qxF -- "$1" "$AGENT_OUT"; }
has_re() { grep -qxE -- "$1" "$AGENT_OUT"; }
check "wg0 is created" has_line "ip link add dev wg0 type wireguard"
check "wg0 gets its config from a generated file" has_line "wg setconf wg0 $T/cn1/wg0.conf"
check "wg0 gets its backbone address" has_re 'ip address replace 100\.64\.[0-9]+\.[0-9]+/32 dev wg0'
check "wg0 comes up" has_line "ip link set dev wg0 up"
check "the hub's LAN is routed over wg0" has_line "ip route replace 10.10.0.0/16 dev wg0 metric 100"
check "the connector's own route" has_line "ip route replace 10.99.0.0/16 via 192.168.10.1 metric 50"
check "the NAT chain is created" has_line "iptables -w -t nat -N NETCTL-NAT"
check "the LAN is masqueraded out of eth0" has_line "iptables -w -t nat -A NETCTL-NAT -s 192.168.10.0/24 -o eth0 -j MASQUERADE"
check "POSTROUTING jumps to NETCTL-NAT" has_line "iptables -w -t nat -A POSTROUTING -j NETCTL-NAT"
check "the ACL rule" has_line "iptables -w -t filter -A NETCTL-ACL -p tcp -s 0.0.0.0/0 -d 192.168.10.5/32 --dport 22 -j DROP"
check "FORWARD jumps to NETCTL-ACL" has_line "iptables -w -t filter -I FORWARD -j NETCTL-ACL"
check "the partial-mesh link gets wg2" has_line "ip link add dev wg2 type wireguard"
check "wg2 gets its peering address" has_re 'ip address replace 100\.(9[6-9]|1[01][0-9]|12[0-7])\.[0-9]+\.[0-9]+/32 dev wg2'
check "the link peer's LAN is routed over wg2" has_line "ip route replace 10.20.0.0/16 dev wg2 metric 100"
check "a second apply rebuilds the chain instead of creating it" has_line "iptables -w -t nat -F NETCTL-NAT"
check "a second apply syncs wg0's peers instead of replacing them" has_line "wg syncconf wg0 $T/cn1/wg0.conf"
check "nothing goes through a shell" bash -c "! grep -qE '^(sh|bash) ' '$AGENT_OUT'"

# Heartbeats and tunnel status reach the core.
status_is() { api GET "/v1/connectors/CN-1$q"; test "$(jq -r .status <<<"$body")" = "$1"; }
check "heartbeats make the connector active" wait_until 5 status_is active
ts_seen() { curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=tunnel_status&device=CN-1" | grep -q '"peer":"EDGE-2"'; }
check "tunnel status reports the link's peer" wait_until 5 ts_seen

# The state dir.
check "config.json is written" test -s "$T/cn1/config.json"
check "config.json holds the confirmed seq" test "$(jq -r .seq "$T/cn1/config.json")" = "$seq"
check "config.json holds the confirmed hash" test "$(jq -r .config_hash "$T/cn1/config.json")" = "$hash"
check "private.key is mode 0600" test "$(stat -c %a "$T/cn1/private.key")" = 600
check "private.key holds what wg genkey writes" bash -c "wg pubkey <'$T/cn1/private.key' | cmp -s - '$T/cn1/public.key'"

# Bad commands: each fails alone with a clear error, nothing runs for it.
spawn confirms mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'VSR/CN-1/confirm'
probe() { pub VSR/CN-1/confirm probe; grep -q '^VSR/CN-1/confirm probe' "$T/confirms.out"; }
wait_until 5 probe
lines_before=$(wc -l <"$AGENT_OUT")
bad="{\"v\":1,\"serial\":\"CN-1\",\"tenant\":\"acme\",\"seq\":$seq,\"config_hash\":\"$hash\",\"issued_at\":\"2026-01-01T00:00:00Z\",\"commands\":[{\"index\":0,\"topic\":\"static\",\"body\":{\"routes\":[{\"dst\":\"10.5.0.0/16\",\"dev\":\"wg0;touch /tmp/pwned\"}]}},{\"index\":1,\"topic\":\"bogus\",\"body\":{}},{\"index\":2,\"topic\":\"nat_config\",\"body\":{\"masquerade\":[{\"source\":\"10.0.0.0/33\",\"out_interface\":\"eth0\"}]}},{\"index\":3,\"topic\":\"acl_config\",\"body\":{\"default\":\"accept\",\"rules\":[]}}]}"
pub VSR/CN-1/batch "$bad"
confirmed() { grep -q '"failed":3' "$T/confirms.out"; }
check "a batch with bad commands is confirmed" wait_until 5 confirmed
c=$(grep '"failed":3' "$T/confirms.out" | tail -n1 | cut -d' ' -f2-)
check "status failure, one applied" test "$(jq -r '.status + " " + (.applied|tostring)' <<<"$c")" = "failure 1"
failure_is() { test "$(jq -r ".failures[$1].error" <<<"$c")" = "$2"; }
check "the shell metacharacter is named" failure_is 0 "routes[0].dev: \`wg0;touch /tmp/pwned' contains the shell metacharacter \`;'"
check "the unknown topic is named" failure_is 1 "unknown command topic \`bogus'"
check "the bad CIDR is named" failure_is 2 "masquerade[0].source: \`10.0.0.0/33' is not an IPv4 or IPv6 prefix"
check "the hash covers the one applied command" test "$(jq -r .config_hash <<<"$c")" = "$(jq -cS '[.commands[3]]' <<<"$bad" | tr -d '\n' | sha256sum | cut -d' ' -f1)"
check "nothing ran for the bad commands" bash -c "! tail -n +$((lines_before + 1)) '$AGENT_OUT' | grep -qE 'pwned|10\.5\.0\.0|10\.0\.0\.0/33'"
check "the core marks it failed (agent_failure)" wait_until 5 bash -c "curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/CN-1/sync$q' | jq -e '.fail_reason == \"agent_failure\"'"
pub VSR/CN-1/batch 'not json at all'
check "a malformed payload is ignored with a log line" wait_until 5 grep -q 'ignored a malformed batch' "$T/agent1.log"
expect_status "sync now again" 202 POST "/v1/devices/CN-1/sync$q"
seq=$(jq -r '.items[0].seq' <<<"$body")
check "and it is synced again" wait_until 10 state_is synced "$seq"

# A restart reports the persisted seq in its config request.
stop "$AGENT_PID"
check "SIGTERM stops the agent cleanly" test $? -eq 0
persisted=$(jq -r .seq "$T/cn1/config.json")
check "the persisted seq is the last batch's" test "$persisted" = "$seq"
last=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0" | grep -o '"id":[0-9]*' | tail -n1 | cut -d: -f2)
agent 2
req() { curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=$last&type=config_request&device=CN-1" | grep -m1 '^data:' | cut -d' ' -f2-; }
has_req() { test -n "$(req)"; }
check "the restarted agent asks for its configuration" wait_until 5 has_req
check "its config request carries the persisted seq" test "$(req | jq -r .seq)" = "$persisted"
check "and the persisted hash" test "$(req | jq -r .config_hash)" = "$(jq -r .config_hash "$T/cn1/config.json")"
check "it is synced after the restart" wait_until 10 state_is synced "$persisted"

# The private key never leaves private.key.
priv=$(cat "$T/cn1/private.key")
curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0" >"$T/events.txt"
check "the events were read" test -s "$T/events.txt"
check "the private key is not in serve's log" bash -c "! grep -qF -- '$priv' '$SERVE_LOG'"
check "nor in the events" bash -c "! grep -qF -- '$priv' '$T/events.txt'"
check "nor in the agent's output or log" bash -c "! cat '$T'/agent*.out '$T'/agent*.log | grep -qF -- '$priv'"
check "nor in config.json" bash -c "! grep -qF -- '$priv' '$T/cn1/config.json'"

# An unknown device announces its enrollment key in its registration.
printf 'enroll-secret-1\n' >"$T/enroll.key"
chmod 600 "$T/enroll.key"
spawn regs mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t 'VSR/CN-NEW/register'
probe_reg() { pub VSR/CN-NEW/register probe; grep -q '^VSR/CN-NEW/register probe' "$T/regs.out"; }
wait_until 5 probe_reg
spawn agent3 "$NETCTL" agent --mqtt "$BROKER_URL" --serial CN-NEW --state-dir "$T/cnnew" \
	--apply dry-run --enrollment-key-file "$T/enroll.key"
check "the registration carries the enrollment key" \
	wait_until 5 grep -q '"enrollment_key":"enroll-secret-1"' "$T/regs.out"
check "and the new public key" wait_until 5 grep -qF "\"public_key\":\"$(cat "$T/cnnew/public.key")\"" "$T/regs.out"

# Usage errors.
expect_rc "--fail-rate needs --fleet" 2 agent --mqtt "$BROKER_URL" --serial X --state-dir "$T/x" \
	--apply dry-run --fail-rate 0.5
expect_rc "--fleet refuses --serial" 2 agent --mqtt "$BROKER_URL" --fleet 3 --serial-prefix P \
	--serial X
expect_rc "--apply must be linux or dry-run" 2 agent --mqtt "$BROKER_URL" --serial X \
	--state-dir "$T/x" --apply yes
expect_rc "--lan-if cannot be a wg interface" 2 agent --mqtt "$BROKER_URL" --serial X \
	--state-dir "$T/x" --apply dry-run --lan-if wg0
expect_rc "a rate is from 0 to 1" 2 agent --mqtt "$BROKER_URL" --fleet 3 --serial-prefix P \
	--drop-confirm-rate 1.5

# --apply linux without what it needs fails at start, naming it.
if [ "$(id -u)" -ne 0 ]; then
	run_nc agent --mqtt "$BROKER_URL" --serial CN-9 --state-dir "$T/cn9" --apply linux --wg-userspace
	check "--apply linux as a user: exit 1" test "$rc" -eq 1
	contains "and the error names the privilege" "$err" "CAP_NET_ADMIN"
fi
env PATH=/nonexistent "$NETCTL" agent --mqtt "$BROKER_URL" --serial CN-9 --state-dir "$T/cn9" \
	--apply linux --wg-userspace >/dev/null 2>"$T/nolinux.err" </dev/null
rc=$?
check "--apply linux without the tools: exit 1" test "$rc" -eq 1
contains "and the error names them" "$(cat "$T/nolinux.err")" "missing tools: ip (package iproute2), wg (package wireguard-tools), iptables (package iptables), wireguard-go"

done_testing
