# SPDX-License-Identifier: MIT
# netctl: one plain Makefile. `make` builds ./netctl; `make check` installs
# what is missing, builds and runs every test; `make asan` does the same
# under AddressSanitizer and UBSan. Quiet unless V=1; WERROR=1 (CI) turns
# warnings into errors.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := jansson libcurl libmicrohttpd sqlite3 ncursesw libedit libcrypto

# BUILD holds objects; the asan build uses its own tree and binary.
BUILD ?= build
BIN ?= netctl

CFLAGS ?= -O2 -g
NC_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
	-Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -fno-common -MMD -MP \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
ifeq ($(WERROR),1)
NC_CFLAGS += -Werror
endif
ifeq ($(SAN),1)
NC_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
NC_LDFLAGS += -fsanitize=address,undefined
endif
# paho.mqtt.c never sets TCP_NODELAY (a QoS 1 round trip then costs ~44 ms, not
# ~0.1 ms): link it statically and wrap socket() so lib/mqtt/nodelay.c sets it.
# --wrap only rewrites static objects (paho, ours): shared libcurl and
# libmicrohttpd are untouched. -u pulls nodelay.o out of libnetctl.a.
PAHO_LIBS := -Wl,-u,__wrap_socket -Wl,--wrap=socket \
	-Wl,-Bstatic -lpaho-mqtt3as -Wl,-Bdynamic -lssl
LDLIBS_ALL := $(PAHO_LIBS) $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

LIB_SRCS := $(sort $(wildcard lib/*/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c) $(wildcard cli/*/*.c) $(wildcard tui/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
# The CLI library: every CLI and TUI object but main(); the binary, the unit
# tests and the fuzz targets link it (before libnetctl.a, which it uses).
CLILIB_OBJS := $(filter-out %/cli/main.o,$(CLI_OBJS))
CLILIB := $(BUILD)/libnetctl-cli.a
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

DEPS_STAMP := .deps.stamp

.PHONY: all check unit integration asan install uninstall clean deps demo fmt bench

all: $(BIN)

$(BIN): $(BUILD)/cli/main.o $(CLILIB) $(BUILD)/libnetctl.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(NC_LDFLAGS) -o $@ $(BUILD)/cli/main.o $(CLILIB) $(BUILD)/libnetctl.a \
		$(LDLIBS_ALL)

# q, not r: cli/batch.o and cli/cmd/batch.o share a member name, and r
# would keep only the last.
$(CLILIB): $(CLILIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar qcs $@ $^

$(BUILD)/libnetctl.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) -c -o $@ $<

# Every unit test program links the shared fixtures (tests/unit/fixture*.[ch])
# and the CLI library, then the core library.
UNIT_FIXTURE := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,$(sort $(wildcard tests/unit/fixture*.c)))
.SECONDARY: $(UNIT_FIXTURE)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_FIXTURE) $(CLILIB) $(BUILD)/libnetctl.a
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) $(NC_LDFLAGS) -o $@ $< $(UNIT_FIXTURE) $(CLILIB) \
		$(BUILD)/libnetctl.a $(LDLIBS_ALL) -lcmocka

# Helpers the integration tests run (tests/tools/): plain C, no library.
TEST_TOOLS := $(BUILD)/tests/tools/holdconn

$(BUILD)/tests/tools/%: tests/tools/%.c
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) $(NC_LDFLAGS) -o $@ $<

# The stamp makes a fresh machine install its packages once, not every run.
$(DEPS_STAMP): scripts/install-deps
	$(Q)./scripts/install-deps
	@touch $@

deps:
	$(Q)./scripts/install-deps
	@touch $(DEPS_STAMP)

# check: every test, unit and integration, through one runner that ends on
# the line "N passed, N failed". BROKER=rabbitmq runs them against a
# throw-away RabbitMQ node (installing rabbitmq-server first if missing);
# tests that need mosquitto's own configuration are skipped there.
BROKER ?= mosquitto
check: $(DEPS_STAMP)
	$(if $(filter rabbitmq,$(BROKER)),$(Q)./scripts/install-deps rabbitmq)
	$(Q)$(MAKE) --no-print-directory $(BIN) $(UNIT_BINS) $(TEST_TOOLS)
	$(Q)$(MAKE) --no-print-directory fmt-check
	$(Q)$(if $(FUZZ_OK),$(MAKE) --no-print-directory fuzz-build,echo "  (no libFuzzer: fuzz targets not built)")
	$(Q)BROKER=$(BROKER) NETCTL=$(CURDIR)/$(BIN) UNIT_DIR=$(BUILD)/tests tests/run $(TESTS)

