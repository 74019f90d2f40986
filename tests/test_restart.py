"""kill -9 the real server process while a job runs; after a restart exactly one review is posted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests import github_payloads as gp
from tests.conftest import FIXTURES
from tests.e2e_github import NAME, OLD, OWNER, TOKEN, V1, new_fake
from tests.fakes import FileChange, fake_sha


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0")
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--config", str(config), "--port", str(port)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start:\n" + log.read_text())


def wait(pred, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_kill_9_during_a_job_then_restart_posts_exactly_one_review(tmp_path: Path) -> None:
    fake = new_fake()
    with fake.serve_in_thread() as url:
        head = fake_sha("restart")
        fake.add_pull(OWNER, NAME, 7, head, fake_sha("base"), [FileChange.modified("pkg/mod.py", OLD, V1)])
        config = tmp_path / "reviewbot.toml"
        config.write_text(
            f'[store]\ndatabase_url = "sqlite+aiosqlite:///{tmp_path / "rb.db"}"\n'
            f'[scan]\nrules_dir = "{FIXTURES / "rules"}"\n'
            "[queue]\npoll_interval_s = 0.1\nbackoff_base_s = 0.1\n"
            f'[github]\napi_url = "{url}"\nwebhook_secret = "{gp.SECRET}"\ntoken = "{TOKEN}"\n'
            "seconds_between_writes = 0.0\nrequest_timeout_s = 60\n"
        )
        port = free_port()
        log = tmp_path / "server.log"
        server = start_server(config, port, log)
        try:
            # The job will hang fetching the PR files: that is when we kill the server.
            fake.delay_next(1, 30, path="/repos/octo/demo/pulls/7/files")
            body = gp.encode(gp.pull_request("opened", 7, head))
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/webhooks/github",
                data=body,
                headers=gp.headers("pull_request", body),
                method="POST",
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                assert resp.status == 202
            wait(lambda: fake.requests_to("GET", "/repos/octo/demo/pulls/7/files"), 20, "job to fetch files")
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            assert fake.reviews(OWNER, NAME, 7) == []
            fake.clear_faults()

            server = start_server(config, port, log)
            wait(lambda: fake.reviews(OWNER, NAME, 7), 30, "review after restart")
            time.sleep(1.0)  # would a second worker or a duplicate run post again?
            assert len(fake.reviews(OWNER, NAME, 7)) == 1
            assert len(fake.review_comments(OWNER, NAME, 7)) == 2
            assert b"re-queued 1 job(s)" in log.read_bytes()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
