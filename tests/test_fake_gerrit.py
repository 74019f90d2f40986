"""The fake Gerrit behaves like Gerrit: REST through plain aiohttp, stream-events through the real gerritlib."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aiohttp
import paramiko
import pytest
from gerritlib.gerrit import Gerrit

from tests.fakes.gerrit import XSSI_PREFIX, FakeGerrit, change_url_id
from tests.fakes.gerrit_ssh import (
    FakeGerritSSH,
    change_abandoned,
    change_merged,
    comment_added,
    generate_key,
    patchset_created,
)

PROJECT = "openstack/cinder"
NUMBER = 1234
CHANGE = change_url_id(PROJECT, NUMBER)  # openstack%2Fcinder~1234
USER, PASSWORD = "reviewbot", "s3cret"

OLD_APP = "".join(f"value_{i} = {i}\n" for i in range(1, 41))
NEW_APP = OLD_APP.replace("value_5 = 5\n", "value_5 = 'five'\nvalue_5b = 55\n").replace(
    "value_30 = 30\n", "value_30 = 'thirty'\n"
)


def basic(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def decode(text: str) -> Any:
    assert text.startswith(XSSI_PREFIX), text[:20]
    return json.loads(text[len(XSSI_PREFIX) :])


def make_fake(**kwargs: Any) -> FakeGerrit:
    fake = FakeGerrit(USER, PASSWORD, **kwargs)
    fake.add_change(PROJECT, NUMBER, base={"app.py": OLD_APP, "docs/old.txt": "bye\n", "keep.py": "k = 1\n"})
    fake.add_patchset(
        PROJECT,
        NUMBER,
        files={"app.py": NEW_APP, "docs/old.txt": None, "pkg/new.py": "x = 1\n", "logo.png": b"\x89PNG\0"},
    )
    return fake


@pytest.fixture
async def gerrit() -> AsyncIterator[FakeGerrit]:
    async with make_fake() as fake:
        yield fake


@pytest.fixture
async def http(gerrit: FakeGerrit) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(gerrit.url, headers=basic()) as session:
        yield session


async def get_json(session: aiohttp.ClientSession, path: str, **kwargs: Any) -> Any:
    async with session.get(path, **kwargs) as resp:
        assert resp.status == 200, await resp.text()
        assert resp.content_type == "application/json"
        return decode(await resp.text())


async def post_review(
    session: aiohttp.ClientSession, review: dict[str, Any], revision: str = "current", change: str = CHANGE
) -> tuple[int, str]:
    async with session.post(f"/a/changes/{change}/revisions/{revision}/review", json=review) as resp:
        return resp.status, await resp.text()


# ----------------------------------------------------------------------------------------------------------------
# REST: transport, auth, ids


async def test_prefix_and_authentication(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    async with http.get(f"/a/changes/{CHANGE}") as resp:
        text = await resp.text()
    assert text.startswith(")]}'\n")
    info = json.loads(text[5:])
    assert (info["_number"], info["project"], info["status"]) == (NUMBER, PROJECT, "NEW")
    assert info["id"] == "openstack%2Fcinder~1234"

    async with aiohttp.ClientSession(gerrit.url) as anonymous:
        async with anonymous.get(f"/a/changes/{CHANGE}") as resp:
            assert resp.status == 401
            assert resp.content_type == "text/plain"
            assert resp.headers["WWW-Authenticate"].startswith("Basic")
        async with anonymous.get(f"/a/changes/{CHANGE}", headers=basic(password="wrong")) as resp:
            assert resp.status == 401
        async with anonymous.get(f"/changes/{CHANGE}") as resp:  # anonymous read of a public project
            assert resp.status == 200
        async with anonymous.post(f"/changes/{CHANGE}/revisions/current/review", json={"message": "hi"}) as resp:
            assert (resp.status, await resp.text()) == (403, "Authentication required\n")
    assert [r.user for r in gerrit.requests] == [USER, None, None, None, None]

    gerrit.anonymous_read = False
    async with aiohttp.ClientSession(gerrit.url) as anonymous, anonymous.get(f"/changes/{CHANGE}") as resp:
        assert resp.status == 404


async def test_change_and_revision_ids(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    sha = gerrit.revision(PROJECT, NUMBER).sha
    change_id = gerrit.change(PROJECT, NUMBER).change_id
    expected = await get_json(http, f"/a/changes/{CHANGE}/revisions/current/files/")
    for change in (CHANGE, str(NUMBER), f"openstack%2Fcinder~master~{change_id}", change_id):
        for revision in (sha, sha[:8], "1", "current"):
            assert await get_json(http, f"/a/changes/{change}/revisions/{revision}/files/") == expected
    async with http.get("/a/changes/openstack%2Fcinder~999/revisions/current/files/") as resp:
        assert (resp.status, await resp.text()) == (404, "Not found: openstack/cinder~999\n")
    async with http.get(f"/a/changes/{CHANGE}/revisions/7/files/") as resp:
        assert (resp.status, await resp.text()) == (404, "Not found: 7\n")
    gerrit.delete_revision(PROJECT, NUMBER, 1)
    async with http.get(f"/a/changes/{CHANGE}/revisions/{sha}/files/") as resp:
        assert resp.status == 404


# ----------------------------------------------------------------------------------------------------------------
# REST: files, diff, content, patch, queries


async def test_files_diff_and_content(http: aiohttp.ClientSession) -> None:
    files = await get_json(http, f"/a/changes/{CHANGE}/revisions/current/files/")
    assert list(files) == ["/COMMIT_MSG", "app.py", "docs/old.txt", "logo.png", "pkg/new.py"]
    assert files["/COMMIT_MSG"]["status"] == "A"
    assert "status" not in files["app.py"]  # modified
    assert (files["app.py"]["lines_inserted"], files["app.py"]["lines_deleted"]) == (3, 2)
    assert files["docs/old.txt"]["status"] == "D"
    assert files["logo.png"] == {"status": "A", "new_mode": 33188, "binary": True, "size_delta": 5, "size": 5}
    assert files["pkg/new.py"]["status"] == "A"

    diff = await get_json(http, f"/a/changes/{CHANGE}/revisions/current/files/app.py/diff")
    assert diff["change_type"] == "MODIFIED"
    assert diff["meta_a"]["lines"] == 40 and diff["meta_b"]["lines"] == 41
    kinds = [next(iter(k for k in ("ab", "a", "b", "skip") if k in chunk)) for chunk in diff["content"]]
    assert kinds == ["ab", "a", "ab", "skip", "ab", "a", "ab"]  # default context 10 → one skip
    assert diff["content"][1] == {"a": ["value_5 = 5"], "b": ["value_5 = 'five'", "value_5b = 55"]}
    whole = await get_json(http, f"/a/changes/{CHANGE}/revisions/current/files/app.py/diff?context=ALL&intraline")
    assert not any("skip" in chunk for chunk in whole["content"])
    added = await get_json(http, f"/a/changes/{CHANGE}/revisions/current/files/pkg%2Fnew.py/diff")
    assert (added["change_type"], "meta_a" in added, added["content"]) == ("ADDED", False, [{"b": ["x = 1"]}])

    async with http.get(f"/a/changes/{CHANGE}/revisions/current/files/pkg%2Fnew.py/content") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        assert resp.headers["X-FYI-Content-Encoding"] == "base64"
        assert resp.headers["X-FYI-Content-Type"] == "text/x-python"
        body = await resp.read()
    assert not body.startswith(b")]}'")
    assert base64.b64decode(body) == b"x = 1\n"
    async with http.get(f"/a/changes/{CHANGE}/revisions/current/files/pkg/new.py/content") as resp:
        assert resp.status == 404  # the path must be one encoded segment
    async with http.get(f"/a/changes/{CHANGE}/revisions/current/files/docs%2Fold.txt/content") as resp:
        assert resp.status == 404  # deleted in this revision
    async with http.get(f"/a/changes/{CHANGE}/revisions/current/files/docs%2Fold.txt/content?parent=1") as resp:
        assert base64.b64decode(await resp.read()) == b"bye\n"

    async with http.get(f"/a/changes/{CHANGE}/revisions/current/patch") as resp:
        assert resp.headers["X-FYI-Content-Type"] == "application/mbox"
        patch = base64.b64decode(await resp.read()).decode()
    async with http.get(f"/a/changes/{CHANGE}/revisions/current/patch?raw") as resp:
        assert await resp.text() == patch
    assert "+value_5 = 'five'" in patch and "deleted file mode 100644" in patch


async def test_patch_sets_queries_and_options(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    gerrit.add_patchset(PROJECT, NUMBER, files={"keep.py": "k = 2\n"}, kind="TRIVIAL_REBASE", uploader="bob")
    gerrit.add_change(PROJECT, 1300, files={"a.py": "a = 1\n"})
    gerrit.abandon(PROJECT, 1300)
    since = gerrit.change(PROJECT, NUMBER).updated.strftime("%Y-%m-%d %H:%M:%S")

    found = await get_json(
        http, "/a/changes/", params=[("q", f'status:open project:{PROJECT} since:"{since}"'), ("o", "ALL_REVISIONS")]
    )
    assert [c["_number"] for c in found] == [NUMBER]
    change = found[0]
    revisions = sorted(change["revisions"].values(), key=lambda r: r["_number"])
    assert [(r["_number"], r["kind"]) for r in revisions] == [(1, "REWORK"), (2, "TRIVIAL_REBASE")]
    assert change["current_revision"] == gerrit.revision(PROJECT, NUMBER).sha
    assert all("created" in r and r["ref"].startswith("refs/changes/34/1234/") for r in revisions)
    closed = await get_json(http, "/a/changes/", params={"q": "status:abandoned"})
    assert [c["_number"] for c in closed] == [1300]
    async with http.get("/a/changes/", params={"q": "label:Verified=1"}) as resp:
        assert resp.status == 400
    async with http.get("/a/changes/", params={"q": "status:open", "o": "BOGUS"}) as resp:
        assert resp.status == 400

    # Patch set 2 changes keep.py on top of patch set 1; the file list is still against the parent commit.
    files = await get_json(http, f"/a/changes/{CHANGE}/revisions/2/files/")
    assert {"app.py", "keep.py", "pkg/new.py"} <= set(files)
    since_ps1 = await get_json(http, f"/a/changes/{CHANGE}/revisions/2/files/?base=1")
    assert set(since_ps1) == {"/COMMIT_MSG", "keep.py"}


# ----------------------------------------------------------------------------------------------------------------
# REST: reviews


async def test_review_is_accepted_and_recorded(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    sha = gerrit.revision(PROJECT, NUMBER).sha
    review = {
        "message": "Semgrep found 2 issues.",
        "tag": "autogenerated:reviewbot",
        "labels": {"Code-Review": -1, "No-Such-Label": 1},
        "comments": {
            "app.py": [
                {"line": 6, "message": "first", "unresolved": True},
                {"range": {"start_line": 5, "start_character": 0, "end_line": 6, "end_character": 8}, "message": "r"},
                {"line": 7, "message": "   "},  # empty: dropped
            ]
        },
        "robot_comments": {"app.py": [{"line": 1, "message": "ignored", "robot_id": "x", "robot_run_id": "1"}]},
        "notify": "NONE",
    }
    status, text = await post_review(http, review, revision=sha)
    assert status == 200, text
    assert decode(text) == {"labels": {"Code-Review": -1}}

    [posted] = gerrit.reviews(PROJECT, NUMBER)
    assert posted.revision == sha and posted.input == review
    assert gerrit.votes(PROJECT, NUMBER) == {USER: {"Code-Review": -1}}
    assert gerrit.notifications(PROJECT, NUMBER) == ["NONE"]
    message = gerrit.messages(PROJECT, NUMBER)[-1]
    assert message["message"] == "Patch Set 1: Code-Review-1\n\n(2 comments)\n\nSemgrep found 2 issues."
    assert message["tag"] == "autogenerated:reviewbot"

    listed = await get_json(http, f"/a/changes/{CHANGE}/comments")
    assert list(listed) == ["app.py"]
    first, ranged = listed["app.py"]
    assert first["line"] == 6 and first["unresolved"] is True and first["tag"] == "autogenerated:reviewbot"
    assert first["patch_set"] == 1 and first["author"]["username"] == USER and "updated" in first
    assert ranged["line"] == 6 and ranged["range"]["start_line"] == 5 and ranged["unresolved"] is False

    # A reply inherits the thread's state unless it sets one; duplicates can be omitted.
    status, _ = await post_review(
        http, {"comments": {"app.py": [{"line": 6, "message": "+1", "in_reply_to": first["id"]}]}}
    )
    assert status == 200
    assert gerrit.comments(PROJECT, NUMBER)[-1]["unresolved"] is True
    again = {"omit_duplicate_comments": True, "comments": {"app.py": [{"line": 6, "message": "first"}]}}
    assert (await post_review(http, again))[0] == 200
    assert len(gerrit.comments(PROJECT, NUMBER)) == 3
    assert gerrit.notifications(PROJECT, NUMBER)[-1] == "ALL"


async def test_review_validation_stores_nothing(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    untouched = {"comments": {"keep.py": [{"line": 1, "message": "x"}], "app.py": [{"line": 1, "message": "y"}]}}
    status, text = await post_review(http, untouched)
    assert (status, text) == (400, "file keep.py not found in revision 1234,1\n")

    bad = [
        ({"app.py": [{"line": 42, "message": "beyond"}]}, "beyond the end"),
        ({"app.py": [{"line": -1, "message": "neg"}]}, "negative line number -1 not allowed on app.py"),
        ({"app.py": [{"range": {"start_line": 3, "start_character": 0, "end_line": 2, "end_character": 0},
                      "message": "backwards"}]}, "is not valid for the comment on app.py"),
        ({"app.py": [{"line": 2, "message": "re", "in_reply_to": "deadbeef_00000000"}]}, "Invalid inReplyTo"),
        ({"/PATCHSET_LEVEL": [{"line": 2, "message": "no lines here"}]}, "Patchset-level comments can't have"),
        ({"app.py": [{"line": 1, "message": "x" * 20000}]}, "Comment size exceeds limit"),
    ]  # fmt: skip
    for comments, expected in bad:
        status, text = await post_review(http, {"message": "m", "labels": {"Code-Review": 1}, "comments": comments})
        assert status == 400 and expected in text, (comments, text)
    assert gerrit.reviews(PROJECT, NUMBER) == [] and gerrit.comments(PROJECT, NUMBER) == []
    assert gerrit.votes(PROJECT, NUMBER) == {}
    assert all(m.get("tag") == "autogenerated:gerrit:newPatchSet" for m in gerrit.messages(PROJECT, NUMBER))

    ok = {"comments": {"/PATCHSET_LEVEL": [{"message": "overall"}], "/COMMIT_MSG": [{"line": 7, "message": "subj"}]}}
    assert (await post_review(http, ok))[0] == 200


async def test_fix_suggestions_need_the_experiment() -> None:
    fix = {
        "description": "use a constant",
        "replacements": [
            {"path": "app.py", "range": {"start_line": 5, "start_character": 0, "end_line": 5, "end_character": 15},
             "replacement": "value_5 = 5"},
        ],
    }  # fmt: skip
    comment = {"line": 5, "message": "suggest", "fix_suggestions": [fix]}
    async with make_fake() as fake, aiohttp.ClientSession(fake.url, headers=basic()) as http:
        status, text = await post_review(http, {"comments": {"app.py": [comment]}})
        assert status == 400 and "fixSuggestions" in text
        assert fake.comments(PROJECT, NUMBER) == []

    async with make_fake(allow_fix_suggestions=True) as fake, aiohttp.ClientSession(fake.url, headers=basic()) as http:
        assert (await post_review(http, {"comments": {"app.py": [comment]}}))[0] == 200
        [stored] = fake.comments(PROJECT, NUMBER)
        assert stored["fix_suggestions"][0]["replacements"] == fix["replacements"]
        overlapping = {
            **fix,
            "replacements": [
                fix["replacements"][0],
                {"path": "app.py", "range": {"start_line": 5, "start_character": 4, "end_line": 6, "end_character": 0},
                 "replacement": "x"},
            ],
        }  # fmt: skip
        bad = {"line": 5, "message": "overlap", "fix_suggestions": [overlapping]}
        status, text = await post_review(http, {"comments": {"app.py": [bad]}})
        assert (status, text) == (400, "Replacements overlap for the comment on app.py\n")
        assert len(fake.comments(PROJECT, NUMBER)) == 1


async def test_votes_only_on_current_open_patch_sets(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    old = gerrit.revision(PROJECT, NUMBER).sha
    gerrit.add_patchset(PROJECT, NUMBER, files={"app.py": NEW_APP + "tail = 1\n"})
    status, text = await post_review(http, {"labels": {"Code-Review": 1}}, revision=old)
    assert status == 409 and "not current" in text
    assert (await post_review(http, {"message": "comment only"}, revision=old))[0] == 200
    assert (await post_review(http, {"labels": {"Verified": 1}}))[0] == 200

    gerrit.set_label_range(USER, "Code-Review", -1, 1)
    status, text = await post_review(http, {"labels": {"Code-Review": 2}})
    assert (status, text) == (403, 'Applying label "Code-Review": 2 is restricted\n')

    gerrit.abandon(PROJECT, NUMBER)
    assert await post_review(http, {"labels": {"Code-Review": -1}}) == (409, "change is closed\n")
    gerrit.restore(PROJECT, NUMBER)
    gerrit.merge(PROJECT, NUMBER)
    status, text = await post_review(http, {"labels": {"Code-Review": 1}})
    assert status == 409 and "after submit" in text
    assert (await post_review(http, {"message": "post-merge note"}))[0] == 200


async def test_fault_injection_and_request_log(gerrit: FakeGerrit, http: aiohttp.ClientSession) -> None:
    path = f"/a/changes/{CHANGE}/revisions/current/files/"
    gerrit.fail_next(2, status=503, path_prefix="/changes/")
    for expected in (503, 503, 200):
        async with http.get(path) as resp:
            assert resp.status == expected
    gerrit.fail_next(1, status=500, path_prefix="/a/accounts/")  # does not match
    gerrit.stale_next(1)
    async with http.get(path) as resp:
        assert (resp.status, await resp.text()) == (404, "Not found: current\n")
    async with http.get(path) as resp:
        assert resp.status == 200
    gerrit.clear_faults()

    gerrit.delay_next(1, seconds=0.3)
    started = time.monotonic()
    async with http.get(f"/a/changes/{CHANGE}") as resp:
        assert resp.status == 200
    assert time.monotonic() - started >= 0.3

    files_requests = gerrit.requests_to("GET", "/changes/openstack%2Fcinder~1234/revisions/")
    assert [r.status for r in files_requests] == [503, 503, 200, 404, 200]
    assert files_requests[0].user is None and files_requests[-1].user == USER  # failed before authentication
    await get_json(http, "/a/changes/", params=[("q", "status:open"), ("o", "CURRENT_REVISION"), ("o", "MESSAGES")])
    assert gerrit.requests[-1].query == {"q": ["status:open"], "o": ["CURRENT_REVISION", "MESSAGES"]}


async def test_events_from_state_changes() -> None:
    received: list[dict[str, Any]] = []
    fake = make_fake(event_sink=received.append)
    assert [e["patchSet"]["number"] for e in received] == [1]
    received.clear()
    async with fake, aiohttp.ClientSession(fake.url, headers=basic()) as http:
        revision = fake.add_patchset(PROJECT, NUMBER, files={"app.py": OLD_APP})
        assert (await post_review(http, {"message": "recheck", "labels": {"Verified": -1}}))[0] == 200
        fake.abandon(PROJECT, NUMBER, by="carol", reason="obsolete")
    assert [e["type"] for e in received] == ["patchset-created", "comment-added", "change-abandoned"]
    created, comment, abandoned = received
    assert created["patchSet"]["number"] == 2 and created["patchSet"]["revision"] == revision.sha
    assert created["change"]["number"] == NUMBER and created["project"] == PROJECT
    assert comment["comment"] == "Patch Set 2: Verified-1\n\nrecheck"
    assert comment["approvals"] == [{"type": "Verified", "description": "Verified", "value": "-1", "oldValue": "0"}]
    assert abandoned["abandoner"]["username"] == "carol" and abandoned["change"]["status"] == "ABANDONED"


# ----------------------------------------------------------------------------------------------------------------
# SSH: event factories


def test_event_factories_follow_the_documented_shapes() -> None:
    event = patchset_created(PROJECT, NUMBER, 3, "ab" * 20, kind="TRIVIAL_REBASE", uploader="bob")
    assert event["type"] == "patchset-created"
    assert {"project", "branch", "id", "number", "subject", "owner", "url", "status"} <= set(event["change"])
    ps = event["patchSet"]
    assert (ps["number"], ps["revision"], ps["kind"], ps["ref"]) == (
        3,
        "ab" * 20,
        "TRIVIAL_REBASE",
        "refs/changes/34/1234/3",
    )
    assert {"parents", "uploader", "createdOn", "author", "sizeInsertions", "sizeDeletions"} <= set(ps)
    assert event["uploader"]["username"] == "bob" and isinstance(event["eventCreatedOn"], int)

    old = comment_added(
        PROJECT, NUMBER, 3, numbers_as_strings=True, project_style="object", approvals={"Code-Review": 2}
    )
    assert old["comment"] == "Patch Set 3:\n\nrecheck"
    assert old["change"]["number"] == "1234" and old["patchSet"]["number"] == "3"
    assert old["project"] == {"name": PROJECT} and old["approvals"][0]["value"] == "2"
    assert "project" not in change_merged(PROJECT, NUMBER, 3, project_style="omit")
    assert change_abandoned(PROJECT, NUMBER, 3, reason="dup")["reason"] == "dup"


# ----------------------------------------------------------------------------------------------------------------
# SSH: the server, driven by the real gerritlib


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated $HOME: gerritlib's paramiko reads ~/.ssh/known_hosts there and no agent is consulted."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return tmp_path


@pytest.fixture
def ssh_server(ssh_home: Path) -> Iterator[tuple[FakeGerritSSH, Path]]:
    key, key_file = generate_key(ssh_home / "keys" / "id_ed25519")
    assert key_file is not None
    with FakeGerritSSH(USER, key) as server:
        server.write_known_hosts(ssh_home / ".ssh" / "known_hosts")
        yield server, key_file
    assert server.live_threads() == []
    assert not [t for t in threading.enumerate() if t.name.startswith("FakeGerritSSH")]


def next_event(gerrit: Gerrit, timeout: float = 5.0) -> dict[str, Any]:
    """gerritlib's getEvent() blocks forever: call it in a worker so a failure cannot hang the test."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(gerrit.getEvent).result(timeout=timeout)  # type: ignore[no-any-return]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_gerritlib_streams_events_and_reconnects(ssh_server: tuple[FakeGerritSSH, Path]) -> None:
    server, key_file = ssh_server
    gerrit = Gerrit(server.host, USER, port=server.port, keyfile=str(key_file))
    assert gerrit.getVersion() == "3.10.0"

    # The watcher takes its retry settings from startWatching(), not from the constructor.
    gerrit.startWatching(connection_attempts=3, retry_delay=0.05)
    server.wait_for_streams(1)
    first = patchset_created(PROJECT, NUMBER, 1, "a" * 40)
    assert server.emit(first) == 1
    assert next_event(gerrit) == first

    assert server.drop_connections() == 2  # the version command's connection and the stream
    server.wait_for_streams(1)  # gerritlib reconnected after retry_delay
    later = comment_added(PROJECT, NUMBER, 1, comment="Patch Set 1:\n\nrecheck")
    assert server.emit(later) == 1
    assert next_event(gerrit) == later
    assert server.connections_total == 3 and server.streams_total == 2
    assert [c.command for c in server.commands] == ["gerrit version", "gerrit stream-events", "gerrit stream-events"]

    watcher = gerrit.watcher_thread
    server.stop()  # gerritlib gives up after connection_attempts and its thread ends (with an exception)
    watcher.join(timeout=5)
    assert not watcher.is_alive()


