#!/usr/bin/env bats
# cri.bats - the runtime under test ($E2E_RUNTIME, see clients.bash) as a Kubernetes RuntimeClass
# handler under containerd 1.6's CRI plugin, driven the way kubelet drives it: pod sandboxes,
# containers in them, exec, logs, stats, updates, stop and remove, through the CRI v1 gRPC API
# (tests/cri/cri.py, a small client generated at test time from tests/cri/api.proto).
#
# One private containerd serves the whole file: its root, state, sockets, the runtime's state
# root (the runc v2 shim's Root option), the network namespaces, the CNI configuration and the
# IPAM state all live under a short directory $CD. The pod network is a bridge the file makes
# and names after itself ($BR), with host-local addresses from a documentation range and no
# gateway, route out or masquerading: traffic stays inside each pod. Both images are built here:
# busybox (tests/mkbundle.sh) and a pause image from tests/cri/pause.c. Each test runs its own
# pods and removes them; teardown checks that the pods left nothing, and teardown_file that the
# host is as it was: no mounts, network namespaces, bridge, processes, cgroups or CNI cache
# entries of this file.

load clients

PY=/usr/bin/python3
# kubelet's default masked and read-only paths, which it sends for every unprivileged container
MASKED='["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"]'
READONLY='["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]'

cri_require() {
	e2e_require containerd ctr containerd-shim-runc-v2 jq musl-gcc ip
	local p
	for p in bridge host-local loopback; do
		[ -x "/usr/lib/cni/$p" ] || skip "/usr/lib/cni/$p is missing (containernetworking-plugins; tests/run installs it)"
	done
	"$PY" -c 'import grpc, grpc_tools' 2>/dev/null ||
		skip "python3-grpcio or python3-grpc-tools is missing (tests/run installs them)"
}

setup_file() {
	cri_require
	CD=$(mktemp -d /tmp/ge-cri.XXXXXX)
	BR=gecri-${CD##*.}
	CG=ge-cri-${CD##*.}
	case $E2E_RUNTIME in
	grid | runc | crun) HANDLER=$E2E_RUNTIME ;;
	*) HANDLER=test ;;
	esac
	export CD BR CG HANDLER CRI_SOCK=$CD/c.sock CRI_PY=$CD/py
	# What this file finds on the host, so that teardown_file removes only what it made.
	[ -e /run/containerd ] || touch "$CD/made-run-containerd"
	[ -e /var/lib/cni ] || touch "$CD/made-var-lib-cni"

	# The CRI client's Python modules, generated from the proto subset.
	mkdir "$CRI_PY"
	"$PY" -m grpc_tools.protoc -I "$REPO/tests/cri" --python_out="$CRI_PY" --grpc_python_out="$CRI_PY" \
		"$REPO/tests/cri/api.proto"

	# The pod network: a bridge with no address (so no route from the host), pods numbered from a
	# documentation range, no gateway or default route in the pods, no masquerading.
	ip link add "$BR" type bridge
	ip link set "$BR" up
	mkdir "$CD/cni" "$CD/ipam"
	jq -n --arg br "$BR" --arg ipam "$CD/ipam" '{cniVersion: "1.0.0", name: $br, plugins: [
		{type: "bridge", bridge: $br, isGateway: false, ipMasq: false,
		 ipam: {type: "host-local", ranges: [[{subnet: "198.51.100.0/24"}]], dataDir: $ipam}}]}' \
		>"$CD/cni/10-$BR.conflist"

	# The volumes' host directory, a shared mount of its own as kubelet's would be.
	mkdir "$CD/vol"
	mount --bind "$CD/vol" "$CD/vol"
	mount --make-shared "$CD/vol"

	local rt rts bin
	{
		cat <<EOF
version = 2
root = "$CD/root"
state = "$CD/state"
disabled_plugins = ["io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CD/c.sock"
[ttrpc]
  address = "$CD/t.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:latest"
  # the pause container asks for oom_score_adj -998: without CAP_SYS_RESOURCE, keep containerd's
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  disable_apparmor = true
  enable_selinux = false
  enable_unprivileged_ports = false
  enable_unprivileged_icmp = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "$HANDLER"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CD/cni"
    max_conf_num = 1
EOF
		# grid and runc, and the runtime under test if it is another
		rts="grid runc"
		case $HANDLER in grid | runc) ;; *) rts="$rts $HANDLER" ;; esac
		for rt in $rts; do
			case $rt in
			grid) bin=$REPO/grid ;;
			runc) bin=/usr/sbin/runc ;;
			*) bin=$E2E_RT ;;
			esac
			cat <<EOF
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$rt]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$rt.options]
      BinaryName = "$bin"
      Root = "$CD/rt/$rt"
      SystemdCgroup = false
