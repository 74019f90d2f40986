"""Turn Semgrep fixes into line-level suggestions, and keep only those that verify (DESIGN.md §6).

A suggestion is the fix applied to the file, expressed as whole replacement lines.  It is kept
only when the fixed file still parses (`ast.parse`) and a rescan of it no longer reports the
same rule on the replaced lines.  All fixed files of a run are verified in one Semgrep call, and
the fixes of one file that do not overlap are applied together to one copy of it (each checked
where its own text landed), so the rescan reads each file once rather than once per fix.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from bot.models import Finding, Suggestion
from bot.scan import Scanner

VERIFY_DIR = "_reviewbot_verify"


@dataclass
class Candidate:
    finding: Finding
    fixed: bytes
    suggestion: Suggestion

    @property
    def verify_path(self) -> str:
        return _verify_path(self.fixed, self.finding.path)

    @property
    def new_range(self) -> tuple[int, int]:
        """Byte range of the fix's text in the fixed file."""
        s = self.finding.start.offset
        return s, s + len((self.finding.fix or "").encode("utf-8"))


def _verify_path(fixed: bytes, path: str) -> str:
    """Where a fixed copy of `path` is rescanned: distinct copies never share a name."""
    return f"{VERIFY_DIR}/{hashlib.sha256(fixed).hexdigest()[:16]}/{path}"


def _splice(content: bytes, edits: list[tuple[int, int, bytes]]) -> tuple[bytes, list[tuple[int, int]]]:
    """Apply non-overlapping (start, end, replacement) byte edits, in order; returns the new
    content and where each replacement landed in it."""
    parts: list[bytes] = []
    spans: list[tuple[int, int]] = []
    pos = size = 0
    for s, e, text in edits:
        parts += [content[pos:s], text]
        size += s - pos
        spans.append((size, size + len(text)))
        size += len(text)
        pos = e
    parts.append(content[pos:])
    return b"".join(parts), spans


def _line_bounds(content: bytes, start: int, end: int) -> tuple[int, int]:
    """Byte offsets of the start of the line holding `start` and the end (before newline) of `end`'s."""
    ls = content.rfind(b"\n", 0, start) + 1
    le = content.find(b"\n", max(end, start))
    if le == -1:
        le = len(content)
    # A match ending right after a newline ends on the previous line.
    if end > start and content[end - 1 : end] == b"\n":
        le = end - 1
    return ls, le


def candidate(finding: Finding, content: bytes) -> Candidate | None:
    """Apply `finding.fix` to `content`; None if the finding has no usable fix."""
    if finding.fix is None:
        return None
    s, e = finding.start.offset, finding.end.offset
    if not (0 <= s <= e <= len(content)):
        return None
    fix = finding.fix.encode("utf-8")
    if fix == content[s:e]:
        return None
    fixed, _ = _splice(content, [(s, e, fix)])
    ls, le = _line_bounds(content, s, e)
    new_le = le + len(fix) - (e - s)
    replacement = fixed[ls:new_le].decode("utf-8", "replace").replace("\r\n", "\n")
    if b"\r" in content[ls:le]:
        replacement = replacement.replace("\r", "")
    start_line = content.count(b"\n", 0, ls) + 1
    end_line = start_line + content.count(b"\n", ls, le)
    return Candidate(finding, fixed, Suggestion(start_line=start_line, end_line=end_line, replacement=replacement))


def parses(content: bytes, path: str = "<fixed>") -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(content.decode("utf-8"), filename=path)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return False
    return True


def attach_suggestions(findings: list[Finding], contents: Mapping[str, bytes], scanner: Scanner) -> int:
    """Set `finding.suggestion` where the fix verifies.  Returns how many verified.

    Never two suggestions on one line: a later finding whose span overlaps an earlier
    suggestion keeps its comment but loses its suggestion.
    """
    cands: list[Candidate] = []
    for f in findings:
        f.suggestion = None
        content = contents.get(f.path)
        if content is None:
            continue
        c = candidate(f, content)
        if c is not None and parses(c.fixed, f.path):
            cands.append(c)
    if not cands:
        return 0
    fired = {c.finding.rule_id for c in cands}
    checks = _checks(cands, contents)
    rescan = scanner.scan({k.path: k.fixed for k in checks}, only_rules=fired)
    still: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for rf in rescan.findings:
        still.setdefault((rf.path, rf.rule_id), []).append((rf.start.offset, rf.end.offset))
    errored = {e.split(":", 1)[0] for e in rescan.errors}
    taken: dict[str, list[range]] = {}
    verified = 0
    order = {id(c): i for i, c in enumerate(cands)}
    for k in sorted(checks, key=lambda k: order[id(k.cand)]):
        c = k.cand
        if k.path in errored:
            continue
        lo, hi = k.lo, k.hi
        hits = still.get((k.path, c.finding.rule_id), [])
        if any(a < max(hi, lo + 1) and lo < max(b, a + 1) for a, b in hits):
            continue  # the rule still fires where the fix was applied
        span = range(c.suggestion.start_line, c.suggestion.end_line + 1)
        used = taken.setdefault(c.finding.path, [])
        if any(span.start < u.stop and u.start < span.stop for u in used):
            continue
        used.append(span)
        c.finding.suggestion = c.suggestion
        verified += 1
    return verified


@dataclass
class _Check:
    """Where to look for one candidate's rule after the rescan: the verified copy and the byte
    range its fix occupies there."""

    cand: Candidate
    path: str
    fixed: bytes
    lo: int
    hi: int


def _checks(cands: list[Candidate], contents: Mapping[str, bytes]) -> list[_Check]:
    """One verification copy per file holding all of its non-overlapping fixes (if that copy
    parses); overlapping or leftover candidates get a copy of their own."""
    by_path: dict[str, list[Candidate]] = {}
    for c in cands:
        by_path.setdefault(c.finding.path, []).append(c)
    out: list[_Check] = []
    for path, group in by_path.items():
        group = sorted(group, key=lambda c: (c.finding.start.offset, c.finding.end.offset))
        together: list[Candidate] = []
        alone: list[Candidate] = []
        end = -1
        for c in group:
            if c.finding.start.offset > end or (c.finding.start.offset == end and c.finding.end.offset > end):
                together.append(c)
                end = c.finding.end.offset
            else:
                alone.append(c)
        if len(together) > 1:
            edits = [
                (c.finding.start.offset, c.finding.end.offset, (c.finding.fix or "").encode("utf-8")) for c in together
            ]
            fixed, spans = _splice(contents[path], edits)
            if parses(fixed, path):
                vpath = _verify_path(fixed, path)
                out += [_Check(c, vpath, fixed, lo, hi) for c, (lo, hi) in zip(together, spans, strict=True)]
            else:
                alone += together
        else:
            alone += together
        for c in alone:
            lo, hi = c.new_range
            out.append(_Check(c, c.verify_path, c.fixed, lo, hi))
    return out
