"""Constants shared by the light modules (`reviewbot scan` imports them before pydantic)."""

from __future__ import annotations

DEFECT_CLASSES: tuple[str, ...] = (
    "exception-handling",
    "sensitive-logging",
    "network-api-errors",
    "input-validation",
    "thread-safety",
    "hardcoded-info",
)
# Skip reason of files that are not Python: counted, not listed one by one.
NOT_PYTHON = "not a Python file"
EXCLUDED = "excluded by review.exclude_paths"
# Classes whose matched text may itself be a secret: never repeat it verbatim (DESIGN.md §6).
SECRET_CLASSES: frozenset[str] = frozenset({"hardcoded-info", "sensitive-logging"})
PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")
