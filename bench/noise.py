"""Rule noise on real code (DESIGN.md §11): findings per 1k lines per class, and a random sample.

Runs `reviewbot scan --all-lines --format json` over one half of the pinned corpus
(bench/corpus.py; default: the `measure` half, which the rules were not tuned on), prints
findings per 1k lines for each defect class and rule, and writes a stratified random sample
(at least --per-class from each class that fires, --sample in all) with code context to a
Markdown file for hand-judging.

    python bench/noise.py [--half measure] [--sample 40] [--per-class 5] [--seed 2026] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.models import DEFECT_CLASSES as CLASSES

BIN = Path(sys.executable).parent


def scan(paths: list[Path]) -> dict:
    """Every finding of every rule (audit rules included: `--min-confidence LOW`)."""
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0")
    cmd = [str(BIN / "reviewbot"), "scan", "--all-lines", "--format", "json", "--run-timeout", "0"]
    cmd += ["--min-confidence", "LOW", *map(str, paths)]
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False, cwd=paths[0].parent)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    return json.loads(proc.stdout)


def count_lines(root: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in corpus.python_files(root))


def stratified_sample(findings: list[dict], total: int, per_class: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    by_class: dict[str, list[dict]] = {}
    for f in findings:
        by_class.setdefault(f["defect_class"], []).append(f)
    chosen: list[dict] = []
    for cls in sorted(by_class):
        pool = by_class[cls]
        chosen += rng.sample(pool, min(per_class, len(pool)))
    rest = [f for f in findings if f not in chosen]
    chosen += rng.sample(rest, max(0, min(total - len(chosen), len(rest))))
    return sorted(chosen, key=lambda f: (f["defect_class"], f["rule_id"], f["path"], f["line"]))


def context(base: Path, f: dict, around: int = 4) -> str:
    lines = (base / f["path"]).read_text("utf-8", "replace").splitlines()
    lo, hi = max(1, f["line"] - around), min(len(lines), f["end_line"] + around)
    return "\n".join(
        f"{'>' if f['line'] <= n <= f['end_line'] else ' '}{n:5d}  {lines[n - 1]}" for n in range(lo, hi + 1)
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--half", default="measure", choices=list(corpus.CORPUS))
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--per-class", type=int, default=5)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=Path("noise-sample.md"))
    ap.add_argument(
        "--min-confidence",
        type=str.upper,
        choices=["LOW", "MEDIUM", "HIGH"],
        default="MEDIUM",
        help="the rule set measured and sampled (default MEDIUM: what reviewbot posts by default)",
    )
    args = ap.parse_args()
    if not corpus.CORPUS[args.half]:
        raise SystemExit(f"the {args.half} half is empty: add fresh, never-read projects to bench/corpus.py")
    corpus.fetch(args.half)
    roots = [corpus.project_dir(n, v) for n, v in corpus.CORPUS[args.half]]
    out = scan(roots)
    from bot.locate import default_rules_dir
    from bot.scan import Scanner

    measured = Scanner(default_rules_dir()).rules_at_least(args.min_confidence)
    audit = [f for f in out["findings"] if f["rule_id"] not in measured]
    findings = [f for f in out["findings"] if f["rule_id"] in measured]
    lines = {r.name: count_lines(r) for r in roots}
    total_lines = sum(lines.values())
    per_class = Counter(f["defect_class"] for f in findings)
    per_rule = Counter(f["rule_id"] for f in findings)
    per_project = Counter(f["path"].split("/", 1)[0] for f in findings)
    print(
        f"corpus half: {args.half}; {len(roots)} projects, {total_lines} lines, "
        f"{out['stats']['files_scanned']} files scanned, {len(out['skipped'])} skipped, "
        f"{len(out['errors'])} errors, {out['stats']['duration_s']:.1f} s"
    )
    for name, n in lines.items():
        print(f"  {name:30} {n:8d} lines  {per_project.get(name, 0):5d} findings")
    print(f"\n{'class':22} {'findings':>8} {'per 1k lines':>12}")
    for cls in CLASSES:
        print(f"{cls:22} {per_class.get(cls, 0):>8} {1000 * per_class.get(cls, 0) / total_lines:>12.3f}")
    print(f"{'all':22} {len(findings):>8} {1000 * len(findings) / total_lines:>12.3f}")
    if audit:
        audit_class = Counter(f["defect_class"] for f in audit)
        print(f"\nrules below {args.min_confidence} (not run by default): {len(audit)} more findings")
        for cls in CLASSES:
            print(f"{cls:22} {audit_class.get(cls, 0):>8} {1000 * audit_class.get(cls, 0) / total_lines:>12.3f}")
    print(f"\nsuggestions verified: {sum(1 for f in findings if f['suggestion'])}")
    print(f"\n{'rule':60} {'findings':>8}")
    for rule, n in (per_rule + Counter(f["rule_id"] for f in audit)).most_common():
        print(f"{rule:60} {n:>8}{'' if rule in measured else '  (below ' + args.min_confidence + ')'}")
    sample = stratified_sample(findings, args.sample, args.per_class, args.seed)
    base = roots[0].parent
    with args.out.open("w") as fh:
        fh.write(f"# Noise sample ({args.half} half, seed {args.seed}, {len(sample)} findings)\n\n")
        for i, f in enumerate(sample, 1):
            fh.write(f"## {i}. {f['rule_id']} — {f['path']}:{f['line']}\n\n{f['message']}\n\n")
            fh.write("```\n" + context(base, f) + "\n```\n\n")
            if f["suggestion"]:
                fh.write("Suggestion:\n```\n" + f["suggestion"]["replacement"] + "\n```\n\n")
    print(f"\nsample of {len(sample)} written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
