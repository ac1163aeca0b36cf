"""Kill one web instance of the cluster check, the way a machine dies: SIGKILL to the gunicorn
master and all its workers at once, no graceful anything.

    python -m bench.load.kill CLUSTER_DIR web1 PGID

Reads first, from HAProxy's stats socket, how many requests the balancer has in progress on that
server (``scur``): the requests the instance holds, which the kill turns into errors. Prints one
line: that number, the processes killed, and the server's state a moment later.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path


def haproxy(sock_path: str, command: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(sock_path)
        s.sendall(command.encode() + b"\n")
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode()


def server_row(sock_path: str, server: str) -> dict:
    text = haproxy(sock_path, "show stat")
    lines = [line for line in text.splitlines() if line]
    header = lines[0].lstrip("# ").split(",")
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == "web" and row.get("svname") == server:
            return row
    return {}


def main(argv) -> int:
    import psutil

    cluster_dir, server, pgid = Path(argv[0]), argv[1], int(argv[2])
    sock = str(cluster_dir / "haproxy.sock")
    before = server_row(sock, server)
    procs = [p for p in psutil.process_iter(["pid"]) if _pgid(p.pid) == pgid]
    os.killpg(pgid, signal.SIGKILL)
    time.sleep(3)
    after = server_row(sock, server)
    print(f"{server} held {before.get('scur', '?')} requests in progress (HAProxy scur; {before.get('stot', '?')} "
          f"served so far); SIGKILL to {len(procs)} processes; 3 s later HAProxy says {after.get('status', '?')}")
    return 0


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
