#!/usr/bin/env bats
# mounts.bats - config.json mounts, masked and read-only paths, sysctl, the
# cgroup mount, namespace paths of the wrong type, and the initramfs path
# of pivot_root. Each asserts what the process inside observes.

load helpers

@test "a read-only bind mount shows the host directory and refuses writes" {
	mkdir "$TMP/data"
	echo hello >"$TMP/data/file"
	update_config '.mounts += [{"destination": "/data", "source": ($tmp + "/data"), "options": ["rbind", "ro"]}]'
	set_args sh -c 'cat /data/file; touch /data/new 2>/dev/null && echo wrote || echo refused'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hello\nrefused')" ]
	[ ! -e "$TMP/data/new" ]
}

@test "a relative bind source is taken from the bundle" {
	mkdir "$BUNDLE/shared"
	echo from-bundle >"$BUNDLE/shared/f"
	update_config '.mounts += [{"destination": "/mnt/s", "source": "shared", "options": ["bind"]}]'
	set_args cat /mnt/s/f
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = from-bundle ]
}

@test "a single file can be bind mounted, its mount point is created" {
	echo one-file >"$TMP/file"
	update_config '.mounts += [{"destination": "/etc/extra/conf", "source": ($tmp + "/file"), "options": ["bind"]}]'
	set_args cat /etc/extra/conf
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = one-file ]
	[ ! -e "$BUNDLE/rootfs/etc/extra" ]
}

@test "missing nested destinations are created and tmpfs options are applied" {
	update_config '.mounts += [{"destination": "/a/b/c", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=700", "nodev"]}]'
	set_args sh -c 'stat -c %a /a/b/c; grep " /a/b/c " /proc/self/mounts'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 700 ]
	[[ "${lines[1]}" == *"tmpfs"*"nodev"*"size=1024k"* ]]
}

@test "an absolute symlink as destination resolves inside the rootfs, not on the host" {
	mkdir "$TMP/hostside"
	ln -s "$TMP/hostside" "$BUNDLE/rootfs/escape"
	update_config '.mounts += [{"destination": "/escape", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'touch /escape/inside && echo ok'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ -z "$(ls -A "$TMP/hostside")" ]
	# the tmpfs went to <rootfs>/<the link's target>, inside the container
	[ -z "$(grep -F "$TMP/hostside" /proc/self/mountinfo)" ]
}

@test "a relative symlink with .. as destination cannot climb out of the rootfs" {
	ln -s ../../../../../../.. "$BUNDLE/rootfs/up"
	update_config '.mounts += [{"destination": "/up/etc/marker", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'test -d /etc/marker && echo inside'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = inside ]
	[ ! -e /etc/marker ]
}

@test "a destination with .. components stays inside the rootfs" {
	update_config '.mounts += [{"destination": "/../../../../tmp/dotdot", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'grep -c " /tmp/dotdot " /proc/self/mounts'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ ! -e /tmp/dotdot ]
}

@test "a bind mount whose source is missing names it and leaves nothing" {
	update_config '.mounts += [{"destination": "/data", "source": ($tmp + "/nope"), "options": ["bind"]}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "$TMP/nope" "no such file or directory"
	assert_nothing_left c1
}

@test "masked paths cannot be read" {
	update_config '.linux.maskedPaths = ["/proc/meminfo", "/sys/firmware", "/does/not/exist"]'
	set_args sh -c 'wc -c < /proc/meminfo; ls /sys/firmware | wc -l'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n0')" ]
}

@test "readonly paths refuse writes" {
	update_config '.linux.readonlyPaths = ["/proc/sys"]'
	set_args sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward 2>/dev/null && echo wrote || echo refused'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = refused ]
}

@test "linux.sysctl is applied inside the container's network namespace only" {
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host))
	update_config ".linux.sysctl = {\"net.ipv4.ip_forward\": \"$want\"}"
	set_args cat /proc/sys/net/ipv4/ip_forward
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host" ]
}

