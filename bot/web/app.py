"""aiohttp application: webhook intake answers in milliseconds; workers do the slow work."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select

from bot import metrics
from bot.config import Settings
from bot.intake import Intake, JobSpec
from bot.models import ChangeRef
from bot.pipeline import Pipeline
from bot.platforms.base import Platform, PlatformError
from bot.platforms.github_events import MalformedPayload, PingEvent, decide, parse_event, verify_signature
from bot.queue import JobQueue
from bot.scan import ScanLimits, Scanner
from bot.store import Job, Run, Store
from bot.web.siblings import ParentLink, Siblings

log = logging.getLogger(__name__)
SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)


class Services:
    """Everything the routes and workers share."""

    def __init__(
        self, settings: Settings, platforms: dict[str, Platform] | None = None, scanner: Scanner | None = None
    ) -> None:
        self.settings = settings
        self.store = Store(settings.store.database_url)
        self.queue = JobQueue(self.store, settings.queue)
        self.intake = Intake(self.store, on_enqueued=self.queue.notify)
        self.queue.defer = self.intake.busy_for
        s = settings.scan
        self.scanner = scanner or Scanner(
            s.rules_dir,
            semgrep_bin=s.semgrep_bin,
            min_confidence=s.min_confidence,
            limits=ScanLimits(
                max_file_bytes=s.max_file_bytes,
                timeout_per_file_s=s.timeout_per_file_s,
                max_memory_mb=s.max_memory_mb,
                nice=s.nice,
                run_timeout_s=s.run_timeout_s,
            ),
            cache=_cache(),
        )
        self.pipeline = Pipeline(settings, self.store, self.scanner)
        if platforms is None:
            from bot.platforms.github import GitHubPlatform

            platforms = {"github": GitHubPlatform(settings.github, settings.review)}
            if settings.gerrit.url:
                from bot.platforms.gerrit import GerritPlatform

                platforms["gerrit"] = GerritPlatform(settings.gerrit, settings.review)
        self.platforms = platforms
        self.workers: list[asyncio.Task[None]] = []
        self.stream: Any = None
        self.last_gerrit_event = time.time()

    async def ingest_gerrit(self, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Store one Gerrit event (webhook or stream) and enqueue its job.  (HTTP status, body)."""
        from bot.platforms.gerrit_events import decide, delivery_key

        try:
            decision = decide(event, self.settings.gerrit)
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {"error": f"malformed {event.get('type', 'gerrit')} event: missing or invalid {exc}"}
        created = event.get("eventCreatedOn")
        if isinstance(created, (int, float, str)) and str(created).isdigit():
            self.last_gerrit_event = max(self.last_gerrit_event, float(created))
        job = job_spec("gerrit", decision.ref, decision.reason, decision.requested_by)
        accepted = await self.intake.submit(delivery_key(event), decision.kind or "gerrit", job)
        if accepted.duplicate:
            return 200, {"status": "duplicate"}
        if decision.drop_waiting:
            dropped = await self.queue.drop_waiting(decision.drop_waiting)
            return 200, {"status": "ignored", "reason": decision.ignored, "dropped": dropped}
        if decision.ignored:
            return 200, {"status": "ignored", "reason": decision.ignored}
        assert accepted.job is not None
        return 202, {"status": "accepted", "job": accepted.job.job_id, "coalesced": accepted.job.coalesced}

    async def gerrit_catch_up(self) -> int:
        """After a stream (re)connection: enqueue open changes updated since the last event seen,
        so patch sets uploaded while we were disconnected are still reviewed."""
        from datetime import UTC, datetime

        from bot.platforms.gerrit import GerritPlatform
        from bot.platforms.gerrit_events import host_of

        platform = self.platforms.get("gerrit")
        if not isinstance(platform, GerritPlatform):
            return 0
        since = datetime.fromtimestamp(self.last_gerrit_event - 60, UTC).strftime("%Y-%m-%d %H:%M:%S")
        try:
            changes = await platform.client.get(
                "changes/", params={"q": f'status:open since:"{since}"', "o": "CURRENT_REVISION", "n": "500"}
            )
        except Exception:
            log.exception("Gerrit catch-up query failed")
            return 0
        n = 0
        for ch in changes or []:
            rev = str(ch.get("current_revision") or "")
            ps = (ch.get("revisions") or {}).get(rev, {}).get("_number")
            ref = ChangeRef(
                platform="gerrit",
                host=host_of(self.settings.gerrit),
                project=str(ch["project"]),
                number=int(ch["_number"]),
                revision=rev,
                patchset=ps,
            )
            spec = JobSpec(change_key=ref.key, platform="gerrit", ref=ref.model_dump(mode="json"))
            acc = await self.intake.submit(f"gerrit-catchup:{ref.key}:{rev}", "catch-up", spec)
            n += 0 if acc.duplicate else 1
        if n:
            log.info("Gerrit catch-up after (re)connect: %d change(s) queued", n)
        return n

    async def handle_job(self, job: Job) -> None:
        platform = self.platforms.get(job.platform)
        if platform is None:
            raise PlatformError(f"no adapter for platform {job.platform!r}")
        ref = ChangeRef.model_validate(job.ref)
        if job.reason == "feedback":
            n = await self.pipeline.collect_feedback(platform, ref)
            metrics.JOBS.labels(job.platform, "feedback").inc()
            metrics.FEEDBACK.labels(job.platform).inc(n)
            return
        t0 = time.monotonic()
        try:
            out = await self.pipeline.review_change(
                platform, ref, reason=job.reason, job_id=job.id, requested_by=job.requested_by
            )
        except Exception as exc:
            metrics.JOBS.labels(job.platform, type(exc).__name__).inc()
            raise
        metrics.RUN_SECONDS.labels(job.platform).observe(time.monotonic() - t0)
        metrics.JOBS.labels(job.platform, out.outcome).inc()
        metrics.COMMENTS.labels(job.platform).inc(out.comments_posted)

    async def start(self, workers: int, *, sibling: bool = False) -> None:
        if not sibling:
            await self.store.create_all()
        await self._warm_up()
        if sibling:
            # A sibling intake process only answers webhooks: the main process created the schema
            # and owns recovery, the Gerrit stream and the workers.
            self.intake.start()
            return
        recovered = await self.queue.recover()
        if recovered:
            log.info("re-queued %d job(s) left running by an earlier process", recovered)
        self.intake.start()
        if self.settings.gerrit.stream_events:
            from bot.platforms.gerrit_stream import StreamBridge

            async def on_event(event: dict[str, Any]) -> None:
                status, body = await self.ingest_gerrit(event)
                metrics.WEBHOOKS.labels("gerrit-stream", str(body.get("status", status))).inc()

            self.stream = StreamBridge(self.settings.gerrit, on_event, self.gerrit_catch_up)
            self.stream.start()
        self.workers = [
            asyncio.create_task(self.queue.work(self.handle_job, i), name=f"worker-{i}") for i in range(workers)
        ]
        cache = getattr(self.scanner, "cache", None)
        if cache is not None and self.settings.scan.cache_max_age_days > 0:
            self.workers.append(asyncio.create_task(self._prune_cache(cache.root.parent), name="cache-pruner"))

    async def _prune_cache(self, cache_dir: Path) -> None:
        """Once a minute after start-up, then daily: drop cached scan results past their age."""
        from bot.cache import prune

        max_age = self.settings.scan.cache_max_age_days * 86400
        await asyncio.sleep(PRUNE_FIRST_S)
        while True:
            try:
                removed = await asyncio.to_thread(prune, cache_dir, max_age)
                if removed:
                    log.info("pruned %d cached scan result(s) older than %g days", removed, max_age / 86400)
            except OSError as exc:
                log.warning("could not prune the scan cache in %s: %s", cache_dir, exc)
            await asyncio.sleep(PRUNE_EVERY_S)

    async def _warm_up(self) -> None:
        """Build what the first webhook would otherwise build while a burst waits: the models'
        validators (deferred for the CLI's sake) and the intake's statements."""
        from bot.platforms.github_events import decide, parse_event

        sample = {
            "action": "opened",
            "repository": {"full_name": "warm/up"},
            "pull_request": {"number": 1, "state": "open", "head": {"sha": "0" * 40}},
        }
        decision = decide("pull_request", parse_event("pull_request", orjson.dumps(sample)), self.settings.github)
        spec = job_spec("github", decision.ref, decision.reason, decision.requested_by)
        if spec is not None:
            await self.intake.warm_up(spec)

    async def stop(self) -> None:
        if self.stream is not None:
            await self.stream.stop()
        self.queue.stop()
        for w in self.workers:
            w.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        await self.intake.stop()
        for platform in self.platforms.values():
            close = getattr(platform, "close", None)
            if close is not None:
                await close()
        await self.store.close()


