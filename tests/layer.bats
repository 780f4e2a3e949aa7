#!/usr/bin/env bats
# The write layer: overlay (or aufs) over the bundle's rootfs, under <root>/<id>/, mounted only in
# the container's mount namespace; org.grid.layer=none; root.readonly.

load helpers

# A fingerprint of the bundle's rootfs: names, types, sizes, modes and mtimes.
rootfs_fingerprint() {
	(cd "$BUNDLE/rootfs" && find . -printf '%p %y %s %m %T@ %l\n' | sort | md5sum)
}

@test "a write inside lands in <root>/<id>/upper, not in the bundle" {
	set_args sh -c 'echo hello >/foo; mkdir -p /etc/new; echo x >/etc/new/f; exec sleep 100'
	before=$(rootfs_fingerprint)
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_file "$GRID_ROOT/c1/upper/etc/new/f"
	wait_file "$GRID_ROOT/c1/upper/foo"
	[ "$(cat "$GRID_ROOT/c1/upper/foo")" = hello ]
	[ ! -e "$BUNDLE/rootfs/foo" ]
	[ ! -e "$BUNDLE/rootfs/etc/new" ]
	[ -d "$GRID_ROOT/c1/work" ]
	[ -d "$GRID_ROOT/c1/rootfs" ]
	[ "$(rootfs_fingerprint)" = "$before" ]
}

@test "the write layer is gone after delete" {
	set_args sh -c 'echo hello >/foo'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(cat "$GRID_ROOT/c1/upper/foo")" = hello ]
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
	[ ! -e "$BUNDLE/rootfs/foo" ]
	set_args sh -c 'test -e /foo && echo still-there; true'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "deleting a bundle file inside leaves the bundle intact" {
	set_args sh -c 'rm /etc/hostname && test ! -e /etc/hostname && echo removed'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = removed ]
	[ -f "$BUNDLE/rootfs/etc/hostname" ]
	# overlayfs records the deletion as a whiteout (a 0:0 character device) in the layer
	if [ "$(state_layer c1)" = overlay ]; then
		[ -c "$GRID_ROOT/c1/upper/etc/hostname" ]
	fi
}

state_layer() {
	sed -n 's/^layer=//p' "$GRID_ROOT/$1/state"
}

@test "overlay is chosen when the kernel has no aufs" {
	if grep -qw aufs /proc/filesystems; then
		skip "this kernel has aufs"
	fi
	set_args sh -c 'awk "\$5 == \"/\" { for (i = 7; i <= NF; i++) if (\$i == \"-\") print \$(i + 1) }" /proc/self/mountinfo'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = overlay ]
	[ "$(state_layer c1)" = overlay ]
}

@test "org.grid.layer=auto behaves like the default" {
	if grep -qw aufs /proc/filesystems; then
		skip "this kernel has aufs"
	fi
	set_annotation org.grid.layer auto
	set_args sh -c 'echo x >/foo'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_layer c1)" = overlay ]
	[ -f "$GRID_ROOT/c1/upper/foo" ]
}

@test "org.grid.layer=overlay uses overlayfs" {
	set_annotation org.grid.layer overlay
	set_args sh -c 'echo x >/foo'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_layer c1)" = overlay ]
	[ -f "$GRID_ROOT/c1/upper/foo" ]
	[ ! -e "$BUNDLE/rootfs/foo" ]
}

@test "org.grid.layer=aufs fails cleanly when the kernel has no aufs" {
	if grep -qw aufs /proc/filesystems; then
		skip "this kernel has aufs"
	fi
	set_annotation org.grid.layer aufs
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error aufs
	assert_nothing_left c1
}

@test "an unknown org.grid.layer value is refused" {
	set_annotation org.grid.layer bogus
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error org.grid.layer bogus
	assert_nothing_left c1
}

@test "the overlay is not visible in the host's mount table" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	[ -z "$(leftover_mounts)" ]
	grid start c1
	[ -z "$(leftover_mounts)" ]
	# but it is in the container's
	pid=$(container_pid c1)
	grep -q ' / / .* - overlay ' "/proc/$pid/mountinfo" ||
		grep -q ' / / .* - aufs ' "/proc/$pid/mountinfo"
}

@test "two containers from one bundle do not see each other's writes" {
	set_args sh -c 'echo one >/mine; exec sleep 100'
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_file "$GRID_ROOT/c1/upper/mine"
	set_args sh -c 'test -e /mine && echo seen; true'
	run --separate-stderr grid run --bundle "$BUNDLE" c2
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "org.grid.layer=none uses the bundle's rootfs directly" {
	set_annotation org.grid.layer none
	set_args sh -c 'echo direct >/foo'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_layer c1)" = none ]
	[ "$(cat "$BUNDLE/rootfs/foo")" = direct ]
	[ ! -e "$GRID_ROOT/c1/upper/foo" ]
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
	[ "$(cat "$BUNDLE/rootfs/foo")" = direct ]
}

@test "root.readonly makes / read-only" {
	update_config '.root.readonly = true'
	set_args sh -c 'touch /x && echo wrote'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -ne 0 ]
	[[ "$output" != *wrote* ]]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
	[ ! -e "$GRID_ROOT/c1/upper/x" ]
}

@test "root.readonly with org.grid.layer=none does not write the bundle" {
	update_config '.root.readonly = true'
	set_annotation org.grid.layer none
	set_args sh -c 'echo ok >/dev/shm/y && cat /dev/shm/y; touch /x && echo wrote'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -ne 0 ]
	[ "$output" = ok ]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/x" ]
}

@test "root.readonly still allows writes to mounted tmpfs" {
	update_config '.root.readonly = true'
	set_args sh -c 'echo ok >/dev/shm/x && cat /dev/shm/x'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "root.path may be absolute" {
	mv "$BUNDLE/rootfs" "$TMP/elsewhere"
	update_config '.root.path = $tmp + "/elsewhere"'
	set_args sh -c 'echo x >/foo; echo ok'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ ! -e "$TMP/elsewhere/foo" ]
}

@test "root.path may be another relative directory" {
	mv "$BUNDLE/rootfs" "$BUNDLE/fs"
	update_config '.root.path = "fs"'
	set_args echo ok
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}
