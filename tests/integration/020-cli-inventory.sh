#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The operator CLI against a real serve: the issue's examples as written,
# every inventory command in table, wide, JSON (checked with jq) and -q,
# prefixes and aliases, the isolated-member warning, the stat cards,
# paging with --all over 250 connectors, and contexts in the config file.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
export NETCTL_SERVER=$SERVER
NETCTL_TOKEN=$(cat "$T/data/admin.token")
export NETCTL_TOKEN
TOKEN=$NETCTL_TOKEN # for api (curl), used to seed many connectors fast
export XDG_CONFIG_HOME=$T/config
unset NETCTL_TENANT NO_COLOR

# --- The examples of the issue, as written.
expect_rc "tenant create acme --name Acme" 0 tenant create acme --name Acme
contains "tenant create says what it did" "$out" "created tenant acme"
export NETCTL_TENANT=acme
expect_rc "edge create (issue example)" 0 edge create --serial EDGE-1 --name dc1 --kind dedicated \
	--region eu --endpoint 192.0.2.1:51820 --lan 10.10.0.0/16
expect_rc "connector create (issue example)" 0 connector create --serial CN-1 --name b1 \
	--region eu --hub EDGE-1 --lan 192.168.1.0/24
contains "a new connector awaits approval" "$out" "pending_approval"
expect_rc "connector approve CN-1" 0 connector approve CN-1
contains "approve reports the new status" "$out" "approved"
expect_rc "peering create (issue example)" 0 peering create pm --topology partial_mesh \
	--protocol wireguard
expect_rc "member add pm CN-1" 0 member add pm CN-1
# The examples exactly as written (man/netctl.1): both ends are members first.
expect_rc "member add pm EDGE-1" 0 member add pm EDGE-1
expect_rc "link add pm EDGE-1 CN-1" 0 link add pm EDGE-1 CN-1
expect_rc "netctl conn ls" 0 conn ls
contains "conn ls has the seed's columns" "$out" \
	"Name  Serial  Region  Hub Edge  Status    Last Seen"
contains "conn ls shows CN-1 approved, never seen" "$out" \
	"b1    CN-1    eu      EDGE-1    approved  never"
check "piped output has no escape codes" bash -c "! printf '%s' \"\$1\" | grep -q $'\\033'" _ "$out"

# --- Tenants and tokens.
expect_rc "tenant list" 0 tenant list
contains "tenant list has a header" "$out" "ID    Name  Created"
expect_rc "tenant list -o json" 0 tenant list -o json
jq_out "tenant list JSON is {items}" '.items[0].id' acme
expect_rc "tenant ls -q" 0 tenant ls -q
check "tenant ls -q prints only ids" test "$out" = acme

expect_rc "token create -q prints only the secret" 0 -q token create --name ci --role operator
OPER=$out
check "the secret is a token" bash -c '[[ $1 == nct_* ]]' _ "$OPER"
expect_rc "token create -o json" 0 token create --name view --role viewer --expires 1h -o json
jq_out "the token JSON has the role" .role viewer
jq_out "the token JSON has an expiry" '.expires_at | type' string
VIEW_ID=$(printf '%s' "$out" | jq -r .id)
expect_rc "token create in text names the secret" 0 token create --name t3 --role viewer
contains "the secret is shown" "$out" "token: nct_"
expect_rc "token list" 0 token list
contains "token list has the columns" "$out" "Expires"
expect_rc "token list -o json" 0 token list -o json
jq_out "token list JSON holds ci" '[.items[] | select(.name == "ci")] | length' 1
jq_out "token list JSON holds no secret" '[.items[] | select(has("token"))] | length' 0
expect_rc "token revoke" 0 token revoke "$VIEW_ID" --yes
expect_rc "token ls -o json after revoke" 0 token ls -o json
jq_out "the revoked token is marked" ".items[] | select(.id == \"$VIEW_ID\") | .revoked" true

# --- Edges.
expect_rc "edge create an MTGE" 0 edge create --serial MTGE-1 --name gw --kind mtge \
	--region us --endpoint 198.18.0.1:51820 --lan 10.20.0.0/16 --lan 10.21.0.0/16
