"""End to end on loopback: signed webhooks → real aiohttp app → queue → pipeline → fake GitHub."""

from __future__ import annotations

from pathlib import Path

from tests import github_payloads as gp
from tests.e2e_github import NAME, OLD, OWNER, V1, V2, idle, make_settings, new_fake, send, start_app, wait_until
from tests.fakes import FileChange, fake_sha


async def test_review_push_recheck_cycle(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head1 = fake_sha("head1")
        fake.add_pull(OWNER, NAME, 7, head1, fake_sha("base"), [FileChange.modified("pkg/mod.py", OLD, V1)])
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))

        # 1. Opened: one review, comments on the added lines, working suggestion blocks.
        resp = await send(client, "pull_request", gp.pull_request("opened", 7, head1))
        assert resp.status == 202
        await wait_until(lambda: fake.reviews(OWNER, NAME, 7), what="first review")
        await wait_until(lambda: idle(client), what="idle")
        (review,) = fake.reviews(OWNER, NAME, 7)
        assert review.user == "reviewbot" and review.commit_id == head1
        comments = {c.line: c for c in fake.review_comments(OWNER, NAME, 7)}
        assert sorted(comments) == [5, 9]
        timeout = comments[5]
        assert "network-api-errors.t-timeout" in timeout.body
        assert "```suggestion\n    resp = requests.get(url, timeout=30)\n```" in timeout.body
        assert timeout.start_line is None  # one-line comment: no start_line
        bare = comments[9]
        assert bare.start_line == 6 and "```suggestion\n" in bare.body and "    except Exception:" in bare.body
        assert "exception-handling.t-bare-except" in review.body or "exception-handling" in review.body

        # 2. A push fixes the timeout and adds an eval: the fixed thread is resolved, only the new one is posted.
        head2 = fake_sha("head2")
        fake.push(OWNER, NAME, 7, head2, {"pkg/mod.py": V2})
        resp = await send(client, "pull_request", gp.pull_request("synchronize", 7, head2))
        assert resp.status == 202
        await wait_until(lambda: len(fake.reviews(OWNER, NAME, 7)) == 2, what="second review")
        await wait_until(lambda: idle(client), what="idle")
        second = fake.reviews(OWNER, NAME, 7)[1]
        new_comments = [c for c in fake.review_comments(OWNER, NAME, 7) if c.review_id == second.id]
        assert [(c.line, "input-validation.t-eval-broken-fix" in c.body) for c in new_comments] == [(13, True)]
        threads = {t.root.body.split("\n", 1)[0]: t for t in fake.threads(OWNER, NAME, 7)}
        resolved = {k: t.is_resolved for k, t in threads.items()}
        assert resolved == {
            "**network-api-errors.t-timeout** (warning, network-api-errors)": True,
            "**exception-handling.t-bare-except** (warning, exception-handling)": False,
            "**input-validation.t-eval-broken-fix** (error, input-validation)": False,
        }

        # 3. /recheck re-runs, answers on the PR, and duplicates nothing.
        before = len(fake.review_comments(OWNER, NAME, 7))
        resp = await send(client, "issue_comment", gp.issue_comment("/recheck", number=7, login="bob"))
        assert resp.status == 202
        await wait_until(lambda: fake.issue_comments(OWNER, NAME, 7), what="recheck reply")
        await wait_until(lambda: idle(client), what="idle")
        (reply,) = fake.issue_comments(OWNER, NAME, 7)
        assert "rechecked" in reply.body and "@bob" in reply.body and "0 new comment(s)" in reply.body
        assert len(fake.review_comments(OWNER, NAME, 7)) == before
        assert len(fake.reviews(OWNER, NAME, 7)) == 2

        # 4. A redelivered opened event for the same head posts nothing again.
        await send(client, "pull_request", gp.pull_request("synchronize", 7, head2))
        await wait_until(lambda: idle(client), what="idle")
        assert len(fake.reviews(OWNER, NAME, 7)) == 2

        runs = await (await client.get("/api/runs")).json()
        assert [r["outcome"] for r in runs["runs"]][-3:] == ["reviewed", "reviewed", "reviewed"][-3:]


async def test_clean_pull_request_gets_no_review(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("clean")
        clean = OLD + "\n\ndef ok():\n    return 1\n"
        fake.add_pull(OWNER, NAME, 8, head, fake_sha("base8"), [FileChange.modified("pkg/mod.py", OLD, clean)])
        client = await start_app(aiohttp_client, make_settings(tmp_path, fake.url))
        assert (await send(client, "pull_request", gp.pull_request("opened", 8, head))).status == 202
        await wait_until(lambda: idle(client), what="idle")
        runs = await (await client.get("/api/runs")).json()
        assert runs["runs"][0]["outcome"] == "reviewed" and runs["runs"][0]["findings"] == 0
        assert fake.reviews(OWNER, NAME, 8) == []


async def test_clean_pull_request_summary_when_configured(aiohttp_client, tmp_path: Path) -> None:
    fake = new_fake()
    async with fake:
        head = fake_sha("clean9")
        clean = OLD + "\n\ndef ok():\n    return 1\n"
        fake.add_pull(OWNER, NAME, 9, head, fake_sha("base9"), [FileChange.modified("pkg/mod.py", OLD, clean)])
        settings = make_settings(tmp_path, fake.url, summary_when_clean=True)
        client = await start_app(aiohttp_client, settings)
        await send(client, "pull_request", gp.pull_request("opened", 9, head))
        await wait_until(lambda: fake.reviews(OWNER, NAME, 9), what="summary review")
        (review,) = fake.reviews(OWNER, NAME, 9)
        assert "no issues" in review.body and fake.review_comments(OWNER, NAME, 9) == []


async def test_github_app_auth_with_token_renewal(aiohttp_client, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "app.pem").write_bytes(pem)
    fake = new_fake()
    fake.add_app(4242, pub, slug="reviewbot")
    fake.add_installation(77, 4242, OWNER)
    async with fake:
        settings = make_settings(tmp_path, fake.url)
        settings.github.token = None
        settings.github.app_id = 4242
        settings.github.private_key_path = tmp_path / "app.pem"
        client = await start_app(aiohttp_client, settings)
        for n in (21, 22):
            head = fake_sha(f"app{n}")
            fake.add_pull(OWNER, NAME, n, head, fake_sha(f"appbase{n}"), [FileChange.modified("pkg/mod.py", OLD, V1)])
            assert (
                await send(client, "pull_request", gp.pull_request("opened", n, head, installation=77))
            ).status == 202
            await wait_until(lambda n=n: fake.reviews(OWNER, NAME, n), what=f"review of #{n}")
            (review,) = fake.reviews(OWNER, NAME, n)
            assert review.user == "reviewbot[bot]"
            fake.expire_installation_tokens()  # the next job must renew its token
