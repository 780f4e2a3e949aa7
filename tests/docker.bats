#!/usr/bin/env bats
# docker.bats - Debian's Docker engine 20.10 (dockerd, its own containerd and the runc v2 shim)
# drives the runtime under test ($E2E_RUNTIME, see clients.bash), registered by path as the
# runtime `e2e` and used as `docker run --runtime e2e`: every scenario asserts what a docker user
# sees. A private dockerd runs for this file only: its data-root, exec-root, pid file, socket and
# daemon.json (whose deprecated-key-path keeps /etc/docker untouched) live under a short /tmp/ge-dk.*
# directory, without iptables or a bridge, and its containers' cgroups under a parent named after
# that directory, all removed in teardown_file. /usr/local/bin/docker may be a newer client:
# Debian's /usr/bin/docker is used.

load clients

DOCKER=/usr/bin/docker

setup_file() {
	e2e_require dockerd containerd containerd-shim-runc-v2 "$DOCKER"
	DK=$(mktemp -d /tmp/ge-dk.XXXXXX)
	CGP=${DK##*/}
	export DK CGP
	# dockerd makes /run/docker/plugins and the shims /run/containerd/s whatever the flags say
	[ -d /run/docker ] || touch "$DK/made-run-docker"
	[ -d /run/containerd ] || touch "$DK/made-run-containerd"
	cat >"$DK/daemon.json" <<EOF
{
	"deprecated-key-path": "$DK/key.json",
	"cgroup-parent": "/$CGP",
	"runtimes": { "e2e": { "path": "$E2E_RT" } },
	"default-runtime": "e2e"
}
EOF
	# fd 3 is bats' own: the daemon must not hold it, or bats would wait for it.
	dockerd --config-file "$DK/daemon.json" --data-root "$DK/data" --exec-root "$DK/x" \
		--pidfile "$DK/dockerd.pid" -H "unix://$DK/d.sock" --iptables=false --bridge=none \
		--storage-driver overlay2 </dev/null >"$DK/dockerd.log" 2>&1 3>&- &
	local i
	for ((i = 0; i < 600; i++)); do
		"$DOCKER" -H "unix://$DK/d.sock" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$DOCKER" -H "unix://$DK/d.sock" version >/dev/null || {
		tail -20 "$DK/dockerd.log" >&2
		return 1
	}
	e2e_busybox_tar "$DK/busybox.tar"
	dk import --change 'CMD ["/bin/sh"]' "$DK/busybox.tar" busybox >/dev/null
}

