#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CLI's failures: every one names the problem and the way out, and
# exits with the documented status: 1 failed (the server's 404, 409, 422
# with its message), 2 usage, 3 server unreachable, 4 unauthorized or
# forbidden.
. "$(dirname "$0")/lib.sh"

export XDG_CONFIG_HOME=$T/config
unset NETCTL_SERVER NETCTL_TOKEN NETCTL_TENANT

# --- 3: nobody listens.
DEAD=$(free_port)
expect_rc "no server: exit 3" 3 --server "http://127.0.0.1:$DEAD" --token x edge list
contains "the message names the address, the cause and the way out" "$err" \
	"cannot reach http://127.0.0.1:$DEAD (connection refused): is \`netctl serve\` running? \
see --server"
NETCTL_SERVER=http://127.0.0.1:$DEAD expect_rc "NETCTL_SERVER is used: exit 3" 3 connector ls
contains "the environment's address is named" "$err" "cannot reach http://127.0.0.1:$DEAD"
expect_rc "a host that does not resolve: exit 3" 3 --server http://host.invalid:1 edge list
contains "the cause is named" "$err" "cannot resolve the host name"

# --- 1: something else answers on that address (a web server, a proxy).
if command -v python3 >/dev/null; then
	OTHER=$(free_port)
	spawn web python3 -m http.server "$OTHER" --bind 127.0.0.1 --directory "$T"
	if wait_until 10 port_busy "$OTHER"; then
		expect_rc "a server that is not netctl: exit 1" 1 \
			--server "http://127.0.0.1:$OTHER" --token x edge list
		contains "it says the reply is not the API's and what to check" "$err" \
			"http://127.0.0.1:$OTHER answered HTTP 404, not as the netctl API does: is \
--server the address of \`netctl serve\`?"
	else
		not_ok "python3's http.server starts" "$(cat "$T/web.log")"
	fi
	kill "$pid" 2>/dev/null
else
	ok "# SKIP python3 is not installed: no foreign web server to point at"
fi

start_serve "$T/data"
export NETCTL_SERVER=$SERVER
ADMIN=$(cat "$T/data/admin.token")

# --- 4: credentials.
expect_rc "no token: exit 4" 4 edge list
contains "no token: the way out" "$err" \
	"no token given: pass --token or --token-file, set NETCTL_TOKEN"
expect_rc "a malformed token: exit 4" 4 --token nct_bad edge list
contains "the server's reason and the way out" "$err" \
	"unauthorized: the token is malformed; check --token, --token-file or NETCTL_TOKEN"
expect_rc "a token file that does not exist: exit 1" 1 --token-file "$T/nope" edge list
contains "the file is named" "$err" "token file $T/nope"

export NETCTL_TOKEN=$ADMIN
expect_rc "tenant create acme" 0 tenant create acme
export NETCTL_TENANT=acme
expect_rc "a viewer token" 0 -q token create --name v --role viewer
VIEWER=$out
expect_rc "a viewer writing: exit 4" 4 --token "$VIEWER" edge create --serial E-1 --name e \
	--kind dedicated --endpoint 192.0.2.1:51820
contains "forbidden names the role" "$err" \
	"forbidden: this needs the operator role; the token has viewer"
expect_rc "a viewer reading: exit 0" 0 --token "$VIEWER" edge list
expect_rc "an operator token" 0 -q token create --name o --role operator
OPER=$out
expect_rc "an operator approving: exit 4" 4 --token "$OPER" connector approve CN-1
contains "approve needs the admin role" "$err" "admin"
expect_rc "list tokens -q" 0 token list -q -o json
VIEWER_ID=$(printf '%s' "$VIEWER" | cut -d_ -f2)
expect_rc "revoke the viewer" 0 token revoke "$VIEWER_ID" --yes
expect_rc "a revoked token: exit 4" 4 --token "$VIEWER" edge list
contains "the token is said to be revoked" "$err" "revoked"

