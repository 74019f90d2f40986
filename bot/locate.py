"""Where the rules and Semgrep's engine are (light: `reviewbot scan` needs them first)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


class ScanError(RuntimeError):
    """Semgrep could not run (missing binary, broken rules, wall-clock limit)."""


def default_rules_dir() -> Path:
    env = os.environ.get("REVIEWBOT_RULES_DIR")
    candidates = [Path(env)] if env else []
    candidates += [Path(__file__).resolve().parent.parent / "semgrep-rules", Path.cwd() / "semgrep-rules"]
    for c in candidates:
        if c.is_dir():
            return c
    raise ScanError("no semgrep-rules directory found: set REVIEWBOT_RULES_DIR or --rules")


def find_semgrep_core() -> str | None:
    """The `semgrep-core` binary shipped in the semgrep package, if present."""
    spec = importlib.util.find_spec("semgrep")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        core = Path(base) / "bin" / "semgrep-core"
        if core.is_file() and os.access(core, os.X_OK):
            return str(core)
    return None


def engine_build(explicit: str | None = None) -> str:
    """Identifies the Semgrep build without starting it: path, size and mtime of the configured
    `semgrep` or of the package's engine binary (both change when Semgrep is upgraded)."""
    exe = explicit or find_semgrep_core()
    if exe is None:
        return "semgrep-unknown"
    try:
        st = os.stat(exe)
    except OSError:
        return f"{exe}:missing"
    return f"{exe}:{st.st_size}:{st.st_mtime_ns}"
