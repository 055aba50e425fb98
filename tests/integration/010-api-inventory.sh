#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The inventory API through curl: edges and connectors, the connector
# lifecycle with every refused transition, and bad input answered with the
# right status and an error naming the field, with nothing half-written.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
TOKEN=$(cat "$T/data/admin.token")
check "the first start wrote an admin token with mode 0600" \
	test "$(stat -c %a "$T/data/admin.token")" = 600

expect_status "create tenant acme" 201 POST /v1/tenants '{"id":"acme","name":"Acme Corp"}'
jq_is "the tenant has its name" .name "Acme Corp"
expect_status "a duplicate tenant is 409" 409 POST /v1/tenants '{"id":"acme"}'

E='{"serial":"EDGE-1","name":"dc-1","kind":"dedicated","region":"eu-west","endpoint":"192.0.2.1:51820","lan_subnets":["10.10.0.0/16"]}'
expect_status "an admin without a tenant must name one" 422 POST /v1/edges "$E"
jq_is "the error names the tenant field" .error.field tenant
expect_status "create edge EDGE-1 in acme" 201 POST '/v1/edges?tenant=acme' "$E"
jq_is "the edge keeps its LAN" '.lan_subnets[0]' 10.10.0.0/16
jq_is "the edge has no public key yet" .public_key null
expect_status "get the edge" 200 GET '/v1/edges/EDGE-1?tenant=acme'
jq_is "get shows the endpoint" .endpoint 192.0.2.1:51820
expect_status "a duplicate serial is 409" 409 POST '/v1/edges?tenant=acme' "$E"

C='{"serial":"CN-0001","name":"branch-1","region":"eu-west","hub_edge":"EDGE-1","lan_subnets":["192.168.10.0/24"],"nat":{"enabled":true,"wan_interface":"eth0"},"acl":[{"action":"drop","proto":"tcp","src":"0.0.0.0/0","dst":"192.168.10.5/32","dport":22}],"routes":[{"dst":"10.99.0.0/16","via":"192.168.10.1"}]}'
expect_status "create connector CN-0001" 201 POST '/v1/connectors?tenant=acme' "$C"
jq_is "a new connector awaits approval" .status pending_approval
jq_is "its hub is EDGE-1" .hub_edge EDGE-1
jq_is "its ACL is kept" '.acl[0].dport' 22
jq_is "awaiting approval, it gets no configuration: no sync state shown" .sync null
expect_status "a serial used by an edge is 409 for a connector" 409 POST \
	'/v1/connectors?tenant=acme' '{"serial":"EDGE-1","name":"x"}'

# The lifecycle through the API: approve and decommission, and refusals.
expect_status "approve" 200 POST '/v1/connectors/CN-0001/approve?tenant=acme'
jq_is "approved" .status approved
jq_is "approval marks it dirty with a reason" .sync.dirty_reason "connector CN-0001 approved"
jq_is "approved, it is pending sync" .sync.state pending
expect_status "approve twice is 409" 409 POST '/v1/connectors/CN-0001/approve?tenant=acme'
contains "the refusal names the current state" "$body" "approved"
expect_status "decommission" 200 POST '/v1/connectors/CN-0001/decommission?tenant=acme'
jq_is "decommissioned" .status decommissioned
expect_status "approve a decommissioned connector is 409" 409 POST \
	'/v1/connectors/CN-0001/approve?tenant=acme'
contains "the refusal names both states" "$body" "decommissioned"
expect_status "decommission twice is 409" 409 POST \
	'/v1/connectors/CN-0001/decommission?tenant=acme'
expect_status "approve an unknown connector is 404" 404 POST '/v1/connectors/CN-9/approve?tenant=acme'

# Lists, filters, paging.
for i in 2 3 4 5; do
	api POST '/v1/connectors?tenant=acme' "{\"serial\":\"CN-000$i\",\"name\":\"branch-$i\",\"region\":\"us\"}"
