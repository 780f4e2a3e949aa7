#!/usr/bin/env bats
# Known container escapes, as regression tests run from inside a container with the default
# configuration's security settings (`grid spec`: its capabilities, masked and read-only paths,
# read-only /sys): CVE-2019-5736 (/proc/PID/exe), CVE-2024-21626 (leaked fds and cwd),
# CVE-2021-30465 (mount destinations swapped for symlinks), masked/read-only paths, mounting,
# module loading and host processes.

load helpers

# The runtime under test: grid, or crun when E2E_RUNTIME=crun (tests/run runs this file a second
# time that way, through tests/e2e-crun): an attack a known-good runtime stops shows the test can
# tell a safe runtime from an unsafe one.
if [ "${E2E_RUNTIME:-grid}" = crun ]; then
	GRID_BIN=$REPO/tests/crun-as-grid
	# Debian 12's crun (1.8) refuses ociVersion 1.3.0 ("unknown version specified")
	eval "helpers_$(declare -f setup)"
	setup() {
		helpers_setup
		update_config '.ociVersion = "1.0.2"'
	}
fi

# grid_only: skip under crun (the test looks at a mechanism of Grid's own)
grid_only() {
	[ "${E2E_RUNTIME:-grid}" = grid ] || skip "looks at Grid's own mechanism"
}

# crun_differs WHAT: skip under crun, whose Debian 12 version (1.8) loses to this attack the way
# Grid 234c4ee did: WHAT it does (measured by running this file with E2E_RUNTIME=crun)
crun_differs() {
	[ "${E2E_RUNTIME:-grid}" = grid ] || skip "crun 1.8 $1"
}

# in_file ID PATH: a file of container ID, read from inside it
in_file() {
	grid exec "$1" cat "$2" 2>/dev/null || true
}

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
	grid_only
	default_security
	set_args sleep 100
	sum=$(sha256sum "$GRID_BIN" | cut -d' ' -f1)
	grid create --bundle "$BUNDLE" c1
	# the init waiting for start runs Grid's binary from its read-only detached clone (exe.c),
	# which has no path: it reads back as "/"
	[ "$(readlink "/proc/$(container_pid c1)/exe")" = / ]
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
	grid_only
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
	grid_only
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
	[ -z "$(echo "$output" | awk '{ print $6 }' | grep -v '^ro')" ]
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

# ---- the runtime's binary through #!/proc/self/exe (CVE-2019-5736 class) ----

