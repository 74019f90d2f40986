"""The fake GitHub behaves like GitHub for the real PyGithub client and for plain aiohttp."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth, BadCredentialsException, Github, GithubException, GithubIntegration

from tests.fakes.github import FakeGitHub, FileChange, compute_diff, fake_sha, git_blob_sha

TOKEN = "ghp_testtoken"
OWNER, NAME = "acme", "widgets"
HEAD, BASE = fake_sha("head"), fake_sha("base")
APP_ID, INSTALLATION_ID = 4242, 777

OLD_APP = "".join(f"value_{i} = {i}\n" for i in range(1, 41))
NEW_APP = OLD_APP.replace("value_5 = 5\n", "value_5 = 'five'\nvalue_5b = 55\n").replace(
    "value_30 = 30\n", "value_30 = 'thirty'\n"
)

THREADS_QUERY = """
query Threads($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 1, after: $cursor) {
        nodes {
          id
          isResolved
          comments(first: 10) { nodes { id databaseId body path line author { login } } }
        }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""


def make_fake() -> FakeGitHub:
    fake = FakeGitHub(tokens={TOKEN: "reviewbot"})
    fake.add_repo(OWNER, NAME)
    fake.add_pull(
        OWNER,
        NAME,
        1,
        head_sha=HEAD,
        base_sha=BASE,
        files=[
            FileChange.modified("app.py", OLD_APP, NEW_APP),
            FileChange.added("docs/new.md", "# Title\n\nText\n"),
            FileChange.removed("old.txt", "bye\n"),
            FileChange.renamed("src/a.py", "src/b.py", "x = 1\n", "x = 2\n"),
            FileChange.added("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0data"),
        ],
    )
    return fake


FAST: dict[str, Any] = {"retry": None, "seconds_between_requests": 0, "seconds_between_writes": 0}


def pygithub(url: str, token: str = TOKEN) -> Github:
    return Github(auth=Auth.Token(token), base_url=url, **FAST)


@pytest.fixture
def served() -> Iterator[tuple[FakeGitHub, str]]:
    fake = make_fake()
    with fake.serve_in_thread() as url:
        yield fake, url


@pytest.fixture
async def fake() -> AsyncIterator[FakeGitHub]:
    async with make_fake() as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers={"Authorization": f"token {TOKEN}"}) as client:
        yield client


