"""Which paths are reviewed: default excludes for vendored and generated code."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

DEFAULT_EXCLUDES: tuple[str, ...] = (
    "vendor/*",
    "*/vendor/*",
    "third_party/*",
    "*/third_party/*",
    "node_modules/*",
    "*/node_modules/*",
    ".git/*",
    "*/.git/*",
    ".tox/*",
    "*/.tox/*",
    ".venv/*",
    "*/.venv/*",
    "*/site-packages/*",
    "*_pb2.py",
    "*_pb2_grpc.py",
    "*_pb2.pyi",
)


def is_excluded(path: str, patterns: Iterable[str] = DEFAULT_EXCLUDES) -> bool:
    """Glob match on the repo-relative POSIX path (`*` also crosses `/`)."""
    return any(fnmatchcase(path, p) for p in patterns)
