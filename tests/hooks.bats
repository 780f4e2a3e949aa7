#!/usr/bin/env bats
# Hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"): each kind runs once, at its
# moment, in its namespace, with the state JSON on stdin; failures abort, stop or only warn as
# the lifecycle says.

load helpers

# add_hook KIND JSON: append one hook object to hooks.KIND of $BUNDLE.
add_hook() {
	update_config ".hooks[\"$1\"] += [$2]"
}

# host_hook KIND SCRIPT: a hook that runs /bin/sh -c SCRIPT (path resolved on the host).
host_hook() {
	add_hook "$1" "$(jq -n -c --arg s "$2" '{path: "/bin/sh", args: ["sh", "-c", $s]}')"
}

# record_all: every kind saves its stdin; startContainer inside the container (its upper layer).
record_all() {
	local k
	for k in prestart createRuntime createContainer poststart poststop; do
		host_hook $k "cat >> $TMP/$k.json"
	done
	host_hook startContainer 'cat >> /startContainer.json'
}

@test "each hook runs once at its moment with the state JSON on stdin" {
	set_args sleep 100
	set_annotation org.example.key value
	record_all
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	for k in prestart createRuntime; do
		jq -e -s --arg b "$BUNDLE" --argjson pid "$pid" 'length == 1 and .[0].status == "created" and
			.[0].id == "c1" and .[0].pid == $pid and .[0].bundle == $b and (.[0].ociVersion | length > 0)
			and .[0].annotations["org.example.key"] == "value"' "$TMP/$k.json"
	done
	# in the container's pid namespace, its init is pid 1
	jq -e -s --arg b "$BUNDLE" 'length == 1 and .[0].status == "created" and .[0].id == "c1" and
		.[0].pid == 1 and .[0].bundle == $b' "$TMP/createContainer.json"
	[ ! -e "$GRID_ROOT/c1/upper/startContainer.json" ]
	[ ! -e "$TMP/poststart.json" ]

	grid start c1
	jq -e -s 'length == 1 and .[0].status == "created" and .[0].id == "c1" and .[0].pid == 1' \
		"$GRID_ROOT/c1/upper/startContainer.json"
	jq -e -s --arg b "$BUNDLE" --argjson pid "$pid" 'length == 1 and .[0].status == "running" and
		.[0].id == "c1" and .[0].pid == $pid and .[0].bundle == $b' "$TMP/poststart.json"
	[ ! -e "$TMP/poststop.json" ]

	grid delete --force c1
	jq -e -s --arg b "$BUNDLE" 'length == 1 and .[0].status == "stopped" and .[0].id == "c1" and
		.[0].bundle == $b' "$TMP/poststop.json"
	for k in prestart createRuntime createContainer poststart; do
		[ "$(jq -s length "$TMP/$k.json")" -eq 1 ]
	done
}

@test "hooks run in order: prestart, createRuntime, createContainer, startContainer, program, poststart" {
	mkdir "$TMP/shared"
	update_config '.mounts += [{destination: "/shared", type: "bind", source: ($tmp + "/shared"), options: ["rbind"]}]'
	set_args sh -c 'echo program >> /shared/order; exec sleep 100'
	for k in prestart createRuntime createContainer; do
		host_hook $k "echo $k >> $TMP/shared/order"
	done
	host_hook startContainer 'echo startContainer >> /shared/order'
	# poststart: the program must already have been exec'd in the init's place
	host_hook poststart "pid=\$(jq .pid); echo \"poststart \$(tr '\\0' ' ' < /proc/\$pid/cmdline)\" >> $TMP/shared/post"
	grid create --bundle "$BUNDLE" c1
	[ "$(cat "$TMP/shared/order")" = "$(printf '%s\n' prestart createRuntime createContainer)" ]
	grid start c1
	run cat "$TMP/shared/post"
	[[ "$output" == "poststart sh -c echo program"* || "$output" == "poststart sleep 100 " ]]
	wait_file "$TMP/shared/order"
	for i in $(seq 50); do
		[ "$(wc -l <"$TMP/shared/order")" -ge 5 ] && break
		sleep 0.1
	done
	[ "$(cat "$TMP/shared/order")" = "$(printf '%s\n' prestart createRuntime createContainer startContainer program)" ]
}

@test "prestart and createRuntime run in the runtime's namespaces" {
	for k in prestart createRuntime; do
		host_hook $k "readlink /proc/self/ns/pid /proc/self/ns/uts /proc/self/ns/mnt > $TMP/$k.ns"
	done
	grid create --bundle "$BUNDLE" c1
	host=$(readlink /proc/self/ns/pid /proc/self/ns/uts /proc/self/ns/mnt)
	[ "$(cat "$TMP/prestart.ns")" = "$host" ]
	[ "$(cat "$TMP/createRuntime.ns")" = "$host" ]
}

