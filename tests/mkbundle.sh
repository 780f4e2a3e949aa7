#!/bin/sh
# mkbundle.sh DIR [ARGS...] - build an OCI bundle in DIR from Debian's busybox-static:
# DIR/rootfs (busybox and its applets, a minimal /etc) and DIR/config.json
# (process.args = ARGS, default "sh"). Needs only /bin/busybox (apt-get install busybox-static).
set -eu

usage() { echo "usage: $0 DIR [ARGS...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
dir=$1
shift
[ -n "$dir" ] || usage

busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found: apt-get install busybox-static" >&2
	exit 1
fi
rootfs=$dir/rootfs
# GRID_BUNDLE_CACHE=DIR (tests/run sets it): the rootfs is built once per busybox into DIR and
# copied from there; making the applet links one by one is most of a test's set-up time.
cache=
[ -n "${GRID_BUNDLE_CACHE:-}" ] && cache=$GRID_BUNDLE_CACHE/$(printf '%s' "$busybox" | tr / _)

build_rootfs() {
	if ! "$busybox" --list >/dev/null 2>&1; then
		echo "$0: $busybox does not list its applets" >&2
		exit 1
	fi
	# A dynamically linked busybox would not run inside the container.
	if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -qE 'statically linked|static-pie linked'; then
		echo "$0: $busybox is not statically linked: apt-get install busybox-static" >&2
		exit 1
	fi

	mkdir -p "$rootfs"
	for d in bin sbin usr usr/bin usr/sbin proc sys dev tmp etc root home run var var/tmp; do
		mkdir -p "$rootfs/$d"
	done
	chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
	chmod 0700 "$rootfs/root"

	cp "$busybox" "$rootfs/bin/busybox"
	chmod 0755 "$rootfs/bin/busybox"
	# Every applet as a relative symlink in /bin (PATH also lists /sbin and /usr/*, which stay empty).
	for applet in $("$busybox" --list); do
		case $applet in
		busybox | */* | '') continue ;;
		esac
		[ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
	done
	# The tests rely on these; fail loudly if this busybox lacks one.
	for applet in sh echo cat hostname id env pwd sleep true false ls mount ps touch grep stat readlink; do
		if [ ! -e "$rootfs/bin/$applet" ]; then
			echo "$0: busybox has no applet $applet" >&2
			exit 1
		fi
	done
}

if [ -n "$cache" ] && [ -d "$cache/rootfs" ]; then
	mkdir -p "$rootfs"
	cp -a "$cache/rootfs/." "$rootfs/"
else
	build_rootfs
	if [ -n "$cache" ]; then
		# published whole or not at all: a concurrent mkbundle may be doing the same
		mkdir -p "$GRID_BUNDLE_CACHE"
		tmp=$(mktemp -d "$cache.XXXXXX")
		cp -a "$rootfs" "$tmp/rootfs"
		mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
	fi
fi

cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
nobody:x:65534:65534:nobody:/:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
tty:x:5:
nogroup:x:65534:
GROUP
echo grid >"$rootfs/etc/hostname"
: >"$rootfs/etc/hosts"
: >"$rootfs/etc/resolv.conf"

# JSON string: escape backslash and double quote, then control characters we may meet.
json_str() {
	printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' | awk '
		NR > 1 { printf "\\n" }
		{ printf "%s", $0 }' | {
		printf '"'
		cat
		printf '"'
	}
}

if [ $# -eq 0 ]; then
	set -- sh
fi
args=
for a in "$@"; do
	args="$args${args:+, }$(json_str "$a")"
done

cat >"$dir/config.json" <<JSON
{
	"ociVersion": "1.3.0",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ $args ],
		"env": [
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm"
		],
		"cwd": "/"
	},
	"root": { "path": "rootfs", "readonly": false },
	"hostname": "grid",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		{ "destination": "/dev/pts", "type": "devpts", "source": "devpts",
		  "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
		{ "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
		  "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
		{ "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
		  "options": [ "nosuid", "noexec", "nodev" ] },
		{ "destination": "/sys", "type": "sysfs", "source": "sysfs",
		  "options": [ "nosuid", "noexec", "nodev", "ro" ] }
	],
	"linux": {
		"namespaces": [
			{ "type": "pid" },
			{ "type": "network" },
			{ "type": "ipc" },
			{ "type": "uts" },
			{ "type": "mount" }
		]
	}
}
JSON
