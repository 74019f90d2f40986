"""GitHub webhook intake: signature check and event → job decision (no I/O here)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.config import GitHubSettings
from bot.models import ChangeRef
from bot.platforms.base import parse_feedback

PR_ACTIONS = {"opened", "synchronize", "reopened", "ready_for_review"}


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body; sha1 is not accepted."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().encode())


@dataclass
class Decision:
    """What to do with one event: enqueue a job (`ref` set) or ignore it (`ignored` says why)."""

    ignored: str | None = None
    ref: ChangeRef | None = None
    reason: str = "auto"
    requested_by: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def api_host(api_url: str) -> str:
    host = urlsplit(api_url).hostname or "github.com"
    return "github.com" if host == "api.github.com" else host


def _ref(payload: dict[str, Any], number: int, head: str, host: str) -> ChangeRef:
    repo = payload["repository"]
    meta = {}
    inst = (payload.get("installation") or {}).get("id")
    if inst is not None:
        meta["installation_id"] = str(inst)
    return ChangeRef(
        platform="github", host=host, project=str(repo["full_name"]), number=int(number), revision=head, meta=meta
    )


def is_recheck(body: str, commands: list[str]) -> bool:
    """A comment whose first line is exactly a recheck command (case-insensitive)."""
    first = (body or "").strip().splitlines()[0].strip().lower() if (body or "").strip() else ""
    return any(re.fullmatch(re.escape(c.lower()), first) for c in commands)


def decide(event: str, payload: dict[str, Any], settings: GitHubSettings) -> Decision:
    """Raises KeyError/TypeError/ValueError on a payload that lacks what the event must carry."""
    host = api_host(settings.api_url)
    if event == "pull_request":
        action = payload.get("action")
        pr = payload["pull_request"]
        if action not in PR_ACTIONS:
            return Decision(ignored=f"pull_request action {action!r} is not reviewed")
        if pr.get("draft") and not settings.review_drafts:
            return Decision(ignored="draft pull request")
        if pr.get("state", "open") != "open":
            return Decision(ignored="pull request is not open")
        return Decision(ref=_ref(payload, pr["number"], str(pr["head"]["sha"]), host))
    if event == "issue_comment":
        if payload.get("action") != "created":
            return Decision(ignored=f"issue_comment action {payload.get('action')!r}")
        issue, comment = payload["issue"], payload["comment"]
        if not issue.get("pull_request"):
            return Decision(ignored="comment on an issue, not a pull request")
        user = comment.get("user") or {}
        if user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]"):
            return Decision(ignored="comment by a bot")
        if not is_recheck(str(comment.get("body", "")), settings.recheck_commands):
            return Decision(ignored="comment is not a command")
        author = (issue.get("user") or {}).get("login")
        allowed = comment.get("author_association") in settings.recheck_associations or user.get("login") == author
        if not allowed:
            return Decision(ignored=f"{user.get('login')} may not request a recheck")
        if issue.get("state", "open") != "open":
            return Decision(ignored="pull request is not open")
        return Decision(
            ref=_ref(payload, issue["number"], "", host), reason="recheck", requested_by=str(user.get("login"))
        )
    if event == "pull_request_review_comment":
        if payload.get("action") != "created":
            return Decision(ignored=f"review comment action {payload.get('action')!r}")
        comment, pr = payload["comment"], payload["pull_request"]
        user = comment.get("user") or {}
        if user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]"):
            return Decision(ignored="comment by a bot")
        if not comment.get("in_reply_to_id") or parse_feedback(str(comment.get("body", ""))) is None:
            return Decision(ignored="review comment is not feedback on one of our comments")
        return Decision(
            ref=_ref(payload, pr["number"], "", host), reason="feedback", requested_by=str(user.get("login"))
        )
    return Decision(ignored=f"event {event!r} is not handled")
