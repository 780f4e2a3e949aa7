# Grid: one static binary built with musl; unit tests with glibc + ASan/UBSan.
CC_MUSL ?= musl-gcc
CC_HOST ?= gcc
SRCS = grid.c opt.c container.c exec.c hooks.c ns.c caps.c mount.c netdev.c notify.c process.c tty.c state.c spec.c json.c fs.c log.c features.c resources.c cgroup.c devices_bpf.c seccomp.c fault.c inroot.c exe.c util.c arena.c buf.c sock.c image.c verity.c mountopt.c proto.c fail.c fmt.c heap.c
HDRS = $(wildcard *.h)
# heap.c replaces malloc in the binary; the unit tests build it with
# -DGRID_HEAP_TEST, under other names, beside the C library's (and ASan's)
LIB_SRCS = $(filter-out grid.c heap.c,$(SRCS))
UNIT_SRCS = tests/unit/unit.c $(LIB_SRCS) heap.c
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
WARN = -Wall -Wextra -Werror
# -Oz: size first (GCC 12); the runtime's time is in the kernel, not in its code.
CFLAGS ?= -Oz
# No unwind tables: C without exceptions never unwinds, and .eh_frame was a
# tenth of the binary. -flto lets the one link drop and merge across files
# (4 KB). -fno-pie: the link is static and not position-independent anyway, and
# PIE code put 8 KB of constant pointer tables into .data.rel.ro, a segment and
# a page of its own (4 KB of a binary meant to stay near 200 KB). -z norelro: musl's
# static start-up never mprotects PT_GNU_RELRO (only its dynamic linker does;
# the page stays rw- in /proc/PID/maps), so the segment was padding only,
# up to a whole 64 KB page on aarch64 (264 KB -> 220 KB there).
# -z noseparate-code: the ELF header and the constants share the code's
# pages (r-x) instead of a page-aligned read-only segment on each side of it,
# 8 KB of padding on x86_64. Nothing is writable and executable; the binary
# is not position-independent, so its code's addresses are known anyway and
# executable constants give an attacker no gadget they lack.
GRID_CFLAGS = $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -isystem build/inc \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -flto=auto \
	-fno-pie -DGRID_COMMIT='"$(COMMIT)"'
LDFLAGS_STATIC = -static -no-pie -s -Wl,--gc-sections,-z,norelro,-z,noseparate-code
DEPS_DEB = build-essential musl-tools libjsmn-dev busybox-static

all: grid

build/inc/jsmn.h:
	@test -f /usr/include/jsmn.h || { echo "missing /usr/include/jsmn.h: apt-get install libjsmn-dev (or make deps)"; exit 1; }
	mkdir -p build/inc && ln -sf /usr/include/jsmn.h $@

# the commit --version prints: rebuilt when HEAD moves, even if no source changed
build/commit: FORCE
	@mkdir -p build && echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' > $@

grid: $(SRCS) $(HDRS) build/inc/jsmn.h build/commit Makefile
	$(CC_MUSL) $(GRID_CFLAGS) $(SRCS) -o $@ $(LDFLAGS_STATIC)
	@echo "grid: $$(stat -c %s $@) bytes, static"

size: grid
	@stat -c '%s bytes  %n' grid
	@size grid

# Unit tests: glibc build with AddressSanitizer and UBSan.
build/unit: $(UNIT_SRCS) $(HDRS) build/inc/jsmn.h
	$(CC_HOST) -g -O1 $(WARN) -std=gnu11 -D_GNU_SOURCE -isystem build/inc \
		-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-DSC_ALL_ARCHES -DGRID_HEAP_TEST -DSHARED_DIR='"$(SHARED)"' $(UNIT_SRCS) -o $@

# the spec's good and bad sample configs (copied from the OCI runtime-spec repository, v1.3.0)
SHARED ?= $(CURDIR)/tests/unit/spec
unit: build/unit
	./build/unit

# Each file includes exactly the project headers whose names it uses, and no
# two modules include each other's headers (tools/includes.py; --fix rewrites).
check-includes:
	python3 tools/includes.py

# kernel.h copies the kernel's constants and structs (musl has no kernel
# headers); this compiles each against the host's uapi headers (linux-libc-dev)
# and fails with the name of one whose value, size or field offset differs.
check-kernel:
	CC='$(CC_HOST)' python3 tools/check-kernel.py

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
build/fuzz-%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(HDRS) build/inc/jsmn.h
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

# ---- embedded targets (toolchain/, README "Embedded targets") ----
# make cross: a static grid for each of CROSS_ARCHES in build/cross/ARCH/grid;
# make ARCH=aarch64: one of them. Toolchains come from Debian 12 packages
# (toolchain/install.sh); riscv64's musl is built once from Debian's source
# package into build/toolchain (a cache).
CROSS_ARCHES = x86_64 aarch64 armhf riscv64
RISCV_MUSL = $(CURDIR)/build/toolchain/riscv64-musl
cross_cc_x86_64 = musl-gcc
cross_cc_aarch64 = aarch64-linux-musl-gcc
cross_cc_armhf = arm-linux-musleabihf-gcc
cross_cc_riscv64 = $(RISCV_MUSL)/bin/musl-gcc
# kernel uapi headers of the arch (the musl specs use -nostdinc): only linux/, asm/, asm-generic/
uapi_x86_64 = /usr/include /usr/include/x86_64-linux-gnu
uapi_aarch64 = /usr/aarch64-linux-gnu/include
uapi_armhf = /usr/arm-linux-gnueabihf/include
uapi_riscv64 = /usr/riscv64-linux-gnu/include
qemu_aarch64 = qemu-aarch64-static
qemu_armhf = qemu-arm-static
qemu_riscv64 = qemu-riscv64-static

