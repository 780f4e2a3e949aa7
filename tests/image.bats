#!/usr/bin/env bats
# Image rootfs (issue 22): root.path naming an erofs or squashfs image file in the bundle, mounted
# read-only in the container's mount namespace only (file-backed erofs, or through a loop device
# that detaches itself), with or without the write layer; hostile images refused cleanly; no mount
# and no loop device left after delete or a failed create.

load helpers

# image TYPE [NAME]: the bundle's rootfs as an erofs or squashfs image $BUNDLE/NAME (default
# rootfs.TYPE), and root.path naming it
image() {
	local name=${2:-rootfs.$1}
	case $1 in
	erofs) mkfs.erofs --quiet "$BUNDLE/$name" "$BUNDLE/rootfs" >/dev/null ;;
	squashfs) mksquashfs "$BUNDLE/rootfs" "$BUNDLE/$name" -quiet -noappend >/dev/null ;;
	esac
	update_config ".root.path = \"$name\""
	IMAGE=$BUNDLE/$name
}

# loops FILE: the loop devices attached to FILE
loops() {
	losetup -n -O NAME -j "$1" 2>/dev/null || true
}

# assert_no_loop FILE: no loop device is attached to FILE (detaching may take a moment)
assert_no_loop() {
	local i
	for i in $(seq 50); do
		[ -z "$(loops "$1")" ] && return 0
		sleep 0.1
	done
	echo "loop devices left on $1: $(loops "$1")" >&2
	return 1
}

# left_clean ID: nothing of container ID is left, on the host or on a loop device
left_clean() {
	assert_nothing_left "$1"
	assert_no_loop "$IMAGE"
	! grep -qF -- "$IMAGE" /proc/self/mountinfo
}

# runs_from_image ID: a write lands in the layer, the image and the bundle are unchanged
runs_from_image() {
	local sum
	sum=$(md5sum <"$IMAGE")
	set_args sh -c 'echo hello >/new && cat /new && cat /etc/hostname >/dev/null && grep -c " / " /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" "$1"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ ! -e "$BUNDLE/rootfs/new" ]
	[ "$(md5sum <"$IMAGE")" = "$sum" ]
	left_clean "$1"
}

@test "an erofs image, file-backed, under the write layer: no loop device, nothing left" {
	image erofs
	runs_from_image c1
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	# file-backed: no loop device, and nothing of it on the host
	[ -z "$(loops "$IMAGE")" ]
	! grep -qF "$IMAGE" /proc/self/mountinfo
	pid=$(container_pid c1)
	grep -q " / .* - overlay " "/proc/$pid/mountinfo"
	grid delete --force c1
	left_clean c1
}

@test "an erofs image through a loop device: attached while the container lives, gone after delete" {
	image erofs
	export GRID_TEST_IMAGE_LOOP=1
	runs_from_image c1
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	[ "$(loops "$IMAGE" | wc -l)" -eq 1 ]
	! grep -qF "$IMAGE" /proc/self/mountinfo
	grid start c1
	grid delete --force c1
	left_clean c1
}

@test "a squashfs image through a loop device, with the write layer on tmpfs" {
	image squashfs
	update_config '.annotations["org.grid.layer.upper"] = "tmpfs"'
	runs_from_image c1
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	[ "$(loops "$IMAGE" | wc -l)" -eq 1 ]
	grid delete --force c1
	left_clean c1
}

@test "a squashfs image with the write layer in a directory (org.grid.layer.upper)" {
	image squashfs
	mkdir "$TMP/layers"
	update_config '.annotations["org.grid.layer.upper"] = ($tmp + "/layers")'
	set_args sh -c 'echo hello >/new'
	grid run --keep --bundle "$BUNDLE" c1
	[ "$(cat "$TMP/layers/c1/upper/new")" = hello ]
	grid delete c1
	[ ! -e "$TMP/layers/c1" ]
	left_clean c1
}

@test "without the write layer (org.grid.layer=none) the image is the read-only root" {
	for t in erofs squashfs; do
		image $t
		update_config '.annotations["org.grid.layer"] = "none"'
		set_args sh -c 'touch /new 2>&1; cat /etc/hostname >/dev/null && echo read'
		run --separate-stderr grid run --bundle "$BUNDLE" c1
		[ "$status" -eq 0 ]
		[[ "$output" == *"Read-only file system"* ]]
		[ "${lines[-1]}" = read ]
		left_clean c1
	done
}

