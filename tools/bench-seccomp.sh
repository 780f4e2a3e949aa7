#!/bin/sh
# bench-seccomp.sh GRID - the seccomp filter of a 300-rule profile (one rule
# per syscall, as container engines write them, default-deny): program length
# and instructions executed for the syscall at the end of the table (the
# highest number), for Grid's binary search and for a linear chain.
set -eu
grid=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$(dirname "$0")/.."
"$grid" spec --bundle "$dir"
# the x86_64 names of syscalls.h, 300 of them, and the highest-numbered one
# (lines "\tSC(OFFSET, X86_64, X32, ...), /* name */"; SC_NONE: not there)
awk '/^\tSC\([0-9]+, / { split($0, f, /[(,]/); nr = f[3]; gsub(/ /, "", nr)
	if (nr != "SC_NONE") print nr + 0, $(NF - 1) }' syscalls.h | head -300 >"$dir/names"
last=$(sort -n "$dir/names" | tail -1 | cut -d' ' -f2)
cut -d' ' -f2 "$dir/names" | jq -R . | jq -s '{defaultAction: "SCMP_ACT_ERRNO",
	syscalls: [.[] | {names: [.], action: "SCMP_ACT_ALLOW"}]}' >"$dir/seccomp.json"
jq --slurpfile s "$dir/seccomp.json" '.linux.seccomp = $s[0]' "$dir/config.json" >"$dir/c" && mv "$dir/c" "$dir/config.json"
for mode in search linear; do
	flag=
	[ $mode = linear ] && flag=--linear
	len=$("$grid" debug seccomp --bundle "$dir" $flag | wc -l)
	run=$("$grid" debug seccomp --bundle "$dir" $flag --syscall "$last")
	steps=$(echo "$run" | sed -n 's/.*, \([0-9]*\) instructions executed.*/\1/p')
	printf 'seccomp %-6s 300 rules: %4d instructions, %3d executed for %s (the last number)\n' "$mode" "$len" "$steps" "$last"
done
