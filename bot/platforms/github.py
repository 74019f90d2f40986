"""GitHub adapter: PyGithub (run off the event loop) for reading pull requests and posting reviews."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubIntegration
from urllib3.util.retry import Retry

from bot.config import GitHubSettings, ReviewSettings
from bot.constants import PYTHON_SUFFIXES
from bot.diff import DiffError, parse_diff
from bot.models import EXCLUDED, NOT_PYTHON, ChangedFile, ChangeRef, FileStatus, Review, ReviewComment, SkippedFile
from bot.paths import UnsafePathError, is_excluded, safe_relpath
from bot.platforms.base import (
    Feedback,
    FetchedChange,
    PlatformError,
    PostedComment,
    fingerprint_of,
    fp_marker,
    parse_feedback,
    rule_of,
)
from bot.queue import TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")
GITHUB_FILE_CAP = 3000
_STATUS = {"added": FileStatus.ADDED, "removed": FileStatus.DELETED, "renamed": FileStatus.RENAMED}

_THREADS_QUERY = """
query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        nodes { id isResolved comments(first: 50) { nodes { databaseId body path line author { login } } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""
_RESOLVE = "mutation($id: ID!) { resolveReviewThread(input: {threadId: $id}) { thread { id isResolved } } }"


def _retry_after(exc: GithubException) -> float | None:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    if "retry-after" in headers:
        try:
            return float(headers["retry-after"])
        except ValueError:
            return None
    if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
        try:
            return max(0.0, float(headers["x-ratelimit-reset"]) - time.time()) + 1
        except ValueError:
            return None
    return None


def classify(exc: Exception) -> Exception:
    """Map client errors to TransientError (retry later) or PlatformError (give up)."""
    if isinstance(exc, GithubException):
        msg = str((exc.data or {}).get("message", "")) if isinstance(exc.data, dict) else ""
        if exc.status >= 500 or exc.status == 429:
            return TransientError(f"GitHub {exc.status}: {msg}", _retry_after(exc))
        if exc.status == 403 and ("rate limit" in msg.lower() or _retry_after(exc) is not None):
            return TransientError(f"GitHub rate limit: {msg}", _retry_after(exc) or 60.0)
        return PlatformError(f"GitHub {exc.status}: {msg}")
    if isinstance(exc, (requests.Timeout, requests.ConnectionError)):
        return TransientError(f"GitHub unreachable: {type(exc).__name__}")
    return exc


class GitHubPlatform:
    name = "github"

    def __init__(self, settings: GitHubSettings, review: ReviewSettings | None = None) -> None:
        self.settings = settings
        self.review_settings = review or ReviewSettings()
        self._clients: dict[str, tuple[Github, float]] = {}
        self._integration: GithubIntegration | None = None

    # -- clients --------------------------------------------------------------------------
    def _kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self.settings.api_url.rstrip("/"),
            "timeout": int(self.settings.request_timeout_s),
            # Reads are retried in place; writes are retried by the job queue (after an
            # idempotency check), never blindly.
            "retry": Retry(
                total=3,
                backoff_factor=0.2,
                status_forcelist=(500, 502, 503, 504),
                allowed_methods=frozenset({"GET"}),
                respect_retry_after_header=False,
            ),
            "seconds_between_requests": self.settings.seconds_between_requests,
            "seconds_between_writes": self.settings.seconds_between_writes,
            "per_page": 100,
        }

    def client(self, ref: ChangeRef) -> Github:
        inst = ref.meta.get("installation_id", "")
        cached = self._clients.get(inst)
        if cached and cached[1] > time.time():
            return cached[0]
        if self.settings.app_id is not None and self.settings.private_key_path is not None:
            if not inst:
                raise PlatformError("GitHub App configured but the event carries no installation id")
            key = Path(self.settings.private_key_path).read_text()
            app = Auth.AppAuth(self.settings.app_id, key)
            if self._integration is None:
                self._integration = GithubIntegration(auth=app, **self._kwargs())
            token = self._integration.get_access_token(int(inst))
            gh = Github(auth=Auth.Token(token.token), lazy=True, **self._kwargs())
            # Installation tokens last an hour: renew well before.
            self._clients[inst] = (gh, time.time() + 45 * 60)
            return gh
        if self.settings.token is None:
            raise PlatformError("no GitHub credentials: set github.token or github.app_id + private_key_path")
        gh = Github(auth=Auth.Token(self.settings.token.get_secret_value()), lazy=True, **self._kwargs())
        self._clients[inst] = (gh, float("inf"))
        return gh

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except GithubException as exc:
            if exc.status == 401 and self.settings.app_id is not None:
                # An installation token expired or was revoked early: fetch a new one next time.
                self._clients.clear()
                raise TransientError("GitHub rejected the installation token; renewing it") from exc
            mapped = classify(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        except Exception as exc:
            mapped = classify(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    # -- reading --------------------------------------------------------------------------
    async def fetch_change(self, ref: ChangeRef) -> FetchedChange:
        return await self._call(self._fetch_change_sync, ref)

    def _fetch_change_sync(self, ref: ChangeRef) -> FetchedChange:
        gh = self.client(ref)
        repo = gh.get_repo(ref.project)
        pr = repo.get_pull(ref.number)
        new_ref = ref.model_copy(update={"revision": pr.head.sha})
        out = FetchedChange(ref=new_ref, open=pr.state == "open", draft=bool(pr.draft))
        if not out.open:
            return out
        files: list[Any] = list(pr.get_files()[: GITHUB_FILE_CAP + 1])
        if len(files) >= GITHUB_FILE_CAP or pr.changed_files > len(files):
            out.notes.append(
                f"GitHub lists at most {GITHUB_FILE_CAP} files of a pull request: "
                f"{max(pr.changed_files - len(files), 0)} file(s) were not reviewed."
            )
        blobs: dict[str, str] = {}
        for f in files:
            cf = self._changed_file(f)
            if cf is None:
                continue
            if cf.skipped:
                out.skipped.append(SkippedFile(path=cf.path, reason=cf.skipped))
                continue
            out.files[cf.path] = cf
            blobs[cf.path] = f.sha
        out.contents = self._blobs(repo, blobs, out)
        for path in list(out.files):
            if path not in out.contents:
                del out.files[path]
        return out

    def _changed_file(self, f: Any) -> ChangedFile | None:
        status = _STATUS.get(f.status, FileStatus.MODIFIED)
        if status is FileStatus.DELETED:
            return None
        try:
            path = safe_relpath(f.filename)
        except UnsafePathError as exc:
            return ChangedFile(path=f.filename or "?", status=status, skipped=str(exc))
        if is_excluded(path, self.review_settings.exclude_paths):
            return ChangedFile(path=path, status=status, skipped=EXCLUDED)
        name = path.rsplit("/", 1)[-1]
        if not path.endswith(PYTHON_SUFFIXES) and "." in name:
            # Not fetched at all; extensionless files may be scripts (shebang) and are fetched.
            return ChangedFile(path=path, status=status, skipped=NOT_PYTHON)
        if f.patch is None:
            reason = "GitHub sent no diff for this file (binary or too large): not reviewed"
            return ChangedFile(path=path, status=status, skipped=reason)
        try:
            parsed = parse_diff(f"--- a/{path}\n+++ b/{path}\n{f.patch}\n")
        except DiffError as exc:
            return ChangedFile(path=path, status=status, skipped=f"unreadable diff: {exc}")
        if not parsed:
            return ChangedFile(path=path, status=status, skipped="empty diff")
        cf = parsed[0]
        return cf.model_copy(update={"path": path, "status": status, "old_path": f.previous_filename})

    def _blobs(self, repo: Any, blobs: dict[str, str], out: FetchedChange) -> dict[str, bytes]:
        from concurrent.futures import ThreadPoolExecutor

        def get(item: tuple[str, str]) -> tuple[str, bytes | None, str | None]:
            path, sha = item
            try:
                blob = repo.get_git_blob(sha)
            except GithubException as exc:
                if exc.status >= 500 or exc.status in (403, 429):
                    raise
                return path, None, f"blob not readable ({exc.status})"
            if blob.encoding != "base64":
                return path, None, f"unexpected blob encoding {blob.encoding!r}"
            return path, base64.b64decode(blob.content), None

        contents: dict[str, bytes] = {}
        with ThreadPoolExecutor(max_workers=8) as pool:
            for path, data, err in pool.map(get, blobs.items()):
                if data is None:
                    out.skipped.append(SkippedFile(path=path, reason=err or "unreadable"))
                else:
                    contents[path] = data
        return contents

    async def posted_comments(self, ref: ChangeRef) -> list[PostedComment]:
        return await self._call(self._posted_sync, ref)

    def _threads_sync(self, ref: ChangeRef) -> list[tuple[dict[str, Any], list[dict[str, Any]], PostedComment]]:
        """(root, replies, posted) for every review thread we started (root carries our fingerprint)."""
        gh = self.client(ref)
        owner, name = ref.project.split("/", 1)
        out = []
        after: str | None = None
        while True:
            _, data = gh.requester.graphql_query(
                _THREADS_QUERY, {"owner": owner, "name": name, "number": ref.number, "after": after}
            )
            threads = data["data"]["repository"]["pullRequest"]["reviewThreads"]
            for t in threads["nodes"]:
                nodes = (t.get("comments") or {}).get("nodes") or []
                if not nodes:
                    continue
                c = nodes[0]
                fp = fingerprint_of(c.get("body") or "")
                if fp is None:
                    continue
                posted = PostedComment(
                    fingerprint=fp,
                    comment_id=str(c.get("databaseId", "")),
                    thread_id=str(t["id"]),
                    path=str(c.get("path", "")),
                    line=c.get("line"),
                    resolved=bool(t.get("isResolved")),
                )
                out.append((c, nodes[1:], posted))
            if not threads["pageInfo"]["hasNextPage"]:
                return out
            after = threads["pageInfo"]["endCursor"]

    def _posted_sync(self, ref: ChangeRef) -> list[PostedComment]:
        return [posted for _, _, posted in self._threads_sync(ref)]

    async def feedback(self, ref: ChangeRef) -> list[Feedback]:
        def collect() -> list[Feedback]:
            out = []
            for root, replies, posted in self._threads_sync(ref):
                for r in replies:
                    parsed = parse_feedback(r.get("body") or "")
                    if parsed is None or fingerprint_of(r.get("body") or ""):
                        continue
                    out.append(
                        Feedback(
                            reply_id=str(r.get("databaseId", "")),
                            comment=posted,
                            rule_id=rule_of(root.get("body") or ""),
                            kind=parsed[0],
                            reason=parsed[1],
                            author=str((r.get("author") or {}).get("login", "")),
                        )
                    )
            return out

        return await self._call(collect)

    async def find_review(self, ref: ChangeRef, marker: str) -> str | None:
        def find() -> str | None:
            pr = self.client(ref).get_repo(ref.project).get_pull(ref.number)
            for r in pr.get_reviews():
                if marker in (r.body or ""):
                    return str(r.id)
            return None

        return await self._call(find)

    # -- writing --------------------------------------------------------------------------
    @staticmethod
    def comment_payload(c: ReviewComment) -> dict[str, Any]:
        body = f"{c.body}\n\n<!-- {fp_marker(c.fingerprint)} -->"
        out: dict[str, Any] = {"path": c.path, "body": body, "line": c.end_line, "side": "RIGHT"}
        if c.start_line != c.end_line:
            out |= {"start_line": c.start_line, "start_side": "RIGHT"}
        return out

    async def post_review(self, ref: ChangeRef, review: Review, marker: str) -> str:
        return await self._call(self._post_sync, ref, review, marker)

    def _post_sync(self, ref: ChangeRef, review: Review, marker: str) -> str:
        repo = self.client(ref).get_repo(ref.project)
        pr = repo.get_pull(ref.number)
        if pr.head.sha != ref.revision:
            log.info("%s moved from %s to %s while reviewing", ref.key, ref.revision[:12], pr.head.sha[:12])
        commit = repo.get_commit(ref.revision)
        body = f"{review.summary}\n\n<!-- {marker} -->"
        comments = [self.comment_payload(c) for c in review.comments]
        try:
            posted = pr.create_review(
                commit=commit,
                body=body,
                event=self.settings.review_event,
                comments=comments,  # type: ignore[arg-type]
            )
        except GithubException as exc:
            if exc.status != 422 or not comments:
                raise
            # GitHub refused an inline position; keep every finding by listing them in the body.
            log.warning("%s: GitHub refused inline comments (422); posting them in the summary", ref.key)
            listed = "\n".join(f"- `{c.path}` line {c.end_line}: **{c.rule_id}**" for c in review.comments)
            body = f"{review.summary}\n\nFindings (GitHub could not place them inline):\n{listed}\n\n<!-- {marker} -->"
            posted = pr.create_review(commit=commit, body=body, event="COMMENT")
        return str(posted.id)

    async def resolve(self, ref: ChangeRef, comments: list[PostedComment], revision: str) -> int:
        def resolve_all() -> int:
            gh = self.client(ref)
            pr = None
            n = 0
            for c in comments:
                try:
                    gh.requester.graphql_query(_RESOLVE, {"id": c.thread_id})
                    n += 1
                except GithubException as exc:
                    if exc.status >= 500:
                        raise
                    # No permission to resolve: say it instead.
                    pr = pr or gh.get_repo(ref.project).get_pull(ref.number)
                    pr.create_review_comment_reply(int(c.comment_id), f"Fixed in {revision[:12]}.")
                    n += 1
            return n

        return await self._call(resolve_all)

    async def reply(self, ref: ChangeRef, text: str) -> None:
        def post() -> None:
            self.client(ref).get_repo(ref.project).get_issue(ref.number).create_comment(text)

        await self._call(post)
