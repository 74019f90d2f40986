"""Content-addressed findings cache: (file content, path, ruleset, semgrep version) → raw results.

A recheck or a trivial rebase sends the same bytes again; those files cost no Semgrep run.
Entries are small JSON files written atomically, so concurrent writers cannot corrupt them.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

TYPE_CHECKING = False  # a memo hit (bot/memo.py) should not import typing
if TYPE_CHECKING:
    from typing import Any


def default_cache_dir() -> Path:
    env = os.environ.get("REVIEWBOT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reviewbot"


class FindingsCache:
    def __init__(self, root: Path) -> None:
        self.root = root / "findings"

    @staticmethod
    def key(content: bytes, path: str, ruleset_digest: str, semgrep_version: str) -> str:
        h = hashlib.sha256()
        for part in (ruleset_digest.encode(), semgrep_version.encode(), path.encode("utf-8", "replace")):
            h.update(len(part).to_bytes(4, "big") + part)
        h.update(hashlib.sha256(content).digest())
        return h.hexdigest()

    def _file(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[dict[str, Any]] | None:
        try:
            data = json.loads(self._file(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, list) else None

    def put(self, key: str, results: list[dict[str, Any]]) -> None:
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            import tempfile  # only when writing: a cache hit should not pay for it

            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(results, fh)
            os.replace(tmp, target)
        except OSError:
            # A cache that cannot be written only costs speed.
            return


def prune(cache_dir: Path, max_age_s: float, now: float | None = None) -> int:
    """Delete cache entries (per-file findings under `findings/`, whole-run memos under `runs/`)
    written more than `max_age_s` ago, and leftover temporary files; returns how many went.
    An entry that is still wanted is simply recomputed and written again."""
    import time

    cutoff = (time.time() if now is None else now) - max_age_s
    removed = 0
    for sub in ("findings", "runs"):
        base = cache_dir / sub
        if not base.is_dir():
            continue
        for shard in base.iterdir():
            if not shard.is_dir():
                continue
            for entry in shard.iterdir():
                try:
                    if entry.suffix in (".json", ".tmp") and entry.stat().st_mtime < cutoff:
                        entry.unlink()
                        removed += 1
                except OSError:
                    continue  # removed by a concurrent pruner, or not ours to remove
    return removed
