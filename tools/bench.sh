#!/bin/bash
# bench.sh [--quick] [--grid PATH] [--out DIR] - Grid side by side with crun and
# runc (and a floor: tools/bench-floor.c) on one busybox bundle. Each iteration
# runs every runtime in rotating order, so machine noise hits all of them alike.
# Prints medians, p90 and ratios to crun; writes DIR/results.csv (one row per
# figure, config variant and runtime) and DIR/summary.txt. Asserts no time.
#
# Runtimes:  grid         Grid, default write layer (overlay over the rootfs: part of what it costs)
#            grid-nolayer Grid with annotation org.grid.layer=none (rootfs used as is, like crun/runc)
#            crun, runc   Debian's, installed here if missing
#            floor        clone(namespaces) + pivot_root + exec /bin/true, nothing else
# Variants:  net    the namespaces of `runc spec` (pid, network, ipc, uts, mount)
#            nonet  the same without the network namespace
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
GRID=$here/grid
OUT=$here/build/bench
args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--grid) GRID=$2; shift ;;
	--out) OUT=$2; shift ;;
	*) echo "usage: $0 [--quick] [--grid PATH] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done
GRID=$(readlink -f "$GRID")
mkdir -p "$OUT"
OUT=$(readlink -f "$OUT")

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

if [ -z "${GRID_BENCH_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || die "needs root"
	[ -x "$GRID" ] || die "$GRID not found: make grid"
	need=()
	command -v runc >/dev/null || need+=(runc)
	command -v crun >/dev/null || need+=(crun)
	command -v jq >/dev/null || need+=(jq)
	command -v strace >/dev/null || need+=(strace)
	command -v musl-gcc >/dev/null || need+=(musl-tools)
	[ -x /usr/bin/time ] || need+=(time)
	[ -x /bin/busybox ] || need+=(busybox-static)
	if [ ${#need[@]} -gt 0 ]; then
		say "bench: installing ${need[*]}"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
			die "apt-get install ${need[*]} failed"
	fi
	musl-gcc -static -Os -Wall -Wextra -Werror -s -o "$OUT/floor" "$here/tools/bench-floor.c" || die "cannot build the floor"
	musl-gcc -static -Os -Wall -Wextra -Werror -s -o "$OUT/icount" "$here/tools/bench-icount.c" || die "cannot build bench-icount"
	musl-gcc -static -Os -Wall -Wextra -Werror -s -o "$OUT/maxrss" "$here/tools/bench-maxrss.c" || die "cannot build bench-maxrss"
	# Everything runs in a private mount namespace: the cgroup change below
	# and every mount die with it.
	GRID_BENCH_INNER=1 exec unshare -m --propagation private "$BASH" "$0" "${args[@]}"
fi

# ---- inside the private mount namespace ------------------------------------
exec 3>&2
FLOOR=$OUT/floor
ICOUNT=$OUT/icount
MAXRSS=$OUT/maxrss
if [ $QUICK = 1 ]; then
	N_RUN=8 N_SPLIT=5 N_BATCH=20 N_RSS=3 N_GROW=3 LEVELS="0 10 50" N_ENV=1000 N_TMPFS=200 N_CFG=4
else
	N_RUN=30 N_SPLIT=15 N_BATCH=100 N_RSS=5 N_GROW=5 LEVELS="0 50 200 1000" N_ENV=1000 N_TMPFS=200 N_CFG=10
fi
VARIANTS="net nonet"
RTS=(grid grid-nolayer crun runc floor)
PEERS=(grid grid-nolayer crun runc)

cgnote=
if mountpoint -q /sys/fs/cgroup/unified && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers)" ]; then
	cgnote="host is cgroup hybrid with controller(s) '$(cat /sys/fs/cgroup/unified/cgroup.controllers)' on the v2 hierarchy, which crun refuses; all runtimes ran in a private mount namespace where /sys/fs/cgroup/unified is unmounted (cgroup v1 layout for all)"
	umount /sys/fs/cgroup/unified || die "cannot unmount /sys/fs/cgroup/unified in the private namespace"
elif mountpoint -q /sys/fs/cgroup/unified; then
	cgnote="host is cgroup hybrid with an empty v2 hierarchy; all runtimes ran in a private mount namespace (layout unchanged)"
else
	cgnote="cgroup layout of the host, unchanged; all runtimes ran in a private mount namespace"
fi
say "bench: $cgnote"

W=$(mktemp -d /var/tmp/grid-bench.XXXXXX)
# State roots: $W/root on the disk (/var/tmp) for every figure but run-tmpfsroot,
# whose roots are on a tmpfs (what /run is on a board), mounted in this namespace only
ROOTS=$W/root
PFX=gb$$x
RAW=$W/raw
: >"$RAW"
: >"$W/cgparents"

cleanup() {
	trap - EXIT INT TERM
	kill "$WATCHDOG" 2>/dev/null
	local rt d
	for ROOTS in "$W/root" "$W/tmproot"; do
		for rt in "${PEERS[@]}"; do
			[ -d "$ROOTS/$rt" ] || continue
			for d in "$ROOTS/$rt"/*/; do
				[ -d "$d" ] || continue
				R "$rt" delete --force "$(basename "$d")" >/dev/null 2>&1
			done
		done
	done
	# cgroups of our containers (removed by delete; this catches leftovers), then the
	# per-root parents Grid made (only if empty: rmdir refuses otherwise).
	find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -depth -type d -name "$PFX*" -exec rmdir {} + 2>/dev/null
	sort -u "$W/cgparents" | while read -r d; do rmdir "$d" 2>/dev/null; done
	umount "$W/tmproot" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/tmproot" && mount -t tmpfs -o mode=0700 bench "$W/tmproot" || die "cannot mount a tmpfs for the state roots"

# Watchdog: a runtime command of ours alive for more than 30 s is hung (Grid's
# `run` has been seen to sleep in poll on its signalfd next to its exited,
# unreaped child); kill it by pid and report it, so the bench goes on. Only a
# command the bench itself started counts: the init of a created container
# (reparented, ppid 1) keeps its runtime's command line and lives on by design,
# and a command under bench-icount is single-stepped, slow by design.
# What a hung command was waiting for, before it is killed: its state, the
# kernel function it sleeps in and its kernel stack, and its children's states
# (a "Z" child is an exit nobody reaped).
hung_report() {
	local pid=$1 c
	echo "$2"
	echo "  state $(awk '$1 == "State:" { print $2 }' "/proc/$pid/status"), wchan $(cat "/proc/$pid/wchan")"
	for c in $(cat /proc/"$pid"/task/*/children); do
		echo "  child $c: $(awk '$1 == "State:" { print $2 }' "/proc/$c/status") $(tr '\0' ' ' <"/proc/$c/cmdline" | cut -c1-80)"
	done
	sed 's/^/  /' "/proc/$pid/stack"
}
(
	while sleep 5; do
		ps -eo pid=,ppid=,etimes=,args= | awk -v w="$W/" -v ic="$ICOUNT" '
			{ pid[NR] = $1; ppid[NR] = $2; line[NR] = $0; if ($4 == ic) stepped[$1] = 1 }
			END { for (i = 1; i <= NR; i++) { split(line[i], f, " ")
				if (f[3] > 30 && ppid[i] != 1 && !(pid[i] in stepped) && !(ppid[i] in stepped) &&
				    index(line[i], w) && f[4] !~ /bash|xargs/) { sub(/^ *[0-9]+ +/, "", line[i]); print pid[i], line[i] } } }' |
			while read -r pid _ et cmd; do
				hung_report "$pid" "$cmd" >"$W/hung.one" 2>/dev/null
				kill -KILL "$pid" 2>/dev/null && cat "$W/hung.one" >>"$W/hung"
			done
	done
) &
WATCHDOG=$!
trap 'exit 130' INT TERM

R() {
	local rt=$1
	shift
	case $rt in
	grid | grid-nolayer) "$GRID" --root "$ROOTS/$rt" "$@" ;;
	crun) crun --root "$ROOTS/crun" "$@" ;;
	runc) runc --root "$ROOTS/runc" "$@" ;;
	esac
}
bin_of() { case $1 in grid | grid-nolayer) echo "$GRID" ;; floor) echo "$FLOOR" ;; *) command -v "$1" ;; esac; }