SERVICES: web.AppKey[Services] = web.AppKey("services", Services)
PRUNE_FIRST_S = 60.0
PRUNE_EVERY_S = 86400.0


def lower_priority(by: int) -> None:
    """Add `by` to the niceness of every thread of this process (on Linux, niceness is per
    thread: os.nice() alone would leave the database and executor threads as they were)."""
    if by <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:
        tids = [0]
    for tid in tids:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + by)
        except OSError as exc:  # a thread that has just ended, or no permission
            log.debug("could not lower the priority of thread %d: %s", tid, exc)


def _cache() -> Any:
    from bot.cache import FindingsCache, default_cache_dir

    return FindingsCache(default_cache_dir())


def job_spec(platform: str, ref: ChangeRef | None, reason: str, requested_by: str | None) -> JobSpec | None:
    """The job an accepted event asks for (None when the event is only recorded)."""
    if ref is None:
        return None
    return JobSpec(
        change_key=ref.key, platform=platform, ref=ref.model_dump(mode="json"), reason=reason, requested_by=requested_by
    )


def _json(code: int, /, **body: Any) -> web.Response:
    # orjson: every webhook answer is one of these, and a burst is hundreds of them
    return web.Response(body=orjson.dumps(body), status=code, content_type="application/json")


async def github_webhook(request: web.Request) -> web.Response:
    t0 = time.perf_counter()
    try:
        resp = await _github_webhook(request)
    except web.HTTPRequestEntityTooLarge:
        resp = _json(413, error="payload too large")
    outcome = {202: "accepted", 200: "ignored"}.get(resp.status, f"http_{resp.status}")
    metrics.WEBHOOKS.labels("github", outcome).inc()
    metrics.INTAKE_SECONDS.observe(time.perf_counter() - t0)
    return resp


