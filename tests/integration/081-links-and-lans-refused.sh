#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Input that cannot break the network is refused with 409, naming what is
# wrong: a link with a device that is not a member of the group, or with a
# member pending approval or decommissioned; a LAN subnet equal to or
# overlapping another device's of the same tenant, on create and on update,
# for connectors and edges alike (another tenant's may overlap). A refused
# write leaves nothing behind.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
TOKEN=$(cat "$T/data/admin.token")
export NETCTL_SERVER=$SERVER NETCTL_TOKEN=$TOKEN
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'
api POST /v1/tenants '{"id":"globex"}'
export NETCTL_TENANT=acme
api POST "/v1/edges$q" '{"serial":"EDGE-1","name":"dc1","kind":"dedicated","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
api POST "/v1/edges$q" '{"serial":"EDGE-2","name":"dc2","kind":"dedicated","endpoint":"192.0.2.2:51820","lan_subnets":["10.20.0.0/16"]}'
for i in 1 2 3 4; do
	api POST "/v1/connectors$q" "{\"serial\":\"CN-$i\",\"name\":\"b$i\",\"hub_edge\":\"EDGE-1\",\"lan_subnets\":[\"192.168.$i.0/24\"]}"
done
api POST "/v1/connectors/CN-1/approve$q"
api POST "/v1/connectors/CN-2/approve$q"
api POST "/v1/connectors/CN-4/approve$q"
api POST "/v1/peerings$q" '{"name":"pm","topology":"partial_mesh","protocol":"wireguard"}'
for s in EDGE-1 CN-1 CN-3 CN-4; do api POST "/v1/peerings/pm/members$q" "{\"serial\":\"$s\"}"; done
api POST "/v1/connectors/CN-4/decommission$q"

# --- Links only between approved members.
expect_status "a link to a device that is not a member is 409" 409 POST "/v1/peerings/pm/links$q" \
	'{"a":"EDGE-1","b":"CN-2"}'
jq_is "naming the device and why" .error.message "CN-2 is not a member of pm: add it to the group first"
jq_is "and the field" .error.field b
api GET "/v1/peerings/pm$q"
jq_is "CN-2 did not join the group" '.members | index("CN-2")' null
expect_status "a link to a member pending approval is 409" 409 POST "/v1/peerings/pm/links$q" \
	'{"a":"CN-3","b":"EDGE-1"}'
jq_is "naming it" .error.message "CN-3 is a member of pm but pending approval: approve it before linking it"
jq_is "and the field" .error.field a
expect_status "a link to a decommissioned member is 409" 409 POST "/v1/peerings/pm/links$q" \
	'{"a":"EDGE-1","b":"CN-4"}'
jq_is "naming it" .error.message "CN-4 is decommissioned: it cannot be linked"
expect_status "a link to an unknown device is still 404" 404 POST "/v1/peerings/pm/links$q" \
	'{"a":"EDGE-1","b":"CN-404"}'
api GET "/v1/peerings/pm/links$q"
jq_is "none of them made a link" '.items | length' 0
expect_rc "the CLI exits 1 on a non-member" 1 link add pm EDGE-2 CN-1
contains "and names it" "$err" "EDGE-2 is not a member of pm"
expect_rc "between approved members it links" 0 link add pm EDGE-1 CN-1

# --- LAN subnets: no two devices of a tenant overlap.
lan_of() { api GET "/v1/$1/$2$q"; jq -r '.lan_subnets | join(",")' <<<"$body"; }
expect_status "a connector with another's LAN is 409" 409 POST "/v1/connectors$q" \
	'{"serial":"CN-5","name":"b5","lan_subnets":["192.168.1.0/24"]}'
jq_is "naming the other device and its subnet" .error.message \
	"lan_subnets[0]: 192.168.1.0/24 is already a LAN subnet of connector CN-1 in tenant acme"
jq_is "the field is the subnet" .error.field "lan_subnets[0]"
expect_status "nothing was created" 404 GET "/v1/connectors/CN-5$q"
expect_status "a connector whose LAN holds an edge's is 409" 409 POST "/v1/connectors$q" \
	'{"serial":"CN-5","name":"b5","lan_subnets":["172.16.0.0/24","10.0.0.0/8"]}'
jq_is "naming the edge and its subnet" .error.message \
	"lan_subnets[1]: 10.0.0.0/8 overlaps 10.10.0.0/16, a LAN subnet of edge EDGE-1 in tenant acme"
expect_status "a connector with its own LAN is created" 201 POST "/v1/connectors$q" \
	'{"serial":"CN-5","name":"b5","lan_subnets":["192.168.5.0/24"]}'
expect_status "an update onto another's LAN is 409" 409 PATCH "/v1/connectors/CN-5$q" \
	'{"lan_subnets":["192.168.2.128/25"]}'
jq_is "naming it" .error.message \
	"lan_subnets[0]: 192.168.2.128/25 overlaps 192.168.2.0/24, a LAN subnet of connector CN-2 in tenant acme"
check "and the LAN is unchanged" test "$(lan_of connectors CN-5)" = 192.168.5.0/24
expect_status "an update keeping its own LAN passes" 200 PATCH "/v1/connectors/CN-5$q" \
	'{"name":"branch-5"}'
expect_status "an edge onto a connector's LAN is 409" 409 POST "/v1/edges$q" \
	'{"serial":"EDGE-3","name":"dc3","kind":"dedicated","endpoint":"192.0.2.3:51820","lan_subnets":["192.168.0.0/16"]}'
jq_is "naming the connector" .error.message \
	"lan_subnets[0]: 192.168.0.0/16 overlaps 192.168.1.0/24, a LAN subnet of connector CN-1 in tenant acme"
expect_status "an edge update onto another edge's LAN is 409" 409 PATCH "/v1/edges/EDGE-2$q" \
	'{"lan_subnets":["10.10.128.0/17"]}'
jq_is "naming the other edge" .error.message \
	"lan_subnets[0]: 10.10.128.0/17 overlaps 10.10.0.0/16, a LAN subnet of edge EDGE-1 in tenant acme"
check "the edge's LAN is unchanged" test "$(lan_of edges EDGE-2)" = 10.20.0.0/16
expect_status "IPv6 overlaps are seen too" 200 PATCH "/v1/edges/EDGE-2$q" '{"lan_subnets":["fd00:20::/48"]}'
expect_status "an IPv6 LAN inside it is 409" 409 POST "/v1/connectors$q" \
	'{"serial":"CN-6","name":"b6","lan_subnets":["fd00:20:0:1::/64"]}'
jq_is "naming it" .error.field "lan_subnets[0]"
expect_status "a decommissioned connector's LAN is free again" 201 POST "/v1/connectors$q" \
	'{"serial":"CN-6","name":"b6","lan_subnets":["192.168.4.0/24"]}'
expect_status "another tenant may use the same LAN" 201 POST "/v1/connectors?tenant=globex" \
	'{"serial":"GX-1","name":"g1","lan_subnets":["192.168.1.0/24"]}'
expect_rc "the CLI exits 1 on an overlap" 1 connector set CN-6 --lan 10.10.1.0/24
contains "and says what overlaps what" "$err" "10.10.1.0/24 overlaps 10.10.0.0/16, a LAN subnet of edge EDGE-1"

done_testing
