#!/usr/bin/env bats
# containerd.bats - containerd 1.6 + its runc v2 shim drive the runtime under test
# ($E2E_RUNTIME, see clients.bash) as `ctr run --runc-binary PATH`: every scenario asserts what a
# ctr user sees. A private containerd keeps its root, state, sockets, the runtime's state root
# (--runc-root) and the busybox image under a short directory ($CD) and uses its own ctr
# namespace ($NS, also the parent of the containers' cgroups); the CRI plugin and the plugins
# that touch host paths are disabled.
# Where ctr 1.6 has no flag (hostname, user, pids limit) the scenario runs a full OCI spec with
# `ctr run --config` on an unpacked copy of the image; live updates go through containerd's
# Tasks.Update API (tests/ctr-update.py), which ctr 1.6 has no command for.

load clients

setup_file() {
	e2e_require containerd ctr containerd-shim-runc-v2 jq
	CD=$(mktemp -d /tmp/ge-ctd.XXXXXX)
	NS=ge-ctd-${CD##*.}
	export CD NS
	[ -e /run/containerd ] || touch "$CD/made-run-containerd"
	cat >"$CD/config.toml" <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CD/c.sock"
[ttrpc]
  address = "$CD/t.sock"
[debug]
  address = ""
[metrics]
  address = ""
EOF
	containerd --config "$CD/config.toml" </dev/null >"$CD/containerd.log" 2>&1 3>&- &
	echo $! >"$CD/containerd.pid"
	local i
	for i in $(seq 100); do
		ctr -a "$CD/c.sock" version >/dev/null 2>&1 && break
		kill -0 "$(cat "$CD/containerd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	ctr -a "$CD/c.sock" version >/dev/null || { cat "$CD/containerd.log" >&2; return 1; }
	e2e_busybox_tar "$CD/busybox.tar"
	mkdir "$CD/rootfs"
	tar -C "$CD/rootfs" -xf "$CD/busybox.tar"
	oci_archive "$CD/busybox.tar" "$CD/busybox-oci.tar" localhost/busybox:latest
	ctr -a "$CD/c.sock" -n "$NS" image import "$CD/busybox-oci.tar" >/dev/null
	ctr -a "$CD/c.sock" -n "$NS" oci spec >"$CD/spec.json"
}

teardown_file() {
	[ -n "${CD:-}" ] && [ -d "$CD" ] || return 0
	local id pid m
	if [ -S "$CD/c.sock" ]; then
		for id in $(ctr -a "$CD/c.sock" -n "$NS" container ls -q 2>/dev/null); do
			cleanup_container "$id"
		done
	fi
	pid=$(cat "$CD/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	# Shims of this containerd (their command line names its socket) exit once their task is
	# deleted; end any that outlived it and remove their sockets, which a shim always puts in
	# /run/containerd/s/sha256(ADDRESS/NS/ID).
	for _ in $(seq 50); do
		[ -z "$(pgrep -f -- "-address $CD/c.sock")" ] && break
		sleep 0.1
	done
	for pid in $(pgrep -f -- "-address $CD/c.sock"); do
		grep -qF "$CD/c.sock" "/proc/$pid/cmdline" 2>/dev/null && kill -9 "$pid"
	done
	for id in $(cat "$CD/ids" 2>/dev/null); do
		rm -f "/run/containerd/s/$(printf %s "$CD/c.sock/$NS/$id" | sha256sum | cut -d' ' -f1)"
	done
	[ -e "$CD/made-run-containerd" ] && rmdir /run/containerd/s /run/containerd 2>/dev/null
	for m in $(mounts_under "$CD" | sort -r); do umount -l "$m"; done
	find /sys/fs/cgroup/*/"$NS" -depth -type d -exec rmdir {} + 2>/dev/null
	rm -rf "$CD"
}

setup() {
	e2e_require containerd ctr containerd-shim-runc-v2 jq
	ID=ge-$BATS_TEST_NUMBER
	echo "$ID $ID-2" >>"$CD/ids"
}

teardown() {
	cleanup_container "$ID"
	cleanup_container "$ID-2"
}

# cleanup_container ID: kill and delete ID's task and the container, if any.
cleanup_container() {
	c task kill -s SIGKILL "$1" >/dev/null 2>&1
	c task delete -f "$1" >/dev/null 2>&1
	c container delete "$1" >/dev/null 2>&1
	return 0
}

c() {
	timeout -k 5 "$E2E_TIMEOUT" ctr -a "$CD/c.sock" -n "$NS" "$@"
}

# ctr_run [FLAGS... --] ID CMD...: ctr run with the runtime under test on the busybox image.
ctr_run() {
	local -a opts=()
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
	fi
	local id=$1
	shift
	c run --runc-binary "$E2E_RT" --runc-root "$CD/runc" --fifo-dir "$CD/fifo" "${opts[@]}" localhost/busybox:latest "$id" "$@" </dev/null
}

# spec_run -d|--rm ID JQ_FILTER CMD...: ctr run --config with containerd's default spec, the
# unpacked busybox root (read-only), cgroup /$NS/ID, CMD, the image's PATH (a default spec has
# no env) and JQ_FILTER applied.
spec_run() {
	local -a d=("$1")
	shift
	local id=$1 filter=$2
	shift 2
	# CMD goes in as a JSON array: jq would take CMD's own flags (sh -c) for its options.
	local args
	args=$(printf '%s\n' "$@" | jq -Rsc 'split("\n")[:-1]')
	jq --arg root "$CD/rootfs" --arg cg "/$NS/$id" --argjson args "$args" "$filter"'
		| .root = {path: $root, readonly: true} | .linux.cgroupsPath = $cg
		| .process.args = $args | .process.env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]' \
		<"$CD/spec.json" >"$CD/$id.json"
	c run --runc-binary "$E2E_RT" --runc-root "$CD/runc" --fifo-dir "$CD/fifo" "${d[@]}" --config "$CD/$id.json" "$id" </dev/null
}

# cx ARGS...: ctr task exec, its fifos under $CD.
cx() { c task exec --fifo-dir "$CD/fifo" "$@"; }

task_pid() { c task ls | awk -v id="$1" '$1 == id { print $2 }'; }
task_status() { c task ls | awk -v id="$1" '$1 == id { print $3 }'; }

# wait_status ID STATUS: until ctr shows ID's task in STATUS (bounded by E2E_TIMEOUT).
wait_status() {
	local i
	for i in $(seq $((E2E_TIMEOUT * 10))); do
		[ "$(task_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "task $1 is $(task_status "$1"), not $2" >&2
	return 1
}

# wait_ready ID: until ID's program has made /ready (its trap is set), bounded by E2E_TIMEOUT.
wait_ready() {
	local i
	for i in $(seq $((E2E_TIMEOUT * 5))); do
		[ "$(task_status "$1")" = RUNNING ] && cx --exec-id ready "$1" test -e /ready 2>/dev/null && return 0
		sleep 0.2
	done
	echo "task $1 did not get ready" >&2
	return 1
}

@test "containerd: run prints the program's output and --rm removes the container" {
	run ctr_run --rm -- "$ID" echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run c container info "$ID"
	[ "$status" -ne 0 ]
	[ ! -e "$CD/runc/$NS/$ID" ]
}

@test "containerd: exit codes pass through; a missing or non-executable program shows the runtime's error" {
	run ctr_run --rm -- "$ID" sh -c 'exit 42'
	[ "$status" -eq 42 ]
	# The shim shows the last error line of the runtime's json log (crun capitalizes errno texts).
	run ctr_run --rm -- "$ID" /nonexistent
	[ "$status" -ne 0 ]
	[[ ${output,,} == *"oci runtime create failed"*"/nonexistent"*"no such file or directory"* ]]
	run ctr_run --rm -- "$ID" /etc/passwd
	[ "$status" -ne 0 ]
	[[ ${output,,} == *"oci runtime create failed"*"permission denied"* ]]
	# crun says "open executable"; Grid names the program.
	[ "$E2E_RUNTIME" != grid ] || [[ $output == *"/etc/passwd"* ]]
	run c container info "$ID"
	[ "$status" -ne 0 ]
}

@test "containerd: environment and working directory" {
	run ctr_run --rm --env FOO=bar --cwd /tmp -- "$ID" sh -c 'echo "$FOO $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /tmp" ]
}

@test "containerd: hostname (ctr run --config)" {
	run spec_run --rm "$ID" '.hostname = "box1"' hostname
	[ "$status" -eq 0 ]
	[ "$output" = box1 ]
}

@test "containerd: user and group (ctr run --config)" {
	run spec_run --rm "$ID" '.process.user = {uid: 1000, gid: 1001}' sh -c 'echo $(id -u) $(id -g)'
	[ "$status" -eq 0 ]
	[ "$output" = "1000 1001" ]
}

@test "containerd: --read-only makes the root filesystem read-only" {
	run ctr_run --rm --read-only -- "$ID" touch /x
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	run ctr_run --rm --read-only -- "$ID" touch /dev/shm/x
	[ "$status" -eq 0 ]
}

@test "containerd: --privileged may mount, a default container may not" {
	run ctr_run --rm --privileged -- "$ID" sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt && grep " /mnt " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ $output == *tmpfs* ]]
	run ctr_run --rm -- "$ID" sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt'
	[ "$status" -ne 0 ]
}

@test "containerd: --cap-drop takes a capability away" {
	run ctr_run --rm -- "$ID" chown 1:1 /tmp
	[ "$status" -eq 0 ]
	run ctr_run --rm --cap-drop CAP_CHOWN -- "$ID" chown 1:1 /tmp
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

@test "containerd: --memory-limit and a pids limit are in the container's cgroup on the host" {
	ctr_run -d --memory-limit 67108864 -- "$ID" sleep 300
	[ "$(cat "$(host_cgroup "$(task_pid "$ID")" memory)/memory.limit_in_bytes")" -eq 67108864 ]
	spec_run -d "$ID-2" '.linux.resources.pids = {limit: 50}' sleep 300
	[ "$(cat "$(host_cgroup "$(task_pid "$ID-2")" pids)/pids.max")" -eq 50 ]
}

@test "containerd: exec into a detached container: output, status, user, stdin, tty" {
	ctr_run -d -- "$ID" sleep 300
	run cx --exec-id e1 "$ID" sh -c 'echo in $(hostname)'
	[ "$status" -eq 0 ]
	[[ $output == "in "* ]]
	run cx --exec-id e2 "$ID" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run cx --exec-id e3 --user 1000 "$ID" id -u
	[ "$output" = 1000 ]
	run bash -c 'echo from-stdin | timeout 60 ctr -a "$1" -n "$2" task exec --fifo-dir "$CD/fifo" --exec-id e4 "$3" cat' _ "$CD/c.sock" "$NS" "$ID"
	[ "$output" = from-stdin ]
	command -v script >/dev/null || skip "script (bsdutils) is missing"
	run script -qec "timeout --foreground 60 ctr -a $CD/c.sock -n $NS task exec --fifo-dir $CD/fifo -t --exec-id e5 $ID sh -c 'tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ $output == *"/dev/pts/"* ]]
}

@test "containerd: exec of a missing program shows the runtime's error" {
	ctr_run -d -- "$ID" sleep 300
	run cx --exec-id e1 "$ID" /nonexistent
	[ "$status" -ne 0 ]
	[[ ${output,,} == *"oci runtime exec failed"*"/nonexistent"*"no such file or directory"* ]]
	[ "$(task_status "$ID")" = RUNNING ]
}

@test "containerd: exec sees the container's processes, not the host's" {
	ctr_run -d -- "$ID" sleep 300
	run cx --exec-id e1 "$ID" ps -o pid,args
	[ "$status" -eq 0 ]
	[[ $output == *"1 sleep 300"* ]]
	[[ $output != *containerd* ]]
	# ctr task ps lists the container's processes by host pid (the runtime's `ps --format json`).
	run c task ps "$ID"
	[ "$status" -eq 0 ]
	[[ $output == *"$(task_pid "$ID")"* ]]
}

@test "containerd: kill sends SIGTERM; SIGKILL ends a program that ignores it" {
	ctr_run --rm -- "$ID" sh -c 'trap "exit 7" TERM; touch /ready; while :; do sleep 0.1; done' &
	local bg=$! rc=0
	wait_ready "$ID"
	c task kill "$ID"
	wait "$bg" || rc=$?
	[ "$rc" -eq 7 ]
	# busybox sh as pid 1 ignores SIGTERM: it keeps running until SIGKILL.
	ctr_run -d -- "$ID-2" sh -c 'while :; do sleep 0.1; done'
	c task kill "$ID-2"
	run cx --exec-id e1 "$ID-2" true
	[ "$status" -eq 0 ]
	[ "$(task_status "$ID-2")" = RUNNING ]
	c task kill -s SIGKILL "$ID-2"
	wait_status "$ID-2" STOPPED
}

@test "containerd: kill delivers the signal given" {
	ctr_run --rm -- "$ID" sh -c 'trap "exit 9" USR1; touch /ready; while :; do sleep 0.1; done' &
	local bg=$! rc=0
	wait_ready "$ID"
	c task kill -s SIGUSR1 "$ID"
	wait "$bg" || rc=$?
	[ "$rc" -eq 9 ]
}

@test "containerd: kill --all reaches every process of the container" {
	ctr_run -d -- "$ID" sleep 300
	cx -d --exec-id e1 "$ID" sleep 301
	local n
	n=$(c task ps "$ID" | tail -n +2 | wc -l)
	[ "$n" -eq 2 ]
	c task kill --all -s SIGKILL "$ID"
	wait_status "$ID" STOPPED
}

@test "containerd: pause freezes the container and resume thaws it" {
	ctr_run -d -- "$ID" sleep 300
	local pid
	pid=$(task_pid "$ID")
	c task pause "$ID"
	[ "$(task_status "$ID")" = PAUSED ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = FROZEN ]
	c task resume "$ID"
	[ "$(task_status "$ID")" = RUNNING ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = THAWED ]
}

@test "containerd: Tasks.Update changes a live memory limit" {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import grpc' 2>/dev/null ||
		skip "python3-grpcio is missing (tests/run installs it)"
	ctr_run -d --memory-limit 67108864 -- "$ID" sleep 300
	run /usr/bin/python3 "$REPO/tests/ctr-update.py" "$CD/c.sock" "$NS" "$ID" '{"memory": {"limit": 134217728}}'
	[ "$status" -eq 0 ]
	[ "$(cat "$(host_cgroup "$(task_pid "$ID")" memory)/memory.limit_in_bytes")" -eq 134217728 ]
}

@test "containerd: a new task in the same container runs again and keeps the container's files" {
	ctr_run -d -- "$ID" sh -c 'echo run >>/runs; sleep 300'
	local pid1
	pid1=$(task_pid "$ID")
	c task kill -s SIGKILL "$ID"
	wait_status "$ID" STOPPED
	c task delete "$ID" >/dev/null
	c task start --fifo-dir "$CD/fifo" -d "$ID" </dev/null
	[ "$(task_status "$ID")" = RUNNING ]
	[ "$(task_pid "$ID")" != "$pid1" ]
	run cx --exec-id e1 "$ID" cat /runs
	[ "$output" = "run
run" ]
}

@test "containerd: task rm -f removes a running task and its runtime state" {
	ctr_run -d -- "$ID" sleep 300
	local pid
	pid=$(task_pid "$ID")
	[ -e "$CD/runc/$NS/$ID" ]
	c task delete -f "$ID" >/dev/null
	c container delete "$ID"
	run c container info "$ID"
	[ "$status" -ne 0 ]
	! kill -0 "$pid" 2>/dev/null || false
	[ ! -e "$CD/runc/$NS/$ID" ]
	[ ! -d "/sys/fs/cgroup/memory/$NS/$ID" ]
}

@test "containerd: run -t gets a pty and its exit status" {
	command -v script >/dev/null || skip "script (bsdutils) is missing"
	run script -qec "timeout --foreground 60 ctr -a $CD/c.sock -n $NS run -t --rm --runc-binary $E2E_RT --runc-root $CD/runc --fifo-dir $CD/fifo localhost/busybox:latest $ID sh -c 'tty; exit 3'" /dev/null </dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/0"* ]]
}

@test "containerd: the default network namespace has only loopback" {
	run ctr_run --rm -- "$ID" ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "containerd: --net-host shares the host's network" {
	local dev
	dev=$(ip -o route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
	[ -n "$dev" ] || dev=$(ls /sys/class/net | grep -vx lo | head -1)
	[ -n "$dev" ] || skip "the host has no interface but lo"
	run ctr_run --rm --net-host -- "$ID" ls /sys/class/net
	[ "$status" -eq 0 ]
	[[ $'\n'$output$'\n' == *$'\n'"$dev"$'\n'* ]]
}

@test "containerd: --preserve-fds" {
	skip "ctr and the runc v2 shim never pass --preserve-fds to the runtime (podman.bats covers it)"
}
