"""Scanner, changed-line filter, suggestion verification and fingerprints on real Semgrep."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

from bot.cache import prune
from bot.models import ChangedFile, FilterMode
from bot.review import build_review, filter_findings
from bot.scan import Scanner, normalise_rule_id
from bot.suggest import attach_suggestions

SRC = b"""\
import requests


def fetch(url):
    resp = requests.get(url)
    try:
        return resp.json()
    except:
        return None


def run(code):
    eval(code)
    exec(code)
"""


def rules_of(findings) -> list[str]:
    return sorted(f.rule_id for f in findings)


def test_scan_reports_rule_ids_positions_and_matched_text(scanner: Scanner) -> None:
    res = scanner.scan({"pkg/a.py": SRC})
    assert res.files_scanned == 1 and not res.errors
    assert rules_of(res.findings) == [
        "exception-handling.t-bare-except",
        "input-validation.t-eval-broken-fix",
        "input-validation.t-exec-unverified-fix",
        "network-api-errors.t-timeout",
    ]
    timeout = next(f for f in res.findings if f.rule_id == "network-api-errors.t-timeout")
    assert timeout.start.line == 5 and timeout.matched == "requests.get(url)"
    assert SRC[timeout.start.offset : timeout.end.offset] == b"requests.get(url)"
    assert timeout.fix == "requests.get(url, timeout=30)"
    assert timeout.defect_class == "network-api-errors" and timeout.remediation == "Pass timeout=."


def test_matched_text_sliced_by_bytes_with_multibyte_prefix(scanner: Scanner) -> None:
    src = 'x = "é€"; requests.get(u)\n'.encode()
    (f,) = scanner.scan({"m.py": src}).findings
    assert f.matched == "requests.get(u)"
    assert f.start.col == len('x = "é€"; '.encode()) + 1  # Semgrep's col is in bytes


def test_normalise_rule_id_strips_config_prefix() -> None:
    assert normalise_rule_id("tmp.x.semgrep-rules.exception-handling.bare", "exception-handling") == (
        "exception-handling.bare"
    )
    assert normalise_rule_id("semgrep-rules.hardcoded-info.tmp-path", None) == "hardcoded-info.tmp-path"


def _changed(path: str, added: set[int], hunks: list[tuple[int, int]]) -> ChangedFile:
    return ChangedFile(path=path, added=frozenset(added), hunks=hunks)


def test_filter_keeps_finding_spanning_added_and_old_lines(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    bare = [f for f in res.findings if f.rule_id == "exception-handling.t-bare-except"]
    assert bare[0].start.line == 6 and bare[0].end.line == 9
    # Only line 9 (inside the try statement's range) was added; lines 6-8 are old.
    files = {"a.py": _changed("a.py", {9}, [(6, 10)])}
    kept = filter_findings(res.findings, files, FilterMode.ADDED)
    assert rules_of(kept) == ["exception-handling.t-bare-except"]


def test_filter_drops_findings_entirely_on_old_lines(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    files = {"a.py": _changed("a.py", {2, 3}, [(1, 4)])}
    assert filter_findings(res.findings, files, FilterMode.ADDED) == []
    # diff_context keeps findings in a hunk even on context lines; file keeps all.
    files = {"a.py": _changed("a.py", {2}, [(1, 7)])}
    assert rules_of(filter_findings(res.findings, files, FilterMode.DIFF_CONTEXT)) == [
        "exception-handling.t-bare-except",
        "network-api-errors.t-timeout",
    ]
    assert len(filter_findings(res.findings, files, FilterMode.FILE)) == 4
    # A file not in the change: nothing.
    assert filter_findings(res.findings, {}, FilterMode.FILE) == []


def test_suggestions_verified_broken_and_ineffective_fixes_dropped(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    n = attach_suggestions(res.findings, {"a.py": SRC}, scanner)
    by_rule = {f.rule_id: f for f in res.findings}
    assert n == 2
    # A fix that breaks syntax (`eval(code` ) is dropped.
    assert by_rule["input-validation.t-eval-broken-fix"].suggestion is None
    # A fix after which the rule still fires (`exec((code))`) is dropped.
    assert by_rule["input-validation.t-exec-unverified-fix"].suggestion is None
    t = by_rule["network-api-errors.t-timeout"].suggestion
    assert t is not None and (t.start_line, t.end_line) == (5, 5)
    assert t.replacement == "    resp = requests.get(url, timeout=30)"
    bare = by_rule["exception-handling.t-bare-except"].suggestion
    assert bare is not None and (bare.start_line, bare.end_line) == (6, 9)
    assert bare.replacement.splitlines()[2] == "    except Exception:"
    # Applying each suggestion as whole lines gives a file that parses.
    lines = SRC.decode().splitlines()
    for s in (t, bare):
        new = lines[: s.start_line - 1] + s.replacement.split("\n") + lines[s.end_line :]
        ast.parse("\n".join(new))


def test_no_two_suggestions_on_one_line(scanner: Scanner) -> None:
    src = b"import requests\nrequests.get(a); requests.get(b)\n"
    res = scanner.scan({"b.py": src})
    attach_suggestions(res.findings, {"b.py": src}, scanner)
    assert len(res.findings) == 2
    assert sum(f.suggestion is not None for f in res.findings) == 1


def test_fingerprints_stable_under_line_moves(scanner: Scanner) -> None:
    moved = b"# a new header comment\n\n\n" + SRC.replace(b"import requests\n", b"import requests\nimport os\n")
    a = {f.rule_id: f.fingerprint for f in scanner.scan({"a.py": SRC}).findings}
    b = {f.rule_id: f.fingerprint for f in scanner.scan({"a.py": moved}).findings}
    assert a == b and len(set(a.values())) == 4
    # Same text twice in one file: distinct fingerprints by occurrence.
    twice = b"import requests\nrequests.get(u)\nrequests.get(u)\n"
    fps = [f.fingerprint for f in scanner.scan({"t.py": twice}).findings]
    assert len(fps) == 2 and fps[0] != fps[1]
    # Another path: another fingerprint.
    c = {f.rule_id: f.fingerprint for f in scanner.scan({"other.py": SRC}).findings}
    assert set(c.values()).isdisjoint(a.values())


def test_review_anchors_caps_and_dedupes(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    attach_suggestions(res.findings, {"a.py": SRC}, scanner)
    files = {"a.py": _changed("a.py", set(range(1, 15)), [(1, 14)])}
    review = build_review(res.findings, files, max_comments=2)
    assert len(review.comments) == 2 and len(review.overflow) == 2
    # ERROR findings come first.
    assert all(c.rule_id.startswith("input-validation") for c in review.comments)
    assert "2 more finding(s) not posted inline" in review.summary
    for c in review.comments:
        assert c.rule_id in c.body and "nosemgrep" in c.body
    again = build_review(res.findings, files, posted_fingerprints=[c.fingerprint for c in review.comments])
    assert {c.rule_id for c in again.comments}.isdisjoint({c.rule_id for c in review.comments})
    assert "already commented" in again.summary


def test_comment_spans_stay_inside_one_hunk(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    attach_suggestions(res.findings, {"a.py": SRC}, scanner)
    # The bare-except statement spans lines 6-9, but hunks split at 7/8.
    files = {"a.py": _changed("a.py", {6, 9}, [(4, 7), (8, 10)])}
    review = build_review(res.findings, files)
    (c,) = [c for c in review.comments if c.rule_id == "exception-handling.t-bare-except"]
    assert (c.start_line, c.end_line) == (6, 7)
    assert c.suggestion is None  # its fix spans 6-9: it cannot replace only the commented lines
    assert "How to fix: Catch a specific exception." in c.body


def test_file_mode_findings_outside_hunks_go_to_summary(scanner: Scanner) -> None:
    res = scanner.scan({"a.py": SRC})
    files = {"a.py": _changed("a.py", {2}, [(1, 3)])}
    review = build_review(res.findings, files, mode=FilterMode.FILE)
    assert review.comments == [] and len(review.overflow) == 4


def test_cache_makes_rescan_free_and_is_keyed_by_content(cached_scanner: Scanner) -> None:
    first = cached_scanner.scan({"a.py": SRC})
    second = cached_scanner.scan({"a.py": SRC})
    assert first.cache_hits == 0 and second.cache_hits == 1
    assert [f.model_dump() for f in first.findings] == [f.model_dump() for f in second.findings]
    third = cached_scanner.scan({"a.py": SRC + b"eval(x)\n"})
    assert third.cache_hits == 0 and len(third.findings) == 5


def test_prune_drops_old_cache_entries_and_the_rescan_refills_them(cached_scanner: Scanner) -> None:
    assert cached_scanner.cache is not None
    cache_dir = cached_scanner.cache.root.parent
    cached_scanner.scan({"a.py": SRC})
    cached_scanner.scan({"b.py": SRC + b"eval(x)\n"})
    entries = sorted((cache_dir / "findings").rglob("*.json"))
    assert len(entries) == 2
    (cache_dir / "runs" / "ab").mkdir(parents=True)
    memo = cache_dir / "runs" / "ab" / "ab12.json"
    memo.write_text("{}")
    stale = time.time() - 40 * 86400
    for old in (entries[0], memo):
        os.utime(old, (stale, stale))
    assert prune(cache_dir, 30 * 86400) == 2
    assert sorted((cache_dir / "findings").rglob("*.json")) == entries[1:] and not memo.exists()
    assert prune(cache_dir, 30 * 86400) == 0
    rescans = (
        cached_scanner.scan({"a.py": SRC}).cache_hits + cached_scanner.scan({"b.py": SRC + b"eval(x)\n"}).cache_hits
    )
    assert rescans == 1  # the pruned file was scanned again, the kept one came from the cache
    assert prune(cache_dir / "missing", 0) == 0


def test_only_rules_limits_the_run_and_keys_the_cache(cached_scanner: Scanner) -> None:
    only = cached_scanner.scan({"a.py": SRC}, only_rules={"network-api-errors.t-timeout"})
    assert rules_of(only.findings) == ["network-api-errors.t-timeout"]
    full = cached_scanner.scan({"a.py": SRC})
    assert full.cache_hits == 0 and len(full.findings) == 4


def test_verification_scans_get_only_the_wanted_rules_text() -> None:
    import yaml

    from bot.locate import default_rules_dir

    rules_dir = default_rules_dir()
    scanner = Scanner(rules_dir)
    full = {r["id"]: r for p in sorted(rules_dir.glob("*.yaml")) for r in yaml.safe_load(p.read_text("utf-8"))["rules"]}
    wanted = {"exception-handling.bare-except", "network-api-errors.requests-without-timeout"}
    subset = scanner.subset_rules(wanted)
    assert subset is not None
    rules = yaml.safe_load(subset)["rules"]
    assert {r["id"]: r for r in rules} == {k: full[k] for k in wanted}  # same rules, byte for byte in meaning
    assert scanner.subset_rules({"no-such.rule"}) is None and scanner.subset_rules(set()) is None
    # every rule of the set can be cut out on its own
    assert all(yaml.safe_load(scanner.subset_rules({r}) or "")["rules"] == [full[r]] for r in full)


def test_small_changes_split_by_fixable_rules_give_the_same_review(monkeypatch) -> None:
    """analyse() on a small change runs the rules with fixes and the rest as two Semgrep processes;
    what comes out must equal one run: findings, fingerprints, suggestions, order."""
    from bot import analyse as analyse_module
    from bot.locate import default_rules_dir

    src = (Path(__file__).resolve().parent.parent / "quickstart" / "legacy_client.py").read_bytes()
    contents = {"pkg/client.py": src, "pkg/other.py": src.replace(b"\n", b"\n\n", 3)}
    files = {p: _changed(p, set(range(1, c.count(b"\n") + 2)), [(1, c.count(b"\n") + 1)]) for p, c in contents.items()}
    scanner = Scanner(default_rules_dir())
    assert scanner.fixable_rules() and set(scanner.rule_ids) - scanner.fixable_rules()
    split_result, split_kept = analyse_module.analyse(scanner, contents, files, FilterMode.ADDED)
    monkeypatch.setattr(analyse_module, "SPLIT_MAX_FILES", 0)
    one_result, one_kept = analyse_module.analyse(scanner, contents, files, FilterMode.ADDED)

    def shape(findings: list) -> list:
        return [(f.path, f.rule_id, f.start.line, f.fingerprint, f.suggestion) for f in findings]

    assert shape(split_kept) == shape(one_kept)
    assert shape(split_result.findings) == shape(one_result.findings)
    assert sum(f.suggestion is not None for f in split_kept) >= 2  # suggestions were verified in the split run
    assert {f.rule_id.split(".")[0] for f in split_kept} >= {"exception-handling", "network-api-errors"}


def test_one_finding_per_rule_and_span_when_semgrep_reports_it_per_message() -> None:
    from bot.scan import _to_findings

    content = b"x = 1\nself.cache.pop(k)\n"
    span = {"start": {"line": 2, "col": 1, "offset": 6}, "end": {"line": 2, "col": 18, "offset": 23}}

    def result(msg: str, rule: str = "thread-safety.attribute-mutated-outside-lock") -> dict:
        return {"check_id": f"rules.{rule}", **span, "extra": {"message": msg, "metadata": {}}}

    results = [result("under `self._lock`"), result("under `self._init_lock`"), result("m", "exception-handling.other")]
    found = _to_findings("a.py", content, results)
    assert [(f.rule_id, f.message) for f in found] == [
        ("exception-handling.other", "m"),
        ("thread-safety.attribute-mutated-outside-lock", "under `self._lock`"),
    ]


def test_min_confidence_leaves_audit_rules_out_of_the_run(tmp_path: Path) -> None:
    """LOW-confidence (audit) rules run only when asked for; the cache keeps the two apart."""
    import pytest

    from bot.cache import FindingsCache
    from bot.locate import default_rules_dir
    from bot.scan import ScanError

    src = (Path(__file__).resolve().parent.parent / "quickstart" / "legacy_client.py").read_bytes()
    cache = FindingsCache(tmp_path / "cache")
    everything = Scanner(default_rules_dir(), cache=cache)
    default = Scanner(default_rules_dir(), cache=cache, min_confidence="medium")
    strict = Scanner(default_rules_dir(), cache=cache, min_confidence="HIGH")
    low_rules = set(everything.rule_ids) - everything.rules_at_least("MEDIUM")
    assert low_rules and not low_rules & set(default.rule_ids)
    assert set(strict.rule_ids) < set(default.rule_ids) < set(everything.rule_ids)
    assert len({everything.digest, default.digest, strict.digest}) == 3
    assert not default.fixable_rules() & low_rules

    all_found = {f.rule_id for f in everything.scan({"pkg/client.py": src}).findings}
    default_found = {f.rule_id for f in default.scan({"pkg/client.py": src}).findings}
    # the quick-start file trips audit rules too; the default run leaves exactly those out
    assert all_found & low_rules
    assert default_found == all_found - low_rules
    # a second run of the wider set is not served the narrower set's cached results
    assert {f.rule_id for f in everything.scan({"pkg/client.py": src}).findings} == all_found
    strict_found = {f.rule_id for f in strict.scan({"pkg/client.py": src}).findings}
    assert strict_found and strict_found <= set(strict.rule_ids)
    with pytest.raises(ScanError, match="min_confidence"):
        Scanner(default_rules_dir(), min_confidence="SOME")


def test_rule_paths_cut_from_the_rule_text_equal_the_full_yaml_parse() -> None:
    from bot.locate import default_rules_dir
    from bot.scan import block_path_filters, rule_path_filters

    scanner = Scanner(default_rules_dir())
    filters = block_path_filters(scanner._rule_blocks())
    assert filters == rule_path_filters(default_rules_dir())
    assert filters and scanner.path_filters == filters


def test_fixes_of_one_file_are_verified_in_one_copy(scanner: Scanner, monkeypatch) -> None:
    src = b"import requests\nrequests.get(a)\nx = 1\nrequests.get(b)\nrequests.get(c)\n"
    res = scanner.scan({"m.py": src})
    seen: list[list[str]] = []
    real = Scanner.scan

    def recording(self: Scanner, files, only_rules=None):  # type: ignore[no-untyped-def]
        seen.append(sorted(files))
        return real(self, files, only_rules)

    monkeypatch.setattr(Scanner, "scan", recording)
    assert attach_suggestions(res.findings, {"m.py": src}, scanner) == 3
    assert len(seen) == 1 and len(seen[0]) == 1  # one rescan, one copy holding all three fixes
    assert [f.suggestion.start_line for f in res.findings if f.suggestion] == [2, 4, 5]
    assert all(f.suggestion and "timeout=30" in f.suggestion.replacement for f in res.findings)