# --- 2: usage, before any request.
expect_rc "an unknown verb: exit 2" 2 connector frob
contains "the verb is named" "$err" "unknown verb \`frob'"
expect_rc "a noun without a verb: exit 2" 2 edge
contains "its verbs are listed" "$err" "usage: netctl edge list"
expect_rc "a missing argument: exit 2" 2 connector show
contains "the arity is explained" "$err" "takes 1 argument, not 0"
expect_rc "too many arguments: exit 2" 2 member add pm CN-1 extra
expect_rc "an unknown option: exit 2" 2 edge list --colour
contains "the option is named" "$err" "unknown option \`--colour' for \`edge list'"
expect_rc "an ambiguous prefix: exit 2" 2 t list
contains "the candidates are named" "$err" "could be: tenant token"
expect_rc "a bad ACL: exit 2" 2 connector create --serial X --name x --acl "drop tcp 1.2.3.4/32"
contains "the ACL shape and an example" "$err" "is not \"ACTION PROTO SRC DST [PORT]\""
expect_rc "a bad route: exit 2" 2 connector create --serial X --name x --route "10.0.0.0/8"
contains "the route shape" "$err" "DST via GATEWAY"
expect_rc "a bad duration: exit 2" 2 token create --name n --role viewer --expires soon
contains "the duration is named" "$err" "--expires"
expect_rc "edge set with nothing to change: exit 2" 2 edge set EDGE-1
contains "the options are listed" "$err" "nothing to change: give --name"
expect_rc "a server that is not a URL: exit 2" 2 --server 127.0.0.1:8080 edge list
contains "the way out is --server" "$err" "is not an http:// or https:// URL; see --server"
expect_rc "a bad output format: exit 2" 2 edge list -o yaml
expect_rc "a context without a server: exit 2" 2 context set lab
contains "a new context needs a server" "$err" "needs --server URL"
expect_rc "a context keeps no raw token: exit 2" 2 context set lab --server "$SERVER" --token x
contains "it says to use a file" "$err" "--token-file"

# --- 1: the server refused, with its message.
expect_rc "edge create" 0 edge create --serial EDGE-1 --name dc1 --kind dedicated \
	--endpoint 192.0.2.1:51820
expect_rc "not found: exit 1" 1 connector show CN-404
contains "the server's message" "$err" "connector \`CN-404' not found"
contains "and where to look" "$err" "see \`netctl connector list'"
expect_rc "a serial that is not UTF-8: still not found, exit 1" 1 connector show $'CN\xff'
contains "the message shows the bad byte" "$err" "connector \`CN\\xff' not found"
expect_rc "a serial in use: exit 1" 1 connector create --serial EDGE-1 --name x
contains "the conflict is explained" "$err" "serial \`EDGE-1' is already used"
expect_rc "connector create CN-1" 0 connector create --serial CN-1 --name b1 --hub EDGE-1
expect_rc "approve" 0 connector approve CN-1
expect_rc "approve twice: exit 1" 1 connector approve CN-1
contains "the refused transition" "$err" "connector CN-1 is already approved"
expect_rc "an invalid value: exit 1" 1 edge set EDGE-1 --lan 10.0.0.1/8
contains "the bad value and the option" "$err" "host bits are set"
contains "the option to fix is named" "$err" "(see --lan)"
expect_rc "an invalid enum is a usage error: exit 2" 2 edge create --serial E-9 --name x \
	--kind big --endpoint 192.0.2.9:1
contains "the accepted values" "$err" "--kind: \`big' is not one of dedicated, mtge"
expect_rc "a required member: exit 1" 1 edge create --serial E-9 --name x --kind mtge
contains "the missing member" "$err" "endpoint"
NETCTL_TENANT= expect_rc "an admin without a tenant: exit 1" 1 edge create --serial E-8 \
	--name x --kind mtge --endpoint 192.0.2.8:1
contains "the way out is --tenant" "$err" "pass --tenant ID or set NETCTL_TENANT"
expect_rc "an unknown tenant: exit 1" 1 --tenant nope edge list
contains "the tenant is named" "$err" "tenant \`nope' not found; see \`netctl tenant list'"
expect_rc "peering create pm" 0 peering create pm --topology partial_mesh
expect_rc "member add pm CN-1" 0 member add pm CN-1
expect_rc "a link to an unknown device: exit 1" 1 link add pm EDGE-404 CN-1
contains "the unknown device is named" "$err" "device \`EDGE-404' not found"
expect_rc "an unknown peering: exit 1" 1 peering show nope
contains "the peering is named" "$err" "peering \`nope' not found"
expect_rc "a hub still in use: exit 1" 1 edge delete EDGE-1 --yes
contains "the server says what holds it" "$err" "is the hub of 1 connector"

# --- A broken config file names its line.
mkdir -p "$XDG_CONFIG_HOME/netctl"
printf 'current-context = lab\n[context lab]\nsever = x\n' >"$XDG_CONFIG_HOME/netctl/config"
expect_rc "a bad config file: exit 1" 1 edge list
contains "the file and line are named" "$err" \
	"config: line 3: unknown key \`sever' in [context lab]"
printf 'current-context = gone\n' >"$XDG_CONFIG_HOME/netctl/config"
expect_rc "a current context that is not defined: exit 1" 1 edge list
contains "the way out is context use" "$err" "netctl context use NAME"

# --- Errors go to stderr only; JSON output stays clean.
rm -f "$XDG_CONFIG_HOME/netctl/config"
expect_rc "a failed JSON command" 1 connector show CN-404 -o json
check "stdout is empty on failure" test -z "$out"

done_testing
