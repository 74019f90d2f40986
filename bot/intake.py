"""Durable webhook intake with group commit.

Each accepted event is stored (delivery key + job) before the handler answers.  Concurrent
deliveries are batched into one transaction by a single writer task, so a burst costs one
SQLite commit instead of hundreds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from bot.batch_sql import statements
from bot.queue import Enqueued, enqueue_many
from bot.store import Store

log = logging.getLogger(__name__)
_BATCH = 256
# Workers hold off starting a job until no delivery has arrived for this long: a burst of
# webhooks is answered first, the reviews it asks for start a few milliseconds later.
QUIET_S = 0.01
LINGER_S = 0.005


class _Rehearsal(Exception):
    """Rolls the warm-up transaction back."""


@dataclass(frozen=True)
class JobSpec:
    change_key: str
    platform: str
    ref: dict[str, Any]
    reason: str = "auto"
    requested_by: str | None = None


@dataclass(frozen=True)
class Accepted:
    duplicate: bool
    job: Enqueued | None = None


@dataclass
class _Item:
    key: str
    kind: str
    job: JobSpec | None
    done: asyncio.Future[Accepted]


class Intake:
    def __init__(self, store: Store, on_enqueued: Any = None) -> None:
        self.store = store
        self.on_enqueued = on_enqueued
        self._q: asyncio.Queue[_Item] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._in_flight = 0
        self._last = 0.0

    def busy_for(self) -> float:
        """Seconds until intake has been quiet for QUIET_S (0 when it already is)."""
        if self._in_flight:
            return QUIET_S
        return max(0.0, self._last + QUIET_S - time.monotonic())

    async def warm_up(self, sample: JobSpec) -> None:
        """Write a full batch of copies of `sample` in a transaction that is rolled back: the first
        burst after start-up then finds statements compiled and caches filled (~20 ms saved)."""

        def rehearse(conn: Connection, rows: list[tuple[str, str, dict[str, Any] | None]]) -> None:
            write_deliveries(conn, rows)
            raise _Rehearsal

        with contextlib.suppress(_Rehearsal):
            rows = [(f"warm-up:{n}", "warm-up", {**vars(sample), "change_key": f"warm-up:{n}"}) for n in range(_BATCH)]
            await self.store.run_write(rehearse, rows)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._writer(), name="intake-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def submit(self, key: str, kind: str, job: JobSpec | None) -> Accepted:
        """Store the delivery (and its job) durably; duplicate keys are not stored twice."""
        if self._task is None:
            self.start()
        fut: asyncio.Future[Accepted] = asyncio.get_running_loop().create_future()
        self._in_flight += 1
        try:
            await self._q.put(_Item(key, kind, job, fut))
            return await fut
        finally:
            self._in_flight -= 1
            self._last = time.monotonic()

    async def _writer(self) -> None:
        while True:
            batch = await self._gather()
            try:
                results = await self._write(batch)
            except Exception:
                log.exception("intake batch of %d failed; retrying one by one", len(batch))
                results = []
                for item in batch:
                    try:
                        results += await self._write([item])
                    except Exception as exc:
                        results.append(exc)
            for item, res in zip(batch, results, strict=True):
                if item.done.done():
                    continue
                if isinstance(res, Exception):
                    item.done.set_exception(res)
                else:
                    item.done.set_result(res)
            if self.on_enqueued is not None and any(isinstance(r, Accepted) and r.job for r in results):
                self.on_enqueued()

    async def _gather(self) -> list[_Item]:
        """The next batch.  A lone delivery is written at once; during a burst the writer lingers
        in 1 ms steps while more arrive (at most LINGER_S), so a burst costs a few transactions
        instead of dozens (fewer write-lock turns when sibling processes share the database)."""
        batch = [await self._q.get()]
        deadline = time.monotonic() + LINGER_S
        while len(batch) < _BATCH:
            while len(batch) < _BATCH and not self._q.empty():
                batch.append(self._q.get_nowait())
            if len(batch) == 1 or time.monotonic() >= deadline:
                break
            before = len(batch)
            await asyncio.sleep(0.001)
            if self._q.empty() and len(batch) == before:
                break
        return batch

    async def _write(self, batch: list[_Item]) -> list[Accepted | Exception]:
        """One transaction for the whole batch (Store.run_write: off the event loop on SQLite)."""
        rows = [(i.key, i.kind, vars(i.job) if i.job is not None else None) for i in batch]
        return list(await self.store.run_write(write_deliveries, rows))


def write_deliveries(conn: Connection, rows: list[tuple[str, str, dict[str, Any] | None]]) -> list[Accepted]:
    """Store (delivery key, kind, job spec) rows in the caller's transaction, in a handful of
    statements whatever the batch size.  Keys already stored come back as duplicates."""
    sql = statements(conn)
    seen = sql.known_deliveries([key for key, _, _ in rows])
    fresh: list[int] = []
    dup: set[int] = set()
    for n, (key, _, _) in enumerate(rows):
        if key in seen:
            dup.add(n)
        else:
            seen.add(key)
            fresh.append(n)
    with_job = [n for n in fresh if rows[n][2] is not None]
    enq = enqueue_many(conn, [spec for n in with_job if (spec := rows[n][2]) is not None])
    jobs = dict(zip(with_job, enq, strict=True))
    if fresh:
        t = time.time()
        sql.insert_deliveries([(rows[n][0], rows[n][1], t, job_id(jobs, n)) for n in fresh])
    return [Accepted(duplicate=n in dup, job=None if n in dup else jobs.get(n)) for n in range(len(rows))]


def job_id(jobs: dict[int, Enqueued], n: int) -> int | None:
    return jobs[n].job_id if n in jobs else None
