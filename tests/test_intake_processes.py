"""`server.intake_processes = 2`: sibling processes answer webhooks, the main process reviews.

Real subprocesses: deliveries sent concurrently land in either sibling, every one is stored
once and reviewed once, /metrics on any process counts them all, and kill -9 of the main
process takes the siblings down so a restart finds the port to itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests import github_payloads as gp
from tests.conftest import FIXTURES
from tests.e2e_github import NAME, OLD, OWNER, TOKEN, V1, new_fake
from tests.fakes import FileChange, fake_sha
from tests.test_restart import free_port, start_server, wait


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False)
    return [int(x) for x in out.stdout.split()]


def _thread_niceness(pid: int) -> list[int]:
    """Niceness of each thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            out.append(int((task / "stat").read_text().rsplit(")", 1)[1].split()[16]))
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) is gone for our purposes.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _post(port: int, number: int, head: str, delivery: str) -> int:
    body = gp.encode(gp.pull_request("opened", number, head))
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/github",
        data=body,
        headers=gp.headers("pull_request", body, delivery=delivery),
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return int(resp.status)


def test_sibling_intake_processes_store_everything_once_and_die_with_the_main(tmp_path: Path) -> None:
    fake = new_fake()
    with fake.serve_in_thread() as url:
        for n in range(1, 13):
            fake.add_pull(
                OWNER, NAME, n, fake_sha(f"h{n}"), fake_sha("base"), [FileChange.modified("pkg/mod.py", OLD, V1)]
            )
        config = tmp_path / "reviewbot.toml"
        config.write_text(
            "[server]\nintake_processes = 2\n"
            f'[store]\ndatabase_url = "sqlite+aiosqlite:///{tmp_path / "rb.db"}"\n'
            f'[scan]\nrules_dir = "{FIXTURES / "rules"}"\n'
            "[queue]\npoll_interval_s = 60\nbackoff_base_s = 0.1\n"
            f'[github]\napi_url = "{url}"\nwebhook_secret = "{gp.SECRET}"\ntoken = "{TOKEN}"\n'
            "seconds_between_writes = 0.0\n"
        )
        port = free_port()
        log = tmp_path / "server.log"
        server = start_server(config, port, log)
        try:
            wait(lambda: len(_children(server.pid)) == 2, 20, "two sibling processes")
            siblings = _children(server.pid)
            # 12 deliveries at once, each twice (a redelivery): 12 stored, 12 duplicates answered.
            with ThreadPoolExecutor(24) as pool:
                codes = list(
                    pool.map(
                        lambda i: _post(port, i % 12 + 1, fake_sha(f"h{i % 12 + 1}"), f"d-{i % 12}"),
                        range(24),
                    )
                )
            assert sorted(codes) == [200] * 12 + [202] * 12
            # Jobs enqueued by the siblings start at once (the pipe), long before the 60 s poll.
            wait(lambda: all(fake.reviews(OWNER, NAME, n) for n in range(1, 13)), 30, "12 reviews")
            time.sleep(0.5)
            assert [len(fake.reviews(OWNER, NAME, n)) for n in range(1, 13)] == [1] * 12
            # The main process only reviews and gives way to the siblings: every one of its threads
            # runs at server.worker_nice (default 5), the siblings at the niceness they started with.
            own = os.getpriority(os.PRIO_PROCESS, 0)
            assert set(_thread_niceness(server.pid)) == {min(own + 5, 19)}, _thread_niceness(server.pid)
            assert all(set(_thread_niceness(p)) == {own} for p in siblings)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
                text = resp.read().decode()
            counts = {
                m.group(1): float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("reviewbot_webhooks_total{") and 'platform="github"' in line
                if (m := re.search(r'outcome="(\w+)"', line))
            }
            # Summed over both siblings (each saw only part of the deliveries).
            assert counts == {"accepted": 12.0, "ignored": 12.0}, text
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/runs", timeout=5) as resp:
                assert len(json.load(resp)["runs"]) >= 12

            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            wait(lambda: not any(_alive(p) for p in siblings), 10, "siblings to exit after kill -9 of the main")
            server = start_server(config, port, log)
            assert _post(port, 1, fake_sha("h1"), "d-after-restart") == 202
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


async def test_workers_hold_off_while_siblings_announce_a_burst() -> None:
    """The main process answers no webhooks: a sibling's announcement marks a burst, and the
    workers' `defer` says how long to wait before starting Semgrep."""
    import asyncio

    from bot.web.siblings import QUIET_S, Siblings

    started: list[int] = []
    sib = Siblings([], 0, lambda: started.append(1))
    r, w = os.pipe()
    os.set_blocking(r, False)
    sib._read_fd = r
    try:
        assert sib.busy_for() == 0.0
        os.write(w, b"j")
        sib._drain()
        assert started == [1] and 0 < sib.busy_for() <= QUIET_S
        await asyncio.sleep(QUIET_S * 1.5)
        assert sib.busy_for() == 0.0
    finally:
        os.close(r)
        os.close(w)
