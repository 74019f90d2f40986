"""review_change(): fetch → scan → filter → suggest → review → post → record, for any platform."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analyse import analyse
from bot.config import Settings
from bot.models import ChangeRef, FilterMode, Finding, ReviewComment, ScanResult
from bot.platforms.base import FetchedChange, Platform, PostedComment, review_marker
from bot.review import build_review, shown_text
from bot.scan import Scanner
from bot.store import CommentRow, FeedbackRow, FindingRow, PostedReview, Run, Store

log = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    outcome: str
    revision: str = ""
    comments_posted: int = 0
    resolved: int = 0
    findings: int = 0
    new_findings: int = 0
    review_id: str | None = None
    notes: list[str] = field(default_factory=list)


class Pipeline:
    def __init__(self, settings: Settings, store: Store, scanner: Scanner) -> None:
        self.settings = settings
        self.store = store
        self.scanner = scanner

    async def review_change(
        self,
        platform: Platform,
        ref: ChangeRef,
        *,
        reason: str = "auto",
        job_id: int | None = None,
        requested_by: str | None = None,
    ) -> RunOutcome:
        t0 = time.monotonic()
        fetched = await platform.fetch_change(ref)
        ref = fetched.ref
        fetch_s = time.monotonic() - t0
        if not fetched.open:
            return RunOutcome("closed", ref.revision)
        ruleset = self.scanner.digest
        marker = review_marker(ref.revision, ruleset)
        if reason == "auto" and await self._already_posted(ref, ruleset):
            return RunOutcome("already-posted", ref.revision)

        run = await self._start_run(ref, ruleset, reason, job_id)
        t1 = time.monotonic()
        # What is already on the change (our earlier comments, feedback replies) does not depend
        # on the scan: ask the platform while Semgrep runs.
        prior = asyncio.create_task(self._prior_comments(platform, ref))
        try:
            mode = FilterMode(self.settings.review.filter_mode)
            result, kept = await asyncio.to_thread(analyse, self.scanner, fetched.contents, fetched.files, mode)
        except BaseException:
            prior.cancel()
            with contextlib.suppress(BaseException):
                await prior
            raise
        scan_s = time.monotonic() - t1

        t2 = time.monotonic()
        posted = await prior
        review = build_review(
            kept,
            fetched.files,
            mode=mode,
            max_comments=self.settings.review.max_comments,
            posted_fingerprints=[p.fingerprint for p in posted],
            skipped=fetched.skipped + result.skipped,
        )
        if fetched.notes:
            review.summary += "\n\n" + "\n".join(fetched.notes)
        if result.errors:
            review.summary += "\n\nSome files could not be fully analysed:\n" + "\n".join(
                f"- {e}" for e in result.errors[:20]
            )
        out = RunOutcome("reviewed", ref.revision, findings=len(kept), new_findings=len(review.comments))
        # New inline comments are always posted; a summary alone (overflow, or a clean change when
        # configured) only on the first automatic review of a change, never again on later pushes.
        first = reason == "auto" and not await self._change_reviewed(ref)
        noteworthy = bool(review.overflow) or bool(fetched.notes) or self.settings.review.summary_when_clean
        wants_post = bool(review.comments) or (first and noteworthy)
        if wants_post:
            existing = await platform.find_review(ref, marker) if reason == "auto" else None
            if existing is not None:
                out.review_id, out.outcome = existing, "already-posted"
            else:
                out.review_id = await platform.post_review(ref, review, marker)
                out.comments_posted = len(review.comments)
        # Threads whose finding is gone: resolve them.
        current = {f.fingerprint for f in result.findings}
        unscanned = {s.path for s in result.skipped} | {e.split(":", 1)[0] for e in result.errors}
        gone = [p for p in posted if not p.resolved and p.fingerprint not in current and p.path not in unscanned]
        if gone:
            out.resolved = await platform.resolve(ref, gone, ref.revision)
        if reason == "recheck":
            await platform.reply(ref, self._recheck_reply(ref, out, requested_by))
        post_s = time.monotonic() - t2
        await self._record(
            run,
            ref,
            ruleset,
            reason,
            out,
            kept,
            review.comments,
            result,
            fetched,
            gone,
            fetch_s=fetch_s,
            scan_s=scan_s,
            post_s=post_s,
        )
        log.info(
            "%s %s: %s, %d finding(s), %d comment(s), %d resolved",
            ref.key,
            ref.revision[:12],
            out.outcome,
            out.findings,
            out.comments_posted,
            out.resolved,
        )
        return out

    async def _prior_comments(self, platform: Platform, ref: ChangeRef) -> list[PostedComment]:
        """Our comments already on the change, after recording the feedback given on them."""
        posted = await platform.posted_comments(ref)
        await self.collect_feedback(platform, ref)
        return posted

    async def collect_feedback(self, platform: Platform, ref: ChangeRef) -> int:
        """Record new `not useful` / `ignore` replies to our comments; resolve the ignored threads."""
        items = await platform.feedback(ref)
        if not items:
            return 0
        async with self.store.session() as s:
            known = set(
                (
                    await s.execute(
                        select(FeedbackRow.reply_id).where(
                            FeedbackRow.platform == ref.platform, FeedbackRow.change_key == ref.key
                        )
                    )
                ).scalars()
            )
        fresh = [f for f in items if f.reply_id not in known]
        if not fresh:
            return 0
        rows = [
            FeedbackRow(
                platform=ref.platform,
                change_key=ref.key,
                reply_id=f.reply_id,
                fingerprint=f.comment.fingerprint,
                rule_id=f.rule_id,
                kind=f.kind,
                reason=f.reason,
                author=f.author,
            )
            for f in fresh
        ]
        await self.store.run_write_session(lambda s: s.add_all(rows))
        to_resolve = {f.comment.comment_id: f.comment for f in fresh if f.kind == "ignore" and not f.comment.resolved}
        if to_resolve:
            await platform.resolve(ref, list(to_resolve.values()), ref.revision)
        log.info("%s: %d feedback report(s) recorded", ref.key, len(fresh))
        return len(fresh)

    @staticmethod
    def _recheck_reply(ref: ChangeRef, out: RunOutcome, who: str | None) -> str:
        by = f" (requested by @{who})" if who else ""
        return (
            f"reviewbot rechecked {ref.revision[:12]}{by}: {out.findings} finding(s) on changed lines, "
            f"{out.comments_posted} new comment(s), {out.resolved} thread(s) resolved."
        )

    @staticmethod
    def _posted_review_query(ref: ChangeRef, ruleset: str) -> Any:
        return select(PostedReview.id).where(
            PostedReview.change_key == ref.key,
            PostedReview.revision == ref.revision,
            PostedReview.ruleset == ruleset,
        )

    async def _already_posted(self, ref: ChangeRef, ruleset: str) -> bool:
        async with self.store.session() as s:
            row = (await s.execute(self._posted_review_query(ref, ruleset))).first()
        return row is not None

    async def _change_reviewed(self, ref: ChangeRef) -> bool:
        async with self.store.session() as s:
            row = (await s.execute(select(PostedReview.id).where(PostedReview.change_key == ref.key))).first()
        return row is not None

    async def _start_run(self, ref: ChangeRef, ruleset: str, reason: str, job_id: int | None) -> int:
        run = Run(
            job_id=job_id,
            platform=ref.platform,
            project=ref.project,
            change_key=ref.key,
            revision=ref.revision,
            ruleset=ruleset,
            reason=reason,
        )

        def add(s: Session) -> int:
            s.add(run)
            s.flush()
            return run.id

        return await self.store.run_write_session(add)

    async def _record(
        self,
        run_id: int,
        ref: ChangeRef,
        ruleset: str,
        reason: str,
        out: RunOutcome,
        kept: list[Finding],
        comments: list[ReviewComment],
        result: ScanResult,
        fetched: FetchedChange,
        gone: list[PostedComment],
        *,
        fetch_s: float,
        scan_s: float,
        post_s: float,
    ) -> None:
        commented = {c.fingerprint for c in comments}

        def write(s: Session) -> None:
            run = s.get(Run, run_id)
            assert run is not None
            run.finished_at = time.time()
            run.outcome = out.outcome
            run.files_scanned = result.files_scanned
            run.files_skipped = len(result.skipped) + len(fetched.skipped)
            run.findings_total = len(kept)
            run.comments_posted = out.comments_posted
            run.suggestions = sum(1 for c in comments if c.suggestion is not None)
            run.resolved = out.resolved
            run.fetch_s, run.scan_s, run.post_s = round(fetch_s, 3), round(scan_s, 3), round(post_s, 3)
            for f in kept:
                s.add(
                    FindingRow(
                        run_id=run_id,
                        rule_id=f.rule_id,
                        defect_class=f.defect_class,
                        severity=f.severity.value,
                        path=f.path,
                        line=f.start.line,
                        fingerprint=f.fingerprint,
                        snippet=shown_text(f)[:200],
                        on_changed_line=True,
                        commented=f.fingerprint in commented and out.comments_posted > 0,
                        suggested=f.suggestion is not None,
                    )
                )
            if out.review_id is not None and reason == "auto":
                exists = (s.execute(self._posted_review_query(ref, ruleset))).first()
                if exists is None:
                    s.add(
                        PostedReview(
                            change_key=ref.key, revision=ref.revision, ruleset=ruleset, review_id=out.review_id
                        )
                    )
            if out.comments_posted:
                for c in comments:
                    row = (
                        s.execute(
                            select(CommentRow).where(
                                CommentRow.change_key == ref.key, CommentRow.fingerprint == c.fingerprint
                            )
                        )
                    ).scalar_one_or_none()
                    if row is None:
                        s.add(
                            CommentRow(
                                change_key=ref.key,
                                fingerprint=c.fingerprint,
                                rule_id=c.rule_id,
                                path=c.path,
                                line=c.end_line,
                                revision=ref.revision,
                            )
                        )
            for p in gone:
                row = (
                    s.execute(
                        select(CommentRow).where(
                            CommentRow.change_key == ref.key, CommentRow.fingerprint == p.fingerprint
                        )
                    )
                ).scalar_one_or_none()
                if row is not None:
                    row.state, row.resolved_at = "resolved", time.time()

        await self.store.run_write_session(write)
