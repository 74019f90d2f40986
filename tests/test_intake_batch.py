"""Batched delivery writes: the sqlite3 statements and the SQLAlchemy Core ones store the same rows.

A file database takes the intake's fast path (sqlite3 on the writer thread); an in-memory one
goes through the async engine and SQLAlchemy Core.  The same batches run on both, and what
they leave in the tables is compared, so neither can drift from the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.batch_sql import CoreStatements, SqliteStatements, statements
from bot.intake import Accepted, write_deliveries
from bot.store import DELIVERIES, JOBS, Store


def spec(change: str, rev: str, reason: str = "auto", who: str | None = None) -> dict[str, Any]:
    return {
        "change_key": change,
        "platform": "github",
        "ref": {"rev": rev, "nested": {"files": [1, 2]}},
        "reason": reason,
        "requested_by": who,
    }


BATCHES: list[list[tuple[str, str, dict[str, Any] | None]]] = [
    # two pushes of one change in one batch coalesce; a ping is recorded without a job
    [("d1", "pull_request", spec("c1", "r1")), ("d2", "pull_request", spec("c1", "r2")), ("d3", "ping", None)],
    # a redelivery, a recheck that strengthens c1's waiting job, a new change
    [
        ("d1", "pull_request", spec("c1", "r1")),
        ("d4", "issue_comment", spec("c1", "r2", "recheck", "alice")),
        ("d5", "pull_request", spec("c2", "s1")),
    ],
    # the same delivery twice in one batch; a later push does not weaken the recheck
    [("d6", "pull_request", spec("c1", "r3")), ("d6", "pull_request", spec("c1", "r3"))],
]


async def run_batches(store: Store) -> tuple[list[list[Accepted]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    results = [await store.run_write(write_deliveries, batch) for batch in BATCHES]
    async with store.engine.connect() as conn:
        jobs = (
            await conn.execute(
                select(
                    JOBS.c.id, JOBS.c.change_key, JOBS.c.platform, JOBS.c.ref, JOBS.c.reason, JOBS.c.requested_by
                ).order_by(JOBS.c.id)
            )
        ).all()
        deliveries = (
            await conn.execute(
                select(DELIVERIES.c.key, DELIVERIES.c.kind, DELIVERIES.c.job_id).order_by(DELIVERIES.c.key)
            )
        ).all()
    return results, [tuple(j) for j in jobs], [tuple(d) for d in deliveries]


@pytest.fixture
async def memory_store():
    st = Store("sqlite+aiosqlite://")
    await st.create_all()
    yield st
    await st.close()


async def test_each_store_uses_the_statements_meant_for_it(store: Store, memory_store: Store) -> None:
    kinds = {}
    for name, st in (("file", store), ("memory", memory_store)):
        kinds[name] = await st.run_write(lambda conn: type(statements(conn)))
    assert kinds == {"file": SqliteStatements, "memory": CoreStatements}


async def test_both_statement_sets_store_the_same_rows(store: Store, memory_store: Store) -> None:
    fast = await run_batches(store)
    core = await run_batches(memory_store)
    assert fast == core
    results, jobs, deliveries = fast
    # batch 1: d2 coalesced into d1's job; the ping has no job
    first = results[0]
    assert [r.duplicate for r in first] == [False, False, False]
    assert first[0].job is not None and first[1].job is not None
    assert first[1].job.job_id == first[0].job.job_id and first[1].job.coalesced
    assert first[2].job is None
    # batch 2: d1 is a redelivery; the recheck joined c1's waiting job
    assert [r.duplicate for r in results[1]] == [True, False, False]
    # batch 3: the second copy of d6 is a duplicate
    assert [r.duplicate for r in results[2]] == [False, True]
    by_change = {ck: (ref, reason, who) for _, ck, _, ref, reason, who in jobs}
    assert len(jobs) == 2
    assert by_change["c1"] == ({"rev": "r3", "nested": {"files": [1, 2]}}, "recheck", "alice")
    assert by_change["c2"][0]["rev"] == "s1"
    assert [k for k, _, _ in deliveries] == ["d1", "d2", "d3", "d4", "d5", "d6"]
    assert dict((k, kind) for k, kind, _ in deliveries)["d3"] == "ping"


async def test_update_refuses_unknown_columns(store: Store) -> None:
    def bad(conn: Any) -> None:
        statements(conn).update_job(1, {"state; DROP TABLE jobs": "x"})

    with pytest.raises(ValueError, match="not job columns"):
        await store.run_write(bad)


async def test_writers_take_turns_on_the_write_lock_file(store: Store, tmp_path: Path) -> None:
    """Every process's short write transactions queue on `<database>.write-lock` (an OS lock that
    wakes the next writer at once) before SQLite's own lock: while another holder has it, a
    write waits, and it runs as soon as the holder lets go."""
    import asyncio
    import fcntl

    done: list[int] = []
    with open(str(tmp_path / "store.db") + ".write-lock", "a+") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        task = asyncio.create_task(store.run_write(lambda _conn: done.append(1)))
        await asyncio.sleep(0.3)
        assert done == []
        fcntl.flock(other, fcntl.LOCK_UN)
        await asyncio.wait_for(task, 5)
    assert done == [1]
