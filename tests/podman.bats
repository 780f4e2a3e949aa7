#!/usr/bin/env bats
# podman.bats - podman 4.3 + conmon drive the runtime under test ($E2E_RUNTIME, see
# clients.bash) as `podman --runtime PATH`: every scenario asserts what a podman user sees.
# podman keeps its storage, config, network config and temporary files under a private short
# directory ($PM), with cgroupfs, file events and low default ulimits (this VM caps the hard
# open-file limit and has no CAP_SYS_RESOURCE).

load clients

setup_file() {
	e2e_require podman conmon
	PM=$(mktemp -d /tmp/ge-pm.XXXXXX)
	export PM
	mkdir -p "$PM/net" "$PM/tmp"
	cat >"$PM/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PM/events.log"
tmp_dir = "$PM/tmp"
runtime_supports_json = ["crun", "runc", "grid"]
[network]
network_config_dir = "$PM/net"
EOF
	cat >"$PM/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$PM/run"
graphroot = "$PM/root"
EOF
	export CONTAINERS_CONF=$PM/containers.conf CONTAINERS_STORAGE_CONF=$PM/storage.conf TMPDIR=$PM/tmp
	[ -d /sys/fs/cgroup/memory/libpod_parent ] || touch "$PM/made-libpod-parent"
	e2e_busybox_tar "$PM/busybox.tar"
	podman import --quiet --change 'CMD ["/bin/sh"]' "$PM/busybox.tar" localhost/busybox >/dev/null
}

