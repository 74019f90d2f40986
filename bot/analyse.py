"""Scan → filter → suggest for one change (the service's analysis step).

Verifying suggestions needs a second Semgrep run on the fixed files, and Semgrep's engine alone
takes ~70 ms to start.  On a small change that start-up is most of the cost, so there the rules
that carry fixes and the rest run as two Semgrep processes side by side: the fixable rules finish
first and their suggestions are verified while the other rules still run.  Findings, fingerprints
(counted per rule) and suggestions are the same as with one run; larger changes use one run,
where parsing every file twice would cost more than it saves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from bot.models import ChangedFile, FilterMode, Finding, ScanResult
from bot.review import filter_findings
from bot.scan import Scanner
from bot.suggest import attach_suggestions

# Changes with at most this many files to scan (not served from the cache) run split.
SPLIT_MAX_FILES = 3


def analyse(
    scanner: Scanner,
    contents: Mapping[str, bytes],
    files: Mapping[str, ChangedFile],
    mode: FilterMode,
) -> tuple[ScanResult, list[Finding]]:
    """(every finding of the scanned files, the findings kept by `mode` with verified suggestions)."""
    fixable = scanner.fixable_rules()
    others = set(scanner.rule_ids) - fixable
    if fixable and others and 0 < scanner.scannable(contents) <= SPLIT_MAX_FILES:
        first = scanner.start(contents, only_rules=fixable)
        rest = scanner.start(contents, only_rules=others)
        try:
            a = first.result()
            kept = filter_findings(a.findings, files, mode)
            attach_suggestions(kept, contents, scanner)  # while `rest` runs
        except BaseException:
            with contextlib.suppress(Exception):
                rest.result()  # reap the other Semgrep and its temp dir
            raise
        b = rest.result()
        return merge(a, b), sorted([*kept, *filter_findings(b.findings, files, mode)], key=_order)
    result = scanner.scan(contents)
    kept = filter_findings(result.findings, files, mode)
    attach_suggestions(kept, contents, scanner)
    return result, kept


def merge(a: ScanResult, b: ScanResult) -> ScanResult:
    """One result from two runs over the same files with disjoint rules."""
    return ScanResult(
        findings=sorted([*a.findings, *b.findings], key=_order),
        files_scanned=max(a.files_scanned, b.files_scanned),
        skipped=a.skipped,
        errors=list(dict.fromkeys([*a.errors, *b.errors])),
        duration_s=max(a.duration_s, b.duration_s),
        cache_hits=min(a.cache_hits, b.cache_hits),
    )


def _order(f: Finding) -> tuple[str, int, int, str]:
    """The order a single run gives (bot.scan._to_findings)."""
    return (f.path, f.start.offset, f.end.offset, f.rule_id)
