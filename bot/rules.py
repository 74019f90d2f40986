"""The rule set on disk: list rules with their metadata, run Semgrep's rule tests."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.scan import find_semgrep, rule_files


@dataclass(frozen=True)
class RuleInfo:
    id: str
    defect_class: str
    severity: str
    confidence: str
    has_fix: bool
    bandit: tuple[str, ...]
    remediation: str
    file: str


def load_rules(rules_dir: Path) -> list[RuleInfo]:
    out = []
    for path in rule_files(rules_dir):
        doc: dict[str, Any] = yaml.safe_load(path.read_text("utf-8")) or {}
        for r in doc.get("rules", []):
            meta = r.get("metadata") or {}
            out.append(
                RuleInfo(
                    id=r["id"],
                    defect_class=str(meta.get("defect_class", "")),
                    severity=str(r.get("severity", "")),
                    confidence=str(meta.get("confidence", "")),
                    has_fix="fix" in r or "fix-regex" in r,
                    bandit=tuple(str(b) for b in meta.get("bandit") or ()),
                    remediation=str(meta.get("remediation", "")).strip(),
                    file=path.name,
                )
            )
    return out


def run_rule_tests(rules_dir: Path, semgrep_bin: str | None = None) -> int:
    """`semgrep --test` (the default CLI: the contract check), offline."""
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    cmd = [find_semgrep(semgrep_bin), "--test", "--metrics=off", str(rules_dir)]
    return subprocess.run(cmd, env=env, check=False).returncode