def test_commands_auth_and_lost_events(ssh_server: tuple[FakeGerritSSH, Path], ssh_home: Path) -> None:
    server, key_file = ssh_server
    assert server.emit(patchset_created(PROJECT, NUMBER, 1, "b" * 40)) == 0  # nobody listens: lost
    assert server.lost_events == 1

    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())  # the known_hosts entry must match
    client.connect(server.host, port=server.port, username=USER, key_filename=str(key_file))
    try:
        _, stdout, stderr = client.exec_command("gerrit ls-projects")
        assert stdout.channel.recv_exit_status() == 1
        assert stderr.read() == b"fatal: gerrit: ls-projects: not found\n"
        _, stdout, _ = client.exec_command("gerrit version")
        assert (stdout.read(), stdout.channel.recv_exit_status()) == (b"gerrit version 3.10.0\n", 0)

        _, stdout, _ = client.exec_command("gerrit stream-events -s comment-added")
        stdout.channel.settimeout(5)
        server.wait_for_streams(1)
        server.emit(patchset_created(PROJECT, NUMBER, 1, "c" * 40))  # filtered out by -s
        server.emit(comment_added(PROJECT, NUMBER, 1))
        line = stdout.readline()
        assert line.endswith("\n") and json.loads(line)["type"] == "comment-added"
    finally:
        client.close()

    stranger, _ = generate_key(kind="rsa")
    other = paramiko.SSHClient()
    other.load_system_host_keys()
    with pytest.raises(paramiko.AuthenticationException):
        other.connect(server.host, port=server.port, username=USER, pkey=stranger, look_for_keys=False)
    other.close()
    assert server.auth_failures >= 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
async def test_rest_fake_feeds_the_ssh_stream(ssh_server: tuple[FakeGerritSSH, Path]) -> None:
    server, key_file = ssh_server
    gerrit = Gerrit(server.host, USER, port=server.port, keyfile=str(key_file))
    gerrit.startWatching(connection_attempts=2, retry_delay=0.05)
    server.wait_for_streams(1)
    fake = make_fake()
    fake.event_sink = server.emit  # (gerritlib may sit on the second of two back-to-back events: see gerrit_ssh)
    revision = fake.add_patchset(PROJECT, NUMBER, files={"app.py": OLD_APP}, kind="REWORK", uploader="dave")
    event = gerrit.event_queue.get(timeout=5)
    assert event["type"] == "patchset-created" and event["patchSet"]["revision"] == revision.sha
    assert event["uploader"]["username"] == "dave"
    watcher = gerrit.watcher_thread
    server.stop()
    watcher.join(timeout=5)
    with pytest.raises(queue.Empty):
        gerrit.event_queue.get_nowait()
