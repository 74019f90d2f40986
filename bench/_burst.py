"""Send a burst of pre-built HTTP requests at once and print each one's answer time (JSON).

Runs as its own process, so the client shares neither an event loop with the fake GitHub nor
its CPU time with the server's measurements.  The client is a single non-blocking `selectors`
loop: every request is serialised before the clock starts, each goes on its own new connection
(as GitHub's deliveries do), and each time runs from that connection's `connect()` to the last
byte of its answer.  A client this thin adds well under a millisecond to what it measures.

    python bench/_burst.py HOST PORT REQUEST_FILE...      # one burst, prints {"ms": [...], "status": [...]}
    python bench/_burst.py HOST PORT --serve              # one burst per line of request files on stdin

The `--serve` form lets a benchmark start the client before it lowers its own CPU priority (the
benchmark also hosts the fake GitHub, which stands for remote servers that do not share our CPUs).
"""

from __future__ import annotations

import errno
import json
import selectors
import socket
import sys
import time
from pathlib import Path


def _complete(buf: bytes) -> int | None:
    """HTTP status once the whole answer (headers + Content-Length body) is in `buf`."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].split(b"\r\n")
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if len(buf) - end - 4 < length:
        return None
    return int(head[0].split(b" ", 2)[1])


def burst(host: str, port: int, raws: list[bytes]) -> tuple[list[float], list[int]]:
    sel = selectors.DefaultSelector()
    n = len(raws)
    t0 = [0.0] * n
    dt = [0.0] * n
    status = [0] * n
    out = list(raws)
    buf = [b""] * n
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        t0[i] = time.perf_counter()
        err = s.connect_ex((host, port))
        if err not in (0, errno.EINPROGRESS):
            raise OSError(err, f"connect: {errno.errorcode.get(err)}")
        sel.register(s, selectors.EVENT_WRITE, i)
    left = n
    while left:
        for key, events in sel.select(timeout=30):
            s, i = key.fileobj, key.data
            assert isinstance(s, socket.socket)
            if events & selectors.EVENT_WRITE:
                sent = s.send(out[i])
                out[i] = out[i][sent:]
                if not out[i]:
                    sel.modify(s, selectors.EVENT_READ, i)
                continue
            chunk = s.recv(65536)
            buf[i] += chunk
            code = _complete(buf[i])
            if code is not None or not chunk:
                dt[i] = (time.perf_counter() - t0[i]) * 1000
                status[i] = code or 0
                sel.unregister(s)
                s.close()
                left -= 1
    return dt, status


def run(host: str, port: int, files: list[str]) -> str:
    ms, codes = burst(host, port, [Path(f).read_bytes() for f in files])
    return json.dumps({"ms": ms, "status": codes})


if __name__ == "__main__":
    host, port, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if rest == ["--serve"]:
        for line in sys.stdin:
            print(run(host, port, json.loads(line)), flush=True)
    else:
        print(run(host, port, rest))
