"""The Platform protocol: what the platform-neutral pipeline needs from GitHub or Gerrit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from bot.models import ChangedFile, ChangeRef, Review, SkippedFile

_FP_MARKER = re.compile(r"reviewbot:fp=([0-9a-f]{8,64})")
_REVIEW_MARKER = "reviewbot:review"


def fingerprint_of(body: str) -> str | None:
    """The fingerprint marker embedded in one of our comments, if any."""
    m = _FP_MARKER.search(body or "")
    return m.group(1) if m else None


def fp_marker(fingerprint: str) -> str:
    return f"reviewbot:fp={fingerprint}"


_FEEDBACK = re.compile(
    r"(?is)^\s*(?:/reviewbot\s+(?P<cmd>not-useful|ignore)\b(?P<why>.*)|(?P<plain>not useful)\b(?P<why2>.*))$"
)
_RULE_IN_BODY = re.compile(r"\*\*([a-z-]+\.[\w.-]+)\*\*")


def parse_feedback(text: str) -> tuple[str, str] | None:
    """(kind, reason) of a feedback reply, or None: `not useful …`, `/reviewbot not-useful …`,
    `/reviewbot ignore …`."""
    m = _FEEDBACK.match((text or "")[:2000])
    if not m:
        return None
    kind = "ignore" if (m.group("cmd") or "").lower() == "ignore" else "not-useful"
    reason = (m.group("why") or m.group("why2") or "").strip(" :-\n\t")
    return kind, reason[:500]


def rule_of(body: str) -> str:
    m = _RULE_IN_BODY.search(body or "")
    return m.group(1) if m else ""


def review_marker(revision: str, ruleset: str) -> str:
    """Identifies our automatic review of one revision with one rule set."""
    return f"{_REVIEW_MARKER} rev={revision} ruleset={ruleset}"


@dataclass
class FetchedChange:
    """A change as of its newest revision: files with contents, ready to scan."""

    ref: ChangeRef
    files: dict[str, ChangedFile] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    open: bool = True
    draft: bool = False


@dataclass
class PostedComment:
    """One of our earlier inline comments, found on the platform."""

    fingerprint: str
    comment_id: str
    thread_id: str
    path: str
    line: int | None
    resolved: bool


@dataclass
class Feedback:
    """A reply to one of our comments that reports it as not useful (or asks to ignore it)."""

    reply_id: str
    comment: PostedComment
    rule_id: str
    kind: str
    reason: str
    author: str


class PlatformError(Exception):
    """A permanent platform failure (not retried)."""


class Platform(Protocol):
    name: str

    async def fetch_change(self, ref: ChangeRef) -> FetchedChange: ...

    async def posted_comments(self, ref: ChangeRef) -> list[PostedComment]: ...

    async def find_review(self, ref: ChangeRef, marker: str) -> str | None: ...

    async def post_review(self, ref: ChangeRef, review: Review, marker: str) -> str: ...

    async def resolve(self, ref: ChangeRef, comments: list[PostedComment], revision: str) -> int: ...

    async def reply(self, ref: ChangeRef, text: str) -> None: ...

    async def feedback(self, ref: ChangeRef) -> list[Feedback]: ...