async def _github_webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    services = request.app[SERVICES]
    limit = settings.server.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return _json(413, error=f"payload over {limit} bytes")
    body = await request.read()
    secret = settings.github.webhook_secret
    if secret is None:
        return _json(503, error="GitHub webhooks are not configured (github.webhook_secret)")
    if not verify_signature(secret.get_secret_value().encode(), body, request.headers.get("X-Hub-Signature-256")):
        return _json(401, error="missing or invalid X-Hub-Signature-256")
    event = request.headers.get("X-GitHub-Event", "")
    delivery = request.headers.get("X-GitHub-Delivery", "")
    if not event or not delivery:
        return _json(400, error="X-GitHub-Event and X-GitHub-Delivery headers are required")
    try:
        payload = parse_event(event, body)
    except MalformedPayload as exc:
        what = "JSON" if exc.json else f"{event} payload"
        return _json(400, error=f"malformed {what}: {exc}")
    if isinstance(payload, PingEvent):
        return _json(200, status="pong", zen=payload.zen or "")
    try:
        decision = decide(event, payload, settings.github)
    except KeyError as exc:
        return _json(400, error=f"malformed {event} payload: missing {exc}")
    job = job_spec("github", decision.ref, decision.reason, decision.requested_by)
    accepted = await services.intake.submit(f"github:{delivery}", event, job)
    if accepted.duplicate:
        return _json(200, status="duplicate", delivery=delivery)
    if decision.ignored:
        return _json(200, status="ignored", reason=decision.ignored)
    assert accepted.job is not None
    return _json(202, status="accepted", job=accepted.job.job_id, coalesced=accepted.job.coalesced)


async def gerrit_webhook(request: web.Request) -> web.Response:
    t0 = time.perf_counter()
    resp = await _gerrit_webhook(request)
    outcome = {202: "accepted", 200: "ignored"}.get(resp.status, f"http_{resp.status}")
    metrics.WEBHOOKS.labels("gerrit", outcome).inc()
    metrics.INTAKE_SECONDS.observe(time.perf_counter() - t0)
    return resp


