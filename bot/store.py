"""SQLAlchemy 2 async store: deliveries, jobs, runs, findings, posted reviews, comments (§8).

SQLite (aiosqlite) is the embedded default; the same models run on PostgreSQL.  SQLite is put
in WAL mode with synchronous=NORMAL, and webhook intake is group-committed (see intake.py) so
the 2xx stays fast under bursts.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

T = TypeVar("T")


def now() -> float:
    return time.time()


class Base(DeclarativeBase):
    pass


class Delivery(Base):
    """One accepted webhook/event; the primary key makes redeliveries idempotent."""

    __tablename__ = "deliveries"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[float] = mapped_column(Float, default=now)
    job_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_key: Mapped[str] = mapped_column(String(400), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    ref: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(20), default="auto")  # auto | recheck
    requested_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # waiting | running | done | failed | superseded | dropped
    state: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[float] = mapped_column(Float, default=now)
    created_at: Mapped[float] = mapped_column(Float, default=now)
    updated_at: Mapped[float] = mapped_column(Float, default=now)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        # One waiting job per change: later pushes coalesce into it.
        Index(
            "uq_jobs_one_waiting",
            "change_key",
            unique=True,
            sqlite_where=text("state = 'waiting'"),
            postgresql_where=text("state = 'waiting'"),
        ),
    )


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), nullable=True)
    platform: Mapped[str] = mapped_column(String(20))
    project: Mapped[str] = mapped_column(String(300), index=True)
    change_key: Mapped[str] = mapped_column(String(400), index=True)
    revision: Mapped[str] = mapped_column(String(100))
    ruleset: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20), default="auto")
    started_at: Mapped[float] = mapped_column(Float, default=now)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcome: Mapped[str] = mapped_column(String(40), default="running")
    files_scanned: Mapped[int] = mapped_column(Integer, default=0)
    files_skipped: Mapped[int] = mapped_column(Integer, default=0)
    findings_total: Mapped[int] = mapped_column(Integer, default=0)
    comments_posted: Mapped[int] = mapped_column(Integer, default=0)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    fetch_s: Mapped[float] = mapped_column(Float, default=0.0)
    scan_s: Mapped[float] = mapped_column(Float, default=0.0)
    post_s: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    defect_class: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(40), index=True)
    # Masked for secret classes: the store never holds a secret verbatim.
    snippet: Mapped[str] = mapped_column(Text, default="")
    on_changed_line: Mapped[bool] = mapped_column(Boolean, default=True)
    commented: Mapped[bool] = mapped_column(Boolean, default=False)
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)


class PostedReview(Base):
    """An automatic review is posted at most once per (change, revision, ruleset)."""

    __tablename__ = "posted_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_key: Mapped[str] = mapped_column(String(400))
    revision: Mapped[str] = mapped_column(String(100))
    ruleset: Mapped[str] = mapped_column(String(40))
    review_id: Mapped[str] = mapped_column(String(100))
    posted_at: Mapped[float] = mapped_column(Float, default=now)
    __table_args__ = (UniqueConstraint("change_key", "revision", "ruleset", name="uq_posted_once"),)


class CommentRow(Base):
    """An inline comment we posted, by fingerprint, and whether its thread is resolved."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_key: Mapped[str] = mapped_column(String(400), index=True)
    fingerprint: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    revision: Mapped[str] = mapped_column(String(100))
    platform_id: Mapped[str] = mapped_column(String(100), default="")
    thread_id: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(20), default="open")  # open | resolved
    created_at: Mapped[float] = mapped_column(Float, default=now)
    resolved_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    __table_args__ = (UniqueConstraint("change_key", "fingerprint", name="uq_comment_fp"),)


