#!/usr/bin/env bats
# Rootless: a user who is not root runs containers. Each test makes a user of its own (useradd),
# works as that user (setpriv) in $TMP/home, and removes the user again; /etc/passwd, group,
# shadow, gshadow, subuid and subgid must be as they were. tests/run runs this file with crun
# too (tests/e2e-crun), so each scenario is shown to mean something for a known-good runtime.

load helpers

# helpers.bash's teardown, kept to be run after ours
eval "$(declare -f teardown | sed '1s/^teardown/helpers_teardown/')"

ETC_FILES="passwd group shadow gshadow subuid subgid"

# The runtime under test: grid, or crun as tests/e2e-crun sets it up (its own `spec --rootless`
# writes a config crun 1.8 takes).
if [ "${E2E_RUNTIME:-grid}" = crun ]; then
	GRID_BIN=$REPO/tests/crun-as-grid
fi

# crun_differs WHAT: the scenario is Grid's own, or crun 1.8 does WHAT
crun_differs() {
	[ "${E2E_RUNTIME:-grid}" = grid ] || skip "crun 1.8 $1"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	TMP=$(mktemp -d /tmp/grid-t.XXXXXX)
	chmod 755 "$TMP"
	mkdir "$TMP/etc"
	local f
	for f in $ETC_FILES; do
		[ -e "/etc/$f" ] && cp -p "/etc/$f" "$TMP/etc/$f"
	done
	RL_USER=gridrl$(printf '%05d' $((RANDOM % 100000)))
	RL=$TMP/home
	useradd -M -d "$RL" -s /bin/sh "$RL_USER"
	mkdir -p "$RL/xdg" "$RL/bin"
	cp "$GRID_BIN" "$RL/bin/grid"
	cp "$REPO/tests/recvtty.py" "$RL/bin/"
	"$REPO/tests/mkbundle.sh" "$RL/b" sh >/dev/null
	rm "$RL/b/config.json"
	chown -R "$RL_USER:" "$RL"
	chmod 700 "$RL/xdg"
	# the helpers' teardown deletes what is left under GRID_ROOT, as root
	export GRID_ROOT=$RL/root
	BUNDLE=$RL/b
	EXTRA_ROOTS=()
	as_user grid spec --rootless --bundle "$RL/b"
	update_config '.process.terminal = false | .root.readonly = false |
		.process.env += ["GRID_TEST_TMP=" + $tmp]'
}

teardown() {
	local f problems=0
	# podman's storage holds files of the user's sub-ids: gone with $TMP below; its lock file in
	# /dev/shm is the test's own too
	if [ -d "$RL/pm" ]; then
		timeout 60 pu system reset --force >/dev/null 2>&1
		rm -f "/dev/shm/libpod_rootless_lock_$(id -u "$RL_USER")"
	fi
	pkill -KILL -u "$RL_USER" 2>/dev/null || true
	# nothing of the user's outside its home: not a process, not a file in the shared places
	for _ in $(seq 50); do
		pgrep -u "$RL_USER" >/dev/null || break
		sleep 0.1
	done
	if [ -n "$(pgrep -u "$RL_USER")" ]; then
		echo "teardown: processes of $RL_USER left" >&2
		problems=1
	fi
	if [ -n "$(find /tmp /var/tmp /dev/shm /run -xdev -maxdepth 2 -user "$RL_USER" ! -path "$TMP*" 2>/dev/null)" ]; then
		echo "teardown: files of $RL_USER outside $TMP:" >&2
		find /tmp /var/tmp /dev/shm /run -xdev -maxdepth 2 -user "$RL_USER" ! -path "$TMP*" >&2
		problems=1
	fi
	helpers_teardown || problems=1
	userdel "$RL_USER" 2>/dev/null || true
	for f in $ETC_FILES; do
		[ -e "$TMP/etc/$f" ] || continue
		if ! cmp -s "$TMP/etc/$f" "/etc/$f"; then
			echo "teardown: /etc/$f changed; restored" >&2
			cp -p "$TMP/etc/$f" "/etc/$f"
			problems=1
		fi
	done
	rm -rf "$TMP"
	return $problems
}

# as_user CMD...: CMD as the test's user, in its home, with its own runtime dir and state root
as_user() {
	(cd "$RL/b" && setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
		env -i PATH="$RL/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME="$RL" XDG_RUNTIME_DIR="$RL/xdg" \
		GRID_ROOT="$RL/root" CRUN="${CRUN:-crun}" "$@")
}

# user_procs: the test user's processes, once the exited ones are reaped (by the host's init:
# a created container's init is nobody's child)
user_procs() {
	for _ in $(seq 50); do
		pgrep -u "$RL_USER" >/dev/null || return 0
		sleep 0.1
	done
	ps -o pid,stat,args -u "$RL_USER"
}

@test "rootless: grid spec --rootless maps the caller to root in a user namespace" {
	crun_differs "writes no id mappings in spec --rootless (it maps the caller when it runs) and keeps the network namespace"
	local uid gid
	uid=$(id -u "$RL_USER")
	gid=$(id -g "$RL_USER")
	run jq -r '[.linux.uidMappings[] | .containerID, .hostID, .size] + [.linux.gidMappings[] | .containerID,
		.hostID, .size] + [.linux.namespaces[].type] | join(" ")' "$RL/b/config.json"
	[[ "$output" == "0 $uid 1 0 $gid 1 "* ]]
	[[ "$output" == *user* ]]
	[[ "$output" != *network* ]]
}

