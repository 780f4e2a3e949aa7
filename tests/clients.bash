# clients.bash - loaded by the end-to-end tests that drive a runtime through real clients
# (podman.bats: podman + conmon; containerd.bats: containerd + its runc v2 shim + ctr;
# docker.bats: dockerd + containerd).
#
# The runtime under test is $E2E_RUNTIME: `grid` (this repository's ./grid, the default) or `crun`
# (Debian's), so that the same scenarios are shown to pass with a known-good runtime.
# tests/run runs these files once per runtime; crun refuses this VM's hybrid cgroup layout while a
# controller sits on the v2 hierarchy, so tests/run gives crun a private mount namespace without
# /sys/fs/cgroup/unified (tests/e2e-crun). Grid runs on the host's real layout.
#
# Each file starts its client on private directories under a short /tmp/ge.* directory (console
# socket paths are limited to 108 bytes) in setup_file and removes them in teardown_file.

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
E2E_RUNTIME=${E2E_RUNTIME:-grid}
case $E2E_RUNTIME in
grid) E2E_RT=$REPO/grid ;;
crun) E2E_RT=/usr/bin/crun ;;
*) E2E_RT=$E2E_RUNTIME ;;
esac
# No client command may hang the suite; generous, and never used to assert timing.
E2E_TIMEOUT=${E2E_TIMEOUT:-120}

# e2e_skip_unless CMD...: skip the file's tests when a client is not installed (tests/run installs them).
e2e_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed (tests/run installs it)"
	done
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -x "$E2E_RT" ] || skip "$E2E_RT is missing"
}

# e2e_busybox_tar FILE: a busybox-static root filesystem as a tar, for `podman import`.
e2e_busybox_tar() {
	local d
	d=$(mktemp -d /tmp/ge-bb.XXXXXX)
	"$REPO/tests/mkbundle.sh" "$d" sh >/dev/null &&
		tar -C "$d/rootfs" -cf "$1" . &&
		rm -rf "$d"
}

# host_cgroup PID CONTROLLER: the host path of PID's cgroup directory for a v1 CONTROLLER (or
# "unified" for the v2 one), read from /proc/PID/cgroup.
host_cgroup() {
	local pid=$1 ctl=$2 line path
	if [ "$ctl" = unified ]; then
		line=$(grep '^0::' "/proc/$pid/cgroup")
	else
		line=$(grep -E "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:" "/proc/$pid/cgroup")
	fi
	path=${line#*:*:}
	echo "/sys/fs/cgroup/$ctl$path"
}

# in_e2e_dir_mounts DIR: mounts whose mount point lies under DIR (left behind by a client).
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}
