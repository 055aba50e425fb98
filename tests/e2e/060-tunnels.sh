#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end, with real tunnels: network namespaces play a core, a hub edge,
# two connectors and a second edge; the core configures them over MQTT,
# real agents (`--apply linux --wg-userspace') build the WireGuard tunnels,
# packets cross them and tunnel status turns the links up. Then the inventory
# changes (a spoke leaves the group, partial-mesh links come and go, one
# link's interface is set down and exactly that link shows down, a
# connector is decommissioned) and each change reaches the devices.
#
# Topology (every namespace name carries the test's PID):
#
#   core  br0 198.18.0.1/24: mosquitto on 198.18.0.1:1883; netctl serve and
#         the CLI on the namespace's own 127.0.0.1
#   hub   eth0 198.18.0.10/24 (endpoint :51820), LAN lan0 192.0.2.128/26
#   cn1   eth0 198.18.0.11/24 (endpoint :51822*), LAN lan0 192.0.2.0/26
#   cn2   eth0 198.18.0.12/24 (endpoint :51822*), LAN lan0 192.0.2.64/26
#   edge2 eth0 198.18.0.13/24 (endpoint :51820), LAN lan0 192.0.2.192/26
#
# (*) given once the connectors get a direct link: until then they only
# dial out, as connectors behind a NAT do.
#
# Each device namespace is joined to br0 by a veth pair; its LAN is a veth
# pair inside it (lan0 and lan0-end). Every agent runs in a mount namespace
# of its own with a private /run/wireguard, as on a host of its own:
# wireguard-go keeps its control sockets there, and network namespaces
# share it. Only 198.18.0.0/24 and 192.0.2.0/24 are ever addressed, and
# only inside these namespaces; forwarding is enabled in them only.

# Skips, before anything is created, when this machine cannot run it; under
# E2E_REQUIRED=1 (make e2e E2E_REQUIRED=1) that is a failure instead.
skip() {
	if [ "${E2E_REQUIRED:-0}" = 1 ]; then
		echo "not ok - the tunnel scenario cannot run here: $1 (E2E_REQUIRED=1)"
		exit 1
	fi
	echo "ok - # SKIP $1"
	exit 0
}
[ "${BROKER:-mosquitto}" = mosquitto ] || skip "runs mosquitto of its own in a namespace (BROKER=$BROKER)"
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces), running as uid $(id -u)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun (wireguard-go needs TUN devices)"
for tool in ip wg wireguard-go iptables mosquitto nsenter jq curl; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool (scripts/install-deps installs it)"
done
command -v ping >/dev/null 2>&1 || skip "no ping (package iputils-ping)"
probe=ne2e-$$-probe
ip netns add "$probe" 2>/dev/null || skip "no ip netns (cannot create a network namespace)"
ip netns del "$probe"

. "$(dirname "$0")/../integration/lib.sh"

NETCTL_BIN=$NETCTL
NS_CORE=ne2e-$$-core
NS_HUB=ne2e-$$-hub
NS_CN1=ne2e-$$-cn1
NS_CN2=ne2e-$$-cn2
NS_EDGE2=ne2e-$$-edge2
ALL_NS=("$NS_HUB" "$NS_CN1" "$NS_CN2" "$NS_EDGE2" "$NS_CORE")
BROKER=198.18.0.1
MQTT=tcp://$BROKER:1883
HUB_LAN=192.0.2.129 # the first host of the hub's LAN: its batch puts it on lan0
EDGE2_LAN=192.0.2.193
CN1_LAN=192.0.2.1
CN2_LAN=192.0.2.65
declare -A AGENT_PID
# Whether this test made the host's /run/wireguard (the agents mount over it).
RUN_WG_MADE=
[ -d /run/wireguard ] || RUN_WG_MADE=1

