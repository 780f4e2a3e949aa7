#!/bin/bash
# tests/qemu/boot.sh ARCH GRID - boots a Debian 12 kernel of ARCH (x86_64, aarch64,
# armhf) under qemu-system (TCG, one CPU) with an initramfs holding that arch's
# busybox-static, GRID, a busybox bundle and tests/qemu/init, which runs the
# container lifecycle tests from the initramfs root and again after a
# switch_root to tmpfs, and the dm-verity tests on images made here (mkfs.erofs,
# veritysetup format; their modules and those they need in the initramfs). Prints the guest's TAP lines, each name prefixed with
# ARCH, its boot figure, and "not ok" if the guest did not finish; exits non-zero unless every
# line passed. Kernel and busybox .debs are cached in build/qemu/ARCH.
set -u
cd "$(dirname "$0")/../.." || exit 1
arch=${1:?usage: tests/qemu/boot.sh ARCH GRID}
grid=${2:?usage: tests/qemu/boot.sh ARCH GRID}
TIMEOUT=${QEMU_TIMEOUT:-300}

case $arch in
x86_64) deb=amd64 flavour=cloud-amd64 console=ttyS0
	qemu=(qemu-system-x86_64 -M pc -cpu max) ;;
aarch64) deb=arm64 flavour=arm64 console=ttyAMA0
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57) ;;
armhf) deb=armhf flavour=armmp-lpae console=ttyAMA0
	qemu=(qemu-system-arm -M virt,highmem=off -cpu cortex-a15) ;;
*) echo "tests/qemu/boot.sh: unknown arch $arch" >&2; exit 2 ;;
esac

cache=$PWD/build/qemu/$arch
mkdir -p "$cache"
say() { echo "# $arch: $*"; }
die() { echo "not ok - $arch: $*"; exit 1; }

