# SPDX-License-Identifier: GPL-2.0
# trafficgen: `make deps`, `make`, `make test`, `make demo`, `make bench`,
# `make install`; for CI `make test-asan`, `make bench-smoke`, `make fuzz`. Everything built goes under build/; V=1 shows commands.

PREFIX ?= /usr/local
DESTDIR ?=
# Sanitized objects must not mix with plain ones: they get a folder of their
# own, inside build/ so that one .gitignore line and `make clean` cover both.
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
endif
BUILD ?= build

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config

# Debian 12 packages, by what they give the build.
DEB_BUILD := make gcc clang llvm bpftool pkg-config libbpf-dev libelf-dev \
	zlib1g-dev libpcap-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev \
	libcmocka-dev linux-libc-dev libxdp-dev
# What the tests and the bench call besides the shell's base: ip and ss,
# ethtool, tcpdump and tshark to judge frames from outside, socat, jq for
# JSON, sysctl (procps); the bench's other tools (trafgen, iperf3, gnuplot).
DEB_TEST := iproute2 ethtool tcpdump tshark socat jq procps netsniff-ng iperf3 gnuplot-nox
# libFuzzer's runtime for `make fuzz`: clang only recommends it.
DEB_FUZZ := libclang-rt-dev
DEB_PKGS := $(DEB_BUILD) $(DEB_TEST) $(DEB_FUZZ)

PKGS := libxdp libbpf libelf zlib libnl-genl-3.0 libnl-route-3.0 libnl-3.0 libpcap
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -pthread \
	-Ilib -Ibpf -I$(BUILD)/skel $(PKG_CFLAGS)
ALL_LDFLAGS := $(LDFLAGS) -pthread

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_$(ARCH) \
	-Ibpf -idirafter /usr/include/$(MULTIARCH)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
# Programs only the tests and the bench load (the kernel selftests' progs/):
# built beside the product's, into the same folder.
TEST_PROG_SRCS := $(wildcard tests/progs/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS)) \
	$(patsubst tests/progs/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(TEST_PROG_SRCS))
# Worked examples for `udp --prog`, built as a user would: against
# <trafficgen/gen.h> only (-I. finds it as trafficgen/gen.h here).
EXAMPLE_SRCS := $(wildcard bpf/examples/*.bpf.c)
EXAMPLE_OBJS := $(patsubst bpf/examples/%.bpf.c,$(BUILD)/bpf/examples/%.bpf.o,$(EXAMPLE_SRCS))
SKELS := $(patsubst $(BUILD)/bpf/%.bpf.o,$(BUILD)/skel/%.skel.h,$(BPF_OBJS))

# lib/ knows no command; lib/udp, lib/tcp and lib/sink hold each command's
# logic that its tests link (lib/README says what may include what).
LIB_SRCS := $(wildcard lib/*.c lib/*/*.c)
LIB_HDRS := $(wildcard lib/*.h lib/*/*.h)
LIB_OBJS := $(patsubst lib/%.c,$(BUILD)/lib/%.o,$(LIB_SRCS))
LIB := $(BUILD)/libtrafficgen.a

