"""Command line: `reviewbot scan | rules` (DESIGN.md §10).

Heavy modules (server, store, platforms) are imported inside the commands that need them, so
`reviewbot scan` starts fast.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Not `typing.TYPE_CHECKING`: a memo hit (bot/memo.py) should import neither typing nor argparse.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _scan(args: argparse.Namespace, memo_key: str | None = None) -> int:
    # Light imports first: Semgrep is started before pydantic and the rest are imported, so
    # that start-up runs on another core while Semgrep works.
    from bot.cache import FindingsCache, default_cache_dir
    from bot.local import LocalChange, LocalInputError, read_whole_files
    from bot.scan import ScanError, ScanLimits, Scanner

    repo = Path(args.repo)
    try:
        cache = None if args.no_cache else FindingsCache(default_cache_dir())
        limits = ScanLimits(max_file_bytes=args.max_file_bytes, run_timeout_s=args.run_timeout or float("inf"))
        scanner = Scanner(
            Path(args.rules) if args.rules else None, cache=cache, limits=limits, min_confidence=args.min_confidence
        )
        change: LocalChange | None = None
        if args.all_lines:
            whole = read_whole_files([Path(p) for p in args.paths] or [repo], repo)
            pending = scanner.start(whole.contents)
            change = whole.to_change()
        else:
            from bot.diff import DiffError
            from bot.local import from_diff

            try:
                change = from_diff(_read_diff(args, repo), repo)
            except DiffError as exc:
                raise LocalInputError(str(exc)) from exc
            if args.paths:
                wanted = [Path(p).as_posix().rstrip("/") for p in args.paths]
                keep = {p for p in change.files if any(p == w or p.startswith(w + "/") for w in wanted)}
                change.files = {p: f for p, f in change.files.items() if p in keep}
                change.contents = {p: c for p, c in change.contents.items() if p in keep}
            pending = scanner.start(change.contents)
        from bot.models import FilterMode, ScanResult, Severity
        from bot.output import render
        from bot.review import filter_findings
        from bot.suggest import attach_suggestions

        mode = FilterMode.FILE if args.all_lines else FilterMode(args.filter_mode)
        raw = pending.result()
    except (OSError, LocalInputError) as exc:
        print(f"reviewbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ScanError as exc:
        print(f"reviewbot: scan failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    kept = filter_findings(raw.findings, change.files, mode)
    if not args.no_suggestions:
        attach_suggestions(kept, change.contents, scanner)
    from bot import memo

    result = ScanResult(
        findings=kept,
        files_scanned=raw.files_scanned,
        skipped=change.skipped + raw.skipped,
        errors=raw.errors,
        duration_s=memo.DURATION,
        cache_hits=memo.HITS,
    )
    rendered = render(args.format, result, change.contents)
    code = EXIT_OK
    if args.fail_on == "any" and kept:
        code = EXIT_FINDINGS
    if args.fail_on == "error" and any(f.severity is Severity.ERROR for f in kept):
        code = EXIT_FINDINGS
    print(memo.fill(rendered, args.format, time.monotonic() - pending.t0, raw.cache_hits))
    if memo_key is not None and not raw.errors:
        memo.store(default_cache_dir(), memo_key, rendered, args.format, code, raw.files_scanned)
    return code


def _read_diff(args: argparse.Namespace, repo: Path) -> bytes:
    from bot.local import git_diff_head

    if args.diff == "-":
        return sys.stdin.buffer.read()
    if args.diff:
        return Path(args.diff).read_bytes()
    return git_diff_head(repo)


def _memo_key(argv: list[str]) -> str | None:
    """The whole-run memo key of a `scan` command line (bot/memo.py), or None."""
    from bot import __version__, memo
    from bot.locate import ScanError, default_rules_dir, engine_build

    rules = argv[argv.index("--rules") + 1] if "--rules" in argv[:-1] else None
    try:
        rules_dir = Path(rules) if rules else default_rules_dir()
        return memo.key(argv, rules_dir, f"{__version__}|{engine_build()}")
    except (OSError, ScanError):
        return None


def _rules(args: argparse.Namespace) -> int:
    from bot.rules import load_rules, run_rule_tests
    from bot.scan import default_rules_dir

    rules_dir = Path(args.rules) if args.rules else default_rules_dir()
    if args.action == "test":
        return run_rule_tests(rules_dir)
    for r in load_rules(rules_dir):
        fix = "fix" if r.has_fix else "-"
        bandit = ",".join(r.bandit) or "-"
        print(f"{r.id:60} {r.severity:8} {r.confidence:7} {fix:4} {bandit}")
    return EXIT_OK


def _settings(args: argparse.Namespace) -> object:
    from bot.config import load_settings

    try:
        return load_settings(args.config)
    except (FileNotFoundError, ValueError) as exc:
        print(f"reviewbot: bad configuration: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from exc


def _serve(args: argparse.Namespace) -> int:
    import logging

    from bot.config import Settings

    settings = _settings(args)
    assert isinstance(settings, Settings)
    if args.host:
        settings.server.host = args.host
    if args.port is not None:
        settings.server.port = args.port
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.server.intake_processes > 1 and settings.server.port == 0:
        print("reviewbot: server.intake_processes > 1 needs a fixed port; using one process", file=sys.stderr)
        settings.server.intake_processes = 1
    sibling = args.sibling_of is not None
    split = settings.server.intake_processes > 1 and not sibling
    if split:
        _share_metrics()
    from aiohttp import web

    from bot.web.app import create_app

    parent = None
    if sibling:
        from bot.web.siblings import ParentLink

        parent = ParentLink(args.sibling_of, args.notify_fd)
    argv = ["serve", "--host", settings.server.host, "--port", str(settings.server.port)]
    argv += ["--config", args.config] if args.config else []
    app = create_app(settings, sibling_argv=argv, parent=parent)
    loop = _event_loop()
    if split:
        # Webhooks are answered by the sibling processes only; this one runs the workers.
        _run_without_listening(app, loop)
        return EXIT_OK
    # A deep accept backlog: a burst of webhook deliveries must not wait for SYN retransmits.
    web.run_app(
        app,
        backlog=2048,
        host=settings.server.host,
        port=settings.server.port,
        print=None,
        access_log=None,
        handle_signals=True,
        reuse_port=True if sibling else None,
        loop=loop,
    )
    return EXIT_OK


def _share_metrics() -> None:
    """Several processes: prometheus-client's multiprocess mode, so /metrics on any of them
    sums every process's counters (set before bot.metrics is imported)."""
    import atexit
    import os
    import shutil
    import tempfile

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        path = tempfile.mkdtemp(prefix="reviewbot-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        atexit.register(shutil.rmtree, path, True)


def _run_without_listening(app: Any, loop: Any) -> None:
    """Run the app's start-up (store, recovery, workers, siblings) and clean-up, with no site:
    until SIGINT/SIGTERM."""
    import asyncio

    from aiohttp import web

    async def main() -> None:
        runner = web.AppRunner(app, handle_signals=True, access_log=None)
        await runner.setup()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main())
    except (web.GracefulExit, KeyboardInterrupt):
        pass
    finally:
        loop.close()