# The attacker, a loop over the container's processes: any that does not run busybox is stopped
# (CAP_KILL is in every default set), its /proc/PID/exe opened, and the process killed, so that the
# kernel no longer refuses writes to its file (ETXTBSY); then it appends to the file through a new
# open of /proc/self/fd/3. /attack.log says what was opened and whether a write landed.
exe_attacker='while :; do for p in /proc/[0-9]*; do
	[ "$p" = /proc/$$ ] && continue
	[ "$p/exe" -ef /bin/busybox ] && continue
	pid=${p#/proc/}
	kill -STOP "$pid" 2>/dev/null || continue
	if command exec 3<"$p/exe"; then
		echo "opened $(readlink /proc/$$/fd/3)" >>/attack.log
		kill -KILL "$pid"
		i=0
		while [ $i -lt 300 ]; do
			if { printf "#X" >>/proc/$$/fd/3; } 2>/dev/null; then
				echo "WROTE $(readlink /proc/$$/fd/3)" >>/attack.log
				break
			fi
			i=$((i + 1))
		done
		exec 3<&-
	else
		kill -CONT "$pid"
	fi 2>/dev/null
done; done'

# rt_copy: a copy of the runtime under test in $TMP ($RT_FILE) that the attack may damage, and the
# command that runs it ($RT_ATTACK); the test itself keeps using the real one
rt_copy() {
	RT_FILE=$TMP/runtime-copy
	if [ "${E2E_RUNTIME:-grid}" = crun ]; then
		cp "$(command -v crun)" "$RT_FILE"
		RT_ATTACK=(env "CRUN=$RT_FILE" "$REPO/tests/crun-as-grid")
	else
		cp "$GRID_BIN" "$RT_FILE"
		RT_ATTACK=("$RT_FILE")
	fi
	sum=$(sha256sum "$RT_FILE" | cut -d' ' -f1)
}

# exe_attack_verdict ID: the attack log of container ID, and the copy of the runtime unchanged
exe_attack_verdict() {
	local log
	log=$(in_file "$1" /attack.log)
	echo "$1: the attacker opened $(grep -c '^opened' <<<"$log") executables"
	sort <<<"$log" | uniq -c | head -20
	[ "$(sha256sum "$RT_FILE" | cut -d' ' -f1)" = "$sum" ]
	[ -z "$(grep '^WROTE' <<<"$log")" ]
}

@test "CVE-2019-5736: #!/proc/self/exe scripts run by exec cannot reach the runtime's binary (racing writers)" {
	default_security
	rt_copy
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/selfexe"
	printf '#!/proc/self/exe exec\n' >"$BUNDLE/rootfs/selfexe-exec"
	chmod 755 "$BUNDLE/rootfs/selfexe" "$BUNDLE/rootfs/selfexe-exec"
	# the same without a script: a symlink to the exec'ing process's own exe
	ln -s /proc/self/exe "$BUNDLE/rootfs/selflink"
	set_args sh -c "$exe_attacker"
	grid run --detach --bundle "$BUNDLE" c1
	for i in $(seq 5); do
		for p in /selfexe /selfexe-exec /selflink; do
			timeout 20 "${RT_ATTACK[@]}" exec c1 "$p" >/dev/null 2>&1 </dev/null || true
		done
	done
	exe_attack_verdict c1
}

@test "CVE-2019-5736: a startContainer hook that is a #!/proc/self/exe script cannot reach the runtime's binary" {
	default_security
	rt_copy
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/selfexe"
	chmod 755 "$BUNDLE/rootfs/selfexe"
	set_args sleep 1000
	update_config '.hooks.startContainer = [{ "path": "/selfexe" }]'
	for i in 1 2 3; do
		timeout 20 "${RT_ATTACK[@]}" create --bundle "$BUNDLE" "c$i" >/dev/null 2>&1 </dev/null
		# the attacker is in the created container before start runs the hook there
		grid exec --detach "c$i" sh -c "$exe_attacker"
		sleep 0.3
		timeout 20 "${RT_ATTACK[@]}" start "c$i" >/dev/null 2>&1 </dev/null || true
		sleep 0.3
		exe_attack_verdict "c$i"
		grid delete --force "c$i"
	done
}

# ---- process.cwd through the runtime's fds (CVE-2024-21626 class) ----

# cwd_attack: reads the host's secret from whatever directory the program starts in
cwd_attack='pwd; ls ..; cat ../../../../../../../../../"$SECRET" 2>&1; cat ../../../../../../../../"$SECRET"/../secret 2>&1'

@test "CVE-2024-21626: process.cwd, exec --cwd and exec --process never start a program in a host directory" {
	crun_differs "starts the program in a host directory through a caller-leaked fd"
	default_security
	secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$secret" >"$TMP/secret"
	update_config '.process.env += ["SECRET=" + $tmp + "/secret"]'
	# host directories open in the caller, as a client that leaks them would have
	exec 7<"$TMP" 8</tmp 9</
	set_args sh -c "$cwd_attack"
	local leaks=0 cwd
	for cwd in /proc/self/fd/{3..12} /proc/self/cwd /proc/self/root/.. /proc/thread-self/fd/4 /proc/1/cwd; do
		update_config ".process.cwd = \"$cwd\""
		run grid run --bundle "$BUNDLE" c1
		grid delete --force c1 >/dev/null 2>&1 || true
		if [[ "$output" == *"$secret"* || "$output" == *"$(basename "$TMP")"* ]]; then
			echo "process.cwd $cwd: $output"
			leaks=$((leaks + 1))
		fi
	done
	# exec --cwd and exec --process into a running container
	update_config '.process.cwd = "/"'
	set_args sleep 1000
	grid run --detach --bundle "$BUNDLE" c2
	for cwd in /proc/self/fd/{3..12} /proc/self/cwd /proc/thread-self/fd/4; do
		run grid exec --cwd "$cwd" --env "SECRET=$TMP/secret" c2 sh -c "$cwd_attack"
		if [[ "$output" == *"$secret"* || "$output" == *"$(basename "$TMP")"* ]]; then
			echo "exec --cwd $cwd: $output"
			leaks=$((leaks + 1))
		fi
		jq -n --arg cwd "$cwd" --arg s "SECRET=$TMP/secret" --arg a "$cwd_attack" \
			'{ cwd: $cwd, args: ["sh", "-c", $a], env: ["PATH=/bin", $s], user: { uid: 0, gid: 0 } }' >"$TMP/process.json"
		run grid exec --process "$TMP/process.json" c2
		if [[ "$output" == *"$secret"* || "$output" == *"$(basename "$TMP")"* ]]; then
			echo "exec --process cwd $cwd: $output"
			leaks=$((leaks + 1))
		fi
	done
	exec 7<&- 8<&- 9<&-
	[ "$leaks" -eq 0 ]
}

@test "CVE-2024-21626: a refused process.cwd fails create with one line naming the field" {
	grid_only
	update_config '.process.cwd = "/proc/self/fd/5"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "process.cwd /proc/self/fd/5"
	assert_nothing_left c1
	set_args sleep 1000
	update_config '.process.cwd = "/"'
	grid run --detach --bundle "$BUNDLE" c2
	run --separate-stderr grid exec --cwd /proc/self/fd/4 c2 pwd
	assert_error "process.cwd /proc/self/fd/4"
}

# ---- ids that mean "unchanged" to the kernel ----

@test "uid and gid 4294967295 (and anything over 2147483647) are refused wherever an id enters" {
	crun_differs "runs uid 4294967295 as root"
	set_args sh -c 'id -u; id -g; id -G'
	local f out rc
	for f in '.process.user.uid = 4294967295' '.process.user.gid = 4294967295' \
		'.process.user.additionalGids = [4294967295]' '.process.user.uid = 2147483648' \
		'.process.user.additionalGids = [0, 3000000000]'; do
		update_config "$f"
		rc=0
		out=$(grid run --bundle "$BUNDLE" c1 2>&1) || rc=$?
		grid delete --force c1 >/dev/null 2>&1 || true
		echo "$f: rc $rc: $out"
		[ "$rc" -ne 0 ]
		# never root after asking for -1
		[[ "$out" != 0* ]]
		update_config '.process.user = { "uid": 1000, "gid": 1000 }'
	done
	# and through exec
	set_args sleep 1000
	grid run --detach --bundle "$BUNDLE" c2
	for u in 4294967295 0:4294967295 4294967295:0 2147483648 -1; do
		run grid exec --user "$u" c2 id -u
		echo "--user $u: $status $output"
		[ "$status" -ne 0 ]
	done
	for u in '{ "uid": 4294967295, "gid": 0 }' '{ "uid": 0, "gid": 4294967295 }' \
		'{ "uid": 0, "gid": 0, "additionalGids": [4294967295] }'; do
		jq -n --argjson u "$u" '{ cwd: "/", args: ["id", "-u"], env: ["PATH=/bin"], user: $u }' >"$TMP/p.json"
		run grid exec --process "$TMP/p.json" c2
		echo "--process user $u: $status $output"
		[ "$status" -ne 0 ]
	done
}

@test "an out-of-range id is refused with one line naming the field" {
	grid_only
	update_config '.process.user.uid = 4294967295'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "process.user.uid" "4294967295" "0..2147483647"
	update_config '.process.user = { "uid": 0, "gid": 0, "additionalGids": [1, 4294967295] }'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "process.user.additionalGids[1]"
	update_config '.process.user.additionalGids = [] | .linux.namespaces += [{ "type": "user" }]
		| .linux.uidMappings = [{ "containerID": 4294967295, "hostID": 100000, "size": 1 }]
		| .linux.gidMappings = [{ "containerID": 0, "hostID": 100000, "size": 1 }]'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.uidMappings[0].containerID"
	assert_nothing_left c1
}

# ---- sysctls that would be the host's ----

# host_sysctls: the values this test may never change, saved so that teardown restores them if a
# runtime did (that runtime then fails the test)
watched_sysctls="fs/mqueue/queues_max fs/mqueue/msg_max kernel/msgmax kernel/shmmni net/ipv4/ping_group_range net/ipv4/ip_default_ttl kernel/domainname kernel/hostname kernel/core_uses_pid vm/swappiness"
save_sysctls() {
	local k
	for k in $watched_sysctls; do
		printf '%s=%s\n' "$k" "$(cat "/proc/sys/$k")"
	done >"$TMP/sysctls.saved"
}

# changed_sysctls: the host values that differ from the saved ones (and restores them)
changed_sysctls() {
	local line k v now
	while IFS= read -r line; do
		k=${line%%=*}
		v=${line#*=}
		now=$(cat "/proc/sys/$k")
		if [ "$now" != "$v" ]; then
			echo "host $k changed: $v -> $now"
			printf '%s' "$v" >"/proc/sys/$k"
		fi
	done <"$TMP/sysctls.saved"
}

@test "linux.sysctl never changes the host: each key needs its own namespace of the container's" {
	crun_differs "writes sysctls of a joined host IPC namespace to the host"
	save_sysctls
	set_args true
	local ns case out rc bad=0
	# "sysctls|namespaces kept": every one of these must be refused
	while IFS='|' read -r case ns; do
		update_config ".linux.sysctl = $case
			| .linux.namespaces = [.linux.namespaces[] | select(.type != \"ipc\" and .type != \"network\" and .type != \"uts\")]
			| .linux.namespaces += $ns | del(.hostname)"
		rc=0
		out=$(grid run --bundle "$BUNDLE" c1 2>&1) || rc=$?
		grid delete --force c1 >/dev/null 2>&1 || true
		echo "$case with $ns: rc $rc: $out"
		[ "$rc" -ne 0 ] || bad=$((bad + 1))
	done <<-EOF
		{"fs.mqueue.queues_max": "123"}|[{"type": "network"}, {"type": "uts"}]
		{"kernel.msgmax": "4096"}|[{"type": "network"}]
		{"kernel.shmmni": "1000"}|[]
		{"fs.mqueue.msg_max": "11"}|[{"type": "ipc", "path": "/proc/self/ns/ipc"}]
		{"net.ipv4.ping_group_range": "0 0"}|[{"type": "ipc"}]
		{"net.ipv4.ip_default_ttl": "33"}|[{"type": "network", "path": "/proc/1/ns/net"}]
		{"kernel.domainname": "evil"}|[{"type": "ipc"}]
		{"kernel.hostname": "evil"}|[{"type": "ipc"}, {"type": "network"}]
		{"kernel.core_uses_pid": "0"}|[{"type": "ipc"}, {"type": "network"}, {"type": "uts"}]
		{"vm.swappiness": "33"}|[{"type": "ipc"}, {"type": "network"}, {"type": "uts"}]
	EOF
	changed=$(changed_sysctls)
	echo "$changed"
	[ -z "$changed" ]
	[ "$bad" -eq 0 ]
}

@test "linux.sysctl with the container's own namespaces is set inside only" {
	save_sysctls
	update_config '.linux.sysctl = {"fs.mqueue.queues_max": "123", "kernel.msgmax": "4096",
		"net.ipv4.ip_default_ttl": "33", "kernel.domainname": "inside"}
		| .linux.namespaces += [{ "type": "ipc" }, { "type": "network" }, { "type": "uts" }] | .linux.namespaces |= unique_by(.type)'
	set_args cat /proc/sys/fs/mqueue/queues_max /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/domainname
	run grid run --bundle "$BUNDLE" c1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "123 4096 33 inside" ]
	changed=$(changed_sysctls)
	echo "$changed"
	[ -z "$changed" ]
}

@test "linux.sysctl in a joined namespace that is not the host's (a pod's, as containerd makes it) is set there" {
	save_sysctls
	touch "$TMP/netns"
	unshare --net="$TMP/netns" true
	update_config '.linux.sysctl = {"net.ipv4.ip_default_ttl": "33"}
		| .linux.namespaces |= map(select(.type != "network")) + [{"type": "network", "path": ($tmp + "/netns")}]'
	set_args cat /proc/sys/net/ipv4/ip_default_ttl
	run grid run --bundle "$BUNDLE" c1
	local inside
	inside=$(nsenter --net="$TMP/netns" cat /proc/sys/net/ipv4/ip_default_ttl)
	umount "$TMP/netns"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 33 ]
	[ "$inside" = 33 ]
	changed=$(changed_sysctls)
	echo "$changed"
	[ -z "$changed" ]
}

@test "a refused sysctl names the key and the namespace it needs" {
	grid_only
	update_config '.linux.sysctl = {"fs.mqueue.queues_max": "123"} | .linux.namespaces |= map(select(.type != "ipc"))'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.sysctl fs.mqueue.queues_max" "ipc namespace"
	update_config '.linux.sysctl = {"kernel.hostname": "b"} | .hostname = "a"
		| .linux.namespaces += [{ "type": "ipc" }, { "type": "uts" }] | .linux.namespaces |= unique_by(.type)'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.sysctl kernel.hostname" "hostname"
	update_config '.linux.sysctl = {"kernel.core_pattern": "|/tmp/x"}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.sysctl kernel.core_pattern"
	assert_nothing_left c1
}

# ---- the rootfs's /dev is the attacker's (CVE-2025-31133, -52565 class) ----

@test "a rootfs whose /dev is a symlink to a host directory: devices are made inside the rootfs" {
	crun_differs "makes the devices in the host directory the symlink names"
	mkdir "$TMP/hostdev"
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s "$TMP/hostdev" "$BUNDLE/rootfs/dev"
	update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
	set_args sh -c 'ls /dev'
	run grid run --bundle "$BUNDLE" c1
	echo "$output"
	grid delete --force c1 >/dev/null 2>&1 || true
	echo "host directory: $(ls -A "$TMP/hostdev")"
	[ -z "$(ls -A "$TMP/hostdev")" ]
}

# null_swapper: swaps the shared rootfs's /dev/null between the null device and a symlink to a
# procfs file, as fast as it can (run in another container on the same rootfs)
null_swapper='cd /dev; while :; do
	ln -s /proc/sys/kernel/domainname .s; mv -f .s null
	mknod .n c 1 3; mv -f .n null
done'

@test "a racing process that makes /dev/null a symlink never gets a procfs file bound over a masked path" {
	# two containers on one rootfs, used as it is (no write layer) and without a /dev tmpfs; the
	# second one's uts namespace makes domainname harmless
	set_annotation org.grid.layer none
	update_config '.mounts |= map(select(.destination != "/dev"))
		| .linux.namespaces |= (map(select(.type != "uts")) + [{ "type": "uts" }])
		| .linux.maskedPaths = ["/proc/timer_list", "/proc/kcore"] | .linux.readonlyPaths = []'
	set_args sh -c "$null_swapper"
	grid run --detach --bundle "$BUNDLE" racer
	set_args sh -c 'echo pwned >/proc/timer_list; echo pwned >/proc/kcore; cat /proc/sys/kernel/domainname'
	local i ok=0 out
	for i in $(seq 40); do
		if out=$(grid run --bundle "$BUNDLE" "c$i" 2>&1); then
			ok=$((ok + 1))
		fi
		grid delete --force "c$i" >/dev/null 2>&1 || true
		if [[ "$out" == *pwned* ]]; then
			echo "run $i: a masked path took the write: $out"
			false
		fi
	done
	echo "$ok of 40 runs started (the others refused a /dev/null that was not the null device)"
}

@test "a rootfs whose /dev/console is a symlink never gets the terminal mounted where it points" {
	crun_differs "mounts the terminal where the symlink points"
	echo original >"$BUNDLE/rootfs/etc/target"
	rm -f "$BUNDLE/rootfs/dev/console"
	ln -s /etc/target "$BUNDLE/rootfs/dev/console"
	update_config '.mounts |= map(select(.destination != "/dev")) | .process.terminal = true'
	set_args sh -c 'stat -c "%F" /etc/target; ls -l /dev/console'
	python3 "$REPO/tests/recvtty.py" "$TMP/tty.sock" "$TMP/tty.out" 2>"$TMP/tty.err" &
	wait_file "$TMP/tty.sock"
	run grid run --detach --console-socket "$TMP/tty.sock" --bundle "$BUNDLE" c1
	echo "$output"
	[ "$status" -eq 0 ] || kill %1 2>/dev/null || true
	wait || true
	echo "terminal: $(cat "$TMP/tty.out")"
	[ -z "$(grep "character special" "$TMP/tty.out")" ]
	[ "$(cat "$BUNDLE/rootfs/etc/target")" = original ]
}

# ---- the state file ----

@test "an empty state file: state names it, delete --force removes the container" {
	grid_only
	set_args sleep 1000
	grid run --detach --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	: >"$GRID_ROOT/c1/state"
	run --separate-stderr grid state c1
	assert_error "$GRID_ROOT/c1/state is empty"
	grid delete --force c1
	assert_nothing_left c1
	kill -9 "$pid" 2>/dev/null || true
}

# ---- the pid file, in a directory the container writes ----

@test "--pid-file in a directory the container writes: symlinks planted there never redirect the write" {
	crun_differs "writes the pid through a link the container planted at the pid file"
	echo original >"$TMP/hostfile"
	mkdir "$TMP/shared"
	cp -a "$BUNDLE" "$TMP/victim"
	update_config '.mounts += [{ "destination": "/shared", "type": "bind", "source": ($tmp + "/shared"), "options": ["bind", "rw"] }]'
	# the container keeps a link to the host's file at the pid file and at the names next to it
	set_args sh -c "cd /shared; while :; do for n in pid pid.grid-tmp pid.tmp; do ln -sfn $TMP/hostfile \$n; done; done"
	grid run --detach --bundle "$BUNDLE" attacker
	BUNDLE=$TMP/victim set_args sleep 100
	local i made=0 last
	for i in $(seq 20); do
		# and at the names the next host pids would give a temporary file
		last=$(cat /proc/sys/kernel/ns_last_pid)
		for p in $(seq $((last + 1)) $((last + 60))); do ln -sfn "$TMP/hostfile" "$TMP/shared/pid.grid-$p"; done
		grid create --pid-file "$TMP/shared/pid" --bundle "$TMP/victim" "v$i" >/dev/null 2>&1 && made=$((made + 1))
		grid delete --force "v$i" >/dev/null 2>&1 || true
	done
	echo "$made of 20 creates succeeded; host file: $(cat "$TMP/hostfile")"
	[ "$(cat "$TMP/hostfile")" = original ]
	[ "$made" -gt 10 ]
}

# ---- fds the caller of create leaks ----

@test "the caller's leaked fds, however high, reach neither the program nor a startContainer hook" {
	echo host-secret-content >"$TMP/secret"
	local probe='for fd in 7 1500; do [ -e /proc/self/fd/$fd ] && echo "LEAK $fd"; cat /proc/self/fd/$fd/secret; done 2>/dev/null; echo probed'
	printf '#!/bin/sh\n{ %s; } >/hook.out\nexit 0\n' "$probe" >"$BUNDLE/rootfs/hook"
	chmod 755 "$BUNDLE/rootfs/hook"
	update_config '.hooks.startContainer = [{ "path": "/hook" }]'
	set_args sh -c "{ $probe; } >/prog.out; exec sleep 1000"
	exec 7<"$TMP" 1500<"$TMP"
	grid create --bundle "$BUNDLE" c1
	exec 7<&- 1500<&-
	grid start c1
	for i in $(seq 100); do [ -n "$(in_file c1 /prog.out)" ] && break; sleep 0.1; done
	out="$(in_file c1 /hook.out) $(in_file c1 /prog.out)"
	echo "$out"
	[ "$out" = "probed probed" ]
}

# ---- what the container wrote, seen from the host ----

@test "host users cannot reach the container's write layer (a setuid file it made never runs as root)" {
	grid_only
	# this test's directories, made walkable so that only Grid's own modes stand in the way
	chmod 0711 "$TMP"
	set_args sh -c 'cp /bin/busybox /suid && chmod 4755 /suid && echo private >/private && exec sleep 1000'
	grid run --detach --bundle "$BUNDLE" c1
	wait_file "$GRID_ROOT/c1/upper/private"
	# (127 when nobody cannot reach the file at all)
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$GRID_ROOT/c1/upper/suid" id -u 2>&1) || true
	echo "as nobody: $out"
	[ "$out" != 0 ]
	run setpriv --reuid 65534 --regid 65534 --clear-groups cat "$GRID_ROOT/c1/upper/private"
	echo "as nobody: $status $output"
	[ "$status" -ne 0 ]
}

# ---- mount destinations that a rootfs symlink steers into /proc (CVE-2025-52881 class) ----

@test "a bind mount steered into /proc by a rootfs symlink is refused: no sysctl or label write lands in a host file" {
	crun_differs "mounts over the procfs file the symlink names"
	echo original >"$TMP/hostfile"
	rm -f "$BUNDLE/rootfs/etc/hostname"
	ln -s /proc/sys/kernel/domainname "$BUNDLE/rootfs/etc/hostname"
	# as clients bind their /etc/hostname file; the sysctl is Grid's to write after pivot_root
	update_config '.mounts += [{ "destination": "/etc/hostname", "type": "bind", "source": ($tmp + "/hostfile"), "options": ["bind", "rw"] }]
		| .linux.namespaces |= (map(select(.type != "uts")) + [{ "type": "uts" }])
		| .linux.sysctl = {"kernel.domainname": "pwned"}'
	set_args sh -c 'cat /proc/sys/kernel/domainname'
	run grid run --bundle "$BUNDLE" c1
	echo "$output"
	grid delete --force c1 >/dev/null 2>&1 || true
	[ "$(cat "$TMP/hostfile")" = original ]
	# and not a mount over the procfs file either
	[[ "$output" != *original* ]]
}

# ---- a user namespace's init while it sets up ----

@test "user namespace: a process of a joined pid namespace never reaches the init's host root during setup" {
	crun_differs "lets the joined pid namespace read host files through the init"
	chmod 0711 "$TMP"
	echo host-only >"$TMP/marker"
	chmod 0644 "$TMP/marker"
	local maps='.linux.uidMappings = [{ "containerID": 0, "hostID": 200000, "size": 65536 }]
		| .linux.gidMappings = [{ "containerID": 0, "hostID": 200000, "size": 65536 }]'
	cp -a "$BUNDLE" "$TMP/b2"
	chown -R 200000:200000 "$BUNDLE/rootfs" "$TMP/b2/rootfs"
	# A: a user namespace, CAP_SYS_PTRACE in it; it looks at every process it can see
	update_config "$maps | .linux.namespaces += [{ \"type\": \"user\" }]
		| .process.capabilities.bounding += [\"CAP_SYS_PTRACE\"] | .process.capabilities.effective += [\"CAP_SYS_PTRACE\"]
		| .process.capabilities.permitted += [\"CAP_SYS_PTRACE\"]"
	# (shell builtins only: a fork per probe would miss most of each setup)
	set_args sh -c "while :; do for p in /proc/[0-9]*; do read -r l <\$p/root$TMP/marker && echo \$l; done 2>/dev/null; done >>/hits"
	grid run --detach --bundle "$BUNDLE" a
	apid=$(container_pid a)
	# B joins A's user and pid namespaces: its init is visible to A while it sets up
	update_config "$maps | .linux.namespaces |= map(select(.type != \"user\" and .type != \"pid\"))
		| .linux.namespaces += [{ \"type\": \"user\", \"path\": \"/proc/$apid/ns/user\" }, { \"type\": \"pid\", \"path\": \"/proc/$apid/ns/pid\" }]
		| del(.linux.uidMappings, .linux.gidMappings)" "$TMP/b2"
	jq '.process.args = ["true"]' "$TMP/b2/config.json" >"$TMP/b2/c.json" && mv "$TMP/b2/c.json" "$TMP/b2/config.json"
	for i in $(seq 20); do
		grid run --bundle "$TMP/b2" "b$i" >/dev/null 2>&1 || true
		grid delete --force "b$i" >/dev/null 2>&1 || true
	done
	hits=$(in_file a /hits)
	echo "A read the host's marker $(grep -c host-only <<<"$hits") times"
	[ -z "$hits" ]
}
