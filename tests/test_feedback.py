"""Feedback replies to our comments (`not useful`, `/reviewbot ignore`) on both platforms, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.platforms.base import parse_feedback
from bot.store import FeedbackRow
from bot.web.app import SERVICES
from tests import github_payloads as gp
from tests.e2e_github import NAME, OLD, OWNER, V1, idle, make_settings, new_fake, send, start_app, wait_until
from tests.fakes import FileChange, fake_sha
from tests.fakes import gerrit_ssh as ev
from tests.fakes.gerrit import FakeGerrit
from tests.test_gerrit_e2e import PROJECT, hook, settings_for
from tests.test_gerrit_e2e import start as start_gerrit


def test_parse_feedback() -> None:
    assert parse_feedback("not useful") == ("not-useful", "")
    assert parse_feedback("Not useful: deliberate, see the comment above") == (
        "not-useful",
        "deliberate, see the comment above",
    )
    assert parse_feedback("/reviewbot not-useful false positive") == ("not-useful", "false positive")
    assert parse_feedback("/reviewbot ignore") == ("ignore", "")
    assert parse_feedback("this is not useful at all") is None
    assert parse_feedback("LGTM") is None


async def rows(client: Any) -> list[FeedbackRow]:
    async with client.app[SERVICES].store.session() as s:
        return list((await s.execute(select(FeedbackRow).order_by(FeedbackRow.id))).scalars())


async def test_github_feedback_is_recorded_and_ignore_resolves(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("fb")
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("fbbase"), [FileChange.modified("pkg/mod.py", OLD, V1)])
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        await send(client, "pull_request", gp.pull_request("opened", 7, head))
        await wait_until(lambda: fake.review_comments(OWNER, NAME, 7), what="review")
        await wait_until(lambda: idle(client), what="idle")
        by_line = {c.line: c for c in fake.review_comments(OWNER, NAME, 7)}
        fake.post_reply(by_line[5].id, "bob", "not useful: we always pass a timeout via the session")
        ignore = fake.post_reply(by_line[9].id, "bob", "/reviewbot ignore")
        payload = {
            "action": "created",
            "comment": {
                "id": ignore.id,
                "body": ignore.body,
                "in_reply_to_id": by_line[9].id,
                "user": {"login": "bob", "type": "User"},
            },
            "pull_request": {"number": 7, "state": "open"},
            "repository": gp.repo(),
        }
        assert (await send(client, "pull_request_review_comment", payload)).status == 202
        await wait_until(lambda: rows(client), what="feedback rows")
        await wait_until(lambda: idle(client), what="idle")
        got = {(r.rule_id, r.kind, r.reason, r.author) for r in await rows(client)}
        assert got == {
            ("network-api-errors.t-timeout", "not-useful", "we always pass a timeout via the session", "bob"),
            ("exception-handling.t-bare-except", "ignore", "", "bob"),
        }
        threads = {t.root.line: t.is_resolved for t in fake.threads(OWNER, NAME, 7)}
        assert threads == {5: False, 9: True}
        # A plain reply by a human is not feedback.
        other = dict(payload, comment=dict(payload["comment"], body="thanks!"))
        assert (await send(client, "pull_request_review_comment", other)).status == 200


async def test_gerrit_feedback_via_comment_added(aiohttp_client, tmp_path: Path) -> None:
    events: list[dict[str, Any]] = []
    fake = FakeGerrit(username="reviewbot", http_password="secret", event_sink=events.append)
    async with fake:
        client = await start_gerrit(aiohttp_client, settings_for(tmp_path, fake.url))
        fake.add_change(PROJECT, 41, base={"pkg/mod.py": OLD})
        fake.add_patchset(PROJECT, 41, files={"pkg/mod.py": V1})
        await hook(client, events[-1])
        await wait_until(lambda: fake.reviews(PROJECT, 41), what="review")
        await wait_until(lambda: idle(client), what="idle")
        ours = {c["line"]: c for c in fake.comments(PROJECT, 41) if "reviewbot:fp=" in c["message"]}
        fake.add_comment(
            PROJECT,
            41,
            "pkg/mod.py",
            "/reviewbot not-useful deliberate",
            author="bob",
            patch_set=1,
            line=5,
            in_reply_to=ours[5]["id"],
            unresolved=True,
        )
        fake.add_comment(
            PROJECT,
            41,
            "pkg/mod.py",
            "/reviewbot ignore",
            author="bob",
            patch_set=1,
            line=9,
            in_reply_to=ours[9]["id"],
            unresolved=True,
        )
        event = ev.comment_added(PROJECT, 41, 1, comment="Patch Set 1:\n\n(2 comments)", author="bob")
        assert (await hook(client, event)).status == 202
        await wait_until(lambda: rows(client), what="feedback rows")
        await wait_until(lambda: idle(client), what="idle")
        got = {(r.rule_id, r.kind, r.reason, r.author) for r in await rows(client)}
        assert got == {
            ("network-api-errors.t-timeout", "not-useful", "deliberate", "bob"),
            ("exception-handling.t-bare-except", "ignore", "", "bob"),
        }
        resolved = [
            c
            for c in fake.comments(PROJECT, 41)
            if c.get("in_reply_to") == ours[9]["id"] and c["author"]["username"] == "reviewbot"
        ]
        assert len(resolved) == 1 and resolved[0]["unresolved"] is False
        # The same event again (plugin retry) records nothing twice.
        await hook(client, dict(event, eventCreatedOn=event["eventCreatedOn"] + 1))
        await wait_until(lambda: idle(client), what="idle")
        assert len(await rows(client)) == 2
