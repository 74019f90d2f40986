"""Embedded queue on a real SQLite file: coalescing, one-more-while-running, retries, recovery."""

from __future__ import annotations

import asyncio

from bot.config import QueueSettings
from bot.queue import JobQueue, TransientError, enqueue_many
from bot.store import Job, Store


async def put(store: Store, key: str, rev: str, reason: str = "auto"):
    spec = {"change_key": key, "platform": "github", "ref": {"rev": rev}, "reason": reason}
    return (await store.run_write(enqueue_many, [spec]))[0]


async def test_later_pushes_coalesce_into_the_waiting_job(store: Store) -> None:
    a = await put(store, "c1", "r1")
    b = await put(store, "c1", "r2")
    c = await put(store, "c1", "r3", reason="recheck")
    assert not a.coalesced and b.coalesced and c.coalesced and a.job_id == b.job_id == c.job_id
    q = JobQueue(store)
    job = await q.claim()
    assert job is not None and job.ref == {"rev": "r3"} and job.reason == "recheck"


async def test_push_while_running_queues_exactly_one_more(store: Store) -> None:
    q = JobQueue(store)
    await put(store, "c1", "r1")
    running = await q.claim()
    assert running is not None
    x = await put(store, "c1", "r2")
    y = await put(store, "c1", "r3")
    assert not x.coalesced and y.coalesced
    # The waiting job must not start while the change's job runs.
    assert await q.claim() is None
    await q.finish(running.id)
    nxt = await q.claim()
    assert nxt is not None and nxt.ref == {"rev": "r3"}
    assert await q.counts() == {"done": 1, "running": 1}


async def test_other_changes_run_in_parallel(store: Store) -> None:
    q = JobQueue(store)
    await put(store, "c1", "r1")
    await put(store, "c2", "r1")
    a, b = await q.claim(), await q.claim()
    assert a is not None and b is not None and {a.change_key, b.change_key} == {"c1", "c2"}


async def test_transient_errors_back_off_then_fail(store: Store) -> None:
    q = JobQueue(store, QueueSettings(max_attempts=3, backoff_base_s=0.05, poll_interval_s=0.02))
    await put(store, "c1", "r1")
    calls: list[float] = []

    async def handler(job: Job) -> None:
        calls.append(asyncio.get_running_loop().time())
        raise TransientError("502 from platform")

    worker = asyncio.create_task(q.work(handler))
    for _ in range(200):
        if (await q.counts()).get("failed"):
            break
        await asyncio.sleep(0.02)
    q.stop()
    await worker
    assert len(calls) == 3
    assert calls[2] - calls[1] >= calls[1] - calls[0] >= 0.04  # exponential backoff
    assert await q.counts() == {"failed": 1}


async def test_retry_after_is_honoured_and_success_completes(store: Store) -> None:
    q = JobQueue(store, QueueSettings(backoff_base_s=0.01, poll_interval_s=0.02))
    await put(store, "c1", "r1")
    calls: list[float] = []

    async def handler(job: Job) -> None:
        calls.append(asyncio.get_running_loop().time())
        if len(calls) == 1:
            raise TransientError("secondary rate limit", retry_after=0.3)

    worker = asyncio.create_task(q.work(handler))
    for _ in range(100):
        if (await q.counts()).get("done"):
            break
        await asyncio.sleep(0.02)
    q.stop()
    await worker
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.3
    assert await q.counts() == {"done": 1}


async def test_recover_requeues_jobs_left_running(store: Store) -> None:
    q = JobQueue(store)
    await put(store, "c1", "r1")
    assert await q.claim() is not None
    await put(store, "c2", "r1")
    assert await q.claim() is not None
    await put(store, "c2", "r2")  # c2 also has a newer waiting job
    fresh = JobQueue(store)  # "after a restart"
    assert await fresh.recover() == 2
    assert await fresh.counts() == {"waiting": 2, "superseded": 1}


async def test_drop_waiting(store: Store) -> None:
    q = JobQueue(store)
    await put(store, "c1", "r1")
    assert await q.drop_waiting("c1") == 1
    assert await q.claim() is None
