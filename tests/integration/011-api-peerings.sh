#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Peering groups through curl: a mesh of 4 has 6 links, hub-spoke links
# every spoke to the hub, partial mesh takes hand-made links and shows the
# isolated member, removing a link dirties exactly its two ends, dual tunnel
# doubles edge-to-edge links, and IPSec keys are unique and never shown.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
TOKEN=$(cat "$T/data/admin.token")
api POST /v1/tenants '{"id":"acme"}'
q='?tenant=acme'
for i in 1 2 3; do
	api POST "/v1/edges$q" "{\"serial\":\"EDGE-$i\",\"name\":\"dc-$i\",\"kind\":\"dedicated\",\"endpoint\":\"192.0.2.$i:51820\",\"lan_subnets\":[\"10.$i.0.0/16\"]}"
done
for i in 1 2 3 4; do
	api POST "/v1/connectors$q" "{\"serial\":\"CN-$i\",\"name\":\"b$i\",\"hub_edge\":\"EDGE-1\",\"lan_subnets\":[\"192.168.$i.0/24\"]}"
	api POST "/v1/connectors/CN-$i/approve$q"
done

# Mesh.
expect_status "create a mesh" 201 POST "/v1/peerings$q" '{"name":"m","topology":"mesh","protocol":"wireguard"}'
for s in EDGE-1 EDGE-2 CN-1; do
	expect_status "add $s to the mesh" 201 POST "/v1/peerings/m/members$q" "{\"serial\":\"$s\"}"
done
expect_status "the fourth member" 201 POST "/v1/peerings/m/members$q" '{"serial":"CN-2"}'
jq_is "the answer is the new member with its own links only" \
	'[.peering, .serial, (.links | length), (.links | all(.a == "CN-2" or .b == "CN-2"))] | map(tostring) | join(" ")' \
	"m CN-2 3 true"
jq_is "and no list of members" .members null
api DELETE "/v1/peerings/m/members/CN-2$q"
expect_status "?full=1: added again" 201 POST "/v1/peerings/m/members$q&full=1" '{"serial":"CN-2"}'
jq_is "and the answer is the whole group" '[(.members | length), (.links | length)] | join(" ")' "4 6"
expect_status "?full=maybe is refused" 422 POST "/v1/peerings/m/members$q&full=maybe" '{"serial":"CN-9"}'
jq_is "naming the parameter" .error.field full
expect_status "show the mesh" 200 GET "/v1/peerings/m$q"
jq_is "a mesh of 4 has 6 links" '.links | length' 6
jq_is "the mesh has 4 members" '.members | length' 4
jq_is "nobody is isolated in a mesh" '.isolated | length' 0
expect_status "links of a mesh are not added by hand" 409 POST "/v1/peerings/m/links$q" \
	'{"a":"EDGE-1","b":"CN-1"}'
expect_status "remove a member" 204 DELETE "/v1/peerings/m/members/CN-2$q"
expect_status "show after removal" 200 GET "/v1/peerings/m$q"
jq_is "a mesh of 3 has 3 links" '.links | length' 3

# Hub and spoke.
expect_status "a connector cannot be the hub" 422 POST "/v1/peerings$q" \
	'{"name":"hs","topology":"hub_spoke","hub":"CN-1"}'
jq_is "the error names the hub field" .error.field hub
expect_status "create hub-spoke on EDGE-3" 201 POST "/v1/peerings$q" \
	'{"name":"hs","topology":"hub_spoke","hub":"EDGE-3"}'
for s in CN-1 CN-2 CN-3; do api POST "/v1/peerings/hs/members$q" "{\"serial\":\"$s\"}"; done
expect_status "show hub-spoke" 200 GET "/v1/peerings/hs$q"
jq_is "three spokes, three links" '.links | length' 3
jq_is "every link has the hub at one end" \
	'[.links[] | select(.a == "EDGE-3" or .b == "EDGE-3")] | length' 3

# Partial mesh, the isolated member, and link removal dirtying its two ends.
expect_status "create a partial mesh" 201 POST "/v1/peerings$q" \
	'{"name":"pm","topology":"partial_mesh","protocol":"wireguard"}'
for s in EDGE-1 EDGE-2 CN-3 CN-4; do api POST "/v1/peerings/pm/members$q" "{\"serial\":\"$s\"}"; done
expect_status "add link EDGE-1-CN-3" 201 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-1","b":"CN-3"}'
jq_is "the new link is unknown until reported" .status unknown
jq_is "the new link is the primary tunnel" .tunnel_index 0
expect_status "add link EDGE-2-CN-3" 201 POST "/v1/peerings/pm/links$q" '{"a":"CN-3","b":"EDGE-2"}'
expect_status "a duplicate link is 409" 409 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-1","b":"CN-3"}'
expect_status "a link to an unknown device is 404" 404 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-1","b":"EDGE-404"}'
expect_status "a link to a device outside the group is 409" 409 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-2","b":"EDGE-3"}'
api GET "/v1/peerings/pm$q"
jq_is "EDGE-3 did not join the group" '.members | index("EDGE-3") != null' false
expect_status "a link to itself is 422" 422 POST "/v1/peerings/pm/links$q" '{"a":"EDGE-1","b":"EDGE-1"}'
expect_status "show the partial mesh" 200 GET "/v1/peerings/pm$q"
jq_is "two links" '.links | length' 2
jq_is "CN-4 is isolated" '.isolated | join(",")' CN-4
expect_status "list links" 200 GET "/v1/peerings/pm/links$q"
jq_is "links list as items" '.items | length' 2