@test "rootless: run as the user is root in the container; its writes stay in the write layer" {
	set_args sh -c 'echo written >/fresh; id -u; cat /fresh'
	run --separate-stderr as_user grid run c1
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = written ]
	# the bundle is untouched (crun has no write layer), and nothing is left of the container
	[ "${E2E_RUNTIME:-grid}" = crun ] || [ ! -e "$RL/b/rootfs/fresh" ]
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
	[ -z "$(user_procs)" ]
	[ -z "$(leftover_mounts)" ]
}

@test "rootless: create, start, state, exec, kill and delete as the user" {
	set_args sleep 100
	as_user grid create c1 </dev/null >/dev/null
	[ "$(as_user grid state c1 | jq -r .status)" = created ]
	as_user grid start c1
	[ "$(as_user grid state c1 | jq -r .status)" = running ]
	run --separate-stderr as_user grid exec c1 sh -c 'id -u; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" == "sleep 100"* ]]
	as_user grid kill c1 KILL
	for _ in $(seq 50); do
		[ "$(as_user grid state c1 | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	as_user grid delete c1
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
	[ -z "$(user_procs)" ]
}

@test "rootless: org.grid.layer none, seccomp and hooks work as for root" {
	crun_differs "has no write layer to turn off"
	set_args sh -c 'echo direct >/direct; mkdir /blocked 2>/dev/null && echo mkdir-allowed; echo end'
	update_config '.annotations["org.grid.layer"] = "none" |
		.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]} |
		.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "id -u >" + $tmp + "/home/hook.out"]}]'
	run --separate-stderr as_user grid run c1
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "$output" = end ]
	# layer none: the write went to the bundle's rootfs, as the annotation asks
	[ "$(cat "$RL/b/rootfs/direct")" = direct ]
	# the hook ran as the user, in the runtime
	[ "$(cat "$RL/hook.out")" = "$(id -u "$RL_USER")" ]
}

@test "rootless: the state root is the user's own, under XDG_RUNTIME_DIR" {
	crun_differs "keeps its state in \$XDG_RUNTIME_DIR/crun"
	set_args sleep 100
	(cd "$RL" && setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups env -i PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$RL/xdg" "$RL/bin/grid" create --bundle "$RL/b" c1 </dev/null >/dev/null)
	EXTRA_ROOTS=("$RL/xdg/grid")
	[ -d "$RL/xdg/grid/c1" ]
	[ "$(stat -c %U "$RL/xdg/grid/c1")" = "$RL_USER" ]
	(cd "$RL" && setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups env -i PATH=/usr/bin:/bin \
		XDG_RUNTIME_DIR="$RL/xdg" "$RL/bin/grid" delete --force c1)
	[ ! -e "$RL/xdg/grid/c1" ]
}

@test "rootless: a map of the host's root (no subuid range holds it) is refused, and nothing is left" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
	set_args id -u
	run --separate-stderr as_user grid run c1
	[ "$status" -ne 0 ]
	[ "$output" != 0 ]
	if [ "${E2E_RUNTIME:-grid}" = grid ]; then
		assert_error "linux.uidMappings: newuidmap refused"
	fi
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
	[ -z "$(user_procs)" ]
}

@test "rootless: a map wider than the caller's own ids goes through newuidmap and the user's ranges" {
	command -v newuidmap >/dev/null || skip "needs newuidmap (uidmap)"
	grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:300000:65536" >>/etc/subuid
	grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:300000:65536" >>/etc/subgid
	local uid gid sub sgid
	uid=$(id -u "$RL_USER")
	gid=$(id -g "$RL_USER")
	sub=$(grep "^$RL_USER:" /etc/subuid | cut -d: -f2)
	sgid=$(grep "^$RL_USER:" /etc/subgid | cut -d: -f2)
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": '$uid', "size": 1},
			{"containerID": 1, "hostID": '$sub', "size": 1000}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": '$gid', "size": 1},
			{"containerID": 1, "hostID": '$sgid', "size": 1000}]'
	set_args sh -c 'cat /proc/self/uid_map | tr -s " "; su -s /bin/sh -c "id -u" nobody 2>/dev/null || true'
	run --separate-stderr as_user grid run c1
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[[ "$output" == *" 1 $sub 1000"* ]]
	# a range beyond the user's grant is refused by the helper, and said so
	update_config '.linux.uidMappings[1].hostID = 1'
	run --separate-stderr as_user grid run c2
	[ "$status" -ne 0 ]
	[ "${E2E_RUNTIME:-grid}" = crun ] || assert_error "linux.uidMappings: newuidmap refused the map"
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
}

