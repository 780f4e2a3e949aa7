#!/usr/bin/env bats
# The OCI lifecycle: create, start, state, kill, delete, and each refusal.

load helpers

@test "create leaves the container created with a pid file without newline" {
	set_args sleep 100
	run grid create --bundle "$BUNDLE" --pid-file "$TMP/pid" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = created ]
	pid=$(container_pid c1)
	[ "$pid" -gt 0 ]
	pid_alive "$pid"
	[ "$(cat "$TMP/pid")" = "$pid" ]
	[[ "$(cat "$TMP/pid")" =~ ^[0-9]+$ ]]
	[ "$(wc -c <"$TMP/pid")" -eq "${#pid}" ]
	[ -p "$GRID_ROOT/c1/exec.fifo" ]
	[ -f "$GRID_ROOT/c1/state" ]
}

@test "state prints the OCI state JSON" {
	set_annotation org.example.key value
	run grid create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	run grid state c1
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'type == "object"'
	echo "$output" | jq -e '.ociVersion | type == "string" and length > 0'
	echo "$output" | jq -e '.id == "c1"'
	echo "$output" | jq -e '.status == "created"'
	echo "$output" | jq -e '.pid | type == "number" and . > 0'
	echo "$output" | jq -e --arg b "$BUNDLE" '.bundle == $b'
	echo "$output" | jq -e '.rootfs | type == "string" and startswith("/")'
	echo "$output" | jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")'
	echo "$output" | jq -e '.annotations["org.example.key"] == "value"'
}

@test "the program does not run before start, and does after" {
	set_args sh -c 'touch /ran; exec sleep 100'
	run grid create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	sleep 0.5 # give a wrongly started program a chance to show itself
	[ ! -e "$GRID_ROOT/c1/upper/ran" ]
	[ "$(state_field c1 status)" = created ]
	run grid start c1
	[ "$status" -eq 0 ]
	wait_file "$GRID_ROOT/c1/upper/ran"
	[ "$(state_field c1 status)" = running ]
	[ ! -e "$GRID_ROOT/c1/exec.fifo" ]
	[ ! -e "$BUNDLE/rootfs/ran" ]
}

@test "the program's stdio are those of create" {
	set_args sh -c 'echo to-stdout; echo to-stderr >&2'
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_status c1 stopped
	# the grid() wrapper gives create the files $TMP/stdio.*.out and .err
	[ "$(cat "$TMP"/stdio.*.out)" = to-stdout ]
	[ "$(cat "$TMP"/stdio.*.err)" = to-stderr ]
}

@test "start keeps the pid that create reported" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" --pid-file "$TMP/pid" c1
	pid=$(cat "$TMP/pid")
	grid start c1
	[ "$(container_pid c1)" = "$pid" ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
}

@test "the runtime does not stay the parent of the container's init" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	ppid=$(awk '{ print $4 }' "/proc/$pid/stat")
	exe=$(readlink "/proc/$ppid/exe" 2>/dev/null || true)
	[ "$exe" != "$GRID_BIN" ]
}

@test "kill KILL stops a running container and delete removes it" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	pid=$(container_pid c1)
	run grid kill c1 KILL
	[ "$status" -eq 0 ]
	wait_status c1 stopped
	wait_gone "$pid"
	run grid delete c1
	[ "$status" -eq 0 ]
	[ ! -e "$GRID_ROOT/c1" ]
	run --separate-stderr grid state c1
	assert_error "does not exist"
}

@test "kill defaults to SIGTERM" {
	set_args sh -c 'trap "exit 0" TERM; sleep 100 & wait'
	grid create --bundle "$BUNDLE" c1
	grid start c1
	run grid kill c1
	[ "$status" -eq 0 ]
	wait_status c1 stopped
}

@test "kill accepts a signal number, a name and a SIG name" {
	set_args sh -c 'trap "" HUP; sleep 100 & wait'
	for sig in 9 KILL SIGKILL; do
		grid create --bundle "$BUNDLE" "c-$sig"
		grid start "c-$sig"
		run grid kill "c-$sig" "$sig"
		[ "$status" -eq 0 ]
		wait_status "c-$sig" stopped
		grid delete "c-$sig"
	done
	grid create --bundle "$BUNDLE" c-hup
	grid start c-hup
	run grid kill c-hup SIGHUP
	[ "$status" -eq 0 ]
	run grid kill c-hup 1
	[ "$status" -eq 0 ]
	[ "$(state_field c-hup status)" = running ]
}

@test "kill of a created container with KILL stops it without running the program" {
	set_args sh -c 'touch /ran; exec sleep 100'
	grid create --bundle "$BUNDLE" c1
	run grid kill c1 KILL
	[ "$status" -eq 0 ]
	wait_status c1 stopped
	[ ! -e "$GRID_ROOT/c1/upper/ran" ]
	run grid delete c1
	[ "$status" -eq 0 ]
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "status is derived from reality when the init dies behind grid's back" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	pid=$(container_pid c1)
	kill -9 "$pid"
	wait_status c1 stopped
	run grid delete c1
	[ "$status" -eq 0 ]
}

