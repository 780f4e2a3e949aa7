#!/usr/bin/env bats
# The command line: global flags, --flag=value, help, version, list, spec, logs, warnings.

load helpers

@test "--version prints the version" {
	run grid --version
	[ "$status" -eq 0 ]
	[[ "$output" == *grid* ]]
	[[ "$output" =~ [0-9]+\.[0-9]+ ]]
	# exactly the three lines dockerd parses (docker info shows the commit)
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" =~ ^grid\ version\ [0-9]+\.[0-9]+ ]]
	[[ "${lines[1]}" =~ ^commit:\ ([0-9a-f]{7,40}|unknown)$ ]]
	[ "${lines[2]}" = "spec: 1.3.0" ]
}

@test "--help lists the commands and the default root" {
	run grid --help
	[ "$status" -eq 0 ]
	for cmd in create start state kill delete run list spec; do
		[[ "$output" == *"$cmd"* ]]
	done
	[[ "$output" == *"--root"* ]]
	[[ "$output" == */run/grid* ]]
	[[ "$output" == *GRID_ROOT* ]]
}

@test "help create describes create's options" {
	run grid help create
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle"* ]]
	[[ "$output" == *"--pid-file"* ]]
	[[ "$output" == *"--console-socket"* ]]
	[[ "$output" == *"--no-pivot"* ]]
}

@test "help run describes run's options" {
	run grid help run
	[ "$status" -eq 0 ]
	[[ "$output" == *"--detach"* ]]
	[[ "$output" == *"--keep"* ]]
}

@test "help of an unknown command fails" {
	run --separate-stderr grid help frobnicate
	assert_error frobnicate
}

@test "--root overrides GRID_ROOT" {
	extra_root "$TMP/root2"
	set_args sleep 100
	run grid --root "$TMP/root2" create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ -d "$TMP/root2/c1" ]
	[ ! -e "$GRID_ROOT/c1" ]
	run grid list -q
	[ "$output" = "" ]
	run grid --root "$TMP/root2" list -q
	[ "$output" = c1 ]
	run grid state c1
	[ "$status" -ne 0 ]
	grid --root "$TMP/root2" delete --force c1
	[ ! -e "$TMP/root2/c1" ]
}

@test "GRID_ROOT chooses the root when --root is absent" {
	set_args sleep 100
	GRID_ROOT=$TMP/root3 grid create --bundle "$BUNDLE" c1 || {
		GRID_ROOT=$TMP/root3 grid delete --force c1
		false
	}
	extra_root "$TMP/root3"
	[ -d "$TMP/root3/c1" ]
	[ ! -e "$GRID_ROOT/c1" ]
	[ "$(GRID_ROOT=$TMP/root3 grid list -q)" = c1 ]
}

@test "--flag=value works for global and command options" {
	extra_root "$TMP/root2"
	set_args sleep 100
	run grid --root="$TMP/root2" --log="$TMP/log" --log-format=json create --bundle="$BUNDLE" --pid-file="$TMP/pid" c1
	[ "$status" -eq 0 ]
	[ -d "$TMP/root2/c1" ]
	[ "$(cat "$TMP/pid")" = "$(grid --root="$TMP/root2" state c1 | jq .pid)" ]
	run grid --root="$TMP/root2" list --format=json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.[0].id == "c1"'
	run grid --root="$TMP/root2" delete --force c1
	[ "$status" -eq 0 ]
}

@test "list on an empty root" {
	run grid list -q
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run grid list --format json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'length == 0'
}

@test "list -q prints one id per line" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" b1
	grid create --bundle "$BUNDLE" a1
	run grid list -q
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort)" = "$(printf 'a1\nb1')" ]
	run grid list --quiet
	[ "$(echo "$output" | sort)" = "$(printf 'a1\nb1')" ]
}

@test "list --format json prints an array of state objects" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid create --bundle "$BUNDLE" c2
	grid start c2
	run grid list --format json
	[ "$status" -eq 0 ]
	echo "$output" | jq -e 'type == "array" and length == 2'
	echo "$output" | jq -e 'map(select(.id == "c1"))[0].status == "created"'
	echo "$output" | jq -e 'map(select(.id == "c2"))[0].status == "running"'
	echo "$output" | jq -e --arg b "$BUNDLE" 'all(.[]; .bundle == $b and (.pid | type) == "number" and (.ociVersion | type) == "string")'
}