@test "createContainer runs in the container's namespaces before pivot_root" {
	update_config '.hostname = "hooked-host"'
	host_hook createContainer "hostname > $TMP/cc.host; readlink /proc/self/ns/uts > $TMP/cc.uts;
		grep -c ' $GRID_ROOT/c1/rootfs ' /proc/self/mountinfo > $TMP/cc.mounts"
	grid create --bundle "$BUNDLE" c1
	# it could write to $TMP: the runtime's root is still its /
	[ "$(cat "$TMP/cc.host")" = hooked-host ]
	[ "$(cat "$TMP/cc.uts")" != "$(readlink /proc/self/ns/uts)" ]
	# it sees the container's root mounted, which the host does not
	[ "$(cat "$TMP/cc.mounts")" -ge 1 ]
	! grep -q " $GRID_ROOT/c1/rootfs " /proc/self/mountinfo
}

@test "createContainer runs in the bundle and sees the container's mounts at root.path" {
	update_config '.mounts += [{"destination": "/hooked", "type": "tmpfs", "source": "tmpfs"}]'
	host_hook createContainer "pwd > $TMP/cc.pwd; stat -f -c %T rootfs/proc > $TMP/cc.proc;
		test -e rootfs/proc/self && stat -f -c %T rootfs/hooked > $TMP/cc.tmpfs"
	grid create --bundle "$BUNDLE" c1
	[ "$(cat "$TMP/cc.pwd")" = "$BUNDLE" ]
	[ "$(cat "$TMP/cc.proc")" = proc ]
	[ "$(cat "$TMP/cc.tmpfs")" = tmpfs ]
	# only the hooks saw it there: not the host, nor the container once created
	[ ! -e "$BUNDLE/rootfs/proc/self" ]
	! grep -q " $BUNDLE/rootfs " /proc/self/mountinfo
	! grep -q " $BUNDLE/rootfs" "/proc/$(container_pid c1)/mountinfo"
}

@test "prestart, createRuntime and createContainer get the status created" {
	for k in prestart createRuntime createContainer; do
		host_hook $k "jq -r .status > $TMP/$k.status"
	done
	grid create --bundle "$BUNDLE" c1
	for k in prestart createRuntime createContainer; do
		[ "$(cat "$TMP/$k.status")" = created ]
	done
}

@test "startContainer runs inside the container's root" {
	set_args sleep 100
	update_config '.hostname = "inside"'
	# /bin/sh here is busybox from the container's rootfs
	host_hook startContainer 'hostname > /sc.host; readlink /bin/sh > /sc.sh; echo $$ > /sc.pid'
	grid create --bundle "$BUNDLE" c1
	grid start c1
	[ "$(cat "$GRID_ROOT/c1/upper/sc.host")" = inside ]
	[ "$(cat "$GRID_ROOT/c1/upper/sc.sh")" = busybox ]
	[ ! -e "$BUNDLE/rootfs/sc.host" ]
	[ ! -e /sc.host ]
}

@test "hook args and env are passed exactly" {
	script="tr '\\0' '\\n' < /proc/\$\$/environ > $TMP/env; tr '\\0' '\\n' < /proc/\$\$/cmdline > $TMP/argv"
	add_hook prestart "$(jq -n -c --arg s "$script" \
		'{path: "/bin/sh", args: ["my-hook", "-c", $s, "zero", "one", "two words"], env: ["A=1", "B=two words"]}')"
	grid create --bundle "$BUNDLE" c1
	[ "$(cat "$TMP/env")" = "$(printf '%s\n' A=1 'B=two words')" ]
	[ "$(cat "$TMP/argv")" = "$(printf '%s\n' my-hook -c "$script" zero one 'two words')" ]
}

@test "a hook without env gets the runtime's environment; startContainer the process's" {
	set_args sleep 100
	host_hook createRuntime "tr '\\0' '\\n' < /proc/\$\$/environ > $TMP/env"
	# busybox's sh execs a lone command, whose /proc/PID/environ then reads empty: not alone
	host_hook startContainer "tr '\\0' '\\n' < /proc/\$\$/environ > /sc.env; true"
	GRID_HOOK_TEST=from-caller grid create --bundle "$BUNDLE" c1
	grid start c1
	grep -qx GRID_HOOK_TEST=from-caller "$TMP/env"
	grep -qx TERM=xterm "$GRID_ROOT/c1/upper/sc.env"
	grep -qx HOME=/root "$GRID_ROOT/c1/upper/sc.env"
	[ "$(grep -c GRID_HOOK_TEST "$GRID_ROOT/c1/upper/sc.env")" = 0 ]
}