teardown_file() {
	[ -n "${PM:-}" ] && [ -d "$PM" ] || return 0
	timeout 120 podman rm --all --force --time 0 >/dev/null 2>&1
	timeout 120 podman system reset --force >/dev/null 2>&1
	local m
	for m in $(mounts_under "$PM" | sort -r); do umount -l "$m"; done
	if [ -e "$PM/made-libpod-parent" ]; then
		find /sys/fs/cgroup/*/libpod_parent -depth -type d -exec rmdir {} + 2>/dev/null
	fi
	rm -rf "$PM"
}

setup() {
	e2e_require podman conmon
	NAME=ge-$BATS_TEST_NUMBER
}

teardown() {
	timeout 60 podman rm --force --time 0 "$NAME" "$NAME-2" >/dev/null 2>&1 || true
}

pm() {
	timeout -k 5 "$E2E_TIMEOUT" podman --runtime "$E2E_RT" "$@"
}

# pm_run_d [OPTIONS... --] CMD...: podman run -d --name $NAME OPTIONS busybox CMD.
pm_run_d() {
	local -a opts=()
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
	fi
	pm run -d --name "$NAME" "${opts[@]}" localhost/busybox "$@" >/dev/null
}

cid() { podman inspect --format '{{.Id}}' "$1"; }
cpid() { podman inspect --format '{{.State.Pid}}' "$1"; }

@test "podman: run prints the program's output and --rm removes the container" {
	run pm run --rm --name "$NAME" localhost/busybox echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run podman container exists "$NAME"
	[ "$status" -eq 1 ]
}

@test "podman: exit codes pass through, 127 for a missing and 126 for a non-executable program" {
	run pm run --rm localhost/busybox sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run -127 pm run --rm localhost/busybox /nonexistent
	[ "$status" -eq 127 ]
	run -126 pm run --rm localhost/busybox /etc/passwd
	[ "$status" -eq 126 ]
}

@test "podman: environment and working directory" {
	run pm run --rm -e FOO=bar -w /tmp localhost/busybox sh -c 'echo "$FOO $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /tmp" ]
}

@test "podman: hostname" {
	run pm run --rm --hostname box1 localhost/busybox hostname
	[ "$output" = box1 ]
}

@test "podman: user and group" {
	run pm run --rm --user 1000:1001 localhost/busybox sh -c 'echo $(id -u) $(id -g)'
	[ "$status" -eq 0 ]
	[ "$output" = "1000 1001" ]
}

@test "podman: --read-only makes the root filesystem read-only" {
	run pm run --rm --read-only localhost/busybox touch /x
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	run pm run --rm --read-only localhost/busybox touch /tmp/x
	[ "$status" -eq 0 ]
}

@test "podman: --privileged may mount, a default container may not" {
	run pm run --rm --privileged localhost/busybox sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt && grep " /mnt " /proc/mounts'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *tmpfs* ]]
	run pm run --rm localhost/busybox sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt'
	[ "$status" -ne 0 ]
}

@test "podman: --cap-drop takes a capability away" {
	run pm run --rm localhost/busybox chown 1:1 /tmp
	[ "$status" -eq 0 ]
	run pm run --rm --cap-drop CHOWN localhost/busybox chown 1:1 /tmp
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

@test "podman: --memory and --pids-limit are in the container's cgroup on the host" {
	pm_run_d --memory 64m --pids-limit 50 -- sleep 300
	local pid
	pid=$(cpid "$NAME")
	[ "$(cat "$(host_cgroup "$pid" memory)/memory.limit_in_bytes")" -eq 67108864 ]
	[ "$(cat "$(host_cgroup "$pid" pids)/pids.max")" -eq 50 ]
}

@test "podman: exec into a detached container: output, status, user, stdin, tty" {
	pm_run_d sleep 300
	run pm exec "$NAME" sh -c 'echo in $(hostname)'
	[ "$status" -eq 0 ]
	[[ $output == "in "* ]]
	run pm exec "$NAME" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run pm exec --user 1000 "$NAME" id -u
	[ "$output" = 1000 ]
	run bash -c 'echo from-stdin | podman --runtime "$1" exec -i "$2" cat' _ "$E2E_RT" "$NAME"
	[ "$output" = from-stdin ]
	run pm exec -t "$NAME" tty
	[ "$status" -eq 0 ]
	[[ $output == /dev/pts/* ]]
	run -127 pm exec "$NAME" /nonexistent
	[ "$status" -eq 127 ]
}

@test "podman: exec sees the container's processes, not the host's" {
	pm_run_d sleep 300
	run pm exec "$NAME" ps -o pid,args
	[ "$status" -eq 0 ]
	[[ $output == *"1 sleep 300"* ]]
	[[ $output != *conmon* ]]
}

@test "podman: stop sends SIGTERM, then SIGKILL to a program that ignores it" {
	pm_run_d sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	pm stop --time 10 "$NAME" >/dev/null
	run podman inspect --format '{{.State.ExitCode}}' "$NAME"
	[ "$output" = 7 ]
	# busybox sh as pid 1 ignores SIGTERM: stop must end it with SIGKILL.
	pm run -d --name "$NAME-2" localhost/busybox sh -c 'while :; do sleep 0.1; done' >/dev/null
	pm stop --time 1 "$NAME-2" >/dev/null
	run podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$NAME-2"
	[ "$output" = "exited 137" ]
}

@test "podman: kill delivers the signal given" {
	pm_run_d sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done'
	pm kill --signal USR1 "$NAME" >/dev/null
	run pm wait "$NAME"
	[ "$output" = 9 ]
}

@test "podman: pause freezes the container and unpause thaws it" {
	pm_run_d sleep 300
	local pid
	pid=$(cpid "$NAME")
	pm pause "$NAME" >/dev/null
	[ "$(podman inspect --format '{{.State.Status}}' "$NAME")" = paused ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = FROZEN ]
	pm unpause "$NAME" >/dev/null
	[ "$(podman inspect --format '{{.State.Status}}' "$NAME")" = running ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = THAWED ]
}

@test "podman: update changes a live memory limit" {
	pm_run_d --memory 64m -- sleep 300
	pm update --memory 128m "$NAME" >/dev/null
	local pid
	pid=$(cpid "$NAME")
	[ "$(cat "$(host_cgroup "$pid" memory)/memory.limit_in_bytes")" -eq 134217728 ]
}

@test "podman: restart runs the program again and keeps the container's files" {
	pm_run_d sh -c 'echo run >>/runs; sleep 300'
	local pid1
	pid1=$(cpid "$NAME")
	pm restart --time 0 "$NAME" >/dev/null
	[ "$(podman inspect --format '{{.State.Status}}' "$NAME")" = running ]
	[ "$(cpid "$NAME")" != "$pid1" ]
	run pm exec "$NAME" cat /runs
	[ "$output" = "run
run" ]
}

@test "podman: rm -f removes a running container and its runtime state" {
	pm_run_d sleep 300
	local id pid
	id=$(cid "$NAME")
	pid=$(cpid "$NAME")
	pm rm --force --time 0 "$NAME" >/dev/null
	run podman container exists "$NAME"
	[ "$status" -eq 1 ]
	! kill -0 "$pid" 2>/dev/null || false
	[ "$E2E_RUNTIME" != grid ] || [ ! -e "/run/grid/$id" ]
}

@test "podman: run -it gets a pty and its exit status" {
	command -v script >/dev/null || skip "script (bsdutils) is missing"
	# the program lingers a moment: podman 4.3's attach once lost the output of one that exited at
	# once (1 run in ~2000, not reproduced in 33 reruns); what is checked is the pty and the status
	run script -qec "podman --runtime $E2E_RT run -it --rm localhost/busybox sh -c 'tty; sleep 0.2; exit 3'" /dev/null </dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/0"* ]]
}

@test "podman: --network none leaves only loopback" {
	run pm run --rm --network none localhost/busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "podman: the default network gives the container an address" {
	run pm run --rm localhost/busybox ip -4 -o addr show eth0
	[ "$status" -eq 0 ]
	[[ $output == *"inet "* ]]
}

@test "podman: --preserve-fds passes an open file into the container" {
	echo preserved >"$PM/fd3"
	run pm run --rm --preserve-fds 1 localhost/busybox cat /proc/self/fd/3 3<"$PM/fd3"
	[ "$status" -eq 0 ]
	[ "$output" = preserved ]
}
