#!/usr/bin/env bats
# The command line's own documentation: `grid help` lists every option the
# parser takes, the man page names them all and passes mandoc's lint, and
# `make install` puts both where packages expect them.

load helpers

COMMANDS="create run exec start state kill delete list pause resume ps update events spec features debug"

# Every option name in Grid's option tables, and runc's: what a parser might take.
candidates() {
	{
		grep -ho '{ "[a-z][a-z-]*", ' "$REPO/grid.c" "$REPO/opt.c" | cut -d'"' -f2
		printf '%s\n' all bundle console-socket cwd detach env force format keep no-new-keyring \
			no-pivot no-subreaper pid-file preserve-fds process tty user cap no-new-privs \
			apparmor process-label additional-gids cgroup ignore-paused rootless quiet resources \
			memory memory-swap memory-reservation kernel-memory kernel-memory-tcp cpu-share \
			cpu-quota cpu-period cpu-rt-period cpu-rt-runtime cpuset-cpus cpuset-mems pids-limit \
			blkio-weight l3-cache-schema mem-bw-schema stats interval root log log-format debug \
			systemd-cgroup criu rootless-cgroups version help
	} | sort -u
}

# accepted CMD NAME: does CMD's parser take --NAME (an error other than "unknown option")?
accepted() {
	local err
	err=$(cd "$TMP" && "$GRID_BIN" $1 "--$2" </dev/null 2>&1 >/dev/null) || true
	[[ "$err" != *"unknown option --$2"* ]]
}

@test "grid help lists every option each command's parser takes" {
	local cmd name missing=
	for cmd in $COMMANDS; do
		run grid help "$cmd"
		[ "$status" -eq 0 ]
		local help=$output
		for name in $(candidates); do
			# --help and -h are how this page is asked for
			[ "$name" != help ] && accepted "$cmd" "$name" || continue
			[[ "$help" == *"--$name"* ]] || missing+=" $cmd --$name"
		done
	done
	[ -z "$missing" ] || { echo "accepted but not in grid help:$missing"; false; }
}

@test "grid --help lists every global option" {
	local name missing= err
	run grid --help
	for name in $(candidates); do
		err=$(cd "$TMP" && "$GRID_BIN" "--$name" </dev/null 2>&1 >/dev/null) || true
		[[ "$err" == *"unknown option --$name"* ]] && continue
		[[ "$output" == *"--$name"* ]] || missing+=" --$name"
	done
	[ -z "$missing" ] || { echo "accepted but not in grid --help:$missing"; false; }
}

@test "help shows the same options whichever way it is asked" {
	local cmd
	for cmd in $COMMANDS; do
		[ "$(grid help "$cmd")" = "$(grid "$cmd" --help)" ]
		[ "$(grid help "$cmd")" = "$(grid "$cmd" -h)" ]
	done
}

@test "the man page names every command and every option grid help lists" {
	local cmd name missing=
	for cmd in $COMMANDS help; do
		grep -q "^\.SS $cmd\b" "$REPO/grid.8" || missing+=" $cmd"
	done
	for cmd in "" $COMMANDS; do
		for name in $(grid help $cmd | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -qF -- "${name//-/\\-}" "$REPO/grid.8" || missing+=" $cmd $name"
		done
	done
	[ -z "$missing" ] || { echo "not in grid.8:$missing"; false; }
}

@test "the man page passes mandoc's lint and renders" {
	run mandoc -Tlint -Wwarning "$REPO/grid.8"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run env MANWIDTH=80 man -l "$REPO/grid.8"
	[ "$status" -eq 0 ]
	[[ "$output" == *"EXIT STATUS"* ]]
}

@test "make install and make uninstall with PREFIX and DESTDIR" {
	make -s -C "$REPO" install DESTDIR="$TMP/dest" PREFIX=/usr
	[ -x "$TMP/dest/usr/sbin/grid" ]
	[ -f "$TMP/dest/usr/share/man/man8/grid.8" ]
	run "$TMP/dest/usr/sbin/grid" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "grid version "* ]]
	cmp "$REPO/grid" "$TMP/dest/usr/sbin/grid"
	make -s -C "$REPO" uninstall DESTDIR="$TMP/dest" PREFIX=/usr
	[ ! -e "$TMP/dest/usr/sbin/grid" ]
	[ ! -e "$TMP/dest/usr/share/man/man8/grid.8" ]
}
