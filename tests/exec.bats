#!/usr/bin/env bats
# grid exec: a new process in a running container, in its namespaces and cgroup, with the flags
# or a --process JSON; foreground (exit status) and --detach (--pid-file); --preserve-fds for
# exec, create and run.

load helpers

# start_sleeper [ID]: a running container c1 (or ID) whose init sleeps.
start_sleeper() {
	set_args sleep 1000
	run grid run -d --bundle "$BUNDLE" "${1:-c1}"
	[ "$status" -eq 0 ]
	wait_status "${1:-c1}" running
}

# process_json ARGS...: $TMP/process.json with those args, the container's env marker and cwd /.
process_json() {
	jq -n --argjson args "$(json_args "$@")" --arg tmp "$TMP" \
		'{args: $args, cwd: "/", env: ["PATH=/bin:/usr/bin", "GRID_TEST_TMP=" + $tmp], user: {uid: 0, gid: 0}}' \
		>"$TMP/process.json"
}

@test "exec prints the command's output and exits with its status" {
	start_sleeper
	run --separate-stderr grid exec c1 echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run --separate-stderr grid exec c1 sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run --separate-stderr grid exec c1 sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
}

@test "the command's own options are not grid's" {
	start_sleeper
	run --separate-stderr grid exec c1 ls -d -h /
	[ "$status" -eq 0 ]
	[ "$output" = / ]
}

@test "exec sees the container's hostname, pid and mount namespaces" {
	update_config '.hostname = "exec-host"'
	start_sleeper
	run --separate-stderr grid exec c1 hostname
	[ "$output" = exec-host ]
	run --separate-stderr grid exec c1 ps -o pid,args
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '$1 == 1 { print $2 }')" = sleep ]
	touch "$GRID_ROOT/c1/upper/only-inside"
	run --separate-stderr grid exec c1 ls /only-inside
	[ "$status" -eq 0 ]
	[ ! -e /only-inside ]
}

@test "exec runs with the config as created: edits to the bundle's config.json change nothing" {
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" c1
	# a profile that would refuse mkdir, then a config that no longer parses
	update_config '.linux.seccomp = { "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO" }] }'
	run --separate-stderr grid exec c1 mkdir /made
	[ "$status" -eq 0 ]
	echo '{ broken' >"$BUNDLE/config.json"
	run --separate-stderr grid exec c1 sh -c 'test -d /made && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "--cwd, --env and --user apply to the exec'd process" {
	start_sleeper
	run --separate-stderr grid exec --cwd /tmp --env FOO=bar -e TERM=dumb --user 1000:1001 c1 \
		sh -c 'pwd; echo "$FOO $TERM"; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /tmp ]
	[ "${lines[1]}" = "bar dumb" ]
	[ "${lines[2]}" = 1000 ]
	[ "${lines[3]}" = 1001 ]
	# the equals syntax too
	run --separate-stderr grid exec --cwd=/etc --user=7 c1 sh -c 'pwd; id -u'
	[ "${lines[0]}" = /etc ]
	[ "${lines[1]}" = 7 ]
}

@test "--process FILE gives args, env, cwd and user" {
	start_sleeper
	jq -n --arg tmp "$TMP" '{args: ["sh", "-c", "pwd; echo $X; id -u; id -g"], cwd: "/var",
		env: ["PATH=/bin", "X=from-json", "GRID_TEST_TMP=" + $tmp], user: {uid: 42, gid: 43}}' >"$TMP/p.json"
	run --separate-stderr grid exec --process "$TMP/p.json" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /var ]
	[ "${lines[1]}" = from-json ]
	[ "${lines[2]}" = 42 ]
	[ "${lines[3]}" = 43 ]
}

@test "exec sets HOME from the container's /etc/passwd for its uid (--user, --process) when its env has none" {
	echo 'user:x:1000:1000::/home/user:/bin/sh' >>"$BUNDLE/rootfs/etc/passwd"
	start_sleeper
	run --separate-stderr grid exec c1 sh -c 'echo "[$HOME]"'
	[ "$output" = "[/root]" ]
	run --separate-stderr grid exec --user 1000 c1 sh -c 'echo "[$HOME]"'
	[ "$output" = "[/home/user]" ]
	run --separate-stderr grid exec --user 4242 c1 sh -c 'echo "[$HOME]"'
	[ "$output" = "[/]" ]
	run --separate-stderr grid exec --env HOME=/mine --user 1000 c1 sh -c 'echo "[$HOME]"'
	[ "$output" = "[/mine]" ]
	process_json sh -c 'echo "[$HOME]"'
	jq '.user.uid = 1000' "$TMP/process.json" >"$TMP/p.json"
	run --separate-stderr grid exec --process "$TMP/p.json" c1
	[ "$output" = "[/home/user]" ]
}

