#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ?dry_run=1 on every write route of lib/api/routes.def (the table below
# must list each one: a new write route fails the test until it is added):
# the answer is the status and body the real request then gets, with a
# Netctl-Dry-Run: true header, and nothing changed: the lists and sync
# states read the same, no event reached the stream, nothing reached the
# broker, the CRL file is as it was. Issuing credentials cannot be tried
# (422 naming dry_run); a Sync Now's dry run names the devices the real one
# sends. dry_run=yes is a 422 naming dry_run.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "a broker to watch for traffic"

start_core --apply-timeout 10m --stale-delay 10m --reconcile 1h
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
new_tenant acme
run_nc edge create --serial EDGE-1 --name dc1 --kind dedicated --endpoint 192.0.2.1:51820 \
	--lan 10.10.0.0/16
for i in 1 2 5; do
	run_nc connector create --serial "CN-$i" --name "b$i" --lan "192.168.$i.0/24" --hub EDGE-1
	run_nc connector approve "CN-$i"
done
run_nc connector credentials CN-5 --out "$T/cred5"
run_nc peering create pm --topology partial_mesh
for s in EDGE-1 CN-1 CN-2; do run_nc member add pm "$s"; done
check "the setup is in place" test "$rc" = 0

# Every event from the start, and every message on the broker.
spawn events curl -sN -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0"
EVENTS=$T/events.out
spawn sub mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t 'VSR/#'
SUB=$T/sub.out
probe_seen() {
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t VSR/probe -m probe
	grep -q '^VSR/probe' "$SUB"
}
check "the broker watch is subscribed" wait_until 10 probe_seen

# state: what a dry run must leave as it was, as text.
state() {
	local p
	for p in /v1/tenants /v1/tokens /v1/enrollment-keys "/v1/edges?tenant=acme" \
		"/v1/connectors?tenant=acme" "/v1/peerings?tenant=acme" \
		"/v1/peerings/pm?tenant=acme" "/v1/sync?tenant=acme"; do
		api GET "$p"
		echo "$p $status $(jq -cS . <<<"$body")"
	done
	sha256sum "$T/data/pki/crl.pem"
}
# settle: a marker event (a tenant created) seen on the stream: whatever was
# emitted before it is in $EVENTS. Sets $MARK, the events seen up to it.
N_MARK=0
settle() {
	N_MARK=$((N_MARK + 1))
	api POST /v1/tenants "{\"id\":\"mark-$N_MARK\"}"
	wait_until 10 grep -q "mark-$N_MARK" "$EVENTS" || echo "# marker $N_MARK not seen" >&2
	MARK=$(grep -c '^data:' "$EVENTS")
}
# norm: a body without what differs between two runs of one request.
norm() {
	jq -cS 'del(.. | .created_at?, .updated_at?, .id?, .token?, .expires_at?, .pushed?,
		.config_hash?, .seq?, .key?)' 2>/dev/null <<<"$1"
}

COVERED=()
# route "METHOD PATTERN" METHOD PATH [BODY] [MODE]: the dry run of METHOD
# PATH, checked to change nothing, then the real request; MODE same (the
# answers match), refused (the dry run is a 422 naming dry_run; no real
# request) or sync (the dry run selects the devices the real one sends).
route() {
	local name=$1 method=$2 path=$3 data=${4:--} mode=${5:-same} sep='?' before after \
		subs dstatus dbody args
	COVERED+=("$name")
	[[ $path == *\?* ]] && sep='&'
	settle
	before=$(state)
	subs=$(wc -l <"$SUB")
	args=(-s -D "$T/hdr" -o "$T/dry" -w '%{http_code}' -X "$method"
		-H "Authorization: Bearer $TOKEN")
	[ "$data" != - ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
	dstatus=$(curl "${args[@]}" "$SERVER$path${sep}dry_run=1")
	dbody=$(cat "$T/dry")
	after=$(state)
	check "$name: the dry run changes nothing" test "$before" = "$after" ||
		diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
	local seen=$MARK
	settle
	check "$name: the dry run emits no event" test "$MARK" = $((seen + 1)) ||
		sed -n '/^data:/p' "$EVENTS" | tail -n $((MARK - seen)) | sed 's/^/# /'
	check "$name: and sends nothing to the broker" test "$(wc -l <"$SUB")" = "$subs"
	if [ "$mode" = refused ]; then
		check "$name: cannot be tried: 422" test "$dstatus" = 422
		body=$dbody
		jq_is "$name: naming dry_run" .error.field dry_run
		return
	fi
	check "$name: the answer says it is a dry run" grep -qi '^Netctl-Dry-Run: true' "$T/hdr"
	api "$method" "$path" "$data"
	check "$name: the dry run answers the real request's status ($status)" \
		test "$dstatus" = "$status"
	case $mode in
	same)
		check "$name: and its body" test "$(norm "$dbody")" = "$(norm "$body")" ||
			echo "# dry: $dbody" "# real: $body"
		;;
	sync)
		check "$name: the dry run selects the devices the real one does" \
			test "$(jq -c '[.items[].serial] | sort' <<<"$dbody")" = \
			"$(jq -c '[.items[].serial] | sort' <<<"$body")"
		check "$name: each would_send or skipped" test "$(jq -c '[.items[].state] | unique - ["would_send", "skipped"]' \
			<<<"$dbody")" = "[]"
		;;
	esac
}

