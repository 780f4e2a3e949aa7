#!/usr/bin/env bats
# Embedded behaviour: bundles on read-only media (squashfs, erofs), the write
# layer placed by org.grid.layer.upper or --layer-upper (tmpfs, a writable
# partition), a missing state root, and power loss (records from before a
# reboot read as stopped and delete cleanly).

load helpers

# helpers' teardown, run after this file's own: containers first (their
# layers hold the media), then the media this test mounted
eval "helpers_$(declare -f teardown)"
MOUNTS=()
teardown() {
	local id i
	for id in $(ls -A "${GRID_ROOT:-/nonexistent}" 2>/dev/null); do
		timeout -k 5 60 "$GRID_BIN" delete --force "$id" >/dev/null 2>&1
	done
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
	done
	helpers_teardown
}

# media IMAGE DIR [OPTIONS]: mounts IMAGE on DIR through a loop device
media() {
	mkdir -p "$2"
	mount -o "loop${3:+,$3}" "$1" "$2"
	MOUNTS+=("$2")
}

# the bundle on read-only media of type $1 (squashfs or erofs), mounted on $TMP/ro
readonly_bundle() {
	case $1 in
	squashfs) mksquashfs "$BUNDLE" "$TMP/bundle.img" -noappend -quiet -no-progress >/dev/null ;;
	erofs) mkfs.erofs --quiet "$TMP/bundle.img" "$BUNDLE" >/dev/null ;;
	esac
	media "$TMP/bundle.img" "$TMP/ro" ro
	grep -q " $TMP/ro $1 ro" /proc/mounts
}

# a writable ext4 "partition" on $TMP/disk
partition() {
	truncate -s 64M "$TMP/disk.img"
	mkfs.ext4 -q -F "$TMP/disk.img"
	media "$TMP/disk.img" "$TMP/disk"
}