class FeedbackRow(Base):
    """A reviewer's reply to one of our comments: `not useful` (with a reason) or `ignore`."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(20))
    change_key: Mapped[str] = mapped_column(String(400), index=True)
    reply_id: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # not-useful | ignore
    reason: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[float] = mapped_column(Float, default=now)
    __table_args__ = (UniqueConstraint("platform", "change_key", "reply_id", name="uq_feedback_reply"),)


# Core handles on the tables written in bulk (webhook intake).
JOBS = cast(Table, Job.__table__)
DELIVERIES = cast(Table, Delivery.__table__)


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        event.listen(engine.sync_engine, "connect", lambda c, _r: _sqlite_pragmas(c))
        event.listen(engine.sync_engine, "begin", _begin)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, autocheckpoint: bool = True) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    if not autocheckpoint:
        cur.execute("PRAGMA wal_autocheckpoint=0")
    cur.close()
    # We issue BEGIN ourselves (see _begin_immediate) instead of the driver's deferred one.
    dbapi_conn.isolation_level = None


def _begin(conn: Any) -> None:
    # Several processes write this file (sibling intake processes, `reviewbot recheck`): a
    # deferred transaction that reads, then writes after another process committed, fails at
    # once with "database is locked" (the busy timeout does not apply to that case).  Write
    # transactions (Store.run_write) therefore take the write lock up front and
    # wait their turn; read-only sessions stay deferred and never hold it.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_sync_sqlite_engine(url: str, autocheckpoint: bool = False) -> Engine | None:
    """A synchronous engine on the same SQLite file, for short write transactions run whole on
    one thread (Store.run_write): one thread hop per transaction instead of one per statement
    (about 2.5x faster for an intake batch), so SQLite's write lock is held only while SQLite
    works.  In the webhook-answering processes its connections never checkpoint the WAL, so no
    webhook answer waits for a checkpoint; the worker process's commits do it.  None for
    in-memory databases (not shared between engines)."""
    u = make_url(url)
    if not u.drivername.startswith("sqlite") or u.database in (None, "", ":memory:") or "mode=memory" in url:
        return None
    engine = create_engine(u.set(drivername="sqlite+pysqlite"), connect_args={"timeout": 30})
    event.listen(engine, "connect", lambda c, _r: _sqlite_pragmas(c, autocheckpoint=autocheckpoint))
    event.listen(engine, "begin", _begin)
    return engine.execution_options(sqlite_immediate=True)


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        # Read-only sessions; writes are short transactions through run_write().
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sync_engine: Engine | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._gate_fd: int | None = None
        # False in processes that only answer webhooks (set before the first write): their
        # writes leave WAL checkpoints to the worker process.
        self.checkpoints = True

    async def run_write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(connection, *args)` in one write transaction.  On SQLite it runs on a
        dedicated thread with a synchronous connection; elsewhere through the async engine."""
        if self._sync_engine is None:
            self._sync_engine = make_sync_sqlite_engine(self.url, autocheckpoint=self.checkpoints)
        if self._sync_engine is None:
            async with self.engine.execution_options(sqlite_immediate=True).begin() as conn:
                return await conn.run_sync(fn, *args)
        engine = self._sync_engine
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        gate = self._write_gate()

        def run() -> T:
            # Writers of every process take turns on an OS file lock first: a waiter wakes the
            # moment the holder is done, where SQLite's own busy handler sleeps 1, 2, 5, 10 ms...
            fcntl.flock(gate, fcntl.LOCK_EX)
            try:
                with engine.begin() as conn:
                    return fn(conn, *args)
            finally:
                fcntl.flock(gate, fcntl.LOCK_UN)

        return await asyncio.get_running_loop().run_in_executor(self._writer, run)

    def _write_gate(self) -> int:
        """The file descriptor of `<database>.write-lock`, opened once."""
        if self._gate_fd is None:
            db = make_url(self.url).database
            assert db, "run_write's file lock needs a database file"
            self._gate_fd = os.open(f"{db}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        return self._gate_fd

    async def run_write_session(self, fn: Callable[..., T], *args: Any) -> T:
        """`run_write` with an ORM session on the transaction's connection: `fn(session, *args)`;
        what it adds is flushed before the transaction commits."""

        def with_session(conn: Connection, *a: Any) -> T:
            with Session(bind=conn, expire_on_commit=False) as s:
                out = fn(s, *a)
                s.flush()
                return out

        return await self.run_write(with_session, *args)

    async def create_all(self) -> None:
        async with self.engine.execution_options(sqlite_immediate=True).begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        if self._sync_engine is not None:
            self._sync_engine.dispose()
        if self._gate_fd is not None:
            os.close(self._gate_fd)
            self._gate_fd = None
        await self.engine.dispose()
