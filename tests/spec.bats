#!/usr/bin/env bats
# spec.bats - config.json fields of config.md and config-linux.md, each checked
# by what the process inside observes, and a refusal for invalid values:
# user and time namespaces, devices, process attributes, rlimits, idmapped and
# recursive mount options, LSM labels, features and the spec's sample configs.

load helpers

# the spec's schemas and sample configs, copied into the repository (v1.3.0)
SPEC=$REPO/tests/unit/spec/oci-runtime-spec

userns_config() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "user namespace: the mappings are in force and the container's root owns its /" {
	userns_config
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /; stat -c %u /bin/busybox; touch /made && echo wrote'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 100000 65536" ]
	[ "$(echo "${lines[1]}" | tr -s ' ')" = " 0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
	# the bundle's files belong to the host's root, which is not mapped
	[ "${lines[4]}" = 65534 ]
	[ "${lines[5]}" = wrote ]
	[ "$(stat -c %u "$GRID_ROOT/c1/upper/made")" = 100000 ]
	[ ! -e "$BUNDLE/rootfs/made" ]
}

@test "user namespace: proc, sysfs and the pid namespace belong to it" {
	userns_config
	set_args sh -c 'echo $$; ls /proc/1/ns/user >/dev/null && readlink /proc/self/ns/user; grep -c " /sys " /proc/self/mounts'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" != "$(readlink /proc/self/ns/user)" ]
	[ "${lines[2]}" = 1 ]
}

@test "user namespace: a user inside is mapped to the host" {
	userns_config
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	pid=$(container_pid c1)
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 101000 ]
	[ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 101000 ]
}

@test "user namespace: the default devices bound from the host are nosuid and noexec" {
	userns_config
	set_args sh -c 'for d in null zero full random urandom tty; do
		awk -v d=/dev/$d "\$5 == d { print d, \$6 }" /proc/self/mountinfo; done'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	for l in "${lines[@]}"; do
		[[ ",${l#* }," == *,nosuid,* && ",${l#* }," == *,noexec,* ]] || { echo "$l"; false; }
	done
}

@test "user namespace: can be joined by path" {
	userns_config
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	mkdir "$TMP/b2"
	cp -a "$BUNDLE/." "$TMP/b2/"
	jq --arg p "/proc/$pid/ns/user" 'del(.linux.uidMappings, .linux.gidMappings)
		| .process.args = ["cat", "/proc/self/uid_map"]
		| .linux.namespaces |= map(if .type == "user" then .path = $p else . end)' \
		"$BUNDLE/config.json" >"$TMP/b2/config.json"
	run --separate-stderr grid run --bundle "$TMP/b2" c2
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr -s ' ')" = " 0 100000 65536" ]
}

@test "user namespace without mappings is refused and leaves nothing" {
	update_config '.linux.namespaces += [{"type": "user"}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "uidMappings"
	assert_nothing_left c1
}

@test "mappings without a user namespace are refused" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}] | .linux.gidMappings = .linux.uidMappings'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.uidMappings" "user namespace"
	assert_nothing_left c1
}

@test "a mapping the kernel refuses (overlapping ranges) names the field and leaves nothing" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 5, "hostID": 200000, "size": 10}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 10}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.uidMappings"
	assert_nothing_left c1
}

@test "time namespace: boottime and monotonic offsets are seen inside" {
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 864000}, "monotonic": {"secs": 86400, "nanosecs": 5}}'
	set_args cut -d. -f1 /proc/uptime
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	host=$(cut -d. -f1 /proc/uptime)
	[ "$output" -ge $((host + 864000 - 5)) ]
	[ "$output" -le $((host + 864000 + 60)) ]
}

@test "time offsets without a time namespace are refused" {
	update_config '.linux.timeOffsets = {"boottime": {"secs": 1}}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.timeOffsets"
	assert_nothing_left c1
}

@test "an unknown clock in timeOffsets is refused" {
	update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"realtime": {"secs": 1}}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.timeOffsets.realtime"
}

@test "linux.devices: a char device with mode and owner, and a fifo outside /dev" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 5, "gid": 6},
		{"path": "/run/ctl/fifo", "type": "p"}]'
	set_args sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/mynull; stat -c %F /run/ctl/fifo; echo x > /dev/mynull && echo writable'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3 660 5:6" ]
	[ "${lines[1]}" = fifo ]
	[ "${lines[2]}" = writable ]
}

@test "linux.devices: a different file already at the path is an error" {
	update_config '.linux.devices = [{"path": "/bin/sh", "type": "c", "major": 1, "minor": 3}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.devices[0]" "/bin/sh"
	assert_nothing_left c1
}