EOF
		done
	} >"$CD/config.toml"
	containerd --config "$CD/config.toml" </dev/null >"$CD/containerd.log" 2>&1 3>&- &
	echo $! >"$CD/containerd.pid"
	local i
	for i in $(seq 100); do
		cri version >/dev/null 2>&1 && break
		kill -0 "$(cat "$CD/containerd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	cri version >/dev/null || { cat "$CD/containerd.log" >&2; return 1; }

	# The images, in the k8s.io namespace that the CRI plugin uses.
	e2e_busybox_tar "$CD/busybox.tar"
	oci_archive "$CD/busybox.tar" "$CD/busybox-oci.tar" localhost/busybox:latest
	mkdir "$CD/pause"
	musl-gcc -static -Os -s -o "$CD/pause/pause" "$REPO/tests/cri/pause.c"
	tar -C "$CD/pause" -cf "$CD/pause.tar" pause
	oci_archive "$CD/pause.tar" "$CD/pause-oci.tar" localhost/pause:latest '{"Entrypoint": ["/pause"]}'
	ctr -a "$CD/c.sock" -n k8s.io image import "$CD/busybox-oci.tar" >/dev/null
	ctr -a "$CD/c.sock" -n k8s.io image import "$CD/pause-oci.tar" >/dev/null
	# The CRI plugin learns of imported images from containerd's events.
	for i in $(seq 100); do
		cri image-status localhost/pause:latest >/dev/null && cri image-status localhost/busybox:latest >/dev/null && break
		sleep 0.1
	done
	cri image-status localhost/pause:latest >/dev/null
}

