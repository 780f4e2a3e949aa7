# helpers.bash - loaded by every tests/*.bats file.
#
# Each test gets a private directory $TMP (mktemp -d /tmp/grid-t.XXXXXX) holding the state root
# ($GRID_ROOT, exported) and a busybox bundle ($BUNDLE). teardown always force-deletes every
# container it finds, then fails the test if anything is left: a mount or a process that mentions
# $TMP, or an entry in $GRID_ROOT. Nothing outside $TMP is ever touched.

bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
GRID_BIN=${GRID_BIN:-$REPO/grid}
# No grid command may hang the suite; generous, and never used to assert timing.
GRID_TIMEOUT=${GRID_TIMEOUT:-120}

grid() {
	if ! spawns_detached "$@"; then
		timeout -k 5 "$GRID_TIMEOUT" "$GRID_BIN" "$@"
		return
	fi
	# A container that outlives this command keeps its stdio, which are the runtime's: if those
	# were the pipe of bats' `run` or of $(...), the caller would wait for the container to exit.
	# So give create, run --detach and exec --detach files of their own, and show what grid itself printed.
	local out rc=0
	out=$(mktemp -p "$TMP" stdio.XXXXXX)
	timeout -k 5 "$GRID_TIMEOUT" "$GRID_BIN" "$@" </dev/null >"$out.out" 2>"$out.err" || rc=$?
	cat "$out.out"
	cat "$out.err" >&2
	return $rc
}

# spawns_detached ARGS...: is this `grid create`, `grid run --detach` or `grid exec --detach`?
spawns_detached() {
	local -a a=("$@")
	local i=0 cmd=
	while [ $i -lt ${#a[@]} ]; do
		case ${a[i]} in
		--root | --log | --log-format) i=$((i + 2)) ;;
		-*) i=$((i + 1)) ;;
		*)
			cmd=${a[i]}
			break
			;;
		esac
	done
	case $cmd in
	create) return 0 ;;
	run | exec)
		for ((; i < ${#a[@]}; i++)); do
			case ${a[i]} in -d | --detach) return 0 ;; esac
		done
		;;
	esac
	return 1
}

setup() {
	[ -x "$GRID_BIN" ] || {
		echo "$GRID_BIN is missing: run make" >&2
		return 1
	}
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	TMP=$(mktemp -d /tmp/grid-t.XXXXXX)
	export GRID_ROOT=$TMP/root
	BUNDLE=$TMP/bundle
	EXTRA_ROOTS=()
	"$REPO/tests/mkbundle.sh" "$BUNDLE" sh
	# A marker in the container's environment lets teardown find container processes, whose
	# cmdline and cwd do not mention $TMP.
	update_config '.process.env += ["GRID_TEST_TMP=" + $tmp]'
}

teardown() {
	[ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
	cd /
	local root id problems=0
	for root in "$GRID_ROOT" "${EXTRA_ROOTS[@]}"; do
		[ -d "$root" ] || continue
		for id in $(ls -A "$root"); do
			timeout -k 5 60 "$GRID_BIN" --root "$root" delete --force "$id" >/dev/null 2>&1 ||
				echo "teardown: delete --force $id failed" >&2
		done
	done
	export -n GRID_ROOT # so that the scan below does not find its own commands

	local mounts procs i
	for i in $(seq 50); do
		mounts=$(leftover_mounts)
		procs=$(leftover_pids)
		[ -z "$mounts$procs" ] && break
		sleep 0.1
	done
	if [ -n "$mounts" ]; then
		echo "teardown: mounts left behind:" >&2
		echo "$mounts" >&2
		problems=1
	fi
	if [ -n "$procs" ]; then
		echo "teardown: processes left behind:" >&2
		local p
		for p in $procs; do
			echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
		done
		problems=1
	fi
	# the default cgroups of this test's roots: /grid/r-<hash of the root>
	for root in "$GRID_ROOT" "${EXTRA_ROOTS[@]}"; do
		local cg
		for cg in /sys/fs/cgroup/*/grid/"$(root_key "$root")"; do
			[ -d "$cg" ] || continue
			for i in $(seq 20); do
				[ -z "$(find "$cg" -mindepth 1 -type d 2>/dev/null)" ] && break
				sleep 0.1
			done
			if [ -n "$(find "$cg" -mindepth 1 -type d 2>/dev/null)" ]; then
				echo "teardown: cgroup left behind: $cg/$(ls "$cg" | grep -v '\.' | head -3 | tr '\n' ' ')" >&2
				find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
				problems=1
			fi
			rmdir "$cg" 2>/dev/null
		done
	done
	for root in "$GRID_ROOT" "${EXTRA_ROOTS[@]}"; do
		if [ -d "$root" ] && [ -n "$(ls -A "$root")" ]; then
			echo "teardown: $root not empty:" $(ls -A "$root") >&2
			problems=1
		fi
	done

	# Clean up what a failing test left, so that the next tests start clean.
	if [ -n "$procs" ]; then
		kill -9 $procs 2>/dev/null
		sleep 0.2
	fi
	local mp
	for mp in $(leftover_mounts | awk '{ print $5 }' | sort -r); do
		umount -l "$mp" 2>/dev/null
	done
	rm -rf --one-file-system "$TMP"
	return $problems
}

# Lines of the host's mountinfo that mention $TMP.
leftover_mounts() {
	grep -F -- "$TMP" /proc/self/mountinfo || true
}

# Pids (other than this shell) whose cmdline, environment, cwd or root mention $TMP. The pattern
# comes from a file descriptor so that grep's own command line does not match.
leftover_pids() {
	local pids p
	pids=$(
		{
			grep -lsF -f <(printf '%s\n' "$TMP") /proc/[0-9]*/cmdline /proc/[0-9]*/environ
			find /proc/[0-9]*/cwd /proc/[0-9]*/root -maxdepth 0 -lname "$TMP*" 2>/dev/null
		} | cut -d/ -f3 | sort -un
	)
	for p in $pids; do
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
		[ -e "/proc/$p" ] || continue
		# zombies have no environment left; ignore them (their parent will reap them)
		[ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] && continue
		echo "$p"
	done
}

