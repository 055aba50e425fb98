#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# serve reaches a broker over TLS (mqtts:// with --mqtt-cafile) and with a
# username and password read from --mqtt-auth-file, never from argv; a wrong
# CA or password keeps it disconnected, says so in /healthz, and the
# password never appears in its log or its command line.
. "$(dirname "$0")/lib.sh"
needs_mosquitto "TLS listener, password file and ACL"

# A CA and a server certificate for 127.0.0.1, made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=netctl-test-ca \
	-keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$T/srv.key" \
	-out "$T/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/san.ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
	-days 2 -extfile "$T/san.ext" -out "$T/srv.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
	-keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
chmod 644 "$T"/*.pem "$T"/*.key
touch "$T/passwd"
mosquitto_passwd -b "$T/passwd" core 's3cret-Pass' 2>/dev/null
chmod 644 "$T/passwd"
# mosquitto started as root reads these after dropping to its own user.
chmod 755 "$T"

for try in 1 2 3 4 5; do
	PORT=$((20000 + RANDOM % 12000))
	port_busy "$PORT" || break
done
cat >"$T/tls.conf" <<CONF
listener $PORT 127.0.0.1
cafile $T/ca.pem
certfile $T/srv.pem
keyfile $T/srv.key
allow_anonymous false
password_file $T/passwd
set_tcp_nodelay true
persistence false
log_dest stderr
CONF
spawn broker mosquitto -c "$T/tls.conf"
wait_until 10 port_busy "$PORT"

printf 'core\ns3cret-Pass\n' >"$T/auth"
chmod 600 "$T/auth"
start_serve "$T/data" --mqtt "mqtts://127.0.0.1:$PORT" --mqtt-cafile "$T/ca.pem" \
	--mqtt-auth-file "$T/auth"
good=$SERVER
connected() { curl -fsS "$1/healthz" | jq -e '.broker.connected' >/dev/null; }
check "TLS with the right CA and password: connected" wait_until 20 connected "$good"
check "the password is not in the log" bash -c "! grep -q s3cret '$SERVE_LOG'"
check "nor on the command line" bash -c "! grep -q s3cret /proc/$SERVE_PID/cmdline"

printf 'core\nwrong-pass\n' >"$T/auth-bad"
chmod 600 "$T/auth-bad"
# refused DESC DATA CAFILE AUTHFILE LOG-REGEX: serve with that CA and auth file
# stays disconnected, its log matching LOG-REGEX (grep -i).
refused() {
	start_serve "$2" --mqtt "mqtts://127.0.0.1:$PORT" --mqtt-cafile "$3" --mqtt-auth-file "$4"
	check "$1" wait_until 10 grep -qi "$5" "$SERVE_LOG"
	check "and healthz says disconnected" \
		bash -c "curl -fsS '$SERVER/healthz' | jq -e '.broker.connected == false' >/dev/null"
}
refused "a wrong password: the log says the broker refused" "$T/data2" "$T/ca.pem" \
	"$T/auth-bad" "not authori\|bad user name or password"
refused "a CA that did not sign the broker: the log names the TLS check" "$T/data3" \
	"$T/other.pem" "$T/auth" "certificate verify failed"

run_nc serve --listen 127.0.0.1:0 --data-dir "$T/data4" --mqtt "mqtt://127.0.0.1:$PORT" \
	--mqtt-auth-file "$T/missing"
check "a missing auth file: exit 1" test "$rc" -eq 1
contains "naming the file" "$err" "$T/missing"

done_testing
