"""The floor for webhook answer latency: an aiohttp server on uvloop that reads each body and
answers 202 with no other work, with the listening options `reviewbot serve` uses (deep backlog,
SO_REUSEPORT so several of these share the port as reviewbot's intake processes do).

    python bench/_floor_server.py PORT      # serve until killed

github_e2e_bench.py sends it the same bursts as reviewbot: the difference between the two is what
reviewbot's own intake (signature, parsing, the committed delivery and job) costs.
"""

from __future__ import annotations

import sys

import uvloop
from aiohttp import web


async def accept(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=202, body=b'{"status": "accepted"}', content_type="application/json")


def main() -> None:
    app = web.Application(client_max_size=30 * 1024 * 1024)
    app.router.add_post("/webhooks/github", accept)
    web.run_app(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        backlog=2048,
        reuse_port=True,
        access_log=None,
        print=None,
        loop=uvloop.new_event_loop(),
    )


if __name__ == "__main__":
    main()
