#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netctl agent' on an MTGE (multi-tenant gateway edge) against a real
# mosquitto and serve: the MTGE of tenant alpha hubs a connector of alpha and
# one of beta, so the core sends it one batch per tenant on
# VSR/{serial}/batch/{tenant}. The agent (one device with --apply dry-run,
# then a fleet) applies each tenant's batch in that tenant's namespace,
# confirms it on VSR/{serial}/confirm/{tenant} with that batch's hash, and
# both tenants become synced with their own seq; the per-tenant seq survives
# a restart (config requests on VSR/{serial}/config-request/{tenant}); one
# tenant failing (a fleet with --fail-rate 1) leaves the other synced.
. "$(dirname "$0")/lib.sh"

M=MTGE0001
start_core --stale-delay 1s --apply-timeout 3s --heartbeat 1s --tunnel-interval 1s
key() { wg genkey | wg pubkey; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }
hb() { pub "VSR/$1/heartbeat" "{\"v\":1,\"serial\":\"$1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$2\",\"agent\":\"test\"}"; }
events() { curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=${2:-0}&$1"; }
last_event() { events "" | grep -o '"id":[0-9]*' | tail -n1 | cut -d: -f2; }

# Watch what goes over the wire for the MTGE: batches and confirmations.
spawn wire mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -v -t "VSR/$M/batch/+" \
	-t "VSR/$M/confirm/+" -t "VSR/$M/confirm" -t VSR/PROBE/batch
probe() { pub VSR/PROBE/batch probe; grep -q '^VSR/PROBE/batch probe' "$T/wire.out"; }
wait_until 5 probe

api POST /v1/tenants '{"id":"alpha"}'
api POST /v1/tenants '{"id":"beta"}'
expect_status "an MTGE in tenant alpha" 201 POST "/v1/edges?tenant=alpha" \
	"{\"serial\":\"$M\",\"name\":\"gw\",\"kind\":\"mtge\",\"endpoint\":\"192.0.2.9:51820\",\"lan_subnets\":[\"10.20.0.0/16\"]}"
expect_status "a connector of alpha hubbed on it" 201 POST "/v1/connectors?tenant=alpha" \
	"{\"serial\":\"CN-A\",\"name\":\"a\",\"hub_edge\":\"$M\",\"lan_subnets\":[\"192.168.1.0/24\"]}"
expect_status "a connector of beta hubbed on it, with the same LAN" 201 POST "/v1/connectors?tenant=beta" \
	"{\"serial\":\"CN-B\",\"name\":\"b\",\"hub_edge\":\"$M\",\"lan_subnets\":[\"192.168.1.0/24\"]}"
api POST "/v1/connectors/CN-A/approve?tenant=alpha"
api POST "/v1/connectors/CN-B/approve?tenant=beta"
K_A=$(key); K_B=$(key)
hb CN-A "$K_A"; hb CN-B "$K_B"
has_key() { api GET "/v1/connectors/$1?tenant=$2"; test "$(jq -r .public_key <<<"$body")" = "$3"; }
check "the connectors' keys are known" wait_until 5 has_key CN-B beta "$K_B"

# state_of TENANT: "STATE SEQ" of the MTGE's sync state for TENANT.
state_of() { api GET "/v1/sync?limit=1000"; jq -r ".items[] | select(.serial == \"$M\" and .tenant == \"$1\") | \"\(.state) \(.seq)\"" <<<"$body"; }
is_state() { test "$(state_of "$1")" = "$2 $3"; }
# sync_now [TENANT]: Sync Now for the MTGE (every tenant, or one); SEQ_alpha, SEQ_beta.
sync_now() {
	api POST "/v1/devices/$M/sync${1:+?tenant=$1}"
	[ "$status" = 202 ] || echo "# sync now: HTTP $status: $body"
	for t in alpha beta; do
		s=$(jq -r ".items[] | select(.tenant == \"$t\") | .seq" <<<"$body")
		[ -n "$s" ] && eval "SEQ_$t=$s"
	done
	SYNC_REPLY=$body
}
# The batch and the confirmation of TENANT with SEQ, as seen on the wire.
batch_of() { grep "^VSR/$M/batch/$1 " "$T/wire.out" | cut -d' ' -f2- | jq -c "select(.seq == $2)" | tail -n1; }
confirm_of() { grep "^VSR/$M/confirm/$1 " "$T/wire.out" | cut -d' ' -f2- | jq -c "select(.seq == $2)" | tail -n1; }

# --- One device, dry-run.
agent() {
	spawn "agent$1" "$NETCTL" agent --mqtt "$BROKER_URL" --serial "$M" --state-dir "$T/mtge" \
		--apply dry-run --heartbeat 1s --tunnel-interval 1s
	AGENT_PID=$pid
	AGENT_OUT=$T/agent$1.out
	AGENT_LOG=$T/agent$1.log
}
agent 1
edge_key() { api GET "/v1/edges/$M?tenant=alpha"; test "$(jq -r .public_key <<<"$body")" = "$(cat "$T/mtge/public.key")"; }
check "the agent registers its public key" wait_until 5 edge_key
sync_now
check "Sync Now sends one batch per tenant" \
	test "$(jq -r '[.items[].tenant] | join(",")' <<<"$SYNC_REPLY")" = alpha,beta
check "alpha is synced with the seq sent" wait_until 10 is_state alpha synced "$SEQ_alpha"
check "beta is synced with the seq sent" wait_until 10 is_state beta synced "$SEQ_beta"
for t in alpha beta; do
	s=$(eval echo "\$SEQ_$t")
	b=$(batch_of "$t" "$s")
	c=$(confirm_of "$t" "$s")
	check "$t's confirmation is on VSR/$M/confirm/$t with its batch's hash" \
		test -n "$c" -a "$(jq -r .config_hash <<<"$c")" = "$(jq -r .config_hash <<<"$b")"
	check "and says success for all of $t's commands" \
		test "$(jq -r '"\(.status) \(.applied) \(.tenant)"' <<<"$c")" = "success $(jq '.commands | length' <<<"$b") $t"
done
check "no confirmation on the MTGE's untenanted topic" bash -c "! grep -q '^VSR/$M/confirm ' '$T/wire.out'"
# Heartbeats have no tenant: the core compares them with the MTGE's own tenant (alpha).
hb_seq() { events "type=heartbeat&device=$M" | grep '^data:' | tail -n1 | cut -d' ' -f2- | jq -e ".seq == $SEQ_alpha"; }
check "its heartbeat carries its own tenant's seq" wait_until 10 hb_seq

# What dry-run printed: each tenant's commands in its own namespace.
has_line() { grep -qxF -- "$1" "$AGENT_OUT"; }
check "beta's namespace is created" has_line "ip netns add netctl-beta"
check "alpha's LAN address goes to lan0 in alpha's namespace" \
	has_line "ip netns exec netctl-alpha ip address replace 10.20.0.1/16 dev lan0"
for t in alpha beta; do
	check "$t's backbone wg0 is created in its namespace" \
		has_line "ip netns exec netctl-$t ip link add dev wg0 type wireguard"
	check "$t's wg0 config is a file of its own" \
		has_line "ip netns exec netctl-$t wg setconf wg0 $T/mtge/tenants/$t/wg0.conf"
	check "$t's App VPN wg1 comes up in its namespace" \
		has_line "ip netns exec netctl-$t ip link set dev wg1 up"
	check "$t's connector LAN is routed over its wg0" \
		has_line "ip netns exec netctl-$t ip route replace 192.168.1.0/24 dev wg0 metric 100"
done
check "no command runs outside the tenants' namespaces" \
	bash -c "! grep -vE '^ip netns (add netctl-(alpha|beta)|exec netctl-(alpha|beta) )' '$AGENT_OUT'"

# The state dir: one state per tenant, nothing for the untenanted topic.
for t in alpha beta; do
	f=$T/mtge/tenants/$t/config.json
	check "$t's state is kept in tenants/$t/config.json (0600)" test "$(stat -c %a "$f")" = 600
	check "with $t's seq" test "$(jq -r '"\(.seq) \(.tenant)"' "$f")" = "$(eval echo "\$SEQ_$t") $t"
done
check "no untenanted state was written" test ! -e "$T/mtge/config.json"
ts_both() { events "type=tunnel_status&device=$M" | grep '^data:' | grep '"peer":"CN-A"' | grep -q '"peer":"CN-B"'; }
check "one tunnel status reports both tenants' tunnels" wait_until 5 ts_both

# A restart: each tenant's persisted seq goes into its config request.
stop "$AGENT_PID"
check "SIGTERM stops the agent cleanly" test $? -eq 0
last=$(last_event)
n_beta=$(grep -c "^VSR/$M/confirm/beta " "$T/wire.out")
agent 2
check "the restarted agent names each tenant's persisted seq" \
	wait_until 5 grep -q "tenant beta: running seq $SEQ_beta" "$AGENT_LOG"
# The config requests since the restart, into $T/reqs.json, one per line.
req() { jq -c "select(.tenant == \"$1\")" "$T/reqs.json" | head -n1; }
has_reqs() {
	events "type=config_request&device=$M" "$last" | grep '^data:' | cut -d' ' -f2- >"$T/reqs.json"
	test -n "$(req alpha)" -a -n "$(req beta)"
}
check "it sends a config request per tenant" wait_until 10 has_reqs
for t in alpha beta; do
	check "$t's config request carries $t's persisted seq" \
		test "$(req "$t" | jq -r .seq)" = "$(jq -r .seq "$T/mtge/tenants/$t/config.json")"
	check "and $t's persisted hash" \
		test "$(req "$t" | jq -r .config_hash)" = "$(jq -r .config_hash "$T/mtge/tenants/$t/config.json")"
done
resent() { test "$(grep -c "^VSR/$M/confirm/beta " "$T/wire.out")" -gt "$n_beta"; }
check "the core answers beta's request and it is confirmed again" wait_until 10 resent
check "both stay synced at their seq" \
	wait_until 5 bash -c "[ \"\$(curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/sync?limit=1000' | jq -r '[.items[] | select(.serial == \"$M\") | \"\(.tenant) \(.state) \(.seq)\"] | join(\",\")')\" = 'alpha synced $SEQ_alpha,beta synced $SEQ_beta' ]"
check "and no request without a seq on its own topic (it knows its tenants)" \
	test -z "$(jq -c 'select(.seq == 0)' "$T/reqs.json")"
stop "$AGENT_PID"

# --- A fleet playing the MTGE.
fleet() { spawn_fleet "$1" 1 MTGE --heartbeat 1s --tunnel-interval 1s "${@:2}"; }
fleet fleet1 --seed 1
check "the fleet connects" wait_until 10 grep -q 'connected to the broker' "$FLEET_LOG"
sync_now
check "the fleet's MTGE: alpha synced with the new seq" wait_until 10 is_state alpha synced "$SEQ_alpha"
check "and beta synced with the new seq" wait_until 10 is_state beta synced "$SEQ_beta"
for t in alpha beta; do
	check "the fleet confirms $t with its batch's hash" test "$(confirm_of "$t" "$(eval echo "\$SEQ_$t")" | jq -r .config_hash)" = \
		"$(batch_of "$t" "$(eval echo "\$SEQ_$t")" | jq -r .config_hash)"
done
stop "$FLEET_PID"
check "the fleet stops cleanly" test $? -eq 0
BETA_SEQ=$SEQ_beta

# A fleet starts empty: its one config request without a tenant is answered
# with every tenant's latest batch. This one fails every batch: both tenants
# fail, each on its own topic; then Sync Now for alpha alone touches alpha only.
nbatches() { grep -c "^VSR/$M/batch/$1 " "$T/wire.out"; }
BEFORE_beta=$(nbatches beta)
fleet fleet2 --seed 1 --fail-rate 1
check "the failing fleet connects" wait_until 10 grep -q 'connected to the broker' "$FLEET_LOG"
check "its start brings alpha's last batch again, which fails" \
	wait_until 10 is_state alpha failed "$SEQ_alpha"
check "and beta's, though no Sync Now asked for it" wait_until 10 is_state beta failed "$BETA_SEQ"
check "beta's batch was sent once more" test "$(nbatches beta)" -gt "$BEFORE_beta"
api GET "/v1/sync?limit=1000"
check "with agent_failure" test "$(jq -r ".items[] | select(.serial == \"$M\" and .tenant == \"beta\") | .fail_reason" <<<"$body")" = agent_failure
c=$(confirm_of beta "$BETA_SEQ")
check "beta's confirmation says failure, on beta's topic" test "$(jq -r .status <<<"$c")" = failure
BEFORE_beta=$(nbatches beta)
sync_now alpha
check "Sync Now for alpha sends alpha's batch only" \
	test "$(jq -r '[.items[].tenant] | join(",")' <<<"$SYNC_REPLY")" = alpha
check "alpha fails at its new seq" wait_until 10 is_state alpha failed "$SEQ_alpha"
check "beta is untouched" is_state beta failed "$BETA_SEQ"
check "beta got no batch meanwhile" test "$(nbatches beta)" = "$BEFORE_beta"
stop "$FLEET_PID"

# A healthy fleet starting empty brings both tenants back to synced by itself.
fleet fleet3 --seed 1
check "alpha synced again without Sync Now" wait_until 10 is_state alpha synced "$SEQ_alpha"
check "beta synced again without Sync Now" wait_until 10 is_state beta synced "$BETA_SEQ"
stop "$FLEET_PID"

done_testing