# ---- bundles ------------------------------------------------------------------
# One rootfs (tests/mkbundle.sh), configs from `runc spec` with terminal false and
# args /bin/true; root.path is made absolute so every bundle shares the rootfs
# (runc refuses a symlinked rootfs).
"$here/tests/mkbundle.sh" "$W/base" true >/dev/null || die "mkbundle failed"
ROOTFS=$W/base/rootfs
(cd "$W/base" && rm -f config.json && runc spec) || die "runc spec failed"
mkb() { # NAME JQ-FILTER: bundle $W/b/NAME from the runc spec config
	mkdir -p "$W/b/$1"
	jq --arg r "$ROOTFS" ".process.terminal = false | .process.args = [\"/bin/true\"] | .root.path = \$r | $2" \
		"$W/base/config.json" >"$W/b/$1/config.json" || die "jq for bundle $1"
}
nonet='.linux.namespaces |= map(select(.type != "network"))'
nolayer='.annotations = {"org.grid.layer": "none"}'
for v in net nonet; do
	f=.
	[ $v = nonet ] && f=$nonet
	mkb "$v" "$f"
	mkb "$v-none" "$f | $nolayer"
	mkb "$v-sleep" "$f | .process.args = [\"/bin/sleep\", \"3600\"]"
	mkb "$v-sleep-none" "$f | .process.args = [\"/bin/sleep\", \"3600\"] | $nolayer"
	envf=".process.env += [range($N_ENV) | \"BENCH_VAR_\\(.)=value_\\(.)\"]"
	tmpf=".mounts += [range($N_TMPFS) | {destination: \"/dev/t\\(.)\", type: \"tmpfs\", source: \"tmpfs\", options: [\"nosuid\", \"size=64k\"]}]"
	mkb "$v-env" "$f | $envf"
	mkb "$v-env-none" "$f | $envf | $nolayer"
	mkb "$v-tmpfs" "$f | $tmpf"
	mkb "$v-tmpfs-none" "$f | $tmpf | $nolayer"
