"""Whole-run memo for `reviewbot scan --all-lines`: an unchanged rescan answers in milliseconds.

The per-file findings cache (cache.py) spares Semgrep for files seen before, but a rescan of an
unchanged tree (an editor on save, a pre-commit hook, CI re-runs) would still pay Python's
imports, verification and rendering.  This memo keys the rendered output of a whole run by
everything it depends on: the arguments, the working directory, every Python file the
arguments name or hold (path and content), the rule files, and the reviewbot and Semgrep
builds.  Any difference is a miss and the run goes the normal way.  Only stdlib imports here:
a hit must not cost more than the interpreter's start.

Run-specific figures are written as sentinels and filled in when the output is shown, so a
replay reports its own duration and that everything came from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from bot.constants import PYTHON_SUFFIXES
from bot.paths import walk_tree

DURATION = 987654.321  # stands for the run's duration in a memoised rendering
HITS = 987654321  # stands for the number of cache hits
_DURATION_TEXT = {"json": f'"duration_s": {DURATION}', "sarif": f'"duration_s": {DURATION}'}
_HITS_TEXT = f'"cache_hits": {HITS}'
# `reviewbot scan` options that take a value: the memo finds the PATH arguments without argparse
# (a hit must not pay for it); tests/test_cli.py keeps this in step with the real parser.
VALUE_OPTIONS = frozenset(
    {
        "--diff",
        "--repo",
        "--filter-mode",
        "--format",
        "--fail-on",
        "--rules",
        "--max-file-bytes",
        "--run-timeout",
        "--min-confidence",
    }
)


def fill(rendered: str, fmt: str, duration_s: float, cache_hits: int) -> str:
    """The output with the sentinels replaced by this run's figures."""
    if fmt == "text":
        head, sep, last = rendered.rpartition("\n")
        return head + sep + last.replace(f"{DURATION:.2f} s", f"{duration_s:.2f} s")
    out = rendered.replace(_DURATION_TEXT[fmt], f'"duration_s": {round(duration_s, 3)}')
    return out.replace(_HITS_TEXT, f'"cache_hits": {cache_hits}')


def key(argv: list[str], rules_dir: Path, versions: str) -> str | None:
    """The memo key of a `scan --all-lines` invocation, or None when it cannot be memoised."""
    if "--all-lines" not in argv or "--no-cache" in argv or "--diff" in argv or "-" in argv:
        return None
    paths, skip = [], False
    for arg in argv[1:]:
        if skip:
            skip = False
        elif arg in VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            paths.append(arg)
    if not paths:
        repo = argv[argv.index("--repo") + 1] if "--repo" in argv[:-1] else "."
        paths = [repo]
    h = hashlib.sha256()

    def part(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "big") + data)

    part(b"reviewbot-scan-memo-1")
    part(versions.encode())
    part(os.getcwd().encode("utf-8", "surrogateescape"))
    for arg in argv:
        part(arg.encode("utf-8", "surrogateescape"))
    for rule in sorted(rules_dir.iterdir()):
        if rule.suffix in (".yaml", ".yml"):
            part(rule.name.encode() + b"\0" + rule.read_bytes())
    try:
        for given in paths:
            top = Path(given)
            files = [top] if top.is_file() else [f for f in walk_tree(top) if f.suffix in PYTHON_SUFFIXES]
            part(f"{given}\0{len(files)}".encode("utf-8", "surrogateescape"))
            for f in files:
                if f.is_symlink():
                    continue
                part(str(f).encode("utf-8", "surrogateescape"))
                part(hashlib.sha256(f.read_bytes()).digest())
    except OSError:
        return None
    return h.hexdigest()


def _file(cache_dir: Path, k: str) -> Path:
    return cache_dir / "runs" / k[:2] / f"{k}.json"


def replay(cache_dir: Path, k: str, t0: float, now: float) -> int | None:
    """Print the memoised output of run `k` and return its exit code; None on a miss."""
    try:
        entry = json.loads(_file(cache_dir, k).read_text("utf-8"))
        rendered, fmt, code, files = entry["out"], entry["format"], int(entry["code"]), int(entry["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    sys.stdout.write(fill(rendered, fmt, now - t0, files) + "\n")
    return code


def store(cache_dir: Path, k: str, rendered: str, fmt: str, code: int, files: int) -> None:
    target = _file(cache_dir, k)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when writing: a cache hit should not pay for it

        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"out": rendered, "format": fmt, "code": code, "files": files}, fh)
        os.replace(tmp, target)
    except OSError:
        return  # a memo that cannot be written only costs speed
