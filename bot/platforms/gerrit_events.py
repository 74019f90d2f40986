"""Gerrit events (webhooks plugin or stream-events: the same JSON) → job decisions.  No I/O here.

Tolerates the real format's quirks: numbers as strings on old servers, a top-level `project`
that is a string or an object, missing fields.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

from bot.config import GerritSettings
from bot.models import ChangeRef
from bot.platforms.base import parse_feedback

_INLINE_REPLIES = re.compile(r"\(\d+ (?:inline )?comments?\)")
# The recheck trigger backtracks badly on long runs of spaces: only the start of a comment counts.
_TRIGGER_SPAN = 1000


@dataclass
class GerritDecision:
    ignored: str | None = None
    ref: ChangeRef | None = None
    reason: str = "auto"
    requested_by: str | None = None
    drop_waiting: str | None = None  # change key whose waiting jobs are dropped
    kind: str = ""


def host_of(settings: GerritSettings) -> str:
    return urlsplit(settings.url or "").hostname or settings.ssh_host or "gerrit"


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("boolean where a number was expected")
    return int(str(value).strip())


def _project(event: dict[str, Any]) -> str:
    change = event.get("change") or {}
    project = change.get("project") or event.get("project")
    if isinstance(project, dict):
        project = project.get("name")
    if not project or not isinstance(project, str):
        raise KeyError("project")
    return project


def delivery_key(event: dict[str, Any]) -> str:
    """Idempotency key: the webhooks plugin retries and carries no delivery id."""
    change = event.get("change") or {}
    ps = event.get("patchSet") or {}
    parts = [
        str(event.get("type")),
        str(change.get("number", "")),
        str(ps.get("number", "")),
        str(event.get("eventCreatedOn", "")),
        str(ps.get("revision", "")),
        hashlib.sha256(str(event.get("comment", "")).encode()).hexdigest()[:16],
    ]
    return "gerrit:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def is_recheck(comment: str, pattern: str) -> bool:
    return re.search(pattern, (comment or "")[:_TRIGGER_SPAN]) is not None


def _account(event: dict[str, Any], key: str) -> dict[str, Any]:
    acc = event.get(key)
    return acc if isinstance(acc, dict) else {}


def decide(event: dict[str, Any], settings: GerritSettings) -> GerritDecision:
    """Raises KeyError/ValueError/TypeError on an event that lacks what its type must carry."""
    kind = str(event.get("type", ""))
    if kind not in {"patchset-created", "comment-added", "change-abandoned", "change-merged"}:
        return GerritDecision(ignored=f"event type {kind!r} is not handled", kind=kind)
    change = event["change"]
    project = _project(event)
    number = _int(change["number"])
    host = host_of(settings)
    key = ChangeRef(platform="gerrit", host=host, project=project, number=number).key
    if kind in {"change-abandoned", "change-merged"}:
        return GerritDecision(ignored=f"{kind}: waiting jobs dropped", drop_waiting=key, kind=kind)
    ps = event.get("patchSet") or {}
    revision = str(ps.get("revision") or "")
    patchset = _int(ps["number"]) if ps.get("number") not in (None, "") else None
    ref = ChangeRef(platform="gerrit", host=host, project=project, number=number, revision=revision, patchset=patchset)
    if str(change.get("status", "NEW")) not in ("NEW", ""):
        return GerritDecision(ignored=f"change is {change.get('status')}", kind=kind)
    if kind == "patchset-created":
        return GerritDecision(ref=ref, kind=kind)
    author = _account(event, "author")
    username = str(author.get("username") or author.get("name") or "")
    if settings.username and username == settings.username:
        return GerritDecision(ignored="our own comment", kind=kind)
    if username in settings.ignore_users:
        return GerritDecision(ignored=f"comment by ignored user {username}", kind=kind)
    comment = str(event.get("comment", ""))
    if is_recheck(comment, settings.recheck_regex):
        return GerritDecision(ref=ref, reason="recheck", requested_by=username or None, kind=kind)
    # Inline replies are never in the event: "(N comments)" in the cover message says there are
    # some, and they may report our comments as not useful.
    if _INLINE_REPLIES.search(comment[:_TRIGGER_SPAN]) or parse_feedback(comment.split("\n\n", 1)[-1]):
        return GerritDecision(ref=ref, reason="feedback", requested_by=username or None, kind=kind)
    return GerritDecision(ignored="comment is not a recheck", kind=kind)


def parse_event(body: bytes) -> dict[str, Any]:
    """Raises ValueError on malformed JSON or invalid UTF-8 (orjson.JSONDecodeError is one)."""
    data = orjson.loads(body)
    if not isinstance(data, dict):
        raise ValueError("event is not a JSON object")
    return data


def check_token(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