@test "linux.devices: a symlink at the path counts when it leads to that device inside the rootfs" {
	# as --privileged clients pass the host's /dev/ptmx, which Grid makes a link to pts/ptmx
	mkdir -p "$TMP/host"
	ln -s "$TMP/host/null" "$BUNDLE/rootfs/dev-link"
	update_config '.linux.devices = [{"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2}]'
	set_args sh -c 'readlink /dev/ptmx'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = pts/ptmx ]
	# a link to a host path is followed inside the rootfs only, where nothing is: refused
	update_config '.linux.devices = [{"path": "/dev-link", "type": "c", "major": 1, "minor": 3}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c2
	assert_error "linux.devices[0]" "a different file is there already"
	assert_nothing_left c2
	[ -z "$(ls -A "$TMP/host")" ]
}

@test "linux.devices: a block device needs major and minor" {
	update_config '.linux.devices = [{"path": "/dev/b", "type": "b"}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.devices[0]" "major"
}

@test "ioPriority, scheduler, personality and memoryPolicy are applied" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 4}
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
		| .linux.personality = {"domain": "LINUX32"}
		| .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	set_args sh -c 'ionice; awk "/^policy/ { print \$3 }" /proc/self/sched; cut -d" " -f19 /proc/self/stat; uname -m; grep -c "bind:0" /proc/self/numa_maps'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = idle ]
	[ "${lines[1]}" = 3 ]
	[ "${lines[2]}" = 7 ]
	[ "${lines[3]}" = i686 ]
	[ "${lines[4]}" -gt 0 ]
}

@test "invalid process attributes are refused, naming the field" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_NOPE", "priority": 1}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.ioPriority.class" "IOPRIO_CLASS_NOPE"
	update_config 'del(.process.ioPriority) | .process.scheduler = {"policy": "SCHED_ISO"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.scheduler.policy"
	update_config 'del(.process.scheduler) | .linux.personality = {"domain": "PER_BSD"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.personality.domain"
	update_config 'del(.linux.personality) | .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "x"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.memoryPolicy.nodes"
	update_config 'del(.linux.memoryPolicy) | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 9}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.ioPriority.priority"
	assert_nothing_left c1
}

@test "a scheduler the kernel refuses is a clean error" {
	update_config '.process.scheduler = {"policy": "SCHED_DEADLINE", "runtime": 1, "deadline": 0, "period": 0}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.scheduler" "invalid argument"
	assert_nothing_left c1
}

@test "rlimits: soft and hard are set exactly" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	set_args sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Hc'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '100\n200\n0')" ]
}

@test "rlimits: raising a hard limit without CAP_SYS_RESOURCE is a clean error" {
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard limit to raise"
	if (ulimit -Hn $((hard * 4))) 2>/dev/null; then skip "this machine can raise hard limits"; fi
	update_config ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": $((hard * 4))}]"
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.rlimits[0]" "operation not permitted"
	assert_nothing_left c1
}

@test "rlimits: a duplicate type is refused" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}, {"type": "RLIMIT_NOFILE", "soft": 2, "hard": 2}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.rlimits[1]" "twice"
}

@test "rro makes a bind mount and its submounts read-only; rnoexec applies to submounts" {
	mkdir -p "$TMP/src/sub"
	mount -t tmpfs tmpfs "$TMP/src/sub"
	cp "$BUNDLE/rootfs/bin/busybox" "$TMP/src/sub/bb"
	update_config '.mounts += [{"destination": "/r", "source": ($tmp + "/src"), "options": ["rbind", "rro", "rnoexec"]}]'
	set_args sh -c 'touch /r/sub/x 2>/dev/null && echo wrote || echo refused; /r/sub/bb true 2>/dev/null && echo ran || echo noexec'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	umount "$TMP/src/sub"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'refused\nnoexec')" ]
}

@test "an idmapped bind mount shows the mapped owners" {
	mkdir "$TMP/shared"
	touch "$TMP/shared/f"
	chown 1000:1000 "$TMP/shared/f"
	update_config '.mounts += [{"destination": "/m", "source": ($tmp + "/shared"), "options": ["bind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]'
	set_args sh -c 'stat -c %u:%g /m /m/f; grep " /m " /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	# on disk root (0) is seen as 1000, on disk 1000 is unmapped
	[ "${lines[0]}" = 1000:1000 ]
	[ "${lines[1]}" = 65534:65534 ]
	[[ "${lines[2]}" == *idmapped* ]]
}

@test "idmap without mappings and without a user namespace is refused" {
	mkdir "$TMP/shared"
	update_config '.mounts += [{"destination": "/m", "source": ($tmp + "/shared"), "options": ["bind", "idmap"]}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "idmap"
	assert_nothing_left c1
}

@test "mount uidMappings without idmap option are refused" {
	mkdir "$TMP/shared"
	update_config '.mounts += [{"destination": "/m", "source": ($tmp + "/shared"), "options": ["bind"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "idmap"
	assert_nothing_left c1
}