done
bundle() { # RT VARIANT [KIND]
	local b=$2${3:+-$3}
	[ "$1" = grid-nolayer ] && b=$b-none
	echo "$W/b/$b"
}

# ---- helpers ------------------------------------------------------------------
seq_id=0
newid() { seq_id=$((seq_id + 1)); ID=$PFX$seq_id; }
now() { T=${EPOCHREALTIME/./}; } # microseconds, no fork
rec() { echo "$1,$2,$3,$4,$5" >>"$RAW"; } # figure,variant,runtime,value,unit
fail() { echo "$1,$2,$3" >>"$W/failures"; }
rotate() { # I LIST...: LIST rotated by I
	local i=$1
	shift
	local a=("$@") n=$# k
	for ((k = 0; k < n; k++)); do echo "${a[(i + k) % n]}"; done
}
run1() { # RT VARIANT [KIND]: one foreground run, quiet
	if [ "$1" = floor ]; then
		if [ "$2" = nonet ]; then "$FLOOR" "$ROOTFS" --no-net; else "$FLOOR" "$ROOTFS"; fi
	else
		newid
		R "$1" run --bundle "$(bundle "$1" "$2" "${3:-}")" "$ID"
	fi </dev/null >/dev/null 2>>"$W/stderr"
}
note_cg() { # PID: remember the parents of its cgroups, for cleanup
	local p
	for p in $(cut -d: -f3 "/proc/$1/cgroup" 2>/dev/null); do
		[ "$p" = / ] && continue
		for d in /sys/fs/cgroup/*"$(dirname "$p")"; do [ -d "$d" ] && echo "$d"; done
	done >>"$W/cgparents"
}
del() { # RT ID: delete, retrying while the killed init is not yet reaped
	local k
	for ((k = 0; k < 500; k++)); do
		R "$1" delete "$2" >/dev/null 2>&1 && return 0
	done
	R "$1" delete --force "$2" >/dev/null 2>&1
}
section() { say "bench: $*"; }

# ---- 1. run of /bin/true --------------------------------------------------------
for v in $VARIANTS; do
	section "run /bin/true x$N_RUN ($v)"
	for ((i = 0; i < N_RUN; i++)); do
		for rt in $(rotate $i "${RTS[@]}"); do
			now; t0=$T
			run1 "$rt" "$v" || fail run "$v" "$rt"
			now; rec run "$v" "$rt" $((T - t0)) us
		done
	done
done
# the same with every runtime's state root on a tmpfs
section "run /bin/true x$N_RUN, state roots on tmpfs (net)"
ROOTS=$W/tmproot
for ((i = 0; i < N_RUN; i++)); do
	for rt in $(rotate $i "${RTS[@]}"); do
		now; t0=$T
		run1 "$rt" net || fail run-tmpfsroot net "$rt"
		now; rec run-tmpfsroot net "$rt" $((T - t0)) us
	done
done
ROOTS=$W/root

# ---- 2. split lifecycle -----------------------------------------------------------
# A sleep container, so that start leaves it running and kill has work to do.
for v in $VARIANTS; do
	section "create/start/state/kill/delete x$N_SPLIT ($v)"
	for ((i = 0; i < N_SPLIT; i++)); do
		for rt in $(rotate $i "${PEERS[@]}"); do
			newid
			b=$(bundle "$rt" "$v" sleep)
			now; t0=$T
			R "$rt" create --bundle "$b" "$ID" </dev/null >/dev/null 2>>"$W/stderr" || fail create "$v" "$rt"
			now; t1=$T
			R "$rt" start "$ID" >/dev/null 2>>"$W/stderr" || fail start "$v" "$rt"
			now; t2=$T
			R "$rt" state "$ID" >/dev/null 2>>"$W/stderr" || fail state "$v" "$rt"
			now; t3=$T
			R "$rt" kill "$ID" KILL >/dev/null 2>>"$W/stderr" || fail kill "$v" "$rt"
			now; t4=$T
			del "$rt" "$ID" || fail delete "$v" "$rt"
			now; t5=$T
			rec create "$v" "$rt" $((t1 - t0)) us
			rec start "$v" "$rt" $((t2 - t1)) us
			rec state "$v" "$rt" $((t3 - t2)) us
			rec kill "$v" "$rt" $((t4 - t3)) us
			rec delete "$v" "$rt" $((t5 - t4)) us
			rec create+start+kill+delete "$v" "$rt" $((t5 - t0 - (t3 - t2))) us
		done
	done
done

# ---- 3. N_BATCH containers, sequential and with 2 and 8 workers -----------------------
worker() { # RT VARIANT COUNT WORKER
	local k
	for ((k = 0; k < $3; k++)); do
		if [ "$1" = floor ]; then run1 floor "$2"; else
			R "$1" run --bundle "$(bundle "$1" "$2")" "${PFX}w$1-$4-$k-$RANDOM" </dev/null >/dev/null 2>>"$W/stderr"
		fi || echo x >>"$W/batchfail"
	done
}
for v in $VARIANTS; do
	for p in 1 2 8; do
		section "$N_BATCH containers, $p worker(s) ($v)"
		for rt in $(rotate $p "${RTS[@]}"); do
			: >"$W/batchfail"
			now; t0=$T
			wpids=()
			for ((w = 0; w < p; w++)); do
				worker "$rt" "$v" $(((N_BATCH + w) / p)) "$w" &
				wpids+=($!)
			done
			wait "${wpids[@]}"
			now
			name=batch$N_BATCH-seq
			[ $p -gt 1 ] && name=batch$N_BATCH-par$p
			rec "$name" "$v" "$rt" $((T - t0)) us
			[ -s "$W/batchfail" ] && fail "$name($(wc -l <"$W/batchfail"))" "$v" "$rt"
		done
	done
done

# ---- 4. memory: peak RSS of run; what a created container leaves running -----------
for v in $VARIANTS; do
	section "peak RSS of run x$N_RSS, leftover of create ($v)"
	for ((i = 0; i < N_RSS; i++)); do
		for rt in $(rotate $i "${RTS[@]}"); do
			if [ "$rt" = floor ]; then
				set -- "$FLOOR" "$ROOTFS"
				[ "$v" = nonet ] && set -- "$@" --no-net
			else
				newid
				set -- "$(bin_of "$rt")" --root "$W/root/$rt" run --bundle "$(bundle "$rt" "$v")" "$ID"
			fi
			/usr/bin/time -f %M -o "$W/maxrss" "$@" </dev/null >/dev/null 2>>"$W/stderr" || fail peak-rss "$v" "$rt"
			rec peak-rss "$v" "$rt" "$(tail -1 "$W/maxrss")" KB
		done
		for rt in $(rotate $i "${PEERS[@]}"); do
			newid
			# the runtime alone (run's figure includes the container's program):
			# create under a static launcher whose own RSS is ~100 KB
			"$MAXRSS" "$(bin_of "$rt")" --root "$W/root/$rt" create --bundle "$(bundle "$rt" "$v")" "$ID" \
				</dev/null >/dev/null 2>"$W/maxrss" || { fail leftover "$v" "$rt"; continue; }
			rec peak-rss-create "$v" "$rt" "$(tail -1 "$W/maxrss")" KB
			pid=$(R "$rt" state "$ID" | jq -r .pid)
			note_cg "$pid"
			# the init and all its descendants
			pids=$pid
			todo=$pid
			while [ -n "$todo" ]; do
				kids=$(for q in $todo; do cat /proc/$q/task/*/children 2>/dev/null; done)
				pids="$pids $kids"
				todo=$kids
			done
			rss=0 pss=0 nproc=0
			for q in $pids; do
				[ -r /proc/$q/smaps_rollup ] || continue
				nproc=$((nproc + 1))
				read -r a b < <(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {print r + 0, p + 0}' /proc/$q/smaps_rollup)
				rss=$((rss + a)) pss=$((pss + b))
			done
			rec leftover-rss "$v" "$rt" $rss KB
			rec leftover-pss "$v" "$rt" $pss KB
			rec leftover-procs "$v" "$rt" $nproc n
			R "$rt" delete --force "$ID" >/dev/null 2>&1
		done
	done
done

# ---- 5. sizes -------------------------------------------------------------------------
for rt in grid crun runc floor; do
	b=$(bin_of $rt)
	rec binary-size - "$rt" "$(stat -L -c %s "$b")" B
	n=$(ldd "$b" 2>/dev/null | grep -c '=>')
	rec shared-libs - "$rt" "$n" n
done

# ---- 6. user-space instructions (single-stepped) -----------------------------------------
# tools/bench-icount.c single-steps the runtime and every process it forks with
# ptrace, until a process execs inside another mount namespace (the container's
# program). This VM has no hardware counters, and valgrind 3.19 fails Grid's
# fsopen/open_tree (ENOSYS), crun's re-exec from a memfd and runc's init, so
# cachegrind cannot count any of them to the end; stepping runs the real binaries
# unchanged. It costs ~30 us a step here: runc (tens of millions) is left out,
# crun's run only with the full run, the net variant only.
ic() { # FIGURE VARIANT RT CMD...
	local f=$1 v=$2 rt=$3 out
	shift 3
	out=$("$ICOUNT" "$@" 2>&1 >/dev/null </dev/null | tail -1)
	case $out in
	instructions*) rec "$f" "$v" "$rt" "$(echo "$out" | awk '{print $2}')" instr ;;
	*) fail "$f" "$v" "$rt" ;;
	esac
}
section "instructions of run, state, list (single-stepped; net)"
IC_RTS="grid grid-nolayer floor"
[ $QUICK = 1 ] || IC_RTS="$IC_RTS crun"
for rt in $IC_RTS; do
	if [ $rt = floor ]; then
		ic instr-run net floor "$FLOOR" "$ROOTFS"
		continue
	fi
	newid
	ic instr-run net $rt "$(bin_of $rt)" --root "$W/root/$rt" run --bundle "$(bundle $rt net)" "$ID"
	R "$rt" delete --force "$ID" >/dev/null 2>&1
	# crun's state and list are stepped in no run: ~2 minutes each here, and
	# the time figures compare them already
	case $rt in grid-nolayer | crun) continue ;; esac
	newid
	R "$rt" create --bundle "$(bundle $rt net)" "$ID" </dev/null >/dev/null 2>>"$W/stderr"
	ic instr-state net $rt "$(bin_of $rt)" --root "$W/root/$rt" state "$ID"
	ic instr-list net $rt "$(bin_of $rt)" --root "$W/root/$rt" list
	R "$rt" delete --force "$ID" >/dev/null 2>&1