# After lib.sh's cleanup has stopped what it spawned: whatever still runs in
# the namespaces (wireguard-go daemonizes), then the namespaces.
# Interrupted (INT, TERM) or not, it runs to the end: a second signal does
# not cut it short.
e2e_cleanup() {
	local ns pid
	trap '' INT TERM
	nc_cleanup
	for ns in "${ALL_NS[@]}"; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
	done
	for ns in "${ALL_NS[@]}"; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$RUN_WG_MADE" ] && rmdir /run/wireguard 2>/dev/null
	return 0
}
trap e2e_cleanup EXIT

# --- Helpers.

# nsx NS CMD...: runs CMD in network namespace NS.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}
# check_until DESC SECONDS CMD...: ok when CMD succeeds before the deadline;
# else not ok, with what CMD prints on one last try.
check_until() {
	local desc=$1 limit=$2
	shift 2
	if wait_until "$limit" "$@"; then ok "$desc"; else not_ok "$desc" "$("$@" 2>&1)"; fi
}
# wgs SERIAL ARGS...: `wg ARGS' on the device, beside its agent's wireguard-go.
wgs() {
	local pid=${AGENT_PID[$1]}
	shift
	nsenter -t "$pid" -m -n wg "$@"
}
# key SERIAL: the public key the device's agent generated.
key() { cat "$T/$1/public.key"; }
# peer_on SERIAL IF PEER: the device's IF has PEER's key as a peer.
peer_on() {
	local peers
	peers=$(wgs "$1" show "$2" peers 2>&1) || { echo "$peers"; return 1; }
	grep -qxF -- "$(key "$3")" <<<"$peers" && return 0
	echo "$1 $2 peers: $peers; $3 is $(key "$3")"
	return 1
}
# no_peer SERIAL IF PEER: the device has IF, without PEER's key among its peers.
no_peer() {
	local peers
	peers=$(wgs "$1" show "$2" peers 2>&1) || { echo "$peers"; return 1; }
	grep -qxF -- "$(key "$3")" <<<"$peers" || return 0
	echo "$1 $2 still has $3 ($(key "$3")) among: $peers"
	return 1
}
# no_iface SERIAL IF: the device has wg0 but no IF.
no_iface() {
	wgs "$1" show wg0 >/dev/null || return 1
	wgs "$1" show "$2" 2>/dev/null || return 0
	return 1
}
# handshake SERIAL IF PEER: IF has had a handshake with PEER.
handshake() {
	local hs
	hs=$(wgs "$1" show "$2" latest-handshakes 2>&1)
	awk -v k="$(key "$3")" '$1 == k && $2 > 0 { f = 1 } END { exit !f }' <<<"$hs" && return 0
	echo "$1 $2 latest handshakes: $hs"
	wgs "$1" show "$2"
	return 1
}
# handshake_at SERIAL IF PEER: IF's latest handshake with PEER, Unix seconds (0: none).
handshake_at() {
	wgs "$1" show "$2" latest-handshakes 2>/dev/null |
		awk -v k="$(key "$3")" '$1 == k { print $2 }'
}
# kept SERIAL IF PEER BEFORE: IF still holds PEER's session of BEFORE (a
# re-created peer starts again from no handshake at all).
kept() {
	local now
	now=$(handshake_at "$1" "$2" "$3")
	[ "${now:-0}" -ge "$4" ] && [ "${now:-0}" -gt 0 ] && return 0
	echo "$1 $2: latest handshake with $3 was $4, is now ${now:-none}"
	wgs "$1" show "$2"
	return 1
}
# route_dev NS DST DEV: NS routes DST out of DEV.
route_dev() {
	local r
	r=$(nsx "$1" ip route get "$2" 2>&1)
	grep -q " dev $3 " <<<"$r" && return 0
	echo "$r"
	return 1
}
# has_addr NS IF ADDR: IF in NS has address ADDR (with its prefix length).
has_addr() {
	local a
	a=$(nsx "$1" ip -br address show dev "$2" 2>&1)
	grep -qF " $3" <<<"$a" && return 0
	echo "$a"
	return 1
}
# ping1 NS SRC DST: one echo from address SRC to DST, answered within a second.
ping1() { nsx "$1" ping -c1 -W1 -I "$2" "$3"; }
# no_ping1 NS SRC DST: the namespace is there, and the echo gets no answer.
no_ping1() { [ -e "/run/netns/$1" ] && ! ping1 "$@"; }
# link_status PEERING A B WANT: the group's link between A and B has status WANT.
link_status() {
	local got
	run_nc link list "$1" -o json
	got=$(jq -r --arg a "$2" --arg b "$3" \
		'.items[] | select((.a == $a and .b == $b) or (.a == $b and .b == $a)) | .status' \
		<<<"$out")
	[ "$got" = "$4" ] && return 0
	echo "link $2 -- $3 is \`$got', wanted \`$4'; link list: $out $err"
	return 1
}
# links PEERING A B N: link list PEERING answers, with N links between A and B.
links() {
	run_nc link list "$1" -o json
	[ "$rc" -eq 0 ] && jq -e --arg a "$2" --arg b "$3" --argjson n "$4" \
		'[.items[] | select((.a == $a and .b == $b) or (.a == $b and .b == $a))] | length == $n' \
		<<<"$out" >/dev/null && return 0
	echo "link list $1: $out $err"
	return 1
}
# events TYPE DEVICE: the stored events of TYPE from DEVICE, one JSON a line.
events() {
	nsx "$NS_CORE" curl -s -N -m 1 -H "Authorization: Bearer $NETCTL_TOKEN" \
		"$SERVER/v1/events?after=0&type=$1&device=$2" | sed -n 's/^data: //p'
}
# latest_is DEVICE IF PEER FILTER: DEVICE's latest tunnel status passes the
# jq FILTER, given $i (IF) and $p (PEER); otherwise says what it was.
latest_is() {
	local last
	last=$(events tunnel_status "$1" | tail -n1)
	jq -e --arg i "$2" --arg p "$3" "$4" <<<"$last" >/dev/null 2>&1 && return 0
	echo "latest tunnel status of $1: $last"
	return 1
}
# tunnel_up DEVICE IF PEER: DEVICE's latest tunnel status says IF to PEER is up.
tunnel_up() {
	latest_is "$1" "$2" "$3" \
		'[.tunnels[] | select(.interface == $i and .peer == $p and .up)] | length > 0'
}
# no_tunnel DEVICE PEER [IF]: DEVICE's latest tunnel status names no tunnel to
# PEER (on IF).
no_tunnel() {
	latest_is "$1" "${3:-}" "$2" \
		'[.tunnels[] | select(.peer == $p and ($i == "" or .interface == $i))] | length == 0'
}
# tunnels_of SERIAL: GET /v1/devices/SERIAL/tunnels.
tunnels_of() {
	nsx "$NS_CORE" curl -s -H "Authorization: Bearer $NETCTL_TOKEN" "$SERVER/v1/devices/$1/tunnels"
}
# reported SERIAL IF PEER "GROUP UP": the device's last report of IF to PEER, as kept by the core.
reported() {
	local got
	got=$(tunnels_of "$1" | jq -r --arg i "$2" --arg p "$3" \
		'.tunnels[] | select(.interface == $i and .peer == $p) | "\(.peering) \(.up)"')
	[ "$got" = "$4" ] && return 0
	echo "$1's last report of $2 to $3: \`$got', wanted \`$4'"
	return 1
}
# backbone_is SERIAL STATE: the device's backbone state.
backbone_is() {
	local got
	got=$(tunnels_of "$1" | jq -r .backbone)
	[ "$got" = "$2" ] && return 0
	echo "backbone of $1: $got"
	return 1
}
# status_is SERIAL STATUS: the connector's lifecycle status.
status_is() {
	run_nc connector show "$1" -o json
	[ "$(jq -r .status <<<"$out")" = "$2" ] && return 0
	echo "connector show $1: $out $err"
	return 1
}
# key_known NOUN SERIAL: the core has the public key the device's agent generated.
key_known() {
	run_nc "$1" show "$2" -o json
	[ "$rc" -eq 0 ] && [ "$(jq -r .public_key <<<"$out")" = "$(key "$2" 2>/dev/null)" ]
}
# sync_all DESC: Sync Now for every device, waiting for their confirmations.
sync_all() { expect_rc "$1" 0 sync now --all --wait --timeout 60s --yes; }