@test "list --format table has a header and a row per container" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	run grid list --format table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *ID* ]]
	[[ "${lines[0]}" == *STATUS* ]]
	[[ "${lines[1]}" == c1* ]]
	[[ "${lines[1]}" == *created* ]]
}

@test "spec writes a runc-like default config.json" {
	mkdir "$TMP/s"
	run grid spec --bundle "$TMP/s"
	[ "$status" -eq 0 ]
	cfg=$TMP/s/config.json
	jq -e '.ociVersion | type == "string"' "$cfg"
	jq -e '.process.terminal == true' "$cfg"
	jq -e '.process.args == ["sh"]' "$cfg"
	jq -e '.root.path == "rootfs"' "$cfg"
	jq -e '.root.readonly == true' "$cfg"
	jq -e '[.linux.namespaces[].type] | contains(["pid", "mount"])' "$cfg"
}

@test "spec without --bundle writes to the current directory" {
	mkdir "$TMP/s"
	cd "$TMP/s"
	run grid spec
	[ "$status" -eq 0 ]
	cd /
	jq -e . "$TMP/s/config.json" >/dev/null
}

@test "a config from grid spec runs with terminal false and new args" {
	mkdir "$TMP/s"
	grid spec --bundle "$TMP/s"
	mv "$BUNDLE/rootfs" "$TMP/s/rootfs"
	jq '.process.terminal = false | .process.args = ["sh", "-c", "echo $$; hostname"]' \
		"$TMP/s/config.json" >"$TMP/s/c" && mv "$TMP/s/c" "$TMP/s/config.json"
	run --separate-stderr grid run --bundle "$TMP/s" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ -n "${lines[1]}" ]
	assert_nothing_left c1
}

@test "--log-format json appends one JSON object per error" {
	run grid --log "$TMP/log" --log-format json state nosuch
	[ "$status" -ne 0 ]
	run grid --log "$TMP/log" --log-format json kill nosuch
	[ "$status" -ne 0 ]
	errors=$(jq -c 'select(.level == "error")' "$TMP/log")
	[ "$(echo "$errors" | wc -l)" -eq 2 ]
	# every line is one complete object
	while IFS= read -r line; do
		echo "$line" | jq -e 'type == "object" and has("level") and has("msg") and has("time")' >/dev/null
	done <"$TMP/log"
	echo "$errors" | jq -e '.msg | contains("does not exist")'
	echo "$errors" | jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")'
}

@test "--log-format json escapes what it logs" {
	mkdir "$TMP/we\"ird"
	run grid --log "$TMP/log" --log-format json create --bundle "$TMP/we\"ird" c1
	[ "$status" -ne 0 ]
	jq -e 'select(.level == "error") | .msg | contains("we\"ird")' "$TMP/log"
}

@test "--log in text format records the error" {
	run --separate-stderr grid --log "$TMP/log" state nosuch
	assert_error "does not exist"
	grep -q "does not exist" "$TMP/log"
}

@test "with --log, warnings go to the log only: the container's stdio is not the runtime's" {
	# an ambient capability that is not also inheritable is dropped with a warning
	update_config '.process.capabilities.ambient = ["CAP_CHOWN"] | .process.capabilities.inheritable = []'
	set_args true
	run --separate-stderr grid --log "$TMP/log" --log-format json run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *warning* ]]
	jq -e 'select(.level == "warning") | .msg | test("ambient")' "$TMP/log"
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[[ "$stderr" == *"warning: process.capabilities.ambient"* ]]
}

@test "--debug does not break create" {
	set_args sleep 100
	run grid --debug --log "$TMP/log" create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = created ]
}

@test "enforced fields print no unenforced warning" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}
		| .linux.resources = {"memory": {"limit": 1073741824}}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"not enforced"* ]]
}

@test "a plain config prints no warning" {
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "--no-pivot is accepted" {
	set_args sh -c 'echo $$'
	run grid create --no-pivot --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	grid start c1
	wait_status c1 stopped
}

@test "grid is one statically linked binary" {
	run file -L "$GRID_BIN"
	[[ "$output" == *"statically linked"* ]]
	run ldd "$GRID_BIN"
	[ "$status" -ne 0 ] || [[ "$output" == *"not a dynamic executable"* ]]
}
