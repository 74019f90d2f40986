"""Unified diff → changed files with new-side added lines and hunk spans (unidiff)."""

from __future__ import annotations

import re

from unidiff import PatchSet  # type: ignore[attr-defined]
from unidiff.errors import UnidiffParseError

from bot.models import ChangedFile, FileStatus
from bot.paths import UnsafePathError, safe_relpath

__all__ = ["DiffError", "UnsafePathError", "parse_diff", "safe_relpath"]


class DiffError(ValueError):
    """The diff text cannot be parsed."""


_OCTAL = re.compile(rb"\\([0-7]{3})")
_ESCAPES = {b"\\n": b"\n", b"\\t": b"\t", b'\\"': b'"', b"\\\\": b"\\"}


def _unquote_git(path: str) -> str:
    """Undo git's C-style quoting of paths with unusual bytes (`"a/sp\\303\\251c.py"`)."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("utf-8", "surrogateescape")
    raw = _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), raw)
    for k, v in _ESCAPES.items():
        raw = raw.replace(k, v)
    return raw.decode("utf-8", "replace")


def _strip_prefix(path: str | None) -> str | None:
    if path is None:
        return None
    path = _unquote_git(path.strip())
    if path == "/dev/null":
        return None
    if path.startswith(("a/", "b/")):
        return path[2:]
    return path


def parse_diff(text: str | bytes) -> list[ChangedFile]:
    """Parse a unified (git or plain) diff.

    Returns one ChangedFile per file with `added` (1-based new-side line numbers of added
    lines) and `hunks` (inclusive new-side spans).  Files whose path is unsafe are kept with
    `skipped` set, so callers can report them; they are never read or written.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    # CRLF diffs: unidiff keeps "\r" in file names; line numbering is unaffected.
    text = text.replace("\r\n", "\n")
    if not text.strip():
        return []
    try:
        patch = PatchSet(text)
    except UnidiffParseError as exc:
        raise DiffError(f"malformed diff: {exc}") from exc
    if not len(patch) and ("@@" in text or text.lstrip().startswith(("diff ", "--- "))):
        raise DiffError("malformed diff: no file could be parsed")
    files: list[ChangedFile] = []
    for pf in patch:
        source = _strip_prefix(pf.source_file)
        target = _strip_prefix(pf.target_file)
        if pf.is_removed_file or target is None:
            status = FileStatus.DELETED
            path = source or _strip_prefix(pf.path) or ""
        elif pf.is_binary_file:
            status = FileStatus.BINARY
            path = target
        elif pf.is_added_file or source is None:
            status = FileStatus.ADDED
            path = target
        elif pf.is_rename or (source != target):
            status = FileStatus.RENAMED
            path = target
        else:
            status = FileStatus.MODIFIED
            path = target
        added: set[int] = set()
        hunks: list[tuple[int, int]] = []
        if status not in (FileStatus.DELETED, FileStatus.BINARY):
            for hunk in pf:
                if hunk.target_length > 0:
                    hunks.append((hunk.target_start, hunk.target_start + hunk.target_length - 1))
                for line in hunk:
                    if line.is_added and line.target_line_no is not None:
                        added.add(line.target_line_no)
        skipped: str | None = None
        try:
            path = safe_relpath(path)
        except UnsafePathError as exc:
            skipped = str(exc)
        old = source if source and source != path else None
        files.append(
            ChangedFile(
                path=path,
                old_path=old,
                status=status,
                added=frozenset(added),
                hunks=hunks,
                skipped=skipped or ("binary file" if status is FileStatus.BINARY else None),
            )
        )
    return files
