"""Helpers shared by the benchmarks: timed subprocess runs with peak RSS (self + children)."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: bytes


def timed(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of `cmd` and every process it waited for (wait4 rusage)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(dt, usage.ru_maxrss / 1024, proc.returncode, out)


def median_run(runs: list[Run]) -> Run:
    secs = statistics.median(r.seconds for r in runs)
    return Run(secs, max(r.peak_rss_mb for r in runs), runs[-1].returncode, runs[-1].stdout)


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(config: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`reviewbot serve` as a real process; returns once /healthz answers."""
    proc = subprocess.Popen(
        [str(BIN / "reviewbot"), "serve", "--config", str(config), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def bare_semgrep(files: list[Path], env: dict[str, str]) -> float:
    """Wall time of bare `semgrep scan --experimental` with our rules on copies of `files`."""
    with tempfile.TemporaryDirectory() as tmp:
        rels = []
        for i, f in enumerate(files):
            rel = f"f{i:02d}_{f.name}"
            shutil.copyfile(f, Path(tmp) / rel)
            rels.append(rel)
        cmd = [
            str(BIN / "semgrep"),
            "scan",
            "--experimental",
            "--json",
            "--metrics=off",
            "--disable-version-check",
            "--config",
            str(ROOT / "semgrep-rules"),
            "--",
            *rels,
        ]
        return timed(cmd, Path(tmp), env).seconds


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and kill if it is still finishing queued jobs after 20 s (not what we measure)."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