expect_rc "edge list" 0 edge list
contains "edge list has the columns" "$out" "Name  Serial  Kind       Region  Endpoint"
contains "edge list shows the MTGE" "$out" "gw    MTGE-1  mtge"
expect_rc "edge list -o wide" 0 edge list -o wide
contains "wide adds the LAN" "$out" "10.20.0.0/16, 10.21.0.0/16"
contains "wide adds the public key" "$out" "Public Key"
expect_rc "edge list --kind mtge -o json" 0 edge list --kind mtge -o json
jq_out "the kind filter keeps the MTGE" '[.items[].serial] | join(",")' MTGE-1
expect_rc "edge list --region eu -q" 0 edge list --region eu -q
check "the region filter keeps EDGE-1" test "$out" = EDGE-1
expect_rc "edge show" 0 edge show EDGE-1
contains "edge show has the endpoint" "$out" "Endpoint:"
contains "edge show has the LAN" "$out" "10.10.0.0/16"
expect_rc "edge get (alias) -o json" 0 edge get EDGE-1 -o json
jq_out "edge show JSON is the object" .endpoint 192.0.2.1:51820
expect_rc "edge set --endpoint, quietly" 0 -q edge set MTGE-1 --endpoint 198.18.0.2:51820
check "-q prints nothing for a write" test -z "$out"
expect_rc "edge set --lan replaces the list" 0 edge set MTGE-1 --lan 10.30.0.0/16 -o json
jq_out "the LAN was replaced" '.lan_subnets | join(",")' 10.30.0.0/16
jq_out "the endpoint was kept" .endpoint 198.18.0.2:51820

# --- Connectors.
expect_rc "connector create with NAT, ACL and route" 0 connector create --serial CN-2 \
	--name b2 --region eu --hub EDGE-1 --lan 192.168.2.0/24 --nat-wan eth0 \
	--acl "drop tcp 0.0.0.0/0 192.168.2.5/32 22" --acl "accept icmp 0.0.0.0/0 192.168.2.0/24" \
	--route "10.99.0.0/16 via 192.168.2.1" -o json
jq_out "the ACL came through" '.acl[0].dport' 22
jq_out "two ACL rules" '.acl | length' 2
jq_out "the route came through" '.routes[0].via' 192.168.2.1
jq_out "NAT is on eth0" '.nat.wan_interface' eth0
expect_rc "connector create a standalone one" 0 connector create --serial CN-3 --name b3 --region us
expect_rc "connector show" 0 connector show CN-2
contains "show has the ACL as --acl takes it" "$out" "drop tcp 0.0.0.0/0 192.168.2.5/32 22"
contains "show has the route" "$out" "10.99.0.0/16 via 192.168.2.1"
contains "show has NAT" "$out" "on (wan eth0)"
contains "show has the sync state" "$out" "Sync:"
expect_rc "connector list -o wide" 0 connector list -o wide
# CN-1 is applying: its link was pushed to it when it was added.
contains "wide adds Sync and Dirty Reason" "$out" "Sync      Dirty Reason"
contains "wide adds the LAN" "$out" "192.168.2.0/24"
# On a terminal the table is fitted to its width (script(1) gives netctl a
# pty of COLS columns; colour off to compare the text).
on_tty() {
	local cols=$1
	shift
	script -qec "stty cols $cols; NO_COLOR=1 $NETCTL $* 2>/dev/null" /dev/null </dev/null |
		tr -d '\r'
}
if command -v script >/dev/null; then
	tty_out=$(on_tty 200 connector list -o wide)
	contains "a wide terminal shows every value whole" "$tty_out" "192.168.2.0/24"
	# Five columns fewer than the table needs: the widest values give them up.
	full=$tty_out
	narrow=$(($(LC_ALL=C.UTF-8 wc -L <<<"$full") - 5))
	tty_out=$(on_tty "$narrow" connector list -o wide)
	check "a narrower one cuts the widest values to fit" bash -c \
		'[ "$(LC_ALL=C.UTF-8 wc -L <<<"$1")" -le "$3" ] &&
		[ "$(grep -o "…" <<<"$1" | wc -l)" -gt "$(grep -o "…" <<<"$2" | wc -l)" ]' \
		_ "$tty_out" "$full" "$narrow"
	contains "but never a state" "$tty_out" "pending_approval"
	tty_out=$(on_tty 40 connector list -o wide)
	contains "where even the headers do not fit, nothing is cut" "$tty_out" "192.168.2.0/24"