@test "a cgroup mount shows the hierarchies read-only" {
	update_config '.linux.namespaces += [{"type": "cgroup"}]
		| .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "ro"]}]'
	set_args sh -c 'ls /sys/fs/cgroup | wc -l; grep " /sys/fs/cgroup" /proc/self/mounts | grep -vc " ro," || true'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -ge 1 ]
	[ "${lines[1]}" = 0 ]
}

@test "a namespace path of another type is refused and leaves nothing" {
	update_config '.linux.namespaces |= map(if .type == "uts" then .path = "/proc/self/ns/net" else . end)'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "uts" "/proc/self/ns/net" "another type"
	assert_nothing_left c1
}

@test "a config without a mount namespace is refused" {
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "mount namespace"
	assert_nothing_left c1
}

@test "a user namespace is refused, not silently ignored" {
	update_config '.linux.namespaces += [{"type": "user"}]'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "user namespace"
	assert_nothing_left c1
}

@test "the initramfs path of pivot_root (bind, move, chroot, pivot) runs a container" {
	set_args sh -c 'hostname; echo $$; ls /'
	GRID_TEST_ROOT_FALLBACK=1 run --separate-stderr "$GRID_BIN" --debug run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = grid ]
	[ "${lines[1]}" = 1 ]
	[[ "$stderr" == *"pivot_root gave EINVAL"* ]]
	# the container sees its rootfs, not the host's
	[[ " ${lines[*]} " != *" work "* ]]
}

@test "seccomp and resources are enforced: no unenforced warning" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"} | .linux.resources = {"pids": {"limit": 10}}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"not enforced"* ]]
}

@test "rootfsPropagation and a mount's propagation option are applied" {
	update_config '.linux.rootfsPropagation = "shared"
		| .mounts += [{"destination": "/p", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]},
			      {"destination": "/q", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}]'
	set_args sh -c 'awk "\$5 == \"/\" || \$5 == \"/p\" || \$5 == \"/q\" { print \$5, \$7 }" /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *"/ shared:"* ]]
	[[ "$output" == *"/p shared:"* ]]
	[[ "$output" == *"/q unbindable"* ]]
}

# propagation ROOT OPTION: bind a shared host tmpfs ($TMP/vol) on /vol with OPTION under
# rootfsPropagation ROOT (either may be empty), then print "h2c c2h": whether a mount the host makes
# under it after start shows inside, and whether one the container makes shows on the host.
propagation() {
	local root=$1 opt=$2 c2h=no h2c= rc=0
	mkdir -p "$TMP/vol"
	mount -t tmpfs vol "$TMP/vol" && mount --make-shared "$TMP/vol" && mkdir "$TMP/vol/h" || return 1
	cp "$BUNDLE/config.json" "$TMP/config.orig"
	jq --arg root "$root" --arg opt "$opt" --arg src "$TMP/vol" '
		.linux.rootfsPropagation = $root | if $root == "" then del(.linux.rootfsPropagation) else . end
		| .process.capabilities = {"bounding": ["CAP_SYS_ADMIN"], "effective": ["CAP_SYS_ADMIN"],
					   "permitted": ["CAP_SYS_ADMIN"]}
		| .mounts += [{"destination": "/vol", "type": "bind", "source": $src,
			       "options": (["rbind"] + (if $opt == "" then [] else [$opt] end))}]' \
		"$TMP/config.orig" >"$BUNDLE/config.json"
	set_args sh -c 'mkdir /vol/c && mount -t tmpfs c /vol/c && touch /vol/ready || exit 1
		i=0; while [ ! -e /vol/go ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
		if grep -q " /vol/h " /proc/self/mountinfo; then echo yes; else echo no; fi >/vol/result'
	if grid create --bundle "$BUNDLE" p 2>&1 && grid start p 2>&1 && wait_file "$TMP/vol/ready" 2>&1; then
		grep -q " $TMP/vol/c " /proc/self/mountinfo && c2h=yes
		mount -t tmpfs h "$TMP/vol/h" && touch "$TMP/vol/go" && wait_file "$TMP/vol/result" 2>&1 &&
			h2c=$(cat "$TMP/vol/result")
	fi
	grid delete --force p 2>&1 >/dev/null
	umount -R "$TMP/vol" 2>&1 && rmdir "$TMP/vol" || rc=1
	mv "$TMP/config.orig" "$BUNDLE/config.json"
	# the answer, else what went wrong (an error above, or an empty answer)
	[ -n "$h2c" ] && [ $rc -eq 0 ] && echo "$h2c $c2h"
}

@test "mount propagation between a shared host mount and a bind of it, both ways, for every rootfsPropagation and option" {
	local root opt want got bad=
	for root in "" rslave slave rshared shared rprivate private unbindable; do
		for opt in "" private rprivate slave rslave shared rshared unbindable runbindable; do
			# host to container: the bind follows the host unless the root or the option cuts it off
			case $root:$opt in
			*private* | *unbindable*) want=no ;;
			*) want=yes ;;
			esac
			# container to host: only a shared root with a bind that stays shared (runc's Bidirectional)
			case $root:$opt in
			shared: | shared:shared | shared:rshared | rshared: | rshared:shared | rshared:rshared) want="$want yes" ;;
			*) want="$want no" ;;
			esac
			got=$(propagation "$root" "$opt") || got="failed: $got"
			[ "$got" = "$want" ] || bad="$bad
