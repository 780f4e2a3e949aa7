#!/usr/bin/env bats
# process.terminal: a pty made inside, its master sent over --console-socket (SCM_RIGHTS), or
# proxied by a foreground `grid run`.

load helpers

# start_receiver [INPUT]: run recvtty.py in the background on $TMP/tty.sock, output in $TMP/tty.out.
start_receiver() {
	python3 "$REPO/tests/recvtty.py" "$TMP/tty.sock" "$TMP/tty.out" "$@" 2>"$TMP/tty.err" &
	RECV_PID=$!
	wait_file "$TMP/tty.sock"
}

# wait_receiver: its exit status must be 0 (it saw the pty close).
wait_receiver() {
	local rc=0
	wait "$RECV_PID" || rc=$?
	cat "$TMP/tty.err" >&2
	[ "$rc" -eq 0 ]
}

@test "create --console-socket sends a pty master; the program's stdio is the pty" {
	update_config '.process.terminal = true'
	set_args sh -c 'test -t 0 && test -t 1 && test -t 2 && echo TTY-OK; tty'
	start_receiver
	run grid create --bundle "$BUNDLE" --console-socket "$TMP/tty.sock" c1
	[ "$status" -eq 0 ]
	[ "$(state_field c1 status)" = created ]
	grid start c1
	wait_receiver
	wait_status c1 stopped
	out=$(tr -d '\r' <"$TMP/tty.out")
	[[ "$out" == *TTY-OK* ]]
	[[ "$out" == */dev/pts/0* ]]
	grid delete c1
}

@test "input written to the pty master reaches the program" {
	update_config '.process.terminal = true'
	set_args sh
	start_receiver 'echo $((6*7))RESULT; exit 5
'
	grid create --bundle "$BUNDLE" --console-socket "$TMP/tty.sock" c1
	grid start c1
	wait_receiver
	[[ "$(cat "$TMP/tty.out")" == *42RESULT* ]]
	wait_status c1 stopped
}

@test "process.consoleSize sets the pty's size" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
	set_args stty size
	start_receiver
	grid create --bundle "$BUNDLE" --console-socket "$TMP/tty.sock" c1
	grid start c1
	wait_receiver
	[[ "$(cat "$TMP/tty.out")" == *"33 101"* ]]
}

@test "run --detach --console-socket" {
	update_config '.process.terminal = true'
	set_args sh -c 'test -t 1 && echo TTY-OK'
	start_receiver
	run --separate-stderr grid run --detach --bundle "$BUNDLE" --console-socket "$TMP/tty.sock" c1
	[ "$status" -eq 0 ]
	wait_receiver
	[[ "$(cat "$TMP/tty.out")" == *TTY-OK* ]]
	wait_status c1 stopped
}

@test "foreground run with a terminal and no socket proxies the pty" {
	update_config '.process.terminal = true'
	set_args sh -c 'test -t 0 && test -t 1 && echo TTY-OK; exit 4'
	run --separate-stderr grid run --bundle "$BUNDLE" c1 </dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *TTY-OK* ]]
	assert_nothing_left c1
}

@test "without a terminal the program has no tty" {
	set_args sh -c 'test -t 0 || test -t 1 || echo NO-TTY'
	run --separate-stderr grid run --bundle "$BUNDLE" c1 </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = NO-TTY ]
}

@test "a console socket that does not exist is named and nothing is left" {
	update_config '.process.terminal = true'
	run --separate-stderr grid create --bundle "$BUNDLE" --console-socket "$TMP/nosock" c1
	assert_error "$TMP/nosock"
	assert_nothing_left c1
}

@test "create with a terminal but no console socket is refused" {
	update_config '.process.terminal = true'
	run --separate-stderr grid create --bundle "$BUNDLE" c1
	assert_error "console-socket"
	assert_nothing_left c1
}
