"""Benchmark `reviewbot scan --all-lines` against bare Semgrep on the same real files.

Prints, for 1, 10 and 50 real Python files taken from the pinned corpus (bench/corpus.py):
  - reviewbot wall time ÷ bare `semgrep scan --experimental` (target ≤ 1.25),
  - reviewbot wall time ÷ the default `semgrep scan` CLI,
  - cached rescan ÷ first scan (target ≤ 0.1),
  - peak RSS of reviewbot (with its Semgrep children) and of bare Semgrep.

    python bench/scan_bench.py [--reps 3] [--sizes 1,10,50]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from _measure import median_run, timed

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "semgrep-rules"
BIN = Path(sys.executable).parent


# The benchmarks draw their files from these projects only (the first tune projects), so the
# figures stay comparable while measurement rounds add projects to the corpus.
BENCH_PROJECTS = ("cinder", "oslo.messaging", "requests", "oslo.concurrency", "swift")


def pick_files(n: int, seed: int = 7) -> list[Path]:
    """n real, non-test Python files of 100-1500 lines, chosen reproducibly."""
    corpus.fetch("tune")
    pool: list[Path] = []
    for _half, projects in corpus.CORPUS.items():
        for name, version in projects:
            if name not in BENCH_PROJECTS:
                continue
            for p in corpus.python_files(corpus.project_dir(name, version)):
                if "/tests/" in p.as_posix():
                    continue
                lines = p.read_bytes().count(b"\n")
                if 100 <= lines <= 1500:
                    pool.append(p)
    rng = random.Random(seed)
    return sorted(rng.sample(sorted(pool), n))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sizes", default="1,10,50")
    args = ap.parse_args()
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    semgrep = str(BIN / "semgrep")
    reviewbot = str(BIN / "reviewbot")
    print(
        f"{'files':>5} {'lines':>6} | {'bare exp s':>10} {'default s':>9} {'reviewbot s':>11} "
        f"{'cached s':>8} | {'÷exp':>5} {'÷default':>8} {'cached÷first':>12} | "
        f"{'RSS bot MB':>10} {'RSS exp MB':>10} | findings"
    )
    for n in [int(x) for x in args.sizes.split(",")]:
        files = pick_files(n)
        with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
            work = Path(tmp)
            rels = []
            for i, src in enumerate(files):
                rel = f"f{i:02d}_{src.name}"
                shutil.copyfile(src, work / rel)
                rels.append(rel)
            lines = sum((work / r).read_bytes().count(b"\n") for r in rels)
            common = ["--json", "--metrics=off", "--disable-version-check", "--config", str(RULES)]
            exp, dflt, bot, cached = [], [], [], []
            for rep in range(args.reps):
                exp.append(timed([semgrep, "scan", "--experimental", *common, "--", *rels], work, env))
                dflt.append(timed([semgrep, "scan", *common, "--", *rels], work, env))
                cache_env = dict(env, REVIEWBOT_CACHE_DIR=str(work / f".cache{rep}"))
                # every rule, as bare Semgrep runs them (the default leaves the audit rules out)
                cmd = [reviewbot, "scan", "--all-lines", "--format", "json", "--min-confidence", "LOW", *rels]
                bot.append(timed(cmd, work, cache_env))
                cached.append(timed(cmd, work, cache_env))
            e, d, b, c = (median_run(x) for x in (exp, dflt, bot, cached))
            import json

            found = len(json.loads(b.stdout)["findings"])
            print(
                f"{n:>5} {lines:>6} | {e.seconds:>10.3f} {d.seconds:>9.3f} {b.seconds:>11.3f} {c.seconds:>8.3f} | "
                f"{b.seconds / e.seconds:>5.2f} {b.seconds / d.seconds:>8.2f} {c.seconds / b.seconds:>12.3f} | "
                f"{b.peak_rss_mb:>10.0f} {e.peak_rss_mb:>10.0f} | {found}"
            )
    print("targets: reviewbot ÷ bare --experimental ≤ 1.25; cached ÷ first ≤ 0.1")
    if _editable_finder():
        print(
            "note: reviewbot is installed with setuptools' editable finder, which every start imports "
            "(~9 ms on each cached rescan); install as README says (editable_mode=compat) or non-editable"
        )
    return 0


def _editable_finder() -> bool:
    """True when a .pth file of this interpreter imports setuptools' editable-install finder."""
    import site

    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    return any("_finder" in p.read_text(errors="replace") for d in dirs for p in Path(d).glob("__editable__*.pth"))


if __name__ == "__main__":
    raise SystemExit(main())
