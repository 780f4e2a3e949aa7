#!/usr/bin/env bats
# The process inside: hostname, pid 1, env, args, cwd, user, rlimits, stdio, namespaces, mounts,
# and the exit status of `grid run`.

load helpers

@test "hostname inside is config.hostname" {
	set_args hostname
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = grid ]
	update_config '.hostname = "other-name"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = other-name ]
	[ "$(hostname)" != other-name ]
}

@test "the program is pid 1" {
	set_args sh -c 'echo $$'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "only the container's processes are visible" {
	set_args sh -c 'ls -d /proc/[0-9]* | wc -l'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	# sh, and ls or wc: a handful, not the host's hundreds
	[ "$output" -le 4 ]
}

@test "env is exactly process.env" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar baz", "EMPTY="]'
	set_args env
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *"FOO=bar baz"* ]]
	[[ "$output" == *"PATH=/bin"* ]]
	[[ "$output" == *"EMPTY="* ]]
	[[ "$output" != *GRID_ROOT* ]]
}

@test "HOME without one in process.env: the uid's home in the container's /etc/passwd, else /" {
	echo 'user:x:1000:1000::/home/user:/bin/sh' >>"$BUNDLE/rootfs/etc/passwd"
	set_args sh -c 'echo "[$HOME]"'
	for u in 0:/root 1000:/home/user 1:/ 4242:/; do
		update_config ".process.user.uid = ${u%%:*}"
		run --separate-stderr grid run --bundle "$BUNDLE" c1
		[ "$status" -eq 0 ]
		[ "$output" = "[${u#*:}]" ]
	done
	# one in process.env stays
	update_config '.process.env += ["HOME=/mine"]'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "[/mine]" ]
}

@test "HOME is / when /etc/passwd leads out of the rootfs, is a fifo or a device; nothing blocks" {
	# the host's file under this path says /escaped; inside the rootfs the path does not exist
	mkdir -p "$TMP/host/etc"
	echo 'root:x:0:0:root:/escaped:/bin/sh' >"$TMP/host/etc/passwd"
	set_args sh -c 'echo "[$HOME]"'
	for kind in link fifo device; do
		rm -f "$BUNDLE/rootfs/etc/passwd"
		case $kind in
		link) ln -s "$TMP/host/etc/passwd" "$BUNDLE/rootfs/etc/passwd" ;;
		fifo) mkfifo "$BUNDLE/rootfs/etc/passwd" ;;
		device) ln -s /dev/zero "$BUNDLE/rootfs/etc/passwd" ;;
		esac
		run --separate-stderr grid run --bundle "$BUNDLE" c1
		[ "$status" -eq 0 ]
		[ "$output" = "[/]" ]
	done
}

@test "args are passed unchanged" {
	set_args sh -c 'for a in "$@"; do echo "[$a]"; done' zero 'a b' '' 'c"d' "e'f" '$HOME'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' '[a b]' '[]' '[c"d]' "[e'f]" '[$HOME]')" ]
}

@test "args[0] is searched in the container's PATH" {
	update_config '.process.env = ["PATH=/nowhere:/bin"]'
	set_args echo found
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = found ]
}

@test "cwd is process.cwd" {
	set_args pwd
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	update_config '.process.cwd = "/tmp"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
}

@test "uid and gid come from process.user" {
	update_config '.process.user = {"uid": 1000, "gid": 1001}'
	set_args sh -c 'id -u; id -g'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\n1001')" ]
}

@test "additionalGids are the supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 20]}'
	set_args id -G
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ " $output " == *" 5 "* ]]
	[[ " $output " == *" 20 "* ]]
	[[ " $output " == " 1000 "* ]]
}

@test "root is uid 0 with no supplementary groups beyond its gid" {
	set_args sh -c 'id -u; id -g; id -G'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n0\n0')" ]
}

@test "process.rlimits RLIMIT_NOFILE is applied" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024}]'
	set_args sh -c 'ulimit -n; ulimit -Hn'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '512\n1024')" ]
}

@test "stdin, stdout and stderr are the runtime's" {
	set_args sh -c 'cat; echo to-stderr >&2'
	run --separate-stderr grid run --bundle "$BUNDLE" c1 <<<"from-stdin"
	[ "$status" -eq 0 ]
	[ "$output" = from-stdin ]
	[ "$stderr" = to-stderr ]
}

