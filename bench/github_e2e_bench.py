"""End-to-end GitHub benchmark against the fake GitHub on loopback (`reviewbot serve` as a real process).

Prints, in one run:
  - webhook → review posted, for pull requests of 1, 10 and 50 changed real files, divided by bare
    `semgrep scan --experimental` on the same files (target ≤ 1.5);
  - webhook answer latency p50/p99 with 200 deliveries sent concurrently (target p99 ≤ 50 ms);
  - server RSS idle and under that load.

    python bench/github_e2e_bench.py [--sizes 1,10,50] [--reps 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from _measure import bare_semgrep, free_port, rss_mb, start_server, stop_server  # noqa: E402
from scan_bench import pick_files  # noqa: E402

from tests import github_payloads as gp  # noqa: E402
from tests.fakes import FakeGitHub, FileChange, fake_sha  # noqa: E402

TOKEN = "ghp_bench_token"


async def intake_buckets(session: aiohttp.ClientSession, base: str) -> dict[float, float]:
    """Cumulative counts of the server's own webhook answer-time histogram."""
    async with session.get(base + "/metrics") as resp:
        text = await resp.text()
    out = {}
    for line in text.splitlines():
        if line.startswith("reviewbot_intake_seconds_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            out[float("inf") if le == "+Inf" else float(le)] = float(line.rsplit(" ", 1)[1])
    return out


def bucket_quantile(before: dict[float, float], after: dict[float, float], q: float) -> float:
    """Upper bound (bucket edge, ms) under which a fraction q of the new observations fell."""
    total = after[float("inf")] - before.get(float("inf"), 0)
    for edge in sorted(after):
        if after[edge] - before.get(edge, 0) >= q * total:
            return edge * 1000
    return float("inf")


def curl_burst(url: str, payloads: list[dict], work: Path) -> list[float] | None:
    """The same burst sent by curl (C, one process, 200 parallel transfers): less client overhead
    than a Python client.  None when curl is not installed."""
    import shutil as _shutil

    if not _shutil.which("curl"):
        return None
    cfg = []
    for i, payload in enumerate(payloads):
        body = gp.encode(payload)
        (work / f"burst{i}.json").write_bytes(body)
        lines = [f'url = "{url}"', 'request = "POST"', f'data-binary = "@{work / f"burst{i}.json"}"']
        lines += [f'header = "{k}: {v}"' for k, v in gp.headers("pull_request", body).items()]
        lines += ['write-out = "%{time_total}\\n"', 'output = "/dev/null"']
        cfg.append("\n".join(lines))
    (work / "burst.cfg").write_text("\nnext\n".join(cfg) + "\n")
    proc = subprocess.run(
        [
            "curl",
            "-s",
            "-Z",
            "--parallel-immediate",
            "--parallel-max",
            str(len(payloads)),
            "-K",
            str(work / "burst.cfg"),
        ],
        capture_output=True,
        check=False,
        timeout=120,
    )
    return sorted(float(x) * 1000 for x in proc.stdout.split())


async def post(session: aiohttp.ClientSession, url: str, payload: dict, event: str = "pull_request") -> float:
    body = gp.encode(payload)
    t0 = time.perf_counter()
    async with session.post(url, data=body, headers=gp.headers(event, body)) as resp:
        await resp.read()
        assert resp.status in (200, 202), resp.status
    return time.perf_counter() - t0


async def main_async(args: argparse.Namespace) -> None:
    fake = FakeGitHub(tokens={TOKEN: "reviewbot"})
    fake.add_repo("bench", "demo")
    work = Path(tempfile.mkdtemp(prefix="gh-bench-"))
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", REVIEWBOT_CACHE_DIR=str(work / "cache"))
    async with fake:
        config = work / "reviewbot.toml"
        config.write_text(
            f'[store]\ndatabase_url = "sqlite+aiosqlite:///{work / "rb.db"}"\n'
            "[review]\nsummary_when_clean = true\n[queue]\npoll_interval_s = 0.2\n"
            f'[github]\napi_url = "{fake.url}"\nwebhook_secret = "{gp.SECRET}"\ntoken = "{TOKEN}"\n'
            "seconds_between_writes = 0.0\n"
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}/webhooks/github"
        server = start_server(config, port, env)
        try:
            await asyncio.sleep(1.0)
            idle = rss_mb(server.pid)
            print(f"{'files':>5} {'lines':>6} | {'webhook→review s':>16} {'bare semgrep s':>14} | {'ratio':>5}")
            number = 0
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                for n in [int(x) for x in args.sizes.split(",")]:
                    files = pick_files(n, seed=11)
                    lines = sum(f.read_bytes().count(b"\n") for f in files)
                    totals, bares = [], []
                    for rep in range(args.reps):
                        number += 1
                        changes = [
                            FileChange.added(f"pkg{rep}/f{i:02d}_{f.name}", f.read_bytes()) for i, f in enumerate(files)
                        ]
                        head = fake_sha(f"bench-{n}-{rep}")
                        fake.add_pull("bench", "demo", number, head, fake_sha(f"base-{n}-{rep}"), changes)
                        t0 = time.perf_counter()
                        await post(session, url, gp.pull_request("opened", number, head, full_name="bench/demo"))
                        while not fake.reviews("bench", "demo", number):
                            await asyncio.sleep(0.01)
                        totals.append(time.perf_counter() - t0)
                        bares.append(await asyncio.to_thread(bare_semgrep, files, env))
                    t, b = statistics.median(totals), statistics.median(bares)
                    print(f"{n:>5} {lines:>6} | {t:>16.3f} {b:>14.3f} | {t / b:>5.2f}")

                # 200 concurrent deliveries (distinct small PRs, all accepted and stored).
                base = 10_000
                for i in range(200):
                    fake.add_pull(
                        "bench",
                        "demo",
                        base + i,
                        fake_sha(f"l{i}"),
                        fake_sha(f"lb{i}"),
                        [FileChange.added("x.py", "print('hello')\n")],
                    )
                payloads = [
                    gp.pull_request("opened", base + i, fake_sha(f"l{i}"), full_name="bench/demo") for i in range(200)
                ]
                base_url = url.rsplit("/webhooks", 1)[0]
                before = await intake_buckets(session, base_url)
                lat = await asyncio.gather(*(post(session, url, p) for p in payloads))
                after = await intake_buckets(session, base_url)
                loaded = rss_mb(server.pid)
                lat_ms = sorted(x * 1000 for x in lat)
                p50 = statistics.median(lat_ms)
                p99 = lat_ms[int(0.99 * (len(lat_ms) - 1))]
                print(
                    f"\nwebhook answer latency, 200 concurrent deliveries: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                    f"max {lat_ms[-1]:.1f} ms (target p99 ≤ 50 ms; a Python client opening 200 connections at once)"
                )
                print(
                    "server-side answer time (its own histogram, bucket bounds): "
                    f"p50 ≤ {bucket_quantile(before, after, 0.5):g} ms, "
                    f"p99 ≤ {bucket_quantile(before, after, 0.99):g} ms"
                )
                for i in range(200):
                    fake.add_pull(
                        "bench",
                        "demo",
                        base + 1000 + i,
                        fake_sha(f"c{i}"),
                        fake_sha(f"cb{i}"),
                        [FileChange.added("x.py", "print('hello')\n")],
                    )
                curl_lat = await asyncio.to_thread(
                    curl_burst,
                    url,
                    [
                        gp.pull_request("opened", base + 1000 + i, fake_sha(f"c{i}"), full_name="bench/demo")
                        for i in range(200)
                    ],
                    work,
                )
                if curl_lat:
                    print(
                        f"same burst sent by curl (-Z, 200 parallel): p50 {statistics.median(curl_lat):.1f} ms, "
                        f"p99 {curl_lat[int(0.99 * (len(curl_lat) - 1))]:.1f} ms, max {curl_lat[-1]:.1f} ms"
                    )
                await asyncio.sleep(3)
                peak = rss_mb(server.pid, "VmHWM")
            print(f"server RSS: idle {idle:.0f} MB, right after the burst {loaded:.0f} MB, peak {peak:.0f} MB")
            print("target: webhook→review ÷ bare semgrep ≤ 1.5")
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
