"""SQLAlchemy 2 async store: deliveries, jobs, runs, findings, posted reviews, comments (§8).

SQLite (aiosqlite) is the embedded default; the same models run on PostgreSQL.  SQLite is put
in WAL mode with synchronous=NORMAL, and webhook intake is group-committed (see intake.py) so
the 2xx stays fast under bursts.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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


def make_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True)


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False)

    async def create_all(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def close(self) -> None:
        await self.engine.dispose()
