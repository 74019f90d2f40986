"""Webhook-answering sibling processes (`server.intake_processes` ≥ 2).

One process that both answers webhooks and runs reviews shares its event loop and the GIL
between them, so a burst of deliveries arriving while reviews run waits behind them.  With
`intake_processes = N ≥ 2`, `reviewbot serve` starts N sibling processes that listen on the
port (SO_REUSEPORT: the kernel spreads new connections over them) and only store deliveries
and their jobs (the same group-committed intake, the same database), while the main process
runs the workers, crash recovery, the Gerrit stream and the queue.  Each job a sibling
enqueues is announced over a pipe, so the workers start it at once.

Siblings are `reviewbot serve` itself with two hidden flags; they exit when the main process
goes away (even after kill -9), so a restart never finds stale listeners.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
PARENT_CHECK_S = 0.5
# Announcements come once per stored batch (every few ms during a burst), not per delivery: the
# burst is taken as over when none has come for this long.
QUIET_S = 0.025


class Siblings:
    """Started by the main process; `on_enqueued` runs whenever a sibling enqueued a job."""

    def __init__(self, argv: list[str], count: int, on_enqueued: Callable[[], None]) -> None:
        self.argv = argv
        self.count = count
        self.on_enqueued = on_enqueued
        self.procs: list[subprocess.Popen[bytes]] = []
        self._read_fd = -1
        self._last_notice = 0.0

    def busy_for(self) -> float:
        """Seconds until the siblings' intake has been quiet for QUIET_S: a burst of deliveries is
        announced batch by batch, and workers hold off starting reviews (and Semgrep) until it ends."""
        return max(0.0, self._last_notice + QUIET_S - time.monotonic())

    def start(self) -> None:
        if self.count <= 0:
            return
        r, w = os.pipe()
        os.set_blocking(r, False)
        self._read_fd = r
        asyncio.get_running_loop().add_reader(r, self._drain)
        cmd = [sys.executable, "-m", "bot.cli", *self.argv, "--sibling-of", str(os.getpid()), "--notify-fd", str(w)]
        try:
            for _ in range(self.count):
                self.procs.append(subprocess.Popen(cmd, pass_fds=(w,)))
        finally:
            os.close(w)
        log.info("started %d sibling intake process(es): %s", self.count, [p.pid for p in self.procs])

    def _drain(self) -> None:
        try:
            data = os.read(self._read_fd, 4096)
        except BlockingIOError:
            return
        if data:
            self._last_notice = time.monotonic()
            self.on_enqueued()

    async def stop(self) -> None:
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                p.terminate()
        for p in self.procs:
            try:
                await asyncio.to_thread(p.wait, 10)
            except subprocess.TimeoutExpired:
                p.kill()
        if self._read_fd >= 0:
            asyncio.get_running_loop().remove_reader(self._read_fd)
            os.close(self._read_fd)
            self._read_fd = -1


class ParentLink:
    """In a sibling: announce enqueued jobs to the main process; exit when it is gone."""

    def __init__(self, parent_pid: int, notify_fd: int) -> None:
        self.parent_pid = parent_pid
        self.notify_fd = notify_fd
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(self.notify_fd, b"j")

    def start(self) -> None:
        os.set_blocking(self.notify_fd, False)
        self._task = asyncio.create_task(self._watch(), name="parent-watch")

    async def _watch(self) -> None:
        while os.getppid() == self.parent_pid:
            await asyncio.sleep(PARENT_CHECK_S)
        log.warning("main process %d is gone; sibling %d shuts down", self.parent_pid, os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)  # run_app's graceful shutdown: answers in flight are finished

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