else
	ok "# SKIP script(1) is not installed"
fi
expect_rc "connector list -o json" 0 connector list -o json
jq_out "the list holds three connectors" '.items | length' 3
jq_out "times are exact in JSON" '.items[0].created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' true
expect_rc "connector list --status pending_approval -q" 0 connector list \
	--status pending_approval -q
check "two await approval" test "$out" = "$(printf 'CN-2\nCN-3')"
expect_rc "connector list --hub none -q" 0 connector list --hub none -q
check "CN-3 is standalone" test "$out" = CN-3
expect_rc "connector list --name B2 -q" 0 connector list --name B2 -q
check "the name filter ignores case" test "$out" = CN-2
expect_rc "connector set --hub none" 0 connector set CN-2 --hub none -o json
jq_out "the hub is cleared" .hub_edge null
jq_out "a connector has no endpoint unless given one" .endpoint null
expect_rc "connector set --endpoint HOST:PORT" 0 connector set CN-2 \
	--endpoint 198.18.0.22:51822 -o json
jq_out "the endpoint is kept as given" .endpoint 198.18.0.22:51822
expect_rc "connector show has the endpoint" 0 connector show CN-2
contains "show names it" "$out" "198.18.0.22:51822"
expect_rc "connector set --endpoint without a port" 1 connector set CN-2 --endpoint 198.18.0.22
contains "is refused like an edge's" "$err" "is not a valid endpoint"
expect_rc "connector set --endpoint none" 0 connector set CN-2 --endpoint none -o json
jq_out "clears it" .endpoint null
expect_rc "connector set --acl none --route none" 0 connector set CN-2 --acl none \
	--route none -o json
jq_out "the ACL is emptied" '.acl | length' 0
expect_rc "connector decommission" 0 connector decommission CN-3 --yes
contains "decommission reports the status" "$out" "decommissioned"
expect_rc "connector stats" 0 connector stats
contains "the four stat cards" "$out" "Total Connectors  Online  Offline  Pending"
contains "the sync counts" "$out" "Synced  Pending  Applying  Failed"
expect_rc "connector stats -o json" 0 connector stats -o json
jq_out "stats JSON counts every registered connector, decommissioned too" .connectors.total 3
jq_out "stats JSON counts the pending" .connectors.pending 1

# --- Peering groups, members, links.
expect_rc "member add pm CN-2 (left without links)" 0 member add pm CN-2
expect_rc "peering show" 0 peering show pm
contains "show has the topology" "$out" "partial_mesh"
contains "show lists the members" "$out" "CN-1, CN-2, EDGE-1"
contains "show has the links table" "$out" "Edge A  Edge B  Status   Tunnel Index"
contains "show has the link" "$out" "CN-1    EDGE-1  unknown  0 (primary)"
contains "show warns about the isolated member" "$err" \
	"warning: CN-2 has no links: it is isolated (add a link or remove it)"
expect_rc "peering show -o json" 0 peering show pm -o json
jq_out "JSON lists the isolated member" '.isolated | join(",")' CN-2
expect_rc "peering create a dual-tunnel hub-spoke group" 0 peering create hs \
	--topology hub_spoke --hub EDGE-1 --dual-tunnel
expect_rc "peering list" 0 peering list
contains "peering list has the columns" "$out" \
	"Name  Topology      Protocol   Dual  Hub     Members"
contains "peering list counts members" "$out" "pm    partial_mesh  wireguard  no    -             3"
expect_rc "peering ls -o json" 0 peering ls -o json
jq_out "peering list JSON" '[.items[].name] | join(",")' hs,pm
expect_rc "peering ls -q" 0 peering ls -q
check "peering ls -q prints names" test "$out" = "$(printf 'hs\npm')"
expect_rc "peering set --protocol ipsec --no-dual-tunnel" 0 peering set hs --protocol ipsec \
	--no-dual-tunnel -o json
