#!/usr/bin/env bats
# Hostile configs, table-driven (issue 8, "Bad input"): each is refused by create with exactly one
# "grid: " line naming what is wrong, a non-zero status, and nothing left behind (no state
# directory, mount, process or cgroup). Ids with '/', '..', newlines or 65+ characters are in
# errors.bats; symlinked mount destinations in mounts.bats and escapes.bats.

load helpers

# refused WORDS...: create fails as described above, its error containing every WORD
refused() {
	run --separate-stderr grid create --bundle "$BUNDLE" h1
	assert_error "$@"
	assert_nothing_left h1
	[ ! -e "$GRID_ROOT/h1" ]
	for d in /sys/fs/cgroup/*"$(grid_cgroup h1)"; do
		[ ! -d "$d" ]
	done
}

@test "truncated JSON at many lengths is refused with one line" {
	cp "$BUNDLE/config.json" "$TMP/full.json"
	size=$(stat -c %s "$TMP/full.json")
	for n in 0 1 2 10 $((size / 4)) $((size / 2)) $((size - 3)) $((size - 2)); do
		head -c "$n" "$TMP/full.json" >"$BUNDLE/config.json"
		refused config.json
	done
}

@test "deeply nested JSON in a known field is refused, in an unknown one skipped" {
	deep=$(printf '[%.0s' $(seq 20000); printf ']%.0s' $(seq 20000))
	jq --argjson d "$deep" '.process.args = $d' "$BUNDLE/config.json" >"$TMP/c" 2>/dev/null ||
		printf '%s' "$(jq -c . "$BUNDLE/config.json" | sed "s/\"args\":\[[^]]*\]/\"args\":$deep/")" >"$TMP/c"
	mv "$TMP/c" "$BUNDLE/config.json"
	refused process.args
}

@test "a 10 MB config works; one over 16 MB is refused" {
	set_args true
	head -c 7500000 /dev/zero | base64 -w0 >"$TMP/big"
	jq --rawfile b "$TMP/big" '.annotations.big = $b' "$BUNDLE/config.json" >"$TMP/c" && mv "$TMP/c" "$BUNDLE/config.json"
	[ "$(stat -c %s "$BUNDLE/config.json")" -gt 10000000 ]
	run grid run --bundle "$BUNDLE" h1
	[ "$status" -eq 0 ]
	head -c 13000000 /dev/zero | base64 -w0 >"$TMP/big"
	jq --rawfile b "$TMP/big" '.annotations.big = $b' "$BUNDLE/config.json" >"$TMP/c" && mv "$TMP/c" "$BUNDLE/config.json"
	refused config.json
}

@test "huge numbers, negative ids, NUL escapes and wrong enum values are refused" {
	cp "$BUNDLE/config.json" "$TMP/orig.json"
	while IFS='|' read -r filter words; do
		[ -n "$filter" ] || continue
		jq "$filter" "$TMP/orig.json" >"$BUNDLE/config.json"
		echo "case: $filter" >&2
		refused $words
	done <<'CASES'
.process.user.uid = 99999999999999999999|process.user.uid
.process.user.uid = 4294967296|process.user.uid
.process.user.uid = -1|process.user.uid
.process.user.gid = -5|process.user.gid
.process.user.uid = 1.5|process.user.uid
.process.user.uid = 1e30|process.user.uid
.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": -1, "hard": 10}]|rlimits
.process.oomScoreAdj = 100000000000|oomScoreAdj
.linux.resources.memory.limit = 1e400|memory.limit
.process.args = ["sh\u0000-c"]|process.args
.process.env = ["A=b\u0000c"]|process.env
.process.cwd = "/\u0000x"|process.cwd
.hostname = "a\u0000b"|hostname
.mounts[0].destination = "/proc\u0000x"|mounts
.linux.namespaces += [{"type": "nope"}]|namespaces
.process.capabilities.bounding = ["CAP_NOPE"]|CAP_NOPE
.linux.devices = [{"path": "/dev/../etc/x", "type": "c", "major": 1, "minor": 3}]|linux.devices
.linux.devices = [{"path": "dev/x", "type": "c", "major": 1, "minor": 3}]|linux.devices
.linux.devices = [{"path": "/dev/x", "type": "c", "major": -1, "minor": 3}]|linux.devices
.root.path = ""|root.path
CASES
}

@test "duplicate keys are refused, wherever they are" {
	cp "$BUNDLE/config.json" "$TMP/orig.json"
	for at in '' process process.user linux annotations; do
		# the first key of that object, written twice
		jq -c . "$TMP/orig.json" | python3 -c '
import json, sys
at = sys.argv[1]
cfg = json.load(sys.stdin)
obj = cfg
for p in filter(None, at.split(".")):
    obj = obj.setdefault(p, {})
obj.setdefault("dupkey", "x")
text = json.dumps(cfg)
# duplicate "dupkey" inside that object by text substitution
print(text.replace("\"dupkey\": \"x\"", "\"dupkey\": \"x\", \"dupkey\": \"y\"", 1))
' "$at" >"$BUNDLE/config.json"
		refused "duplicate key" dupkey
	done
}

@test "a wrong type for every field of the config is refused, naming it" {
	cp "$BUNDLE/config.json" "$TMP/orig.json"
	# every path to a leaf or container, with a value of another JSON type
	jq -c 'paths | select(length > 0)' "$TMP/orig.json" >"$TMP/paths"
	n=0
	while read -r p; do
		for wrong in '{"wrong": 1}' '"wrong"' 12345 true '[1]'; do
			jq --argjson p "$p" --argjson w "$wrong" '
				(getpath($p) | type) as $t | if ($w | type) == $t then empty
				elif ($t == "number" and ($w | type) == "boolean") then empty
				else setpath($p; $w) end' "$TMP/orig.json" >"$BUNDLE/config.json"
			[ -s "$BUNDLE/config.json" ] || continue
			run --separate-stderr grid create --bundle "$BUNDLE" h1
			if [ "$status" -eq 0 ]; then
				echo "accepted: $p = $wrong" >&2
				grid delete --force h1
				false
			fi
			assert_error
			[ ! -e "$GRID_ROOT/h1" ]
			n=$((n + 1))
			break
		done
	done <"$TMP/paths"
	echo "$n fields checked" >&2
	[ "$n" -ge 30 ]
	assert_nothing_left h1
}

@test "mount destinations with .. stay inside the rootfs" {
	set_args sh -c 'grep -q " /x " /proc/self/mountinfo && grep -q " /y/z " /proc/self/mountinfo'
	update_config '.mounts += [{"destination": "/../../../../x", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/y/../../y/./z", "type": "tmpfs", "source": "tmpfs"}]'
	grid run --bundle "$BUNDLE" h1
	[ ! -e /x ] || [ "$(stat -c %i /x)" != "$(stat -c %i "$GRID_ROOT" 2>/dev/null)" ]
	assert_nothing_left h1
}

@test "a rootfs that is a file is refused" {
	rm -rf "$BUNDLE/rootfs"
	echo not-a-dir >"$BUNDLE/rootfs"
	refused root.path "not a directory"
}

@test "a bundle that is a file, or a symlink to nowhere, is refused" {
	echo x >"$TMP/file"
	run --separate-stderr grid create --bundle "$TMP/file" h1
	assert_error "not a directory"
	ln -s "$TMP/nowhere" "$TMP/dangling"
	run --separate-stderr grid create --bundle "$TMP/dangling" h1
	assert_error "no such file or directory"
	assert_nothing_left h1
}

@test "a bundle that is a symlink is resolved once: state records the real directory" {
	set_args sleep 100
	ln -s "$BUNDLE" "$TMP/link"
	grid create --bundle "$TMP/link" h1
	[ "$(state_field h1 bundle)" = "$(readlink -f "$BUNDLE")" ]
	# repointing the link later changes nothing for the container
	rm "$TMP/link"
	ln -s /nonexistent "$TMP/link"
	grid start h1
	wait_status h1 running
}
