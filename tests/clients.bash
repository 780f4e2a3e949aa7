# clients.bash - loaded by the end-to-end tests that drive a runtime through real clients
# (podman.bats: podman + conmon; containerd.bats: containerd + its runc v2 shim + ctr;
# docker.bats: dockerd + containerd; cri.bats: containerd's CRI plugin, as kubelet drives it).
#
# The runtime under test is $E2E_RUNTIME: `grid` (this repository's ./grid, the default), `crun`
# or `runc` (Debian's), so that the same scenarios are shown to pass with a known-good runtime.
# tests/run runs these files once per runtime; crun refuses this VM's hybrid cgroup layout while a
# controller sits on the v2 hierarchy, so tests/run gives crun a private mount namespace without
# /sys/fs/cgroup/unified (tests/e2e-crun). Grid and runc run on the host's real layout.
#
# Each file starts its client on private directories under a short /tmp/ge.* directory (console
# socket paths are limited to 108 bytes) in setup_file and removes them in teardown_file.

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
E2E_RUNTIME=${E2E_RUNTIME:-grid}
case $E2E_RUNTIME in
grid) E2E_RT=$REPO/grid ;;
crun) E2E_RT=/usr/bin/crun ;;
runc) E2E_RT=/usr/sbin/runc ;;
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

# oci_archive ROOTFS_TAR OUT NAME [CONFIG]: a one-layer OCI image archive of ROOTFS_TAR named NAME,
# for `ctr image import` (what `podman save --format oci-archive` makes, built here with tar + jq).
# CONFIG is the image's config (JSON), by default {"Cmd": ["/bin/sh"]} and a PATH.
oci_archive() {
	local d l c m cfg=${4:-'{"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}'}
	d=$(mktemp -d /tmp/ge-oci.XXXXXX)
	mkdir -p "$d/blobs/sha256"
	l=$(oci_blob "$d" <"$1")
	jq -cn --arg l "sha256:$l" --argjson cfg "$cfg" '{architecture: "amd64", os: "linux",
		config: $cfg, rootfs: {type: "layers", diff_ids: [$l]}}' | oci_blob "$d" >"$d/c"
	c=$(cat "$d/c")
	jq -cn --arg c "sha256:$c" --argjson cs "$(stat -c %s "$d/blobs/sha256/$c")" \
		--arg l "sha256:$l" --argjson ls "$(stat -c %s "$d/blobs/sha256/$l")" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' |
		oci_blob "$d" >"$d/m"
	m=$(cat "$d/m")
	jq -cn --arg m "sha256:$m" --argjson ms "$(stat -c %s "$d/blobs/sha256/$m")" --arg n "$3" \
		'{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $m, size: $ms, platform: {architecture: "amd64", os: "linux"},
		annotations: {"io.containerd.image.name": $n, "org.opencontainers.image.ref.name": "latest"}}]}' \
		>"$d/index.json"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout"
	tar -C "$d" -cf "$2" oci-layout index.json blobs
	rm -rf "$d"
}

# oci_blob DIR: store stdin as a blob of the layout in DIR; prints its sha256.
oci_blob() {
	local h
	cat >"$1/blob.tmp"
	h=$(sha256sum "$1/blob.tmp" | cut -d' ' -f1)
	mv "$1/blob.tmp" "$1/blobs/sha256/$h"
	echo "$h"
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
