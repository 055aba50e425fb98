#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A serial with a '.' is refused for a new device, since brokers such as
# RabbitMQ turn '.' into a topic level and the device could never sync: the
# API answers 422 naming the serial and why, the CLI says the same, a
# `register' with a valid enrollment key creates nothing and says why in an
# event; nothing is half-written. A device that already has such a serial
# (an older store) still loads, is listed, moves through its lifecycle and,
# on a broker that leaves '.' alone, still reaches the core.
. "$(dirname "$0")/lib.sh"

start_core
q='?tenant=acme'
api POST /v1/tenants '{"id":"acme"}'
connected() { curl -fsS "$SERVER/healthz" | jq -e '.broker.connected' >/dev/null; }
wait_until 20 connected

expect_status "a connector serial with a '.' is refused" 422 POST "/v1/connectors$q" \
	'{"serial":"CN.DOT.1","name":"dot"}'
jq_is "the error names the field" .error.field serial
contains "the message names the serial" "$body" 'CN.DOT.1'
contains "and says why" "$body" "topic level"
expect_status "nothing was created" 404 GET "/v1/connectors/CN.DOT.1$q"
expect_status "an edge serial with a '.' is refused" 422 POST "/v1/edges$q" \
	'{"serial":"EDGE.1","name":"e","kind":"dedicated","endpoint":"192.0.2.1:51820"}'
contains "with the same reason" "$body" "topic level"
expect_rc "the CLI refuses it with exit 1" 1 connector create --serial CN.DOT.2 --name dot \
	--tenant acme
contains "naming the serial and why" "$err" "CN.DOT.2' has a '.'"
expect_status "a serial without one is still fine" 201 POST "/v1/connectors$q" \
	'{"serial":"CN-DOT_3","name":"nodot"}'

# register with a valid enrollment key: refused for the same reason.
api POST "/v1/enrollment-keys$q" '{"name":"factory"}'
KEY=$(jq -r .key <<<"$body")
key() { wg genkey | wg pubkey; }
events() {
	curl -s -m 2 -H "Authorization: Bearer $TOKEN" "$SERVER/v1/events?after=0&type=ignored"
}
if [ "$BROKER" = mosquitto ]; then
	mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t VSR/CN.REG.1/register -m \
		"{\"v\":1,\"serial\":\"CN.REG.1\",\"kind\":\"connector\",\"public_key\":\"$(key)\",\"hostname\":\"r\",\"agent\":\"test\",\"enrollment_key\":\"$KEY\"}"
	says_why() { events | grep 'CN.REG.1' | grep -q 'topic level'; }
	check "register with a '.' serial is ignored with an event saying why" \
		wait_until 10 says_why
	expect_status "and creates no connector" 404 GET "/v1/connectors/CN.REG.1$q"
else
	# RabbitMQ delivers VSR/CN.REG.1/register as VSR/CN/REG/1/register: the
	# core's subscription never matches it.
	skip_one "register with a '.' serial is ignored with an event saying why" \
		"the broker ($BROKER) never delivers a '.' topic to the core"
	skip_one "and creates no connector" "as above"
fi

# A device created before the rule: its serial is renamed in the store.
expect_status "a connector to be renamed" 201 POST "/v1/connectors$q" '{"serial":"CN-OLD-1","name":"old"}'
stop "$SERVE_PID"
sqlite3 "$T/data/netctl.db" "UPDATE devices SET serial = 'CN.OLD.1' WHERE serial = 'CN-OLD-1';
	UPDATE connectors SET serial = 'CN.OLD.1' WHERE serial = 'CN-OLD-1';
	UPDATE sync SET serial = 'CN.OLD.1' WHERE serial = 'CN-OLD-1';
	UPDATE addrs SET owner = 'CN.OLD.1' WHERE owner = 'CN-OLD-1';"
check "the store now holds a '.' serial" \
	test "$(sqlite3 "$T/data/netctl.db" "SELECT count(*) FROM connectors WHERE serial = 'CN.OLD.1'")" = 1
if start_serve "$T/data" --mqtt "$BROKER_URL"; then ok "serve starts with it"; else
	not_ok "serve starts with it"; exit 1; fi
export NETCTL_SERVER=$SERVER
expect_rc "connector list works" 0 connector list -o json --tenant acme
jq_out "and lists it" '[.items[].serial] | index("CN.OLD.1") != null' true
expect_status "it can be shown" 200 GET "/v1/connectors/CN.OLD.1$q"
expect_status "and approved" 200 POST "/v1/connectors/CN.OLD.1/approve$q"
jq_is "it is approved" .status approved
if [ "$BROKER" = mosquitto ]; then
	wait_until 20 connected
	K=$(key)
	hb() {
		mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -t VSR/CN.OLD.1/heartbeat -m \
			"{\"v\":1,\"serial\":\"CN.OLD.1\",\"ts\":$(date +%s),\"seq\":0,\"config_hash\":\"\",\"uptime_s\":5,\"public_key\":\"$K\",\"agent\":\"test\"}"
		api GET "/v1/connectors/CN.OLD.1$q"
		test "$(jq -r .public_key <<<"$body")" = "$K"
	}
	check "its heartbeats still reach the core" wait_until 10 hb
else
	skip_one "its heartbeats still reach the core" \
		"the broker ($BROKER) turns its '.' into a topic level"
fi
expect_status "and it can be deleted" 204 DELETE "/v1/connectors/CN.OLD.1$q"

done_testing
