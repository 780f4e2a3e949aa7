#!/bin/bash
# cglayout.sh LAYOUT COMMAND... - run COMMAND in a private mount namespace whose
# /sys/fs/cgroup is rearranged as LAYOUT, so that nothing leaks to the host:
#   hybrid  as the host has it (v1 hierarchies plus cgroup2 at /sys/fs/cgroup/unified)
#   v1      the v1 hierarchies only (the cgroup2 mount removed)
#   v2      cgroup2 alone, mounted on /sys/fs/cgroup
#   none    no cgroup filesystem at all (an initramfs)
# Exits 77 if the host cannot provide LAYOUT. The namespace, and every mount
# made in it, goes away with COMMAND.
set -eu
if [ -z "${CGLAYOUT_INNER:-}" ]; then
	CGLAYOUT_INNER=1 exec unshare -m --propagation private "$0" "$@"
fi
layout=$1
shift

# The cgroup mounts below /sys/fs/cgroup, deepest first.
cgroup_mounts() {
	awk '$5 ~ "^/sys/fs/cgroup/" { print $5 }' /proc/self/mountinfo | sort -r
}
fstype_of() {
	awk -v m="$1" '$5 == m { for (i = 6; $i != "-"; i++); print $(i + 1) }' /proc/self/mountinfo | tail -1
}
clear_cgroupfs() {
	local m
	for m in $(cgroup_mounts); do
		umount "$m"
	done
	# the tmpfs that held them, or a cgroup2 mounted right on /sys/fs/cgroup
	while [ -n "$(fstype_of /sys/fs/cgroup)" ]; do
		umount /sys/fs/cgroup
	done
}

case $layout in
hybrid)
	[ "$(fstype_of /sys/fs/cgroup/unified)" = cgroup2 ] || exit 77
	;;
v1)
	[ "$(fstype_of /sys/fs/cgroup/unified)" = cgroup2 ] && umount /sys/fs/cgroup/unified
	grep -q ' - cgroup ' /proc/self/mountinfo || exit 77
	;;
v2)
	clear_cgroupfs
	mount -t cgroup2 none /sys/fs/cgroup
	;;
none)
	clear_cgroupfs
	;;
*)
	echo "$0: unknown layout $layout" >&2
	exit 2
	;;
esac
exec "$@"
