# bgpd — top-level build.
#
#   make            every binary into $(BUILD)/ (default build/)
#   make test       unit tests + lab (network namespace) tests: the README's test command
#   make check      the same under ASan + UBSan, in build-san/
#   make unit       unit tests only
#   make lab        lab tests only (root; namespaces)
#   make bench-tcp  throughput figures against the kernel (not a test)
#   make bench      full-table figures, bgpd against BIRD 2 (not a test)
#   make install / uninstall   honour PREFIX and DESTDIR
#
# Sources are discovered: every tcp/*.c, bgpd/*.c, config/*.c is library code except the
# files named in MAINS; every tests/unit/test_*.c becomes one cmocka test binary.

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
               -Wmissing-prototypes -Wno-unused-parameter -D_GNU_SOURCE -I.
OPT     ?= -O2 -g
ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN   := -fsanitize=address,undefined
endif
CFLAGS  += $(CFLAGS_BASE) $(OPT) -MMD -MP
LDFLAGS += $(LDSAN)

LIBS_SYS := -levent_core -lcrypto -lyaml -ljansson -lnftables -lcap -lm

MAINS := tcp/tcpcat.c bgpd/main.c cli/bgpcli.c

TCP_SRC    := $(filter-out $(MAINS),$(wildcard tcp/*.c))
BGP_SRC    := $(filter-out $(MAINS),$(wildcard bgpd/*.c))
CONFIG_SRC := $(filter-out $(MAINS),$(wildcard config/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBTCP    := $(BUILD)/libtcp.a
LIBBGP    := $(BUILD)/libbgp.a
LIBCONFIG := $(BUILD)/libconfig.a
ALL_LIBS  := $(LIBBGP) $(LIBCONFIG) $(LIBTCP)

BINS := $(BUILD)/tcpcat
ifneq ($(wildcard bgpd/main.c),)
BINS += $(BUILD)/bgpd
endif
ifneq ($(wildcard cli/bgpcli.c),)
BINS += $(BUILD)/bgpcli
endif

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
TOOLS_SRC := $(wildcard tests/tools/*.c)
TOOLS_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TOOLS_SRC))

.PHONY: all test check unit lab demo bench-tcp bench install uninstall clean
.SECONDARY:
all: $(BINS) $(TOOLS_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIBTCP): $(call obj,$(TCP_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIBBGP): $(call obj,$(BGP_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIBCONFIG): $(call obj,$(CONFIG_SRC))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tcpcat: $(call obj,tcp/tcpcat.c) $(LIBTCP)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SYS)
$(BUILD)/bgpd: $(call obj,bgpd/main.c) $(ALL_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SYS)
$(BUILD)/bgpcli: $(call obj,cli/bgpcli.c) $(wildcard cli/*.c) $(ALL_LIBS)
	$(CC) $(LDFLAGS) -o $@ $(call obj,cli/bgpcli.c) $(ALL_LIBS) $(LIBS_SYS)

$(BUILD)/tests/test_%: $(call obj,tests/unit/test_%.c) $(call obj,$(UNIT_HELPERS)) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LIBS_SYS)
$(BUILD)/tests/%: $(call obj,tests/tools/%.c) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS_SYS)

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) bash tests/unit/run $(UNIT_BINS)

lab: all
	@BUILD=$(BUILD) bash tests/lab/run

test: unit lab

demo: all
	@BUILD=$(BUILD) bash tests/lab/demo_tcpcat.sh

check:
	$(MAKE) BUILD=build-san SAN=1 test

bench-tcp: all
	@BUILD=$(BUILD) bash tests/bench/tcp.sh

bench: all
	@BUILD=$(BUILD) bash tests/bench/bgp.sh

SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/bgpd
	install -m 0755 $(BUILD)/tcpcat $(DESTDIR)$(BINDIR)/tcpcat
	if [ -f $(BUILD)/bgpcli ]; then install -m 0755 $(BUILD)/bgpcli $(DESTDIR)$(BINDIR)/bgpcli; fi
	install -m 0755 $(BUILD)/bgpd $(DESTDIR)$(SBINDIR)/bgpd
	install -m 0644 doc/bgpd.8 $(DESTDIR)$(MANDIR)/man8/bgpd.8
	if [ -f doc/bgpcli.8 ]; then install -m 0644 doc/bgpcli.8 $(DESTDIR)$(MANDIR)/man8/bgpcli.8; fi
	install -m 0644 doc/bgpd.yaml.5 $(DESTDIR)$(MANDIR)/man5/bgpd.yaml.5
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/bgpd.service.in >$(DESTDIR)$(UNITDIR)/bgpd.service
	install -m 0644 systemd/bgpd.sysusers $(DESTDIR)$(SYSUSERSDIR)/bgpd.conf
	install -m 0640 etc/bgpd.yaml.example $(DESTDIR)$(SYSCONFDIR)/bgpd/bgpd.yaml.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcpcat $(DESTDIR)$(BINDIR)/bgpcli $(DESTDIR)$(SBINDIR)/bgpd \
		$(DESTDIR)$(MANDIR)/man8/bgpd.8 $(DESTDIR)$(MANDIR)/man8/bgpcli.8 \
		$(DESTDIR)$(MANDIR)/man5/bgpd.yaml.5 $(DESTDIR)$(UNITDIR)/bgpd.service \
		$(DESTDIR)$(SYSUSERSDIR)/bgpd.conf $(DESTDIR)$(SYSCONFDIR)/bgpd/bgpd.yaml.example
	-rmdir $(DESTDIR)$(SYSCONFDIR)/bgpd 2>/dev/null

clean:
	rm -rf build build-san build-fuzz

# Fuzzers (libFuzzer, clang): targets fuzz / fuzz-short come from this fragment.
-include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
