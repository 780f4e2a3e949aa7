#!/usr/bin/env bats
# sdnotify.bats - NOTIFY_SOCKET (sd_notify) as runc and crun handle it: the container's program
# gets a socket of the runtime's at /run/notify/notify.sock, and `start` (`run`) passes its
# READY=1 on to the caller's NOTIFY_SOCKET with MAINPID. The caller here is a listener of the
# test's own (a service manager's place); the program is tests/notify-send.c, built static.

load helpers

eval "helpers_$(declare -f setup)"
eval "helpers_$(declare -f teardown)"
setup() {
	command -v musl-gcc >/dev/null || skip "musl-gcc is not installed (tests/run installs it)"
	helpers_setup
	musl-gcc -static -Os -o "$BUNDLE/rootfs/bin/notify-send" "$REPO/tests/notify-send.c"
}

# listen ADDR: a datagram socket at ADDR (a path, or @name) in the background, which writes to
# $TMP/got what it gets until READY=1 and MAINPID have both come (runc sends them as two messages,
# Grid as one), as two lines: READY=1, then MAINPID=N. Returns once it is bound.
listen() {
	python3 -c '
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + a[1:] if a[0] == "@" else a)
open(sys.argv[2] + ".bound", "w").close()
s.settimeout(100)
got = []
try:
    while not ("READY=1" in got and any(f.startswith("MAINPID=") for f in got)):
        got += s.recv(4096).decode().split("\n")
except socket.timeout:
    got.append("timeout")
main = [f for f in got if f.startswith("MAINPID=")]
open(sys.argv[2], "w").write("\n".join([f for f in got if f == "READY=1"] + main) + "\n")' "$1" "$TMP/got" &
	LISTENER=$!
	wait_file "$TMP/got.bound"
}

teardown() {
	[ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
	helpers_teardown
}

@test "start waits for the program's READY=1 and passes it on with the container's pid as MAINPID" {
	mkdir "$TMP/out"
	update_config '.mounts += [{"destination": "/out", "type": "bind", "source": ($tmp + "/out"), "options": ["rbind"]}]'
	set_args sh -c 'echo "$NOTIFY_SOCKET" >/out/env; ls -l /run/notify >/out/ls; sleep 1; touch /out/before;
		notify-send "STATUS=starting
READY=1" && sleep 100'
	listen "$TMP/host.sock"
	NOTIFY_SOCKET=$TMP/host.sock grid create --bundle "$BUNDLE" c1
	NOTIFY_SOCKET=$TMP/host.sock grid start c1
	# start returned only once the program had said it was ready
	[ -e "$TMP/out/before" ]
	wait_file "$TMP/got"
	echo "got: $(cat "$TMP/got"), container: $(container_pid c1)"
	[ "$(cat "$TMP/got")" = "READY=1
MAINPID=$(container_pid c1)" ]
	[ "$(cat "$TMP/out/env")" = /run/notify/notify.sock ]
	grep -q '^s.* notify.sock$' "$TMP/out/ls"
}

@test "run --detach passes READY=1 on with the container's pid; an abstract NOTIFY_SOCKET works" {
	set_args sh -c 'notify-send READY=1 && sleep 100'
	listen "@grid-notify-${TMP##*.}"
	NOTIFY_SOCKET="@grid-notify-${TMP##*.}" grid run --detach --bundle "$BUNDLE" c1
	wait_file "$TMP/got"
	echo "got: $(cat "$TMP/got"), container: $(container_pid c1)"
	[ "$(cat "$TMP/got")" = "READY=1
MAINPID=$(container_pid c1)" ]
}

@test "run in the foreground passes READY=1 on with its own pid as MAINPID, as the service's main process" {
	set_args sh -c 'notify-send READY=1 && sleep 1'
	listen "$TMP/host.sock"
	NOTIFY_SOCKET=$TMP/host.sock "$GRID_BIN" run --bundle "$BUNDLE" c1 </dev/null >"$TMP/out" 2>&1 &
	local run=$!
	wait_file "$TMP/got"
	[ "$(cat "$TMP/got")" = "READY=1
MAINPID=$run" ]
	wait "$run"
}

@test "a program that ends without READY=1 ends start's wait (a warning), never a hang" {
	set_args sh -c 'notify-send STATUS=busy; exit 3'
	listen "$TMP/host.sock"
	NOTIFY_SOCKET=$TMP/host.sock grid create --bundle "$BUNDLE" c1
	NOTIFY_SOCKET=$TMP/host.sock run --separate-stderr grid start c1
	# as runc: start succeeded (the program ran); nothing was passed on
	[ "$status" -eq 0 ]
	[ ! -e "$TMP/got" ]
	[ "$GRID_BIN" != "$REPO/grid" ] || [[ "$stderr" == *"NOTIFY_SOCKET"*"before it sent READY=1"* ]]
}

@test "a program that is not root can notify; without NOTIFY_SOCKET the container gets no socket" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'notify-send READY=1 && sleep 100'
	listen "$TMP/host.sock"
	NOTIFY_SOCKET=$TMP/host.sock grid run --detach --bundle "$BUNDLE" c1
	wait_file "$TMP/got"
	[ "$(head -1 "$TMP/got")" = READY=1 ]
	set_args sh -c 'echo "${NOTIFY_SOCKET:-unset}"; [ -S /run/notify/notify.sock ] && echo socket'
	run --separate-stderr grid run --bundle "$BUNDLE" c2
	[ "$output" = unset ]
}
