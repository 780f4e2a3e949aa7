#!/usr/bin/env bats
# qemu.bats - Grid in QEMU guests (make check-qemu): a Debian 12 kernel of each
# arch boots an initramfs with that arch's grid and busybox; its /init
# (tests/qemu/init) runs the container lifecycle from the initramfs root (with
# the dm-verity tests) and after a switch_root to tmpfs, one line per test.
# One test here per guest: every line passed and the guest got to its end.

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

guest() {
	local arch=$1
	[ "$(id -u)" -eq 0 ] || skip "needs root (apt-get download, qemu)"
	cd "$REPO"
	make -s build/cross/$arch/grid build/cross/$arch/floor >/dev/null || {
		echo "make build/cross/$arch/grid or floor failed" >&2
		return 1
	}
	toolchain/install.sh qemu >&2
	run tests/qemu/boot.sh "$arch" "build/cross/$arch/grid"
	echo "$output"
	grep '^# boot' <<<"$output" >&3 || true # the boot figure, into the suite's output
	[ "$status" -eq 0 ]
	! grep -q '^not ok' <<<"$output" || false
	# both phases ran every test: 19 from the initramfs (7 of them dm-verity), 13 after switch_root
	[ "$(grep -c "^ok .* $arch initramfs: " <<<"$output")" -eq 19 ]
	[ "$(grep -c "^ok .* $arch tmpfs: " <<<"$output")" -eq 13 ]
	grep -q '^# guest done: 32 tests, 0 failed' <<<"$output"
}

@test "x86_64 guest: container lifecycle from the initramfs and after switch_root" {
	guest x86_64
}

@test "aarch64 guest: container lifecycle from the initramfs and after switch_root" {
	guest aarch64
}

@test "armhf guest: container lifecycle from the initramfs and after switch_root" {
	guest armhf
}
