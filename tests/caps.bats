#!/usr/bin/env bats
# process.capabilities: what the process inside sees in /proc/self/status, what it can do, and the
# configs Grid refuses (an unknown name, sets the kernel would not accept together).

load helpers

# The masks, as /proc/self/status prints them.
CHOWN=0000000000000001     # CAP_CHOWN (0)
NBS=0000000000000400       # CAP_NET_BIND_SERVICE (10)
RUNC=0000000020000420      # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
NONE=0000000000000000

# set_caps JSON: process.capabilities = JSON.
set_caps() {
	update_config ".process.capabilities = $1"
}

# cap_lines BND EFF PRM INH AMB: the Cap* lines of /proc/self/status in the order the kernel
# prints them.
cap_lines() {
	printf 'CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s\nCapAmb:\t%s' "$4" "$3" "$2" "$1" "$5"
}

@test "capabilities: the runc spec default set is exactly that set" {
	local set='["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	set_caps "{\"bounding\": $set, \"effective\": $set, \"permitted\": $set}"
	set_args grep ^Cap /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cap_lines $RUNC $RUNC $RUNC $NONE $NONE)" ]
}

@test "capabilities: an empty object leaves no capabilities" {
	set_caps '{}'
	set_args grep ^Cap /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines $NONE $NONE $NONE $NONE $NONE)" ]
}

@test "capabilities: root with CAP_CHOWN can chown, without it cannot" {
	set_caps '{"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]}'
	set_args sh -c 'grep ^Cap /proc/self/status; touch /tmp/x && chown 1 /tmp/x && stat -c %u /tmp/x'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines $CHOWN $CHOWN $CHOWN $NONE $NONE; printf '\n1')" ]

	set_caps '{"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	set_args sh -c 'touch /tmp/x && chown 1 /tmp/x && echo chowned; stat -c %u /tmp/x'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" != *chowned* ]]
	[ "${lines[-1]}" = 0 ]
}

@test "capabilities: a non-root user keeps an ambient capability" {
	local set='["CAP_NET_BIND_SERVICE"]'
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps "{\"bounding\": $set, \"effective\": $set, \"permitted\": $set, \"inheritable\": $set,
		\"ambient\": $set}"
	set_args sh -c 'id -u; grep ^Cap /proc/self/status'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\n'; cap_lines $NBS $NBS $NBS $NBS $NBS)" ]
}

@test "capabilities: a non-root user without ambient capabilities ends with none" {
	local set='["CAP_NET_BIND_SERVICE"]'
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps "{\"bounding\": $set, \"effective\": $set, \"permitted\": $set}"
	set_args grep ^Cap /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines $NBS $NONE $NONE $NONE $NONE)" ]
}

@test "capabilities: absent, root keeps the runtime's and a non-root user has none" {
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	update_config 'del(.process.capabilities)'
	set_args grep ^Cap /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines "$bnd" "$bnd" "$bnd" $NONE $NONE)" ]

	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines "$bnd" $NONE $NONE $NONE $NONE)" ]
}

@test "capabilities: an unknown name is refused, naming the field and the name" {
	set_caps '{"bounding": ["CAP_KILL", "CAP_CHWON"], "effective": ["CAP_KILL"]}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error 'process.capabilities.bounding[1]' '"CAP_CHWON"' unknown
	assert_nothing_left c1
}

# Debian's `runc spec` lists ambient capabilities and no inheritable ones; runc ignores them.
@test "capabilities: an ambient capability not in inheritable is dropped with a warning" {
	local set='["CAP_NET_BIND_SERVICE"]'
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps "{\"bounding\": $set, \"effective\": $set, \"permitted\": $set, \"ambient\": $set}"
	set_args grep ^Cap /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(cap_lines $NBS $NONE $NONE $NONE $NONE)" ]
	[ "$stderr" = "grid: warning: process.capabilities.ambient: CAP_NET_BIND_SERVICE not both permitted and inheritable, cannot be raised: dropped" ]
}

@test "capabilities: an inheritable capability outside bounding is refused" {
	set_caps '{"bounding": ["CAP_KILL"], "inheritable": ["CAP_KILL", "CAP_CHOWN"]}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error 'process.capabilities.inheritable[1]' CAP_CHOWN bounding
	assert_nothing_left c1
}

@test "capabilities: an effective capability not in permitted is refused" {
	set_caps '{"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": []}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error 'process.capabilities.effective[0]' CAP_KILL permitted
	assert_nothing_left c1
}

@test "capabilities: one the runtime does not hold is dropped with a warning" {
	local bnd missing=
	bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
	# CAP_SYS_RESOURCE (24) or CAP_SYS_TIME (25), whichever this runtime lacks
	for n in 24 25; do
		[ $((bnd >> n & 1)) -eq 0 ] && missing=$n && break
	done
	[ -n "$missing" ] || skip "the runtime holds CAP_SYS_RESOURCE and CAP_SYS_TIME"
	local name=CAP_SYS_RESOURCE
	[ "$missing" = 25 ] && name=CAP_SYS_TIME
	set_caps "{\"bounding\": [\"CAP_KILL\", \"$name\"], \"effective\": [\"CAP_KILL\", \"$name\"],
		\"permitted\": [\"CAP_KILL\", \"$name\"]}"
	set_args grep ^CapEff /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CapEff:\t0000000000000020')" ]
	[[ "$stderr" == *"warning: process.capabilities: $name"*dropped* ]]
}

@test "capabilities: noNewPrivileges still applies with capabilities" {
	local set='["CAP_KILL"]'
	update_config '.process.noNewPrivileges = true'
	set_caps "{\"bounding\": $set, \"effective\": $set, \"permitted\": $set}"
	set_args grep -E '^(NoNewPrivs|CapEff)' /proc/self/status
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'CapEff:\t0000000000000020\nNoNewPrivs:\t1')" ]
}