jq_out "the protocol changed" .protocol ipsec
jq_out "dual tunnel is off" .dual_tunnel false
expect_rc "peering set hs --hub none: a hub-spoke group keeps its hub" 1 peering set hs --hub none
contains "the reason is the server's" "$err" "needs a hub"
expect_rc "link list" 0 link list pm
contains "link list has the seed's columns" "$out" "Edge A  Edge B  Status   Tunnel Index"
expect_rc "link list -o json" 0 link list pm -o json
jq_out "one link" '.items | length' 1
expect_rc "link ls -q" 0 link ls pm -q
check "link -q prints both ends" test "$out" = "CN-1 EDGE-1"
expect_rc "link add to a member pending approval: exit 1" 1 link add pm EDGE-1 CN-2
contains "naming the member and why" "$err" "CN-2 is a member of pm but pending approval"
expect_rc "connector approve CN-2" 0 connector approve CN-2
expect_rc "link add pm EDGE-1 CN-2" 0 link add pm EDGE-1 CN-2
expect_rc "peering show after the link" 0 peering show pm
check "no isolated member, no warning" test -z "$err"
expect_rc "link add pm CN-1 CN-2: two connectors without endpoints" 0 link add pm CN-1 CN-2
contains "link add warns that neither end can be dialled, and the way out" "$err" \
	"warning: the link CN-1↔CN-2 cannot come up: neither end has an endpoint to be dialled at \
(set one on either: \`netctl connector set SERIAL --endpoint HOST:PORT\`)"
expect_rc "link list -o json" 0 link list pm -o json
jq_out "the link carries the warning, the others none" \
	'[.items[] | select(.warning != null) | .a + "," + .b + ":" + .warning] | join(" ")' \
	CN-1,CN-2:no_endpoint
expect_rc "connector set CN-2 --endpoint" 0 connector set CN-2 --endpoint 198.18.0.12:51822
expect_rc "peering show once one end has an endpoint" 0 peering show pm
check "then no warning" test -z "$err"
expect_rc "link remove pm CN-1 CN-2" 0 link remove pm CN-1 CN-2 --yes
expect_rc "link rm (alias) pm CN-2 EDGE-1" 0 link rm pm CN-2 EDGE-1 --yes
expect_rc "member rm (alias) pm CN-2" 0 member rm pm CN-2 --yes
expect_rc "peering show -o json after remove" 0 pe get pm -o json
jq_out "CN-2 left the group" '.members | join(",")' CN-1,EDGE-1
expect_rc "peering delete" 0 peering delete hs --yes

# --- Prefixes and aliases.
expect_rc "prefixes: conn sh" 0 conn sh CN-1 -o json
jq_out "conn sh is connector show" .serial CN-1
expect_rc "prefixes: ed l" 0 ed l -q
expect_rc "alias rm is delete for edges" 0 edge rm MTGE-1 --yes
expect_rc "the edge is gone" 1 edge show MTGE-1
expect_rc "connector delete" 0 conn del CN-3 --yes

# --- Paging: 250 connectors, pages of 100 unless --all.
for i in $(seq -w 1 250); do
	api POST '/v1/connectors?tenant=acme' "{\"serial\":\"P-$i\",\"name\":\"p$i\",\"region\":\"bulk\"}"
	[ "$status" = 201 ] || { not_ok "seed connector P-$i" "$body"; break; }
done
expect_rc "one page by default" 0 connector list --region bulk -o json
jq_out "the first page holds 100" '.items | length' 100
jq_out "the first page has a cursor" .next_cursor P-100
expect_rc "--all follows the cursor" 0 connector list --region bulk --all -o json
jq_out "--all holds all 250" '.items | length' 250
jq_out "--all ends without a cursor" .next_cursor null
jq_out "no connector twice" '[.items[].serial] | unique | length' 250
expect_rc "--limit 50 --all -q" 0 connector list --region bulk --limit 50 --all -q
check "-q prints 250 serials" test "$(printf '%s\n' "$out" | wc -l)" -eq 250
expect_rc "--limit 50 --all as a table" 0 connector list --region bulk --limit 50 --all
check "one header and 250 rows, printed page by page" \
	test "$(grep -c 'Serial' <<<"$out")/$(grep -c ' P-[0-9]' <<<"$out")" = 1/250
