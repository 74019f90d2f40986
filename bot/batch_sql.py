"""The five statements a batch of webhook deliveries needs (intake.py, queue.enqueue_many).

Two implementations of one small interface: SQLAlchemy Core for every database, and the same
statements straight on the sqlite3 connection underneath SQLAlchemy for the embedded default.
The second exists for speed only: during a burst of deliveries the per-row parameter
processing of Core costs about as much as SQLite itself (~2x the batch's CPU time), and
while sqlite3 runs a statement it releases the GIL, so the event loop keeps answering
webhooks.  Both run inside the caller's SQLAlchemy transaction (BEGIN IMMEDIATE ... COMMIT).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Protocol

from sqlalchemy import Connection, insert, select, update

from bot.store import DELIVERIES, JOBS

# Column order of the rows passed to insert_jobs / insert_deliveries.
JOB_COLUMNS = (
    "change_key",
    "platform",
    "ref",
    "reason",
    "requested_by",
    "state",
    "attempts",
    "run_after",
    "created_at",
    "updated_at",
)
DELIVERY_COLUMNS = ("key", "kind", "received_at", "job_id")


class BatchStatements(Protocol):
    def known_deliveries(self, keys: list[str]) -> set[str]: ...

    def insert_deliveries(self, rows: list[tuple[Any, ...]]) -> None: ...

    def waiting_jobs(self, change_keys: list[str]) -> list[tuple[int, str, str]]:
        """(id, change_key, reason) of the waiting jobs of these changes."""
        ...

    def insert_jobs(self, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        """Insert job rows (JOB_COLUMNS order); change_key -> new id."""
        ...

    def update_job(self, job_id: int, changes: dict[str, Any]) -> None: ...


class CoreStatements:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def known_deliveries(self, keys: list[str]) -> set[str]:
        return set(self.conn.execute(select(DELIVERIES.c.key).where(DELIVERIES.c.key.in_(keys))).scalars())

    def insert_deliveries(self, rows: list[tuple[Any, ...]]) -> None:
        self.conn.execute(insert(DELIVERIES), [dict(zip(DELIVERY_COLUMNS, row, strict=True)) for row in rows])

    def waiting_jobs(self, change_keys: list[str]) -> list[tuple[int, str, str]]:
        found = self.conn.execute(
            select(JOBS.c.id, JOBS.c.change_key, JOBS.c.reason).where(
                JOBS.c.change_key.in_(change_keys), JOBS.c.state == "waiting"
            )
        )
        return [(jid, ck, reason) for jid, ck, reason in found]

    def insert_jobs(self, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        values = [dict(zip(JOB_COLUMNS, row, strict=True)) for row in rows]
        inserted = self.conn.execute(insert(JOBS).returning(JOBS.c.id, JOBS.c.change_key), values)
        return {ck: jid for jid, ck in inserted.all()}

    def update_job(self, job_id: int, changes: dict[str, Any]) -> None:
        self.conn.execute(update(JOBS).where(JOBS.c.id == job_id).values(**changes))


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SqliteStatements:
    """The same statements on the sqlite3 connection of `conn` (the JSON column is written as
    SQLAlchemy's JSON type writes it: json.dumps text)."""

    def __init__(self, dbapi: sqlite3.Connection) -> None:
        self.cur = dbapi.cursor()

    def known_deliveries(self, keys: list[str]) -> set[str]:
        sql = f"SELECT key FROM {DELIVERIES.name} WHERE key IN ({_marks(len(keys))})"
        return {key for (key,) in self.cur.execute(sql, keys)}

    def insert_deliveries(self, rows: list[tuple[Any, ...]]) -> None:
        sql = f"INSERT INTO {DELIVERIES.name} ({', '.join(DELIVERY_COLUMNS)}) VALUES ({_marks(len(DELIVERY_COLUMNS))})"
        self.cur.executemany(sql, rows)

    def waiting_jobs(self, change_keys: list[str]) -> list[tuple[int, str, str]]:
        sql = (
            f"SELECT id, change_key, reason FROM {JOBS.name} "
            f"WHERE state = 'waiting' AND change_key IN ({_marks(len(change_keys))})"
        )
        return list(self.cur.execute(sql, change_keys))

    def insert_jobs(self, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        ref = JOB_COLUMNS.index("ref")
        one = f"({_marks(len(JOB_COLUMNS))})"
        sql = (
            f"INSERT INTO {JOBS.name} ({', '.join(JOB_COLUMNS)}) VALUES {','.join([one] * len(rows))} "
            "RETURNING id, change_key"
        )
        params = [json.dumps(v) if i == ref else v for row in rows for i, v in enumerate(row)]
        return {ck: jid for jid, ck in self.cur.execute(sql, params).fetchall()}

    def update_job(self, job_id: int, changes: dict[str, Any]) -> None:
        cols = list(changes)
        if not set(cols) <= set(JOB_COLUMNS):
            raise ValueError(f"not job columns: {sorted(set(cols) - set(JOB_COLUMNS))}")
        values = [json.dumps(changes[c]) if c == "ref" else changes[c] for c in cols]
        sql = f"UPDATE {JOBS.name} SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?"
        self.cur.execute(sql, [*values, job_id])


def statements(conn: Connection) -> BatchStatements:
    """sqlite3 straight where the connection is a synchronous sqlite3 one (the intake's writer
    thread), SQLAlchemy Core everywhere else (PostgreSQL, aiosqlite)."""
    dbapi = conn.connection.driver_connection
    if isinstance(dbapi, sqlite3.Connection):
        return SqliteStatements(dbapi)
    return CoreStatements(conn)
