#!/bin/bash
# toolchain/musl-riscv64.sh PREFIX - Debian 12 ships no musl for riscv64: build
# musl 1.2.3 from Debian's own source package with riscv64-linux-gnu-gcc and
# install it (static only) into PREFIX, with its musl-gcc wrapper. Skipped when
# PREFIX/lib/libc.a exists (the Makefile keeps PREFIX under build/, a cache).
# About 3 minutes on 2 cores.
set -eu

prefix=$1
[ -f "$prefix/lib/libc.a" ] && [ -x "$prefix/bin/musl-gcc" ] && exit 0
command -v riscv64-linux-gnu-gcc >/dev/null || {
	echo "toolchain/musl-riscv64.sh: riscv64-linux-gnu-gcc is missing: run toolchain/install.sh cross" >&2
	exit 1
}
src=$(dirname "$prefix")/musl-src
rm -rf "$src"
mkdir -p "$src"

# apt-get source needs a deb-src entry: add one for the Debian suites already used
if ! (cd "$src" && apt-get source --download-only -qq musl >/dev/null 2>&1); then
	list=/etc/apt/sources.list.d/grid-deb-src.sources
	if [ ! -f "$list" ]; then
		echo "toolchain/musl-riscv64.sh: adding $list (deb-src for apt-get source)"
		cat >"$list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	apt-get update -qq >/dev/null
	(cd "$src" && apt-get source --download-only -qq musl >/dev/null)
fi
command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >/dev/null
(cd "$src" && dpkg-source -x musl_*.dsc musl >/dev/null)

cd "$src/musl"
echo "toolchain/musl-riscv64.sh: building musl $(dpkg-parsechangelog -S Version 2>/dev/null || echo 1.2.3) for riscv64"
CC=riscv64-linux-gnu-gcc CFLAGS=-Os ./configure --prefix="$prefix" --target=riscv64-linux-gnu \
	--disable-shared --enable-wrapper=gcc --syslibdir="$prefix/lib" >/dev/null
make -j"$(nproc)" >/dev/null
make install >/dev/null
cd /
rm -rf "$src"
echo "toolchain/musl-riscv64.sh: installed in $prefix"
