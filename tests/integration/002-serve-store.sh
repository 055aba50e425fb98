#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netctl serve` and its store: it starts, answers /healthz, stops cleanly
# on SIGTERM, reopens its data, and refuses a store it must not touch,
# leaving the file exactly as it was.
. "$(dirname "$0")/lib.sh"

start_serve "$T/data"
check "serve answers /healthz with 200" curl -fsS "$SERVER/healthz"
check "healthz says ok" test "$(curl -fsS "$SERVER/healthz" | jq -r .status)" = ok
code=$(curl -s -o /dev/null -w '%{http_code}' "$SERVER/nope")
check "an unknown path is 404" test "$code" = 404
check "errors are JSON with a code" \
	test "$(curl -s "$SERVER/nope" | jq -r .error.code)" = not_found
check "the store file exists with mode 0600" \
	test "$(stat -c %a "$T/data/netctl.db")" = 600
stop "$SERVE_PID"
check "SIGTERM stops serve with status 0" test $? -eq 0

start_serve "$T/data"
check "serve restarts on its own data dir" curl -fsS "$SERVER/healthz"
# A second serve on the same port must fail clearly.
port=${SERVER##*:}
run_nc serve --listen "127.0.0.1:$port" --data-dir "$T/data2"
check "a port in use exits 1" test "$rc" -eq 1
contains "the address is named" "$err" "cannot listen on 127.0.0.1:$port"
stop "$SERVE_PID"

# refuse DESC FILE NEEDLE: serve on a data dir holding FILE as netctl.db
# exits 1 naming the problem, and the file is byte for byte unchanged.
refuse() {
	local desc=$1 dir=$T/bad-$NC_COUNT before
	mkdir -p "$dir"
	cp "$2" "$dir/netctl.db"
	before=$(sha256sum <"$dir/netctl.db")
	run_nc serve --listen 127.0.0.1:0 --data-dir "$dir"
	check "$desc: exit 1" test "$rc" -eq 1
	contains "$desc: says why" "$err" "$3"
	check "$desc: file unchanged" test "$(sha256sum <"$dir/netctl.db")" = "$before"
	check "$desc: nothing written beside it" test ! -e "$dir/netctl.db-wal"
}

printf 'hello, I am not a database\n' >"$T/text"
refuse "a text file" "$T/text" "not a SQLite database"

head -c 8192 /dev/urandom >"$T/random"
refuse "random bytes" "$T/random" "not a SQLite database"

sqlite3 "$T/foreign.db" 'CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ("x");'
refuse "another application's database" "$T/foreign.db" "another application"

cp "$T/data/netctl.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 99;'
refuse "a schema newer than the binary" "$T/newer.db" "newer than this netctl supports"

# Truncated store: the header survives, the pages do not.
head -c 1024 "$T/data/netctl.db" >"$T/truncated.db"
refuse "a truncated store" "$T/truncated.db" "corrupt"

touch "$T/plainfile"
run_nc serve --listen 127.0.0.1:0 --data-dir "$T/plainfile"
check "a data dir that is a file: exit 1" test "$rc" -eq 1
contains "a data dir that is a file: says so" "$err" "is not a directory"

run_nc serve --listen 127.0.0.1:0 --data-dir "$T/plainfile/sub"
check "a data dir that cannot be created: exit 1" test "$rc" -eq 1
contains "a data dir that cannot be created: says so" "$err" "cannot create data dir"

run_nc serve --listen nonsense --data-dir "$T/x"
check "a bad --listen exits 2" test "$rc" -eq 2
contains "a bad --listen is named" "$err" "--listen \`nonsense'"

done_testing