@test "a container that exits by itself becomes stopped" {
	set_args true
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_status c1 stopped
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "start of a running container fails and leaves it running" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	run --separate-stderr grid start c1
	[ "$status" -ne 0 ]
	[[ "$stderr" == "grid: "* ]]
	[ "$(state_field c1 status)" = running ]
}

@test "start of a stopped container fails" {
	set_args true
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_status c1 stopped
	run --separate-stderr grid start c1
	[ "$status" -ne 0 ]
	[[ "$stderr" == "grid: "* ]]
	[ "$(state_field c1 status)" = stopped ]
}

@test "kill of a stopped container fails with not running" {
	set_args true
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_status c1 stopped
	run --separate-stderr grid kill c1 KILL
	assert_error "not running"
}

@test "delete of a running container without --force fails and changes nothing" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	pid=$(container_pid c1)
	run --separate-stderr grid delete c1
	assert_error c1
	[ "$(state_field c1 status)" = running ]
	pid_alive "$pid"
	[ -d "$GRID_ROOT/c1/upper" ]
}

@test "delete of a created container without --force fails and changes nothing" {
	set_args sh -c 'touch /ran; exec sleep 100'
	grid create --bundle "$BUNDLE" c1
	run --separate-stderr grid delete c1
	assert_error c1
	[ "$(state_field c1 status)" = created ]
	[ -p "$GRID_ROOT/c1/exec.fifo" ]
	grid start c1
	wait_file "$GRID_ROOT/c1/upper/ran"
}

@test "delete --force of a running container kills it and cleans up" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	pid=$(container_pid c1)
	run grid delete --force c1
	[ "$status" -eq 0 ]
	wait_gone "$pid"
	assert_nothing_left c1
}

@test "delete -f of a created container cleans up" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	run grid delete -f c1
	[ "$status" -eq 0 ]
	wait_gone "$pid"
	assert_nothing_left c1
}

@test "delete --force of an unknown id exits 0" {
	run grid delete --force nosuch
	[ "$status" -eq 0 ]
	[ ! -e "$GRID_ROOT/nosuch" ]
}

@test "commands on an unknown id fail with does not exist" {
	for cmd in state start kill delete; do
		run --separate-stderr grid "$cmd" nosuch
		assert_error "does not exist" nosuch
	done
	[ ! -e "$GRID_ROOT/nosuch" ]
}

@test "create ID BUNDLE (positional bundle)" {
	set_args sleep 100
	run grid create c1 "$BUNDLE"
	[ "$status" -eq 0 ]
	[ "$(state_field c1 bundle)" = "$BUNDLE" ]
	[ "$(state_field c1 status)" = created ]
}

@test "create -b DIR" {
	set_args sleep 100
	run grid create -b "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = created ]
}

@test "create uses the current directory as the default bundle" {
	set_args sleep 100
	cd "$BUNDLE"
	run grid create c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 bundle)" = "$BUNDLE" ]
	cd /
}

@test "create with a relative --bundle records the absolute path" {
	set_args sleep 100
	cd "$TMP"
	run grid create --bundle bundle c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 bundle)" = "$BUNDLE" ]
	cd /
}

@test "run --detach returns with the container running" {
	set_args sleep 100
	run --separate-stderr grid run --detach --bundle "$BUNDLE" --pid-file "$TMP/pid" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = running ]
	[ "$(cat "$TMP/pid")" = "$(container_pid c1)" ]
	grid kill c1 KILL
	wait_status c1 stopped
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "run -d is the short form of --detach" {
	set_args sleep 100
	run --separate-stderr grid run -d --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = running ]
}

@test "run deletes the container when it exits" {
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ ! -e "$GRID_ROOT/c1" ]
	assert_nothing_left c1
}

@test "run reports the exit status when its caller ignores SIGCHLD" {
	# an ignored SIGCHLD survives exec; with it the kernel would reap the init
	# before run could read its status, and run used to wait forever
	set_args sh -c 'exit 7'
	run --separate-stderr timeout -k 5 "$GRID_TIMEOUT" perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' \
		"$GRID_BIN" run --bundle "$BUNDLE" c1
	[ "$status" -eq 7 ]
	assert_nothing_left c1
}

@test "run --keep leaves a stopped container" {
	set_args true
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = stopped ]
	grid delete c1
	[ ! -e "$GRID_ROOT/c1" ]
}

@test "an id can be reused after delete" {
	set_args true
	grid run --bundle "$BUNDLE" c1
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
}

@test "list shows containers and their status" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid create --bundle "$BUNDLE" c2
	grid start c2
	run grid list
	[ "$status" -eq 0 ]
	[[ "$output" == *c1*created* ]]
	[[ "$output" == *c2*running* ]]
}