api GET "/v1/sync$q&limit=1000"
before=$(printf '%s' "$body" | jq -c '[.items[] | {serial, dirty_reason}] | sort_by(.serial)')
expect_status "remove link EDGE-1-CN-3" 200 DELETE "/v1/peerings/pm/links/EDGE-1/CN-3$q"
api GET "/v1/sync$q&limit=1000"
after=$(printf '%s' "$body" | jq -c '[.items[] | {serial, dirty_reason}] | sort_by(.serial)')
changed=$(jq -n -r --argjson a "$before" --argjson b "$after" \
	'[$b[] as $x | select(($a | index($x)) == null) | $x.serial] | sort | join(",")')
check "removing a link dirties exactly its two ends" test "$changed" = CN-3,EDGE-1
api GET "/v1/devices/CN-3/sync$q"
jq_is "with the reason" .dirty_reason "link EDGE-1↔CN-3 removed"
expect_status "removing it again is 404" 404 DELETE "/v1/peerings/pm/links/EDGE-1/CN-3$q"

# Dual tunnel: edge-to-edge links get tunnels 0 and 1, connector links only 0.
expect_status "create a dual-tunnel partial mesh" 201 POST "/v1/peerings$q" \
	'{"name":"dual","topology":"partial_mesh","dual_tunnel":true}'
for s in EDGE-1 EDGE-2 CN-1; do api POST "/v1/peerings/dual/members$q" "{\"serial\":\"$s\"}"; done
expect_status "edge-edge link in a dual group" 201 POST "/v1/peerings/dual/links$q" '{"a":"EDGE-1","b":"EDGE-2"}'
jq_is "it has two tunnels" '.tunnel_indexes | join(",")' 0,1
expect_status "edge-connector link in a dual group" 201 POST "/v1/peerings/dual/links$q" '{"a":"EDGE-1","b":"CN-1"}'
jq_is "a connector never gets the secondary" '.tunnel_indexes | join(",")' 0
api GET "/v1/peerings/dual$q"
jq_is "three tunnels in all" '.links | length' 3

# IPSec: unique SPIs and keys per direction, never in any response.
expect_status "create an IPSec mesh" 201 POST "/v1/peerings$q" \
	'{"name":"sec","topology":"mesh","protocol":"ipsec","dual_tunnel":true}'
for s in EDGE-1 EDGE-2 EDGE-3 CN-1; do api POST "/v1/peerings/sec/members$q" "{\"serial\":\"$s\"}"; done
api GET "/v1/peerings/sec$q"
jq_is "4 members: 6 links, 3 of them edge-edge with a secondary" '.links | length' 9
db=$T/data/netctl.db
nkeys=$(sqlite3 "$db" "SELECT COUNT(*) FROM links WHERE tenant='acme' AND peering='sec'")
check "the store has the 9 tunnels" test "$nkeys" = 9
spis=$(sqlite3 "$db" "SELECT spi FROM (SELECT spi_ab AS spi FROM links UNION ALL SELECT spi_ba FROM links) WHERE spi > 0" | sort | uniq -d | wc -l)
check "every SPI is unique" test "$spis" = 0
keys=$(sqlite3 "$db" "SELECT key_ab FROM links WHERE peering='sec' UNION ALL SELECT key_ba FROM links WHERE peering='sec'")
# Sealed at rest (061 follows the clear keys to the devices).
check "every direction has a key, sealed in the store" \
	test "$(printf '%s\n' "$keys" | grep -c '^nc-sealed-1:')" = 18
check "keys are unique" test "$(printf '%s\n' "$keys" | sort | uniq -d | wc -l)" = 0
leak=0
for path in "/v1/peerings/sec$q" "/v1/peerings/sec/links$q" "/v1/peerings$q" "/v1/sync$q" \
	"/v1/connectors/CN-1$q" "/v1/edges/EDGE-1$q" "/v1/events?after=0&tenant=acme"; do
	if [ "${path#/v1/events}" != "$path" ]; then
		out=$(curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER$path")
	else
		api GET "$path"
		out=$body
	fi
	for k in $keys; do
		case "$out" in *"$k"*) leak=1 ;; esac
	done
	case "$out" in *'"spi'* | *'"key_'*) leak=1 ;; esac
done
check "no key or SPI appears in any response or event" test "$leak" = 0
check "no key appears in the log" bash -c "! grep -qE '[0-9a-f]{72}' '$SERVE_LOG'"

# Topology change re-derives links.
expect_status "switch pm to mesh" 200 PATCH "/v1/peerings/pm$q" '{"topology":"mesh"}'
jq_is "a mesh of 4 again has 6 links" '.links | length' 6
expect_status "delete the group" 204 DELETE "/v1/peerings/pm$q"
expect_status "it is gone" 404 GET "/v1/peerings/pm$q"

done_testing
