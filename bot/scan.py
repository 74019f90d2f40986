"""Run Semgrep over file contents and turn its JSON into Findings (DESIGN.md §5).

Contents are written under a private temp dir with sanitised relative names and scanned
with `semgrep scan --experimental` from that dir.  Results are cached per file by
(content, path, ruleset digest, semgrep version).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cache import FindingsCache
from bot.constants import DEFECT_CLASSES, NOT_PYTHON, PYTHON_SUFFIXES
from bot.locate import ScanError as ScanError  # re-exported
from bot.locate import default_rules_dir as default_rules_dir  # re-exported
from bot.locate import engine_build, find_semgrep_core

if TYPE_CHECKING:  # pydantic models are imported only once Semgrep is running (start-up time)
    from bot.models import Finding, ScanResult
_SHEBANG = re.compile(rb"^#![^\n]*\bpython[0-9.]*\b")
# Semgrep files per call; keeps the command line far below ARG_MAX.
_CHUNK = 2000


@dataclass(frozen=True)
class ScanLimits:
    max_file_bytes: int = 1 << 20
    timeout_per_file_s: int = 10
    max_memory_mb: int = 2000
    run_timeout_s: float = 120.0
    jobs: int | None = None
    nice: int = 0  # niceness added to Semgrep's processes


@dataclass
class _Raw:
    """Semgrep's answer for one file (results without `path`) and its errors."""

    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def find_semgrep(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    local = Path(sys.executable).parent / "semgrep"
    if local.exists():
        return str(local)
    found = shutil.which("semgrep")
    if not found:
        raise ScanError("semgrep not found: install it or set scan.semgrep_bin")
    return found


def rule_files(rules_dir: Path) -> list[Path]:
    return sorted(p for p in rules_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


_RULE_ID = re.compile(r"^\s*-\s+id:\s*['\"]?([\w.-]+)", re.M)
_RULE_START = re.compile(r"^([ \t]*)-[ \t]+id:[ \t]*['\"]?([\w.-]+)['\"]?[ \t]*$", re.M)
_CONFIDENCE = re.compile(r"^[ \t]+confidence:[ \t]*['\"]?(HIGH|MEDIUM|LOW)\b", re.M)
CONFIDENCE_LEVELS = ("LOW", "MEDIUM", "HIGH")


def rule_ids(rules_dir: Path) -> list[str]:
    """Rule ids declared in the rule files (our rules put `- id:` first in each rule)."""
    ids: list[str] = []
    for p in rule_files(rules_dir):
        ids += _RULE_ID.findall(p.read_text("utf-8"))
    return ids


def rule_path_filters(rules_dir: Path) -> dict[str, tuple[list[str], list[str]]]:
    """rule id → (paths.include, paths.exclude).  `semgrep --experimental` ignores directory
    excludes for files named on the command line, so we apply them ourselves."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for p in rule_files(rules_dir):
        text = p.read_text("utf-8")
        if "paths:" not in text:
            continue
        for rule in (yaml.load(text, Loader=loader) or {}).get("rules", []):
            _add_paths(out, str(rule["id"]), rule.get("paths"))
    return out


def _add_paths(out: dict[str, tuple[list[str], list[str]]], rid: str, paths: Any) -> None:
    """Record a rule's `paths:` (include, exclude) when it has either."""
    paths = paths or {}
    inc, exc = list(paths.get("include") or []), list(paths.get("exclude") or [])
    if inc or exc:
        out[rid] = (inc, exc)


def block_path_filters(blocks: Mapping[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """rule_path_filters() from the rules' text blocks (rule id → its YAML, from its `- id:` line):
    each rule's top-level `paths:` mapping is cut out and parsed on its own."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for rid, text in blocks.items():
        start = _RULE_START.match(text)
        if start is None or "paths:" not in text:
            continue
        ind = " " * (len(start.group(1).expandtabs()) + 2)
        m = re.search(rf"(?m)^{ind}paths:[ \t]*\n((?:{ind}[ \t]+[^\n]*\n|[ \t]*\n)*)", text)
        if m is None:
            continue
        _add_paths(out, rid, (yaml.load("paths:\n" + m.group(1), Loader=loader) or {}).get("paths"))
    return out


def path_matches(path: str, pattern: str) -> bool:
    """gitignore-style match as Semgrep's `paths:` uses it: unanchored patterns match at any depth,
    a trailing `/` (or `/**`) names a directory.  Case is ignored (`Tests/`, `Doc/`)."""
    path = path.lower()
    pattern = pattern.lower()
    pat = pattern.strip()
    anchored = pat.startswith("/")
    pat = pat.lstrip("/")
    while pat.startswith("**/"):
        pat, anchored = pat[3:], False
    dir_only = pat.endswith("/") or pat.endswith("/**")
    pat = pat.removesuffix("/**").rstrip("/")
    if not pat:
        return False
    if "/" in pat and not pattern.strip().startswith("**/"):
        anchored = True
    parts = path.split("/")
    starts = [0] if anchored else range(len(parts))
    for i in starts:
        if dir_only:
            if any(fnmatchcase("/".join(parts[i:j]), pat) for j in range(i + 1, len(parts))):
                return True
        elif fnmatchcase("/".join(parts[i:]), pat) or any(
            fnmatchcase("/".join(parts[i:j]), pat) for j in range(i + 1, len(parts))
        ):
            return True
    return False


def path_allowed(path: str, filters: tuple[list[str], list[str]] | None) -> bool:
    if filters is None:
        return True
    inc, exc = filters
    if inc and not any(path_matches(path, p) for p in inc):
        return False
    return not any(path_matches(path, p) for p in exc)


def ruleset_digest(rules_dir: Path) -> str:
    h = hashlib.sha256()
    for p in rule_files(rules_dir):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def is_python(path: str, content: bytes) -> bool:
    return path.endswith(PYTHON_SUFFIXES) or ("." not in path.rsplit("/", 1)[-1] and bool(_SHEBANG.match(content)))


def skip_reason(path: str, content: bytes, limits: ScanLimits) -> str | None:
    """Why a file is not scanned, or None to scan it."""
    if not is_python(path, content):
        return NOT_PYTHON
    if len(content) > limits.max_file_bytes:
        return f"too large: {len(content)} bytes over the {limits.max_file_bytes}-byte limit"
    if b"\0" in content[:8192]:
        return "binary content"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte {exc.start})"
    return None


def normalise_rule_id(check_id: str, defect_class: str | None) -> str:
    """Strip the config-path prefix Semgrep puts before our `<class>.<name>` ids."""
    classes = [defect_class] if defect_class else list(DEFECT_CLASSES)
    best = -1
    for cls in classes:
        i = check_id.rfind(f"{cls}.")
        if i > best and (i == 0 or check_id[i - 1] == "."):
            best = i
    return check_id[best:] if best >= 0 else check_id


def _mask_path(msg: str, tmp: str) -> str:
    return msg.replace(tmp + os.sep, "").replace(tmp, "<tmp>")


class Scanner:
    def __init__(
        self,
        rules_dir: Path | None = None,
        *,
        cache: FindingsCache | None = None,
        limits: ScanLimits | None = None,
        semgrep_bin: str | None = None,
        min_confidence: str = "LOW",
    ) -> None:
        self.rules_dir = (rules_dir or default_rules_dir()).resolve()
        if not rule_files(self.rules_dir):
            raise ScanError(f"no rule files (*.yaml) in {self.rules_dir}")
        level = min_confidence.upper()
        if level not in CONFIDENCE_LEVELS:
            raise ScanError(f"min_confidence must be one of {', '.join(CONFIDENCE_LEVELS)}, not {min_confidence!r}")
        self.min_confidence = level
        self.cache = cache
        self.limits = limits or ScanLimits()
        self.semgrep_bin = semgrep_bin
        self.digest = ruleset_digest(self.rules_dir)
        # Results depend on Semgrep and on our own post-processing: both key the cache.
        from bot import __version__

        self.version = f"{engine_build(semgrep_bin)}+reviewbot-{__version__}"
        self.all_rule_ids = rule_ids(self.rules_dir)
        self.rule_ids = self.all_rule_ids  # the rules this scanner runs
        self._path_filters: dict[str, tuple[list[str], list[str]]] | None = None
        self._blocks: dict[str, str] | None = None
        self._fixable: set[str] | None = None
        # Below LOW, rules whose confidence is under the threshold are left out of every run
        # (`audit` rules: measured too noisy to post by default, docs/rule-quality.md).
        self._active: set[str] | None = None
        if level != "LOW":
            self._active = self.rules_at_least(level)
            self.rule_ids = [r for r in self.rule_ids if r in self._active]
            self.digest = hashlib.sha256(f"{self.digest}|min-confidence={level}".encode()).hexdigest()[:16]

    @property
    def path_filters(self) -> dict[str, tuple[list[str], list[str]]]:
        if self._path_filters is None:
            blocks = self._rule_blocks()
            if set(self.all_rule_ids) <= blocks.keys():
                # only each rule's own `paths:` is parsed: loading the whole rule files costs
                # ~0.25 s, all of it after Semgrep has finished
                self._path_filters = block_path_filters(blocks)
            else:
                self._path_filters = rule_path_filters(self.rules_dir)
        return self._path_filters

    # -- public -------------------------------------------------------------------------
    def scan(self, files: Mapping[str, bytes], only_rules: Iterable[str] | None = None) -> ScanResult:
        """Scan `files` (safe relative path → content).  Never raises for a bad file.

        `only_rules` limits the run to those rule ids (used to verify fixes cheaply).
        """
        return self.start(files, only_rules).result()

    def start(self, files: Mapping[str, bytes], only_rules: Iterable[str] | None = None) -> PendingScan:
        """Look the files up in the cache and start Semgrep on the rest; `result()` collects.
        Light on purpose: the caller can import and prepare the rest while Semgrep runs."""
        excluded: list[str] = []
        subset: str | None = None
        digest = self.digest
        if only_rules is not None or self._active is not None:
            wanted = set(self.rule_ids if only_rules is None else only_rules)
            if self._active is not None:
                wanted &= self._active
            # Only those rules' YAML goes to Semgrep: parsing the whole rule set costs more than
            # a small verification scan itself.  `--exclude-rule` is the fallback.
            subset = self.subset_rules(wanted)
            if subset is None:
                excluded = [r for r in self.all_rule_ids if r not in wanted]
            if only_rules is not None:
                digest = hashlib.sha256((self.digest + "|" + ",".join(sorted(wanted))).encode()).hexdigest()[:16]
        pending = PendingScan(self, files)
        for path, content in files.items():
            reason = skip_reason(path, content, self.limits)
            if reason:
                pending.skipped.append((path, reason))
                continue
            if self.cache is not None:
                key = FindingsCache.key(content, path, digest, self.version)
                pending.keys[path] = key
                cached = self.cache.get(key)
                if cached is not None:
                    pending.raw[path] = _Raw(results=cached)
                    pending.cache_hits += 1
                    continue
            pending.todo[path] = content
        if pending.todo:
            pending.run = _SemgrepRun(self, pending.todo, excluded, subset)
        return pending

    def fixable_rules(self) -> set[str]:
        """Ids of the rules that carry a fix (`fix:` / `fix-regex:`)."""
        if self._fixable is None:
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            self._fixable = set()
            for rid, text in self._rule_blocks().items():
                rules = (yaml.load("rules:\n" + text, Loader=loader) or {}).get("rules") or []
                if any("fix" in r or "fix-regex" in r for r in rules):
                    self._fixable.add(rid)
            if self._active is not None:
                self._fixable &= self._active
        return self._fixable

    def rules_at_least(self, level: str) -> set[str]:
        """Ids of the rules whose `metadata.confidence` is `level` or higher (no confidence: MEDIUM)."""
        floor = CONFIDENCE_LEVELS.index(level.upper())
        out: set[str] = set()
        for rid, text in self._rule_blocks().items():
            m = _CONFIDENCE.search(text)
            if CONFIDENCE_LEVELS.index(m.group(1) if m else "MEDIUM") >= floor:
                out.add(rid)
        return out

    def scannable(self, files: Mapping[str, bytes]) -> int:
        """How many of `files` Semgrep would be given (the rest are skipped by the limits)."""
        return sum(1 for path, content in files.items() if not skip_reason(path, content, self.limits))

    def _rule_blocks(self) -> dict[str, str]:
        """Rule id → its YAML text: the block from its `- id:` line to the next."""
        if self._blocks is None:
            self._blocks = {}
            for p in rule_files(self.rules_dir):
                text = p.read_text("utf-8")
                starts = list(_RULE_START.finditer(text))
                if len({m.group(1) for m in starts}) != 1:
                    continue
                for m, nxt in zip(starts, [*starts[1:], None], strict=True):
                    self._blocks[m.group(2)] = text[m.start() : nxt.start() if nxt else len(text)]
        return self._blocks

    def subset_rules(self, wanted: set[str]) -> str | None:
        """A rule file holding only the `wanted` rules, cut from the rule files' text; None when
        one cannot be found."""
        blocks = self._rule_blocks()
        if not wanted or not wanted <= blocks.keys():
            return None
        return "rules:\n" + "".join(blocks[r].rstrip("\n") + "\n" for r in sorted(wanted))

    def _allowed(self, path: str, res: dict[str, Any]) -> bool:
        filters = self.path_filters
        if not filters:
            return True
        meta = (res.get("extra") or {}).get("metadata") or {}
        rid = normalise_rule_id(str(res.get("check_id", "")), meta.get("defect_class"))
        return path_allowed(path, filters.get(rid))

    # -- semgrep ------------------------------------------------------------------------
    def command(
        self, targets: Iterable[str], exclude_rules: Iterable[str] = (), config: str | None = None
    ) -> list[str]:
        cmd = [
            find_semgrep(self.semgrep_bin),
            "scan",
            "--experimental",
            "--json",
            "--metrics=off",
            "--disable-version-check",
            "--no-git-ignore",
            "--timeout",
            str(self.limits.timeout_per_file_s),
            "--max-memory",
            str(self.limits.max_memory_mb),
            "--config",
            config or str(self.rules_dir),
        ]
        if self.limits.jobs:
            cmd += ["--jobs", str(self.limits.jobs)]
        for rule in exclude_rules:
            cmd += ["--exclude-rule", rule]
        return [*cmd, "--", *targets]

    def executable(self) -> str | None:
        """Semgrep's engine binary, run directly as `osemgrep` (what `semgrep --experimental`
        execs after starting Python: ~30 ms saved per run); None to go through `semgrep`."""
        if self.semgrep_bin:
            return None
        return find_semgrep_core()


class PendingScan:
    """A scan started by Scanner.start(): cache hits are in, Semgrep runs on the rest."""

    def __init__(self, scanner: Scanner, files: Mapping[str, bytes]) -> None:
        self.scanner = scanner
        self.files = files
        self.t0 = time.monotonic()
        self.skipped: list[tuple[str, str]] = []
        self.keys: dict[str, str] = {}
        self.raw: dict[str, _Raw] = {}
        self.todo: dict[str, bytes] = {}
        self.cache_hits = 0
        self.run: _SemgrepRun | None = None

    def result(self) -> ScanResult:
        from bot.models import ScanResult, SkippedFile

        scanner = self.scanner
        if self.run is not None:
            fresh = self.run.collect()
            for path, r in fresh.items():
                self.raw[path] = r
                if scanner.cache is not None and not r.errors:
                    scanner.cache.put(self.keys[path], r.results)
        result = ScanResult(cache_hits=self.cache_hits)
        result.skipped = [SkippedFile(path=p, reason=r) for p, r in self.skipped]
        for path in sorted(self.raw):
            r = self.raw[path]
            result.errors.extend(f"{path}: {e}" for e in r.errors)
            kept = [x for x in r.results if scanner._allowed(path, x)]
            result.findings.extend(_to_findings(path, self.files[path], kept))
        result.files_scanned = len(self.raw)
        assign_fingerprints(result.findings)
        result.duration_s = round(time.monotonic() - self.t0, 3)
        return result


class _SemgrepRun:
    """Semgrep over `files` in a private temp dir, in chunks; the first chunk starts at once."""

    def __init__(
        self, scanner: Scanner, files: Mapping[str, bytes], exclude_rules: list[str], rules_text: str | None = None
    ) -> None:
        self.scanner = scanner
        self.files = files
        self.exclude_rules = exclude_rules
        self.config: str | None = None
        self.out: dict[str, _Raw] = {p: _Raw() for p in files}
        self.deadline = time.monotonic() + scanner.limits.run_timeout_s
        self.env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off", NO_COLOR="1")
        self.tmp = tempfile.TemporaryDirectory(prefix="reviewbot-scan-")
        root = Path(self.tmp.name)
        # Semgrep picks the language by extension: scripts found by their shebang get one.
        self.names = {path: path if path.endswith((".py", ".pyi")) else path + ".py" for path in files}
        self.back = {name: path for path, name in self.names.items()}
        for path, content in files.items():
            target = root / self.names[path]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if rules_text is not None:
            # not a target: targets are named on the command line, and all end in .py/.pyi
            self.config = str(root / ".reviewbot-rules.yaml")
            Path(self.config).write_text(rules_text, "utf-8")
        paths = sorted(self.names.values())
        self.chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
        try:
            self.proc = self._launch(self.chunks[0])
        except BaseException:
            self.tmp.cleanup()
            raise

    def _launch(self, chunk: list[str]) -> subprocess.Popen[bytes]:
        limits = self.scanner.limits
        if self.deadline - time.monotonic() <= 0:
            raise ScanError(f"scan exceeded the {limits.run_timeout_s:g} s wall-clock limit")
        cmd = self.scanner.command(chunk, self.exclude_rules, self.config)
        exe = self.scanner.executable()
        if exe is not None:
            cmd = ["osemgrep", *cmd[1:]]
        try:
            proc = subprocess.Popen(
                cmd, executable=exe, cwd=self.tmp.name, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as exc:
            raise ScanError(f"cannot run semgrep: {exc}") from exc
        if limits.nice:
            # Set before Semgrep forks its workers (they inherit it); lowering priority needs no rights.
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, proc.pid, os.getpriority(os.PRIO_PROCESS, 0) + limits.nice)
        return proc

    def collect(self) -> dict[str, _Raw]:
        try:
            for n, chunk in enumerate(self.chunks):
                proc = self.proc if n == 0 else self._launch(chunk)
                self._finish(proc, chunk)
        finally:
            self.tmp.cleanup()
        return self.out

    def _finish(self, proc: subprocess.Popen[bytes], chunk: list[str]) -> None:
        limits, files, back, out = self.scanner.limits, self.files, self.back, self.out
        # Semgrep's parser recovers from syntax errors silently: check with Python's own parser
        # while Semgrep runs (another core), so the summary can say so.
        for q in chunk:
            err = syntax_error(files[back[q]])
            if err:
                out[back[q]].errors.append(err)
        try:
            left = None if self.deadline == float("inf") else max(self.deadline - time.monotonic(), 0.1)
            stdout, stderr = proc.communicate(timeout=left)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise ScanError(f"scan exceeded the {limits.run_timeout_s:g} s wall-clock limit") from exc
        try:
            data = json.loads(stdout or b"{}")
        except ValueError as exc:
            tail = stderr.decode("utf-8", "replace")[-500:]
            raise ScanError(f"semgrep exited {proc.returncode} without JSON: {tail}") from exc
        if proc.returncode == 7 or any(e.get("type") == "Rule parse error" for e in data.get("errors", [])):
            raise ScanError(f"semgrep rejected the rules: {data.get('errors')}")
        for res in data.get("results", []):
            p = back.get(res.pop("path", None))
            if p in out:
                extra = res.get("extra", {})
                res["extra"] = {k: extra.get(k) for k in ("message", "metadata", "severity", "fix")}
                out[p].results.append(res)
        for err in data.get("errors", []):
            p = back.get(err.get("path"))
            msg = _mask_path(_describe_error(err), self.tmp.name)
            if p in out:
                out[p].errors.append(msg)
            else:
                for q in chunk:
                    out[back[q]].errors.append(msg)
                break


def syntax_error(content: bytes) -> str | None:
    """ "does not parse" message for Python source, or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(content)
    except SyntaxError as exc:
        v = sys.version_info
        return (
            f"does not parse as Python {v.major}.{v.minor} (line {exc.lineno}: {exc.msg}); findings may be incomplete"
        )
    except (ValueError, RecursionError, MemoryError) as exc:
        return f"does not parse as Python: {type(exc).__name__}"
    return None


def _describe_error(err: dict[str, Any]) -> str:
    kind = err.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else "error"
    msg = str(err.get("message") or kind or "error").strip().splitlines()[0]
    return f"{kind}: {msg}" if kind and not msg.startswith(str(kind)) else msg


def _to_findings(path: str, content: bytes, results: list[dict[str, Any]]) -> list[Finding]:
    from bot.models import Finding, Position, Severity

    findings = []
    seen: set[tuple[str, int, int]] = set()
    for res in results:
        extra = res.get("extra") or {}
        meta = extra.get("metadata") or {}
        cls = meta.get("defect_class")
        rule_id = normalise_rule_id(str(res.get("check_id", "")), cls)
        if not cls:
            cls = rule_id.split(".", 1)[0]
        start, end = res["start"], res["end"]
        # Semgrep keeps one result per distinct message: a rule whose message names a
        # metavariable (one lock of several) reports the same code twice.  One comment is enough.
        span = (rule_id, int(start["offset"]), int(end["offset"]))
        if span in seen:
            continue
        seen.add(span)
        matched = content[start["offset"] : end["offset"]].decode("utf-8", "replace")
        try:
            severity = Severity(str(extra.get("severity", "WARNING")).upper())
        except ValueError:
            severity = Severity.WARNING
        findings.append(
            Finding(
                rule_id=rule_id,
                defect_class=cls,
                severity=severity,
                confidence=str(meta.get("confidence", "MEDIUM")),
                path=path,
                start=Position(line=start["line"], col=start["col"], offset=start["offset"]),
                end=Position(line=end["line"], col=end["col"], offset=end["offset"]),
                message=str(extra.get("message", "")).strip(),
                remediation=str(meta.get("remediation", "")).strip(),
                matched=matched,
                fix=extra.get("fix"),
            )
        )
    findings.sort(key=lambda f: (f.path, f.start.offset, f.end.offset, f.rule_id))
    return findings


def fingerprint(rule_id: str, path: str, matched: str, occurrence: int) -> str:
    """Stable across line moves: no line numbers, whitespace-normalised matched text."""
    norm = " ".join(matched.split())
    data = "\x1f".join((rule_id, path, norm, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8", "replace")).hexdigest()[:20]


def assign_fingerprints(findings: list[Finding]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.start.offset, f.rule_id)):
        k = (f.rule_id, f.path, " ".join(f.matched.split()))
        n = seen.get(k, 0)
        seen[k] = n + 1
        f.fingerprint = fingerprint(f.rule_id, f.path, f.matched, n)
