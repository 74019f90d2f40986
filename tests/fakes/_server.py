"""Loopback lifecycle shared by the fake servers: start/stop in the running loop, async context
manager, or a background thread with its own loop for synchronous clients."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any, Self

from aiohttp import web


class LoopbackServer:
    _runner: web.AppRunner | None
    url: str | None

    def _build_app(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> str:
        """Serve on 127.0.0.1 (random port) in the running event loop; returns the base URL."""
        if self._runner is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        runner = web.AppRunner(self._build_app(), access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    @contextlib.contextmanager
    def serve_in_thread(self) -> Iterator[str]:
        """Serve from a background thread with its own event loop (for synchronous clients); yields the URL."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=type(self).__name__, daemon=True)
        thread.start()
        try:
            url = asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout=10)
            try:
                yield url
            finally:
                asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
