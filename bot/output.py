"""Output formats of `reviewbot scan`: text, JSON (DESIGN.md §10 contract) and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import Any

from bot import __version__
from bot.models import Finding, ScanResult, Severity
from bot.review import shown_text


def char_col(line_text: bytes, byte_col: int) -> int:
    """1-based byte column → 1-based character column."""
    return len(line_text[: max(byte_col - 1, 0)].decode("utf-8", "replace")) + 1


def _columns(f: Finding, content: bytes | None) -> tuple[int, int]:
    if content is None:
        return f.start.col, f.end.col
    ls = content.rfind(b"\n", 0, f.start.offset) + 1
    le = content.rfind(b"\n", 0, f.end.offset) + 1
    return (
        char_col(content[ls : f.start.offset + 1], f.start.offset - ls + 1),
        char_col(content[le : f.end.offset + 1], f.end.offset - le + 1),
    )


def to_json(result: ScanResult, contents: dict[str, bytes]) -> dict[str, Any]:
    out = []
    for f in result.findings:
        col, end_col = _columns(f, contents.get(f.path))
        out.append(
            {
                "rule_id": f.rule_id,
                "defect_class": f.defect_class,
                "severity": f.severity.value,
                "path": f.path,
                "line": f.start.line,
                "end_line": f.end.line,
                "col": col,
                "end_col": end_col,
                "message": f.message,
                "fingerprint": f.fingerprint,
                "suggestion": f.suggestion.model_dump() if f.suggestion else None,
            }
        )
    return {
        "findings": out,
        "stats": {
            "files_scanned": result.files_scanned,
            "findings": len(out),
            "duration_s": result.duration_s,
            "files_skipped": len(result.skipped),
            "cache_hits": result.cache_hits,
        },
        "skipped": [s.model_dump() for s in result.skipped],
        "errors": result.errors,
    }


def to_text(result: ScanResult, contents: dict[str, bytes]) -> str:
    lines = []
    for f in result.findings:
        col, _ = _columns(f, contents.get(f.path))
        lines.append(f"{f.path}:{f.start.line}:{col}: {f.severity.value} {f.rule_id}: {f.message}")
        snippet = shown_text(f).splitlines()
        if snippet:
            lines.append(f"    | {snippet[0].strip()}")
        if f.suggestion:
            lines.append(f"    suggestion (lines {f.suggestion.start_line}-{f.suggestion.end_line}):")
            lines += [f"    + {x}" for x in f.suggestion.replacement.split("\n")]
    for s in result.skipped:
        lines.append(f"skipped {s.path}: {s.reason}")
    for e in result.errors:
        lines.append(f"error {e}")
    lines.append(
        f"{len(result.findings)} finding(s) in {result.files_scanned} file(s) scanned, "
        f"{len(result.skipped)} skipped, {result.duration_s:.2f} s"
    )
    return "\n".join(lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(result: ScanResult, contents: dict[str, bytes]) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in result.findings:
        if f.rule_id not in rules:
            rules[f.rule_id] = {
                "id": f.rule_id,
                "shortDescription": {"text": f.rule_id},
                "help": {"text": f.remediation or f.message},
                "properties": {"defect_class": f.defect_class, "confidence": f.confidence},
                "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity]},
            }
        col, end_col = _columns(f, contents.get(f.path))
        res: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": list(rules).index(f.rule_id),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": f.start.line,
                            "startColumn": col,
                            "endLine": f.end.line,
                            "endColumn": end_col,
                        },
                    }
                }
            ],
            "partialFingerprints": {"reviewbot/v1": f.fingerprint},
        }
        if f.suggestion:
            s = f.suggestion
            res["fixes"] = [
                {
                    "description": {"text": f"Apply the suggested fix for {f.rule_id}"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                            "replacements": [
                                {
                                    "deletedRegion": {"startLine": s.start_line, "endLine": s.end_line},
                                    "insertedContent": {"text": s.replacement + "\n"},
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "reviewbot",
                        "version": __version__,
                        "informationUri": "https://github.com/reviewbot/reviewbot",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": [
                            {"message": {"text": e}, "level": "warning"} for e in result.errors
                        ],
                    }
                ],
            }
        ],
    }


def render(fmt: str, result: ScanResult, contents: dict[str, bytes]) -> str:
    if fmt == "json":
        return json.dumps(to_json(result, contents), indent=2)
    if fmt == "sarif":
        return json.dumps(to_sarif(result, contents), indent=2)
    return to_text(result, contents)
