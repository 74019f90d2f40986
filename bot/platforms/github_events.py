"""GitHub webhook intake: signature check, the payload models, event → job decision (no I/O here).

Each handled event has a lean pydantic model holding only the fields the decision reads; it is
validated straight from the raw body (`parse_event`), so the rest of a 10–30 KB payload
(repository, sender, links, ...) is checked as JSON but never becomes Python objects.  Every
field is optional at this level: an event we ignore is never refused for its shape, and
`decide` names the field a handled event lacks.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Model):
    login: str | None = None
    type: str | None = None


class Head(_Model):
    sha: str | None = None


class PullRequest(_Model):
    number: int | None = None
    draft: bool | None = None
    state: str | None = None
    head: Head | None = None


class Present(_Model):
    """An object whose presence is what counts (`issue.pull_request`)."""


class Issue(_Model):
    number: int | None = None
    state: str | None = None
    pull_request: Present | None = None
    user: User | None = None


class Comment(_Model):
    body: str | None = None
    user: User | None = None
    author_association: str | None = None
    in_reply_to_id: int | None = None


class Repository(_Model):
    full_name: str | None = None


class Installation(_Model):
    id: int | None = None


class Event(_Model):
    """Any event: only that the body is a JSON object is checked."""


class PingEvent(Event):
    zen: str | None = None


class ChangeEvent(Event):
    action: str | None = None
    repository: Repository | None = None
    installation: Installation | None = None


class PullRequestEvent(ChangeEvent):
    pull_request: PullRequest | None = None


class IssueCommentEvent(ChangeEvent):
    issue: Issue | None = None
    comment: Comment | None = None


class ReviewCommentEvent(ChangeEvent):
    comment: Comment | None = None
    pull_request: PullRequest | None = None


MODELS: dict[str, type[Event]] = {
    "ping": PingEvent,
    "pull_request": PullRequestEvent,
    "issue_comment": IssueCommentEvent,
    "pull_request_review_comment": ReviewCommentEvent,
}


class MalformedPayload(ValueError):
    """The body is not a JSON object (`json=True`), or a field has the wrong type."""

    def __init__(self, message: str, *, json: bool) -> None:
        super().__init__(message)
        self.json = json


def parse_event(event: str, body: bytes) -> Event:
    """The event's model, validated from the raw body (invalid UTF-8 is invalid JSON)."""
    try:
        return MODELS.get(event, Event).model_validate_json(body)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        if err["type"] in {"json_invalid", "json_type", "model_type", "model_attributes_type"} and not err["loc"]:
            raise MalformedPayload(str(err["msg"]), json=True) from None
        where = ".".join(str(part) for part in err["loc"])
        raise MalformedPayload(f"{where}: {err['msg']}", json=False) from None


def _need(value: Any, name: str) -> Any:
    if value is None:
        raise KeyError(name)
    return value


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


def _ref(ev: ChangeEvent, number: int | None, head: str, host: str) -> ChangeRef:
    repo = _need(ev.repository, "repository")
    meta = {}
    if ev.installation is not None and ev.installation.id is not None:
        meta["installation_id"] = str(ev.installation.id)
    return ChangeRef(
        platform="github",
        host=host,
        project=_need(repo.full_name, "repository.full_name"),
        number=_need(number, "number"),
        revision=head,
        meta=meta,
    )


def is_recheck(body: str, commands: list[str]) -> bool:
    """A comment whose first line is exactly a recheck command (case-insensitive)."""
    first = (body or "").strip().splitlines()[0].strip().lower() if (body or "").strip() else ""
    return any(re.fullmatch(re.escape(c.lower()), first) for c in commands)


def _is_bot(user: User) -> bool:
    return user.type == "Bot" or (user.login or "").endswith("[bot]")


def decide(event: str, ev: Event, settings: GitHubSettings) -> Decision:
    """Raises KeyError (the missing field's name) on a payload that lacks what the event must carry."""
    host = api_host(settings.api_url)
    if isinstance(ev, PullRequestEvent):
        pr = _need(ev.pull_request, "pull_request")
        if ev.action not in PR_ACTIONS:
            return Decision(ignored=f"pull_request action {ev.action!r} is not reviewed")
        if pr.draft and not settings.review_drafts:
            return Decision(ignored="draft pull request")
        if (pr.state or "open") != "open":
            return Decision(ignored="pull request is not open")
        head = _need(_need(pr.head, "pull_request.head").sha, "pull_request.head.sha")
        return Decision(ref=_ref(ev, pr.number, head, host))
    if isinstance(ev, IssueCommentEvent):
        if ev.action != "created":
            return Decision(ignored=f"issue_comment action {ev.action!r}")
        issue, comment = _need(ev.issue, "issue"), _need(ev.comment, "comment")
        if issue.pull_request is None:
            return Decision(ignored="comment on an issue, not a pull request")
        user = comment.user or User()
        if _is_bot(user):
            return Decision(ignored="comment by a bot")
        if not is_recheck(comment.body or "", settings.recheck_commands):
            return Decision(ignored="comment is not a command")
        author = (issue.user or User()).login
        allowed = comment.author_association in settings.recheck_associations or user.login == author
        if not allowed:
            return Decision(ignored=f"{user.login} may not request a recheck")
        if (issue.state or "open") != "open":
            return Decision(ignored="pull request is not open")
        return Decision(ref=_ref(ev, issue.number, "", host), reason="recheck", requested_by=str(user.login))
    if isinstance(ev, ReviewCommentEvent):
        if ev.action != "created":
            return Decision(ignored=f"review comment action {ev.action!r}")
        comment, pr = _need(ev.comment, "comment"), _need(ev.pull_request, "pull_request")
        user = comment.user or User()
        if _is_bot(user):
            return Decision(ignored="comment by a bot")
        if not comment.in_reply_to_id or parse_feedback(comment.body or "") is None:
            return Decision(ignored="review comment is not feedback on one of our comments")
        return Decision(ref=_ref(ev, pr.number, "", host), reason="feedback", requested_by=str(user.login))
    return Decision(ignored=f"event {event!r} is not handled")
