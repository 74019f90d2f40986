"""Bad input: non-UTF-8, binary, unparsable, huge files; unsafe diff paths; empty diffs."""

from __future__ import annotations

from pathlib import Path

from bot.local import from_diff, whole_files
from bot.scan import Scanner

GOOD = b"import requests\nrequests.get(u)\n"


def test_binary_and_non_utf8_files_are_skipped_with_reason(scanner: Scanner) -> None:
    res = scanner.scan({"bin.py": b"\x00\x01\x02eval(x)", "latin.py": b"x = '\xe9'\neval(x)\n", "ok.py": GOOD})
    reasons = {s.path: s.reason for s in res.skipped}
    assert reasons["bin.py"] == "binary content"
    assert reasons["latin.py"].startswith("not valid UTF-8")
    assert [f.path for f in res.findings] == ["ok.py"] and res.files_scanned == 1


def test_unparsable_file_reports_error_and_others_still_scan(scanner: Scanner) -> None:
    res = scanner.scan({"broken.py": b"def f(:\n  eval(x\n", "ok.py": GOOD})
    assert [f.path for f in res.findings] == ["ok.py"]
    assert any(e.startswith("broken.py:") for e in res.errors)


def test_five_megabyte_file_is_skipped_with_clear_message(scanner: Scanner) -> None:
    big = b"x = 1\n" * (5 * 1024 * 1024 // 6 + 1)
    res = scanner.scan({"big.py": big, "ok.py": GOOD})
    (s,) = res.skipped
    assert s.path == "big.py" and "too large" in s.reason and "1048576-byte limit" in s.reason
    assert len(res.findings) == 1


def test_non_python_files_are_skipped(scanner: Scanner) -> None:
    res = scanner.scan({"README.md": b"eval(x)\n", "script": b"#!/usr/bin/env python3\neval(x)\n"})
    assert [s.path for s in res.skipped] == ["README.md"]
    assert [f.path for f in res.findings] == ["script"]


def test_empty_input(scanner: Scanner) -> None:
    res = scanner.scan({})
    assert res.findings == [] and res.files_scanned == 0


def test_empty_diff_gives_empty_change(tmp_path: Path) -> None:
    change = from_diff(b"", tmp_path)
    assert change.files == {} and change.skipped == []


def test_diff_with_absolute_and_dotdot_paths_never_reads_outside(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    secret = tmp_path / "outside.py"
    secret.write_bytes(b"eval(x)\n")
    (repo / "inside.py").write_bytes(GOOD)
    diff = (
        f"--- {secret}\n+++ {secret}\n@@ -1 +1 @@\n-a\n+eval(x)\n"
        "--- a/../outside.py\n+++ b/../outside.py\n@@ -1 +1 @@\n-a\n+eval(x)\n"
        "--- a/inside.py\n+++ b/inside.py\n@@ -1,2 +1,2 @@\n import requests\n-x\n+requests.get(u)\n"
    )
    change = from_diff(diff, repo)
    assert list(change.contents) == ["inside.py"]
    assert len(change.skipped) == 2
    assert all("absolute" in s.reason or "escapes" in s.reason for s in change.skipped)


def test_symlink_escaping_repo_is_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "target.py").write_bytes(b"eval(x)\n")
    (repo / "link.py").symlink_to(tmp_path / "target.py")
    diff = "--- a/link.py\n+++ b/link.py\n@@ -1 +1 @@\n-a\n+eval(x)\n"
    change = from_diff(diff, repo)
    assert change.contents == {}
    assert change.skipped[0].reason == "path resolves outside the repository"


def test_scan_writes_only_inside_its_temp_dir(scanner: Scanner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "t"))
    (tmp_path / "t").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    res = scanner.scan({"a/b/c.py": GOOD})
    assert len(res.findings) == 1
    assert list((tmp_path / "t").iterdir()) == []  # temp dir removed afterwards


def test_whole_files_walks_python_only_and_respects_excludes(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "vendor").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_bytes(GOOD)
    (tmp_path / "pkg" / "notes.txt").write_bytes(b"eval(x)")
    (tmp_path / "pkg" / "vendor" / "v.py").write_bytes(GOOD)
    (tmp_path / "pkg" / "gen_pb2.py").write_bytes(GOOD)
    (tmp_path / "pkg" / "Doc" / "includes").mkdir(parents=True)  # excludes ignore case
    (tmp_path / "pkg" / "Doc" / "includes" / "demo.py").write_bytes(GOOD)
    change = whole_files([tmp_path / "pkg"], tmp_path)
    assert list(change.contents) == ["pkg/a.py"]
    assert change.files["pkg/a.py"].added == frozenset({1, 2})
    # Excludes apply below the named directory: naming vendor/ itself scans it.
    assert list(whole_files([tmp_path / "pkg" / "vendor"], tmp_path).contents) == ["pkg/vendor/v.py"]
    assert list(whole_files([tmp_path / "pkg" / "gen_pb2.py"], tmp_path).contents) == ["pkg/gen_pb2.py"]
