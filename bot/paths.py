"""Which paths are reviewed: default excludes for vendored and generated code."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path


class UnsafePathError(ValueError):
    """A path would escape the repository (absolute, `..`, NUL, empty)."""


def safe_relpath(path: str) -> str:
    """Normalise a repo-relative path, refusing anything that could leave the repo."""
    if not path or "\x00" in path:
        raise UnsafePathError(f"invalid path {path!r}")
    p = path.replace("\\", "/")
    if p.startswith("/") or re.match(r"^[A-Za-z]:", p):
        raise UnsafePathError(f"absolute path not allowed: {path!r}")
    parts = [s for s in p.split("/") if s not in ("", ".")]
    if not parts or any(s == ".." for s in parts):
        raise UnsafePathError(f"path escapes the repository: {path!r}")
    return posixpath.join(*parts)


DEFAULT_EXCLUDES: tuple[str, ...] = (
    "vendor/*",
    "*/vendor/*",
    "_vendor/*",
    "*/_vendor/*",
    "vendored/*",
    "*/vendored/*",
    "_vendored/*",
    "*/_vendored/*",
    "third_party/*",
    "*/third_party/*",
    "thirdparty/*",
    "*/thirdparty/*",
    "third-party/*",
    "*/third-party/*",
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
    # Illustrations, not product code: sample credentials, /tmp paths and shortcuts are expected.
    "doc/*",
    "*/doc/*",
    "docs/*",
    "*/docs/*",
    "examples/*",
    "*/examples/*",
    "demos/*",
    "*/demos/*",
    "samples/*",
    "*/samples/*",
    # development-environment set-up scripts (OpenStack's devstack plugins)
    "devstack/*",
    "*/devstack/*",
)


def is_excluded(path: str, patterns: Iterable[str] = DEFAULT_EXCLUDES) -> bool:
    """Glob match on the repo-relative POSIX path (`*` also crosses `/`), ignoring case: `Doc/`,
    `Examples/` and `Vendor/` are the same directories as `doc/`, `examples/` and `vendor/`."""
    low = path.lower()
    return any(fnmatchcase(low, p.lower()) for p in patterns)


def walk_tree(top: Path) -> Iterable[Path]:
    """Files under `top` in a stable order, skipping hidden directories and __pycache__."""
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            yield Path(dirpath) / name
