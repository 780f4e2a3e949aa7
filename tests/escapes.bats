#!/usr/bin/env bats
# Known container escapes, as regression tests run from inside a container with the default
# configuration's security settings (`grid spec`: its capabilities, masked and read-only paths,
# read-only /sys): CVE-2019-5736 (/proc/PID/exe), CVE-2024-21626 (leaked fds and cwd),
# CVE-2021-30465 (mount destinations swapped for symlinks), masked/read-only paths, mounting,
# module loading and host processes.

load helpers

# default_security: $BUNDLE gets the security settings of `grid spec`'s config
default_security() {
	mkdir -p "$TMP/spec"
	"$GRID_BIN" spec --bundle "$TMP/spec"
	local cfg=$BUNDLE/config.json
	jq --slurpfile d "$TMP/spec/config.json" '
		.process.capabilities = $d[0].process.capabilities
		| .process.noNewPrivileges = $d[0].process.noNewPrivileges
		| .linux.maskedPaths = $d[0].linux.maskedPaths
		| .linux.readonlyPaths = $d[0].linux.readonlyPaths
		| .mounts = $d[0].mounts' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# in_container ID SCRIPT: runs SCRIPT with sh in container ID, as the config's user and caps
in_container() {
	grid exec "$1" sh -c "$2"
}

@test "CVE-2019-5736: a process in the container cannot open the waiting init's exe, fds or cwd" {
	default_security
	set_args sleep 100
	sum=$(sha256sum "$GRID_BIN" | cut -d' ' -f1)
	grid create --bundle "$BUNDLE" c1
	# the init waiting for start runs Grid's own binary
	[ "$(readlink "/proc/$(container_pid c1)/exe")" = "$(readlink -f "$GRID_BIN")" ]
	run in_container c1 'cat /proc/1/exe >/dev/null'
	[ "$status" -ne 0 ]
	[[ "$output" == *"ermission denied"* ]]
	run in_container c1 'echo x >>/proc/1/exe'
	[ "$status" -ne 0 ]
	run in_container c1 'exec 3</proc/1/exe'
	[ "$status" -ne 0 ]
	run in_container c1 'readlink /proc/1/exe; readlink /proc/1/cwd; readlink /proc/1/root'
	[ -z "$output" ]
	run in_container c1 'ls /proc/1/fd/*/.. /proc/1/cwd/ /proc/1/root/'
	[ "$status" -ne 0 ]
	[[ "$output" != *exec.fifo* ]]
	[ "$sum" = "$(sha256sum "$GRID_BIN" | cut -d' ' -f1)" ]
	# the program still starts normally
	grid start c1
	wait_status c1 running
}

@test "CVE-2019-5736: a process racing grid exec never opens Grid's binary through /proc/PID/exe" {
	default_security
	# every process's exe, opened over and over: anything but busybox is Grid's binary
	set_args sh -c 'while :; do for p in /proc/[0-9]*; do
		if command exec 3<$p/exe; then
			case $(readlink /proc/$$/fd/3) in /bin/busybox) ;; *) readlink /proc/$$/fd/3 >>/leak ;; esac
			exec 3<&-
		fi 2>/dev/null
	done; done'
	sum=$(sha256sum "$GRID_BIN" | cut -d' ' -f1)
	grid run --detach --bundle "$BUNDLE" c1
	# the window (fork into the pid namespace .. execve) is short: try often (on a Grid
	# without the fix this catches it in about one exec of 30 here)
	for i in $(seq 100); do
		grid exec c1 true
	done
	[ ! -e "$GRID_ROOT/c1/upper/leak" ] || {
		cat "$GRID_ROOT/c1/upper/leak" >&2
		false
	}
	[ "$sum" = "$(sha256sum "$GRID_BIN" | cut -d' ' -f1)" ]
}

# The fds of the shell itself, listed by busybox's ls running inside it (fd 3 is that listing's
# own directory), and its cwd.
fd_report='ls -l /proc/self/fd; echo "cwd $(readlink /proc/self/cwd)"'

@test "CVE-2024-21626: no host fd reaches the init's program or an exec'd process; cwd is inside" {
	default_security
	update_config '.process.cwd = "/tmp"'
	set_args sh -c 'exec >/report; '"$fd_report"'; exec sleep 100'
	echo secret >"$TMP/secret"
	exec 7<"$TMP/secret" 8<"$TMP"
	grid run --detach --bundle "$BUNDLE" c1
	run in_container c1 "$fd_report"
	exec 7<&- 8<&-
	wait_file "$GRID_ROOT/c1/upper/report"
	for r in "$(cat "$GRID_ROOT/c1/upper/report")" "$output"; do
		echo "$r"
		# exactly stdio (which the caller chose) and the listing's own fd
		[ "$(echo "$r" | grep -E '^[l-][rwx-]{9}' | awk '{ print $9 }' | sort | tr '\n' ' ')" = "0 1 2 3 " ]
		[[ "$r" != *secret* ]]
		[[ "$r" == *"cwd /tmp"* ]]
	done
}

