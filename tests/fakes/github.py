"""In-process fake of GitHub's REST v3 and GraphQL APIs, for end-to-end tests of the bot.

It follows GitHub's documented behaviour, not any client's expectations::

    fake = FakeGitHub(tokens={"ghp_test": "reviewbot"})
    fake.add_repo("acme", "widgets")
    fake.add_pull("acme", "widgets", 7, head_sha=fake_sha("head"), base_sha=fake_sha("base"),
                  files=[FileChange.modified("app.py", old=b"a = 1\\n", new=b"a = 2\\n")])

    async with fake:                        # or: url = await fake.start() ... await fake.stop()
        ...                                 # point aiohttp / the bot at fake.url
    with fake.serve_in_thread() as url:     # for synchronous clients such as PyGithub
        Github(auth=Auth.Token("ghp_test"), base_url=url, retry=None,
               seconds_between_requests=0, seconds_between_writes=0)

Covered: token and GitHub App (JWT → installation token) authentication; repositories, pull requests, files
(paginated with ``Link`` headers, computed unified patches), blobs, contents, commits; reviews validated
against the diff (422 and nothing stored when an anchor is not in the diff), review comments, replies,
threads, issue comments, reactions; GraphQL for review threads (query, resolve/unresolve, reply), aliased
``repository.object(expression:)`` blob batches and a few more fields; rate-limit headers and accounting;
fault injection (errors, primary/secondary rate limits, delays). Not covered: webhooks, checks, statuses,
ETags, permissions beyond "installation tokens only see their account's repositories".

Behaviour worth knowing: a multi-line comment needs start_line < line (GitHub rejects start_line == line) in
the same hunk; LEFT-side anchors and the deprecated ``position`` work too. Replies and single review comments
create a COMMENTED review each, as on GitHub. After ``push()`` a thread keeps its anchor (moved to the new head)
while its lines are unchanged and in the new diff, otherwise ``line``/``position`` become None (outdated).
The ``sha`` of a removed file is the old blob's. JWT-only endpoints (``/app...``, ``/repos/{o}/{r}/installation``)
reject tokens; installation tokens are ``ghs_...`` acting as ``<slug>[bot]`` and expire after
``installation_token_ttl``. Missing auth is 401 "Requires authentication", an unknown token 401 "Bad credentials".
"""

from __future__ import annotations

import asyncio
import base64
import difflib
import hashlib
import itertools
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeAlias
from urllib.parse import quote, urlencode

from aiohttp import web

from tests.fakes._server import LoopbackServer

try:
    import jwt as pyjwt
except ImportError:  # pragma: no cover - PyJWT is a PyGithub dependency
    pyjwt = None

WEB_URL = "https://github.com"
DOCS_URL = "https://docs.github.com/rest"
REVIEW_DOCS_URL = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"
REVIEW_COMMENT_DOCS_URL = "https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request"
RATE_LIMIT_DOCS_URL = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_RATE_LIMIT_DOCS_URL = RATE_LIMIT_DOCS_URL + "#about-secondary-rate-limits"
APP_DOCS_URL = "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"

MAX_PULL_FILES = 3000  # GET /pulls/{n}/files lists at most this many files
MAX_DIFF_FILES = 300  # the diff media type refuses bigger diffs with 406
MAX_DIFF_LINES = 20000
MAX_BODY_CHARS = 65536
CONTENTS_INLINE_LIMIT = 1024 * 1024  # contents API: bigger files come with encoding "none" and no content
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
MAX_GRAPHQL_PAGE = 100

_CONTEXT_LINES = 3
_BINARY_PROBE = 8000  # git looks for a NUL byte in the first 8000 bytes
_FUNCNAME_BYTES = 80
_REVIEW_EVENTS = {"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}
_REACTIONS = frozenset({"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"})
_LOGGED_HEADERS = ("Authorization", "Accept", "Content-Type", "User-Agent", "X-GitHub-Api-Version", "If-None-Match")
_RAW_MEDIA = re.compile(r"application/vnd\.github(?:\.v3)?\.raw")
_DIFF_MEDIA = re.compile(r"application/vnd\.github(?:\.v3)?\.diff")
_JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_SERVER_ERROR_HTML = (
    "<!DOCTYPE html>\n<html><head><title>Unicorn! &middot; GitHub</title></head>\n"
    "<body><p>No server is currently available to service your request.</p>"
    "<p>Sorry about that. Please try refreshing and contact us if the problem persists.</p></body></html>\n"
)
_SERVER_ERROR_MESSAGES = {
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request "
    "and contact us if the problem persists.",
}

Content: TypeAlias = bytes | str
Handler: TypeAlias = Callable[[web.Request], Awaitable[web.StreamResponse]]


# ----------------------------------------------------------------------------------------------------------------
# Small helpers


def git_blob_sha(content: bytes) -> str:
    """Git's object id of a blob: sha1 of ``b"blob <size>\\0" + content``."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def fake_sha(seed: str) -> str:
    """A deterministic 40-hex commit id for tests, e.g. ``fake_sha("head-1")``."""
    return hashlib.sha1(seed.encode()).hexdigest()


def _as_bytes(content: Content | None) -> bytes | None:
    if content is None or isinstance(content, bytes):
        return content
    return content.encode()


def _is_binary(data: bytes) -> bool:
    return b"\0" in data[:_BINARY_PROBE]


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b64_lines(data: bytes) -> str:
    """Base64 in 60-character lines each ending in a newline, the way GitHub sends blob and file content."""
    encoded = base64.b64encode(data).decode()
    return "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))


def _node_id(prefix: str, number: int) -> str:
    packed = base64.urlsafe_b64encode(f"{prefix}:{number}".encode()).decode().rstrip("=")
    return f"{prefix}_kwDO{packed}"


def _int_param(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _git_path_key(path: str) -> bytes:
    return path.encode()


# ----------------------------------------------------------------------------------------------------------------
# Diffs: unified patches like git's (hunk headers with function context, "\ No newline at end of file"),
# plus the line maps GitHub uses to validate review comment anchors.


@dataclass(frozen=True)
class _DiffLine:
    kind: str  # " " context, "-" deleted, "+" added
    old: int | None  # line number in the old file (context and deleted lines)
    new: int | None  # line number in the new file (context and added lines)
    text: str
    position: int  # GitHub's (deprecated) diff position: lines below the first "@@" header
    hunk: int
    no_newline: bool

    def render(self) -> str:
        text = f"{self.kind}{self.text}"
        return text + "\n\\ No newline at end of file" if self.no_newline else text


@dataclass(frozen=True)
class _Hunk:
    header: str
    position: int
    lines: tuple[_DiffLine, ...]


@dataclass
class _FileDiff:
    binary: bool = False
    hunks: list[_Hunk] = field(default_factory=list)
    right: dict[int, _DiffLine] = field(default_factory=dict)  # RIGHT side: added and context lines
    left: dict[int, _DiffLine] = field(default_factory=dict)  # LEFT side: deleted and context lines
    by_position: dict[int, _DiffLine] = field(default_factory=dict)
    additions: int = 0
    deletions: int = 0

    @property
    def patch(self) -> str | None:
        if self.binary or not self.hunks:
            return None
        out: list[str] = []
        for hunk in self.hunks:
            out.append(hunk.header)
            out.extend(line.render() for line in hunk.lines)
        return "\n".join(out)

    def side(self, side: str) -> dict[int, _DiffLine]:
        return self.right if side == "RIGHT" else self.left

    def diff_hunk(self, anchor: _DiffLine) -> str:
        """The hunk text down to the anchored line, as in a review comment's ``diff_hunk``."""
        hunk = self.hunks[anchor.hunk]
        lines = [line.render() for line in hunk.lines if line.position <= anchor.position]
        return "\n".join([hunk.header, *lines])


def _split_lines(data: bytes) -> list[bytes]:
    """Split on b"\\n" only (as git does), keeping terminators so a missing final newline is a difference."""
    if not data:
        return []
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _hunk_range(start: int, end: int) -> str:
    length = end - start
    if length == 0:
        return f"{start},0"
    if length == 1:
        return str(start + 1)
    return f"{start + 1},{length}"


def _funcname(lines: Sequence[bytes], before: int) -> str:
    """git's default hunk-header context: the last line above the hunk starting with a letter, ``_`` or ``$``."""
    for raw in reversed(lines[:before]):
        first = raw[:1]
        if first.isalpha() or first in (b"_", b"$"):
            return raw[:_FUNCNAME_BYTES].rstrip().decode("utf-8", "replace")
    return ""


class _DiffBuilder:
    def __init__(self) -> None:
        self.diff = _FileDiff()
        self.position = 0
        self.lines: list[_DiffLine] = []

    def emit(self, kind: str, old: int | None, new: int | None, raw: bytes) -> None:
        self.position += 1
        no_newline = not raw.endswith(b"\n")
        text = (raw if no_newline else raw[:-1]).decode("utf-8", "replace")
        line = _DiffLine(kind, old, new, text, self.position, len(self.diff.hunks), no_newline)
        self.lines.append(line)
        self.diff.by_position[line.position] = line
        if old is not None:
            self.diff.left[old] = line
        if new is not None:
            self.diff.right[new] = line
        self.diff.additions += kind == "+"
        self.diff.deletions += kind == "-"
        if no_newline:
            self.position += 1  # the "\ No newline at end of file" marker is a line of the patch too

    def build(self, old: bytes, new: bytes) -> _FileDiff:
        if _is_binary(old) or _is_binary(new):
            self.diff.binary = True
            return self.diff
        a, b = _split_lines(old), _split_lines(new)
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for group in matcher.get_grouped_opcodes(_CONTEXT_LINES):
            if all(op[0] == "equal" for op in group):
                continue
            i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
            header = f"@@ -{_hunk_range(i1, i2)} +{_hunk_range(j1, j2)} @@"
            if func := _funcname(a, i1):
                header = f"{header} {func}"
            if self.diff.hunks:
                self.position += 1  # later hunk headers count as positions
            header_position = self.position
            self.lines = []
            for tag, x1, x2, y1, y2 in group:
                if tag == "equal":
                    for k in range(x2 - x1):
                        self.emit(" ", x1 + k + 1, y1 + k + 1, a[x1 + k])
                    continue
                for k in range(x1, x2):
                    self.emit("-", k + 1, None, a[k])
                for k in range(y1, y2):
                    self.emit("+", None, k + 1, b[k])
            self.diff.hunks.append(_Hunk(header, header_position, tuple(self.lines)))
        return self.diff


def compute_diff(old: bytes | None, new: bytes | None) -> _FileDiff:
    return _DiffBuilder().build(old or b"", new or b"")


def _map_line(old: bytes, new: bytes, line: int) -> int | None:
    """Where line ``line`` of ``old`` is in ``new``, if it survived unchanged."""
    matcher = difflib.SequenceMatcher(None, _split_lines(old), _split_lines(new), autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal" and i1 < line <= i2:
            return j1 + (line - i1)
    return None


# ----------------------------------------------------------------------------------------------------------------
# Public records (what tests inspect)


FileStatus: TypeAlias = Literal["added", "modified", "removed", "renamed"]


@dataclass(frozen=True)
class FileChange:
    """One file of a pull request: new content (None when removed) and old content (None when added)."""

    path: str
    new: bytes | None
    old: bytes | None = None
    status: FileStatus | None = None  # inferred when None
    previous_filename: str | None = None  # required for "renamed"
    patch_omitted: bool = False  # simulate GitHub leaving out `patch` (huge diffs)

    def __post_init__(self) -> None:
        object.__setattr__(self, "new", _as_bytes(self.new))
        object.__setattr__(self, "old", _as_bytes(self.old))
        status = self.status
        if status is None:
            if self.previous_filename is not None:
                status = "renamed"
            elif self.old is None:
                status = "added"
            elif self.new is None:
                status = "removed"
            else:
                status = "modified"
            object.__setattr__(self, "status", status)
        checks = {
            "added": self.old is None and self.new is not None,
            "removed": self.old is not None and self.new is None,
            "modified": self.old is not None and self.new is not None,
            "renamed": self.previous_filename is not None and self.old is not None and self.new is not None,
        }
        if not checks.get(status, False):
            raise ValueError(f"inconsistent FileChange for {self.path!r}: status {status!r}")

    @classmethod
    def added(cls, path: str, content: Content) -> FileChange:
        return cls(path, _as_bytes(content), None, "added")

    @classmethod
    def modified(cls, path: str, old: Content, new: Content) -> FileChange:
        return cls(path, _as_bytes(new), _as_bytes(old), "modified")

    @classmethod
    def removed(cls, path: str, old: Content) -> FileChange:
        return cls(path, None, _as_bytes(old), "removed")

    @classmethod
    def renamed(cls, previous: str, path: str, old: Content, new: Content | None = None) -> FileChange:
        return cls(path, _as_bytes(new if new is not None else old), _as_bytes(old), "renamed", previous)


@dataclass
class ReviewComment:
    id: int
    node_id: str
    repo: str  # "owner/name"
    pull_number: int
    review_id: int
    thread_id: str
    user: str
    body: str
    path: str
    side: str | None
    start_side: str | None
    line: int | None  # None once outdated
    start_line: int | None
    original_line: int | None
    original_start_line: int | None
    position: int | None
    original_position: int | None
    commit_id: str
    original_commit_id: str
    diff_hunk: str
    in_reply_to_id: int | None
    subject_type: str = "line"
    created_at: str = ""
    updated_at: str = ""
    reactions: list[tuple[str, str]] = field(default_factory=list)  # (login, content)
    minimized_reason: str | None = None


@dataclass
class Thread:
    id: str
    repo: str
    pull_number: int
    comments: list[ReviewComment]
    is_resolved: bool = False
    resolved_by: str | None = None

    @property
    def root(self) -> ReviewComment:
        return self.comments[0]

    @property
    def path(self) -> str:
        return self.root.path

    @property
    def line(self) -> int | None:
        return self.root.line

    @property
    def is_outdated(self) -> bool:
        return self.root.subject_type == "line" and self.root.line is None


@dataclass
class Review:
    id: int
    node_id: str
    repo: str
    pull_number: int
    user: str
    body: str
    state: str  # PENDING, COMMENTED, APPROVED, CHANGES_REQUESTED, DISMISSED
    commit_id: str
    submitted_at: str | None
    comment_ids: list[int] = field(default_factory=list)


@dataclass
class IssueComment:
    id: int
    node_id: str
    repo: str
    issue_number: int
    user: str
    body: str
    created_at: str
    updated_at: str
    reactions: list[tuple[str, str]] = field(default_factory=list)
    minimized_reason: str | None = None


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    status: int | None = None


# ----------------------------------------------------------------------------------------------------------------
# Internal state


@dataclass
class _Commit:
    sha: str
    tree: dict[str, bytes]
    parents: list[str]
    message: str
    author: str
    date: str


@dataclass
class _PullFile:
    filename: str
    status: str
    previous_filename: str | None
    old: bytes | None
    new: bytes | None
    diff: _FileDiff
    patch_omitted: bool

    @property
    def sha(self) -> str:
        content = self.new if self.new is not None else self.old
        return git_blob_sha(content or b"")


@dataclass
class _Pull:
    repo: _Repo
    number: int
    id: int
    node_id: str
    title: str
    body: str
    author: str
    draft: bool
    state: str
    base_ref: str
    head_ref: str
    base_sha: str
    head_sha: str
    commits: list[str]
    renames: dict[str, str]
    patch_omitted: set[str]
    created_at: str
    updated_at: str
    merged: bool = False
    files_cache: dict[str, list[_PullFile]] = field(default_factory=dict)


@dataclass
class _Repo:
    id: int
    node_id: str
    owner: str
    name: str
    default_branch: str
    private: bool
    commits: dict[str, _Commit] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, _Pull] = field(default_factory=dict)
    associations: dict[str, str] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass
class _Credential:
    login: str
    kind: Literal["user", "installation"]
    installation_id: int | None = None
    expires_at: datetime | None = None


@dataclass
class _App:
    id: int
    public_key: bytes
    slug: str
    client_id: str

    @property
    def bot_login(self) -> str:
        return f"{self.slug}[bot]"


@dataclass
class _Installation:
    id: int
    app_id: int
    account: str
    permissions: dict[str, str]


@dataclass
class _Principal:
    login: str
    kind: Literal["user", "installation", "app"]
    installation: _Installation | None = None
    app: _App | None = None

    @property
    def rate_key(self) -> str:
        if self.installation is not None:
            return f"installation:{self.installation.id}"
        return f"{self.kind}:{self.login}"


@dataclass
class _RateBucket:
    limit: int
    used: int
    reset: int


@dataclass
class _Fault:
    kind: Literal["error", "primary", "secondary", "delay"]
    remaining: int
    method: str | None
    path: str | None
    status: int = 502
    seconds: float = 0.0
    html: bool = False
    retry_after: int = 1
    reset_in: int = 60

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)


