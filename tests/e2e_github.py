"""Shared set-up for end-to-end tests: a real reviewbot app + the fake GitHub on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.web.app import Services, create_app
from tests import github_payloads as gp
from tests.conftest import FIXTURES
from tests.fakes import FakeGitHub

TOKEN = "ghp_reviewbot_test_token"
OWNER, NAME = "octo", "demo"

OLD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n"
V1 = (
    "import requests\n\n\ndef fetch(url):\n    resp = requests.get(url)\n    try:\n        return resp.json()\n"
    "    except:\n        return None\n"
)
V2 = V1.replace("requests.get(url)", "requests.get(url, timeout=5)") + "\n\ndef run(code):\n    eval(code)\n"


def make_settings(tmp_path: Path, api_url: str, rules: Path | None = None, **review: Any) -> Settings:
    return Settings.model_validate(
        {
            "store": {"database_url": f"sqlite+aiosqlite:///{tmp_path / 'rb.db'}"},
            "scan": {"rules_dir": str(rules or FIXTURES / "rules")},
            "review": review,
            "queue": {"poll_interval_s": 0.05, "backoff_base_s": 0.05, "max_attempts": 6},
            "github": {
                "api_url": api_url,
                "webhook_secret": gp.SECRET,
                "token": TOKEN,
                "seconds_between_writes": 0.0,
                "request_timeout_s": 5,
            },
        }
    )


def new_fake() -> FakeGitHub:
    fake = FakeGitHub(tokens={TOKEN: "reviewbot"})
    fake.add_repo(OWNER, NAME)
    return fake


async def start_app(aiohttp_client: Callable[..., Any], settings: Settings, workers: int = 1) -> Any:
    return await aiohttp_client(create_app(settings, Services(settings), workers=workers))


async def send(client: Any, event: str, payload: dict[str, Any], delivery: str | None = None) -> Any:
    body = gp.encode(payload)
    return await client.post("/webhooks/github", data=body, headers=gp.headers(event, body, delivery))


async def wait_until(pred: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def idle(client: Any) -> bool:
    """No job waiting or running."""
    counts = await client.app[__import__("bot.web.app", fromlist=["SERVICES"]).SERVICES].queue.counts()
    return not counts.get("waiting") and not counts.get("running")
