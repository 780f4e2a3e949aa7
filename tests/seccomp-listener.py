#!/usr/bin/env python3
"""seccomp-listener.py SOCKET OUTPUT [stall-accept | stall-read]

A seccomp agent for the tests, written from config-linux.md ("listenerPath", "The Container
Process State"): listens on the unix stream socket SOCKET (it appears only once it accepts
connections), accepts one connection, reads the container process state (JSON, possibly over
several messages, the fds with the first only) with the seccomp notify fd (SCM_RIGHTS) until the
runtime closes it, writes the JSON to OUTPUT with the number of fds received as "receivedFds" and
the number that came after the first message as "lateFds", checks the fd is a seccomp listener
(its /proc fdinfo link), and closes it: the container's notified syscalls then fail with ENOSYS.
Exits 4 after 20 s without a sender.

stall-accept: fill the listen backlog and never accept; stall-read: accept and never read.
Either waits 90 s (or to be killed), for a runtime that must give up on its own.
"""
import json
import os
import socket
import sys
import time


def stall(srv, mode, path):
    if mode == "stall-accept":
        # with the backlog full a connect waits for an accept that never comes
        held = []
        while True:
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(path + ".tmp")
            except BlockingIOError:
                break
            held.append(c)
    os.rename(path + ".tmp", path)
    if mode == "stall-read":
        srv.settimeout(20)
        conn, _ = srv.accept()  # held, never read
    time.sleep(90)
    return 0


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(0 if len(sys.argv) > 3 else 1)
    if len(sys.argv) > 3:
        return stall(srv, sys.argv[3], path)
    os.rename(path + ".tmp", path)
    srv.settimeout(20)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        return 4
    conn.settimeout(20)
    data, fds, late = b"", [], 0
    while True:
        msg, got, _, _ = socket.recv_fds(conn, 65536, 4)
        if data:
            late += len(got)
        fds += got
        if not msg:
            break
        data += msg
    doc = json.loads(data)
    doc["receivedFds"] = len(fds)
    doc["lateFds"] = late
    doc["fdKind"] = os.readlink("/proc/self/fd/%d" % fds[0]) if fds else ""
    with open(out_path + ".tmp", "w") as f:
        json.dump(doc, f)
    os.rename(out_path + ".tmp", out_path)
    for fd in fds:
        os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
