"""aiohttp application: webhook intake answers in milliseconds; workers do the slow work."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select

from bot import metrics
from bot.config import Settings
from bot.intake import Intake, JobSpec
from bot.models import ChangeRef
from bot.pipeline import Pipeline
from bot.platforms.base import Platform, PlatformError
from bot.platforms.github_events import decide, verify_signature
from bot.queue import JobQueue
from bot.scan import ScanLimits, Scanner
from bot.store import Job, Run, Store

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
        s = settings.scan
        self.scanner = scanner or Scanner(
            s.rules_dir,
            semgrep_bin=s.semgrep_bin,
            limits=ScanLimits(
                max_file_bytes=s.max_file_bytes,
                timeout_per_file_s=s.timeout_per_file_s,
                max_memory_mb=s.max_memory_mb,
                run_timeout_s=s.run_timeout_s,
            ),
            cache=_cache(),
        )
        self.pipeline = Pipeline(settings, self.store, self.scanner)
        if platforms is None:
            from bot.platforms.github import GitHubPlatform

            platforms = {"github": GitHubPlatform(settings.github, settings.review)}
        self.platforms = platforms
        self.workers: list[asyncio.Task[None]] = []

    async def handle_job(self, job: Job) -> None:
        platform = self.platforms.get(job.platform)
        if platform is None:
            raise PlatformError(f"no adapter for platform {job.platform!r}")
        ref = ChangeRef.model_validate(job.ref)
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

    async def start(self, workers: int) -> None:
        await self.store.create_all()
        recovered = await self.queue.recover()
        if recovered:
            log.info("re-queued %d job(s) left running by an earlier process", recovered)
        self.intake.start()
        self.workers = [
            asyncio.create_task(self.queue.work(self.handle_job, i), name=f"worker-{i}") for i in range(workers)
        ]

    async def stop(self) -> None:
        self.queue.stop()
        for w in self.workers:
            w.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        await self.intake.stop()
        await self.store.close()


SERVICES: web.AppKey[Services] = web.AppKey("services", Services)


def _cache() -> Any:
    from bot.cache import FindingsCache, default_cache_dir

    return FindingsCache(default_cache_dir())


def _json(code: int, /, **body: Any) -> web.Response:
    return web.json_response(body, status=code)


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
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise ValueError("payload is not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        return _json(400, error=f"malformed JSON: {exc}")
    if event == "ping":
        return _json(200, status="pong", zen=str(payload.get("zen", "")))
    try:
        decision = decide(event, payload, settings.github)
    except (KeyError, TypeError, ValueError) as exc:
        return _json(400, error=f"malformed {event} payload: missing or invalid {exc}")
    job = None
    if decision.ref is not None:
        ref = decision.ref
        job = JobSpec(
            change_key=ref.key,
            platform="github",
            ref=ref.model_dump(mode="json"),
            reason=decision.reason,
            requested_by=decision.requested_by,
        )
    accepted = await services.intake.submit(f"github:{delivery}", event, job)
    if accepted.duplicate:
        return _json(200, status="duplicate", delivery=delivery)
    if decision.ignored:
        return _json(200, status="ignored", reason=decision.ignored)
    assert accepted.job is not None
    return _json(202, status="accepted", job=accepted.job.job_id, coalesced=accepted.job.coalesced)


async def healthz(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        counts = await services.queue.counts()
    except Exception as exc:
        return _json(503, status="unhealthy", error=type(exc).__name__)
    return _json(200, status="ok", jobs=counts)


async def metrics_route(request: web.Request) -> web.Response:
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


def create_app(settings: Settings, services: Services | None = None, *, workers: int | None = None) -> web.Application:
    app = web.Application(client_max_size=settings.server.max_body_bytes)
    app[SETTINGS] = settings
    svc = services or Services(settings)
    app[SERVICES] = svc
    n = settings.server.workers if workers is None else workers

    async def on_startup(_app: web.Application) -> None:
        await svc.start(n)

    async def on_cleanup(_app: web.Application) -> None:
        await svc.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_post("/webhooks/github", github_webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_route)
    app.router.add_get("/api/runs", api_runs)
    return app
