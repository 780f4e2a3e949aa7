#!/usr/bin/env python3
"""seccomp-listener.py SOCKET OUTPUT

A seccomp agent for the tests: listens on the unix socket SOCKET (it appears only once it accepts
connections), accepts one connection, reads the container process state that grid sends with the
seccomp notify fd (SCM_RIGHTS) until EOF, writes the JSON to OUTPUT with the number of fds
received as "receivedFds", checks the fd is a seccomp listener (its /proc fdinfo link), and closes
it: the container's notified syscalls then fail with ENOSYS. Exits 4 after 20 s without a sender.
"""
import json
import os
import socket
import sys


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(1)
    os.rename(path + ".tmp", path)
    srv.settimeout(20)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        return 4
    conn.settimeout(20)
    data, fds = b"", []
    while True:
        msg, got, _, _ = socket.recv_fds(conn, 65536, 4)
        fds += got
        if not msg:
            break
        data += msg
    doc = json.loads(data)
    doc["receivedFds"] = len(fds)
    doc["fdKind"] = os.readlink("/proc/self/fd/%d" % fds[0]) if fds else ""
    with open(out_path + ".tmp", "w") as f:
        json.dump(doc, f)
    os.rename(out_path + ".tmp", out_path)
    for fd in fds:
        os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