@test "two containers from one image at once, each with its own layer" {
	for t in erofs squashfs; do
		image $t
		set_args sh -c 'echo $HOSTNAME >/me; exec sleep 100'
		grid run --detach --bundle "$BUNDLE" c1
		grid run --detach --bundle "$BUNDLE" c2
		grid exec c1 sh -c 'echo one >/who'
		grid exec c2 sh -c 'echo two >/who'
		[ "$(grid exec c1 cat /who)" = one ]
		[ "$(grid exec c2 cat /who)" = two ]
		if [ $t = squashfs ]; then
			[ "$(loops "$IMAGE" | wc -l)" -eq 2 ]
		fi
		grid delete --force c1
		grid delete --force c2
		left_clean c1
		left_clean c2
	done
}

@test "a create that fails after the image is mounted leaves no mount and no loop device" {
	image squashfs
	update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent-grid-source", "options": ["bind"]}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "/nonexistent-grid-source"
	left_clean c1
	image erofs
	export GRID_TEST_IMAGE_LOOP=1
	update_config '.process.args = ["/no/such/program"]'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -ne 0 ]
	left_clean c1
}

# refused TEXT...: create fails with one line naming root.path and every TEXT, leaving nothing
refused() {
	run --separate-stderr grid create --bundle "$BUNDLE" h1
	assert_error "root.path" "$@"
	assert_nothing_left h1
	[ ! -e "$GRID_ROOT/h1" ]
	[ -z "$(losetup -n -O BACK-FILE -l 2>/dev/null | grep -F "$TMP")" ]
}

@test "a truncated image is refused, naming the image" {
	for t in erofs squashfs; do
		image $t
		truncate -s $(($(stat -c %s "$IMAGE") / 2)) "$IMAGE"
		refused "rootfs.$t" "truncated"
		truncate -s 600 "$IMAGE"
		refused "rootfs.$t"
	done
}

@test "a superblock that claims more bytes than the file has is refused" {
	image erofs
	# erofs: the block count at 1024 + 36
	printf '\xff\xff\xff\x00' | dd of="$IMAGE" bs=1 seek=1060 conv=notrunc status=none
	refused "rootfs.erofs" "erofs superblock claims"
	image squashfs
	# squashfs: bytes_used at 40
	printf '\x00\x00\x00\x00\x01\x00\x00\x00' | dd of="$IMAGE" bs=1 seek=40 conv=notrunc status=none
	refused "rootfs.squashfs" "squashfs superblock claims"
}

@test "a file that is no image is refused: not a directory, nor an erofs or squashfs image" {
	head -c 8192 /dev/urandom >"$BUNDLE/rootfs.img"
	update_config '.root.path = "rootfs.img"'
	refused "rootfs.img" "not a directory, nor an erofs or squashfs image"
}

@test "an image that is a symlink, a device node or a fifo is refused" {
	image squashfs
	ln -s rootfs.squashfs "$BUNDLE/link.img"
	update_config '.root.path = "link.img"'
	refused "link.img"
	mknod "$BUNDLE/dev.img" b 7 0
	update_config '.root.path = "dev.img"'
	refused "dev.img" "not a directory, nor a regular file"
	mkfifo "$BUNDLE/fifo.img"
	update_config '.root.path = "fifo.img"'
	refused "fifo.img" "not a directory, nor a regular file"
}

@test "an image outside the bundle is refused" {
	image squashfs
	cp "$IMAGE" "$TMP/outside.squashfs"
	update_config '.root.path = "../outside.squashfs"'
	refused "../outside.squashfs" "inside the bundle"
	update_config '.root.path = $tmp + "/outside.squashfs"'
	refused "outside.squashfs" "inside the bundle"
	# nor through a directory symlink inside the bundle
	mkdir "$TMP/elsewhere" && cp "$IMAGE" "$TMP/elsewhere/i.squashfs"
	ln -s "$TMP/elsewhere" "$BUNDLE/d"
	update_config '.root.path = "d/i.squashfs"'
	refused "d/i.squashfs" "inside the bundle"
}