@test "tmpcopyup fills the tmpfs with what the rootfs had there; writes stay off the layer" {
	mkdir -p "$BUNDLE/rootfs/seed/sub"
	echo hello >"$BUNDLE/rootfs/seed/sub/f"
	ln -s sub/f "$BUNDLE/rootfs/seed/l"
	update_config '.mounts += [{"destination": "/seed", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}]'
	set_args sh -c 'cat /seed/l; echo new >/seed/n; grep " /seed " /proc/self/mountinfo | cut -d" " -f9'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = tmpfs ]
	[ ! -e "$BUNDLE/rootfs/seed/n" ]
}

@test "nosymfollow refuses to follow symlinks on the mount" {
	mkdir "$TMP/links"
	ln -s /etc/passwd "$TMP/links/l"
	update_config '.mounts += [{"destination": "/l", "source": ($tmp + "/links"), "options": ["bind", "nosymfollow"]}]'
	set_args sh -c 'cat /l/l >/dev/null 2>&1 && echo followed || echo refused'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = refused ]
}

@test "domainname is set" {
	update_config '.domainname = "example.test"'
	set_args cat /proc/sys/kernel/domainname
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = example.test ]
}

@test "apparmorProfile and selinuxLabel are ignored when their LSM is off, as crun does" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is on"
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is on"
	update_config '.process.apparmorProfile = "grid-test" | .process.selinuxLabel = "system_u:system_r:container_t:s0" | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "intelRdt is refused: there is no resctrl support" {
	update_config '.linux.intelRdt = {"closID": "x"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "linux.intelRdt"
}

@test "features is valid against the spec's features schema and lists what is enforced" {
	run --separate-stderr grid features
	[ "$status" -eq 0 ]
	echo "$output" | "$REPO/tests/schema.py" "$SPEC/schema/features-schema.json"
	echo "$output" | jq -e '.hooks | length == 6'
	echo "$output" | jq -e '.linux.namespaces | length == 8'
	echo "$output" | jq -e '.mountOptions | index("rro") and index("nosymfollow") and index("idmap")'
	echo "$output" | jq -e '.linux.capabilities | index("CAP_CHECKPOINT_RESTORE")'
}

@test "state is valid against the spec's state schema in every status" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid state c1 | "$REPO/tests/schema.py" "$SPEC/schema/state-schema.json"
	grid start c1
	grid state c1 | "$REPO/tests/schema.py" "$SPEC/schema/state-schema.json"
	grid kill c1 KILL
	wait_status c1 stopped
	grid state c1 | "$REPO/tests/schema.py" "$SPEC/schema/state-schema.json"
}

@test "the spec's good Linux samples run or are refused naming a field; the bad ones are refused" {
	for f in "$SPEC"/schema/test/config/good/*.json; do
		case $f in *freebsd* | *zos*) continue ;; esac
		cp "$f" "$BUNDLE/config.json"
		run --separate-stderr grid run --bundle "$BUNDLE" sample
		grid delete --force sample
		if [ "$status" -ne 0 ]; then
			echo "$f: $stderr"
			[[ "$stderr" =~ (process|linux|hooks|mounts|root)[.:\[] ]]
		fi
	done
	for f in "$SPEC"/schema/test/config/bad/*.json; do
		cp "$f" "$BUNDLE/config.json"
		run --separate-stderr grid create --bundle "$BUNDLE" sample
		echo "$f: $stderr"
		[ "$status" -ne 0 ]
		[ ! -e "$GRID_ROOT/sample" ]
	done
}

@test "oomScoreAdj, noNewPrivileges and umask are applied" {
	update_config '.process.oomScoreAdj = 500 | .process.noNewPrivileges = true | .process.user.umask = 23'
	set_args sh -c 'cat /proc/self/oom_score_adj; awk "/^NoNewPrivs/ { print \$2 }" /proc/self/status; umask'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '500\n1\n0027')" ]
}

@test "without noNewPrivileges and oomScoreAdj nothing is changed" {
	update_config 'del(.process.noNewPrivileges, .process.oomScoreAdj)'
	set_args sh -c 'cat /proc/self/oom_score_adj; awk "/^NoNewPrivs/ { print \$2 }" /proc/self/status'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(cat /proc/self/oom_score_adj)" ]
	[ "${lines[1]}" = 0 ]
}

@test "execCPUAffinity is accepted and leaves the init's affinity alone (config.md: not for the init)" {
	update_config '.process.execCPUAffinity = {"initial": "0", "final": "0"}'
	set_args sh -c 'awk "/^Cpus_allowed_list/ { print \$2 }" /proc/self/status'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)" ]
	update_config '.process.execCPUAffinity = {"initial": "0-x"}'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "process.execCPUAffinity.initial"
}