done

# syscalls of one run, every process up to the container program's exec and after
# (strace -f -c: the kernel's own work is the same for all runtimes)
section "syscalls of run (strace -f -c; net)"
for rt in "${RTS[@]}"; do
	if [ $rt = floor ]; then
		set -- "$FLOOR" "$ROOTFS"
	else
		newid
		set -- "$(bin_of $rt)" --root "$W/root/$rt" run --bundle "$(bundle $rt net)" "$ID"
	fi
	strace -f -c -o "$W/strace" "$@" </dev/null >/dev/null 2>>"$W/stderr" || fail syscalls-run net $rt
	rec syscalls-run net $rt "$(awk '$NF == "total" { print $4 + 0 }' "$W/strace")" n
done

# ---- 7. cost growth: existing containers, 1000 env vars, 200 tmpfs mounts ---------------
for v in $VARIANTS; do
	have=0
	for L in $LEVELS; do
		section "run and list with $L created containers x$N_GROW ($v)"
		# grow every runtime's root to L created (not started) containers, 4 at a time:
		# these creates are not measured, and one by one they were most of the bench's time
		for rt in grid crun runc; do
			for ((k = have; k < L; k++)); do echo "${PFX}g$rt$v$k"; done |
				xargs -r -P 4 -n 25 "$BASH" -c 'b=$0 r=$1 bu=$2 e=$3; shift 3; for id; do "$b" --root "$r" create --bundle "$bu" "$id" </dev/null >/dev/null 2>>"$e" || echo "$id"; done' \
					"$(bin_of $rt)" "$W/root/$rt" "$(bundle "$rt" "$v")" "$W/stderr" >"$W/growfail"
			while read -r _; do fail "grow-create" "$v" "$rt"; done <"$W/growfail"
		done
		have=$L
		for ((i = 0; i < N_GROW; i++)); do
			for rt in $(rotate $i grid crun runc); do
				now; t0=$T
				run1 "$rt" "$v" || fail "run@$L" "$v" "$rt"
				now; t1=$T
				R "$rt" list >/dev/null 2>>"$W/stderr" || fail "list@$L" "$v" "$rt"
				now
				rec "run@$L" "$v" "$rt" $((t1 - t0)) us
				rec "list@$L" "$v" "$rt" $((T - t1)) us
			done
		done
	done
	section "deleting the $have created containers ($v)"
	for rt in grid crun runc; do
		for ((k = 0; k < have; k++)); do echo "${PFX}g$rt$v$k"; done |
			xargs -P 4 -n 50 "$BASH" -c 'for id; do '"$(bin_of $rt)"' --root '"$W/root/$rt"' delete --force "$id" >/dev/null 2>&1; done' _
	done
	section "run with $N_ENV env vars, with $N_TMPFS tmpfs mounts x$N_CFG ($v)"
	for ((i = 0; i < N_CFG; i++)); do
		for rt in $(rotate $i "${PEERS[@]}"); do
			for kind in env tmpfs; do
				now; t0=$T
				run1 "$rt" "$v" $kind || fail "run-$kind" "$v" "$rt"
				now; rec "run-$kind$([ $kind = env ] && echo $N_ENV || echo $N_TMPFS)" "$v" "$rt" $((T - t0)) us
			done
		done
	done