unit: $(BIN) $(UNIT_BINS)
	$(Q)NETCTL=$(CURDIR)/$(BIN) UNIT_DIR=$(BUILD)/tests tests/run unit

integration: $(BIN) $(TEST_TOOLS)
	$(Q)NETCTL=$(CURDIR)/$(BIN) UNIT_DIR=$(BUILD)/tests tests/run integration

# bench: netctl's Sync Now against the MQTT floor measured in the same run on
# the same broker (bench/run, docs/bench.md); prints ratios, never part of check.
# BENCH_N="1000 10000" and BENCH_ROUNDS=3 choose the fleet sizes and rounds.
bench: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory $(BIN) $(BUILD)/bench/mqtt_floor $(BUILD)/bench/mosq_floor
	$(Q)NETCTL=$(CURDIR)/$(BIN) FLOOR=$(CURDIR)/$(BUILD)/bench/mqtt_floor \
		MOSQ_FLOOR=$(CURDIR)/$(BUILD)/bench/mosq_floor bench/run

# The floor's code shared by both of its clients (bench/floor.h).
FLOOR_SRCS := bench/floor_main.c bench/floor_round.c bench/floor.h

# The paho floor links paho exactly as netctl does (PAHO_LIBS: static,
# TCP_NODELAY through nodelay.o from libnetctl.a).
$(BUILD)/bench/mqtt_floor: bench/mqtt_floor.c $(FLOOR_SRCS) $(BUILD)/libnetctl.a
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) $(NC_LDFLAGS) -o $@ $(filter %.c,$^) $(BUILD)/libnetctl.a \
		$(LDLIBS_ALL)

# The libmosquitto floor: the only program linked with libmosquitto
# (libmosquitto-dev, a bench-only dependency); netctl never is. Of
# libnetctl.a it takes the host:port parser alone.
$(BUILD)/bench/mosq_floor: bench/mosq_floor.c $(FLOOR_SRCS) $(BUILD)/libnetctl.a
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) $(shell $(PKG_CONFIG) --cflags libmosquitto 2>/dev/null) \
		$(NC_LDFLAGS) -o $@ $(filter %.c,$^) $(BUILD)/libnetctl.a \
		$(shell $(PKG_CONFIG) --libs libmosquitto 2>/dev/null || echo -lmosquitto) -lpthread

# chaos: kill -9 of serve and of the broker, lost, failed, duplicated, forged
# messages, round after round, against a fleet (tests/chaos/run,
# docs/reliability.md); CHAOS_ROUNDS (20), CHAOS_SEED, CHAOS_DEVICES (1000).
# Its 3-round form runs in check (tests/chaos/001-chaos-short.sh).
CHAOS_ROUNDS ?= 20
.PHONY: chaos
chaos: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory $(BIN)
	$(Q)NETCTL=$(CURDIR)/$(BIN) CHAOS_ROUNDS=$(CHAOS_ROUNDS) tests/chaos/run

# fuzz: one libFuzzer target per parser (tests/fuzz/fuzz_*.c), built by clang
# with ASan and UBSan in $(FUZZ_BUILD), each run FUZZ_SECONDS from its seed
# corpus tests/fuzz/corpus/TARGET/ (tests/fuzz/run prints the executions and
# the result of each). `make check' replays the corpora and fuzzes a few
# seconds per target (tests/fuzz/001-short.sh) when clang has libFuzzer.
FUZZ_CC ?= clang
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
# Whether clang can link a libFuzzer program here (empty when it cannot).
FUZZ_OK = $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n\
int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	$(FUZZ_CC) -fsanitize=fuzzer -x c -o /dev/null - >/dev/null 2>&1 && echo yes)

.PHONY: fuzz fuzz-build
fuzz-build: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" NC_LDFLAGS="$(FUZZ_SAN)" \
		$(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/%)

fuzz: fuzz-build
	$(Q)FUZZ_DIR=$(FUZZ_BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_NAMES)