.SECONDARY: $(foreach a,$(CROSS_ARCHES),build/uapi/$(a)/.done)

# ARCH may also be spelled as the kernel and Debian do (arm64, arm, amd64)
arch_alias_arm64 = aarch64
arch_alias_arm = armhf
arch_alias_amd64 = x86_64
GRID_ARCH = $(or $(arch_alias_$(ARCH)),$(ARCH))
ifneq ($(ARCH),)
ifeq ($(filter $(GRID_ARCH),$(CROSS_ARCHES)),)
$(error ARCH=$(ARCH): not one of $(CROSS_ARCHES))
endif
all: build/cross/$(GRID_ARCH)/grid
endif

cross: $(foreach a,$(CROSS_ARCHES),build/cross/$(a)/grid)
	@for a in $(CROSS_ARCHES); do tools/check-static.sh build/cross/$$a/grid $$a || exit 1; done

toolchain: build/toolchain/.cross-installed
build/toolchain/.cross-installed: toolchain/install.sh
	toolchain/install.sh cross
	mkdir -p build/toolchain && touch $@

$(RISCV_MUSL)/bin/musl-gcc: toolchain/musl-riscv64.sh | build/toolchain/.cross-installed
	toolchain/musl-riscv64.sh $(RISCV_MUSL)

build/cross/riscv64/grid build/cross/riscv64/unit: | $(RISCV_MUSL)/bin/musl-gcc

build/uapi/%/.done: | build/toolchain/.cross-installed
	rm -rf build/uapi/$* && mkdir -p build/uapi/$*
	for d in $(uapi_$*); do for h in linux asm asm-generic; do \
		if [ -d $$d/$$h ]; then ln -sfn $$d/$$h build/uapi/$*/$$h; fi; done; done
	@for h in linux asm asm-generic; do [ -e build/uapi/$*/$$h ] || { echo "no $$h headers for $*"; exit 1; }; done
	touch $@

build/cross/%/grid: $(SRCS) $(HDRS) build/inc/jsmn.h build/uapi/%/.done \
		| build/toolchain/.cross-installed
	@mkdir -p $(@D)
	$(cross_cc_$*) $(GRID_CFLAGS) -isystem build/uapi/$* $(SRCS) -o $@ $(LDFLAGS_STATIC)
	@echo "build/cross/$*/grid: $$(stat -c %s $@) bytes"

# make bench's floor (clone, pivot_root, exec), for the guests' boot figure
build/cross/%/floor: tools/bench-floor.c | build/toolchain/.cross-installed
	@mkdir -p $(@D)
	$(cross_cc_$*) -Os $(WARN) -static -s tools/bench-floor.c -o $@

# The unit tests of each foreign build, plain static (no sanitizers), run under qemu-user-static.
build/cross/%/unit: $(UNIT_SRCS) $(HDRS) build/inc/jsmn.h build/uapi/%/.done \
		| build/toolchain/.cross-installed
	@mkdir -p $(@D)
	$(cross_cc_$*) -O1 $(WARN) -std=gnu11 -D_GNU_SOURCE -isystem build/inc -isystem build/uapi/$* \
		-DSC_ALL_ARCHES -DGRID_HEAP_TEST -DSHARED_DIR='"$(SHARED)"' $(UNIT_SRCS) -o $@ -static

# TAP, each line's name prefixed with its arch.
unit-cross: $(foreach a,$(filter-out x86_64,$(CROSS_ARCHES)),build/cross/$(a)/unit)
	@toolchain/install.sh qemu
	@rc=0; for a in $(filter-out x86_64,$(CROSS_ARCHES)); do \
		$(MAKE) -s --no-print-directory unit-cross-one A=$$a || rc=1; done; exit $$rc
unit-cross-one:
	@$(qemu_$(A)) build/cross/$(A)/unit > build/cross/$(A)/unit.tap; rc=$$?; \
		sed -E 's/^(not )?ok ([0-9]+) - /\1ok \2 - $(A): /' build/cross/$(A)/unit.tap; exit $$rc

# Boots Debian 12 kernels under qemu-system (aarch64, armhf, x86_64) with an
# initramfs holding busybox, grid and a bundle; each guest prints one TAP line
# per lifecycle test (tests/qemu/). Kernels, busybox and initramfs are cached in build/qemu.
QEMU_ARCHES ?= x86_64 aarch64 armhf
check-qemu: $(foreach a,$(QEMU_ARCHES),build/cross/$(a)/grid build/cross/$(a)/floor)
	@toolchain/install.sh qemu
	@rc=0; for a in $(QEMU_ARCHES); do tests/qemu/boot.sh $$a build/cross/$$a/grid || rc=1; done; exit $$rc

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary and the man page
# where Buildroot, Yocto and distribution packages expect them.
PREFIX ?= /usr/local
install: grid
	install -D -m 0755 grid $(DESTDIR)$(PREFIX)/sbin/grid
	install -D -m 0644 grid.8 $(DESTDIR)$(PREFIX)/share/man/man8/grid.8

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/grid $(DESTDIR)$(PREFIX)/share/man/man8/grid.8

clean:
	rm -rf grid build

FORCE:

.PHONY: FORCE all size unit deps demo check clean install uninstall check-includes check-kernel check-syscalls bench fuzz fuzz-build cross toolchain unit-cross unit-cross-one check-qemu
