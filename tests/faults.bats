#!/usr/bin/env bats
# Faults (issue 8): Grid killed at every step of create, start and delete; state files torn,
# garbage or deleted by hand; an init that dies before start; a bundle that goes away; a full
# disk. Afterwards `delete --force` removes everything (processes, cgroups, the state directory)
# and `list` stays consistent. GRID_FAULT_STEP=N makes grid SIGKILL itself at its Nth fault point.

load helpers

# The full-disk test mounts a tmpfs as the state root: unmount it (after the usual
# force-deletes) even when the test fails, before the leak checks run.
eval "helpers_$(declare -f teardown)"
teardown() {
	if [ -n "${TMP:-}" ] && mountpoint -q "$TMP/root" 2>/dev/null; then
		for id in $(ls "$TMP/root"); do
			timeout 60 "$GRID_BIN" --root "$TMP/root" delete --force "$id" >/dev/null 2>&1
		done
		umount "$TMP/root"
	fi
	helpers_teardown
}

# assert_no_cgroup ID: no hierarchy has the default cgroup of ID any more
assert_no_cgroup() {
	local d
	for d in /sys/fs/cgroup/*"$(grid_cgroup "$1")" /sys/fs/cgroup"$(grid_cgroup "$1")"; do
		if [ -d "$d" ]; then
			echo "cgroup left: $d" >&2
			return 1
		fi
	done
}

# assert_list_consistent: list's three forms agree, json is valid, every entry has a state dir
assert_list_consistent() {
	local q j t
	q=$(grid list -q | sort)
	j=$(grid list --format json | jq -r '.[].id' | sort) || return 1
	t=$(grid list | tail -n +2 | awk '{ print $1 }' | sort)
	[ "$q" = "$j" ] && [ "$q" = "$t" ] || {
		echo "list forms differ: -q [$q] json [$j] table [$t]" >&2
		return 1
	}
	for id in $q; do
		[ -d "$GRID_ROOT/$id" ] || return 1
	done
}

# killed_at N CMD...: runs grid with GRID_FAULT_STEP=N; true if it died at that fault point
killed_at() {
	local n=$1 rc=0
	shift
	GRID_FAULT_STEP=$n grid "$@" >"$TMP/fault.out" 2>"$TMP/fault.err" || rc=$?
	if grep -q "fault point $n " "$TMP/fault.err"; then
		[ "$rc" -eq 137 ] || {
			echo "grid passed fault point $n but exited $rc" >&2
			return 2
		}
		return 0
	fi
	[ "$rc" -eq 0 ] || {
		echo "grid exited $rc without a fault:" >&2
		cat "$TMP/fault.err" >&2
		return 2
	}
	return 1
}

# cleaned ID: after a fault, delete --force removes every trace and list agrees
cleaned() {
	assert_list_consistent
	grid delete --force "$1"
	assert_list_consistent
	! grid list -q | grep -qx "$1" || false
	assert_nothing_left "$1"
	assert_no_cgroup "$1"
}

# each_create_fault CHECK: create c1 with grid killed at its 1st, 2nd, ... fault point until a
# create gets past all of them; after each, `cleaned c1`, then CHECK N. STEPS is the number
# of fault points passed.
each_create_fault() {
	local n rc
	STEPS=0
	for n in $(seq 30); do
		rc=0
		killed_at "$n" create --bundle "$BUNDLE" c1 || rc=$?
		[ "$rc" -ne 2 ] || return 1
		grep -h "fault point" "$TMP/fault.err" | sed 's/^/# /' >&3 || true
		cleaned c1 || return 1
		"$1" "$n" || return 1
		[ "$rc" -eq 1 ] && return 0
		STEPS=$n
	done
	echo "create was still killed at fault point 30" >&2
	return 1
}

@test "grid killed at every step of create: delete --force leaves nothing, list stays consistent" {
	set_args sleep 100
	each_create_fault true
	[ "$STEPS" -ge 6 ]
}

# no_loop_left N: no loop device holds the image (it detaches itself once nothing holds it);
# notes the step that was the image's own fault point
no_loop_left() {
	local i
	grep -q "fault point $1 .*image on a loop device" "$TMP/fault.err" && image_step=$1
	for i in $(seq 50); do
		[ -z "$(losetup -n -j "$BUNDLE/rootfs.squashfs")" ] && return 0
		sleep 0.1
	done
	echo "a loop device holds the image after fault point $1" >&2
	return 1
}

@test "grid killed at every step of create from an image on a loop device: no mount, no loop device left" {
	mksquashfs "$BUNDLE/rootfs" "$BUNDLE/rootfs.squashfs" -quiet -noappend >/dev/null
	update_config '.root.path = "rootfs.squashfs"'
	set_args sleep 100
	image_step=0
	each_create_fault no_loop_left
	[ "$image_step" -ge 1 ]
}

@test "grid killed at every step of start: delete --force leaves nothing" {
	set_args sleep 100
	for n in $(seq 30); do
		grid create --bundle "$BUNDLE" c1
		pid=$(container_pid c1)
		rc=0
		killed_at "$n" start c1 || rc=$?
		[ "$rc" -ne 2 ]
		grep -h "fault point" "$TMP/fault.err" | sed 's/^/# /' >&3 || true
		# the container is created or running, never in between
		s=$(state_field c1 status)
		[ "$s" = created ] || [ "$s" = running ]
		cleaned c1
		wait_gone "$pid"
		[ "$rc" -eq 1 ] && break
	done
	[ "$n" -ge 3 ]
}

@test "grid killed at every step of delete: delete --force again leaves nothing" {
	set_args sleep 100
	for n in $(seq 30); do
		grid run --detach --bundle "$BUNDLE" c1
		pid=$(container_pid c1)
		rc=0
		killed_at "$n" delete --force c1 || rc=$?
		[ "$rc" -ne 2 ]
		grep -h "fault point" "$TMP/fault.err" | sed 's/^/# /' >&3 || true
		cleaned c1
		wait_gone "$pid"
		[ "$rc" -eq 1 ] && break
	done
	[ "$n" -ge 3 ]
}

# running ID: a started container whose program (and a child of it) runs; prints its init pid
running() {
	set_args sh -c 'sleep 1000 & exec sleep 1000'
	grid run --detach --bundle "$BUNDLE" "$1"
	container_pid "$1"
}

@test "a truncated state file is reported clearly; delete --force still ends the container" {
	pid=$(running c1)
	size=$(stat -c %s "$GRID_ROOT/c1/state")
	truncate -s $((size / 3)) "$GRID_ROOT/c1/state"
	run --separate-stderr grid state c1
	assert_error 'state of "c1"'
	run --separate-stderr grid list -q
	[ "$status" -eq 0 ] && [ -z "$output" ]
	[[ "$stderr" == *"state of \"c1\""*"delete --force c1"* ]]
	run grid delete --force c1
	[ "$status" -eq 0 ]
	wait_gone "$pid"
	assert_nothing_left c1
	assert_no_cgroup c1
	# the id is free again
	set_args true
	grid run --bundle "$BUNDLE" c1
}

@test "a garbage state file is reported clearly; delete --force still ends the container" {
	pid=$(running c1)
	head -c 3000 /dev/urandom >"$GRID_ROOT/c1/state"
	run --separate-stderr grid state c1
	assert_error 'state of "c1"'
	run --separate-stderr grid start c1
	assert_error 'state of "c1"'
	grid delete --force c1
	wait_gone "$pid"
	assert_nothing_left c1
	assert_no_cgroup c1
}

@test "a state file deleted by hand: delete --force still ends the container" {
	pid=$(running c1)
	rm "$GRID_ROOT/c1/state"
	# no record and nobody holding the lock: read as a create cut short (see embedded.bats)
	[ "$(state_field c1 status)" = stopped ]
	grid delete --force c1
	wait_gone "$pid"
	assert_nothing_left c1
	assert_no_cgroup c1
}

@test "state file and cgroup record both gone: the default cgroup still finds the processes" {
	pid=$(running c1)
	rm "$GRID_ROOT/c1/state" "$GRID_ROOT/c1/cgroup.path"
	grid delete --force c1
	wait_gone "$pid"
	assert_nothing_left c1
	assert_no_cgroup c1
}

@test "a torn state file with a custom cgroupsPath: the cgroup record finds the processes" {
	cg=/grid-test-$$-$RANDOM
	update_config ".linux.cgroupsPath = \"$cg\""
	pid=$(running c1)
	echo 'version=1
id=c1
pid=' >"$GRID_ROOT/c1/state"
	grid delete --force c1
	wait_gone "$pid"
	assert_nothing_left c1
	for d in /sys/fs/cgroup/*"$cg"; do
		[ ! -d "$d" ]
	done
}

@test "the init dies before start: start says so, delete cleans up" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	kill -9 "$pid"
	wait_gone "$pid"
	run --separate-stderr grid start c1
	assert_error 'container "c1"' stopped
	[ "$(state_field c1 status)" = stopped ]
	grid delete c1
	assert_nothing_left c1
	assert_no_cgroup c1
}

@test "the bundle disappears after create: start and exec run (exec reads create's copy of the config), delete cleans up" {
	set_args sh -c 'echo started >/started; exec sleep 100'
	grid create --bundle "$BUNDLE" c1
	mv "$BUNDLE" "$TMP/moved"
	grid start c1
	wait_file "$GRID_ROOT/c1/upper/started"
	[ "$(state_field c1 status)" = running ]
	run --separate-stderr grid exec c1 cat /started
	[ "$status" -eq 0 ]
	[ "$output" = started ]
	grid delete --force c1
	assert_nothing_left c1
	assert_no_cgroup c1
}

@test "a full disk as --root: create fails with one clear line and leaves nothing" {
	mkdir -p "$GRID_ROOT"
	mount -t tmpfs -o size=64k,nr_inodes=64 tmpfs "$GRID_ROOT"
	# fill it: the state file cannot be written, after the init exists
	dd if=/dev/zero of="$GRID_ROOT/.fill" bs=4k 2>/dev/null || true
	set_args sleep 100
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "no space left on device"
	[ ! -e "$GRID_ROOT/c1" ]
	assert_no_cgroup c1
	# too few inodes: fails at some other step, equally clean
	rm "$GRID_ROOT/.fill"
	for i in $(seq 60); do touch "$GRID_ROOT/.i$i" 2>/dev/null || break; done
	rm -f "$GRID_ROOT/.i$((i - 1))" "$GRID_ROOT/.i$((i - 2))" "$GRID_ROOT/.i$((i - 3))"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "no space left on device"
	[ ! -e "$GRID_ROOT/c1" ]
	assert_no_cgroup c1
	rm -f "$GRID_ROOT"/.i*
	grid run --bundle "$BUNDLE" --detach c1
	grid delete --force c1
	umount "$GRID_ROOT"
	assert_nothing_left c1
}
