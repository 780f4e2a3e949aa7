#!/usr/bin/env bats
# Concurrent commands: distinct ids proceed independently, one id serializes.

load helpers

N=8

@test "8 concurrent creates of distinct ids all succeed" {
	set_args sleep 100
	pids=()
	for i in $(seq $N); do
		grid create --bundle "$BUNDLE" "c$i" >"$TMP/out$i" 2>&1 &
		pids+=($!)
	done
	for i in $(seq $N); do
		rc=0
		wait "${pids[$((i - 1))]}" || rc=$?
		cat "$TMP/out$i"
		[ "$rc" -eq 0 ]
	done
	run grid list -q
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort)" = "$(seq $N | sed 's/^/c/' | sort)" ]
	cpids=()
	for i in $(seq $N); do
		[ "$(state_field "c$i" status)" = created ]
		cpids+=("$(container_pid "c$i")")
	done
	# every container has its own init
	[ "$(printf '%s\n' "${cpids[@]}" | sort -u | wc -l)" -eq $N ]

	for i in $(seq $N); do
		grid start "c$i" &
	done
	wait
	for i in $(seq $N); do
		[ "$(state_field "c$i" status)" = running ]
	done

	for i in $(seq $N); do
		grid delete --force "c$i" &
	done
	wait
	[ -z "$(ls -A "$GRID_ROOT")" ]
	assert_nothing_left ""
}

@test "8 concurrent runs report their own exit status" {
	pids=()
	for i in $(seq $N); do
		mkdir "$TMP/b$i"
		jq --arg i "$i" --arg r "$BUNDLE/rootfs" '.root.path = $r
			| .process.args = ["sh", "-c", "echo \($i) >/mine; cat /mine; exit \($i)"]' \
			"$BUNDLE/config.json" >"$TMP/b$i/config.json"
		grid run --bundle "$TMP/b$i" "r$i" >"$TMP/out$i" 2>&1 &
		pids+=($!)
	done
	for i in $(seq $N); do
		rc=0
		wait "${pids[$((i - 1))]}" || rc=$?
		[ "$rc" -eq "$i" ]
		[ "$(cat "$TMP/out$i")" = "$i" ]
	done
	[ ! -e "$BUNDLE/rootfs/mine" ]
	assert_nothing_left ""
}

@test "concurrent creates of one id: exactly one wins" {
	set_args sleep 100
	pids=()
	for i in $(seq $N); do
		grid create --bundle "$BUNDLE" same >"$TMP/out$i" 2>&1 &
		pids+=($!)
	done
	ok=0
	for i in $(seq $N); do
		rc=0
		wait "${pids[$((i - 1))]}" || rc=$?
		if [ "$rc" -eq 0 ]; then
			ok=$((ok + 1))
		else
			grep -q "already exists" "$TMP/out$i"
		fi
	done
	[ "$ok" -eq 1 ]
	[ "$(state_field same status)" = created ]
	pid_alive "$(container_pid same)"
}

@test "concurrent delete --force of one id all succeed" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" same
	grid start same
	pids=()
	for i in $(seq $N); do
		grid delete --force same >"$TMP/out$i" 2>&1 &
		pids+=($!)
	done
	for i in $(seq $N); do
		rc=0
		wait "${pids[$((i - 1))]}" || rc=$?
		cat "$TMP/out$i"
		[ "$rc" -eq 0 ]
	done
	assert_nothing_left same
}

@test "state during concurrent kill and delete is always valid JSON or does not exist" {
	set_args sleep 100
	grid create --bundle "$BUNDLE" c1
	grid start c1
	(
		for i in $(seq 20); do
			grid state c1 2>&1 || true
		done
	) >"$TMP/states" &
	reader=$!
	grid delete --force c1
	wait "$reader"
	# the only error a state may report is that the container no longer exists
	[ -z "$(grep '^grid: ' "$TMP/states" | grep -v 'does not exist')" ]
	# every state that printed JSON printed a complete object
	grep -v '^grid: ' "$TMP/states" | jq -s 'length >= 0' >/dev/null
	assert_nothing_left c1
}

@test "list racing deletes shows each container or not, and warns of nothing" {
	set_args sleep 100
	for i in $(seq 40); do
		grid create --bundle "$BUNDLE" "d$i" </dev/null
	done
	(for i in $(seq 40); do grid delete --force "d$i"; done; touch "$TMP/deleted") &
	deleter=$!
	n=0
	while [ ! -e "$TMP/deleted" ]; do
		n=$((n + 1))
		grid list >/dev/null 2>"$TMP/list$n.err"
		grid list --format json 2>>"$TMP/list$n.err" | jq -e 'type == "array"' >/dev/null
	done
	wait "$deleter"
	echo "$n lists" >&3
	cat "$TMP"/list*.err
	[ -z "$(cat "$TMP"/list*.err)" ]
	[ -z "$(ls -A "$GRID_ROOT")" ]
}