@test "masked and read-only paths cannot be unmounted or remounted without CAP_SYS_ADMIN" {
	default_security
	set_args sleep 100
	grid run --detach --bundle "$BUNDLE" c1
	# the masked paths this kernel has
	masked=$(jq -r '.linux.maskedPaths[]' "$BUNDLE/config.json" | while read -r p; do
		if grid exec c1 test -e "$p"; then echo "$p"; fi
	done)
	[ -n "$masked" ]
	for p in $masked /proc/sys /proc/sysrq-trigger /proc/bus; do
		run in_container c1 "umount $p"
		[ "$status" -ne 0 ]
		run in_container c1 "umount -l $p"
		[ "$status" -ne 0 ]
		run in_container c1 "mount -o remount,rw $p"
		[ "$status" -ne 0 ]
	done
	run in_container c1 'mount -o remount,rw /proc/sys'
	[ "$status" -ne 0 ]
	run in_container c1 'mount -o remount,rw,bind /proc/sys'
	[ "$status" -ne 0 ]
	# still masked and read-only afterwards
	for p in $masked; do
		run in_container c1 "if [ -d $p ]; then ls -A $p; else head -c 1 $p; fi"
		echo "$p: $output"
		[ -z "$output" ]
	done
	run in_container c1 'echo x >/proc/sys/kernel/hostname'
	[ "$status" -ne 0 ]
	run in_container c1 'echo 1 >/proc/sysrq-trigger'
	[ "$status" -ne 0 ]
}

@test "/proc/sys and /sys are read-only with the default config" {
	default_security
	set_args sleep 100
	grid run --detach --bundle "$BUNDLE" c1
	run in_container c1 'grep -E " /proc/sys | /sys " /proc/self/mountinfo'
	echo "$output"
	[ "$(echo "$output" | grep -c ' /proc/sys ')" -ge 1 ]
	[ "$(echo "$output" | grep -c ' /sys ')" -ge 1 ]
	# every mount at those points is read-only
	! echo "$output" | awk '{ print $6 }' | grep -qv '^ro'
	run in_container c1 'echo 1 >/proc/sys/vm/drop_caches'
	[ "$status" -ne 0 ]
	run in_container c1 'echo x >/sys/kernel/uevent_helper'
	[ "$status" -ne 0 ]
	run in_container c1 'touch /sys/x'
	[ "$status" -ne 0 ]
}

@test "with default capabilities a container cannot mount, load modules or see host processes" {
	default_security
	set_args sleep 100
	grid run --detach --bundle "$BUNDLE" c1
	run in_container c1 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m'
	[ "$status" -ne 0 ]
	run in_container c1 'mount --bind / /tmp/m'
	[ "$status" -ne 0 ]
	run in_container c1 'unshare -m true'
	[ "$status" -ne 0 ]
	# init_module needs CAP_SYS_MODULE, checked before the module is read
	head -c 4096 /dev/urandom >"$TMP/bogus.ko"
	run in_container c1 "cat >/tmp/x.ko" <"$TMP/bogus.ko"
	run in_container c1 'insmod /tmp/x.ko'
	[ "$status" -ne 0 ]
	run in_container c1 'grep CapBnd /proc/self/status'
	bnd=$((16#${output##*:[[:space:]]}))
	[ $((bnd >> 16 & 1)) -eq 0 ]  # CAP_SYS_MODULE
	[ $((bnd >> 21 & 1)) -eq 0 ]  # CAP_SYS_ADMIN
	[ $((bnd >> 19 & 1)) -eq 0 ]  # CAP_SYS_PTRACE
	# only the container's own processes: its sleep, the exec'd sh and its ls
	# only the container's own processes: its sleep and what exec runs
	run in_container c1 'cat /proc/[0-9]*/cmdline | tr "\0" " "'
	echo "$output"
	[[ "$output" == *"sleep 100"* ]]
	[[ "$output" != *bats* ]]
	run in_container c1 'ls -d /proc/[0-9]* | wc -l'
	[ "$output" -le 5 ]
}

@test "CVE-2021-30465: a destination swapped for a symlink while mounting never mounts outside the rootfs" {
	default_security
	# a volume another container shares: it swaps /v/x between a directory and a symlink to a
	# host directory (renameat2 RENAME_EXCHANGE, as fast as it can) while Grid mounts tmpfs
	# on /v/x/s1 .. /v/x/s20
	mkdir -p "$TMP/vol/x" "$TMP/outside"
	ln -s "$TMP/outside" "$TMP/vol/x.alt"
	update_config '.mounts += [{ "destination": "/v", "type": "bind", "source": ($tmp + "/vol"), "options": ["rbind"] }]
		+ [range(1; 21) | { "destination": "/v/x/s\(.)", "type": "tmpfs", "source": "tmpfs", "options": ["size=8k"] }]'
	# the program checks that all 20 are in its mount table
	set_args sh -c '[ "$(grep -c " tmpfs .*size=8k" /proc/self/mountinfo)" -eq 20 ]'
	timeout 120 python3 -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
os.chdir(sys.argv[1])
while True:
    libc.syscall(316, -100, b"x", -100, b"x.alt", 2)  # renameat2(RENAME_EXCHANGE)
' "$TMP/vol" &
	racer=$!
	ok=0
	for i in $(seq 30); do
		rc=0
		grid run --bundle "$BUNDLE" "c$i" >/dev/null 2>"$TMP/err" || rc=$?
		# a run either mounted all 20 inside the rootfs (its program checks) or failed cleanly
		if [ "$rc" -eq 0 ]; then
			ok=$((ok + 1))
		else
			[ "$rc" -eq 1 ] && grep -q "^grid: " "$TMP/err" || cat "$TMP/err"
		fi
		[ -z "$(ls -A "$TMP/outside")" ] || break
	done
	kill "$racer"
	wait "$racer" || true
	echo "$ok of 30 runs succeeded; host directory: $(ls -A "$TMP/outside" | tr "\n" " ")"
	[ -z "$(ls -A "$TMP/outside")" ]
	[ "$ok" -gt 0 ]
}
