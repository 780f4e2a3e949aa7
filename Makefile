# Grid: one static binary built with musl; unit tests with glibc + ASan/UBSan.
CC_MUSL ?= musl-gcc
CC_HOST ?= gcc
SRCS = grid.c container.c exec.c hooks.c ns.c caps.c mount.c netdev.c process.c tty.c state.c spec.c json.c fs.c log.c features.c resources.c cgroup.c devices_bpf.c seccomp.c fault.c inroot.c
LIB_SRCS = $(filter-out grid.c,$(SRCS))
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
WARN = -Wall -Wextra -Werror -Wno-format-truncation
# -Oz: size first (GCC 12); the runtime's time is in the kernel, not in its code.
CFLAGS ?= -Oz
# No unwind tables: C without exceptions never unwinds, and .eh_frame was a
# tenth of the binary. -flto lets the one link drop and merge across files
# (4 KB; the static binary stays <= 200 KB, issue 8).
GRID_CFLAGS = $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -isystem build/inc \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -flto=auto \
	-DGRID_COMMIT='"$(COMMIT)"'
LDFLAGS_STATIC = -static -s -Wl,--gc-sections
DEPS_DEB = build-essential musl-tools libjsmn-dev busybox-static

all: grid

build/inc/jsmn.h:
	@test -f /usr/include/jsmn.h || { echo "missing /usr/include/jsmn.h: apt-get install libjsmn-dev (or make deps)"; exit 1; }
	mkdir -p build/inc && ln -sf /usr/include/jsmn.h $@

grid: $(SRCS) grid.h parse.h syscalls.h build/inc/jsmn.h
	$(CC_MUSL) $(GRID_CFLAGS) $(SRCS) -o $@ $(LDFLAGS_STATIC)
	@echo "grid: $$(stat -c %s $@) bytes, static"

size: grid
	@stat -c '%s bytes  %n' grid
	@size grid

# Unit tests: glibc build with AddressSanitizer and UBSan.
build/unit: tests/unit/unit.c $(LIB_SRCS) grid.h parse.h syscalls.h build/inc/jsmn.h
	$(CC_HOST) -g -O1 $(WARN) -std=gnu11 -D_GNU_SOURCE -isystem build/inc \
		-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-DSHARED_DIR='"$(SHARED)"' tests/unit/unit.c $(LIB_SRCS) -o $@

SHARED ?= $(abspath ../shared)
unit: build/unit
	./build/unit

# syscalls.h is kept in the repository; this regenerates it from the kernel
# headers (the cross ones: apt-get install linux-libc-dev-{arm64,armhf,riscv64}-cross)
# and fails if the kept tables differ.
check-syscalls:
	tools/gen-syscalls.sh > build/syscalls.h.new
	diff -u syscalls.h build/syscalls.h.new && echo "syscalls.h matches the kernel headers"

# Benchmarks: the seccomp filter of a 300-rule profile, binary search vs a chain;
# then Grid vs crun vs runc vs a floor (tools/bench.sh: build/bench/results.csv and
# summary.txt; under 15 minutes, QUICK=1 about 2).
bench: grid
	tools/bench-seccomp.sh $(CURDIR)/grid
	tools/bench.sh --grid $(CURDIR)/grid $(if $(QUICK),--quick)

# Fuzzing (libFuzzer, clang + libfuzzer-14-dev): the config.json/process/resources
# parser and the state file parser, each for FUZZ_TIME seconds (tests/fuzz/run.sh).
CC_FUZZ ?= clang
FUZZ_TIME ?= 300
FUZZ_FLAGS = -g -O1 -std=gnu11 -D_GNU_SOURCE -isystem build/inc -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz-%: tests/fuzz/fuzz_%.c $(LIB_SRCS) grid.h parse.h syscalls.h build/inc/jsmn.h
	$(CC_FUZZ) $(FUZZ_FLAGS) tests/fuzz/fuzz_$*.c $(LIB_SRCS) -o $@

fuzz-build: build/fuzz-config build/fuzz-state

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_TIME)

deps:
	@if ! dpkg -s $(DEPS_DEB) >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS_DEB) >/dev/null; fi

# Builds grid and runs a real container from a busybox bundle made here.
demo: deps grid
	rm -rf build/demo && tests/mkbundle.sh build/demo sh -c 'echo "hostname: $$(hostname)"; echo "pid: $$$$"'
	./grid --root $(CURDIR)/build/demo-root run --bundle build/demo grid-demo

check: deps
	tests/run

clean:
	rm -rf grid build

.PHONY: all size unit deps demo check clean check-syscalls bench fuzz fuzz-build