route "POST /v1/tenants" POST /v1/tenants '{"id":"t2","name":"Two"}'
route "POST /v1/tokens" POST /v1/tokens '{"name":"ci","role":"operator","tenant":"acme"}'
tok=$(jq -r .id <<<"$body")
route "DELETE /v1/tokens/{id}" DELETE "/v1/tokens/$tok"
route "POST /v1/enrollment-keys" POST /v1/enrollment-keys '{"name":"k1","tenant":"acme"}'
key=$(jq -r .id <<<"$body")
route "DELETE /v1/enrollment-keys/{id}" DELETE "/v1/enrollment-keys/$key"

route "POST /v1/edges" POST "/v1/edges?tenant=acme" \
	'{"serial":"EDGE-2","name":"dc2","kind":"dedicated","endpoint":"192.0.2.2:51820","lan_subnets":["10.20.0.0/16"]}'
route "PATCH /v1/edges/{serial}" PATCH "/v1/edges/EDGE-2?tenant=acme" '{"name":"dc2b"}'
route "POST /v1/edges/{serial}/credentials" POST "/v1/edges/EDGE-2/credentials?tenant=acme" \
	'{}' refused
route "POST /v1/edges/{serial}/credentials/revoke" POST \
	"/v1/edges/EDGE-2/credentials/revoke?tenant=acme"
route "POST /v1/edges/{serial}/rekey" POST "/v1/edges/EDGE-2/rekey?tenant=acme" '{"accept":true}'
route "DELETE /v1/edges/{serial}" DELETE "/v1/edges/EDGE-2?tenant=acme"

route "POST /v1/connectors" POST "/v1/connectors?tenant=acme" \
	'{"serial":"CN-3","name":"b3","hub_edge":"EDGE-1","lan_subnets":["192.168.3.0/24"]}'
route "POST /v1/connectors:bulk-create" POST "/v1/connectors:bulk-create?tenant=acme" \
	'{"items":[{"serial":"CN-4","name":"b4","lan_subnets":["192.168.4.0/24"]},{"serial":"CN-6","name":"b6","lan_subnets":["192.168.6.0/24"]}]}'
route "POST /v1/connectors:bulk-approve" POST "/v1/connectors:bulk-approve?tenant=acme" \
	'{"serials":["CN-4","CN-6"]}'
route "PATCH /v1/connectors/{serial}" PATCH "/v1/connectors/CN-3?tenant=acme" '{"name":"b3b"}'
route "POST /v1/connectors/{serial}/approve" POST "/v1/connectors/CN-3/approve?tenant=acme"
route "POST /v1/connectors/{serial}/rekey" POST "/v1/connectors/CN-3/rekey?tenant=acme" \
	'{"accept":false}'
route "POST /v1/connectors/{serial}/credentials" POST \
	"/v1/connectors/CN-3/credentials?tenant=acme" '{}' refused
route "POST /v1/connectors/{serial}/credentials/revoke" POST \
	"/v1/connectors/CN-3/credentials/revoke?tenant=acme"
# CN-5 holds a certificate: its decommission revokes it and rewrites the CRL.
route "POST /v1/connectors/{serial}/decommission" POST \
	"/v1/connectors/CN-5/decommission?tenant=acme"
route "DELETE /v1/connectors/{serial}" DELETE "/v1/connectors/CN-4?tenant=acme"

route "POST /v1/peerings" POST "/v1/peerings?tenant=acme" '{"name":"m2","topology":"mesh"}'
route "PATCH /v1/peerings/{name}" PATCH "/v1/peerings/m2?tenant=acme" '{"protocol":"ipsec"}'
route "POST /v1/peerings/{name}/members" POST "/v1/peerings/pm/members?tenant=acme" \
	'{"serial":"CN-3"}'
route "POST /v1/peerings/{name}/links" POST "/v1/peerings/pm/links?tenant=acme" \
	'{"a":"EDGE-1","b":"CN-3"}'
route "DELETE /v1/peerings/{name}/links/{a}/{b}" DELETE \
	"/v1/peerings/pm/links/EDGE-1/CN-3?tenant=acme"
route "DELETE /v1/peerings/{name}/members/{serial}" DELETE \
	"/v1/peerings/pm/members/CN-3?tenant=acme"
route "DELETE /v1/peerings/{name}" DELETE "/v1/peerings/m2?tenant=acme"

route "POST /v1/sync" POST "/v1/sync?tenant=acme" '{"all":true}' sync
check "the real Sync Now did reach the broker" wait_until 10 grep -q '^VSR/CN-1/batch' "$SUB"
route "POST /v1/devices/{serial}/sync" POST "/v1/devices/CN-1/sync?tenant=acme" - sync

# Every write route of routes.def is in the table above.
grep -oE '"(POST|PUT|PATCH|DELETE)", "[^"]+"' "$ROOT/lib/api/routes.def" |
	sed -E 's/"([A-Z]+)", "([^"]+)"/\1 \2/' | sort -u >"$T/routes"
printf '%s\n' "${COVERED[@]}" | sort -u >"$T/covered"
check "the table covers every write route of routes.def" diff "$T/routes" "$T/covered" ||
	diff "$T/routes" "$T/covered" | sed 's/^/# /'
check "routes.def has write routes at all" test "$(wc -l <"$T/routes")" -ge 30

expect_status "dry_run=yes: 422" 422 POST "/v1/tenants?dry_run=yes" '{"id":"t3"}'
jq_is "naming dry_run" .error.field dry_run
done_testing