@test "rootless: a bind mount of a file the user may not read is refused" {
	crun_differs "binds it (a bind needs only the path): the file stays unreadable in the container"
	echo secret >"$TMP/secret"
	chmod 600 "$TMP/secret"
	update_config '.mounts += [{"destination": "/secret", "type": "bind", "source": ($tmp + "/secret"),
		"options": ["bind", "ro"]}]'
	set_args cat /secret
	run --separate-stderr as_user grid run c1
	assert_error "source $TMP/secret"
	[[ "$stderr" == *"permission denied"* ]]
	[[ "$output" != *secret* ]]
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
}

@test "rootless: the host's namespaces cannot be joined" {
	set_args true
	local ns
	for ns in network ipc uts; do
		update_config '.linux.namespaces |= map(select(.type != "'$ns'")) |
			.linux.namespaces += [{"type": "'$ns'", "path": "/proc/1/ns/'${ns/network/net}'"}]'
		run --separate-stderr as_user grid run c1
		[ "$status" -ne 0 ] || { echo "$ns of the host joined"; false; }
		if [ "${E2E_RUNTIME:-grid}" = grid ]; then
			assert_error "/proc/1/ns/"
		fi
		[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
	done
}

@test "rootless: another user's state root is not written" {
	mkdir -p "$TMP/theirs"
	touch "$TMP/theirs/marker"
	set_args true
	run --separate-stderr as_user grid --root "$TMP/theirs" run c1
	[ "$status" -ne 0 ]
	[ "${E2E_RUNTIME:-grid}" = crun ] || [[ "$stderr" == *"permission denied"* ]]
	[ "$(ls -A "$TMP/theirs")" = marker ]
	run --separate-stderr as_user grid --root /run/grid run c1
	[ "$status" -ne 0 ]
	[ ! -e /run/grid/c1 ]
}

@test "rootless: linux.resources without a cgroup of the user's own are refused, or skipped on request" {
	crun_differs "runs the container without the limits, and says nothing, when it cannot make a cgroup"
	update_config '.linux.resources = {"pids": {"limit": 10}}'
	set_args true
	run --separate-stderr as_user grid run c1
	assert_error "linux.resources: a user that is not root gets no cgroup"
	[ -z "$(ls -A "$RL/root" 2>/dev/null)" ]
	run --separate-stderr as_user grid --cgroup-manager disabled run c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"linux.resources: ignored"* ]]
}

@test "rootless: a terminal over --console-socket" {
	set_args sh -c 'tty; id -u'
	update_config '.process.terminal = true'
	as_user python3 "$RL/bin/recvtty.py" "$RL/tty.sock" "$RL/tty.out" &
	local recv=$!
	for _ in $(seq 50); do [ -S "$RL/tty.sock" ] && break; sleep 0.1; done
	as_user grid create --console-socket "$RL/tty.sock" c1 </dev/null >/dev/null
	as_user grid start c1
	wait $recv
	grep -q '^/dev/pts/0' "$RL/tty.out"
	grep -q '^0' "$RL/tty.out"
	as_user grid delete --force c1
}

# pu ARGS...: rootless podman as the test's user, its storage and config in the user's home,
# cgroupfs and file events (no systemd), the runtime under test
pu() {
	local rt=$RL/bin/grid
	[ "${E2E_RUNTIME:-grid}" = crun ] && rt=$(command -v crun)
	as_user env CONTAINERS_CONF="$RL/pm/containers.conf" podman --runtime "$rt" "$@"
}

@test "rootless podman: run, exec, stop and rm with the runtime under test" {
	command -v podman >/dev/null && command -v newuidmap >/dev/null || skip "needs podman and uidmap"
	# ranges of the user's own for podman's user namespace (teardown restores the files)
	grep -q "^$RL_USER:" /etc/subuid || echo "$RL_USER:300000:65536" >>/etc/subuid
	grep -q "^$RL_USER:" /etc/subgid || echo "$RL_USER:300000:65536" >>/etc/subgid
	mkdir -p "$RL/pm"
	cat >"$RL/pm/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$RL/pm/events.log"
runtime_supports_json = ["crun", "runc", "grid"]
CONF
	tar -C "$RL/b/rootfs" -cf "$RL/pm/busybox.tar" .
	chown -R "$RL_USER:" "$RL/pm"
	pu import --quiet --change 'CMD ["/bin/sh"]' "$RL/pm/busybox.tar" localhost/busybox >/dev/null
	run --separate-stderr pu run --rm --net none localhost/busybox sh -c 'id -u; echo hello'
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = hello ]
	pu run -d --name rl1 --net none localhost/busybox sleep 100 >/dev/null
	run pu exec rl1 cat /proc/1/cmdline
	[ "$status" -eq 0 ]
	[[ "$output" == sleep* ]]
	pu stop -t 1 rl1 >/dev/null
	pu rm rl1 >/dev/null
	[ -z "$(pu ps -a -q)" ]
	pu system reset --force >/dev/null 2>&1
}