@test "a hook that outlives its timeout is killed and create fails" {
	add_hook prestart '{"path": "/bin/sleep", "args": ["sleep", "100"], "timeout": 1}'
	SECONDS=0
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error 'hooks.prestart[0] /bin/sleep: timed out after 1 s'
	[ "$SECONDS" -lt 30 ]
	assert_nothing_left c1
}

@test "a hook that finishes within its timeout succeeds" {
	add_hook createRuntime "$(jq -n -c --arg s "cat > $TMP/ok.json" '{path: "/bin/sh", args: ["sh", "-c", $s], timeout: 10}')"
	grid create --bundle "$BUNDLE" c1
	jq -e '.id == "c1"' "$TMP/ok.json"
}

@test "a failing prestart hook fails create, skips the later hooks, runs poststop and leaves nothing" {
	host_hook prestart 'exit 3'
	host_hook createRuntime "touch $TMP/createRuntime.ran"
	host_hook poststop "cat > $TMP/poststop.json"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error 'hooks.prestart[0] /bin/sh: exited with status 3'
	[ ! -e "$TMP/createRuntime.ran" ]
	jq -e '.status == "stopped" and .id == "c1"' "$TMP/poststop.json"
	assert_nothing_left c1
}

@test "a failing createRuntime hook fails create and leaves nothing" {
	host_hook createRuntime 'true'
	host_hook createRuntime 'kill -9 $$'
	host_hook createContainer "touch $TMP/createContainer.ran"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error 'hooks.createRuntime[1] /bin/sh: killed by signal 9'
	[ ! -e "$TMP/createContainer.ran" ]
	assert_nothing_left c1
}

@test "a failing createContainer hook fails create and leaves nothing" {
	host_hook createContainer 'exit 7'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error 'hooks.createContainer[0] /bin/sh: exited with status 7'
	assert_nothing_left c1
}

@test "a hook that cannot be executed fails create" {
	add_hook createRuntime '{"path": "/nonexistent/hook"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error 'hooks.createRuntime[0] /nonexistent/hook: exec: no such file or directory'
	assert_nothing_left c1
}

@test "a failing startContainer hook fails start and the container ends stopped" {
	set_args sh -c 'touch /ran; exec sleep 100'
	host_hook startContainer 'echo oops >&2; exit 4'
	grid create --bundle "$BUNDLE" c1
	run --separate-stderr grid start c1
	assert_error 'hooks.startContainer[0] /bin/sh: exited with status 4'
	wait_status c1 stopped
	[ ! -e "$GRID_ROOT/c1/upper/ran" ]
	grid delete c1
	assert_nothing_left c1
}

@test "a failing poststart hook fails start and stops the container" {
	set_args sleep 100
	host_hook poststart 'exit 5'
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	run --separate-stderr grid start c1
	assert_error 'hooks.poststart[0] /bin/sh: exited with status 5'
	[ "$(state_field c1 status)" = stopped ]
	wait_gone "$pid"
	grid delete c1
	assert_nothing_left c1
}

@test "a failing poststop hook only warns and delete succeeds" {
	host_hook poststop 'exit 6'
	host_hook poststop "touch $TMP/second.ran"
	grid create --bundle "$BUNDLE" c1
	run --separate-stderr grid delete --force c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning"*"hooks.poststop[0] /bin/sh: exited with status 6"* ]]
	[ ! -e "$GRID_ROOT/c1" ]
	assert_nothing_left c1
}

@test "editing config.json after create does not change the hooks that run later" {
	set_args sleep 100
	host_hook poststart "touch $TMP/poststart-a"
	host_hook poststop "touch $TMP/poststop-a"
	grid create --bundle "$BUNDLE" c1
	update_config "del(.hooks) | .hooks.poststop = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"touch $TMP/poststop-b\"]}]"
	grid start c1
	[ -e "$TMP/poststart-a" ]
	grid delete --force c1
	[ -e "$TMP/poststop-a" ]
	[ ! -e "$TMP/poststop-b" ]
}

@test "run runs poststart and, when it deletes the container, poststop" {
	set_args true
	host_hook poststart "touch $TMP/poststart.ran"
	host_hook poststop "cat > $TMP/poststop.json"
	run grid run --bundle "$BUNDLE" c1
	echo "$output"
	[ "$status" -eq 0 ]
	[ -e "$TMP/poststart.ran" ]
	jq -e '.status == "stopped"' "$TMP/poststop.json"
	assert_nothing_left c1
}

@test "run fails and leaves nothing when a poststart hook fails" {
	set_args sleep 100
	host_hook poststart 'exit 2'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error 'hooks.poststart[0] /bin/sh: exited with status 2'
	assert_nothing_left c1
}

@test "create with hooks prints no warning about them" {
	host_hook createRuntime true
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"hooks"* ]]
}