# --- The network.
ip netns add "$NS_CORE"
nsx "$NS_CORE" ip link set lo up
nsx "$NS_CORE" ip link add br0 type bridge
nsx "$NS_CORE" ip address add 198.18.0.1/24 dev br0
nsx "$NS_CORE" ip link set br0 up
# device NS ADDR: a namespace on br0 at ADDR, with a LAN interface lan0.
device() {
	local ns=$1 addr=$2 v=v-${1##*-}
	ip netns add "$ns"
	nsx "$ns" ip link set lo up
	nsx "$NS_CORE" ip link add "$v" type veth peer name eth0 netns "$ns"
	nsx "$NS_CORE" ip link set "$v" master br0 up
	nsx "$ns" ip address add "$addr/24" dev eth0
	nsx "$ns" ip link set eth0 up
	nsx "$ns" ip link add lan0 type veth peer name lan0-end
	nsx "$ns" ip link set lan0-end up
	nsx "$ns" ip link set lan0 up
	nsx "$ns" sysctl -qw net.ipv4.ip_forward=1
}
device "$NS_HUB" 198.18.0.10
device "$NS_CN1" 198.18.0.11
device "$NS_CN2" 198.18.0.12
device "$NS_EDGE2" 198.18.0.13
# A connector's batch does not address its LAN: its operator does.
nsx "$NS_CN1" ip address add "$CN1_LAN/26" dev lan0
nsx "$NS_CN2" ip address add "$CN2_LAN/26" dev lan0
check_until "the hub reaches the broker's address over the bridge" 5 \
	nsx "$NS_HUB" ping -c1 -W1 "$BROKER"

# --- The core: mosquitto on the bridge, serve on the namespace's loopback.
cat >"$T/mosquitto.conf" <<CONF
listener 1883 $BROKER
allow_anonymous true
set_tcp_nodelay true
max_inflight_messages 1000
persistence false
log_dest stderr
log_type error
log_type warning
CONF
spawn mosquitto ip netns exec "$NS_CORE" mosquitto -c "$T/mosquitto.conf"
listening() { nsx "$NS_CORE" ss -Hltn "sport = :$1" | grep -q .; }
check_until "mosquitto listens on $BROKER:1883 in the core namespace" 10 listening 1883
spawn serve ip netns exec "$NS_CORE" "$NETCTL_BIN" serve --listen 127.0.0.1:0 \
	--data-dir "$T/data" --mqtt "$MQTT" --heartbeat 1s --tunnel-interval 1s \
	--stale-delay 2s --apply-timeout 10s
SERVE_PID=$pid
if ! wait_until 10 grep -q '^http://' "$T/serve.out"; then
	not_ok "netctl serve announces its address"
	exit 1
fi
SERVER=$(grep -m1 '^http://' "$T/serve.out")
check_until "netctl serve answers /healthz" 10 nsx "$NS_CORE" curl -fsS "$SERVER/healthz"

# The CLI, as an operator runs it: in the core namespace (run_nc, expect_rc).
cat >"$T/netctl" <<EOF
#!/bin/sh
exec ip netns exec '$NS_CORE' '$NETCTL_BIN' "\$@"
EOF
chmod +x "$T/netctl"
NETCTL=$T/netctl
NETCTL_TOKEN=$(cat "$T/data/admin.token")
export NETCTL_SERVER=$SERVER NETCTL_TOKEN XDG_CONFIG_HOME=$T/config
unset NETCTL_TENANT NO_COLOR

# --- The inventory.
expect_rc "tenant create" 0 tenant create acme
export NETCTL_TENANT=acme
expect_rc "edge create: the hub, with its endpoint and LAN" 0 edge create --serial HUB-1 \
	--name hub --kind dedicated --endpoint 198.18.0.10:51820 --lan 192.0.2.128/26
expect_rc "connector create CN-1 on the hub" 0 connector create --serial CN-1 \
	--name branch-1 --hub HUB-1 --lan 192.0.2.0/26
expect_rc "connector create CN-2 on the hub" 0 connector create --serial CN-2 \
	--name branch-2 --hub HUB-1 --lan 192.0.2.64/26
expect_rc "edge create EDGE-2, with its endpoint and LAN" 0 edge create --serial EDGE-2 \
	--name dc-2 --kind dedicated --endpoint 198.18.0.13:51820 --lan 192.0.2.192/26
expect_rc "connector approve CN-1" 0 connector approve CN-1
expect_rc "connector approve CN-2" 0 connector approve CN-2
expect_rc "peering create hs: hub and spoke around HUB-1" 0 peering create hs \
	--topology hub_spoke --hub HUB-1
expect_rc "member add hs CN-1" 0 member add hs CN-1
expect_rc "member add hs CN-2" 0 member add hs CN-2
run_nc peering show hs -o json
jq_out "hs has the hub and both connectors" '.members | sort | join(" ")' "CN-1 CN-2 HUB-1"

# --- The agents, each in its namespace with its own state dir.
# agent SERIAL NS: starts the real agent of SERIAL in NS, state in $T/SERIAL.
agent() {
	mkdir -p /run/wireguard
	spawn "agent-$1" ip netns exec "$2" sh -c \
		'mount -t tmpfs -o mode=0755 netctl-e2e /run/wireguard && exec "$@"' sh \
		"$NETCTL_BIN" agent --mqtt "$MQTT" --serial "$1" --state-dir "$T/$1" \
		--apply linux --wg-userspace --heartbeat 1s --tunnel-interval 1s --log-level debug
	AGENT_PID[$1]=$pid
}
agent HUB-1 "$NS_HUB"
agent CN-1 "$NS_CN1"
agent CN-2 "$NS_CN2"
agent EDGE-2 "$NS_EDGE2"
# The batches need the keys the agents register.
check_until "the hub's agent registers its public key" 20 key_known edge HUB-1
check_until "CN-1's agent registers its public key" 20 key_known connector CN-1
check_until "CN-2's agent registers its public key" 20 key_known connector CN-2
check_until "EDGE-2's agent registers its public key" 20 key_known edge EDGE-2

# --- Real tunnels from the core's configuration.
sync_all "sync now --all --wait exits 0"
for s in HUB-1 CN-1 CN-2; do
	for i in wg0 wg2; do
		check "$s has $i" wgs "$s" show "$i"
	done
done
for s in CN-1 CN-2; do
	check "the hub's wg0 has $s as a peer" peer_on HUB-1 wg0 "$s"
	check "the hub's wg2 has $s as a peer" peer_on HUB-1 wg2 "$s"
	check "$s's wg0 has the hub as a peer" peer_on "$s" wg0 HUB-1
	check "$s's wg2 has the hub as a peer" peer_on "$s" wg2 HUB-1
done
for s in CN-1 CN-2; do
	check_until "$s's wg0 gets a WireGuard handshake with the hub" 20 handshake "$s" wg0 HUB-1
	check_until "$s's wg2 gets a WireGuard handshake with the hub" 20 handshake "$s" wg2 HUB-1
done
check "the hub's batch put its LAN address on lan0" has_addr "$NS_HUB" lan0 "$HUB_LAN/26"
check "EDGE-2's batch put its LAN address on lan0" has_addr "$NS_EDGE2" lan0 "$EDGE2_LAN/26"
check_until "CN-1's LAN pings the hub's LAN over the tunnel" 20 \
	ping1 "$NS_CN1" "$CN1_LAN" "$HUB_LAN"
check_until "CN-2's LAN pings the hub's LAN over the tunnel" 20 \
	ping1 "$NS_CN2" "$CN2_LAN" "$HUB_LAN"
check_until "CN-1's LAN pings CN-2's LAN through the hub" 20 ping1 "$NS_CN1" "$CN1_LAN" "$CN2_LAN"

# Tunnel status reaches the core: the links turn up, the events say so.
check_until "link HUB-1 -- CN-1 turns up" 20 link_status hs HUB-1 CN-1 up
check_until "link HUB-1 -- CN-2 turns up" 20 link_status hs HUB-1 CN-2 up
check_until "the core hears that CN-1's wg0 to the hub is up" 10 tunnel_up CN-1 wg0 HUB-1
check_until "the core hears that the hub's wg0 to CN-2 is up" 10 tunnel_up HUB-1 wg0 CN-2
check_until "CN-1 is active" 10 status_is CN-1 active
check_until "CN-2 is active" 10 status_is CN-2 active

# --- A spoke leaves the hub-and-spoke group: its peering tunnel goes, on
# both ends; its backbone to the hub stays.
# The hub has confirmed both sessions with CN-1 (a responder does once the
# initiator's first packet arrives; wg0 carries only keepalives, every 25 s).
check_until "the hub's wg0 has a session with CN-1" 30 handshake HUB-1 wg0 CN-1
check_until "the hub's wg2 has a session with CN-1" 30 handshake HUB-1 wg2 CN-1
HS_WG0=$(handshake_at HUB-1 wg0 CN-1)
HS_WG2=$(handshake_at HUB-1 wg2 CN-1)
expect_rc "member remove hs CN-2" 0 member remove hs CN-2 --yes
sync_all "sync now --all --wait after the change exits 0"
# A change to one spoke leaves the others' sessions alone: WireGuard keeps
# their keys and the endpoints it learned, and their packets keep flowing.
check "the hub's wg0 keeps its session with CN-1 across the change" kept HUB-1 wg0 CN-1 "$HS_WG0"
check "the hub's wg2 keeps its session with CN-1 across the change" kept HUB-1 wg2 CN-1 "$HS_WG2"
check_until "CN-1's LAN pings the hub's LAN right after the change" 3 \
	ping1 "$NS_CN1" "$CN1_LAN" "$HUB_LAN"
check "link list hs no longer has HUB-1 -- CN-2" links hs HUB-1 CN-2 0
check "the hub's wg2 no longer has CN-2 as a peer" no_peer HUB-1 wg2 CN-2
check "the hub's wg2 still has CN-1" peer_on HUB-1 wg2 CN-1
check_until "CN-2's wg2 is gone" 10 no_iface CN-2 wg2
check_until "the hub stops reporting a wg2 tunnel to CN-2" 10 no_tunnel HUB-1 CN-2 wg2
check_until "CN-2's LAN still pings the hub's LAN over its backbone" 10 \
	ping1 "$NS_CN2" "$CN2_LAN" "$HUB_LAN"
check_until "link HUB-1 -- CN-1 stays up" 10 link_status hs HUB-1 CN-1 up

# --- A partial mesh, its links added by hand: CN-1 -- EDGE-2, and the two
# connectors directly.
expect_rc "peering create pm (partial mesh)" 0 peering create pm --topology partial_mesh
for s in EDGE-2 CN-1 CN-2; do
	expect_rc "member add pm $s" 0 member add pm "$s"
done
expect_rc "link add pm CN-1 EDGE-2" 0 link add pm CN-1 EDGE-2
expect_rc "link add pm CN-1 CN-2" 0 link add pm CN-1 CN-2
# Connectors dial out; two of them, neither with an endpoint, can never
# start a handshake with each other: the core says so.
contains "link add warns that neither CN-1 nor CN-2 can be dialled" "$err" \
	"the link CN-1↔CN-2 cannot come up: neither end has an endpoint"
run_nc link list pm -o json
jq_out "link list pm: CN-1 -- CN-2 carries the no_endpoint warning" \
	'[.items[] | select(.a == "CN-1" and .b == "CN-2") | .warning] | join(" ")' no_endpoint
expect_rc "connector set CN-1 --endpoint: where its wg2 is reached" 0 \
	connector set CN-1 --endpoint 198.18.0.11:51822
expect_rc "connector set CN-2 --endpoint" 0 connector set CN-2 --endpoint 198.18.0.12:51822
run_nc peering show pm -o json
jq_out "peering show pm: no warning on any link any more" '[.links[].warning] | unique | join(" ")' \
	""
sync_all "sync now --all --wait after link add exits 0"
check "EDGE-2 has wg2" wgs EDGE-2 show wg2
check "EDGE-2's wg2 has CN-1 as a peer" peer_on EDGE-2 wg2 CN-1
check "CN-1's wg2 has EDGE-2 as a peer" peer_on CN-1 wg2 EDGE-2
check "CN-1's wg2 keeps the hub as a peer" peer_on CN-1 wg2 HUB-1
check_until "CN-1 and EDGE-2 get a WireGuard handshake on wg2" 15 handshake CN-1 wg2 EDGE-2
check_until "link CN-1 -- EDGE-2 turns up" 10 link_status pm CN-1 EDGE-2 up
check_until "CN-1's LAN pings EDGE-2's LAN over wg2" 10 ping1 "$NS_CN1" "$CN1_LAN" "$EDGE2_LAN"
check_until "EDGE-2's LAN pings CN-1's LAN over wg2" 10 ping1 "$NS_EDGE2" "$EDGE2_LAN" "$CN1_LAN"
check "CN-1's wg2 has CN-2 as a peer" peer_on CN-1 wg2 CN-2
check "CN-2's wg2 is back, with CN-1 as a peer" peer_on CN-2 wg2 CN-1
check "CN-1 routes CN-2's LAN over the direct link (wg2)" route_dev "$NS_CN1" "$CN2_LAN" wg2
check_until "CN-1 and CN-2 get a WireGuard handshake on wg2" 15 handshake CN-1 wg2 CN-2
check_until "link CN-1 -- CN-2 turns up" 10 link_status pm CN-1 CN-2 up
check_until "CN-1's LAN pings CN-2's LAN over the direct link" 10 \
	ping1 "$NS_CN1" "$CN1_LAN" "$CN2_LAN"

# --- One real link goes down: EDGE-2's wg2 (its only tunnel, to CN-1) is set
# down in its namespace. Exactly that link turns down; CN-1's other links,
# on the same wg2 of CN-1, stay up. Back up, it turns up again.
nsenter -t "${AGENT_PID[EDGE-2]}" -m -n ip link set wg2 down
check_until "with EDGE-2's wg2 down, link CN-1 -- EDGE-2 turns down" 15 \
	link_status pm CN-1 EDGE-2 down
check "link CN-1 -- CN-2 stays up" link_status pm CN-1 CN-2 up
check "link HUB-1 -- CN-1 stays up" link_status hs HUB-1 CN-1 up
check_until "EDGE-2's own report says its wg2 tunnel to CN-1 (group pm) is down" 10 \
	reported EDGE-2 wg2 CN-1 "pm false"
check_until "CN-1's report of the same tunnel still says up" 10 reported CN-1 wg2 EDGE-2 "pm true"
check "CN-1's backbone stays up" backbone_is CN-1 up
nsenter -t "${AGENT_PID[EDGE-2]}" -m -n ip link set wg2 up
check_until "wg2 back up, link CN-1 -- EDGE-2 turns up again" 15 link_status pm CN-1 EDGE-2 up

expect_rc "link remove pm CN-1 EDGE-2" 0 link remove pm CN-1 EDGE-2 --yes
expect_rc "link remove pm CN-1 CN-2" 0 link remove pm CN-1 CN-2 --yes
sync_all "sync now --all --wait after link remove exits 0"
check "EDGE-2's wg2 no longer has CN-1 as a peer" no_peer EDGE-2 wg2 CN-1
check "CN-1's wg2 no longer has EDGE-2 as a peer" no_peer CN-1 wg2 EDGE-2
check "CN-1's wg2 no longer has CN-2 as a peer" no_peer CN-1 wg2 CN-2
check "CN-2's wg2 no longer has CN-1 as a peer" no_peer CN-2 wg2 CN-1
check "link list pm no longer has CN-1 -- CN-2" links pm CN-1 CN-2 0
check_until "CN-1's LAN no longer reaches EDGE-2's LAN" 10 \
	no_ping1 "$NS_CN1" "$CN1_LAN" "$EDGE2_LAN"
run_nc peering show pm -o json
jq_out "peering show pm: every member is now isolated" '.isolated | sort | join(" ")' \
	"CN-1 CN-2 EDGE-2"
check "link list pm no longer has CN-1 -- EDGE-2" links pm CN-1 EDGE-2 0

# --- CN-2 is decommissioned: the hub drops it, and its packets stop crossing.
expect_rc "connector decommission CN-2" 0 connector decommission CN-2 --yes
sync_all "sync now --all --wait after the decommission exits 0"
check "the hub's wg0 keeps its session with CN-1 across the decommission" \
	kept HUB-1 wg0 CN-1 "$HS_WG0"
check "the hub's wg0 no longer has CN-2 as a peer" no_peer HUB-1 wg0 CN-2
check "the hub's wg0 still has CN-1" peer_on HUB-1 wg0 CN-1
check_until "CN-2's LAN no longer reaches the hub's LAN" 10 \
	no_ping1 "$NS_CN2" "$CN2_LAN" "$HUB_LAN"
check_until "CN-1's LAN no longer reaches CN-2's LAN" 10 \
	no_ping1 "$NS_CN1" "$CN1_LAN" "$CN2_LAN"
check_until "CN-1's LAN still pings the hub's LAN" 10 ping1 "$NS_CN1" "$CN1_LAN" "$HUB_LAN"
check_until "the hub's tunnel status no longer names CN-2" 10 no_tunnel HUB-1 CN-2
check_until "the core still hears that the hub's wg0 to CN-1 is up" 10 tunnel_up HUB-1 wg0 CN-1

# --- Every netctl process stops cleanly, and (under SAN=1) says nothing.
for s in HUB-1 CN-1 CN-2 EDGE-2; do
	stop "${AGENT_PID[$s]}"
	check "SIGTERM stops $s's agent with status 0" test $? -eq 0
done
stop "$SERVE_PID"
check "SIGTERM stops netctl serve with status 0" test $? -eq 0
san='ERROR: (Address|Leak)Sanitizer|runtime error'
if ! grep -qE "$san" "$T"/agent-*.log "$T/serve.log" && [ -z "$(nc_san_reports)" ]; then
	ok "no sanitizer report from serve or the agents"
else
	not_ok "no sanitizer report from serve or the agents" \
		"$(grep -E -A20 "$san" "$T"/agent-*.log "$T/serve.log" | head -n 60
		nc_san_reports | xargs -r head -n 60)"
	# Reported here: nc_cleanup need not count them again.
	mkdir -p "$T/san-reported"
	mv $(nc_san_reports) "$T/san-reported/" 2>/dev/null
fi

done_testing