done
expect_status "list connectors" 200 GET '/v1/connectors?tenant=acme'
jq_is "five connectors" '.items | length' 5
expect_status "filter by status" 200 GET '/v1/connectors?tenant=acme&status=pending_approval'
jq_is "four are pending" '.items | length' 4
expect_status "filter by region" 200 GET '/v1/connectors?tenant=acme&region=us'
jq_is "four are in us" '.items | length' 4
expect_status "filter by name" 200 GET '/v1/connectors?tenant=acme&name=BRANCH-3'
jq_is "one matches branch-3" '.items[0].serial' CN-0003
expect_status "filter standalone" 200 GET '/v1/connectors?tenant=acme&hub=none'
jq_is "four have no hub" '.items | length' 4
expect_status "page 1" 200 GET '/v1/connectors?tenant=acme&limit=2'
jq_is "two per page" '.items | length' 2
cursor=$(printf '%s' "$body" | jq -r .next_cursor)
expect_status "page 2" 200 GET "/v1/connectors?tenant=acme&limit=2&cursor=$cursor"
jq_is "page 2 goes on after page 1" '.items[0].serial' CN-0003
expect_status "a bad status filter is 422" 422 GET '/v1/connectors?tenant=acme&status=sleepy'
expect_status "a bad limit is 422" 422 GET '/v1/connectors?tenant=acme&limit=0'

# Updates.
expect_status "patch the hub of CN-0002" 200 PATCH '/v1/connectors/CN-0002?tenant=acme' \
	'{"hub_edge":"EDGE-1"}'
jq_is "the hub changed" .hub_edge EDGE-1
jq_is "the name stayed" .name branch-2
expect_status "a serial cannot change" 422 PATCH '/v1/connectors/CN-0002?tenant=acme' \
	'{"serial":"CN-7"}'
expect_status "a missing hub is 404" 404 PATCH '/v1/connectors/CN-0002?tenant=acme' \
	'{"hub_edge":"EDGE-404"}'
jq_is "the 404 names the field" .error.field hub_edge
expect_status "the failed patch changed nothing" 200 GET '/v1/connectors/CN-0002?tenant=acme'
jq_is "the hub is still EDGE-1" .hub_edge EDGE-1
expect_status "deleting a hub in use is 409" 409 DELETE '/v1/edges/EDGE-1?tenant=acme'
expect_status "delete CN-0005" 204 DELETE '/v1/connectors/CN-0005?tenant=acme'
expect_status "it is gone" 404 GET '/v1/connectors/CN-0005?tenant=acme'

# Bad input: status codes and error bodies.
expect_status "malformed JSON is 400" 400 POST '/v1/connectors?tenant=acme' '{"serial":'
jq_is "the error code is malformed" .error.code malformed
expect_status "an unknown field is 422" 422 POST '/v1/connectors?tenant=acme' \
	'{"serial":"CN-8","name":"x","colour":"red"}'
contains "the unknown field is named" "$(printf '%s' "$body" | jq -r .error.message)" colour
expect_status "a wrong type is 422" 422 POST '/v1/connectors?tenant=acme' \
	'{"serial":"CN-8","name":42}'
jq_is "the wrong type names the field" .error.field name
expect_status "a bad CIDR is 422" 422 POST '/v1/connectors?tenant=acme' \
	'{"serial":"CN-8","name":"x","lan_subnets":["10.0.0.0/33"]}'
jq_is "the CIDR error names the element" .error.field 'lan_subnets[0]'
expect_status "a bad serial is 422" 422 POST '/v1/connectors?tenant=acme' \
	'{"serial":"CN 8;rm","name":"x"}'
expect_status "a bad endpoint is 422" 422 POST '/v1/edges?tenant=acme' \
	'{"serial":"EDGE-8","name":"x","kind":"dedicated","endpoint":"192.0.2.1"}'
expect_status "nothing was written by the refused requests" 404 GET '/v1/connectors/CN-8?tenant=acme'
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: text/plain' --data 'hello' "$SERVER/v1/tenants")
check "a body that is not JSON is 415" test "$code" = 415
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big.json"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data-binary "@$T/big.json" "$SERVER/v1/tenants")
check "a body over 1 MiB is 413" test "$code" = 413
expect_status "an unknown path is 404" 404 GET /v1/nothing
expect_status "a wrong method is 405" 405 PUT /v1/connectors '{}'

expect_status "stats" 200 GET '/v1/stats?tenant=acme'
jq_is "stats count every registered connector, the decommissioned one too" .connectors.total 4
jq_is "stats count the pending ones" .connectors.pending 3

metrics=$(curl -fsS "$SERVER/metrics")
contains "metrics count requests by route and status" "$metrics" \
	'netctl_http_requests_total{route="POST /v1/connectors",status="201"}'
contains "metrics count 422s too" "$metrics" 'status="422"'
contains "metrics show devices by state" "$metrics" 'netctl_connectors{status="pending_approval"} 3'
contains "metrics show sync states" "$metrics" 'netctl_devices_sync{state="pending"}'

done_testing