done

# ---- report ---------------------------------------------------------------------------
CSV=$OUT/results.csv
awk -F, '
	{ k = $1 SUBSEP $2 SUBSEP $3; n[k]++; v[k, n[k]] = $4; u[k] = $5
	  if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
	END {
		print "figure,variant,runtime,n,median,p90,unit,ratio_to_crun"
		for (j = 1; j <= m; j++) {
			k = order[j]; c = n[k]
			for (a = 1; a <= c; a++) s[a] = v[k, a]
			for (a = 2; a <= c; a++) { x = s[a]; for (b = a - 1; b >= 1 && s[b] > x; b--) s[b + 1] = s[b]; s[b + 1] = x }
			med[k] = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
			i90 = int(0.9 * c + 0.999999); if (i90 < 1) i90 = 1; p90[k] = s[i90]
		}
		for (j = 1; j <= m; j++) {
			k = order[j]; split(k, f, SUBSEP)
			ck = f[1] SUBSEP f[2] SUBSEP "crun"
			r = (ck in med && med[ck] > 0) ? sprintf("%.2f", med[k] / med[ck]) : ""
			printf "%s,%s,%s,%d,%s,%s,%s,%s\n", f[1], f[2], f[3], n[k], med[k], p90[k], u[k], r
		}
	}' "$RAW" >"$CSV"

{
	echo "Grid benchmark ($([ $QUICK = 1 ] && echo quick || echo full)), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "host: $(uname -srm), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "grid $("$GRID" --version 2>/dev/null | head -1); $(crun --version | head -1); $(runc --version | head -1)"
	echo "cgroups: $cgnote"
	echo "grid = default write layer (overlay over the rootfs); grid-nolayer = org.grid.layer=none"
	echo "net = pid,network,ipc,uts,mount namespaces (runc spec); nonet = without network"
	echo "times in ms (median / p90, ratio = median / crun's median); memory in KB"
	echo
	awk -F, 'NR > 1 && $1 !~ /complete$/ {
		val = $5; p = $6
		if ($7 == "us") { val = sprintf("%.2f", $5 / 1000); p = sprintf("%.2f", $6 / 1000) }
		printf "%-26s %-5s %-13s %10s %10s %6s\n", $1, $2, $3, val, p, ($8 == "" ? "" : $8 "x")
	}' "$CSV" | awk 'BEGIN { printf "%-26s %-5s %-13s %10s %10s %6s\n", "figure", "var", "runtime", "median", "p90", "/crun" } { print }'
	echo
	echo "peak-rss: /usr/bin/time reports the maximum over the runtime process and the children it waited for; Linux"
	echo "keeps maxrss across exec, so /usr/bin/time's own pre-exec RSS ($(awk -F, '$1 == "peak-rss" && $3 == "floor" {print $4; exit}' "$RAW") KB, the floor's figure) is a lower bound: below it nothing shows."
	echo "peak-rss-create: the runtime's create alone, under tools/bench-maxrss.c (static, ~100 KB of its own)."
	echo "instr-*: user-space instructions, single-stepped (tools/bench-icount.c): the runtime and its forks up to the"
	echo "container program's exec; runc not counted (too slow to step)."
	if [ -s "$W/hung" ]; then
		echo
		echo "hung commands killed by the watchdog after 30 s: $(grep -c "^[^ ]" "$W/hung")"
		sed 's/^/  /' "$W/hung"
	fi
	if [ -s "$W/failures" ]; then
		echo
		echo "failed commands (figure,variant,runtime: count):"
		sort "$W/failures" | uniq -c | awk '{ printf "  %s: %s\n", $2, $1 }'
	fi
} >"$OUT/summary.txt"
cat "$OUT/summary.txt"
say "bench: wrote $CSV and $OUT/summary.txt"