@dataclass(frozen=True)
class _Anchor:
    path: str
    side: str | None
    line: int | None
    start_side: str | None
    start_line: int | None
    position: int | None
    diff_hunk: str
    subject_type: str = "line"


@dataclass
class _RequestState:
    json: Any = None
    principal: _Principal | None = None
    rate: _RateBucket | None = None
    resource: str = "core"


# aiohttp >= 3.12 wants typed request keys; older versions take strings.
_STATE: Any = web.RequestKey("fake_github", _RequestState) if hasattr(web, "RequestKey") else "fake_github"


class _HTTPError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[Any] | None = None,
        documentation_url: str = DOCS_URL,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.documentation_url
        body["status"] = str(self.status)
        return web.json_response(body, status=self.status, headers=self.headers)


def _not_found() -> _HTTPError:
    return _HTTPError(404, "Not Found")


def _unprocessable(error: str, documentation_url: str = REVIEW_DOCS_URL) -> _HTTPError:
    return _HTTPError(422, "Unprocessable Entity", errors=[error], documentation_url=documentation_url)


def _invalid_request(detail: str, documentation_url: str = DOCS_URL) -> _HTTPError:
    return _HTTPError(422, f"Invalid request.\n\n{detail}", documentation_url=documentation_url)


def _jwt_only(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an endpoint that authenticates as the GitHub App itself (JWT Bearer), not as a user/installation."""
    handler._jwt_only = True  # type: ignore[attr-defined]
    return handler


# ----------------------------------------------------------------------------------------------------------------
# GraphQL: a small parser (operations, variables, aliases, arguments, fragments, @skip/@include) and an executor
# over a subset of GitHub's schema. Validation errors and NOT_FOUND errors are shaped like GitHub's.


# SDL-like notation: "scalar"/"enum" lines list leaf types, "union" lines list the concrete types of interfaces
# and unions, and fields returning "...Connection" get first/after/last/before and generated connection types.
_GQL_SCHEMA_SDL = """
scalar String Int Boolean ID Float BigInt DateTime URI GitObjectID
enum DiffSide PatchStatus PullRequestState PullRequestReviewState PullRequestReviewCommentState
enum PullRequestReviewThreadSubjectType CommentAuthorAssociation
union Actor = Bot | User
union RepositoryOwner = User
union GitObject = Blob | Commit | Tree
union Minimizable = IssueComment | PullRequestReviewComment
union Node = Blob | Bot | Commit | IssueComment | PullRequest | PullRequestReview | PullRequestReviewComment
  | PullRequestReviewThread | Repository | Tree | User
type Query {
  repository(owner: String!, name: String!, followRenames: Boolean): Repository
  viewer: User!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  rateLimit(dryRun: Boolean): RateLimit
}
type Mutation {
  resolveReviewThread(input: ResolveReviewThreadInput!): ResolveReviewThreadPayload
  unresolveReviewThread(input: UnresolveReviewThreadInput!): UnresolveReviewThreadPayload
  addPullRequestReviewThreadReply(input: AddPullRequestReviewThreadReplyInput!): AddPullRequestReviewThreadReplyPayload
  minimizeComment(input: MinimizeCommentInput!): MinimizeCommentPayload
}
type ResolveReviewThreadPayload { clientMutationId: String thread: PullRequestReviewThread }
type UnresolveReviewThreadPayload { clientMutationId: String thread: PullRequestReviewThread }
type AddPullRequestReviewThreadReplyPayload { clientMutationId: String comment: PullRequestReviewComment }
type MinimizeCommentPayload { clientMutationId: String minimizedComment: Minimizable }
type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }
type Ref { id: ID! name: String! prefix: String! target: GitObject }
type User { id: ID! databaseId: Int login: String! url: URI! avatarUrl(size: Int): URI! name: String }
type Bot { id: ID! databaseId: Int login: String! url: URI! avatarUrl(size: Int): URI! }
type Repository {
  id: ID! databaseId: Int name: String! nameWithOwner: String! owner: RepositoryOwner! url: URI!
  isPrivate: Boolean! defaultBranchRef: Ref pullRequest(number: Int!): PullRequest
  object(expression: String, oid: GitObjectID): GitObject
}
type PullRequest {
  id: ID! databaseId: Int number: Int! title: String! body: String! state: PullRequestState! isDraft: Boolean!
  url: URI! headRefOid: GitObjectID! baseRefOid: GitObjectID! headRefName: String! baseRefName: String!
  author: Actor additions: Int! deletions: Int! changedFiles: Int! createdAt: DateTime! updatedAt: DateTime!
  merged: Boolean! closed: Boolean! repository: Repository!
  reviewThreads: PullRequestReviewThreadConnection!
  reviews: PullRequestReviewConnection
  comments: IssueCommentConnection!
  files: PullRequestChangedFileConnection
}
type PullRequestChangedFile { path: String! additions: Int! deletions: Int! changeType: PatchStatus! }
type PullRequestReviewThread {
  id: ID! isResolved: Boolean! isOutdated: Boolean! isCollapsed: Boolean! path: String! line: Int
  originalLine: Int startLine: Int originalStartLine: Int diffSide: DiffSide! startDiffSide: DiffSide
  subjectType: PullRequestReviewThreadSubjectType! resolvedBy: User viewerCanResolve: Boolean!
  viewerCanUnresolve: Boolean! viewerCanReply: Boolean! pullRequest: PullRequest! repository: Repository!
  comments: PullRequestReviewCommentConnection!
}
type PullRequestReviewComment {
  id: ID! databaseId: Int fullDatabaseId: BigInt body: String! bodyText: String! path: String! line: Int
  originalLine: Int startLine: Int originalStartLine: Int position: Int originalPosition: Int! diffHunk: String!
  author: Actor authorAssociation: CommentAuthorAssociation! createdAt: DateTime! updatedAt: DateTime! url: URI!
  outdated: Boolean! commit: Commit originalCommit: Commit replyTo: PullRequestReviewComment
  pullRequestReview: PullRequestReview pullRequest: PullRequest! isMinimized: Boolean! minimizedReason: String
  state: PullRequestReviewCommentState! viewerDidAuthor: Boolean! subjectType: PullRequestReviewThreadSubjectType!
}
type PullRequestReview {
  id: ID! databaseId: Int state: PullRequestReviewState! body: String! author: Actor submittedAt: DateTime
  createdAt: DateTime! url: URI! commit: Commit viewerDidAuthor: Boolean!
  comments: PullRequestReviewCommentConnection!
}
type IssueComment {
  id: ID! databaseId: Int fullDatabaseId: BigInt body: String! bodyText: String! author: Actor
  authorAssociation: CommentAuthorAssociation! createdAt: DateTime! updatedAt: DateTime! url: URI!
  isMinimized: Boolean! minimizedReason: String viewerDidAuthor: Boolean!
}
type Blob {
  id: ID! oid: GitObjectID! abbreviatedOid: String! byteSize: Int! isBinary: Boolean isTruncated: Boolean!
  text: String commitUrl: URI!
}
type Commit {
  id: ID! oid: GitObjectID! abbreviatedOid: String! message: String! messageHeadline: String! url: URI!
  committedDate: DateTime! commitUrl: URI!
}
type Tree { id: ID! oid: GitObjectID! abbreviatedOid: String! commitUrl: URI! }
"""

_GQL_CONNECTION_ARGS = {"first": "Int", "after": "String", "last": "Int", "before": "String"}
_GQL_SCALARS = frozenset(
    name for line in re.findall(r"^(?:scalar|enum) (.+)$", _GQL_SCHEMA_SDL, re.M) for name in line.split()
)
_GQL_ABSTRACT: dict[str, tuple[str, ...]] = {
    name: tuple(re.findall(r"\w+", members))
    for name, members in re.findall(r"^union (\w+) = ([^=]+?)(?=^\S)", _GQL_SCHEMA_SDL, re.M | re.S)
}


@dataclass(frozen=True)
class _GqlFieldDef:
    type: str
    args: dict[str, str]


def _parse_sdl(sdl: str) -> dict[str, dict[str, _GqlFieldDef]]:
    schema: dict[str, dict[str, _GqlFieldDef]] = {}
    field_re = re.compile(r"(\w+)\s*(?:\(([^)]*)\))?\s*:\s*([\w\[\]!]+)")
    for type_name, body in re.findall(r"type\s+(\w+)\s*\{(.*?)\}", sdl, re.S):
        fields: dict[str, _GqlFieldDef] = {}
        for name, raw_args, type_ref in field_re.findall(body):
            args = dict(re.findall(r"(\w+)\s*:\s*([\w\[\]!]+)", raw_args))
            if type_ref.rstrip("!").endswith("Connection"):
                args = {**_GQL_CONNECTION_ARGS, **args}
            fields[name] = _GqlFieldDef(type_ref, args)
        schema[type_name] = fields
    for fields in list(schema.values()):
        for definition in fields.values():
            base = definition.type.rstrip("!")
            if base.endswith("Connection") and base not in schema:
                node = base.removesuffix("Connection")
                schema[base] = {
                    "nodes": _GqlFieldDef(f"[{node}]", {}),
                    "edges": _GqlFieldDef(f"[{node}Edge]", {}),
                    "pageInfo": _GqlFieldDef("PageInfo!", {}),
                    "totalCount": _GqlFieldDef("Int!", {}),
                }
                schema[f"{node}Edge"] = {"cursor": _GqlFieldDef("String!", {}), "node": _GqlFieldDef(node, {})}
    return schema


_GQL_SCHEMA = _parse_sdl(_GQL_SCHEMA_SDL)


def _gql_fields(type_name: str) -> dict[str, _GqlFieldDef]:
    """Fields of a type; for an interface or union, the fields all its (implemented) members share."""
    if type_name in _GQL_SCHEMA:
        return _GQL_SCHEMA[type_name]
    members = [_GQL_SCHEMA[name] for name in _GQL_ABSTRACT.get(type_name, ()) if name in _GQL_SCHEMA]
    if not members:
        return {}
    shared = set(members[0]).intersection(*members[1:])
    return {name: members[0][name] for name in sorted(shared)}


def _gql_base(type_ref: str) -> str:
    return type_ref.replace("!", "").strip("[]")


@dataclass(frozen=True)
class _GqlToken:
    kind: str
    value: str
    line: int
    column: int


@dataclass(frozen=True)
class _GqlVar:
    name: str


@dataclass(frozen=True)
class _GqlEnum:
    value: str


@dataclass
class _GqlField:
    alias: str | None
    name: str
    args: dict[str, Any]
    selections: list[Any] | None
    directives: list[tuple[str, dict[str, Any]]]
    line: int
    column: int

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass
class _GqlInline:
    type_condition: str | None
    selections: list[Any]
    directives: list[tuple[str, dict[str, Any]]]


@dataclass
class _GqlSpread:
    name: str
    directives: list[tuple[str, dict[str, Any]]]


@dataclass
class _GqlOperation:
    kind: str
    name: str | None
    variables: dict[str, tuple[str, Any]]
    selections: list[Any]


@dataclass
class _GqlDocument:
    operations: list[_GqlOperation]
    fragments: dict[str, tuple[str, list[Any]]]


class _GqlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


_GQL_TOKEN_RE = re.compile(
    r'(?P<skip>[\s,\ufeff]+|#[^\n\r]*)|(?P<spread>\.\.\.)|(?P<block>"""(?:\\"""|(?!""").)*""")'
    r'|(?P<string>"(?:[^"\\\n]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)'
    r"|(?P<name>[_A-Za-z][_0-9A-Za-z]*)|(?P<punct>[!$&():=@\[\]{}|])",
    re.S,
)
_MISSING = object()


class _GqlParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._tokenize(text)
        self.index = 0

    def _location(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def _tokenize(self, text: str) -> list[_GqlToken]:
        tokens: list[_GqlToken] = []
        offset = 0
        while offset < len(text):
            match = _GQL_TOKEN_RE.match(text, offset)
            if match is None:
                line, column = self._location(offset)
                raise _GqlSyntaxError(f'Parse error on "{text[offset]}" at [{line}, {column}]', line, column)
            kind = match.lastgroup or "skip"
            if kind != "skip":
                line, column = self._location(offset)
                tokens.append(_GqlToken(kind, match.group(), line, column))
            offset = match.end()
        return tokens

    def _peek(self) -> _GqlToken | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _at(self, kind: str, value: str | None = None) -> bool:
        token = self._peek()
        return token is not None and token.kind == kind and (value is None or token.value == value)

    def _error(self, token: _GqlToken | None) -> _GqlSyntaxError:
        if token is None:
            last = self.tokens[-1] if self.tokens else _GqlToken("", "", 1, 1)
            return _GqlSyntaxError("Unexpected end of document", last.line, last.column)
        label = token.kind.upper()
        message = f'Parse error on "{token.value}" ({label}) at [{token.line}, {token.column}]'
        return _GqlSyntaxError(message, token.line, token.column)

    def _next(self) -> _GqlToken:
        token = self._peek()
        if token is None:
            raise self._error(None)
        self.index += 1
        return token

    def _expect(self, kind: str, value: str | None = None) -> _GqlToken:
        if not self._at(kind, value):
            raise self._error(self._peek())
        return self._next()

    def _accept(self, kind: str, value: str | None = None) -> bool:
        if self._at(kind, value):
            self.index += 1
            return True
        return False

    def document(self) -> _GqlDocument:
        document = _GqlDocument([], {})
        if not self.tokens:
            raise _GqlSyntaxError("Unexpected end of document", 1, 1)
        while (token := self._peek()) is not None:
            if token.kind == "punct" and token.value == "{":
                document.operations.append(_GqlOperation("query", None, {}, self._selection_set()))
            elif token.kind == "name" and token.value in ("query", "mutation", "subscription"):
                document.operations.append(self._operation())
            elif token.kind == "name" and token.value == "fragment":
                self._next()
                name = self._expect("name").value
                self._expect("name", "on")
                type_condition = self._expect("name").value
                self._directives()
                document.fragments[name] = (type_condition, self._selection_set())
            else:
                raise self._error(token)
        return document

    def _operation(self) -> _GqlOperation:
        kind = self._next().value
        name = self._next().value if self._at("name") else None
        variables: dict[str, tuple[str, Any]] = {}
        if self._accept("punct", "("):
            while not self._accept("punct", ")"):
                self._expect("punct", "$")
                var_name = self._expect("name").value
                self._expect("punct", ":")
                type_ref = self._type_ref()
                default = self._value(const=True) if self._accept("punct", "=") else _MISSING
                self._directives()
                variables[var_name] = (type_ref, default)
        self._directives()
        return _GqlOperation(kind, name, variables, self._selection_set())

    def _type_ref(self) -> str:
        if self._accept("punct", "["):
            inner = self._type_ref()
            self._expect("punct", "]")
            type_ref = f"[{inner}]"
        else:
            type_ref = self._expect("name").value
        if self._accept("punct", "!"):
            type_ref += "!"
        return type_ref

    def _selection_set(self) -> list[Any]:
        self._expect("punct", "{")
        selections: list[Any] = []
        while not self._accept("punct", "}"):
            selections.append(self._selection())
        if not selections:
            raise self._error(self.tokens[self.index - 1])
        return selections

    def _selection(self) -> Any:
        if self._accept("spread"):
            if self._at("name") and not self._at("name", "on"):
                return _GqlSpread(self._next().value, self._directives())
            type_condition = self._expect("name").value if self._accept("name", "on") else None
            directives = self._directives()
            return _GqlInline(type_condition, self._selection_set(), directives)
        token = self._expect("name")
        alias, name = None, token.value
        if self._accept("punct", ":"):
            alias, name = name, self._expect("name").value
        args = self._arguments() if self._at("punct", "(") else {}
        directives = self._directives()
        selections = self._selection_set() if self._at("punct", "{") else None
        return _GqlField(alias, name, args, selections, directives, token.line, token.column)

    def _arguments(self) -> dict[str, Any]:
        self._expect("punct", "(")
        args: dict[str, Any] = {}
        while not self._accept("punct", ")"):
            name = self._expect("name").value
            self._expect("punct", ":")
            args[name] = self._value(const=False)
        return args

    def _directives(self) -> list[tuple[str, dict[str, Any]]]:
        directives: list[tuple[str, dict[str, Any]]] = []
        while self._accept("punct", "@"):
            name = self._expect("name").value
            directives.append((name, self._arguments() if self._at("punct", "(") else {}))
        return directives

    def _value(self, *, const: bool) -> Any:
        token = self._next()
        if token.kind == "punct" and token.value == "$" and not const:
            return _GqlVar(self._expect("name").value)
        if token.kind == "punct" and token.value == "[":
            items = []
            while not self._accept("punct", "]"):
                items.append(self._value(const=const))
            return items
        if token.kind == "punct" and token.value == "{":
            obj: dict[str, Any] = {}
            while not self._accept("punct", "}"):
                key = self._expect("name").value
                self._expect("punct", ":")
                obj[key] = self._value(const=const)
            return obj
        if token.kind == "string":
            return json.loads(token.value)
        if token.kind == "block":
            return token.value[3:-3].replace('\\"""', '"""')
        if token.kind == "number":
            return float(token.value) if re.search(r"[.eE]", token.value) else int(token.value)
        if token.kind == "name":
            return {"true": True, "false": False, "null": None}.get(token.value, _GqlEnum(token.value))
        raise self._error(token)


@dataclass(frozen=True)
class _Typed:
    """A value of an abstract GraphQL type together with its concrete type."""

    type: str
    value: Any


@dataclass(frozen=True)
class _Blob:
    sha: str
    content: bytes
    commit: str


@dataclass(frozen=True)
class _Tree:
    sha: str
    commit: str


class _GqlFieldError(Exception):
    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def _gql_cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _gql_cursor_index(cursor: str) -> int:
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().rpartition(":")
        if prefix != "cursor:v2":
            raise ValueError(cursor)
        return int(number)
    except ValueError as exc:
        raise _GqlFieldError(f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS") from exc


class _GqlExecutor:
    def __init__(self, fake: FakeGitHub, principal: _Principal) -> None:
        self.fake = fake
        self.principal = principal
        self.errors: list[dict[str, Any]] = []
        self.variables: dict[str, Any] = {}
        self.fragments: dict[str, tuple[str, list[Any]]] = {}
        self.resolvers: dict[str, Callable[[Any, str, dict[str, Any]], Any]] = {
            "Query": self._query,
            "Mutation": self._mutation,
            "Repository": self._repository,
            "PullRequest": self._pull_request,
            "PullRequestReviewThread": self._thread,
            "PullRequestReviewComment": self._review_comment,
            "PullRequestReview": self._review,
            "IssueComment": self._issue_comment,
            "User": self._actor,
            "Bot": self._actor,
            "Blob": self._blob,
            "Commit": self._commit,
            "Tree": self._tree,
        }

    # -- entry point ----------------------------------------------------------------------------------------
    def run(self, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return {"errors": [{"message": "A query attribute must be specified and must be a string."}]}
        try:
            document = _GqlParser(payload["query"]).document()
        except _GqlSyntaxError as exc:
            return {"errors": [{"message": exc.message, "locations": [{"line": exc.line, "column": exc.column}]}]}
        operation_name = payload.get("operationName")
        operations = [op for op in document.operations if operation_name in (None, op.name)]
        if not operations:
            return {"errors": [{"message": f'No operation named "{operation_name}"'}]}
        if len(operations) > 1:
            return {"errors": [{"message": "An operation name is required"}]}
        operation = operations[0]
        if operation.kind == "subscription":
            return {"errors": [{"message": "Subscriptions are not supported"}]}
        self.fragments = document.fragments
        raw_variables = payload.get("variables") or {}
        if not isinstance(raw_variables, dict):
            return {"errors": [{"message": "Variables are invalid JSON."}]}
        static = self._coerce_variables(operation, raw_variables)
        root = "Query" if operation.kind == "query" else "Mutation"
        if not static:
            static = self._validate(root, operation.selections, [operation.kind])
        if static:
            return {"errors": static}
        data = self._select(root, None, operation.selections, [])
        return {"data": data, "errors": self.errors} if self.errors else {"data": data}

    # -- validation -------------------------------------------------------------------------------------------
    def _coerce_variables(self, operation: _GqlOperation, provided: dict[str, Any]) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        for name, (type_ref, default) in operation.variables.items():
            value = provided.get(name, None if default is _MISSING else default)
            if not self._value_fits(type_ref, value):
                errors.append(
                    {
                        "message": f"Variable ${name} of type {type_ref} was provided invalid value",
                        "extensions": {"value": value, "problems": [{"path": [], "explanation": "Expected value"}]},
                    }
                )
            self.variables[name] = value
        return errors

    def _value_fits(self, type_ref: str, value: Any) -> bool:
        if value is None:
            return not type_ref.endswith("!")
        base = type_ref.rstrip("!")
        if base.startswith("["):
            return isinstance(value, list) and all(self._value_fits(base[1:-1], item) for item in value)
        checks: dict[str, Callable[[Any], bool]] = {
            "Int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "ID": lambda v: isinstance(v, str | int) and not isinstance(v, bool),
            "GitObjectID": lambda v: isinstance(v, str),
            "Boolean": lambda v: isinstance(v, bool),
        }
        check = checks.get(base)
        return check(value) if check else True

    def _validate(self, type_name: str, selections: list[Any], path: list[Any]) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        fields = _gql_fields(type_name)
        for selection in selections:
            if isinstance(selection, _GqlInline):
                target = selection.type_condition or type_name
                if target not in _GQL_SCHEMA and target not in _GQL_ABSTRACT:
                    errors.append({"message": f"No such type {target}, so it can't be a fragment condition"})
                    continue
                errors += self._validate(target, selection.selections, path)
            elif isinstance(selection, _GqlSpread):
                if selection.name not in self.fragments:
                    errors.append({"message": f"Fragment {selection.name} was used, but not defined"})
                    continue
                target, fragment_selections = self.fragments[selection.name]
                errors += self._validate(target, fragment_selections, path)
            else:
                errors += self._validate_field(type_name, fields, selection, path)
        return errors

    def _validate_field(
        self, type_name: str, fields: dict[str, _GqlFieldDef], selection: _GqlField, path: list[Any]
    ) -> list[dict[str, Any]]:
        where = {"locations": [{"line": selection.line, "column": selection.column}], "path": [*path, selection.key]}
        if selection.name == "__typename":
            return []
        definition = fields.get(selection.name)
        if definition is None:
            return [
                {
                    "message": f"Field '{selection.name}' doesn't exist on type '{type_name}'",
                    **where,
                    "extensions": {
                        "code": "undefinedField",
                        "typeName": type_name,
                        "fieldName": selection.name,
                        "fakeGitHub": "FakeGitHub implements a subset of GitHub's schema",
                    },
                }
            ]
        errors: list[dict[str, Any]] = []
        for arg in selection.args:
            if arg not in definition.args:
                errors.append({"message": f"Field '{selection.name}' doesn't accept argument '{arg}'", **where})
        for variable in self._variables_in(selection.args):
            if variable not in self.variables:
                errors.append({"message": f"Variable ${variable} is used but not declared", **where})
        missing = [
            arg for arg, arg_type in definition.args.items() if arg_type.endswith("!") and arg not in selection.args
        ]
        if missing:
            names = ", ".join(missing)
            errors.append({"message": f"Field '{selection.name}' is missing required arguments: {names}", **where})
        base = _gql_base(definition.type)
        if base in _GQL_SCALARS:
            if selection.selections is not None:
                errors.append(
                    {
                        "message": f"Selections can't be made on scalars (field '{selection.name}' returns {base} "
                        "but has selections [...])",
                        **where,
                    }
                )
            return errors
        if selection.selections is None:
            errors.append(
                {
                    "message": f"Field must have selections (field '{selection.name}' returns {base} but has no "
                    f"selections. Did you mean '{selection.name} {{ ... }}'?)",
                    **where,
                }
            )
            return errors
        if base.endswith("Connection") and not errors:
            errors += self._validate_pagination(selection, where)
        return errors + self._validate(base, selection.selections, [*path, selection.key])

    def _validate_pagination(self, selection: _GqlField, where: dict[str, Any]) -> list[dict[str, Any]]:
        first = self._value(selection.args.get("first"))
        last = self._value(selection.args.get("last"))
        if first is None and last is None:
            message = (
                f"You must provide a `first` or `last` value to properly paginate the `{selection.name}` connection."
            )
            return [{"type": "MISSING_PAGINATION_BOUNDARIES", "message": message, **where}]
        for arg, value in (("first", first), ("last", last)):
            if isinstance(value, int) and value > MAX_GRAPHQL_PAGE:
                message = (
                    f"Requesting {value} records on the `{selection.name}` connection exceeds the `{arg}` limit of "
                    f"{MAX_GRAPHQL_PAGE} records."
                )
                return [{"type": "EXCESSIVE_PAGINATION", "message": message, **where}]
            if isinstance(value, int) and value < 0:
                return [{"message": f"`{arg}` on connection cannot be less than zero.", **where}]
        return []

    def _variables_in(self, value: Any) -> Iterator[str]:
        if isinstance(value, _GqlVar):
            yield value.name
        elif isinstance(value, list):
            for item in value:
                yield from self._variables_in(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from self._variables_in(item)

    # -- execution --------------------------------------------------------------------------------------------
    def _value(self, value: Any) -> Any:
        if isinstance(value, _GqlVar):
            return self.variables.get(value.name)
        if isinstance(value, _GqlEnum):
            return value.value
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, dict):
            return {key: self._value(item) for key, item in value.items()}
        return value

    def _included(self, directives: list[tuple[str, dict[str, Any]]]) -> bool:
        for name, args in directives:
            condition = bool(self._value(args.get("if")))
            if (name == "skip" and condition) or (name == "include" and not condition):
                return False
        return True

    def _collect(self, type_name: str, selections: list[Any]) -> dict[str, _GqlField]:
        collected: dict[str, _GqlField] = {}
        for selection in selections:
            if not self._included(selection.directives):
                continue
            if isinstance(selection, _GqlField):
                existing = collected.get(selection.key)
                if existing is not None and existing.selections is not None and selection.selections is not None:
                    merged = [*existing.selections, *selection.selections]
                    collected[selection.key] = _GqlField(
                        existing.alias,
                        existing.name,
                        existing.args,
                        merged,
                        existing.directives,
                        existing.line,
                        existing.column,
                    )
                elif existing is None:
                    collected[selection.key] = selection
                continue
            if isinstance(selection, _GqlSpread):
                condition, sub = self.fragments[selection.name]
            else:
                condition, sub = selection.type_condition, selection.selections
            if condition is None or condition == type_name or type_name in _GQL_ABSTRACT.get(condition, ()):
                for key, value in self._collect(type_name, sub).items():
                    collected.setdefault(key, value)
        return collected

    def _select(self, type_name: str, obj: Any, selections: list[Any], path: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        fields = _gql_fields(type_name)
        for key, selection in self._collect(type_name, selections).items():
            if selection.name == "__typename":
                out[key] = type_name
                continue
            definition = fields[selection.name]
            args = {name: self._value(value) for name, value in selection.args.items()}
            try:
                if isinstance(obj, dict):
                    value = obj.get(selection.name)
                else:
                    value = self.resolvers[type_name](obj, selection.name, args)
                if _gql_base(definition.type).endswith("Connection") and isinstance(value, list):
                    value = self._connection(value, selection.name, args)
            except _GqlFieldError as exc:
                error: dict[str, Any] = {}
                if exc.error_type:
                    error["type"] = exc.error_type
                error["path"] = [*path, key]
                error["locations"] = [{"line": selection.line, "column": selection.column}]
                error["message"] = exc.message
                self.errors.append(error)
                value = None
            out[key] = self._complete(definition.type, value, selection, [*path, key])
        return out

    def _complete(self, type_ref: str, value: Any, selection: _GqlField, path: list[Any]) -> Any:
        if value is None:
            return None
        base = type_ref.rstrip("!")
        if base.startswith("["):
            return [self._complete(base[1:-1], item, selection, [*path, i]) for i, item in enumerate(value)]
        if base in _GQL_SCALARS:
            return value
        if isinstance(value, _Typed):
            return self._select(value.type, value.value, selection.selections or [], path)
        return self._select(base, value, selection.selections or [], path)

    def _connection(self, items: list[Any], name: str, args: dict[str, Any]) -> dict[str, Any]:
        first, last = args.get("first"), args.get("last")
        start, end = 0, len(items)
        if args.get("after"):
            start = _gql_cursor_index(args["after"]) + 1
        if args.get("before"):
            end = _gql_cursor_index(args["before"])
        window = list(range(start, max(start, end)))
        has_next = has_previous = False
        if first is not None:
            has_next = len(window) > first
            window = window[:first]
        if last is not None:
            has_previous = len(window) > last
            window = window[len(window) - last :] if last else []
        edges = [{"cursor": _gql_cursor(i), "node": items[i]} for i in window if i < len(items)]
        return {
            "nodes": [edge["node"] for edge in edges],
            "edges": edges,
            "pageInfo": {
                "hasNextPage": has_next,
                "hasPreviousPage": has_previous,
                "startCursor": edges[0]["cursor"] if edges else None,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
            "totalCount": len(items),
        }

    # -- resolvers ------------------------------------------------------------------------------------------
    def _actor_value(self, login: str | None) -> _Typed | None:
        if login is None:
            return None
        return _Typed("Bot" if login.endswith("[bot]") else "User", login)

    def _node(self, node_id: Any) -> _Typed:
        found = self.fake._nodes.get(str(node_id))
        if found is None or not self.fake._visible_node(self.principal, found):
            raise _GqlFieldError(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND")
        return _Typed(*found)

    def _query(self, _obj: Any, name: str, args: dict[str, Any]) -> Any:
        if name == "repository":
            repo = self.fake._repos.get((str(args["owner"]).lower(), str(args["name"]).lower()))
            if repo is None or not self.fake._can_access(self.principal, repo):
                message = f"Could not resolve to a Repository with the name '{args['owner']}/{args['name']}'."
                raise _GqlFieldError(message, "NOT_FOUND")
            return repo
        if name == "viewer":
            return self.principal.login
        if name == "node":
            return self._node(args["id"])
        if name == "nodes":
            return [self._node(node_id) for node_id in args["ids"]]
        bucket = self.fake._bucket(self.principal, "graphql")
        return {
            "cost": 1,
            "limit": bucket.limit,
            "nodeCount": 0,
            "remaining": bucket.limit - bucket.used,
            "resetAt": _iso(datetime.fromtimestamp(bucket.reset, UTC)),
            "used": bucket.used,
        }

    def _thread_from_input(self, args: dict[str, Any], key: str) -> Thread:
        payload = args.get("input") or {}
        if key not in payload:
            raise _GqlFieldError(f"Argument '{key}' on InputObject is required. Expected type ID!")
        found = self._node(payload[key])
        if found.type != "PullRequestReviewThread":
            raise _GqlFieldError(
                f"Could not resolve to PullRequestReviewThread node with the global id of '{payload[key]}'"
            )
        thread: Thread = found.value
        return thread

    def _mutation(self, _obj: Any, name: str, args: dict[str, Any]) -> Any:
        payload = args.get("input") or {}
        client_id = payload.get("clientMutationId")
        if name in ("resolveReviewThread", "unresolveReviewThread"):
            thread = self._thread_from_input(args, "threadId")
            self.fake._set_resolved(thread, name == "resolveReviewThread", self.principal.login)
            return {"clientMutationId": client_id, "thread": thread}
        if name == "addPullRequestReviewThreadReply":
            thread = self._thread_from_input(args, "pullRequestReviewThreadId")
            body = payload.get("body")
            if not isinstance(body, str) or not body:
                raise _GqlFieldError("Body can't be blank")
            comment = self.fake._reply(thread.root, self.principal.login, body)
            return {"clientMutationId": client_id, "comment": comment}
        found = self._node(payload.get("subjectId"))
        if found.type not in ("IssueComment", "PullRequestReviewComment"):
            raise _GqlFieldError("Subject is not minimizable")
        found.value.minimized_reason = str(payload.get("classifier") or "OUTDATED").lower()
        return {"clientMutationId": client_id, "minimizedComment": found}

    def _repository(self, repo: _Repo, name: str, args: dict[str, Any]) -> Any:
        match name:
            case "id":
                return repo.node_id
            case "databaseId":
                return repo.id
            case "name":
                return repo.name
            case "nameWithOwner":
                return repo.full_name
            case "owner":
                return _Typed("User", repo.owner)
            case "url":
                return f"{WEB_URL}/{repo.full_name}"
            case "isPrivate":
                return repo.private
            case "defaultBranchRef":
                sha = repo.branches.get(repo.default_branch)
                target = _Typed("Commit", repo.commits[sha]) if sha in repo.commits else None
                return {
                    "id": _node_id("REF", repo.id),
                    "name": repo.default_branch,
                    "prefix": "refs/heads/",
                    "target": target,
                }
            case "pullRequest":
                pull = repo.pulls.get(args["number"])
                if pull is None:
                    message = f"Could not resolve to a PullRequest with the number of {args['number']}."
                    raise _GqlFieldError(message, "NOT_FOUND")
                return pull
            case _:  # object
                return self.fake._git_object(repo, args.get("expression"), args.get("oid"))

    def _pull_request(self, pull: _Pull, name: str, args: dict[str, Any]) -> Any:
        files = self.fake._files_at(pull, pull.head_sha)
        simple: dict[str, Any] = {
            "id": pull.node_id,
            "databaseId": pull.id,
            "number": pull.number,
            "title": pull.title,
            "body": pull.body,
            "isDraft": pull.draft,
            "url": f"{WEB_URL}/{pull.repo.full_name}/pull/{pull.number}",
            "headRefOid": pull.head_sha,
            "baseRefOid": pull.base_sha,
            "headRefName": pull.head_ref,
            "baseRefName": pull.base_ref,
            "createdAt": pull.created_at,
            "updatedAt": pull.updated_at,
            "merged": pull.merged,
            "closed": pull.state == "closed",
            "repository": pull.repo,
        }
        if name in simple:
            return simple[name]
        if name == "state":
            return "MERGED" if pull.merged else pull.state.upper()
        if name == "author":
            return self._actor_value(pull.author)
        if name in ("additions", "deletions"):
            return sum(getattr(f.diff, name) for f in files)
        if name == "changedFiles":
            return len(files)
        if name == "reviewThreads":
            return self.fake._visible_threads(pull)
        if name == "reviews":
            return [r for r in self.fake._pull_reviews(pull) if self.fake._review_visible(r, self.principal.login)]
        if name == "comments":
            return self.fake._pull_issue_comments(pull)
        change_types = {"added": "ADDED", "removed": "DELETED", "renamed": "RENAMED", "modified": "MODIFIED"}
        return [
            {
                "path": f.filename,
                "additions": f.diff.additions,
                "deletions": f.diff.deletions,
                "changeType": change_types[f.status],
            }
            for f in files
        ]

    def _thread(self, thread: Thread, name: str, args: dict[str, Any]) -> Any:
        root = thread.root
        pull = self.fake._pull_of(thread.repo, thread.pull_number)
        match name:
            case "id":
                return thread.id
            case "isResolved":
                return thread.is_resolved
            case "isCollapsed":
                return thread.is_resolved
            case "isOutdated":
                return thread.is_outdated
            case "path":
                return root.path
            case "line":
                return root.line
            case "originalLine":
                return root.original_line
            case "startLine":
                return root.start_line
            case "originalStartLine":
                return root.original_start_line
            case "diffSide":
                return root.side or "RIGHT"
            case "startDiffSide":
                return root.start_side if root.original_start_line is not None else None
            case "subjectType":
                return root.subject_type.upper()
            case "resolvedBy":
                return thread.resolved_by
            case "viewerCanResolve":
                return not thread.is_resolved
            case "viewerCanUnresolve":
                return thread.is_resolved
            case "viewerCanReply":
                return True
            case "pullRequest":
                return pull
            case "repository":
                return pull.repo
            case _:  # comments
                return [c for c in thread.comments if self.fake._comment_visible(c, self.principal.login)]

    def _review_comment(self, comment: ReviewComment, name: str, args: dict[str, Any]) -> Any:
        pull = self.fake._pull_of(comment.repo, comment.pull_number)
        review = self.fake._reviews[comment.review_id]
        simple: dict[str, Any] = {
            "id": comment.node_id,
            "databaseId": comment.id,
            "fullDatabaseId": str(comment.id),
            "body": comment.body,
            "bodyText": comment.body,
            "path": comment.path,
            "line": comment.line,
            "originalLine": comment.original_line,
            "startLine": comment.start_line,
            "originalStartLine": comment.original_start_line,
            "position": comment.position,
            "originalPosition": comment.original_position or 0,
            "diffHunk": comment.diff_hunk,
            "createdAt": comment.created_at,
            "updatedAt": comment.updated_at,
            "url": f"{WEB_URL}/{comment.repo}/pull/{comment.pull_number}#discussion_r{comment.id}",
            "outdated": comment.subject_type == "line" and comment.line is None,
            "isMinimized": comment.minimized_reason is not None,
            "minimizedReason": comment.minimized_reason,
            "state": "PENDING" if review.state == "PENDING" else "SUBMITTED",
            "viewerDidAuthor": comment.user == self.principal.login,
            "subjectType": comment.subject_type.upper(),
            "pullRequest": pull,
            "pullRequestReview": review,
        }
        if name in simple:
            return simple[name]
        if name == "author":
            return self._actor_value(comment.user)
        if name == "authorAssociation":
            return self.fake._association(pull.repo, comment.user)
        if name in ("commit", "originalCommit"):
            sha = comment.commit_id if name == "commit" else comment.original_commit_id
            return pull.repo.commits.get(sha)
        return self.fake._review_comments.get(comment.in_reply_to_id or -1)  # replyTo

    def _review(self, review: Review, name: str, args: dict[str, Any]) -> Any:
        pull = self.fake._pull_of(review.repo, review.pull_number)
        simple: dict[str, Any] = {
            "id": review.node_id,
            "databaseId": review.id,
            "state": review.state,
            "body": review.body,
            "submittedAt": review.submitted_at,
            "createdAt": review.submitted_at or pull.updated_at,
            "url": f"{WEB_URL}/{review.repo}/pull/{review.pull_number}#pullrequestreview-{review.id}",
            "commit": pull.repo.commits.get(review.commit_id),
            "viewerDidAuthor": review.user == self.principal.login,
        }
        if name in simple:
            return simple[name]
        if name == "author":
            return self._actor_value(review.user)
        return [self.fake._review_comments[i] for i in review.comment_ids if i in self.fake._review_comments]

    def _issue_comment(self, comment: IssueComment, name: str, args: dict[str, Any]) -> Any:
        simple: dict[str, Any] = {
            "id": comment.node_id,
            "databaseId": comment.id,
            "fullDatabaseId": str(comment.id),
            "body": comment.body,
            "bodyText": comment.body,
            "createdAt": comment.created_at,
            "updatedAt": comment.updated_at,
            "url": f"{WEB_URL}/{comment.repo}/pull/{comment.issue_number}#issuecomment-{comment.id}",
            "isMinimized": comment.minimized_reason is not None,
            "minimizedReason": comment.minimized_reason,
            "viewerDidAuthor": comment.user == self.principal.login,
        }
        if name in simple:
            return simple[name]
        if name == "author":
            return self._actor_value(comment.user)
        repo = self.fake._repo_by_full_name(comment.repo)
        return self.fake._association(repo, comment.user)

    def _actor(self, login: str, name: str, args: dict[str, Any]) -> Any:
        user_id = self.fake._user_id(login)
        values: dict[str, Any] = {
            "id": _node_id("BOT" if login.endswith("[bot]") else "U", user_id),
            "databaseId": user_id,
            "login": login,
            "name": login,
            "url": f"{WEB_URL}/{quote(login)}",
            "avatarUrl": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        }
        return values[name]

    def _blob(self, blob: _Blob, name: str, args: dict[str, Any]) -> Any:
        binary = _is_binary(blob.content)
        values: dict[str, Any] = {
            "id": _node_id("B", int(blob.sha[:12], 16)),
            "oid": blob.sha,
            "abbreviatedOid": blob.sha[:7],
            "byteSize": len(blob.content),
            "isBinary": binary,
            "isTruncated": False,
            "text": None if binary else blob.content.decode("utf-8", "replace"),
            "commitUrl": f"{WEB_URL}/commit/{blob.commit}",
        }
        return values[name]

    def _commit(self, commit: _Commit, name: str, args: dict[str, Any]) -> Any:
        values: dict[str, Any] = {
            "id": _node_id("C", int(commit.sha[:12], 16) if re.fullmatch(r"[0-9a-f]{12,}", commit.sha) else 0),
            "oid": commit.sha,
            "abbreviatedOid": commit.sha[:7],
            "message": commit.message,
            "messageHeadline": commit.message.splitlines()[0] if commit.message else "",
            "url": f"{WEB_URL}/commit/{commit.sha}",
            "commitUrl": f"{WEB_URL}/commit/{commit.sha}",
            "committedDate": commit.date,
        }
        return values[name]

    def _tree(self, tree: _Tree, name: str, args: dict[str, Any]) -> Any:
        values = {
            "id": _node_id("T", int(tree.sha[:12], 16)),
            "oid": tree.sha,
            "abbreviatedOid": tree.sha[:7],
            "commitUrl": f"{WEB_URL}/commit/{tree.commit}",
        }
        return values[name]


# ----------------------------------------------------------------------------------------------------------------
# The fake server


class FakeGitHub(LoopbackServer):
    """GitHub REST v3 + GraphQL on 127.0.0.1 with in-memory state; see the module docstring."""

    def __init__(
        self,
        *,
        tokens: Mapping[str, str] | None = None,
        rate_limit: int = 5000,
        graphql_rate_limit: int = 5000,
        installation_token_ttl: timedelta = timedelta(hours=1),
        content_writes_per_minute: int | None = None,
    ) -> None:
        """``tokens`` maps personal access tokens to the login they act as (e.g. ``{"ghp_x": "reviewbot"}``).

        ``content_writes_per_minute`` enables GitHub's secondary limit on content-creating requests
        (GitHub: about 80/minute); off by default.
        """
        self._lock = threading.RLock()
        self._ids = itertools.count(1001)
        self._credentials: dict[str, _Credential] = {}
        for token, login in (tokens or {}).items():
            self.add_token(token, login)
        self._apps: dict[int, _App] = {}
        self._installations: dict[int, _Installation] = {}
        self._repos: dict[tuple[str, str], _Repo] = {}
        self._reviews: dict[int, Review] = {}
        self._review_comments: dict[int, ReviewComment] = {}
        self._threads: dict[str, Thread] = {}
        self._issue_comments: dict[int, IssueComment] = {}
        self._nodes: dict[str, tuple[str, Any]] = {}
        self._user_ids: dict[str, int] = {}
        self._rate: dict[tuple[str, str], _RateBucket] = {}
        self._writes: dict[str, list[float]] = {}
        self._faults: list[_Fault] = []
        self.rate_limit = rate_limit
        self.graphql_rate_limit = graphql_rate_limit
        self.installation_token_ttl = installation_token_ttl
        self.content_writes_per_minute = content_writes_per_minute
        self.requests: list[RecordedRequest] = []
        self.url: str | None = None
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------------------------
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=32 * 1024 * 1024)
        self._add_routes(app)
        return app

    # -- identities -------------------------------------------------------------------------------------------
    def add_token(self, token: str, login: str) -> None:
        """A personal access token acting as ``login``."""
        with self._lock:
            self._credentials[token] = _Credential(login, "user")

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self._credentials.pop(token, None)

    def expire_installation_tokens(self) -> None:
        """Make every installation token issued so far expired (GitHub answers 401 Bad credentials)."""
        with self._lock:
            for credential in self._credentials.values():
                if credential.kind == "installation":
                    credential.expires_at = _now() - timedelta(seconds=1)

    def add_app(
        self, app_id: int, public_key_pem: bytes | str, *, slug: str = "reviewbot", client_id: str | None = None
    ) -> None:
        """A GitHub App; JWTs must be RS256-signed by the matching private key with ``iss`` = app id (or client id).

        Installation tokens act as ``"<slug>[bot]"``.
        """
        key = public_key_pem.encode() if isinstance(public_key_pem, str) else public_key_pem
        with self._lock:
            self._apps[app_id] = _App(app_id, key, slug, client_id or f"Iv1.{app_id:016x}")

    def add_installation(
        self, installation_id: int, app_id: int, account: str, permissions: Mapping[str, str] | None = None
    ) -> None:
        """Install app ``app_id`` on every repository of ``account`` (user or organization)."""
        default = {"contents": "read", "metadata": "read", "pull_requests": "write", "issues": "write"}
        with self._lock:
            if app_id not in self._apps:
                raise KeyError(f"unknown app {app_id}; call add_app first")
            self._installations[installation_id] = _Installation(
                installation_id, app_id, account, dict(permissions or default)
            )

    def installation_tokens(self) -> list[str]:
        """Installation tokens issued so far (oldest first)."""
        return [t for t, c in self._credentials.items() if c.kind == "installation"]

    # -- repositories and pull requests -------------------------------------------------------------------
    def add_repo(self, owner: str, name: str, *, default_branch: str = "main", private: bool = True) -> None:
        with self._lock:
            key = (owner.lower(), name.lower())
            if key in self._repos:
                return
            repo_id = next(self._ids)
            repo = _Repo(repo_id, _node_id("R", repo_id), owner, name, default_branch, private)
            self._repos[key] = repo
            self._nodes[repo.node_id] = ("Repository", repo)

    def set_association(self, owner: str, name: str, login: str, association: str) -> None:
        """``author_association`` of ``login`` in the repository (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE…)."""
        with self._lock:
            self._repo(owner, name).associations[login] = association

    def add_commit(
        self,
        owner: str,
        name: str,
        sha: str,
        tree: Mapping[str, Content],
        *,
        parents: Sequence[str] = (),
        message: str = "commit",
        author: str = "alice",
        branch: str | None = None,
    ) -> None:
        """A commit with the full file tree ``tree`` (path -> content); optionally moves ``branch`` to it."""
        with self._lock:
            repo = self._repo(owner, name)
            contents = {path: _as_bytes(content) or b"" for path, content in tree.items()}
            self._store_commit(repo, sha, contents, list(parents), message, author)
            if branch is not None:
                repo.branches[branch] = sha

    def add_pull(
        self,
        owner: str,
        name: str,
        number: int,
        head_sha: str,
        base_sha: str,
        files: Iterable[FileChange] = (),
        *,
        author: str = "alice",
        draft: bool = False,
        title: str | None = None,
        body: str = "",
        base_ref: str | None = None,
        head_ref: str | None = None,
        state: str = "open",
    ) -> None:
        """An open pull request. The base tree is the existing ``base_sha`` commit (if added before) plus the old
        contents of ``files``; the head tree applies ``files`` to it."""
        with self._lock:
            repo = self._repo(owner, name)
            if number in repo.pulls:
                raise ValueError(f"pull request #{number} already exists")
            changes = list(files)
            base_exists = base_sha in repo.commits
            base_tree = dict(repo.commits[base_sha].tree) if base_exists else {}
            for change in changes:
                old_path = change.previous_filename or change.path
                if base_exists and base_tree.get(old_path) != change.old:
                    raise ValueError(
                        f"{old_path!r}: old content does not match existing commit {base_sha}; use another base_sha "
                        "or add_commit() the complete base tree first"
                    )
                if change.old is not None:
                    base_tree[old_path] = change.old
            head_tree = dict(base_tree)
            renames: dict[str, str] = {}
            for change in changes:
                if change.previous_filename is not None:
                    head_tree.pop(change.previous_filename, None)
                    renames[change.path] = change.previous_filename
                if change.new is None:
                    head_tree.pop(change.path, None)
                else:
                    head_tree[change.path] = change.new
            base_ref = base_ref or repo.default_branch
            if not base_exists:
                self._store_commit(repo, base_sha, base_tree, [], "base", author)
            repo.branches.setdefault(base_ref, base_sha)
            self._store_commit(repo, head_sha, head_tree, [base_sha], title or f"PR {number}", author)
            head_ref = head_ref or f"{author}/pr-{number}"
            repo.branches[head_ref] = head_sha
            pull_id = next(self._ids)
            now = _iso(_now())
            pull = _Pull(
                repo=repo,
                number=number,
                id=pull_id,
                node_id=_node_id("PR", pull_id),
                title=title or f"Pull request {number}",
                body=body,
                author=author,
                draft=draft,
                state=state,
                base_ref=base_ref,
                head_ref=head_ref,
                base_sha=base_sha,
                head_sha=head_sha,
                commits=[head_sha],
                renames=renames,
                patch_omitted={c.path for c in changes if c.patch_omitted},
                created_at=now,
                updated_at=now,
            )
            repo.pulls[number] = pull
            self._nodes[pull.node_id] = ("PullRequest", pull)

    def push(
        self,
        owner: str,
        name: str,
        number: int,
        new_head_sha: str,
        files: Mapping[str, Content | None] | Iterable[FileChange],
        *,
        message: str = "push",
    ) -> None:
        """New commits on the PR branch: ``files`` are changes against the current head (path -> new content, None
        deletes), or FileChange objects (their ``new``/``previous_filename`` are used). Comments carry over to the
        new head where their lines are unchanged; the others become outdated (``line`` None)."""
        with self._lock:
            pull = self._pull(owner, name, number)
            repo = pull.repo
            tree = dict(repo.commits[pull.head_sha].tree)
            updates: list[tuple[str, bytes | None, str | None]] = []
            if isinstance(files, Mapping):
                updates = [(path, _as_bytes(content), None) for path, content in files.items()]
            else:
                updates = [(c.path, c.new, c.previous_filename) for c in files]
            for path, content, previous in updates:
                if previous is not None:
                    tree.pop(previous, None)
                    pull.renames[path] = pull.renames.pop(previous, previous)
                if content is None:
                    tree.pop(path, None)
                else:
                    tree[path] = content
            self._store_commit(repo, new_head_sha, tree, [pull.head_sha], message, pull.author)
            pull.head_sha = new_head_sha
            pull.commits.append(new_head_sha)
            repo.branches[pull.head_ref] = new_head_sha
            pull.updated_at = _iso(_now())
            for thread in self._threads.values():
                if thread.repo == repo.full_name and thread.pull_number == number:
                    self._carry_forward(pull, thread)

    def update_pull(
        self,
        owner: str,
        name: str,
        number: int,
        *,
        draft: bool | None = None,
        state: str | None = None,
        merged: bool | None = None,
        title: str | None = None,
    ) -> None:
        with self._lock:
            pull = self._pull(owner, name, number)
            if draft is not None:
                pull.draft = draft
            if state is not None:
                pull.state = state
            if merged is not None:
                pull.merged = merged
                pull.state = "closed" if merged else pull.state
            if title is not None:
                pull.title = title
            pull.updated_at = _iso(_now())

    # -- content from other people (for tests) ------------------------------------------------------------------
    def post_review(
        self,
        owner: str,
        name: str,
        number: int,
        user: str,
        *,
        body: str = "",
        event: str | None = "COMMENT",
        comments: Sequence[Mapping[str, Any]] = (),
        commit_id: str | None = None,
    ) -> Review:
        """Create a review as ``user`` with the same validation as the REST endpoint (raises ValueError on 422)."""
        payload: dict[str, Any] = {"body": body, "event": event, "comments": [dict(c) for c in comments]}
        if commit_id is not None:
            payload["commit_id"] = commit_id
        with self._lock:
            pull = self._pull(owner, name, number)
            try:
                return self._create_review(pull, user, payload)
            except _HTTPError as exc:
                raise ValueError(f"{exc.status} {exc.message}: {exc.errors}") from exc

    def post_reply(self, comment_id: int, user: str, body: str) -> ReviewComment:
        with self._lock:
            return self._reply(self._review_comments[comment_id], user, body)

    def post_issue_comment(self, owner: str, name: str, number: int, user: str, body: str) -> IssueComment:
        with self._lock:
            return self._add_issue_comment(self._pull(owner, name, number), user, body)

    def resolve_thread(self, thread_id: str, by: str = "alice", *, resolved: bool = True) -> None:
        with self._lock:
            self._set_resolved(self._threads[thread_id], resolved, by)

    # -- accessors --------------------------------------------------------------------------------------------
    def reviews(self, owner: str, name: str, number: int) -> list[Review]:
        pull = self._pull(owner, name, number)
        return self._pull_reviews(pull)

    def review_comments(self, owner: str, name: str, number: int) -> list[ReviewComment]:
        """Published review comments (not those of pending reviews), oldest first."""
        pull = self._pull(owner, name, number)
        return [c for c in self._pull_review_comments(pull) if self._comment_visible(c, None)]

    def issue_comments(self, owner: str, name: str, number: int) -> list[IssueComment]:
        return self._pull_issue_comments(self._pull(owner, name, number))

    def threads(self, owner: str, name: str, number: int) -> list[Thread]:
        return self._visible_threads(self._pull(owner, name, number))

    def head_sha(self, owner: str, name: str, number: int) -> str:
        return self._pull(owner, name, number).head_sha

    def requests_to(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Recorded requests filtered by method and path prefix."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper()) and (path is None or r.path.startswith(path))
        ]

    # -- fault injection ----------------------------------------------------------------------------------------
    def fail_next(
        self, n: int = 1, status: int = 502, *, method: str | None = None, path: str | None = None, html: bool = False
    ) -> None:
        """The next ``n`` matching requests fail with ``status`` (JSON ``{"message": ...}`` or GitHub's HTML page)."""
        self._faults.append(_Fault("error", n, method, path, status=status, html=html))

    def rate_limit_next(
        self,
        n: int = 1,
        kind: Literal["primary", "secondary"] = "secondary",
        *,
        status: int = 403,
        retry_after: int = 1,
        reset_in: int = 60,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """Secondary: 403 + ``Retry-After``. Primary: ``status`` (403 or 429) + ``X-RateLimit-Remaining: 0`` and
        ``X-RateLimit-Reset`` = now + ``reset_in``."""
        self._faults.append(_Fault(kind, n, method, path, status=status, retry_after=retry_after, reset_in=reset_in))

    def delay_next(self, n: int, seconds: float, *, method: str | None = None, path: str | None = None) -> None:
        """Delay the next ``n`` matching requests by ``seconds`` before answering normally."""
        self._faults.append(_Fault("delay", n, method, path, seconds=seconds))

    def clear_faults(self) -> None:
        self._faults.clear()

    # ========================================================================================================
    # Internals: state

    def _repo(self, owner: str, name: str) -> _Repo:
        try:
            return self._repos[(owner.lower(), name.lower())]
        except KeyError:
            raise KeyError(f"unknown repository {owner}/{name}; call add_repo first") from None

    def _repo_by_full_name(self, full_name: str) -> _Repo:
        owner, _, name = full_name.partition("/")
        return self._repo(owner, name)

    def _pull(self, owner: str, name: str, number: int) -> _Pull:
        repo = self._repo(owner, name)
        if number not in repo.pulls:
            raise KeyError(f"unknown pull request {owner}/{name}#{number}")
        return repo.pulls[number]

    def _pull_of(self, full_name: str, number: int) -> _Pull:
        owner, _, name = full_name.partition("/")
        return self._pull(owner, name, number)

    def _user_id(self, login: str) -> int:
        if login not in self._user_ids:
            self._user_ids[login] = 100000 + len(self._user_ids) + 1
        return self._user_ids[login]

    def _association(self, repo: _Repo, login: str) -> str:
        if login in repo.associations:
            return repo.associations[login]
        return "OWNER" if login.lower() == repo.owner.lower() else "NONE"

    def _store_commit(
        self, repo: _Repo, sha: str, tree: dict[str, bytes], parents: list[str], message: str, author: str
    ) -> None:
        existing = repo.commits.get(sha)
        if existing is not None:
            if existing.tree != tree:
                raise ValueError(f"commit {sha} already exists with a different tree")
            return
        repo.commits[sha] = _Commit(sha, tree, parents, message, author, _iso(_now()))
        for content in tree.values():
            repo.blobs[git_blob_sha(content)] = content

    def _files_at(self, pull: _Pull, commit_sha: str) -> list[_PullFile]:
        """The PR's files as of ``commit_sha`` (a head of the PR) against its base."""
        cached = pull.files_cache.get(commit_sha)
        if cached is not None:
            return cached
        base = pull.repo.commits[pull.base_sha].tree
        head = pull.repo.commits[commit_sha].tree
        renamed_from = {
            old: new for new, old in pull.renames.items() if new in head and old in base and old not in head
        }
        files: list[_PullFile] = []
        for path in sorted(set(base) | set(head), key=_git_path_key):
            old, new = base.get(path), head.get(path)
            if path in renamed_from:
                continue
            previous = pull.renames.get(path)
            if new is not None and previous is not None and renamed_from.get(previous) == path:
                old = base[previous]
                files.append(
                    _PullFile(path, "renamed", previous, old, new, compute_diff(old, new), path in pull.patch_omitted)
                )
            elif old is None and new is not None:
                files.append(
                    _PullFile(path, "added", None, None, new, compute_diff(None, new), path in pull.patch_omitted)
                )
            elif new is None and old is not None:
                files.append(
                    _PullFile(path, "removed", None, old, None, compute_diff(old, None), path in pull.patch_omitted)
                )
            elif old != new:
                files.append(
                    _PullFile(path, "modified", None, old, new, compute_diff(old, new), path in pull.patch_omitted)
                )
        pull.files_cache[commit_sha] = files
        return files

    def _resolve_ref(self, repo: _Repo, ref: str) -> _Commit | None:
        if ref in repo.commits:
            return repo.commits[ref]
        for candidate in (ref, ref.removeprefix("refs/heads/"), ref.removeprefix("heads/")):
            if candidate in repo.branches:
                return repo.commits[repo.branches[candidate]]
        if ref == "HEAD" and repo.default_branch in repo.branches:
            return repo.commits[repo.branches[repo.default_branch]]
        if re.fullmatch(r"[0-9a-fA-F]{4,39}", ref):
            matches = [c for sha, c in repo.commits.items() if sha.startswith(ref.lower())]
            if len(matches) == 1:
                return matches[0]
        return None

    def _git_object(self, repo: _Repo, expression: str | None, oid: str | None) -> _Typed | None:
        if oid is not None:
            if oid in repo.commits:
                return _Typed("Commit", repo.commits[oid])
            if oid in repo.blobs:
                return _Typed("Blob", _Blob(oid, repo.blobs[oid], ""))
            return None
        if not expression:
            return None
        rev, has_path, path = expression.partition(":")
        commit = self._resolve_ref(repo, rev or "HEAD")
        if commit is None:
            return None
        if not has_path:
            return _Typed("Commit", commit)
        path = path.strip("/")
        if path in commit.tree:
            content = commit.tree[path]
            return _Typed("Blob", _Blob(git_blob_sha(content), content, commit.sha))
        if path == "" or any(p.startswith(path + "/") for p in commit.tree):
            return _Typed("Tree", _Tree(hashlib.sha1(f"tree:{commit.sha}:{path}".encode()).hexdigest(), commit.sha))
        return None

    def _can_access(self, principal: _Principal, repo: _Repo) -> bool:
        if principal.kind == "installation":
            return principal.installation is not None and principal.installation.account.lower() == repo.owner.lower()
        return principal.kind == "user"

    def _visible_node(self, principal: _Principal, node: tuple[str, Any]) -> bool:
        kind, value = node
        if kind == "Repository":
            return self._can_access(principal, value)
        if kind == "PullRequest":
            return self._can_access(principal, value.repo)
        if kind in ("PullRequestReviewThread", "PullRequestReviewComment", "PullRequestReview", "IssueComment"):
            return self._can_access(principal, self._repo_by_full_name(value.repo))
        return True

    def _pull_reviews(self, pull: _Pull) -> list[Review]:
        key = pull.repo.full_name
        return [r for r in self._reviews.values() if r.repo == key and r.pull_number == pull.number]

    def _pull_review_comments(self, pull: _Pull) -> list[ReviewComment]:
        key = pull.repo.full_name
        return [c for c in self._review_comments.values() if c.repo == key and c.pull_number == pull.number]

    def _pull_issue_comments(self, pull: _Pull) -> list[IssueComment]:
        key = pull.repo.full_name
        return [c for c in self._issue_comments.values() if c.repo == key and c.issue_number == pull.number]

    def _review_visible(self, review: Review, viewer: str | None) -> bool:
        return review.state != "PENDING" or review.user == viewer

    def _comment_visible(self, comment: ReviewComment, viewer: str | None) -> bool:
        return self._review_visible(self._reviews[comment.review_id], viewer)

    def _visible_threads(self, pull: _Pull) -> list[Thread]:
        key = pull.repo.full_name
        return [
            t
            for t in self._threads.values()
            if t.repo == key and t.pull_number == pull.number and self._comment_visible(t.root, None)
        ]

    def _set_resolved(self, thread: Thread, resolved: bool, by: str) -> None:
        thread.is_resolved = resolved
        thread.resolved_by = by if resolved else None

    # -- reviews ----------------------------------------------------------------------------------------------
    def _resolve_anchor(self, files: list[_PullFile], comment: Mapping[str, Any], *, single: bool = False) -> _Anchor:
        """Validate one review comment's position against the diff, the way GitHub does."""

        def fail(review_message: str, field_name: str, single_message: str) -> _HTTPError:
            if single:
                error = {
                    "resource": "PullRequestReviewComment",
                    "code": "custom",
                    "field": field_name,
                    "message": single_message,
                }
                return _HTTPError(422, "Validation Failed", errors=[error], documentation_url=REVIEW_COMMENT_DOCS_URL)
            return _unprocessable(review_message)

        path = comment.get("path")
        body = comment.get("body")
        if not isinstance(path, str) or not path:
            raise _invalid_request('"path" wasn\'t supplied.', REVIEW_DOCS_URL)
        if not isinstance(body, str):
            raise _invalid_request('"body" wasn\'t supplied.', REVIEW_DOCS_URL)
        if len(body) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        found = next((f for f in files if f.filename == path), None)
        if found is None:
            raise fail("Path could not be resolved", "path", "path could not be resolved")
        diff = found.diff
        if comment.get("subject_type") == "file":
            return _Anchor(path, None, None, None, None, None, "", "file")
        line, position = comment.get("line"), comment.get("position")
        if line is None and position is not None:
            if not isinstance(position, int) or position not in diff.by_position:
                raise fail("Position could not be resolved", "position", "position could not be resolved")
            anchor = diff.by_position[position]
            side = "RIGHT" if anchor.new is not None else "LEFT"
            number = anchor.new if anchor.new is not None else anchor.old
            return _Anchor(path, side, number, None, None, position, diff.diff_hunk(anchor))
        if line is None:
            raise _invalid_request('"line" wasn\'t supplied.', REVIEW_DOCS_URL)
        side = comment.get("side") or "RIGHT"
        if side not in ("LEFT", "RIGHT"):
            raise _invalid_request(f'"{side}" is not a member of ["LEFT", "RIGHT"].', REVIEW_DOCS_URL)
        if not isinstance(line, int) or isinstance(line, bool) or line not in diff.side(side):
            raise fail(
                "Line could not be resolved",
                "pull_request_review_thread.line",
                "pull_request_review_thread.line must be part of the diff",
            )
        anchor = diff.side(side)[line]
        start_line = comment.get("start_line")
        start_side = comment.get("start_side") or side
        if start_line is None:
            return _Anchor(path, side, line, None, None, anchor.position, diff.diff_hunk(anchor))
        if start_side not in ("LEFT", "RIGHT"):
            raise _invalid_request(f'"{start_side}" is not a member of ["LEFT", "RIGHT"].', REVIEW_DOCS_URL)
        if not isinstance(start_line, int) or isinstance(start_line, bool) or start_line not in diff.side(start_side):
            raise fail(
                "Start line could not be resolved",
                "pull_request_review_thread.start_line",
                "pull_request_review_thread.start_line must be part of the diff",
            )
        start = diff.side(start_side)[start_line]
        if start.hunk != anchor.hunk:
            raise fail(
                "Pull request review thread start line must be part of the same hunk as the line.",
                "pull_request_review_thread.start_line",
                "pull_request_review_thread.start_line must be part of the same hunk as the line.",
            )
        if start.position >= anchor.position:
            raise fail(
                "Pull request review thread start line must precede the end line.",
                "pull_request_review_thread.start_line",
                "pull_request_review_thread.start_line must precede the end line.",
            )
        return _Anchor(path, side, line, start_side, start_line, anchor.position, diff.diff_hunk(anchor))

    def _new_review(self, pull: _Pull, user: str, body: str, state: str, commit_id: str) -> Review:
        review_id = next(self._ids)
        submitted = None if state == "PENDING" else _iso(_now())
        review = Review(
            review_id,
            _node_id("PRR", review_id),
            pull.repo.full_name,
            pull.number,
            user,
            body,
            state,
            commit_id,
            submitted,
        )
        self._reviews[review_id] = review
        self._nodes[review.node_id] = ("PullRequestReview", review)
        return review

    def _new_comment(
        self, pull: _Pull, review: Review, user: str, body: str, anchor: _Anchor, commit_id: str, thread: Thread | None
    ) -> ReviewComment:
        comment_id = next(self._ids)
        now = _iso(_now())
        comment = ReviewComment(
            id=comment_id,
            node_id=_node_id("PRRC", comment_id),
            repo=pull.repo.full_name,
            pull_number=pull.number,
            review_id=review.id,
            thread_id="",
            user=user,
            body=body,
            path=anchor.path,
            side=anchor.side,
            start_side=anchor.start_side,
            line=anchor.line,
            start_line=anchor.start_line,
            original_line=anchor.line,
            original_start_line=anchor.start_line,
            position=anchor.position,
            original_position=anchor.position,
            commit_id=commit_id,
            original_commit_id=commit_id,
            diff_hunk=anchor.diff_hunk,
            in_reply_to_id=thread.root.id if thread else None,
            subject_type=anchor.subject_type,
            created_at=now,
            updated_at=now,
        )
        if thread is None:
            thread_number = next(self._ids)
            thread = Thread(_node_id("PRRT", thread_number), pull.repo.full_name, pull.number, [])
            self._threads[thread.id] = thread
            self._nodes[thread.id] = ("PullRequestReviewThread", thread)
        comment.thread_id = thread.id
        thread.comments.append(comment)
        review.comment_ids.append(comment_id)
        self._review_comments[comment_id] = comment
        self._nodes[comment.node_id] = ("PullRequestReviewComment", comment)
        return comment

    def _create_review(self, pull: _Pull, user: str, payload: Any) -> Review:
        if not isinstance(payload, dict):
            raise _invalid_request("Invalid input: the body must be a JSON object.", REVIEW_DOCS_URL)
        event, body = payload.get("event"), payload.get("body")
        comments = payload.get("comments") or []
        commit_id = payload.get("commit_id") or pull.head_sha
        if event is not None and event not in _REVIEW_EVENTS:
            raise _invalid_request(f'"{event}" is not a member of ["APPROVE", "REQUEST_CHANGES", "COMMENT"].')
        if body is not None and not isinstance(body, str):
            raise _invalid_request("For 'properties/body', is not a string.", REVIEW_DOCS_URL)
        if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
            raise _invalid_request("For 'properties/comments', is not an array of objects.", REVIEW_DOCS_URL)
        if commit_id not in pull.commits:
            raise _unprocessable(f"No commit found for SHA: {commit_id}")
        if event in ("REQUEST_CHANGES", "COMMENT") and not body and not comments:
            raise _unprocessable(f"Review body is required when using {event}")
        if body and len(body) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        if event in ("APPROVE", "REQUEST_CHANGES") and user == pull.author:
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise _unprocessable(f"Review Can not {verb} your own pull request")
        if event is None and any(r.state == "PENDING" and r.user == user for r in self._pull_reviews(pull)):
            raise _unprocessable("Review User can only have one pending review per pull request")
        files = self._files_at(pull, commit_id)
        anchors = [self._resolve_anchor(files, c) for c in comments]  # all or nothing
        review = self._new_review(pull, user, body or "", _REVIEW_EVENTS.get(event or "", "PENDING"), commit_id)
        for anchor, raw in zip(anchors, comments, strict=True):
            comment = self._new_comment(pull, review, user, raw["body"], anchor, commit_id, None)
            if commit_id != pull.head_sha:
                self._carry_forward(pull, self._threads[comment.thread_id])
        pull.updated_at = _iso(_now())
        return review

    def _reply(self, target: ReviewComment, user: str, body: str) -> ReviewComment:
        if len(body) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        thread = self._threads[target.thread_id]
        root = thread.root
        pull = self._pull_of(root.repo, root.pull_number)
        review = self._new_review(pull, user, "", "COMMENTED", root.commit_id)
        anchor = _Anchor(
            root.path,
            root.side,
            root.line,
            root.start_side,
            root.start_line,
            root.position,
            root.diff_hunk,
            root.subject_type,
        )
        comment = self._new_comment(pull, review, user, body, anchor, root.commit_id, thread)
        comment.original_line, comment.original_start_line = root.original_line, root.original_start_line
        comment.original_position, comment.original_commit_id = root.original_position, root.original_commit_id
        return comment

    def _carry_forward(self, pull: _Pull, thread: Thread) -> None:
        """Move a thread's anchor to the PR head if its lines are unchanged, else mark it outdated."""
        root = thread.root
        if root.subject_type != "line" or root.line is None or root.commit_id == pull.head_sha:
            return
        repo = pull.repo
        old_tree, new_tree = repo.commits[root.commit_id].tree, repo.commits[pull.head_sha].tree
        found = next((f for f in self._files_at(pull, pull.head_sha) if f.filename == root.path), None)
        mapped: dict[str, int | None] = {"line": None, "start_line": None}
        anchor: _DiffLine | None = None
        if found is not None and root.path in new_tree:
            for key, side, number in (("line", root.side, root.line), ("start_line", root.start_side, root.start_line)):
                if number is None:
                    continue
                if side == "LEFT":
                    mapped[key] = number
                else:
                    mapped[key] = _map_line(old_tree.get(root.path, b""), new_tree[root.path], number)
            line = mapped["line"]
            if line is not None and line in found.diff.side(root.side or "RIGHT"):
                anchor = found.diff.side(root.side or "RIGHT")[line]
                start = mapped["start_line"]
                if root.start_line is not None:
                    start_map = found.diff.side(root.start_side or "RIGHT")
                    if start is None or start not in start_map or start_map[start].hunk != anchor.hunk:
                        anchor = None
        for comment in thread.comments:
            if anchor is None:
                comment.line = comment.start_line = comment.position = None
            else:
                comment.line, comment.start_line = mapped["line"], mapped["start_line"]
                comment.position = anchor.position
                comment.commit_id = pull.head_sha

    def _add_issue_comment(self, pull: _Pull, user: str, body: str) -> IssueComment:
        if len(body) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        comment_id = next(self._ids)
        now = _iso(_now())
        comment = IssueComment(
            comment_id, _node_id("IC", comment_id), pull.repo.full_name, pull.number, user, body, now, now
        )
        self._issue_comments[comment_id] = comment
        self._nodes[comment.node_id] = ("IssueComment", comment)
        return comment

    # -- rate limits --------------------------------------------------------------------------------------------
    def _bucket(self, principal: _Principal | None, resource: str) -> _RateBucket:
        """The rate-limit window of a principal (None: unauthenticated, 60 requests an hour like GitHub)."""
        key = (principal.rate_key if principal is not None else "anonymous", resource)
        now = int(time.time())
        bucket = self._rate.get(key)
        if bucket is None or now >= bucket.reset:
            limits = {"core": self.rate_limit, "graphql": self.graphql_rate_limit}
            limit = 60 if principal is None else limits[resource]
            bucket = _RateBucket(limit, 0, now + 3600)
            self._rate[key] = bucket
        return bucket

    def _primary_limit_error(self, principal: _Principal, status: int, reset: int, bucket: _RateBucket) -> _HTTPError:
        if principal.installation is not None:
            who = f"installation ID {principal.installation.id}"
        else:
            who = f"user ID {self._user_id(principal.login)}"
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Used": str(bucket.limit),
        }
        return _HTTPError(
            status, f"API rate limit exceeded for {who}.", documentation_url=RATE_LIMIT_DOCS_URL, headers=headers
        )

    def _secondary_limit_error(self, request_id: str, retry_after: int) -> _HTTPError:
        message = (
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach "
            f"out to GitHub Support for help, please include the request ID {request_id}."
        )
        return _HTTPError(
            403, message, documentation_url=SECONDARY_RATE_LIMIT_DOCS_URL, headers={"Retry-After": str(retry_after)}
        )

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.matches(method, path):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ========================================================================================================
    # HTTP plumbing

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        request_id = f"{secrets.token_hex(2).upper()}:{secrets.token_hex(3).upper()}:{secrets.token_hex(4).upper()}"
        record = RecordedRequest(
            request.method,
            request.path,
            dict(request.query),
            {name: value for name in _LOGGED_HEADERS if (value := request.headers.get(name)) is not None},
            None,
        )
        self.requests.append(record)
        try:
            raw = await request.read()
            body: Any = None
            invalid_json = False
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    invalid_json = True
                    record.json = raw.decode("utf-8", "replace")
            if not invalid_json:
                record.json = body
            request[_STATE] = _RequestState(json=body)
            response = await self._dispatch(request, handler, request_id, invalid_json)
        except _HTTPError as exc:
            response = exc.response()
        except web.HTTPException as exc:
            status = exc.status if exc.status >= 400 else 404
            response = _HTTPError(status, "Not Found" if status == 404 else exc.reason).response()
        record.status = response.status
        response.headers.setdefault("X-GitHub-Request-Id", request_id)
        response.headers.setdefault("X-GitHub-Media-Type", "github.v3; format=json")
        response.headers.setdefault("X-GitHub-Api-Version-Selected", "2022-11-28")
        state: _RequestState = request.get(_STATE) or _RequestState()
        bucket = state.rate
        if bucket is not None:
            response.headers.setdefault("X-RateLimit-Limit", str(bucket.limit))
            response.headers.setdefault("X-RateLimit-Remaining", str(max(0, bucket.limit - bucket.used)))
            response.headers.setdefault("X-RateLimit-Reset", str(bucket.reset))
            response.headers.setdefault("X-RateLimit-Used", str(bucket.used))
            response.headers.setdefault("X-RateLimit-Resource", state.resource)
        return response

    async def _dispatch(
        self, request: web.Request, handler: Handler, request_id: str, invalid_json: bool
    ) -> web.StreamResponse:
        fault = self._take_fault(request.method, request.path)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            fault = None
        if fault is not None and fault.kind == "error":
            if fault.html:
                return web.Response(status=fault.status, text=_SERVER_ERROR_HTML, content_type="text/html")
            message = _SERVER_ERROR_MESSAGES.get(fault.status, "Server Error")
            return web.json_response({"message": message}, status=fault.status)
        with self._lock:
            state: _RequestState = request[_STATE]
            resource = "graphql" if request.path == "/graphql" else "core"
            state.resource = resource
            try:
                principal = self._authenticate(request, handler)
            except _HTTPError:
                state.rate = self._bucket(None, resource)
                state.rate.used = min(state.rate.limit, state.rate.used + 1)
                raise
            state.principal = principal
            bucket = self._bucket(principal, resource)
            state.rate = bucket
            if request.path != "/rate_limit":  # GitHub does not count this one
                if fault is not None and fault.kind == "primary":
                    raise self._primary_limit_error(principal, fault.status, int(time.time()) + fault.reset_in, bucket)
                if bucket.used >= bucket.limit:
                    raise self._primary_limit_error(principal, 403, bucket.reset, bucket)
                bucket.used += 1
            if fault is not None and fault.kind == "secondary":
                raise self._secondary_limit_error(request_id, fault.retry_after)
            self._check_content_writes(principal, request, request_id)
            if invalid_json:
                raise _HTTPError(400, "Problems parsing JSON")
            return await handler(request)

    def _check_content_writes(self, principal: _Principal, request: web.Request, request_id: str) -> None:
        if self.content_writes_per_minute is None or request.method not in ("POST", "PATCH", "PUT", "DELETE"):
            return
        if request.path == "/graphql" or request.path.startswith("/app/"):
            return
        now = time.monotonic()
        recent = [t for t in self._writes.get(principal.rate_key, []) if now - t < 60]
        if len(recent) >= self.content_writes_per_minute:
            self._writes[principal.rate_key] = recent
            raise self._secondary_limit_error(request_id, 60)
        self._writes[principal.rate_key] = [*recent, now]

    def _authenticate(self, request: web.Request, handler: Handler) -> _Principal:
        header = request.headers.get("Authorization")
        if not header:
            raise _HTTPError(401, "Requires authentication")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() not in ("token", "bearer") or not token:
            raise _HTTPError(401, "Bad credentials")
        if getattr(handler, "_jwt_only", False):
            if not _JWT_SHAPE.match(token):
                raise _HTTPError(401, "A JSON web token could not be decoded", documentation_url=APP_DOCS_URL)
            return self._verify_jwt(token)
        credential = self._credentials.get(token)
        if credential is None or (credential.expires_at is not None and credential.expires_at <= _now()):
            raise _HTTPError(401, "Bad credentials")
        if credential.kind == "installation":
            installation = self._installations.get(credential.installation_id or -1)
            if installation is None:
                raise _HTTPError(401, "Bad credentials")
            return _Principal(credential.login, "installation", installation=installation)
        return _Principal(credential.login, "user")

    def _verify_jwt(self, token: str) -> _Principal:
        def bad(message: str = "A JSON web token could not be decoded") -> _HTTPError:
            return _HTTPError(401, message, documentation_url=APP_DOCS_URL)

        try:
            header_part, payload_part, _signature = token.split(".")
            header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
            claims = json.loads(base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4)))
        except ValueError as exc:
            raise bad() from exc
        if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "RS256":
            raise bad()
        issuer = claims.get("iss")
        app = next(
            (a for a in self._apps.values() if str(issuer) in (str(a.id), a.client_id)),
            None,
        )
        if app is None:
            raise bad("'Issuer' claim ('iss') must be an Integer")
        if pyjwt is not None:
            try:
                pyjwt.decode(
                    token,
                    app.public_key,
                    algorithms=["RS256"],
                    options={
                        "verify_exp": False,
                        "verify_iat": False,
                        "verify_iss": False,
                        "verify_aud": False,
                        "verify_nbf": False,
                    },
                )
            except pyjwt.PyJWTError as exc:
                raise bad() from exc
        issued_at, expires = claims.get("iat"), claims.get("exp")
        now = time.time()
        if not isinstance(issued_at, int) or issued_at > now:
            raise bad(
                "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
            )
        if not isinstance(expires, int) or expires <= now:
            raise bad(
                "'Expiration time' claim ('exp') must be a numeric value representing the future time at which "
                "the assertion expires"
            )
        if expires - issued_at > 600:
            raise bad("'Expiration time' claim ('exp') is too far in the future")
        return _Principal(app.bot_login, "app", app=app)

    def _api(self, request: web.Request) -> str:
        return f"{request.scheme}://{request.host}"

    def _principal(self, request: web.Request) -> _Principal:
        principal = request[_STATE].principal
        assert principal is not None
        return principal

    def _repo_from(self, request: web.Request) -> _Repo:
        match = request.match_info
        repo: _Repo | None
        if "repo_id" in match:
            repo = next((r for r in self._repos.values() if r.id == int(match["repo_id"])), None)
        else:
            repo = self._repos.get((match["owner"].lower(), match["repo"].lower()))
        if repo is None or not self._can_access(self._principal(request), repo):
            raise _not_found()
        return repo

    def _pull_from(self, request: web.Request) -> _Pull:
        repo = self._repo_from(request)
        pull = repo.pulls.get(_int_param(request.match_info["number"], -1))
        if pull is None:
            raise _not_found()
        return pull

    def _json_body(self, request: web.Request) -> dict[str, Any]:
        body = request[_STATE].json
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise _HTTPError(400, "Problems parsing JSON")
        return body

    def _paginate(
        self, request: web.Request, items: Sequence[Any], repo: _Repo | None = None
    ) -> tuple[list[Any], dict[str, str]]:
        per_page = _int_param(request.query.get("per_page"), DEFAULT_PER_PAGE)
        per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
        page = max(1, _int_param(request.query.get("page"), 1))
        last = max(1, math.ceil(len(items) / per_page))
        chunk = list(items[(page - 1) * per_page : page * per_page])
        path = request.path
        if repo is not None:  # GitHub's links name the repository by id
            path = re.sub(r"^/repos/[^/]+/[^/]+", f"/repositories/{repo.id}", path)

        def link(number: int, rel: str) -> str:
            query = dict(request.query)
            query["page"] = str(number)
            return f'<{self._api(request)}{path}?{urlencode(query)}>; rel="{rel}"'

        links: list[str] = []
        if page > 1:
            links.append(link(min(page - 1, last), "prev"))
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links.append(link(1, "first"))
        return chunk, ({"Link": ", ".join(links)} if links else {})

    # -- JSON shapes --------------------------------------------------------------------------------------------
    def _user_json(self, api: str, login: str) -> dict[str, Any]:
        user_id = self._user_id(login)
        bot = login.endswith("[bot]")
        return {
            "login": login,
            "id": user_id,
            "node_id": _node_id("BOT" if bot else "U", user_id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
            "gravatar_id": "",
            "url": f"{api}/users/{quote(login)}",
            "html_url": f"{WEB_URL}/{'apps/' + login.removesuffix('[bot]') if bot else quote(login)}",
            "type": "Bot" if bot else "User",
            "site_admin": False,
        }

    def _repo_json(self, api: str, repo: _Repo) -> dict[str, Any]:
        base = f"{api}/repos/{repo.full_name}"
        return {
            "id": repo.id,
            "node_id": repo.node_id,
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self._user_json(api, repo.owner),
            "html_url": f"{WEB_URL}/{repo.full_name}",
            "description": None,
            "fork": False,
            "url": base,
            "pulls_url": f"{base}/pulls{{/number}}",
            "issues_url": f"{base}/issues{{/number}}",
            "contents_url": f"{base}/contents/{{+path}}",
            "blobs_url": f"{base}/git/blobs{{/sha}}",
            "commits_url": f"{base}/commits{{/sha}}",
            "default_branch": repo.default_branch,
            "visibility": "private" if repo.private else "public",
            "archived": False,
            "disabled": False,
        }

    def _pull_json(self, api: str, pull: _Pull) -> dict[str, Any]:
        repo = pull.repo
        base = f"{api}/repos/{repo.full_name}"
        url = f"{base}/pulls/{pull.number}"
        html = f"{WEB_URL}/{repo.full_name}/pull/{pull.number}"
        files = self._files_at(pull, pull.head_sha)
        repo_json = self._repo_json(api, repo)

        def ref(name: str, sha: str) -> dict[str, Any]:
            return {
                "label": f"{repo.owner}:{name}",
                "ref": name,
                "sha": sha,
                "user": self._user_json(api, repo.owner),
                "repo": repo_json,
            }

        return {
            "url": url,
            "id": pull.id,
            "node_id": pull.node_id,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{base}/issues/{pull.number}",
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{base}/pulls/comments{{/number}}",
            "comments_url": f"{base}/issues/{pull.number}/comments",
            "statuses_url": f"{base}/statuses/{pull.head_sha}",
            "number": pull.number,
            "state": pull.state,
            "locked": False,
            "title": pull.title,
            "user": self._user_json(api, pull.author),
            "body": pull.body or None,
            "labels": [],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": pull.created_at,
            "updated_at": pull.updated_at,
            "closed_at": pull.updated_at if pull.state == "closed" else None,
            "merged_at": pull.updated_at if pull.merged else None,
            "merge_commit_sha": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": ref(pull.head_ref, pull.head_sha),
            "base": ref(pull.base_ref, pull.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": f"{base}/issues/{pull.number}"},
                "comments": {"href": f"{base}/issues/{pull.number}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{base}/statuses/{pull.head_sha}"},
            },
            "author_association": self._association(repo, pull.author),
            "auto_merge": None,
            "draft": pull.draft,
            "merged": pull.merged,
            "mergeable": True if pull.state == "open" else None,
            "rebaseable": True,
            "mergeable_state": "draft" if pull.draft else "clean",
            "merged_by": None,
            "comments": len(self._pull_issue_comments(pull)),
            "review_comments": len([c for c in self._pull_review_comments(pull) if self._comment_visible(c, None)]),
            "maintainer_can_modify": False,
            "commits": len(pull.commits),
            "additions": sum(f.diff.additions for f in files),
            "deletions": sum(f.diff.deletions for f in files),
            "changed_files": len(files),
        }

    def _file_json(self, api: str, repo: _Repo, ref: str, f: _PullFile) -> dict[str, Any]:
        quoted = quote(f.filename)
        out: dict[str, Any] = {
            "sha": f.sha,
            "filename": f.filename,
            "status": f.status,
            "additions": f.diff.additions,
            "deletions": f.diff.deletions,
            "changes": f.diff.additions + f.diff.deletions,
            "blob_url": f"{WEB_URL}/{repo.full_name}/blob/{ref}/{quoted}",
            "raw_url": f"{WEB_URL}/{repo.full_name}/raw/{ref}/{quoted}",
            "contents_url": f"{api}/repos/{repo.full_name}/contents/{quoted}?ref={ref}",
        }
        patch = f.diff.patch
        if patch is not None and not f.patch_omitted:
            out["patch"] = patch
        if f.previous_filename is not None:
            out["previous_filename"] = f.previous_filename
        return out

    def _commit_json(self, api: str, repo: _Repo, commit: _Commit, *, with_files: bool) -> dict[str, Any]:
        url = f"{api}/repos/{repo.full_name}/commits/{commit.sha}"
        person = {"name": commit.author, "email": f"{commit.author}@users.noreply.github.com", "date": commit.date}
        tree_sha = hashlib.sha1(repr(sorted(commit.tree.items())).encode()).hexdigest()
        out: dict[str, Any] = {
            "sha": commit.sha,
            "node_id": _node_id("C", int(hashlib.sha1(commit.sha.encode()).hexdigest()[:12], 16)),
            "url": url,
            "html_url": f"{WEB_URL}/{repo.full_name}/commit/{commit.sha}",
            "comments_url": f"{url}/comments",
            "commit": {
                "url": f"{api}/repos/{repo.full_name}/git/commits/{commit.sha}",
                "author": person,
                "committer": person,
                "message": commit.message,
                "tree": {"sha": tree_sha, "url": f"{api}/repos/{repo.full_name}/git/trees/{tree_sha}"},
                "comment_count": 0,
                "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
            },
            "author": self._user_json(api, commit.author),
            "committer": self._user_json(api, commit.author),
            "parents": [
                {
                    "sha": p,
                    "url": f"{api}/repos/{repo.full_name}/commits/{p}",
                    "html_url": f"{WEB_URL}/{repo.full_name}/commit/{p}",
                }
                for p in commit.parents
            ],
        }
        if with_files:
            parent_tree = (
                repo.commits[commit.parents[0]].tree if commit.parents and commit.parents[0] in repo.commits else {}
            )
            files: list[dict[str, Any]] = []
            for path in sorted(set(parent_tree) | set(commit.tree), key=_git_path_key):
                old, new = parent_tree.get(path), commit.tree.get(path)
                if old == new:
                    continue
                status = "added" if old is None else "removed" if new is None else "modified"
                pull_file = _PullFile(path, status, None, old, new, compute_diff(old, new), False)
                files.append(self._file_json(api, repo, commit.sha, pull_file))
            additions = sum(f["additions"] for f in files)
            deletions = sum(f["deletions"] for f in files)
            out["stats"] = {"total": additions + deletions, "additions": additions, "deletions": deletions}
            out["files"] = files
        return out

    def _review_json(self, api: str, review: Review) -> dict[str, Any]:
        pull_url = f"{api}/repos/{review.repo}/pulls/{review.pull_number}"
        html = f"{WEB_URL}/{review.repo}/pull/{review.pull_number}#pullrequestreview-{review.id}"
        out: dict[str, Any] = {
            "id": review.id,
            "node_id": review.node_id,
            "user": self._user_json(api, review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self._association(self._repo_by_full_name(review.repo), review.user),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "commit_id": review.commit_id,
        }
        if review.submitted_at is not None:  # GitHub leaves it out for PENDING reviews
            out["submitted_at"] = review.submitted_at
        return out

    def _review_comment_json(self, api: str, comment: ReviewComment) -> dict[str, Any]:
        base = f"{api}/repos/{comment.repo}"
        url = f"{base}/pulls/comments/{comment.id}"
        html = f"{WEB_URL}/{comment.repo}/pull/{comment.pull_number}#discussion_r{comment.id}"
        pull_url = f"{base}/pulls/{comment.pull_number}"
        return {
            "url": url,
            "pull_request_review_id": comment.review_id,
            "id": comment.id,
            "node_id": comment.node_id,
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "position": comment.position,
            "original_position": comment.original_position,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.original_commit_id,
            "in_reply_to_id": comment.in_reply_to_id,
            "user": self._user_json(api, comment.user),
            "body": comment.body,
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self._association(self._repo_by_full_name(comment.repo), comment.user),
            "_links": {"self": {"href": url}, "html": {"href": html}, "pull_request": {"href": pull_url}},
            "reactions": self._reactions_json(url, comment.reactions),
            "start_line": comment.start_line,
            "original_start_line": comment.original_start_line,
            "start_side": comment.start_side if comment.original_start_line is not None else None,
            "line": comment.line,
            "original_line": comment.original_line,
            "side": comment.side,
            "subject_type": comment.subject_type,
        }

    def _issue_comment_json(self, api: str, comment: IssueComment) -> dict[str, Any]:
        base = f"{api}/repos/{comment.repo}"
        url = f"{base}/issues/comments/{comment.id}"
        out: dict[str, Any] = {
            "url": url,
            "html_url": f"{WEB_URL}/{comment.repo}/pull/{comment.issue_number}#issuecomment-{comment.id}",
            "issue_url": f"{base}/issues/{comment.issue_number}",
            "id": comment.id,
            "node_id": comment.node_id,
            "user": self._user_json(api, comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "author_association": self._association(self._repo_by_full_name(comment.repo), comment.user),
            "body": comment.body,
            "reactions": self._reactions_json(url, comment.reactions),
            "performed_via_github_app": None,
        }
        return out

    def _reactions_json(self, url: str, reactions: list[tuple[str, str]]) -> dict[str, Any]:
        counts = {name: 0 for name in sorted(_REACTIONS)}
        for _login, content in reactions:
            counts[content] += 1
        return {"url": f"{url}/reactions", "total_count": len(reactions), **counts}

    def _installation_json(self, api: str, installation: _Installation) -> dict[str, Any]:
        app = self._apps[installation.app_id]
        return {
            "id": installation.id,
            "account": self._user_json(api, installation.account),
            "repository_selection": "all",
            "access_tokens_url": f"{api}/app/installations/{installation.id}/access_tokens",
            "repositories_url": f"{api}/installation/repositories",
            "html_url": f"{WEB_URL}/settings/installations/{installation.id}",
            "app_id": app.id,
            "app_slug": app.slug,
            "target_id": self._user_id(installation.account),
            "target_type": "Organization",
            "permissions": installation.permissions,
            "events": ["pull_request", "issue_comment"],
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "single_file_name": None,
            "suspended_by": None,
            "suspended_at": None,
        }

    # -- routes -------------------------------------------------------------------------------------------------
    def _add_routes(self, app: web.Application) -> None:
        app.router.add_get("/rate_limit", self._h_rate_limit)
        app.router.add_get("/user", self._h_user)
        app.router.add_get("/app", self._h_app)
        app.router.add_get("/app/installations/{installation_id}", self._h_installation)
        app.router.add_post("/app/installations/{installation_id}/access_tokens", self._h_access_token)
        app.router.add_post("/graphql", self._h_graphql)
        repo_routes: list[tuple[str, str, Handler]] = [
            ("GET", "", self._h_repo),
            ("GET", "/installation", self._h_repo_installation),
            ("GET", "/pulls/{number}", self._h_pull),
            ("GET", "/pulls/{number}/files", self._h_pull_files),
            ("GET", "/pulls/{number}/commits", self._h_pull_commits),
            ("GET", "/pulls/{number}/reviews", self._h_list_reviews),
            ("POST", "/pulls/{number}/reviews", self._h_create_review),
            ("GET", "/pulls/{number}/reviews/{review_id}", self._h_get_review),
            ("PUT", "/pulls/{number}/reviews/{review_id}", self._h_update_review),
            ("DELETE", "/pulls/{number}/reviews/{review_id}", self._h_delete_review),
            ("POST", "/pulls/{number}/reviews/{review_id}/events", self._h_submit_review),
            ("PUT", "/pulls/{number}/reviews/{review_id}/dismissals", self._h_dismiss_review),
            ("GET", "/pulls/{number}/reviews/{review_id}/comments", self._h_review_comments_of_review),
            ("GET", "/pulls/{number}/comments", self._h_list_review_comments),
            ("POST", "/pulls/{number}/comments", self._h_create_review_comment),
            ("POST", "/pulls/{number}/comments/{comment_id}/replies", self._h_reply),
            ("GET", "/pulls/comments/{comment_id}", self._h_get_review_comment),
            ("PATCH", "/pulls/comments/{comment_id}", self._h_edit_review_comment),
            ("DELETE", "/pulls/comments/{comment_id}", self._h_delete_review_comment),
            ("POST", "/pulls/comments/{comment_id}/reactions", self._h_review_comment_reaction),
            ("GET", "/issues/{number}/comments", self._h_list_issue_comments),
            ("POST", "/issues/{number}/comments", self._h_create_issue_comment),
            ("GET", "/issues/comments/{comment_id}", self._h_get_issue_comment),
            ("PATCH", "/issues/comments/{comment_id}", self._h_edit_issue_comment),
            ("DELETE", "/issues/comments/{comment_id}", self._h_delete_issue_comment),
            ("POST", "/issues/comments/{comment_id}/reactions", self._h_issue_comment_reaction),
            ("GET", "/git/blobs/{sha}", self._h_blob),
            ("GET", "/contents/{path:.*}", self._h_contents),
            ("GET", "/commits/{ref}", self._h_commit),
        ]
        for prefix in ("/repos/{owner}/{repo}", r"/repositories/{repo_id:\d+}"):
            for method, suffix, handler in repo_routes:
                app.router.add_route(method, prefix + suffix, handler)

    # -- handlers: identity and apps ----------------------------------------------------------------------------
    async def _h_rate_limit(self, request: web.Request) -> web.StreamResponse:
        principal = self._principal(request)
        resources = {}
        for resource in ("core", "graphql"):
            bucket = self._bucket(principal, resource)
            resources[resource] = {
                "limit": bucket.limit,
                "used": bucket.used,
                "remaining": bucket.limit - bucket.used,
                "reset": bucket.reset,
            }
        return web.json_response({"resources": resources, "rate": resources["core"]})

    async def _h_user(self, request: web.Request) -> web.StreamResponse:
        principal = self._principal(request)
        if principal.kind != "user":
            raise _HTTPError(
                403,
                "Resource not accessible by integration",
                documentation_url=f"{DOCS_URL}/users/users#get-the-authenticated-user",
            )
        return web.json_response(self._user_json(self._api(request), principal.login))

    @_jwt_only
    async def _h_app(self, request: web.Request) -> web.StreamResponse:
        app = self._principal(request).app
        assert app is not None
        return web.json_response(
            {
                "id": app.id,
                "slug": app.slug,
                "client_id": app.client_id,
                "node_id": _node_id("A", app.id),
                "name": app.slug,
                "owner": None,
                "html_url": f"{WEB_URL}/apps/{app.slug}",
                "permissions": {},
                "events": [],
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2024-01-01T00:00:00Z",
            }
        )

    def _app_installation(self, request: web.Request) -> _Installation:
        app = self._principal(request).app
        installation = self._installations.get(_int_param(request.match_info["installation_id"], -1))
        if app is None or installation is None or installation.app_id != app.id:
            raise _not_found()
        return installation

    @_jwt_only
    async def _h_installation(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self._installation_json(self._api(request), self._app_installation(request)))

    @_jwt_only
    async def _h_access_token(self, request: web.Request) -> web.StreamResponse:
        installation = self._app_installation(request)
        body = self._json_body(request)
        requested = body.get("permissions") or {}
        if not isinstance(requested, dict):
            raise _invalid_request("For 'properties/permissions', is not an object.", APP_DOCS_URL)
        for name in requested:
            if name not in installation.permissions:
                raise _unprocessable("The permissions requested are not granted to this installation.", APP_DOCS_URL)
        app = self._apps[installation.app_id]
        token = "ghs_" + secrets.token_urlsafe(27).replace("-", "A").replace("_", "b")[:36]
        expires = _now().replace(microsecond=0) + self.installation_token_ttl
        self._credentials[token] = _Credential(app.bot_login, "installation", installation.id, expires)
        return web.json_response(
            {
                "token": token,
                "expires_at": _iso(expires),
                "permissions": requested or installation.permissions,
                "repository_selection": "all",
            },
            status=201,
        )

    @_jwt_only
    async def _h_repo_installation(self, request: web.Request) -> web.StreamResponse:
        app = self._principal(request).app
        match = request.match_info
        repo = (
            next((r for r in self._repos.values() if r.id == int(match["repo_id"])), None)
            if "repo_id" in match
            else self._repos.get((match["owner"].lower(), match["repo"].lower()))
        )
        if repo is None or app is None:
            raise _not_found()
        installation = next(
            (i for i in self._installations.values() if i.app_id == app.id and i.account.lower() == repo.owner.lower()),
            None,
        )
        if installation is None:
            raise _not_found()
        return web.json_response(self._installation_json(self._api(request), installation))

    # -- handlers: repository data --------------------------------------------------------------------------------
    async def _h_repo(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self._repo_json(self._api(request), self._repo_from(request)))

    async def _h_pull(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        if _DIFF_MEDIA.search(request.headers.get("Accept", "")):
            return self._pull_diff(pull)
        return web.json_response(self._pull_json(self._api(request), pull))

    def _pull_diff(self, pull: _Pull) -> web.StreamResponse:
        files = self._files_at(pull, pull.head_sha)
        if len(files) > MAX_DIFF_FILES:
            raise _HTTPError(
                406,
                f"Sorry, the diff exceeded the maximum number of files ({MAX_DIFF_FILES}). Consider using 'List pull "
                "requests files' API or locally cloning the repository instead.",
                errors=[{"resource": "PullRequest", "field": "diff", "code": "too_large"}],
                documentation_url=f"{DOCS_URL}/pulls/pulls#list-pull-requests-files",
            )
        parts: list[str] = []
        for f in files:
            old_path = f.previous_filename or f.filename
            old_sha = git_blob_sha(f.old)[:7] if f.old is not None else "0000000"
            new_sha = git_blob_sha(f.new)[:7] if f.new is not None else "0000000"
            parts.append(f"diff --git a/{old_path} b/{f.filename}")
            if f.status == "added":
                parts.append("new file mode 100644")
            elif f.status == "removed":
                parts.append("deleted file mode 100644")
            elif f.status == "renamed":
                similarity = 100 if f.old == f.new else 90
                parts += [f"similarity index {similarity}%", f"rename from {old_path}", f"rename to {f.filename}"]
            if f.old == f.new:
                continue
            parts.append(f"index {old_sha}..{new_sha}" + ("" if f.status in ("added", "removed") else " 100644"))
            a = f"a/{old_path}" if f.old is not None else "/dev/null"
            b = f"b/{f.filename}" if f.new is not None else "/dev/null"
            if f.diff.binary:
                parts.append(f"Binary files {a} and {b} differ")
                continue
            parts += [f"--- {a}", f"+++ {b}"]
            if f.diff.patch:
                parts.append(f.diff.patch)
        text = "\n".join(parts) + "\n"
        if text.count("\n") > MAX_DIFF_LINES:
            raise _HTTPError(
                406,
                f"Sorry, the diff exceeded the maximum number of lines ({MAX_DIFF_LINES}). Consider using 'List pull "
                "requests files' API or locally cloning the repository instead.",
                errors=[{"resource": "PullRequest", "field": "diff", "code": "too_large"}],
            )
        return web.Response(text=text, content_type="application/vnd.github.diff", charset="utf-8")

    async def _h_pull_files(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        files = self._files_at(pull, pull.head_sha)[:MAX_PULL_FILES]
        chunk, headers = self._paginate(request, files, pull.repo)
        api = self._api(request)
        return web.json_response([self._file_json(api, pull.repo, pull.head_sha, f) for f in chunk], headers=headers)

    async def _h_pull_commits(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        commits = [pull.repo.commits[sha] for sha in pull.commits]
        chunk, headers = self._paginate(request, commits, pull.repo)
        api = self._api(request)
        return web.json_response(
            [self._commit_json(api, pull.repo, c, with_files=False) for c in chunk], headers=headers
        )

    def _raw_or_json(self, request: web.Request, content: bytes, payload: Callable[[], Any]) -> web.StreamResponse:
        if _RAW_MEDIA.search(request.headers.get("Accept", "")):
            return web.Response(body=content, content_type="application/vnd.github.raw", charset="utf-8")
        return web.json_response(payload())

    async def _h_blob(self, request: web.Request) -> web.StreamResponse:
        repo = self._repo_from(request)
        sha = request.match_info["sha"]
        content = repo.blobs.get(sha.lower())
        if content is None:
            raise _not_found()
        url = f"{self._api(request)}/repos/{repo.full_name}/git/blobs/{sha}"
        return self._raw_or_json(
            request,
            content,
            lambda: {
                "sha": sha.lower(),
                "node_id": _node_id("B", int(sha[:12], 16)),
                "size": len(content),
                "url": url,
                "content": _b64_lines(content),
                "encoding": "base64",
            },
        )

    async def _h_contents(self, request: web.Request) -> web.StreamResponse:
        repo = self._repo_from(request)
        api = self._api(request)
        ref = request.query.get("ref") or repo.default_branch
        commit = self._resolve_ref(repo, ref)
        if commit is None:
            raise _HTTPError(
                404,
                f"No commit found for the ref {ref}",
                documentation_url=f"{DOCS_URL}/repos/contents#get-repository-content",
            )
        path = request.match_info["path"].strip("/")

        def entry(entry_path: str, kind: str, content: bytes | None) -> dict[str, Any]:
            sha = (
                git_blob_sha(content)
                if content is not None
                else hashlib.sha1(f"tree:{entry_path}".encode()).hexdigest()
            )
            quoted = quote(entry_path)
            url = f"{api}/repos/{repo.full_name}/contents/{quoted}?ref={quote(ref)}"
            git_url = f"{api}/repos/{repo.full_name}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
            html = f"{WEB_URL}/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{quoted}"
            return {
                "type": kind,
                "name": entry_path.rsplit("/", 1)[-1],
                "path": entry_path,
                "sha": sha,
                "size": len(content) if content is not None else 0,
                "url": url,
                "git_url": git_url,
                "html_url": html,
                "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{quoted}"
                if kind == "file"
                else None,
                "_links": {"self": url, "git": git_url, "html": html},
            }

        if path in commit.tree:
            content = commit.tree[path]

            def payload() -> dict[str, Any]:
                out = entry(path, "file", content)
                inline = len(content) <= CONTENTS_INLINE_LIMIT
                out["content"] = _b64_lines(content) if inline else ""
                out["encoding"] = "base64" if inline else "none"
                return out

            return self._raw_or_json(request, content, payload)
        prefix = f"{path}/" if path else ""
        children: dict[str, dict[str, Any]] = {}
        for file_path, content in commit.tree.items():
            if not file_path.startswith(prefix):
                continue
            head, _, rest = file_path[len(prefix) :].partition("/")
            child = prefix + head
            children.setdefault(child, entry(child, "dir" if rest else "file", None if rest else content))
        if not children:
            raise _not_found()
        return web.json_response([children[name] for name in sorted(children, key=_git_path_key)])

    async def _h_commit(self, request: web.Request) -> web.StreamResponse:
        repo = self._repo_from(request)
        ref = request.match_info["ref"]
        commit = self._resolve_ref(repo, ref)
        if commit is None:
            raise _HTTPError(
                422, f"No commit found for SHA: {ref}", documentation_url=f"{DOCS_URL}/commits/commits#get-a-commit"
            )
        return web.json_response(self._commit_json(self._api(request), repo, commit, with_files=True))

    # -- handlers: reviews ----------------------------------------------------------------------------------------
    def _review_from(self, request: web.Request, pull: _Pull) -> Review:
        review = self._reviews.get(_int_param(request.match_info["review_id"], -1))
        if (
            review is None
            or review.repo != pull.repo.full_name
            or review.pull_number != pull.number
            or not self._review_visible(review, self._principal(request).login)
        ):
            raise _not_found()
        return review

    async def _h_list_reviews(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        viewer = self._principal(request).login
        reviews = [r for r in self._pull_reviews(pull) if self._review_visible(r, viewer)]
        chunk, headers = self._paginate(request, reviews, pull.repo)
        api = self._api(request)
        return web.json_response([self._review_json(api, r) for r in chunk], headers=headers)

    async def _h_create_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._create_review(pull, self._principal(request).login, self._json_body(request))
        return web.json_response(self._review_json(self._api(request), review))

    async def _h_get_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        return web.json_response(self._review_json(self._api(request), self._review_from(request, pull)))

    async def _h_update_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._review_from(request, pull)
        body = self._json_body(request).get("body")
        if not isinstance(body, str):
            raise _invalid_request('"body" wasn\'t supplied.')
        review.body = body
        return web.json_response(self._review_json(self._api(request), review))

    async def _h_delete_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._review_from(request, pull)
        if review.state != "PENDING":
            raise _unprocessable("Can not delete a non-pending pull request review")
        for comment_id in review.comment_ids:
            self._remove_review_comment(self._review_comments[comment_id])
        del self._reviews[review.id]
        self._nodes.pop(review.node_id, None)
        return web.json_response(self._review_json(self._api(request), review))

    async def _h_submit_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._review_from(request, pull)
        body = self._json_body(request)
        event, text = body.get("event"), body.get("body")
        if review.state != "PENDING":
            raise _unprocessable("Can not submit a non-pending pull request review")
        if event not in _REVIEW_EVENTS:
            raise _invalid_request('"event" wasn\'t supplied.')
        if isinstance(text, str) and text:
            review.body = text
        if event in ("REQUEST_CHANGES", "COMMENT") and not review.body and not review.comment_ids:
            raise _unprocessable(f"Review body is required when using {event}")
        if event in ("APPROVE", "REQUEST_CHANGES") and review.user == pull.author:
            verb = "approve" if event == "APPROVE" else "request changes on"
            raise _unprocessable(f"Review Can not {verb} your own pull request")
        review.state = _REVIEW_EVENTS[event]
        review.submitted_at = _iso(_now())
        return web.json_response(self._review_json(self._api(request), review))

    async def _h_dismiss_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._review_from(request, pull)
        if not isinstance(self._json_body(request).get("message"), str):
            raise _invalid_request('"message" wasn\'t supplied.')
        if review.state not in ("APPROVED", "CHANGES_REQUESTED"):
            raise _unprocessable("Can not dismiss a commented pull request review")
        review.state = "DISMISSED"
        return web.json_response(self._review_json(self._api(request), review))

    async def _h_review_comments_of_review(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        review = self._review_from(request, pull)
        comments = [self._review_comments[i] for i in review.comment_ids if i in self._review_comments]
        chunk, headers = self._paginate(request, comments, pull.repo)
        api = self._api(request)
        return web.json_response([self._review_comment_json(api, c) for c in chunk], headers=headers)

    async def _h_list_review_comments(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        viewer = self._principal(request).login
        comments = [c for c in self._pull_review_comments(pull) if self._comment_visible(c, viewer)]
        if request.query.get("direction") == "desc":
            comments.reverse()
        chunk, headers = self._paginate(request, comments, pull.repo)
        api = self._api(request)
        return web.json_response([self._review_comment_json(api, c) for c in chunk], headers=headers)

    async def _h_create_review_comment(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        login = self._principal(request).login
        body = self._json_body(request)
        text = body.get("body")
        if not isinstance(text, str):
            raise _invalid_request('"body" wasn\'t supplied.', REVIEW_COMMENT_DOCS_URL)
        if body.get("in_reply_to") is not None:
            target = self._review_comments.get(_int_param(str(body["in_reply_to"]), -1))
            if target is None or target.repo != pull.repo.full_name or target.pull_number != pull.number:
                raise _not_found()
            comment = self._reply(target, login, text)
            return web.json_response(self._review_comment_json(self._api(request), comment), status=201)
        commit_id = body.get("commit_id")
        if not isinstance(commit_id, str):
            raise _invalid_request('"commit_id" wasn\'t supplied.', REVIEW_COMMENT_DOCS_URL)
        if commit_id not in pull.commits:
            raise _unprocessable(f"No commit found for SHA: {commit_id}", REVIEW_COMMENT_DOCS_URL)
        anchor = self._resolve_anchor(self._files_at(pull, commit_id), body, single=True)
        review = self._new_review(pull, login, "", "COMMENTED", commit_id)
        comment = self._new_comment(pull, review, login, text, anchor, commit_id, None)
        if commit_id != pull.head_sha:
            self._carry_forward(pull, self._threads[comment.thread_id])
        return web.json_response(self._review_comment_json(self._api(request), comment), status=201)

    async def _h_reply(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        target = self._review_comments.get(_int_param(request.match_info["comment_id"], -1))
        if target is None or target.repo != pull.repo.full_name or target.pull_number != pull.number:
            raise _not_found()
        text = self._json_body(request).get("body")
        if not isinstance(text, str) or not text:
            raise _invalid_request('"body" wasn\'t supplied.', REVIEW_COMMENT_DOCS_URL)
        comment = self._reply(target, self._principal(request).login, text)
        return web.json_response(self._review_comment_json(self._api(request), comment), status=201)

    def _review_comment_from(self, request: web.Request) -> ReviewComment:
        repo = self._repo_from(request)
        comment = self._review_comments.get(_int_param(request.match_info["comment_id"], -1))
        if (
            comment is None
            or comment.repo != repo.full_name
            or not self._comment_visible(comment, self._principal(request).login)
        ):
            raise _not_found()
        return comment

    async def _h_get_review_comment(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self._review_comment_json(self._api(request), self._review_comment_from(request)))

    async def _h_edit_review_comment(self, request: web.Request) -> web.StreamResponse:
        comment = self._review_comment_from(request)
        text = self._json_body(request).get("body")
        if not isinstance(text, str):
            raise _invalid_request('"body" wasn\'t supplied.')
        if len(text) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        comment.body, comment.updated_at = text, _iso(_now())
        return web.json_response(self._review_comment_json(self._api(request), comment))

    def _remove_review_comment(self, comment: ReviewComment) -> None:
        self._review_comments.pop(comment.id, None)
        self._nodes.pop(comment.node_id, None)
        thread = self._threads.get(comment.thread_id)
        if thread is not None:
            thread.comments = [c for c in thread.comments if c.id != comment.id]
            if not thread.comments:
                del self._threads[thread.id]
                self._nodes.pop(thread.id, None)

    async def _h_delete_review_comment(self, request: web.Request) -> web.StreamResponse:
        self._remove_review_comment(self._review_comment_from(request))
        return web.Response(status=204)

    def _react(self, request: web.Request, reactions: list[tuple[str, str]]) -> web.StreamResponse:
        content = self._json_body(request).get("content")
        if content not in _REACTIONS:
            raise _invalid_request(f'"{content}" is not a member of {sorted(_REACTIONS)}.')
        login = self._principal(request).login
        existing = (login, content) in reactions
        if not existing:
            reactions.append((login, content))
        index = reactions.index((login, content))
        return web.json_response(
            {
                "id": 5000 + index,
                "node_id": _node_id("REA", 5000 + index),
                "user": self._user_json(self._api(request), login),
                "content": content,
                "created_at": _iso(_now()),
            },
            status=200 if existing else 201,
        )

    async def _h_review_comment_reaction(self, request: web.Request) -> web.StreamResponse:
        comment = self._review_comment_from(request)
        return self._react(request, comment.reactions)

    # -- handlers: issue comments -------------------------------------------------------------------------------
    async def _h_list_issue_comments(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        chunk, headers = self._paginate(request, self._pull_issue_comments(pull), pull.repo)
        api = self._api(request)
        return web.json_response([self._issue_comment_json(api, c) for c in chunk], headers=headers)

    async def _h_create_issue_comment(self, request: web.Request) -> web.StreamResponse:
        pull = self._pull_from(request)
        text = self._json_body(request).get("body")
        if not isinstance(text, str) or not text:
            raise _invalid_request('"body" wasn\'t supplied.', f"{DOCS_URL}/issues/comments#create-an-issue-comment")
        comment = self._add_issue_comment(pull, self._principal(request).login, text)
        return web.json_response(self._issue_comment_json(self._api(request), comment), status=201)

    def _issue_comment_from(self, request: web.Request) -> IssueComment:
        repo = self._repo_from(request)
        comment = self._issue_comments.get(_int_param(request.match_info["comment_id"], -1))
        if comment is None or comment.repo != repo.full_name:
            raise _not_found()
        return comment

    async def _h_get_issue_comment(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self._issue_comment_json(self._api(request), self._issue_comment_from(request)))

    async def _h_edit_issue_comment(self, request: web.Request) -> web.StreamResponse:
        comment = self._issue_comment_from(request)
        text = self._json_body(request).get("body")
        if not isinstance(text, str) or not text:
            raise _invalid_request('"body" wasn\'t supplied.')
        if len(text) > MAX_BODY_CHARS:
            raise _unprocessable(f"Body is too long (maximum is {MAX_BODY_CHARS} characters)")
        comment.body, comment.updated_at = text, _iso(_now())
        return web.json_response(self._issue_comment_json(self._api(request), comment))

    async def _h_delete_issue_comment(self, request: web.Request) -> web.StreamResponse:
        comment = self._issue_comment_from(request)
        del self._issue_comments[comment.id]
        self._nodes.pop(comment.node_id, None)
        return web.Response(status=204)

    async def _h_issue_comment_reaction(self, request: web.Request) -> web.StreamResponse:
        comment = self._issue_comment_from(request)
        return self._react(request, comment.reactions)

    # -- handler: GraphQL -------------------------------------------------------------------------------------
    async def _h_graphql(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(_GqlExecutor(self, self._principal(request)).run(request[_STATE].json))
