#!/bin/bash
# toolchain/install.sh [cross|qemu|all] - installs, from Debian 12 packages, what
# `make cross` (the musl cross compilers and kernel uapi headers) and
# `make check-qemu` / the foreign unit tests (qemu-user-static, qemu-system,
# busybox-static of each arch) need. Idempotent: installs only what is missing.
# Needs root and apt; runs offline against the configured Debian mirror.
set -eu

want=${1:-all}
CROSS_PKGS="musl-dev:arm64 musl-dev:armhf gcc-riscv64-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
linux-libc-dev-arm64-cross linux-libc-dev-armhf-cross linux-libc-dev-riscv64-cross linux-libc-dev
musl-tools dpkg-dev make"
QEMU_PKGS="qemu-user-static qemu-system-arm qemu-system-x86 busybox-static
cpio kmod squashfs-tools erofs-utils cryptsetup-bin jq"

pkgs=""
case $want in
cross) pkgs=$CROSS_PKGS ;;
qemu) pkgs=$QEMU_PKGS ;;
all) pkgs="$CROSS_PKGS $QEMU_PKGS" ;;
*) echo "usage: toolchain/install.sh [cross|qemu|all]" >&2; exit 2 ;;
esac

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# the kernels and busyboxes of the QEMU guests are arm64/armhf packages too
added=""
for a in arm64 armhf; do
	dpkg --print-foreign-architectures | grep -qx $a && continue
	[ "$(id -u)" -eq 0 ] || { echo "toolchain/install.sh: dpkg --add-architecture $a needs root" >&2; exit 1; }
	dpkg --add-architecture $a
	added=1
done
export DEBIAN_FRONTEND=noninteractive
[ -n "$added" ] && apt-get update -qq >/dev/null

missing=()
for p in $pkgs; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "toolchain/install.sh: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "toolchain/install.sh: installing ${missing[*]}"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
