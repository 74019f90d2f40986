"""Prometheus metrics (served on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOKS = Counter("reviewbot_webhooks_total", "Webhook deliveries by platform and outcome", ["platform", "outcome"])
JOBS = Counter("reviewbot_jobs_total", "Jobs finished by platform and outcome", ["platform", "outcome"])
FINDINGS = Counter("reviewbot_findings_total", "Findings on changed lines by defect class", ["defect_class"])
COMMENTS = Counter("reviewbot_comments_posted_total", "Inline comments posted", ["platform"])
RUN_SECONDS = Histogram(
    "reviewbot_run_seconds", "Time to review one change", ["platform"], buckets=(0.5, 1, 2, 5, 10, 20, 40, 80, 160)
)
INTAKE_SECONDS = Histogram(
    "reviewbot_intake_seconds", "Webhook answer time", buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
)
FEEDBACK = Counter("reviewbot_feedback_total", "Not-useful / ignore replies recorded", ["platform"])
