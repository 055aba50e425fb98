#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tunnel status keyed by what it is, with reports published as the devices
# would: two groups between the same pair of edges, one WireGuard and one
# IPSec, each taken down without touching the other; a wg0 (backbone) report
# going down shows on the device's backbone and leaves its peering link up;
# an older agent's report without `peering` is matched where only one link
# fits and ignored, with an event saying why, where two do; IPSec links read
# `SA: Established' / `SA: Down' in `link list' and `peering show' (text and
# JSON), WireGuard links their last handshake and bytes (-o wide).
. "$(dirname "$0")/lib.sh"

start_core
q='?tenant=acme'
wait_until 10 bash -c "curl -fsS '$SERVER/healthz' | jq -e .broker.connected"

pub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -t "VSR/$1/tunnel-status" -m "$2"; }
# report SERIAL ENTRIES...: a tunnel status of SERIAL, stamped now.
report() {
	local s=$1 list
	shift
	list=$(IFS=,; echo "$*")
	pub "$s" "{\"v\":1,\"serial\":\"$s\",\"ts\":$(date +%s),\"tunnels\":[$list]}"
}
# wg IFACE PEER UP [PEERING] / sa PEER STATE [PEERING]: one entry.
wg() {
	printf '{"interface":"%s","peer":"%s","tunnel_index":0,"protocol":"wireguard","up":%s,"latest_handshake":%s,"rx_bytes":2048,"tx_bytes":512%s}' \
		"$1" "$2" "$3" "$(($(date +%s) - 5))" "${4:+,\"peering\":\"$4\"}"
}
sa() {
	printf '{"interface":"xfrm","peer":"%s","tunnel_index":0,"protocol":"ipsec","sa":"%s"%s}' \
		"$1" "$2" "${3:+,\"peering\":\"$3\"}"
}
link_of() { # GROUP FIELD: FIELD of the group's link EDGE-1 - EDGE-2
	curl -s -H "Authorization: Bearer $TOKEN" "$SERVER/v1/peerings/$1/links$q" |
		jq -r ".items[] | select(.a == \"EDGE-1\" and .b == \"EDGE-2\") | .$2"
}
link_is() { test "$(link_of "$1" status)" = "$2"; }
events() { curl -s -m 1 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&$1"; }
has_event() { events "$1" | grep -q -- "$2"; }
count_events() { events "$1" | grep -c '^data:'; }

new_tenant acme
for i in 1 2; do
	run_nc edge create --serial "EDGE-$i" --name "dc$i" --kind dedicated \
		--endpoint "192.0.2.$i:51820" --lan "10.$i.0.0/16"
done
run_nc connector create --serial CN-1 --name b1 --hub EDGE-1 --lan 192.168.1.0/24
run_nc connector approve CN-1
api POST "/v1/peerings$q" '{"name":"wgp","topology":"mesh","protocol":"wireguard"}'
api POST "/v1/peerings$q" '{"name":"ipp","topology":"mesh","protocol":"ipsec"}'
for m in EDGE-1 EDGE-2 CN-1; do api POST "/v1/peerings/wgp/members$q" "{\"serial\":\"$m\"}"; done
for m in EDGE-1 EDGE-2; do api POST "/v1/peerings/ipp/members$q" "{\"serial\":\"$m\"}"; done
check "links are unknown before any report" link_is ipp unknown
run_nc link list ipp
contains "an IPSec link without a report shows no SA" "$out" "-"

# Both ends report both tunnels up.
report EDGE-1 "$(wg wg2 EDGE-2 true wgp)" "$(sa EDGE-2 established ipp)"
report EDGE-2 "$(wg wg2 EDGE-1 true wgp)" "$(sa EDGE-1 established ipp)"
check "the IPSec link comes up" wait_until 10 link_is ipp up
check "the WireGuard link comes up" wait_until 10 link_is wgp up
run_nc link list ipp
contains "link list shows SA: Established" "$out" "SA: Established"
run_nc -o json link list ipp
jq_out "with \"sa\":\"established\" in JSON" '.items[0].sa' established
run_nc peering show ipp
contains "peering show shows SA: Established" "$out" "SA: Established"
run_nc -o json peering show ipp
jq_out "and in its JSON" '.links[0].sa' established
run_nc link list ipp
check "in the seed's Status column" grep -Eq '^EDGE-1 +EDGE-2 +SA: Established +0 \(primary\)' <<<"$out"
run_nc -o wide link list wgp
check "a WireGuard link shows its last handshake's age (wide)" \
	grep -Eq 'EDGE-1 +EDGE-2 +up +0 \(primary\) +handshake [0-9]+s ago' <<<"$out"
contains "and the bytes its ends counted" "$out" "rx 2.0 KiB, tx 512 B"
run_nc -o json link list wgp
jq_out "WireGuard links carry no sa" '.items[] | select(.a == "EDGE-1" and .b == "EDGE-2") | has("sa")' false
jq_out "and the counters in JSON" \
	'.items[] | select(.a == "EDGE-1" and .b == "EDGE-2") | [.rx_bytes, .tx_bytes] | join(" ")' "2048 512"

# The IPSec SA goes down: only the IPSec link follows.
report EDGE-1 "$(wg wg2 EDGE-2 true wgp)" "$(sa EDGE-2 down ipp)"
check "an SA down takes the IPSec link down" wait_until 10 link_is ipp down
check "and leaves the WireGuard link between the same pair up" link_is wgp up
run_nc link list ipp
contains "link list shows SA: Down" "$out" "SA: Down"
run_nc -o json peering show ipp
jq_out "peering show JSON says \"sa\":\"down\"" '.links[0].sa' down
run_nc peering show ipp
contains "and its text SA: Down" "$out" "SA: Down"

# The reverse: WireGuard down, the SA back.
report EDGE-1 "$(wg wg2 EDGE-2 false wgp)" "$(sa EDGE-2 established ipp)"
check "WireGuard down takes the WireGuard link down" wait_until 10 link_is wgp down
check "and the IPSec link is up again" link_is ipp up

# The backbone: CN-1's wg0 to its hub goes down; its peering link to the hub stays up.
report CN-1 "$(wg wg0 EDGE-1 false)" "$(wg wg2 EDGE-1 true wgp)"
cn_link() {
	curl -s -H "Authorization: Bearer $TOKEN" "$SERVER/v1/peerings/wgp/links$q" |
		jq -r '.items[] | select(.a == "CN-1" and .b == "EDGE-1") | .status'
}
cn_link_up() { test "$(cn_link)" = up; }
check "the peering link to the hub comes up" wait_until 10 cn_link_up
api GET "/v1/devices/CN-1/tunnels$q"
jq_is "a wg0 down report shows the backbone down" .backbone down
jq_is "the wg0 entry is the backbone's, with no peering" \
	'.tunnels[] | select(.interface == "wg0") | [.role, .peering, .up] | join(" ")' "backbone  false"
jq_is "the wg2 entry is matched to its group" \
	'.tunnels[] | select(.interface == "wg2") | [.role, .peering, .up] | join(" ")' "peering wgp true"
check "the peering link to the hub is still up" cn_link_up
check "EDGE-1 - EDGE-2 is untouched by it" link_is wgp down
api GET "/v1/devices/EDGE-1/tunnels$q"
jq_is "a device whose reports have no wg0 has an unknown backbone" .backbone unknown
jq_is "the IPSec entry reads its SA" '.tunnels[] | select(.protocol == "ipsec") | .sa' established
jq_is "WireGuard entries have no sa" '.tunnels[] | select(.interface == "wg2") | .sa' null
expect_status "an unknown device is a 404" 404 GET "/v1/devices/NOPE-1/tunnels$q"
jq_is "naming the serial" .error.field serial
report CN-1 "$(wg wg0 EDGE-1 true)" "$(wg wg2 EDGE-1 true wgp)"
check "the backbone comes back up" wait_until 10 bash -c \
	"curl -s -H 'Authorization: Bearer $TOKEN' '$SERVER/v1/devices/CN-1/tunnels$q' | jq -e '.backbone == \"up\"'"
check "and says so in an event" wait_until 5 has_event "type=backbone&device=CN-1" '"state":"up"'

# An older agent (no peering): matched where one link fits, ignored where two do.
api POST "/v1/peerings$q" '{"name":"wg2nd","topology":"mesh","protocol":"wireguard"}'
for m in EDGE-1 EDGE-2; do api POST "/v1/peerings/wg2nd/members$q" "{\"serial\":\"$m\"}"; done
report EDGE-1 "$(wg wg2 EDGE-2 true)" "$(sa EDGE-2 down)"
check "an old-style SA down still finds the only IPSec link" wait_until 10 link_is ipp down
check "an old-style WireGuard entry that fits two groups is ignored" \
	wait_until 5 has_event "type=ignored&device=EDGE-1" 'ambiguous without a peering'
contains "the event names both groups" "$(events 'type=ignored&device=EDGE-1')" "peerings wg2nd, wgp"
check "and changes neither link" link_is wgp down
check "nor the other group's" link_is wg2nd unknown

# The reports survive a restart of the core.
stop "$SERVE_PID"
start_serve "$T/data" --mqtt "$BROKER_URL"
api GET "/v1/devices/CN-1/tunnels$q"
jq_is "the last reports are still there after a restart" '.tunnels | length' 2
jq_is "with the backbone state" .backbone up

done_testing
