"""Faults end to end: platform errors, rate limits, timeouts, odd files — nothing lost or doubled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import github_payloads as gp
from tests.e2e_github import NAME, OLD, OWNER, V1, idle, make_settings, new_fake, send, start_app, wait_until
from tests.fakes import FileChange, fake_sha


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda f: f.fail_next(3, 502), id="first-3-calls-502"),
        pytest.param(lambda f: f.fail_next(3, 502, method="POST"), id="review-post-502"),
        pytest.param(lambda f: f.rate_limit_next(3, "secondary", retry_after=1), id="secondary-rate-limit"),
        pytest.param(lambda f: f.rate_limit_next(1, "primary", status=429, reset_in=1), id="primary-429"),
        pytest.param(lambda f: f.delay_next(1, 8, path="/repos/octo/demo/pulls/7/files"), id="timeout"),
    ],
)
async def test_transient_faults_end_in_exactly_one_review(aiohttp_client, tmp_path: Path, fault) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("h")
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("b"), [FileChange.modified("pkg/mod.py", OLD, V1)])
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        fault(fake)
        assert (await send(client, "pull_request", gp.pull_request("opened", 7, head))).status == 202
        await wait_until(lambda: fake.reviews(OWNER, NAME, 7), timeout=40, what="review")
        await wait_until(lambda: idle(client), timeout=40, what="idle")
        assert len(fake.reviews(OWNER, NAME, 7)) == 1
        assert len(fake.review_comments(OWNER, NAME, 7)) == 2
        jobs = await (await client.get("/api/runs")).json()
        assert jobs["jobs"] == []


async def test_review_post_that_succeeded_but_answered_502_is_not_doubled(aiohttp_client, tmp_path: Path) -> None:
    """A crash or error between GitHub storing the review and us recording it: the marker prevents a double."""
    fake = new_fake()
    async with fake:
        head = fake_sha("h2")
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("b2"), [FileChange.modified("pkg/mod.py", OLD, V1)])
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        # The review POST is slow: the client times out (transient), though GitHub stores the review.
        fake.delay_next(1, 8, method="POST", path="/repos/octo/demo/pulls/7/reviews")
        await send(client, "pull_request", gp.pull_request("opened", 7, head))
        await wait_until(lambda: fake.reviews(OWNER, NAME, 7), timeout=40, what="review")
        await wait_until(lambda: idle(client), timeout=40, what="idle")
        assert len(fake.reviews(OWNER, NAME, 7)) == 1


async def test_permanent_error_fails_the_job_clearly(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        # PR 404 on GitHub (deleted repo / no access): failed, not retried forever.
        assert (await send(client, "pull_request", gp.pull_request("opened", 404, fake_sha("x")))).status == 202
        await wait_until(lambda: idle(client), what="idle")
        from bot.web.app import SERVICES

        counts = await client.app[SERVICES].queue.counts()
        assert counts == {"failed": 1}


async def test_odd_paths_and_binary_files(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("odd")
        files = [
            FileChange.added("dir with space/ünïcode mod.py", V1),
            FileChange.added("-leading-dash.py", "import requests\nrequests.get(u)\n"),
            FileChange.added("assets/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"),
            FileChange.added("data/latin1.py", b"x = '\xe9'\neval(x)\n"),
            FileChange.added("pkg/broken.py", "def f(:\n    eval(x)\n"),
            FileChange.added("vendor/lib.py", "eval(x)\n"),
        ]
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("b3"), files)
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        await send(client, "pull_request", gp.pull_request("opened", 7, head))
        await wait_until(lambda: fake.reviews(OWNER, NAME, 7), what="review")
        (review,) = fake.reviews(OWNER, NAME, 7)
        paths = {c.path for c in fake.review_comments(OWNER, NAME, 7)}
        # Semgrep recovers from the syntax error in pkg/broken.py and may still report what it parsed.
        assert paths - {"pkg/broken.py"} == {"dir with space/ünïcode mod.py", "-leading-dash.py"}
        # Every file that was not reviewed is named, with the reason.
        assert "1 non-Python file(s) were not scanned" in review.body  # assets/logo.png, never downloaded
        assert "`data/latin1.py`: not valid UTF-8" in review.body
        assert "1 file(s) excluded by review.exclude_paths" in review.body  # vendor/lib.py
        assert "pkg/broken.py" in review.body  # could not be fully analysed


async def test_pull_request_over_githubs_3000_file_cap_is_noted(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("big")
        files = [FileChange.added("a/mod.py", V1)]  # GitHub lists files by path: this one is within the cap
        files += [FileChange.added(f"docs/page{i:04d}.txt", f"page {i}\n") for i in range(3004)]
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("bigbase"), files)
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        await send(client, "pull_request", gp.pull_request("opened", 7, head))
        await wait_until(lambda: fake.reviews(OWNER, NAME, 7), timeout=60, what="review")
        (review,) = fake.reviews(OWNER, NAME, 7)
        assert "GitHub lists at most 3000 files" in review.body
        assert "2999 file(s) excluded by review.exclude_paths" in review.body  # docs/: counted, not listed
        assert len(review.body) < 65_536
        # Excluded files were never downloaded.
        assert len(fake.requests_to("GET", "/repos/octo/demo/git/blobs")) == 1
        assert {c.path for c in fake.review_comments(OWNER, NAME, 7)} == {"a/mod.py"}