# verity: the hash tree appended to $IMAGE by veritysetup format, the annotations naming it
verity() {
	local size hash
	size=$(stat -c %s "$IMAGE")
	hash=$(veritysetup format --hash-offset="$size" "$IMAGE" "$IMAGE" | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$hash" ]
	update_config ".annotations[\"org.grid.verity.roothash\"] = \"$hash\" | .annotations[\"org.grid.verity.hashoffset\"] = \"$size\""
}

@test "verity without device-mapper in the kernel is refused, leaving nothing (the QEMU guests run it)" {
	[ ! -e /dev/mapper/control ] || skip "this kernel has device-mapper"
	command -v veritysetup >/dev/null || skip "no veritysetup (cryptsetup-bin)"
	image erofs
	verity
	refused "rootfs.erofs" "the kernel lacks device-mapper (/dev/mapper/control)"
	update_config '.annotations["org.grid.verity.hashoffset"] = "12x"'
	refused "rootfs.erofs" "org.grid.verity.hashoffset"
}

# verity_file [NAME]: the hash tree in a file of its own, $BUNDLE/NAME (veritysetup format IMAGE FILE)
verity_file() {
	local hash
	HASHFILE=$BUNDLE/${1:-rootfs.hash}
	hash=$(veritysetup format "$IMAGE" "$HASHFILE" | sed -n 's/^Root hash:[[:space:]]*//p')
	[ -n "$hash" ]
	update_config ".annotations[\"org.grid.verity.roothash\"] = \"$hash\" | .annotations[\"org.grid.verity.hashfile\"] = \"${1:-rootfs.hash}\""
}

# hash_refused TEXT...: create fails with one line naming the hash file's annotation and every
# TEXT, leaving nothing: no state, no loop device on the image or on any file of the test
hash_refused() {
	run --separate-stderr grid create --bundle "$BUNDLE" h1
	assert_error "org.grid.verity.hashfile" "$@"
	assert_nothing_left h1
	assert_no_loop "$IMAGE"
	[ -z "$(losetup -n -O BACK-FILE -l 2>/dev/null | grep -F "$TMP")" ]
}

@test "a verity hash file outside the bundle, a symlink, a device node or a fifo is refused" {
	command -v veritysetup >/dev/null || skip "no veritysetup (cryptsetup-bin)"
	image erofs
	verity_file
	mv "$HASHFILE" "$TMP/outside.hash"
	for path in ../outside.hash "$TMP/outside.hash"; do
		update_config ".annotations[\"org.grid.verity.hashfile\"] = \"$path\""
		hash_refused "$path" "not a file inside the bundle"
	done
	# nor through a symlink, of the file or of a directory on its way
	ln -s "$TMP/outside.hash" "$BUNDLE/link.hash"
	mkdir "$TMP/elsewhere" && cp "$TMP/outside.hash" "$TMP/elsewhere/h"
	ln -s "$TMP/elsewhere" "$BUNDLE/d"
	update_config '.annotations["org.grid.verity.hashfile"] = "d/h"'
	hash_refused "d/h" "not a file inside the bundle"
	mknod "$BUNDLE/dev.hash" b 7 0
	mkfifo "$BUNDLE/fifo.hash"
	for path in link.hash dev.hash fifo.hash; do
		update_config ".annotations[\"org.grid.verity.hashfile\"] = \"$path\""
		hash_refused "$path" "not a regular file"
	done
}

@test "a verity hash file without device-mapper in the kernel: refused, both loop devices released" {
	[ ! -e /dev/mapper/control ] || skip "this kernel has device-mapper"
	command -v veritysetup >/dev/null || skip "no veritysetup (cryptsetup-bin)"
	image erofs
	verity_file
	refused "rootfs.erofs" "the kernel lacks device-mapper (/dev/mapper/control)"
	assert_no_loop "$HASHFILE"
}

@test "the verity annotations without a root hash, or on a directory rootfs, are refused, not ignored" {
	update_config '.annotations["org.grid.verity.roothash"] = "00"'
	run --separate-stderr grid create --bundle "$BUNDLE" h1
	assert_error "org.grid.verity.roothash" "is a directory"
	assert_nothing_left h1
	image erofs
	for a in hashfile hashoffset; do
		update_config "del(.annotations) | .annotations[\"org.grid.verity.$a\"] = \"0\""
		run --separate-stderr grid create --bundle "$BUNDLE" h1
		assert_error "org.grid.verity.$a" "without org.grid.verity.roothash"
		assert_nothing_left h1
	done
}

@test "features lists the image types and dm-verity" {
	run grid features
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.annotations["org.grid.rootfs.image"]')" = "erofs,squashfs,dm-verity" ]
}
