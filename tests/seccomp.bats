#!/usr/bin/env bats
# linux.seccomp: Grid's own BPF compiler. A denied syscall returns its errno, a killed one ends the
# process with SIGSYS, arguments are compared as 64-bit values, big profiles are a binary search,
# and SCMP_ACT_NOTIFY hands the listener its fd.

load helpers

# seccomp JSON: set linux.seccomp to the JSON given.
seccomp() {
	update_config ".linux.seccomp = $1"
}

# "number name" of every x86_64 syscall in syscalls.h (the test runs where grid
# was built); its lines are "\tSC(OFFSET, X86_64, X32, ...), /* name */".
x86_64_syscalls() {
	awk '/^\tSC\([0-9]+, / { split($0, f, /[(,]/); nr = f[3]; gsub(/ /, "", nr)
		if (nr != "SC_NONE") print nr + 0, $(NF - 1) }' "$REPO/syscalls.h"
}

# The x86_64 names of syscalls.h.
all_syscalls() {
	x86_64_syscalls | cut -d' ' -f2
}

@test "a denied syscall returns the configured errnoRet" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	set_args sh -c 'mkdir /tmp/x; echo "rc=$?"; [ -d /tmp/x ] || echo absent'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = rc=1 ]
	[ "${lines[1]}" = absent ]
	[[ "$stderr" == *"Operation not permitted"* ]]
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Permission denied"* ]]
}

@test "SCMP_ACT_ERRNO without errnoRet is EPERM" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args mkdir /tmp/x
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Operation not permitted"* ]]
}

@test "SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS end the process with SIGSYS" {
	set_args mkdir /tmp/x
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "'$action'"}]}'
		run --separate-stderr grid run --bundle "$BUNDLE" c1
		[ "$status" -eq 159 ] # 128 + SIGSYS
		assert_nothing_left c1
	done
}

# chmod_rule OP VALUE [VALUETWO]: deny chmod and fchmodat when the mode compares so.
chmod_rule() {
	seccomp "$(jq -n -c --arg op "SCMP_CMP_$1" --argjson v "$2" --argjson v2 "${3:-0}" '
		def rule($name; $i): {names: [$name], action: "SCMP_ACT_ERRNO",
			args: [{index: $i, value: $v, valueTwo: $v2, op: $op}]};
		{defaultAction: "SCMP_ACT_ALLOW", syscalls: [rule("chmod"; 1), rule("fchmodat"; 2)]}')"
}

@test "argument filters allow and deny by value" {
	set_args sh -c 'touch /f; for m in 700 755 777; do chmod $m /f 2>/dev/null && echo "$m ok" || echo "$m denied"; done'
	# 448 is 0700
	chmod_rule EQ 448
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '700 denied\n755 ok\n777 ok')" ]
	chmod_rule NE 448
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 ok\n755 denied\n777 denied')" ]
	# 64-bit: 2^32 + 448 is not 448
	chmod_rule EQ 4294967744
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 ok\n755 ok\n777 ok')" ]
	# 493 is 0755
	chmod_rule GT 493
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 ok\n755 ok\n777 denied')" ]
	chmod_rule GE 493
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 ok\n755 denied\n777 denied')" ]
	chmod_rule LT 493
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 denied\n755 ok\n777 ok')" ]
	chmod_rule LE 493
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 denied\n755 denied\n777 ok')" ]
	# (mode & 077) == 0: no bits for group and others
	chmod_rule MASKED_EQ 63 0
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$output" = "$(printf '700 denied\n755 ok\n777 ok')" ]
}

@test "an allow-list of several hundred syscalls runs busybox; the rest get defaultErrnoRet" {
	names=$(all_syscalls | grep -v -x -e mkdir -e mkdirat | jq -R . | jq -s -c .)
	[ "$(echo "$names" | jq length)" -gt 300 ]
	seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 122,
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": '"$names"', "action": "SCMP_ACT_ALLOW"}]}'
	set_args sh -c 'echo hello; ls / >/dev/null && echo listed; mkdir /tmp/x; echo "rc=$?"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hello\nlisted\nrc=1')" ]
	[[ "$stderr" == *"Disk quota exceeded"* ]]
}

@test "with noNewPrivileges false and no CAP_SYS_ADMIN the filter still goes in" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'mkdir /tmp/x; echo "rc=$? uid=$(id -u)"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = "rc=1 uid=1000" ]
	[[ "$stderr" == *"Operation not permitted"* ]]
}

@test "an unknown action, op, architecture or flag is refused with its field named" {
	set_args true
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.syscalls[0].action" SCMP_ACT_BOGUS
	assert_nothing_left c1
	seccomp '{"defaultAction": "SCMP_ACT_NOPE"}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.defaultAction" SCMP_ACT_NOPE
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
		"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.syscalls[0].args[0].op" SCMP_CMP_ABOUT
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.architectures[0]" SCMP_ARCH_VAX
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FAST"]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.flags[0]" SECCOMP_FILTER_FLAG_FAST
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.syscalls[0].errnoRet" "takes no errno"
	seccomp '{"defaultAction": "SCMP_ACT_KILL", "defaultErrnoRet": 1}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.defaultErrnoRet" "takes no errno"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.listenerPath" required
	assert_nothing_left c1
}