def make_rsa_key() -> tuple[str, str]:
    """A new RSA key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


# -- diffs --------------------------------------------------------------------------------------------------------


def test_blob_sha_matches_git() -> None:
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_patch_has_git_hunk_headers_and_line_maps() -> None:
    diff = compute_diff(OLD_APP.encode(), NEW_APP.encode())
    assert diff.patch is not None
    headers = [line for line in diff.patch.split("\n") if line.startswith("@@")]
    assert headers == ["@@ -2,7 +2,8 @@ value_1 = 1", "@@ -27,7 +28,7 @@ value_26 = 26"]
    assert (diff.additions, diff.deletions) == (3, 2)
    assert sorted(diff.right) == [*range(2, 10), *range(28, 35)]
    assert diff.right[5].kind == "+" and diff.right[4].kind == " " and 5 in diff.left


def test_patch_marks_missing_newline_and_skips_binary() -> None:
    diff = compute_diff(b"a\nb", b"a\nc")
    assert diff.patch == "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file"
    assert compute_diff(None, b"\0binary").patch is None
    assert compute_diff(b"x\n", None).patch == "@@ -1 +0,0 @@\n-x"


# -- PyGithub against the fake (synchronous, server on a background thread) ---------------------------------------


def test_pygithub_reads_pull_files_and_blob(served: tuple[FakeGitHub, str]) -> None:
    fake, url = served
    repo = pygithub(url).get_repo(f"{OWNER}/{NAME}")
    pull = repo.get_pull(1)
    assert (pull.head.sha, pull.base.sha, pull.user.login, pull.draft, pull.state) == (
        HEAD,
        BASE,
        "alice",
        False,
        "open",
    )
    files = {f.filename: f for f in pull.get_files()}
    assert {name: f.status for name, f in files.items()} == {
        "app.py": "modified",
        "docs/new.md": "added",
        "logo.png": "added",
        "old.txt": "removed",
        "src/b.py": "renamed",
    }
    assert files["src/b.py"].previous_filename == "src/a.py"
    assert files["logo.png"].patch is None
    assert files["app.py"].patch.startswith("@@ -2,7 +2,8 @@")
    blob = repo.get_git_blob(files["app.py"].sha)
    assert blob.encoding == "base64"
    assert base64.b64decode(blob.content) == NEW_APP.encode()
    content = repo.get_contents("app.py", ref=BASE)
    assert not isinstance(content, list) and content.decoded_content == OLD_APP.encode()
    calls = [(r.method, r.path) for r in fake.requests]
    assert calls == [
        ("GET", f"/repos/{OWNER}/{NAME}"),
        ("GET", f"/repos/{OWNER}/{NAME}/pulls/1"),
        ("GET", f"/repos/{OWNER}/{NAME}/pulls/1/files"),
        ("GET", f"/repos/{OWNER}/{NAME}/git/blobs/{files['app.py'].sha}"),
        ("GET", f"/repos/{OWNER}/{NAME}/contents/app.py"),
    ]
    assert all(r.headers["Authorization"] == f"token {TOKEN}" for r in fake.requests)


def test_pygithub_paginates_95_files(served: tuple[FakeGitHub, str]) -> None:
    fake, url = served
    files = [FileChange.added(f"pkg/mod_{i:03}.py", f"x = {i}\n") for i in range(95)]
    fake.add_pull(OWNER, NAME, 2, head_sha=fake_sha("h2"), base_sha=fake_sha("b2"), files=files)
    pull = pygithub(url).get_repo(f"{OWNER}/{NAME}").get_pull(2)
    names = [f.filename for f in pull.get_files()]
    assert names == [f.path for f in files]
    pages = fake.requests_to("GET", f"/repositories/{fake._repo(OWNER, NAME).id}/pulls/2/files")
    assert [r.query for r in pages] == [{"page": "2"}, {"page": "3"}, {"page": "4"}]


def test_pygithub_creates_review_with_multiline_suggestion(served: tuple[FakeGitHub, str]) -> None:
    fake, url = served
    gh = pygithub(url)
    repo = gh.get_repo(f"{OWNER}/{NAME}")
    pull = repo.get_pull(1)
    suggestion = "Use a number:\n\n````suggestion\nvalue_5 = 5\nvalue_5b = 55\n````"
    review = pull.create_review(
        commit=repo.get_commit(HEAD),
        body="Automated review",
        event="COMMENT",
        comments=[
            {"path": "app.py", "body": suggestion, "start_line": 5, "line": 6, "side": "RIGHT", "start_side": "RIGHT"},
            {"path": "docs/new.md", "body": "Nice", "line": 1},
        ],
    )
    assert (review.state, review.user.login, review.commit_id) == ("COMMENTED", "reviewbot", HEAD)
    [stored] = fake.reviews(OWNER, NAME, 1)
    assert stored.body == "Automated review" and len(stored.comment_ids) == 2
    comments = list(pull.get_review_comments())
    first = comments[0]
    assert (first.path, first.start_line, first.line, first.original_line, first.commit_id) == ("app.py", 5, 6, 6, HEAD)
    assert first.body == suggestion and first.in_reply_to_id is None
    assert first.pull_request_review_id == review.id
    assert first.diff_hunk.startswith("@@ -2,7 +2,8 @@") and first.diff_hunk.endswith("+value_5b = 55")
    reply = pull.create_review_comment_reply(first.id, "Thanks!")
    assert reply.in_reply_to_id == first.id
    threads = fake.threads(OWNER, NAME, 1)
    assert [len(t.comments) for t in threads] == [2, 1] and not any(t.is_resolved for t in threads)
    # PyGithub has no review-thread API; its raw GraphQL helpers work against the fake.
    variables = {"owner": OWNER, "name": NAME, "number": 1, "cursor": None}
    _headers, data = gh.requester.graphql_query(THREADS_QUERY, variables)
    thread_id = data["data"]["repository"]["pullRequest"]["reviewThreads"]["nodes"][0]["id"]
    _headers, resolved = gh.requester.graphql_named_mutation(
        "resolveReviewThread", {"threadId": thread_id}, "thread { id isResolved }"
    )
    assert resolved == {"thread": {"id": thread_id, "isResolved": True}}
    assert [t.is_resolved for t in fake.threads(OWNER, NAME, 1)] == [True, False]
    posted = fake.requests_to("POST", f"/repos/{OWNER}/{NAME}/pulls/1/reviews")[0]
    assert posted.json["commit_id"] == HEAD and posted.json["event"] == "COMMENT"
    pull.create_issue_comment("Summary")
    assert [c.body for c in fake.issue_comments(OWNER, NAME, 1)] == ["Summary"]


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        ({"path": "app.py", "body": "x", "line": 20}, "Line could not be resolved"),
        ({"path": "app.py", "body": "x", "line": 500}, "Line could not be resolved"),
        ({"path": "nope.py", "body": "x", "line": 1}, "Path could not be resolved"),
        ({"path": "logo.png", "body": "x", "line": 1}, "Line could not be resolved"),
        ({"path": "old.txt", "body": "x", "line": 1}, "Line could not be resolved"),
        (
            {"path": "app.py", "body": "x", "start_line": 5, "line": 30},
            "Pull request review thread start line must be part of the same hunk as the line.",
        ),
        (
            {"path": "app.py", "body": "x", "start_line": 6, "line": 6},
            "Pull request review thread start line must precede the end line.",
        ),
    ],
)
def test_pygithub_review_outside_diff_is_422_and_stores_nothing(
    served: tuple[FakeGitHub, str], comment: dict[str, Any], error: str
) -> None:
    fake, url = served
    repo = pygithub(url).get_repo(f"{OWNER}/{NAME}")
    pull = repo.get_pull(1)
    good = {"path": "app.py", "body": "fine", "line": 6}
    with pytest.raises(GithubException) as raised:
        pull.create_review(body="r", event="COMMENT", comments=[good, comment])
    assert raised.value.status == 422
    assert raised.value.data["message"] == "Unprocessable Entity"
    assert raised.value.data["errors"] == [error]
    assert fake.reviews(OWNER, NAME, 1) == [] and fake.review_comments(OWNER, NAME, 1) == []
    assert fake.threads(OWNER, NAME, 1) == []


def test_review_rules_for_body_and_own_pull(served: tuple[FakeGitHub, str]) -> None:
    fake, url = served
    pull = pygithub(url).get_repo(f"{OWNER}/{NAME}").get_pull(1)
    for event in ("COMMENT", "REQUEST_CHANGES"):
        with pytest.raises(GithubException) as raised:
            pull.create_review(event=event)
        assert raised.value.status == 422
    fake.add_token("ghp_alice", "alice")
    own = pygithub(url, "ghp_alice").get_repo(f"{OWNER}/{NAME}").get_pull(1)
    with pytest.raises(GithubException) as raised:
        own.create_review(event="APPROVE")
    assert raised.value.data["errors"] == ["Review Can not approve your own pull request"]
    assert pull.create_review(event="APPROVE").state == "APPROVED"


def test_unknown_token_is_401(served: tuple[FakeGitHub, str]) -> None:
    _fake, url = served
    with pytest.raises(BadCredentialsException) as raised:
        pygithub(url, "ghp_wrong").get_repo(f"{OWNER}/{NAME}")
    assert raised.value.status == 401 and raised.value.data["message"] == "Bad credentials"


def test_app_installation_flow(served: tuple[FakeGitHub, str]) -> None:
    fake, url = served
    private, public = make_rsa_key()
    fake.add_app(APP_ID, public, slug="reviewbot")
    fake.add_installation(INSTALLATION_ID, APP_ID, OWNER)
    fake.add_repo("other", "repo")
    integration = GithubIntegration(auth=Auth.AppAuth(APP_ID, private), base_url=url, **FAST)
    assert integration.get_repo_installation(OWNER, NAME).id == INSTALLATION_ID
    token = integration.get_access_token(INSTALLATION_ID)
    assert token.token.startswith("ghs_") and token.token in fake.installation_tokens()
    assert token.expires_at.timestamp() > time.time() + 3000
    exchange = fake.requests_to("POST", f"/app/installations/{INSTALLATION_ID}/access_tokens")[0]
    assert exchange.headers["Authorization"].startswith("Bearer ey")

    gh = integration.get_github_for_installation(INSTALLATION_ID)  # inherits FAST
    pull = gh.get_repo(f"{OWNER}/{NAME}").get_pull(1)
    assert pull.create_review(body="From the app", event="COMMENT").user.login == "reviewbot[bot]"
    with pytest.raises(GithubException) as raised:
        gh.get_repo("other/repo")  # installed on "acme" only
    assert raised.value.status == 404

    wrong_pem, _public = make_rsa_key()
    with pytest.raises(GithubException) as raised:
        GithubIntegration(auth=Auth.AppAuth(APP_ID, wrong_pem), base_url=url, **FAST).get_access_token(INSTALLATION_ID)
    assert raised.value.status == 401


# -- plain aiohttp against the fake (server in the test's event loop) ---------------------------------------------


async def test_requests_without_token_are_401(fake: FakeGitHub) -> None:
    async with aiohttp.ClientSession() as client:
        async with client.get(f"{fake.url}/repos/{OWNER}/{NAME}/pulls/1") as response:
            assert response.status == 401 and response.headers["X-RateLimit-Limit"] == "60"
            assert (await response.json())["message"] == "Requires authentication"
        async with client.get(f"{fake.url}/user", headers={"Authorization": "Bearer nope"}) as response:
            assert response.status == 401
            assert (await response.json())["message"] == "Bad credentials"


async def test_link_headers_like_github(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    files = [FileChange.added(f"f{i:04}.txt", f"{i}\n") for i in range(3005)]
    fake.add_pull(OWNER, NAME, 3, head_sha=fake_sha("h3"), base_sha=fake_sha("b3"), files=files)
    repo_id = fake._repo(OWNER, NAME).id
    files_url = f"{fake.url}/repos/{OWNER}/{NAME}/pulls/3/files"
    async with session.get(files_url) as response:
        assert len(await response.json()) == 30
        assert response.headers["Link"] == (
            f'<{fake.url}/repositories/{repo_id}/pulls/3/files?page=2>; rel="next", '
            f'<{fake.url}/repositories/{repo_id}/pulls/3/files?page=100>; rel="last"'
        )
        assert response.headers["X-RateLimit-Remaining"] == "4999"
        assert response.headers["X-GitHub-Request-Id"]
    async with session.get(files_url, params={"per_page": "250", "page": "2"}) as response:
        assert len(await response.json()) == 100  # per_page is capped at 100
        assert response.links["next"]["url"].query["page"] == "3"  # type: ignore[index]
        assert response.links["last"]["url"].query["page"] == "30"  # type: ignore[index]
        assert response.links["first"]["url"].query["page"] == "1"  # type: ignore[index]
    last_url = f"{fake.url}/repositories/{repo_id}/pulls/3/files?per_page=100&page=30"
    async with session.get(last_url) as response:
        page = await response.json()
        assert len(page) == 100 and page[-1]["filename"] == "f2999.txt"  # at most 3000 files
        assert "next" not in response.links


async def test_graphql_threads_and_resolve(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    fake.post_review(
        OWNER,
        NAME,
        1,
        "reviewbot",
        comments=[{"path": "app.py", "line": 6, "body": "one"}, {"path": "app.py", "line": 30, "body": "two"}],
    )
    variables: dict[str, Any] = {"owner": OWNER, "name": NAME, "number": 1, "cursor": None}
    threads: list[dict[str, Any]] = []
    while True:
        async with session.post(f"{fake.url}/graphql", json={"query": THREADS_QUERY, "variables": variables}) as r:
            assert r.headers["X-RateLimit-Resource"] == "graphql"
            connection = (await r.json())["data"]["repository"]["pullRequest"]["reviewThreads"]
        threads += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        variables["cursor"] = connection["pageInfo"]["endCursor"]
    assert [t["comments"]["nodes"][0]["body"] for t in threads] == ["one", "two"]
    first = threads[0]["comments"]["nodes"][0]
    assert first["author"] == {"login": "reviewbot"} and (first["path"], first["line"]) == ("app.py", 6)
    assert first["databaseId"] == fake.review_comments(OWNER, NAME, 1)[0].id

    mutation = "mutation($id: ID!) { resolveReviewThread(input: {threadId: $id}) { thread { id isResolved } } }"
    async with session.post(
        f"{fake.url}/graphql", json={"query": mutation, "variables": {"id": threads[0]["id"]}}
    ) as r:
        assert (await r.json()) == {
            "data": {"resolveReviewThread": {"thread": {"id": threads[0]["id"], "isResolved": True}}}
        }
    assert [t.is_resolved for t in fake.threads(OWNER, NAME, 1)] == [True, False]

    async with session.post(f"{fake.url}/graphql", json={"query": mutation, "variables": {"id": "PRRT_nope"}}) as r:
        body = await r.json()
        assert r.status == 200 and body["data"] == {"resolveReviewThread": None}
        assert body["errors"][0]["type"] == "NOT_FOUND"


async def test_graphql_errors_are_shaped_like_github(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    cases = {
        '{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { reviewThreads { totalCount } } } }': (
            "You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection."
        ),
        '{ repository(owner: "acme", name: "widgets") { pullRequest(number: 1) { reviewThreads(first: 101) '
        "{ totalCount } } } }": "Requesting 101 records on the `reviewThreads` connection exceeds the `first` limit "
        "of 100 records.",
        '{ repository(owner: "acme", name: "widgets") { nope } }': "Field 'nope' doesn't exist on type 'Repository'",
        "{ repository(owner: ": "Unexpected end of document",
    }
    for query, message in cases.items():
        async with session.post(f"{fake.url}/graphql", json={"query": query}) as r:
            body = await r.json()
            assert r.status == 200 and "data" not in body and body["errors"][0]["message"] == message
    async with session.post(f"{fake.url}/graphql", json={"query": '{ repository(owner: "x", name: "y") { id } }'}) as r:
        body = await r.json()
        assert body["data"] == {"repository": None} and body["errors"][0]["type"] == "NOT_FOUND"


async def test_graphql_blob_batch_with_aliases(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    paths = ["app.py", "logo.png", "missing.py"]
    fields = " ".join(
        f'f{i}: object(expression: "{HEAD}:{path}") {{ ... on Blob {{ oid text isBinary byteSize }} }}'
        for i, path in enumerate(paths)
    )
    query = f'query {{ repository(owner: "{OWNER}", name: "{NAME}") {{ {fields} }} }}'
    async with session.post(f"{fake.url}/graphql", json={"query": query}) as r:
        repository = (await r.json())["data"]["repository"]
    assert repository["f0"] == {
        "oid": git_blob_sha(NEW_APP.encode()),
        "text": NEW_APP,
        "isBinary": False,
        "byteSize": len(NEW_APP),
    }
    assert repository["f1"]["isBinary"] is True and repository["f1"]["text"] is None
    assert repository["f2"] is None


async def test_push_moves_or_outdates_threads(fake: FakeGitHub) -> None:
    fake.post_review(
        OWNER,
        NAME,
        1,
        "reviewbot",
        comments=[{"path": "app.py", "line": 6, "body": "kept"}, {"path": "app.py", "line": 31, "body": "gone"}],
    )
    pushed = NEW_APP.replace("value_1 = 1\n", "value_0 = 0\nvalue_1 = 1\n").replace("'thirty'", "'30'")
    fake.push(OWNER, NAME, 1, fake_sha("head-2"), {"app.py": pushed})
    kept, gone = fake.review_comments(OWNER, NAME, 1)
    assert (kept.line, kept.original_line, kept.commit_id, kept.original_commit_id) == (7, 6, fake_sha("head-2"), HEAD)
    assert (gone.line, gone.original_line, gone.commit_id) == (None, 31, HEAD)
    assert [t.is_outdated for t in fake.threads(OWNER, NAME, 1)] == [False, True]


async def test_injected_502_then_success(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    fake.fail_next(1, status=502, path=f"/repos/{OWNER}/{NAME}/pulls")
    fake.fail_next(1, status=502, html=True)
    url = f"{fake.url}/repos/{OWNER}/{NAME}/pulls/1"
    async with session.get(url) as response:
        assert response.status == 502 and (await response.json()) == {"message": "Server Error"}
    async with session.get(url) as response:
        assert response.status == 502 and response.content_type == "text/html"
    async with session.get(url) as response:
        assert response.status == 200 and (await response.json())["head"]["sha"] == HEAD
    assert [r.status for r in fake.requests] == [502, 502, 200]


async def test_injected_rate_limits(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    url = f"{fake.url}/repos/{OWNER}/{NAME}/pulls/1/reviews"
    fake.rate_limit_next(1, kind="secondary", method="POST")
    async with session.post(url, json={"event": "COMMENT", "body": "hi"}) as response:
        assert response.status == 403 and response.headers["Retry-After"] == "1"
        assert (await response.json())["message"].startswith("You have exceeded a secondary rate limit")
    assert fake.reviews(OWNER, NAME, 1) == []
    fake.rate_limit_next(1, kind="primary", status=429, reset_in=30)
    async with session.get(url) as response:
        assert response.status == 429 and response.headers["X-RateLimit-Remaining"] == "0"
        assert int(response.headers["X-RateLimit-Reset"]) >= time.time() + 25
        assert (await response.json())["message"].startswith("API rate limit exceeded")
    async with session.post(url, json={"event": "COMMENT", "body": "hi"}) as response:
        assert response.status == 200


async def test_real_primary_limit_is_enforced(session: aiohttp.ClientSession) -> None:
    async with FakeGitHub(tokens={TOKEN: "reviewbot"}, rate_limit=2) as fake:
        statuses = []
        for _ in range(3):
            async with session.get(f"{fake.url}/user") as response:
                statuses.append((response.status, response.headers["X-RateLimit-Remaining"]))
        assert statuses == [(200, "1"), (200, "0"), (403, "0")]


async def test_delay_triggers_client_timeout(fake: FakeGitHub, session: aiohttp.ClientSession) -> None:
    fake.delay_next(1, 2.0)
    with pytest.raises(asyncio.TimeoutError):
        async with session.get(f"{fake.url}/user", timeout=aiohttp.ClientTimeout(total=0.2)):
            pass
    async with session.get(f"{fake.url}/user") as response:
        assert (await response.json())["login"] == "reviewbot"
