#!/usr/bin/env bats
# Every bad input: one "grid: " line on stderr naming what is wrong, a non-zero exit, and nothing
# left behind (no state directory, mount or process).

load helpers

@test "a duplicate id is refused and the first container is intact" {
	set_args sh -c 'touch /ran; exec sleep 100'
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	state=$(cat "$GRID_ROOT/c1/state")
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "already exists" c1
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "already exists" c1
	[ "$(cat "$GRID_ROOT/c1/state")" = "$state" ]
	[ "$(container_pid c1)" = "$pid" ]
	[ "$(state_field c1 status)" = created ]
	[ -p "$GRID_ROOT/c1/exec.fifo" ]
	pid_alive "$pid"
	grid start c1
	wait_file "$GRID_ROOT/c1/upper/ran"
}

@test "invalid container ids are refused before touching the disk" {
	long=$(printf 'a%.0s' $(seq 65))
	for id in '../x' 'a/b' '' "$long" '.hidden' '.' '..' $'a\nb' 'a b' 'a:b' '*'; do
		run --separate-stderr grid create --bundle "$BUNDLE" "$id"
		assert_error "invalid container id"
		run --separate-stderr grid run --bundle "$BUNDLE" "$id"
		assert_error "invalid container id"
		run --separate-stderr grid state "$id"
		assert_error "invalid container id"
		run --separate-stderr grid delete --force "$id"
		assert_error "invalid container id"
	done
	[ ! -e "$TMP/x" ]
	[ ! -e "$GRID_ROOT" ] || [ -z "$(ls -A "$GRID_ROOT")" ]
	assert_nothing_left ""
}

@test "the longest valid id (64 characters) and all allowed characters work" {
	long=$(printf 'b%.0s' $(seq 64))
	set_args true
	run grid run --bundle "$BUNDLE" "$long"
	[ "$status" -eq 0 ]
	run grid run --bundle "$BUNDLE" "Az09_.-x"
	[ "$status" -eq 0 ]
}

@test "a missing bundle is named with no such file or directory" {
	run --separate-stderr grid create --bundle "$TMP/nope" c1
	assert_error "$TMP/nope" "no such file or directory"
	assert_nothing_left c1
}

@test "a missing config.json is named with no such file or directory" {
	rm "$BUNDLE/config.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "config.json" "no such file or directory"
	assert_nothing_left c1
}

@test "invalid JSON in config.json names the byte offset" {
	head -c 100 "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "config.json" "byte"
	assert_nothing_left c1
}

@test "a JSON syntax error names the byte offset" {
	printf '{"ociVersion": "1.3.0", "process": }' >"$BUNDLE/config.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "config.json" "byte"
	assert_nothing_left c1
}

@test "an empty config.json is refused" {
	: >"$BUNDLE/config.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "config.json"
	assert_nothing_left c1
}

@test "config.json that is not an object is refused" {
	echo '[1, 2]' >"$BUNDLE/config.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "config.json"
	assert_nothing_left c1
}

@test "a field of the wrong type is named" {
	update_config '.process.terminal = "yes"'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "terminal"
	assert_nothing_left c1
}

@test "an unknown namespace type is named" {
	update_config '.linux.namespaces += [{"type": "bogusns"}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "bogusns"
	assert_nothing_left c1
}

@test "a namespace path that does not exist is named" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $tmp + "/no-ns" else . end)'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "$TMP/no-ns" "no such file or directory"
	assert_nothing_left c1
}

@test "missing process.args is named" {
	update_config 'del(.process.args)'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.args"
	assert_nothing_left c1
}

@test "empty process.args is named" {
	update_config '.process.args = []'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.args"
	assert_nothing_left c1
}

@test "a missing root.path directory is named" {
	update_config '.root.path = "nope"'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "nope" "no such file or directory"
	assert_nothing_left c1
}

@test "a relative process.cwd is refused" {
	update_config '.process.cwd = "tmp"'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "cwd"
	assert_nothing_left c1
}

@test "an executable missing from the container's PATH: executable file not found" {
	set_args no-such-program
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "no-such-program"
	[[ "$stderr" == *"executable file not found"* || "$stderr" == *"no such file or directory"* ]]
	assert_nothing_left c1
}

@test "a missing absolute executable: no such file or directory" {
	set_args /bin/no-such-program
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "/bin/no-such-program"
	[[ "$stderr" == *"executable file not found"* || "$stderr" == *"no such file or directory"* ]]
	assert_nothing_left c1
}

@test "an executable only on the host is not found in the container" {
	# /usr/bin/env exists on the host but not in the busybox rootfs (env is in /bin there)
	set_args /usr/bin/env
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	[[ "$stderr" == *"executable file not found"* || "$stderr" == *"no such file or directory"* ]]
	assert_error "/usr/bin/env"
	assert_nothing_left c1
}

@test "a non-executable file: permission denied" {
	set_args /etc/passwd
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "permission denied"
	assert_nothing_left c1
}

@test "run of a missing executable fails and leaves nothing" {
	set_args no-such-program
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"executable file not found"* || "$stderr" == *"no such file or directory"* ]]
	assert_nothing_left c1
}

@test "a bind mount of a missing source fails and leaves no mount behind" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": ($tmp + "/nosrc"), "options": ["rbind"]}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "$TMP/nosrc" "no such file or directory"
	assert_nothing_left c1
}

@test "an unknown filesystem type fails and leaves nothing" {
	update_config '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "/mnt"
	assert_nothing_left c1
}

@test "an invalid signal is refused and the container keeps running" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	for sig in BOGUS SIGBOGUS 999; do
		run --separate-stderr grid kill c1 "$sig"
		assert_error "$sig"
	done
	[ "$(state_field c1 status)" = running ]
}

@test "an unknown command is refused" {
	run --separate-stderr grid frobnicate
	assert_error frobnicate
}

@test "an unknown option is refused" {
	run --separate-stderr grid create --no-such-option --bundle "$BUNDLE" c1
	assert_error "no-such-option"
	assert_nothing_left c1
}

@test "a command without its id is refused" {
	for cmd in create start state kill delete run; do
		run --separate-stderr grid "$cmd"
		assert_error
	done
}

@test "a relative --root is taken from the current directory, as runc does" {
	cd "$TMP"
	run --separate-stderr grid --root relative-root run --bundle "$BUNDLE" rel1
	[ "$status" -eq 0 ]
	[ ! -e "$TMP/relative-root/rel1" ]
	run --separate-stderr grid --root "" list
	assert_error "--root"
	cd /
}

@test "a --pid-file in a missing directory fails and leaves nothing" {
	set_args sleep 100
	run --separate-stderr grid create --bundle "$BUNDLE" --pid-file "$TMP/nodir/pid" c1
	assert_error "$TMP/nodir/pid" "no such file or directory"
	assert_nothing_left c1
}
