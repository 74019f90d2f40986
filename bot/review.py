"""Findings → Review: changed-line filter, anchoring, dedupe, cap, comment bodies, summary (§6)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from bot.models import (
    DEFECT_CLASSES,
    EXCLUDED,
    NOT_PYTHON,
    SECRET_CLASSES,
    ChangedFile,
    FilterMode,
    Finding,
    Review,
    ReviewComment,
    SkippedFile,
)

DEFAULT_MAX_COMMENTS = 25
# Summary lists are capped: review bodies have size limits (GitHub: 65,536 characters).
LISTED = 50


def mask_secret(text: str, keep: int = 4) -> str:
    """A few leading characters and an ellipsis: enough to find it, not enough to use it."""
    text = " ".join(text.split())
    return text if len(text) <= keep else text[:keep] + "…"


def shown_text(f: Finding) -> str:
    """Matched text safe to store or show: masked for classes whose text may be a secret."""
    return mask_secret(f.matched) if f.defect_class in SECRET_CLASSES else f.matched


def on_changed_lines(f: Finding, cf: ChangedFile, mode: FilterMode) -> bool:
    if mode is FilterMode.FILE:
        return True
    if mode is FilterMode.DIFF_CONTEXT:
        return any(cf.hunk_of(line) for line in f.lines)
    return any(line in cf.added for line in f.lines)


def filter_findings(
    findings: Iterable[Finding], files: Mapping[str, ChangedFile], mode: FilterMode = FilterMode.ADDED
) -> list[Finding]:
    """Keep findings in changed files that touch changed lines (per `mode`)."""
    out = []
    for f in findings:
        cf = files.get(f.path)
        if cf is not None and on_changed_lines(f, cf, mode):
            out.append(f)
    return out


def anchor(f: Finding, cf: ChangedFile) -> tuple[int, int] | None:
    """Comment span inside one hunk: the part of the finding in the hunk holding its first
    added line (else its first hunk line).  None if no line of the finding is in the diff."""
    lines = list(f.lines)
    first = next((ln for ln in lines if ln in cf.added), None)
    if first is None:
        first = next((ln for ln in lines if cf.hunk_of(ln)), None)
    if first is None:
        return None
    hunk = cf.hunk_of(first)
    if hunk is None:
        return None
    return max(f.start.line, hunk[0]), min(f.end.line, hunk[1])


def comment_body(f: Finding, *, with_suggestion: bool = True) -> str:
    parts = [f"**{f.rule_id}** ({f.severity.value.lower()}, {f.defect_class})", "", f.message]
    if f.suggestion is not None and with_suggestion:
        fence = "```"
        while fence in f.suggestion.replacement:
            fence += "`"
        parts += ["", "Suggested fix:", "", f"{fence}suggestion", f.suggestion.replacement, fence]
    elif f.remediation:
        parts += ["", f"How to fix: {f.remediation}"]
    parts += [
        "",
        f"<sub>Silence with `# nosemgrep: {f.rule_id}` on the line above if this is intended. "
        "Not useful? Reply `/reviewbot not-useful <reason>`.</sub>",
    ]
    return "\n".join(parts)


def _priority(f: Finding) -> tuple[int, int, str, int]:
    conf = {"HIGH": 3, "MEDIUM": 2, "LOW": 1}.get(f.confidence.upper(), 0)
    return (-f.severity.rank, -conf, f.path, f.start.line)


def build_review(
    findings: Iterable[Finding],
    files: Mapping[str, ChangedFile],
    *,
    mode: FilterMode = FilterMode.ADDED,
    max_comments: int = DEFAULT_MAX_COMMENTS,
    posted_fingerprints: Iterable[str] = (),
    skipped: Iterable[SkippedFile] = (),
) -> Review:
    """Build one review from the findings of a change.

    Findings already commented (same fingerprint) are not repeated.  Findings that cannot be
    anchored on a hunk, and those over `max_comments`, are listed in the summary only.
    """
    posted = set(posted_fingerprints)
    kept = filter_findings(findings, files, mode)
    review = Review()
    review.counts = dict(Counter(f.defect_class for f in kept))
    fresh = sorted((f for f in kept if f.fingerprint not in posted), key=_priority)
    for f in fresh:
        span = anchor(f, files[f.path])
        if span is None or len(review.comments) >= max_comments:
            review.overflow.append(f)
            continue
        sugg = f.suggestion
        if sugg is not None and (sugg.start_line, sugg.end_line) != span:
            sugg = None  # a suggestion must replace exactly the commented lines
        g = f.model_copy(update={"suggestion": sugg})
        review.comments.append(
            ReviewComment(
                path=f.path,
                start_line=span[0],
                end_line=span[1],
                body=comment_body(g),
                rule_id=f.rule_id,
                fingerprint=f.fingerprint,
                severity=f.severity,
                suggestion=sugg,
            )
        )
    review.summary = summary(kept, review, len(kept) - len(fresh), list(skipped))
    return review


def summary(kept: list[Finding], review: Review, repeated: int, skipped: list[SkippedFile]) -> str:
    if not kept and not skipped:
        return "reviewbot found no issues on the changed lines."
    lines = [f"reviewbot found {len(kept)} issue(s) on the changed lines."]
    if kept:
        lines += ["", "| defect class | findings |", "|---|---|"]
        lines += [f"| {c} | {review.counts[c]} |" for c in DEFECT_CLASSES if review.counts.get(c)]
    if repeated:
        lines += ["", f"{repeated} finding(s) were already commented on earlier and are not repeated."]
    if review.overflow:
        lines += ["", f"{len(review.overflow)} more finding(s) not posted inline:"]
        lines += [f"- `{f.path}` line {f.start.line}: **{f.rule_id}** {f.message}" for f in review.overflow[:LISTED]]
        if len(review.overflow) > LISTED:
            lines.append(f"- … and {len(review.overflow) - LISTED} more")
    # Files skipped by design are counted; files we could not review are named.
    counted = Counter(s.reason for s in skipped if s.reason in (NOT_PYTHON, EXCLUDED))
    other = [s for s in skipped if s.reason not in counted]
    if other:
        lines += ["", f"{len(other)} file(s) not reviewed:"]
        lines += [f"- `{s.path}`: {s.reason}" for s in other[:LISTED]]
        if len(other) > LISTED:
            lines.append(f"- … and {len(other) - LISTED} more")
    if counted.get(NOT_PYTHON):
        lines += ["", f"{counted[NOT_PYTHON]} non-Python file(s) were not scanned."]
    if counted.get(EXCLUDED):
        lines += ["", f"{counted[EXCLUDED]} file(s) {EXCLUDED} (vendored, generated or documentation code)."]
    return "\n".join(lines)