async def _gerrit_webhook(request: web.Request) -> web.Response:
    from bot.platforms.gerrit_events import check_token, parse_event

    settings = request.app[SETTINGS]
    expected = settings.gerrit.webhook_token
    if expected is None:
        return _json(503, error="Gerrit webhooks are not configured (gerrit.webhook_token)")
    given = request.query.get("token")
    if given is None and request.headers.get("Authorization", "").startswith("Basic "):
        from aiohttp import BasicAuth

        try:
            given = BasicAuth.decode(request.headers["Authorization"]).password
        except ValueError:
            given = None
    if not check_token(expected.get_secret_value(), given):
        return _json(401, error="missing or wrong token")
    limit = settings.server.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return _json(413, error=f"payload over {limit} bytes")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _json(413, error="payload too large")
    try:
        event = parse_event(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _json(400, error=f"malformed JSON: {exc}")
    status, out = await request.app[SERVICES].ingest_gerrit(event)
    return _json(status, **out)


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        counts = await services.queue.counts()
    except Exception as exc:
        return _json(503, status="unhealthy", error=type(exc).__name__)
    return _json(200, status="ok", jobs=counts)


async def metrics_route(request: web.Request) -> web.Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several serve processes (server.intake_processes > 1): sum what every one counted.
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return web.Response(body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


async def api_runs(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        limit = min(max(int(request.query.get("limit", "50")), 1), 500)
    except ValueError:
        return _json(400, error="limit must be an integer")
    async with services.store.session() as s:
        runs = (await s.execute(select(Run).order_by(Run.id.desc()).limit(limit))).scalars().all()
        jobs = await s.execute(select(Job).where(Job.state.in_(["waiting", "running"])).order_by(Job.id))
        pending = jobs.scalars().all()
    return _json(
        200,
        runs=[
            {
                "id": r.id,
                "change": r.change_key,
                "revision": r.revision,
                "reason": r.reason,
                "outcome": r.outcome,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "files_scanned": r.files_scanned,
                "findings": r.findings_total,
                "comments_posted": r.comments_posted,
                "suggestions": r.suggestions,
                "resolved": r.resolved,
                "timings": {"fetch_s": r.fetch_s, "scan_s": r.scan_s, "post_s": r.post_s},
            }
            for r in runs
        ],
        jobs=[
            {
                "id": j.id,
                "change": j.change_key,
                "state": j.state,
                "reason": j.reason,
                "attempts": j.attempts,
                "run_after": j.run_after,
                "last_error": j.last_error,
            }
            for j in pending
        ],
    )


def create_app(
    settings: Settings,
    services: Services | None = None,
    *,
    workers: int | None = None,
    sibling_argv: list[str] | None = None,
    parent: ParentLink | None = None,
) -> web.Application:
    """The service.  `sibling_argv` (main process): with `server.intake_processes` ≥ 2, start that
    many sibling processes answering webhooks (`serve` with these arguments); the main process
    then does not listen.  `parent` (in a sibling): answer webhooks only."""
    app = web.Application(client_max_size=settings.server.max_body_bytes)
    app[SETTINGS] = settings
    svc = services or Services(settings)
    app[SERVICES] = svc
    n = settings.server.workers if workers is None else workers
    siblings = None
    if sibling_argv is not None and parent is None and settings.server.intake_processes > 1:
        siblings = Siblings(sibling_argv, settings.server.intake_processes, svc.queue.notify)
        # This process answers no webhooks: the siblings' announcements tell when a burst is on.
        svc.queue.defer = siblings.busy_for

    if parent is not None:
        # This process only answers webhooks: its batch writes leave WAL checkpoints to the workers.
        svc.store.checkpoints = False

    async def on_startup(_app: web.Application) -> None:
        if parent is not None:
            svc.intake.on_enqueued = parent.notify
            await svc.start(0, sibling=True)
            parent.start()
        else:
            await svc.start(n)
            if siblings is not None:
                siblings.start()
                # Started at full priority, the siblings answer webhooks; this process only
                # reviews from now on, and gives way to them (Semgrep's scan.nice comes on top).
                lower_priority(settings.server.worker_nice)
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector, whose full passes over it would stall webhook answers for tens of ms.
        gc.collect()
        gc.freeze()

    async def on_cleanup(_app: web.Application) -> None:
        if siblings is not None:
            await siblings.stop()
        if parent is not None:
            await parent.stop()
        await svc.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_post("/webhooks/github", github_webhook)
    app.router.add_post("/webhooks/gerrit", gerrit_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_route)
    app.router.add_get("/api/runs", api_runs)
    return app
