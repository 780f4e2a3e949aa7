#!/usr/bin/env bats
# An unmodified `runc spec` config (Debian's runc, used only to write it) with terminal false and
# process.args changed runs through the whole lifecycle.

load helpers

setup_runc_bundle() {
	command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
	RB=$TMP/runc-bundle
	mkdir "$RB"
	runc spec --bundle "$RB"
	mv "$BUNDLE/rootfs" "$RB/rootfs"
	jq --argjson args "$(json_args "$@")" '.process.terminal = false | .process.args = $args' \
		"$RB/config.json" >"$RB/c" && mv "$RB/c" "$RB/config.json"
}

@test "runc spec: create, start, state, kill, delete" {
	setup_runc_bundle sleep 100
	run grid create --bundle "$RB" --pid-file "$TMP/pid" rc1
	[ "$status" -eq 0 ]
	[ "$(state_field rc1 status)" = created ]
	[ "$(cat "$TMP/pid")" = "$(container_pid rc1)" ]
	run grid start rc1
	[ "$status" -eq 0 ]
	[ "$(state_field rc1 status)" = running ]
	[ "$(state_field rc1 bundle)" = "$RB" ]
	pid=$(container_pid rc1)
	run grid kill rc1 KILL
	[ "$status" -eq 0 ]
	wait_status rc1 stopped
	wait_gone "$pid"
	run grid delete rc1
	[ "$status" -eq 0 ]
	assert_nothing_left rc1
}

@test "runc spec: run prints hostname and pid 1" {
	setup_runc_bundle sh -c 'hostname; echo $$'
	run --separate-stderr grid run --bundle "$RB" rc1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = runc ]
	[ "${lines[1]}" = 1 ]
	assert_nothing_left rc1
}

@test "runc spec: the root is read-only" {
	setup_runc_bundle sh -c 'touch /x && echo wrote; true'
	run --separate-stderr grid run --bundle "$RB" rc1
	[ "$status" -eq 0 ]
	[[ "$output" != *wrote* ]]
	[ ! -e "$RB/rootfs/x" ]
}

@test "runc spec: the process is root with the spec's rlimit" {
	setup_runc_bundle sh -c 'id -u; ulimit -n'
	run --separate-stderr grid run --bundle "$RB" rc1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 1024 ]
}

@test "runc spec: run exit status" {
	setup_runc_bundle sh -c 'exit 7'
	run --separate-stderr grid run --bundle "$RB" rc1
	[ "$status" -eq 7 ]
	assert_nothing_left rc1
}

@test "runc spec: delete --force of a running container" {
	setup_runc_bundle sleep 100
	grid run --detach --bundle "$RB" rc1
	[ "$(state_field rc1 status)" = running ]
	run grid delete --force rc1
	[ "$status" -eq 0 ]
	assert_nothing_left rc1
}
