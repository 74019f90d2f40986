"""Webhook payloads shaped like GitHub's documented ones (written by us, trimmed to what matters)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

SECRET = "It's a Secret to Everybody"


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def repo(full_name: str = "octo/demo") -> dict[str, Any]:
    owner, name = full_name.split("/")
    return {
        "id": 1,
        "name": name,
        "full_name": full_name,
        "private": False,
        "owner": {"login": owner, "type": "Organization"},
    }


def pull_request(
    action: str = "opened",
    number: int = 7,
    head: str = "a" * 40,
    *,
    draft: bool = False,
    state: str = "open",
    full_name: str = "octo/demo",
    installation: int | None = None,
) -> dict[str, Any]:
    p: dict[str, Any] = {
        "action": action,
        "number": number,
        "pull_request": {
            "number": number,
            "state": state,
            "draft": draft,
            "title": "Change",
            "user": {"login": "alice", "type": "User"},
            "head": {"sha": head, "ref": "feature"},
            "base": {"sha": "b" * 40, "ref": "main"},
        },
        "repository": repo(full_name),
        "sender": {"login": "alice", "type": "User"},
    }
    if installation is not None:
        p["installation"] = {"id": installation}
    return p


def issue_comment(
    body: str = "/recheck",
    *,
    number: int = 7,
    login: str = "bob",
    association: str = "MEMBER",
    user_type: str = "User",
    is_pr: bool = True,
    full_name: str = "octo/demo",
) -> dict[str, Any]:
    issue: dict[str, Any] = {"number": number, "state": "open", "user": {"login": "alice", "type": "User"}}
    if is_pr:
        issue["pull_request"] = {"url": f"https://api.github.com/repos/{full_name}/pulls/{number}"}
    return {
        "action": "created",
        "issue": issue,
        "comment": {
            "id": 99,
            "body": body,
            "user": {"login": login, "type": user_type},
            "author_association": association,
        },
        "repository": repo(full_name),
        "sender": {"login": login, "type": user_type},
    }


def headers(event: str, body: bytes, delivery: str | None = None, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body, secret),
        "Content-Type": "application/json",
    }


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()