# A target links the library and the CLI (all but main(): libFuzzer has one).
$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libnetctl.a $(CLILIB)
	$(call msg,FUZZ,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(NC_CFLAGS) -I. -fsanitize=fuzzer $(NC_LDFLAGS) -o $@ $< \
		$(CLILIB) $(BUILD)/libnetctl.a $(LDLIBS_ALL) -lm

# valgrind: a representative integration subset (VALGRIND_TESTS) with serve
# and the agents under memcheck (tests/valgrind/netctl): any error or
# definite leak fails the test; suppressions (tests/valgrind/netctl.supp)
# only for noise inside libraries. Deadlines stretch by VALGRIND_TIME_SCALE;
# the fleet test (041) plays VALGRIND_FLEET_N devices, not 1,000.
VALGRIND_TESTS ?= 010 030 040 041 050
VALGRIND_TIME_SCALE ?= 5
VALGRIND_FLEET_N ?= 30
.PHONY: valgrind flaky-check e2e
valgrind: $(DEPS_STAMP) $(BIN)
	$(Q)NETCTL=$(CURDIR)/tests/valgrind/netctl NC_VALGRIND_BIN=$(CURDIR)/$(BIN) \
		NC_VALGRIND=$$(command -v valgrind) NC_TIME_SCALE=$(VALGRIND_TIME_SCALE) \
		FLEET_N=$(VALGRIND_FLEET_N) tests/run integration "$(VALGRIND_TESTS)"

# flaky-check: the unit suite FLAKY_RUNS times; names every test that failed
# in any run, with counts.
FLAKY_RUNS ?= 20
flaky-check: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory $(BIN) $(UNIT_BINS)
	$(Q)UNIT_DIR=$(BUILD)/tests FLAKY_RUNS=$(FLAKY_RUNS) FLAKY_LOG_DIR=$(BUILD)/flaky \
		tests/flaky-check

# e2e: the network-namespace tunnel scenario on its own (root, ip netns,
# wireguard-go). It skips naming what is missing; E2E_REQUIRED=1 turns the
# skip into a failure.
e2e: $(DEPS_STAMP) $(BIN)
	$(Q)NETCTL=$(CURDIR)/$(BIN) E2E_REQUIRED=$(E2E_REQUIRED) tests/run e2e

# asan: every suite of check (unit, integration, tui, e2e, fuzz, and chaos
# when tests/chaos/ is there) with ASan and UBSan; each process a script
# starts leaves its reports where tests/integration/lib.sh fails the test.
# TESTS=unit (or integration, ...) narrows it.
asan: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/netctl SAN=1 check

demo: $(DEPS_STAMP) $(BIN)
	$(Q)scripts/demo

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/netctl
	for m in $(wildcard man/*.1); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	for m in $(wildcard man/*.7); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man7/; done
	for m in $(wildcard man/*.8); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/; done
	$(if $(wildcard completions/netctl.bash),install -m 0644 completions/netctl.bash \
		$(DESTDIR)$(BASHCOMPDIR)/netctl)
	$(if $(wildcard completions/_netctl),install -m 0644 completions/_netctl \
		$(DESTDIR)$(ZSHCOMPDIR)/_netctl)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/netctl $(DESTDIR)$(BASHCOMPDIR)/netctl \
		$(DESTDIR)$(ZSHCOMPDIR)/_netctl
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(wildcard man/*.7)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(wildcard man/*.8)))

# fmt formats, fmt-check fails naming the first difference in each file
# that .clang-format (clang-format 14) would change; both cover the same files.
CLANG_FORMAT ?= clang-format
FMT_SRCS = $(sort $(wildcard lib/*/*.[ch] cli/*.[ch] cli/*/*.[ch] tui/*.[ch] \
	tests/unit/*.[ch] bench/*.[ch]))

fmt:
	$(CLANG_FORMAT) -i $(FMT_SRCS)

.PHONY: fmt-check
fmt-check:
	$(Q)$(CLANG_FORMAT) --dry-run -Werror --ferror-limit=1 $(FMT_SRCS)

clean:
	rm -rf build $(BIN)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)
# Unit tests are rebuilt when the headers they include change.
-include $(UNIT_BINS:=.d)
-include $(UNIT_FIXTURE:.o=.d)

# gen: the files made from the command table (completions/, the COMMANDS
# section of man/netctl.1); tests/integration/054 and 055 fail when they drift.
.PHONY: gen
gen: $(BIN)
	$(Q)NETCTL=$(CURDIR)/$(BIN) scripts/gen-docs
