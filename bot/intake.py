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

from sqlalchemy import insert, select

from bot.queue import Enqueued, enqueue_many
from bot.store import Delivery, Store

log = logging.getLogger(__name__)
_BATCH = 256


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
        await self._q.put(_Item(key, kind, job, fut))
        return await fut

    async def _writer(self) -> None:
        while True:
            batch = [await self._q.get()]
            while len(batch) < _BATCH and not self._q.empty():
                batch.append(self._q.get_nowait())
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

    async def _write(self, batch: list[_Item]) -> list[Accepted | Exception]:
        """One transaction for the whole batch: a handful of statements whatever its size."""
        async with self.store.session() as s, s.begin():
            keys = [i.key for i in batch]
            seen = set((await s.execute(select(Delivery.key).where(Delivery.key.in_(keys)))).scalars())
            fresh: list[_Item] = []
            dup: set[int] = set()
            for n, item in enumerate(batch):
                if item.key in seen:
                    dup.add(n)
                else:
                    seen.add(item.key)
                    fresh.append(item)
            with_job = [i for i in fresh if i.job is not None]
            enq = await enqueue_many(s, [vars(i.job) for i in with_job if i.job is not None])
            jobs = {id(i): e for i, e in zip(with_job, enq, strict=True)}
            if fresh:
                t = time.time()
                await s.execute(
                    insert(Delivery),
                    [
                        {
                            "key": i.key,
                            "kind": i.kind,
                            "received_at": t,
                            "job_id": jobs[id(i)].job_id if id(i) in jobs else None,
                        }
                        for i in fresh
                    ],
                )
        return [
            Accepted(duplicate=True) if n in dup else Accepted(duplicate=False, job=jobs.get(id(item)))
            for n, item in enumerate(batch)
        ]
