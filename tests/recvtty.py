#!/usr/bin/env python3
"""recvtty.py SOCKET OUTPUT [INPUT]

Listen on the unix socket SOCKET (it appears only once it accepts connections), receive the pty
master that `grid create --console-socket SOCKET` sends with SCM_RIGHTS, write INPUT to it, and
copy everything the container prints to OUTPUT until the pty closes (EIO/EOF) or RECVTTY_TIMEOUT
seconds (default 20) pass. Exit 0 on EOF; 2 if the message was not exactly one fd with at least
one byte of payload; 3 if the fd is not a terminal; 4 on timeout.
"""
import os
import select
import socket
import sys
import time


def main():
    path, out_path = sys.argv[1], sys.argv[2]
    data = sys.argv[3].encode() if len(sys.argv) > 3 else b""
    deadline = time.monotonic() + float(os.environ.get("RECVTTY_TIMEOUT", "20"))

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(1)
    os.rename(path + ".tmp", path)  # the path appears only once connect() can succeed
    srv.settimeout(max(0.1, deadline - time.monotonic()))
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        return 4
    conn.settimeout(max(0.1, deadline - time.monotonic()))
    msg, fds, _, _ = socket.recv_fds(conn, 4096, 8)
    conn.close()
    srv.close()
    if len(fds) != 1 or not msg:
        sys.stderr.write("recvtty: got %d fds and %d bytes\n" % (len(fds), len(msg)))
        return 2
    fd = fds[0]
    if not os.isatty(fd):
        sys.stderr.write("recvtty: the fd is not a terminal\n")
        return 3
    if data:
        os.write(fd, data)
    with open(out_path, "wb", buffering=0) as out:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return 4
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: every slave end is closed
                return 0
            if not chunk:
                return 0
            out.write(chunk)


if __name__ == "__main__":
    sys.exit(main())