@test "unknown syscall names are skipped" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["no_such_call", "mkdir", "mkdirat", "riscv_flush_icache"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/x; echo "rc=$?"'
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ "$output" = rc=1 ]
}

@test "seccomp is no longer named in the unenforced warnings" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW"}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "a 300-rule profile is a binary search: few instructions per syscall, unlike a chain" {
	names=$(all_syscalls | head -300 | jq -R . | jq -s -c .)
	# one rule per syscall, as container engines write them
	seccomp "$(jq -n -c --argjson n "$names" '{defaultAction: "SCMP_ACT_ERRNO",
		syscalls: [$n[] | {names: [.], action: "SCMP_ACT_ALLOW"}]}')"
	# the highest number: the end of a chain sorted by number
	last=$(x86_64_syscalls |
		head -300 | sort -n | tail -1 | cut -d' ' -f2)
	run --separate-stderr grid debug seccomp --bundle "$BUNDLE" --syscall "$last"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ret ALLOW"* ]]
	steps=$(echo "$output" | sed -n 's/.*, \([0-9]*\) instructions executed.*/\1/p')
	[ "$steps" -le 20 ]
	run --separate-stderr grid debug seccomp --bundle "$BUNDLE" --linear --syscall "$last"
	linear=$(echo "$output" | sed -n 's/.*, \([0-9]*\) instructions executed.*/\1/p')
	[ "$linear" -ge 300 ]
	# the whole program: one line per instruction, about 2 per syscall with the search
	len=$(grid debug seccomp --bundle "$BUNDLE" | wc -l)
	[ "$len" -ge 300 ] && [ "$len" -le 900 ]
}

@test "SCMP_ACT_NOTIFY sends the fd and the container process state to listenerPath" {
	python3 "$REPO/tests/seccomp-listener.py" "$TMP/agent.sock" "$TMP/agent.json" &
	agent=$!
	wait_file "$TMP/agent.sock"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$TMP/agent.sock"'",
		"listenerMetadata": "hello agent",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args sh -c 'mkdir /tmp/x; echo "rc=$?"'
	grid create --bundle "$BUNDLE" c1
	pid=$(container_pid c1)
	# the listener has it once create returns, before start (as with runc and crun)
	wait_file "$TMP/agent.json"
	grid start c1
	wait "$agent"
	[ "$(jq -r .state.status "$TMP/agent.json")" = created ]
	[ "$(jq -r .receivedFds "$TMP/agent.json")" = 1 ]
	[ "$(jq -r .fdKind "$TMP/agent.json")" = "anon_inode:seccomp notify" ]
	[ "$(jq -c .fds "$TMP/agent.json")" = '["seccompFd"]' ]
	[ "$(jq -r .lateFds "$TMP/agent.json")" = 0 ]
	[ "$(jq -r .metadata "$TMP/agent.json")" = "hello agent" ]
	[ "$(jq -r .pid "$TMP/agent.json")" = "$pid" ]
	[ "$(jq -r .state.id "$TMP/agent.json")" = c1 ]
	[ "$(jq -r .state.pid "$TMP/agent.json")" = "$pid" ]
	[ "$(jq -r .ociVersion "$TMP/agent.json")" != null ]
	# the agent closed the fd: the notified mkdir fails with ENOSYS
	wait_status c1 stopped
	[ "$(cat "$TMP"/stdio.*.out 2>/dev/null; grid delete c1)" = "" ] || true
}

# stalled_listener MODE: a listener at $TMP/agent.sock that stalls (see seccomp-listener.py), and
# a config whose mkdir is notified to it.
stalled_listener() {
	python3 "$REPO/tests/seccomp-listener.py" "$TMP/agent.sock" "$TMP/agent.json" "$1" &
	agent=$!
	wait_file "$TMP/agent.sock"
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$TMP/agent.sock"'",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args true
	# the old hang would end here, not in the suite's default 120 s
	GRID_TIMEOUT=60
}

@test "a listenerPath that never accepts fails create instead of hanging" {
	stalled_listener stall-accept
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	kill "$agent" 2>/dev/null
	wait "$agent" || true
	assert_error "linux.seccomp.listenerPath $TMP/agent.sock: connect: not accepted within"
	assert_nothing_left c1
}

@test "a listenerPath that accepts and never reads fails create instead of hanging" {
	stalled_listener stall-read
	# more than the socket buffers hold
	update_config '.linux.seccomp.listenerMetadata = ("x" * 4194304)'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	kill "$agent" 2>/dev/null
	wait "$agent" || true
	assert_error "linux.seccomp.listenerPath $TMP/agent.sock: send the seccomp fd: not read within"
	assert_nothing_left c1
}

@test "listenerPath without an SCMP_ACT_NOTIFY rule is ignored with a warning" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$TMP/nobody.sock"'"}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning"*"linux.seccomp.listenerPath $TMP/nobody.sock ignored: no rule uses SCMP_ACT_NOTIFY"* ]]
}

@test "SCMP_ACT_NOTIFY with an unreachable listenerPath fails create and leaves nothing" {
	seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$TMP/nobody.sock"'",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" c1
	assert_error "linux.seccomp.listenerPath" nobody.sock
	assert_nothing_left c1
}
