"""Embedded durable job queue on the store (SQLite default) with in-process asyncio workers (§8).

- One waiting job per change: a later push or recheck coalesces into it; a push while a job
  for the change runs queues exactly one more.
- A worker claims the oldest due job whose change has no running job.
- Transient failures are retried with exponential backoff (or the platform's Retry-After).
- Jobs left `running` by a crash are put back to `waiting` at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from bot.batch_sql import statements
from bot.config import QueueSettings
from bot.store import JOBS, Job, Store

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Worth retrying later (5xx, timeouts, rate limits)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# When requests for one change coalesce, the strongest reason wins: a recheck answers on the
# change, a review posts, feedback only records replies (every review run also records them).
_STRENGTH = {"feedback": 0, "auto": 1, "recheck": 2}


def stronger(a: str, b: str) -> str:
    return a if _STRENGTH.get(a, 1) >= _STRENGTH.get(b, 1) else b


@dataclass(frozen=True)
class Enqueued:
    job_id: int
    coalesced: bool


def enqueue_many(conn: Connection, specs: list[dict[str, Any]]) -> list[Enqueued]:
    """`enqueue` for a batch in a few statements (webhook bursts), in the caller's transaction.
    Each spec holds enqueue's keyword arguments.  Raises an integrity error if another writer
    raced us: the caller then retries one by one."""
    if not specs:
        return []
    sql = statements(conn)
    found = sql.waiting_jobs(list({sp["change_key"] for sp in specs}))
    waiting: dict[str, int] = {ck: jid for jid, ck, _ in found}
    existing_reason: dict[str, str] = {ck: reason for _, ck, reason in found}
    existed = set(waiting)
    t = time.time()
    # The last spec of a change wins (newest revision); the strongest reason in the batch sticks.
    last: dict[str, dict[str, Any]] = {}
    strongest: dict[str, tuple[str, str | None]] = {}
    for sp in specs:
        ck = sp["change_key"]
        last[ck] = sp
        reason = sp.get("reason", "auto")
        if ck not in strongest or stronger(reason, strongest[ck][0]) != strongest[ck][0]:
            strongest[ck] = (reason, sp.get("requested_by"))
    new_keys = [ck for ck in last if ck not in waiting]
    if new_keys:
        rows = [(ck, last[ck]["platform"], last[ck]["ref"], *strongest[ck], "waiting", 0, t, t, t) for ck in new_keys]
        waiting.update(sql.insert_jobs(rows))
    for ck in (ck for ck in last if ck in existed):
        changes: dict[str, Any] = {"ref": last[ck]["ref"], "updated_at": t}
        reason, who = strongest[ck]
        if stronger(reason, existing_reason[ck]) != existing_reason[ck]:
            changes |= {"reason": reason, "requested_by": who}
        sql.update_job(waiting[ck], changes)
    out, seen = [], set()
    for sp in specs:
        ck = sp["change_key"]
        out.append(Enqueued(waiting[ck], ck in existed or ck in seen))
        seen.add(ck)
    return out


def _recover(conn: Connection, now: float) -> int:
    running = conn.execute(select(JOBS.c.id, JOBS.c.change_key).where(JOBS.c.state == "running")).all()
    for job_id, change_key in running:
        other = conn.execute(
            select(JOBS.c.id).where(JOBS.c.change_key == change_key, JOBS.c.state == "waiting")
        ).first()
        conn.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id)
            .values(state="superseded" if other else "waiting", run_after=now, last_error="interrupted by a restart")
        )
    return len(running)


def _claim(conn: Connection, now: float) -> Job | None:
    """The oldest due waiting job whose change has none running, marked running."""
    busy = select(JOBS.c.change_key).where(JOBS.c.state == "running")
    row = conn.execute(
        select(JOBS)
        .where(JOBS.c.state == "waiting", JOBS.c.run_after <= now, JOBS.c.change_key.not_in(busy))
        .order_by(JOBS.c.run_after, JOBS.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    attempts = row.attempts + 1
    res = conn.execute(
        update(JOBS)
        .where(JOBS.c.id == row.id, JOBS.c.state == "waiting")
        .values(state="running", attempts=attempts, updated_at=now)
    )
    if res.rowcount != 1:
        return None
    # A detached Job carrying the row: workers only read its attributes.
    return Job(**{**row._asdict(), "state": "running", "attempts": attempts})


def _set_state(conn: Connection, job_id: int, state: str, error: str | None, now: float) -> None:
    conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(state=state, last_error=error, updated_at=now))


def _retry(conn: Connection, job_id: int, change_key: str, reason: str, error: str, delay: float, now: float) -> str:
    other = conn.execute(
        select(JOBS.c.id, JOBS.c.reason).where(JOBS.c.change_key == change_key, JOBS.c.state == "waiting")
    ).first()
    if other is not None:
        # A newer request is already waiting: it will review the newest revision.
        conn.execute(update(JOBS).where(JOBS.c.id == other.id).values(reason=stronger(reason, other.reason)))
        conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(state="superseded", last_error=error))
        return "superseded"
    conn.execute(
        update(JOBS)
        .where(JOBS.c.id == job_id)
        .values(state="waiting", run_after=now + delay, last_error=error, updated_at=now)
    )
    return "waiting"


def _drop_waiting(conn: Connection, change_key: str, now: float) -> int:
    res = conn.execute(
        update(JOBS)
        .where(JOBS.c.change_key == change_key, JOBS.c.state == "waiting")
        .values(state="dropped", updated_at=now)
    )
    return int(res.rowcount)


class JobQueue:
    def __init__(self, store: Store, settings: QueueSettings | None = None) -> None:
        self.store = store
        self.settings = settings or QueueSettings()
        self._wakeup = asyncio.Event()
        self._claim_lock = asyncio.Lock()
        self._stopping = False
        # Seconds to hold off before claiming a job (the intake's busy_for): deliveries come first.
        self.defer: Callable[[], float] | None = None

    def notify(self) -> None:
        self._wakeup.set()

    # Every write below is one short transaction on the store's writer (Store.run_write): a
    # worker never holds SQLite's write lock across event-loop turns, which the webhook intake's
    # batches (sibling processes, higher CPU priority) would otherwise queue behind.

    async def recover(self) -> int:
        """Put jobs left running by a crash back in the queue."""
        return await self.store.run_write(_recover, time.time())

    async def claim(self) -> Job | None:
        async with self._claim_lock:
            return await self.store.run_write(_claim, time.time())

    async def finish(self, job_id: int, state: str = "done", error: str | None = None) -> None:
        await self.store.run_write(_set_state, job_id, state, error, time.time())

    async def retry(self, job: Job, error: str, retry_after: float | None = None) -> str:
        """Back to waiting after a delay; fails for good after max_attempts.  Returns the new state."""
        if job.attempts >= self.settings.max_attempts:
            await self.finish(job.id, "failed", error)
            return "failed"
        delay = min(self.settings.backoff_base_s * 2 ** (job.attempts - 1), self.settings.backoff_max_s)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return await self.store.run_write(_retry, job.id, job.change_key, job.reason, error, delay, time.time())

    async def drop_waiting(self, change_key: str) -> int:
        return await self.store.run_write(_drop_waiting, change_key, time.time())

    async def counts(self) -> dict[str, int]:
        from sqlalchemy import func

        async with self.store.session() as s:
            rows = (await s.execute(select(Job.state, func.count()).group_by(Job.state))).all()
        return {state: int(n) for state, n in rows}

    async def work(self, handler: Callable[[Job], Awaitable[None]], worker: int = 0) -> None:
        """Worker loop: claim, run, finish/retry, until stop()."""
        while not self._stopping:
            while self.defer is not None and (wait := self.defer()) > 0 and not self._stopping:
                await asyncio.sleep(wait)
            job = await self.claim()
            if job is None:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self.settings.poll_interval_s)
                continue
            try:
                await handler(job)
            except TransientError as exc:
                state = await self.retry(job, str(exc), exc.retry_after)
                log.warning("job %s (%s) attempt %s: %s -> %s", job.id, job.change_key, job.attempts, exc, state)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("job %s (%s) failed", job.id, job.change_key)
                await self.finish(job.id, "failed", f"{type(exc).__name__}: {exc}")
            else:
                await self.finish(job.id, "done")
            self._wakeup.set()  # a job for the same change may have become claimable

    def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
