"""POST /webhooks/github through the real aiohttp app: signatures, status codes, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.platforms.github_events import verify_signature
from bot.store import Delivery, Job
from bot.web.app import SERVICES, Services, create_app
from tests import github_payloads as gp
from tests.conftest import FIXTURES


def settings_for(tmp_path: Path, **github: object) -> Settings:
    return Settings.model_validate(
        {
            "store": {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'rb.db'}"},
            "scan": {"rules_dir": str(FIXTURES / "rules")},
            "github": {"webhook_secret": gp.SECRET, "token": "t0ken", **github},
        }
    )


@pytest.fixture
async def client(aiohttp_client, tmp_path: Path):
    settings = settings_for(tmp_path)
    app = create_app(settings, Services(settings, platforms={}), workers=0)
    return await aiohttp_client(app)


async def jobs(client) -> list[Job]:
    async with client.app[SERVICES].store.session() as s:
        return list((await s.execute(select(Job).order_by(Job.id))).scalars())


async def deliveries(client) -> int:
    async with client.app[SERVICES].store.session() as s:
        return len((await s.execute(select(Delivery))).scalars().all())


def test_signature_matches_githubs_test_vector() -> None:
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert verify_signature(b"It's a Secret to Everybody", b"Hello, World!", expected)
    assert not verify_signature(b"It's a Secret to Everybody", b"Hello, World!", expected[:-1] + "0")
    assert not verify_signature(b"x", b"body", "sha1=" + "0" * 40)
    assert not verify_signature(b"x", b"body", None)


async def post(client, event: str, payload: dict, **kw):
    body = gp.encode(payload)
    hdrs = gp.headers(event, body, **kw)
    return await client.post("/webhooks/github", data=body, headers=hdrs)


async def test_pull_request_opened_is_stored_and_accepted(client) -> None:
    resp = await post(client, "pull_request", gp.pull_request("opened", installation=42))
    assert resp.status == 202
    data = await resp.json()
    assert data["status"] == "accepted" and not data["coalesced"]
    (job,) = await jobs(client)
    assert job.change_key == "github:github.com:octo/demo:7" and job.state == "waiting"
    assert job.ref["revision"] == "a" * 40 and job.ref["meta"] == {"installation_id": "42"}


async def test_pushes_coalesce(client) -> None:
    for i, action in enumerate(["opened", "synchronize", "synchronize"]):
        resp = await post(client, "pull_request", gp.pull_request(action, head=str(i) * 40))
        assert resp.status == 202
    (job,) = await jobs(client)
    assert job.ref["revision"] == "2" * 40


@pytest.mark.parametrize("action", ["closed", "labeled", "converted_to_draft", "edited"])
async def test_other_actions_are_ignored(client, action: str) -> None:
    resp = await post(client, "pull_request", gp.pull_request(action))
    assert resp.status == 200 and (await resp.json())["status"] == "ignored"
    assert await jobs(client) == []


async def test_drafts_skipped_unless_configured(client, aiohttp_client, tmp_path: Path) -> None:
    resp = await post(client, "pull_request", gp.pull_request("opened", draft=True))
    assert resp.status == 200 and (await resp.json())["reason"] == "draft pull request"
    settings = settings_for(tmp_path / "d", review_drafts=True)
    (tmp_path / "d").mkdir()
    other = await aiohttp_client(create_app(settings, Services(settings, platforms={}), workers=0))
    assert (await post(other, "pull_request", gp.pull_request("opened", draft=True))).status == 202


async def test_ready_for_review_and_reopened_are_reviewed(client) -> None:
    assert (await post(client, "pull_request", gp.pull_request("ready_for_review"))).status == 202
    assert (await post(client, "pull_request", gp.pull_request("reopened", number=8))).status == 202
    assert len(await jobs(client)) == 2


@pytest.mark.parametrize(
    ("kwargs", "accepted"),
    [
        ({"body": "/recheck"}, True),
        ({"body": "recheck\n\nplease"}, True),
        ({"body": "RECHECK"}, True),
        ({"body": "please recheck"}, False),
        ({"body": "/recheck", "association": "NONE", "login": "mallory"}, False),
        ({"body": "/recheck", "association": "NONE", "login": "alice"}, True),  # the PR author
        ({"body": "/recheck", "login": "ci[bot]", "user_type": "Bot"}, False),
        ({"body": "/recheck", "is_pr": False}, False),
    ],
)
async def test_recheck_comments(client, kwargs: dict, accepted: bool) -> None:
    resp = await post(client, "issue_comment", gp.issue_comment(**kwargs))
    assert resp.status == (202 if accepted else 200)
    js = await jobs(client)
    assert len(js) == (1 if accepted else 0)
    if accepted:
        assert js[0].reason == "recheck"


async def test_bad_signatures_get_401_and_store_nothing(client) -> None:
    body = gp.encode(gp.pull_request())
    for sig in [None, "", "sha256=deadbeef", "sha1=" + "0" * 40, gp.sign(body, "wrong secret")]:
        hdrs = {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d1"}
        if sig is not None:
            hdrs["X-Hub-Signature-256"] = sig
        resp = await client.post("/webhooks/github", data=body, headers=hdrs)
        assert resp.status == 401
    assert await jobs(client) == [] and await deliveries(client) == 0


async def test_malformed_json_and_payloads_get_400(client) -> None:
    for body in [b"{not json", b"[1, 2]", b"\xff\xfe", b""]:
        resp = await client.post("/webhooks/github", data=body, headers=gp.headers("pull_request", body))
        assert resp.status == 400, body
    body = gp.encode({"action": "opened", "pull_request": {"number": 1}})  # no repository, no head
    resp = await client.post("/webhooks/github", data=body, headers=gp.headers("pull_request", body))
    assert resp.status == 400 and "malformed pull_request payload" in (await resp.json())["error"]
    body = gp.encode(gp.pull_request())
    hdrs = gp.headers("pull_request", body)
    del hdrs["X-GitHub-Delivery"]
    assert (await client.post("/webhooks/github", data=body, headers=hdrs)).status == 400
    assert await jobs(client) == [] and await deliveries(client) == 0


async def test_wrong_field_types_name_the_field_and_odd_ignored_events_are_recorded(client) -> None:
    payload = gp.pull_request()
    payload["pull_request"]["number"] = "seven"
    resp = await post(client, "pull_request", payload)
    error = (await resp.json())["error"]
    assert resp.status == 400 and error.startswith("malformed pull_request payload: pull_request.number")
    # an event we do not handle is not refused for a shape our models would reject
    resp = await post(client, "check_run", {"action": 5, "repository": "r", "pull_request": "not an object"})
    assert resp.status == 200 and (await resp.json())["status"] == "ignored"
    # fields we do not read may hold anything
    payload = gp.pull_request("opened", 9)
    payload["pull_request"]["labels"] = [{"name": None, "weird": [1, {"x": "y"}]}]
    payload["sender"] = None
    assert (await post(client, "pull_request", payload)).status == 202
    assert [j.ref["number"] for j in await jobs(client)] == [9]
    assert await deliveries(client) == 2


async def test_thirty_megabyte_body_gets_413(client) -> None:
    body = b'{"pad": "' + b"x" * (30 * 1024 * 1024) + b'"}'
    resp = await client.post("/webhooks/github", data=body, headers=gp.headers("pull_request", body))
    assert resp.status == 413
    assert await jobs(client) == [] and await deliveries(client) == 0


async def test_unknown_events_and_ping(client) -> None:
    resp = await post(client, "ping", {"zen": "Keep it logically awesome.", "hook_id": 1})
    assert resp.status == 200 and (await resp.json())["status"] == "pong"
    resp = await post(client, "star", {"action": "created", "repository": gp.repo()})
    assert resp.status == 200 and (await resp.json())["status"] == "ignored"
    assert await jobs(client) == []


async def test_replayed_delivery_is_processed_once(client) -> None:
    payload = gp.pull_request("opened")
    for i in range(5):
        resp = await post(client, "pull_request", payload, delivery="same-guid")
        assert resp.status == (202 if i == 0 else 200)
        if i:
            assert (await resp.json())["status"] == "duplicate"
    assert len(await jobs(client)) == 1 and await deliveries(client) == 1


async def test_concurrent_deliveries_all_stored(client) -> None:
    import asyncio

    payloads = [gp.pull_request("opened", number=n) for n in range(1, 41)]
    resps = await asyncio.gather(*(post(client, "pull_request", p) for p in payloads))
    assert all(r.status == 202 for r in resps)
    assert len(await jobs(client)) == 40 and await deliveries(client) == 40


async def test_healthz_metrics_and_runs(client) -> None:
    assert (await client.get("/healthz")).status == 200
    await post(client, "pull_request", gp.pull_request("opened"))
    text = await (await client.get("/metrics")).text()
    assert 'reviewbot_webhooks_total{outcome="accepted",platform="github"}' in text
    runs = await (await client.get("/api/runs")).json()
    assert runs["runs"] == [] and runs["jobs"][0]["state"] == "waiting"


async def test_burst_of_pushes_to_one_pull_request_coalesces(client) -> None:
    import asyncio

    payloads = [gp.pull_request("synchronize", 5, head=f"{i:040d}") for i in range(20)]
    resps = await asyncio.gather(*(post(client, "pull_request", p) for p in payloads))
    assert all(r.status == 202 for r in resps)
    bodies = [await r.json() for r in resps]
    assert sum(not b["coalesced"] for b in bodies) == 1
    (job,) = await jobs(client)
    assert job.state == "waiting" and await deliveries(client) == 20


async def test_service_prunes_old_cached_scan_results(aiohttp_client, tmp_path: Path, monkeypatch) -> None:
    import asyncio
    import os
    import time

    from bot.web import app as app_module

    monkeypatch.setenv("REVIEWBOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(app_module, "PRUNE_FIRST_S", 0.0)
    old = tmp_path / "cache" / "findings" / "ab" / "ab01.json"
    fresh = tmp_path / "cache" / "findings" / "cd" / "cd01.json"
    for entry in (old, fresh):
        entry.parent.mkdir(parents=True)
        entry.write_text("[]")
    stale = time.time() - 31 * 86400
    os.utime(old, (stale, stale))
    settings = settings_for(tmp_path)
    await aiohttp_client(create_app(settings, Services(settings, platforms={}), workers=0))
    for _ in range(200):
        if not old.exists():
            break
        await asyncio.sleep(0.01)
    assert not old.exists() and fresh.exists()
