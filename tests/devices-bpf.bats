#!/usr/bin/env bats
# devices-bpf.bats - linux.resources.devices on cgroup v2, as an eBPF device
# program on the container's cgroup. This host's devices controller may be on
# cgroup v1; each grid command then runs in a private mount namespace where
# the v1 devices hierarchy is unmounted, so that grid takes the v2 path.

load helpers

setup_file() {
	grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup v2 hierarchy on this host"
}

# A grid that sees no v1 devices controller: $TMP/grid-v2, used as $GRID_BIN.
use_v2_path() {
	local real=$GRID_BIN
	cat >"$TMP/grid-v2" <<-SCRIPT
		#!/bin/sh
		exec unshare -m sh -c 'for m in \$(awk '\''\$(NF-2) == "cgroup" && \$NF ~ /(^|,)devices(,|\$)/ { print \$5 }'\'' /proc/self/mountinfo); do umount "\$m" || exit 1; done; exec "\$0" "\$@"' "$real" "\$@"
	SCRIPT
	chmod +x "$TMP/grid-v2"
	GRID_BIN=$TMP/grid-v2
	V2=$(awk '$(NF-2) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
}

# The rules of the spec's example: nothing but the default devices and c 1:3 rw; /dev/blocked
# (c 1:11, kmsg) may be created (m) but not opened.
deny_all_but_null() {
	update_config '.linux.resources.devices = [
		{"allow": false, "access": "rwm"},
		{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"},
		{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "m"}]
	| .linux.devices = [{"path": "/dev/blocked", "type": "c", "major": 1, "minor": 11}]'
}

# device_progs DIR: how many device programs are attached to the cgroup DIR itself.
device_progs() {
	bpftool cgroup list "$1" | grep -c device || true
}

@test "on cgroup v2 a device program allows /dev/null and the default devices, refuses the rest" {
	use_v2_path
	deny_all_but_null
	set_args sh -c 'head -c1 /dev/null && echo null-ok; head -c1 /dev/zero | wc -c
		head -c1 /dev/blocked; echo "blocked rc=$?"'
	run --separate-stderr grid --debug run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"devices: cgroup v2 program of "*" attached to $V2$(grid_cgroup c1)"* ]]
	[ "${lines[0]}" = null-ok ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = "blocked rc=1" ]
	[[ "$stderr" == *"head: /dev/blocked: Operation not permitted"* ]]
	[ ! -e "$V2$(grid_cgroup c1)" ]
	assert_nothing_left c1
}

@test "on cgroup v2 a deny of w stops an open for reading and writing" {
	use_v2_path
	update_config '.linux.resources.devices = [
		{"allow": true, "access": "rwm"},
		{"allow": false, "type": "c", "major": 1, "minor": 11, "access": "w"}]
	| .linux.devices = [{"path": "/dev/blocked", "type": "c", "major": 1, "minor": 11}]'
	set_args sh -c '(: </dev/blocked) && echo read-ok; (: >/dev/blocked) || echo write-refused
		(: <>/dev/blocked) || echo rw-refused'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'read-ok\nwrite-refused\nrw-refused')" ]
	[[ "$stderr" == *"/dev/blocked: Operation not permitted"* ]]
}

@test "update on cgroup v2 replaces the device program, and delete removes the cgroup" {
	command -v bpftool >/dev/null || skip "bpftool is not installed"
	use_v2_path
	deny_all_but_null
	mkdir "$TMP/out"
	update_config '.mounts += [{"destination": "/out", "source": ($tmp + "/out"), "options": ["rbind"]}]'
	set_args sh -c 'head -c1 /dev/blocked >/dev/null 2>&1 || touch /out/denied
		until head -c1 /dev/blocked >/dev/null 2>&1; do sleep 0.1; done; touch /out/opened; exec sleep 1000'
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_file "$TMP/out/denied"
	[ "$(device_progs "$V2$(grid_cgroup c1)")" = 1 ]
	[ ! -e "$TMP/out/opened" ]
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]}' >"$TMP/res.json"
	run --separate-stderr grid --debug update --resources "$TMP/res.json" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"1 replaced"* ]]
	wait_file "$TMP/out/opened"
	[ "$(device_progs "$V2$(grid_cgroup c1)")" = 1 ]
	grid delete --force c1
	[ ! -e "$V2$(grid_cgroup c1)" ]
	assert_nothing_left c1
}
