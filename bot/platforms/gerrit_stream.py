"""`gerrit stream-events` over SSH through gerritlib, bridged into asyncio.

gerritlib's GerritWatcher thread reads the stream and reconnects forever.  We subclass it to
(1) hand each event to the event loop without blocking it, (2) drain every buffered line after a
read (the stock watcher polls the channel once per line and can sit on the second event of a
burst until a third arrives), (3) check the server's host key against known_hosts when
configured, (4) report every (re)connection so the caller can catch up through REST, and
(5) stop on request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import paramiko
from gerritlib.gerrit import DISCONNECTED, GerritWatcher

from bot.config import GerritSettings

log = logging.getLogger(__name__)


class _Sink:
    """What GerritWatcher calls `gerrit`: only addEvent() is used."""

    def __init__(self, bridge: StreamBridge) -> None:
        self.bridge = bridge

    def addEvent(self, data: dict[str, Any]) -> None:  # gerritlib's name
        self.bridge._from_thread(self.bridge.on_event(data))


class _Watcher(GerritWatcher):  # type: ignore[misc]
    def __init__(self, bridge: StreamBridge, **kw: Any) -> None:
        super().__init__(_Sink(bridge), **kw)
        self.daemon = True
        self.bridge = bridge
        self._client: paramiko.SSHClient | None = None

    def _read(self, fd: Any) -> None:
        super()._read(fd)
        # Drain lines already received: poll() will not fire again for them.
        while (
            self.state != DISCONNECTED
            and not self.bridge.stopping.is_set()
            and (getattr(fd, "_rbuffer", b"") or fd.channel.recv_ready())
        ):
            super()._read(fd)

    def _consume(self, client: paramiko.SSHClient) -> None:
        self._client = client
        self.bridge._check_host_key(client)
        if self.bridge.stopping.is_set():
            return
        self.bridge.connections += 1
        self.bridge._from_thread(self.bridge.on_connect())
        super()._consume(client)

    def run(self) -> None:
        while not self.bridge.stopping.is_set():
            self.state = DISCONNECTED
            try:
                self._run()
            except Exception:
                log.exception("gerrit stream-events watcher failed; retrying")
                self.bridge.stopping.wait(self.retry_delay)

    def close(self) -> None:
        client = self._client
        if client is not None:
            try:
                client.close()
            except Exception:
                log.debug("closing the stream-events connection failed", exc_info=True)


class StreamBridge:
    def __init__(
        self,
        settings: GerritSettings,
        on_event: Callable[[dict[str, Any]], Coroutine[Any, Any, None]],
        on_connect: Callable[[], Coroutine[Any, Any, object]],
    ) -> None:
        self.settings = settings
        self.on_event = on_event
        self.on_connect = on_connect
        self.stopping = threading.Event()
        self.connections = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: _Watcher | None = None

    def _from_thread(self, coro: Coroutine[Any, Any, object]) -> None:
        assert self._loop is not None
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        # Block the reader until the event is stored: nothing is read that is not kept.
        try:
            fut.result(timeout=60)
        except Exception:
            log.exception("storing a stream event failed")

    def _check_host_key(self, client: paramiko.SSHClient) -> None:
        known = self.settings.ssh_known_hosts
        if known is None:
            return
        transport = client.get_transport()
        if transport is None:
            raise paramiko.SSHException("no transport")
        key = transport.get_remote_server_key()
        hosts = paramiko.HostKeys(str(Path(known)))
        host, port = self._host(), self.settings.ssh_port
        name = host if port == 22 else f"[{host}]:{port}"
        if not (hosts.check(name, key) or hosts.check(host, key)):
            client.close()
            raise paramiko.SSHException(f"host key of {name} is not in {known}: refusing the connection")

    def _host(self) -> str:
        return self.settings.ssh_host or urlsplit(self.settings.url or "").hostname or "localhost"

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        s = self.settings
        self._watcher = _Watcher(
            self,
            username=s.ssh_username or s.username,
            hostname=self._host(),
            port=s.ssh_port,
            keyfile=str(s.ssh_keyfile) if s.ssh_keyfile else None,
            keep_alive=s.keepalive_s,
            connection_attempts=1,
            retry_delay=s.reconnect_delay_s,
        )
        self._watcher.start()

    async def stop(self) -> None:
        self.stopping.set()
        if self._watcher is not None:
            self._watcher.close()
            await asyncio.to_thread(self._watcher.join, 10)
