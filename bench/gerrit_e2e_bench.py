"""End-to-end Gerrit benchmark: patchset-created event (webhooks plugin) → review posted, against the
fake Gerrit on loopback with `reviewbot serve` as a real process.

Prints, for patch sets of 1, 10 and 50 changed real files, the event-to-review time divided by bare
`semgrep scan --experimental` on the same files (target ≤ 1.5).

    python bench/gerrit_e2e_bench.py [--sizes 1,10,50] [--reps 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from _measure import bare_semgrep, free_port, start_server, stop_server  # noqa: E402
from scan_bench import pick_files  # noqa: E402

from tests.fakes.gerrit import FakeGerrit  # noqa: E402

TOKEN = "bench-hook-token"


async def main_async(args: argparse.Namespace) -> None:
    events: list[dict[str, Any]] = []
    fake = FakeGerrit(username="reviewbot", http_password="secret", event_sink=events.append)
    work = Path(tempfile.mkdtemp(prefix="gerrit-bench-"))
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", REVIEWBOT_CACHE_DIR=str(work / "cache"))
    async with fake:
        config = work / "reviewbot.toml"
        config.write_text(
            f'[store]\ndatabase_url = "sqlite+aiosqlite:///{work / "rb.db"}"\n'
            "[review]\nsummary_when_clean = true\n[queue]\npoll_interval_s = 0.2\n"
            f'[gerrit]\nurl = "{fake.url}"\nusername = "reviewbot"\nhttp_password = "secret"\n'
            f'webhook_token = "{TOKEN}"\n'
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}/webhooks/gerrit"
        server = start_server(config, port, env)
        try:
            print(f"{'files':>5} {'lines':>6} | {'event→review s':>14} {'bare semgrep s':>14} | {'ratio':>5}")
            number = 100
            async with aiohttp.ClientSession() as session:
                for n in [int(x) for x in args.sizes.split(",")]:
                    files = pick_files(n, seed=11)
                    lines = sum(f.read_bytes().count(b"\n") for f in files)
                    totals, bares = [], []
                    for rep in range(args.reps):
                        number += 1
                        tree = {f"pkg{rep}/f{i:02d}_{f.name}": f.read_bytes() for i, f in enumerate(files)}
                        fake.add_change("bench/demo", number, base={"README": b"x\n"})
                        fake.add_patchset("bench/demo", number, files=tree)
                        t0 = time.perf_counter()
                        async with session.post(url, json=events[-1], params={"token": TOKEN}) as resp:
                            assert resp.status == 202, await resp.text()
                        while not fake.reviews("bench/demo", number):
                            await asyncio.sleep(0.01)
                        totals.append(time.perf_counter() - t0)
                        bares.append(await asyncio.to_thread(bare_semgrep, files, env))
                    t, b = statistics.median(totals), statistics.median(bares)
                    print(f"{n:>5} {lines:>6} | {t:>14.3f} {b:>14.3f} | {t / b:>5.2f}")
            print("target: event→review ÷ bare semgrep ≤ 1.5")
        finally:
            stop_server(server)
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,50")
    ap.add_argument("--reps", type=int, default=3)
    asyncio.run(main_async(ap.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
