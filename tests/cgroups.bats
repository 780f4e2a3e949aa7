#!/usr/bin/env bats
# cgroups.bats - linux.cgroupsPath and linux.resources on this host's layout, and on
# pure v1, pure v2, hybrid and cgroup-less layouts built in a private mount namespace;
# pause, resume, ps, update, events --stats, kill --all, and that nothing is left
# behind. Each test reads the effect from the cgroup files or from inside the container.

load helpers

CG=/sys/fs/cgroup

# the helpers' setup, then an id that another tree's tests running alongside do not use
eval "helpers_$(declare -f setup)"
eval "helpers_$(declare -f teardown)"
setup() {
	helpers_setup
	ID=cg-${TMP##*.}
	# the default cgroup of a container of this --root: /grid/r-<FNV-1a of the root>/<id>
	GCG_PARENT=/grid/$(root_key "$GRID_ROOT")
	GCG=$GCG_PARENT/$ID
}


# the helpers' teardown (it deletes the containers), then the cgroupsPath dirs a failed
# test may have left on the host
teardown() {
	local rc=0 d
	helpers_teardown || rc=$?
	for d in $CG/*/gridtest-"$ID" $CG/*/*/gridrel-"$ID" $CG/*/*/*/gridrel-"$ID"; do
		[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rt_teardown || rc=$?
	return $rc
}

# The v1 hierarchies and the v2 one (as "unified") this host mounts below /sys/fs/cgroup
# with a controller, not a named one like name=systemd.
hierarchies() {
	awk '$5 ~ "^/sys/fs/cgroup/" {
		for (i = 6; $i != "-"; i++);
		if ($(i + 1) == "cgroup2" || $(i + 3) !~ /name=/) print substr($5, 16)
	}' /proc/self/mountinfo
}

# cgpath ID: the container's cgroup as its state records it.
cgpath() {
	grep '^cgroup=' "$GRID_ROOT/$1/state" | cut -d= -f2-
}

# cgdir ID HIERARCHY: its directory in one hierarchy (memory, cpu, ..., unified).
cgdir() {
	echo "$CG/$2$(cgpath "$1")"
}

# cgread ID HIERARCHY FILE
cgread() {
	cat "$(cgdir "$1" "$2")/$3"
}

# set_resources JSON: linux.resources of $BUNDLE.
set_resources() {
	update_config ".linux.resources = $1"
}

# Nothing of cgroup PATH is left in any hierarchy, and a /grid it was in went too if
# nothing else (another container) is in it.
assert_cgroup_gone() {
	local h d
	for h in $(hierarchies); do
		d=$CG/$h$1
		if [ -e "$d" ]; then
			echo "$d is left" >&2
			return 1
		fi
		if [[ $1 == /grid/* ]] && ! grid_dir_settles "$CG/$h${1%/*}"; then
			echo "$CG/$h${1%/*} is left empty" >&2
			return 1
		fi
	done
}

# grid_dir_settles DIR: DIR is gone or holds a cgroup. Another tree's tests may be
# removing their own container from it right now: give that ~2 s.
grid_dir_settles() {
	local i
	for i in $(seq 20); do
		[ -d "$1" ] || return 0
		[ -n "$(find "$1" -mindepth 1 -maxdepth 1 -type d 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

# run_busy: a detached container whose init is a shell loop appending a line per step
# to /tmp/n (appending: a reader never sees a truncated file).
run_busy() {
	set_args sh -c 'i=0; while :; do i=$((i + 1)); echo $i >>/tmp/n; done'
	grid run -d --bundle "$BUNDLE" "$ID"
}

# counter: how many steps the busy loop has made
counter() {
	wc -l <"/proc/$(container_pid "$ID")/root/tmp/n"
}

# ---- resources, read back from the cgroup files ----

@test "memory: limit, reservation, swap, swappiness and disableOOMKiller reach the memory cgroup" {
	[ -d $CG/memory ] || skip "no v1 memory hierarchy"
	local swap=
	[ -e $CG/memory/memory.memsw.limit_in_bytes ] && swap=',"swap": 67108864'
	set_resources '{"memory": {"limit": 33554432, "reservation": 16777216, "swappiness": 10,
		"disableOOMKiller": true'"$swap"'}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 33554432 ]
	[ "$(cgread "$ID" memory memory.soft_limit_in_bytes)" = 16777216 ]
	[ "$(cgread "$ID" memory memory.swappiness)" = 10 ]
	grep -qx 'oom_kill_disable 1' "$(cgdir "$ID" memory)/memory.oom_control"
	if [ -n "$swap" ]; then
		[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" = 67108864 ]
	fi
}

@test "cpu: shares 0 at create means unset, as docker sends it and runc reads it" {
	[ -d $CG/cpu ] || skip "no v1 cpu hierarchy"
	set_resources '{"cpu": {"shares": 0}, "blockIO": {"weight": 0}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" cpu cpu.shares)" = 1024 ]
}

@test "cpu: shares, quota, period, burst, cpus and mems reach the cpu and cpuset cgroups" {
	[ -d $CG/cpu ] && [ -d $CG/cpuset ] || skip "no v1 cpu and cpuset hierarchies"
	local burst=
	[ -e $CG/cpu/cpu.cfs_burst_us ] && burst=', "burst": 2000'
	set_resources '{"cpu": {"shares": 512, "quota": 50000, "period": 200000, "cpus": "0",
		"mems": "0"'"$burst"'}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" cpu cpu.shares)" = 512 ]
	[ "$(cgread "$ID" cpu cpu.cfs_quota_us)" = 50000 ]
	[ "$(cgread "$ID" cpu cpu.cfs_period_us)" = 200000 ]
	[ "$(cgread "$ID" cpuset cpuset.cpus)" = 0 ]
	[ "$(cgread "$ID" cpuset cpuset.mems)" = 0 ]
	[ -z "$burst" ] || [ "$(cgread "$ID" cpu cpu.cfs_burst_us)" = 2000 ]
	# the container's own view agrees
	[ "$(cat /proc/"$(container_pid "$ID")"/status | awk '/^Cpus_allowed_list/ { print $2 }')" = 0 ]
}

@test "cpu idle reaches cpu.idle on v1 too, where this kernel has it" {
	[ -e $CG/cpu/cpu.idle ] || skip "no cpu.idle on v1"
	set_resources '{"cpu": {"idle": 1}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" cpu cpu.idle)" = 1 ]
}

@test "pids: the limit reaches pids.max and stops a fork bomb at it" {
	[ -d $CG/pids ] || skip "no v1 pids hierarchy"
	set_resources '{"pids": {"limit": 5}}'
	set_args sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 100 & done 2>/dev/null; sleep 100'
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" pids pids.max)" = 5 ]
	sleep 0.5
	[ "$(cgread "$ID" pids pids.current)" -le 5 ]
	[ "$(grep -c . "$(cgdir "$ID" pids)/cgroup.procs")" -le 5 ]
}

@test "blockIO weight is written where the kernel has the file, else a warning says so" {
	[ -d $CG/blkio ] || skip "no v1 blkio hierarchy"
	set_resources '{"blockIO": {"weight": 300}}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	if [ -e $CG/blkio/blkio.weight ]; then
		[ -z "$stderr" ]
	else
		[[ "$stderr" == *"warning"*"blockIO.weight"*"blkio.weight"*"not applied"* ]]
	fi
}

@test "hugepageLimits go to the hierarchy that has hugetlb (here the v2 side)" {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	grep -qw hugetlb $CG/unified/cgroup.controllers 2>/dev/null || skip "hugetlb is not on the v2 side"
	set_resources '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" unified hugetlb.2MB.max)" = 4194304 ]
	grep -qx "$(container_pid "$ID")" "$(cgdir "$ID" unified)/cgroup.procs"
}

@test "rdma limits are refused clearly where no rdma controller is mounted, leaving nothing" {
	grep -qw rdma /proc/cgroups && skip "this kernel has rdma"
	set_resources '{"rdma": {"mlx5_0": {"hcaHandles": 3, "hcaObjects": 10}}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "linux.resources.rdma" "rdma controller is not available"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "network classID and priorities are refused clearly where net_cls/net_prio are not mounted" {
	grep -q ' - cgroup .*net_cls' /proc/self/mountinfo && skip "net_cls is mounted"
	set_resources '{"network": {"classID": 1048577}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "linux.resources.network.classID" "net_cls controller is not available"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
	set_resources '{"network": {"priorities": [{"name": "eth0", "priority": 5}]}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "linux.resources.network.priorities" "net_prio controller is not available"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "unified keys are written on the v2 side" {
	grep -qw hugetlb $CG/unified/cgroup.controllers 2>/dev/null || skip "hugetlb is not on the v2 side"
	set_resources '{"unified": {"hugetlb.2MB.max": "8388608"}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgread "$ID" unified hugetlb.2MB.max)" = 8388608 ]
}

@test "a unified key whose file does not exist is refused, naming it, leaving nothing" {
	[ -d $CG/unified ] || skip "no cgroup v2"
	[ -e $CG/unified/memory.max ] && skip "memory is on the v2 side"
	set_resources '{"unified": {"memory.max": "1000000"}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "linux.resources.unified" "memory.max"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "an invalid cpus value the kernel rejects fails create and leaves nothing" {
	set_resources '{"cpu": {"cpus": "9999"}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "linux.resources.cpu.cpus" "9999"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "a memory limit below what the container needs fails create and leaves nothing" {
	[ -d $CG/memory ] || skip "no v1 memory hierarchy"
	set_resources '{"memory": {"limit": 4096, "swap": 4096}}'
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "OOM killer" "memory.limit"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

# ---- cgroupsPath and membership ----

@test "the container's processes are in its cgroup in every hierarchy" {
	set_args sh -c 'sleep 100 & sleep 100'
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgpath "$ID")" = "$GCG" ]
	local pid child h
	pid=$(container_pid "$ID")
	sleep 0.3
	child=$(pgrep -P "$pid" sleep)
	[ -n "$child" ]
	for p in "$pid" "$child"; do
		# every line but named hierarchies ends in the container's cgroup
		run awk -F: '$2 !~ /^name=/ && $3 != "'"$GCG"'"' "/proc/$p/cgroup"
		[ -z "$output" ]
	done
	for h in $(hierarchies); do
		[ -d "$CG/$h$GCG" ]
		grep -qx "$pid" "$CG/$h$GCG/cgroup.procs"
	done
}

@test "with a cgroup namespace the container sees its cgroup as the root" {
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_args cat /proc/self/cgroup
	run --separate-stderr grid run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0::/"* ]]
	# every hierarchy but named ones: "/"
	run awk -F: '$2 !~ /^name=/ && $3 != "/"' <<<"$output"
	[ -z "$output" ]
}

@test "an absolute cgroupsPath is used as it is in every hierarchy and removed on delete" {
	update_config '.linux.cgroupsPath = "/gridtest-'"$ID"'"'
	set_resources '{"pids": {"limit": 20}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	[ "$(cgpath "$ID")" = "/gridtest-$ID" ]
	for h in $(hierarchies); do
		[ -d "$CG/$h/gridtest-$ID" ]
	done
	[ "$(cat $CG/pids/gridtest-$ID/pids.max)" = 20 ]
	grid delete --force "$ID"
	assert_cgroup_gone "/gridtest-$ID"
}

@test "a nested absolute cgroupsPath is made level by level and its leaf removed on delete" {
	update_config '.linux.cgroupsPath = "/gridtest-'"$ID"'/a/b"'
	set_resources '{"cpu": {"cpus": "0"}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	# the v1 cpuset levels made on the way got their parent's cpus and mems
	[ "$(cat "$CG/cpuset/gridtest-$ID/a/cpuset.mems")" = "$(cat $CG/cpuset/cpuset.mems)" ]
	[ "$(cat "$CG/cpuset/gridtest-$ID/a/b/cpuset.cpus")" = 0 ]
	grep -qx "$(container_pid "$ID")" "$CG/pids/gridtest-$ID/a/b/cgroup.procs"
	grid delete --force "$ID"
	assert_cgroup_gone "/gridtest-$ID/a/b"
	# as runc does, the levels above the container's own are not removed by delete
	for h in $(hierarchies); do
		rmdir "$CG/$h/gridtest-$ID/a" "$CG/$h/gridtest-$ID"
	done
}

# One path serves every hierarchy (the state records one): the runtime's own cgroup in the
# first hierarchy of /proc/self/mountinfo, plus the relative path. Where the runtime sits
# elsewhere in another hierarchy (on this VM, the memory one), the container does not
# land under it there.
@test "a relative cgroupsPath lands under the runtime's own cgroup" {
	update_config '.linux.cgroupsPath = "gridrel-'"$ID"'"'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	local pid h own first
	pid=$(container_pid "$ID")
	first=$(hierarchies | head -1)
	# our own cgroup there (grid ran as our child, in the same cgroups)
	if [ "$first" = unified ]; then
		own=$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
	else
		own=$(awk -F: -v c="$first" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
	fi
	own=${own%/}
	[ "$(cgpath "$ID")" = "$own/gridrel-$ID" ]
	for h in $(hierarchies); do
		grep -qx "$pid" "$CG/$h$own/gridrel-$ID/cgroup.procs"
	done
	grid delete --force "$ID"
	assert_cgroup_gone "$own/gridrel-$ID"
}

@test "delete --force of a running container with a forked child removes every cgroup dir" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	grid run -d --bundle "$BUNDLE" "$ID"
	local path pid
	path=$(cgpath "$ID")
	pid=$(container_pid "$ID")
	sleep 0.3
	[ "$(grep -c . "$(cgdir "$ID" pids)/cgroup.procs")" -eq 3 ]
	grid delete --force "$ID"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$path"
	! pid_alive "$pid"
}

@test "delete of a container that exited removes its cgroup in every hierarchy" {
	set_args true
	grid run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	grid delete "$ID"
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

# ---- pause, resume, ps, update, kill --all, events ----

@test "pause freezes a busy container, resume lets it go on" {
	run_busy
	sleep 0.3
	grid pause "$ID"
	[ "$(state_field "$ID" status)" = paused ]
	[ "$(cgread "$ID" freezer freezer.state)" = FROZEN ]
	local a b c
	a=$(counter)
	sleep 0.5
	b=$(counter)
	[ "$a" -gt 0 ]
	[ "$a" = "$b" ]
	grid resume "$ID"
	[ "$(state_field "$ID" status)" = running ]
	sleep 0.5
	c=$(counter)
	[ "$c" -gt "$b" ]
}

@test "pause refuses a stopped container" {
	set_args true
	grid run -d --bundle "$BUNDLE" "$ID"
	wait_status "$ID" stopped
	run --separate-stderr grid pause "$ID"
	assert_error "$ID" "not running"
}

@test "ps --format json lists the init and a forked child by host pid" {
	set_args sh -c 'sleep 100 & sleep 101'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	local pid child
	pid=$(container_pid "$ID")
	child=$(pgrep -P "$pid" -f 'sleep 100')
	run --separate-stderr grid ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -ge 2 ]
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
	jq -e --argjson p "$child" 'index($p) != null' <<<"$output"
	run --separate-stderr grid ps "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sleep 100"* ]]
}

@test "update changes a live memory limit and pids limit" {
	set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --memory 100663296 --pids-limit 30 "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 100663296 ]
	[ "$(cgread "$ID" pids pids.max)" = 30 ]
	grid update --pids-limit -1 "$ID"
	[ "$(cgread "$ID" pids pids.max)" = max ]
}

@test "update: every flag lands in its cgroup file; sizes take k, m, g; a bad value names its flag" {
	set_resources '{"memory": {"limit": 67108864}, "cpu": {"shares": 1024}, "pids": {"limit": 50}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --cpu-share 512 "$ID"
	[ "$(cgread "$ID" cpu cpu.shares)" = 512 ]
	grid update --cpu-period 200000 --cpu-quota 50000 "$ID"
	[ "$(cgread "$ID" cpu cpu.cfs_period_us)" = 200000 ]
	[ "$(cgread "$ID" cpu cpu.cfs_quota_us)" = 50000 ]
	grid update --cpuset-cpus 0 --cpuset-mems 0 "$ID"
	[ "$(cgread "$ID" cpuset cpuset.cpus)" = 0 ]
	[ "$(cgread "$ID" cpuset cpuset.mems)" = 0 ]
	grid update -m 96m --memory-reservation 32M "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 100663296 ]
	[ "$(cgread "$ID" memory memory.soft_limit_in_bytes)" = 33554432 ]
	grid update --pids-limit 30 "$ID"
	[ "$(cgread "$ID" pids pids.max)" = 30 ]
	if [ -e "$(cgdir "$ID" memory)/memory.memsw.limit_in_bytes" ]; then
		grid update --memory 128m --memory-swap 256m "$ID"
		[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" = 268435456 ]
	fi
	# blkio.weight exists only with the BFQ scheduler: then it must land
	if [ -e "$(cgdir "$ID" blkio)/blkio.weight" ] || [ -e "$(cgdir "$ID" blkio)/blkio.bfq.weight" ]; then
		grid update --blkio-weight 300 "$ID"
	fi
	local bad
	for bad in "--cpu-share 5x" "--memory 12q" "--pids-limit 1,2" "--cpu-quota 1e3" "--memory-swap 99999999999999999999"; do
		run --separate-stderr grid update $bad "$ID"
		[ "$status" -ne 0 ]
		[[ "$stderr" == *"${bad%% *}"* ]]
		[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	done
	# a string flag cannot smuggle JSON into the document
	run --separate-stderr grid update --cpuset-cpus '0","shares":2,"x":"' "$ID"
	[ "$status" -ne 0 ]
	[ "$(cgread "$ID" cpu cpu.shares)" = 512 ]
}

@test "update --cpu-period alone writes the period and keeps the quota" {
	set_resources '{"cpu": {"quota": 50000, "period": 100000}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --cpu-period 200000 "$ID"
	local h=cpu
	[ -e "$(cgdir "$ID" cpu)/cpu.cfs_period_us" ] || h=unified
	if [ $h = cpu ]; then
		[ "$(cgread "$ID" cpu cpu.cfs_period_us)" = 200000 ]
		[ "$(cgread "$ID" cpu cpu.cfs_quota_us)" = 50000 ]
	else
		[ "$(cgread "$ID" unified cpu.max)" = "50000 200000" ]
	fi
	grid update --cpu-quota 20000 "$ID"
	[ $h = unified ] || [ "$(cgread "$ID" cpu cpu.cfs_period_us)" = 200000 ]
	[ $h = cpu ] || [ "$(cgread "$ID" unified cpu.max)" = "20000 200000" ]
}

# ---- real-time runtime on v1 (RT group scheduling) ----

# rt_files: every cpu.rt_runtime_us and cpu.rt_period_us of the v1 cpu hierarchy with its value.
rt_files() {
	find $CG/cpu -name 'cpu.rt_*_us' | sort | while read -r f; do echo "$f $(cat "$f")"; done
}

# requires_rt: skip without RT group scheduling on the v1 cpu hierarchy; the hierarchy's
# real-time files as found in RT_BEFORE, which rt_teardown compares.
requires_rt() {
	[ -e $CG/cpu/cpu.rt_runtime_us ] ||
		skip "no cpu.rt_runtime_us on a v1 cpu hierarchy (kernel without CONFIG_RT_GROUP_SCHED, or cpu on v2)"
	RT_BEFORE=$(rt_files)
}

# rt_teardown (in teardown, the containers and cgroupsPath dirs gone): the host's real-time
# files are as the test found them, Grid's levels having handed their budget back.
rt_teardown() {
	[ -n "${RT_BEFORE:-}" ] || return 0
	local after
	after=$(rt_files)
	[ "$after" = "$RT_BEFORE" ] || {
		diff <(echo "$RT_BEFORE") <(echo "$after") >&2
		return 1
	}
}

# fifo_run ID: run ID detached from $BUNDLE with process.scheduler SCHED_FIFO; the policy
# its child has (field 41 of /proc/self/stat, 1: SCHED_FIFO) in POLICY.
fifo_run() {
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
	set_args sh -c 'cut -d" " -f41 /proc/self/stat >/tmp/policy; sleep 100'
	grid run -d --bundle "$BUNDLE" "$1"
	wait_file "/proc/$(container_pid "$1")/root/tmp/policy"
	POLICY=$(cat "/proc/$(container_pid "$1")/root/tmp/policy")
}

@test "rt: realtimeRuntime and realtimePeriod on v1: a FIFO task runs, Grid's levels hold the sum and give it back" {
	requires_rt
	set_resources '{"cpu": {"realtimeRuntime": 100000, "realtimePeriod": 1000000}}'
	fifo_run "$ID"
	[ "$POLICY" = 1 ]
	[ "$(cgread "$ID" cpu cpu.rt_runtime_us)" = 100000 ]
	[ "$(cgread "$ID" cpu cpu.rt_period_us)" = 1000000 ]
	[ "$(cat $CG/cpu$GCG_PARENT/cpu.rt_runtime_us)" = 100000 ]
	grid delete --force "$ID"
}

@test "rt: process.scheduler SCHED_FIFO alone on v1 gets a tenth of its period, given back on delete" {
	requires_rt
	fifo_run "$ID"
	[ "$POLICY" = 1 ]
	[ "$(cgread "$ID" cpu cpu.rt_runtime_us)" = 100000 ]
	[ "$(cat $CG/cpu$GCG_PARENT/cpu.rt_runtime_us)" = 100000 ]
	grid delete --force "$ID"
}

@test "rt: two containers share Grid's levels; each delete gives back its own part" {
	requires_rt
	fifo_run "$ID-b"
	set_resources '{"cpu": {"realtimeRuntime": 200000}}'
	fifo_run "$ID"
	[ "$POLICY" = 1 ]
	[ "$(cat $CG/cpu$GCG_PARENT/cpu.rt_runtime_us)" = 300000 ]
	[ "$(cat $CG/cpu/grid/cpu.rt_runtime_us)" -ge 300000 ]
	grid delete --force "$ID"
	[ "$(cat $CG/cpu$GCG_PARENT/cpu.rt_runtime_us)" = 100000 ]
	grid delete --force "$ID-b"
}

@test "rt: more than the hierarchy's root has free is an error naming the files and the budget" {
	requires_rt
	set_resources '{"cpu": {"realtimeRuntime": 960000}}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	echo "$stderr"
	[[ "$stderr" == *realtimeRuntime*"$CG/cpu/grid/cpu.rt_runtime_us: needs 960000 us, $CG/cpu/cpu.rt_runtime_us has "*" us free"* ]]
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	assert_nothing_left "$ID"
}

@test "rt: a level above that is not Grid's and has no budget is an error naming its file" {
	requires_rt
	update_config ".linux.cgroupsPath = \"/gridtest-$ID/sub\""
	set_resources '{"cpu": {"realtimeRuntime": 100000}}'
	set_args true
	run --separate-stderr grid run --bundle "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	echo "$stderr"
	[[ "$stderr" == *realtimeRuntime*"$CG/cpu/gridtest-$ID/sub/cpu.rt_runtime_us: needs 100000 us, $CG/cpu/gridtest-$ID/cpu.rt_runtime_us has 0 us free"* ]]
	assert_nothing_left "$ID"
}

@test "update raises and lowers memory and swap together on v1 (memsw ordering)" {
	[ -e $CG/memory/memory.memsw.limit_in_bytes ] || skip "no v1 memsw accounting"
	set_resources '{"memory": {"limit": 33554432, "swap": 67108864}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --memory 134217728 --memory-swap 268435456 "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" = 268435456 ]
	grid update --memory 16777216 --memory-swap 33554432 "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 16777216 ]
	[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" = 33554432 ]
	grid update --memory -1 --memory-swap -1 "$ID"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" -gt 1000000000000 ]
	[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" -gt 1000000000000 ]
}

@test "update --resources - with docker's zeros keeps the fields it does not change" {
	set_resources '{"memory": {"limit": 67108864, "reservation": 33554432}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "pids": {"limit": 50}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --resources - "$ID" <<-'JSON'
	{"memory": {"limit": 0, "reservation": 0, "swap": 0, "kernel": 0, "kernelTCP": 0},
	 "cpu": {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0,
	         "cpus": "", "mems": ""},
	 "pids": {"limit": 40}, "blockIO": {"weight": 0}}
	JSON
	[ "$(cgread "$ID" pids pids.max)" = 40 ]
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cgread "$ID" memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cgread "$ID" cpu cpu.shares)" = 512 ]
	[ "$(cgread "$ID" cpu cpu.cfs_quota_us)" = 50000 ]
	[ "$(cgread "$ID" cpu cpu.cfs_period_us)" = 100000 ]
}

@test "update --resources - with only a new swap total (docker update --memory-swap) keeps the limit" {
	[ -e $CG/memory/memory.memsw.limit_in_bytes ] || skip "no v1 memory+swap accounting"
	set_resources '{"memory": {"limit": 67108864, "swap": 134217728}}'
	set_args sleep 100
	grid run -d --bundle "$BUNDLE" "$ID"
	grid update --resources - "$ID" <<-'JSON'
	{"memory": {"limit": 0, "reservation": 0, "swap": 268435456, "kernel": 0},
	 "cpu": {"shares": 0, "quota": 0, "period": 0}, "blockIO": {"weight": 0}}
	JSON
	[ "$(cgread "$ID" memory memory.memsw.limit_in_bytes)" = 268435456 ]
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 67108864 ]
}

@test "update to a memory limit below usage fails clearly and keeps the old limit" {
	set_resources '{"memory": {"limit": 67108864}}'
	set_args sh -c 'x=$(head -c 8000000 /dev/zero | tr "\0" a); sleep 100'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 1
	run --separate-stderr grid update --memory 8192 "$ID"
	assert_error "memory.limit"
	[ "$(cgread "$ID" memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(state_field "$ID" status)" = running ]
}

@test "kill --all ends a process tree" {
	set_args sh -c '(sleep 100 & sleep 100 & wait) & sleep 100 & wait'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	local procs
	procs=$(cat "$(cgdir "$ID" pids)/cgroup.procs")
	[ "$(wc -l <<<"$procs")" -eq 5 ]
	grid kill --all "$ID" KILL
	wait_status "$ID" stopped
	for p in $procs; do
		wait_gone "$p"
	done
	[ -z "$(cat "$(cgdir "$ID" pids)/cgroup.procs")" ]
}

@test "kill --all KILL ends a paused container's processes" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	local procs
	procs=$(cat "$(cgdir "$ID" pids)/cgroup.procs")
	grid pause "$ID"
	grid kill --all "$ID" KILL
	wait_status "$ID" stopped
	for p in $procs; do
		wait_gone "$p"
	done
}

@test "delete --force of a paused container with a child removes everything" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	local path procs
	path=$(cgpath "$ID")
	procs=$(cat "$(cgdir "$ID" pids)/cgroup.procs")
	grid pause "$ID"
	grid delete --force "$ID"
	for p in $procs; do
		wait_gone "$p"
	done
	assert_nothing_left "$ID"
	assert_cgroup_gone "$path"
}

@test "a 16M memory limit OOM-kills an allocating process" {
	set_resources '{"memory": {"limit": 16777216, "swap": 16777216}}'
	set_args sh -c 'x=a; while :; do x=$x$x; done'
	run --separate-stderr grid run --keep --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 137 ]
	grep -Eq '^oom_kill [1-9]' "$(cgdir "$ID" memory)/memory.oom_control"
	grid delete "$ID"
}

@test "events --stats prints one JSON object with memory usage and pids.current" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	grid run -d --bundle "$BUNDLE" "$ID"
	sleep 0.3
	run --separate-stderr grid events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e '.type == "stats" and .id == "'"$ID"'"' <<<"$output"
	jq -e '.data.memory.usage.usage > 0' <<<"$output"
	jq -e '.data.pids.current == 3' <<<"$output"
	jq -e '.data.memory.usage.limit > 0' <<<"$output"
}

# ---- cgroup managers ----

@test "--cgroup-manager disabled runs without any cgroup and warns about resources" {
	set_resources '{"pids": {"limit": 20}}'
	set_args sh -c 'cat /proc/self/cgroup'
	run --separate-stderr grid --cgroup-manager disabled run --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning"*"linux.resources"*"disabled"* ]]
	[[ "$output" != *"$GCG"* ]]
	assert_cgroup_gone "$GCG"
	# no cgroup= in the state, and pause says why it cannot
	set_args sleep 100
	grid --cgroup-manager disabled run -d --bundle "$BUNDLE" "$ID"
	! grep -q '^cgroup=' "$GRID_ROOT/$ID/state" || false
	assert_cgroup_gone "$GCG"
	run --separate-stderr grid pause "$ID"
	assert_error "no cgroup"
}

@test "--systemd-cgroup and --cgroup-manager systemd are refused with one clear line" {
	run --separate-stderr grid --systemd-cgroup run --bundle "$BUNDLE" "$ID"
	assert_error "systemd" "not supported"
	run --separate-stderr grid --cgroup-manager systemd run --bundle "$BUNDLE" "$ID"
	assert_error "systemd" "not supported"
	assert_nothing_left "$ID"
}

# ---- layouts, each in a private mount namespace (tests/cglayout.sh) ----

# in_layout LAYOUT: run $TMP/inner.sh there; 77 from cglayout.sh skips the test.
in_layout() {
	run --separate-stderr env CG="$CG" GRID_BIN="$GRID_BIN" GRID_ROOT="$GRID_ROOT" BUNDLE="$BUNDLE" ID="$ID" TMP="$TMP" \
		"$REPO/tests/cglayout.sh" "$1" bash "$TMP/inner.sh"
	[ "$status" -ne 77 ] || skip "this host cannot provide the $1 layout"
	echo "$output"
	echo "$stderr" >&2
}

# The script every layout runs: a container with LIMIT (a linux.resources JSON) whose
# FILE in the hierarchy mounted at CGDIR must read VALUE; join, pause/resume through
# FREEZE (file, frozen value), kill --all, delete; prints "ok" last.
write_inner() {
	cat >"$TMP/inner.sh" <<-EOF
	set -eu
	G() { timeout 60 "\$GRID_BIN" --root "\$GRID_ROOT" "\$@"; }
	trap 'G delete --force "\$ID" >/dev/null 2>&1 || true' EXIT
	jq '.linux.resources = $1 | .process.args = ["sh", "-c", "sleep 100 & sleep 100"]' \
		"\$BUNDLE/config.json" >"\$TMP/c.json" && mv "\$TMP/c.json" "\$BUNDLE/config.json"
	G run -d --bundle "\$BUNDLE" "\$ID" </dev/null >"\$TMP/run.out"
	dir=$2$GCG_PARENT/\$ID
	pid=\$(G state "\$ID" | jq -r .pid)
	grep -qx "\$pid" "\$dir/cgroup.procs" || { echo "init \$pid not in \$dir"; exit 1; }
	[ "\$(cat "\$dir/$3")" = "$4" ] || { echo "$3: \$(cat "\$dir/$3")"; exit 1; }
	sleep 0.2
	G pause "\$ID"
	[ "\$(G state "\$ID" | jq -r .status)" = paused ] || { echo "not paused"; exit 1; }
	grep -q "$6" "$5" || { echo "$5 says \$(cat $5)"; exit 1; }
	G resume "\$ID"
	[ "\$(G state "\$ID" | jq -r .status)" = running ] || { echo "not resumed"; exit 1; }
	G kill --all "\$ID" KILL
	for i in \$(seq 50); do
		[ "\$(G state "\$ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	[ -z "\$(cat "\$dir/cgroup.procs")" ] || { echo "processes left"; exit 1; }
	G delete "\$ID"
	[ ! -e "\$dir" ] || { echo "\$dir left"; exit 1; }
	[ ! -e "$2$GCG_PARENT" ] || [ -n "\$(ls -d $2$GCG_PARENT/*/ 2>/dev/null)" ] || { echo "empty grid left"; exit 1; }
	echo ok
	EOF
}

@test "layout pure v1: pids limit, join, freezer pause/resume, kill --all, delete" {
	write_inner '{"pids": {"limit": 30}}' $CG/pids pids.max 30 "$CG/freezer$GCG/freezer.state" FROZEN
	in_layout v1
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = ok ]
	assert_nothing_left "$ID"
}

@test "layout pure v2: hugetlb limit, join, cgroup.freeze pause/resume, kill --all, delete" {
	grep -qw hugetlb $CG/unified/cgroup.controllers 2>/dev/null || skip "hugetlb is not free for v2"
	write_inner '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' $CG hugetlb.2MB.max 2097152 \
		"$CG$GCG/cgroup.events" 'frozen 1'
	in_layout v2
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = ok ]
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "layout hybrid with v2 controllers: pids on v1 and hugetlb on v2 together" {
	grep -qw hugetlb $CG/unified/cgroup.controllers 2>/dev/null || skip "hugetlb is not on the v2 side"
	write_inner '{"pids": {"limit": 30}, "hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' \
		$CG/unified hugetlb.2MB.max 2097152 "$CG/freezer$GCG/freezer.state" FROZEN
	in_layout hybrid
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = ok ]
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "layout without any cgroup filesystem: no resources runs, resources are refused clearly" {
	cat >"$TMP/inner.sh" <<-'EOF'
	G() { timeout 60 "$GRID_BIN" --root "$GRID_ROOT" "$@"; }
	jq '.process.args = ["sh", "-c", "echo ran"]' "$BUNDLE/config.json" >"$TMP/c.json" &&
		mv "$TMP/c.json" "$BUNDLE/config.json"
	G run --bundle "$BUNDLE" "$ID" </dev/null || exit 1
	jq '.linux.resources = {"pids": {"limit": 10}}' "$BUNDLE/config.json" >"$TMP/c.json" &&
		mv "$TMP/c.json" "$BUNDLE/config.json"
	G run --bundle "$BUNDLE" "$ID" </dev/null && exit 1
	[ ! -e "$GRID_ROOT/$ID" ] || { echo "state left"; exit 1; }
	echo ok
	EOF
	in_layout none
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ran ]
	[ "${lines[-1]}" = ok ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == "grid: "*"no cgroup filesystem"* ]]
	assert_nothing_left "$ID"
}

@test "a default cgroup that exists already is refused and left alone (no sharing by accident)" {
	mkdir -p "$CG/pids$GCG"
	set_args true
	run --separate-stderr grid create --bundle "$BUNDLE" "$ID"
	assert_error "exists already"
	[ -d "$CG/pids$GCG" ]
	rmdir "$CG/pids$GCG" "$CG/pids$GCG_PARENT" 2>/dev/null || true
	assert_nothing_left "$ID"
	assert_cgroup_gone "$GCG"
}

@test "containers of two roots with the same id get different cgroups" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" "$ID"
	extra_root "$TMP/root2"
	grid --root "$TMP/root2" create --bundle "$BUNDLE" "$ID"
	a=$(cgpath "$ID")
	b=$(grep '^cgroup=' "$TMP/root2/$ID/state" | cut -d= -f2-)
	[ "$a" != "$b" ]
	grid --root "$TMP/root2" delete --force "$ID"
	[ "$(state_field "$ID" status)" = created ]
}