@test "an exec'd process is in the container's cgroup" {
	start_sleeper
	run --separate-stderr grid exec -d --pid-file "$TMP/pid" c1 sleep 100
	[ "$status" -eq 0 ]
	pid=$(cat "$TMP/pid")
	init=$(container_pid c1)
	[ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
	grep -q "$(grid_cgroup c1)" "/proc/$pid/cgroup"
}

@test "--detach --pid-file leaves the process running, its host pid in the file without newline" {
	start_sleeper
	run --separate-stderr grid exec --detach --pid-file "$TMP/pid" c1 sleep 100
	[ "$status" -eq 0 ]
	pid=$(cat "$TMP/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	[ "$(wc -c <"$TMP/pid")" -eq "${#pid}" ]
	pid_alive "$pid"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
	# in the container's pid namespace
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$(container_pid c1)/ns/pid")" ]
	grid ps --format json c1 | jq -e --argjson p "$pid" 'index($p) != null'
}

@test "a missing command fails exec with executable file not found" {
	start_sleeper
	run --separate-stderr grid exec c1 no-such-command
	assert_error 'exec: "no-such-command": executable file not found in $PATH'
	[ "$status" -eq 1 ]
	run --separate-stderr grid exec -d c1 /no/such/file
	assert_error "no such file or directory"
	run --separate-stderr grid exec c1 /etc/passwd
	assert_error "permission denied"
}

@test "exec into a stopped container is refused" {
	set_args true
	grid create --bundle "$BUNDLE" c1
	grid start c1
	wait_status c1 stopped
	run --separate-stderr grid exec c1 echo hi
	assert_error "not running"
	run --separate-stderr grid exec c2 echo hi
	[ "$status" -ne 0 ]
}

@test "exec into a paused container is refused" {
	start_sleeper
	grid pause c1
	run --separate-stderr grid exec c1 echo hi
	assert_error "paused"
	grid resume c1
}

@test "exec into a created container runs" {
	set_args sleep 1000
	grid create --bundle "$BUNDLE" c1
	run --separate-stderr grid exec c1 echo in-created
	[ "$status" -eq 0 ]
	[ "$output" = in-created ]
}

@test "exec --tty --console-socket sends a pty; the process's stdio is that pty" {
	start_sleeper
	python3 "$REPO/tests/recvtty.py" "$TMP/tty.sock" "$TMP/tty.out" 2>"$TMP/tty.err" &
	recv=$!
	wait_file "$TMP/tty.sock"
	run --separate-stderr grid exec --tty --detach --console-socket "$TMP/tty.sock" c1 \
		sh -c 'test -t 0 && test -t 1 && echo TTY-OK; tty'
	[ "$status" -eq 0 ]
	rc=0
	wait "$recv" || rc=$?
	cat "$TMP/tty.err" >&2
	[ "$rc" -eq 0 ]
	out=$(tr -d '\r' <"$TMP/tty.out")
	[[ "$out" == *TTY-OK* ]]
	[[ "$out" == */dev/pts/* ]]
}

@test "exec --tty --detach without --console-socket is refused" {
	start_sleeper
	run --separate-stderr grid exec --tty --detach c1 true
	assert_error "console-socket"
}

@test "--preserve-fds 1 passes fd 3 to run's program" {
	echo run-fd-content >"$TMP/fd3"
	set_args cat /proc/self/fd/3
	run --separate-stderr grid run --preserve-fds 1 --bundle "$BUNDLE" c1 3<"$TMP/fd3"
	[ "$status" -eq 0 ]
	[ "$output" = run-fd-content ]
}

@test "--preserve-fds 1 passes fd 3 to exec's process, and nothing beyond" {
	start_sleeper
	echo exec-fd-content >"$TMP/fd3"
	run --separate-stderr grid exec --preserve-fds 1 c1 \
		sh -c 'cat <&3; test -e /proc/self/fd/5 && echo has5; echo end' 3<"$TMP/fd3" 5<"$TMP/fd3"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = exec-fd-content ]
	[ "${lines[1]}" = end ]
	# without it, fd 3 does not reach the process
	run --separate-stderr grid exec c1 sh -c 'test -e /proc/self/fd/3 && echo has3; echo end' 3<"$TMP/fd3"
	[ "$output" = end ]
}

@test "socket activation: LISTEN_FDS fds pass in first with LISTEN_FDS and LISTEN_PID=1; --preserve-fds counts after them" {
	echo sock-a >"$TMP/a"
	echo sock-b >"$TMP/b"
	echo extra >"$TMP/c"
	set_args sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4; cat <&5; test -e /proc/self/fd/6 && echo has6; echo end'
	# LISTEN_PID must be grid's own pid, as a service manager sets it: sh execs grid
	run --separate-stderr timeout 60 sh -c 'LISTEN_FDS=2 LISTEN_PID=$$ exec "$0" run --preserve-fds 1 --bundle "$1" c1' \
		"$GRID_BIN" "$BUNDLE" 3<"$TMP/a" 4<"$TMP/b" 5<"$TMP/c" 6<"$TMP/c"
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "2 1 sock-a sock-b extra end" ]
	# sockets meant for another process (LISTEN_PID not grid's) are not taken
	set_args sh -c 'echo "[$LISTEN_FDS]"; test -e /proc/self/fd/3 && echo has3; echo end'
	run --separate-stderr timeout 60 sh -c 'LISTEN_FDS=1 LISTEN_PID=1 exec "$0" run --bundle "$1" c1' \
		"$GRID_BIN" "$BUNDLE" 3<"$TMP/a"
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "[] end" ]
}

@test "--preserve-fds skips the fds of its range that are closed, as crun does" {
	echo content >"$TMP/f"
	# fds 3 and 5 closed, 4 open: nothing of grid's own takes their place either
	set_args sh -c 'for f in 3 4 5; do test -e /proc/self/fd/$f && echo has$f; done; cat <&4'
	run --separate-stderr grid run --preserve-fds 3 --bundle "$BUNDLE" c1 3<&- 4<"$TMP/f" 5<&-
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "has4 content" ]
	start_sleeper c2
	run --separate-stderr grid exec --preserve-fds 4 c2 \
		sh -c 'for f in 3 4 5 6; do test -e /proc/self/fd/$f && echo has$f; done; cat <&5' 3<"$TMP/f" 4<&- 5<"$TMP/f" 6<&-
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "has3 has5 content" ]
}

@test "capabilities from --process are applied" {
	start_sleeper
	jq -n --arg tmp "$TMP" '{args: ["grep", "^CapEff", "/proc/self/status"], cwd: "/",
		env: ["PATH=/bin", "GRID_TEST_TMP=" + $tmp], user: {uid: 0, gid: 0},
		capabilities: {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}}' >"$TMP/p.json"
	run --separate-stderr grid exec --process "$TMP/p.json" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CapEff:\t0000000000000020')" ]
}

@test "--cap adds to the config's capabilities" {
	update_config '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
	start_sleeper
	run --separate-stderr grid exec c1 grep ^CapEff /proc/self/status
	[ "$output" = "$(printf 'CapEff:\t0000000000000020')" ]
	run --separate-stderr grid exec --cap CAP_CHOWN c1 grep ^CapEff /proc/self/status
	[ "$output" = "$(printf 'CapEff:\t0000000000000021')" ]
}

@test "the config's seccomp profile applies to exec'd processes" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	start_sleeper
	run --separate-stderr grid exec c1 sh -c 'mkdir /tmp/x; echo "rc=$?"'
	[ "$status" -eq 0 ]
	[ "$output" = rc=1 ]
}

@test "NoNewPrivs is 0 without --no-new-privs and noNewPrivileges, 1 with either; --process's field alone decides" {
	update_config 'del(.process.noNewPrivileges)'
	start_sleeper
	nnp() { grid exec "$@" awk '/^NoNewPrivs/ { print $2 }' /proc/self/status; }
	[ "$(nnp c1)" = 0 ]
	[ "$(nnp --user 1000 c1)" = 0 ]
	[ "$(nnp --no-new-privs c1)" = 1 ]
	process_json awk '/^NoNewPrivs/ { print $2 }' /proc/self/status
	[ "$(grid exec --process "$TMP/process.json" c1)" = 0 ]
	[ "$(grid exec --no-new-privs --process "$TMP/process.json" c1)" = 0 ]
	jq '.noNewPrivileges = true' "$TMP/process.json" >"$TMP/p.json"
	[ "$(grid exec --process "$TMP/p.json" c1)" = 1 ]
	# the config's true holds for exec without --process
	update_config '.process.noNewPrivileges = true'
	start_sleeper c2
	[ "$(nnp c2)" = 1 ]
}