CLI_SRCS := $(wildcard trafficgen/*.c)
CLI_OBJS := $(patsubst trafficgen/%.c,$(BUILD)/cli/%.o,$(CLI_SRCS))
BIN := $(BUILD)/trafficgen

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/bpf/%,$(BPFT_SRCS))
TEST_BINS := $(UNIT_BINS) $(BPFT_BINS)
# `make bench`'s own tools: linked like the tests, without cmocka.
BENCH_SRCS := $(wildcard tests/bench/*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/tests/bench/%,$(BENCH_SRCS))
# Helpers of the e2e tests (tests/tools/tcp_discard: a TCP receiver that counts).
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS)
.PHONY: man all deps test test-unit test-bpf test-e2e test-asan test-e2e-asan demo bench \
	bench-smoke install clean fuzz

all: $(BIN) $(EXAMPLE_OBJS)

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: tests/progs/%.bpf.c $(wildcard bpf/*.h) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/examples/%.bpf.o: bpf/examples/%.bpf.c trafficgen/gen.h | $(BUILD)/bpf/examples
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I. -c $< -o $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/skel
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .bpf,,$(basename $(notdir $<)))_bpf > $@

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDRS) $(wildcard bpf/*.h) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/cli/%.o: trafficgen/%.c $(LIB_HDRS) $(wildcard bpf/*.h trafficgen/*.h) $(SKELS) | $(BUILD)/cli
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itrafficgen -c $< -o $@

$(BIN): $(CLI_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB) $(wildcard tests/*.h tests/unit/*.h) | $(BUILD)/tests/unit
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) $(ALL_LDFLAGS)

$(BUILD)/tests/bpf/%: tests/bpf/%.c $(LIB) $(SKELS) $(wildcard tests/*.h tests/bpf/*.h) | $(BUILD)/tests/bpf
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) $(ALL_LDFLAGS)

$(BUILD)/tests/bench/%: tests/bench/%.c $(LIB) $(SKELS) $(wildcard tests/bench/*.h) | $(BUILD)/tests/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) $(ALL_LDFLAGS)

$(BUILD)/tests/tools/%: tests/tools/%.c | $(BUILD)/tests/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

$(BUILD)/bpf $(BUILD)/bpf/examples $(BUILD)/skel $(BUILD)/cli $(BUILD)/tests/unit $(BUILD)/tests/bpf \
$(BUILD)/tests/bench $(BUILD)/tests/tools:
	$(Q)mkdir -p $@

# The three tiers, side by side (tests/run.sh), then one closing line
# "N passed, N failed". The bench's smoke test is `make bench-smoke`.
test: $(BIN) $(TEST_BINS) $(TOOL_BINS) $(EXAMPLE_OBJS)
	$(Q)BUILD=$(BUILD) tests/run.sh all

test-unit: $(BIN) $(UNIT_BINS)
	$(Q)BUILD=$(BUILD) tests/run.sh unit

test-bpf: $(BPFT_BINS)
	$(Q)BUILD=$(BUILD) tests/run.sh bpf

test-e2e: $(BIN) $(TOOL_BINS) $(EXAMPLE_OBJS)
	$(Q)BUILD=$(BUILD) tests/run.sh e2e

# ASan and UBSan (objects in build/asan) over the unit and BPF tiers: what
# CI runs. test-e2e-asan runs the end-to-end tier so too; CI leaves it out
# (several minutes, and the same code paths as the unit and BPF tiers'
# for everything but the CLI's setup and teardown), run it by hand.
ifeq ($(SANITIZE),1)
test-asan: $(BIN) $(TEST_BINS)
	$(Q)BUILD=$(BUILD) tests/run.sh unit bpf
test-e2e-asan: test-e2e
else
test-asan test-e2e-asan:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 $@
endif

demo: $(BIN)
	$(Q)BUILD=$(BUILD) tests/demo.sh

# Pps of each generator mode against the framework's ceiling and other
# tools, and TCP goodput against iperf3, into $(BUILD)/bench/ (results.json,
# results.md, pps.png, tcp.png). The TCP rows' receiver is tcp_discard.
# BENCH_SECONDS, BENCH_ROUNDS, BENCH_OUT: see tests/bench/bench.sh.
bench: $(BIN) $(BENCH_BINS) $(TOOL_BINS) $(BPF_OBJS)
	$(Q)BUILD=$(BUILD) bash tests/bench/bench.sh

# A very short bench (0.2 s a mode, one round) judged on the shape of what
# it writes (tests/bench/smoke.sh): for CI, not part of `make test`, as it
# flips kernel.bpf_stats_enabled, which nothing else may see meanwhile.
bench-smoke: $(BIN) $(BENCH_BINS) $(TOOL_BINS) $(BPF_OBJS)
	$(Q)BUILD=$(BUILD) tests/run.sh bench

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/trafficgen
	install -m 0644 man/trafficgen.8 $(DESTDIR)$(PREFIX)/share/man/man8/trafficgen.8
	install -d $(DESTDIR)$(PREFIX)/include/trafficgen
	install -m 0644 trafficgen/gen.h $(DESTDIR)$(PREFIX)/include/trafficgen/gen.h

# libFuzzer targets, built with clang: the value parsers, and the option
# tables of the real commands. Each runs FUZZ_SECONDS; a crash fails the
# target and leaves the input under $(BUILD)/fuzz/. (lib/ has no pcap reader
# to fuzz: pcap_write only writes.)
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	$(WARN) -std=gnu11 -D_GNU_SOURCE -pthread -Ilib -Ibpf -Itrafficgen -I$(BUILD)/skel
FUZZERS := $(FUZZ_DIR)/fuzz_parse $(FUZZ_DIR)/fuzz_options

$(FUZZ_DIR)/fuzz_parse: tests/fuzz/fuzz_parse.c lib/parse.c lib/errbuf.c $(LIB_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) tests/fuzz/fuzz_parse.c lib/parse.c lib/errbuf.c -o $@

# The tables sit in the commands' files, which need all of lib/ to link;
# not main.c, whose main() would displace libFuzzer's.
FUZZ_CMDS := trafficgen/cmds.c trafficgen/udp.c trafficgen/udp_opts.c trafficgen/udp_builtin.c \
	trafficgen/udp_capture.c trafficgen/udp_prog.c trafficgen/udp_dry.c trafficgen/udp_report.c \
	trafficgen/udp_xsk.c trafficgen/sink.c trafficgen/probe.c trafficgen/xdptest.c
$(FUZZ_DIR)/fuzz_options: tests/fuzz/fuzz_options.c $(LIB_SRCS) $(FUZZ_CMDS) \
		$(LIB_HDRS) $(wildcard bpf/*.h trafficgen/*.h) $(SKELS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o $@ \
		tests/fuzz/fuzz_options.c $(LIB_SRCS) $(FUZZ_CMDS) $(PKG_LIBS)

fuzz: $(FUZZERS)
	$(Q)for f in $(FUZZERS); do \
		n=$$(basename $$f) dict=tests/fuzz/$$(basename $$f).dict; \
		mkdir -p $(FUZZ_DIR)/corpus-$$n; \
		printf '  %-8s %s\n' RUN "$$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/$$n- $$([ -f $$dict ] && echo -dict=$$dict) \
			$(FUZZ_DIR)/corpus-$$n >$(FUZZ_DIR)/$$n.log 2>&1 || { \
			tail -n 40 $(FUZZ_DIR)/$$n.log; \
			echo "$$n failed: see $(FUZZ_DIR)/$$n.log; the input is $(FUZZ_DIR)/$$n-*"; \
			exit 1; }; \
		grep -E 'stat::(number_of_executed_units|new_units_added)' $(FUZZ_DIR)/$$n.log | \
			sed "s/^/           $$n /"; \
	done

clean:
	rm -rf $(BUILD)

# man/trafficgen.8 is put together from man/trafficgen.8.in and one part per
# command; tests/unit/docs.sh checks it is up to date and covers every option.
MAN_PARTS := $(addprefix man/,$(filter $(notdir $(wildcard man/*.part.8)),udp.part.8 sink.part.8 probe.part.8)) \
	$(filter-out man/udp.part.8 man/sink.part.8 man/probe.part.8,$(wildcard man/*.part.8))
man: man/trafficgen.8
man/trafficgen.8: man/trafficgen.8.in $(MAN_PARTS)
	$(call msg,MAN,$@)
	$(Q)awk -v parts="$(MAN_PARTS)" '/^\.\\" @PARTS@/ { n = split(parts, p, " "); \
		for (i = 1; i <= n; i++) { while ((getline l < p[i]) > 0) if (l !~ /^\.\\"/) print l; } next } \
		{ print }' $< > $@