@test "run exits 0 for a successful program" {
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
}

@test "run exits 1 for false" {
	set_args false
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_nothing_left c1
}

@test "run exits with the program's status" {
	set_args sh -c 'exit 3'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 3 ]
	set_args sh -c 'exit 255'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 255 ]
	assert_nothing_left c1
}

@test "run exits 128+9 when the container is killed with SIGKILL" {
	# pid 1 cannot kill itself (the kernel protects a namespace's init), so kill it from outside
	set_args sleep 100
	grid run --bundle "$BUNDLE" c1 >"$TMP/out" 2>&1 &
	runpid=$!
	wait_status c1 running
	grid kill c1 KILL
	rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 137 ]
	assert_nothing_left c1
}

@test "run reports a non-init exit status faithfully" {
	set_args sh -c 'sh -c "kill -9 \$\$"; exit $?'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 137 ]
}

@test "new uts, ipc, net, pid and mount namespaces" {
	set_args sh -c 'for n in uts ipc net pid mnt; do readlink /proc/1/ns/$n; done'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	for n in uts ipc net pid mnt; do
		host=$(readlink /proc/self/ns/$n)
		[[ "$output" == *"$n:["* ]]
		[[ "$output" != *"$host"* ]]
	done
}

@test "the network namespace has only lo" {
	set_args sh -c 'ls /sys/class/net'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "a namespace without type entry is shared with the host" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args readlink /proc/self/ns/net
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink /proc/self/ns/net)" ]
}

@test "namespaces can be joined by path" {
	set_args sleep 100
	update_config '.hostname = "first"'
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	mkdir "$TMP/b2"
	cp -a "$BUNDLE/." "$TMP/b2/"
	jq --arg pid "$pid" 'del(.hostname)
		| .process.args = ["sh", "-c", "hostname; readlink /proc/self/ns/net"]
		| .linux.namespaces |= map(
			if .type == "uts" then .path = "/proc/\($pid)/ns/uts"
			elif .type == "network" then .path = "/proc/\($pid)/ns/net"
			else . end)' "$BUNDLE/config.json" >"$TMP/b2/config.json"
	run --separate-stderr grid run --bundle "$TMP/b2" c2
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = first ]
	[ "${lines[1]}" = "$(readlink "/proc/$pid/ns/net")" ]
}

@test "the config's mounts are mounted" {
	set_args sh -c 'grep -E " /(proc|dev|dev/pts|dev/shm|dev/mqueue|sys) " /proc/self/mounts | cut -d" " -f2,3'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *"/proc proc"* ]]
	[[ "$output" == *"/dev tmpfs"* ]]
	[[ "$output" == *"/dev/pts devpts"* ]]
	[[ "$output" == *"/dev/shm tmpfs"* ]]
	[[ "$output" == *"/dev/mqueue mqueue"* ]]
	[[ "$output" == *"/sys sysfs"* ]]
}

@test "/sys is read-only as its options say" {
	set_args sh -c 'grep " /sys " /proc/self/mounts'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *" ro,"* ]]
}

@test "a bind mount from the host is visible" {
	mkdir "$TMP/shared"
	echo hello-bind >"$TMP/shared/file"
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": ($tmp + "/shared"), "options": ["rbind", "ro"]}]'
	set_args sh -c 'cat /mnt/file; touch /mnt/new && echo writable'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[[ "$output" == *hello-bind* ]]
	[[ "$output" != *writable* ]]
	[ ! -e "$TMP/shared/new" ]
}

@test "the default devices exist" {
	set_args sh -c 'for d in null zero full random urandom tty; do test -c /dev/$d || echo missing $d; done; echo x >/dev/null && head -c 4 /dev/zero | wc -c'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = 4 ]
}

@test "the default /dev symlinks exist" {
	set_args sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(readlink /dev/$l)"; done'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *"fd /proc/self/fd"* ]]
	[[ "$output" == *"stdin /proc/self/fd/0"* ]]
	[[ "$output" == *"stdout /proc/self/fd/1"* ]]
	[[ "$output" == *"stderr /proc/self/fd/2"* ]]
	[[ "$output" == *"ptmx pts/ptmx"* ]]
}

@test "the root is pivoted: the host's files are not reachable" {
	set_args sh -c 'ls /; test -e /work && echo host-visible; true'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" != *host-visible* ]]
	[[ "$output" == *bin* ]]
}
