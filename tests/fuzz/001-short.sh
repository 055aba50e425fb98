#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The short form of `make fuzz', for `make check': every libFuzzer target
# replays its committed corpus (the regression cases among them) and
# fuzzes FUZZ_SHORT_SECONDS (default 4) more; one TAP line per target.
# `make check' builds the targets when clang can link libFuzzer; where it
# cannot, this test says so and skips.
cd "$(dirname "$0")/../.."
FUZZ_DIR=${FUZZ_DIR:-build/fuzz/fuzz}
names=()
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	[ -x "$FUZZ_DIR/$t" ] && names+=("$t")
done
if [ ${#names[@]} -eq 0 ]; then
	echo "ok - # SKIP no libFuzzer target in $FUZZ_DIR: clang with libFuzzer" \
		"(Debian: clang libclang-rt-14-dev) is needed, then make fuzz-build"
	exit 0
fi
FUZZ_DIR=$FUZZ_DIR FUZZ_SECONDS=${FUZZ_SHORT_SECONDS:-4} exec tests/fuzz/run -t "${names[@]}"