teardown_file() {
	[ -n "${CD:-}" ] && [ -d "$CD" ] || return 0
	local id pid m sock problems=0
	if [ -S "$CD/c.sock" ]; then
		for id in $(tac "$CD/pods" 2>/dev/null); do
			cri stopp "$id" >/dev/null 2>&1
			cri rmp "$id" >/dev/null 2>&1
		done
	fi
	pid=$(cat "$CD/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi

	# What the removed pods must not have left: shims (their command line names containerd's
	# socket), containers in the runtime's root, mounts under containerd's state (rootfs, shm,
	# network namespaces), the containers' cgroups, the shims' sockets (always
	# /run/containerd/s/sha256(ADDRESS/NAMESPACE/POD)) and libcni's cache of each pod's network.
	for _ in $(seq 50); do
		[ -z "$(pgrep -f -- "-address $CD/c.sock")" ] && break
		sleep 0.1
	done
	for pid in $(pgrep -f -- "-address $CD/c.sock"); do
		echo "teardown_file: shim $pid outlived its pod" >&2
		problems=1
		grep -qF "$CD/c.sock" "/proc/$pid/cmdline" 2>/dev/null && kill -9 "$pid"
	done
	for id in $(ls "$CD/rt/$HANDLER/k8s.io" 2>/dev/null); do
		echo "teardown_file: $id left in the runtime's root" >&2
		problems=1
		timeout 60 "$E2E_RT" --root "$CD/rt/$HANDLER/k8s.io" delete --force "$id" >/dev/null 2>&1
	done
	if [ -n "$(mounts_under "$CD/state")" ]; then
		echo "teardown_file: mounts left: $(mounts_under "$CD/state" | tr '\n' ' ')" >&2
		problems=1
	fi
	if [ -n "$(find /sys/fs/cgroup/*/"$CG" -mindepth 2 -type d 2>/dev/null)" ]; then
		echo "teardown_file: container cgroups left under $CG" >&2
		problems=1
	fi
	for id in $(cat "$CD/pods" 2>/dev/null); do
		sock=/run/containerd/s/$(printf %s "$CD/c.sock/k8s.io/$id" | sha256sum | cut -d' ' -f1)
		if [ -e "$sock" ] || ls /var/lib/cni/results/*"-$id-"* >/dev/null 2>&1; then
			echo "teardown_file: the shim's socket or CNI cache of pod $id left" >&2
			problems=1
		fi
		rm -f "$sock" /var/lib/cni/results/*"-$id-"*
	done

	# Then remove what this file made, and check that the host is as it was.
	[ -e "$CD/made-run-containerd" ] && rmdir /run/containerd/s /run/containerd 2>/dev/null
	[ -e "$CD/made-var-lib-cni" ] && rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null
	for m in $(mounts_under "$CD" | sort -r); do umount -l "$m"; done
	find /sys/fs/cgroup/*/"$CG" -depth -type d -exec rmdir {} + 2>/dev/null
	ip link del "$BR" 2>/dev/null
	if [ -n "$(mounts_under "$CD")" ]; then
		echo "teardown_file: could not unmount: $(mounts_under "$CD" | tr '\n' ' ')" >&2
		problems=1
	fi
	if ls -d /sys/fs/cgroup/*/"$CG" 2>/dev/null; then
		echo "teardown_file: could not remove the cgroups above" >&2
		problems=1
	fi
	if ip link show "$BR" >/dev/null 2>&1; then
		echo "teardown_file: bridge $BR left" >&2
		problems=1
	fi
	if [ -n "$(pgrep -f -- "$CD")" ]; then
		echo "teardown_file: processes left: $(pgrep -f -- "$CD" | tr '\n' ' ')" >&2
		problems=1
	fi
	if [ -e "$CD/made-run-containerd" ] && [ -e /run/containerd ]; then
		echo "teardown_file: /run/containerd left: $(ls -A /run/containerd)" >&2
		problems=1
	fi
	if [ -e "$CD/made-var-lib-cni" ] && [ -e /var/lib/cni ]; then
		echo "teardown_file: /var/lib/cni left: $(ls -AR /var/lib/cni)" >&2
		problems=1
	fi
	[ "$problems" -eq 0 ] || tail -20 "$CD/containerd.log" >&2
	rm -rf --one-file-system "$CD"
	return $problems
}

setup() {
	N=$BATS_TEST_NUMBER
	# this test's host directory for volumes, inside the shared $CD/vol
	V=$CD/vol/t$N
	mkdir -p "$V"
	: >"$CD/pods.$N"
}

teardown() {
	local id m
	for id in $(tac "$CD/pods.$N" 2>/dev/null); do
		cri stopp "$id" >/dev/null 2>&1
		cri rmp "$id" >/dev/null 2>&1 || echo "teardown: RemovePodSandbox $id failed" >&2
	done
	for m in $(mounts_under "$V" | sort -r); do umount -l "$m"; done
	left_behind
}

# cri ARGS...: tests/cri/cri.py on this file's containerd (never hangs the suite).
cri() {
	timeout -k 5 $((E2E_TIMEOUT * 2)) "$PY" "$REPO/tests/cri/cri.py" "$@"
}

# left_behind: fails, naming them, if removed pods left anything: an entry in the runtime's state
# root, a mount or network namespace under containerd's state, a shim, a container cgroup.
left_behind() {
	local i rt mounts shims cgs problems=0
	for i in $(seq 50); do
		rt=$(ls -A "$CD/rt/$HANDLER/k8s.io" 2>/dev/null)
		mounts=$(mounts_under "$CD/state")
		shims=$(pgrep -f -- "-address $CD/c.sock")
		cgs=$(find /sys/fs/cgroup/*/"$CG" -mindepth 2 -type d 2>/dev/null)
		[ -z "$rt$mounts$shims$cgs" ] && break
		sleep 0.1
	done
	[ -z "$rt" ] || { echo "left in the runtime's root: $rt" >&2; problems=1; }
	[ -z "$mounts" ] || { echo "mounts left: $mounts" >&2; problems=1; }
	[ -z "$shims" ] || { echo "shims left: $shims" >&2; problems=1; }
	[ -z "$cgs" ] || { echo "container cgroups left: $cgs" >&2; problems=1; }
	if [ -n "$(ls -A "$CD/state/io.containerd.grpc.v1.cri/netns" 2>/dev/null)" ]; then
		echo "network namespaces left: $(ls "$CD/state/io.containerd.grpc.v1.cri/netns")" >&2
		problems=1
	fi
	# the pods' cgroups, which the runtime makes as parents of its containers' and kubelet removes
	find /sys/fs/cgroup/*/"$CG" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
	return $problems
}

# pod_config NAME [JQ_FILTER]: $CD/NAME.pod.json, a PodSandboxConfig as kubelet makes it for a
# pod NAME (cgroupfs parent /$CG/pod-NAME, logs in $CD/logs/NAME), JQ_FILTER applied ($vol is
# the test's volume directory).
pod_config() {
	local name=$1 filter=${2:-.}
	mkdir -p "$CD/logs/$name"
	jq -n --arg n "$name" --arg logs "$CD/logs/$name" --arg cg "/$CG/pod-$name" --arg vol "$V" '{
		metadata: {name: $n, uid: ("uid-" + $n), namespace: "cri-test", attempt: 0},
		hostname: $n, log_directory: $logs,
		linux: {cgroup_parent: $cg, security_context: {
			namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
	} | '"$filter" >"$CD/$name.pod.json"
}

# runp NAME [JQ_FILTER]: RunPodSandbox of pod_config NAME with the handler under test; prints its id.
runp() {
	local id
	pod_config "$@"
	id=$(cri runp "$CD/$1.pod.json" "$HANDLER") || return
	echo "$id" >>"$CD/pods.$N"
	echo "$id" >>"$CD/pods"
	echo "$id"
}

# create POD_ID POD_NAME NAME SCRIPT [JQ_FILTER]: CreateContainer NAME in the pod, running
# `sh -c SCRIPT` in the busybox image, its log NAME.log in the pod's log directory, kubelet's
# default namespaces, masked and read-only paths; JQ_FILTER applied ($vol is the test's volume
# directory). Prints its id.
create() {
	local pod=$1 podname=$2 name=$3 script=$4 filter=${5:-.}
	jq -n --arg n "$name" --arg s "$script" --arg vol "$V" --argjson masked "$MASKED" --argjson ro "$READONLY" '{
		metadata: {name: $n, attempt: 0}, image: {image: "localhost/busybox:latest"},
		command: ["sh", "-c", $s], log_path: ($n + ".log"),
		linux: {security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"},
			masked_paths: $masked, readonly_paths: $ro}}
	} | '"$filter" >"$CD/$podname.$name.json"
	cri create "$pod" "$CD/$podname.$name.json" "$CD/$podname.pod.json"
}

# run_ctr POD_ID POD_NAME NAME SCRIPT [JQ_FILTER]: create, then StartContainer; prints its id.
run_ctr() {
	local id
	id=$(create "$@") || return
	cri start "$id" || return
	echo "$id"
}

# x ID CMD...: ExecSync CMD in container ID (its stdout, stderr and exit code).
x() {
	cri exec-sync "$@"
}

# field ID JQ: a field of ContainerStatus (verbose: .info.info is containerd's, with the pid).
field() {
	cri inspect "$1" | jq -r "$2"
}

ctr_pid() { field "$1" .info.info.pid; }
pod_pid() { cri inspectp "$1" | jq -r .info.info.pid; }

# wait_until CMD...: until CMD succeeds (bounded by E2E_TIMEOUT).
wait_until() {
	local end=$((SECONDS + E2E_TIMEOUT))
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

is_state() { [ "$(field "$1" .status.state)" = "$2" ]; }
has_reason() { [ "$(field "$1" .status.reason)" = "$2" ]; }
is_file() { x "$1" test -e "$2"; }
no_process() { ! x "$1" ps -o args | grep -q "$2"; }

# log_lines FILE: the lines of a CRI log file, without the timestamp, stream and tag.
log_lines() {
	sed -E 's/^[^ ]+ (stdout|stderr) [FP] //' "$1"
}

@test "cri: RunPodSandbox runs the pause container with the handler under test: hostname, DNS, pod IP, no route out" {
	local pod c ip pid
	pod=$(runp p1 '.dns_config = {servers: ["203.0.113.53"], searches: ["ns1.svc.cluster.test", "cluster.test"], options: ["ndots:5"]}')
	run cri inspectp "$pod"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status.state <<<"$output")" = SANDBOX_READY ]
	[ "$(jq -r .status.runtime_handler <<<"$output")" = "$HANDLER" ]
	ip=$(jq -r .status.network.ip <<<"$output")
	[[ $ip == 198.51.100.* ]]
	pid=$(jq -r .info.info.pid <<<"$output")
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/pause " ]
	# the runtime under test made it: its state is in that runtime's root
	[ -d "$CD/rt/$HANDLER/k8s.io/$pod" ]
	c=$(run_ctr "$pod" p1 c1 'exec sleep 1000')
	[ -d "$CD/rt/$HANDLER/k8s.io/$c" ]
	[ "$(field "$c" .status.state)" = CONTAINER_RUNNING ]
	run x "$c" hostname
	[ "$output" = p1 ]
	run x "$c" cat /etc/resolv.conf
	[ "$status" -eq 0 ]
	[ "$output" = "search ns1.svc.cluster.test cluster.test
nameserver 203.0.113.53
options ndots:5" ]
	run x "$c" ip -o -4 addr show eth0
	[[ $output == *" inet $ip/24 "* ]]
	# no gateway: the pod reaches its own subnet and nothing else
	run x "$c" ip route
	[ "$status" -eq 0 ]
	[[ $output != *default* ]]
}

# sysctl_test NAME: RunPodSandbox with the namespaced sysctl NAME (under /proc/sys) set to a value
# other than the host's; the pod's containers see it, the host keeps its own.
sysctl_test() {
	local f=/proc/sys/${1//.//} host want pod c
	host=$(cat "$f")
	want=$((host == 80 ? 81 : 80))
	[ "$1" = kernel.shm_rmid_forced ] && want=$((1 - host))
	pod=$(runp p1 ".linux.sysctls = {\"$1\": \"$want\"}")
	c=$(run_ctr "$pod" p1 c1 'exec sleep 1000')
	run x "$c" cat "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ "$(cat "$f")" = "$host" ]
}

@test "cri: RunPodSandbox sets a sysctl of the pod's IPC namespace; the host keeps its value" {
	sysctl_test kernel.shm_rmid_forced
}

@test "cri: RunPodSandbox sets a sysctl of the pod's network namespace; the host keeps its value" {
	sysctl_test net.ipv4.ip_unprivileged_port_start
}

@test "cri: a pod with a shared PID namespace: pause is pid 1 and each container sees the other's processes" {
	local pod c1 c2
	pod=$(runp p1 '.linux.security_context.namespace_options.pid = "POD"')
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1001' '.linux.security_context.namespace_options.pid = "POD"')
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1002' '.linux.security_context.namespace_options.pid = "POD"')
	run x "$c1" ps -o pid,args
	[ "$status" -eq 0 ]
	[[ $output == *$'\n'"    1 /pause"* ]]
	[[ $output == *"sleep 1002"* ]]
	run x "$c2" ps -o pid,args
	[[ $output == *$'\n'"    1 /pause"* ]]
	[[ $output == *"sleep 1001"* ]]
}

@test "cri: two containers of a pod share the pause container's network, IPC and UTS namespaces" {
	local pod c1 c2 p0 p1 p2 ns
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'touch /dev/mqueue/from-c1 && exec nc -ll -p 8080 -e echo pong')
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1000')
	p0=$(pod_pid "$pod")
	p1=$(ctr_pid "$c1")
	p2=$(ctr_pid "$c2")
	for ns in net ipc uts; do
		[ "$(readlink "/proc/$p1/ns/$ns")" = "$(readlink "/proc/$p0/ns/$ns")" ]
		[ "$(readlink "/proc/$p2/ns/$ns")" = "$(readlink "/proc/$p0/ns/$ns")" ]
		[ "$(readlink "/proc/$p0/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]
	done
	# kubelet's default: a PID namespace of each container's own
	[ "$(readlink "/proc/$p1/ns/pid")" != "$(readlink "/proc/$p2/ns/pid")" ]
	run x "$c2" ps -o args
	[[ $output != *pause* ]]
	# c1 listens on the pod's loopback, c2 reaches it; c1's POSIX message queue is c2's
	wait_until x "$c2" sh -c 'nc 127.0.0.1 8080 </dev/null | grep -qx pong'
	run x "$c2" ls /dev/mqueue
	[ "$output" = from-c1 ]
}

@test "cri: ExecSync returns stdout, stderr and the exit code, and ends a command at its timeout" {
	local pod c
	pod=$(runp p1)
	c=$(run_ctr "$pod" p1 c1 'exec sleep 1000')
	run --separate-stderr x "$c" sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
	run x "$c" true
	[ "$status" -eq 0 ]
	# a missing program: the exec fails
	run x "$c" /nonexistent
	[ "$status" -ne 0 ]
	# past its timeout the command is killed and ExecSync fails saying so
	run x --timeout 2 "$c" sleep 1001
	[ "$status" -eq 125 ]
	[[ $output == *"timeout"* ]]
	wait_until no_process "$c" 'sleep 1001'
	[ "$(field "$c" .status.state)" = CONTAINER_RUNNING ]
}

@test "cri: ContainerStatus: exit code and reason of finished containers" {
	local pod c1 c2
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'exit 0')
	c2=$(run_ctr "$pod" p1 c2 'exit 42')
	wait_until is_state "$c1" CONTAINER_EXITED
	wait_until is_state "$c2" CONTAINER_EXITED
	run cri inspect "$c1"
	[ "$(jq -r .status.exit_code <<<"$output")" = 0 ]
	[ "$(jq -r .status.reason <<<"$output")" = Completed ]
	[ "$(jq -r '.status.finished_at | tonumber > 0' <<<"$output")" = true ]
	run cri inspect "$c2"
	[ "$(jq -r .status.exit_code <<<"$output")" = 42 ]
	[ "$(jq -r .status.reason <<<"$output")" = Error ]
}

@test "cri: ContainerStatus says OOMKilled when a container exceeds its memory limit" {
	local pod c
	pod=$(runp p1)
	# tail keeps the whole line in memory, and /dev/zero has no newline
	c=$(run_ctr "$pod" p1 c1 'exec tail /dev/zero' '.linux.resources.memory_limit_in_bytes = 33554432')
	# containerd learns of the OOM kill and of the exit from two events of the shim
	wait_until has_reason "$c" OOMKilled
	run cri inspect "$c"
	[ "$(jq -r .status.state <<<"$output")" = CONTAINER_EXITED ]
	[ "$(jq -r .status.exit_code <<<"$output")" = 137 ]
}

@test "cri: container logs are in the CRI format; ReopenContainerLog starts a new file" {
	local pod c log=$CD/logs/p1/c1.log
	pod=$(runp p1)
	c=$(run_ctr "$pod" p1 c1 'echo first; echo to-stderr >&2; while [ ! -e /rotated ]; do sleep 0.1; done; echo second; exec sleep 1000')
	[ "$(field "$c" .status.log_path)" = "$log" ]
	# stdout and stderr are two pipes: their lines may come in either order
	wait_until grep -q ' stderr F to-stderr$' "$log"
	wait_until grep -q ' stdout F first$' "$log"
	# <RFC 3339 time, nanoseconds> <stream> <F: a full line, P: part of one> <text>; the time is Go's
	# RFC3339Nano, which drops the fraction's trailing zeros (and a fraction of zeros altogether)
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}) stdout F first$' "$log"
	grep -qE '^[^ ]+ stderr F to-stderr$' "$log"
	# kubelet's rotation: rename the file, ask for a new one
	mv "$log" "$log.1"
	cri reopen-log "$c"
	[ -e "$log" ]
	x "$c" touch /rotated
	wait_until grep -q ' stdout F second$' "$log"
	run log_lines "$log"
	[ "$output" = second ]
	run log_lines "$log.1"
	[ "$(sort <<<"$output")" = "first
to-stderr" ]
}

@test "cri: UpdateContainerResources reaches the container's cgroup" {
	local pod c pid cpu mem
	pod=$(runp p1)
	c=$(run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.resources = {cpu_shares: 512, cpu_period: 100000, cpu_quota: 50000, memory_limit_in_bytes: 67108864}')
	pid=$(ctr_pid "$c")
	cpu=$(host_cgroup "$pid" cpu)
	mem=$(host_cgroup "$pid" memory)
	[[ $cpu == *"/$CG/pod-p1/"* ]]
	[ "$(cat "$cpu/cpu.shares")" = 512 ]
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	echo '{"cpu_shares": 256, "cpu_period": 100000, "cpu_quota": 20000, "memory_limit_in_bytes": 100663296}' >"$CD/res.json"
	cri update "$c" "$CD/res.json"
	[ "$(cat "$cpu/cpu.shares")" = 256 ]
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 20000 ]
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
	[ "$(cat "$mem/memory.limit_in_bytes")" = 100663296 ]
	[ "$(field "$c" .status.state)" = CONTAINER_RUNNING ]
}

@test "cri: ContainerStats reports the container's CPU and memory use" {
	local pod c
	pod=$(runp p1)
	c=$(run_ctr "$pod" p1 c1 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; touch /ready; exec sleep 1000')
	wait_until is_file "$c" /ready
	run cri stats "$c"
	[ "$status" -eq 0 ]
	[ "$(jq -r .stats.attributes.id <<<"$output")" = "$c" ]
	[ "$(jq -r '.stats.cpu.usage_core_nano_seconds.value | tonumber > 0' <<<"$output")" = true ]
	[ "$(jq -r '.stats.memory.working_set_bytes.value | tonumber > 0' <<<"$output")" = true ]
	[ "$(jq -r '.stats.memory.usage_bytes.value | tonumber > 0' <<<"$output")" = true ]
}

@test "cri: StopContainer sends SIGTERM, then SIGKILL after the grace period" {
	local pod c1 c2
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'trap "echo TERM caught; exit 3" TERM; touch /ready; while :; do sleep 0.1; done')
	c2=$(run_ctr "$pod" p1 c2 'trap "echo TERM ignored" TERM; touch /ready; while :; do sleep 0.1; done')
	wait_until is_file "$c1" /ready
	wait_until is_file "$c2" /ready
	# the program's own exit status: it ended at SIGTERM, well within its grace period
	cri stop "$c1" 60
	[ "$(field "$c1" .status.state)" = CONTAINER_EXITED ]
	[ "$(field "$c1" .status.exit_code)" = 3 ]
	wait_until grep -q ' stdout F TERM caught$' "$CD/logs/p1/c1.log"
	# SIGTERM seen and survived, then SIGKILL at the end of the grace period
	cri stop "$c2" 2
	[ "$(field "$c2" .status.state)" = CONTAINER_EXITED ]
	[ "$(field "$c2" .status.exit_code)" = 137 ]
	wait_until grep -q ' stdout F TERM ignored$' "$CD/logs/p1/c2.log"
}

@test "cri: security context: runAsUser, runAsGroup and readonlyRootfs" {
	local pod c1 c2
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.security_context += {run_as_user: {value: 1000}, run_as_group: {value: 1001}}')
	run x "$c1" id
	[ "$output" = "uid=1000 gid=1001 groups=1001" ]
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1000' '.linux.security_context.readonly_rootfs = true')
	run x "$c2" touch /x
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
	run x "$c2" touch /dev/shm/x
	[ "$status" -eq 0 ]
	run x "$c1" touch /x
	[[ $output == *"Permission denied"* ]]
}

@test "cri: security context: capabilities added and dropped" {
	local pod c1 c2 eff
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1000')
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1000' '.linux.security_context.capabilities = {add_capabilities: ["NET_ADMIN"], drop_capabilities: ["CHOWN", "NET_RAW"]}')
	# CAP_CHOWN is bit 0, CAP_NET_ADMIN 12, CAP_NET_RAW 13
	eff=$(x "$c1" sh -c "awk '/^CapEff/ { print \$2 }' /proc/self/status")
	[ $((0x$eff & 1)) -eq 1 ] && [ $((0x$eff >> 12 & 1)) -eq 0 ] && [ $((0x$eff >> 13 & 1)) -eq 1 ]
	eff=$(x "$c2" sh -c "awk '/^CapEff/ { print \$2 }' /proc/self/status")
	[ $((0x$eff & 1)) -eq 0 ] && [ $((0x$eff >> 12 & 1)) -eq 1 ] && [ $((0x$eff >> 13 & 1)) -eq 0 ]
	run x "$c1" chown 1:1 /tmp
	[ "$status" -eq 0 ]
	run x "$c2" chown 1:1 /tmp
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
}

@test "cri: security context: a privileged container may mount and sees the host's devices" {
	local pod c1 c2 dev
	# a host device that no unprivileged container has
	for dev in /dev/kmsg /dev/loop-control /dev/mem; do [ -c "$dev" ] && break; done
	[ -c "$dev" ]
	pod=$(runp p1 '.linux.security_context.privileged = true')
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.security_context = {privileged: true}')
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1000')
	run x "$c1" sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt && grep " /mnt " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ $output == *tmpfs* ]]
	run x "$c1" test -c "$dev"
	[ "$status" -eq 0 ]
	run x "$c2" sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt'
	[ "$status" -ne 0 ]
	run x "$c2" test -e "$dev"
	[ "$status" -ne 0 ]
}

@test "cri: security context: RuntimeDefault seccomp and no_new_privs, or Unconfined" {
	local pod c1 c2
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.security_context += {seccomp: {profile_type: "RuntimeDefault"}, no_new_privs: true}')
	c2=$(run_ctr "$pod" p1 c2 'exec sleep 1000' '.linux.security_context += {seccomp: {profile_type: "Unconfined"}}')
	run x "$c1" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	[ "$output" = $'NoNewPrivs:\t1\nSeccomp:\t2' ]
	# containerd's default profile allows unshare only with CAP_SYS_ADMIN; a user namespace needs no capability
	run x "$c1" unshare -U true
	[ "$status" -ne 0 ]
	[[ $output == *"Operation not permitted"* ]]
	run x "$c2" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0\nSeccomp:\t0' ]
	run x "$c2" unshare -U true
	[ "$status" -eq 0 ]
}

@test "cri: security context: masked and read-only paths" {
	local pod c
	pod=$(runp p1)
	c=$(run_ctr "$pod" p1 c1 'exec sleep 1000')
	# a masked file is /dev/null (those this kernel has), a masked directory an empty read-only tmpfs
	local f n=0
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -f "$f" ] || continue
		run x "$c" sh -c "stat -c %F $f; wc -c <$f"
		[ "$output" = "character special file
0" ]
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
	if [ -d /proc/acpi ]; then
		run x "$c" sh -c 'ls -A /proc/acpi; grep " /proc/acpi " /proc/self/mountinfo'
		[[ $output == *" /proc/acpi ro,"*" - tmpfs "* ]]
		[ "$(echo "$output" | wc -l)" -eq 1 ]
	fi
	run x "$c" sh -c 'grep " /proc/sys " /proc/self/mountinfo'
	[[ $output == *" ro,"* ]] || [[ $output == *" ro "* ]]
	# a namespaced sysctl: had the mount been writable, only the pod's value would change
	run x "$c" sh -c 'echo 1000 >/proc/sys/net/ipv4/ip_unprivileged_port_start'
	[ "$status" -ne 0 ]
	[[ $output == *"Read-only file system"* ]]
}

# vol_ctr MODE SUBDIR: a privileged pod with a container that has SUBDIR of the test's volume
# directory at /v with propagation MODE; prints the container's id.
vol_ctr() {
	local mode=$1 sub=$2 pod
	mkdir -p "$V/$sub"
	pod=$(runp p1 '.linux.security_context.privileged = true') || return
	run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.security_context = {privileged: true}
		| .mounts = [{container_path: "/v", host_path: ($vol + "/'"$sub"'"), propagation: "'"$mode"'"}]'
}

# host_mount DIR: a tmpfs mounted on the host at DIR, holding a file "f" that says "host".
host_mount() {
	mkdir -p "$1"
	mount -t tmpfs -o size=1m gecri-host "$1"
	echo host >"$1/f"
}

# ctr_mount ID DIR: a tmpfs mounted in container ID at DIR, holding a file "f" that says "container".
ctr_mount() {
	x "$1" sh -c "mkdir -p $2 && mount -t tmpfs -o size=1m gecri-ctr $2 && echo container >$2/f"
}

mounted_on_host() { [ -n "$(mounts_under "$1")" ]; }

@test "cri: volume PROPAGATION_PRIVATE: no mount crosses, either way" {
	local c
	c=$(vol_ctr PROPAGATION_PRIVATE priv)
	host_mount "$V/priv/from-host"
	run x "$c" cat /v/from-host/f
	[ "$status" -ne 0 ]
	ctr_mount "$c" /v/from-ctr
	[ "$(x "$c" cat /v/from-ctr/f)" = container ]
	! mounted_on_host "$V/priv/from-ctr"
	[ ! -e "$V/priv/from-ctr/f" ]
}

@test "cri: volume PROPAGATION_HOST_TO_CONTAINER: the host's new mounts show inside, the container's stay inside" {
	local c
	c=$(vol_ctr PROPAGATION_HOST_TO_CONTAINER h2c)
	host_mount "$V/h2c/from-host"
	wait_until x "$c" grep -q host /v/from-host/f
	ctr_mount "$c" /v/from-ctr
	[ "$(x "$c" cat /v/from-ctr/f)" = container ]
	! mounted_on_host "$V/h2c/from-ctr"
	[ ! -e "$V/h2c/from-ctr/f" ]
}

@test "cri: volume PROPAGATION_BIDIRECTIONAL: the host's new mounts show inside" {
	local c
	c=$(vol_ctr PROPAGATION_BIDIRECTIONAL bi)
	host_mount "$V/bi/from-host"
	wait_until x "$c" grep -q host /v/from-host/f
}

@test "cri: volume PROPAGATION_BIDIRECTIONAL: the container's new mounts show on the host" {
	local c
	c=$(vol_ctr PROPAGATION_BIDIRECTIONAL bi)
	ctr_mount "$c" /v/from-ctr
	[ "$(x "$c" cat /v/from-ctr/f)" = container ]
	# shown if it fails: the volume's peer group inside and on the host
	x "$c" grep ' /v ' /proc/self/mountinfo
	grep " $CD/vol " /proc/self/mountinfo
	mounted_on_host "$V/bi/from-ctr"
	[ "$(cat "$V/bi/from-ctr/f")" = container ]
}

@test "cri: an init container runs to completion, then the app container starts" {
	local pod init app
	mkdir -p "$V/work"
	pod=$(runp p1)
	# kubelet: start the init container, wait for it to exit 0, then create and start the app
	init=$(run_ctr "$pod" p1 init 'sleep 0.5; echo initialized >/work/state' '.mounts = [{container_path: "/work", host_path: ($vol + "/work")}]')
	wait_until is_state "$init" CONTAINER_EXITED
	[ "$(field "$init" .status.exit_code)" = 0 ]
	[ "$(field "$init" .status.reason)" = Completed ]
	app=$(run_ctr "$pod" p1 app 'cat /work/state; exec sleep 1000' '.mounts = [{container_path: "/work", host_path: ($vol + "/work")}]')
	wait_until grep -q ' stdout F initialized$' "$CD/logs/p1/app.log"
	[ "$(field "$app" .status.state)" = CONTAINER_RUNNING ]
	[ "$(field "$init" .status.state)" = CONTAINER_EXITED ]
}

@test "cri: StopPodSandbox and RemovePodSandbox leave nothing behind" {
	local pod c1 c2 p0 p1 p2 p netns shim
	pod=$(runp p1)
	c1=$(run_ctr "$pod" p1 c1 'exec sleep 1000' '.linux.resources.memory_limit_in_bytes = 67108864')
	c2=$(run_ctr "$pod" p1 c2 'trap "" TERM; while :; do sleep 0.1; done')
	p0=$(pod_pid "$pod")
	p1=$(ctr_pid "$c1")
	p2=$(ctr_pid "$c2")
	netns=$(cri inspectp "$pod" | jq -r '.info.info.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')
	[ -e "$netns" ]
	shim=$(pgrep -f -- "-id $pod -address $CD/c.sock")
	[ -n "$shim" ]
	# cgroupfs: the runtime made each container's cgroup under the pod's, in every hierarchy
	for p in $p0 $p1 $p2; do [[ $(host_cgroup "$p" memory) == */$CG/pod-p1/* ]]; done
	[ -n "$(find /sys/fs/cgroup/*/"$CG"/pod-p1 -mindepth 1 -type d)" ]
	[ -n "$(mounts_under "$CD/state" | grep -F "$c1")" ]

	cri stopp "$pod"
	[ "$(cri inspectp "$pod" | jq -r .status.state)" = SANDBOX_NOTREADY ]
	[ "$(field "$c1" .status.state)" = CONTAINER_EXITED ]
	[ "$(field "$c2" .status.state)" = CONTAINER_EXITED ]
	for p in $p0 $p1 $p2; do ! kill -0 "$p" 2>/dev/null; done
	[ ! -e "$netns" ]
	[ -z "$(ls -A "$CD/rt/$HANDLER/k8s.io")" ]

	cri rmp "$pod"
	run cri inspectp "$pod"
	[ "$status" -eq 125 ]
	[[ $output == *NOT_FOUND* ]]
	[ "$(cri ps "$pod" | jq '.containers | length')" = 0 ]
	wait_until sh -c "! kill -0 $shim"
	[ ! -e "/run/containerd/s/$(printf %s "$CD/c.sock/k8s.io/$pod" | sha256sum | cut -d' ' -f1)" ]
	[ -z "$(mounts_under "$CD/state")" ]
	[ -z "$(find /sys/fs/cgroup/*/"$CG"/pod-p1 -mindepth 1 -type d)" ]
	# the pod's own cgroups are kubelet's to remove: the runtime left them empty
	rmdir /sys/fs/cgroup/*/"$CG"/pod-p1
	[ -z "$(ls /var/lib/cni/results 2>/dev/null | grep -F "$pod")" ]
}
