"""Helpers shared by the benchmarks: timed subprocess runs with peak RSS (self + children)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
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