run_from_readonly_media() {
	set_args sh -c 'echo hello >/foo && cat /foo && ls /bin/busybox'
	readonly_bundle "$1"
	run --separate-stderr grid run --keep --bundle "$TMP/ro" c1
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "hello
/bin/busybox" ]
	[ "$(cat "$GRID_ROOT/c1/upper/foo")" = hello ]
	[ ! -e "$TMP/ro/rootfs/foo" ]
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "a bundle on a read-only squashfs runs; its writes go to the write layer" {
	run_from_readonly_media squashfs
}

@test "a bundle on a read-only erofs runs; its writes go to the write layer" {
	run_from_readonly_media erofs
}

@test "org.grid.layer.upper=tmpfs: a volatile layer of its own, outside the state root, not in the host's mounts" {
	set_args sh -c 'echo hello >/foo; exec sleep 100'
	set_annotation org.grid.layer.upper tmpfs
	grid create --bundle "$BUNDLE" c1
	grid start c1
	run grid exec c1 sh -c 'for i in $(seq 50); do [ -e /foo ] && break; sleep 0.1; done; cat /foo; grep " / " /proc/mounts'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	# the overlay names the tmpfs by where grid's helper attached it, in a namespace of its own
	[[ "${lines[1]}" == *" / overlay "*"upperdir=$GRID_ROOT/c1/upper/upper,"* ]]
	[ -z "$(ls -A "$GRID_ROOT/c1/upper")" ]
	[ ! -e "$GRID_ROOT/c1/layer" ]
	! grep -q tmpfs <(grep -F "$GRID_ROOT" /proc/self/mountinfo) || false
	grid delete --force c1
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "--layer-upper DIR puts the layer on a writable partition; delete removes it there" {
	partition
	set_args sh -c 'echo hello >/foo'
	run --separate-stderr grid --layer-upper "$TMP/disk/layers" run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/disk/layers/c1/upper/foo")" = hello ]
	[ "$(readlink "$GRID_ROOT/c1/layer")" = "$TMP/disk/layers/c1" ]
	[ ! -e "$GRID_ROOT/c1/upper/foo" ]
	grid delete c1
	[ ! -e "$TMP/disk/layers/c1" ]
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "the org.grid.layer.upper annotation wins over --layer-upper" {
	set_args sh -c 'echo hello >/foo'
	set_annotation org.grid.layer.upper "$TMP/by-annotation"
	run --separate-stderr grid --layer-upper "$TMP/by-option" run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(cat "$TMP/by-annotation/c1/upper/foo")" = hello ]
	[ ! -e "$TMP/by-option/c1" ]
	grid delete c1
	[ ! -e "$TMP/by-annotation/c1" ]
}

@test "a relative org.grid.layer.upper is refused, naming the annotation, and leaves nothing" {
	set_annotation org.grid.layer.upper layers
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "annotation org.grid.layer.upper layers" "tmpfs or an absolute directory"
	assert_nothing_left c1
}

@test "a write layer directory that exists already is refused and kept" {
	mkdir -p "$TMP/layers/c1"
	echo mine >"$TMP/layers/c1/keep"
	run --separate-stderr grid --layer-upper "$TMP/layers" run --bundle "$BUNDLE" c1
	assert_error "write layer $TMP/layers/c1 exists already"
	[ "$(cat "$TMP/layers/c1/keep")" = mine ]
	assert_nothing_left c1
}

@test "no state root (no /run): one line naming the path, --root and GRID_ROOT" {
	GRID_ROOT=/proc/no-such-dir/grid run --separate-stderr "$GRID_BIN" run --bundle "$BUNDLE" c1
	assert_error "cannot create the state root /proc/no-such-dir/grid" "no such file or directory" "--root" "GRID_ROOT"
	mkdir "$TMP/run"
	mount -t tmpfs -o ro tmpfs "$TMP/run"
	MOUNTS+=("$TMP/run")
	run --separate-stderr "$GRID_BIN" --root "$TMP/run/grid" run --bundle "$BUNDLE" c1
	assert_error "cannot create the state root $TMP/run/grid" "read-only file system" "--root" "GRID_ROOT"
}

@test "power loss: after a reboot old containers are stopped and delete removes them and their layers" {
	partition
	local root=$TMP/disk/grid
	extra_root "$root"
	g() { grid --root "$root" --layer-upper "$TMP/disk/layers" "$@"; }
	set_args sleep 1000
	g create --bundle "$BUNDLE" created
	g create --bundle "$BUNDLE" running
	g start running
	set_args true
	g run --keep --bundle "$BUNDLE" exited
	# a create cut short by the power cut: its directory and layer link, no record yet
	mkdir "$root/cut"
	ln -s "$TMP/disk/layers/cut" "$root/cut/layer"
	mkdir -p "$TMP/disk/layers/cut/upper"
	# a state write cut short: the temporary file, never the record, is torn
	printf 'version=1\nid=run' >"$root/running/.state.tmp"
	# a record the power cut left empty (records are not fsynced)
	mkdir "$root/empty"
	: >"$root/empty/state"

	# the power cut: every process dies, the cgroups vanish, the partition goes away
	local id pid cg
	for id in created running; do
		pid=$(g state "$id" | jq -r .pid)
		kill -9 "$pid"
		wait_gone "$pid"
	done
	for id in created running exited; do
		cg=/grid/$(root_key "$root")/$id
		for d in /sys/fs/cgroup/$cg /sys/fs/cgroup/*/$cg; do
			[ -d "$d" ] && rmdir "$d"
		done
	done
	umount "$TMP/disk"
	mount -o loop "$TMP/disk.img" "$TMP/disk"

	# a record of another boot whose pid and start time now belong to a live process
	sleep 1000 &
	local live=$! start
	start=$(awk '{ print $22 }' "/proc/$live/stat")
	sed -i -e "s/^pid=.*/pid=$live/" -e "s/^starttime=.*/starttime=$start/" \
		-e 's/^boot=.*/boot=00000000-0000-0000-0000-000000000000/' "$root/exited/state"
	run g list --format json
	kill -9 "$live"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r 'sort_by(.id) | map(.id + "=" + .status) | join(" ")' <<<"$output")" = "created=stopped cut=stopped empty=stopped exited=stopped running=stopped" ]
	for id in created running exited cut empty; do
		g delete "$id"
	done
	[ -z "$(ls -A "$root")" ]
	[ -z "$(ls -A "$TMP/disk/layers")" ]
}