# fetch PKG: downloads PKG's .deb into the cache once and unpacks it in $cache/PKG.
fetch() {
	local pkg=$1 dir=$cache/${1%%:*}
	[ -f "$dir/.done" ] && return 0
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
		(apt-get update -qq >/dev/null 2>&1 && cd "$dir" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
		return 1
	dpkg-deb -x "$dir"/*.deb "$dir/x" && rm -f "$dir"/*.deb && touch "$dir/.done"
}

# the versioned kernel package the flavour's metapackage depends on
kpkg=$(apt-cache depends "linux-image-$flavour:$deb" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)
[ -n "$kpkg" ] || die "no kernel package for linux-image-$flavour:$deb (apt-get update?)"
kpkg=${kpkg%%:*}
fetch "$kpkg:$deb" || die "apt-get download $kpkg:$deb failed"
fetch "busybox-static:$deb" || die "apt-get download busybox-static:$deb failed"
kdir=$cache/$kpkg/x
kernel=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$kernel" ] || die "no kernel in $kpkg"
kver=${kernel##*/vmlinuz-}
ovl=$(find "$kdir/lib/modules/$kver" -name 'overlay.ko*' | head -n1)
[ -n "$ovl" ] || die "no overlay module in $kpkg"

# the initramfs, made anew each time (grid or the init script may have changed)
ir=$(mktemp -d /tmp/grid-qemu.XXXXXX)
trap 'rm -rf "$ir"' EXIT
mkdir -p "$ir"/{bin,sbin,proc,sys,dev,tmp,run,newroot} "$ir/lib/modules/$kver/kernel/fs/overlayfs"
cp "$cache/busybox-static/x/bin/busybox" "$ir/bin/busybox"
cp "$grid" "$ir/bin/grid"
# the floor of make bench, built beside GRID (make build/cross/ARCH/floor), for the boot figure
[ -x "$(dirname "$grid")/floor" ] && cp "$(dirname "$grid")/floor" "$ir/bin/floor"
cp "$ovl" "$ir/lib/modules/$kver/kernel/fs/overlayfs/"
# mods NAME...: the modules NAME (not built in) and those they depend on, copied into the
# initramfs and listed in /lib/modules/grid.order, each after its dependencies, for insmod
mods() {
	local m f
	for m in "$@"; do
		grep -q "/${m//_/[-_]}\.ko" "$kdir/lib/modules/$kver/modules.builtin" && continue
		f=$(find "$kdir/lib/modules/$kver" -name "$m.ko*" -o -name "${m//_/-}.ko*" | head -n1)
		[ -n "$f" ] || die "no module $m in $kpkg"
		grep -qxF "/${f#"$kdir"/}" "$ir/lib/modules/grid.order" 2>/dev/null && continue
		mods $(modinfo -F depends "$f" | tr , ' ')
		mkdir -p "$ir/$(dirname "${f#"$kdir"/}")"
		cp "$f" "$ir/${f#"$kdir"/}"
		echo "/${f#"$kdir"/}" >>"$ir/lib/modules/grid.order"
	done
}
mods loop crc32c_generic erofs dm-verity # crc32c: libcrc32c (erofs) needs it at load
depmod -b "$ir" "$kver" 2>/dev/null || say "depmod failed; init falls back to insmod"
cp tests/qemu/init "$ir/init"
chmod 755 "$ir/init" "$ir/bin/busybox" "$ir/bin/grid"
tests/mkbundle.sh "$ir/bundle" sleep 1000 >/dev/null || die "mkbundle failed"
cp "$cache/busybox-static/x/bin/busybox" "$ir/bundle/rootfs/bin/busybox"
# /vb: the bundle's rootfs as an erofs image with a file of its own, its hash tree appended
# (veritysetup format --hash-offset), and a copy with one byte of that file flipped
mkdir -p "$ir/vb" "$ir/bundle/rootfs/v"
for i in $(seq 512); do echo "verity data line $i"; done >"$ir/bundle/rootfs/v/data"
mkfs.erofs --quiet "$ir/vb/good.erofs" "$ir/bundle/rootfs" >/dev/null || die "mkfs.erofs failed"
rm -r "$ir/bundle/rootfs/v"
# /vh: the same image with its hash tree in a file of its own (veritysetup format IMAGE FILE)
mkdir -p "$ir/vh"
cp "$ir/vb/good.erofs" "$ir/vh/data.erofs"
hhash=$(veritysetup format "$ir/vh/data.erofs" "$ir/vh/data.hash" | sed -n 's/^Root hash:[[:space:]]*//p')
[ -n "$hhash" ] || die "veritysetup format (hash file) failed"
off=$(stat -c %s "$ir/vb/good.erofs")
hash=$(veritysetup format --hash-offset="$off" "$ir/vb/good.erofs" "$ir/vb/good.erofs" |
	sed -n 's/^Root hash:[[:space:]]*//p')
[ -n "$hash" ] || die "veritysetup format failed"
cp "$ir/vb/good.erofs" "$ir/vb/bad.erofs"
at=$(grep -obaF "verity data line 300" "$ir/vb/bad.erofs" | head -n1 | cut -d: -f1)
[ -n "$at" ] || die "no data line in the erofs image"
printf X | dd of="$ir/vb/bad.erofs" bs=1 seek="$at" conv=notrunc status=none
jq --arg h "$hash" --arg o "$off" '.root.path = "good.erofs" | .process.args = ["cat", "/v/data"] |
	.annotations = {"org.grid.verity.roothash": $h, "org.grid.verity.hashoffset": $o}' \
	"$ir/bundle/config.json" >"$ir/vb/config.json" || die "jq failed"
echo "$hash" >"$ir/vb/roothash"
jq --arg h "$hhash" '.root.path = "data.erofs" | .process.args = ["cat", "/v/data"] |
	.annotations = {"org.grid.verity.roothash": $h, "org.grid.verity.hashfile": "data.hash"}' \
	"$ir/bundle/config.json" >"$ir/vh/config.json" || die "jq failed"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/initramfs.gz" || die "cpio failed"

say "booting $kpkg ($(stat -c %s "$kernel") bytes kernel, $(stat -c %s "$cache/initramfs.gz") bytes initramfs, grid $(stat -c %s "$grid") bytes)"
log=$cache/console.log
timeout -k 10 "$TIMEOUT" "${qemu[@]}" -smp 1 -m 512 -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$cache/initramfs.gz" \
	-append "console=$console panic=-1 quiet rdinit=/init" </dev/null >"$log" 2>&1
rc=$?
[ $rc -eq 124 ] && say "qemu timed out after ${TIMEOUT}s"
tr -d '\r' <"$log" | sed -nE -e "s/^(not )?ok ([0-9]+) - /\1ok \2 - $arch /p" -e '/^# /p'
tr -d '\r' <"$log" | grep -q '^# guest done' || die "the guest did not finish (console: $log)"
! tr -d '\r' <"$log" | grep -q '^not ok'
