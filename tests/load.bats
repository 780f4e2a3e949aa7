#!/usr/bin/env bats
# Load (issue 8): 200 containers alive at once; 8 parallel workers doing create/start/delete
# cycles on distinct ids and on the same few ids (the per-id lock must serialize, never
# corrupt). Afterwards every state file is consistent and nothing leaks. The issue's full counts
# run by default (about a minute for the three tests on 2 cores); GRID_LOAD_CYCLES=N and
# GRID_LOAD_ALIVE=N scale them down on a slower machine.

load helpers

CYCLES=${GRID_LOAD_CYCLES:-1000}
WORKERS=8

# every state file parses and agrees with list
assert_states_consistent() {
	local ids id
	ids=$(grid list -q)
	[ "$(grid list --format json | jq length)" -eq "$(echo -n "$ids" | grep -c .)" ]
	for id in $ids; do
		grid state "$id" | jq -e --arg id "$id" '.id == $id and (.status | IN("created", "running", "stopped"))' >/dev/null
	done
}

assert_all_gone() {
	[ -z "$(ls -A "$GRID_ROOT")" ]
	assert_nothing_left ""
	for d in /sys/fs/cgroup/*/grid/"$(root_key "$GRID_ROOT")"; do
		[ ! -d "$d" ] || [ -z "$(find "$d" -mindepth 1 -type d)" ]
	done
}

@test "200 containers alive at once" {
	set_args sleep 1000
	n=${GRID_LOAD_ALIVE:-200}
	start=$SECONDS
	seq "$n" | xargs -P "$WORKERS" -I{} sh -c '"$1" create --bundle "$2" "a$3" </dev/null >/dev/null 2>>"$4/errors" &&
		"$1" start "a$3" 2>>"$4/errors"' sh "$GRID_BIN" "$BUNDLE" {} "$TMP"
	[ ! -s "$TMP/errors" ] || { cat "$TMP/errors" >&2; false; }
	[ "$(grid list --format json | jq '[.[] | select(.status == "running")] | length')" -eq "$n" ]
	# each is its own: distinct init pids, all alive
	[ "$(grid list --format json | jq '[.[].pid] | unique | length')" -eq "$n" ]
	assert_states_consistent
	grid list -q | xargs -P "$WORKERS" -n 1 "$GRID_BIN" delete --force
	echo "# $n containers up and down in $((SECONDS - start)) s" >&3
	assert_all_gone
}

# cycle ID: create, start, delete --force; prints why a step failed
cycle() {
	"$GRID_BIN" create --bundle "$BUNDLE" "$1" </dev/null >/dev/null 2>>"$TMP/err.$1" || return 1
	"$GRID_BIN" start "$1" 2>>"$TMP/err.$1" || return 1
	"$GRID_BIN" delete --force "$1" 2>>"$TMP/err.$1"
}

@test "8 workers, create/start/delete cycles on distinct ids" {
	set_args true
	per=$((CYCLES / WORKERS))
	start=$SECONDS
	for w in $(seq $WORKERS); do
		(
			export GRID_ROOT
			for i in $(seq $per); do
				cycle "w$w-$i" || echo "w$w-$i" >>"$TMP/failed"
			done
		) &
	done
	wait
	echo "# $((per * WORKERS)) cycles on distinct ids in $((SECONDS - start)) s" >&3
	if [ -s "$TMP/failed" ]; then
		cat "$TMP"/err.* >&2
		false
	fi
	assert_all_gone
}

@test "8 workers, create/start/delete cycles on the same 4 ids: serialized, never corrupt" {
	set_args true
	per=$((CYCLES / WORKERS))
	start=$SECONDS
	for w in $(seq $WORKERS); do
		(
			export GRID_ROOT
			for i in $(seq $per); do
				id=s$(((w + i) % 4))
				cycle "$id" && echo ok >>"$TMP/ok.$w"
			done
			true
		) &
	done
	wait
	echo "# $((per * WORKERS)) cycles on 4 shared ids in $((SECONDS - start)) s, $(cat "$TMP"/ok.* 2>/dev/null | wc -l) complete" >&3
	# the only failures are the ones sharing allows: another worker's container was there
	# (create), or had gone or moved on (start, delete)
	cat "$TMP"/err.* 2>/dev/null | grep -vE 'already exists|does not exist|not created|container not running|is running|is created' \
		>"$TMP/unexpected" || true
	[ ! -s "$TMP/unexpected" ] || { cat "$TMP/unexpected" >&2; false; }
	[ "$(cat "$TMP"/ok.* | wc -l)" -gt 0 ]
	assert_states_consistent
	for id in s0 s1 s2 s3; do
		grid delete --force "$id"
	done
	assert_all_gone
}