check "and no cursor note at the end" test -z "$err"
api PATCH '/v1/connectors/P-007?tenant=acme' '{"name":"a-first"}'
expect_rc "--sort-by name" 0 connector list --region bulk --all --sort-by name -o json
jq_out "orders the items by name" '[.items[].name] == ([.items[].name] | sort)' true
jq_out "across every page" '.items[0].serial + " " + (.items | length | tostring)' "P-007 250"
expect_rc "--sort-by works on a table, of the page read" 0 connector list --region bulk --limit 10 --sort-by name
check "the first row is the first name" test "$(sed -n 2p <<<"$out" | awk '{print $1}')" = a-first
expect_rc "--field-selector" 0 connector list --all --field-selector name=a-first,region=bulk -q
check "keeps the items whose members say so" test "$out" = P-007
expect_rc "!= and a member of a member" 0 connector list --region bulk --all \
	--field-selector 'name!=a-first,sync.state!=synced' -o json
jq_out "the other 249, filtered page by page" '[.items[] | select(.name == "a-first")] | length' 0
jq_out "249 of them" '.items | length' 249
expect_rc "a misspelt field" 0 connector list --region bulk --field-selector nmae=x -q
contains "is warned about" "$err" "--field-selector: no item has a member \`nmae'"
expect_rc "a selector that does not parse" 2 connector list --field-selector name
contains "says what it wants" "$err" "\`name' is not FIELD=VALUE or FIELD!=VALUE"
expect_rc "--sort-by a field no item has" 2 connector list --region bulk --sort-by nmae
contains "names the fields there are" "$err" "--sort-by: no item has a field \`nmae'; they have: serial"
expect_rc "--cursor continues a listing" 0 connector list --region bulk --cursor P-240 -q
check "ten after P-240" test "$(printf '%s\n' "$out" | wc -l)" -eq 10
expect_rc "a table with more to come" 0 connector list --region bulk
contains "the table says how to see the rest" "$err" "pass --all, or --cursor P-100"

# --- Contexts in the config file.
unset NETCTL_SERVER NETCTL_TOKEN NETCTL_TENANT
cp "$T/data/admin.token" "$T/admin.token"
chmod 600 "$T/admin.token"
expect_rc "context list without a file" 0 context list -o json
jq_out "no contexts yet" '.items | length' 0
expect_rc "context set lab" 0 context set lab --server "$SERVER" --token-file "$T/admin.token" \
	--tenant acme
contains "the first context becomes current" "$out" "(current)"
check "the config file is private" test "$(stat -c %a "$XDG_CONFIG_HOME/netctl/config")" = 600
check "the file names the current context" grep -qx 'current-context = lab' \
	"$XDG_CONFIG_HOME/netctl/config"
expect_rc "a command uses the current context" 0 conn ls -q --region eu
check "the context's server, token and tenant were used" test "$out" = "$(printf 'CN-1\nCN-2')"
expect_rc "context show -o json" 0 context show -o json
jq_out "the server comes from the context" .server_source context
jq_out "the token comes from the context file" .token_file "$T/admin.token"
DEAD=$(free_port)
expect_rc "context set other" 0 context set other --server "http://127.0.0.1:$DEAD"
expect_rc "context list" 0 context list
contains "context list marks the current one" "$out" "*        lab"
expect_rc "context use other" 0 context use other
expect_rc "the other context's server is down: exit 3" 3 conn ls
expect_rc "the command line beats the context" 0 --server "$SERVER" --token-file "$T/admin.token" \
	--tenant acme conn ls -q --region eu
NETCTL_SERVER=$SERVER NETCTL_TOKEN=$(cat "$T/admin.token") NETCTL_TENANT=acme \
	expect_rc "the environment beats the context" 0 conn ls -q --region eu
NETCTL_SERVER=http://127.0.0.1:$DEAD expect_rc "the command line beats the environment" 0 \
	context show -o json --server "$SERVER"
jq_out "context show names the source" .server_source "command line"
expect_rc "context use lab (full word)" 0 context use lab
chmod 644 "$T/admin.token"
expect_rc "a readable token file still works" 0 conn ls -q --region eu
contains "but it is warned about" "$err" "readable by group or others: chmod 600"
chmod 600 "$T/admin.token"
expect_rc "context delete other" 0 context delete other
expect_rc "context ls -q" 0 context ls -q
check "one context left" test "$out" = lab

done_testing