# Assert that container $1 left nothing: no state dir, no mount, no process.
assert_nothing_left() {
	local id=$1
	if [ -n "$id" ] && [ -e "$GRID_ROOT/$id" ]; then
		echo "$GRID_ROOT/$id still exists" >&2
		return 1
	fi
	local mounts procs i
	for i in $(seq 50); do
		mounts=$(leftover_mounts)
		procs=$(GRID_ROOT= leftover_pids)
		[ -z "$mounts$procs" ] && return 0
		sleep 0.1
	done
	[ -z "$mounts" ] || echo "mounts left: $mounts" >&2
	[ -z "$procs" ] || echo "processes left: $procs" >&2
	return 1
}

# Register another state root that teardown must clean and check.
extra_root() {
	EXTRA_ROOTS+=("$1")
}

# update_config FILTER [BUNDLE]: rewrite config.json with a jq filter ($tmp is bound to $TMP).
update_config() {
	local cfg=${2:-$BUNDLE}/config.json
	jq --arg tmp "$TMP" "$1" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# json_args ARGS...: the arguments as a JSON array of strings (jq 1.6's --args would take an
# argument like -c as its own option).
json_args() {
	jq -n -c --rawfile a <(printf '%s\0' "$@") '$a | split("\u0000") | .[:-1]'
}

# set_args ARGS...: process.args of $BUNDLE.
set_args() {
	local cfg=$BUNDLE/config.json
	jq --argjson args "$(json_args "$@")" '.process.args = $args' "$cfg" >"$cfg.new" &&
		mv "$cfg.new" "$cfg"
}

# set_annotation KEY VALUE
set_annotation() {
	local cfg=$BUNDLE/config.json
	jq --arg k "$1" --arg v "$2" '.annotations[$k] = $v' "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# state_field ID FIELD: one field of `grid state ID`.
state_field() {
	grid state "$1" | jq -r ".$2"
}

container_pid() {
	state_field "$1" pid
}

# wait_status ID STATUS: poll `grid state` for up to ~5 s.
wait_status() {
	local i s
	for i in $(seq 50); do
		s=$(state_field "$1" status 2>/dev/null) || s=
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 is \"$s\", expected \"$2\"" >&2
	return 1
}

# wait_file PATH: poll for up to ~5 s.
wait_file() {
	local i
	for i in $(seq 50); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 did not appear" >&2
	return 1
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	[ -e "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# wait_gone PID: poll for up to ~5 s.
wait_gone() {
	local i
	for i in $(seq 50); do
		pid_alive "$1" || return 0
		sleep 0.1
	done
	echo "process $1 still alive" >&2
	return 1
}

# assert_error TEXT...: after `run --separate-stderr`, the command failed and printed exactly one
# line on stderr, starting with "grid: " and containing every TEXT.
assert_error() {
	if [ "$status" -eq 0 ]; then
		echo "expected failure, got status 0; stderr: $stderr" >&2
		return 1
	fi
	if [ "${#stderr_lines[@]}" -ne 1 ]; then
		echo "expected one line on stderr, got ${#stderr_lines[@]}:" >&2
		printf '%s\n' "$stderr" >&2
		return 1
	fi
	if [[ "$stderr" != "grid: "* ]]; then
		echo "stderr does not start with 'grid: ': $stderr" >&2
		return 1
	fi
	local t
	for t in "$@"; do
		if [[ "$stderr" != *"$t"* ]]; then
			echo "stderr lacks \"$t\": $stderr" >&2
			return 1
		fi
	done
}

# root_key ROOT: r- and the 32-bit FNV-1a hash of ROOT in hex, as grid computes it for the
# default cgroup of a container of a --root other than /run/grid
root_key() {
	local h=2166136261 c i s=$1
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
	done
	printf 'r-%08x' "$h"
}

# grid_cgroup ID: the default cgroup path of container ID of $GRID_ROOT
grid_cgroup() {
	echo "/grid/$(root_key "$GRID_ROOT")/$1"
}
