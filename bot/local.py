"""Local inputs for `reviewbot scan`: whole files/dirs, a diff file or stdin, or `git diff HEAD`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.constants import EXCLUDED, PYTHON_SUFFIXES
from bot.paths import DEFAULT_EXCLUDES, UnsafePathError, is_excluded, safe_relpath, walk_tree

if TYPE_CHECKING:  # `scan --all-lines` starts Semgrep before it imports pydantic
    from bot.models import ChangedFile, SkippedFile

# Files above this are not even read into memory; the scanner's own limit is lower.
_READ_CAP = 64 << 20


class LocalInputError(ValueError):
    """The local input cannot be read (missing repo, bad diff, git failure)."""


@dataclass
class LocalChange:
    files: dict[str, ChangedFile] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)


def read_inside(root: Path, rel: str, max_bytes: int = _READ_CAP) -> bytes | str:
    """Read root/rel, refusing anything that resolves outside root.  Returns bytes or a reason."""
    try:
        rel = safe_relpath(rel)
    except UnsafePathError as exc:
        return str(exc)
    base = root.resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(base):
        return "path resolves outside the repository"
    if not target.is_file():
        return "not found in the repository"
    size = target.stat().st_size
    if size > max_bytes:
        return f"too large: {size} bytes"
    return target.read_bytes()


def from_diff(diff_text: str | bytes, repo: Path, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> LocalChange:
    from bot.diff import parse_diff  # unidiff is only needed for diffs
    from bot.models import FileStatus, SkippedFile

    change = LocalChange()
    excludes = tuple(excludes)
    for cf in parse_diff(diff_text):
        if cf.status is FileStatus.DELETED:
            continue
        if cf.skipped:
            change.skipped.append(SkippedFile(path=cf.path, reason=cf.skipped))
            continue
        if is_excluded(cf.path, excludes):
            change.skipped.append(SkippedFile(path=cf.path, reason=EXCLUDED))
            continue
        data = read_inside(repo, cf.path)
        if isinstance(data, str):
            change.skipped.append(SkippedFile(path=cf.path, reason=data))
            continue
        change.files[cf.path] = cf
        change.contents[cf.path] = data
    return change


def git_diff_head(repo: Path) -> bytes:
    import subprocess  # not at the top: `scan --all-lines` answers from its memo before it

    try:
        proc = subprocess.run(
            ["git", "-C", str(repo), "diff", "--no-color", "--no-ext-diff", "HEAD"],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LocalInputError(f"cannot run git diff in {repo}: {exc}") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise LocalInputError(f"git diff HEAD failed in {repo}: {msg}")
    return proc.stdout


@dataclass
class WholeFiles:
    """Files for `--all-lines`, read without building models (see to_change)."""

    contents: dict[str, bytes] = field(default_factory=dict)
    too_large: list[tuple[str, str]] = field(default_factory=list)

    def to_change(self) -> LocalChange:
        """Every line of every file counts as changed."""
        from bot.models import ChangedFile, FileStatus, SkippedFile

        change = LocalChange(contents=self.contents)
        change.skipped = [SkippedFile(path=p, reason=r) for p, r in self.too_large]
        for rel, data in self.contents.items():
            n = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
            change.files[rel] = ChangedFile(
                path=rel, status=FileStatus.ADDED, added=frozenset(range(1, n + 1)), hunks=[(1, max(n, 1))]
            )
        return change


def whole_files(paths: Iterable[Path], repo: Path, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> LocalChange:
    """Every line of every file under `paths` counts as changed (`--all-lines`)."""
    return read_whole_files(paths, repo, excludes).to_change()


def read_whole_files(paths: Iterable[Path], repo: Path, excludes: Iterable[str] = DEFAULT_EXCLUDES) -> WholeFiles:
    out = WholeFiles()
    excludes = tuple(excludes)
    repo_r = repo.resolve()
    for given in paths:
        if not given.exists():
            raise LocalInputError(f"no such file or directory: {given}")
        g = given.resolve()
        base = repo_r if g.is_relative_to(repo_r) else g.parent
        targets = [g] if g.is_file() else list(walk_tree(g))
        for t in targets:
            if t.is_symlink() or not t.is_file():
                continue
            rel = t.relative_to(base).as_posix()
            # Excludes apply below what was named: `scan --all-lines examples/` scans examples/,
            # `scan --all-lines .` skips it.  A file named explicitly is always scanned.
            if t != g and is_excluded(t.relative_to(g).as_posix(), excludes):
                continue
            if t != g and t.suffix not in PYTHON_SUFFIXES:
                continue  # walking a tree: only Python files; a file named explicitly is always tried
            size = t.stat().st_size
            if size > _READ_CAP:
                out.too_large.append((rel, f"too large: {size} bytes"))
                continue
            out.contents[rel] = t.read_bytes()
    return out