rootfsPropagation=${root:-unset} option=${opt:-none}: got '$got', want '$want' (h2c c2h)"
		done
	done
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
}

@test "without rootfsPropagation the container's mounts do not propagate to the host" {
	set_args sh -c 'awk "\$5 == \"/\" { print \$7 }" /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" != shared:* ]]
}

@test "a caller's rootfs on a shared mount (docker's data-root is shared) runs, and its mounts stay inside" {
	mkdir "$TMP/shared"
	mount -t tmpfs tmpfs "$TMP/shared"
	mount --make-shared "$TMP/shared"
	cp -a "$BUNDLE/rootfs/." "$TMP/shared/"
	update_config '.root.path = $tmp + "/shared"'
	set_args sh -c 'awk "\$5 == \"/\" { print \$7 }" /proc/self/mountinfo; ls /proc/self/ns'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	# the host's view of that mount gained nothing from the container (its /proc, /dev, ...)
	local leaked
	leaked=$(awk -v d="$TMP/shared/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo)
	umount -R "$TMP/shared"
	[ "$status" -eq 0 ]
	[[ "$output" != shared:* ]]
	[[ "$output" == *mnt* ]]
	[ -z "$leaked" ]
}

@test "a bind mount from a shared host mount does not carry the container's mounts back to the host" {
	mkdir -p "$TMP/shared"
	mount -t tmpfs tmpfs "$TMP/shared"
	mount --make-shared "$TMP/shared"
	mkdir "$TMP/shared/src"
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": ($tmp + "/shared"), "options": ["rbind"]},
			{"destination": "/data/src", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'grep -c " /data/src " /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	local leaked
	leaked=$(awk -v d="$TMP/shared/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo)
	umount -R "$TMP/shared"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ -z "$leaked" ]
}

@test "mounts are made in config order: mountinfo lists them as config.json does" {
	mkdir -p "$TMP/src/sub"
	local -a dests=(/mnt/first-tmpfs)
	local opts
	for opts in shared slave private unbindable rshared rslave rprivate runbindable; do
		dests+=("/mnt/etc-$opts")
	done
	dests+=(/mnt/last-tmpfs)
	update_config '.mounts += [{"destination": "/mnt/first-tmpfs", "type": "tmpfs", "source": "tmpfs"}]
		+ ["shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"
		   | {"destination": ("/mnt/etc-" + .), "type": "bind", "source": ($tmp + "/src"),
		      "options": [(if startswith("r") then "rbind" else "bind" end), .]}]
		+ [{"destination": "/mnt/last-tmpfs", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'awk "index(\$5, \"/mnt/\") == 1 { print \$5 }" /proc/self/mountinfo'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "${dests[@]}")" ]
}
