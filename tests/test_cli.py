"""`reviewbot scan` as users run it: a real subprocess, real Semgrep, the fixture rule set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

SRC = "import requests\n\n\ndef f(u):\n    eval(u)\n    return requests.get(u)\n"
DIFF = """\
diff --git a/pkg/mod.py b/pkg/mod.py
--- a/pkg/mod.py
+++ b/pkg/mod.py
@@ -3,4 +3,4 @@
 
 def f(u):
     eval(u)
-    return requests.get(u, timeout=5)
+    return requests.get(u)
"""


def run(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, REVIEWBOT_CACHE_DIR=str(cwd / ".cache"), REVIEWBOT_RULES_DIR=str(FIXTURES / "rules"))
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "scan", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(SRC)
    return tmp_path


def test_diff_on_stdin_reports_only_changed_lines_as_json(repo: Path) -> None:
    proc = run(["--diff", "-", "--format", "json"], repo, DIFF.encode())
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    (f,) = out["findings"]  # eval(u) on line 5 is an old line: not reported
    assert f["rule_id"] == "network-api-errors.t-timeout" and f["line"] == 6 and f["path"] == "pkg/mod.py"
    assert f["col"] == 12 and f["end_col"] == 27
    assert f["suggestion"] == {"start_line": 6, "end_line": 6, "replacement": "    return requests.get(u, timeout=30)"}
    assert set(f) == {
        "rule_id",
        "defect_class",
        "severity",
        "path",
        "line",
        "end_line",
        "col",
        "end_col",
        "message",
        "fingerprint",
        "suggestion",
    }
    assert out["stats"]["files_scanned"] == 1 and out["stats"]["findings"] == 1


def test_diff_file_and_filter_modes(repo: Path) -> None:
    (repo / "change.patch").write_text(DIFF)
    added = json.loads(run(["--diff", "change.patch", "--format", "json"], repo).stdout)
    ctx = json.loads(run(["--diff", "change.patch", "--format", "json", "--filter-mode", "diff_context"], repo).stdout)
    assert len(added["findings"]) == 1 and len(ctx["findings"]) == 2


def test_fail_on_exit_codes(repo: Path) -> None:
    assert run(["--diff", "-", "--fail-on", "any"], repo, DIFF.encode()).returncode == 1
    # The only changed-line finding is a WARNING.
    assert run(["--diff", "-", "--fail-on", "error"], repo, DIFF.encode()).returncode == 0
    assert run(["--all-lines", "pkg", "--fail-on", "error"], repo).returncode == 1
    assert run(["--diff", "-", "--fail-on", "none"], repo, DIFF.encode()).returncode == 0


def test_sarif_output_is_2_1_0_with_fixes(repo: Path) -> None:
    out = json.loads(run(["--all-lines", "pkg", "--format", "sarif"], repo).stdout)
    assert out["version"] == "2.1.0"
    run0 = out["runs"][0]
    ids = {r["id"] for r in run0["tool"]["driver"]["rules"]}
    assert ids == {"input-validation.t-eval-broken-fix", "network-api-errors.t-timeout"}
    fixed = [r for r in run0["results"] if "fixes" in r]
    assert len(fixed) == 1 and fixed[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_text_output_and_cache(repo: Path) -> None:
    first = run(["--all-lines", "pkg"], repo)
    assert b"pkg/mod.py:5:5: ERROR input-validation.t-eval-broken-fix" in first.stdout
    second = run(["--all-lines", "pkg", "--format", "json"], repo)
    assert json.loads(second.stdout)["stats"]["cache_hits"] >= 1
    nocache = run(["--all-lines", "pkg", "--format", "json", "--no-cache"], repo)
    assert json.loads(nocache.stdout)["stats"]["cache_hits"] == 0


def test_git_diff_head_is_the_default_input(repo: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "pkg"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    (repo / "pkg" / "mod.py").write_text(SRC + "\n\ndef g(u):\n    return requests.get(u)\n")
    out = json.loads(run(["--format", "json"], repo).stdout)
    assert [f["line"] for f in out["findings"]] == [10]


def test_bad_inputs_give_clear_errors(repo: Path) -> None:
    proc = run(["--diff", "missing.patch"], repo)
    assert proc.returncode == 2 and b"missing.patch" in proc.stderr
    proc = run(["--diff", "-"], repo, b"--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n-a\n")
    assert proc.returncode == 2 and b"malformed diff" in proc.stderr
    proc = run(["--format", "json"], repo)  # not a git repository
    assert proc.returncode == 2 and b"git diff HEAD failed" in proc.stderr
    proc = run(["--all-lines", "nowhere"], repo)
    assert proc.returncode == 2 and b"no such file or directory" in proc.stderr


def test_empty_diff_scans_nothing(repo: Path) -> None:
    out = json.loads(run(["--diff", "-", "--format", "json"], repo, b"").stdout)
    assert out["findings"] == [] and out["stats"]["files_scanned"] == 0


def test_five_megabyte_file_is_listed_as_skipped(repo: Path) -> None:
    (repo / "pkg" / "big.py").write_bytes(b"x = 1\n" * 900_000)
    out = json.loads(run(["--all-lines", "pkg", "--format", "json"], repo).stdout)
    (s,) = out["skipped"]
    assert s["path"] == "pkg/big.py" and "too large" in s["reason"]
    assert out["stats"]["files_scanned"] == 1


def test_recheck_command_queues_a_job(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        f'[store]\ndatabase_url = "sqlite+aiosqlite:///{tmp_path / "rb.db"}"\n'
        '[gerrit]\nurl = "https://review.example.org"\n'
    )
    env = dict(os.environ, REVIEWBOT_CONFIG=str(cfg))
    for platform, ref in (("github", "octo/demo#7"), ("gerrit", "openstack/demo~123"), ("github", "octo/demo#7")):
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "recheck", platform, ref],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
    assert b"(coalesced)" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "bot.cli", "recheck", "github", "nonsense"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and b"owner/repo#123" in bad.stderr


def test_unchanged_rescan_is_replayed_from_the_memo_and_any_change_misses(repo: Path) -> None:
    def scan(*extra: str) -> dict:
        out = run(["--all-lines", "pkg", "--format", "json", *extra], repo)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    first = scan()
    assert first["stats"]["cache_hits"] == 0 and first["stats"]["duration_s"] < 1000
    memo_files = list((repo / ".cache" / "runs").rglob("*.json"))
    assert len(memo_files) == 1
    # The replay does not scan: without the per-file cache a scan would report no cache hit.
    import shutil

    shutil.rmtree(repo / ".cache" / "findings")
    again = scan()
    assert again["findings"] == first["findings"]
    assert again["stats"]["cache_hits"] == again["stats"]["files_scanned"] == 1
    assert 0 <= again["stats"]["duration_s"] < first["stats"]["duration_s"]
    # Exit codes are part of the memo, per command line.
    assert run(["--all-lines", "pkg", "--fail-on", "any"], repo).returncode == 1
    assert run(["--all-lines", "pkg", "--fail-on", "any"], repo).returncode == 1

    # A changed file, a new file, changed rules: each is a miss with fresh results.
    (repo / "pkg" / "mod.py").write_text(SRC.replace("    eval(u)\n", "    pass\n"))
    changed = scan()
    assert not any("eval" in f["rule_id"] for f in changed["findings"])
    (repo / "pkg" / "new.py").write_text("def g(x):\n    eval(x)\n")
    assert any(f["path"] == "pkg/new.py" for f in scan()["findings"])
    rules = repo / "rules"
    rules.mkdir()
    for f in (FIXTURES / "rules").iterdir():
        if f.is_file():
            (rules / f.name).write_bytes(f.read_bytes())
    before = scan("--rules", str(rules))
    yaml_file = sorted(rules.glob("*.yaml"))[0]
    yaml_file.write_text(yaml_file.read_text() + "\n# edited\n")
    after = scan("--rules", str(rules))
    assert after["stats"]["cache_hits"] == 0 and before["findings"] == after["findings"]
    assert len(list((repo / ".cache" / "runs").rglob("*.json"))) >= 6
    # --no-cache neither reads nor writes the memo.
    assert scan("--no-cache")["stats"]["cache_hits"] == 0


def test_memo_fill_writes_this_runs_figures() -> None:
    from bot import memo

    text = f"a.py:1:1: ERROR x: {memo.DURATION:.2f} s in code\n1 finding(s), 0 skipped, {memo.DURATION:.2f} s"
    filled = memo.fill(text, "text", 0.25, 1)
    assert filled.endswith("0 skipped, 0.25 s") and f"{memo.DURATION:.2f} s in code" in filled
    doc = json.dumps({"stats": {"duration_s": memo.DURATION, "cache_hits": memo.HITS}}, indent=2)
    assert json.loads(memo.fill(doc, "json", 0.0123, 3))["stats"] == {"duration_s": 0.012, "cache_hits": 3}


def test_quick_start_file_shows_every_defect_class(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, REVIEWBOT_CACHE_DIR=str(tmp_path / ".cache"))
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "scan", "--all-lines", "--format", "json", "quickstart/"],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    from bot.models import DEFECT_CLASSES

    assert {f["defect_class"] for f in json.loads(out.stdout)["findings"]} == set(DEFECT_CLASSES)


def test_memo_knows_which_scan_options_take_a_value() -> None:
    from bot import memo
    from bot.cli import build_parser

    scan = next(
        a.choices["scan"] for a in build_parser()._actions if getattr(a, "choices", None) and "scan" in a.choices
    )
    with_value = {s for a in scan._actions if a.option_strings and a.nargs != 0 for s in a.option_strings}
    assert with_value == memo.VALUE_OPTIONS