def _event_loop() -> Any:
    """uvloop where it is installed (a burst of deliveries is answered ~2x faster), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        import asyncio

        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _recheck(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import Settings
    from bot.intake import Intake, JobSpec
    from bot.models import ChangeRef
    from bot.store import Store

    settings = _settings(args)
    assert isinstance(settings, Settings)
    sep_char = "#" if args.platform == "github" else "~"
    project, sep, number = args.ref.rpartition(sep_char)
    if not sep or not number.isdigit() or not project or (args.platform == "github" and "/" not in project):
        example = "owner/repo#123" if args.platform == "github" else "project/name~12345"
        print(f"reviewbot: ref must look like {example}", file=sys.stderr)
        return EXIT_USAGE
    if args.platform == "github":
        from bot.platforms.github_events import api_host

        host = api_host(settings.github.api_url)
    else:
        from bot.platforms.gerrit_events import host_of

        host = host_of(settings.gerrit)
    ref = ChangeRef(platform=args.platform, host=host, project=project, number=int(number))

    async def run() -> int:
        store = Store(settings.store.database_url)
        await store.create_all()
        import uuid

        spec = JobSpec(
            change_key=ref.key,
            platform=args.platform,
            ref=ref.model_dump(mode="json"),
            reason="recheck",
            requested_by=args.user,
        )
        intake = Intake(store)
        acc = await intake.submit(f"cli:{uuid.uuid4()}", "recheck", spec)
        await intake.stop()
        await store.close()
        assert acc.job is not None
        print(f"recheck of {ref.key} queued as job {acc.job.job_id}" + (" (coalesced)" if acc.job.coalesced else ""))
        return EXIT_OK

    return asyncio.run(run())


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from bot import __version__

    ap = argparse.ArgumentParser(prog="reviewbot", description=__doc__.splitlines()[0])
    ap.add_argument("--version", action="version", version=f"reviewbot {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    sc = sub.add_parser("scan", help="scan a local diff, or whole files with --all-lines")
    sc.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: --repo)")
    sc.add_argument("--diff", metavar="FILE|-", help="unified diff to review ('-' for stdin)")
    sc.add_argument("--repo", default=".", help="post-patch tree the diff applies to (default: .)")
    sc.add_argument("--all-lines", action="store_true", help="treat every line of PATHs as changed")
    sc.add_argument("--filter-mode", choices=["added", "diff_context", "file"], default="added")
    sc.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    sc.add_argument(
        "--fail-on",
        choices=["none", "any", "error"],
        default="none",
        help="exit 1 when findings (any) or ERROR findings (error) remain",
    )
    sc.add_argument("--no-cache", action="store_true", help="bypass the findings cache")
    sc.add_argument("--no-suggestions", action="store_true", help="skip building and verifying fixes")
    sc.add_argument("--rules", help="rules directory (default: semgrep-rules/ or REVIEWBOT_RULES_DIR)")
    sc.add_argument(
        "--min-confidence",
        type=str.upper,
        choices=["LOW", "MEDIUM", "HIGH"],
        default="MEDIUM",
        help="run only rules of this confidence or higher (default MEDIUM; LOW adds the audit rules)",
    )
    sc.add_argument("--max-file-bytes", type=int, default=1 << 20, help="skip larger files (default 1 MiB)")
    sc.add_argument(
        "--run-timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="wall-clock limit for the whole scan (default 120; 0 = none)",
    )
    sc.set_defaults(func=_scan)

    se = sub.add_parser("serve", help="webhook server with embedded queue and workers")
    se.add_argument("--config", help="TOML settings file (default: REVIEWBOT_CONFIG)")
    se.add_argument("--host")
    se.add_argument("--port", type=int)
    # Internal: a sibling intake process started by the main one (bot/web/siblings.py).
    se.add_argument("--sibling-of", type=int, help=argparse.SUPPRESS)
    se.add_argument("--notify-fd", type=int, help=argparse.SUPPRESS)
    se.set_defaults(func=_serve)

    rc = sub.add_parser("recheck", help="queue a recheck of a change (picked up by `serve`)")
    rc.add_argument("platform", choices=["github", "gerrit"])
    rc.add_argument("ref", help="owner/repo#number (GitHub) or project~number (Gerrit)")
    rc.add_argument("--config")
    rc.add_argument("--user", default=None, help="who asked (shown in the reply)")
    rc.set_defaults(func=_recheck)

    ru = sub.add_parser("rules", help="list the rules or run their Semgrep tests")
    ru.add_argument("action", choices=["list", "test"])
    ru.add_argument("--rules", help="rules directory")
    ru.set_defaults(func=_rules)
    return ap


def main(argv: list[str] | None = None) -> int:
    t0 = time.monotonic()
    argv = sys.argv[1:] if argv is None else argv
    memo_key = _memo_key(argv) if argv[:1] == ["scan"] else None
    if memo_key is not None:
        from bot import memo
        from bot.cache import default_cache_dir

        code = memo.replay(default_cache_dir(), memo_key, t0, time.monotonic())
        if code is not None:
            return code
    args = build_parser().parse_args(argv)
    if args.func is _scan:
        return int(_scan(args, memo_key))
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