teardown_file() {
	[ -n "${DK:-}" ] && [ -d "$DK" ] || return 0
	local ids pid i p m
	ids=$(timeout 60 "$DOCKER" -H "unix://$DK/d.sock" ps -aq 2>/dev/null)
	[ -z "$ids" ] || timeout 120 "$DOCKER" -H "unix://$DK/d.sock" rm -f $ids >/dev/null 2>&1
	# dockerd stops its containerd on SIGTERM; wait for both, bounded.
	pid=$(cat "$DK/dockerd.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		for ((i = 0; i < 300 && -e /proc/$pid; i++)); do sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	# anything still running from our directories (containerd, a shim): ours, so end it by pid
	for p in $(pgrep -f -- "$DK/"); do
		[ "$p" -ne $$ ] && kill -9 "$p" 2>/dev/null
	done
	for m in $(mounts_under "$DK" | sort -r); do umount -l "$m"; done
	find /sys/fs/cgroup/*/"$CGP" -depth -type d -exec rmdir {} + 2>/dev/null
	if [ -e "$DK/made-run-docker" ]; then
		rmdir /run/docker/plugins /run/docker 2>/dev/null
	fi
	if [ -e "$DK/made-run-containerd" ]; then
		rmdir /run/containerd/s /run/containerd 2>/dev/null
	fi
	rm -rf "$DK"
}

setup() {
	e2e_require dockerd containerd containerd-shim-runc-v2 "$DOCKER"
	NAME=ge-$BATS_TEST_NUMBER
}

teardown() {
	timeout 60 "$DOCKER" -H "unix://$DK/d.sock" rm -f "$NAME" "$NAME-2" >/dev/null 2>&1 || true
}

dk() {
	timeout -k 5 "$E2E_TIMEOUT" "$DOCKER" -H "unix://$DK/d.sock" "$@"
}

# dk_run_d [OPTIONS... --] CMD...: docker run -d --runtime e2e --name $NAME OPTIONS busybox CMD.
dk_run_d() {
	local -a opts=()
	if [[ " $* " == *" -- "* ]]; then
		while [ "$1" != -- ]; do opts+=("$1"); shift; done
		shift
	fi
	dk run -d --runtime e2e --name "$NAME" "${opts[@]}" busybox "$@" >/dev/null
}

insp() { dk inspect --format "$1" "$2"; }

@test "docker: run prints the program's output and --rm removes the container" {
	run dk run --rm --runtime e2e --name "$NAME" busybox echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run dk inspect "$NAME"
	[ "$status" -ne 0 ]
}

@test "docker: exit codes pass through, 127 for a missing and 126 for a non-executable program" {
	run dk run --rm --runtime e2e busybox sh -c 'exit 42'
	[ "$status" -eq 42 ]
	# dockerd maps these only from the runtime's lowercase errno words: crun's capitalised
	# "No such file or directory" and "Permission denied" give docker's generic 125.
	local missing=127 noexec=126
	[ "$E2E_RUNTIME" != crun ] || missing=125 noexec=125
	run -"$missing" dk run --rm --runtime e2e busybox /nonexistent
	[[ $output == *"/nonexistent"*[Nn]"o such file or directory"* ]]
	run -"$noexec" dk run --rm --runtime e2e busybox /etc/passwd
	[[ $output == *[Pp]"ermission denied"* ]]
}

@test "docker: environment, working directory, user and group" {
	run dk run --rm --runtime e2e -e FOO=bar -w /tmp -u 1000:1001 busybox sh -c 'echo "$FOO $(pwd) $(id -u) $(id -g)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /tmp 1000 1001" ]
}

@test "docker: hostname" {
	run dk run --rm --runtime e2e --hostname box1 busybox hostname
	[ "$status" -eq 0 ]
	[ "$output" = box1 ]
}

@test "docker: --read-only makes the root filesystem read-only" {
	run dk run --rm --runtime e2e --read-only busybox touch /x
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	run dk run --rm --runtime e2e --read-only --tmpfs /tmp busybox touch /tmp/x
	[ "$status" -eq 0 ]
}

@test "docker: --cap-drop takes a capability away" {
	run dk run --rm --runtime e2e busybox chown 1:1 /tmp
	[ "$status" -eq 0 ]
	run dk run --rm --runtime e2e --cap-drop CHOWN busybox chown 1:1 /tmp
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

# --privileged asks for every capability, and this VM's bounding set lacks CAP_SYS_RESOURCE (README).
@test "docker: --cap-add ALL --cap-drop SYS_RESOURCE may mount, a default container may not" {
	run dk run --rm --runtime e2e --cap-add ALL --cap-drop SYS_RESOURCE busybox \
		sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt && grep " /mnt " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ $output == *tmpfs* ]]
	run dk run --rm --runtime e2e busybox sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt'
	[ "$status" -ne 0 ]
}

@test "docker: --memory and --pids-limit are in the container's cgroup on the host" {
	dk_run_d --memory 64m --pids-limit 50 -- sleep 300
	local pid
	pid=$(insp '{{.State.Pid}}' "$NAME")
	[ "$(cat "$(host_cgroup "$pid" memory)/memory.limit_in_bytes")" -eq 67108864 ]
	[ "$(cat "$(host_cgroup "$pid" pids)/pids.max")" -eq 50 ]
	# under the cgroup parent this dockerd was given
	[[ $(host_cgroup "$pid" memory) == "/sys/fs/cgroup/memory/$CGP/"* ]]
}

@test "docker: exec into a detached container: output, status, user, stdin, missing program" {
	dk_run_d sleep 300
	run dk exec "$NAME" sh -c 'echo in $(hostname)'
	[ "$status" -eq 0 ]
	[ "$output" = "in $(insp '{{.Config.Hostname}}' "$NAME")" ]
	run dk exec "$NAME" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run dk exec -u 1000 "$NAME" id -u
	[ "$output" = 1000 ]
	run bash -c 'echo from-stdin | "$1" -H "unix://$2/d.sock" exec -i "$3" cat' _ "$DOCKER" "$DK" "$NAME"
	[ "$output" = from-stdin ]
	# dockerd turns any failed exec start into 126 (runc gives the same)
	run -126 dk exec "$NAME" /nonexistent
	[[ $output == *"/nonexistent"* ]]
	run dk exec "$NAME" ps -o pid,args
	[[ $output == *"1 sleep 300"* ]]
	[[ $output != *containerd* ]]
}

@test "docker: exec -it gets a pty and its exit status" {
	command -v script >/dev/null || skip "script (bsdutils) is missing"
	dk_run_d sleep 300
	run script -qec "$DOCKER -H unix://$DK/d.sock exec -it $NAME sh -c 'tty; exit 3'" /dev/null </dev/null
	[ "$status" -eq 3 ]
	[[ $output == *"/dev/pts/"* ]]
}

@test "docker: run -it gets a pty and its exit status" {
	command -v script >/dev/null || skip "script (bsdutils) is missing"
	run script -qec "$DOCKER -H unix://$DK/d.sock run -it --rm --runtime e2e busybox sh -c 'tty; exit 4'" /dev/null </dev/null
	[ "$status" -eq 4 ]
	[[ $output == *"/dev/pts/0"* ]]
}

@test "docker: stop sends SIGTERM, then SIGKILL to a program that ignores it" {
	dk_run_d sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
	dk stop -t 10 "$NAME" >/dev/null
	[ "$(insp '{{.State.Status}} {{.State.ExitCode}}' "$NAME")" = "exited 7" ]
	# busybox sh as pid 1 ignores SIGTERM: stop must end it with SIGKILL.
	dk run -d --runtime e2e --name "$NAME-2" busybox sh -c 'while :; do sleep 0.1; done' >/dev/null
	dk stop -t 1 "$NAME-2" >/dev/null
	[ "$(insp '{{.State.Status}} {{.State.ExitCode}}' "$NAME-2")" = "exited 137" ]
}

@test "docker: kill delivers the signal given, SIGKILL by default" {
	dk_run_d sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done'
	dk kill -s USR1 "$NAME" >/dev/null
	run dk wait "$NAME"
	[ "$output" = 9 ]
	dk run -d --runtime e2e --name "$NAME-2" busybox sleep 300 >/dev/null
	dk kill "$NAME-2" >/dev/null
	run dk wait "$NAME-2"
	[ "$output" = 137 ]
}

@test "docker: rm -f removes a running container, its process and the runtime's state" {
	dk_run_d sleep 300
	local id pid
	id=$(insp '{{.Id}}' "$NAME")
	pid=$(insp '{{.State.Pid}}' "$NAME")
	[ -e "$DK/x/runtime-runc/moby/$id" ]
	dk rm -f "$NAME" >/dev/null
	run dk inspect "$NAME"
	[ "$status" -ne 0 ]
	! kill -0 "$pid" 2>/dev/null || false
	[ ! -e "$DK/x/runtime-runc/moby/$id" ]
	[ ! -e "/sys/fs/cgroup/memory/$CGP/$id" ]
}

@test "docker: pause freezes the container and unpause thaws it" {
	dk_run_d sleep 300
	local pid
	pid=$(insp '{{.State.Pid}}' "$NAME")
	dk pause "$NAME" >/dev/null
	[ "$(insp '{{.State.Status}}' "$NAME")" = paused ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = FROZEN ]
	dk unpause "$NAME" >/dev/null
	[ "$(insp '{{.State.Status}}' "$NAME")" = running ]
	[ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = THAWED ]
	run dk exec "$NAME" echo alive
	[ "$output" = alive ]
}

@test "docker: a restart policy runs the program again in the same container" {
	dk_run_d --restart on-failure:2 -- sh -c 'echo run; exit 3'
	local i state
	# the policy gives up after 2 restarts; wait for that (bounded), then look
	for ((i = 0; i < 300; i++)); do
		state=$(insp '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' "$NAME")
		[ "$state" = "exited 3 2" ] && [ "$(insp '{{.State.Restarting}}' "$NAME")" = false ] && break
		sleep 0.1
	done
	[ "$state" = "exited 3 2" ]
	run dk logs "$NAME"
	[ "$output" = "run
run
run" ]
}

@test "docker: restart runs the program again and keeps the container's files" {
	dk_run_d sh -c 'echo run >>/runs; sleep 300'
	local pid1
	pid1=$(insp '{{.State.Pid}}' "$NAME")
	dk restart -t 0 "$NAME" >/dev/null
	[ "$(insp '{{.State.Status}}' "$NAME")" = running ]
	[ "$(insp '{{.State.Pid}}' "$NAME")" != "$pid1" ]
	run dk exec "$NAME" cat /runs
	[ "$output" = "run
run" ]
}

@test "docker: update --memory --memory-swap changes a live container, leaving the rest" {
	dk_run_d --memory 64m --cpu-shares 256 -- sleep 300
	# docker sends every other field as 0 ("cpu":{"shares":0,...}): unchanged
	dk update --memory 128m --memory-swap 256m "$NAME" >/dev/null
	local pid
	pid=$(insp '{{.State.Pid}}' "$NAME")
	[ "$(cat "$(host_cgroup "$pid" memory)/memory.limit_in_bytes")" -eq 134217728 ]
	[ "$(cat "$(host_cgroup "$pid" memory)/memory.memsw.limit_in_bytes")" -eq 268435456 ]
	[ "$(cat "$(host_cgroup "$pid" cpu)/cpu.shares")" -eq 256 ]
	[ "$(insp '{{.HostConfig.Memory}}' "$NAME")" -eq 134217728 ]
}

@test "docker: --network none leaves only loopback" {
	run dk run --rm --runtime e2e --network none busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "docker: docker info shows the runtime's commit" {
	local commit
	commit=$("$E2E_RT" --version | sed -n 's/^commit: *//p')
	[ -n "$commit" ]
	run dk info --format '{{.DefaultRuntime}} {{.RuncCommit.ID}}'
	[ "$status" -eq 0 ]
	[ "$output" = "e2e $commit" ]
}
