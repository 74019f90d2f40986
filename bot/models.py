"""Pydantic models shared by every stage of the pipeline (DESIGN.md §3)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# Re-exported: the light modules import them from bot.constants, the rest from here.
from bot.constants import DEFECT_CLASSES as DEFECT_CLASSES
from bot.constants import EXCLUDED as EXCLUDED
from bot.constants import NOT_PYTHON as NOT_PYTHON
from bot.constants import SECRET_CLASSES as SECRET_CLASSES


class _Model(BaseModel):
    # Schemas are built on first use, not at import: `reviewbot scan` starts faster.
    model_config = ConfigDict(defer_build=True)


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True)


class Severity(StrEnum):
    ERROR = "ERROR"
    WARNING = "WARNING"
    INFO = "INFO"

    @property
    def rank(self) -> int:
        return {"ERROR": 3, "WARNING": 2, "INFO": 1}[self.value]


class FileStatus(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    RENAMED = "renamed"
    DELETED = "deleted"
    BINARY = "binary"


class FilterMode(StrEnum):
    ADDED = "added"
    DIFF_CONTEXT = "diff_context"
    FILE = "file"


class ChangeRef(_Frozen):
    """One change on a platform; `key` identifies it across pushes."""

    platform: str
    host: str
    project: str
    number: int
    revision: str = ""
    patchset: int | None = None
    # Platform details the adapter needs again later (e.g. the GitHub App installation id).
    meta: dict[str, str] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.host}:{self.project}:{self.number}"


class ChangedFile(_Model):
    """A file touched by a change, as seen on the new side."""

    path: str
    old_path: str | None = None
    status: FileStatus = FileStatus.MODIFIED
    # 1-based new-side line numbers of added lines.
    added: frozenset[int] = frozenset()
    # New-side line spans of each hunk, inclusive (start, end).
    hunks: list[tuple[int, int]] = Field(default_factory=list)
    content: bytes | None = None
    # Why the file is not scanned (binary, too large, unsafe path, ...), if it is not.
    skipped: str | None = None

    def hunk_of(self, line: int) -> tuple[int, int] | None:
        for start, end in self.hunks:
            if start <= line <= end:
                return (start, end)
        return None


class Position(_Frozen):
    line: int
    col: int  # 1-based byte column, as Semgrep reports it
    offset: int  # byte offset into the file


class Suggestion(_Model):
    """Whole replacement lines for start_line..end_line; exists only once verified (§6)."""

    start_line: int
    end_line: int
    replacement: str  # the new lines joined by "\n", no trailing newline; "" deletes the lines


class Finding(_Model):
    rule_id: str
    defect_class: str
    severity: Severity
    confidence: str = "MEDIUM"
    path: str
    start: Position
    end: Position
    message: str
    remediation: str = ""
    matched: str = ""
    fix: str | None = None
    fingerprint: str = ""
    suggestion: Suggestion | None = None

    @property
    def lines(self) -> range:
        return range(self.start.line, self.end.line + 1)


class SkippedFile(_Model):
    path: str
    reason: str


class ScanResult(_Model):
    findings: list[Finding] = Field(default_factory=list)
    files_scanned: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    duration_s: float = 0.0
    cache_hits: int = 0


class ReviewComment(_Model):
    path: str
    start_line: int
    end_line: int
    body: str
    rule_id: str
    fingerprint: str
    severity: Severity = Severity.WARNING
    suggestion: Suggestion | None = None


class Review(_Model):
    comments: list[ReviewComment] = Field(default_factory=list)
    # Findings kept on changed lines but not posted inline (over the cap, or not anchorable).
    overflow: list[Finding] = Field(default_factory=list)
    summary: str = ""
    counts: dict[str, int] = Field(default_factory=dict)
